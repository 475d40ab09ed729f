//! What OpenRC would do with a service, worked out statically: the files are evaluated in
//! openrc-run's order, `depend()` and `start_pre()` are read, and the daemon's command line and
//! settings are built as the backend's `eval` would build them.

mod arithmetic;
mod daemon_builder;
mod daemon_flags;
pub mod daemon_table;
mod dependencies;
mod environment;
mod error;
mod eval_line;
mod expand;
mod interpreter;
pub mod openrc_variables;
mod pattern;
mod service;
mod stop_policy;
mod test_expr;
mod ulimit;
mod value;

pub use daemon_builder::explain_uncertainty;
pub use environment::{Environment, Variable};
pub use error::{ModelDiagnostic, ModelError};
pub use interpreter::{DepCall, StartEvent};
pub use service::{Daemon, Decision, Dependencies, LimitKind, ResourceLimit, Respawn, RunAs, Service, ServiceKind};
pub use stop_policy::normalize_signal;
pub use value::{Loc, ShellValue, Uncertainty};

use crate::ast::Script;
use crate::source::Span;
use daemon_builder::{DaemonBuilder, Launch};
use interpreter::{Interpreter, LaunchProgram};

/// The role a loaded file plays in openrc-run's load order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// /etc/rc.conf or /etc/rc.conf.d/*.conf.
    RcConf,
    /// /etc/conf.d/<name>.
    ConfD,
    /// The init script.
    Script,
}

/// One loaded and parsed file.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Its role.
    pub role: FileRole,
    /// Its parsed text, or `None` if it did not parse (the parser reported why).
    pub script: Option<Script>,
}

/// Everything one service is built from, in openrc-run's load order (the script last).
#[derive(Debug, Clone)]
pub struct ServiceInputs {
    /// `RC_SVCNAME`: the script's file name.
    pub svcname: String,
    /// `RC_SERVICE`: the script's path.
    pub service_path: String,
    /// rc.conf files, conf.d files, then the script.
    pub files: Vec<LoadedFile>,
    /// Runlevel-specific conf.d files that exist beside the plain one: (path, runlevel).
    pub runlevel_confd: Vec<(String, String)>,
}

/// Choices the user makes on the command line that change the model.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// Run daemons that may fork under s6-fghack instead of refusing them.
    pub allow_fghack: bool,
}

/// Variables that feed the daemon's run-time settings: `start_pre` changing one is reported.
const DAEMON_VARIABLES: &[&str] = &[
    "command",
    "command_args",
    "command_args_foreground",
    "command_user",
    "directory",
    "chroot",
    "umask",
    "output_log",
    "error_log",
    "input_file",
    "output_logger",
    "error_logger",
    "notify",
    "stopsig",
    "retry",
    "start_stop_daemon_args",
    "supervise_daemon_args",
    "rc_ulimit",
];

fn predefined(inputs: &ServiceInputs, script_loc: Loc) -> Environment {
    let mut env = Environment::default();
    let mut set = |n: &str, v: &str, export: bool| {
        env.set(n, ShellValue::known(v), None);
        if export {
            env.export(n);
        }
    };
    set("RC_SVCNAME", &inputs.svcname, true);
    set("SVCNAME", &inputs.svcname, true);
    set("RC_SERVICE", &inputs.service_path, true);
    set("RC_SVCDIR", "/run/openrc", false);
    set("RC_LIBEXECDIR", "/lib/rc", false);
    set("RC_CACHEDIR", "/var/cache/rc", false);
    set("RC_CMD", "start", false);
    set("RC_UNAME", "Linux", false);
    set("RC_BOOTLEVEL", "boot", false);
    set("RC_DEFAULTLEVEL", "default", false);
    for n in ["RC_RUNLEVEL", "RC_SYS", "RC_GOINGDOWN", "RC_REBOOT", "IN_BACKGROUND", "IN_HOTPLUG", "HOME"] {
        let v = ShellValue {
            text: String::new(),
            uncertain: vec![Uncertainty::Runtime { what: format!("`{n}`"), loc: script_loc }],
        };
        env.set(n, v, None);
    }
    env
}

