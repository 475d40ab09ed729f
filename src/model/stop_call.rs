//! The `start-stop-daemon --stop` call of a script's own `stop()`: its `--retry` schedule and
//! `--signal` are how OpenRC stops the daemon, and the service directory keeps them when no
//! `retry`/`stopsig` variable says otherwise.

use super::trace::StartEvent;
use crate::core::file_name::basename;
use crate::eval::value::Loc;

/// What the stop call asks for; each value is exact (known without running the script).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopCall {
    /// `--retry`/`-R`.
    pub retry: Option<String>,
    /// `--signal`/`-s`.
    pub signal: Option<String>,
    /// The call.
    pub loc: Loc,
    /// The program called: `start-stop-daemon`, or `kill`, `pkill` or `killall`.
    pub program: String,
}

/// The first start-stop-daemon call with `--stop` that `stop()` always makes; `None` when there
/// is none, or when it is made only under a condition rc2s6 cannot decide.
pub fn find(events: &[StartEvent]) -> Option<StopCall> {
    events.iter().find_map(|e| {
        let StartEvent::Command { name, loc, condition, words, uncertain, .. } = e else { return None };
        if basename(name) != "start-stop-daemon" {
            return None;
        }
        let args = words.get(1..).unwrap_or_default();
        let stops = args.iter().any(|a| a == "--stop" || a == "-K");
        if !stops || condition.is_some() {
            return None;
        }
        let exact = |i: usize| uncertain.get(i + 1).is_none_or(Vec::is_empty);
        let value = |long: &str, short: &str| -> Option<String> {
            for (i, a) in args.iter().enumerate() {
                if a == "--" {
                    break;
                }
                if a == long || a == short {
                    return args.get(i + 1).filter(|_| exact(i + 1)).cloned();
                }
                if let Some(v) = a.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
                    return exact(i).then(|| v.to_string());
                }
                // `-s9`, `-R5`: getopt takes the rest of the word as the value.
                if let Some(v) = a.strip_prefix(short).filter(|v| !v.is_empty() && !a.starts_with("--")) {
                    return exact(i).then(|| v.to_string());
                }
            }
            None
        };
        Some(StopCall {
            retry: value("--retry", "-R"),
            signal: value("--signal", "-s"),
            loc: *loc,
            program: "start-stop-daemon".into(),
        })
    })
}

/// Commands a `stop()` may run before it signals the daemon without changing what the daemon
/// gets first: OpenRC's output helpers and the shell's own.
const SAY: &[&str] = &[
    "ebegin", "einfo", "einfon", "ewarn", "ewarnn", "eerror", "eerrorn", "veinfo", "vebegin", "vewarn", "echo",
    "printf", "local", "true", ":", "[", "test",
];

/// A `stop()` that ends the daemon with one signal of its own: its first command that does
/// anything is an unconditional `kill`, `pkill` or `killall`, and no other follows (a second
/// would be a schedule of the script's own). Its signal is what the daemon gets first, SIGTERM
/// when none is named (kill(1) POSIX, procps pkill(1), psmisc killall(1), busybox alike). `None`
/// when the signal word is not exact.
pub fn find_kill(events: &[StartEvent]) -> Option<StopCall> {
    let commands: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            StartEvent::Command { name, loc, condition, words, uncertain, .. } => {
                Some((basename(name), loc, condition, words, uncertain))
            }
            _ => None,
        })
        .filter(|(name, ..)| !SAY.contains(name))
        .collect();
    let is_kill = |n: &str| matches!(n, "kill" | "pkill" | "killall");
    let (name, loc, condition, words, uncertain) = commands.first()?;
    if !is_kill(name) || condition.is_some() || commands[1..].iter().any(|c| is_kill(c.0)) {
        return None;
    }
    let args = words.get(1..).unwrap_or_default();
    let signal = kill_signal(name, args)?;
    // The signal's word must be exact.
    if signal.1.is_some_and(|i| !uncertain.get(i + 1).is_none_or(Vec::is_empty)) {
        return None;
    }
    Some(StopCall { retry: None, signal: signal.0, loc: **loc, program: name.to_string() })
}

