#![doc = include_str!("../../docs/codes/lint/legacy_s6_variable.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;

/// The variables OpenRC's s6 backend read before 0.63, and what replaces each.
const LEGACY: &[(&str, &str)] = &[
    (
        "s6_service_path",
        "OpenRC 0.63 builds the service directory from `command`; with `command` empty, 0.63.1 and later use /var/svc.d/$RC_SVCNAME (`rc2s6 -o /var/svc.d` writes it)",
    ),
    ("s6_svwait_options_start", "set `timeout_ready` (milliseconds) and, for readiness, `notify=fd:N`"),
    ("s6_svwait_options_stop", "set `timeout_down` (milliseconds)"),
    ("s6_service_timeout_stop", "set `timeout_down` (milliseconds)"),
    ("s6_force_kill", "set `timeout_kill` (milliseconds) to have s6 send SIGKILL"),
];

/// Fires for each legacy variable a file sets.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    for (variable, help) in LEGACY {
        let Some(v) = cx.var(variable) else { continue };
        let Some(at) = v.assigned_at else { continue };
        out.push(cx.finding(
            at.file,
            LintError::LegacyS6Variable {
                variable: variable.to_string(),
                span: at.span.into(),
                help: help.to_string(),
            },
        ));
    }
}
