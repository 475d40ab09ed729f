//! How the daemon is started: OpenRC's backend from `command`, or a call in a custom `start()`
//! (start-stop-daemon, supervise-daemon, or the daemon run directly) — and telling a oneshot from
//! a script that leaves a daemon running some way rc2s6 cannot follow.

mod direct_call;
mod evidence;
#[cfg(test)]
mod tests;

use super::daemon;
use super::error::{ModelDiagnostic, ModelError};
use super::service::{Decision, Service};
use super::start_pre;
use super::trace::{CallContext, LaunchProgram, StartEvent, StopRun, Trace};
use super::uncertainty::{Condition, Texts, confd_decides, explain_uncertainty};
use crate::core::source::Span;
use crate::eval::environment::Environment;
use crate::eval::error::{EvalDiagnostic, EvalError};
use crate::eval::interpreter::{Function, Interpreter};
use crate::eval::value::{Loc, Uncertainty};
use crate::openrc::daemon_table::{DaemonTable, Kind};
pub use evidence::mentions_daemon_tools;

/// How the daemon is started.
#[derive(Debug, Clone)]
pub enum Launch {
    /// OpenRC's backend, from `command` and friends.
    Declarative,
    /// A call in a custom `start()`.
    Call {
        /// Which program makes the call.
        program: LaunchProgram,
        /// The expanded words.
        words: Vec<String>,
        /// What makes each word inexact, aligned with `words`.
        uncertain: Vec<Vec<Uncertainty>>,
        /// Where the call is.
        loc: Loc,
        /// Sent to the background with `&`.
        background: bool,
        /// The variables, assignments and redirections the call is made with.
        context: Box<CallContext>,
    },
}

/// `ulimit`, `umask` or `cd` that start() runs before the launch: start-stop-daemon's child
/// inherits them from openrc-run's shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellSetting {
    /// `ulimit`, `umask` or `cd`.
    pub name: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Where it is.
    pub loc: Loc,
    /// Run only under a condition rc2s6 cannot decide.
    pub conditional: bool,
}

/// What start() (or OpenRC's own) does with the daemon.
#[derive(Debug, Clone)]
pub enum Found {
    /// Nothing rc2s6 supervises: a oneshot (unless the model gave up on the script).
    Nothing,
    /// The daemon's launch, after the shell settings start() makes before it.
    Launch(Launch, Vec<ShellSetting>),
    /// Not convertible; a diagnostic on the service says why.
    Refused,
}

/// Whether `command` is set to something (or to something unknowable).
pub fn command_is_set(env: &Environment) -> bool {
    env.get("command").is_some_and(|v| !v.value.text.is_empty() || v.value.is_unknowable())
}

fn is_launch(e: &StartEvent) -> bool {
    matches!(e, StartEvent::Launch { .. } | StartEvent::DefaultStart { .. })
}

