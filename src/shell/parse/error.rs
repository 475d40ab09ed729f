//! Diagnostics the parser produces.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, define_codes};

define_codes! {
    /// Every code of [`ParseError`].
    CODES in parse {
        SYNTAX_ERROR = syntax_error: Error,
        UNTERMINATED_HEREDOC = unterminated_heredoc: Error,
        INDENTED_HEREDOC_END = indented_heredoc_end: Warning,
        TOO_COMPLEX = too_complex: Error,
        NOT_UTF8 = not_utf8: Error,
    }
}

/// A problem found while parsing a script.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum ParseError {
    /// The text is not valid shell.
    #[error("syntax error: {message}")]
    Syntax {
        /// What went wrong, in words.
        message: String,
        /// Where a construct that is never closed opens (its quote or keyword), when the parser
        /// gave up at the end of the file: the primary location, since end-of-file is past the
        /// last line a reviewer looks at.
        #[label("{opened_label}")]
        opened: Option<SourceSpan>,
        /// The label of `opened`.
        opened_label: String,
        /// Where the parser gave up.
        #[label("{label}")]
        span: SourceSpan,
        /// The label text.
        label: String,
        /// The start of the top-level command that could not be parsed, when it is elsewhere.
        #[label("in the command starting here")]
        command: Option<SourceSpan>,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// A here-document whose delimiter line never comes.
    #[error("here-document `{delimiter}` is never terminated")]
    #[diagnostic(help("end the here-document with a line holding only `{delimiter}`"))]
    UnterminatedHeredoc {
        /// The delimiter.
        delimiter: String,
        /// The `<<` redirection.
        #[label("here-document starts here")]
        span: SourceSpan,
    },

    /// A `<<DELIM` body ended by a tab-indented delimiter, which only `<<-` allows.
    #[error("here-document `{delimiter}` ends with an indented delimiter line")]
    #[diagnostic(help(
        "use `<<-{delimiter}` to allow tab-indented delimiter lines, or move `{delimiter}` to column 1"
    ))]
    IndentedHeredocEnd {
        /// The delimiter.
        delimiter: String,
        /// The `<<` redirection.
        #[label("`<<` does not strip tabs")]
        span: SourceSpan,
    },

    /// The parser gave up: the text nests deeper, or needs more backtracking, than any init
    /// script does. Reported instead of running out of stack or time on hostile input.
    #[error("the script is too deeply nested or too complex to parse")]
    #[diagnostic(help("move deeply nested commands into functions; no init script needs this much nesting"))]
    TooComplex {
        /// Where the parser was when it stopped.
        #[label("parsing stopped here")]
        span: SourceSpan,
    },

    /// The file is not valid UTF-8.
    #[error("the file is not valid UTF-8")]
    #[diagnostic(help("init scripts are text; convert the file to UTF-8"))]
    NotUtf8 {
        /// The first invalid byte.
        #[label("invalid byte here")]
        span: SourceSpan,
    },
}

impl Coded for ParseError {
    fn code(&self) -> &'static Code {
        match self {
            ParseError::Syntax { .. } => &SYNTAX_ERROR,
            ParseError::UnterminatedHeredoc { .. } => &UNTERMINATED_HEREDOC,
            ParseError::IndentedHeredocEnd { .. } => &INDENTED_HEREDOC_END,
            ParseError::TooComplex { .. } => &TOO_COMPLEX,
            ParseError::NotUtf8 { .. } => &NOT_UTF8,
        }
    }
}
