//! The JSON format: `{"version": 1, "diagnostics": [...], "summary": {...}}`, one object per
//! finding with file, line, column, end_line, end_column, code, severity, message and help.
//! Positions are 1-based, columns count characters, and `end_column` is the column just after
//! the last character of the span. README.md documents the schema.

use serde::Serialize;

use crate::core::diagnostic::{Finding, Severity};

/// The whole document.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<Diagnostic<'a>>,
    summary: Summary,
}

/// One finding.
#[derive(Serialize)]
struct Diagnostic<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    code: &'static str,
    severity: &'static str,
    message: String,
    help: Option<String>,
}

/// Counts by severity.
#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    notes: usize,
}

/// The document, pretty-printed, with a final newline.
pub fn render(findings: &[Finding]) -> String {
    let diagnostics = findings
        .iter()
        .map(|f| {
            let p = f.position();
            Diagnostic {
                file: f.file.as_ref().map(|s| s.name()),
                line: p.map(|p| p.line),
                column: p.map(|p| p.column),
                end_line: p.map(|p| p.end_line),
                end_column: p.map(|p| p.end_column),
                code: f.code().name(),
                severity: f.severity.as_str(),
                message: f.message(),
                help: f.help(),
            }
        })
        .collect();
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let doc = Document {
        version: 1,
        diagnostics,
        summary: Summary { errors: n(Severity::Error), warnings: n(Severity::Warning), notes: n(Severity::Advice) },
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