/// Works out what OpenRC would run for one service.
pub fn build(inputs: &ServiceInputs, options: &ModelOptions) -> Service {
    let script_index = inputs.files.len().saturating_sub(1);
    let script_loc = Loc { file: script_index, span: Span::new(0, 0) };
    let mut service = Service {
        name: inputs.svcname.clone(),
        kind: ServiceKind::NotConverted,
        daemon: None,
        supervisor: String::new(),
        s6_service_path: None,
        svwait_options_start: None,
        ready_timeout_ms: None,
        description: None,
        dependencies: Dependencies::default(),
        decisions: Vec::new(),
        diagnostics: Vec::new(),
        functions: Vec::new(),
        custom_launch: None,
    };
    if inputs.files.iter().any(|f| f.script.is_none()) {
        // The parser has reported where; nothing can be known.
        return service;
    }
    for (path, runlevel) in &inputs.runlevel_confd {
        service.diagnostics.push(ModelDiagnostic {
            file: script_index,
            error: ModelError::RunlevelConfd {
                path: path.clone(),
                runlevel: runlevel.clone(),
                span: Span::new(0, 0).into(),
            },
        });
    }

    let mut interp = Interpreter::new(predefined(inputs, script_loc));
    for (i, f) in inputs.files.iter().enumerate() {
        if f.role == FileRole::Script {
            // s6.sh (0.16–0.62), sourced just before the script, defaults the service path.
            let set = interp.env.get("s6_service_path").is_some_and(|v| !v.value.text.is_empty());
            service.s6_service_path =
                if set { interp.env.get("s6_service_path").map(|v| v.value.text.clone()) } else { None };
        }
        if let Some(script) = &f.script {
            interp.run_file(i, script);
        }
    }
    if let Some(v) = interp.env.get("s6_service_path").filter(|v| !v.value.text.is_empty()) {
        service.s6_service_path = Some(v.value.text.clone());
    }
    if let Some(problem) = service.s6_service_path.as_deref().and_then(unsafe_service_path) {
        // OpenRC would link this path into its scan directory: it must name one plain place.
        let at = interp.env.get("s6_service_path").and_then(|v| v.assigned_at).unwrap_or(script_loc);
        service.diagnostics.push(ModelDiagnostic {
            file: at.file,
            error: ModelError::InvalidValue {
                variable: "s6_service_path".into(),
                problem: problem.into(),
                span: at.span.into(),
                help: "set `s6_service_path` to an absolute path without `..`, such as `/var/svc.d/<name>`, or leave it unset".into(),
            },
        });
    }
    service.supervisor = interp.env.get("supervisor").map(|v| v.value.text.clone()).unwrap_or_default();
    service.description = interp.env.get("description").map(|v| v.value.text.clone()).filter(|d| !d.is_empty());
    service.svwait_options_start =
        interp.env.get("s6_svwait_options_start").map(|v| v.value.text.clone()).filter(|d| !d.is_empty());
    service.ready_timeout_ms = ready_timeout(&interp.env);
    service.functions =
        interp.functions.iter().map(|(n, f)| (n.clone(), Loc { file: f.file, span: f.def.name_span })).collect();

    service.dependencies = dependencies::collect(&mut interp, &inputs.svcname);

    let before_start_pre = interp.env.clone();
    run_start_pre(&mut interp, &before_start_pre, &mut service);

    let launch = match find_launch(&mut interp, &mut service, script_index) {
        Ok(Some(l)) => l,
        Ok(None) => {
            // Given up on, a script that seems to start nothing may set `command` later on.
            let gave_up = interp.diagnostics.iter().any(|d| matches!(d.error, ModelError::TooManySteps { .. }));
            service.kind = if gave_up { ServiceKind::NotConverted } else { ServiceKind::Oneshot };
            service.diagnostics.extend(interp.diagnostics);
            return service;
        }
        Err(()) => {
            service.diagnostics.extend(interp.diagnostics);
            return service;
        }
    };
    let mut builder = DaemonBuilder::new(&interp.env, script_loc, options);
    let daemon = builder.build(&launch);
    service.decisions.extend(builder.decisions);
    service.diagnostics.extend(interp.diagnostics);
    service.diagnostics.extend(builder.diagnostics);
    let failed = service.diagnostics.iter().any(|d| is_error(&d.error));
    match daemon {
        Some(d) if !failed => {
            service.daemon = Some(d);
            service.kind = ServiceKind::Longrun;
        }
        _ => service.kind = ServiceKind::NotConverted,
    }
    service
}

