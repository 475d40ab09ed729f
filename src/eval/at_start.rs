//! Command substitutions OpenRC runs each time it starts the service whose output a run script
//! can compute at the same moment: `$(nproc)`, `$(hostname)`, `$(cat FILE)`, `$(id -u USER)`,
//! `$(id -g USER)` with every word known. The value is not known when rc2s6 runs, so it is
//! carried inside the text as a marker (private-use characters a script cannot contain: the
//! expander makes any such character in a script unknowable) with an
//! [`Uncertainty::AtStart`](super::value::Uncertainty::AtStart) beside it; only the model decides
//! where one may be used, and a backend prints the command that computes it.

/// Opens a marker.
pub const OPEN: char = '\u{E000}';
/// Closes a marker.
pub const CLOSE: char = '\u{E001}';

/// A command whose output OpenRC takes when it starts the service, and the run script too.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AtStart {
    /// `nproc` (GNU coreutils, busybox): the number of processing units available.
    Nproc,
    /// `hostname`: the system's host name.
    Hostname,
    /// `cat FILE`: the file's contents.
    Cat(String),
    /// `id -u USER`: the account's user ID.
    UserId(String),
    /// `id -g USER`: the account's primary group ID.
    GroupId(String),
}

impl AtStart {
    /// The command a substitution runs, if it is one of these with the words `words` (the
    /// program first), each known. An operand starting with `-` would be an option, and an empty
    /// one means something else to each implementation: neither is taken.
    pub fn from_words(words: &[String]) -> Option<AtStart> {
        let operand = |w: &String| !w.is_empty() && !w.starts_with('-') && !w.contains([OPEN, CLOSE]);
        match words {
            [p] if p == "nproc" => Some(AtStart::Nproc),
            [p] if p == "hostname" => Some(AtStart::Hostname),
            [p, f] if p == "cat" && operand(f) => Some(AtStart::Cat(f.clone())),
            [p, o, u] if p == "id" && o == "-u" && operand(u) => Some(AtStart::UserId(u.clone())),
            [p, o, u] if p == "id" && o == "-g" && operand(u) => Some(AtStart::GroupId(u.clone())),
            _ => None,
        }
    }

    /// The command's words, the program first.
    pub fn words(&self) -> Vec<String> {
        let w = |s: &str| s.to_string();
        match self {
            AtStart::Nproc => vec![w("nproc")],
            AtStart::Hostname => vec![w("hostname")],
            AtStart::Cat(f) => vec![w("cat"), f.clone()],
            AtStart::UserId(u) => vec![w("id"), w("-u"), u.clone()],
            AtStart::GroupId(u) => vec![w("id"), w("-g"), u.clone()],
        }
    }

    /// The command as a script writes it: `$(cat /etc/x)`.
    pub fn display(&self) -> String {
        format!("$({})", self.words().join(" "))
    }

    /// The marker that stands for the command's output in a value's text.
    pub fn marker(&self) -> String {
        let (kind, arg) = match self {
            AtStart::Nproc => ('n', ""),
            AtStart::Hostname => ('h', ""),
            AtStart::Cat(f) => ('c', f.as_str()),
            AtStart::UserId(u) => ('u', u.as_str()),
            AtStart::GroupId(u) => ('g', u.as_str()),
        };
        format!("{OPEN}{kind}{arg}{CLOSE}")
    }

    fn from_marker(kind: char, arg: &str) -> Option<AtStart> {
        match (kind, arg.is_empty()) {
            ('n', true) => Some(AtStart::Nproc),
            ('h', true) => Some(AtStart::Hostname),
            ('c', false) => Some(AtStart::Cat(arg.into())),
            ('u', false) => Some(AtStart::UserId(arg.into())),
            ('g', false) => Some(AtStart::GroupId(arg.into())),
            _ => None,
        }
    }
}

/// A piece of a word whose value is partly computed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Known text.
    Text(String),
    /// A command's output.
    Command(AtStart),
}

/// Whether `text` holds a marker (or a piece of one). Looked for by their UTF-8 bytes (EE 80 80
/// and EE 80 81), after a look for the byte 0xEE, which nearly no text holds: the expander asks
/// this of every literal piece of every word it expands, and a search for either of two
/// characters decoded every character of it.
pub fn has_marker(text: &str) -> bool {
    let b = text.as_bytes();
    b.contains(&0xEE) && b.windows(3).any(|w| w[0] == 0xEE && w[1] == 0x80 && matches!(w[2], 0x80 | 0x81))
}

