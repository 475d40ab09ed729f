#![doc = include_str!("../../docs/codes/lint/non_posix_syntax.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;

/// Fires for every construct outside POSIX sh that the parser met, in every file openrc-run
/// sources (the script, its conf.d files and rc.conf).
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    for (i, script) in cx.syntax_trees() {
        for n in &script.non_posix {
            out.push(cx.finding(i, LintError::NonPosixSyntax { what: n.what.to_string(), span: n.span.into() }));
        }
    }
}
