//! How the daemon is started: OpenRC's backend from `command`, or a call in a custom `start()`
//! (start-stop-daemon, supervise-daemon, or the daemon run directly) — and telling a oneshot from
//! a script that leaves a daemon running some way rc2s6 cannot follow.

use super::daemon_builder::Launch;
use super::error::{ModelDiagnostic, ModelError};
use super::service::{Decision, Service};
use super::start_pre;
use super::trace::{self, LaunchProgram, StartEvent, Trace};
use crate::eval::expand;
use crate::eval::interpreter::Interpreter;
use crate::eval::value::Loc;

/// How the daemon is launched: `Ok(None)` for a oneshot, `Err` when not convertible.
/// `ulimit`, `umask` and `cd` that start() runs before the launch: (name, arguments, where,
/// conditional). start-stop-daemon's child inherits them from openrc-run's shell.
pub type ShellSettings = Vec<(String, Vec<String>, Loc, bool)>;

pub fn find_launch(
    interp: &mut Interpreter,
    start_trace: Option<Trace>,
    service: &mut Service,
    shell: &mut ShellSettings,
) -> Result<Option<Launch>, ()> {
    let command_set = interp.env.get("command").is_some_and(|v| !v.value.text.is_empty() || v.value.is_unknowable());
    let Some(start) = interp.functions.get("start").cloned() else {
        return Ok(command_set.then_some(Launch::Declarative));
    };
    let start_loc = Loc { file: start.file, span: start.def.name_span };
    // Traced from the same state as `interp` holds: start() is defined, so it was traced.
    let Some(trace) = start_trace else { return Ok(None) };
    interp.take_gave_up(&trace.diagnostics);
    let mut events = trace.events;
    let is_launch = |e: &StartEvent| matches!(e, StartEvent::Launch { .. } | StartEvent::DefaultStart { .. });
    let fail = |service: &mut Service, why: String, loc: Loc, help: &str| {
        service.diagnostics.push(ModelDiagnostic {
            file: loc.file,
            error: ModelError::CustomStart { why, span: loc.span.into(), help: help.into() },
        });
        Err(())
    };
    let mut daemonish = command_set || mentions_daemon_tools(interp);
    let leaves = if daemonish || events.iter().any(is_launch) { None } else { leaves_daemon(interp, &events) };
    // Scripts that track a pidfile or kill in stop() run a daemon even without the usual calls.
    let evidence = daemonish || leaves.is_some() || mentions_pidfile(interp);
    if evidence && !events.iter().any(is_launch) {
        // A plain call of the daemon: the one command named like the service, like `command`,
        // or like the program stop() stops.
        let names = daemon_names(interp, &service.name);
        let found: Vec<usize> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, StartEvent::Command { name, .. } if names.iter().any(|n| n == basename(name))))
            .map(|(i, _)| i)
            .collect();
        if let [i] = found.as_slice() {
            if let StartEvent::Command { loc, conditional, words, uncertain, background, .. } = events[*i].clone() {
                events[*i] = StartEvent::Launch {
                    program: LaunchProgram::Direct,
                    words,
                    uncertain,
                    loc,
                    conditional,
                    background,
                };
                daemonish = true;
            }
        }
    }
    let launch_idx: Vec<usize> = events.iter().enumerate().filter(|(_, e)| is_launch(e)).map(|(i, _)| i).collect();
    match launch_idx.as_slice() {
        [] if !evidence => Ok(None),
        [] if !daemonish => {
            let (why, loc) = leaves.unwrap_or_else(|| {
                ("start() runs no launch rc2s6 can compile, yet the script refers to a pidfile: a daemon is probably left running".into(), start_loc)
            });
            fail(
                service,
                why,
                loc,
                "rc2s6 cannot tell which process to supervise; start the daemon itself in the foreground with `command`/`command_args`",
            )
        }
        [] => fail(
            service,
            "no start-stop-daemon, supervise-daemon or `$command` call found".into(),
            start_loc,
            "start the daemon with `start-stop-daemon --start --exec … -- args`, or remove start() and set `command`/`command_args`",
        ),
        [i] => {
            let i = *i;
            for e in &events[..i] {
                if let StartEvent::ShellSetting { name, args, loc, conditional } = e {
                    shell.push((name.clone(), args.clone(), *loc, *conditional));
                }
            }
            // A check that fails with the files given: OpenRC would refuse to start as they are.
            if let Some(StartEvent::Failure { loc, .. }) =
                events[..i].iter().find(|e| matches!(e, StartEvent::Failure { certain: true, .. }))
            {
                service
                    .diagnostics
                    .push(ModelDiagnostic { file: loc.file, error: ModelError::StartFails { span: loc.span.into() } });
            }
            let pidfile = interp.env.get("pidfile").map(|v| v.value.text.clone()).filter(|p| !p.is_empty());
            for e in &events[i + 1..] {
                if let StartEvent::Command { name, loc, words, .. } = e {
                    // Under s6 there is no pidfile: a command after the launch that reads it breaks.
                    if let Some(p) = &pidfile {
                        if words.iter().any(|w| w.contains(p.as_str())) {
                            return fail(
                                service,
                                format!("runs `{name}` on the pidfile after starting the daemon"),
                                *loc,
                                "under s6 the daemon has no pidfile; use `s6-svstat` or readiness notification instead",
                            );
                        }
                    }
                    service.decisions.push(Decision {
                        topic: "launch".into(),
                        choice: format!(
                            "`{name}` runs after the daemon starts; it stays in start() after default_start"
                        ),
                        loc: Some(*loc),
                    });
                }
            }
            match &events[i] {
                StartEvent::DefaultStart { conditional: false, env, .. } => {
                    // The backend reads the daemon's variables as start() left them.
                    start_pre::apply_changes("start", &mut interp.env, env, start.file, service);
                    service.decisions.push(Decision {
                        topic: "launch".into(),
                        choice: "start() wraps default_start: compiled from command and friends".into(),
                        loc: Some(start_loc),
                    });
                    let command_set =
                        interp.env.get("command").is_some_and(|v| !v.value.text.is_empty() || v.value.is_unknowable());
                    Ok(command_set.then_some(Launch::Declarative))
                }
                StartEvent::Launch { conditional: false, program, words, uncertain, loc, background } => {
                    service.custom_launch = Some(*loc);
                    Ok(Some(Launch::Call {
                        program: *program,
                        words: words.clone(),
                        uncertain: uncertain.clone(),
                        loc: *loc,
                        background: *background,
                    }))
                }
                StartEvent::Launch { loc, .. } | StartEvent::DefaultStart { loc, .. } => fail(
                    service,
                    "the daemon is started only under a condition rc2s6 cannot decide".into(),
                    *loc,
                    "start the daemon unconditionally; move the checks into start_pre() and make it fail when they do",
                ),
                StartEvent::Command { .. } | StartEvent::Failure { .. } | StartEvent::ShellSetting { .. } => {
                    unreachable!("filtered to launches")
                }
            }
        }
        many => {
            let loc = match &events[many[1]] {
                StartEvent::Launch { loc, .. }
                | StartEvent::DefaultStart { loc, .. }
                | StartEvent::Command { loc, .. }
                | StartEvent::ShellSetting { loc, .. }
                | StartEvent::Failure { loc, .. } => *loc,
            };
            fail(
                service,
                format!("{} daemon launches found", many.len()),
                loc,
                "an s6 service directory runs one daemon: split the script into one service per daemon",
            )
        }
    }
}

