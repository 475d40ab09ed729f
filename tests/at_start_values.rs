//! Values OpenRC computes each time it starts the service (`$(cat FILE)`, `$(nproc)`,
//! `$(hostname)`, `$(id -u USER)`, `$(id -g USER)`): the generated run script, run by the real
//! execlineb of each toolset, gives a probe daemon exactly the argv (and the exported variable)
//! that OpenRC's way of building it gives — the script's assignment sourced by /bin/sh, then `eval`'d as
//! sh/start-stop-daemon.sh does with `$command_args` — or, when the output would make OpenRC's
//! `eval` read shell syntax (quotes, `$(…)`, a glob, a blank, a newline) or is empty (a missing
//! file, an unknown user), refuses to start: a message on stderr, a non-zero exit, no daemon.

mod support;

use std::fs;
use std::path::Path;

use support::probe;
use support::skarnet::Toolset;

for_each_toolset! {
    the_daemon_gets_what_openrc_gives => the_daemon_gets_what_openrc_gives_debian,
        the_daemon_gets_what_openrc_gives_current;
    hostile_or_empty_outputs_are_refused_at_start => hostile_or_empty_outputs_are_refused_at_start_debian,
        hostile_or_empty_outputs_are_refused_at_start_current;
}

/// The `command_args` line of the test script: every command rc2s6 computes at start, with
/// `${jobs:-…}` as conf.d's default and a backslash before one.
fn args_line(dir: &Path, user: &str) -> String {
    let value = dir.join("value").display().to_string();
    format!(
        "export AT_START_ENV=\"$(cat {value})\"\ncommand_args=\"-r $(cat {value}) -j ${{jobs:-$(nproc)}} -h `hostname` -u $(id -u {user}) --gid=$(id -g {user}) '\\\\$(nproc)'\""
    )
}

/// What the probe writes first: the exported value.
const FIRST: &str = "\"$AT_START_ENV\"";

/// Runs the run script with the toolset's execlineb; its status, what it said, and the probe's
/// argv.
fn start(ts: &Toolset, dir: &Path, run: &str) -> (bool, String, Option<Vec<String>>) {
    let (out, argv) = probe::start(ts, dir, run, None);
    // The run script's first line sends stderr to stdout (the log).
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), said, argv)
}

fn the_daemon_gets_what_openrc_gives(ts: &Toolset) {
    if !ts.tools(&["execlineb", "backtick", "emptyenv"]) {
        return;
    }
    let tmp = support::tempdir();
    let dir = tmp.path();
    let run = probe::run_script(dir, FIRST, &args_line(dir, "root"));
    // The shell strips every trailing newline of a substitution's output (XCU 2.6.3),
    // `backtick -n` one.
    for contents in ["90", "90\n", "0\n\n\n", "a.b:c@d%e+f=g,h/i-j_k"] {
        fs::write(dir.join("value"), contents).unwrap();
        let (ok, stderr, argv) = start(ts, dir, &run);
        assert!(ok, "{contents:?} ({}): {stderr}", ts.name());
        let want = probe::openrc_argv(FIRST, &args_line(dir, "root"));
        assert_eq!(argv.as_deref(), Some(&want[..]), "{contents:?} ({})", ts.name());
        assert_eq!(want[0], contents.trim_end_matches('\n'));
        assert_eq!(want[2], contents.trim_end_matches('\n'));
    }
}

fn hostile_or_empty_outputs_are_refused_at_start(ts: &Toolset) {
    if !ts.tools(&["execlineb", "backtick", "emptyenv"]) {
        return;
    }
    let tmp = support::tempdir();
    let dir = tmp.path();
    let run = probe::run_script(dir, FIRST, &args_line(dir, "root"));
    let pwned = dir.join("pwned");
    let hostile = [
        format!("$(touch {})", pwned.display()),
        format!("`touch {}`", pwned.display()),
        "a b".to_string(),
        "a\nb".to_string(),
        "'".to_string(),
        "\"".to_string(),
        "*".to_string(),
        "x;y".to_string(),
        "\\".to_string(),
        "~root".to_string(),
        "\t".to_string(),
        String::new(),
        "\n\n".to_string(),
    ];
    for contents in &hostile {
        fs::write(dir.join("value"), contents).unwrap();
        let (ok, stderr, argv) = start(ts, dir, &run);
        assert!(!ok && argv.is_none(), "{contents:?} started ({}): {argv:?}", ts.name());
        assert!(stderr.contains("rc2s6: not starting: `cat "), "{contents:?}: {stderr}");
        assert!(!pwned.exists(), "{contents:?} ran a command");
    }
    // Under OpenRC the first one runs `touch` (why the run script refuses it).
    fs::write(dir.join("value"), &hostile[0]).unwrap();
    let _ = probe::openrc_argv(FIRST, &args_line(dir, "root"));
    assert!(pwned.exists(), "OpenRC's eval did not run the substitution in the file");
    // A missing file and an unknown user print nothing: refused too.
    fs::remove_file(dir.join("value")).unwrap();
    let (ok, stderr, argv) = start(ts, dir, &run);
    assert!(!ok && argv.is_none() && stderr.contains("not starting"), "{stderr}");
    fs::write(dir.join("value"), "1").unwrap();
    let run = probe::run_script(dir, FIRST, &args_line(dir, "rc2s6-no-such-user"));
    let (ok, stderr, argv) = start(ts, dir, &run);
    assert!(!ok && argv.is_none(), "{stderr}");
    assert!(stderr.contains("rc2s6: not starting: `id -u rc2s6-no-such-user`"), "{stderr}");
}
