//! The daemon's command line and the start-stop-daemon / supervise-daemon options that go with
//! it: from `command`, `command_args` and friends eval'd as OpenRC's backend does, or from the
//! call in `start()`; then what start-stop-daemon makes argv\[0\].

use super::super::error::ModelError;
use super::super::launch::Launch;
use super::super::trace::LaunchProgram;
use super::context::{Context, Located};
use super::flags::{self, DaemonFlags, FlagSyntax};
use super::report::{DecisionId, Refused};
use crate::eval::environment::Environment;
use crate::eval::value::{Loc, ShellValue, Uncertainty};
use crate::openrc::supervisor::Supervisor;

/// The decision recorded when `command_args_background` is not carried over.
pub const BACKGROUND_ARGS_LEFT_OUT: &str =
    "command_args_background left out: start-stop-daemon only, s6 runs the daemon in the foreground";

/// What the daemon is started with.
#[derive(Debug, Clone)]
pub struct CommandLine {
    /// The program and its arguments; empty when they are not known.
    pub argv: Vec<String>,
    /// The start-stop-daemon / supervise-daemon options.
    pub flags: DaemonFlags,
    /// Where the command is: `command`'s assignment, or the call in start().
    pub at: Loc,
    /// Every word that counts is known exactly (else diagnostics say why).
    pub exact: bool,
    /// `command_args_background`, when set and known: start-stop-daemon passes them after
    /// `command_args`, and the foreground step may keep them.
    pub background_args: Option<BackgroundArgs>,
}

/// `command_args_background`'s words and the decision that says they are left out.
#[derive(Debug, Clone)]
pub struct BackgroundArgs {
    /// The words, where the variable was set.
    pub words: Located<Vec<String>>,
    /// The decision to revise if they are kept.
    pub decision: DecisionId,
}

/// Reads the command line as the launch gives it.
pub fn read(cx: &mut Context, launch: &Launch, supervisor: Supervisor) -> CommandLine {
    match launch {
        Launch::Declarative => from_variables(cx, supervisor),
        Launch::Call { program, words, uncertain, loc, context, .. } => {
            from_call(cx, *program, words, uncertain, *loc, &context.env)
        }
    }
}

/// `eval start-stop-daemon … $command … -- $command_args $command_args_foreground`.
fn from_variables(cx: &mut Context, supervisor: Supervisor) -> CommandLine {
    let words = cx.eval_command_line(&["command", "command_args", "command_args_foreground"]);
    // supervise-daemon.sh of OpenRC 0.36–0.45 takes `${supervise_daemon_args:-$start_stop_daemon_args}`;
    // 0.46 on (0.63.3: sh/supervise-daemon.sh line 53) takes `${supervise_daemon_args-…}`, where an
    // empty value stops the fallback.
    let own_args = if cx.options.target.supervise_args_fallback_only_when_unset() {
        cx.var("supervise_daemon_args").is_some()
    } else {
        cx.is_non_empty("supervise_daemon_args")
    };
    let flags_var = if supervisor == Supervisor::SuperviseDaemon && own_args {
        "supervise_daemon_args"
    } else {
        "start_stop_daemon_args"
    };
    // Whichever variable it is, supervise-daemon reads the options of its line.
    let syntax = if supervisor == Supervisor::SuperviseDaemon {
        FlagSyntax::SuperviseDaemon
    } else {
        FlagSyntax::StartStopDaemon
    };
    let flag_words = cx.eval(&[flags_var]);
    let background_args = background_args(cx);
    let at = cx.var("command").map_or(cx.fallback(), |v| v.at);
    let exact = words.is_ok() && flag_words.is_ok();
    let flags = flag_words.map(|w| flags::parse(&w[0], syntax)).unwrap_or_default();
    let argv = match words {
        // `eval start-stop-daemon --start --exec $command … $start_stop_daemon_args -- $command_args
        // …` (sh/start-stop-daemon.sh): a later `--exec` replaces the program, and the options'
        // non-option words come before `--`'s.
        Ok(w) if syntax == FlagSyntax::StartStopDaemon => {
            let (command, rest) = (&w[0], [&w[1][..], &w[2][..]].concat());
            let program = flags.exec.clone().or_else(|| command.first().cloned()).into_iter();
            let words = program.chain(command.iter().skip(1).cloned()).chain(flags.positional.iter().cloned());
            if command.is_empty() { Vec::new() } else { words.chain(rest).collect() }
        }
        Ok(w) => w.concat(),
        Err(_) => Vec::new(),
    };
    CommandLine { exact, flags, argv, at, background_args }
}

/// `command_args_background`, read quietly: it only counts if rc2s6's table of daemons knows
/// the daemon (see the foreground step), and is left out otherwise.
fn background_args(cx: &mut Context) -> Option<BackgroundArgs> {
    let v = cx.var("command_args_background").filter(|v| !v.value.text.is_empty())?;
    let decision = cx.report.decide("arguments", BACKGROUND_ARGS_LEFT_OUT, Some(v.at));
    let before = cx.report.diagnostics.len();
    let words = cx.eval(&["command_args_background"]);
    cx.report.forget_diagnostics_after(before);
    let words = words.ok()?.concat();
    Some(BackgroundArgs { words: Located { value: words, at: v.at }, decision })
}

