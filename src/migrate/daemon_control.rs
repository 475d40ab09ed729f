//! Step 2: commands that control the daemon behind s6's back. In `stop()` (and what it calls),
//! start-stop-daemon's `--stop`, or a pidfile `kill`/`pkill -F` with a signal that ends the
//! daemon, becomes `default_stop`; elsewhere a signal sent through the pidfile becomes `s6-svc`
//! on the service; starting or stopping it any other way is refused.

use crate::core::source::Span;
use crate::model::function_table::S6_STOPS;
use crate::model::normalize_signal;
use crate::shell::ast::{Command, SimpleCommand, Word, WordPart, WordPartKind, walk_command, walk_commands};

use super::Subject;
use super::edit::Rewriter;
use super::error::MigrateError;
use crate::core::file_name::basename;

/// `s6-svc` flags for the signals s6 2.11's s6-svc can send.
const S6_SVC_SIGNALS: &[(&str, &str)] = &[
    ("SIGHUP", "-h"),
    ("SIGALRM", "-a"),
    ("SIGABRT", "-b"),
    ("SIGQUIT", "-q"),
    ("SIGKILL", "-k"),
    ("SIGTERM", "-t"),
    ("SIGINT", "-i"),
    ("SIGUSR1", "-1"),
    ("SIGUSR2", "-2"),
    ("SIGSTOP", "-p"),
    ("SIGCONT", "-c"),
    ("SIGWINCH", "-y"),
];

/// What a command does to the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Control {
    /// Starts it (start-stop-daemon or supervise-daemon `--start`).
    Start,
    /// Stops it, optionally with a signal (`None` inside: the signal is not literal).
    Stop { signal: Option<Option<String>> },
    /// Sends it a signal (`None`: not literal).
    Signal { signal: Option<String> },
}

/// Rewrites every command of the script's functions that controls the daemon (except the launch
/// step 1 replaced), and refuses a `stop()` that then still does not stop it through s6.
pub fn rewrite(cx: &Subject, rw: &mut Rewriter, launch: Option<Span>) {
    let down_signal = cx
        .dir
        .file("down-signal")
        .and_then(|f| normalize_signal(f.contents.trim()))
        .unwrap_or_else(|| "SIGTERM".to_string());
    let stop_context = cx.analysis.functions.reachable("stop", cx.analysis.script_id());
    let mut stop_through_s6 = false;
    for (def, syntax) in &cx.functions {
        let in_stop = stop_context.contains(&def.name);
        walk_command(&syntax.body, &mut |c| {
            let Command::Simple(sc) = c else { return };
            if Some(sc.span) == launch {
                return;
            }
            let Some(name) = sc.words.first().and_then(Word::static_text) else { return };
            if in_stop && S6_STOPS.contains(&name.as_str()) {
                stop_through_s6 = true;
            }
            if let Some(control) = daemon_control(sc, &name) {
                stop_through_s6 |= rewrite_command(cx, rw, sc, control, in_stop, &down_signal);
            }
        });
    }
    if let Some((stop, _)) = cx.function("stop") {
        if !stop_through_s6 {
            rw.refuse(MigrateError::StopBypassesS6 { span: stop.name_span.into() });
        }
    }
}

/// Rewrites one command that controls the daemon; whether it now stops the daemon through s6.
fn rewrite_command(
    cx: &Subject,
    rw: &mut Rewriter,
    sc: &SimpleCommand,
    control: Control,
    in_stop: bool,
    down_signal: &str,
) -> bool {
    // In stop(), signalling the daemon through its pidfile with a signal that ends it is stop()'s
    // way of stopping it: that is what default_stop does under s6.
    let control = match control {
        Control::Signal { signal: Some(s) } if in_stop && stops_daemon(&s, down_signal) => {
            Control::Stop { signal: Some(Some(s)) }
        }
        c => c,
    };
    match control {
        Control::Stop { signal } if in_stop => {
            if let Some(sig) = signal.and_then(|s| s.and_then(|s| normalize_signal(&s))) {
                if sig != down_signal {
                    rw.refuse(MigrateError::StopSignalDiffers {
                        signal: sig,
                        down_signal: down_signal.to_string(),
                        span: sc.span.into(),
                    });
                }
            }
            rw.replace(sc.span, "default_stop");
            return true;
        }
        Control::Signal { signal } => signal_through_s6(cx, rw, sc, signal),
        Control::Stop { .. } | Control::Start => {
            rw.refuse(MigrateError::DaemonControlledOutsideS6 { span: sc.span.into() })
        }
    }
    false
}

/// A signal sent through the pidfile becomes `s6-svc` on the service, keeping the redirections.
fn signal_through_s6(cx: &Subject, rw: &mut Rewriter, sc: &SimpleCommand, signal: Option<String>) {
    let service_ref = cx.service_ref.as_str();
    let Some(sig) = signal.as_deref().and_then(normalize_signal) else {
        rw.refuse(MigrateError::SignalUnknown { span: sc.span.into() });
        return;
    };
    match S6_SVC_SIGNALS.iter().find(|(s, _)| *s == sig) {
        Some((_, flag)) => {
            let mut insert = format!("s6-svc {flag} {service_ref}");
            for r in &sc.redirects {
                insert.push(' ');
                insert.push_str(&rw.text[r.span.start..r.span.end]);
            }
            rw.replace(sc.span, insert);
        }
        None => rw.refuse(MigrateError::SignalNotSendable {
            name: sig.trim_start_matches("SIG").to_string(),
            signal: sig,
            service: service_ref.to_string(),
            span: sc.span.into(),
        }),
    }
}

