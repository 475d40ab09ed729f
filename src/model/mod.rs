//! What OpenRC would do with a service, worked out statically: the files are evaluated in
//! openrc-run's order, `depend()` and `start_pre()` are read, and the daemon's command line and
//! settings are built as the backend's `eval` would build them.

pub mod analysis;
mod backend_calls;
mod capabilities;
mod daemon_builder;
mod daemon_flags;
mod dependencies;
mod error;
mod eval_line;
pub mod function_table;
mod launch;
mod service;
mod start_pre;
mod stop_call;
mod stop_policy;
mod ulimit;

pub use crate::eval::environment::{Environment, Variable};
pub use crate::eval::interpreter::{DepCall, StartEvent};
pub use crate::eval::value::{Loc, ShellValue, Uncertainty};
pub use capabilities::Privileges;
pub use daemon_builder::explain_uncertainty;
pub use error::{ModelDiagnostic, ModelError};
pub use service::{
    BackendCall, BackendCalls, Daemon, Decision, Dependencies, LimitKind, ResourceLimit, Respawn, RunAs, S6_SETTINGS,
    Service, ServiceKind, Setting,
};
pub use stop_policy::normalize_signal;

use crate::core::source::{FileId, Span};
use crate::eval::interpreter::Interpreter;
use crate::openrc::paths;
use crate::openrc::service_files::FileRole;
use crate::openrc::supervisor::Supervisor;
use crate::openrc::version::OpenrcVersion;
use crate::shell::ast::Script;
use daemon_builder::DaemonBuilder;

/// One loaded and parsed file.
#[derive(Debug, Clone, Copy)]
pub struct LoadedFile<'a> {
    /// Its role.
    pub role: FileRole,
    /// Its parsed text, or `None` if it did not parse (the parser reported why). Borrowed: the
    /// caller keeps the syntax trees (lint reads them again), and a copy per service is most of
    /// what modelling would allocate.
    pub script: Option<&'a Script>,
}

/// Everything one service is built from, in openrc-run's load order (the script last).
#[derive(Debug, Clone)]
pub struct ServiceInputs<'a> {
    /// `RC_SVCNAME`: the script's file name.
    pub svcname: String,
    /// `RC_SERVICE`: the script's path.
    pub service_path: String,
    /// rc.conf files, conf.d files, then the script.
    pub files: Vec<LoadedFile<'a>>,
    /// Runlevel-specific conf.d files that exist beside the plain one: (path, runlevel).
    pub runlevel_confd: Vec<(String, String)>,
}

