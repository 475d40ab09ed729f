//! Every lint diagnostic's wording and code. Each code's long explanation is
//! `docs/codes/lint/<name>.md`, which is also the documentation of the rule that emits it.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, define_codes};

define_codes! {
    /// Every code of [`LintError`]: one per rule, and the allow comments' own.
    CODES in lint {
        VARIABLE_TYPO = variable_typo: Warning,
        RUNSCRIPT_SHEBANG = runscript_shebang: Warning,
        CRLF_LINE_ENDING = crlf_line_ending: Error,
        RELATIVE_COMMAND = relative_command: Warning,
        BACKGROUND_WITHOUT_PIDFILE = background_without_pidfile: Error,
        BACKGROUND_WITH_ARGS_BACKGROUND = background_with_args_background: Error,
        DANGLING_FLAG = dangling_flag: Warning,
        LEGACY_S6_VARIABLE = legacy_s6_variable: Warning,
        SUPERVISOR_BYPASSED = supervisor_bypassed: Warning,
        READINESS_NEVER_SIGNALLED = readiness_never_signalled: Warning,
        NEED_NOT_PROVIDED = need_not_provided: Warning,
        USE_NOT_PROVIDED = use_not_provided: Advice,
        DEPENDENCY_CYCLE = dependency_cycle: Warning,
        DUPLICATE_PROVIDE = duplicate_provide: Warning,
        NON_POSIX_SYNTAX = non_posix_syntax: Warning,
        PIDFILE_SIGNAL_UNDER_SUPERVISOR = pidfile_signal_under_supervisor: Warning,
        UNKNOWN_ALLOW_CODE = unknown_allow_code: Warning,
        SYSTEMD_VARIABLE = systemd_variable: Warning,
        READ_FILE_SUBSTITUTION = read_file_substitution: Warning,
        ARITHMETIC_INCREMENT = arithmetic_increment: Warning,
        REDIRECTION_ORDER = redirection_order: Warning,
        DOLLAR_AT_IN_STRING = dollar_at_in_string: Warning,
        TEST_AND_OR = test_and_or: Warning,
    }
}