/// Recognises start-stop-daemon/supervise-daemon calls and `kill`/`pkill` of the pidfile.
fn daemon_control(sc: &SimpleCommand, name: &str) -> Option<Control> {
    let base = basename(name);
    let words: Vec<Option<String>> = sc.words.iter().skip(1).map(Word::static_text).collect();
    match base {
        "start-stop-daemon" | "supervise-daemon" => daemon_tool_control(&words),
        "kill" | "pkill" => {
            let targets_pidfile = if base == "pkill" {
                words.iter().any(|w| matches!(w.as_deref(), Some("-F") | Some("--pidfile")))
            } else {
                sc.words.iter().skip(1).any(reads_pidfile)
            };
            if targets_pidfile { kill_signal(&words).map(|signal| Control::Signal { signal }) } else { None }
        }
        _ => None,
    }
}

/// What a start-stop-daemon or supervise-daemon call with these arguments does to the daemon.
fn daemon_tool_control(words: &[Option<String>]) -> Option<Control> {
    let mut start = false;
    let mut stop = false;
    let mut signal: Option<Option<String>> = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_deref().unwrap_or("");
        match w {
            "--" => break,
            "--start" | "-S" => start = true,
            "--stop" | "-K" => stop = true,
            "--signal" | "-s" => {
                signal = Some(words.get(i + 1).cloned().flatten());
                i += 1;
            }
            _ if w.starts_with("--signal=") => signal = Some(Some(w["--signal=".len()..].to_string())),
            _ if w.starts_with("-s") && w.len() > 2 && !w.starts_with("--") => signal = Some(Some(w[2..].to_string())),
            _ if w.starts_with('-') && !w.starts_with("--") && w.len() > 1 => {
                let flags = &w[1..];
                if flags.chars().all(|c| c.is_ascii_alphabetic()) {
                    start |= flags.contains('S');
                    stop |= flags.contains('K');
                }
            }
            _ => {}
        }
        i += 1;
    }
    if start {
        Some(Control::Start)
    } else if stop {
        Some(Control::Stop { signal })
    } else {
        signal.map(|s| Control::Signal { signal: s })
    }
}

/// The signal `kill`/`pkill` with these arguments sends (`Some(None)`: not literal); `None` for
/// `kill -0`, which only asks whether the process exists.
fn kill_signal(words: &[Option<String>]) -> Option<Option<String>> {
    let mut signal: Option<String> = Some("TERM".into());
    let mut i = 0;
    while i < words.len() {
        match words[i].as_deref() {
            Some("-s") | Some("--signal") => {
                signal = words.get(i + 1).cloned().flatten();
                i += 1;
            }
            Some("-0") => return None,
            Some(w) if w.starts_with('-') && w.len() > 1 && w != "-F" && w != "--pidfile" => {
                signal = Some(w[1..].to_string());
            }
            _ => {}
        }
        i += 1;
    }
    Some(signal)
}

/// Whether sending `signal` stops the daemon: the service directory's down-signal, or a signal
/// daemons end on (TERM, INT, QUIT, KILL). HUP, USR1 and the like ask it to do something else.
fn stops_daemon(signal: &str, down_signal: &str) -> bool {
    normalize_signal(signal)
        .is_some_and(|s| s == down_signal || matches!(s.as_str(), "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGKILL"))
}

/// Whether a word reads a pid from a file: `$(cat …)` or `` `cat …` ``.
fn reads_pidfile(w: &Word) -> bool {
    fn any(parts: &[WordPart]) -> bool {
        parts.iter().any(|p| match &p.kind {
            WordPartKind::DoubleQuoted(inner) => any(inner),
            WordPartKind::CommandSubst(list) => {
                let mut cat = false;
                walk_commands(list, &mut |c| {
                    if let Command::Simple(sc) = c {
                        cat |= sc.words.first().and_then(Word::static_text).as_deref() == Some("cat");
                    }
                });
                cat
            }
            WordPartKind::Backquoted(raw) => raw.trim_start().starts_with("cat "),
            _ => false,
        })
    }
    any(&w.parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(line: &str) -> Option<Control> {
        let script = crate::shell::parse::parse_script(line).script.unwrap();
        let mut found = None;
        walk_commands(&script.body, &mut |c| {
            if let (Command::Simple(sc), None) = (c, &found) {
                found = Some(daemon_control(sc, &sc.words[0].static_text().unwrap()));
            }
        });
        found.flatten()
    }

    #[test]
    fn commands_that_control_the_daemon() {
        let stop = |s: Option<&str>| Some(Control::Stop { signal: Some(s.map(str::to_string)) });
        let signal = |s: Option<&str>| Some(Control::Signal { signal: s.map(str::to_string) });
        assert_eq!(control("start-stop-daemon -S -x /bin/d"), Some(Control::Start));
        assert_eq!(control("start-stop-daemon --stop -p /run/d.pid"), Some(Control::Stop { signal: None }));
        assert_eq!(control("start-stop-daemon -K -s HUP -p /run/d.pid"), stop(Some("HUP")));
        assert_eq!(control("start-stop-daemon -K --signal $sig"), stop(None));
        assert_eq!(control("supervise-daemon d --signal=USR1"), signal(Some("USR1")));
        assert_eq!(control("kill -HUP $(cat /run/d.pid)"), signal(Some("HUP")));
        assert_eq!(control("kill `cat /run/d.pid`"), signal(Some("TERM")));
        assert_eq!(control("kill -0 $(cat /run/d.pid)"), None);
        assert_eq!(control("kill -HUP 1"), None);
        assert_eq!(control("pkill -s $sig -F /run/d.pid"), signal(None));
    }

    #[test]
    fn signals_that_end_the_daemon() {
        assert!(stops_daemon("TERM", "SIGHUP") && stops_daemon("HUP", "SIGHUP"));
        assert!(!stops_daemon("USR1", "SIGTERM"));
    }
}
