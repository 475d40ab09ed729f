//! How the daemon stays in the foreground, as s6 needs it, in the order issue #4 gives: what
//! the launch or the variables say, then rc2s6's table of daemons (which may change the
//! arguments), then s6-fghack when the user allows it; otherwise the daemon may fork and is
//! refused.

use super::super::error::ModelError;
use super::super::launch::Launch;
use super::super::trace::LaunchProgram;
use super::command_line::BackgroundArgs;
use super::context::{Context, says_yes};
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::core::file_name::basename;
use crate::eval::value::Loc;
use crate::openrc::daemon_table::{self, DaemonEntry, DaemonTable, Insert};
use crate::openrc::supervisor::Supervisor;

/// The command line that stays in the foreground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreground {
    /// The command line, as the table may have changed it.
    pub argv: Vec<String>,
    /// Run under s6-fghack because nothing else keeps it in the foreground.
    pub fghack: bool,
}

/// What the daemon starts with: the launch, its options, the supervisor the script was
/// written for, and `command_args_background` (which the table may keep).
pub struct Started<'a> {
    /// How the daemon is launched.
    pub launch: &'a Launch,
    /// The start-stop-daemon / supervise-daemon options.
    pub flags: &'a DaemonFlags,
    /// The supervisor `supervisor` selects.
    pub supervisor: Supervisor,
    /// `command_args_background`, when set and known.
    pub background_args: Option<&'a BackgroundArgs>,
}

/// The daemon tables this run uses (the built-in ones, under the user's `--daemon-table`).
pub fn table<'a>(cx: &Context<'a>) -> &'a DaemonTable {
    &cx.options.daemon_table
}

/// Keeps `argv` in the foreground; `at` is where the command is.
pub fn foreground(cx: &mut Context, started: &Started, mut argv: Vec<String>, at: Loc) -> Result<Foreground, Refused> {
    if let Some(reason) = reason(cx, started, &mut argv) {
        // Started not to fork, it may still be handed an option that makes it fork (issue 11,
        // bug 11): the table drops or replaces it, else the daemon is refused. A daemon the
        // table keeps in the foreground with an option detaches without it, whatever the
        // script believed (nvidia-persistenced under `--background`): start-stop-daemon does not
        // mind, s6 would start it again and again; the option is added. Only a table checked by
        // hand, or the user's, outweighs the script's word: a generated entry is matched by
        // basename alone (its `keyd` is onak's keyserver, not Alpine's keyboard daemon).
        // supervise-daemon (or `&`) would fail under OpenRC too with a daemon that forks, so
        // there the script's word has been put to the test; start-stop-daemon's `--background`
        // reads the daemon's own pidfile and works either way.
        let unchecked = started_with_ssd_background(cx, started);
        let found = table(cx).lookup(&argv);
        let forks = |e: &DaemonEntry, w: usize| {
            e.drop.iter().any(|d| daemon_table::contains_seq(options(&argv[w..]), d))
                || (unchecked
                    && e.kind == daemon_table::Kind::Daemon
                    && e.origin != daemon_table::Origin::Generated
                    && !e.foreground.is_empty()
                    && !e.already.iter().any(|a| daemon_table::contains_seq(options(&argv[w..]), a)))
        };
        if let Some((entry, words)) = found.filter(|(e, w)| forks(e, *w)) {
            return Ok(Foreground { argv: from_table(cx, entry, words, argv, at), fghack: false });
        }
        if let Some(option) = daemonizing_option(&argv) {
            if let Some((entry, words)) = table(cx).lookup(&argv) {
                return Ok(Foreground { argv: from_table(cx, entry, words, argv, at), fghack: false });
            }
            let base = basename(&argv[0]).to_string();
            let error = ModelError::DaemonMayFork {
                daemon: base.clone(),
                span: at.span.into(),
                help: format!(
                    "`{option}` makes {base} fork though it is started to stay in the foreground ({reason}); remove it, or give {base}'s option that keeps it in the foreground"
                ),
            };
            return Err(cx.report.refuse(at, error));
        }
        cx.report.decide("foreground", reason, Some(at));
        return Ok(Foreground { argv, fghack: false });
    }
    if let Some((entry, words)) = table(cx).lookup(&argv) {
        return Ok(Foreground { argv: from_table(cx, entry, words, argv, at), fghack: false });
    }
    let program = argv[0].clone();
    let base = basename(&program).to_string();
    if cx.options.allow_fghack {
        cx.report.decide("foreground", format!("{base}: run under s6-fghack (--allow-fghack)"), Some(at));
        cx.report.add(at, ModelError::Fghack { daemon: base, span: at.span.into() });
        return Ok(Foreground { argv, fghack: true });
    }
    let error = ModelError::DaemonMayFork {
        daemon: base.clone(),
        span: at.span.into(),
        help: format!(
            "set `command_args_foreground` to {base}'s option that keeps it in the foreground, or `command_background=yes` if it never forks; `--allow-fghack` runs it under s6-fghack instead"
        ),
    };
    Err(cx.report.refuse(at, error))
}