/// Why a service path from a script cannot be used, if it cannot.
fn unsafe_service_path(path: &str) -> Option<&'static str> {
    if path.contains('\0') {
        Some("it holds a NUL byte")
    } else if path.chars().any(char::is_control) {
        Some("it holds a newline or another control character")
    } else if !path.starts_with('/') {
        Some("it is not an absolute path")
    } else if path.split('/').any(|c| c == "..") {
        Some("it climbs out of its directory with `..`")
    } else {
        None
    }
}

/// Whether a diagnostic is error-level (what makes a service not converted).
pub fn is_error(e: &ModelError) -> bool {
    use miette::Diagnostic;
    matches!(e.severity(), None | Some(miette::Severity::Error))
}

fn ready_timeout(env: &Environment) -> Option<u64> {
    if let Some(v) = env.get("s6_svwait_options_start") {
        let words: Vec<&str> = v.value.text.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if let Some(rest) = w.strip_prefix("-t") {
                let n = if rest.is_empty() { words.get(i + 1).copied() } else { Some(rest) };
                if let Some(ms) = n.and_then(|n| n.parse().ok()) {
                    return Some(ms);
                }
            }
        }
    }
    env.get("timeout_ready").and_then(|v| v.value.text.trim().parse().ok())
}

/// Runs `start_pre()` as OpenRC does before starting: exact changes to daemon variables are
/// kept, others are reported and left out.
fn run_start_pre(interp: &mut Interpreter, before: &Environment, service: &mut Service) {
    if !interp.functions.contains_key("start_pre") {
        return;
    }
    let start_pre_file = interp.functions["start_pre"].file;
    let mut scratch = Interpreter::new(interp.env.clone());
    scratch.functions = interp.functions.clone();
    scratch.call_function("start_pre");
    interp.take_gave_up(&scratch);
    for var in DAEMON_VARIABLES {
        let old = before.get(var);
        let new = scratch.env.get(var);
        if old == new {
            continue;
        }
        let at = new.and_then(|v| v.assigned_at).unwrap_or(Loc { file: start_pre_file, span: Span::new(0, 0) });
        let (outcome, help) = match new {
            Some(v) if !v.value.is_unknowable() => {
                interp.env.set(var, v.value.clone(), v.assigned_at);
                (
                    format!("compiled in as `{}`", v.value.text),
                    format!("set `{var}` in conf.d so the service directory and OpenRC agree when it changes"),
                )
            }
            Some(v) => {
                let why = v
                    .value
                    .uncertain
                    .iter()
                    .find(|u| u.is_unknowable())
                    .map(|u| explain_uncertainty(u).0)
                    .unwrap_or_default();
                (
                    format!("left out: {why}"),
                    format!("the service directory keeps the value from before start_pre(); set `{var}` in conf.d"),
                )
            }
            None => ("unset here; left set".into(), format!("do not unset `{var}` in start_pre()")),
        };
        service.diagnostics.push(ModelDiagnostic {
            file: at.file,
            error: ModelError::StartPreAssignment {
                function: "start_pre".into(),
                variable: var.to_string(),
                span: at.span.into(),
                outcome,
                help,
            },
        });
    }
}

