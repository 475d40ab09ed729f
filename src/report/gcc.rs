//! `file:line:column: severity: message [code]`, the format compilers use and editors (vim's
//! quickfix, Emacs' compilation mode) and CI log parsers understand.

use std::fmt::Write as _;

use crate::core::diagnostic::Finding;

/// One line per finding.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let message = f.message().replace('\n', " ");
        let place = match (f.file.as_ref(), f.position()) {
            (Some(file), Some(p)) => format!("{}:{}:{}: ", file.name(), p.line, p.column),
            (Some(file), None) => format!("{}: ", file.name()),
            (None, _) => "rc2s6: ".to_string(),
        };
        let _ = writeln!(out, "{place}{}: {message} [{}]", f.severity, f.code());
    }
    out
}
