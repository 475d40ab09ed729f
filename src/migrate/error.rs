//! Every diagnostic of the init-script migration (`--initd-out`, `--diff`): wording and codes.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, define_codes};

define_codes! {
    /// Every code of [`MigrateError`].
    CODES in migrate {
        ASSIGNMENT_NOT_ALONE = assignment_not_alone: Warning,
        SETTING_NOT_REWRITABLE = setting_not_rewritable: Error,
        VARIABLE_STILL_USED = variable_still_used: Advice,
        PIDFILE_STILL_USED = pidfile_still_used: Warning,
        COMMAND_STILL_USED = command_still_used: Error,
        SIGNAL_NOT_SENDABLE = signal_not_sendable: Error,
        SIGNAL_UNKNOWN = signal_unknown: Error,
        STOP_BYPASSES_S6 = stop_bypasses_s6: Error,
        STOP_SIGNAL_DIFFERS = stop_signal_differs: Warning,
        DAEMON_CONTROLLED_OUTSIDE_S6 = daemon_controlled_outside_s6: Warning,
        LAUNCH_OUTSIDE_SCRIPT = launch_outside_script: Error,
        DEPEND_NOT_REWRITABLE = depend_not_rewritable: Warning,
        NAME_REMOVED = name_removed: Advice,
        NAME_OVERRIDDEN = name_overridden: Advice,
        OUTPUT_NOT_VAR_SVC_D = output_not_var_svc_d: Warning,
        NO_COMPAT_MODE = no_compat_mode: Error,
        RESULT_UNPARSEABLE = result_unparseable: Error,
    }
}

