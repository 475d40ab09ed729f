//! Hostile input to the release-facing binary (issue 16): names that would split a finding or
//! drive the terminal, scripts that evaluate to gigabytes, dependency sets built to be
//! quadratic, inputs that are not regular files, secrets in files others may not read, and
//! input errors that must leave a service unconverted. Each test failed before its fix.

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A daemon that converts, for scripts that must not spoil the others.
const DAEMON: &str = "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncommand_args=\"$args\"\ncommand_background=yes\npidfile=/run/d.pid\n";

/// Runs `rc2s6 ARGS` in `work`.
fn rc2s6(work: &Path, args: &[&str]) -> Output {
    support::rc2s6().current_dir(work).args(args).output().expect("run rc2s6")
}

// 11. File names printed raw in the gcc and human formats.

/// A file name with a newline and terminal escape sequences: every format keeps one finding
/// per line (gcc) or per header (human), and nothing unprintable reaches the terminal.
#[test]
fn file_names_with_newlines_and_escapes_are_escaped() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let name = "evil\n\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}x";
    // A finding on line 2 of it: `comand_args` is a typo.
    write(&work.join("init.d").join(name), "#!/sbin/openrc-run\ncomand_args=-x\n");
    for format in ["gcc", "human"] {
        let out = rc2s6(work, &["lint", "--no-rc-conf", "--no-conf-dir", "--format", format, "--color", "never", "init.d"]);
        let text = stdout(&out) + &stderr(&out);
        assert!(text.contains("variable_typo"), "{format}: {text}");
        assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{format}: a control character was printed: {text:?}");
        assert!(text.contains("evil\\n\\u{1b}]0;owned\\u{7}\\u{1b}[2J\\u{202e}x"), "{format}: {text}");
        if format == "gcc" {
            let printed = stdout(&out);
            let lines: Vec<&str> = printed.lines().collect();
            assert!(lines.iter().all(|l| l.starts_with("init.d/evil\\n")), "one finding per line: {lines:?}");
        }
    }
    // compile and its own messages (what was not written, where) alike: a daemon that may
    // fork is an error there.
    write(&work.join("init.d").join(name), "#!/sbin/openrc-run\ncommand=/usr/bin/x\n");
    let out = rc2s6(work, &["init.d", "-o", "out", "--no-rc-conf", "--no-conf-dir", "--color", "never"]);
    assert!(!stderr(&out).contains(['\u{1b}', '\u{7}', '\u{202e}']), "{:?}", stderr(&out));
    assert!(stderr(&out).contains("init.d/evil\\n"), "{}", stderr(&out));
}
