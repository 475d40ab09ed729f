//! Shell patterns (`case`, `${x#pat}`, globs) and matching them against known text.

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Any,
    Star,
    Class { negated: bool, items: Vec<ClassItem> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Named(String),
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    toks: Vec<Tok>,
}

impl Pattern {
    /// Compiles a pattern from characters marked as quoted (always literal) or not.
    pub fn new(marked: &[(char, bool)]) -> Pattern {
        let mut toks = Vec::new();
        let mut i = 0;
        while i < marked.len() {
            let (c, quoted) = marked[i];
            if quoted {
                toks.push(Tok::Lit(c));
                i += 1;
                continue;
            }
            match c {
                '*' => toks.push(Tok::Star),
                '?' => toks.push(Tok::Any),
                '\\' if i + 1 < marked.len() => {
                    i += 1;
                    toks.push(Tok::Lit(marked[i].0));
                }
                '[' => match parse_class(&marked[i + 1..]) {
                    Some((tok, used)) => {
                        toks.push(tok);
                        i += used;
                    }
                    None => toks.push(Tok::Lit('[')),
                },
                _ => toks.push(Tok::Lit(c)),
            }
            i += 1;
        }
        Pattern { toks }
    }

    /// A pattern from unquoted text.
    pub fn from_glob(text: &str) -> Pattern {
        let marked: Vec<(char, bool)> = text.chars().map(|c| (c, false)).collect();
        Pattern::new(&marked)
    }

    /// Whether the whole of `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        match_here(&self.toks, &chars)
    }

    /// Removes the shortest (or longest) matching prefix, as `${x#p}` / `${x##p}` do.
    pub fn strip_prefix(&self, s: &str, longest: bool) -> String {
        let chars: Vec<char> = s.chars().collect();
        let lens: Box<dyn Iterator<Item = usize>> =
            if longest { Box::new((0..=chars.len()).rev()) } else { Box::new(0..=chars.len()) };
        for n in lens {
            if match_here(&self.toks, &chars[..n]) {
                return chars[n..].iter().collect();
            }
        }
        s.to_string()
    }

    /// Removes the shortest (or longest) matching suffix, as `${x%p}` / `${x%%p}` do.
    pub fn strip_suffix(&self, s: &str, longest: bool) -> String {
        let chars: Vec<char> = s.chars().collect();
        let starts: Box<dyn Iterator<Item = usize>> =
            if longest { Box::new(0..=chars.len()) } else { Box::new((0..=chars.len()).rev()) };
        for start in starts {
            if match_here(&self.toks, &chars[start..]) {
                return chars[..start].iter().collect();
            }
        }
        s.to_string()
    }

    /// Replaces the first (or every) longest match, as bash's `${x/p/r}` and `${x//p/r}` do;
    /// `anchor` is `Some('#')` or `Some('%')` for `${x/#p/r}` and `${x/%p/r}`.
    pub fn replace(&self, s: &str, with: &str, all: bool, anchor: Option<char>) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        let mut replaced = false;
        while i <= chars.len() {
            let may_start = match anchor {
                Some('#') => i == 0,
                Some('%') => true,
                _ => !replaced || all,
            };
            let mut found = None;
            if may_start {
                let ends: Vec<usize> =
                    if anchor == Some('%') { vec![chars.len()] } else { (i..=chars.len()).rev().collect() };
                for end in ends {
                    if end < i {
                        continue;
                    }
                    if (end > i || self.toks.is_empty()) && match_here(&self.toks, &chars[i..end]) {
                        found = Some(end);
                        break;
                    }
                }
            }
            match found {
                Some(end) if end > i => {
                    out.push_str(with);
                    replaced = true;
                    i = end;
                    if !all || anchor.is_some() {
                        out.extend(&chars[i..]);
                        return out;
                    }
                }
                _ => {
                    if i < chars.len() {
                        out.push(chars[i]);
                    }
                    i += 1;
                }
            }
        }
        out
    }
}

