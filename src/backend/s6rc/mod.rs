//! Model → s6-rc source definitions (s6-rc-compile 0.6.1.1's format, `doc/s6-rc-compile.html`):
//! a whole OpenRC system as one source directory, with no OpenRC left to run it.
//!
//! Per service ([`service`]):
//! - a converted daemon `N` is a longrun `N` whose `run`, `finish`, `notification-fd`,
//!   `down-signal`, `timeout-kill`, … are the s6 backend's own, `producer-for` its logger, a
//!   longrun `N-log` (the s6 backend's `log/run`, `consumer-for` N, `pipeline-name` N-pipeline:
//!   s6-rc has no `log/` subdirectory, and makes a bundle of each pipeline);
//! - what openrc-run does around the daemon becomes oneshots: `N-pre` (a dependency of `N`) runs
//!   `start_pre()` and `start()` up to the daemon's launch when it goes up, `stop_post()` when it
//!   goes down; `N-post` (depending on `N`) runs `start_post()` when it goes up, `stop_pre()`
//!   and `stop()` up to the daemon's stop when it goes down. Each exists only when there is
//!   something to run ([`HookPlan`]);
//! - a script without a daemon is a oneshot `N` whose `up` runs `start_pre()`, `start()` and
//!   `start_post()`, and whose `down` runs `stop_pre()`, `stop()` and `stop_post()`.
//!
//! Oneshots run the script's own functions under `/bin/sh` with rc2s6's stand-in for what
//! openrc-run gives them (`openrc.sh`: ebegin/eend/einfo/…, checkpath, yesno, service values),
//! and with the very rc.conf, conf.d and script text that was compiled, so the tree does not
//! depend on OpenRC or on files that may change after compiling (`program`).
//!
//! For the set ([`set`]): `need` and the ordering declarations become `dependencies.d/`, each
//! virtual name a bundle of its chosen provider, each runlevel a bundle.

pub mod error;
mod program;
pub mod set;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub use error::{CODES, S6RcError};
pub use program::LIBRARY;

use super::execline::NulInWord;
use super::s6::{self, EmitOptions};
use super::service_dir::{GeneratedFile, ServiceDir};
use crate::core::file_name::basename;
use crate::core::source::Span;
use crate::model::Loc;
use crate::model::analysis::Analysis;
use crate::model::{Decision, ServiceKind};
use crate::openrc::einfo::MESSAGE_PROGRAMS;
use program::{Context, Program};

/// The scan directory s6-rc-init links longruns into, as s6-linux-init and s6-rc's own
/// documentation set it up (`s6-rc-init -c compiled -l /run/s6-rc /run/service`): where a
/// signal a script sends its daemon through `s6-svc` goes.
pub const LIVE_SCANDIR: &str = "/run/service";

/// What the s6-rc backend needs besides the model.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct S6RcOptions {
    /// How run scripts and loggers are written (the s6 backend's settings).
    pub emit: EmitOptions,
    /// The chosen provider of each virtual name (`--provider NAME=SERVICE`).
    pub providers: BTreeMap<String, String>,
    /// Names the system brings up before s6-rc starts (`--external NAME`): a dependency on one
    /// the tree does not have is satisfied and left out.
    pub external: BTreeSet<String>,
    /// OpenRC's runlevel directory (`--runlevels`, e.g. /etc/runlevels): one bundle per runlevel.
    pub runlevels: Option<PathBuf>,
}

/// The name of a service's logger.
pub fn log_name(service: &str) -> String {
    format!("{service}-log")
}

/// The name of the oneshot that runs what OpenRC runs before the daemon.
pub fn pre_name(service: &str) -> String {
    format!("{service}-pre")
}

/// The name of the oneshot that runs what OpenRC runs after the daemon.
pub fn post_name(service: &str) -> String {
    format!("{service}-post")
}

/// The name of the bundle s6-rc-compile makes of a daemon and its logger.
pub fn pipeline_name(service: &str) -> String {
    format!("{service}-pipeline")
}

