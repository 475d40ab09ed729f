//! Assignments (`x=…`, `x+=…`, bash arrays as unknown) and the declaration builtins (`export`,
//! `local`, `readonly`, …) whose arguments can be assignments. `${x:=…}` assigns in the expander.

use crate::core::source::Span;
use crate::shell::ast::{AssignValue, Assignment, SimpleCommand, Word, WordPart, WordPartKind};

use super::super::error::EvalError;
use super::super::observer::Observer;
use super::super::value::{ShellValue, Uncertainty};
use super::{Interpreter, Status};

impl<O: Observer> Interpreter<O> {
    /// A command of assignments only: true, or unknown when a value holds a command
    /// substitution (whose exit status becomes the command's).
    pub(super) fn assignments(&mut self, assignments: &[Assignment]) -> Status {
        let mut status = Status::True;
        for a in assignments {
            if let Some(s) = self.assign(a, false) {
                status = s;
            }
        }
        status
    }

    /// Assigns; returns the exit status of the value's command substitutions (which sets `$?`):
    /// unknown when one only runs at run time, else the last one's, `None` when there is none.
    pub(super) fn assign(&mut self, a: &Assignment, local: bool) -> Option<Status> {
        if local {
            self.env.declare_local(&a.name);
        }
        let at = Some(self.loc(a.span));
        let (value, had_subst) = match &a.value {
            AssignValue::Empty => (ShellValue::known(""), None),
            AssignValue::Word(w) => {
                let (v, computed) = {
                    let mut ex = self.expander();
                    let v = ex.string(w);
                    (v, ex.subst_status())
                };
                let v = ShellValue { text: v.text, uncertain: self.fix_loc(v.uncertain) };
                let unknown =
                    v.uncertain.iter().any(|u| matches!(u, Uncertainty::CommandSubst(_) | Uncertainty::AtStart { .. }));
                (v, if unknown { Some(Status::Unknown) } else { computed })
            }
            AssignValue::Array(_, span) => (
                ShellValue {
                    text: String::new(),
                    uncertain: vec![Uncertainty::Runtime { what: "bash array".into(), loc: self.loc(*span) }],
                },
                None,
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
    pub(super) fn declaration(&mut self, cmd: &str, sc: &SimpleCommand) -> Status {
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
            let uncertain = self.fix_loc(fields.uncertain);
            if uncertain.iter().any(Uncertainty::is_unknowable) {
                // `export $(cat f)`: the names are as unknown as the text (dash, bash and busybox
                // ash each assign and export whatever fields it makes).
                let span = self.span_override.unwrap_or(sc.span);
                self.diag(EvalError::UnknownDeclaration { command: cmd.to_string(), span: span.into() });
                continue;
            }
            for f in fields.fields {
                if let Some((name, text)) =
                    f.text.split_once('=').filter(|(n, _)| crate::shell::parse::is_posix_name(n))
                {
                    // A field that reads `NAME=value` once expanded (`export $ENV`, ENV="A=1"):
                    // the builtin assigns it as it stands (dash, bash and busybox ash alike).
                    let value = ShellValue { text: text.to_string(), uncertain: uncertain.clone() };
                    if local && self.env.in_function() {
                        self.env.declare_local(name);
                    }
                    self.env.set(name, value, Some(self.loc(f.span)));
                    if cmd == "export" || self.env.allexport {
                        self.env.export(name);
                    }
                    continue;
                }
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
}

/// `NAME=value` written as a command argument (`export NAME=value`): the assignment it means.
fn split_assignment_word(w: &Word) -> Option<Assignment> {
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
