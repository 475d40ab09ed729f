//! What OpenRC would do with a service, worked out statically: the files are evaluated in
//! openrc-run's order, `depend()` and `start_pre()` are read, and the daemon's command line and
//! settings are built as the backend's `eval` would build them.

pub mod analysis;
mod backend_calls;
mod configuration_edits;
mod daemon;
mod dependencies;
pub mod error;
pub mod function_table;
mod inputs;
mod launch;
mod lexical_path;
mod option_words;
mod predefined;
pub use predefined::{openrc_run_environment, path as openrc_run_path};
mod service;
mod start_pre;
mod stop_call;
mod system_worlds;
pub use crate::eval::system_test::{SystemTest, TestProgram};
pub use system_worlds::{SystemWorlds, WorldTree};
#[cfg(test)]
mod testing;
mod trace;
mod uncertainty;
mod written_files;

// A daemon's arguments and environment values may hold values computed at start (markers): the
// backends read them through the model, which decided where they may be.
pub use crate::eval::at_start::{AtStart, Segment as AtStartSegment, segments as at_start_segments};
pub use crate::eval::environment::{Environment, Variable};
pub use crate::eval::value::{Loc, ShellValue, Uncertainty};
pub use daemon::stop_policy::normalize_signal;
pub use dependencies::DepCall;
pub use error::{ModelDiagnostic, ModelError};
pub use inputs::{LoadedFile, ModelOptions, ServiceInputs};
pub use service::{
    AccountLookup, BackendCall, BackendCalls, Daemon, Decision, Dependencies, DependencySite, IdPart, LimitKind, Nice,
    OpenMode, Privileges, RequiredPath, ResourceLimit, Respawn, RunAs, S6_SETTINGS, Service, ServiceKind, Setting,
    ShellRedirect, StateVariable,
};
pub use trace::StartEvent;
pub use uncertainty::{Condition, Texts, Unknowable, explain_uncertainty};

use crate::core::source::{FileId, Span};
use crate::eval::interpreter::Interpreter;
use crate::eval::system_test::Oracle;
use crate::openrc::paths;
use crate::openrc::service_files::FileRole;
use crate::openrc::supervisor::Supervisor;
use daemon::{Built, DaemonInputs};
use launch::Found;
use stop_call::StopCall;
use system_worlds::Once;
use trace::{StopRun, Touches, Trace};

/// Works out what OpenRC would run for one service: once, and once per answer of the tests of
/// the running system that alone keep it from being converted (`system_worlds`).
pub fn build(inputs: &ServiceInputs, options: &ModelOptions) -> Service {
    system_worlds::build(inputs, options)
}

/// One analysis of the service, the interpreter's tests of the running system answered by
/// `oracle` where it says; with the tests met and, when `touches` says so, what the files' top
/// level, `start_pre()` and `start()` touched.
fn build_once(inputs: &ServiceInputs, options: &ModelOptions, oracle: &Oracle, touches: Touches) -> Once {
    let script_loc = Loc { file: FileId::new(inputs.files.len().saturating_sub(1)), span: Span::new(0, 0) };
    let mut service = Service::not_converted(inputs.svcname.clone());
    if inputs.files.iter().any(|f| f.script.is_none()) {
        // The parser has reported where; nothing can be known.
        return Once { service, met: Vec::new(), touches: Vec::new() };
    }
    for (path, runlevel) in &inputs.runlevel_confd {
        service.diagnostics.push(ModelDiagnostic {
            file: script_loc.file,
            error: ModelError::RunlevelConfd {
                path: path.clone(),
                runlevel: runlevel.clone(),
                span: Span::new(0, 0).into(),
            },
        });
    }
    let mut interp =
        Interpreter::with_oracle(predefined::variables(inputs, script_loc, &options.target), oracle.clone());
    // What the files' top level runs is recorded: it runs between a test and the launch too.
    interp.record_commands = touches == Touches::Keep;
    load(inputs, &mut interp, &mut service);
    interp.record_commands = false;
    read_settings(&interp.env, &mut service, script_loc);
    service.functions =
        interp.functions.iter().map(|(n, f)| (n.clone(), Loc { file: f.file, span: f.def.name_span })).collect();
    service.dependencies = dependencies::collect(&mut interp, &inputs.svcname);
    service.settings = s6_settings(&interp.env);
    let texts: Vec<&str> = inputs.files.iter().map(|f| f.text).collect();
    let mut functions = run_functions(&mut interp, &mut service, Texts::new(&texts), touches);
    let top_level = oracle.seen().into_iter().map(|r| trace::Touch { words: r.words, unknowable: r.unknowable });
    // Taken out: nothing after this reads them.
    let traced = [&mut functions.start_pre, &mut functions.start]
        .into_iter()
        .flatten()
        .flat_map(|t| std::mem::take(&mut t.touches));
    let touches = top_level.chain(traced).collect();
    let service = classify(interp, service, functions, script_loc, options, Texts::new(&texts));
    Once { service, met: oracle.met(), touches }
}