/// Finds how the daemon is launched, from `start()`'s trace (taken on the state `interp` holds)
/// when the script defines one, with `service.daemon_script` found on the same state.
/// Diagnostics and decisions go to `service`; what start() assigns before `default_start` goes
/// into `interp`'s variables.
pub fn find(
    interp: &mut Interpreter,
    start_trace: Option<Trace>,
    stop_run: Option<&StopRun>,
    service: &mut Service,
    texts: Texts,
    table: &DaemonTable,
) -> Found {
    let command_set = command_is_set(&interp.env);
    let Some(start) = interp.functions.get("start").cloned() else {
        return if command_set { Found::Launch(Launch::Declarative, Vec::new()) } else { Found::Nothing };
    };
    let start_loc = Loc { file: start.file, span: start.def.name_span };
    // Traced from the same state as `interp` holds: start() is defined, so it was traced.
    let Some(trace) = start_trace else { return Found::Nothing };
    interp.take_gave_up(&trace.diagnostics);
    let mut events = trace.events;
    // `command` is set or a function calls start-stop-daemon or supervise-daemon: what the
    // caller found on this same state (the functions and variables are as it saw them).
    let mut daemonish = service.daemon_script;
    let leaves = if daemonish || events.iter().any(is_launch) {
        None
    } else {
        evidence::left_running(interp, &events, stop_run)
    };
    // Scripts that track a pidfile or kill in stop() run a daemon even without the usual calls.
    let evidence = daemonish || leaves.is_some() || evidence::mentions_pidfile(interp);
    if evidence && !events.iter().any(is_launch) {
        daemonish |= direct_call::recognise(interp, &service.name, &mut events);
    }
    let launches: Vec<usize> = events.iter().enumerate().filter(|(_, e)| is_launch(e)).map(|(i, _)| i).collect();
    match launches.as_slice() {
        [] if !evidence => Found::Nothing,
        [] if !daemonish => {
            if let Some(refused) = leaves.as_ref().and_then(|l| known_control_program(table, l, service)) {
                return refused;
            }
            let (why, at) = match leaves {
                Some(l) => (l.why, l.at),
                None => ("start() runs no launch rc2s6 can compile, yet the script refers to a pidfile: a daemon is probably left running".into(), start_loc),
            };
            refuse(
                service,
                why,
                at,
                "rc2s6 cannot tell which process to supervise; start the daemon itself in the foreground with `command`/`command_args`",
            )
        }
        // The launch may be in text only known at run time: say so, where, and why it is not
        // known, rather than that there is none.
        [] => match unknown_eval(&trace.diagnostics) {
            Some((at, cause)) => {
                let script = texts.script();
                let confd = |name: &str| confd_decides(&interp.env, script, name);
                let why = explain_uncertainty(cause, &texts, &confd);
                // A condition is quoted by the explanation; a substitution is named here.
                let what = match (cause, texts.at(cause.loc())) {
                    (Uncertainty::Conditional { .. }, _) | (_, None) => String::new(),
                    (_, Some(t)) if t.len() > 60 || t.contains('\n') => String::new(),
                    (_, Some(t)) => format!("`{t}`: "),
                };
                refuse(
                    service,
                    format!(
                        "start() runs `eval` on text only known at run time, which may hold the launch: {what}{}",
                        why.why
                    ),
                    at,
                    &format!("call start-stop-daemon directly instead of through `eval`, or {}", why.help),
                )
            }
            None => refuse(
                service,
                "no start-stop-daemon, supervise-daemon or `$command` call found".into(),
                start_loc,
                "start the daemon with `start-stop-daemon --start --exec … -- args`, or remove start() and set `command`/`command_args`",
            ),
        },
        [i] => one_launch(interp, service, &events, *i, &start, texts),
        many => refuse(
            service,
            format!("{} daemon launches found", many.len()),
            event_loc(&events[many[1]]),
            "an s6 service directory runs one daemon: split the script into one service per daemon",
        ),
    }
}

/// A control program the daemon table knows (`postfix start`, `su … pg_ctl start`) is refused as
/// such, with what the table says to run instead.
fn known_control_program(table: &DaemonTable, left: &evidence::LeftRunning, service: &mut Service) -> Option<Found> {
    let argv = left.control.as_deref()?;
    let (entry, words) = table.lookup(argv)?;
    if entry.kind != Kind::Control {
        return None;
    }
    let error = daemon::control_program(entry, argv, words, left.at);
    service.diagnostics.push(ModelDiagnostic { file: left.at.file, error });
    Some(Found::Refused)
}

/// Where start()'s run met an `eval` of text only known at run time, and why it is not known.
fn unknown_eval(diagnostics: &[EvalDiagnostic]) -> Option<(Loc, &Uncertainty)> {
    diagnostics.iter().find_map(|d| match &d.error {
        EvalError::UnknownEval { span, cause } => Some((Loc { file: d.file, span: Span::from(*span) }, cause)),
        _ => None,
    })
}

/// Reports why start() cannot be compiled.
fn refuse(service: &mut Service, why: String, at: Loc, help: &str) -> Found {
    let error = ModelError::CustomStart { why, span: at.span.into(), help: help.into() };
    service.diagnostics.push(ModelDiagnostic { file: at.file, error });
    Found::Refused
}

fn event_loc(e: &StartEvent) -> Loc {
    match e {
        StartEvent::Launch { loc, .. }
        | StartEvent::DefaultStart { loc, .. }
        | StartEvent::Command { loc, .. }
        | StartEvent::ShellSetting { loc, .. }
        | StartEvent::Edit { loc, .. }
        | StartEvent::Failure { loc, .. } => *loc,
    }
}

