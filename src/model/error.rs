//! Diagnostics the model produces: what could not be known or mapped, and where.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{self, Code, define_codes};
use crate::core::source::FileId;

use crate::eval::error::{EvalDiagnostic, EvalError};

/// A model diagnostic and the loaded file its spans point into.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDiagnostic {
    /// The loaded file its spans point into.
    pub file: FileId,
    /// The diagnostic.
    pub error: ModelError,
}

impl From<EvalDiagnostic> for ModelDiagnostic {
    fn from(d: EvalDiagnostic) -> Self {
        ModelDiagnostic { file: d.file, error: ModelError::Eval(d.error) }
    }
}

define_codes! {
    /// Every code of [`ModelError`]'s own variants; the interpreter's are in `eval::error`.
    CODES in model {
        UNKNOWABLE_VALUE = unknowable_value: Error,
        UNSET_VARIABLE = unset_variable: Warning,
        GLOB_IN_ARGV = glob_in_argv: Warning,
        EVAL_SYNTAX = eval_syntax: Error,
        START_PRE_ASSIGNMENT = start_pre_assignment: Warning,
        INVALID_VALUE = invalid_value: Error,
        UNSUPPORTED_SETTING = unsupported_setting: Warning,
        UNCONVERTIBLE_SETTING = unconvertible_setting: Error,
        READINESS_WITHOUT_FD = readiness_without_fd: Error,
        RUNLEVEL_CONFD = runlevel_confd: Warning,
        CUSTOM_START = custom_start: Error,
        START_FAILS = start_fails: Warning,
        HANDWRITTEN_SERVICE_DIR = handwritten_service_dir: Error,
        DAEMON_MAY_FORK = daemon_may_fork: Error,
        CONTROL_PROGRAM = control_program: Error,
        FGHACK = fghack: Warning,
        FOREGROUND_FROM_TABLE = foreground_from_table: Advice,
        START_EDITS_CONFIGURATION = start_edits_configuration: Error,
    }
}