/// Why s6-rc-compile 0.6.1.1 refuses a service name, or `None`: names that start with `s6rc-`
/// or `s6-rc-` are reserved (`check_identifier`), a newline is refused, and what the s6 backend
/// refuses (empty, `/`, dot names, control characters, more than s6-svscan's 251 bytes, which
/// also bounds a longrun's directory in the live scan directory) holds too.
pub fn invalid_name(name: &str) -> Option<&'static str> {
    if let Some(why) = super::service_dir::invalid_name(name) {
        return Some(why);
    }
    if name.starts_with("s6rc-") || name.starts_with("s6-rc-") {
        return Some("names starting with `s6rc-` or `s6-rc-` are reserved for s6-rc's own services");
    }
    None
}

/// OpenRC's backend functions and programs: what starts or stops the daemon, which s6-rc does
/// itself (`sh/openrc-run.sh.in`, `sh/start-stop-daemon.sh`, `sh/supervise-daemon.sh`, `sh/s6.sh`).
const BACKEND: &[&str] = &[
    "default_start",
    "default_stop",
    "start-stop-daemon",
    "supervise-daemon",
    "ssd_start",
    "ssd_stop",
    "supervise_start",
    "supervise_stop",
    "s6_start",
    "s6_stop",
    "runit_start",
    "runit_stop",
];

/// Builtins that do nothing by themselves.
const NO_EFFECT: &[&str] = &["return", "true", ":", "local"];

/// Where a service's own functions run in the s6-rc tree: which oneshot runs which of them, in
/// openrc-run's order (`sh/openrc-run.sh.in`: `${cmd}_pre`, `$cmd`, `${cmd}_post`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HookPlan {
    /// A daemon's (its longrun is written) or a script without one (one oneshot).
    pub daemon: bool,
    /// Run when the service goes up: the oneshot's `up`, or for a daemon `N-pre`'s.
    pub up: Vec<&'static str>,
    /// Run when it goes down: the oneshot's `down`, or for a daemon `N-pre`'s (after the daemon).
    pub down: Vec<&'static str>,
    /// A daemon's `N-post`: run once the daemon is up.
    pub post_up: Vec<&'static str>,
    /// A daemon's `N-post`: run before the daemon goes down.
    pub post_down: Vec<&'static str>,
    /// `required_dirs` or `required_files` is set: openrc-run checks them before the daemon.
    pub checks_required: bool,
}

impl HookPlan {
    /// Where the functions of an analysed service run, or `None` when the service is not one
    /// s6-rc gets (not converted, or migrated for OpenRC's own s6 backend).
    pub fn of(analysis: &Analysis) -> Option<HookPlan> {
        let service = &analysis.service;
        let defined = |f: &str| analysis.functions.get(f).is_some();
        let hooks =
            |names: &[&'static str]| -> Vec<&'static str> { names.iter().copied().filter(|n| defined(n)).collect() };
        let checks_required = ["required_dirs", "required_files"]
            .iter()
            .any(|v| service.variables.get(v).is_some_and(|x| !x.value.text.trim().is_empty()));
        match (service.kind, &service.daemon) {
            (ServiceKind::Longrun, Some(daemon)) => {
                // Each world's program, where tests of the running system choose among several.
                let programs = match &daemon.system_worlds {
                    Some(w) => w.programs(),
                    None => daemon.argv.first().map(String::as_str).into_iter().collect(),
                };
                let launch = if service.custom_launch.is_some() { programs } else { Vec::new() };
                let mut up = hooks(&["start_pre"]);
                if defined("start") && does_more_than(analysis, "start", &launch) {
                    up.push("start");
                }
                let mut post_down = hooks(&["stop_pre"]);
                if defined("stop") && does_more_than(analysis, "stop", &[]) {
                    post_down.push("stop");
                }
                Some(HookPlan {
                    daemon: true,
                    up,
                    down: hooks(&["stop_post"]),
                    post_up: hooks(&["start_post"]),
                    post_down,
                    checks_required,
                })
            }
            (ServiceKind::Oneshot, _) => {
                // OpenRC's own start() runs `command` (sh/start-stop-daemon.sh, ssd_start).
                let command = service.variables.get("command").is_some_and(|v| !v.value.text.trim().is_empty());
                let up =
                    if ["start_pre", "start", "start_post"].iter().any(|f| defined(f)) || checks_required || command {
                        vec!["start_pre", "start", "start_post"]
                    } else {
                        Vec::new()
                    };
                let down = if ["stop_pre", "stop", "stop_post"].iter().any(|f| defined(f)) {
                    vec!["stop_pre", "stop", "stop_post"]
                } else {
                    Vec::new()
                };
                Some(HookPlan { daemon: false, up, down, post_up: Vec::new(), post_down: Vec::new(), checks_required })
            }
            _ => None,
        }
    }

    /// Every function the tree runs (what reaches OpenRC's own programs is looked for in these).
    pub fn functions(&self) -> BTreeSet<&'static str> {
        [&self.up, &self.down, &self.post_up, &self.post_down].into_iter().flatten().copied().collect()
    }

