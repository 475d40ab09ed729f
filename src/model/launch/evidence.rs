//! Signs that a script runs a daemon even where rc2s6 finds no launch it can compile: a control
//! program started here and stopped in stop(), a pidfile, a stop() that kills something, or a
//! call of start-stop-daemon or supervise-daemon anywhere.

use super::super::trace::{self, StartEvent, StopRun};
use crate::core::file_name::basename;
use crate::eval::interpreter::Interpreter;
use crate::eval::value::Loc;
use crate::shell::ast::{AssignValue, Command, Word, WordPart, WordPartKind, walk_command};

/// Why start() probably leaves a daemon running, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftRunning {
    /// In words.
    pub why: String,
    /// The command that starts it.
    pub at: Loc,
    /// The control program's own command line (`pg_ctl start -D …` out of `su -c "…"`), when
    /// a control program starts it.
    pub control: Option<Vec<String>>,
}

/// A command a traced function runs, by the base name of its program.
struct Ran {
    name: String,
    words: Vec<String>,
    at: Loc,
}

/// The commands among what a function did.
fn commands(events: &[StartEvent]) -> Vec<Ran> {
    events
        .iter()
        .filter_map(|e| match e {
            StartEvent::Command { name, words, loc, .. } => {
                Some(Ran { name: basename(name).to_string(), words: words.clone(), at: *loc })
            }
            StartEvent::Launch { words, loc, .. } => Some(Ran {
                name: basename(words.first().map(String::as_str).unwrap_or("")).to_string(),
                words: words.clone(),
                at: *loc,
            }),
            _ => None,
        })
        .collect()
}

/// Why a start() without a recognisable launch probably leaves a daemon running (so it is not a
/// oneshot): a control program run with `start` here and `stop` in stop() (`postfix start`), a
/// pidfile, or a stop() that kills something.
/// `stop()` is the one traced before (`stop_run`) when that run is this one.
pub fn left_running(
    interp: &Interpreter,
    start_events: &[StartEvent],
    stop_run: Option<&StopRun>,
) -> Option<LeftRunning> {
    let stopped = match stop_run.and_then(|r| r.events_for(interp)) {
        Some(events) => commands(events),
        None => commands(&trace::trace(interp, "stop", trace::Touches::Skip).map(|t| t.events).unwrap_or_default()),
    };
    let started = commands(start_events);
    // `su postgres -c "pg_ctl start"` counts too: look at the words inside the arguments.
    let has = |words: &[String], w: &str| words.iter().any(|x| x.split_whitespace().any(|y| y == w));
    for ran in &started {
        if has(&ran.words, "start") && stopped.iter().any(|s| s.name == ran.name && has(&s.words, "stop")) {
            let why = format!("start() runs {}, a control program that leaves a daemon running", control_call(ran));
            return Some(LeftRunning { why, at: ran.at, control: Some(control_argv(ran)) });
        }
    }
    let first = started.first().map(|c| c.at)?;
    if interp.env.get("pidfile").is_some_and(|v| !v.value.text.is_empty()) {
        let why =
            "start() leaves a daemon running: the script sets `pidfile`, but rc2s6 finds no launch it can compile";
        return Some(LeftRunning { why: why.into(), at: first, control: None });
    }
    let killer =
        stopped.iter().find(|s| matches!(s.name.as_str(), "kill" | "killall" | "pkill" | "start-stop-daemon"))?;
    Some(LeftRunning {
        why: format!("start() leaves a daemon running: stop() ends it with `{}`", killer.name),
        at: first,
        control: None,
    })
}

/// The control program's command line: the command's own words, or, when `start` is inside one
/// of them (`su postgres -c "pg_ctl start -D …"`), that word's words from the one before `start`.
fn control_argv(ran: &Ran) -> Vec<String> {
    if ran.words.iter().skip(1).any(|w| w == "start") {
        return ran.words.clone();
    }
    let inner = ran.words.iter().skip(1).find_map(|w| {
        let tokens: Vec<&str> = w.split_whitespace().collect();
        let at = tokens.iter().position(|t| *t == "start")?.checked_sub(1)?;
        Some(tokens[at..].iter().map(|t| t.to_string()).collect())
    });
    inner.unwrap_or_else(|| ran.words.clone())
}

