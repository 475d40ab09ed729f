//! `file:line:column: severity: message [code]`, the format compilers use and editors (vim's
//! quickfix, Emacs' compilation mode) and CI log parsers understand. One finding is one line
//! whatever the file is called or the message quotes: both are escaped (`escape`).

use std::fmt::Write as _;

use super::escape;
use crate::core::diagnostic::Finding;

/// One line per finding.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let message = f.message().replace('\n', " ");
        let message = escape::text(&message);
        let place = match (f.file.as_ref(), f.position()) {
            (Some(file), Some(p)) => format!("{}:{}:{}: ", escape::file_name(file.name()), p.line, p.column),
            (Some(file), None) => format!("{}: ", escape::file_name(file.name())),
            (None, _) => "rc2s6: ".to_string(),
        };
        let _ = writeln!(out, "{place}{}: {message} [{}]", f.severity, f.code());
    }
    out
}