/// Whether OpenRC starts the daemon with start-stop-daemon `--background` (a call in start(),
/// or its own backend with `command_background` or `--background` in the options).
fn started_with_ssd_background(cx: &Context, started: &Started) -> bool {
    match started.launch {
        Launch::Call { program: LaunchProgram::StartStopDaemon, background: false, .. } => started.flags.background,
        Launch::Call { .. } => false,
        Launch::Declarative => {
            started.supervisor == Supervisor::StartStopDaemon && (started.flags.background || cx.command_background())
        }
    }
}

/// Why the daemon stays in the foreground as it is started; `None` when that is not known yet.
/// Keeping `command_args_background` changes `argv` (and leaves the reason to the table).
fn reason(cx: &mut Context, started: &Started, argv: &mut Vec<String>) -> Option<String> {
    match started.launch {
        Launch::Call { background: true, .. } => {
            Some("the start() call sends it to the background with `&`: it does not fork itself".to_string())
        }
        Launch::Call { program: LaunchProgram::SuperviseDaemon, .. } => {
            Some("supervise-daemon runs it: it stays in the foreground".to_string())
        }
        Launch::Call { .. } if started.flags.background => {
            Some("start-stop-daemon --background: it does not fork itself".to_string())
        }
        Launch::Call { .. } => None,
        Launch::Declarative => reason_from_variables(cx, started, argv),
    }
}

/// An option in `argv` that makes a daemon fork, by its conventional long name: `--daemon`,
/// `--daemonize`/`--daemonise`, `-daemon` (alone, or `=yes`/`true`/`on`/`1`), unless the word
/// after it says no (`--daemonize no`) or a foreground counterpart is there too (`--foreground`,
/// `--no-detach`, `--nodaemon`, …).
pub fn daemonizing_option(argv: &[String]) -> Option<String> {
    const NAMES: &[&str] = &["--daemon", "--daemonize", "--daemonise", "-daemon"];
    const COUNTERPARTS: &[&str] = &[
        "--foreground",
        "--no-detach",
        "--nodetach",
        "-nodetach",
        "--nofork",
        "--no-fork",
        "--nodaemon",
        "--no-daemon",
        "--no-daemonize",
        "--no-daemonise",
        "--fg",
    ];
    let no = |w: &str| matches!(w.to_ascii_lowercase().as_str(), "no" | "false" | "off" | "0");
    let yes = |w: &str| matches!(w.to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "1");
    let args = argv.get(1..).unwrap_or_default();
    if args.iter().any(|a| COUNTERPARTS.contains(&a.as_str())) {
        return None;
    }
    args.iter().enumerate().find_map(|(i, a)| {
        let forks = match a.split_once('=') {
            Some((name, value)) => NAMES.contains(&name) && yes(value),
            None => NAMES.contains(&a.as_str()) && !args.get(i + 1).is_some_and(|n| no(n)),
        };
        forks.then(|| a.clone())
    })
}

/// Why a daemon OpenRC's backend starts stays in the foreground. `supervisor` counts as the
/// script's author's word only where the script itself sets it: conf.d or rc.conf may set it
/// for a script written for start-stop-daemon (issue 11, bug 10).
fn reason_from_variables(cx: &mut Context, started: &Started, argv: &mut Vec<String>) -> Option<String> {
    let background_value = cx.var("command_background").map(|v| v.value.text).filter(|t| says_yes(t));
    let in_script = cx.var("supervisor").is_some_and(|v| v.at.file == cx.fallback().file);
    if started.supervisor == Supervisor::SuperviseDaemon && in_script {
        Some("supervisor=supervise-daemon: it stays in the foreground".into())
    } else if started.supervisor == Supervisor::S6 && in_script {
        Some("supervisor=s6: written for s6 already".into())
    } else if let Some(v) = background_value {
        Some(format!("command_background={v}: it does not fork itself"))
    } else if started.flags.background {
        Some("--background in start_stop_daemon_args: it does not fork itself".into())
    } else if cx.is_non_empty("command_args_foreground") {
        Some("command_args_foreground keeps it in the foreground".into())
    } else if cx.is_non_empty("command_args_background") {
        keep_background_args(cx, started.background_args, argv)
    } else {
        None
    }
}

