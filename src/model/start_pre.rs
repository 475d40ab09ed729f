//! `start_pre()`, and `start()` up to its `default_start`: OpenRC runs them in the same shell
//! before the backend reads the daemon's variables, so what they assign counts — when it can be
//! known.

use super::error::{ModelDiagnostic, ModelError};
use super::service::Service;
use super::uncertainty::explain_uncertainty;
use crate::core::source::{FileId, Span};
use crate::eval::environment::Environment;
use crate::eval::interpreter::Interpreter;
use crate::eval::value::Loc;
use crate::openrc::variables::DAEMON_VARIABLES;

/// Variables that decide which user, group or root directory the daemon runs with
/// (start-stop-daemon's and supervise-daemon's own arguments can carry `--user` and `--chroot`).
const IDENTITY_VARIABLES: &[&str] = &["command_user", "chroot", "start_stop_daemon_args", "supervise_daemon_args"];

/// Runs `start_pre()` as OpenRC does before starting: exact changes to daemon variables are
/// kept, others are reported and left out.
pub fn run_start_pre(interp: &mut Interpreter, service: &mut Service) {
    let Some(run) = interp.run_on_copy("start_pre", ()) else { return };
    let start_pre_file = interp.functions["start_pre"].file;
    interp.take_gave_up(&run.diagnostics);
    apply_changes("start_pre", &mut interp.env, &run.env, start_pre_file, service);
}

/// Takes into `env` what `function` (run before the backend reads the variables) changed in the
/// daemon's variables, as `after` holds them: exact new values are compiled in, others are left
/// out; each change is reported, located in `file` when no assignment can be found.
pub fn apply_changes(function: &str, env: &mut Environment, after: &Environment, file: FileId, service: &mut Service) {
    for var in DAEMON_VARIABLES {
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
                    format!("compiled in as `{}`", v.value.text),
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
                let why = cause.map(|u| explain_uncertainty(u).why).unwrap_or_default();
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
                (
                    format!("left out: {why}"),
                    format!("the service directory keeps the value from before {function}(); set `{var}` in conf.d"),
                )
            }
            None => ("unset here; left set".into(), format!("do not unset `{var}` in {function}()")),
        };
        service.diagnostics.push(ModelDiagnostic {
            file: at.file,
            error: ModelError::StartPreAssignment {
                function: function.into(),
                variable: var.to_string(),
                span: at.span.into(),
                outcome,
                help,
            },
        });
    }
}
