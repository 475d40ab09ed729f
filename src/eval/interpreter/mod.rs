//! A static interpreter for the part of a script OpenRC runs when it loads it: assignments,
//! conditionals it can decide, calls of the script's own functions. Where the shell's path
//! depends on something unknown, both paths are taken and what differs is marked conditional.
//!
//! The interpreter knows the shell only: what OpenRC's commands mean to a caller (`need` in
//! `depend()`, `start-stop-daemon` in `start()`) is an [`Observer`]'s business.

mod assignment;
mod capture;
mod compound;
mod merge;
mod pending_jump;
mod simple;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::core::source::{FileId, Span};
use crate::shell::ast::{AndOr, AndOrOp, Command, FunctionDef, List, Pipeline, Script};

use super::environment::Environment;
use super::error::{EvalDiagnostic, EvalError};
use super::expand::Expander;
use super::observer::{Observer, at_span};
pub use super::status::Status;
use super::system_test::Oracle;
use super::value::{Loc, Uncertainty};
pub use merge::merge;

/// How control leaves a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    Next,
    Return,
    Exit,
    Break,
    Continue,
}

/// A script function and the file that defines it.
#[derive(Debug, Clone)]
pub struct Function {
    /// The definition.
    pub def: Rc<FunctionDef>,
    /// The file it is in.
    pub file: FileId,
}

/// What running one function on a copy of an interpreter's state left.
#[derive(Debug, Clone)]
pub struct FunctionRun<O> {
    /// The observer, with what it recorded.
    pub observer: O,
    /// The variables as the function left them.
    pub env: Environment,
    /// What the run found.
    pub diagnostics: Vec<EvalDiagnostic>,
}

/// The static interpreter, with an observer watching the commands it runs (`()` for none).
pub struct Interpreter<O: Observer = ()> {
    /// The variables.
    pub env: Environment,
    /// Functions defined so far, shared with the copies run from here until one defines another.
    pub functions: Rc<BTreeMap<String, Function>>,
    /// Diagnostics found while interpreting.
    pub diagnostics: Vec<EvalDiagnostic>,
    /// Watches every simple command.
    pub observer: O,
    /// Answers the tests of the running system it is told to, and records every one met.
    pub oracle: Oracle,
    /// Programs run (not the script's functions nor builtins) are recorded in the oracle: what
    /// the files' top level runs between a test of the running system and the launch.
    pub record_commands: bool,
    in_background: bool,
    file: FileId,
    /// The undecidable conditions that enclose the current command, innermost last.
    conditions: Vec<Loc>,
    /// Nesting of function calls, bounded so recursion ends.
    depth: usize,
    steps: usize,
    /// Where the text being run came from when it is not the file itself (`eval`).
    span_override: Option<Span>,
    /// Positional parameters per call; `None` where they are not known (the top level).
    positional: Vec<Option<Vec<String>>>,
    /// Set while a function runs for its output (`$(f)`): what it writes.
    capture: Option<capture::Capture>,
    /// Steps taken by the functions run for their output from here.
    capture_steps: std::cell::Cell<usize>,
    /// Jumps taken one way of an undecidable condition, waiting for their target to end.
    pending: Vec<pending_jump::PendingJump>,
    /// The status of the last pipeline, as far as it is known (`$?`, for `return` and `exit`
    /// without an operand).
    last_status: Status,
}

const MAX_DEPTH: usize = 32;
/// Commands followed per run of the interpreter: every script of the corpus of real ones stays
/// under 1,000; runaway recursion stops here (reported, `too_many_steps`) within a second.
const MAX_STEPS: usize = 20_000;
const MAX_LOOP: usize = 256;

impl Interpreter {
    /// An interpreter over `env`.
    pub fn new(env: Environment) -> Self {
        Interpreter::observed(env, ())
    }

    /// An interpreter over `env` whose tests of the running system `oracle` answers and records.
    pub fn with_oracle(env: Environment, oracle: Oracle) -> Self {
        Interpreter::observed_with(env, (), oracle)
    }
}

impl<O: Observer> Interpreter<O> {
    /// An interpreter over `env`, with `observer` watching.
    pub fn observed(env: Environment, observer: O) -> Self {
        Interpreter::observed_with(env, observer, Oracle::default())
    }

    /// [`observed`](Self::observed), with `oracle` from the start: a default one is four
    /// allocations, made and dropped for every function run on a copy.
    fn observed_with(env: Environment, observer: O, oracle: Oracle) -> Self {
        Interpreter {
            env,
            functions: Rc::default(),
            diagnostics: Vec::new(),
            observer,
            oracle,
            record_commands: false,
            in_background: false,
            file: FileId::default(),
            conditions: Vec::new(),
            depth: 0,
            steps: 0,
            span_override: None,
            positional: vec![None],
            capture: None,
            capture_steps: std::cell::Cell::new(0),
            pending: Vec::new(),
            last_status: Status::True,
        }
    }

