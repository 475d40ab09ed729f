#![doc = include_str!("../../docs/codes/lint/arithmetic_increment.md")]

use super::LintError;
use super::context::ServiceContext;
use super::syntax::Visit;
use super::tree_rules::TreeRule;
use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, Span};
use crate::shell::ast::{WordPart, WordPartKind};

/// Fires at each `++`/`--` applied to a variable inside `$((…))`.
/// Fed by the shared walk ([`super::tree_rules`]): what it found in the file walked.
#[derive(Default)]
pub struct Rule<'t> {
    text: &'t str,
    at: Vec<(Span, &'static str, String)>,
}

impl<'a> TreeRule<'a> for Rule<'a> {
    fn begin_file(&mut self, cx: &ServiceContext<'a>, file: FileId) {
        self.text = cx.file(file).text();
    }

    fn end_file(&mut self, cx: &ServiceContext<'a>, i: FileId, out: &mut Vec<Finding>) {
        for (span, op, name) in std::mem::take(&mut self.at) {
            let sign = if op == "++" { "+" } else { "-" };
            out.push(cx.finding(
                i,
                LintError::ArithmeticIncrement { op: op.into(), name, sign: sign.into(), span: span.into() },
            ));
        }
    }
}

impl<'a> Visit<'a> for Rule<'_> {
    fn part(&mut self, p: &'a WordPart, _in_double_quotes: bool) {
        let WordPartKind::Arithmetic(raw) = &p.kind else { return };
        // The expression's text starts after `$((` when the source says so; otherwise the whole
        // substitution is labelled.
        let start = p.span.start + 3;
        let located = self.text.get(start..).is_some_and(|t| t.starts_with(raw.as_str()));
        for (at, op, name) in increments(raw) {
            let span = if located { Span::new(start + at, start + at + 2) } else { p.span };
            self.at.push((span, op, name));
        }
    }
}

/// Each `++`/`--` next to a variable name in an arithmetic expression: its offset, the operator
/// and the variable. `5--3` (a subtraction of a negative number in every shell) is not one.
fn increments(raw: &str) -> Vec<(usize, &'static str, String)> {
    let bytes = raw.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let op = match &bytes[i..i + 2] {
            b"++" => "++",
            b"--" => "--",
            _ => {
                i += 1;
                continue;
            }
        };
        // Postfix: a name ends just before (spaces allowed), and it starts with a letter or `_`.
        let mut end = i;
        while end > 0 && bytes[end - 1] == b' ' {
            end -= 1;
        }
        let mut begin = end;
        while begin > 0 && is_name(bytes[begin - 1]) {
            begin -= 1;
        }
        let before = &raw[begin..end];
        // Prefix: a name (or `$name`) starts just after.
        let mut from = i + 2;
        while from < bytes.len() && bytes[from] == b' ' {
            from += 1;
        }
        if bytes.get(from) == Some(&b'$') {
            from += 1;
        }
        let mut to = from;
        while to < bytes.len() && is_name(bytes[to]) {
            to += 1;
        }
        let after = &raw[from..to];
        let variable = |s: &str| s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if variable(before) {
            out.push((i, op, before.to_string()));
        } else if variable(after) {
            out.push((i, op, after.to_string()));
        }
        i += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::increments;

    #[test]
    fn increments_next_to_a_name_only() {
        let names =
            |raw: &str| increments(raw).into_iter().map(|(at, op, n)| format!("{at}{op}{n}")).collect::<Vec<_>>();
        assert_eq!(names("x++"), ["1++x"]);
        assert_eq!(names("--count"), ["0--count"]);
        assert_eq!(names("i ++ + 1"), ["2++i"]);
        assert_eq!(names("++$n"), ["0++n"]);
        assert_eq!(names("a + b"), Vec::<String>::new());
        assert_eq!(names("5--3"), Vec::<String>::new());
        assert_eq!(names("x - -y"), Vec::<String>::new());
    }
}
