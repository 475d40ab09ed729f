//! What `start()` and `stop()` do, as far as compiling them goes: each is run once on a copy of
//! the state OpenRC runs it from, both ways of every undecidable condition, and an observer
//! records the launches, `default_start`, shell settings, failures and other commands in order.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::eval::budget::MAX_TOTAL_BYTES;
use crate::eval::environment::Environment;
use crate::eval::error::EvalDiagnostic;
use crate::eval::interpreter::{Function, Interpreter, Status};
use crate::eval::observer::{ObservedCommand, ObservedRedirect, Observer};
use crate::eval::value::{Loc, ShellValue, Uncertainty};
use crate::openrc::einfo::MESSAGE_PROGRAMS;

use super::dependencies::DEP_FUNCTIONS;
use super::written_files::{WrittenFile, redirect_writes, writes_operands, written_by};
use crate::core::file_name::basename;

/// What `start()` does, in order, as far as compiling it is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum StartEvent {
    /// `start-stop-daemon --start …`, `supervise-daemon … --start …` or `$command …`.
    Launch {
        /// Which way the daemon is started.
        program: LaunchProgram,
        /// The expanded words of the call, the program first.
        words: Vec<String>,
        /// What makes each word inexact, aligned with `words`.
        uncertain: Vec<Vec<Uncertainty>>,
        /// Where the call is.
        loc: Loc,
        /// The innermost condition rc2s6 cannot decide it is run under, if any.
        condition: Option<Loc>,
        /// Sent to the background with `&`.
        background: bool,
        /// The variables, assignments and redirections the call is made with.
        context: Box<CallContext>,
    },
    /// `default_start`: the backend's own start.
    DefaultStart {
        /// Where the call is.
        loc: Loc,
        /// The innermost condition rc2s6 cannot decide it is run under, if any.
        condition: Option<Loc>,
        /// The variables when it is called: the backend reads the daemon's as start() left them.
        env: Box<Environment>,
    },
    /// Any other command that does something (not a message or a check).
    Command {
        /// The command name as expanded.
        name: String,
        /// Where it is.
        loc: Loc,
        /// The innermost condition rc2s6 cannot decide it is run under, if any.
        condition: Option<Loc>,
        /// All its expanded words.
        words: Vec<String>,
        /// What makes each word inexact, aligned with `words`.
        uncertain: Vec<Vec<Uncertainty>>,
        /// Sent to the background with `&`.
        background: bool,
        /// The variables, assignments and redirections the command runs with.
        context: Box<CallContext>,
    },
    /// A command that edits files in place (`sed -i`): the files it edits, as far as they are
    /// known.
    Edit {
        /// The program.
        program: String,
        /// The files it edits, each with what makes it inexact.
        files: Vec<(String, Vec<Uncertainty>)>,
        /// Where it is.
        loc: Loc,
        /// The innermost condition rc2s6 cannot decide it is run under, if any.
        condition: Option<Loc>,
    },
    /// `ulimit`, `umask` or `cd` in start()'s shell: start-stop-daemon's child inherits them.
    ShellSetting {
        /// `ulimit`, `umask` or `cd`.
        name: String,
        /// The arguments.
        args: Vec<String>,
        /// Where.
        loc: Loc,
        /// The innermost condition rc2s6 cannot decide it is run under, if any.
        condition: Option<Loc>,
    },
    /// A way out that means the start failed (`return 1`, `eend 1`, `eerror`): the path it is on
    /// is not the one that starts the daemon.
    Failure {
        /// Where.
        loc: Loc,
        /// Reached whatever the system looks like: with these files, start() fails here.
        certain: bool,
    },
}

/// What a command is run with besides its words: the shell's variables, the assignments written
/// before its name (in its environment only) and its redirections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallContext {
    /// The variables as the command sees them, the assignments before its name included (set
    /// and exported: the shell puts them in the command's environment, POSIX XCU 2.9.1).
    pub env: Environment,
    /// The assignments before the command's name, expanded, with where each is.
    pub assignments: Vec<(String, ShellValue, Loc)>,
    /// The command's redirections, expanded.
    pub redirects: Vec<ObservedRedirect>,
}

impl CallContext {
    /// What `command` runs with.
    fn of(command: &ObservedCommand<'_>) -> Box<CallContext> {
        let assignments = command.prefix_assignments();
        let mut env = command.env.clone();
        for (name, value, loc) in &assignments {
            env.set(name, value.clone(), Some(*loc));
            env.export(name);
        }
        Box::new(CallContext { env, assignments, redirects: command.redirections() })
    }
}