    /// Runs a whole file's top level.
    pub fn run_file(&mut self, file: FileId, script: &Script) {
        self.file = file;
        let mark = self.pending.len();
        let _ = self.list(&script.body);
        self.land_jumps(mark, &[Flow::Break, Flow::Continue, Flow::Return]);
    }

    /// Calls a script function as OpenRC would (`depend`, `start_pre` …); `false` if undefined.
    pub fn call_function(&mut self, name: &str) -> bool {
        let Some(f) = self.functions.get(name).cloned() else { return false };
        let saved = self.file;
        self.file = f.file;
        self.env.push_scope();
        // OpenRC calls start(), depend() … without arguments.
        self.positional.push(Some(Vec::new()));
        let mark = self.pending.len();
        let _ = self.command(&f.def.body);
        self.land_jumps(mark, &[Flow::Break, Flow::Continue, Flow::Return]);
        self.positional.pop();
        self.env.pop_scope();
        self.file = saved;
        true
    }

    /// Runs `function` as OpenRC calls it, on a fresh interpreter over a copy of this one's
    /// variables and functions, with `observer` watching; `None` when no file defines it.
    pub fn run_on_copy<P: Observer>(&self, function: &str, observer: P) -> Option<FunctionRun<P>> {
        if !self.functions.contains_key(function) {
            return None;
        }
        let mut scratch = Interpreter::observed_with(self.env.clone(), observer, self.oracle.clone());
        scratch.functions = self.functions.clone();
        scratch.call_function(function);
        Some(FunctionRun { observer: scratch.observer, env: scratch.env, diagnostics: scratch.diagnostics })
    }

    /// The diagnostics of a scratch interpreter that say the model gave up, for the main one.
    pub fn take_gave_up(&mut self, diagnostics: &[EvalDiagnostic]) {
        for d in diagnostics.iter().filter(|d| d.error.gave_up()) {
            if !self.diagnostics.contains(d) {
                self.diagnostics.push(d.clone());
            }
        }
    }

    fn loc(&self, span: Span) -> Loc {
        Loc { file: self.file, span: self.span_override.unwrap_or(span) }
    }

    fn diag(&mut self, error: EvalError) {
        let d = EvalDiagnostic { file: self.file, error };
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    fn expander(&mut self) -> Expander<'_> {
        let params = self.positional.last().and_then(|p| p.as_deref());
        let runner =
            capture::Runner { functions: &self.functions, steps: &self.capture_steps, may_run: self.capture.is_none() };
        Expander::new(&mut self.env, self.file).with_positional(params).with_functions(Box::new(runner))
    }

    fn fix_loc(&self, u: Vec<Uncertainty>) -> Vec<Uncertainty> {
        at_span(u, self.span_override)
    }

    fn list(&mut self, list: &List) -> (Status, Flow) {
        let mut status = Status::True;
        for item in &list.items {
            if item.background {
                if let Some(capture) = &mut self.capture {
                    capture.failed = true;
                }
                // `cmd &` runs in a subshell: nothing it assigns is seen.
                let saved = self.copy_env(item.and_or.first.span);
                let was = std::mem::replace(&mut self.in_background, true);
                let mark = self.pending.len();
                let _ = self.and_or(&item.and_or);
                self.drop_jumps(mark);
                self.in_background = was;
                self.env = saved;
                status = Status::True;
                continue;
            }
            let (s, flow) = self.and_or(&item.and_or);
            self.last_status = s;
            status = s;
            if flow != Flow::Next {
                return (status, flow);
            }
        }
        (status, Flow::Next)
    }

    fn and_or(&mut self, ao: &AndOr) -> (Status, Flow) {
        let (mut status, flow) = self.pipeline(&ao.first);
        if flow != Flow::Next {
            return (status, flow);
        }
        self.last_status = status;
        let mut before = ao.first.span;
        for (op, pl) in &ao.rest {
            let runs = match (op, status) {
                (AndOrOp::And, Status::True) | (AndOrOp::Or, Status::False) => Status::True,
                (AndOrOp::And, Status::False) | (AndOrOp::Or, Status::True) => Status::False,
                _ => Status::Unknown,
            };
            match runs {
                Status::True => {
                    let (s, f) = self.pipeline(pl);
                    if f != Flow::Next {
                        return (s, f);
                    }
                    status = s;
                    self.last_status = s;
                }
                Status::False => {}
                Status::Unknown => {
                    // The condition is what ran before the operator: `[ -f x ] && a=1` is
                    // conditional on `[ -f x ]`.
                    let cond = self.loc(ao.first.span.join(before));
                    // This way, what ran before the operator succeeded for `&&`, failed for `||`.
                    self.last_status = if matches!(op, AndOrOp::And) { Status::True } else { Status::False };
                    let s = self.speculate_jump(cond, |me| me.pipeline(pl));
                    self.last_status = s;
                    status = match (op, s) {
                        (AndOrOp::And, Status::False) => Status::False,
                        (AndOrOp::Or, Status::True) => Status::True,
                        _ => Status::Unknown,
                    };
                }
            }
            before = before.join(pl.span);
        }
        (status, Flow::Next)
    }

