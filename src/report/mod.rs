//! Findings rendered for people and for machines: miette's rendering, JSON, SARIF 2.1.0, GitHub
//! workflow commands, GitLab Code Quality and gcc-style lines. Pure functions of the findings, so output is
//! deterministic.

pub mod escape;
mod gcc;
mod github;
mod gitlab;
mod human;
pub mod json;
mod sarif;

pub use human::render_human;

use crate::core::diagnostic::Finding;

/// How to render findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// miette's rendering with the source lines, coloured or not.
    Human {
        /// Use colour.
        color: bool,
    },
    /// One JSON object with a `diagnostics` array.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// `file:line:column: severity: message [code]`.
    Gcc,
}

/// Renders findings in a format.
pub fn render(format: ReportFormat, findings: &[Finding]) -> String {
    match format {
        ReportFormat::Human { color } => render_human(findings, color),
        ReportFormat::Json => json::render(findings),
        ReportFormat::Sarif => sarif::render(findings),
        ReportFormat::Github => github::render(findings),
        ReportFormat::Gitlab => gitlab::render(findings),
        ReportFormat::Gcc => gcc::render(findings),
    }
}