/// start() launches the daemon once, at `events[i]`: what it runs before and after must let
/// s6 run it, and the launch must happen whatever the system looks like.
fn one_launch(
    interp: &mut Interpreter,
    service: &mut Service,
    events: &[StartEvent],
    i: usize,
    start: &Function,
    texts: Texts,
) -> Found {
    let shell = before_launch(service, "start", &events[..i]);
    if let Err(refused) = after_launch(interp, service, &events[i + 1..]) {
        return refused;
    }
    let start_loc = Loc { file: start.file, span: start.def.name_span };
    match &events[i] {
        StartEvent::DefaultStart { condition: None, env, .. } => {
            // The backend reads the daemon's variables as start() left them.
            start_pre::apply_changes("start", &mut interp.env, env, start.file, service, texts);
            service.decisions.push(Decision {
                topic: "launch".into(),
                choice: "start() wraps default_start: compiled from command and friends".into(),
                loc: Some(start_loc),
            });
            if command_is_set(&interp.env) { Found::Launch(Launch::Declarative, shell) } else { Found::Nothing }
        }
        StartEvent::Launch { condition: None, program, words, uncertain, loc, background, context } => {
            service.custom_launch = Some(*loc);
            let launch = Launch::Call {
                program: *program,
                words: words.clone(),
                uncertain: uncertain.clone(),
                loc: *loc,
                background: *background,
                context: context.clone(),
            };
            Found::Launch(launch, shell)
        }
        StartEvent::Launch { loc, condition, .. } | StartEvent::DefaultStart { loc, condition, .. } => {
            let script = texts.script();
            let confd = |name: &str| confd_decides(&interp.env, script, name);
            let (why, help) = conditional_launch(condition.and_then(|c| texts.at(c)), &confd);
            refuse(service, why, *loc, &help)
        }
        StartEvent::Command { .. }
        | StartEvent::Failure { .. }
        | StartEvent::ShellSetting { .. }
        | StartEvent::Edit { .. } => {
            unreachable!("filtered to launches")
        }
    }
}

/// Why a launch under an undecidable condition is refused, and what to write instead, naming the
/// condition (its source text) and what would decide it when it is known.
fn conditional_launch(condition: Option<&str>, confd: &dyn Fn(&str) -> bool) -> (String, String) {
    const MOVE: &str =
        "start the daemon unconditionally; move the checks into start_pre() and make it fail when they do";
    let Some(c) = condition.map(Condition::read) else {
        return ("the daemon is started only under a condition rc2s6 cannot decide".into(), MOVE.into());
    };
    let why = format!("the daemon is started only {}", c.describe());
    let help = match c.decided_in_confd(confd) {
        Some(vars) => format!("set {vars} in conf.d to a literal value to decide it, or {MOVE}"),
        None => MOVE.into(),
    };
    (why, help)
}

/// The shell settings `function` (start_pre() or start()) makes before the launch; a check that
/// fails with the files given is reported, naming `function`: OpenRC would refuse to start as
/// they are.
pub fn before_launch(service: &mut Service, function: &str, events: &[StartEvent]) -> Vec<ShellSetting> {
    let shell = events
        .iter()
        .filter_map(|e| match e {
            StartEvent::ShellSetting { name, args, loc, condition } => Some(ShellSetting {
                name: name.clone(),
                args: args.clone(),
                loc: *loc,
                conditional: condition.is_some(),
            }),
            _ => None,
        })
        .collect();
    if let Some(StartEvent::Failure { loc, .. }) =
        events.iter().find(|e| matches!(e, StartEvent::Failure { certain: true, .. }))
    {
        service.diagnostics.push(ModelDiagnostic {
            file: loc.file,
            error: ModelError::StartFails { function: function.into(), span: loc.span.into() },
        });
    }
    shell
}

/// Commands after the launch stay in start() after default_start, unless they read the
/// pidfile, which a daemon under s6 does not have.
fn after_launch(interp: &Interpreter, service: &mut Service, events: &[StartEvent]) -> Result<(), Found> {
    let pidfile = interp.env.get("pidfile").map(|v| v.value.text.clone()).filter(|p| !p.is_empty());
    for e in events {
        let StartEvent::Command { name, loc, words, .. } = e else { continue };
        if pidfile.as_ref().is_some_and(|p| words.iter().any(|w| w.contains(p.as_str()))) {
            return Err(refuse(
                service,
                format!("runs `{name}` on the pidfile after starting the daemon"),
                *loc,
                "under s6 the daemon has no pidfile; use `s6-svstat` or readiness notification instead",
            ));
        }
        service.decisions.push(Decision {
            topic: "launch".into(),
            choice: format!("`{name}` runs after the daemon starts; it stays in start() after default_start"),
            loc: Some(*loc),
        });
    }
    Ok(())
}