    /// Runs `f` on a copy of the state as if an undecidable condition held, then merges: what it
    /// changed becomes conditional on `cond`.
    fn speculate<T>(&mut self, cond: Loc, f: impl FnOnce(&mut Self) -> T) -> T {
        let before = self.copy_env(cond.span);
        self.conditions.push(cond);
        let out = f(self);
        self.conditions.pop();
        let after = std::mem::take(&mut self.env);
        self.env = merge(before, &after, cond);
        out
    }

    /// [`speculate`](Self::speculate) for a way that may jump: when it does, the commands after
    /// it run without its changes, which wait for the jump's target ([`pending_jump`]).
    fn speculate_jump(&mut self, cond: Loc, f: impl FnOnce(&mut Self) -> (Status, Flow)) -> Status {
        let before = self.copy_env(cond.span);
        self.conditions.push(cond);
        let (status, flow) = f(self);
        self.conditions.pop();
        let after = std::mem::take(&mut self.env);
        if pending_jump::jumps(flow, status) {
            self.jump_pending(flow, after, cond);
            self.env = before;
        } else {
            self.env = merge(before, &after, cond);
        }
        status
    }

    fn pipeline(&mut self, pl: &Pipeline) -> (Status, Flow) {
        let (status, flow) = if pl.commands.len() == 1 {
            self.command(&pl.commands[0])
        } else {
            if let Some(capture) = &mut self.capture {
                capture.failed = true;
            }
            // Every part of a pipeline runs in a subshell.
            let saved = self.copy_env(pl.span);
            let mark = self.pending.len();
            for c in &pl.commands {
                let _ = self.command(c);
            }
            self.drop_jumps(mark);
            self.env = saved;
            (Status::Unknown, Flow::Next)
        };
        (if pl.negated { !status } else { status }, flow)
    }

    /// Copies the variables (to take one way of a condition, or for a subshell), spending
    /// their size from the budget; a copy over budget stops the run like any other excess.
    fn copy_env(&mut self, span: Span) -> Environment {
        let env = self.env.clone();
        self.copy_of(&env, span)
    }

    /// A copy of `env` (a state kept to return to), spending its size from the budget.
    fn copy_of(&mut self, env: &Environment, span: Span) -> Environment {
        let loc = self.loc(span);
        if !env.budget.spend(env.bytes(), 0, loc) {
            self.over_budget();
        }
        env.clone()
    }

    /// Reports, once, that the budget is spent, and where (`value_too_large`).
    fn over_budget(&mut self) {
        if let Some((loc, limit)) = self.env.budget.exceeded() {
            let what = match limit {
                super::budget::Limit::Value => "a value is",
                super::budget::Limit::Total => "the values this service makes are",
            }
            .to_string();
            let d = EvalDiagnostic {
                file: loc.file,
                error: EvalError::ValueTooLarge { what, limit: limit.bytes(), span: loc.span.into() },
            };
            if !self.diagnostics.contains(&d) {
                self.diagnostics.push(d);
            }
        }
    }

    fn command(&mut self, c: &Command) -> (Status, Flow) {
        if self.env.budget.exceeded().is_some() {
            // Nothing after the excess is followed: the service is not converted.
            self.over_budget();
            return (Status::Unknown, Flow::Exit);
        }
        self.steps += 1;
        if self.steps > MAX_STEPS {
            if self.steps == MAX_STEPS + 1 {
                let at = self.loc(c.span());
                self.diag(EvalError::TooManySteps { limit: MAX_STEPS, span: at.span.into() });
            }
            return (Status::Unknown, Flow::Exit);
        }
        if let Some(capture) = &mut self.capture {
            // Run for its output, a command under a condition rc2s6 cannot decide may or may not
            // write, and a compound command's redirection sends its output elsewhere.
            if !self.conditions.is_empty() || matches!(c, Command::Compound(_, r) if !r.is_empty()) {
                capture.failed = true;
            }
        }
        match c {
            Command::Simple(sc) => self.simple(sc),
            Command::Compound(cc, _) => self.compound(cc),
            Command::FunctionDef(fd) => {
                let f = Function { def: Rc::new(fd.clone()), file: self.file };
                Rc::make_mut(&mut self.functions).insert(fd.name.clone(), f);
                (Status::True, Flow::Next)
            }
        }
    }

    /// Calls a script function with `args` as `$1`… (`None` when they are only known at run time).
    fn call(&mut self, f: &Function, args: Option<Vec<String>>) -> Status {
        if self.depth >= MAX_DEPTH {
            return Status::Unknown;
        }
        self.depth += 1;
        let saved_file = self.file;
        let saved_override = self.span_override.take();
        self.file = f.file;
        self.env.push_scope();
        self.positional.push(args);
        let mark = self.pending.len();
        let (s, _) = self.command(&f.def.body);
        self.land_jumps(mark, &[Flow::Break, Flow::Continue, Flow::Return]);
        self.positional.pop();
        self.env.pop_scope();
        self.file = saved_file;
        self.span_override = saved_override;
        self.depth -= 1;
        s
    }
}
