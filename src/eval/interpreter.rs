//! A static interpreter for the part of a script OpenRC runs when it loads it: assignments,
//! conditionals it can decide, calls of the script's own functions. Where the shell's path
//! depends on something unknown, both paths are taken and what differs is marked conditional.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::core::source::{FileId, Span};
use crate::shell::ast::*;

use super::environment::Environment;
use super::error::{EvalDiagnostic, EvalError};
use super::expand::{Expander, Fields};
pub use super::status::Status;
use super::test_expr;
use super::value::{Loc, ShellValue, Uncertainty};

/// How control leaves a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Next,
    Return,
    Exit,
    Break,
    Continue,
}

/// A dependency declared in `depend()`.
#[derive(Debug, Clone, PartialEq)]
pub struct DepCall {
    /// `need`, `use`, `want`, `after`, `before`, `provide`, `keyword` or `config`.
    pub kind: String,
    /// The arguments.
    pub args: Vec<String>,
    /// Where the call is.
    pub loc: Loc,
    /// Made under a condition that cannot be decided statically.
    pub conditional: bool,
    /// Some argument could not be known exactly.
    pub uncertain: bool,
}

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
        /// Inside a condition rc2s6 cannot decide.
        conditional: bool,
        /// Sent to the background with `&`.
        background: bool,
    },
    /// `default_start`: the backend's own start.
    DefaultStart {
        /// Where the call is.
        loc: Loc,
        /// Inside a condition rc2s6 cannot decide.
        conditional: bool,
        /// The variables when it is called: the backend reads the daemon's as start() left them.
        env: Box<Environment>,
    },
    /// Any other command that does something (not a message or a check).
    Command {
        /// The command name as expanded.
        name: String,
        /// Where it is.
        loc: Loc,
        /// Inside a condition rc2s6 cannot decide.
        conditional: bool,
        /// All its expanded words.
        words: Vec<String>,
        /// What makes each word inexact, aligned with `words`.
        uncertain: Vec<Vec<Uncertainty>>,
        /// Sent to the background with `&`.
        background: bool,
    },
    /// `ulimit`, `umask` or `cd` in start()'s shell: start-stop-daemon's child inherits them.
    ShellSetting {
        /// `ulimit`, `umask` or `cd`.
        name: String,
        /// The arguments.
        args: Vec<String>,
        /// Where.
        loc: Loc,
        /// Inside a condition rc2s6 cannot decide.
        conditional: bool,
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

/// Commands that only print, check or prepare files: harmless before or after the launch.
const PREPARATION: &[&str] = &[
    "ebegin",
    "eend",
    "einfo",
    "einfon",
    "ewarn",
    "ewarnn",
    "eerror",
    "eerrorn",
    "veinfo",
    "vewarn",
    "vebegin",
    "veend",
    "eindent",
    "eoutdent",
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

/// A script function and the file that defines it.
#[derive(Debug, Clone)]
pub struct Function {
    /// The definition.
    pub def: Rc<FunctionDef>,
    /// The file it is in.
    pub file: FileId,
}

/// What collecting `depend()` calls needs: which names count as dependency functions.
const DEP_FUNCTIONS: &[&str] = &["need", "use", "want", "after", "before", "provide", "keyword", "config"];

/// What running one function on a copy of an interpreter's state did: `start()` is traced
/// once and read for both its launch and the backend calls it reaches.
#[derive(Debug, Clone)]
pub struct Trace {
    /// What it did, in order.
    pub events: Vec<StartEvent>,
    /// What the run found.
    pub diagnostics: Vec<EvalDiagnostic>,
}

/// The static interpreter.
pub struct Interpreter {
    /// The variables.
    pub env: Environment,
    /// Functions defined so far.
    pub functions: BTreeMap<String, Function>,
    /// Diagnostics found while interpreting.
    pub diagnostics: Vec<EvalDiagnostic>,
    /// `depend()` calls collected while `collect_deps` is on.
    pub dep_calls: Vec<DepCall>,
    /// Record calls of need/use/… instead of treating them as unknown commands.
    pub collect_deps: bool,
    /// Record what `start()` does, when set.
    pub start_events: Option<Vec<StartEvent>>,
    in_background: bool,
    file: FileId,
    /// How many undecidable conditions enclose the current command.
    speculative: usize,
    /// Nesting of function calls, bounded so recursion ends.
    depth: usize,
    steps: usize,
    /// Where the text being run came from when it is not the file itself (`eval`).
    span_override: Option<Span>,
    /// Positional parameters per call; `None` where they are not known (the top level).
    positional: Vec<Option<Vec<String>>>,
}

const MAX_DEPTH: usize = 32;
/// Commands followed per run of the interpreter: every script of the corpus of real ones stays
/// under 1,000; runaway recursion stops here (reported, `too_many_steps`) within a second.
const MAX_STEPS: usize = 20_000;
const MAX_LOOP: usize = 256;

impl Interpreter {
    /// An interpreter over `env`.
    pub fn new(env: Environment) -> Self {
        Interpreter {
            env,
            functions: BTreeMap::new(),
            diagnostics: Vec::new(),
            dep_calls: Vec::new(),
            collect_deps: false,
            start_events: None,
            in_background: false,
            file: FileId::default(),
            speculative: 0,
            depth: 0,
            steps: 0,
            span_override: None,
            positional: vec![None],
        }
    }

    /// Runs a whole file's top level.
    pub fn run_file(&mut self, file: FileId, script: &Script) {
        self.file = file;
        let _ = self.list(&script.body);
    }

    /// Calls a script function as OpenRC would (`depend`, `start_pre` …); `false` if undefined.
    pub fn call_function(&mut self, name: &str) -> bool {
        let Some(f) = self.functions.get(name).cloned() else { return false };
        let saved = self.file;
        self.file = f.file;
        self.env.push_scope();
        // OpenRC calls start(), depend() … without arguments.
        self.positional.push(Some(Vec::new()));
        let _ = self.command(&f.def.body);
        self.positional.pop();
        self.env.pop_scope();
        self.file = saved;
        true
    }

    /// The diagnostics of a scratch interpreter that say the model gave up, for the main one.
    pub fn take_gave_up(&mut self, diagnostics: &[EvalDiagnostic]) {
        for d in diagnostics.iter().filter(|d| matches!(d.error, EvalError::TooManySteps { .. })) {
            if !self.diagnostics.contains(d) {
                self.diagnostics.push(d.clone());
            }
        }
    }

    /// Runs `function` on a copy of this state, recording what it does (both ways of every
    /// undecidable condition); `None` when no file defines it.
    pub fn trace(&self, function: &str) -> Option<Trace> {
        if !self.functions.contains_key(function) {
            return None;
        }
        let mut scratch = Interpreter::new(self.env.clone());
        scratch.functions = self.functions.clone();
        scratch.start_events = Some(Vec::new());
        scratch.call_function(function);
        Some(Trace { events: scratch.start_events.take().unwrap_or_default(), diagnostics: scratch.diagnostics })
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
        Expander::new(&mut self.env, self.file).with_positional(params)
    }

    fn fix_loc(&self, mut u: Vec<Uncertainty>) -> Vec<Uncertainty> {
        if let Some(s) = self.span_override {
            for x in &mut u {
                match x {
                    Uncertainty::CommandSubst(l) | Uncertainty::Arithmetic(l) | Uncertainty::CommandOutput(l) => {
                        l.span = s
                    }
                    Uncertainty::UnsetVariable { loc, .. } | Uncertainty::Runtime { loc, .. } => loc.span = s,
                    Uncertainty::Conditional { cond } => cond.span = s,
                }
            }
        }
        u
    }

    fn list(&mut self, list: &List) -> (Status, Flow) {
        let mut status = Status::True;
        for item in &list.items {
            if item.background {
                // `cmd &` runs in a subshell: nothing it assigns is seen.
                let saved = self.env.clone();
                let was = std::mem::replace(&mut self.in_background, true);
                let _ = self.and_or(&item.and_or);
                self.in_background = was;
                self.env = saved;
                status = Status::True;
                continue;
            }
            let (s, flow) = self.and_or(&item.and_or);
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
                }
                Status::False => {}
                Status::Unknown => {
                    let cond = self.loc(ao.first.span.join(pl.span));
                    let s = self.speculate(cond, |me| me.pipeline(pl).0);
                    status = match (op, s) {
                        (AndOrOp::And, Status::False) => Status::False,
                        (AndOrOp::Or, Status::True) => Status::True,
                        _ => Status::Unknown,
                    };
                }
            }
        }
        (status, Flow::Next)
    }

    /// Runs `f` on a copy of the state as if an undecidable condition held, then merges: what it
    /// changed becomes conditional on `cond`.
    fn speculate<T>(&mut self, cond: Loc, f: impl FnOnce(&mut Self) -> T) -> T {
        let before = self.env.clone();
        self.speculative += 1;
        let out = f(self);
        self.speculative -= 1;
        let after = std::mem::take(&mut self.env);
        self.env = merge(before, &after, cond);
        out
    }

    fn pipeline(&mut self, pl: &Pipeline) -> (Status, Flow) {
        let (status, flow) = if pl.commands.len() == 1 {
            self.command(&pl.commands[0])
        } else {
            // Every part of a pipeline runs in a subshell.
            let saved = self.env.clone();
            for c in &pl.commands {
                let _ = self.command(c);
            }
            self.env = saved;
            (Status::Unknown, Flow::Next)
        };
        (if pl.negated { !status } else { status }, flow)
    }

    fn command(&mut self, c: &Command) -> (Status, Flow) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            if self.steps == MAX_STEPS + 1 {
                let at = self.loc(c.span());
                self.diag(EvalError::TooManySteps { limit: MAX_STEPS, span: at.span.into() });
            }
            return (Status::Unknown, Flow::Exit);
        }
        match c {
            Command::Simple(sc) => self.simple(sc),
            Command::Compound(cc, _) => self.compound(cc),
            Command::FunctionDef(fd) => {
                self.functions.insert(fd.name.clone(), Function { def: Rc::new(fd.clone()), file: self.file });
                (Status::True, Flow::Next)
            }
        }
    }

    fn compound(&mut self, cc: &CompoundCommand) -> (Status, Flow) {
        match &cc.kind {
            CompoundKind::BraceGroup(l) => self.list(l),
            CompoundKind::Subshell(l) => {
                let saved = self.env.clone();
                let (s, _) = self.list(l);
                self.env = saved;
                (s, Flow::Next)
            }
            CompoundKind::If { branches, else_body } => self.if_chain(branches, else_body.as_ref()),
            CompoundKind::Loop { until, condition, body } => {
                let (c, flow) = self.list(condition);
                if flow != Flow::Next {
                    return (c, flow);
                }
                let enters = if *until { !c } else { c };
                if enters == Status::False {
                    return (Status::True, Flow::Next);
                }
                // A loop rc2s6 cannot unroll: whatever it assigns depends on how often it runs.
                let cond = self.loc(cc.span);
                self.speculate(cond, |me| {
                    let _ = me.list(body);
                });
                (Status::Unknown, Flow::Next)
            }
            CompoundKind::For { var, words, body, .. } => {
                let fields = match words {
                    Some(ws) => {
                        let mut ex = self.expander();
                        ex.fields(ws)
                    }
                    None => Fields {
                        fields: Vec::new(),
                        uncertain: vec![Uncertainty::Runtime { what: "`$@`".into(), loc: self.loc(cc.span) }],
                    },
                };
                let exact = !fields.uncertain.iter().any(Uncertainty::is_unknowable)
                    && !fields.fields.iter().any(|f| f.glob)
                    && fields.fields.len() <= MAX_LOOP;
                if exact {
                    for f in &fields.fields {
                        self.env.set(var, ShellValue::known(f.text.clone()), Some(self.loc(cc.span)));
                        let (_, flow) = self.list(body);
                        match flow {
                            Flow::Break => break,
                            Flow::Return | Flow::Exit => return (Status::Unknown, flow),
                            _ => {}
                        }
                    }
                    (Status::True, Flow::Next)
                } else {
                    let cond = self.loc(cc.span);
                    self.speculate(cond, |me| {
                        me.env.set(
                            var,
                            ShellValue { text: String::new(), uncertain: vec![Uncertainty::Conditional { cond }] },
                            Some(cond),
                        );
                        let _ = me.list(body);
                    });
                    (Status::Unknown, Flow::Next)
                }
            }
            CompoundKind::Case { word, items } => self.case(word, items, cc.span),
            CompoundKind::DoubleBracket(words) => {
                let mut ex = self.expander();
                let args: Vec<ShellValue> = words.iter().map(|w| ex.string(w)).collect();
                (test_expr::evaluate_values(&args, true), Flow::Next)
            }
            CompoundKind::Arithmetic(_) => (Status::Unknown, Flow::Next),
        }
    }

    fn if_chain(&mut self, branches: &[(List, List)], else_body: Option<&List>) -> (Status, Flow) {
        let Some(((cond, body), rest)) = branches.split_first() else {
            return match else_body {
                Some(e) => self.list(e),
                None => (Status::True, Flow::Next),
            };
        };
        let (c, flow) = self.list(cond);
        if flow != Flow::Next {
            return (c, flow);
        }
        match c {
            Status::True => self.list(body),
            Status::False => self.if_chain(rest, else_body),
            Status::Unknown => {
                let cond_loc = self.loc(cond.span);
                // Both ways, each on its own copy, then merge what differs.
                let before = self.env.clone();
                let mark = self.start_events.as_ref().map(Vec::len);
                self.speculative += 1;
                let (s1, f1) = self.list(body);
                let taken = std::mem::replace(&mut self.env, before.clone());
                let middle = self.start_events.as_ref().map(Vec::len);
                let (s2, f2) = self.if_chain(rest, else_body);
                self.speculative -= 1;
                let other = std::mem::replace(&mut self.env, before);
                if let (Some(start), Some(middle)) = (mark, middle) {
                    if let Some(first) = self.guarded_launch(start, middle) {
                        // One way starts the daemon, the other only fails: the start that
                        // matters is the one that launches, as if its condition held.
                        self.env = if first { taken } else { other };
                        return if first { (s1, f1) } else { (s2, f2) };
                    }
                }
                self.env = merge(other, &taken, cond_loc);
                let flow = if f1 == f2 { f1 } else { Flow::Next };
                (if s1 == s2 { s1 } else { Status::Unknown }, flow)
            }
        }
    }

    fn case(&mut self, word: &Word, items: &[CaseItem], span: Span) -> (Status, Flow) {
        let subject = {
            let mut ex = self.expander();
            ex.string(word)
        };
        let subject_known = !subject.is_unknowable();
        let mut fell_through = false;
        for (i, item) in items.iter().enumerate() {
            let mut verdict = if fell_through { Status::True } else { Status::False };
            if !fell_through {
                for p in &item.patterns {
                    let (pat, unc) = {
                        let mut ex = self.expander();
                        ex.pattern(p)
                    };
                    if !subject_known || unc.iter().any(Uncertainty::is_unknowable) {
                        verdict = Status::Unknown;
                    } else if pat.matches(&subject.text) {
                        verdict = Status::True;
                        break;
                    }
                }
            }
            match verdict {
                Status::True => {
                    let (s, flow) = match &item.body {
                        Some(b) => self.list(b),
                        None => (Status::True, Flow::Next),
                    };
                    if flow != Flow::Next {
                        return (s, flow);
                    }
                    if item.terminator.as_deref() == Some(";&") {
                        fell_through = true;
                        continue;
                    }
                    return (s, Flow::Next);
                }
                Status::False => {}
                Status::Unknown => {
                    let cond = self.loc(item.span);
                    let rest = &items[i..];
                    // The subject or a pattern is unknown: any remaining item may run.
                    let before = self.env.clone();
                    let mut merged = before.clone();
                    self.speculative += 1;
                    for it in rest {
                        self.env = before.clone();
                        if let Some(b) = &it.body {
                            let _ = self.list(b);
                        }
                        merged = merge(merged, &self.env, cond);
                    }
                    self.speculative -= 1;
                    self.env = merged;
                    let _ = span;
                    return (Status::Unknown, Flow::Next);
                }
            }
        }
        (Status::True, Flow::Next)
    }

    fn simple(&mut self, sc: &SimpleCommand) -> (Status, Flow) {
        if sc.words.is_empty() {
            let mut status = Status::True;
            for a in &sc.assignments {
                let had_subst = self.assign(a, false);
                if had_subst {
                    status = Status::Unknown;
                }
            }
            return (status, Flow::Next);
        }
        let name = sc.words[0].static_text();
        if let Some(n) = name.as_deref() {
            if matches!(n, "export" | "local" | "readonly" | "declare" | "typeset") {
                return (self.declaration(n, sc), Flow::Next);
            }
        }
        let fields = {
            let mut ex = self.expander();
            ex.fields(&sc.words)
        };
        let uncertain = self.fix_loc(fields.uncertain.clone());
        let args = fields.texts();
        let Some(cmd) = args.first().cloned() else { return (Status::True, Flow::Next) };
        let known = !uncertain.iter().any(Uncertainty::is_unknowable);
        let rest = &args[1..];
        let span = self.span_override.unwrap_or(sc.span);
        if self.start_events.is_some() {
            // Per word, so that only the words the daemon uses can make it unconvertible.
            let (words, per_word) = self.per_word_fields(&sc.words);
            if let Some(status) = self.record_start_event(&cmd, &words, &per_word, sc.span) {
                return (status, Flow::Next);
            }
        }
        match cmd.as_str() {
            ":" | "true" => (Status::True, Flow::Next),
            "false" => (Status::False, Flow::Next),
            "[" | "test" => {
                if !known {
                    return (Status::Unknown, Flow::Next);
                }
                let mut targs: Vec<String> = rest.to_vec();
                if cmd == "[" {
                    if targs.last().map(String::as_str) != Some("]") {
                        return (Status::False, Flow::Next);
                    }
                    targs.pop();
                }
                let values: Vec<ShellValue> = targs.into_iter().map(ShellValue::known).collect();
                (test_expr::evaluate_values(&values, false), Flow::Next)
            }
            "yesno" => {
                if !known {
                    return (Status::Unknown, Flow::Next);
                }
                (self.yesno(rest.first().map(String::as_str).unwrap_or("")), Flow::Next)
            }
            "unset" => {
                for n in rest.iter().filter(|a| !a.starts_with('-')) {
                    self.env.unset(n);
                }
                (Status::True, Flow::Next)
            }
            "return" => (self.status_arg(rest), Flow::Return),
            "exit" => (self.status_arg(rest), Flow::Exit),
            "break" => (Status::True, Flow::Break),
            "continue" => (Status::True, Flow::Continue),
            "." | "source" => {
                self.diag(EvalError::SourcedFile { command: cmd.clone(), span: span.into() });
                (Status::Unknown, Flow::Next)
            }
            "eval" => (self.eval(rest, known, sc.span), Flow::Next),
            "read" | "getopts" => {
                let names: Vec<&String> = if cmd == "read" {
                    rest.iter().filter(|a| !a.starts_with('-')).collect()
                } else {
                    rest.iter().skip(1).take(1).collect()
                };
                for n in names {
                    if crate::shell::parse::is_posix_name(n) {
                        let v = ShellValue {
                            text: String::new(),
                            uncertain: vec![Uncertainty::CommandOutput(self.loc(sc.span))],
                        };
                        self.env.set(n, v, Some(self.loc(sc.span)));
                    }
                }
                (Status::Unknown, Flow::Next)
            }
            "set" if rest.first().map(String::as_str) == Some("--") => {
                if let Some(top) = self.positional.last_mut() {
                    *top = Some(rest[1..].to_vec());
                }
                (Status::True, Flow::Next)
            }
            "shift" => {
                let n = rest.first().and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
                if let Some(Some(params)) = self.positional.last_mut() {
                    let n = n.min(params.len());
                    params.drain(..n);
                }
                (Status::True, Flow::Next)
            }
            "set" => {
                // `set -a` / `set +a` (also `-o allexport`): conf.d files use it to export what
                // they assign to the daemon.
                if known {
                    let mut words = rest.iter();
                    while let Some(w) = words.next() {
                        let on = match w.chars().next() {
                            Some('-') => true,
                            Some('+') => false,
                            _ => break,
                        };
                        if w == "-" || w == "--" {
                            break;
                        }
                        if w[1..] == *"o" {
                            if words.next().map(String::as_str) == Some("allexport") {
                                self.env.allexport = on;
                            }
                        } else if w[1..].contains('a') {
                            self.env.allexport = on;
                        }
                    }
                }
                (Status::Unknown, Flow::Next)
            }
            "cd" | "umask" | "ulimit" | "trap" | "wait" => (Status::Unknown, Flow::Next),
            _ if self.collect_deps && DEP_FUNCTIONS.contains(&cmd.as_str()) => {
                self.dep_calls.push(DepCall {
                    kind: cmd.clone(),
                    args: rest.to_vec(),
                    loc: self.loc(sc.span),
                    conditional: self.speculative > 0,
                    uncertain: !uncertain.is_empty(),
                });
                (Status::True, Flow::Next)
            }
            _ => {
                if let Some(f) = self.functions.get(&cmd).cloned() {
                    // Arguments only known at run time make `$1`… unknown, but the function still
                    // runs: what it assigns matters.
                    let args = known.then(|| rest.to_vec());
                    return (self.call(&f, args), Flow::Next);
                }
                if !known {
                    return (Status::Unknown, Flow::Next);
                }
                // Any other command (OpenRC's helpers, external programs) has no effect on
                // variables and an exit status only known at run time.
                (Status::Unknown, Flow::Next)
            }
        }
    }

    /// In `start()`, when of the two ways an undecidable `if` can go (events `start..middle` and
    /// `middle..`) exactly one launches the daemon and the other fails, keeps the launching one's
    /// events as unconditional and drops the other's; returns whether the first way won.
    fn guarded_launch(&mut self, start: usize, middle: usize) -> Option<bool> {
        let events = self.start_events.as_mut()?;
        let launches = |e: &[StartEvent]| {
            e.iter().any(|x| matches!(x, StartEvent::Launch { .. } | StartEvent::DefaultStart { .. }))
        };
        let fails = |e: &[StartEvent]| e.iter().any(|x| matches!(x, StartEvent::Failure { .. }));
        let (a, b) = (&events[start..middle], &events[middle..]);
        let first = match (launches(a), launches(b)) {
            (true, false) if fails(b) => true,
            (false, true) if fails(a) => false,
            _ => return None,
        };
        let kept: Vec<StartEvent> = if first { events[start..middle].to_vec() } else { events[middle..].to_vec() };
        events.truncate(start);
        let outer = self.speculative > 0;
        for mut e in kept {
            match &mut e {
                StartEvent::Launch { conditional, .. }
                | StartEvent::DefaultStart { conditional, .. }
                | StartEvent::Command { conditional, .. }
                | StartEvent::ShellSetting { conditional, .. } => *conditional = outer,
                StartEvent::Failure { .. } => {}
            }
            events.push(e);
        }
        Some(first)
    }

    /// The fields of `words`, each with the uncertainties of the word it came from (expanded on
    /// a copy: assignments in expansions already happened once).
    fn per_word_fields(&self, words: &[Word]) -> (Vec<String>, Vec<Vec<Uncertainty>>) {
        let mut env = self.env.clone();
        let params = self.positional.last().and_then(|p| p.as_deref());
        let mut texts = Vec::new();
        let mut unc = Vec::new();
        for w in words {
            let f = Expander::new(&mut env, self.file).with_positional(params).fields(std::slice::from_ref(w));
            let u = self.fix_loc(f.uncertain);
            for field in f.fields {
                texts.push(field.text);
                unc.push(u.clone());
            }
        }
        (texts, unc)
    }

    /// Records what a command in `start()` means for compiling it; `Some` when the command is
    /// fully handled here.
    fn record_start_event(
        &mut self,
        cmd: &str,
        args: &[String],
        uncertain: &[Vec<Uncertainty>],
        span: Span,
    ) -> Option<Status> {
        let loc = self.loc(span);
        let conditional = self.speculative > 0;
        let base = cmd.rsplit('/').next().unwrap_or(cmd);
        let command_var = self.env.get("command").map(|v| v.value.text.clone()).filter(|c| !c.is_empty());
        let program = match base {
            "start-stop-daemon"
                if args.iter().any(|a| {
                    a == "--start" || a == "-S" || (a.starts_with('-') && !a.starts_with("--") && a.contains('S'))
                }) =>
            {
                Some(LaunchProgram::StartStopDaemon)
            }
            "supervise-daemon" if args.iter().any(|a| a == "--start" || a == "-S") => {
                Some(LaunchProgram::SuperviseDaemon)
            }
            _ if command_var.as_deref() == Some(cmd) => Some(LaunchProgram::Direct),
            _ => None,
        };
        let events = self.start_events.as_mut()?;
        if let Some(program) = program {
            events.push(StartEvent::Launch {
                program,
                words: args.to_vec(),
                uncertain: uncertain.to_vec(),
                loc,
                conditional,
                background: self.in_background,
            });
            return Some(Status::Unknown);
        }
        if cmd == "default_start" {
            events.push(StartEvent::DefaultStart { loc, conditional, env: Box::new(self.env.clone()) });
            return Some(Status::Unknown);
        }
        let nonzero = |w: Option<&String>| w.is_some_and(|w| w.parse::<i64>().is_ok_and(|n| n != 0));
        let failure = match base {
            "return" | "exit" => nonzero(args.get(1)),
            "eend" | "veend" => nonzero(args.get(1)),
            "eerror" => true,
            _ => false,
        };
        if failure {
            events.push(StartEvent::Failure { loc, certain: !conditional });
            if matches!(base, "return" | "exit") {
                // A failed check ends this path; the start that matters is the one that gets
                // past the checks, so carry on as if it had passed.
                return Some(Status::False);
            }
        }
        if matches!(cmd, "ulimit" | "umask" | "cd") {
            events.push(StartEvent::ShellSetting { name: cmd.to_string(), args: args[1..].to_vec(), loc, conditional });
            return None;
        }
        if self.functions.contains_key(cmd) || PREPARATION.contains(&base) || DEP_FUNCTIONS.contains(&cmd) {
            return None;
        }
        if matches!(
            cmd,
            "return" | "exit" | "break" | "continue" | "unset" | "read" | "eval" | "." | "source" | "set" | "shift"
        ) {
            return None;
        }
        events.push(StartEvent::Command {
            name: cmd.to_string(),
            loc,
            conditional,
            words: args.to_vec(),
            uncertain: uncertain.to_vec(),
            background: self.in_background,
        });
        None
    }

    fn status_arg(&self, rest: &[String]) -> Status {
        match rest.first().map(|s| s.parse::<i32>()) {
            None => Status::Unknown,
            Some(Ok(0)) => Status::True,
            Some(Ok(_)) => Status::False,
            Some(Err(_)) => Status::Unknown,
        }
    }

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
        let (s, _) = self.command(&f.def.body);
        self.positional.pop();
        self.env.pop_scope();
        self.file = saved_file;
        self.span_override = saved_override;
        self.depth -= 1;
        s
    }

    /// OpenRC's `yesno`: yes/true/on/1 and no/false/off/0, else the value of the named variable.
    fn yesno(&self, arg: &str) -> Status {
        fn word(s: &str) -> Option<bool> {
            match s.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" => Some(true),
                "no" | "false" | "off" | "0" => Some(false),
                _ => None,
            }
        }
        if arg.is_empty() {
            return Status::False;
        }
        if let Some(b) = word(arg) {
            return Status::from_bool(b);
        }
        match self.env.get(arg) {
            Some(v) if v.value.is_unknowable() => Status::Unknown,
            Some(v) => Status::from_bool(word(&v.value.text) == Some(true)),
            None => Status::False,
        }
    }

    /// Assigns; returns whether the value held a command substitution (which sets `$?`).
    fn assign(&mut self, a: &Assignment, local: bool) -> bool {
        if local {
            self.env.declare_local(&a.name);
        }
        let at = Some(self.loc(a.span));
        let (value, had_subst) = match &a.value {
            AssignValue::Empty => (ShellValue::known(""), false),
            AssignValue::Word(w) => {
                let v = {
                    let mut ex = self.expander();
                    ex.string(w)
                };
                let v = ShellValue { text: v.text, uncertain: self.fix_loc(v.uncertain) };
                let subst = v.uncertain.iter().any(|u| matches!(u, Uncertainty::CommandSubst(_)));
                (v, subst)
            }
            AssignValue::Array(_, span) => (
                ShellValue {
                    text: String::new(),
                    uncertain: vec![Uncertainty::Runtime { what: "bash array".into(), loc: self.loc(*span) }],
                },
                false,
            ),
        };
        let value = if a.append {
            let mut old = self.env.get(&a.name).map(|v| v.value.clone()).unwrap_or_default();
            old.text.push_str(&value.text);
            old.taint(value.uncertain);
            old
        } else if a.index.is_some() {
            ShellValue {
                text: String::new(),
                uncertain: vec![Uncertainty::Runtime { what: "bash array".into(), loc: self.loc(a.span) }],
            }
        } else {
            value
        };
        self.env.set(&a.name, value, at);
        if self.env.allexport {
            self.env.export(&a.name);
        }
        had_subst
    }

    /// `export`, `local`, `readonly`: arguments that look like assignments are assignments
    /// (no field splitting, as dash ≥ 0.5.11 does for declaration utilities).
    fn declaration(&mut self, cmd: &str, sc: &SimpleCommand) -> Status {
        let local = matches!(cmd, "local" | "declare" | "typeset");
        for w in &sc.words[1..] {
            if let Some(a) = split_assignment_word(w) {
                self.assign(&a, local && self.env.in_function());
                if cmd == "export" {
                    self.env.export(&a.name);
                }
                continue;
            }
            let fields = {
                let mut ex = self.expander();
                ex.fields(std::slice::from_ref(w))
            };
            for f in fields.fields {
                if f.text.starts_with('-') || !crate::shell::parse::is_posix_name(&f.text) {
                    continue;
                }
                if local && self.env.in_function() {
                    self.env.declare_local(&f.text);
                } else if cmd == "export" {
                    self.env.export(&f.text);
                }
            }
        }
        Status::True
    }

    fn eval(&mut self, rest: &[String], known: bool, span: Span) -> Status {
        let text = rest.join(" ");
        if !known {
            let s = self.span_override.unwrap_or(span);
            self.diag(EvalError::UnknownEval { span: s.into() });
            return Status::Unknown;
        }
        let out = crate::shell::parse::parse_command_line(&text);
        match out.script {
            Some(script) => {
                let saved = self.span_override;
                self.span_override = Some(saved.unwrap_or(span));
                let (s, _) = self.list(&script.body);
                self.span_override = saved;
                s
            }
            None => Status::Unknown,
        }
    }
}

