//! What every step of building a daemon reads — the variables as start() leaves them, where the
//! launch came from, the user's options — and the one [`Report`] they all write to. Reading a
//! value reports what makes it inexact.

use super::super::error::ModelError;
use super::super::inputs::ModelOptions;
use super::super::uncertainty::{Texts, Unknowable, confd_decides, explain_uncertainty};
use super::eval_line::{self, EvalInput, EvalProblem};
use super::report::{Refused, Report};
use crate::eval::at_start::AtStart;
use crate::eval::environment::{Environment, Variable};
use crate::eval::value::{Loc, ShellValue, Uncertainty};
use crate::openrc::variables::is_openrc_variable;

/// A value and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was set (or the place that stands for it).
    pub at: Loc,
}

/// Where the daemon's command line and options come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// OpenRC's backend builds them from `command`, `command_args`, `start_stop_daemon_args`, ….
    Variables,
    /// The start-stop-daemon, supervise-daemon or direct call in `start()`, here.
    StartCall(Loc),
}

/// What the steps read, and where they report.
pub struct Context<'a> {
    env: &'a Environment,
    /// Where to point diagnostics that have no better place: the script's first line.
    fallback: Loc,
    /// The user's choices, and the OpenRC release the service is for.
    pub options: &'a ModelOptions,
    /// Where the launch came from.
    pub origin: Origin,
    /// Every diagnostic and decision.
    pub report: Report,
    /// The loaded files' texts, to quote the conditions values are set under.
    texts: Texts<'a>,
    /// Whether a value computed at start may be read now (the daemon's arguments), and the ones
    /// read: where each is used is checked once the daemon is built (`at_start`).
    pub at_start: AtStartUses,
}

/// The values computed at start the command line reads.
#[derive(Debug, Default)]
pub struct AtStartUses {
    /// Whether the value being read may hold one (it is the daemon's arguments).
    pub allowed: bool,
    /// Each one read, with the variable that holds it, in the order read.
    pub used: Vec<(String, AtStart, Loc)>,
    /// Each one read where it may not be: reported already.
    pub refused: Vec<AtStart>,
}

impl<'a> Context<'a> {
    /// A context over the variables in `env`.
    pub fn new(
        env: &'a Environment,
        fallback: Loc,
        options: &'a ModelOptions,
        origin: Origin,
        texts: Texts<'a>,
    ) -> Self {
        Context { env, fallback, options, origin, report: Report::default(), texts, at_start: AtStartUses::default() }
    }

    /// Whether OpenRC's backend builds the command line from the variables.
    pub fn declarative(&self) -> bool {
        self.origin == Origin::Variables
    }

    /// Whether `command_background` says yes (OpenRC's `yesno`): the backend starts the daemon
    /// with start-stop-daemon's `--background`.
    pub fn command_background(&self) -> bool {
        self.var("command_background").is_some_and(|v| says_yes(&v.value.text))
    }

    /// The place diagnostics point at when nothing better is known: the script's first line.
    pub fn fallback(&self) -> Loc {
        self.fallback
    }

    /// A variable's value and where it was assigned, if it is set; not checked.
    pub fn var(&self, name: &str) -> Option<Located<ShellValue>> {
        self.env.get(name).map(|v| Located { value: v.value.clone(), at: v.assigned_at.unwrap_or(self.fallback) })
    }

    /// Every global variable, sorted by name.
    pub fn globals(&self) -> impl Iterator<Item = (&str, &Variable)> {
        self.env.globals()
    }

    /// Whether a variable is set to something other than "" (whether or not that is exact).
    pub fn is_non_empty(&self, name: &str) -> bool {
        self.var(name).is_some_and(|v| !v.value.text.is_empty())
    }

    /// A non-empty variable value, checked; `None` when unset, empty or unknowable.
    pub fn setting(&mut self, name: &str) -> Option<Located<String>> {
        let Located { value, at } = self.var(name)?;
        if value.text.is_empty() && value.is_exact() {
            return None;
        }
        self.check(name, &value).ok()?;
        (!value.text.is_empty()).then_some(Located { value: value.text, at })
    }

