#![doc = include_str!("../../docs/codes/lint/background_without_pidfile.md")]

use super::LintError;
use super::context::{ServiceContext, yesno};
use crate::core::diagnostic::{Finding, Severity};
use crate::openrc::supervisor::Supervisor;

/// Fires when start-stop-daemon would get `command_background` and no `pidfile`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    if cx.supervisor() != Supervisor::StartStopDaemon || !cx.backend_starts() {
        return;
    }
    // Without `command`, ssd_start returns before looking at command_background.
    if cx.var("command").is_none_or(|v| v.value.text.is_empty() && !v.value.is_unknowable()) {
        return;
    }
    let Some((background, Some(at))) = cx.known("command_background") else { return };
    if !yesno(background) {
        return;
    }
    match cx.var("pidfile") {
        Some(p) if !p.value.text.is_empty() || p.value.is_unknowable() => {}
        // Without its conf.d, a script that leaves `pidfile` to it (unset, or set from variables
        // nothing here sets) cannot be judged: a warning that says so.
        _ if !cx.confd_read() => {
            let mut f = cx.finding(at.file, LintError::BackgroundWithoutPidfileUnlessConfd { span: at.span.into() });
            f.severity = Severity::Warning;
            out.push(f);
        }
        _ => out.push(cx.finding(at.file, LintError::BackgroundWithoutPidfile { span: at.span.into() })),
    }
}
