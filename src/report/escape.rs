//! Text from the inputs (file names, values quoted in messages, source lines) made safe to print
//! on a terminal or in a line-oriented log: a file may be named `a\nb.initd` or hold an escape
//! sequence that would move the cursor, recolour the terminal or retitle the window.
//!
//! The JSON, SARIF and GitHub writers escape through their own syntax; the gcc and human
//! formats (and the command line's own messages) escape here, the way Rust's `{:?}` writes a
//! string: `\n`, `\r`, `\t`, and `\u{…}` for every other control character and for the
//! invisible characters that reorder or break a line (the bidirectional overrides Trojan Source
//! uses, CVE-2021-42574, and U+2028/U+2029).

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::core::byte_chunks::fold_by_sixteen;

/// Whether a character must not reach a terminal as it is: every Unicode control character (C0,
/// DEL, C1) and the format characters that change how a line reads.
fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

fn escape_with(s: &str, backslash: bool) -> Cow<'_, str> {
    if !needs_escape(s, backslash) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' if backslash => out.push_str("\\\\"),
            c if is_unprintable(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `s` holds something `escape_with` changes. Nearly every message and file name is
/// printable ASCII without a backslash, which is checked sixteen bytes at a time; anything else
/// is looked at closely.
fn needs_escape(s: &str, backslash: bool) -> bool {
    // Bitwise, not `&&`: no branch per byte, so the test of a chunk is vectorised.
    let plain = |b: u8| (0x20..0x7f).contains(&b) & !(backslash & (b == b'\\'));
    // A report is mostly this check (436 KB of messages and names for a lint of the corpus).
    let all_plain = fold_by_sixteen(s.as_bytes(), true, |ok, b| ok & plain(b), |ok| ok);
    !all_plain && has_escapable(s, backslash)
}

/// Whether `s`, which is not all printable ASCII, holds something `escape_with` changes. ASCII
/// text is read byte by byte: its only unprintable characters are the C0 controls and DEL.
fn has_escapable(s: &str, backslash: bool) -> bool {
    if s.is_ascii() {
        return s.bytes().any(|b| b < 0x20 || b == 0x7f || (backslash && b == b'\\'));
    }
    has_unprintable_char(s, backslash)
}

/// Whether `s` holds a character `escape_with` changes, read character by character.
fn has_unprintable_char(s: &str, backslash: bool) -> bool {
    s.chars().any(|c| is_unprintable(c) || (backslash && c == '\\'))
}

/// A file name as one unambiguous line: control and reordering characters escaped, and `\` too,
/// so the escaped form of a newline cannot be confused with a name holding `\n`.
pub fn file_name(name: &str) -> Cow<'_, str> {
    escape_with(name, true)
}

/// A message or other text on one line: control and reordering characters escaped; backslashes
/// (common in quoted values) left as they are.
pub fn text(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// Source text to be shown with labels at byte offsets into it: every unprintable character but
/// a newline, a tab and the carriage return of a CRLF line end is replaced by one of the same
/// length in UTF-8 (`?`, `¿` or `�`), so every offset still points where it did. `None` when the
/// text is printable as it is.
pub fn source(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let shown = |i: usize, c: char| {
        !is_unprintable(c) || c == '\n' || c == '\t' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n'))
    };
    if text.char_indices().all(|(i, c)| shown(i, c)) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if shown(i, c) {
            out.push(c);
        } else {
            // Control and format characters take one to three bytes in UTF-8, never four.
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '\u{bf}',
                _ => '\u{FFFD}',
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sixteen-bytes-at-a-time and the byte-by-byte readings find exactly what the character
    /// reading does, for every ASCII character and some others, wherever they stand against the
    /// chunks (first, last, either side of a boundary, in the remainder).
    #[test]
    fn ascii_is_read_as_characters_are() {
        let others = ['é', '…', '\u{9b}', '\u{202e}', '\u{2028}', '\u{fffd}'];
        for c in (0u8..0x80).map(char::from).chain(others) {
            for at in [0, 1, 15, 16, 17, 31, 32, 40] {
                for backslash in [false, true] {
                    let text = format!("{}{c}{}", "a".repeat(at), "b".repeat(40 - at));
                    assert_eq!(
                        needs_escape(&text, backslash),
                        has_unprintable_char(&text, backslash),
                        "{c:?} at {at}, backslash {backslash}"
                    );
                }
            }
        }
    }

    #[test]
    fn names_and_messages() {
        assert_eq!(file_name("plain/name"), "plain/name");
        assert_eq!(file_name("a\nb"), "a\\nb");
        assert_eq!(file_name("a\\nb"), "a\\\\nb");
        assert_eq!(file_name("\u{1b}[2J\u{7}x"), "\\u{1b}[2J\\u{7}x");
        assert_eq!(file_name("r\u{202e}gpj.initd"), "r\\u{202e}gpj.initd");
        assert_eq!(file_name("c1\u{9b}31m"), "c1\\u{9b}31m");
        assert_eq!(text("a\\b\tc"), "a\\b\\tc");
        assert!(matches!(text("nothing to do"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_keeps_every_offset() {
        assert_eq!(source("a=b\n\tc\r\n"), None);
        for s in ["x\u{1b}[31my\n", "\u{9b}a\u{202e}b\u{7f}\r", "é\u{1}"] {
            let cleaned = source(s).expect("changed");
            assert_eq!(cleaned.len(), s.len(), "{s:?} -> {cleaned:?}");
            assert!(!cleaned.chars().any(|c| is_unprintable(c) && c != '\n'), "{cleaned:?}");
            for (i, _) in s.char_indices() {
                assert!(cleaned.is_char_boundary(i), "{s:?}: {i}");
            }
        }
        assert_eq!(source("x\u{1b}y").as_deref(), Some("x?y"));
    }
}
