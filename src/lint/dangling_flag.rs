#![doc = include_str!("../../docs/codes/lint/dangling_flag.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::openrc::supervisor::Supervisor;
use crate::openrc::variables::FLAG_VARIABLES;

/// Fires for each such variable that is set to nothing while the backend builds the command line.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let ssd = match cx.supervisor() {
        Supervisor::StartStopDaemon => true,
        Supervisor::SuperviseDaemon => false,
        _ => return,
    };
    if !cx.backend_starts() || cx.var("command").is_none_or(|v| v.value.text.is_empty()) {
        return;
    }
    for (variable, ssd_flag, sd_flag) in FLAG_VARIABLES {
        if !cx.target.passes_flag_variable(variable) {
            continue;
        }
        let Some((value, Some(at))) = cx.known(variable) else { continue };
        if !value.is_empty() {
            continue;
        }
        let flag = if ssd { ssd_flag } else { sd_flag };
        out.push(cx.finding(
            at.file,
            LintError::DanglingFlag { variable: variable.to_string(), flag: flag.to_string(), span: at.span.into() },
        ));
    }
}
