#![doc = include_str!("../../docs/codes/lint/supervisor_bypassed.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::openrc::supervisor::Supervisor;

/// Fires for each of `start()`, `stop()` and `status()` that a script with `supervisor=s6` or
/// `supervisor=supervise-daemon` defines without going through the supervisor.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let supervisor = cx.supervisor();
    // Commands that reach the supervisor, whichever function calls them.
    let reaches: &[&str] = match supervisor {
        Supervisor::SuperviseDaemon => &["supervise-daemon", "supervise_start", "supervise_stop", "supervise_status"],
        Supervisor::S6 => {
            &["s6-svc", "s6-svlink", "s6-svunlink", "s6-svstat", "s6-svwait", "s6_start", "s6_stop", "s6_status"]
        }
        _ => return,
    };
    for function in ["start", "stop", "status"] {
        let Some(def) = cx.analysis.functions.get(function) else { continue };
        let default = format!("default_{function}");
        if def.runs(&[default.as_str()]) || def.runs(reaches) {
            continue;
        }
        let help = format!(
            "remove `{function}()` so OpenRC's {} does the work, and move the extra steps into `{function}_pre()` or `{function}_post()`; or call `default_{function}` from it",
            supervisor.name()
        );
        out.push(cx.finding(
            def.file,
            LintError::SupervisorBypassed {
                supervisor: supervisor.name().to_string(),
                function: function.to_string(),
                span: def.name_span.into(),
                help,
            },
        ));
    }
}