/// The segments of `text`, or `None` when a marker is broken (an expansion cut into it).
pub fn segments(text: &str) -> Option<Vec<Segment>> {
    // Without a marker the text is one segment (none if empty): most words the backends ask
    // about, which the search below decoded character by character.
    if !has_marker(text) {
        return Some(if text.is_empty() { Vec::new() } else { vec![Segment::Text(text.to_string())] });
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find([OPEN, CLOSE]) {
        if rest[i..].starts_with(CLOSE) {
            return None;
        }
        if i > 0 {
            out.push(Segment::Text(rest[..i].to_string()));
        }
        let body = &rest[i + OPEN.len_utf8()..];
        let end = body.find([OPEN, CLOSE])?;
        if !body[end..].starts_with(CLOSE) {
            return None;
        }
        let mut chars = body[..end].chars();
        let kind = chars.next()?;
        out.push(Segment::Command(AtStart::from_marker(kind, chars.as_str())?));
        rest = &body[end + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Segment::Text(rest.to_string()));
    }
    Some(out)
}

/// `text` as a reader writes it: each marker as its command (`$(nproc)`), a broken one as `?`.
pub fn readable(text: &str) -> String {
    match segments(text) {
        Some(segs) => segs
            .into_iter()
            .map(|s| match s {
                Segment::Text(t) => t,
                Segment::Command(c) => c.display(),
            })
            .collect(),
        None => text.replace([OPEN, CLOSE], "?"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn only_the_listed_commands_with_plain_operands() {
        let cases: &[(&str, Option<AtStart>)] = &[
            ("nproc", Some(AtStart::Nproc)),
            ("hostname", Some(AtStart::Hostname)),
            ("cat /etc/x", Some(AtStart::Cat("/etc/x".into()))),
            ("id -u dnscache", Some(AtStart::UserId("dnscache".into()))),
            ("id -g dnscache", Some(AtStart::GroupId("dnscache".into()))),
            ("nproc --all", None),
            ("hostname -f", None),
            ("cat -v /x", None),
            ("cat /a /b", None),
            ("cat", None),
            ("id -u", None),
            ("id -un x", None),
            ("id -u -x", None),
            ("uname -r", None),
        ];
        for (w, want) in cases {
            assert_eq!(AtStart::from_words(&words(w)), *want, "{w}");
        }
        assert_eq!(AtStart::from_words(&["cat".into(), String::new()]), None);
    }

    #[test]
    fn a_marker_is_found_by_its_bytes() {
        for (text, holds) in [
            ("", false),
            ("plain /usr/bin/x", false),
            ("\u{E000}", true),
            ("a\u{E001}", true),
            ("\u{E002}\u{E0FF}\u{EFFF}é", false),
            ("\u{E002}x\u{E000}", true),
        ] {
            assert_eq!(has_marker(text), holds, "{text:?}");
            assert_eq!(has_marker(text), text.contains([OPEN, CLOSE]), "{text:?}");
        }
    }

    #[test]
    fn markers_read_back_and_broken_ones_are_refused() {
        let all = [
            AtStart::Nproc,
            AtStart::Hostname,
            AtStart::Cat("/sys/x y".into()),
            AtStart::UserId("u".into()),
            AtStart::GroupId("g".into()),
        ];
        for c in &all {
            let text = format!("-c{}x", c.marker());
            let want = vec![Segment::Text("-c".into()), Segment::Command(c.clone()), Segment::Text("x".into())];
            assert_eq!(segments(&text), Some(want));
            assert!(has_marker(&text));
        }
        let two = format!("{}{}", AtStart::Nproc.marker(), AtStart::Hostname.marker());
        assert_eq!(segments(&two), Some(vec![Segment::Command(AtStart::Nproc), Segment::Command(AtStart::Hostname)]));
        assert_eq!(segments("plain"), Some(vec![Segment::Text("plain".into())]));
        assert_eq!(segments(""), Some(Vec::new()));
        let m = AtStart::Cat("/f".into()).marker();
        // Cut by `${x#?}`, `${x%?}`, changed by `${x/c/q}`, an empty kind, nested.
        for broken in
            [&m[OPEN.len_utf8()..], &m[..m.len() - CLOSE.len_utf8()], "\u{E000}q/f\u{E001}", "\u{E000}\u{E001}"]
        {
            assert_eq!(segments(broken), None, "{broken:?}");
        }
        assert_eq!(segments(&format!("{OPEN}{m}")), None);
        assert_eq!(segments("\u{E000}n/x\u{E001}"), None);
        assert_eq!(readable(&format!("-j{}", AtStart::Nproc.marker())), "-j$(nproc)");
        assert_eq!(readable(&m[OPEN.len_utf8()..]), "c/f?");
    }
}
