//! The daemon's stdin, stdout and stderr (`--stdin`/`--stdout`/`--stderr`, else `input_file`,
//! `output_log`, `error_log`) and the loggers that read them (`--stdout-logger`/
//! `--stderr-logger`, else `output_logger`/`error_logger`): started as the daemon's children,
//! one per stream, as start-stop-daemon and supervise-daemon start them; or, for
//! `supervisor=s6`, one logger that replaces s6-log, as OpenRC's s6 backend makes it.

use super::super::error::ModelError;
use super::super::service::{OpenMode, ShellRedirect};
use super::context::Context;
use super::evaluated::{input_file_passed, path_setting};
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::eval::observer::ObservedRedirect;
use crate::eval::value::Loc;
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
    /// The logger that reads the daemon's output, replacing s6-log (`supervisor=s6`).
    pub logger: Option<Logger>,
    /// The logger of stdout, as shell text.
    pub stdout_logger: Option<String>,
    /// The logger of stderr, as shell text.
    pub stderr_logger: Option<String>,
}

/// How the program that starts the daemon treats its streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streams {
    /// start-stop-daemon: its `--stdout`, `--stderr` and loggers need `--background`
    /// (start-stop-daemon.c:679-697 at 0.45.2, 700-716 at 0.63.3); this says whether it is given.
    StartStopDaemon {
        /// `--background` is given.
        background: bool,
    },
    /// supervise-daemon, or a daemon the shell runs.
    Other,
    /// OpenRC's s6 backend: one logger replaces s6-log.
    S6,
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
/// (no working directory: `directory` is the one the other steps set). A start OpenRC's
/// start-stop-daemon refuses is refused. The files are read as OpenRC's backend evals them;
/// refused when that is not one path.
pub fn redirections(
    cx: &mut Context,
    flags: &DaemonFlags,
    directory: Option<&str>,
    streams: Streams,
) -> Result<Redirections, Refused> {
    let stdout = path_setting(cx, &flags.stdout, "output_log");
    let stderr = path_setting(cx, &flags.stderr, "error_log");
    let stdin = match flags.stdin.as_ref().is_some_and(|f| !f.is_empty()) || input_file_passed(cx) {
        true => path_setting(cx, &flags.stdin, "input_file"),
        false => Ok(None),
    };
    let (stdout, stderr, stdin) = (stdout?, stderr?, stdin?);
    let mut pick = |flag: &Option<String>, var: &str| cx.non_empty_flag_or_setting(flag, var);
    let out_logger = pick(&flags.stdout_logger, "output_logger");
    let err_logger = pick(&flags.stderr_logger, "error_logger");
    let mut result = Ok(());
    if let Streams::StartStopDaemon { background } = streams {
        let refuse = |cx: &mut Context, at: Loc, what: &str, problem: &str| {
            let help = "set `command_background=yes` (with a `pidfile`), or leave the daemon's output alone";
            cx.report.invalid_value(at, what, format!("start-stop-daemon refuses to start: {problem}"), help)
        };
        for (given, var, logger) in [(&stdout, "output_log", &out_logger), (&stderr, "error_log", &err_logger)] {
            if let (Some(g), Some(_)) = (given, logger) {
                result = Err(refuse(cx, g.at, var, "a log file and a logger for the same stream"));
            }
        }
        if !background {
            let given = [
                (&stdout, "output_log"),
                (&stderr, "error_log"),
                (&out_logger, "output_logger"),
                (&err_logger, "error_logger"),
            ];
            if let Some((Some(g), var)) = given.into_iter().find(|(g, _)| g.is_some()) {
                result = Err(refuse(cx, g.at, var, "--stdout, --stderr and their loggers need --background"));
            }
        }
    }
    let mut out = Redirections {
        stdout: stdout.map(|x| x.value),
        stderr: stderr.map(|x| x.value),
        stdin: stdin.map(|x| x.value),
        ..Redirections::default()
    };
    for p in [&mut out.stdout, &mut out.stderr, &mut out.stdin].into_iter().flatten() {
        if !p.starts_with('/') && directory.is_none() {
            *p = format!("/{p}");
        }
    }
    if streams != Streams::S6 {
        out.stdout_logger = out_logger.map(|l| l.value);
        out.stderr_logger = err_logger.map(|l| l.value);
        return result.map(|()| out);
    }
    let logger = match (out_logger, err_logger) {
        (Some(o), Some(e)) if o.value != e.value => {
            cx.report.decide(
                "logger",
                "output_logger and error_logger differ: s6 has one logger per service, error_logger is used for both (as OpenRC's s6 backend does)",
                Some(e.at),
            );
            Some(e.value)
        }
        (Some(o), _) => Some(o.value),
        (None, Some(e)) => Some(e.value),
        (None, None) => None,
    };
    out.logger = logger.map(|l| logger_command(&l));
    result.map(|()| out)
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

/// The redirections of the shell command that starts the daemon, when the daemon keeps the fds
/// they make: a daemon the shell runs itself, or one start-stop-daemon runs without
/// `--background` (with it, start-stop-daemon points 0, 1 and 2 at /dev/null or the log files:
/// start-stop-daemon.c:1078-1085 at 0.45.2; supervise-daemon always does). Relative paths are
/// the shell's, from its directory `cwd`.
pub fn shell_redirections(
    cx: &mut Context,
    redirects: &[ObservedRedirect],
    daemon_keeps_fds: bool,
    cwd: &str,
) -> Result<Vec<ShellRedirect>, Refused> {
    let mut out = Vec::new();
    let mut result = Ok(());
    if !daemon_keeps_fds {
        return Ok(out);
    }
    for r in redirects {
        if let Err(refused) = cx.check(&r.op, &r.target) {
            result = Err(refused);
            continue;
        }
        let path = || {
            if r.target.text.starts_with('/') {
                r.target.text.clone()
            } else {
                format!("{}/{}", cwd.trim_end_matches('/'), r.target.text)
            }
        };
        let open = |mode| ShellRedirect::Open { fd: r.fd, mode, path: path() };
        let redirect = match r.op.as_str() {
            "<" => open(OpenMode::Read),
            ">" | ">|" => open(OpenMode::Truncate),
            ">>" => open(OpenMode::Append),
            "<>" => open(OpenMode::ReadWrite),
            "<<" | "<<-" => ShellRedirect::Text { fd: r.fd, text: r.target.text.clone() },
            ">&" | "<&" if r.target.text == "-" => ShellRedirect::Close { fd: r.fd },
            ">&" | "<&" => match r.target.text.parse::<u32>() {
                Ok(from) => ShellRedirect::Copy { fd: r.fd, from },
                Err(_) => {
                    result = Err(unconvertible(cx, r, "its target is not an fd number"));
                    continue;
                }
            },
            _ => {
                result = Err(unconvertible(cx, r, "rc2s6 does not carry this operator over"));
                continue;
            }
        };
        out.push(redirect);
    }
    if !out.is_empty() {
        cx.report.decide("redirections", "the launching command's redirections, as the shell makes them", None);
    }
    result.map(|()| out)
}

fn unconvertible(cx: &mut Context, r: &ObservedRedirect, why: &str) -> Refused {
    let error = ModelError::UnconvertibleSetting {
        setting: format!("{}{}", r.op, r.target.text),
        why: why.into(),
        span: r.loc.span.into(),
        help: "redirect to a file with `<`, `>` or `>>`, or set `output_log`/`error_log`".into(),
    };
    cx.report.refuse(r.loc, error)
}
