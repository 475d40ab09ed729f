//! GitHub Actions workflow commands (`::error file=…,line=…::message`): printed by a step, they
//! become annotations on the pull request's changed lines.
//!
//! GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (actions/toolkit,
//! docs/problem-matchers.md, "Limitations") and drops the rest without a word. So the first ones
//! of each kind (in file order) are annotations, the others are printed as plain lines in a
//! collapsed log group, and a last notice says how many there are and where.

use std::fmt::Write as _;

use crate::core::diagnostic::{Finding, Severity};

/// Annotations of one kind GitHub shows per step.
pub const PER_KIND: usize = 10;

/// One workflow command per finding, up to [`PER_KIND`] of each kind; the rest in a log group,
/// counted by a final notice.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    let mut shown = [0usize; 3];
    let mut rest: Vec<&Finding> = Vec::new();
    let over = |s: Severity| findings.iter().filter(|f| f.severity == s).count() > PER_KIND;
    // The final notice takes one notice's place.
    let notice_cap = if over(Severity::Error) || over(Severity::Warning) || over(Severity::Advice) {
        PER_KIND - 1
    } else {
        PER_KIND
    };
    for f in findings {
        let (kind, cap) = match f.severity {
            Severity::Error => (0, PER_KIND),
            Severity::Warning => (1, PER_KIND),
            Severity::Advice => (2, notice_cap),
        };
        if shown[kind] < cap {
            shown[kind] += 1;
            out.push_str(&command(f));
        } else {
            rest.push(f);
        }
    }
    if rest.is_empty() {
        return out;
    }
    let n = |s: Severity| rest.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(out, "::group::rc2s6: {} more finding{} (not annotated)", rest.len(), plural(rest.len()));
    out.push_str(&super::gcc::render(&rest.iter().map(|f| (*f).clone()).collect::<Vec<_>>()));
    out.push_str("::endgroup::\n");
    let counts = [(n(Severity::Error), "error"), (n(Severity::Warning), "warning"), (n(Severity::Advice), "note")]
        .iter()
        .filter(|(k, _)| *k > 0)
        .map(|(k, what)| format!("{k} more {what}{}", plural(*k)))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "::notice title=rc2s6::{}",
        data(&format!(
            "{counts} not annotated: GitHub shows {PER_KIND} annotations of each kind per step. \
             They are in this step's log (the group \"rc2s6: {} more findings\"); `--format sarif` with \
             code scanning shows them all.",
            rest.len()
        ))
    );
    out
}

/// The workflow command of one finding.
fn command(f: &Finding) -> String {
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
    format!("::{command} {}::{}\n", props.join(","), data(&text))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Escapes a message (the part after `::`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