    /// Whether a daemon's own `start()` or `stop()` runs in a oneshot: its launch and its stop
    /// must first be taken out of it (the script is rewritten as for `supervisor=s6`, where they
    /// become `default_start`/`default_stop`, which end the oneshot's script).
    pub fn runs_start_or_stop(&self) -> bool {
        self.daemon && (self.up.contains(&"start") || self.post_down.contains(&"stop"))
    }

    /// Whether the daemon gets `N-pre`.
    fn has_pre(&self) -> bool {
        self.daemon && (!self.up.is_empty() || !self.down.is_empty() || self.checks_required)
    }

    /// Whether the daemon gets `N-post`.
    fn has_post(&self) -> bool {
        self.daemon && (!self.post_up.is_empty() || !self.post_down.is_empty())
    }
}

/// Whether a function does anything besides printing messages, starting or stopping the daemon
/// through OpenRC (or launching one of the `launch` programs itself): the commands it and the functions of its file
/// it calls run, by name.
fn does_more_than(analysis: &Analysis, function: &str, launch: &[&str]) -> bool {
    let Some(def) = analysis.functions.get(function) else { return false };
    let reached = analysis.functions.reachable(function, def.file);
    analysis.functions.definitions().iter().filter(|d| d.file == def.file && reached.contains(&d.name)).any(|d| {
        d.commands().any(|c| {
            let base = basename(c);
            !(reached.contains(c)
                || MESSAGE_PROGRAMS.contains(&base)
                || BACKEND.contains(&base)
                || NO_EFFECT.contains(&base)
                || launch.contains(&c))
        })
    })
}

/// What one service becomes: its definitions, the one dependencies go into and the one other
/// services depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct S6RcService {
    /// The service's name.
    pub name: String,
    /// Its definitions: the service's own (`N`) first, then the others by name.
    pub dirs: Vec<ServiceDir>,
    /// The definition that starts first (`N-pre`, else `N`): the service's dependencies go here.
    pub entry: String,
    /// The definition that is up last (`N-post`, else `N`): what depends on the service depends
    /// on this.
    pub handle: String,
    /// Others may not read the service's conf.d (its definitions are written 0700/0600).
    pub private: bool,
    /// What was decided and why, for the manifest.
    pub decisions: Vec<Decision>,
}

impl S6RcService {
    /// A definition of the service by name.
    pub fn dir_mut(&mut self, name: &str) -> Option<&mut ServiceDir> {
        self.dirs.iter_mut().find(|d| d.name == name)
    }

