//! What a caller learns from a run of the interpreter besides the variables: every simple command
//! as it is about to run. The interpreter knows the shell; an observer knows what commands mean
//! to it (OpenRC's `need`, `start-stop-daemon`, …), records them, and may take a command over.

use crate::core::source::{FileId, Span};
use crate::shell::ast::{AssignValue, Assignment, Redirect, RedirectKind};

use super::environment::Environment;
use super::expand::{Expander, WordShare};
use super::status::Status;
use super::value::{Loc, ShellValue, Uncertainty};

/// Watches the commands an interpreter runs. Every method has a default that does nothing, so
/// `()` is the observer of a plain run.
pub trait Observer {
    /// Sees a simple command before it runs; `Some(status)` takes it over: the interpreter does
    /// not run it and goes on with that status.
    fn command(&mut self, _command: &ObservedCommand<'_>) -> Option<Status> {
        None
    }

    /// A mark in what has been observed so far, taken before and between the two ways of an
    /// undecidable `if`; `None` when the observer never picks one way (see `pick_way`).
    fn mark(&self) -> Option<usize> {
        None
    }

    /// After both ways of an undecidable `if` ran, observed from mark `start` to `middle` and from
    /// `middle` on: the one way that alone counts (`Some(true)` for the first), if there is one.
    /// The interpreter then keeps that way's variables instead of merging both. `outer` is the
    /// innermost undecidable condition the `if` itself is under, if any.
    fn pick_way(&mut self, _start: usize, _middle: usize, _outer: Option<Loc>) -> Option<bool> {
        None
    }
}

/// The observer of a plain run: sees nothing, takes nothing over.
impl Observer for () {}

/// A simple command about to run, expanded, as an observer sees it.
pub struct ObservedCommand<'a> {
    /// The command name: the first field of the command's expansion.
    pub name: &'a str,
    /// Every field of the command expanded as a whole, the name first.
    pub fields: &'a [String],
    /// What makes any of those fields inexact.
    pub uncertain: &'a [Uncertainty],
    /// Where the command is (the `eval` that runs it, for eval'd text).
    pub loc: Loc,
    /// The innermost condition that cannot be decided the command is run under, if any.
    pub condition: Option<Loc>,
    /// Sent to the background with `&`.
    pub background: bool,
    /// Whether a loaded file defines a function of this name.
    pub is_function: bool,
    /// The variables as the command sees them.
    pub env: &'a Environment,
    /// Each word's share of `fields`, from the interpreter's own expansion, for `word_fields`.
    pub(super) shares: &'a [WordShare],
    /// The file the command is in.
    pub(super) file: FileId,
    /// The positional parameters, where known (for the assignments and redirections).
    pub(super) positional: Option<&'a [String]>,
    /// The span that stands for eval'd text.
    pub(super) span_override: Option<Span>,
    /// The assignments written before the command name (`FOO=bar cmd`).
    pub(super) assignments: &'a [Assignment],
    /// The command's redirections.
    pub(super) redirects: &'a [Redirect],
}

/// A redirection of a command about to run, its target expanded.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedRedirect {
    /// The file descriptor it changes (the operator's default when none is written: 0 for input,
    /// 1 for output).
    pub fd: u32,
    /// The operator as written (`<`, `>>`, `>&`, `<<`, …).
    pub op: String,
    /// The target: a file name, an fd number for `>&`/`<&`, or a here-document's text.
    pub target: ShellValue,
    /// Where the redirection is.
    pub loc: Loc,
}

/// The command's fields with, for each, what makes the word it came from inexact (aligned).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordFields {
    /// The fields, the command name first.
    pub texts: Vec<String>,
    /// What makes each field inexact, aligned with `texts`.
    pub uncertain: Vec<Vec<Uncertainty>>,
    /// Where each field's word is (the `eval` for eval'd text), aligned with `texts`.
    pub locs: Vec<Loc>,
}

impl ObservedCommand<'_> {
    /// The fields word by word, so that only the words a caller uses can make its result inexact:
    /// each word's share of the interpreter's expansion of the command, which is not expanded
    /// again.
    pub fn word_fields(&self) -> WordFields {
        let n = self.fields.len();
        let mut out =
            WordFields { texts: Vec::with_capacity(n), uncertain: Vec::with_capacity(n), locs: Vec::with_capacity(n) };
        let mut vanished: Vec<Uncertainty> = Vec::new();
        let mut fields = self.fields.iter();
        for share in self.shares {
            let u = at_span(share.uncertain.clone(), self.span_override);
            let loc = Loc { file: self.file, span: self.span_override.unwrap_or(share.span) };
            if share.count == 0 {
                // An unknowable word that expands to no field here may be one or several at run
                // time: every word after it may be in another place (an option's value, say).
                vanished.extend(u.iter().filter(|u| u.is_unknowable()).cloned());
            }
            for field in fields.by_ref().take(share.count) {
                out.texts.push(field.clone());
                out.uncertain.push(u.clone());
                out.locs.push(loc);
            }
        }
        for u in out.uncertain.iter_mut() {
            for v in &vanished {
                if !u.contains(v) {
                    u.push(v.clone());
                }
            }
        }
        out
    }
}

