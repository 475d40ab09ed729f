#![doc = include_str!("../../docs/codes/lint/relative_command.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::core::file_name::basename;

/// Fires when `command`'s first word is neither an absolute path nor something `eval` expands.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let Some((value, Some(at))) = cx.known("command") else { return };
    // OpenRC's `eval` splits the value; the program is its first word.
    let Some(program) = value.split_whitespace().next() else { return };
    let program = program.trim_matches(['"', '\'']);
    if program.is_empty() || program.starts_with(['/', '$', '~', '`', '@']) || program.contains("\\$") {
        return;
    }
    let base = basename(program).to_string();
    out.push(
        cx.finding(at.file, LintError::RelativeCommand { command: program.to_string(), base, span: at.span.into() }),
    );
}