    /// Every name the service's definitions and its pipeline bundle take besides its own.
    pub fn derived_names(&self) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        for d in self.dirs.get(1..).unwrap_or_default() {
            let role = if d.name == log_name(&self.name) {
                "logger"
            } else if d.name == pre_name(&self.name) {
                "oneshot running what OpenRC runs before the daemon"
            } else {
                "oneshot running what OpenRC runs after the daemon"
            };
            out.push((d.name.clone(), role));
        }
        if self.dirs.first().is_some_and(|d| d.file("producer-for").is_some()) {
            out.push((pipeline_name(&self.name), "pipeline bundle (daemon and logger)"));
        }
        out
    }

    /// Adds an empty file at `path` (`dependencies.d/NAME`, `flag-essential`) to the definition
    /// `dir`, keeping the files sorted and the service's permissions.
    pub fn add_file(&mut self, dir: &str, path: String) {
        let mode = if self.private { 0o600 } else { 0o644 };
        if let Some(d) = self.dir_mut(dir) {
            if d.file(&path).is_none() {
                let mut files = std::mem::take(&mut d.files);
                files.push(GeneratedFile { path, mode, contents: String::new() });
                *d = ServiceDir::new(&d.name, files);
            }
        }
    }
}

/// Why a service does not become s6-rc definitions, located in one of its files.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// What the s6 backend refuses too (a name, a NUL byte).
    Emit(s6::EmitError),
    /// The s6-rc backend's own reasons, each at its place in one of the service's files.
    S6Rc(Vec<(Loc, S6RcError)>),
}

