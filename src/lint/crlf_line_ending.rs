#![doc = include_str!("../../docs/codes/lint/crlf_line_ending.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::core::source::FileId;
use crate::openrc::service_files::FileRole;

/// Fires once per script or conf.d file that has a carriage return before a newline.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    for (i, f) in cx.analysis.files.iter().enumerate() {
        let i = FileId::new(i);
        if cx.role(i) == FileRole::RcConf {
            continue;
        }
        if let Some(at) = first_crlf(f.source.text()) {
            out.push(cx.finding(i, LintError::CrlfLineEnding { span: (at, 1).into() }));
        }
    }
}

/// Where the first `\r\n` is: each `\r` found with the memchr crate's vector search, where
/// `find("\r\n")` ran the substring searcher over every byte (2.1M instructions over 349
/// scripts against 0.4M), and `str::find` of a char, core's word-at-a-time memchr, read
/// every script at about a byte an instruction.
fn first_crlf(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\r', &text.as_bytes()[from..]) {
        let at = from + i;
        if text.as_bytes().get(at + 1) == Some(&b'\n') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_crlf_is_where_find_puts_it() {
        for t in ["", "a", "\r", "\n\r", "a\r\n", "\r\r\n", "a\rb\r\nc\r\n", "é\r\n", "\r\n"] {
            assert_eq!(super::first_crlf(t), t.find("\r\n"), "{t:?}");
        }
    }
}
