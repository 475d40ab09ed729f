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

/// One finding, as every JSON document of rc2s6 shows it (lint's, and compile's `--format json`).
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic<'a> {
    /// The file, as given.
    pub file: Option<&'a str>,
    /// The primary span's first line (1-based).
    pub line: Option<usize>,
    /// Its first column (1-based, in characters).
    pub column: Option<usize>,
    /// Its last line.
    pub end_line: Option<usize>,
    /// The column just after its last character.
    pub end_column: Option<usize>,
    /// The code.
    pub code: &'static str,
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    /// The message.
    pub message: String,
    /// What to do instead, if anything.
    pub help: Option<String>,
}

impl<'a> Diagnostic<'a> {
    /// The JSON view of a finding.
    pub fn of(f: &'a Finding) -> Self {
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
    }
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
    let diagnostics = findings.iter().map(Diagnostic::of).collect();
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