    /// Reports what makes a value inexact; refuses it when it cannot be known at all.
    pub fn check(&mut self, variable: &str, value: &ShellValue) -> Result<(), Refused> {
        let mut result = Ok(());
        for u in &value.uncertain {
            match u {
                Uncertainty::UnsetVariable { name, loc } => {
                    if !is_openrc_variable(name) {
                        self.report.add(*loc, ModelError::UnsetVariable { name: name.clone(), span: loc.span.into() });
                    }
                }
                // `command` is the program: s6 needs it known.
                Uncertainty::AtStart { command, loc } if self.at_start.allowed && variable != "command" => {
                    let used = (variable.to_string(), command.clone(), *loc);
                    if !self.at_start.used.contains(&used) {
                        self.at_start.used.push(used);
                    }
                }
                other => {
                    if let Uncertainty::AtStart { command, .. } = other {
                        self.at_start.refused.push(command.clone());
                    }
                    let Unknowable { why, help } = explain_uncertainty(other, &self.texts, &|name| {
                        confd_decides(self.env, self.fallback.file, name)
                    });
                    let loc = other.loc();
                    let error = ModelError::UnknowableValue {
                        variable: variable.to_string(),
                        why,
                        span: loc.span.into(),
                        help,
                    };
                    result = Err(self.report.refuse(loc, error));
                }
            }
        }
        result
    }

    /// `eval`, for the daemon's command line: a value computed at start may be in it (where
    /// each lands is checked once the daemon is built).
    pub fn eval_command_line(&mut self, names: &[&str]) -> Result<Vec<Vec<String>>, Refused> {
        self.at_start.allowed = true;
        let words = self.eval(names);
        self.at_start.allowed = false;
        words
    }

    /// Variables eval'd together, as the backend's start line does: each one's words, in `names`
    /// order, empty for unset ones.
    pub fn eval(&mut self, names: &[&str]) -> Result<Vec<Vec<String>>, Refused> {
        let mut result = Ok(());
        let mut set = Vec::new();
        for n in names {
            if let Some(v) = self.var(n) {
                result = result.and(self.check(n, &v.value));
                set.push((*n, v));
            }
        }
        let inputs: Vec<EvalInput> =
            set.iter().map(|(n, v)| EvalInput { name: n, value: &v.value, loc: v.at }).collect();
        let out = eval_line::eval_words(self.env, &inputs);
        result = result.and(self.eval_problems(out.problems));
        let mut per_name = vec![Vec::new(); names.len()];
        let mut words = out.words.into_iter();
        for ((n, _), count) in set.iter().zip(out.counts) {
            let idx = names.iter().position(|x| x == n).unwrap_or(0);
            per_name[idx] = words.by_ref().take(count).collect();
        }
        result.map(|()| per_name)
    }

    fn eval_problems(&mut self, problems: Vec<EvalProblem>) -> Result<(), Refused> {
        let mut result = Ok(());
        for p in problems {
            match p {
                EvalProblem::Syntax { variable, loc, what } => {
                    result =
                        Err(self.report.refuse(loc, ModelError::EvalSyntax { variable, what, span: loc.span.into() }));
                }
                EvalProblem::Glob { loc, text, .. } => {
                    self.report.add(loc, ModelError::GlobInArgv { text, span: loc.span.into() });
                }
                EvalProblem::Uncertain { variable, uncertainty, .. } => {
                    let v = ShellValue { text: String::new(), uncertain: vec![uncertainty] };
                    result = result.and(self.check(&variable, &v));
                }
            }
        }
        result
    }

    /// Where the start-stop-daemon/supervise-daemon options came from, for labels: the call in
    /// start(), or the variable that holds them.
    pub fn flags_at(&self) -> Loc {
        if let Origin::StartCall(call) = self.origin {
            return call;
        }
        self.var("start_stop_daemon_args").or_else(|| self.var("supervise_daemon_args")).map_or(self.fallback, |v| v.at)
    }

    /// An option's value when it is given (even empty), else, when the backend builds the
    /// command line, the variable's (checked).
    pub fn flag_or_setting(&mut self, flag: &Option<String>, var: &str) -> Option<Located<String>> {
        match flag {
            Some(v) => Some(Located { value: v.clone(), at: self.flags_at() }),
            None if self.declarative() => self.setting(var),
            None => None,
        }
    }

    /// The same, for options whose empty value counts as not given.
    pub fn non_empty_flag_or_setting(&mut self, flag: &Option<String>, var: &str) -> Option<Located<String>> {
        match flag {
            Some(v) if !v.is_empty() => Some(Located { value: v.clone(), at: self.flags_at() }),
            _ if self.declarative() => self.setting(var),
            _ => None,
        }
    }
}

/// Why a value known to be empty is empty, as a message says it: "it is set but empty", or
/// "it is empty because `X` is not set".
pub fn why_empty(value: &ShellValue) -> String {
    let unset = value.unset_variables();
    if unset.is_empty() {
        "it is set but empty".to_string()
    } else {
        let names: Vec<String> = unset.iter().map(|n| format!("`{n}`")).collect();
        format!("it is empty because {} is not set", names.join(", "))
    }
}

/// Whether OpenRC's `yesno` says yes to a value (functions.sh: yes, true, on or 1, any case).
pub fn says_yes(text: &str) -> bool {
    matches!(text.to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "1")
}
