//! GitHub Actions workflow commands (`::error file=…,line=…::message`): printed by a step, they
//! become annotations on the pull request's changed lines.

use std::fmt::Write as _;

use crate::core::diagnostic::{Finding, Severity};

/// One workflow command per finding.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = &f.file {
            props.push(format!("file={}", property(file.name())));
        }
        if let Some(p) = f.position() {
            props.push(format!("line={}", p.line));
            props.push(format!("endLine={}", p.end_line));
            // GitHub's columns only make sense on one line; its endColumn is the last column.
            if p.line == p.end_line {
                props.push(format!("col={}", p.column));
                props.push(format!("endColumn={}", p.end_column.saturating_sub(1).max(p.column)));
            }
        }
        props.push(format!("title={}", property(f.code().name())));
        let mut text = f.message();
        if let Some(h) = f.help() {
            text.push_str("\nhelp: ");
            text.push_str(&h);
        }
        let _ = writeln!(out, "::{command} {}::{}", props.join(","), data(&text));
    }
    out
}

/// Escapes a message (the part after `::`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
