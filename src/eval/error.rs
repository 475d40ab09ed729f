//! Diagnostics of the static interpreter: where it stopped following the script, or could not
//! see what a command does to the variables. Their codes are in the model's phase, where they
//! were first reported.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, define_codes};
use crate::core::source::FileId;
use crate::eval::value::Uncertainty;

/// An interpreter diagnostic and the loaded file its span points into.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalDiagnostic {
    /// The loaded file its spans point into.
    pub file: FileId,
    /// The diagnostic.
    pub error: EvalError,
}

define_codes! {
    /// Every code of [`EvalError`], in the model's phase, where they were first reported.
    CODES in model {
        SOURCED_FILE = sourced_file: Warning,
        UNKNOWN_EVAL = unknown_eval: Warning,
        UNKNOWN_DECLARATION = unknown_declaration: Warning,
        TOO_MANY_STEPS = too_many_steps: Error,
        VALUE_TOO_LARGE = value_too_large: Error,
    }
}

/// What the interpreter could not follow.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum EvalError {
    /// The script sources another file, whose assignments rc2s6 cannot see.
    #[error("`{command}` reads another file whose variables rc2s6 does not see")]
    #[diagnostic(help("move the settings the daemon needs into conf.d, or list the file with `--conf-dir`"))]
    SourcedFile {
        /// `.` or `source`.
        command: String,
        /// Where.
        #[label("not followed")]
        span: SourceSpan,
    },

    /// `eval` of text that is only known at run time.
    #[error("`eval` of text that is only known at run time")]
    #[diagnostic(help("assign the variables directly instead of through `eval`"))]
    UnknownEval {
        /// Where.
        #[label("variables this sets are not seen")]
        span: SourceSpan,
        /// Why the text is not known: the first of its words' uncertainties that is unknowable.
        cause: Uncertainty,
    },

    /// `export`/`local`/`readonly` of words only known at run time: which names it sets or
    /// exports is unknown.
    #[error("`{command}` of names that are only known at run time")]
    #[diagnostic(help("name the variables: `export NAME=value`, in the script or in conf.d"))]
    UnknownDeclaration {
        /// `export`, `local`, `readonly`….
        command: String,
        /// Where.
        #[label("variables this sets or exports are not seen")]
        span: SourceSpan,
    },

    /// The script ran more commands than rc2s6 follows: recursion or a loop without end, as
    /// rc2s6 reads it. What the script would have set after that point is unknown.
    #[error("rc2s6 stopped following the script after {limit} commands")]
    #[diagnostic(help(
        "the top level or a function OpenRC calls recurses or loops without end; make it run straight through"
    ))]
    TooManySteps {
        /// How many commands were followed.
        limit: usize,
        /// The command at which rc2s6 stopped.
        #[label("stopped here")]
        span: SourceSpan,
    },

    /// Evaluating the script made a value, or altogether more text, than rc2s6 follows (see
    /// [`crate::eval::budget`]): what the script would have set after that point is unknown.
    #[error("{what} larger than rc2s6 follows ({limit} bytes)")]
    #[diagnostic(help(
        "no init script needs values this large; set the value directly instead of building it by repeated expansion"
    ))]
    ValueTooLarge {
        /// What grew: "a value" or "the values of this service".
        what: String,
        /// The limit, in bytes.
        limit: usize,
        /// The expansion at which rc2s6 stopped.
        #[label("stopped here")]
        span: SourceSpan,
    },
}

impl EvalError {
    /// rc2s6 stopped following the script: what it would have set after that is unknown, so
    /// the service is not converted.
    pub fn gave_up(&self) -> bool {
        matches!(self, EvalError::TooManySteps { .. } | EvalError::ValueTooLarge { .. })
    }
}

impl Coded for EvalError {
    fn code(&self) -> &'static Code {
        match self {
            EvalError::SourcedFile { .. } => &SOURCED_FILE,
            EvalError::UnknownEval { .. } => &UNKNOWN_EVAL,
            EvalError::UnknownDeclaration { .. } => &UNKNOWN_DECLARATION,
            EvalError::TooManySteps { .. } => &TOO_MANY_STEPS,
            EvalError::ValueTooLarge { .. } => &VALUE_TOO_LARGE,
        }
    }
}
