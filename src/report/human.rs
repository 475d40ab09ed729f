//! Findings for people, the way rustc shows them: message, code, the labelled source lines and
//! help, through miette's renderer with a fixed width (and no colour, for snapshots).

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use crate::core::diagnostic::{Finding, Severity};

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
        Some(Box::new(self.finding.code()))
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
