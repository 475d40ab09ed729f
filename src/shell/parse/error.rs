//! Diagnostics the parser produces.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A problem found while parsing a script.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum ParseError {
    /// The text is not valid shell.
    #[error("syntax error: {message}")]
    #[diagnostic(code(rc2s6::parse::syntax_error))]
    Syntax {
        /// What went wrong, in words.
        message: String,
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
    #[diagnostic(
        code(rc2s6::parse::unterminated_heredoc),
        help("end the here-document with a line holding only `{delimiter}`")
    )]
    UnterminatedHeredoc {
        /// The delimiter.
        delimiter: String,
        /// The `<<` redirection.
        #[label("here-document starts here")]
        span: SourceSpan,
    },

    /// A `<<DELIM` body ended by a tab-indented delimiter, which only `<<-` allows.
    #[error("here-document `{delimiter}` ends with an indented delimiter line")]
    #[diagnostic(
        code(rc2s6::parse::indented_heredoc_end),
        severity(Warning),
        help("use `<<-{delimiter}` to allow tab-indented delimiter lines, or move `{delimiter}` to column 1")
    )]
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
    #[diagnostic(
        code(rc2s6::parse::too_complex),
        help("move deeply nested commands into functions; no init script needs this much nesting")
    )]
    TooComplex {
        /// Where the parser was when it stopped.
        #[label("parsing stopped here")]
        span: SourceSpan,
    },

    /// The file is not valid UTF-8.
    #[error("the file is not valid UTF-8")]
    #[diagnostic(code(rc2s6::parse::not_utf8), help("init scripts are text; convert the file to UTF-8"))]
    NotUtf8 {
        /// The first invalid byte.
        #[label("invalid byte here")]
        span: SourceSpan,
    },
}
