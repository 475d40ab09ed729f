//! Whether a value's debug form could hold a marker of a value computed at start, found without
//! writing the text: the daemon's debug form is where `at_start::check` looks for markers in
//! every field, and nearly no daemon has one anywhere.

use std::fmt::{self, Debug, Write};

/// How the debug form writes a marker's characters (`char::escape_debug`: private-use
/// characters are not printable), all but the last digit and the closing brace.
const ESCAPE: &[u8] = b"\\u{e00";

/// Whether `value`'s debug form holds `\u{e000}`, `\u{e001}` or the byte every UTF-8 form of
/// U+E000 to U+EFFF starts with (0xEE). `false` means the debug form holds neither marker
/// character in either form; `true` may be a false alarm (another character of that block).
pub fn may_hold_marker(value: &impl Debug) -> bool {
    let mut scan = Scan { matched: 0 };
    // The scan stops the formatting at its first find, as an error.
    write!(scan, "{value:?}").is_err()
}

/// A sink that reads what the formatter writes, byte by byte, and keeps nothing.
struct Scan {
    /// How many bytes of `\u{e00` followed by `0` or `1` then `}` the last bytes end with.
    matched: usize,
}

impl Write for Scan {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s.as_bytes();
        loop {
            if self.matched == 0 {
                // Nothing started: skip to the next backslash or 0xEE (a loop: most pieces the
                // formatter writes are a few bytes, shorter than memchr's setup).
                match rest.iter().position(|&b| b == b'\\' || b == 0xEE) {
                    Some(i) => rest = &rest[i..],
                    None => return Ok(()),
                }
            }
            let Some((&b, tail)) = rest.split_first() else { return Ok(()) };
            rest = tail;
            if b == 0xEE {
                return Err(fmt::Error);
            }
            self.matched = match (self.matched, b) {
                (i, _) if i < ESCAPE.len() && b == ESCAPE[i] => i + 1,
                (6, b'0' | b'1') => 7,
                (7, b'}') => return Err(fmt::Error),
                // No proper prefix of the escape is also its suffix but the backslash.
                _ => usize::from(b == b'\\'),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::may_hold_marker;
    use crate::eval::at_start::{CLOSE, OPEN};

    #[test]
    fn finds_the_markers_and_their_escapes_in_any_field() {
        assert!(may_hold_marker(&("a", String::from(OPEN))));
        assert!(may_hold_marker(&(Some(1), vec![format!("x{CLOSE}")])));
        // The text `\u{e000}` itself is written `\\u{e000}`, which holds the escape too.
        assert!(may_hold_marker(&"\\u{e000}"));
        assert!(may_hold_marker(&"\\u{e001}x"));
        assert!(may_hold_marker(&"\\\\u{e000}"));
        // A debug form written by hand may hold the characters themselves.
        struct Raw;
        impl std::fmt::Debug for Raw {
            fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a\u{e123}")
            }
        }
        assert!(may_hold_marker(&Raw));
    }

    #[test]
    fn nothing_else_is_taken_for_one() {
        for v in ["", "plain", "\\u{e002}", "\\u{e0001}", "\\u{e00}", "\\u{e0\\u{e00", "\u{e0001}", "\"quoted\"\n\t"] {
            assert!(!may_hold_marker(&v), "{v:?}");
        }
    }

    #[test]
    fn agrees_with_the_debug_text() {
        // Every string of up to four pieces of the escape, the markers and other text.
        let (open, close) = (OPEN.to_string(), CLOSE.to_string());
        let alphabet = ["\\", "u{e00", "\\u{e00", "0", "1", "}", "x", "\n", &open, &close];
        let mut words = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> =
                words.iter().flat_map(|w| alphabet.iter().map(move |p| format!("{w}{p}"))).collect();
            words.extend(longer);
        }
        words.sort();
        words.dedup();
        for w in &words {
            let text = format!("{w:?}");
            let marker = text.contains("\\u{e000}") || text.contains("\\u{e001}") || text.contains([OPEN, CLOSE]);
            assert_eq!(may_hold_marker(w), marker, "{w:?}");
        }
    }
}
