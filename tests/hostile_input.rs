//! Hostile input to the release-facing binary (issue 16): names that would split a finding or
//! drive the terminal, scripts that evaluate to gigabytes, dependency sets built to be
//! quadratic, inputs that are not regular files, secrets in files others may not read, and
//! input errors that must leave a service unconverted. Each test failed before its fix.

mod support;

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
const DAEMON: &str =
    "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncommand_args=\"$args\"\ncommand_background=yes\npidfile=/run/d.pid\n";

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
        let out =
            rc2s6(work, &["lint", "--no-rc-conf", "--no-conf-dir", "--format", format, "--color", "never", "init.d"]);
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

// 7. Lint was quadratic on dependency cycles and on long dependency lists.

/// 2,000 scripts in a ring are one cycle: one finding, of bounded size (each of the 2,000
/// members used to get the whole cycle: 88 MB of JSON; 8,000 made 1.46 GB).
#[test]
fn a_ring_of_scripts_is_one_cycle_reported_once() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let n = 2000;
    for i in 0..n {
        write(
            &work.join(format!("ring/s{i}")),
            &format!("#!/sbin/openrc-run\ndepend() {{\n\tneed s{}\n}}\n", (i + 1) % n),
        );
    }
    let out = rc2s6(work, &["lint", "--no-rc-conf", "--no-conf-dir", "--format", "json", "ring"]);
    let json = stdout(&out);
    assert!(json.len() < 64 * 1024, "{} bytes of JSON", json.len());
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let cycles: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "rc2s6::lint::dependency_cycle")
        .collect();
    assert_eq!(cycles.len(), 1, "{json}");
    let message = cycles[0]["message"].as_str().expect("message");
    assert!(message.contains("`s0` needs `s1`") && message.contains("`s1999` needs `s0`"), "{message}");
    assert!(message.contains("(2000 scripts)"), "{message}");
}

/// One `depend()` naming 50,000 services: lint in every format and graph finish in seconds
/// (100,000 took over 60 s: every name was looked up in a list, and every finding counted
/// lines from the start of the file and printed the 700 KB line again).
#[test]
fn a_depend_naming_fifty_thousand_services_is_linted_in_linear_time() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let names: Vec<String> = (0..50_000).map(|i| format!("n{i}")).collect();
    write(&work.join("wide/w"), &format!("#!/sbin/openrc-run\ndepend() {{\n\tneed {}\n}}\n", names.join(" ")));
    for args in [&["lint", "--format", "json"][..], &["lint", "--format", "human", "--color", "never"], &["graph"]] {
        let mut c = support::rc2s6();
        c.current_dir(work).args(args).args(["--no-rc-conf", "--no-conf-dir", "wide"]);
        let (out, took, _) = measured(c);
        assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}: {}", stderr(&out));
        // CPU time, not wall-clock time: other work on the machine does not count. A debug build
        // takes about 6 s for the human format; quadratic work took minutes.
        assert!(took < 40.0, "{args:?} took {took:.1} s of CPU");
        let printed = stdout(&out);
        assert!(printed.len() < 60_000_000, "{args:?}: {} bytes", printed.len());
        if args[0] == "lint" {
            assert_eq!(printed.matches("rc2s6::lint::need_not_provided").count(), 50_000, "{args:?}");
        } else {
            assert_eq!(printed.matches("[label=\"need\"").count(), 50_000);
        }
    }
}

/// Runs a command to its end: its output, the CPU time (user and system, in seconds) it used and
/// its peak resident memory (KiB), read from `wait4` so that other tests' processes do not count.
#[allow(clippy::zombie_processes, reason = "reaped by wait4, which also gives its CPU time")]
fn measured(mut command: Command) -> (Output, f64, i64) {
    use std::io::Read as _;
    use std::os::unix::process::ExitStatusExt as _;
    let mut child =
        command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().expect("spawn");
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            r.read_to_end(&mut v).expect("read");
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let mut status = 0;
    // SAFETY: the struct outlives the call, which fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, which nothing else waits for.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4");
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    };
    (output, secs(usage.ru_utime) + secs(usage.ru_stime), usage.ru_maxrss)
}

// 8. Hangs and unbounded reads.

/// Runs a command, killing it if it runs past `secs` (a hang is then a failure, not a stuck CI).
fn within(mut command: Command, secs: u64) -> Output {
    let child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let id = child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            for _ in 0..secs * 10 {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return false;
                }
            }
            // SAFETY: kill has no memory effects; the child is not reaped until `wait_with_output`.
            unsafe { libc::kill(id as libc::pid_t, libc::SIGKILL) };
            true
        })
    };
    let out = child.wait_with_output().expect("wait");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(!watchdog.join().expect("watchdog"), "killed after {secs} s: it hung");
    out
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

