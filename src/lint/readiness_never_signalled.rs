#![doc = include_str!("../../docs/codes/lint/readiness_never_signalled.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::model::error::READINESS_WITHOUT_FD;

/// Fires when `s6_svwait_options_start` waits for readiness (`-U`) and `notify` does not say
/// which fd the daemon writes it to, unless the model already said so or the service directory
/// is hand-written (`command` empty: OpenRC links the directory `s6_service_path` names, which
/// may have its own `notification-fd`).
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let notify = cx.var("notify").or_else(|| cx.var("ready")).is_some_and(|v| !v.value.text.is_empty());
    let Some((opts, Some(at))) = cx.known("s6_svwait_options_start") else { return };
    let waits_ready = opts.split_whitespace().any(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('U'));
    let hand_written = cx.var("command").is_none_or(|v| v.value.text.is_empty() && !v.value.is_unknowable());
    let reported = cx.analysis.findings.iter().any(|f| f.code() == &READINESS_WITHOUT_FD);
    if waits_ready && !notify && !hand_written && !reported {
        out.push(cx.finding(
            at.file,
            LintError::ReadinessNeverSignalled {
                why: "`s6-svwait -U` waits for a readiness notification and `notify` is not set".into(),
                span: at.span.into(),
                help: "add `notify=fd:N` with the fd the daemon writes its readiness line to, or wait with `-u` (up) instead of `-U` (ready)".into(),
            },
        ));
    }
}
