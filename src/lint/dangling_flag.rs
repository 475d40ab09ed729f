#![doc = include_str!("../../docs/codes/lint/dangling_flag.md")]

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::openrc::supervisor::Supervisor;

/// The variables the backends pass as `${x+--flag} $x`, with the flag each adds
/// (start-stop-daemon's, then supervise-daemon's) and the OpenRC minor version that started
/// reading the variable.
const SET_FLAGS: &[(&str, &str, &str, u32)] = &[
    ("command_user", "--chuid", "--user", 0),
    ("umask", "--umask", "--umask", 35),
    ("output_log", "--stdout", "--stdout", 35),
    ("error_log", "--stderr", "--stderr", 35),
    ("input_file", "--stdin", "--stdin", 62),
    ("notify", "--notify", "--notify", 62),
];

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
    for (variable, ssd_flag, sd_flag, since) in SET_FLAGS {
        if !cx.target.is_at_least(0, *since) {
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
