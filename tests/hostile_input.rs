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

// 12. An input error means not converted.

/// An unterminated here-document is an error: the service is not converted (no directory, exit
/// 1), `--initd-out` leaves the script alone without calling it a bug in rc2s6, and a service
/// beside it still converts.
#[test]
fn an_unterminated_here_document_is_not_converted() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let broken = "#!/sbin/openrc-run\ncommand=/usr/bin/x\ncommand_background=yes\npidfile=/run/x.pid\nstart_pre() {\n\tcat <<EOF\nhello\n}\n";
    write(&work.join("init.d/broken"), broken);
    write(&work.join("init.d/good"), DAEMON);
    let out = rc2s6(work, &["init.d", "-o", "out", "--no-rc-conf", "--no-conf-dir", "--initd-out", "migrated"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("rc2s6::parse::unterminated_heredoc"), "{err}");
    assert!(err.contains("1 converted, 0 oneshot, 1 not converted"), "{err}");
    assert!(!err.contains("bug in rc2s6"), "{err}");
    assert!(!work.join("out/broken").exists() && work.join("out/good/run").is_file());
    assert!(!work.join("migrated/broken").exists() && work.join("migrated/good").is_file());
    let manifest = std::fs::read_to_string(work.join("out/rc2s6.manifest.yaml")).expect("manifest");
    assert!(manifest.contains("name: broken\n  kind: not-converted"), "{manifest}");
}