/// A FIFO or a device named as a script, and a FIFO where a conf.d file or rc.conf is: each is
/// refused at once as not a regular file (exit 111, the path named), the other services still
/// converted; nothing hangs, and `/dev/zero` is not read until memory runs out.
#[test]
fn fifos_and_devices_as_inputs_are_refused_without_blocking() {
    let tmp = support::tempdir();
    let work = tmp.path();
    write(&work.join("init.d/good"), DAEMON);
    write(&work.join("init.d/fromfifo"), DAEMON);
    mkfifo(&work.join("named.fifo"));
    mkfifo(&work.join("conf.d/fromfifo"));
    mkfifo(&work.join("etc/rc.conf"));
    let mut c = support::rc2s6();
    c.current_dir(work).args([
        "init.d/good",
        "named.fifo",
        "/dev/zero",
        "-o",
        "out",
        "--no-rc-conf",
        "--conf-dir",
        "conf.d",
    ]);
    let out = within(c, 60);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(111), "{err}");
    assert!(err.contains("cannot read named.fifo: it is a FIFO, not a regular file"), "{err}");
    assert!(err.contains("cannot read /dev/zero: it is a device, not a regular file"), "{err}");
    assert!(work.join("out/good/run").is_file(), "{err}");
    // A conf.d that is a FIFO: OpenRC sources whatever exists there (`sourcex -e`), so it is
    // read, and refused, rather than skipped.
    let mut c = support::rc2s6();
    c.current_dir(work).args(["init.d", "-o", "out", "--no-rc-conf", "--conf-dir", "conf.d"]);
    let out = within(c, 60);
    assert_eq!(out.status.code(), Some(111), "{}", stderr(&out));
    assert!(stderr(&out).contains("conf.d/fromfifo: it is a FIFO"), "{}", stderr(&out));
    for command in [&["lint"][..], &["graph"], &["verify", "-o", "out"]] {
        let mut c = support::rc2s6();
        c.current_dir(work).args(command).args(["--rc-conf", "etc/rc.conf", "--no-conf-dir", "init.d/good"]);
        let out = within(c, 60);
        assert_eq!(out.status.code(), Some(111), "{command:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("etc/rc.conf: it is a FIFO"), "{command:?}: {}", stderr(&out));
    }
}

/// A script over 1 MiB is refused with its size; one just under it, 262,000 short lines (which
/// the parser's fixed call limit called "too deeply nested"), is read and converted.
#[test]
fn a_script_is_read_up_to_one_mebibyte() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let header = "#!/sbin/openrc-run\ncommand=/usr/bin/x\ncommand_background=yes\npidfile=/run/x.pid\n";
    // A function nothing calls: its lines are parsed, never run.
    let lines = (900 * 1024 - header.len()) / 4;
    write(&work.join("big/flat"), &format!("{header}unused() {{\n{}}}\n", "x=1\n".repeat(lines)));
    write(&work.join("huge/over"), &format!("{header}#{}\n", "x".repeat(1 << 20)));
    let mut c = support::rc2s6();
    c.current_dir(work).args(["big/flat", "huge/over", "-o", "out", "--no-rc-conf", "--no-conf-dir"]);
    let out = within(c, 300);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(111), "{err}");
    assert!(
        err.contains("cannot read huge/over: it is larger than rc2s6 reads (1048658 bytes; the limit is 1048576)"),
        "{err}"
    );
    assert!(!err.contains("too_complex"), "{err}");
    assert!(work.join("out/flat/run").is_file(), "{err}");
}

// 1. Values, words and expansion steps without bounds.

