#![doc = include_str!("../../docs/codes/lint/background_with_args_background.md")]

use super::LintError;
use super::context::{ServiceContext, yesno};
use crate::core::diagnostic::Finding;
use crate::openrc::supervisor::Supervisor;

/// Fires when start-stop-daemon would get `command_background` and `command_args_background`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    if cx.supervisor() != Supervisor::StartStopDaemon || !cx.backend_starts() {
        return;
    }
    let Some((background, Some(bg_at))) = cx.known("command_background") else { return };
    let Some((args, Some(args_at))) = cx.known("command_args_background") else { return };
    if !yesno(background) || args.trim().is_empty() {
        return;
    }
    let other = (bg_at.file == args_at.file).then(|| bg_at.span.into());
    out.push(cx.finding(args_at.file, LintError::BackgroundWithArgsBackground { span: args_at.span.into(), other }));
}