/// Problems found while working out what OpenRC would run.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum ModelError {
    /// What the static interpreter found.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Eval(#[from] EvalError),

    /// A value the daemon needs depends on something only known at run time.
    #[error("`{variable}` cannot be known without running the script: {why}")]
    UnknowableValue {
        /// The OpenRC variable that needs the value.
        variable: String,
        /// What makes it unknowable.
        why: String,
        /// Where.
        #[label("{why}")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// A variable nothing sets is used; OpenRC expands it to the empty string.
    #[error("`{name}` is not set by rc.conf, conf.d or the script; it expands to an empty string")]
    #[diagnostic(help("set `{name}` in conf.d, or write `${{{name}:-default}}` to say what it should be"))]
    UnsetVariable {
        /// The variable.
        name: String,
        /// Where it is expanded.
        #[label("expands to nothing")]
        span: SourceSpan,
    },

    /// A glob in the daemon's command line: OpenRC's `eval` expands it against the filesystem.
    #[error("`{text}` is a glob that OpenRC expands against the filesystem when it starts the daemon")]
    #[diagnostic(help(
        "rc2s6 passes it literally, which is what the shell does when nothing matches; quote it, or list the files"
    ))]
    GlobInArgv {
        /// The word.
        text: String,
        /// Where.
        #[label("pathname expansion happens here at run time")]
        span: SourceSpan,
    },

    /// The command line OpenRC would `eval` holds shell syntax, not just words.
    #[error("`{variable}` holds shell syntax that `eval` would run: {what}")]
    #[diagnostic(help(
        "keep only the daemon's arguments in `{variable}`; redirections belong in `output_log`/`error_log`, other commands in `start_pre`"
    ))]
    EvalSyntax {
        /// The variable.
        variable: String,
        /// What was found.
        what: String,
        /// Where the value was assigned.
        #[label("assigned here")]
        span: SourceSpan,
    },

    /// A function OpenRC runs at each start edits a file rc2s6 read its values from, or a file
    /// it cannot tell from one.
    #[error("`{function}` writes to {what} at each start; the run script would keep the values rc2s6 read before")]
    #[diagnostic(help(
        "edit the file once, when the package is installed or by hand, and compile again; or run `rc2s6 verify` after each start to see the drift"
    ))]
    StartEditsConfiguration {
        /// The function.
        function: String,
        /// The file, or what is known of it.
        what: String,
        /// The editing command.
        #[label("writes to {what}")]
        span: SourceSpan,
    },

    /// `start_pre` (or `start` before launching the daemon) changes a daemon variable.
    #[error("`{function}` changes `{variable}`, which is fixed in the service directory at compile time")]
    StartPreAssignment {
        /// The function.
        function: String,
        /// The variable.
        variable: String,
        /// Where it is assigned.
        #[label("{outcome}")]
        span: SourceSpan,
        /// What rc2s6 did about it.
        outcome: String,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// A value that has no valid meaning for its variable.
    #[error("`{variable}` has a value OpenRC cannot use: {problem}")]
    InvalidValue {
        /// The variable or flag.
        variable: String,
        /// What is wrong.
        problem: String,
        /// Where it was assigned.
        #[label("{problem}")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// A setting that s6 has no equivalent for; the service is converted without it.
    #[error("`{setting}` has no s6 equivalent and is not carried over")]
    UnsupportedSetting {
        /// The variable or flag.
        setting: String,
        /// Where.
        #[label("dropped")]
        span: SourceSpan,
        /// Why, and what to do.
        #[help]
        help: String,
    },

    /// A setting that cannot be carried over and without which the daemon would behave
    /// differently, so the service is not converted.
    #[error("`{setting}` cannot be expressed in an s6 service directory: {why}")]
    UnconvertibleSetting {
        /// The variable or flag.
        setting: String,
        /// Why not.
        why: String,
        /// Where.
        #[label("{why}")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// Readiness is waited for, but nothing says which fd the daemon writes to.
    #[error("readiness is waited for (`s6-svwait -U`) but nothing says which fd the daemon notifies on")]
    #[diagnostic(help("add `notify=fd:N` with the fd the daemon writes its readiness line to"))]
    ReadinessWithoutFd {
        /// Where readiness is requested.
        #[label("`-U` waits for a notification that never comes")]
        span: SourceSpan,
    },

    /// A runlevel-specific conf.d file exists; which one OpenRC reads depends on the runlevel.
    #[error("`{path}` replaces the plain conf.d file in runlevel `{runlevel}`; rc2s6 compiled the plain one")]
    #[diagnostic(help("merge the runlevel-specific settings into the plain conf.d file"))]
    RunlevelConfd {
        /// The file.
        path: String,
        /// Its runlevel.
        runlevel: String,
        /// The script's first line.
        #[label("this service")]
        span: SourceSpan,
    },

    /// `start()` is overridden and does not launch a daemon in a way rc2s6 can compile.
    #[error("`start()` is overridden and does not launch the daemon in a way rc2s6 can compile: {why}")]
    CustomStart {
        /// What was found instead.
        why: String,
        /// Where.
        #[label("{why}")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// A check in start() or start_pre() fails with the files given; rc2s6 compiled the start
    /// past the checks.
    #[error("with these files `{function}()` fails here, so OpenRC would not start the daemon")]
    #[diagnostic(help(
        "rc2s6 compiled the start that gets past this check; set what it checks for (usually in conf.d)"
    ))]
    StartFails {
        /// `start` or `start_pre`.
        function: String,
        /// The failing command.
        #[label("fails here")]
        span: SourceSpan,
    },

    /// The script already uses s6 with a hand-written service directory and gives no command.
    #[error("`{name}` already runs under s6 from a hand-written service directory, {path}")]
    #[diagnostic(help(
        "keep that service directory, or set `command` (and remove the hand-written directory) so rc2s6 can generate one"
    ))]
    HandwrittenServiceDir {
        /// The service.
        name: String,
        /// Its `s6_service_path`.
        path: String,
        /// Where `supervisor=s6` is set.
        #[label("supervisor=s6 with no command")]
        span: SourceSpan,
    },

    /// Nothing says how the daemon stays in the foreground, so s6 would respawn it forever.
    #[error("`{daemon}` may fork into the background, which s6 would take for a crash")]
    DaemonMayFork {
        /// The daemon's basename.
        daemon: String,
        /// Where the command is set.
        #[label("nothing keeps this in the foreground")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// The command is a control program that starts a daemon and exits (`pg_ctl start`).
    #[error("`{program}` starts a daemon that then runs on its own, and exits: s6 cannot supervise that daemon")]
    #[diagnostic(help("{help}"))]
    ControlProgram {
        /// The program's basename, with the arguments that make it a control program.
        program: String,
        /// What to write instead: the daemon it starts in the foreground, where the table says.
        help: String,
        /// Where the command is set.
        #[label("a control program, not the daemon ({citation})")]
        span: SourceSpan,
        /// Where rc2s6's table says so.
        citation: String,
    },

    /// The daemon is kept in the foreground by `s6-fghack`, as asked with `--allow-fghack`.
    #[error("`{daemon}` is run under `s6-fghack`, which cannot signal it: `s6-svc -d` stops only the wrapper")]
    #[diagnostic(help("find the daemon's foreground flag and set `command_args_foreground`"))]
    Fghack {
        /// The daemon's basename.
        daemon: String,
        /// Where the command is set.
        #[label("wrapped in s6-fghack")]
        span: SourceSpan,
    },

    /// A daemonize flag was removed or a foreground flag added from a daemon table.
    #[error("`{daemon}`: {change}, from {table}")]
    ForegroundFromTable {
        /// The daemon's basename.
        daemon: String,
        /// What was changed.
        change: String,
        /// Which table decided (the built-in ones, or the user's file).
        table: String,
        /// Where the command is set.
        #[label("kept in the foreground")]
        span: SourceSpan,
    },
}

