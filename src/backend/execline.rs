//! Execline scripts: the one place that knows how a value becomes exactly one execline word.
//!
//! execlineb (2.9) reads `"…"` as one word whatever it holds, with `\` escaping the next
//! character; outside quotes, blanks and control bytes split words, `#` starts a comment at a
//! word's start and a lone `{` or `}` opens or closes a block. Scripts are run with `-P`, so no
//! `$` substitution happens and a value's `$` stays literal.

use std::fmt::Write as _;

/// A value that cannot be an execline word: NUL cannot be in an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NulInWord;

/// Quotes `s` as one execline word; bare when that is unambiguous and readable.
pub fn quote(s: &str) -> Result<String, NulInWord> {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(&mut out, s)?;
    Ok(out)
}

/// The bytes a bare word may hold: ASCII letters, digits and `_@%+=:,./-`.
const BARE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(c, b'_' | b'@' | b'%' | b'+' | b'=' | b':' | b',' | b'.' | b'/' | b'-');
        b += 1;
    }
    t
};

/// [`quote`], appended to `out`: a script is rendered into one text, without a `String` per
/// word (a run script has about 40 words, each quoted once).
fn quote_into(out: &mut String, s: &str) -> Result<(), NulInWord> {
    // A table look-up per byte: no byte of a bare word is NUL, so one pass also tells there is none.
    if !s.is_empty() && !s.starts_with('#') && s.bytes().all(|b| BARE[usize::from(b)]) {
        out.push_str(s);
        return Ok(());
    }
    if s.contains('\0') {
        return Err(NulInWord);
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Other control bytes in hex, so the script stays printable.
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\0x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(())
}

/// Quotes `s` as one execline word keeping its newlines and tabs as they are, so a program
/// written inside it (a shell script in a oneshot's `up`) stays readable: execlineb's lexer takes
/// every byte between the quotes but `\` and `"` literally (verified with s6-rc-compile 0.6.1.1
/// and execlineb 2.9.9). Bare when [`quote`] would leave it bare.
pub fn quote_text(s: &str) -> Result<String, NulInWord> {
    let bare = quote(s)?;
    if !bare.starts_with('"') {
        return Ok(bare);
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\0x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// An execline script under construction: a chain of commands, one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExeclineScript {
    interpreter: String,
    lines: Vec<Vec<Word>>,
}

/// One word of a script line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// A value, quoted when written.
    Value(String),
    /// Block syntax (`{`, `}`), written as is.
    Syntax(&'static str),
}

impl Word {
    /// Its length unquoted: what the rendered text holds at least.
    fn len(&self) -> usize {
        match self {
            Word::Value(v) => v.len(),
            Word::Syntax(s) => s.len(),
        }
    }
}

/// One element of [`ExeclineScript::tokens_line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A value, one word.
    Word(String),
    /// `{`: a block begins.
    Open,
    /// `}`: it ends.
    Close,
}

impl ExeclineScript {
    /// A script run by `interpreter` (e.g. `/bin/execlineb`) with `-P`.
    pub fn new(interpreter: &str) -> Self {
        ExeclineScript { interpreter: interpreter.to_string(), lines: Vec::new() }
    }

    /// Adds a command line: each element one word.
    pub fn line<I, S>(&mut self, words: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lines.push(words.into_iter().map(|w| Word::Value(w.into())).collect());
        self
    }

    /// Adds `prog { block words }`: a block-taking command such as `if`.
    pub fn block_line<I, S>(&mut self, prog: &[&str], block: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut l: Vec<Word> = prog.iter().map(|p| Word::Value(p.to_string())).collect();
        l.push(Word::Syntax("{"));
        l.extend(block.into_iter().map(|w| Word::Value(w.into())));
        l.push(Word::Syntax("}"));
        self.lines.push(l);
        self
    }

    /// Adds a command line whose blocks may nest: each [`Token::Word`] one word, quoted when
    /// written; the block syntax as it is.
    pub fn tokens_line(&mut self, tokens: impl IntoIterator<Item = Token>) -> &mut Self {
        self.lines.push(
            tokens
                .into_iter()
                .map(|t| match t {
                    Token::Word(w) => Word::Value(w),
                    Token::Open => Word::Syntax("{"),
                    Token::Close => Word::Syntax("}"),
                })
                .collect(),
        );
        self
    }

    /// Adds `head {`, the lines of `inner` (each one space further in), and `}`: a block whose
    /// chain is written a command per line, as `ifelse { test } { … }` takes its second block.
    /// execlineb reads a newline as any other blank, so the lines are one block.
    pub fn nested_block(&mut self, head: impl IntoIterator<Item = Token>, inner: ExeclineScript) -> &mut Self {
        let mut first: Vec<Word> = Vec::new();
        self.tokens_line(head);
        if let Some(l) = self.lines.pop() {
            first = l;
        }
        first.push(Word::Syntax("{"));
        self.lines.push(first);
        for mut l in inner.lines {
            l.insert(0, Word::Syntax(""));
            self.lines.push(l);
        }
        self.lines.push(vec![Word::Syntax("}")]);
        self
    }

    /// The script's text.
    pub fn render(&self) -> Result<String, NulInWord> {
        let words: usize = self.lines.iter().map(|l| l.iter().map(Word::len).sum::<usize>() + l.len()).sum();
        let mut out = String::with_capacity(self.interpreter.len() + 6 + words + words / 8);
        out.push_str("#!");
        out.push_str(&self.interpreter);
        out.push_str(" -P\n");
        for l in &self.lines {
            for (i, w) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                match w {
                    Word::Value(v) => quote_into(&mut out, v)?,
                    Word::Syntax(s) => out.push_str(s),
                }
            }
            out.push('\n');
        }
        Ok(out)
    }

    /// The argv execlineb would build from the script (for tests and verify), assuming no
    /// blocks; `None` if the script has blocks.
    pub fn argv(&self) -> Option<Vec<String>> {
        let mut v = Vec::new();
        for l in &self.lines {
            for w in l {
                match w {
                    Word::Value(s) => v.push(s.clone()),
                    Word::Syntax(_) => return None,
                }
            }
        }
        Some(v)
    }
}

