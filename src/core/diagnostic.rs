//! Findings from every phase in one shape: the file, the diagnostic (with its stable code, label
//! and help), and its effective severity. Rendering for humans lives here too.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;

use crate::core::source::SourceFile;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice: a note on a decision.
    Advice,
    /// Something that may not be what the user wants; output is still produced.
    Warning,
    /// Something that stops the service from being converted (or fails the lint).
    Error,
}

impl Severity {
    /// The word used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Advice => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The severity a miette diagnostic declares.
    pub fn of(d: &dyn Diagnostic) -> Severity {
        match d.severity() {
            Some(miette::Severity::Advice) => Severity::Advice,
            Some(miette::Severity::Warning) => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about one file.
#[derive(Clone)]
pub struct Finding {
    /// The file the spans point into; `None` for findings about no file in particular.
    pub file: Option<SourceFile>,
    /// The diagnostic.
    pub diagnostic: Arc<dyn Diagnostic + Send + Sync>,
    /// Its severity after `--deny/--warn/--allow` and in-file allows.
    pub severity: Severity,
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finding")
            .field("file", &self.file.as_ref().map(|s| s.name().to_string()))
            .field("code", &self.code())
            .field("message", &self.diagnostic.to_string())
            .field("severity", &self.severity)
            .finish()
    }
}

/// A finding's location as lines and columns (1-based; the end is the position just after the
/// span's last character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Line of the first character.
    pub line: usize,
    /// Column of the first character.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column of the end.
    pub end_column: usize,
}

impl Finding {
    /// A finding with the severity the diagnostic declares.
    pub fn new(file: Option<SourceFile>, d: impl Diagnostic + Send + Sync + 'static) -> Self {
        let severity = Severity::of(&d);
        Finding { file, diagnostic: Arc::new(d), severity }
    }

    /// The stable code, e.g. `rc2s6::parse::syntax_error`.
    pub fn code(&self) -> String {
        self.diagnostic.code().map(|c| c.to_string()).unwrap_or_default()
    }

    /// The one-line message.
    pub fn message(&self) -> String {
        self.diagnostic.to_string()
    }

    /// The help line, if any.
    pub fn help(&self) -> Option<String> {
        self.diagnostic.help().map(|h| h.to_string())
    }

    /// The primary label: the first one miette reports.
    pub fn primary_label(&self) -> Option<LabeledSpan> {
        self.diagnostic.labels().and_then(|mut l| l.next())
    }

    /// Where the primary label is, in lines and columns.
    pub fn position(&self) -> Option<Position> {
        let file = self.file.as_ref()?;
        let label = self.primary_label()?;
        let start = label.offset();
        let end = start + label.len();
        let (line, column) = file.line_col(start);
        let (end_line, end_column) = if label.is_empty() { (line, column) } else { file.line_col(end) };
        Some(Position { line, column, end_line, end_column })
    }

    /// The file name, or an empty string.
    pub fn file_name(&self) -> &str {
        self.file.as_ref().map(|f| f.name()).unwrap_or("")
    }
}

/// Renders findings the way rustc does: message, code, the labelled source, help.
pub fn render_human(findings: &[Finding], color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    for f in findings {
        let report = Rendered { finding: f };
        let _ = handler.render_report(&mut out, &report);
    }
    out
}

/// A finding with its source attached and its effective severity, for miette's renderer.
struct Rendered<'a> {
    finding: &'a Finding,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.finding, f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.finding.file {
            Some(file) => write!(f, "{}: {}", file.name(), self.finding.diagnostic),
            None => write!(f, "{}", self.finding.diagnostic),
        }
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.diagnostic.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Advice => miette::Severity::Advice,
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.diagnostic.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.finding.file.as_ref().map(|f| f.miette_source() as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.finding.file.as_ref()?;
        self.finding.diagnostic.labels()
    }
}
