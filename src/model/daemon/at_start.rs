//! Values OpenRC computes each time it starts the service (`$(nproc)`, `$(cat FILE)`, `$(id -u
//! USER)` …, see `eval::at_start`) may be in the daemon's arguments and in the values of its
//! environment, where a run script computes them at the same moment; anywhere else (the program, an option, the user, a path) s6 needs
//! the value when the service directory is written, and it is refused as any substitution is.
//!
//! Where the output lands, OpenRC may read it again as shell: `command_args` is `eval`'d by
//! sh/start-stop-daemon.sh and sh/supervise-daemon.sh (0.45.2 and 0.63.3), so an output holding
//! quotes, `$`, `;`, a glob or a blank would make OpenRC run something else, or split it. The
//! run script therefore refuses to start (message on stderr, exit 1: s6 tries again a second
//! later) unless the output is non-empty and only [`SAFE_CHARACTERS`]; for such an output the
//! shell's splitting, globbing and `eval` leave it one word, as the run script does.

use super::super::error::ModelError;
use super::super::uncertainty::explain_uncertainty;
use super::context::Context;
use super::marker_scan::may_hold_marker;
use super::report::Refused;
use crate::eval::at_start::{AtStart, CLOSE, OPEN, Segment, has_marker, segments};
use crate::eval::value::Uncertainty;
use crate::model::service::Daemon;

/// The characters an output computed at start may hold, as words for a decision; the backend's
/// check is the same set (`backend::s6`).
pub const SAFE_CHARACTERS: &str = "A-Z a-z 0-9 . _ : @ % + = , / -";

/// Checks that every value computed at start the command line and the environment read is in the
/// daemon's arguments or environment values (not cut or measured by an expansion) and nowhere else, and records a decision for each.
pub fn check(cx: &mut Context, daemon: &Daemon) -> Result<(), Refused> {
    let used = std::mem::take(&mut cx.at_start.used);
    let refused = std::mem::take(&mut cx.at_start.refused);
    let elsewhere = markers_elsewhere(daemon);
    let mut placed = Vec::new();
    let mut broken = false;
    for w in daemon.argv.iter().skip(1).chain(daemon.env.iter().map(|(_, v)| v)) {
        // A word without a marker is text only.
        if !has_marker(w) {
            continue;
        }
        match segments(w) {
            Some(segs) => placed.extend(segs.into_iter().filter_map(|s| match s {
                Segment::Command(c) => Some(c),
                Segment::Text(_) => None,
            })),
            None => broken = true,
        }
    }
    // The user's: looked up at start (`account_lookup`), where only a number is taken.
    let in_user = daemon.user.as_ref().map(super::account_lookup::commands).unwrap_or_default();
    let mut result = Ok(());
    for (variable, command, loc) in &used {
        let for_user = variable == "command_user" && in_user.contains(command);
        if broken || !(placed.contains(command) || for_user) || elsewhere.contains(command) {
            let u = Uncertainty::AtStart { command: command.clone(), loc: *loc };
            result = Err(refuse(cx, variable, &u));
        } else {
            let taken = if for_user { "is not a number" } else { "is empty or holds anything but " };
            let chars = if for_user { "" } else { SAFE_CHARACTERS };
            cx.report.decide(
                "runtime value",
                format!(
                    "`{}` is run by the run script when the service starts, as root, as OpenRC runs it; \
                     the service does not start while its output {taken}{chars}",
                    command.display()
                ),
                Some(*loc),
            );
        }
    }
    // A marker no value read accounts for (or a broken one) cannot be told from text: it is
    // never printed as a command. One read where it may not be was reported when it was read.
    let accounted = |c: &AtStart| used.iter().any(|(_, u, _)| u == c) || refused.contains(c);
    let stray = broken || placed.iter().chain(&elsewhere).any(|c| !accounted(c));
    if result.is_ok() && stray {
        let u = Uncertainty::CommandSubst(cx.fallback());
        result = Err(refuse(cx, "command_args", &u));
    }
    result
}

fn refuse(cx: &mut Context, variable: &str, u: &Uncertainty) -> Refused {
    let why = explain_uncertainty(u, &Default::default(), &|_| false);
    let loc = u.loc();
    let error = ModelError::UnknowableValue {
        variable: variable.to_string(),
        why: why.why,
        span: loc.span.into(),
        help: why.help,
    };
    cx.report.refuse(loc, error)
}

/// The markers anywhere in the daemon but its arguments: the program, argv\[0\], the user, a
/// path, the environment … (every field, through its debug form, so that a field added later is
/// covered too; the debug form writes the private-use characters as `\u{e000}`). A broken one
/// counts as a command no value accounts for.
fn markers_elsewhere(daemon: &Daemon) -> Vec<AtStart> {
    // Most daemons have none: their fields are read, not copied or written.
    if !may_hold_marker_elsewhere(daemon) {
        return Vec::new();
    }
    let mut rest = daemon.clone();
    rest.argv.truncate(1);
    for (_, v) in rest.env.iter_mut() {
        v.clear();
    }
    // A backslash in a text is not yet a marker.
    if !may_hold_marker(&rest) {
        return Vec::new();
    }
    let text = format!("{rest:?}").replace("\\u{e000}", &OPEN.to_string()).replace("\\u{e001}", &CLOSE.to_string());
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find([OPEN, CLOSE]).map(|i| i + from) {
        let end = text[i..].find(CLOSE).map(|e| e + i + CLOSE.len_utf8()).unwrap_or(text.len());
        match segments(&text[i..end]).as_deref() {
            Some([Segment::Command(c)]) => out.push(c.clone()),
            // Broken: a command nothing read, so that it is refused.
            _ => out.push(AtStart::Cat(String::from("?"))),
        }
        from = end.max(i + 1);
    }
    out
}