fn parse_class(rest: &[(char, bool)]) -> Option<(Tok, usize)> {
    let mut i = 0;
    let mut negated = false;
    if let Some(&(c, false)) = rest.first() {
        if c == '!' || c == '^' {
            negated = true;
            i = 1;
        }
    }
    let mut items = Vec::new();
    let mut first = true;
    while i < rest.len() {
        let (c, q) = rest[i];
        if c == ']' && !q && !first {
            return Some((Tok::Class { negated, items }, i + 1));
        }
        first = false;
        if c == '[' && !q && rest.get(i + 1).map(|x| x.0) == Some(':') {
            let name: String = rest[i + 2..].iter().map(|x| x.0).take_while(|&c| c != ':').collect();
            let end = i + 2 + name.chars().count();
            if rest.get(end).map(|x| x.0) == Some(':') && rest.get(end + 1).map(|x| x.0) == Some(']') {
                items.push(ClassItem::Named(name));
                i = end + 2;
                continue;
            }
        }
        if rest.get(i + 1).map(|x| x.0) == Some('-') && rest.get(i + 2).is_some_and(|x| x.0 != ']') {
            items.push(ClassItem::Range(c, rest[i + 2].0));
            i += 3;
            continue;
        }
        items.push(ClassItem::Char(c));
        i += 1;
    }
    None
}

fn class_has(items: &[ClassItem], c: char) -> bool {
    items.iter().any(|it| match it {
        ClassItem::Char(x) => *x == c,
        ClassItem::Range(a, b) => *a <= c && c <= *b,
        ClassItem::Named(n) => match n.as_str() {
            "alpha" => c.is_alphabetic(),
            "digit" => c.is_ascii_digit(),
            "alnum" => c.is_alphanumeric(),
            "space" => c.is_whitespace(),
            "upper" => c.is_uppercase(),
            "lower" => c.is_lowercase(),
            "punct" => c.is_ascii_punctuation(),
            "xdigit" => c.is_ascii_hexdigit(),
            "blank" => c == ' ' || c == '\t',
            "cntrl" => c.is_control(),
            "print" => !c.is_control(),
            "graph" => !c.is_control() && c != ' ',
            _ => false,
        },
    })
}

fn match_here(toks: &[Tok], s: &[char]) -> bool {
    // Iterative matching with backtracking on the last star keeps this linear-ish and stack-safe.
    let (mut ti, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        let ok = match toks.get(ti) {
            Some(Tok::Lit(c)) => *c == s[si],
            Some(Tok::Any) => true,
            Some(Tok::Class { negated, items }) => class_has(items, s[si]) != *negated,
            Some(Tok::Star) => {
                star = Some((ti, si));
                ti += 1;
                continue;
            }
            None => false,
        };
        if ok {
            ti += 1;
            si += 1;
        } else if let Some((st, ss)) = star {
            ti = st + 1;
            si = ss + 1;
            star = Some((st, ss + 1));
        } else {
            return false;
        }
    }
    toks[ti..].iter().all(|t| matches!(t, Tok::Star))
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn matching_and_stripping() {
        let p = Pattern::from_glob("*.conf");
        assert!(p.matches("a.conf"));
        assert!(!p.matches("a.confx"));
        assert_eq!(Pattern::from_glob("*/").strip_prefix("/a/b/c", true), "c");
        assert_eq!(Pattern::from_glob("*/").strip_prefix("/a/b/c", false), "a/b/c");
        assert_eq!(Pattern::from_glob(".*").strip_suffix("net.eth0.x", false), "net.eth0");
        assert_eq!(Pattern::from_glob(".*").strip_suffix("net.eth0.x", true), "net");
        assert!(Pattern::from_glob("[Yy][Ee][Ss]").matches("yEs"));
        assert!(Pattern::from_glob("[!0-9]*").matches("a1"));
        assert!(Pattern::from_glob("[[:digit:]]").matches("7"));
        assert_eq!(Pattern::from_glob(",").replace("a,b,c", " ", true, None), "a b c");
        assert_eq!(Pattern::from_glob(",").replace("a,b,c", " ", false, None), "a b,c");
        assert_eq!(Pattern::from_glob("a").replace("aXa", "b", false, Some('%')), "aXb");
    }
}
