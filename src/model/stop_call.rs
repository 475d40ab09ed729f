//! The `start-stop-daemon --stop` call of a script's own `stop()`: its `--retry` schedule and
//! `--signal` are how OpenRC stops the daemon, and the service directory keeps them when no
//! `retry`/`stopsig` variable says otherwise.

use super::trace::StartEvent;
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
}

/// The first start-stop-daemon call with `--stop` that `stop()` always makes; `None` when there
/// is none, or when it is made only under a condition rc2s6 cannot decide.
pub fn find(events: &[StartEvent]) -> Option<StopCall> {
    events.iter().find_map(|e| {
        let StartEvent::Command { name, loc, condition, words, uncertain, .. } = e else { return None };
        if name.rsplit('/').next() != Some("start-stop-daemon") {
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
        Some(StopCall { retry: value("--retry", "-R"), signal: value("--signal", "-s"), loc: *loc })
    })
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
    fn ignores_starts_conditions_and_the_daemons_own_arguments() {
        assert_eq!(find(&[call(&["start-stop-daemon", "--start", "--retry", "5"], false)]), None);
        assert_eq!(find(&[call(&["start-stop-daemon", "--stop", "--retry", "5"], true)]), None);
        let e = call(&["start-stop-daemon", "--stop", "--exec", "/bin/x", "--", "--retry", "5"], false);
        assert_eq!(find(&[e]).and_then(|c| c.retry), None);
    }
}
