//! Settings OpenRC's backends put unquoted on the line they `eval` (start-stop-daemon.sh and
//! supervise-daemon.sh, 0.45 and 0.63.3: `${directory:+--chdir} $directory`,
//! `${output_log+--stdout} $output_log`, …): their value is split and parsed as shell again, so
//! `directory='"/srv/my app"'` changes into `/srv/my app`, `/srv/my\ app` too, and `/srv/my app`
//! gives start-stop-daemon two words. And a start OpenRC refuses before it runs anything.

use super::super::error::ModelError;
use super::context::{Context, Located, says_yes};
use super::report::Refused;
use crate::openrc::supervisor::Supervisor;

/// A path setting as the backend's `eval` makes it: the option's value when start-stop-daemon
/// options give it (already eval'd with them), else, when the backend builds the command line,
/// the one word `eval` makes of the variable. Refused when that is not exactly one word (a
/// space), or when `eval` would fail or run something (`/d"q`, `/d;x`, `` ` ``, `$(…)`).
pub fn path_setting(cx: &mut Context, flag: &Option<String>, var: &str) -> Result<Option<Located<String>>, Refused> {
    match flag {
        Some(v) if !v.is_empty() => return Ok(Some(Located { value: v.clone(), at: cx.flags_at() })),
        _ if !cx.declarative() => return Ok(None),
        _ => {}
    }
    let Some(Located { value, at }) = cx.var(var) else { return Ok(None) };
    if value.text.is_empty() && value.is_exact() {
        return Ok(None);
    }
    if cx.check(var, &value).is_err() {
        // Reported (unknowable_value); left out, as any setting whose value cannot be known.
        return Ok(None);
    }
    let words = cx.eval(&[var])?.concat();
    match words.as_slice() {
        [one] if !one.is_empty() => Ok(Some(Located { value: one.clone(), at })),
        // Empty (a variable it is built from is unset, reported as such): OpenRC's
        // `${directory:+--chdir}` gives no option either.
        [] if value.text.is_empty() => Ok(None),
        _ => {
            let why = format!(
                "OpenRC puts it unquoted on the line it `eval`s, where it makes {} instead of one path",
                match words.len() {
                    0 => "no word".to_string(),
                    1 => "an empty word".to_string(),
                    n => format!("{n} words"),
                }
            );
            let error = ModelError::UnconvertibleSetting {
                setting: var.into(),
                why,
                span: at.span.into(),
                help: format!("quote the path inside the value, as OpenRC reads it: {var}=\"'/srv/my app'\""),
            };
            Err(cx.report.refuse(at, error))
        }
    }
}

/// `input_file` on a release whose start-stop-daemon.sh does not pass it: OpenRC 0.45's line
/// has no `--stdin` (0.63.3's has `${input_file+--stdin} $input_file`), so the daemon reads
/// what openrc-run's stdin is. Said, and left out.
pub fn input_file_passed(cx: &mut Context) -> bool {
    if cx.options.target.is_at_least(0, 63) {
        return true;
    }
    if let Some(v) = cx.var("input_file").filter(|v| !v.value.text.is_empty()) {
        cx.report.decide(
            "input_file",
            format!("input_file left out: OpenRC {}'s start-stop-daemon.sh does not pass it", cx.options.target),
            Some(v.at),
        );
    }
    false
}

/// start-stop-daemon.sh refuses to start a service with `command_background` set to yes and
/// `command_args_background` given ("command_background used with command_args_background",
/// 0.45 and 0.63.3): OpenRC never runs it, so neither may the conversion.
pub fn refused_by_openrc(cx: &mut Context, supervisor: Supervisor) -> Result<(), Refused> {
    if !cx.declarative() || supervisor != Supervisor::StartStopDaemon {
        return Ok(());
    }
    let background = cx.var("command_background").is_some_and(|v| says_yes(&v.value.text));
    let Some(args) = cx.var("command_args_background").filter(|v| !v.value.text.is_empty()) else { return Ok(()) };
    if !background {
        return Ok(());
    }
    let error = ModelError::UnconvertibleSetting {
        setting: "command_args_background".into(),
        why: "with command_background=yes, OpenRC refuses to start the service (\"command_background used with command_args_background\")".into(),
        span: args.at.span.into(),
        help: "drop command_args_background: s6 keeps the daemon in the foreground, and command_background makes start-stop-daemon background it".into(),
    };
    Err(cx.report.refuse(args.at, error))
}