/// Why a start() without a recognisable launch probably leaves a daemon running (so it is not a
/// oneshot): a control program run with `start` here and `stop` in stop() (`postfix start`), a
/// pidfile, or a stop() that kills something.
fn leaves_daemon(interp: &Interpreter, start_events: &[StartEvent]) -> Option<(String, Loc)> {
    let stop_events = trace::trace(interp, "stop").map(|t| t.events).unwrap_or_default();
    let commands = |events: &[StartEvent]| -> Vec<(String, Vec<String>, Loc)> {
        events
            .iter()
            .filter_map(|e| match e {
                StartEvent::Command { name, words, loc, .. } => Some((basename(name).to_string(), words.clone(), *loc)),
                StartEvent::Launch { words, loc, .. } => {
                    Some((basename(words.first().map(String::as_str).unwrap_or("")).to_string(), words.clone(), *loc))
                }
                _ => None,
            })
            .collect()
    };
    let started = commands(start_events);
    let stopped = commands(&stop_events);
    // `su postgres -c "pg_ctl start"` counts too: look at the words inside the arguments.
    let has = |words: &[String], w: &str| words.iter().any(|x| x.split_whitespace().any(|y| y == w));
    for (name, words, loc) in &started {
        if has(words, "start") && stopped.iter().any(|(n, w, _)| n == name && has(w, "stop")) {
            // Name what runs as the script says it: `pg_ctl start` inside `su -c "…"`, and a
            // program only known at run time (`"$svc" start`) as such.
            let inner = words.iter().skip(1).filter(|w| *w != "start").find_map(|w| {
                let tokens: Vec<&str> = w.split_whitespace().collect();
                let at = tokens.iter().position(|t| *t == "start")?;
                Some(at.checked_sub(1).map(|i| basename(tokens[i])).unwrap_or("…").to_string())
            });
            let call = match inner {
                _ if name.is_empty() => "a program only known at run time with `start`".to_string(),
                Some(inner) => format!("`{name} … {inner} start`"),
                None => format!("`{name} start`"),
            };
            return Some((format!("start() runs {call}, a control program that leaves a daemon running"), *loc));
        }
    }
    let first = started.first().map(|c| c.2)?;
    if interp.env.get("pidfile").is_some_and(|v| !v.value.text.is_empty()) {
        return Some((
            "start() leaves a daemon running: the script sets `pidfile`, but rc2s6 finds no launch it can compile"
                .into(),
            first,
        ));
    }
    if let Some((name, _, _)) =
        stopped.iter().find(|(n, _, _)| matches!(n.as_str(), "kill" | "killall" | "pkill" | "start-stop-daemon"))
    {
        return Some((format!("start() leaves a daemon running: stop() ends it with `{name}`"), first));
    }
    None
}