/// The control program's call as the script says it: `pg_ctl start` inside `su -c "…"`, and a
/// program only known at run time (`"$svc" start`) as such.
fn control_call(ran: &Ran) -> String {
    let inner = ran.words.iter().skip(1).filter(|w| *w != "start").find_map(|w| {
        let tokens: Vec<&str> = w.split_whitespace().collect();
        let at = tokens.iter().position(|t| *t == "start")?;
        Some(at.checked_sub(1).map(|i| basename(tokens[i])).unwrap_or("…").to_string())
    });
    let name = &ran.name;
    match inner {
        _ if name.is_empty() => "a program only known at run time with `start`".to_string(),
        Some(inner) => format!("`{name} … {inner} start`"),
        None => format!("`{name} start`"),
    }
}

/// Whether any word in the script's functions mentions a `.pid` file. A word all of whose parts
/// are text is looked at whole (the name may run across its quotes), any other in its text
/// parts; the walk stops looking at the first mention.
pub fn mentions_pidfile(interp: &Interpreter) -> bool {
    let mut found = false;
    for f in interp.functions.values() {
        walk_command(&f.def.body, &mut |c| {
            let Command::Simple(sc) = c else { return };
            if found {
                return;
            }
            let mut words = sc.words.iter().chain(sc.assignments.iter().filter_map(|a| match &a.value {
                AssignValue::Word(w) => Some(w),
                _ => None,
            }));
            // The text parts of a word all text are within the whole: a look at them too
            // would find nothing more.
            found = words.any(|w| match w.static_str() {
                Some(t) => mentions_pid(&t),
                None => word_text_contains(w),
            });
        });
        if found {
            break;
        }
    }
    found
}

/// Whether the literal parts of a word contain `.pid`.
fn word_text_contains(w: &Word) -> bool {
    fn walk(parts: &[WordPart]) -> bool {
        parts.iter().any(|p| match &p.kind {
            WordPartKind::Literal(s) | WordPartKind::Quoted(s) => mentions_pid(s),
            WordPartKind::DoubleQuoted(inner) => walk(inner),
            _ => false,
        })
    }
    walk(&w.parts)
}

/// `text.contains(".pid")`, looked for at each `.`: a word is a few bytes, and the substring
/// search set itself up for each one.
fn mentions_pid(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(3)).any(|i| b[i] == b'.' && b[i + 1] == b'p' && b[i + 2] == b'i' && b[i + 3] == b'd')
}

/// Whether any function of the script calls start-stop-daemon or supervise-daemon, which marks a
/// daemon script even when its start() is not recognised.
pub fn mentions_daemon_tools(interp: &Interpreter) -> bool {
    let mut found = false;
    for f in interp.functions.values() {
        if found {
            break;
        }
        walk_command(&f.def.body, &mut |c| {
            if let (false, Command::Simple(sc)) = (found, c) {
                if let Some(name) = sc.words.first().and_then(|w| w.static_str()) {
                    // `basename(name) == tool`, without searching the name for its last `/`.
                    let is =
                        |tool: &str| name.strip_suffix(tool).is_some_and(|dir| dir.is_empty() || dir.ends_with('/'));
                    found |= is("start-stop-daemon") || is("supervise-daemon");
                }
            }
        });
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pid_mention_is_what_contains_finds() {
        for t in [
            "",
            ".",
            ".pi",
            ".pid",
            "x.pid",
            "/run/d.pidfile",
            "..pid",
            ".p.pid",
            "pid",
            ". pid",
            ".PID",
            "é.pid",
            ".pi.d",
        ] {
            assert_eq!(super::mentions_pid(t), t.contains(".pid"), "{t:?}");
        }
    }
}