/// A problem found while rewriting an init script for `supervisor=s6`. Errors leave the script
/// unwritten: OpenRC would not run the daemon through s6 as migrated.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq, Eq)]
pub enum MigrateError {
    /// A daemon variable shares its line with other commands, so it cannot be commented out.
    #[error("`{variable}` is set on a line with other commands; left in place")]
    #[diagnostic(help(
        "put `{variable}=…` on a line of its own so rc2s6 can comment it out; the service directory already holds its value"
    ))]
    AssignmentNotAlone {
        /// The variable.
        variable: String,
        /// The command that sets it.
        #[label("set here")]
        span: SourceSpan,
    },

    /// A variable the migration must control is set where it cannot be rewritten.
    #[error("`{variable}` is set here together with other commands, and would undo the migration")]
    #[diagnostic(help("put `{variable}=…` on a line of its own (or remove it) and migrate again"))]
    SettingNotRewritable {
        /// The variable.
        variable: String,
        /// The command that sets it.
        #[label("set here")]
        span: SourceSpan,
    },

    /// A daemon variable is kept because the rest of the script still reads it.
    #[error("`{variable}` is kept: the script still uses it here")]
    #[diagnostic(help(
        "the service directory has its own copy of the value: change both together, or stop using `{variable}` here"
    ))]
    VariableStillUsed {
        /// The variable.
        variable: String,
        /// The use.
        #[label("used here")]
        span: SourceSpan,
    },

    /// The script reads `pidfile`, which start-stop-daemon no longer writes under s6.
    #[error("the script still uses `pidfile`, which start-stop-daemon no longer writes once s6 supervises the daemon")]
    #[diagnostic(help(
        "only a daemon that writes its own pidfile keeps it current; ask s6 instead: `s6-svstat -o pid` on the service gives the daemon's pid (-1 while it is down), `s6-svstat -o up` whether it runs"
    ))]
    PidfileStillUsed {
        /// The use.
        #[label("used here")]
        span: SourceSpan,
    },

    /// OpenRC 0.63+ needs an empty `command` in s6_start, the script still uses it, and its
    /// start() is not the script's own, so migration cannot empty it for the start alone.
    #[error(
        "OpenRC {version} uses rc2s6's service directory only when `command` is empty as it starts the service, but the script uses `command` here, and its start() is defined outside the script, where migration cannot empty `command` for the start alone"
    )]
    #[diagnostic(help(
        "define start() in the init script rather than in conf.d (migration then writes `command=\"\" default_start` in it), or write the daemon's path here instead of `$command`"
    ))]
    CommandStillUsed {
        /// The OpenRC target.
        version: String,
        /// The use.
        #[label("used here")]
        span: SourceSpan,
    },

    /// A signal s6-svc cannot send.
    #[error("s6-svc (s6 2.11) cannot send `{signal}` to the daemon")]
    #[diagnostic(help(
        "s6-svc sends HUP, ALRM, ABRT, INT, QUIT, USR1, USR2, TERM, KILL, STOP, CONT and WINCH; for others signal the pid s6 reports, which is -1 while the service is down: `pid=$(s6-svstat -o pid {service}) && [ \"$pid\" -gt 0 ] && kill -s {name} \"$pid\"`"
    ))]
    SignalNotSendable {
        /// The signal.
        signal: String,
        /// Its name as `kill -s` takes it (no `SIG`).
        name: String,
        /// The service's scan directory link, as shell text.
        service: String,
        /// The command.
        #[label("sends it here")]
        span: SourceSpan,
    },

    /// A signal that cannot be known without running the script.
    #[error("the signal this command sends cannot be known without running the script")]
    #[diagnostic(help("write the signal literally (`--signal HUP`) so rc2s6 can turn the command into `s6-svc`"))]
    SignalUnknown {
        /// The command.
        #[label("this command")]
        span: SourceSpan,
    },

    /// stop() does not go through the s6 backend, so OpenRC never brings the service down.
    #[error("stop() does not stop the daemon through OpenRC's s6 backend")]
    #[diagnostic(help(
        "call `default_stop` in stop() (or remove stop()); s6 restarts a daemon that is stopped any other way"
    ))]
    StopBypassesS6 {
        /// stop()'s name.
        #[label("this stop()")]
        span: SourceSpan,
    },

    /// stop() sent a signal other than the service directory's down-signal.
    #[error("stop() sent `{signal}`; under s6 the daemon gets `{down_signal}` from the service directory")]
    #[diagnostic(help(
        "set `stopsig={signal}` in the original script and compile again, so down-signal says the same"
    ))]
    StopSignalDiffers {
        /// The signal stop() sent.
        signal: String,
        /// What s6 sends.
        down_signal: String,
        /// The command.
        #[label("sent here")]
        span: SourceSpan,
    },

    /// A start-stop-daemon or supervise-daemon call controls the daemon behind s6's back.
    #[error("this call controls the daemon behind s6's back")]
    #[diagnostic(help(
        "use `s6-svc` on the service (`-u` up, `-d` down, `-r` restart), or OpenRC's `default_start`/`default_stop`"
    ))]
    DaemonControlledOutsideS6 {
        /// The command.
        #[label("here")]
        span: SourceSpan,
    },

    /// The compiled launch is not in the init script (a conf.d file defines start()).
    #[error("the daemon is launched from another file, which migration does not rewrite")]
    #[diagnostic(help("define start() in the init script, or replace the launch with `default_start` by hand"))]
    LaunchOutsideScript {
        /// The script's first line.
        #[label("this script")]
        span: SourceSpan,
    },

    /// depend() has a form rc2s6 cannot add a line to.
    #[error("depend() is not a `{{ … }}` block, so `need s6-svscan` cannot be added to it")]
    #[diagnostic(help("write depend() as `depend() {{ need s6-svscan; … }}`"))]
    DependNotRewritable {
        /// depend()'s name.
        #[label("this depend()")]
        span: SourceSpan,
    },

    /// `name` is commented out for OpenRC 0.63+, which names directories after it.
    #[error("`name` is commented out: OpenRC {version} names the service directory and its scan link after it")]
    #[diagnostic(help("OpenRC's messages now show the service name `{service}`; rc2s6's directory is named that too"))]
    NameRemoved {
        /// The OpenRC target.
        version: String,
        /// RC_SVCNAME.
        service: String,
        /// The assignment.
        #[label("was set here")]
        span: SourceSpan,
    },

    /// `name` set in rc.conf or conf.d is overridden by the migrated script on OpenRC 0.63+.
    #[error(
        "`name={value}` is overridden in the migrated script: OpenRC {version} names the service directory it links after `name`, and rc2s6's is /var/svc.d/{service}"
    )]
    #[diagnostic(help(
        "the migrated script sets `name=\"$RC_SVCNAME\"`, so OpenRC's messages and its scan directory show `{service}`; to keep `{value}`, install the script as /etc/init.d/{value} and compile it again"
    ))]
    NameOverridden {
        /// The OpenRC target.
        version: String,
        /// The value rc.conf or conf.d gives.
        value: String,
        /// RC_SVCNAME: rc2s6's directory.
        service: String,
        /// The assignment in rc.conf or conf.d.
        #[label("overridden")]
        span: SourceSpan,
    },

    /// OpenRC 0.63+ only links service directories under /var/svc.d.
    #[error("OpenRC {version} links only /var/svc.d/NAME, but the service directories are in {output}")]
    #[diagnostic(help("compile with `-o /var/svc.d`, or move the directories there before starting the services"))]
    OutputNotVarSvcD {
        /// The OpenRC target.
        version: String,
        /// The output directory.
        output: String,
    },

    /// OpenRC 0.63.0 has no way to use a prepared service directory: nothing is migrated for it.
    #[error(
        "OpenRC {version} always generates its own service directory, so no script is migrated: the migrated scripts need 0.63.1 or later"
    )]
    #[diagnostic(help(
        "upgrade OpenRC to 0.63.1 or later (which links /var/svc.d/NAME when `command` is empty) and migrate for it, e.g. `--openrc 0.63`; until then keep the original scripts"
    ))]
    NoCompatMode {
        /// The OpenRC target.
        version: String,
    },

    /// The rewritten text does not parse: a bug in rc2s6.
    #[error("the migrated script does not parse ({why}); this is a bug in rc2s6")]
    #[diagnostic(help("report it with the original script; the script was not written"))]
    ResultUnparseable {
        /// The parser's message.
        why: String,
    },
}

