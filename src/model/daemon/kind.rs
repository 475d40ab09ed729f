//! Whether the program is a daemon, as far as rc2s6's table of daemons knows: a program that
//! does its work and exits makes the service a oneshot, and a control program that only starts
//! a daemon (which then leaves it) cannot be supervised.

use super::super::error::ModelError;
use super::context::Context;
use super::report::Refused;
use crate::core::file_name::basename;
use crate::eval::value::Loc;
use crate::openrc::daemon_table::{self, DaemonEntry, Kind};

/// What the program is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// A daemon (or a program the table does not know): supervise it.
    Daemon,
    /// It does its work and exits, and OpenRC waits for it: the service is a oneshot.
    RunsOnce,
}

/// Classifies `argv` (known exactly when `exact`) with the table. When the command line is not
/// known exactly, the diagnostics already say why, and an entry for a program that is not a
/// daemon decides nothing.
pub fn classify(cx: &mut Context, argv: &[String], exact: bool, at: Loc) -> Result<Program, Refused> {
    let Some((entry, words)) = super::foreground::table(cx).lookup(argv) else { return Ok(Program::Daemon) };
    match entry.kind {
        Kind::Daemon => Ok(Program::Daemon),
        _ if !exact => Err(Refused),
        Kind::RunsOnce => {
            let choice = format!(
                "oneshot: `{}` does its work and exits, and OpenRC waits for it ({})",
                name(entry, argv, words),
                entry.citation()
            );
            cx.report.decide("kind", choice, Some(at));
            Ok(Program::RunsOnce)
        }
        Kind::Control => Err(cx.report.refuse(at, control_program(entry, argv, words, at))),
    }
}

/// The refusal of a control program the table knows (`entry`, found for `argv` with its first
/// `words` words), with what to run instead where the table says which daemon it starts.
pub fn control_program(entry: &DaemonEntry, argv: &[String], words: usize, at: Loc) -> ModelError {
    let program = name(entry, argv, words);
    let help = match &entry.runs {
        Some(runs) => format!(
            "`{program}` starts {runs}: set `command`/`command_args` to that, with the same configuration, and `command_background=yes`, instead of `{program}`"
        ),
        None => format!(
            "set `command` to the daemon `{program}` starts, with the daemon's option that keeps it in the foreground, instead of `{program}`"
        ),
    };
    ModelError::ControlProgram { program, help, span: at.span.into(), citation: entry.citation() }
}

/// The program as the reason names it: its base name, the words that select the entry, and the
/// arguments that made it apply (`podman system prune`).
fn name(entry: &DaemonEntry, argv: &[String], words: usize) -> String {
    let base = basename(&argv[0]);
    let mut w: Vec<&str> = std::iter::once(base).chain(argv[1..words].iter().map(String::as_str)).collect();
    if let Some(seq) = entry.when.iter().find(|s| daemon_table::contains_seq(&argv[words..], s)) {
        w.extend(seq.iter().map(String::as_str));
    }
    w.join(" ")
}
