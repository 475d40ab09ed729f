//! How serious a finding is.

use std::fmt;

use serde::Serialize;

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
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
