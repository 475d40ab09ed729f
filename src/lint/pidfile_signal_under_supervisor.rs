#![doc = include_str!("../../docs/codes/lint/pidfile_signal_under_supervisor.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
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
    for (function, def) in cx.functions() {
        let (name, file) = (function.name.as_str(), function.file);
        // A function that also signals through the supervisor branches on it (`if [ -n
        // "$supervisor" ]; then $supervisor … --signal HUP; else start-stop-daemon …`).
        if LIFECYCLE.contains(&name) || reaches_supervisor(def) {
            continue;
        }
        ast::walk_command(&def.body, &mut |c| {
            if let Command::Simple(sc) = c {
                if signals_through_pidfile(&sc.words) {
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
            let by_name = first
                .static_text()
                .is_some_and(|t| matches!(t.rsplit('/').next(), Some("supervise-daemon" | "s6-svc")));
            found |= by_variable || by_name;
        }
    });
    found
}

/// `start-stop-daemon --signal … --pidfile …`, `kill … $(cat …pid…)`, `pkill -F …`.
fn signals_through_pidfile(words: &[Word]) -> bool {
    let Some(name) = words.first().and_then(Word::static_text) else { return false };
    let base = name.rsplit('/').next().unwrap_or(&name);
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
        "kill" => args.iter().any(mentions_pidfile),
        "pkill" | "pgrep" => args.iter().any(|w| flag(w, "--pidfile", "-F")),
        _ => false,
    }
}

/// Whether a word reads a pidfile: `$pidfile`, `$(cat /run/x.pid)`, `` `cat $PIDFILE` ``.
fn mentions_pidfile(w: &Word) -> bool {
    fn parts(ps: &[WordPart]) -> bool {
        ps.iter().any(|p| match &p.kind {
            WordPartKind::Param(pe) => pe.name.to_ascii_lowercase().contains("pid"),
            WordPartKind::Literal(t) | WordPartKind::Quoted(t) => t.contains(".pid"),
            WordPartKind::DoubleQuoted(inner) => parts(inner),
            WordPartKind::CommandSubst(list) => list_mentions(list),
            WordPartKind::Backquoted(raw) => raw.to_ascii_lowercase().contains("pid"),
            _ => false,
        })
    }
    fn list_mentions(list: &List) -> bool {
        let mut found = false;
        ast::walk_commands(list, &mut |c| {
            if let Command::Simple(sc) = c {
                found |= sc.words.iter().any(mentions_pidfile)
                    || sc
                        .redirects
                        .iter()
                        .any(|r| matches!(&r.kind, ast::RedirectKind::File(_, w) if mentions_pidfile(w)));
            }
        });
        found
    }
    parts(&w.parts)
}
