//! Diagnostics of the static interpreter: where it stopped following the script, or could not
//! see what a command does to the variables. Their codes are in the model's phase, where they
//! were first reported.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::source::FileId;

/// An interpreter diagnostic and the loaded file its span points into.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalDiagnostic {
    /// The loaded file its spans point into.
    pub file: FileId,
    /// The diagnostic.
    pub error: EvalError,
}

/// What the interpreter could not follow.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum EvalError {
    /// The script sources another file, whose assignments rc2s6 cannot see.
    #[error("`{command}` reads another file whose variables rc2s6 does not see")]
    #[diagnostic(
        code(rc2s6::model::sourced_file),
        severity(Warning),
        help("move the settings the daemon needs into conf.d, or list the file with `--conf-dir`")
    )]
    SourcedFile {
        /// `.` or `source`.
        command: String,
        /// Where.
        #[label("not followed")]
        span: SourceSpan,
    },

    /// `eval` of text that is only known at run time.
    #[error("`eval` of text that is only known at run time")]
    #[diagnostic(
        code(rc2s6::model::unknown_eval),
        severity(Warning),
        help("assign the variables directly instead of through `eval`")
    )]
    UnknownEval {
        /// Where.
        #[label("variables this sets are not seen")]
        span: SourceSpan,
    },

    /// The script ran more commands than rc2s6 follows: recursion or a loop without end, as
    /// rc2s6 reads it. What the script would have set after that point is unknown.
    #[error("rc2s6 stopped following the script after {limit} commands")]
    #[diagnostic(
        code(rc2s6::model::too_many_steps),
        help("the top level or a function OpenRC calls recurses or loops without end; make it run straight through")
    )]
    TooManySteps {
        /// How many commands were followed.
        limit: usize,
        /// The command at which rc2s6 stopped.
        #[label("stopped here")]
        span: SourceSpan,
    },
}