/// How a daemon is launched from `start()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaunchProgram {
    /// start-stop-daemon.
    StartStopDaemon,
    /// supervise-daemon.
    SuperviseDaemon,
    /// The daemon run directly.
    Direct,
}

impl LaunchProgram {
    /// The program's name, as decisions say it.
    pub fn name(self) -> &'static str {
        match self {
            LaunchProgram::StartStopDaemon => "start-stop-daemon",
            LaunchProgram::SuperviseDaemon => "supervise-daemon",
            LaunchProgram::Direct => "direct",
        }
    }
}

/// Commands that check or prepare files (and OpenRC's messages, [`MESSAGE_PROGRAMS`]): harmless
/// before or after the launch.
const PREPARATION: &[&str] = &[
    "checkpath",
    "echo",
    "printf",
    "mkdir",
    "chown",
    "chmod",
    "chgrp",
    "install",
    "touch",
    "rm",
    "ln",
    "test",
    "[",
    "yesno",
    "sleep",
    "service_set_value",
    "service_get_value",
    "mark_service_started",
    "local",
    "export",
    "return",
    "true",
    "false",
    ":",
    "logger",
    "grep",
    "sed",
    "awk",
    "cat",
    "id",
    "getent",
    "command",
    "type",
    "which",
    "basename",
    "dirname",
    "get_options",
    "save_options",
];

/// What running one function on a copy of an interpreter's state did: `start()` is traced
/// once and read for both its launch and the backend calls it reaches.
#[derive(Debug, Clone)]
pub struct Trace {
    /// What it did, in order.
    pub events: Vec<StartEvent>,
    /// The words of every command it ran but its own functions, and each redirection's target:
    /// what may create or remove a file a test of the running system looks at.
    pub touches: Vec<Touch>,
    /// What the run found.
    pub diagnostics: Vec<EvalDiagnostic>,
}

/// `stop()` traced from the files' state, kept so that a later question about it on the same
/// state is answered without running it again ([`StopRun::events_for`]).
#[derive(Debug, Clone)]
pub struct StopRun {
    /// What it did; `None` when no file defines it.
    pub trace: Option<Trace>,
    /// The variables it ran from.
    from: Environment,
    /// The functions it could call.
    functions: Rc<BTreeMap<String, Function>>,
    /// The bytes of the service's budget the run spent.
    spent: usize,
}

impl StopRun {
    /// Traces `stop()` on a copy of `interp`'s state, as [`trace`] does, and keeps it with that state.
    pub fn trace(interp: Interpreter) -> StopRun {
        let before = interp.env.budget.spent();
        // Nothing reads what stop() touches.
        let trace = trace(&interp, "stop", Touches::Skip);
        let spent = interp.env.budget.spent().saturating_sub(before);
        StopRun { trace, from: interp.env, functions: interp.functions, spent }
    }

    /// The events of a trace of `stop()` on `interp`'s state, when it would be this one's: the
    /// same variables, the same functions, and a budget this run's spending leaves unexceeded
    /// (the run then is the same run, and spends the same: what it spent is spent again here,
    /// so the budget ends where that run would leave it). `None` when `stop()` must be traced.
    pub fn events_for(&self, interp: &Interpreter) -> Option<&[StartEvent]> {
        let budget = &interp.env.budget;
        let same_functions = Rc::ptr_eq(&self.functions, &interp.functions)
            || self.functions.len() == interp.functions.len()
                && self
                    .functions
                    .iter()
                    .zip(interp.functions.iter())
                    .all(|((n, f), (m, g))| n == m && f.file == g.file && Rc::ptr_eq(&f.def, &g.def));
        let room = budget.exceeded().is_none() && budget.spent().saturating_add(self.spent) <= MAX_TOTAL_BYTES;
        if !(same_functions && room && self.from == interp.env) {
            return None;
        }
        let loc = Loc { file: Default::default(), span: Default::default() };
        budget.spend(self.spent, 0, loc);
        Some(self.trace.as_ref().map_or(&[], |t| &t.events))
    }
}

/// Whether a trace keeps what the function touched ([`Trace::touches`]). Only the analyses of
/// a service in each answer of its tests of the running system look at them (whether something
/// run between a test and the launch may change what is tested); the first analysis of every
/// service, and every trace of `stop()`, copied every command's words for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touches {
    /// Kept.
    Keep,
    /// Not kept: [`Trace::touches`] is empty.
    Skip,
}

