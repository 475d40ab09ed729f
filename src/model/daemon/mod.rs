//! From the variables a script leaves (or the call its `start()` makes) to the daemon's run-time
//! settings, reporting every value that cannot be carried over exactly.
//!
//! Each setting is one step in its own file: it reads what it needs from the [`Context`] (the
//! variables, where the launch came from) and the start-stop-daemon options, reports to the
//! context's one [`Report`], and returns its part of the [`Daemon`] or [`Refused`]. Every step
//! runs, in a fixed order, before any refusal counts: the diagnostics and decisions they make
//! are output, in that order.

mod account_lookup;
mod at_start;
mod capabilities;
mod command_line;
mod context;
mod directories;
mod environment;
mod eval_line;
mod evaluated;
mod flags;
mod foreground;
mod kind;
pub(super) use kind::control_program;
mod limits;
mod marker_scan;
mod nice;
mod privileges;
mod readiness;
mod redirections;
mod report;
mod required;
mod respawn;
mod shell_settings;
pub mod stop_policy;
mod stopping;
#[cfg(test)]
mod tests;
mod ulimit;
mod umask;
mod unsupported;
mod user;

pub use report::Report;

use super::inputs::ModelOptions;
use super::launch::{Launch, ShellSetting};
use super::service::Daemon;
use super::stop_call::StopCall;
use super::trace::LaunchProgram;
use super::uncertainty::Texts;
use crate::eval::environment::Environment;
use crate::eval::value::Loc;
use crate::openrc::supervisor::Supervisor;
use command_line::CommandLine;
use context::{Context, Origin};
use environment::EnvironmentInputs;
use foreground::Started;
use kind::Program;
use redirections::Streams;
use report::Refused;
use shell_settings::AlreadySet;
use stopping::Stopper;

/// What a daemon is built from.
pub struct DaemonInputs<'a> {
    /// The variables as start() leaves them before the launch.
    pub env: &'a Environment,
    /// Where to point diagnostics that have no better place: the script's first line.
    pub fallback: Loc,
    /// The user's choices and the target.
    pub options: &'a ModelOptions,
    /// How the daemon is launched.
    pub launch: &'a Launch,
    /// What start()'s shell sets up before the launch.
    pub shell_settings: &'a [ShellSetting],
    /// The start-stop-daemon call of the script's own stop(): its `--retry` and `--signal`
    /// are how it stops the daemon.
    pub stop_call: Option<&'a StopCall>,
    /// OpenRC's backend stops the daemon (no `stop()` of the script's, or one that calls the
    /// backend's).
    pub stop_by_backend: bool,
    /// The loaded files' texts, to quote the conditions values are set under.
    pub texts: Texts<'a>,
}

/// What building a daemon came to.
#[derive(Debug)]
pub enum Built {
    /// A daemon to supervise.
    Daemon(Box<Daemon>),
    /// The command runs once and exits (rc2s6's table says so): the service is a oneshot.
    RunsOnce,
    /// Something could not be carried over; the report says what.
    Refused,
}

/// The result, and every diagnostic and decision made on the way.
#[derive(Debug)]
pub struct DaemonBuild {
    /// The daemon, or why there is none.
    pub built: Built,
    /// What the steps reported.
    pub report: Report,
}

/// Builds the daemon.
pub fn build(inputs: &DaemonInputs) -> DaemonBuild {
    let origin = match inputs.launch {
        Launch::Declarative => Origin::Variables,
        Launch::Call { loc, .. } => Origin::StartCall(*loc),
    };
    let mut cx = Context::new(inputs.env, inputs.fallback, inputs.options, origin, inputs.texts);
    let built = build_in(&mut cx, inputs);
    DaemonBuild { built, report: cx.report }
}

fn build_in(cx: &mut Context, inputs: &DaemonInputs) -> Built {
    let supervisor = Supervisor::from_value(&cx.var("supervisor").map(|v| v.value.text).unwrap_or_default());
    let line = command_line::read(cx, inputs.launch, supervisor);
    if !line.exact && line.argv.is_empty() {
        // The diagnostics already say why the command line is not known.
        return Built::Refused;
    }
    if command_line::names_a_program(cx, &line).is_err() {
        return Built::Refused;
    }
    match kind::classify(cx, &line.argv, line.exact, line.at) {
        Ok(Program::Daemon) => {}
        Ok(Program::RunsOnce) => return Built::RunsOnce,
        Err(Refused) => return Built::Refused,
    }
    if let Launch::Call { program, loc, .. } = inputs.launch {
        cx.report.decide("launch", format!("compiled from the {} call in start()", program.name()), Some(*loc));
    }
    match settings(cx, inputs, supervisor, &line) {
        Ok(daemon) if at_start::check(cx, &daemon).is_ok() => Built::Daemon(Box::new(daemon)),
        Ok(_) | Err(Refused) => Built::Refused,
    }
}