impl ObservedCommand<'_> {
    /// The assignments written before the command name, in order, expanded: the shell puts them
    /// in the environment of the command it runs (POSIX XCU 2.9.1), and nowhere else.
    pub fn prefix_assignments(&self) -> Vec<(String, ShellValue, Loc)> {
        if self.assignments.is_empty() {
            // Nearly every command: no copy of the variables to expand nothing in.
            return Vec::new();
        }
        let mut env = self.env.clone();
        let mut out = Vec::new();
        for a in self.assignments {
            let value = match &a.value {
                AssignValue::Empty => ShellValue::known(""),
                AssignValue::Word(w) => {
                    let v = Expander::new(&mut env, self.file).with_positional(self.positional).string(w);
                    ShellValue { text: v.text, uncertain: at_span(v.uncertain, self.span_override) }
                }
                AssignValue::Array(_, span) => ShellValue {
                    text: String::new(),
                    uncertain: vec![Uncertainty::Runtime {
                        what: "bash array".into(),
                        loc: Loc { file: self.file, span: self.span_override.unwrap_or(*span) },
                    }],
                },
            };
            let loc = Loc { file: self.file, span: self.span_override.unwrap_or(a.span) };
            out.push((a.name.clone(), value, loc));
        }
        out
    }

    /// The command's redirections, in order, each target expanded as the shell does (no field
    /// splitting). A here-document's body is its text; one whose delimiter is not quoted and
    /// whose body holds `$`, `` ` `` or a backslash is expanded by the shell, which rc2s6 does not do:
    /// its text is marked as only known at run time.
    /// Whether the command has redirections, without expanding them.
    pub fn has_redirections(&self) -> bool {
        !self.redirects.is_empty()
    }

    pub fn redirections(&self) -> Vec<ObservedRedirect> {
        if self.redirects.is_empty() {
            // Nearly every command: no copy of the variables to expand nothing in.
            return Vec::new();
        }
        let mut env = self.env.clone();
        let mut out = Vec::new();
        for r in self.redirects {
            let loc = Loc { file: self.file, span: self.span_override.unwrap_or(r.span) };
            let (op, target) = match &r.kind {
                RedirectKind::File(op, word) => {
                    let v = Expander::new(&mut env, self.file).with_positional(self.positional).string(word);
                    (op.clone(), ShellValue { text: v.text, uncertain: at_span(v.uncertain, self.span_override) })
                }
                RedirectKind::HereDoc(h) => {
                    let mut text = h.body.clone().unwrap_or_default();
                    if h.strip_tabs {
                        text = text.split_inclusive('\n').map(|l| l.trim_start_matches('\t')).collect();
                    }
                    let mut v = ShellValue::known(text);
                    if h.body.is_none() || (!h.quoted && v.text.contains(['$', '`', '\\'])) {
                        v.uncertain.push(Uncertainty::Runtime { what: "an expanded here-document".into(), loc });
                    }
                    (if h.strip_tabs { "<<-" } else { "<<" }.to_string(), v)
                }
            };
            let fd = r.fd.unwrap_or(if op.starts_with('<') { 0 } else { 1 });
            out.push(ObservedRedirect { fd, op, target, loc });
        }
        out
    }
}

/// Uncertainties moved to `span` when there is one: inside eval'd text, spans point into the text
/// `eval` parsed, and the `eval` command is the place a reader can find.
pub(super) fn at_span(mut uncertain: Vec<Uncertainty>, span: Option<Span>) -> Vec<Uncertainty> {
    if let Some(s) = span {
        for x in &mut uncertain {
            match x {
                Uncertainty::CommandSubst(l) | Uncertainty::Arithmetic(l) | Uncertainty::CommandOutput(l) => l.span = s,
                Uncertainty::UnsetVariable { loc, .. }
                | Uncertainty::Runtime { loc, .. }
                | Uncertainty::AtStart { loc, .. } => loc.span = s,
                Uncertainty::Conditional { cond } => cond.span = s,
            }
        }
    }
    uncertain
}
