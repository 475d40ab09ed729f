//! Signals and stop schedules: `stopsig`, `retry`, `timeout_kill` → `down-signal`, `timeout-kill`.

/// Signal names s6-supervise's `down-signal` accepts (Linux numbering).
const SIGNALS: &[(&str, u32)] = &[
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("ILL", 4),
    ("TRAP", 5),
    ("ABRT", 6),
    ("IOT", 6),
    ("BUS", 7),
    ("FPE", 8),
    ("KILL", 9),
    ("USR1", 10),
    ("SEGV", 11),
    ("USR2", 12),
    ("PIPE", 13),
    ("ALRM", 14),
    ("TERM", 15),
    ("STKFLT", 16),
    ("CHLD", 17),
    ("CONT", 18),
    ("STOP", 19),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("XCPU", 24),
    ("XFSZ", 25),
    ("VTALRM", 26),
    ("PROF", 27),
    ("WINCH", 28),
    ("IO", 29),
    ("POLL", 29),
    ("PWR", 30),
    ("SYS", 31),
];

/// A signal written as OpenRC accepts it (`TERM`, `SIGTERM`, `15`) in s6's canonical form
/// (`SIGTERM`); `None` if it is not a signal.
pub fn normalize_signal(s: &str) -> Option<String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<u32>() {
        return SIGNALS.iter().find(|x| x.1 == n).map(|x| format!("SIG{}", x.0));
    }
    let up = t.to_ascii_uppercase();
    let bare = up.strip_prefix("SIG").unwrap_or(&up);
    SIGNALS.iter().find(|x| x.0 == bare).map(|x| format!("SIG{}", x.0))
}

/// What a stop schedule asks of s6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopPlan {
    /// First signal.
    pub signal: Option<String>,
    /// Milliseconds before SIGKILL, if the schedule ends in KILL.
    pub kill_after_ms: Option<u64>,
    /// Steps that s6 cannot express (intermediate signals), in words.
    pub dropped: Vec<String>,
}

/// Reads `retry`: `N` (seconds: signal, wait N, KILL, wait N) or `SIG/N/SIG/N…`.
pub fn parse_retry(retry: &str, stopsig: Option<&str>) -> Result<StopPlan, String> {
    let t = retry.trim();
    if let Ok(n) = t.parse::<u64>() {
        return Ok(StopPlan {
            signal: stopsig.map(String::from),
            kill_after_ms: Some(n.saturating_mul(1000)),
            dropped: Vec::new(),
        });
    }
    let items: Vec<&str> = t.split('/').collect();
    if items.is_empty() || items.iter().any(|s| s.is_empty()) {
        return Err(format!("`{t}` is not `SECONDS` or a `SIGNAL/SECONDS/…` schedule"));
    }
    let mut plan = StopPlan { signal: None, kill_after_ms: None, dropped: Vec::new() };
    let mut waited: u64 = 0;
    for item in items {
        if let Ok(secs) = item.parse::<u64>() {
            waited = waited.saturating_add(secs);
            continue;
        }
        if item.eq_ignore_ascii_case("forever") {
            continue;
        }
        let sig = normalize_signal(item).ok_or_else(|| format!("`{item}` is not a signal"))?;
        if plan.signal.is_none() {
            plan.signal = Some(sig);
        } else if sig == "SIGKILL" {
            plan.kill_after_ms = Some(waited.saturating_mul(1000));
            break;
        } else {
            plan.dropped.push(format!("{sig} after {waited}s"));
        }
    }
    Ok(plan)
}

/// A number of milliseconds, or `None` if it is not a plain non-negative integer.
pub fn parse_millis(s: &str) -> Option<u64> {
    s.trim().parse().ok()
}

/// A supervise-daemon duration in seconds: `N`, `Nms`, `Ns`/`Nsec`, `Nm`/`Nmin`, `Nh`/`Nhour`.
pub fn parse_duration_secs(s: &str) -> Option<u64> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().ok()?;
    match unit {
        "" | "s" | "sec" | "secs" | "seconds" => Some(n),
        "ms" => Some(n.div_ceil(1000)),
        "m" | "min" | "minutes" => n.checked_mul(60),
        "h" | "hour" | "hours" => n.checked_mul(3600),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals() {
        assert_eq!(normalize_signal("term").as_deref(), Some("SIGTERM"));
        assert_eq!(normalize_signal("SIGQUIT").as_deref(), Some("SIGQUIT"));
        assert_eq!(normalize_signal("9").as_deref(), Some("SIGKILL"));
        assert_eq!(normalize_signal("SIGFOO"), None);
    }

    #[test]
    fn schedules() {
        let p = parse_retry("TERM/30/KILL/5", None).unwrap();
        assert_eq!(p.signal.as_deref(), Some("SIGTERM"));
        assert_eq!(p.kill_after_ms, Some(30_000));
        let p = parse_retry("30", Some("SIGINT")).unwrap();
        assert_eq!(p.kill_after_ms, Some(30_000));
        assert_eq!(p.signal.as_deref(), Some("SIGINT"));
        let p = parse_retry("HUP/5/TERM/10/KILL/5", None).unwrap();
        assert_eq!(p.signal.as_deref(), Some("SIGHUP"));
        assert_eq!(p.kill_after_ms, Some(15_000));
        assert_eq!(p.dropped.len(), 1);
        assert!(parse_retry("TERM//x", None).is_err());
        assert_eq!(parse_duration_secs("2min"), Some(120));
        assert_eq!(parse_duration_secs("1500ms"), Some(2));
    }
}
