//! `start_pre()`, and `start()` up to its `default_start`: OpenRC runs them in the same shell
//! before the backend reads the daemon's variables, so what they assign counts — when it can be
//! known.

use super::error::{ModelDiagnostic, ModelError};
use super::service::Service;
use super::trace::{self, Trace};
use super::uncertainty::{Texts, confd_decides, explain_uncertainty};
use crate::core::source::{FileId, Span};
use crate::eval::environment::{Environment, Variable};
use crate::eval::interpreter::Interpreter;
use crate::eval::value::Loc;
use crate::openrc::variables::DAEMON_VARIABLES;

/// Variables that decide which user, group or root directory the daemon runs with
/// (start-stop-daemon's and supervise-daemon's own arguments can carry `--user` and `--chroot`).
const IDENTITY_VARIABLES: &[&str] = &["command_user", "chroot", "start_stop_daemon_args", "supervise_daemon_args"];

/// Variables openrc-run reads once, when it loads the script, before any of its functions.
const CHECKED_AT_LOAD: &[&str] = &["required_dirs", "required_files"];

/// Runs `start_pre()` as OpenRC does before starting, in the shell that then runs `start()`:
/// what it changes counts (see [`apply_changes`]). Returns what it did, for the shell settings
/// (`cd`, `umask`, `ulimit`) and failed checks among it.
pub fn run_start_pre(
    interp: &mut Interpreter,
    service: &mut Service,
    texts: Texts,
    touches: trace::Touches,
) -> Option<Trace> {
    let (trace, after) = trace::trace_keeping_env(interp, "start_pre", touches)?;
    let start_pre_file = interp.functions["start_pre"].file;
    interp.take_gave_up(&trace.diagnostics);
    apply_changes("start_pre", &mut interp.env, &after, start_pre_file, service, texts);
    Some(trace)
}

/// Takes into `env` what `function` (run in openrc-run's shell before the backend reads the
/// variables) changed, as `after` holds them. The daemon's variables are reported: exact new
/// values are compiled in; one that cannot be known is refused where it decides who the daemon
/// runs as, else taken as it is, so that the step that reads it refuses it. Every other global
/// variable is taken as `function` left it, exported or not: openrc-run's shell keeps them, and
/// the daemon inherits the exported ones (the daemon's environment step checks those).
pub fn apply_changes(
    function: &str,
    env: &mut Environment,
    after: &Environment,
    file: FileId,
    service: &mut Service,
    texts: Texts,
) {
    apply_daemon_variables(function, env, after, file, service, texts);
    report_load_time_checks(function, env, after, file, service);
    let taken = |name: &str| !DAEMON_VARIABLES.contains(&name) && !CHECKED_AT_LOAD.contains(&name);
    // Only what may differ is looked at: `after` is a copy of `env` the function changed.
    for name in env.names_differing(after) {
        if !taken(&name) {
            continue;
        }
        match after.get(&name) {
            None => env.unset(&name),
            Some(v) if env.get(&name) != Some(v) => {
                let v: Variable = v.clone();
                env.set(&name, v.value, v.assigned_at);
                if v.exported {
                    env.export(&name);
                }
            }
            Some(_) => {}
        }
    }
}

/// openrc-run tests `required_dirs` and `required_files` when it loads the script, before it
/// runs any function (sh/openrc-run.sh.in 323-339 at 0.63.3, 283-299 at 0.45.2): a value a
/// function gives them is never tested, so the run script tests the one they had then. Said.
fn report_load_time_checks(
    function: &str,
    env: &Environment,
    after: &Environment,
    file: FileId,
    service: &mut Service,
) {
    for var in CHECKED_AT_LOAD {
        let new = after.get(var);
        if env.get(var) == new {
            continue;
        }
        let at = new.and_then(|v| v.assigned_at).unwrap_or(Loc { file, span: Span::new(0, 0) });
        let outcome = "not what openrc-run tests: it tests the value from before any function runs".into();
        let help = format!("set `{var}` in conf.d or at the top of the script for openrc-run to test it");
        service.diagnostics.push(assignment(function, var, at, outcome, help));
    }
}

/// `rc2s6::model::start_pre_assignment` at `at`: `function` assigns `var`, with what rc2s6 did
/// about it and what to write instead.
fn assignment(function: &str, var: &str, at: Loc, outcome: String, help: String) -> ModelDiagnostic {
    let error = ModelError::StartPreAssignment {
        function: function.into(),
        variable: var.to_string(),
        span: at.span.into(),
        outcome,
        help,
    };
    ModelDiagnostic { file: at.file, error }
}

/// The daemon's variables `function` changed: reported, exact values compiled in.
fn apply_daemon_variables(
    function: &str,
    env: &mut Environment,
    after: &Environment,
    file: FileId,
    service: &mut Service,
    texts: Texts,
) {
    // Only what may differ is looked at (`after` is a copy of `env` the function changed): two
    // searches per daemon variable for each start_pre() were a third of its cost.
    let differing = env.names_differing(after);
    for var in DAEMON_VARIABLES.iter().filter(|v| differing.binary_search_by(|d| d.as_str().cmp(v)).is_ok()) {
        let old = env.get(var);
        let new = after.get(var);
        if old == new {
            continue;
        }
        let mut at = new.and_then(|v| v.assigned_at).unwrap_or(Loc { file, span: Span::new(0, 0) });
        let (outcome, help) = match new {
            Some(v) if !v.value.is_unknowable() => {
                env.set(var, v.value.clone(), v.assigned_at);
                (
                    format!("compiled in as `{}`", crate::eval::at_start::readable(&v.value.text)),
                    format!("set `{var}` in conf.d so the service directory and OpenRC agree when it changes"),
                )
            }
            Some(v) => {
                let cause = v.value.uncertain.iter().find(|u| u.is_unknowable());
                // Assigned only under an undecidable condition, the variable keeps the location
                // of its value from before `function` ran: point at the cause instead.
                if let Some(u) = cause {
                    if old.is_some_and(|o| o.assigned_at == v.assigned_at) {
                        at = u.loc();
                    }
                }
                let why = cause
                    .map(|u| explain_uncertainty(u, &texts, &|name| confd_decides(env, texts.script(), name)).why)
                    .unwrap_or_default();
                if IDENTITY_VARIABLES.contains(var) {
                    // Left out, the daemon would run as root, or outside its chroot, where OpenRC
                    // may switch: not converted rather than converted with more privilege.
                    service.diagnostics.push(ModelDiagnostic {
                        file: at.file,
                        error: ModelError::UnknowableValue {
                            variable: var.to_string(),
                            why: format!("{function}() changes it, and {why}"),
                            span: at.span.into(),
                            help: format!(
                                "set `{var}` in conf.d, unconditionally; who the daemon runs as must not depend on a check at start"
                            ),
                        },
                    });
                    continue;
                }
                // Taken as it is: the step that reads it says why it cannot be known, where.
                env.set(var, v.value.clone(), Some(at));
                continue;
            }
            None => {
                // The backend reads it unset, as the shell left it.
                env.unset(var);
                ("unset here, as OpenRC's backend then reads it".into(), format!("unset `{var}` in conf.d instead"))
            }
        };
        service.diagnostics.push(assignment(function, var, at, outcome, help));
    }
}
