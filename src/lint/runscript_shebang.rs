#![doc = include_str!("../../docs/codes/lint/runscript_shebang.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;

/// Fires when the script's interpreter is `…/runscript`.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let (file, head) = cx.script_head();
    let line = cx.file(file).slice(head);
    let Some(rest) = line.strip_prefix("#!") else { return };
    let interpreter = rest.split_whitespace().next().unwrap_or("");
    if interpreter.ends_with("/runscript") {
        let span = (0, line.trim_end().len()).into();
        out.push(cx.finding(file, LintError::RunscriptShebang { interpreter: interpreter.to_string(), span }));
    }
}
