//! Findings for people, the way rustc shows them: message, code, the labelled source lines and
//! help, through miette's renderer with a fixed width (and no colour, for snapshots). File names
//! and source lines are escaped first (`escape`): a name or a line holding a newline or an
//! escape sequence must not split a finding or reach the terminal.

use std::collections::HashMap;
use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteSpanContents, SourceCode};

use super::escape;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::source::SourceFile;

/// Renders findings the way rustc does: message, code, the labelled source, help.
pub fn render_human(findings: &[Finding], color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    // Each file escaped once, however many findings point into it (found by the address of
    // its loaded text and name, shared by every finding about it).
    let mut shown: Vec<Shown> = Vec::new();
    let mut index: HashMap<(usize, usize), usize> = HashMap::new();
    for f in findings {
        let source = f.file.as_ref().map(|file| {
            let key = (file.text().as_ptr() as usize, file.name().as_ptr() as usize);
            *index.entry(key).or_insert_with(|| {
                shown.push(Shown::new(file));
                shown.len() - 1
            })
        });
        let source = source.map(|i| &shown[i]).filter(|s| showable(f, &s.file));
        let report = Rendered { finding: f, source };
        let _ = handler.render_report(&mut out, &report);
    }
    out
}

/// The longest source line shown, in bytes, and the most lines one label may cover: miette
/// prints every line a label touches and the line around it, so a finding on a line of 700 KB
/// (a `depend()` naming 100,000 services) printed 700 KB per finding, and one past 65,535
/// columns made miette panic. No init script's line comes near.
const LONGEST_LINE: usize = 2_000;
const MOST_LINES: usize = 100;

/// Whether the finding's source lines are short enough to show; otherwise it is shown as a
/// position (`Rendered`'s header) without them.
fn showable(finding: &Finding, file: &SourceFile) -> bool {
    let Some(labels) = finding.diagnostic.labels() else { return true };
    labels.into_iter().all(|l| {
        let (first, _) = file.line_col(l.offset());
        let (last, _) = file.line_col(l.offset() + l.len());
        last - first <= MOST_LINES
            && (first.saturating_sub(1).max(1)..=last + 1)
                .all(|line| file.line_span(line).is_none_or(|s| s.len() <= LONGEST_LINE))
    })
}

/// A file as it is shown: its name escaped, its text with unprintable characters replaced at
/// the same byte offsets (`None` when nothing needed replacing).
struct Shown {
    /// Kept so its text stays where `index` found it.
    file: SourceFile,
    name: String,
    text: Option<String>,
}

impl Shown {
    fn new(file: &SourceFile) -> Shown {
        Shown {
            file: file.clone(),
            name: escape::file_name(file.name()).into_owned(),
            text: escape::source(file.text()),
        }
    }
}

impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.text.as_deref().unwrap_or(self.file.text());
        let inner = text.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A finding with its source attached and its effective severity, for miette's renderer.
struct Rendered<'a> {
    finding: &'a Finding,
    source: Option<&'a Shown>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.finding, f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.finding.diagnostic.to_string();
        match (self.source, &self.finding.file) {
            (Some(file), _) => write!(f, "{}: {}", file.name, escape::text(&message)),
            // Its lines are too long to show: where it is, in words.
            (None, Some(file)) => {
                let name = escape::file_name(file.name());
                match self.finding.position() {
                    Some(p) => write!(
                        f,
                        "{name}:{}:{}: {} (the line is too long to show)",
                        p.line,
                        p.column,
                        escape::text(&message)
                    ),
                    None => write!(f, "{name}: {}", escape::text(&message)),
                }
            }
            (None, None) => write!(f, "{}", escape::text(&message)),
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
        let help = self.finding.diagnostic.help()?.to_string();
        Some(Box::new(escape::text(&help).into_owned()))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        let labels: Vec<LabeledSpan> = self
            .finding
            .diagnostic
            .labels()?
            .map(|l| match l.label() {
                Some(text) => {
                    let text = Some(escape::text(text).into_owned());
                    let span = (l.offset(), l.len());
                    if l.primary() {
                        LabeledSpan::new_primary_with_span(text, span)
                    } else {
                        LabeledSpan::new_with_span(text, span)
                    }
                }
                None => l,
            })
            .collect();
        Some(Box::new(labels.into_iter()))
    }
}