// `Coded` is named by its path: in scope, its `code` would be ambiguous with miette's in the
// code `#[diagnostic(transparent)]` generates.
impl diagnostic::Coded for ModelError {
    fn code(&self) -> &'static Code {
        match self {
            ModelError::Eval(e) => diagnostic::Coded::code(e),
            ModelError::UnknowableValue { .. } => &UNKNOWABLE_VALUE,
            ModelError::UnsetVariable { .. } => &UNSET_VARIABLE,
            ModelError::GlobInArgv { .. } => &GLOB_IN_ARGV,
            ModelError::EvalSyntax { .. } => &EVAL_SYNTAX,
            ModelError::StartPreAssignment { .. } => &START_PRE_ASSIGNMENT,
            ModelError::InvalidValue { .. } => &INVALID_VALUE,
            ModelError::UnsupportedSetting { .. } => &UNSUPPORTED_SETTING,
            ModelError::UnconvertibleSetting { .. } => &UNCONVERTIBLE_SETTING,
            ModelError::ReadinessWithoutFd { .. } => &READINESS_WITHOUT_FD,
            ModelError::RunlevelConfd { .. } => &RUNLEVEL_CONFD,
            ModelError::CustomStart { .. } => &CUSTOM_START,
            ModelError::StartFails { .. } => &START_FAILS,
            ModelError::HandwrittenServiceDir { .. } => &HANDWRITTEN_SERVICE_DIR,
            ModelError::DaemonMayFork { .. } => &DAEMON_MAY_FORK,
            ModelError::ControlProgram { .. } => &CONTROL_PROGRAM,
            ModelError::Fghack { .. } => &FGHACK,
            ModelError::ForegroundFromTable { .. } => &FOREGROUND_FROM_TABLE,
            ModelError::StartEditsConfiguration { .. } => &START_EDITS_CONFIGURATION,
        }
    }
}
