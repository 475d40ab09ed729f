#![doc = include_str!("../../docs/codes/lint/pidfile_signal_under_supervisor.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::core::file_name::basename;
use crate::openrc::supervisor::Supervisor;
use crate::shell::ast::{self, Command, List, Word, WordPart, WordPartKind};

/// Functions that start, stop or describe the service rather than act on the running daemon.
const LIFECYCLE: &[&str] = &[
    "depend",
    "start",
    "stop",
    "status",
    "start_pre",
    "start_post",
    "stop_pre",
    "stop_post",
    "status_pre",
    "status_post",
];

/// Fires for each command in `reload()` or another extra command that signals a process found
/// through a pidfile, when a supervisor runs the daemon.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let supervisor = cx.supervisor();
    let (why, help) = match supervisor {
        Supervisor::SuperviseDaemon => (
            "`pidfile` is supervise-daemon's own pidfile (OpenRC 0.40 and later), not the daemon's",
            "signal the daemon through its supervisor: `supervise-daemon \"$RC_SVCNAME\" --signal HUP`",
        ),
        Supervisor::S6 => (
            "the daemon runs in the foreground under s6-supervise and nothing writes its pidfile",
            "signal the daemon through s6: `s6-svc -h` on its service directory (OpenRC's s6 `reload` does this)",
        ),
        _ => return,
    };
    let assigned = assignments(cx);
    for (function, def) in cx.functions() {
        let (name, file) = (function.name.as_str(), function.file);
        // A function that also signals through the supervisor branches on it (`if [ -n
        // "$supervisor" ]; then $supervisor … --signal HUP; else start-stop-daemon …`).
        if LIFECYCLE.contains(&name) || reaches_supervisor(def) {
            continue;
        }
        ast::walk_command(&def.body, &mut |c| {
            if let Command::Simple(sc) = c {
                if signals_through_pidfile(&sc.words, &assigned) {
                    out.push(cx.finding(
                        file,
                        LintError::PidfileSignalUnderSupervisor {
                            function: name.to_string(),
                            supervisor: supervisor.name().to_string(),
                            why: why.to_string(),
                            span: sc.span.into(),
                            help: help.to_string(),
                        },
                    ));
                }
            }
        });
    }
}

/// Whether a function runs `supervise-daemon`, `$supervisor` or `s6-svc`.
fn reaches_supervisor(def: &ast::FunctionDef) -> bool {
    let mut found = false;
    ast::walk_command(&def.body, &mut |c| {
        if let Command::Simple(sc) = c {
            let Some(first) = sc.words.first() else { return };
            let by_variable = matches!(first.parts.as_slice(), [p] if matches!(&p.kind, WordPartKind::Param(pe) if pe.name == "supervisor"))
                || matches!(first.parts.as_slice(), [p] if matches!(&p.kind, WordPartKind::DoubleQuoted(inner) if matches!(inner.as_slice(), [q] if matches!(&q.kind, WordPartKind::Param(pe) if pe.name == "supervisor"))));
            let by_name = first.static_text().is_some_and(|t| matches!(basename(&t), "supervise-daemon" | "s6-svc"));
            found |= by_variable || by_name;
        }
    });
    found
}

/// Every variable assigned in the service's files, with the values it is given.
fn assignments<'a>(cx: &ServiceContext<'a>) -> Vec<(&'a str, &'a Word)> {
    let mut out = Vec::new();
    for (_, script) in cx.syntax_trees() {
        ast::walk_commands(&script.body, &mut |c| {
            if let Command::Simple(sc) = c {
                for a in &sc.assignments {
                    if let ast::AssignValue::Word(w) = &a.value {
                        out.push((a.name.as_str(), w));
                    }
                }
            }
        });
    }
    out
}

/// `start-stop-daemon --signal … --pidfile …`, `kill … $(cat …pid…)`, `pkill -F …`.
fn signals_through_pidfile(words: &[Word], assigned: &[(&str, &Word)]) -> bool {
    let Some(name) = words.first().and_then(Word::static_text) else { return false };
    let base = basename(&name);
    let args = &words[1..];
    let flag = |w: &Word, long: &str, short: &str| {
        w.static_text().is_some_and(|t| t == long || t.starts_with(&format!("{long}=")) || t == short)
    };
    match base {
        "start-stop-daemon" => {
            let signals = args.iter().any(|w| flag(w, "--signal", "-s"));
            let by_pidfile = args.iter().any(|w| flag(w, "--pidfile", "-p"));
            signals && by_pidfile
        }
        "kill" => args.iter().any(|w| mentions_pidfile(w, assigned, true)),
        "pkill" | "pgrep" => args.iter().any(|w| flag(w, "--pidfile", "-F")),
        _ => false,
    }
}

/// Whether a word reads a pidfile: `$pidfile`, `$(cat /run/x.pid)`, `` `cat $PIDFILE` ``, or a
/// variable (`$pid`) the files assign from one (`pid=$(cat "$pidfile")`; followed once, when
/// `follow`). A variable named for a pid that nothing assigns (systemd's `$MAINPID`) is not.
fn mentions_pidfile(w: &Word, assigned: &[(&str, &Word)], follow: bool) -> bool {
    fn parts(ps: &[WordPart], assigned: &[(&str, &Word)], follow: bool) -> bool {
        ps.iter().any(|p| match &p.kind {
            WordPartKind::Param(pe) => {
                let lower = pe.name.to_ascii_lowercase();
                lower.contains("pidfile")
                    || lower.contains("pid_file")
                    || (follow
                        && lower.contains("pid")
                        && assigned.iter().any(|(n, v)| *n == pe.name && mentions_pidfile(v, assigned, false)))
            }
            WordPartKind::Literal(t) | WordPartKind::Quoted(t) => t.contains(".pid"),
            WordPartKind::DoubleQuoted(inner) => parts(inner, assigned, follow),
            WordPartKind::CommandSubst(list) => list_mentions(list, assigned, follow),
            WordPartKind::Backquoted(raw) => raw.to_ascii_lowercase().contains("pid"),
            _ => false,
        })
    }
    fn list_mentions(list: &List, assigned: &[(&str, &Word)], follow: bool) -> bool {
        let mut found = false;
        ast::walk_commands(list, &mut |c| {
            if let Command::Simple(sc) = c {
                found |= sc.words.iter().any(|w| mentions_pidfile(w, assigned, follow))
                    || sc.redirects.iter().any(
                        |r| matches!(&r.kind, ast::RedirectKind::File(_, w) if mentions_pidfile(w, assigned, follow)),
                    );
            }
        });
        found
    }
    parts(&w.parts, assigned, follow)
}