/// Problems the lint rules find in init scripts and in a set of them.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum LintError {
    /// An assigned variable that nothing reads and whose name is one edit away from OpenRC's.
    #[error("`{name}` is set but never read; OpenRC reads `{suggestion}`")]
    #[diagnostic(help("did you mean `{suggestion}`? OpenRC ignores `{name}`"))]
    VariableTypo {
        /// The assigned name.
        name: String,
        /// The OpenRC variable it is closest to.
        suggestion: String,
        /// The name in the assignment.
        #[label("not an OpenRC variable")]
        span: SourceSpan,
    },

    /// `#!/sbin/runscript`, the name openrc-run had before OpenRC 0.13.
    #[error("`{interpreter}` is the old name of openrc-run, and OpenRC 0.52 removed it")]
    #[diagnostic(help("start the script with `#!/sbin/openrc-run`"))]
    RunscriptShebang {
        /// The interpreter path.
        interpreter: String,
        /// The shebang line.
        #[label("removed in OpenRC 0.52")]
        span: SourceSpan,
    },

    /// The file has DOS line endings: the shebang and every value end in a carriage return.
    #[error("the file has DOS (CRLF) line endings")]
    #[diagnostic(help("convert the file to Unix line endings (`sed -i 's/\\r$//' FILE`)"))]
    CrlfLineEnding {
        /// The first carriage return.
        #[label("carriage return here")]
        span: SourceSpan,
    },

    /// `command` is not an absolute path.
    #[error("`command` is `{command}`, not an absolute path")]
    #[diagnostic(help("write the daemon's absolute path, e.g. `command=/usr/bin/{base}`"))]
    RelativeCommand {
        /// The command as OpenRC sees it.
        command: String,
        /// Its last path component.
        base: String,
        /// Where `command` is assigned.
        #[label("looked up in PATH at start, not matched at stop")]
        span: SourceSpan,
    },

    /// `command_background` without `pidfile`: start-stop-daemon refuses to start.
    #[error("`command_background` is set but `pidfile` is not; OpenRC refuses to start the service")]
    #[diagnostic(help(
        "add `pidfile=\"/run/${{RC_SVCNAME}}.pid\"`, or use `supervisor=supervise-daemon` without `command_background`"
    ))]
    BackgroundWithoutPidfile {
        /// Where `command_background` is set.
        #[label("needs a pidfile to write")]
        span: SourceSpan,
    },

    /// `command_background` without `pidfile` in a script whose conf.d was not read, and which
    /// may leave `pidfile` to it: reported as a warning.
    #[error(
        "`command_background` is set but `pidfile` is not, and no conf.d file was read for this service; unless its conf.d sets `pidfile`, OpenRC refuses to start the service"
    )]
    #[diagnostic(help(
        "lint the script with its conf.d (`--conf-dir`, or NAME.confd beside NAME.initd); if no conf.d sets it, add `pidfile=\"/run/${{RC_SVCNAME}}.pid\"`"
    ))]
    BackgroundWithoutPidfileUnlessConfd {
        /// Where `command_background` is set.
        #[label("needs a pidfile to write")]
        span: SourceSpan,
    },

    /// `command_background` with `command_args_background`: start-stop-daemon refuses to start.
    #[error("`command_background` and `command_args_background` are both set; OpenRC refuses to start the service")]
    #[diagnostic(help(
        "keep one: `command_background=yes` when the daemon stays in the foreground, or `command_args_background` with the daemon's own daemonize flag"
    ))]
    BackgroundWithArgsBackground {
        /// Where `command_args_background` is set.
        #[label("conflicts with `command_background`")]
        span: SourceSpan,
        /// Where `command_background` is set, when in the same file.
        #[label("set here")]
        other: Option<SourceSpan>,
    },

    /// A variable OpenRC passes as `${x+--flag} $x` is set but empty.
    #[error("`{variable}` is set but empty, so OpenRC still passes `{flag}` with no value after it")]
    #[diagnostic(help("give `{variable}` a value, or `unset {variable}` instead of setting it empty"))]
    DanglingFlag {
        /// The variable.
        variable: String,
        /// The flag the backend adds.
        flag: String,
        /// Where it is set empty.
        #[label("`{flag}` takes the next option as its value")]
        span: SourceSpan,
    },

    /// An `s6_*` variable that only OpenRC's pre-0.63 s6 backend reads.
    #[error("`{variable}` is ignored by OpenRC 0.63 and later")]
    LegacyS6Variable {
        /// The variable.
        variable: String,
        /// Where it is set.
        #[label("OpenRC ≥ 0.63 does not read this")]
        span: SourceSpan,
        /// What replaces it.
        #[help]
        help: String,
    },

    /// `supervisor` is set, but a custom function replaces the supervisor's own.
    #[error("`supervisor={supervisor}` is set, but `{function}()` replaces the supervisor's `{function}`")]
    SupervisorBypassed {
        /// The supervisor.
        supervisor: String,
        /// The overriding function.
        function: String,
        /// The function's name.
        #[label("{supervisor} is never called from here")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// Readiness is waited for, but nothing makes the daemon signal it.
    #[error("readiness is waited for, but {why}")]
    ReadinessNeverSignalled {
        /// Why it never comes.
        why: String,
        /// Where readiness is asked for.
        #[label("waits for a notification")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// `need` of a service no script in the set provides.
    #[error("`need {name}`: no script here provides `{name}`")]
    #[diagnostic(help(
        "OpenRC will refuse to start this service unless some installed script provides `{name}`; check the name, or lint it together with the script that provides it"
    ))]
    NeedNotProvided {
        /// The dependency.
        name: String,
        /// Where it is declared.
        #[label("no provider in this set")]
        span: SourceSpan,
    },

    /// `use` or `want` of a service no script in the set provides.
    #[error("`{kind} {name}`: no script here provides `{name}`")]
    #[diagnostic(help("OpenRC ignores `{kind}` of a service that does not exist; check the name for a typo"))]
    UseNotProvided {
        /// `use` or `want`.
        kind: String,
        /// The dependency.
        name: String,
        /// Where it is declared.
        #[label("no provider in this set")]
        span: SourceSpan,
    },

    /// A dependency cycle across the set; one finding per edge of the cycle.
    #[error("dependency cycle: {cycle}")]
    #[diagnostic(help(
        "OpenRC breaks the cycle at an arbitrary point; drop one of these dependencies or turn a `need` into `use`/`after`"
    ))]
    DependencyCycle {
        /// The cycle in words.
        cycle: String,
        /// This edge's declaration.
        #[label("{edge}")]
        span: SourceSpan,
        /// This edge in words.
        edge: String,
    },

    /// Two scripts provide the same name.
    #[error("`{name}` is provided by `{service}` and also by {others}")]
    #[diagnostic(help(
        "OpenRC picks one provider by runlevel and start order; if they are alternatives, say so with `# rc2s6: allow=rc2s6::lint::duplicate_provide`, otherwise rename the virtual"
    ))]
    DuplicateProvide {
        /// The provided name.
        name: String,
        /// This script's service.
        service: String,
        /// The other providers, in words.
        others: String,
        /// The `provide` declaration.
        #[label("also provided elsewhere")]
        span: SourceSpan,
    },

    /// Syntax outside POSIX sh, which openrc-run's /bin/sh may not accept.
    #[error("{what} is not POSIX sh; openrc-run runs scripts with /bin/sh")]
    #[diagnostic(help(
        "write it in POSIX sh: dash (/bin/sh on Debian) rejects it, and busybox ash (/bin/sh on Alpine) accepts only some of it"
    ))]
    NonPosixSyntax {
        /// The construct.
        what: String,
        /// Where.
        #[label("not POSIX")]
        span: SourceSpan,
    },

    /// An extra command signals the daemon through a pidfile, which the supervisor does not keep.
    #[error("`{function}()` signals the daemon through a pidfile, but under `supervisor={supervisor}` {why}")]
    PidfileSignalUnderSupervisor {
        /// The function.
        function: String,
        /// The supervisor.
        supervisor: String,
        /// What goes wrong.
        why: String,
        /// The signalling command.
        #[label("signals whatever this pidfile names")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// A variable only systemd sets for a unit's commands.
    #[error("`${name}` is set by systemd for a unit's commands; OpenRC never sets it, so it expands to nothing")]
    SystemdVariable {
        /// The variable.
        name: String,
        /// Where it is expanded.
        #[label("empty under OpenRC")]
        span: SourceSpan,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// `$(<file)`, which dash and busybox ash expand to nothing.
    #[error("`$(<{file})` is bash's shorthand for `$(cat {file})`; dash and busybox ash expand it to nothing")]
    #[diagnostic(help("write `$(cat {file})`"))]
    ReadFileSubstitution {
        /// The file, as written.
        file: String,
        /// The substitution.
        #[label("empty in /bin/sh")]
        span: SourceSpan,
    },

    /// `++` or `--` in `$((…))`.
    #[error(
        "`{op}` in `$((…))` is not POSIX sh: dash stops with an error at `x{op}` and reads `{op}x` as a double sign, leaving `x` unchanged"
    )]
    #[diagnostic(help("write the assignment out: `{name}=$(({name} {sign} 1))`"))]
    ArithmeticIncrement {
        /// `++` or `--`.
        op: String,
        /// The variable.
        name: String,
        /// `+` or `-`.
        sign: String,
        /// The operator.
        #[label("bash and busybox ash only")]
        span: SourceSpan,
    },

    /// `2>&1 >file`: the copy is made before the redirection it was meant to follow.
    #[error(
        "`{dup}` comes before `{later}`, so fd {copied} is copied before it is redirected: fd {onto} still goes where fd {copied} went before"
    )]
    #[diagnostic(help("write `{later} {dup}` to send both to the same place"))]
    RedirectionOrder {
        /// The copy, as written (`2>&1`).
        dup: String,
        /// The later redirection, as written (`>/dev/null`).
        later: String,
        /// The fd copied (1 in `2>&1`).
        copied: u32,
        /// The fd it is copied onto (2 in `2>&1`).
        onto: u32,
        /// The copy.
        #[label("copies fd {copied} as it is here")]
        span: SourceSpan,
        /// The later redirection.
        #[label("redirects fd {copied} only after the copy")]
        other: SourceSpan,
    },

    /// `"$@"` inside a longer string.
    #[error(
        "`$@` inside a longer string: the first argument joins the text before it, the last the text after, and the others become words of their own"
    )]
    #[diagnostic(help("use `$*` to make one string of all the arguments, or give `\"$@\"` a word of its own"))]
    DollarAtInString {
        /// The `$@`.
        #[label("splits this string into several words")]
        span: SourceSpan,
    },

    /// `-a`/`-o` in `[ … ]`/`test`.
    #[error("{what}")]
    TestAndOr {
        /// What is wrong, in words.
        what: String,
        /// The operator.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// What to write instead.
        #[help]
        help: String,
    },

    /// A `# rc2s6: allow=` comment names a code that does not exist.
    #[error("`{code}` in an allow comment is not an rc2s6 diagnostic code")]
    UnknownAllowCode {
        /// The code as written.
        code: String,
        /// Where.
        #[label("allows nothing")]
        span: SourceSpan,
        /// A suggestion.
        #[help]
        help: String,
    },
}

