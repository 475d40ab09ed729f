//! How s6 stops the daemon: the signals OpenRC sends to stop it become s6's down-signal and
//! timeout-kill. Who stops it under OpenRC decides which settings count:
//! - OpenRC's own stop (`stop()` not overridden, or calling `default_stop`): start-stop-daemon.sh
//!   passes `--retry $retry --signal $stopsig` (sh/start-stop-daemon.sh, ssd_stop, 0.45.2 and
//!   0.63.3); supervise-daemon.sh passes `--retry $retry` at start and never `stopsig`, so it
//!   sends SIGTERM unless the schedule says otherwise (supervise_start, 0.45.2 and 0.63.3;
//!   supervise-daemon.c `sig = SIGTERM`); the s6 backend writes `stopsig` to down-signal and
//!   `timeout_kill` to timeout-kill (sh/s6.sh:110-115 at 0.63.3);
//! - the script's own `stop()` with a `start-stop-daemon --stop` call: that call's `--retry` and
//!   `--signal`, the variables only as far as the call names them.

use super::super::error::ModelError;
use super::super::stop_call::StopCall;
use super::context::{Context, Located};
use super::report::Refused;
use super::stop_policy::{self, ScheduleProblem};
use crate::eval::value::Loc;
use crate::openrc::supervisor::Supervisor;

/// What s6-supervise is told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StopPolicy {
    /// The signal `s6-svc -d` sends, when not SIGTERM (s6's default).
    pub down_signal: Option<String>,
    /// Milliseconds after it before SIGKILL.
    pub timeout_kill_ms: Option<u64>,
}

/// Who stops the daemon under OpenRC.
#[derive(Debug, Clone, Copy)]
pub enum Stopper<'a> {
    /// OpenRC's backend, `supervisor`'s.
    Backend(Supervisor),
    /// The start-stop-daemon call of the script's own stop().
    Call(&'a StopCall),
    /// The script's own stop(), some way rc2s6 does not follow: s6's defaults.
    Script,
}

/// The stop policy; every setting is looked at, then any refusal is returned.
pub fn stop_policy(cx: &mut Context, stopper: Stopper) -> Result<StopPolicy, Refused> {
    match stopper {
        Stopper::Backend(Supervisor::S6) => s6_backend(cx),
        Stopper::Backend(supervisor) => {
            let stopsig = cx.setting("stopsig");
            let retry = cx.setting("retry");
            let signal = match (supervisor, stopsig) {
                (Supervisor::SuperviseDaemon, Some(s)) => {
                    cx.report.decide(
                        "stop signal",
                        format!(
                            "stopsig={} left out: supervise-daemon.sh does not pass it, supervise-daemon sends SIGTERM",
                            s.value
                        ),
                        Some(s.at),
                    );
                    Ok("SIGTERM".to_string())
                }
                (_, Some(s)) => signal_of(cx, &s, "stopsig"),
                (_, None) => Ok("SIGTERM".to_string()),
            };
            if cx.is_non_empty("timeout_kill") {
                let at = cx.var("timeout_kill").map(|v| v.at);
                cx.report.decide("stop schedule", "timeout_kill left out: only OpenRC's s6 backend reads it", at);
            }
            schedule(cx, retry, signal?, "retry")
        }
        Stopper::Call(call) => {
            let at = call.loc;
            let signal = match &call.signal {
                Some(s) => signal_of(cx, &Located { value: s.clone(), at }, "--signal"),
                None => Ok("SIGTERM".to_string()),
            };
            let retry = call.retry.clone().map(|value| Located { value, at });
            if let Some(r) = &retry {
                cx.report.decide(
                    "stop schedule",
                    format!("`{}` from the {} call in stop()", r.value, call.program),
                    Some(at),
                );
            }
            let said = match &call.signal {
                Some(s) => Some(format!("`{s}` from the {} call in stop()", call.program)),
                None if call.program != "start-stop-daemon" => {
                    Some(format!("SIGTERM, the default of the {} call in stop()", call.program))
                }
                None => None,
            };
            if let Some(said) = said {
                cx.report.decide("stop signal", said, Some(at));
            }
            schedule(cx, retry, signal?, "--retry")
        }
        Stopper::Script => Ok(StopPolicy::default()),
    }
}

/// OpenRC's s6 backend: `stopsig` and `timeout_kill` as they are.
fn s6_backend(cx: &mut Context) -> Result<StopPolicy, Refused> {
    let signal = match cx.setting("stopsig") {
        Some(s) => signal_of(cx, &s, "stopsig").map(Some),
        None => Ok(None),
    };
    let timeout_kill = timeout_kill(cx);
    Ok(StopPolicy { down_signal: signal?.filter(|s| s != "SIGTERM"), timeout_kill_ms: timeout_kill? })
}

/// A signal as s6 names it.
fn signal_of(cx: &mut Context, s: &Located<String>, variable: &str) -> Result<String, Refused> {
    stop_policy::normalize_signal(&s.value).ok_or_else(|| {
        cx.report.invalid_value(
            s.at,
            variable,
            format!("`{}` is not a signal", s.value),
            "use a signal name such as `TERM`, `INT` or `QUIT`",
        )
    })
}

/// The schedule `retry` (with `signal` for a bare number or none) as s6's down-signal and
/// timeout-kill.
fn schedule(
    cx: &mut Context,
    retry: Option<Located<String>>,
    signal: String,
    variable: &str,
) -> Result<StopPolicy, Refused> {
    let at = retry.as_ref().map_or(cx.fallback(), |r| r.at);
    match stop_policy::parse_retry(retry.as_ref().map(|r| r.value.as_str()), &signal) {
        Ok(plan) => Ok(StopPolicy {
            down_signal: Some(plan.signal).filter(|s| s != "SIGTERM"),
            timeout_kill_ms: plan.kill_after_ms,
        }),
        Err(ScheduleProblem::Invalid(problem)) => Err(cx.report.invalid_value(
            at,
            variable,
            problem,
            "write seconds (`retry=30`) or a schedule such as `retry=TERM/30/KILL/5`",
        )),
        Err(ScheduleProblem::Unconvertible(why)) => Err(unconvertible(cx, at, variable, why)),
    }
}

fn unconvertible(cx: &mut Context, at: Loc, variable: &str, why: String) -> Refused {
    let error = ModelError::UnconvertibleSetting {
        setting: variable.to_string(),
        why,
        span: at.span.into(),
        help: "s6 sends one signal, then SIGKILL after timeout-kill: write `retry=SIGNAL/SECONDS/KILL/SECONDS` (or `retry=SECONDS`) in conf.d".into(),
    };
    cx.report.refuse(at, error)
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