/// Runs `function` on a copy of the interpreter's state, recording what it does (both ways of
/// every undecidable condition); `None` when no file defines it.
pub fn trace<O: Observer>(interp: &Interpreter<O>, function: &str, touches: Touches) -> Option<Trace> {
    let run = interp.run_on_copy(function, StartRecorder::new(touches))?;
    Some(Trace { events: run.observer.events, touches: run.observer.touches, diagnostics: run.diagnostics })
}

/// [`trace`], and the variables as the function left them.
pub fn trace_keeping_env<O: Observer>(
    interp: &Interpreter<O>,
    function: &str,
    touches: Touches,
) -> Option<(Trace, Environment)> {
    let run = interp.run_on_copy(function, StartRecorder::new(touches))?;
    Some((Trace { events: run.observer.events, touches: run.observer.touches, diagnostics: run.diagnostics }, run.env))
}

/// Records what a function does for [`trace`].
#[derive(Debug)]
struct StartRecorder {
    events: Vec<StartEvent>,
    touches: Vec<Touch>,
    keep: Touches,
}

/// Words a command was run with (its name first, or a redirection's target alone), and whether
/// one of them cannot be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// The words as far as they are known.
    pub words: Vec<String>,
    /// Some word, or some word that expanded to nothing, cannot be known.
    pub unknowable: bool,
}

impl StartRecorder {
    fn new(keep: Touches) -> StartRecorder {
        StartRecorder { events: Vec::new(), touches: Vec::new(), keep }
    }

    /// Records the command's words and its output redirections' targets (`>`, `>>`, `<>`, …).
    fn touch(&mut self, command: &ObservedCommand<'_>, words: &[String]) {
        if self.keep == Touches::Skip {
            // Expanding the redirections spends from the service's budget: they are expanded
            // all the same, so that the run spends, and stops, exactly where a kept one does.
            if command.has_redirections() {
                command.redirections();
            }
            return;
        }
        let unknowable = command.uncertain.iter().any(Uncertainty::is_unknowable);
        self.touches.push(Touch { words: words.to_vec(), unknowable });
        for r in command.redirections().into_iter().filter(|r| r.op.contains('>')) {
            let unknowable = r.target.is_unknowable();
            self.touches.push(Touch { words: vec![r.op, r.target.text], unknowable });
        }
    }
}

impl Observer for StartRecorder {
    /// Records what a command means for compiling `start()`; takes over the launches, and
    /// `return`/`exit` with a failure (see below).
    fn command(&mut self, command: &ObservedCommand<'_>) -> Option<Status> {
        let cmd = command.name;
        let (loc, condition) = (command.loc, command.condition);
        // The fields as they are: the texts of `word_fields`, which are split per word (so that
        // only the words the daemon uses can make it unconvertible) where they are kept, only.
        let texts = command.fields;
        let base = basename(cmd);
        if let Some(program) = launch_program(base, cmd, texts, command.env) {
            let words = command.word_fields();
            self.events.push(StartEvent::Launch {
                program,
                words: words.texts,
                uncertain: words.uncertain,
                loc,
                condition,
                background: command.background,
                context: CallContext::of(command),
            });
            return Some(Status::Unknown);
        }
        if cmd == "default_start" {
            self.events.push(StartEvent::DefaultStart { loc, condition, env: Box::new(command.env.clone()) });
            return Some(Status::Unknown);
        }
        if !command.is_function {
            self.touch(command, texts);
        }
        if is_failure(base, texts) {
            self.events.push(StartEvent::Failure { loc, certain: condition.is_none() });
            if matches!(base, "return" | "exit") {
                // A failed check ends this path; the start that matters is the one that gets
                // past the checks, so carry on as if it had passed.
                return Some(Status::False);
            }
        }
        if matches!(cmd, "ulimit" | "umask" | "cd") {
            let args = texts.get(1..).unwrap_or_default().to_vec();
            self.events.push(StartEvent::ShellSetting { name: cmd.to_string(), args, loc, condition });
            return None;
        }
        // The words split per word, once, where an event below keeps them.
        let mut split = None;
        let by_operands = if writes_operands(base) {
            let words = split.insert(command.word_fields());
            written_by(base, &words.texts, &words.uncertain)
        } else {
            None
        };
        // `sed -i` only edits; a copy or a redirected command is also what it is otherwise.
        let only_edits = base == "sed" && by_operands.is_some();
        if let Some(files) = written_files(command, by_operands) {
            self.events.push(StartEvent::Edit { program: base.to_string(), files, loc, condition });
        }
        if only_edits {
            return None;
        }
        if command.is_function
            || PREPARATION.contains(&base)
            || MESSAGE_PROGRAMS.contains(&base)
            || DEP_FUNCTIONS.contains(&cmd)
            || is_shell_builtin(cmd)
        {
            return None;
        }
        let words = split.unwrap_or_else(|| command.word_fields());
        self.events.push(StartEvent::Command {
            name: cmd.to_string(),
            loc,
            condition,
            words: words.texts,
            uncertain: words.uncertain,
            background: command.background,
            context: CallContext::of(command),
        });
        None
    }

