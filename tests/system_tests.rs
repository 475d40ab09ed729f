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
    each_world_runs_the_program_openrc_runs => each_world_runs_the_program_openrc_runs_debian,
        each_world_runs_the_program_openrc_runs_current;
}

/// The script's lines that set the probe's arguments and environment: an `if`/`elif` on two
/// files (uwsgi's way), a negated test that also exports a variable (tvheadend's), on paths
/// under `dir`.
fn settings(dir: &Path, grep: bool) -> String {
    let d = dir.display();
    if grep {
        // chrony's way: a line of its configuration file, its blanks as Gentoo's openvpn script
        // writes them (in double quotes, so grep gets a backslash and `t`).
        return format!(
            "command_args=-n\ngrep -q \"^[ \\t]*dumponexit[ \\t]*$\" {d}/chrony.conf && command_args=\"$command_args -r\"\n"
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
    let contents: [Option<&[u8]>; 9] = [
        None,
        Some(b""),
        Some(b"server a\ndumponexit\n"),
        Some(b"dumponexit"),
        Some(b"#dumponexit\ndumponexit x\n"),
        Some(b" \\tdumponexit\\\n"),
        Some(b"\tdumponexit\n"),
        Some(b"\xff\x00\ndumponexit\xff\n\xfe"),
        Some(b"dumponexit \xe9\n \xc3\xa9dumponexit\n"),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for c in contents {
        let _ = fs::remove_file(&conf);
        if let Some(c) = c {
            fs::write(&conf, c).unwrap();
        }
        // openrc-run passes the caller's locale through; the run script has s6-svscan's.
        let want = probe::openrc_argv(FIRST, &settings(dir, true));
        let utf8 = probe::openrc_argv(FIRST, &format!("export LC_ALL=C.UTF-8\n{}", settings(dir, true)));
        assert_eq!(utf8, want, "{c:?}");
        assert_eq!(start(ts, dir, &run).as_deref(), Some(&want[..]), "{c:?} ({})", ts.name());
        seen.insert(want);
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
}

/// busybox grep's matching on musl (Alpine's): `setlocale(LC_ALL, "")`, then `regcomp` with
/// REG_NOSUB and `regexec` on each line without its newline (busybox 1.36 findutils/grep.c).
const MUSL_GREP: &str = r#"#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
	regex_t re;
	char line[4096];
	FILE *f;
	setlocale(LC_ALL, "");
	if (argc != 3 || regcomp(&re, argv[1], REG_NOSUB) || !(f = fopen(argv[2], "r"))) return 2;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (regexec(&re, line, 0, 0, 0) == 0) return 0;
	}
	return 1;
}
"#;

/// Each grep a system may run `grep -q` with: GNU grep, busybox's on glibc (Debian's), and
/// busybox's matching on musl, as argv prefixes.
fn greps(dir: &Path) -> Option<Vec<Vec<String>>> {
    if !support::tools(&["grep", "busybox", "musl-gcc"]) {
        return None;
    }
    let src = dir.join("mgrep.c");
    let bin = dir.join("mgrep");
    fs::write(&src, MUSL_GREP).unwrap();
    let cc = std::process::Command::new("musl-gcc").arg("-static").arg("-o").arg(&bin).arg(&src).output().unwrap();
    assert!(cc.status.success(), "{}", String::from_utf8_lossy(&cc.stderr));
    let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Some(vec![w(&["grep", "-q"]), w(&["busybox", "grep", "-q"]), vec![bin.display().to_string()]])
}

/// What `grep` says of `file` for `pattern` in the locale `lc_all`: matched or not.
fn matches(grep: &[String], lc_all: &str, pattern: &str, file: &Path) -> bool {
    let out = std::process::Command::new(&grep[0])
        .args(&grep[1..])
        .arg(pattern)
        .arg(file)
        .env_clear()
        .env("PATH", "/bin:/usr/bin")
        .env("LC_ALL", lc_all)
        .output()
        .unwrap();
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        other => panic!("{grep:?} {pattern:?}: {other:?} {}", String::from_utf8_lossy(&out.stderr)),
    }
}

/// The patterns rc2s6 takes as tests of the running system (`^…$` of ASCII literals and
/// bracket expressions of single ASCII characters) find the same lines in the C and a UTF-8
/// locale, under GNU grep, busybox's on glibc and musl's regexec, whatever bytes the file holds;
/// the patterns it refuses for that reason do not, under at least one of them.
#[test]
fn taken_grep_patterns_answer_alike_in_every_locale() {
    let tmp = support::tempdir();
    let Some(greps) = greps(tmp.path()) else { return };
    let file = tmp.path().join("conf");
    let lines: &[&[u8]] = &[
        b"",
        b"cd",
        b"cd ",
        b" \\tcd\\",
        b"\tcd",
        b"cd\xff",
        b"cd \xff",
        b"\xffcd",
        b"\xff cd",
        b"cd \xe9t\xe9",
        b"\xc3\xa9 cd",
        b"cd \xc3",
        b"cd\r",
        b"c\x00d",
        b"rtcfile\xff",
        b"\xffuser",
    ];
    let read = |p: &str| {
        let loc = rc2s6::eval::value::Loc {
            file: rc2s6::core::source::FileId::new(0),
            span: rc2s6::core::source::Span::new(0, 1),
        };
        rc2s6::eval::system_test::SystemTest::read(loc, "grep", &["-q".into(), p.into(), "/f".into()]).is_some()
    };
    let taken = ["^cd$", "^[ \\t]*cd[ \\t]*$", "^$", "^c[d]*$", "^[\\c]d $"];
    let refused = ["^cd", "cd", "cd$", "^rtcfile", "user$", "^[ \\t]*cd[ \\t].*", "^cd.*$"];
    let mut disagreements = std::collections::BTreeSet::new();
    for pattern in taken.iter().chain(&refused) {
        assert_eq!(read(pattern), taken.contains(pattern), "{pattern}");
        for line in lines {
            fs::write(&file, [*line, b"\n"].concat()).unwrap();
            for grep in &greps {
                let c = matches(grep, "C", pattern, &file);
                let utf8 = matches(grep, "C.UTF-8", pattern, &file);
                if c != utf8 {
                    assert!(!taken.contains(pattern), "{grep:?} {pattern:?} {line:?}: C {c}, C.UTF-8 {utf8}");
                    disagreements.insert(*pattern);
                }
            }
        }
    }
    assert_eq!(disagreements, refused.into_iter().collect(), "each refused pattern differs somewhere");
}

/// guix-daemon's way, with the probe in two places: the one in `alt/` when it is executable and
/// `packaged` does not exist, else the first.
fn program_settings(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "command={d}/alt/probe\nif [ ! -x \"$command\" ] || [ -e {d}/packaged ]; then\n\tcommand={d}/probe\nfi\ncommand_args=\"-a 'b c'\"\n"
    )
}

