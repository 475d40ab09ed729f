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
        ReportFormat::Human { color } => in_pieces(findings, |part| render_human(part, color)),
        ReportFormat::Json => json::render(findings),
        ReportFormat::Sarif => sarif::render(findings),
        ReportFormat::Github => github::render(findings),
        ReportFormat::Gitlab => gitlab::render(findings),
        ReportFormat::Gcc => in_pieces(findings, gcc::render),
    }
}

/// Findings below which a report is rendered on one thread: a thread costs more than that.
const PIECE: usize = 64;

/// A format where each finding's text depends on that finding alone, rendered in consecutive
/// pieces on all the machine's cores and joined in order: the same text as `render(findings)`.
/// It is the last thing a lint run does, after the workers have finished, and the human format
/// (miette's line wrapping and source excerpts) took half as long again as analysing the corpus.
fn in_pieces(findings: &[Finding], render: impl Fn(&[Finding]) -> String + Sync) -> String {
    let pieces: Vec<&[Finding]> = findings.chunks(PIECE.max(findings.len().div_ceil(16))).collect();
    if pieces.len() < 2 {
        return render(findings);
    }
    crate::core::parallel::in_parallel(&pieces, |piece| render(piece)).concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::{Code, Coded, Severity};
    use crate::core::source::SourceFile;

    /// A finding of the report's own, with a help line on half of them (the report layer sees
    /// no phase's errors).
    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    #[error("finding {n} about `{text}`")]
    struct Probe {
        n: usize,
        text: String,
        #[label("here")]
        span: miette::SourceSpan,
        #[help]
        help: Option<String>,
    }

    static PROBE: Code = Code::new("rc2s6::report::probe", "report", "probe", Severity::Warning, "");

    impl Coded for Probe {
        fn code(&self) -> &'static Code {
            &PROBE
        }
    }

    #[test]
    fn pieces_join_into_the_text_of_the_whole() {
        let files: Vec<SourceFile> = (0..7)
            .map(|i| SourceFile::new(format!("f{i}"), format!("a\n{}\nb \"$@x\"\n", "y".repeat(i * 30))))
            .collect();
        let findings: Vec<Finding> = (0..PIECE * 3 + 5)
            .map(|k| {
                let file = &files[k % files.len()];
                let at = file.text().len() - 6;
                let help = (k % 2 == 0).then(|| format!("write {k} instead"));
                let probe = Probe { n: k, text: "y".repeat(k % 40), span: (at, 1 + k % 4).into(), help };
                Finding::new(Some(file.clone()), probe)
            })
            .collect();
        for color in [false, true] {
            let whole = render_human(&findings, color);
            assert_eq!(render(ReportFormat::Human { color }, &findings), whole);
            assert!(whole.matches("f6").count() > 3, "every piece renders its findings");
        }
        assert_eq!(render(ReportFormat::Gcc, &findings), gcc::render(&findings));
        // Several pieces: the joining is what is checked.
        assert_eq!(in_pieces(&findings, |p| format!("{}|", p.len())), "64|64|64|5|");
    }
}