    fn mark(&self) -> Option<usize> {
        Some(self.events.len())
    }

    /// Of the two ways an undecidable `if` can go, when exactly one launches the daemon and the
    /// other fails, keeps the launching one's events as unconditional (within `outer`)
    /// and drops the other's: the start that matters is the one that launches, as if its
    /// condition held.
    fn pick_way(&mut self, start: usize, middle: usize, outer: Option<Loc>) -> Option<bool> {
        let launches = |e: &[StartEvent]| {
            e.iter().any(|x| matches!(x, StartEvent::Launch { .. } | StartEvent::DefaultStart { .. }))
        };
        let fails = |e: &[StartEvent]| e.iter().any(|x| matches!(x, StartEvent::Failure { .. }));
        let (a, b) = (&self.events[start..middle], &self.events[middle..]);
        let first = match (launches(a), launches(b)) {
            (true, false) if fails(b) => true,
            (false, true) if fails(a) => false,
            _ => return None,
        };
        let kept: Vec<StartEvent> =
            if first { self.events[start..middle].to_vec() } else { self.events[middle..].to_vec() };
        self.events.truncate(start);
        for mut e in kept {
            match &mut e {
                StartEvent::Launch { condition, .. }
                | StartEvent::DefaultStart { condition, .. }
                | StartEvent::Command { condition, .. }
                | StartEvent::ShellSetting { condition, .. }
                | StartEvent::Edit { condition, .. } => *condition = outer,
                StartEvent::Failure { .. } => {}
            }
            self.events.push(e);
        }
        Some(first)
    }
}

/// Which way a command launches the daemon, if it does: `start-stop-daemon` with `--start`
/// (or `-S` among short options), `supervise-daemon … --start`, or `$command` itself.
fn launch_program(base: &str, cmd: &str, words: &[String], env: &Environment) -> Option<LaunchProgram> {
    let command_var = || env.get("command").map(|v| v.value.text.as_str()).filter(|c| !c.is_empty());
    match base {
        "start-stop-daemon"
            if words.iter().any(|a| {
                a == "--start" || a == "-S" || (a.starts_with('-') && !a.starts_with("--") && a.contains('S'))
            }) =>
        {
            Some(LaunchProgram::StartStopDaemon)
        }
        "supervise-daemon" if words.iter().any(|a| a == "--start" || a == "-S") => Some(LaunchProgram::SuperviseDaemon),
        _ if command_var() == Some(cmd) => Some(LaunchProgram::Direct),
        _ => None,
    }
}

/// The files a command writes over: through its operands (`written_files::written_by`) and its
/// redirections to a file whose name is known; `None` when it writes none.
/// Devices (`/dev/null`, a terminal) are left out.
fn written_files(command: &ObservedCommand<'_>, by_operands: Option<Vec<WrittenFile>>) -> Option<Vec<WrittenFile>> {
    let mut files = by_operands.unwrap_or_default();
    if command.has_redirections() {
        let redirected = command.redirections().into_iter().filter(|r| redirect_writes(&r.op));
        files.extend(redirected.filter(|r| r.target.uncertain.is_empty()).map(|r| (r.target.text, Vec::new())));
    }
    files.retain(|(path, _)| !path.starts_with("/dev/"));
    (!files.is_empty()).then_some(files)
}

/// Whether a command says the start failed: `return N`/`exit N`/`eend N` with N ≠ 0, `eerror`.
fn is_failure(base: &str, words: &[String]) -> bool {
    let nonzero = |w: Option<&String>| w.is_some_and(|w| w.parse::<i64>().is_ok_and(|n| n != 0));
    match base {
        "return" | "exit" | "eend" | "veend" => nonzero(words.get(1)),
        "eerror" => true,
        _ => false,
    }
}

/// Builtins that change only the shell's own state or flow, recorded as nothing.
fn is_shell_builtin(cmd: &str) -> bool {
    matches!(
        cmd,
        "return" | "exit" | "break" | "continue" | "unset" | "read" | "eval" | "." | "source" | "set" | "shift"
    )
}