/// Three conf.d files of a few hundred bytes each that ask for gigabytes: doubling a value 28
/// times (1.3 GB: the allocation failed and aborted the whole run, signal 6), a `${a//x/$a}`
/// that squares one, and a value copied for each of thousands of conditions rc2s6 cannot
/// decide. Each gets a located `value_too_large` and is not converted; the harmless service
/// beside them is; compile, lint and graph alike stay within 1 GiB of address space
/// (`prlimit --as`) and 200 MiB of resident memory.
#[test]
fn values_that_grow_without_bound_stop_at_a_located_error() {
    if !support::tools(&["prlimit"]) {
        return;
    }
    let tmp = support::tempdir();
    let work = tmp.path();
    let doubling = format!("a=xxxxxxxxxx\n{}", "a=\"$a$a\"\n".repeat(28));
    let squaring = format!("a={}\na=\"${{a//x/$a}}\"\n", "x".repeat(4000));
    let copies =
        format!("a=xxxxxxxxxx\n{}{}", "a=\"$a$a\"\n".repeat(12), "if [ -n \"$(probe)\" ]; then b=1; fi\n".repeat(3000));
    for (name, confd) in
        [("good", "args=--good\n"), ("doubling", &doubling), ("squaring", &squaring), ("copies", &copies)]
    {
        write(&work.join("init.d").join(name), DAEMON);
        write(&work.join("conf.d").join(name), confd);
    }
    let bad = ["doubling", "squaring", "copies"];
    let runs: [&[&str]; 3] =
        [&["init.d", "-o", "out", "--color", "never"], &["lint", "--format", "gcc", "init.d"], &["graph", "init.d"]];
    for args in runs {
        let mut c = Command::new("prlimit");
        c.current_dir(work).arg(format!("--as={}", 1u64 << 30)).arg(env!("CARGO_BIN_EXE_rc2s6")).args(args).args([
            "--no-rc-conf",
            "--conf-dir",
            "conf.d",
        ]);
        let (out, _, rss_kib) = measured(c);
        let text = stdout(&out) + &stderr(&out);
        assert!(rss_kib < 200 << 10, "{args:?}: peak memory {rss_kib} KiB");
        if args[0] == "graph" {
            // The graph of what could be read: every service, none aborting the run.
            assert_eq!(out.status.code(), Some(0), "{args:?}: {text}");
            assert_eq!(text.matches("\";\n").count(), 4, "{text}");
            continue;
        }
        assert_eq!(out.status.code(), Some(1), "{args:?}: {text}");
        for b in bad {
            assert!(
                text.lines().any(|l| l.contains(&format!("conf.d/{b}")) && l.contains("value_too_large")
                    || l.contains(&format!("conf.d/{b}:")) && l.contains("larger than rc2s6 follows")),
                "{args:?}: {b} not reported: {text}"
            );
        }
        if args[0] == "lint" {
            // Each error points at the expansion where rc2s6 stopped.
            assert!(text.contains("conf.d/squaring:2:"), "{text}");
        }
    }
    assert!(work.join("out/good/run").is_file());
    for b in bad {
        assert!(!work.join("out").join(b).exists(), "{b} was converted");
    }
    let manifest = std::fs::read_to_string(work.join("out/rc2s6.manifest.yaml")).expect("manifest");
    assert_eq!(manifest.matches("value_too_large").count(), 3, "{manifest}");
}

// 3. The environment openrc-run gives scripts.

/// What conf.d's `$PATH` holds under `target`, read from rc2s6 itself: a conf.d that exports
/// `SEEN="/opt/foo/bin:$PATH"`, and the `SEEN` the compiled run script sets. (Not PATH itself:
/// start-stop-daemon hands the daemon PATH less OpenRC's own directories.)
fn compiled_path(target: &str) -> String {
    let tmp = support::tempdir();
    let work = tmp.path();
    write(&work.join("init.d/k3s"), DAEMON);
    write(&work.join("conf.d/k3s"), "args=--x\nexport SEEN=\"/opt/foo/bin:$PATH\"\n");
    let out = rc2s6(
        work,
        &["--no-rc-conf", "--conf-dir", "conf.d", "--openrc", target, "init.d", "-o", "out", "--color", "never"],
    );
    assert!(out.status.success(), "{target}: {}", stderr(&out));
    assert!(!stderr(&out).contains("PATH"), "{target}: a finding about PATH: {}", stderr(&out));
    let run = std::fs::read_to_string(work.join("out/k3s/run")).expect("run");
    let line = run.lines().find(|l| l.contains("SEEN")).unwrap_or_else(|| panic!("{target}: no SEEN in {run}"));
    let value = line.trim().strip_prefix("export SEEN ").unwrap_or_else(|| panic!("{target}: {line}"));
    value.strip_prefix("/opt/foo/bin:").unwrap_or_else(|| panic!("{target}: {value}")).to_string()
}