impl Coded for MigrateError {
    fn code(&self) -> &'static Code {
        match self {
            MigrateError::AssignmentNotAlone { .. } => &ASSIGNMENT_NOT_ALONE,
            MigrateError::SettingNotRewritable { .. } => &SETTING_NOT_REWRITABLE,
            MigrateError::VariableStillUsed { .. } => &VARIABLE_STILL_USED,
            MigrateError::PidfileStillUsed { .. } => &PIDFILE_STILL_USED,
            MigrateError::CommandStillUsed { .. } => &COMMAND_STILL_USED,
            MigrateError::SignalNotSendable { .. } => &SIGNAL_NOT_SENDABLE,
            MigrateError::SignalUnknown { .. } => &SIGNAL_UNKNOWN,
            MigrateError::StopBypassesS6 { .. } => &STOP_BYPASSES_S6,
            MigrateError::StopSignalDiffers { .. } => &STOP_SIGNAL_DIFFERS,
            MigrateError::DaemonControlledOutsideS6 { .. } => &DAEMON_CONTROLLED_OUTSIDE_S6,
            MigrateError::LaunchOutsideScript { .. } => &LAUNCH_OUTSIDE_SCRIPT,
            MigrateError::DependNotRewritable { .. } => &DEPEND_NOT_REWRITABLE,
            MigrateError::NameRemoved { .. } => &NAME_REMOVED,
            MigrateError::NameOverridden { .. } => &NAME_OVERRIDDEN,
            MigrateError::OutputNotVarSvcD { .. } => &OUTPUT_NOT_VAR_SVC_D,
            MigrateError::NoCompatMode { .. } => &NO_COMPAT_MODE,
            MigrateError::ResultUnparseable { .. } => &RESULT_UNPARSEABLE,
        }
    }
}