/// Choices the user makes on the command line that change the model.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// Run daemons that may fork under s6-fghack instead of refusing them.
    pub allow_fghack: bool,
    /// The OpenRC release that runs the service.
    pub target: OpenrcVersion,
}

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
    set("RC_SVCDIR", paths::RC_SVCDIR, false);
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
    let script_index = FileId::new(inputs.files.len().saturating_sub(1));
    let script_loc = Loc { file: script_index, span: Span::new(0, 0) };
    let mut service = Service {
        name: inputs.svcname.clone(),
        kind: ServiceKind::NotConverted,
        daemon: None,
        supervisor: Supervisor::StartStopDaemon,
        supervisor_value: String::new(),
        s6_service_path: None,
        svwait_options_start: None,
        ready_timeout_ms: None,
        description: None,
        dependencies: Dependencies::default(),
        decisions: Vec::new(),
        diagnostics: Vec::new(),
        functions: Vec::new(),
        custom_launch: None,
        backend_calls: BackendCalls::default(),
        daemon_script: false,
        settings: Default::default(),
        settings_before_script: Default::default(),
        variables: Environment::default(),
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
            service.settings_before_script = s6_settings(&interp.env);
        }
        if let Some(script) = f.script {
            interp.run_file(FileId::new(i), script);
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
    service.supervisor_value = interp.env.get("supervisor").map(|v| v.value.text.clone()).unwrap_or_default();
    service.supervisor = Supervisor::from_value(&service.supervisor_value);
    service.description = interp.env.get("description").map(|v| v.value.text.clone()).filter(|d| !d.is_empty());
    service.svwait_options_start =
        interp.env.get("s6_svwait_options_start").map(|v| v.value.text.clone()).filter(|d| !d.is_empty());
    service.ready_timeout_ms = ready_timeout(&interp.env);
    service.functions =
        interp.functions.iter().map(|(n, f)| (n.clone(), Loc { file: f.file, span: f.def.name_span })).collect();

    service.dependencies = dependencies::collect(&mut interp, &inputs.svcname);
    service.settings = s6_settings(&interp.env);

    let before_start_pre = interp.env.clone();
    start_pre::run_start_pre(&mut interp, &mut service);
    // OpenRC runs start() after start_pre() in one shell, and stop() in another, on the files'
    // variables.
    let mut for_stop = Interpreter::new(before_start_pre.clone());
    for_stop.functions = interp.functions.clone();
    let start_trace = interp.trace("start");
    let stop_trace = for_stop.trace("stop");
    service.backend_calls = backend_calls::collect(start_trace.as_ref(), stop_trace.as_ref());
    let stop_call = stop_trace.as_ref().and_then(|t| stop_call::find(&t.events));
    service.variables = before_start_pre;

    let command_set = interp.env.get("command").is_some_and(|v| !v.value.text.is_empty() || v.value.is_unknowable());
    service.daemon_script = command_set || launch::mentions_daemon_tools(&interp);
    let start_overridden = interp.functions.contains_key("start");
    if service.supervisor == Supervisor::S6 && !command_set && !start_overridden {
        // OpenRC (≤ 0.62, and 0.63.1+ in compatibility mode) links the author's own directory.
        let at = interp.env.get("supervisor").and_then(|v| v.assigned_at).unwrap_or(script_loc);
        let path = service.s6_service_path.clone().unwrap_or_else(|| paths::default_service_path(&service.name));
        service.diagnostics.push(ModelDiagnostic {
            file: at.file,
            error: ModelError::HandwrittenServiceDir { name: service.name.clone(), path, span: at.span.into() },
        });
        service.diagnostics.extend(interp.diagnostics.into_iter().map(Into::into));
        return service;
    }
    let mut shell = launch::ShellSettings::new();
    let launch = match launch::find_launch(&mut interp, start_trace, &mut service, &mut shell) {
        Ok(Some(l)) => l,
        Ok(None) => {
            // Given up on, a script that seems to start nothing may set `command` later on.
            let gave_up = interp
                .diagnostics
                .iter()
                .any(|d| matches!(d.error, crate::eval::error::EvalError::TooManySteps { .. }));
            service.kind = if gave_up { ServiceKind::NotConverted } else { ServiceKind::Oneshot };
            service.diagnostics.extend(interp.diagnostics.into_iter().map(Into::into));
            return service;
        }
        Err(()) => {
            service.diagnostics.extend(interp.diagnostics.into_iter().map(Into::into));
            return service;
        }
    };
    let mut builder =
        DaemonBuilder::new(&interp.env, script_loc, options).with_shell_settings(shell).with_stop_call(stop_call);
    let daemon = builder.build(&launch);
    service.decisions.extend(builder.decisions);
    service.diagnostics.extend(interp.diagnostics.into_iter().map(Into::into));
    service.diagnostics.extend(builder.diagnostics);
    if builder.runs_once {
        // OpenRC keeps running it as it does now: there is nothing to supervise.
        service.kind = ServiceKind::Oneshot;
        return service;
    }
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

/// The [`S6_SETTINGS`] in `env`, with where each was set.
fn s6_settings(env: &Environment) -> std::collections::BTreeMap<String, Setting> {
    S6_SETTINGS
        .iter()
        .filter_map(|name| {
            let v = env.get(name)?;
            Some((
                name.to_string(),
                Setting { value: v.value.text.clone(), exact: v.value.is_exact(), at: v.assigned_at },
            ))
        })
        .collect()
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