/// A start-stop-daemon, supervise-daemon or direct call in start().
fn from_call(
    cx: &mut Context,
    program: LaunchProgram,
    words: &[String],
    uncertain: &[Vec<crate::eval::value::Uncertainty>],
    at: Loc,
    env: &Environment,
) -> CommandLine {
    let (flags, argv) = match program {
        LaunchProgram::Direct => (DaemonFlags::default(), words.to_vec()),
        LaunchProgram::StartStopDaemon => {
            let f = flags::parse(&words[1..], FlagSyntax::StartStopDaemon);
            // start-stop-daemon runs --exec (else --startas, else its first non-option argument)
            // with argv[0] = --name, or --startas when both it and --exec are given, then every
            // other non-option word (start-stop-daemon.c:636-654 at 0.45.2).
            let argv = match f.exec.clone().or_else(|| f.startas.clone()) {
                Some(p) => {
                    std::iter::once(p).chain(f.positional.iter().cloned()).chain(f.args.iter().cloned()).collect()
                }
                None => f.positional.iter().chain(f.args.iter()).cloned().collect(),
            };
            (f, argv)
        }
        LaunchProgram::SuperviseDaemon => {
            let f = flags::parse(&words[1..], FlagSyntax::SuperviseDaemon);
            // supervise-daemon NAME … DAEMON ARGS: after the service name, the non-option words
            // (supervise-daemon.c:1044-1046 at 0.45.2: `exec = *argv`).
            let argv = f.positional.iter().skip(1).chain(f.args.iter()).cloned().collect();
            (f, argv)
        }
    };
    // Options that do not matter under s6 (`--pidfile $(…)`) cannot spoil the rest.
    let skip: Vec<usize> = flags.irrelevant_words.iter().map(|i| i + 1).collect();
    let mut exact = true;
    // A value computed at start may be in the daemon's arguments: after the program of a direct
    // call, after `--` for start-stop-daemon and supervise-daemon (the tail `flags::parse` puts
    // in `args`). Where each lands is checked again once the daemon is built.
    let args_start = match program {
        LaunchProgram::Direct => 1,
        _ => words.len() - flags.args.len(),
    };
    // And in `--env NAME=VALUE` (`-e`), which start-stop-daemon and supervise-daemon putenv()
    // as it is: a word that is not that option's value after all lands elsewhere in the daemon,
    // and is refused there.
    let env_value = |i: usize| {
        words[i].starts_with("--env=") || (i >= 2 && i < args_start && matches!(words[i - 1].as_str(), "--env" | "-e"))
    };
    for (i, u) in uncertain.iter().enumerate() {
        cx.at_start.allowed = i >= args_start || (program != LaunchProgram::Direct && env_value(i));
        if !skip.contains(&i) {
            // Named after the variable that holds what cannot be known, where one does.
            for one in u {
                let name = holder(env, one).unwrap_or_else(|| format!("the {} call in start()", program.name()));
                let v = ShellValue { text: String::new(), uncertain: vec![one.clone()] };
                exact &= cx.check(&name, &v).is_ok();
            }
        }
    }
    cx.at_start.allowed = false;
    CommandLine { argv, flags, at, exact, background_args: None }
}

/// The variable whose value carries `u`, as start() sees the variables.
fn holder(env: &Environment, u: &Uncertainty) -> Option<String> {
    if let Uncertainty::UnsetVariable { name, .. } = u {
        return Some(name.clone());
    }
    env.visible().into_iter().find(|(_, v)| v.value.uncertain.contains(u)).map(|(n, _)| n.to_string())
}

/// Refuses a command line that names no program, or an option for one.
pub fn names_a_program(cx: &mut Context, line: &CommandLine) -> Result<(), Refused> {
    let at = line.at;
    if line.argv.first().is_none_or(String::is_empty) {
        let error = ModelError::CustomStart {
            why: "the call names no program to run".into(),
            span: at.span.into(),
            help: "give start-stop-daemon `--exec` (or `--startas`) with the daemon's path".into(),
        };
        return Err(cx.report.refuse(at, error));
    }
    if !cx.declarative() && line.argv[0].starts_with('-') {
        // `--exec $DAEMON` with `$DAEMON` unset: start-stop-daemon takes the next word, an
        // option, for the program, and would fail to start it; said as it is rather than as a
        // daemon named `--` that may fork.
        let error = ModelError::CustomStart {
            why: format!(
                "the program it names is `{}`, an option: a variable before it expands to nothing",
                line.argv[0]
            ),
            span: at.span.into(),
            help: "set that variable (in conf.d), or write the daemon's path after `--exec`".into(),
        };
        return Err(cx.report.refuse(at, error));
    }
    Ok(())
}

/// What the daemon sees as argv\[0\] when it is not the program: start-stop-daemon's `--name`
/// (or `procname`), or `--startas` when `--exec` is given too.
pub fn argv0(cx: &mut Context, line: &CommandLine) -> Option<String> {
    let procname = if cx.declarative() { cx.setting("procname").map(|p| p.value) } else { None };
    let flags = &line.flags;
    let argv0 = flags
        .name
        .clone()
        .or(procname)
        .or_else(|| flags.exec.as_ref().and(flags.startas.clone()))
        .filter(|a| *a != line.argv[0]);
    if let Some(a) = &argv0 {
        cx.report.decide("arguments", format!("argv[0] is `{a}`, as start-stop-daemon --name/--startas sets it"), None);
    }
    argv0
}