/// start-stop-daemon ran the daemon with `command_args_background`: kept when the table says
/// how to keep that command line in the foreground. Leaving them out is not enough where the
/// daemon forks by default (rngd's `--background` is its default) or where they select its
/// daemon mode (freshclam's `--daemon`: without it, it updates once and exits).
fn keep_background_args(cx: &mut Context, bg: Option<&BackgroundArgs>, argv: &mut Vec<String>) -> Option<String> {
    let table = table(cx);
    let kept = bg.and_then(|bg| {
        let mut full = argv.clone();
        full.extend(bg.words.value.iter().cloned());
        table.lookup(&full).map(|_| (full, bg))
    });
    let Some((full, bg)) = kept else {
        return Some("its daemonize flag is in command_args_background, which is left out".into());
    };
    *argv = full;
    cx.report.revise(
        bg.decision,
        "command_args_background kept, as start-stop-daemon passes it: rc2s6's table of daemons keeps that command line in the foreground",
        Some(bg.words.at),
    );
    None
}

/// The arguments that can be options: those before `--`.
fn options(args: &[String]) -> &[String] {
    &args[..daemon_table::options_end(args)]
}

/// The command line as the table entry keeps it in the foreground: its daemonize options
/// dropped, its foreground option added (the first `words` of `argv` select the entry).
fn from_table(cx: &mut Context, entry: &DaemonEntry, words: usize, mut argv: Vec<String>, at: Loc) -> Vec<String> {
    let base = basename(&argv[0]).to_string();
    let name =
        [base.as_str()].into_iter().chain(argv[1..words].iter().map(String::as_str)).collect::<Vec<_>>().join(" ");
    let mut args = argv[words..].to_vec();
    // Operands after `--` are the program's data, never its options: they stay as they are.
    let operands = args.split_off(daemon_table::options_end(&args));
    if entry.never_forks {
        let change = "nothing to change: it has no option to fork".to_string();
        cx.report.decide("foreground", format!("{name}: {change} ({})", entry.citation()), Some(at));
        cx.report.add(
            at,
            ModelError::ForegroundFromTable { daemon: name, change, table: entry.table_name(), span: at.span.into() },
        );
        return argv;
    }
    if entry.already.iter().any(|s| daemon_table::contains_seq(&args, s)) {
        let choice = format!("{name}: its arguments already keep it in the foreground ({})", entry.citation());
        cx.report.decide("foreground", choice, Some(at));
        return argv;
    }
    let mut new_args = args;
    let mut changes = Vec::new();
    for seq in &entry.drop {
        if daemon_table::contains_seq(&new_args, seq) {
            new_args = daemon_table::remove_seq(&new_args, seq);
            changes.push(format!("removed `{}`", seq.join(" ")));
        }
    }
    if let Some(seq) = entry.foreground.first() {
        match entry.insert {
            Insert::End => {
                new_args.extend(seq.iter().cloned());
                changes.push(format!("added `{}`", seq.join(" ")));
            }
            Insert::Start => {
                new_args.splice(0..0, seq.iter().cloned());
                changes.push(format!("added `{}` before its other arguments", seq.join(" ")));
            }
        }
    }
    if changes.is_empty() {
        // A drop-only entry whose daemonize option the script does not pass.
        changes.push("nothing to change: it does not fork without its daemonize option".into());
    }
    argv.truncate(words);
    argv.extend(new_args);
    argv.extend(operands);
    let change = changes.join(", ");
    cx.report.decide("foreground", format!("{name}: {change} ({})", entry.citation()), Some(at));
    cx.report.add(
        at,
        ModelError::ForegroundFromTable { daemon: name, change, table: entry.table_name(), span: at.span.into() },
    );
    argv
}