impl Coded for LintError {
    fn code(&self) -> &'static Code {
        match self {
            LintError::VariableTypo { .. } => &VARIABLE_TYPO,
            LintError::RunscriptShebang { .. } => &RUNSCRIPT_SHEBANG,
            LintError::CrlfLineEnding { .. } => &CRLF_LINE_ENDING,
            LintError::RelativeCommand { .. } => &RELATIVE_COMMAND,
            LintError::BackgroundWithoutPidfile { .. } => &BACKGROUND_WITHOUT_PIDFILE,
            LintError::BackgroundWithArgsBackground { .. } => &BACKGROUND_WITH_ARGS_BACKGROUND,
            LintError::DanglingFlag { .. } => &DANGLING_FLAG,
            LintError::LegacyS6Variable { .. } => &LEGACY_S6_VARIABLE,
            LintError::SupervisorBypassed { .. } => &SUPERVISOR_BYPASSED,
            LintError::ReadinessNeverSignalled { .. } => &READINESS_NEVER_SIGNALLED,
            LintError::NeedNotProvided { .. } => &NEED_NOT_PROVIDED,
            LintError::UseNotProvided { .. } => &USE_NOT_PROVIDED,
            LintError::DependencyCycle { .. } => &DEPENDENCY_CYCLE,
            LintError::DuplicateProvide { .. } => &DUPLICATE_PROVIDE,
            LintError::NonPosixSyntax { .. } => &NON_POSIX_SYNTAX,
            LintError::PidfileSignalUnderSupervisor { .. } => &PIDFILE_SIGNAL_UNDER_SUPERVISOR,
            LintError::UnknownAllowCode { .. } => &UNKNOWN_ALLOW_CODE,
            LintError::BackgroundWithoutPidfileUnlessConfd { .. } => &BACKGROUND_WITHOUT_PIDFILE,
            LintError::SystemdVariable { .. } => &SYSTEMD_VARIABLE,
            LintError::ReadFileSubstitution { .. } => &READ_FILE_SUBSTITUTION,
            LintError::ArithmeticIncrement { .. } => &ARITHMETIC_INCREMENT,
            LintError::RedirectionOrder { .. } => &REDIRECTION_ORDER,
            LintError::DollarAtInString { .. } => &DOLLAR_AT_IN_STRING,
            LintError::TestAndOr { .. } => &TEST_AND_OR,
        }
    }
}
