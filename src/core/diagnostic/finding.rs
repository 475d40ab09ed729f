//! One finding about one file: the diagnostic (its wording, labels and help), its code and its
//! effective severity.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan};
use serde::Serialize;

use super::{Code, Coded, Severity};
use crate::core::source::SourceFile;

/// One finding about one file.
#[derive(Clone)]
pub struct Finding {
    /// The file the spans point into; `None` for findings about no file in particular.
    pub file: Option<SourceFile>,
    /// The diagnostic.
    pub diagnostic: Arc<dyn Diagnostic + Send + Sync>,
    /// The diagnostic's code; private, so it cannot disagree with the diagnostic.
    code: &'static Code,
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
    /// A finding with the severity its code declares.
    pub fn new(file: Option<SourceFile>, d: impl Coded) -> Self {
        let code = Coded::code(&d);
        Finding { file, diagnostic: Arc::new(d), code, severity: code.severity() }
    }

    /// The code, e.g. `rc2s6::parse::syntax_error`.
    pub fn code(&self) -> &'static Code {
        self.code
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
