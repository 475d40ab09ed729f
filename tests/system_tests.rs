//! Daemon arguments OpenRC sets under tests of the running system (`[ -f FILE ]`, `[ ! -e FILE ]`,
//! `[ -d DIR ]`): the generated run script, run by the real execlineb of each toolset, gives a
//! probe daemon exactly the argv and the exported variable that OpenRC's way of building them
//! gives — the script's top level run by /bin/sh, then `command_args` `eval`'d as
//! sh/start-stop-daemon.sh does — in every world: each combination of the tested paths present
//! and absent (they are in a temporary directory, so nothing on the machine is touched).

mod support;

use std::fs;
use std::path::Path;

use support::probe;
use support::skarnet::Toolset;

for_each_toolset! {
    each_world_gets_what_openrc_gives => each_world_gets_what_openrc_gives_debian,
        each_world_gets_what_openrc_gives_current;
    a_line_of_the_file_decides_as_grep_does => a_line_of_the_file_decides_as_grep_does_debian,
        a_line_of_the_file_decides_as_grep_does_current;
}

/// The script's lines that set the probe's arguments and environment: an `if`/`elif` on two
/// files (uwsgi's way), a negated test that also exports a variable (tvheadend's), on paths
/// under `dir`.
fn settings(dir: &Path, grep: bool) -> String {
    let d = dir.display();
    if grep {
        // chrony's way: a line of its configuration file.
        return format!(
            "command_args=-n\ngrep -q '^dumponexit$' {d}/chrony.conf && command_args=\"$command_args -r\"\n"
        );
    }
    format!(
        "command_args=\"-a 'b c'\"\nif [ -f {d}/app.ini ]; then\n\tcommand_args=\"$command_args --ini {d}/app.ini\"\nelif test -d {d}/conf.d; then\n\tcommand_args=\"$command_args --dir\"\nfi\n[ ! -e {d}/config ] && {{ command_args=\"$command_args --firstrun\"; export FIRST=yes; }}\n"
    )
}

/// What the probe writes first: the exported variable.
const FIRST: &str = "\"${FIRST-unset}\"";

/// Runs the run script with the toolset's execlineb from the service directory's place (not
/// `/`); the probe's `$FIRST` and argv.
fn start(ts: &Toolset, dir: &Path, run: &str) -> Option<Vec<String>> {
    let (out, argv) = probe::start(ts, dir, run, Some(dir));
    assert!(out.status.success(), "{} {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    argv
}

/// Makes `dir/name` a file (`Some(false)`), a directory (`Some(true)`), or nothing.
fn place(dir: &Path, name: &str, what: Option<bool>) {
    let p = dir.join(name);
    let _ = fs::remove_file(&p);
    let _ = fs::remove_dir(&p);
    match what {
        Some(true) => fs::create_dir(&p).unwrap(),
        Some(false) => fs::write(&p, "").unwrap(),
        None => {}
    }
}

fn each_world_gets_what_openrc_gives(ts: &Toolset) {
    if !ts.tools(&["execlineb", "ifelse"]) {
        return;
    }
    let tmp = support::tempdir();
    let dir = tmp.path();
    let run = probe::run_script(dir, FIRST, &settings(dir, false));
    // `app.ini`, then `conf.d` where there is none, and `config` under each of the three ways.
    assert_eq!(run.matches("ifelse").count(), 5, "{run}");
    let mut seen = std::collections::BTreeSet::new();
    // Each path absent, a file, or a directory: `-f` and `-d` tell them apart, `-e` does not.
    let kinds = [None, Some(false), Some(true)];
    for ini in kinds {
        for conf_d in kinds {
            for config in kinds {
                place(dir, "app.ini", ini);
                place(dir, "conf.d", conf_d);
                place(dir, "config", config);
                let want = probe::openrc_argv(FIRST, &settings(dir, false));
                let got = start(ts, dir, &run);
                let world = (ini, conf_d, config);
                assert_eq!(got.as_deref(), Some(&want[..]), "{world:?} ({})", ts.name());
                seen.insert(want);
            }
        }
    }
    // Every world was reached: three ways of the `if`, with and without --firstrun.
    assert_eq!(seen.len(), 6, "{seen:?}");
}

fn a_line_of_the_file_decides_as_grep_does(ts: &Toolset) {
    if !ts.tools(&["execlineb", "ifelse", "emptyenv"]) {
        return;
    }
    let tmp = support::tempdir();
    let dir = tmp.path();
    let run = probe::run_script(dir, FIRST, &settings(dir, true));
    assert_eq!(run.matches("ifelse").count(), 1, "{run}");
    let conf = dir.join("chrony.conf");
    let contents: [Option<&[u8]>; 6] = [
        None,
        Some(b""),
        Some(b"server a\ndumponexit\n"),
        Some(b"dumponexit"),
        Some(b"#dumponexit\ndumponexit \n"),
        Some(b"\xff\x00\ndumponexit\n\xfe"),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for c in contents {
        let _ = fs::remove_file(&conf);
        if let Some(c) = c {
            fs::write(&conf, c).unwrap();
        }
        let want = probe::openrc_argv(FIRST, &settings(dir, true));
        assert_eq!(start(ts, dir, &run).as_deref(), Some(&want[..]), "{c:?} ({})", ts.name());
        seen.insert(want);
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
}
