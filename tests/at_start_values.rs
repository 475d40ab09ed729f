//! Values OpenRC computes each time it starts the service (`$(cat FILE)`, `$(nproc)`,
//! `$(hostname)`, `$(id -u USER)`, `$(id -g USER)`): the generated run script, run by the real
//! execlineb of each toolset, gives a probe daemon exactly the argv (and the exported variable)
//! that OpenRC's way of building it gives — the script's assignment sourced by /bin/sh, then `eval`'d as
//! sh/start-stop-daemon.sh does with `$command_args` — or, when the output would make OpenRC's
//! `eval` read shell syntax (quotes, `$(…)`, a glob, a blank, a newline) or is empty (a missing
//! file, an unknown user), refuses to start: a message on stderr, a non-zero exit, no daemon.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rc2s6::pipeline::compile;
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

/// The run script for a probe daemon that writes its arguments, NUL-terminated, to `dir/out`.
fn run_script(dir: &Path, user: &str) -> String {
    let probe = dir.join("probe");
    let out = dir.join("out");
    // The exported value first, then the arguments.
    let text = format!("#!/bin/sh\nprintf '%s\\0' \"$AT_START_ENV\" \"$@\" > '{}'\n", out.display());
    fs::write(&probe, text).unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o755)).unwrap();
    let init_d = dir.join("init.d");
    fs::create_dir_all(&init_d).unwrap();
    let script = init_d.join("probe");
    let text =
        format!("#!/sbin/openrc-run\ncommand={}\n{}\ncommand_background=yes\n", probe.display(), args_line(dir, user));
    fs::write(&script, text).unwrap();
    let opts = support::compile_options(None, None, "0.45", "/var/svc.d");
    let comp = compile::run(std::slice::from_ref(&script), &opts);
    let dir = comp.services[0].dir.as_ref().unwrap_or_else(|| panic!("not converted: {:?}", comp.services[0]));
    dir.files.iter().find(|f| f.path == "run").expect("a run script").contents.clone()
}

/// `AT_START_ENV` and the probe's argv (without argv\[0\]) as OpenRC builds them: the assignment run by /bin/sh,
/// then `eval`'d with the rest of start-stop-daemon's line.
fn openrc_argv(dir: &Path, user: &str) -> Vec<String> {
    let program =
        format!("{}\neval \"set -- $command_args\"\nprintf '%s\\0' \"$AT_START_ENV\" \"$@\"", args_line(dir, user));
    support::sh_words(&program)
}

/// Runs the run script with the toolset's execlineb; its status, what it said, and the probe's
/// argv.
fn start(ts: &Toolset, dir: &Path, run: &str) -> (bool, String, Option<Vec<String>>) {
    let path = dir.join("run");
    fs::write(&path, run).unwrap();
    let _ = fs::remove_file(dir.join("out"));
    let out = ts.command("execlineb").arg("-P").arg(&path).output().unwrap();
    let argv = fs::read(dir.join("out")).ok().map(|b| support::nul_words(&b));
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
    let run = run_script(dir, "root");
    // The shell strips every trailing newline of a substitution's output (XCU 2.6.3),
    // `backtick -n` one.
    for contents in ["90", "90\n", "0\n\n\n", "a.b:c@d%e+f=g,h/i-j_k"] {
        fs::write(dir.join("value"), contents).unwrap();
        let (ok, stderr, argv) = start(ts, dir, &run);
        assert!(ok, "{contents:?} ({}): {stderr}", ts.name());
        let want = openrc_argv(dir, "root");
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
    let run = run_script(dir, "root");
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
    let _ = openrc_argv(dir, "root");
    assert!(pwned.exists(), "OpenRC's eval did not run the substitution in the file");
    // A missing file and an unknown user print nothing: refused too.
    fs::remove_file(dir.join("value")).unwrap();
    let (ok, stderr, argv) = start(ts, dir, &run);
    assert!(!ok && argv.is_none() && stderr.contains("not starting"), "{stderr}");
    fs::write(dir.join("value"), "1").unwrap();
    let run = run_script(dir, "rc2s6-no-such-user");
    let (ok, stderr, argv) = start(ts, dir, &run);
    assert!(!ok && argv.is_none(), "{stderr}");
    assert!(stderr.contains("rc2s6: not starting: `id -u rc2s6-no-such-user`"), "{stderr}");
}