/// What a service's oneshots run besides the analysis: the script rewritten so the daemon's
/// launch and stop are `default_start`/`default_stop` (when [`HookPlan::runs_start_or_stop`]),
/// and the calls of OpenRC's own programs the functions that run make ([`OPENRC_ONLY`]).
#[derive(Debug, Clone, Default)]
pub struct HookInputs {
    /// The script's rewritten text.
    pub rewritten_script: Option<String>,
    /// `(command, where)` for each call of a command only OpenRC has.
    pub openrc_calls: Vec<(String, Loc)>,
    /// What openrc-run puts in the environment under the target release, as the model assumed
    /// when it read the files (`model::predefined::openrc_run_environment`).
    pub openrc_run_environment: Vec<(&'static str, String)>,
}

/// OpenRC's programs and shell functions that rc2s6's stand-in does not provide, because they
/// keep or read OpenRC's own state (service states, its deptree, its runlevels), or mounts
/// through OpenRC's helpers (`src/*/meson.build` and `sh/*.sh` of 0.63.3): with what each is.
pub const OPENRC_ONLY: &[(&str, &str)] = &[
    ("fstabinfo", "OpenRC's fstab reader"),
    ("is_net_fs", "a function of OpenRC's rc-functions.sh (it runs mountinfo)"),
    ("is_newer_than", "OpenRC's file-age test"),
    ("is_older_than", "OpenRC's file-age test"),
    ("is_union_fs", "a function of OpenRC's rc-functions.sh"),
    ("kill_all", "OpenRC's process killer"),
    ("mark_service_crashed", "OpenRC's service-state program"),
    ("mark_service_failed", "OpenRC's service-state program"),
    ("mark_service_hotplugged", "OpenRC's service-state program"),
    ("mark_service_inactive", "OpenRC's service-state program"),
    ("mark_service_started", "OpenRC's service-state program"),
    ("mark_service_starting", "OpenRC's service-state program"),
    ("mark_service_stopped", "OpenRC's service-state program"),
    ("mark_service_stopping", "OpenRC's service-state program"),
    ("mark_service_wasinactive", "OpenRC's service-state program"),
    ("mountinfo", "OpenRC's mount lister"),
    ("on_ac_power", "OpenRC's power-supply test"),
    ("openrc", "OpenRC itself"),
    ("rc-abort", "OpenRC's abort program"),
    ("rc-depend", "OpenRC's dependency resolver"),
    ("rc-service", "OpenRC's service runner"),
    ("rc-status", "OpenRC's status program"),
    ("rc-update", "OpenRC's runlevel editor"),
    ("rc_runlevel", "a function of OpenRC's functions.sh (it runs rc-status)"),
    ("service_coldplugged", "OpenRC's service-state query"),
    ("service_crashed", "OpenRC's service-state query"),
    ("service_daemons_crashed", "OpenRC's service-state query"),
    ("service_hotplugged", "OpenRC's service-state query"),
    ("service_inactive", "OpenRC's service-state query"),
    ("service_started", "OpenRC's service-state query"),
    ("service_started_daemon", "OpenRC's service-state query"),
    ("service_starting", "OpenRC's service-state query"),
    ("service_stopped", "OpenRC's service-state query"),
    ("service_stopping", "OpenRC's service-state query"),
    ("service_wasinactive", "OpenRC's service-state query"),
    ("start-stop-daemon", "OpenRC's daemon starter (here, not the launch rc2s6 compiled)"),
    ("supervise-daemon", "OpenRC's supervisor (here, not the launch rc2s6 compiled)"),
    ("swclock", "OpenRC's clock program"),
];

/// What a service of the set becomes in an s6-rc source tree, before the set's dependencies
/// and bundles ([`set`]); `Ok(None)` when it becomes nothing (not converted).
pub fn service(
    analysis: &Analysis,
    plan: &HookPlan,
    inputs: &HookInputs,
    opts: &S6RcOptions,
) -> Result<Option<S6RcService>, Refusal> {
    let service = &analysis.service;
    let head = head_span(analysis);
    if let Some(why) = invalid_name(&service.name) {
        return Err(Refusal::S6Rc(vec![(
            head,
            S6RcError::BadName {
                name: service.name.clone(),
                why: why.into(),
                help: "rename the init script; s6-rc names are best made of letters, digits, `_`, `-` and `.`".into(),
                span: head.span.into(),
            },
        )]));
    }
    let mut refusals: Vec<(Loc, S6RcError)> = inputs
        .openrc_calls
        .iter()
        .map(|(command, loc)| {
            let what = OPENRC_ONLY.iter().find(|(c, _)| c == command).map(|(_, w)| *w).unwrap_or("OpenRC's");
            (
                *loc,
                S6RcError::OpenrcCommand {
                    command: command.clone(),
                    what: what.to_string(),
                    help: "keep this service under OpenRC, or write its s6-rc definition by hand without it".into(),
                    span: loc.span.into(),
                },
            )
        })
        .collect();
    if !plan.daemon {
        refusals.extend(ssd_in_oneshot(analysis, plan));
    }
    if !refusals.is_empty() {
        return Err(Refusal::S6Rc(refusals));
    }
    let dirs = if plan.daemon {
        let Some(daemon) = &service.daemon else { return Ok(None) };
        let s6dir = s6::service_dir(service, daemon, &opts.emit).map_err(Refusal::Emit)?;
        daemon_dirs(analysis, plan, inputs, s6dir)
    } else {
        oneshot_dirs(analysis, plan, inputs)
    }
    .map_err(|_| Refusal::Emit(s6::EmitError::NulInValue { span: (0, 0).into() }))?;
    let name = service.name.clone();
    let entry = if plan.has_pre() { pre_name(&name) } else { name.clone() };
    let handle = if plan.has_post() { post_name(&name) } else { name.clone() };
    let dirs = if analysis.private { dirs.into_iter().map(ServiceDir::private).collect() } else { dirs };
    Ok(Some(S6RcService { decisions: decisions(plan, &name), name, dirs, entry, handle, private: analysis.private }))
}

/// The first line of the script: where findings about the whole service point.
fn head_span(analysis: &Analysis) -> Loc {
    let text = analysis.script().text();
    Loc { file: analysis.script_id(), span: Span::new(0, text.find('\n').unwrap_or(text.len())) }
}

/// A script without a daemon whose start() or stop() reaches OpenRC's `default_start` or
/// `default_stop` with a `command` (or for stopping a `pidfile` or `procname`): start-stop-daemon
/// would run or stop it (`sh/start-stop-daemon.sh`, ssd_start/ssd_stop), and there is none.
fn ssd_in_oneshot(analysis: &Analysis, plan: &HookPlan) -> Vec<(Loc, S6RcError)> {
    let reaches_default = |function: &str, default: &str| match analysis.functions.get(function) {
        None => true,
        Some(def) => {
            let reached = analysis.functions.reachable(function, def.file);
            analysis
                .functions
                .definitions()
                .iter()
                .filter(|d| d.file == def.file && reached.contains(&d.name))
                .any(|d| d.runs(&[default]))
        }
    };
    let mut out = Vec::new();
    let checks: [(&[&'static str], &str, &str, &[&str]); 2] = [
        (&plan.up, "start", "default_start", &["command"]),
        (&plan.down, "stop", "default_stop", &["command", "pidfile", "procname"]),
    ];
    for (hooks, function, default, variables) in checks {
        if !hooks.contains(&function) || !reaches_default(function, default) {
            continue;
        }
        for var in variables {
            let Some(v) = analysis.service.variables.get(var) else { continue };
            let Some(loc) = v.assigned_at.filter(|_| !v.value.text.is_empty() || v.value.is_unknowable()) else {
                continue;
            };
            out.push((
                loc,
                S6RcError::OpenrcCommand {
                    command: "start-stop-daemon".into(),
                    what: format!(
                        "what OpenRC's `{default}` runs `{var}` with (the script has no daemon to supervise, so its {function}() goes through it)"
                    ),
                    help: format!(
                        "write a {function}() that runs what `{var}` names itself, or keep this service under OpenRC"
                    ),
                    span: loc.span.into(),
                },
            ));
        }
    }
    out
}

/// A daemon's definitions: the longrun, its logger, and the oneshots around it.
fn daemon_dirs(
    analysis: &Analysis,
    plan: &HookPlan,
    inputs: &HookInputs,
    s6dir: ServiceDir,
) -> Result<Vec<ServiceDir>, NulInWord> {
    let name = analysis.service.name.clone();
    let mut own = vec![GeneratedFile { path: "type".into(), mode: 0o644, contents: "longrun\n".into() }];
    let mut log = vec![GeneratedFile { path: "type".into(), mode: 0o644, contents: "longrun\n".into() }];
    for f in s6dir.files {
        match f.path.strip_prefix("log/") {
            Some(rest) => log.push(GeneratedFile { path: rest.into(), ..f }),
            None => own.push(f),
        }
    }
    let file = |path: &str, contents: String| GeneratedFile { path: path.into(), mode: 0o644, contents };
    own.push(file("producer-for", format!("{}\n", log_name(&name))));
    if let Some(ms) = analysis.service.ready_timeout_ms.filter(|ms| *ms > 0 && *ms <= u32::MAX as u64) {
        // OpenRC gives up waiting for readiness after this long (s6_svwait_options_start -t,
        // timeout_ready); s6-rc fails the transition after timeout-up.
        own.push(file("timeout-up", format!("{ms}\n")));
    }
    log.push(file("consumer-for", format!("{name}\n")));
    log.push(file("pipeline-name", format!("{}\n", pipeline_name(&name))));
    let mut dirs = vec![ServiceDir::new(&name, own), ServiceDir::new(&log_name(&name), log)];
    let script = inputs.rewritten_script.as_deref();
    let env = &inputs.openrc_run_environment;
    if plan.has_pre() {
        let up = Program::new(analysis, script, env, Context::Daemon, "start", &plan.up, plan.checks_required);
        let down = Program::new(analysis, script, env, Context::Daemon, "stop", &plan.down, false);
        let what = ("what OpenRC runs before starting the daemon", "what OpenRC runs after stopping the daemon");
        dirs.push(oneshot_dir(&pre_name(&name), &up, &down, what)?);
    }
    if plan.has_post() {
        let up = Program::new(analysis, script, env, Context::Daemon, "start", &plan.post_up, false);
        let down = Program::new(analysis, script, env, Context::Daemon, "stop", &plan.post_down, false);
        let what = ("what OpenRC runs once the daemon is up", "what OpenRC runs before stopping the daemon");
        dirs.push(oneshot_dir(&post_name(&name), &up, &down, what)?);
    }
    if plan.has_pre() {
        add_dependency(&mut dirs, &name, &pre_name(&name));
    }
    if plan.has_post() {
        add_dependency(&mut dirs, &post_name(&name), &name);
    }
    Ok(dirs)
}

/// `dir` depends on `on`.
fn add_dependency(dirs: &mut [ServiceDir], dir: &str, on: &str) {
    if let Some(d) = dirs.iter_mut().find(|d| d.name == dir) {
        let mut files = std::mem::take(&mut d.files);
        files.push(GeneratedFile { path: format!("dependencies.d/{on}"), mode: 0o644, contents: String::new() });
        *d = ServiceDir::new(&d.name, files);
    }
}

/// A script without a daemon: one oneshot.
fn oneshot_dirs(analysis: &Analysis, plan: &HookPlan, inputs: &HookInputs) -> Result<Vec<ServiceDir>, NulInWord> {
    let env = &inputs.openrc_run_environment;
    let up = Program::new(analysis, None, env, Context::Oneshot, "start", &plan.up, plan.checks_required);
    let down = Program::new(analysis, None, env, Context::Oneshot, "stop", &plan.down, plan.checks_required);
    let what = ("what OpenRC runs to start the service", "what OpenRC runs to stop the service");
    Ok(vec![oneshot_dir(&analysis.service.name, &up, &down, what)?])
}

/// A oneshot definition: `type`, `up` (empty: nothing to do), `down` when there is something to
/// do; `what` each does, for their comments.
fn oneshot_dir(name: &str, up: &Program, down: &Program, what: (&str, &str)) -> Result<ServiceDir, NulInWord> {
    let mut files = vec![GeneratedFile { path: "type".into(), mode: 0o644, contents: "oneshot\n".into() }];
    files.push(GeneratedFile { path: "up".into(), mode: 0o644, contents: up.render(what.0)? });
    if !down.is_empty() {
        files.push(GeneratedFile { path: "down".into(), mode: 0o644, contents: down.render(what.1)? });
    }
    Ok(ServiceDir::new(name, files))
}

/// The decisions every service's definitions carry.
fn decisions(plan: &HookPlan, name: &str) -> Vec<Decision> {
    let d = |topic: &str, choice: String| Decision { topic: topic.into(), choice, loc: None };
    let list = |l: &[&str]| l.iter().map(|f| format!("{f}()")).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    if plan.daemon {
        out.push(d(
            "s6-rc",
            format!(
                "longrun `{name}` runs the daemon as the s6 backend's run script does; its logger is longrun `{}` (`producer-for`/`consumer-for`, bundle `{}`)",
                log_name(name),
                pipeline_name(name)
            ),
        ));
        if plan.has_pre() {
            let mut runs = Vec::new();
            if plan.checks_required {
                runs.push("openrc-run's required_dirs/required_files checks".to_string());
            }
            if !plan.up.is_empty() {
                runs.push(format!("{} (start() up to the daemon's launch, which ends it)", list(&plan.up)));
            }
            if !plan.down.is_empty() {
                runs.push(format!("{} when going down, after the daemon", list(&plan.down)));
            }
            out.push(d(
                "s6-rc",
                format!("oneshot `{}`, a dependency of `{name}`, runs {}", pre_name(name), runs.join("; ")),
            ));
        }
        if plan.has_post() {
            let mut runs = Vec::new();
            if !plan.post_up.is_empty() {
                runs.push(format!("{} once the daemon is up", list(&plan.post_up)));
            }
            if !plan.post_down.is_empty() {
                runs.push(format!(
                    "{} before the daemon goes down (stop() up to the daemon's stop, which ends it)",
                    list(&plan.post_down)
                ));
            }
            out.push(d(
                "s6-rc",
                format!(
                    "oneshot `{}` depends on `{name}` and runs {}; services that depend on `{name}` depend on `{}`",
                    post_name(name),
                    runs.join("; "),
                    post_name(name)
                ),
            ));
        }
    } else if plan.up.is_empty() {
        out.push(d(
            "s6-rc",
            format!("oneshot `{name}` does nothing when going up: the script defines no start() and no command"),
        ));
    } else {
        out.push(d(
            "s6-rc",
            format!("oneshot `{name}`: `up` runs start_pre(), start() and start_post(), `down` stop_pre(), stop() and stop_post(), with rc2s6's stand-in for openrc-run"),
        ));
    }
    out
}
