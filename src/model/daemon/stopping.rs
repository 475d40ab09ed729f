//! How s6 stops the daemon: `stopsig`, `retry` and `timeout_kill`, or the `--signal` and
//! `--retry` of the start-stop-daemon call in the script's own stop() when those are not set,
//! become s6's down-signal and timeout-kill.

use super::super::error::ModelError;
use super::super::stop_call::StopCall;
use super::context::{Context, Located};
use super::report::Refused;
use super::stop_policy::{self, StopPlan};

/// What s6-supervise is told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StopPolicy {
    /// The signal `s6-svc -d` sends, when not SIGTERM (s6's default).
    pub down_signal: Option<String>,
    /// Milliseconds after it before SIGKILL.
    pub timeout_kill_ms: Option<u64>,
}

/// The stop policy; every setting is looked at, then any refusal is returned.
pub fn stop_policy(cx: &mut Context, stop_call: Option<&StopCall>) -> Result<StopPolicy, Refused> {
    let from_stop = |v: &Option<String>, c: &StopCall| v.clone().map(|value| Located { value, at: c.loc });
    let stop_signal = stop_call.and_then(|c| from_stop(&c.signal, c));
    let stop_retry = stop_call.and_then(|c| from_stop(&c.retry, c));
    for (topic, var, from) in [("stop signal", "stopsig", &stop_signal), ("stop schedule", "retry", &stop_retry)] {
        let set = cx.setting(var);
        if let (Some(from), None) = (from, set) {
            cx.report.decide(
                topic,
                format!("`{}` from the start-stop-daemon call in stop()", from.value),
                Some(from.at),
            );
        }
    }
    let stopsig = stop_signal_setting(cx, stop_signal);
    let plan = retry(cx, stop_retry, stopsig.clone().ok().flatten());
    let timeout_kill = timeout_kill(cx);
    let (stopsig, plan, timeout_kill) = (stopsig?, plan?, timeout_kill?);
    let down_signal = stopsig.or_else(|| plan.as_ref().and_then(|p| p.signal.clone()));
    Ok(StopPolicy {
        // s6's default needs no file.
        down_signal: down_signal.filter(|s| s != "SIGTERM"),
        timeout_kill_ms: timeout_kill.or(plan.and_then(|p| p.kill_after_ms)),
    })
}

/// `stopsig`, else the stop() call's `--signal`, as s6 names it.
fn stop_signal_setting(cx: &mut Context, from_stop: Option<Located<String>>) -> Result<Option<String>, Refused> {
    let Some(s) = cx.setting("stopsig").or(from_stop) else { return Ok(None) };
    match stop_policy::normalize_signal(&s.value) {
        Some(sig) => Ok(Some(sig)),
        None => Err(cx.report.invalid_value(
            s.at,
            "stopsig",
            format!("`{}` is not a signal", s.value),
            "use a signal name such as `TERM`, `INT` or `QUIT`",
        )),
    }
}

/// `retry`, else the stop() call's `--retry`: its first signal and when SIGKILL follows; the
/// steps s6 cannot take are reported.
fn retry(
    cx: &mut Context,
    from_stop: Option<Located<String>>,
    stopsig: Option<String>,
) -> Result<Option<StopPlan>, Refused> {
    let Some(r) = cx.setting("retry").or(from_stop) else { return Ok(None) };
    match stop_policy::parse_retry(&r.value, stopsig.as_deref()) {
        Ok(plan) => {
            if !plan.dropped.is_empty() {
                let warning = ModelError::UnsupportedSetting {
                    setting: format!("retry={}", r.value),
                    span: r.at.span.into(),
                    help: format!(
                        "s6 sends one signal, then SIGKILL after timeout-kill; these steps are left out: {}",
                        plan.dropped.join(", ")
                    ),
                };
                cx.report.add(r.at, warning);
            }
            Ok(Some(plan))
        }
        Err(problem) => Err(cx.report.invalid_value(
            r.at,
            "retry",
            problem,
            "write seconds (`retry=30`) or a schedule such as `retry=TERM/30/KILL/5`",
        )),
    }
}

/// `timeout_kill`, in milliseconds.
fn timeout_kill(cx: &mut Context) -> Result<Option<u64>, Refused> {
    let Some(t) = cx.setting("timeout_kill") else { return Ok(None) };
    match stop_policy::parse_millis(&t.value) {
        Some(ms) => Ok(Some(ms)),
        None => Err(cx.report.invalid_value(
            t.at,
            "timeout_kill",
            format!("`{}` is not a number of milliseconds", t.value),
            "write milliseconds, e.g. `timeout_kill=5000`",
        )),
    }
}
