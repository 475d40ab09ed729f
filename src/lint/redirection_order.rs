#![doc = include_str!("../../docs/codes/lint/redirection_order.md")]

use super::LintError;
use super::context::ServiceContext;
use super::syntax::Visit;
use super::tree_rules::TreeRule;
use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, Span};
use crate::shell::ast::{Command, Pipeline, Redirect, RedirectKind, WordPart, WordPartKind};

/// Fires when a command copies one fd onto another (`2>&1`) and only then redirects the fd it
/// copied (`>/dev/null`), where that command's output is not piped or captured: redirections
/// apply left to right (POSIX XCU 2.7), so the copy keeps the old target.
/// Fed by the shared walk ([`super::tree_rules`]): what it found in the file walked.
#[derive(Default)]
pub struct Rule {
    /// (the copy, the later redirection, the fd copied, the fd it is copied onto).
    at: Vec<(Span, Span, u32, u32)>,
    /// The spans of command substitutions.
    captured: Vec<Span>,
}

impl<'a> TreeRule<'a> for Rule {
    fn end_file(&mut self, cx: &ServiceContext<'a>, i: FileId, out: &mut Vec<Finding>) {
        let text = cx.file(i).text();
        let source = |s: Span| text.get(s.start..s.end).unwrap_or_default().to_string();
        let captured = std::mem::take(&mut self.captured);
        for (dup, later, copied, onto) in std::mem::take(&mut self.at) {
            // Inside `$(…)`, `2>&1 >/dev/null` keeps stderr and drops stdout on purpose.
            if captured.iter().any(|c| c.start <= dup.start && dup.end <= c.end) {
                continue;
            }
            out.push(cx.finding(
                i,
                LintError::RedirectionOrder {
                    dup: source(dup),
                    later: source(later),
                    copied,
                    onto,
                    span: dup.into(),
                    other: later.into(),
                },
            ));
        }
    }
}

impl<'a> Visit<'a> for Rule {
    fn pipeline(&mut self, p: &'a Pipeline) {
        // Only the last command's stdout is not a pipe: `cmd 2>&1 >/dev/null | grep` sends
        // stderr down the pipe on purpose.
        let redirects = match p.commands.last() {
            Some(Command::Simple(c)) => &c.redirects,
            Some(Command::Compound(_, rs)) => rs,
            _ => return,
        };
        if let Some(found) = copy_then_redirect(redirects) {
            self.at.push(found);
        }
    }

    fn part(&mut self, p: &'a WordPart, _in_double_quotes: bool) {
        if matches!(p.kind, WordPartKind::CommandSubst(_) | WordPartKind::Backquoted(_)) {
            self.captured.push(p.span);
        }
    }
}

/// The first `N>&M` followed later by a redirection of `M` to a file.
fn copy_then_redirect(redirects: &[Redirect]) -> Option<(Span, Span, u32, u32)> {
    for (k, r) in redirects.iter().enumerate() {
        let RedirectKind::File(op, target) = &r.kind else { continue };
        if op != ">&" {
            continue;
        }
        let onto = r.fd.unwrap_or(1);
        let Some(copied) = target.static_text().and_then(|t| t.parse::<u32>().ok()) else { continue };
        if copied == onto {
            continue;
        }
        let later = redirects[k + 1..].iter().find(|l| match &l.kind {
            RedirectKind::File(op, _) => matches!(op.as_str(), ">" | ">>" | ">|") && l.fd.unwrap_or(1) == copied,
            RedirectKind::HereDoc(_) => false,
        });
        if let Some(l) = later {
            return Some((r.span, l.span, copied, onto));
        }
    }
    None
}