/// Where the daemon's stdout and stderr go under OpenRC, by who starts it.
fn streams(cx: &Context, launch: &Launch, supervisor: Supervisor, flags: &flags::DaemonFlags) -> Streams {
    match (launch, supervisor) {
        (Launch::Call { program: LaunchProgram::StartStopDaemon, .. }, _) => {
            Streams::StartStopDaemon { background: flags.background }
        }
        (Launch::Call { .. }, _) | (Launch::Declarative, Supervisor::SuperviseDaemon) => Streams::Other,
        (Launch::Declarative, Supervisor::S6) => Streams::S6,
        (Launch::Declarative, _) => {
            Streams::StartStopDaemon { background: flags.background || cx.command_background() }
        }
    }
}

/// The redirections of the start() call that launches the daemon, as far as the daemon keeps
/// them; none for OpenRC's own backend.
fn launch_redirections(
    cx: &mut Context,
    launch: &Launch,
    flags: &flags::DaemonFlags,
    pwd: Option<&(String, String)>,
) -> Result<Vec<crate::model::ShellRedirect>, Refused> {
    let Launch::Call { program, context, .. } = launch else { return Ok(Vec::new()) };
    let keeps = match program {
        LaunchProgram::Direct => true,
        LaunchProgram::StartStopDaemon => !flags.background,
        LaunchProgram::SuperviseDaemon => false,
    };
    // `--quiet` sets EINFO_QUIET, and start-stop-daemon then points the daemon's stdout and
    // stderr at /dev/null whatever the shell made them (start-stop-daemon.c:1078-1085 at
    // 0.45.2): where rc2s6's logger takes them, as for `--background`.
    let quiet =
        *program == LaunchProgram::StartStopDaemon && flags.irrelevant.iter().any(|f| f == "--quiet" || f == "-q");
    let kept: Vec<_> = context.redirects.iter().filter(|r| !(quiet && matches!(r.fd, 1 | 2))).cloned().collect();
    let cwd = pwd.map_or("/", |p| p.0.as_str());
    redirections::shell_redirections(cx, &kept, keeps, cwd)
}

/// However it was started, the daemon is stopped by the script's stop() or OpenRC's.
fn stop_policy(
    cx: &mut Context,
    inputs: &DaemonInputs,
    supervisor: Supervisor,
) -> Result<stopping::StopPolicy, Refused> {
    let stopper = match (inputs.stop_call, inputs.stop_by_backend) {
        (Some(call), _) => Stopper::Call(call),
        (None, true) => Stopper::Backend(supervisor),
        (None, false) => Stopper::Script,
    };
    stopping::stop_policy(cx, stopper)
}

/// The readiness fd and supervise-daemon's respawn policy: from the variables for OpenRC's own
/// backend (whose other variables rc2s6 does not carry over are reported too), from the call's
/// options otherwise.
fn readiness_and_respawn(
    cx: &mut Context,
    flags: &flags::DaemonFlags,
    supervisor: Supervisor,
) -> (Result<Option<u32>, Refused>, Result<Option<crate::model::Respawn>, Refused>) {
    if cx.declarative() {
        let fd = readiness::from_variables(cx, flags);
        let respawn = respawn::respawn(cx, flags, supervisor);
        unsupported::variables(cx);
        (fd, respawn)
    } else {
        (readiness::from_call(cx, flags), Ok(None))
    }
}

