//! A walk over everything a script's syntax tree holds, for rules that look at shell constructs
//! wherever they are: every pipeline and simple command (in function bodies, compound commands
//! and command substitutions too) and every part of every word (inside double quotes too).

use std::borrow::Cow;

use crate::core::file_name::basename;
use crate::shell::ast::{
    Command, CompoundKind, List, Pipeline, RedirectKind, SimpleCommand, Word, WordPart, WordPartKind,
};

/// What a rule wants to see; every method does nothing unless the rule overrides it.
pub trait Visit<'a> {
    /// A pipeline (a lone command is a pipeline of one).
    fn pipeline(&mut self, _p: &'a Pipeline) {}
    /// A command of any kind (before what is inside it).
    fn command(&mut self, _c: &'a Command) {}
    /// A simple command, with the name of the command it runs when written literally (see
    /// [`command_name`]; worked out once by the walk, not by each rule that asks).
    fn simple(&mut self, _c: &'a SimpleCommand, _name: Option<&str>) {}
    /// A word (a command's word, an assignment's value, a redirection's target, a `for` list's
    /// word, a `case` word or pattern).
    fn word(&mut self, _w: &'a Word) {}
    /// A part of a word, and whether it is inside double quotes.
    fn part(&mut self, _p: &'a WordPart, _in_double_quotes: bool) {}
}

/// Walks a list and everything in it.
pub fn walk<'a>(list: &'a List, v: &mut impl Visit<'a>) {
    for item in &list.items {
        let ao = &item.and_or;
        for p in std::iter::once(&ao.first).chain(ao.rest.iter().map(|(_, p)| p)) {
            v.pipeline(p);
            for c in &p.commands {
                command(c, v);
            }
        }
    }
}

fn command<'a>(c: &'a Command, v: &mut impl Visit<'a>) {
    v.command(c);
    match c {
        Command::Simple(sc) => {
            v.simple(sc, command_name(sc).as_deref());
            for a in &sc.assignments {
                match &a.value {
                    crate::shell::ast::AssignValue::Word(w) => word(w, v),
                    crate::shell::ast::AssignValue::Array(ws, _) => ws.iter().for_each(|w| word(w, v)),
                    crate::shell::ast::AssignValue::Empty => {}
                }
            }
            sc.words.iter().for_each(|w| word(w, v));
            redirects(&sc.redirects, v);
        }
        Command::Compound(cc, rs) => {
            match &cc.kind {
                CompoundKind::BraceGroup(l) | CompoundKind::Subshell(l) => walk(l, v),
                CompoundKind::If { branches, else_body } => {
                    for (c, b) in branches {
                        walk(c, v);
                        walk(b, v);
                    }
                    if let Some(e) = else_body {
                        walk(e, v);
                    }
                }
                CompoundKind::Loop { condition, body, .. } => {
                    walk(condition, v);
                    walk(body, v);
                }
                CompoundKind::For { words, body, .. } => {
                    words.iter().flatten().for_each(|w| word(w, v));
                    walk(body, v);
                }
                CompoundKind::ArithFor { body, .. } => walk(body, v),
                CompoundKind::Case { word: w, items } => {
                    word(w, v);
                    for item in items {
                        item.patterns.iter().for_each(|p| word(p, v));
                        if let Some(b) = &item.body {
                            walk(b, v);
                        }
                    }
                }
                CompoundKind::DoubleBracket(ws) => ws.iter().for_each(|w| word(w, v)),
                CompoundKind::Arithmetic(_) => {}
            }
            redirects(rs, v);
        }
        Command::FunctionDef(fd) => command(&fd.body, v),
    }
}

fn redirects<'a>(rs: &'a [crate::shell::ast::Redirect], v: &mut impl Visit<'a>) {
    for r in rs {
        if let RedirectKind::File(_, w) = &r.kind {
            word(w, v);
        }
    }
}

fn word<'a>(w: &'a Word, v: &mut impl Visit<'a>) {
    v.word(w);
    parts(&w.parts, false, v);
}

fn parts<'a>(ps: &'a [WordPart], in_double_quotes: bool, v: &mut impl Visit<'a>) {
    for p in ps {
        v.part(p, in_double_quotes);
        match &p.kind {
            WordPartKind::DoubleQuoted(inner) => parts(inner, true, v),
            WordPartKind::CommandSubst(l) | WordPartKind::ProcessSubst(l) => walk(l, v),
            _ => {}
        }
    }
}

/// The name of the command a simple command runs, when it is written literally, without its
/// directory (`/usr/bin/kill` is `kill`).
pub fn command_name(c: &SimpleCommand) -> Option<Cow<'_, str>> {
    // Borrowed from the tree when the name is written as one piece, as nearly all are.
    match c.words.first()?.static_str()? {
        Cow::Borrowed(name) => Some(Cow::Borrowed(basename(name))),
        Cow::Owned(name) => Some(Cow::Owned(basename(&name).to_string())),
    }
}