/// Whether [`markers_elsewhere`] may find a marker: `false` when the debug form of the daemon
/// with argv\[0\] alone and its environment's values emptied (what it scans) can hold none.
/// Every field is named, so that one added later has to be looked at here too. A text's debug
/// form writes `\u{e000}` or `\u{e001}` only for those characters (whose UTF-8 starts with
/// 0xEE) or for a backslash in the text (written `\\`), and every character U+E000 to U+EFFF
/// (private use) escaped: a text with neither byte cannot hold one. Other fields are asked
/// through their own debug form, which is the daemon's for that field (not `{:#?}`), and
/// `, name: ` between fields holds no character of the escape, so no find spans two fields.
fn may_hold_marker_elsewhere(daemon: &Daemon) -> bool {
    let Daemon {
        argv,
        argv0,
        env,
        unexport,
        home_of,
        state_variables,
        directory,
        chroot,
        umask,
        nice,
        ignores_int_quit: _,
        limits,
        user,
        shell_redirects,
        stdin,
        stdout,
        log_file_mode: _,
        stderr,
        stdout_logger,
        stderr_logger,
        logger,
        logger_is_shell: _,
        notification_fd: _,
        down_signal,
        timeout_kill_ms: _,
        respawn,
        fghack: _,
        privileges,
        required,
        system_worlds,
    } = daemon;
    // Byte by byte: most texts are shorter than memchr's setup.
    let text = |t: &String| t.bytes().any(|b| b == b'\\' || b == 0xEE);
    let texts =
        [argv0, home_of, directory, chroot, umask, stdin, stdout, stderr, stdout_logger, stderr_logger, down_signal];
    argv.first().is_some_and(text)
        || env.iter().any(|(name, _)| text(name))
        || unexport.iter().any(text)
        || texts.into_iter().flatten().any(text)
        || logger.iter().flatten().any(text)
        || (!state_variables.is_empty() && may_hold_marker(state_variables))
        || (nice.is_some() && may_hold_marker(nice))
        || (!limits.is_empty() && may_hold_marker(limits))
        || (user.is_some() && may_hold_marker(user))
        || (!shell_redirects.is_empty() && may_hold_marker(shell_redirects))
        || (respawn.is_some() && may_hold_marker(respawn))
        || (privileges.is_some() && may_hold_marker(privileges))
        || (!required.is_empty() && may_hold_marker(required))
        || (system_worlds.is_some() && may_hold_marker(system_worlds))
}

#[cfg(test)]
mod tests {
    use super::{CLOSE, Daemon, OPEN, may_hold_marker, may_hold_marker_elsewhere};

    /// What the scan reads of a daemon: argv\[0\] alone, the environment's values emptied.
    fn scanned(d: &Daemon) -> Daemon {
        let mut rest = d.clone();
        rest.argv.truncate(1);
        rest.env.iter_mut().for_each(|(_, v)| v.clear());
        rest
    }

    #[test]
    fn a_daemon_the_fields_clear_holds_no_marker_anywhere() {
        let plain = Daemon {
            argv: vec!["/usr/bin/d".into(), format!("--x={OPEN}nproc{CLOSE}")],
            argv0: Some("d".into()),
            env: vec![("A".into(), format!("{OPEN}nproc{CLOSE}\\u{{e000}}"))],
            unexport: vec!["USER".into()],
            user: Some(crate::model::RunAs { user: "nobody".into(), group: None, group_only: false, lookup: None }),
            stdout: Some("/var/log/d.log".into()),
            logger: Some(vec!["logger".into(), "-t".into(), "d".into()]),
            ..Default::default()
        };
        assert!(!may_hold_marker_elsewhere(&plain));
        assert!(!may_hold_marker(&scanned(&plain)));
        let with = |f: &dyn Fn(&mut Daemon, String)| {
            for t in [OPEN.to_string(), CLOSE.to_string(), "\\u{e000}".to_string(), "a\\u{e001}".to_string()] {
                let mut d = plain.clone();
                f(&mut d, t);
                assert!(may_hold_marker(&scanned(&d)));
                assert!(may_hold_marker_elsewhere(&d), "{d:?}");
            }
        };
        with(&|d, t| d.argv[0] = t);
        with(&|d, t| d.argv0 = Some(t));
        with(&|d, t| d.env[0].0 = t);
        with(&|d, t| d.unexport.push(t));
        with(&|d, t| d.home_of = Some(t));
        with(&|d, t| d.chroot = Some(t));
        with(&|d, t| d.stderr_logger = Some(t));
        with(&|d, t| d.down_signal = Some(t));
        with(&|d, t| d.logger.as_mut().unwrap().push(t));
        with(&|d, t| d.user.as_mut().unwrap().group = Some(t));
        with(&|d, t| d.required.push(crate::model::RequiredPath { path: t, directory: false }));
    }
}

#[cfg(test)]
mod debug_form_tests {
    #[test]
    fn the_debug_form_escapes_the_markers() {
        let text = format!("{:?}", String::from(crate::eval::at_start::OPEN));
        assert!(text.contains("\\u{e000}"), "{text}");
    }
}
