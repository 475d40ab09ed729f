#![doc = include_str!("../../docs/codes/lint/test_and_or.md")]

use std::borrow::Cow;

use super::LintError;
use super::context::ServiceContext;
use super::syntax::Visit;
use super::tree_rules::TreeRule;
use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, Span};
use crate::shell::ast::SimpleCommand;

impl<'a> TreeRule<'a> for Rule {
    fn end_file(&mut self, cx: &ServiceContext<'a>, i: FileId, out: &mut Vec<Finding>) {
        for (span, op, unary) in std::mem::take(&mut self.at) {
            let error = if unary {
                LintError::TestAndOr {
                    what: "`-a FILE` is bash's old spelling of `-e FILE`; dash and busybox ash reject it, so the test is false".into(),
                    span: span.into(),
                    label: "not a file test in /bin/sh".into(),
                    help: "write `[ -e FILE ]`".into(),
                }
            } else {
                let (joined, instead) = if op == "-a" { ("and", "&&") } else { ("or", "||") };
                LintError::TestAndOr {
                    what: format!(
                        "`{op}` joins two tests inside one `[ … ]`; POSIX marks it obsolescent, and shells read it differently when an operand looks like an operator"
                    ),
                    span: span.into(),
                    label: format!("`{joined}` of two tests"),
                    help: format!("write two tests: `[ A ] {instead} [ B ]`"),
                }
            };
            out.push(cx.finding(i, error));
        }
    }
}

/// Fires at `-a`/`-o` joining two tests in `[ … ]` or `test …`, and at bash's unary `-a FILE`.
/// Fed by the shared walk ([`super::tree_rules`]): what it found in the file walked.
#[derive(Default)]
pub struct Rule {
    /// (the operator, `-a` or `-o`, whether it is unary).
    at: Vec<(Span, &'static str, bool)>,
}

impl<'a> Visit<'a> for Rule {
    fn simple(&mut self, c: &'a SimpleCommand, name: Option<&str>) {
        let Some(name) = name else { return };
        let mut args = match name {
            "[" => &c.words[1..],
            "test" => &c.words[1..],
            _ => return,
        };
        if name == "[" {
            match args.split_last() {
                Some((last, rest)) if last.static_str().as_deref() == Some("]") => args = rest,
                _ => return,
            }
        }
        let texts: Vec<Option<Cow<str>>> = args.iter().map(|w| w.static_str()).collect();
        // `[ -a FILE ]`: bash's unary `-a`. With one or three arguments `-a` is an operand or
        // the binary operator of a single test.
        if texts.len() == 2 && texts[0].as_deref() == Some("-a") {
            self.at.push((args[0].span, "-a", true));
            return;
        }
        for (k, t) in texts.iter().enumerate() {
            let op = match t.as_deref() {
                Some("-a") => "-a",
                Some("-o") => "-o",
                _ => continue,
            };
            // Between two tests: not first, not last, and not the operand of a binary
            // operator (`[ "$x" = -a -o … ]`).
            let operand_of = |j: usize| {
                texts.get(j).and_then(|t| t.as_deref()).is_some_and(|t| {
                    matches!(t, "=" | "!=" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "-nt" | "-ot" | "-ef")
                })
            };
            if k == 0 || k + 1 == texts.len() || operand_of(k - 1) {
                continue;
            }
            self.at.push((args[k].span, op, false));
        }
    }
}