/// How the daemon is launched: `Ok(None)` for a oneshot, `Err` when not convertible.
fn find_launch(interp: &mut Interpreter, service: &mut Service, script_index: usize) -> Result<Option<Launch>, ()> {
    let command_set = interp.env.get("command").is_some_and(|v| !v.value.text.is_empty() || v.value.is_unknowable());
    let Some(start) = interp.functions.get("start").cloned() else {
        return Ok(command_set.then_some(Launch::Declarative));
    };
    let start_loc = Loc { file: start.file, span: start.def.name_span };
    let mut scratch = Interpreter::new(interp.env.clone());
    scratch.functions = interp.functions.clone();
    scratch.start_events = Some(Vec::new());
    scratch.call_function("start");
    interp.take_gave_up(&scratch);
    let events = scratch.start_events.take().unwrap_or_default();
    let launch_idx: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, StartEvent::Launch { .. } | StartEvent::DefaultStart { .. }))
        .map(|(i, _)| i)
        .collect();
    let fail = |service: &mut Service, why: String, loc: Loc, help: &str| {
        service.diagnostics.push(ModelDiagnostic {
            file: loc.file,
            error: ModelError::CustomStart { why, span: loc.span.into(), help: help.into() },
        });
        Err(())
    };
    let daemonish = command_set || mentions_daemon_tools(interp);
    match launch_idx.as_slice() {
        [] if !daemonish => Ok(None),
        [] => fail(
            service,
            "no start-stop-daemon, supervise-daemon or `$command` call found".into(),
            start_loc,
            "start the daemon with `start-stop-daemon --start --exec … -- args`, or remove start() and set `command`/`command_args`",
        ),
        [i] => {
            let i = *i;
            for e in &events[i + 1..] {
                if let StartEvent::Command { name, loc, .. } = e {
                    return fail(
                        service,
                        format!("runs `{name}` after starting the daemon"),
                        *loc,
                        "move the command into start_post(), which OpenRC runs after the s6 backend has started the daemon",
                    );
                }
            }
            match &events[i] {
                StartEvent::DefaultStart { conditional: false, .. } => {
                    service.decisions.push(Decision {
                        topic: "launch".into(),
                        choice: "start() wraps default_start: compiled from command and friends".into(),
                        loc: Some(start_loc),
                    });
                    Ok(command_set.then_some(Launch::Declarative))
                }
                StartEvent::Launch { conditional: false, program, words, uncertain, loc, background } => {
                    service.custom_launch = Some(*loc);
                    let _ = script_index;
                    if *program == LaunchProgram::Direct && !*background {
                        service.decisions.push(Decision {
                            topic: "launch".into(),
                            choice: "start() runs the daemon directly".into(),
                            loc: Some(*loc),
                        });
                    }
                    Ok(Some(Launch::Call {
                        program: *program,
                        words: words.clone(),
                        uncertain: uncertain.clone(),
                        loc: *loc,
                        background: *background,
                    }))
                }
                StartEvent::Launch { loc, .. } | StartEvent::DefaultStart { loc, .. } => fail(
                    service,
                    "the daemon is started only under a condition rc2s6 cannot decide".into(),
                    *loc,
                    "start the daemon unconditionally; move the checks into start_pre() and make it fail when they do",
                ),
                StartEvent::Command { .. } => unreachable!("filtered to launches"),
            }
        }
        many => {
            let loc = match &events[many[1]] {
                StartEvent::Launch { loc, .. }
                | StartEvent::DefaultStart { loc, .. }
                | StartEvent::Command { loc, .. } => *loc,
            };
            fail(
                service,
                format!("{} daemon launches found", many.len()),
                loc,
                "an s6 service directory runs one daemon: split the script into one service per daemon",
            )
        }
    }
}

/// Whether any function of the script calls start-stop-daemon or supervise-daemon, which marks a
/// daemon script even when its start() is not recognised.
fn mentions_daemon_tools(interp: &Interpreter) -> bool {
    let mut found = false;
    for f in interp.functions.values() {
        crate::ast::walk_command(&f.def.body, &mut |c| {
            if let crate::ast::Command::Simple(sc) = c {
                if let Some(name) = sc.words.first().and_then(|w| w.static_text()) {
                    let base = name.rsplit('/').next().unwrap_or(&name);
                    found |= base == "start-stop-daemon" || base == "supervise-daemon";
                }
            }
        });
    }
    found
}
