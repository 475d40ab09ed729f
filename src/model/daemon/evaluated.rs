//! Settings OpenRC's backends put unquoted on the line they `eval` (start-stop-daemon.sh and
//! supervise-daemon.sh, 0.45 and 0.63.3: `${directory:+--chdir} $directory`,
//! `${output_log+--stdout} $output_log`, …): their value is split and parsed as shell again, so
//! `directory='"/srv/my app"'` changes into `/srv/my app`, `/srv/my\ app` too, and `/srv/my app`
//! gives start-stop-daemon two words. And a start OpenRC refuses before it runs anything.

use super::super::error::ModelError;
use super::context::{Context, Located, why_empty};
use super::report::Refused;
use crate::openrc::supervisor::Supervisor;
use crate::openrc::variables::FLAG_VARIABLES;

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

/// A start OpenRC refuses or garbles before the daemon runs: an option left without its value,
/// or start-stop-daemon.sh's refusal of `command_background` with `command_args_background`
/// ("command_background used with command_args_background", 0.45 and 0.63.3). OpenRC never runs
/// the daemon as meant, so neither may the conversion.
pub fn refused_by_openrc(cx: &mut Context, supervisor: Supervisor) -> Result<(), Refused> {
    let dangling = flags_without_value(cx, supervisor);
    let background = background_with_args(cx, supervisor);
    dangling.and(background)
}

/// `${output_log+--stdout} $output_log` (sh/start-stop-daemon.sh and sh/supervise-daemon.sh,
/// 0.45.2 and 0.63.3; `+`, not `:+`): a variable set but empty still passes its option, which
/// then takes the next word of the line for its value (`--stdout --pidfile`, a log file named
/// `--pidfile` and a stray word for the daemon; `--umask --background`, a start that fails).
/// What OpenRC runs then is not what the script meant, and not something to copy: refused.
fn flags_without_value(cx: &mut Context, supervisor: Supervisor) -> Result<(), Refused> {
    if !cx.declarative() || !matches!(supervisor, Supervisor::StartStopDaemon | Supervisor::SuperviseDaemon) {
        return Ok(());
    }
    let ssd = supervisor == Supervisor::StartStopDaemon;
    let program = if ssd { "start-stop-daemon" } else { "supervise-daemon" };
    let mut result = Ok(());
    // `command_user` is user.rs's, which says what start-stop-daemon then does with the user.
    for &(variable, ssd_flag, sd_flag) in FLAG_VARIABLES.iter().filter(|(v, ..)| *v != "command_user") {
        let flag = if ssd { ssd_flag } else { sd_flag };
        if !cx.options.target.passes_flag_variable(variable) {
            continue;
        }
        let Some(v) = cx.var(variable).filter(|v| v.value.is_known_empty()) else { continue };
        let problem = format!(
            "{}: {program} still gets `{flag}`, which takes the next word of its command line for its value",
            why_empty(&v.value)
        );
        let help = match v.value.unset_variables().first() {
            Some(name) => {
                format!(
                    "set `{name}` in conf.d, or assign `{variable}` only when it is set: `[ -n \"${name}\" ] && {variable}=\"${name}\"`"
                )
            }
            None => format!(
                "remove the assignment (OpenRC passes no `{flag}` while `{variable}` is unset), or give it a value"
            ),
        };
        result = Err(cx.report.invalid_value(v.at, variable, problem, help));
    }
    result
}

/// start-stop-daemon.sh refuses `command_background=yes` with `command_args_background`.
fn background_with_args(cx: &mut Context, supervisor: Supervisor) -> Result<(), Refused> {
    if !cx.declarative() || supervisor != Supervisor::StartStopDaemon {
        return Ok(());
    }
    let background = cx.command_background();
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