/// `$PATH` is what openrc-run gives conf.d and the script, for each target: the value the real
/// openrc-run (Debian's 0.45 and 0.63.3) gives, whatever PATH it inherited, is the one rc2s6
/// compiles into a run script for a conf.d that exports `SEEN="/opt/foo/bin:$PATH"`. (rc2s6 took
/// `$PATH` as empty: k3s's conf.d gave the daemon the `PATH` `/opt/foo/bin:`, and it failed.)
#[test]
fn path_is_what_openrc_run_gives_the_script_for_each_target() {
    let legacy = compiled_path("0.45");
    let newer = compiled_path("0.63");
    assert!(legacy.starts_with("/lib/rc/sbin:") && legacy.contains(":/usr/bin:"), "{legacy}");
    assert!(newer.starts_with("/usr/libexec/rc/sbin:"), "{newer}");
    let probe_script = "#!/sbin/openrc-run\ndescription=probe\n";
    let probe_confd = "echo \"$PATH\" > /run/rc2s6-path-seen\n";
    // Without a PATH, and with one that openrc-run drops.
    let body = "env -i /sbin/openrc-run /etc/init.d/probe status >/dev/null 2>&1\n\
                echo \"@@bare=$(cat /run/rc2s6-path-seen)\"\n\
                env -i PATH=/opt/x/bin:/usr/bin /sbin/openrc-run /etc/init.d/probe status >/dev/null 2>&1\n\
                echo \"@@inherited=$(cat /run/rc2s6-path-seen)\"\n";
    if support::tools(support::openrc::TOOLS) && support::require_root("mount namespaces and OpenRC 0.45") {
        let sandbox = support::tempdir();
        let layout = support::openrc::Layout::under(sandbox.path());
        std::fs::write(layout.initd.join("probe"), probe_script).expect("script");
        std::fs::set_permissions(layout.initd.join("probe"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
        std::fs::write(layout.confd.join("probe"), probe_confd).expect("conf.d");
        let run = layout.run(body, support::openrc::Namespace::default());
        assert_eq!(run.get("bare"), legacy, "{}", run.text);
        assert_eq!(run.get("inherited"), legacy, "{}", run.text);
    }
    if let Some(prefixes) = support::openrc063::ready() {
        let sandbox = support::openrc063::Sandbox::new(&prefixes);
        std::fs::write(sandbox.initd.join("probe"), probe_script).expect("script");
        std::fs::write(sandbox.confd.join("probe"), probe_confd).expect("conf.d");
        let run = sandbox.run(body, support::openrc063::Options::default());
        assert_eq!(run.get("bare"), newer, "{}", run.text);
        assert_eq!(run.get("inherited"), newer, "{}", run.text);
    }
}

// 4. Settings OpenRC evaluates.

/// `$'…'` means one thing to dash (Debian's /bin/sh, which runs openrc-run.sh) and another to
/// busybox ash (Alpine's) and bash, so a value built with it is refused where it is used; and a
/// `#` word in `command` comments out the rest of OpenRC's eval'd line (pidfile, background,
/// arguments), so it is refused too. Both were converted as if bash read them and as if the
/// comment hid nothing.
#[test]
fn ansi_c_quotes_and_comments_on_the_eval_line_are_refused() {
    if !support::tools(&["dash", "bash"]) {
        return;
    }
    // The shells disagree (what rc2s6 reports is why).
    let shell = |sh: &str| {
        let out = Command::new(sh).args(["-c", "printf '[%s]' $'x\\ny'"]).output().expect("shell");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(shell("dash"), "[$x\\ny]");
    assert_eq!(shell("bash"), "[x\ny]");
    let tmp = support::tempdir();
    let work = tmp.path();
    write(&work.join("init.d/ansi"), DAEMON);
    write(&work.join("conf.d/ansi"), "args=$'--a\\n--b'\n");
    write(
        &work.join("init.d/comment"),
        "#!/sbin/openrc-run\ncommand=\"/usr/bin/daemon #c\"\ncommand_background=yes\npidfile=/run/d.pid\n",
    );
    write(&work.join("init.d/plain"), DAEMON);
    write(&work.join("conf.d/plain"), "args=--x\n");
    let out = rc2s6(work, &["lint", "--format", "gcc", "--no-rc-conf", "--conf-dir", "conf.d", "init.d"]);
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l.starts_with("conf.d/ansi:1:6:") && l.contains("unknowable_value") && l.contains("dash")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("init.d/comment:2:") && l.contains("eval_syntax") && l.contains("`#c`")),
        "{text}"
    );
    let out = rc2s6(work, &["--no-rc-conf", "--conf-dir", "conf.d", "init.d", "-o", "out", "--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!work.join("out/ansi").exists() && !work.join("out/comment").exists());
    assert!(work.join("out/plain/run").is_file());
}