/// Every setting of the daemon, each from its step; the steps all run before a refusal counts.
fn settings(
    cx: &mut Context,
    inputs: &DaemonInputs,
    supervisor: Supervisor,
    line: &CommandLine,
) -> Result<Daemon, Refused> {
    let argv0 = command_line::argv0(cx, line);
    unsupported::options(cx, &line.flags);
    let flags = &line.flags;
    let user = user::run_as(cx, flags);
    let dirs = directories::directories(cx, flags);
    let umask = umask::umask(cx, flags);
    let nice = nice::nice(cx, flags);
    // openrc-run applies rc_ulimit before any command, custom start() or not.
    let limits = limits::rc_ulimit(cx);
    // start-stop-daemon and supervise-daemon set the daemon's umask (022 without `--umask`);
    // only a daemon the shell runs itself keeps the shell's.
    let direct = matches!(inputs.launch, Launch::Call { program: LaunchProgram::Direct, .. });
    let already = AlreadySet {
        umask: matches!(umask, Ok(Some(_))) || !direct,
        directory: dirs.as_ref().is_ok_and(|d| d.directory.is_some()),
    };
    let shell = shell_settings::apply(cx, inputs.shell_settings, already);
    let directory = dirs.as_ref().ok().and_then(|d| d.directory.clone());
    let directory = directory.or_else(|| shell.as_ref().ok().and_then(|s| s.directory.clone()));
    let streams = streams(cx, inputs.launch, supervisor, flags);
    let redirections = redirections::redirections(cx, flags, directory.as_deref(), streams);
    let openrc_refuses = evaluated::refused_by_openrc(cx, supervisor);
    let launch_env = match inputs.launch {
        Launch::Call { context, .. } => Some(&context.env),
        Launch::Declarative => None,
    };
    let run_as = user.as_ref().ok().and_then(Option::as_ref);
    let pwd = shell.as_ref().ok().and_then(|s| s.pwd.as_ref());
    let shell_redirects = launch_redirections(cx, inputs.launch, flags, pwd);
    let env = environment::environment(cx, flags, &EnvironmentInputs { launch_env, user: run_as, pwd, direct });
    let privileges = privileges::privileges(cx, flags);
    let required = required::required(cx);
    let stop = stop_policy(cx, inputs, supervisor);
    let (notification_fd, respawn) = readiness_and_respawn(cx, flags, supervisor);
    let started = Started { launch: inputs.launch, flags, supervisor, background_args: line.background_args.as_ref() };
    let foreground = foreground::foreground(cx, &started, line.argv.clone(), line.at);
    // Every step has reported: now any refusal refuses the daemon.
    let (foreground, shell, stop) = (foreground?, shell?, stop?);
    let redirections = redirections?;
    openrc_refuses?;
    let logger = redirections.logger;
    let mut user = user?;
    let env = env?;
    // An `--env HOME=…` after `--user` is the daemon's HOME (see `environment`).
    let untouched = |k: &str| !env.vars.iter().any(|(n, _)| n == k) && !env.unset.iter().any(|n| n == k);
    let home_of =
        user.as_ref().filter(|u| !u.group_only && u.lookup.is_none() && untouched("HOME")).map(|u| u.user.clone());
    if let Some(l) = user.as_mut().and_then(|u| u.lookup.as_mut()) {
        (l.sets_user, l.sets_home) = (untouched("USER"), untouched("HOME"));
        let chroot = dirs.as_ref().ok().and_then(|d| d.chroot.is_some().then_some(()));
        let privileged = privileges.as_ref().ok().and_then(|p| p.as_ref()).is_some_and(|p| !p.is_empty());
        account_lookup::check_combinations(cx, l, chroot.is_some(), privileged)?;
    }
    Ok(Daemon {
        argv: foreground.argv,
        argv0,
        unexport: environment::unexported(&env, direct),
        state_variables: environment::state_variables(&env.vars, direct),
        env: env.vars,
        home_of,
        directory,
        chroot: dirs?.chroot,
        umask: umask?.or(shell.umask),
        nice: nice?,
        ignores_int_quit: matches!(
            inputs.launch,
            Launch::Call { program: LaunchProgram::Direct, background: true, .. }
        ),
        limits: [limits?, shell.limits].concat(),
        user,
        shell_redirects: shell_redirects?,
        stdin: redirections.stdin,
        stdout: redirections.stdout,
        log_file_mode: if matches!(streams, Streams::StartStopDaemon { .. }) { 0o660 } else { 0o600 },
        stderr: redirections.stderr,
        stdout_logger: redirections.stdout_logger,
        stderr_logger: redirections.stderr_logger,
        logger_is_shell: logger.as_ref().is_some_and(|l| l.shell),
        logger: logger.map(|l| l.command),
        notification_fd: notification_fd?,
        down_signal: stop.down_signal,
        timeout_kill_ms: stop.timeout_kill_ms,
        respawn: respawn?,
        fghack: foreground.fghack,
        privileges: privileges?,
        required: required?,
        system_worlds: None,
    })
}