/// Runs the files in openrc-run's order. s6.sh (0.16–0.62), sourced just before the script,
/// defaults the service path: what the files before the script leave is kept apart.
fn load(inputs: &ServiceInputs, interp: &mut Interpreter, service: &mut Service) {
    for (i, f) in inputs.files.iter().enumerate() {
        if f.role == FileRole::Script {
            service.s6_service_path = non_empty(&interp.env, "s6_service_path");
            service.settings_before_script = s6_settings(&interp.env);
        }
        if let Some(script) = f.script {
            interp.run_file(FileId::new(i), script);
        }
    }
}

/// A variable's text, unless it is unset or empty.
fn non_empty(env: &Environment, name: &str) -> Option<String> {
    env.get(name).map(|v| v.value.text.clone()).filter(|t| !t.is_empty())
}

/// The settings OpenRC reads once the files are loaded: the service path (checked: OpenRC
/// links it into its scan directory, so it must name one plain place), the supervisor, the
/// description and the readiness wait.
fn read_settings(env: &Environment, service: &mut Service, script_loc: Loc) {
    if let Some(path) = non_empty(env, "s6_service_path") {
        service.s6_service_path = Some(path);
    }
    if let Some(problem) = service.s6_service_path.as_deref().and_then(unsafe_service_path) {
        let at = env.get("s6_service_path").and_then(|v| v.assigned_at).unwrap_or(script_loc);
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
    service.supervisor_value = env.get("supervisor").map(|v| v.value.text.clone()).unwrap_or_default();
    service.supervisor = Supervisor::from_value(&service.supervisor_value);
    service.description = non_empty(env, "description");
    service.svwait_options_start = non_empty(env, "s6_svwait_options_start");
    service.ready_timeout_ms = ready_timeout(env);
}

/// What the script's own functions tell: `start()` traced from the state after `start_pre()`,
/// and the `start-stop-daemon --stop` call of `stop()`.
#[derive(Clone)]
struct FunctionTraces {
    start_pre: Option<Trace>,
    start: Option<Trace>,
    stop_call: Option<StopCall>,
    /// OpenRC's backend stops the daemon: the script has no `stop()`, or its `stop()` calls the
    /// backend's.
    stop_by_backend: bool,
    /// `stop()`'s trace, for finding the launch to ask again without running it again.
    stop_run: StopRun,
}

/// Runs `start_pre()`, then traces `start()` after it in the same shell and `stop()` in another,
/// on the files' variables, as OpenRC runs them.
fn run_functions(interp: &mut Interpreter, service: &mut Service, texts: Texts, touches: Touches) -> FunctionTraces {
    let before_start_pre = interp.env.clone();
    let start_pre = start_pre::run_start_pre(interp, service, texts, touches);
    let mut for_stop = Interpreter::with_oracle(before_start_pre.clone(), interp.oracle.clone());
    for_stop.functions = interp.functions.clone();
    let start = trace::trace(interp, "start", touches);
    let stop_run = StopRun::trace(for_stop);
    let stop = stop_run.trace.as_ref();
    for (function, t) in [("start_pre", &start_pre), ("start", &start)] {
        if let Some(t) = t {
            configuration_edits::report(service, &before_start_pre, function, t);
        }
    }
    service.backend_calls = backend_calls::collect(start.as_ref(), stop);
    // The variables as `default_start` finds them: start()'s own state at its first
    // unconditional call, else start_pre()'s (OpenRC's own start() calls it at once).
    let at_default_start = start.as_ref().and_then(|t| {
        t.events.iter().find_map(|e| match e {
            trace::StartEvent::DefaultStart { condition: None, env, .. } => Some(&**env),
            _ => None,
        })
    });
    service.settings_at_start = s6_settings(at_default_start.unwrap_or(&interp.env));
    let stop_call = stop.and_then(|t| stop_call::find(&t.events));
    service.variables = before_start_pre;
    let stop_by_backend = service.backend_calls.stop.as_ref().is_none_or(|calls| {
        calls.iter().any(|c| matches!(c.function.as_str(), "default_stop" | "ssd_stop" | "supervise_stop" | "s6_stop"))
    });
    // A stop() of the script's own that sends one signal itself (`pkill -9 -f …`).
    let stop_call =
        stop_call.or_else(|| if stop_by_backend { None } else { stop.and_then(|t| stop_call::find_kill(&t.events)) });
    FunctionTraces { start_pre, start, stop_call, stop_by_backend, stop_run }
}

/// Classifies the service and builds its daemon; the interpreter's diagnostics join the
/// service's after what finding the launch reported.
fn classify(
    mut interp: Interpreter,
    mut service: Service,
    functions: FunctionTraces,
    script_loc: Loc,
    options: &ModelOptions,
    texts: Texts,
) -> Service {
    let command_set = launch::command_is_set(&interp.env);
    // `launch::find` reads it too.
    service.daemon_script = command_set || launch::mentions_daemon_tools(&interp);
    if service.supervisor == Supervisor::S6 && runs_prepared_dir(functions.start.as_ref(), command_set) {
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
    let found = launch::find(
        &mut interp,
        functions.start,
        Some(&functions.stop_run),
        &mut service,
        texts,
        &options.daemon_table,
    );
    let (launch, shell_settings) = match after_start_pre(found, functions.start_pre.as_ref(), &mut service) {
        Found::Launch(launch, shell_settings) => (launch, shell_settings),
        Found::Nothing => {
            // Given up on, a script that seems to start nothing may set `command` later on.
            let gave_up = interp.diagnostics.iter().any(|d| d.error.gave_up());
            service.kind = if gave_up { ServiceKind::NotConverted } else { ServiceKind::Oneshot };
            service.diagnostics.extend(interp.diagnostics.into_iter().map(Into::into));
            return service;
        }
        Found::Refused => {
            service.diagnostics.extend(interp.diagnostics.into_iter().map(Into::into));
            return service;
        }
    };
    let inputs = DaemonInputs {
        env: &interp.env,
        fallback: script_loc,
        options,
        launch: &launch,
        shell_settings: &shell_settings,
        stop_call: functions.stop_call.as_ref(),
        stop_by_backend: functions.stop_by_backend,
        texts,
    };
    let build = daemon::build(&inputs);
    service.decisions.extend(build.report.decisions);
    service.diagnostics.extend(interp.diagnostics.into_iter().map(Into::into));
    service.diagnostics.extend(build.report.diagnostics);
    let failed = service.diagnostics.iter().any(|d| is_error(&d.error));
    service.kind = match build.built {
        // OpenRC keeps running it as it does now: there is nothing to supervise.
        Built::RunsOnce => ServiceKind::Oneshot,
        Built::Daemon(d) if !failed => {
            service.daemon = Some(*d);
            ServiceKind::Longrun
        }
        Built::Daemon(_) | Built::Refused => ServiceKind::NotConverted,
    };
    service
}

/// Whether a script that selects s6 starts its daemon from a prepared service directory (one its
/// author wrote, or rc2s6 compiled and migrated it for): OpenRC's own start(), or a start() that
/// launches nothing itself and calls `default_start` unconditionally, with `command` empty when
/// the backend's start runs (0.63.1+ link a prepared directory only then, sh/s6.sh of 0.63.3;
/// a migrated script may keep `command` for start_pre() and empty it in start()).
fn runs_prepared_dir(start: Option<&Trace>, command_set: bool) -> bool {
    let Some(t) = start else { return !command_set };
    let launches = t.events.iter().any(|e| matches!(e, trace::StartEvent::Launch { .. }));
    let at_default_start = t.events.iter().find_map(|e| match e {
        trace::StartEvent::DefaultStart { condition: None, env, .. } => Some(launch::command_is_set(env)),
        _ => None,
    });
    !launches && at_default_start == Some(false)
}

/// The launch as openrc-run's shell makes it: after `start_pre()`, whose `cd`, `umask` and
/// `ulimit` come before start()'s (the same shell runs both), and whose checks that fail with
/// these files are reported.
pub(crate) fn after_start_pre(found: Found, start_pre: Option<&Trace>, service: &mut Service) -> Found {
    let Found::Launch(launch, shell) = found else { return found };
    let Some(trace) = start_pre else { return Found::Launch(launch, shell) };
    let before = launch::before_launch(service, "start_pre", &trace.events);
    Found::Launch(launch, [before, shell].concat())
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
    use crate::core::diagnostic::{Coded, Severity};
    e.code().severity() == Severity::Error
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