/// Whether any word in the script's functions mentions a `.pid` file.
fn mentions_pidfile(interp: &Interpreter) -> bool {
    let mut found = false;
    for f in interp.functions.values() {
        crate::shell::ast::walk_command(&f.def.body, &mut |c| {
            if let crate::shell::ast::Command::Simple(sc) = c {
                let words = sc.words.iter().chain(sc.assignments.iter().filter_map(|a| match &a.value {
                    crate::shell::ast::AssignValue::Word(w) => Some(w),
                    _ => None,
                }));
                for w in words {
                    if w.static_text().is_some_and(|t| t.contains(".pid")) || word_text_contains(w, ".pid") {
                        found = true;
                    }
                }
            }
        });
    }
    found
}

/// Whether the literal parts of a word contain `needle`.
fn word_text_contains(w: &crate::shell::ast::Word, needle: &str) -> bool {
    use crate::shell::ast::WordPartKind;
    fn walk(parts: &[crate::shell::ast::WordPart], needle: &str) -> bool {
        parts.iter().any(|p| match &p.kind {
            WordPartKind::Literal(s) | WordPartKind::Quoted(s) => s.contains(needle),
            WordPartKind::DoubleQuoted(inner) => walk(inner, needle),
            _ => false,
        })
    }
    walk(&w.parts, needle)
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Names the daemon may go by: the service name, `command`, and what `start-stop-daemon --stop`
/// is told to stop (`--exec`, `--name`).
fn daemon_names(interp: &Interpreter, svcname: &str) -> Vec<String> {
    let mut names = vec![svcname.to_string()];
    if let Some((base, _)) = svcname.split_once('.') {
        names.push(base.to_string());
    }
    if let Some(v) = interp.env.get("command") {
        names.push(basename(&v.value.text).to_string());
    }
    let mut env = interp.env.clone();
    for f in interp.functions.values() {
        crate::shell::ast::walk_command(&f.def.body, &mut |c| {
            let crate::shell::ast::Command::Simple(sc) = c else { return };
            let words: Vec<String> =
                sc.words.iter().map(|w| expand::Expander::new(&mut env, f.file).string(w).text).collect();
            if words.first().map(|w| basename(w)) != Some("start-stop-daemon")
                || !words.iter().any(|w| w == "--stop" || w == "-K")
            {
                return;
            }
            for pair in words.windows(2) {
                if matches!(pair[0].as_str(), "--exec" | "-x" | "--name" | "-n") {
                    names.push(basename(&pair[1]).to_string());
                }
            }
            for w in &words {
                if let Some(v) = w.strip_prefix("--exec=").or_else(|| w.strip_prefix("--name=")) {
                    names.push(basename(v).to_string());
                }
            }
        });
    }
    names.retain(|n| !n.is_empty());
    names
}

/// Whether any function of the script calls start-stop-daemon or supervise-daemon, which marks a
/// daemon script even when its start() is not recognised.
pub fn mentions_daemon_tools(interp: &Interpreter) -> bool {
    let mut found = false;
    for f in interp.functions.values() {
        crate::shell::ast::walk_command(&f.def.body, &mut |c| {
            if let crate::shell::ast::Command::Simple(sc) = c {
                if let Some(name) = sc.words.first().and_then(|w| w.static_text()) {
                    let base = name.rsplit('/').next().unwrap_or(&name);
                    found |= base == "start-stop-daemon" || base == "supervise-daemon";
                }
            }
        });
    }
    found
}
