#![doc = include_str!("../../docs/codes/lint/dollar_at_in_string.md")]

use super::LintError;
use super::context::ServiceContext;
use super::syntax::Visit;
use super::tree_rules::TreeRule;
use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, Span};
use crate::shell::ast::{Command, CompoundKind, SimpleCommand, Word, WordPartKind};

/// Commands that print their arguments joined by spaces, so `"text $@"` prints the same as
/// `"text $*"`: `echo`, `logger`, and OpenRC's `ebegin`/`einfo`/`ewarn`/`eerror` family (which
/// join their arguments with spaces: OpenRC's src/einfo and sh/functions.sh).
const JOINERS: &[&str] = &[
    "echo", "logger", "ebegin", "einfo", "einfon", "ewarn", "ewarnn", "eerror", "eerrorn", "vebegin", "veinfo",
    "vewarn", "veerror", "eend", "ewend", "veend", "vewend",
];

/// Fires at each `$@` inside a double-quoted string that holds something else too, in a
/// command's words (other than a joining command's) or a `for` list.
/// Fed by the shared walk ([`super::tree_rules`]): what it found in the file walked.
#[derive(Default)]
pub struct Rule {
    at: Vec<Span>,
}

impl<'a> TreeRule<'a> for Rule {
    fn end_file(&mut self, cx: &ServiceContext<'a>, i: FileId, out: &mut Vec<Finding>) {
        for span in std::mem::take(&mut self.at) {
            out.push(cx.finding(i, LintError::DollarAtInString { span: span.into() }));
        }
    }
}

impl Rule {
    fn words(&mut self, words: &[Word]) {
        for w in words {
            for p in &w.parts {
                let WordPartKind::DoubleQuoted(inner) = &p.kind else { continue };
                let is_at = |k: &WordPartKind| matches!(k, WordPartKind::Param(pe) if pe.name == "@");
                let others = inner.iter().any(|q| match &q.kind {
                    WordPartKind::Literal(t) | WordPartKind::Quoted(t) => !t.is_empty(),
                    k => !is_at(k),
                });
                if others {
                    self.at.extend(inner.iter().filter(|q| is_at(&q.kind)).map(|q| q.span));
                }
            }
        }
    }
}

impl<'a> Visit<'a> for Rule {
    fn command(&mut self, c: &'a Command) {
        if let Command::Compound(cc, _) = c {
            if let CompoundKind::For { words: Some(words), .. } = &cc.kind {
                self.words(words);
            }
        }
    }

    fn simple(&mut self, c: &'a SimpleCommand, name: Option<&str>) {
        if name.is_some_and(|n| JOINERS.contains(&n)) {
            return;
        }
        self.words(&c.words);
    }
}
