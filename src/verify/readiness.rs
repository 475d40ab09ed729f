//! Whether OpenRC waits for the daemon to be ready, and whether the service directory lets s6
//! say when it is: 0.16–0.62 wait with `s6-svwait $s6_svwait_options_start` (`-U`: ready),
//! 0.63 with `s6-svwait -U` when `notify=fd:N` and `timeout_ready` are both set. Both read the
//! variables as `s6_start` finds them (after start_pre() and start()'s own assignments).

use super::ServiceFindings;
use super::error::{ReadinessWait, VerifyError};
use crate::openrc::version::{OpenrcVersion, S6Backend};

/// Whether OpenRC waits for readiness, and whether the service directory (whose daemon
/// notifies on `fd`, if any) can provide it.
pub fn check_readiness(f: &mut ServiceFindings, path: &str, fd: Option<u32>, target: &OpenrcVersion) {
    match target.backend() {
        S6Backend::Legacy => legacy(f, path, fd),
        S6Backend::Generated => generated(f, path, fd),
    }
}

/// 0.16–0.62: `s6_svwait_options_start` with `-U` waits for the notification-fd.
fn legacy(f: &mut ServiceFindings, path: &str, fd: Option<u32>) {
    let opts = f.analysis.service.settings_at_start.get("s6_svwait_options_start").filter(|v| !v.value.is_empty());
    let waits = opts.is_some_and(|o| {
        o.value.split_whitespace().any(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('U'))
    });
    let at = opts.and_then(|o| o.at);
    match (waits, fd) {
        (true, None) => {
            let value = opts.map(|o| o.value.as_str()).unwrap_or("");
            let wait = match svwait_timeout(value) {
                Some(ms) if ms > 0 => ReadinessWait::ThenStarted(ms),
                _ => ReadinessWait::Forever,
            };
            f.at(at, |span| VerifyError::ReadinessWithoutNotificationFd {
                setting: format!("`s6_svwait_options_start=\"{value}\"`"),
                path: path.to_string(),
                wait,
                span,
            })
        }
        (false, Some(n)) => f.at(at, |span| VerifyError::NotificationUnwaited {
            path: path.to_string(),
            fd: n.to_string(),
            fix: "set `s6_svwait_options_start=\"-U -t MILLISECONDS\"`".into(),
            span,
        }),
        _ => {}
    }
}

/// 0.63+, s6.sh: `if test -n "$timeout_ready"`, s6-svwait -U (with notify=fd:N) or -u.
fn generated(f: &mut ServiceFindings, path: &str, fd: Option<u32>) {
    let settings = &f.analysis.service.settings_at_start;
    let get = |n: &str| settings.get(n).filter(|v| !v.value.is_empty());
    let notify = get("notify");
    let notify_fd = notify.and_then(|n| n.value.strip_prefix("fd:").map(str::to_string));
    let timeout_ready = get("timeout_ready");
    let waits = notify_fd.is_some() && timeout_ready.is_some();
    let at = notify.and_then(|n| n.at);
    match (&notify_fd, fd) {
        (Some(_), None) if waits => {
            let timeout = timeout_ready.map(|t| t.value.as_str()).unwrap_or("");
            let wait = match timeout.trim().parse::<u64>() {
                Ok(ms) if ms > 0 => ReadinessWait::ThenFails(ms),
                _ => ReadinessWait::Forever,
            };
            let setting =
                format!("`notify={}` with `timeout_ready={timeout}`", notify.map(|n| n.value.as_str()).unwrap_or(""));
            f.at(at, |span| VerifyError::ReadinessWithoutNotificationFd { setting, path: path.to_string(), wait, span })
        }
        (Some(n), Some(fd)) if n.trim() != fd.to_string() => f.at(at, |span| VerifyError::NotifyFdMismatch {
            notify: n.clone(),
            path: format!("{}/notification-fd", path.trim_end_matches('/')),
            fd: fd.to_string(),
            span,
        }),
        _ => {}
    }
    if let (false, Some(n)) = (waits, fd) {
        f.at(at, |span| VerifyError::NotificationUnwaited {
            path: path.to_string(),
            fd: n.to_string(),
            fix: format!("set `notify=fd:{n}` and `timeout_ready=MILLISECONDS` (0 waits forever)"),
            span,
        });
    }
}

/// The `-t` of s6-svwait options (`-t 5000`, `-t5000`), if any.
fn svwait_timeout(options: &str) -> Option<u64> {
    let words: Vec<&str> = options.split_whitespace().collect();
    words.iter().enumerate().find_map(|(i, w)| {
        let rest = w.strip_prefix("-t")?;
        let n = if rest.is_empty() { words.get(i + 1).copied() } else { Some(rest) };
        n.and_then(|n| n.parse().ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svwait_timeouts() {
        assert_eq!(svwait_timeout("-U -t 5000"), Some(5000));
        assert_eq!(svwait_timeout("-t5000 -U"), Some(5000));
        assert_eq!(svwait_timeout("-U"), None);
        assert_eq!(svwait_timeout("-t x"), None);
    }
}
