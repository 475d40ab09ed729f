//! The daemon's stdin, stdout and stderr (`--stdin`/`--stdout`/`--stderr`, else `input_file`,
//! `output_log`, `error_log`) and a logger command that replaces s6-log (`output_logger`,
//! `error_logger`).

use super::context::Context;
use super::flags::DaemonFlags;
use crate::shell::ast::Command;

/// Where the daemon's standard streams go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirections {
    /// stdin from this file.
    pub stdin: Option<String>,
    /// stdout appended to this file.
    pub stdout: Option<String>,
    /// stderr appended to this file.
    pub stderr: Option<String>,
    /// The logger that reads the daemon's output.
    pub logger: Option<Logger>,
}

/// A logger command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logger {
    /// Its words; one word of shell text when `shell`.
    pub command: Vec<String>,
    /// The command is shell text, to be run with `/bin/sh -c`.
    pub shell: bool,
}

/// The redirections; relative paths are made absolute when the daemon runs from `/`
/// (no working directory: `directory` is the one the other steps set).
pub fn redirections(cx: &mut Context, flags: &DaemonFlags, directory: Option<&str>) -> Redirections {
    let mut pick = |flag: &Option<String>, var: &str| cx.non_empty_flag_or_setting(flag, var).map(|x| x.value);
    let mut out = Redirections {
        stdout: pick(&flags.stdout, "output_log"),
        stderr: pick(&flags.stderr, "error_log"),
        stdin: pick(&flags.stdin, "input_file"),
        logger: None,
    };
    for p in [&mut out.stdout, &mut out.stderr, &mut out.stdin].into_iter().flatten() {
        if !p.starts_with('/') && directory.is_none() {
            *p = format!("/{p}");
        }
    }
    let out_logger = pick(&flags.stdout_logger, "output_logger");
    let err_logger = pick(&flags.stderr_logger, "error_logger");
    let logger = match (out_logger, err_logger) {
        (Some(o), Some(e)) if o != e => {
            let at = cx.var("error_logger").map_or(cx.fallback(), |v| v.at);
            cx.report.decide(
                "logger",
                "output_logger and error_logger differ: s6 has one logger per service, error_logger is used for both (as OpenRC's s6 backend does)",
                Some(at),
            );
            Some(e)
        }
        (Some(o), _) => Some(o),
        (None, Some(e)) => Some(e),
        (None, None) => None,
    };
    out.logger = logger.map(|l| logger_command(&l));
    out
}

/// A logger command that is plain words runs directly; anything else through sh.
fn logger_command(text: &str) -> Logger {
    let parsed = crate::shell::parse::parse_command_line(text);
    let simple = parsed.script.as_ref().and_then(|s| match s.body.items.as_slice() {
        [item] if !item.background && item.and_or.rest.is_empty() => match item.and_or.first.commands.as_slice() {
            [Command::Simple(sc)] if sc.redirects.is_empty() && sc.assignments.is_empty() => {
                sc.words.iter().map(|w| w.static_text()).collect::<Option<Vec<String>>>()
            }
            _ => None,
        },
        _ => None,
    });
    match simple {
        Some(words) if !words.is_empty() => Logger { command: words, shell: false },
        _ => Logger { command: vec![text.to_string()], shell: true },
    }
}