/// Splits execline text into words the way execlineb's lexer does (blocks flattened with their
/// one-space prefixes, as execlineb passes them). Used to compare run scripts by meaning.
pub fn tokenize(text: &str) -> Result<Vec<String>, String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut level: usize = 0;
    while i < b.len() {
        let c = b[i];
        if c <= 32 {
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let mut word: Vec<u8> = Vec::new();
        let mut quoted_any = false;
        while i < b.len() && b[i] > 32 {
            match b[i] {
                b'"' => {
                    quoted_any = true;
                    i = quoted(b, i + 1, &mut word)?;
                }
                b'\\' => {
                    let Some(&e) = b.get(i + 1) else { return Err("backslash at end".into()) };
                    word.push(e);
                    i += 2;
                }
                other => {
                    word.push(other);
                    i += 1;
                }
            }
        }
        let w = String::from_utf8_lossy(&word).into_owned();
        if !quoted_any && w == "{" {
            level += 1;
            continue;
        }
        if !quoted_any && w == "}" {
            level = level.checked_sub(1).ok_or("unmatched }")?;
            out.push(" ".repeat(level));
            continue;
        }
        out.push(format!("{}{}", " ".repeat(level), w));
    }
    if level != 0 {
        return Err("unmatched {".into());
    }
    Ok(out)
}

/// Reads a quoted string's contents from `b[i..]` (just past the opening quote) into `word`;
/// returns where the text goes on after the closing quote.
fn quoted(b: &[u8], mut i: usize, word: &mut Vec<u8>) -> Result<usize, String> {
    loop {
        let Some(&q) = b.get(i) else { return Err("unterminated quote".into()) };
        i += 1;
        match q {
            b'"' => return Ok(i),
            b'\\' => i = escape(b, i, word)?,
            other => word.push(other),
        }
    }
}

/// Reads the escape after a backslash in a quoted string, at `b[i..]`, into `word`; returns
/// where the string goes on.
fn escape(b: &[u8], mut i: usize, word: &mut Vec<u8>) -> Result<usize, String> {
    let Some(&e) = b.get(i) else { return Err("backslash at end".into()) };
    i += 1;
    match e {
        b'a' => word.push(7),
        b'b' => word.push(8),
        b't' => word.push(9),
        b'n' => word.push(10),
        b'v' => word.push(11),
        b'f' => word.push(12),
        b'r' => word.push(13),
        b'\n' => {}
        b'0' if b.get(i) == Some(&b'x') => {
            i += 1;
            let start = i;
            while i < b.len() && i < start + 2 && b[i].is_ascii_hexdigit() {
                i += 1;
            }
            let v = u8::from_str_radix(std::str::from_utf8(&b[start..i]).unwrap_or(""), 16)
                .map_err(|_| "bad hex escape")?;
            if v == 0 {
                return Err("NUL escape".into());
            }
            word.push(v);
        }
        b'0' => {
            let start = i;
            while i < b.len() && i < start + 3 && (b'0'..=b'7').contains(&b[i]) {
                i += 1;
            }
            let v = u32::from_str_radix(std::str::from_utf8(&b[start..i]).unwrap_or(""), 8)
                .map_err(|_| "bad octal escape")?;
            if v == 0 || v > 255 {
                return Err("bad octal escape".into());
            }
            word.push(v as u8);
        }
        b'1'..=b'9' => {
            let start = i - 1;
            while i < b.len() && i < start + 3 && b[i].is_ascii_digit() {
                i += 1;
            }
            let v: u32 = std::str::from_utf8(&b[start..i]).unwrap_or("").parse().map_err(|_| "bad escape")?;
            if v > 255 {
                return Err("bad decimal escape".into());
            }
            word.push(v as u8);
        }
        other => word.push(other),
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips_through_the_tokenizer() {
        let cases = [
            "",
            "plain",
            "a b",
            "say \"hi\"",
            "back\\slash",
            "{",
            "}",
            "#x",
            "a\nb",
            "tab\there",
            "$1 ${x}",
            "ünï",
            "\x01\x7f",
        ];
        for c in cases {
            let q = quote(c).unwrap();
            assert_eq!(tokenize(&q).unwrap(), vec![c.to_string()], "{c:?} quoted as {q}");
        }
        assert_eq!(quote("a\0b"), Err(NulInWord));
    }

    #[test]
    fn scripts_render_one_command_per_line() {
        let mut s = ExeclineScript::new("/bin/execlineb");
        s.line(["fdmove", "-c", "2", "1"]).line(["/usr/bin/x", "a b", "}"]);
        assert_eq!(s.render().unwrap(), "#!/bin/execlineb -P\nfdmove -c 2 1\n/usr/bin/x \"a b\" \"}\"\n");
    }
}
