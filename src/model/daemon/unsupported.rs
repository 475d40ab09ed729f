//! Settings s6 has no equivalent for, reported as warnings: the service is converted without
//! them.

use super::super::error::ModelError;
use super::context::Context;
use super::flags::DaemonFlags;

/// start-stop-daemon / supervise-daemon options without an s6 equivalent, and ones rc2s6 does
/// not know.
pub fn options(cx: &mut Context, flags: &DaemonFlags) {
    let at = cx.flags_at();
    for f in &flags.unsupported {
        let help = "s6 2.11 has no equivalent; wrap the daemon in a tool that provides it if it matters";
        cx.report
            .add(at, ModelError::UnsupportedSetting { setting: f.clone(), span: at.span.into(), help: help.into() });
    }
    for f in &flags.unknown {
        let help = "rc2s6 does not know this option of start-stop-daemon / supervise-daemon";
        cx.report
            .add(at, ModelError::UnsupportedSetting { setting: f.clone(), span: at.span.into(), help: help.into() });
    }
}

/// `healthcheck_timer` and `stopgroup`.
pub fn variables(cx: &mut Context) {
    for var in ["healthcheck_timer", "stopgroup"] {
        if let Some(given) = cx.setting(var) {
            let help = if var == "stopgroup" {
                "s6-svc -d signals the daemon only, not its process group"
            } else {
                "s6 has no health checks; a daemon that hangs is not restarted"
            };
            let warning =
                ModelError::UnsupportedSetting { setting: var.into(), span: given.at.span.into(), help: help.into() };
            cx.report.add(given.at, warning);
        }
    }
}