/// The signal a kill-like call names and the index of its word; `(None, None)` for the default,
/// `None` when the call lists signals instead of sending one.
fn kill_signal(program: &str, args: &[String]) -> Option<(Option<String>, Option<usize>)> {
    for (i, a) in args.iter().enumerate() {
        if a == "--" {
            break;
        }
        // An option's value or an operand (`killall -o 5m -9 x`: options may follow).
        if !a.starts_with('-') || a.len() < 2 {
            continue;
        }
        if a == "-l" || a == "-L" || a == "--list" {
            return None;
        }
        // `-s` is pkill's `--session`; kill's and killall's signal.
        let takes_next = a == "--signal" || (a == "-s" && program != "pkill") || (a == "-n" && program == "kill");
        if takes_next {
            return Some((args.get(i + 1).cloned(), Some(i + 1)));
        }
        if let Some(v) = a.strip_prefix("--signal=") {
            return Some((Some(v.to_string()), Some(i)));
        }
        let bare = &a[1..];
        if crate::model::daemon::stop_policy::normalize_signal(bare).is_some() {
            return Some((Some(bare.to_string()), Some(i)));
        }
    }
    Some((None, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::Span;

    fn call(words: &[&str], conditional: bool) -> StartEvent {
        StartEvent::Command {
            name: words[0].into(),
            loc: Loc { file: crate::core::source::FileId::default(), span: Span::new(0, 1) },
            condition: conditional
                .then_some(Loc { file: crate::core::source::FileId::default(), span: Span::new(0, 1) }),
            words: words.iter().map(|w| w.to_string()).collect(),
            uncertain: vec![Vec::new(); words.len()],
            background: false,
            context: Box::default(),
        }
    }

    #[test]
    fn reads_retry_and_signal_in_every_spelling() {
        let e = call(&["start-stop-daemon", "--stop", "--retry", "TERM/30/KILL/5", "--pidfile", "/run/x.pid"], false);
        assert_eq!(find(&[e]).and_then(|c| c.retry).as_deref(), Some("TERM/30/KILL/5"));
        let e = call(&["/sbin/start-stop-daemon", "-K", "-R", "20", "-s", "INT"], false);
        let c = find(&[e]).expect("a stop call");
        assert_eq!((c.retry.as_deref(), c.signal.as_deref()), (Some("20"), Some("INT")));
        let e = call(&["start-stop-daemon", "-K", "-s9", "-R5", "--exec", "/bin/x"], false);
        let c = find(&[e]).expect("a stop call");
        assert_eq!((c.retry.as_deref(), c.signal.as_deref()), (Some("5"), Some("9")));
        let e = call(&["start-stop-daemon", "--stop", "--retry=QUIT/10", "--signal=HUP"], false);
        let c = find(&[e]).expect("a stop call");
        assert_eq!((c.retry.as_deref(), c.signal.as_deref()), (Some("QUIT/10"), Some("HUP")));
    }

    #[test]
    fn a_kill_of_its_own_is_the_first_signal() {
        let say = call(&["ebegin", "Stopping"], false);
        let signal = |events: &[StartEvent]| find_kill(events).map(|c| (c.program, c.signal));
        let pkill = call(&["pkill", "-9", "-f", "/usr/bin/watcher"], false);
        assert_eq!(signal(&[say.clone(), pkill.clone()]), Some(("pkill".into(), Some("9".into()))));
        let kill = call(&["kill", "-s", "INT", "123"], false);
        assert_eq!(signal(&[kill]), Some(("kill".into(), Some("INT".into()))));
        let killall = call(&["/usr/bin/killall", "-q", "--signal=HUP", "x"], false);
        assert_eq!(signal(&[killall]), Some(("killall".into(), Some("HUP".into()))));
        assert_eq!(signal(&[call(&["pkill", "-s", "0", "x"], false)]), Some(("pkill".into(), None)));
        // not first, conditional, followed by another, or only listing: nothing is inferred
        let ctl = call(&["xctl", "stop"], false);
        assert_eq!(signal(&[ctl, pkill.clone()]), None);
        assert_eq!(signal(&[call(&["kill", "-9", "1"], true)]), None);
        assert_eq!(signal(&[pkill.clone(), call(&["killall", "-9", "x"], false)]), None);
        assert_eq!(signal(&[call(&["kill", "-l"], false)]), None);
    }

    #[test]
    fn ignores_starts_conditions_and_the_daemons_own_arguments() {
        assert_eq!(find(&[call(&["start-stop-daemon", "--start", "--retry", "5"], false)]), None);
        assert_eq!(find(&[call(&["start-stop-daemon", "--stop", "--retry", "5"], true)]), None);
        let e = call(&["start-stop-daemon", "--stop", "--exec", "/bin/x", "--", "--retry", "5"], false);
        assert_eq!(find(&[e]).and_then(|c| c.retry), None);
    }
}
