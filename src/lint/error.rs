//! Every lint diagnostic's wording and code. Each code's long explanation is
//! `docs/codes/lint/<name>.md`, which is also the documentation of the rule that emits it.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// Problems the lint rules find in init scripts and in a set of them.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum LintError {
    /// An assigned variable that nothing reads and whose name is one edit away from OpenRC's.
    #[error("`{name}` is set but never read; OpenRC reads `{suggestion}`")]
    #[diagnostic(
        code(rc2s6::lint::variable_typo),
        severity(Warning),
        help("did you mean `{suggestion}`? OpenRC ignores `{name}`")
    )]
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
    #[diagnostic(
        code(rc2s6::lint::runscript_shebang),
        severity(Warning),
        help("start the script with `#!/sbin/openrc-run`")
    )]
    RunscriptShebang {
        /// The interpreter path.
        interpreter: String,
        /// The shebang line.
        #[label("removed in OpenRC 0.52")]
        span: SourceSpan,
    },

    /// The file has DOS line endings: the shebang and every value end in a carriage return.
    #[error("the file has DOS (CRLF) line endings")]
    #[diagnostic(
        code(rc2s6::lint::crlf_line_ending),
        help("convert the file to Unix line endings (`sed -i 's/\\r$//' FILE`)")
    )]
    CrlfLineEnding {
        /// The first carriage return.
        #[label("carriage return here")]
        span: SourceSpan,
    },

    /// `command` is not an absolute path.
    #[error("`command` is `{command}`, not an absolute path")]
    #[diagnostic(
        code(rc2s6::lint::relative_command),
        severity(Warning),
        help("write the daemon's absolute path, e.g. `command=/usr/bin/{base}`")
    )]
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
    #[diagnostic(
        code(rc2s6::lint::background_without_pidfile),
        help(
            "add `pidfile=\"/run/${{RC_SVCNAME}}.pid\"`, or use `supervisor=supervise-daemon` without `command_background`"
        )
    )]
    BackgroundWithoutPidfile {
        /// Where `command_background` is set.
        #[label("needs a pidfile to write")]
        span: SourceSpan,
    },

    /// `command_background` with `command_args_background`: start-stop-daemon refuses to start.
    #[error("`command_background` and `command_args_background` are both set; OpenRC refuses to start the service")]
    #[diagnostic(
        code(rc2s6::lint::background_with_args_background),
        help(
            "keep one: `command_background=yes` when the daemon stays in the foreground, or `command_args_background` with the daemon's own daemonize flag"
        )
    )]
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
    #[diagnostic(
        code(rc2s6::lint::dangling_flag),
        severity(Warning),
        help("give `{variable}` a value, or `unset {variable}` instead of setting it empty")
    )]
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
    #[diagnostic(code(rc2s6::lint::legacy_s6_variable), severity(Warning))]
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
    #[diagnostic(code(rc2s6::lint::supervisor_bypassed), severity(Warning))]
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
    #[diagnostic(code(rc2s6::lint::readiness_never_signalled), severity(Warning))]
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
    #[diagnostic(
        code(rc2s6::lint::need_not_provided),
        severity(Warning),
        help(
            "OpenRC will refuse to start this service unless some installed script provides `{name}`; check the name, or lint it together with the script that provides it"
        )
    )]
    NeedNotProvided {
        /// The dependency.
        name: String,
        /// Where it is declared.
        #[label("no provider in this set")]
        span: SourceSpan,
    },

    /// `use` or `want` of a service no script in the set provides.
    #[error("`{kind} {name}`: no script here provides `{name}`")]
    #[diagnostic(
        code(rc2s6::lint::use_not_provided),
        severity(Advice),
        help("OpenRC ignores `{kind}` of a service that does not exist; check the name for a typo")
    )]
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
    #[diagnostic(
        code(rc2s6::lint::dependency_cycle),
        severity(Warning),
        help(
            "OpenRC breaks the cycle at an arbitrary point; drop one of these dependencies or turn a `need` into `use`/`after`"
        )
    )]
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
    #[diagnostic(
        code(rc2s6::lint::duplicate_provide),
        severity(Warning),
        help(
            "OpenRC picks one provider by runlevel and start order; if they are alternatives, say so with `# rc2s6: allow=rc2s6::lint::duplicate_provide`, otherwise rename the virtual"
        )
    )]
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
    #[diagnostic(
        code(rc2s6::lint::non_posix_syntax),
        severity(Warning),
        help(
            "write it in POSIX sh: dash (/bin/sh on Debian) rejects it, and busybox ash (/bin/sh on Alpine) accepts only some of it"
        )
    )]
    NonPosixSyntax {
        /// The construct.
        what: String,
        /// Where.
        #[label("not POSIX")]
        span: SourceSpan,
    },

    /// An extra command signals the daemon through a pidfile, which the supervisor does not keep.
    #[error("`{function}()` signals the daemon through a pidfile, but under `supervisor={supervisor}` {why}")]
    #[diagnostic(code(rc2s6::lint::pidfile_signal_under_supervisor), severity(Warning))]
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

    /// A `# rc2s6: allow=` comment names a code that does not exist.
    #[error("`{code}` in an allow comment is not an rc2s6 diagnostic code")]
    #[diagnostic(code(rc2s6::lint::unknown_allow_code), severity(Warning))]
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
