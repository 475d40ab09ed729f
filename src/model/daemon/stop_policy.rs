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
    /// The signal sent first.
    pub signal: String,
    /// Milliseconds before SIGKILL, if the schedule sends SIGKILL after the first signal.
    pub kill_after_ms: Option<u64>,
}

/// Why a stop schedule cannot be carried over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleProblem {
    /// OpenRC cannot read it either (its stop fails).
    Invalid(String),
    /// OpenRC reads it, but it asks for more than s6's one signal then SIGKILL.
    Unconvertible(String),
}

/// The signals start-stop-daemon and supervise-daemon send for `--retry retry` (`None`: no
/// `--retry`) with `--signal signal` (as s6 names it), as `parse_schedule()` and
/// `run_stop_schedule()` read it (src/shared/schedules.c:176-249, 303-420 at 0.45.2; the same at
/// 0.63.3): without a `/`, `SIGNAL, wait N` (N is `retry`'s leading number, 5 without `--retry`),
/// and no SIGKILL ever; with one, each item is a signal sent, a wait, or `forever`, the
/// `--signal` unused; a wait of 0 ends the schedule. s6 sends its down-signal, then SIGKILL after
/// timeout-kill milliseconds: a schedule that is one signal, waits, then optionally SIGKILL.
pub fn parse_retry(retry: Option<&str>, signal: &str) -> Result<StopPlan, ScheduleProblem> {
    let Some(t) = retry else { return Ok(StopPlan { signal: signal.to_string(), kill_after_ms: None }) };
    if !t.contains('/') {
        return match leading_number(t) {
            Some(_) => Ok(StopPlan { signal: signal.to_string(), kill_after_ms: None }),
            None => Err(ScheduleProblem::Invalid(format!("`{t}` is not a number of seconds"))),
        };
    }
    let mut items = Vec::new();
    for item in t.split('/') {
        items.push(if item == "forever" {
            Item::Forever
        } else if item.starts_with(|c: char| c.is_ascii_digit()) {
            Item::Wait(
                leading_number(item).ok_or_else(|| ScheduleProblem::Invalid(format!("`{item}` is not a number")))?,
            )
        } else {
            let sig = normalize_signal(item.strip_prefix('-').unwrap_or(item))
                .ok_or_else(|| ScheduleProblem::Invalid(format!("`{item}` is not a signal")))?;
            Item::Signal(sig)
        });
    }
    if items.iter().filter(|i| **i == Item::Forever).count() > 1 {
        return Err(ScheduleProblem::Invalid("`forever` appears more than once".into()));
    }
    let Some(Item::Signal(first)) = items.first().cloned() else {
        return Err(ScheduleProblem::Unconvertible(format!(
            "`{t}` waits before it sends a signal, where s6 signals at once"
        )));
    };
    let mut waited: u64 = 0;
    for item in &items[1..] {
        match item {
            Item::Wait(0) => break,
            Item::Wait(n) => waited = waited.saturating_add(*n),
            // Waits for the daemon until it dies, as s6 does without timeout-kill.
            Item::Forever => break,
            Item::Signal(sig) if sig == "SIGKILL" => {
                return Ok(StopPlan { signal: first, kill_after_ms: Some(waited.saturating_mul(1000)) });
            }
            Item::Signal(sig) => {
                return Err(ScheduleProblem::Unconvertible(format!(
                    "`{t}` sends {sig} after {waited}s, where s6 sends one signal, then only SIGKILL"
                )));
            }
        }
    }
    Ok(StopPlan { signal: first, kill_after_ms: None })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Signal(String),
    Wait(u64),
    Forever,
}

/// The number `sscanf("%d")` reads at the start of `s` (OpenRC reads `30s` as 30).
fn leading_number(s: &str) -> Option<u64> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s[..end].parse().ok()
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
        let plan = |r: Option<&str>, sig: &str| parse_retry(r, sig).map(|p| (p.signal, p.kill_after_ms));
        // A bare number: the signal, a wait, and no SIGKILL (schedules.c:193-211).
        assert_eq!(plan(Some("30"), "SIGINT"), Ok(("SIGINT".into(), None)));
        assert_eq!(plan(Some("30s"), "SIGTERM"), Ok(("SIGTERM".into(), None)));
        assert_eq!(plan(None, "SIGQUIT"), Ok(("SIGQUIT".into(), None)));
        // A schedule: its own first signal, whatever --signal says.
        assert_eq!(plan(Some("TERM/30/KILL/5"), "SIGINT"), Ok(("SIGTERM".into(), Some(30_000))));
        assert_eq!(plan(Some("-QUIT/10/5/KILL"), "SIGTERM"), Ok(("SIGQUIT".into(), Some(15_000))));
        assert_eq!(plan(Some("SIGKILL/5000"), "SIGTERM"), Ok(("SIGKILL".into(), None)));
        assert_eq!(plan(Some("TERM/15/5"), "SIGTERM"), Ok(("SIGTERM".into(), None)));
        assert_eq!(plan(Some("TERM/0/KILL/5"), "SIGTERM"), Ok(("SIGTERM".into(), None)));
        assert_eq!(plan(Some("TERM/forever"), "SIGTERM"), Ok(("SIGTERM".into(), None)));
        assert!(matches!(parse_retry(Some("TERM/45/QUIT/15"), "SIGTERM"), Err(ScheduleProblem::Unconvertible(_))));
        assert!(matches!(parse_retry(Some("TERM/5/TERM/5"), "SIGTERM"), Err(ScheduleProblem::Unconvertible(_))));
        assert!(matches!(parse_retry(Some("0/30/KILL/5"), "SIGTERM"), Err(ScheduleProblem::Unconvertible(_))));
        assert!(matches!(parse_retry(Some("TERM//x"), "SIGTERM"), Err(ScheduleProblem::Invalid(_))));
        assert!(matches!(parse_retry(Some("soon"), "SIGTERM"), Err(ScheduleProblem::Invalid(_))));
        assert_eq!(parse_duration_secs("2min"), Some(120));
        assert_eq!(parse_duration_secs("1500ms"), Some(2));
    }
}
