#![doc = include_str!("../../docs/codes/lint/read_file_substitution.md")]

use super::LintError;
use super::context::ServiceContext;
use super::syntax::Visit;
use super::tree_rules::TreeRule;
use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, Span};
use crate::shell::ast::{Command, List, RedirectKind, WordPart, WordPartKind};

/// Fires at each `$(<file)`: a command substitution whose only command is an input redirection.
/// Fed by the shared walk ([`super::tree_rules`]): what it found in the file walked.
#[derive(Default)]
pub struct Rule {
    /// Each substitution, with its file's span.
    at: Vec<(Span, Span)>,
}

impl<'a> TreeRule<'a> for Rule {
    fn end_file(&mut self, cx: &ServiceContext<'a>, i: FileId, out: &mut Vec<Finding>) {
        let text = cx.file(i).text();
        for (span, target) in std::mem::take(&mut self.at) {
            let file = text.get(target.start..target.end).unwrap_or("FILE").to_string();
            out.push(cx.finding(i, LintError::ReadFileSubstitution { file, span: span.into() }));
        }
    }
}

impl<'a> Visit<'a> for Rule {
    fn part(&mut self, p: &'a WordPart, _in_double_quotes: bool) {
        if let WordPartKind::CommandSubst(list) = &p.kind {
            if let Some(target) = only_input_redirection(list) {
                self.at.push((p.span, target));
            }
        }
    }
}

/// The target of the `<` when a list is one command with no words, no assignments and a single
/// input redirection (`<file`, `0<file`).
fn only_input_redirection(list: &List) -> Option<Span> {
    let [item] = list.items.as_slice() else { return None };
    if item.background || !item.and_or.rest.is_empty() {
        return None;
    }
    let [Command::Simple(c)] = item.and_or.first.commands.as_slice() else { return None };
    if !c.words.is_empty() || !c.assignments.is_empty() {
        return None;
    }
    match c.redirects.as_slice() {
        [r] if matches!(r.fd, None | Some(0)) => match &r.kind {
            RedirectKind::File(op, target) if op == "<" => Some(target.span),
            _ => None,
        },
        _ => None,
    }
}