fn each_world_runs_the_program_openrc_runs(ts: &Toolset) {
    use std::os::unix::fs::PermissionsExt;
    if !ts.tools(&["execlineb", "ifelse"]) {
        return;
    }
    let tmp = support::tempdir();
    let dir = tmp.path();
    // The probe writes its own path first: which program ran.
    let run = probe::run_script(dir, "\"$0\"", &program_settings(dir));
    assert_eq!(run.matches("ifelse").count(), 2, "{run}");
    fs::create_dir(dir.join("alt")).unwrap();
    let alt = dir.join("alt/probe");
    let mut seen = std::collections::BTreeSet::new();
    // alt/probe absent, not executable (root too needs an x bit: dash's test), executable; with
    // and without `packaged`.
    for mode in [None, Some(0o644), Some(0o755)] {
        for packaged in [false, true] {
            let _ = fs::remove_file(&alt);
            if let Some(mode) = mode {
                fs::copy(dir.join("probe"), &alt).unwrap();
                fs::set_permissions(&alt, fs::Permissions::from_mode(mode)).unwrap();
            }
            place(dir, "packaged", packaged.then_some(false));
            let openrc =
                format!("{}\neval \"set -- $command_args\"\nprintf '%s\\0' \"$command\" \"$@\"", program_settings(dir));
            let want = support::sh_words(&openrc);
            let got = start(ts, dir, &run);
            assert_eq!(got.as_deref(), Some(&want[..]), "{mode:?} {packaged} ({})", ts.name());
            seen.insert(want);
        }
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
}
