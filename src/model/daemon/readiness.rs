//! Readiness notification: `--notify`, else `notify` (or `ready`): `fd:N` becomes s6's
//! notification-fd; and `s6_svwait_options_start` waiting for readiness needs one.

use super::super::error::ModelError;
use super::context::{Context, Located};
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::eval::value::Loc;

/// The notification fd, when OpenRC's backend starts the daemon.
pub fn from_variables(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<u32>, Refused> {
    let notify = match &flags.notify {
        Some(n) => Some(Located { value: n.clone(), at: cx.flags_at() }),
        None => cx.setting("notify").or_else(|| cx.setting("ready")),
    };
    let (fd, mut result) = match notify {
        Some(n) => match notify_value(cx, &n.value, n.at) {
            Ok(fd) => (fd, Ok(())),
            Err(refused) => (None, Err(refused)),
        },
        None => (None, Ok(())),
    };
    if let Some(opts) = cx.setting("s6_svwait_options_start") {
        let waits_for_readiness =
            opts.value.split_whitespace().any(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('U'));
        if waits_for_readiness && fd.is_none() {
            result = Err(cx.report.refuse(opts.at, ModelError::ReadinessWithoutFd { span: opts.at.span.into() }));
        }
    }
    result.map(|()| fd)
}

/// The notification fd of a supervise-daemon call in start() (`--notify`).
pub fn from_call(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<u32>, Refused> {
    match &flags.notify {
        Some(n) => {
            let at = cx.fallback();
            notify_value(cx, n, at)
        }
        None => Ok(None),
    }
}

/// What a `notify` value asks for: `fd:N`, or `socket:…`, which s6 cannot give (a warning).
fn notify_value(cx: &mut Context, n: &str, at: Loc) -> Result<Option<u32>, Refused> {
    if let Some(fd) = n.strip_prefix("fd:") {
        return match fd.parse::<u32>() {
            Ok(v) if v >= 3 => {
                cx.report.decide("readiness", format!("notify=fd:{v}: notification-fd {v}"), Some(at));
                Ok(Some(v))
            }
            _ => Err(cx.report.invalid_value(
                at,
                "notify",
                format!("`{fd}` is not a file descriptor of 3 or more"),
                "fds 0, 1 and 2 are the daemon's stdin, stdout and stderr; write `notify=fd:N` with N ≥ 3",
            )),
        };
    }
    if n.starts_with("socket:") {
        cx.report.add(
            at,
            ModelError::UnsupportedSetting {
                setting: format!("notify={n}"),
                span: at.span.into(),
                help: "s6 2.11 has no NOTIFY_SOCKET bridge; the service counts as ready as soon as it is up".into(),
            },
        );
        return Ok(None);
    }
    Err(cx.report.invalid_value(
        at,
        "notify",
        format!("`{n}` is neither `fd:N` nor `socket:ready`"),
        "write `notify=fd:N`",
    ))
}