/// Merges the state after an undecidable branch into the state without it: every variable whose
/// value differs becomes conditional on `cond`.
pub fn merge(base: Environment, taken: &Environment, cond: Loc) -> Environment {
    let mut names = base.names();
    names.extend(taken.names());
    names.sort();
    names.dedup();
    // What changes is worked out first, reading `base`, then written into it.
    let mut changes = Vec::new();
    for name in names {
        let a = base.get(&name);
        let b = taken.get(&name);
        // A `local` the branch declared stays local to the function: the variable it shadows
        // is not changed by the branch.
        let local = taken.is_innermost_local(&name) && !base.is_innermost_local(&name);
        if a == b && !local {
            continue;
        }
        match (a, b) {
            (_, Some(vb)) => {
                let mut v = vb.value.clone();
                if let Some(va) = a {
                    v.taint(va.value.uncertain.clone());
                }
                v.taint([Uncertainty::Conditional { cond }]);
                let exported = vb.exported || a.is_some_and(|x| x.exported);
                changes.push((name, v, vb.assigned_at, exported, local));
            }
            (Some(va), None) => {
                let mut v = va.value.clone();
                v.taint([Uncertainty::Conditional { cond }]);
                changes.push((name, v, va.assigned_at, false, local));
            }
            (None, None) => {}
        }
    }
    let mut out = base;
    for (name, v, at, exported, local) in changes {
        if local {
            out.declare_local(&name);
        }
        out.set(&name, v, at);
        if exported {
            out.export(&name);
        }
    }
    out
}

/// `NAME=value` written as a command argument (`export NAME=value`): the assignment it means.
pub fn split_assignment_word(w: &Word) -> Option<Assignment> {
    let first = w.parts.first()?;
    let WordPartKind::Literal(text) = &first.kind else { return None };
    let eq = text.find('=')?;
    let (name, append) = match text[..eq].strip_suffix('+') {
        Some(n) => (n, true),
        None => (&text[..eq], false),
    };
    if !crate::shell::parse::is_posix_name(name) {
        return None;
    }
    let value_start = first.span.start + eq + 1;
    let mut parts = Vec::new();
    let tail = &text[eq + 1..];
    if !tail.is_empty() {
        parts.push(WordPart {
            kind: WordPartKind::Literal(tail.to_string()),
            span: Span::new(value_start, first.span.end),
        });
    }
    parts.extend(w.parts[1..].iter().cloned());
    let value = if parts.is_empty() {
        AssignValue::Empty
    } else {
        AssignValue::Word(Word { parts, span: Span::new(value_start, w.span.end) })
    };
    Some(Assignment {
        name: name.to_string(),
        name_span: Span::new(first.span.start, first.span.start + name.len()),
        index: None,
        append,
        value,
        span: w.span,
    })
}
