//! A generated service directory under a real s6-svscan: it comes up as the right user in the
//! right directory with the right umask, notifies readiness on its notification-fd, writes its
//! output (stdout and stderr) through s6-log, and goes down with `s6-svc -d`. Each test runs
//! under Debian's s6 2.11 / execline 2.9.3 and under s6 2.15 / execline 2.9.9
//! (`support::skarnet`: there `/bin/execlineb`, the generated shebang, is execline 2.9.9's).

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::skarnet::Toolset;

/// A running s6-svscan, killed (with its tree) when dropped.
struct Scanner {
    child: Child,
    scandir: PathBuf,
    toolset: Toolset,
}

impl Scanner {
    fn start(ts: &Toolset, scandir: &Path) -> Scanner {
        let child = ts
            .svscan(scandir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s6-svscan");
        Scanner { child, scandir: scandir.to_path_buf(), toolset: ts.clone() }
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        let _ = self.toolset.command("s6-svscanctl").arg("-t").arg(&self.scandir).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("run command");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn wait_for(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

/// A world-readable scratch area (the daemon runs as `nobody`).
fn open_dir(base: &Path, name: &str) -> PathBuf {
    let p = base.join(name);
    fs::create_dir_all(&p).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    p
}

/// A world-readable scratch area for one test: `init.d/`, `logs/` (each service's s6-log), `svc/`
/// (rc2s6's output) and `scan/` (what s6-svscan watches).
struct Scratch {
    tmp: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let tmp = support::tempdir();
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        Scratch { tmp }
    }

    fn base(&self) -> &Path {
        self.tmp.path()
    }

    fn logs(&self) -> PathBuf {
        open_dir(self.base(), "logs")
    }

    fn scandir(&self) -> PathBuf {
        open_dir(self.base(), "scan")
    }

    /// Writes `script` as init.d/NAME, compiles it (no rc.conf or conf.d, its log under logs/,
    /// and `args`) into svc/, and links svc/NAME into scan/.
    fn compile(&self, name: &str, script: &str, args: &[&str]) {
        let initd = open_dir(self.base(), "init.d");
        fs::write(initd.join(name), script).unwrap();
        let out = self.base().join("svc");
        let (ok, text) = run(support::rc2s6()
            .arg(initd.join(name))
            .arg("-o")
            .arg(&out)
            .args(["--no-rc-conf", "--no-conf-dir", "--log-dir"])
            .arg(self.logs())
            .args(args));
        assert!(ok, "rc2s6 failed:\n{text}");
        std::os::unix::fs::symlink(out.join(name), self.scandir().join(name)).unwrap();
    }
}

for_each_toolset! {
    generated_service_runs_under_s6 => generated_service_runs_under_s6_debian, generated_service_runs_under_s6_current;
    a_supervised_directory_is_not_replaced_under_its_supervisor =>
        a_supervised_directory_is_not_replaced_under_its_supervisor_debian,
        a_supervised_directory_is_not_replaced_under_its_supervisor_current;
    output_and_error_logs_are_appended_and_private_as_start_stop_daemon_makes_them =>
        output_and_error_logs_are_appended_and_private_as_start_stop_daemon_makes_them_debian,
        output_and_error_logs_are_appended_and_private_as_start_stop_daemon_makes_them_current;
    a_limit_the_shell_cannot_set_is_reported_and_the_daemon_starts_without_it =>
        a_limit_the_shell_cannot_set_is_reported_and_the_daemon_starts_without_it_debian,
        a_limit_the_shell_cannot_set_is_reported_and_the_daemon_starts_without_it_current;
    the_daemon_does_not_start_while_a_required_path_is_missing =>
        the_daemon_does_not_start_while_a_required_path_is_missing_debian,
        the_daemon_does_not_start_while_a_required_path_is_missing_current;
    the_nice_level_is_absolute_whatever_the_supervisor_runs_at =>
        the_nice_level_is_absolute_whatever_the_supervisor_runs_at_debian,
        the_nice_level_is_absolute_whatever_the_supervisor_runs_at_current;
    a_daemon_start_runs_with_an_ampersand_ignores_sigint_and_sigquit =>
        a_daemon_start_runs_with_an_ampersand_ignores_sigint_and_sigquit_debian,
        a_daemon_start_runs_with_an_ampersand_ignores_sigint_and_sigquit_current;
}

/// openrc-run refuses to start a service while a `required_dirs` entry is not a directory or a
/// `required_files` entry is not readable (openrc-run.sh.in at 0.45.2 and 0.63.3), with its
/// `eerror`. The run script makes the same tests: the daemon does not run, the message is in
/// the log, and once the paths are there the daemon starts (s6-supervise tries again).
fn the_daemon_does_not_start_while_a_required_path_is_missing(ts: &Toolset) {
    if !ts.tools(&["execlineb", "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-log"]) || !ts.can_svscan() {
        return;
    }
    let scratch = Scratch::new();
    let base = scratch.base();
    let (dir, file) = (base.join("state dir"), base.join("key file"));
    scratch.compile(
        "reqd",
        &format!(
            "#!/sbin/openrc-run\n\
             command=/bin/sh\n\
             command_args=\"-c 'echo daemon-started; exec sleep 100'\"\n\
             command_background=yes\n\
             pidfile=/run/reqd.pid\n\
             required_dirs=\"'{}'\"\n\
             required_files=\"'{}'\"\n",
            dir.display(),
            file.display()
        ),
        &[],
    );
    let scandir = scratch.scandir();
    let _scanner = Scanner::start(ts, &scandir);
    let current = scratch.logs().join("reqd/current");
    let said = |what: &str| fs::read_to_string(&current).is_ok_and(|t| t.contains(what));
    let no_dir = format!(" * reqd: `{}' is not a directory", dir.display());
    wait_for("openrc-run's message for the directory", Duration::from_secs(10), || said(&no_dir));
    fs::create_dir(&dir).unwrap();
    let no_file = format!(" * reqd: `{}' is not readable", file.display());
    wait_for("openrc-run's message for the file", Duration::from_secs(10), || said(&no_file));
    assert!(!said("daemon-started"), "the daemon ran while a required path was missing");
    fs::write(&file, "").unwrap();
    wait_for("the daemon, once both paths are there", Duration::from_secs(10), || said("daemon-started"));
    let (_, status) = run(ts.command("s6-svstat").arg(scandir.join("reqd")));
    assert!(status.starts_with("up "), "{status}");
    let (ok, text) = run(ts.command("s6-svc").arg("-d").arg(scandir.join("reqd")));
    assert!(ok, "{text}");
}

/// openrc-run only reports a `ulimit` that fails (`rc_ulimit`: openrc-run.sh.in at 0.45.2; one
/// in start_pre(): the shell's message) and starts the daemon without it; s6-softlimit would
/// stop the service. The run script makes each call in /bin/sh first: a soft limit above the
/// kernel's maximum fails even for root, a core size succeeds.
fn a_limit_the_shell_cannot_set_is_reported_and_the_daemon_starts_without_it(ts: &Toolset) {
    if !ts.tools(&["execlineb", "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-log"]) || !ts.can_svscan() {
        return;
    }
    let scratch = Scratch::new();
    scratch.compile(
        "limitd",
        "#!/sbin/openrc-run\n\
         command=/bin/sh\n\
         command_args=\"-c 'cat /proc/self/limits; exec sleep 100'\"\n\
         command_background=yes\n\
         pidfile=/run/limitd.pid\n\
         rc_ulimit=\"-S -n 1073741824\"\n\
         start_pre() { ulimit -S -c 12345; }\n",
        &[],
    );
    let scandir = scratch.scandir();
    let _scanner = Scanner::start(ts, &scandir);
    let current = scratch.logs().join("limitd/current");
    wait_for("the daemon's limits in its log", Duration::from_secs(10), || {
        fs::read_to_string(&current).is_ok_and(|t| t.contains("Max core file size"))
    });
    let log = fs::read_to_string(&current).unwrap();
    assert!(log.contains(" * limitd: unable to apply RC_ULIMIT settings"), "{log}");
    // 12345 blocks of 512 bytes, soft only; the open files as s6-svscan has them (a word 0,
    // s6-log's timestamp, comes first).
    let core = log.lines().find(|l| l.contains("Max core file size")).unwrap();
    assert_eq!(core.split_whitespace().nth(5), Some("6320640"), "{core}");
    let files = log.lines().find(|l| l.contains("Max open files")).unwrap();
    assert_ne!(files.split_whitespace().nth(4), Some("1073741824"), "{files}");
    let (_, status) = run(ts.command("s6-svstat").arg(scandir.join("limitd")));
    assert!(status.starts_with("up "), "{status}");
    let (ok, text) = run(ts.command("s6-svc").arg("-d").arg(scandir.join("limitd")));
    assert!(ok, "{text}");
}

fn generated_service_runs_under_s6(ts: &Toolset) {
    if !ts.tools(&["execlineb", "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-svwait", "s6-log"])
        || !support::tools(&["setpriv"])
        || !support::require_root("switching to user nobody")
        || !ts.can_svscan()
    {
        return;
    }
    let tmp = support::tempdir();
    let base = tmp.path();
    fs::set_permissions(base, fs::Permissions::from_mode(0o755)).unwrap();
    let bin = open_dir(base, "bin");
    let daemon = bin.join("rc2s6-testd");
    fs::copy(support::root().join("testdata/bin/rc2s6-testd"), &daemon).unwrap();
    fs::set_permissions(&daemon, fs::Permissions::from_mode(0o755)).unwrap();
    let work = open_dir(base, "work");
    let initd = open_dir(base, "init.d");
    let logs = open_dir(base, "logs");
    let out = base.join("svc");
    let script = initd.join("testd");
    fs::write(
        &script,
        format!(
            "#!/sbin/openrc-run\n\
             command={daemon}\n\
             command_args=\"--ready-fd 5 --delay 1 'two words'\"\n\
             command_background=yes\n\
             pidfile=/run/testd.pid\n\
             command_user=nobody\n\
             directory={work}\n\
             umask=027\n\
             notify=fd:5\n\
             capabilities=^cap_net_bind_service\n",
            daemon = daemon.display(),
            work = work.display()
        ),
    )
    .unwrap();
    let (ok, text) = run(support::rc2s6()
        .arg(&script)
        .arg("-o")
        .arg(&out)
        .arg("--no-rc-conf")
        .arg("--no-conf-dir")
        .arg("--log-dir")
        .arg(&logs));
    assert!(ok, "rc2s6 failed:\n{text}");

    let scandir = open_dir(base, "scan");
    std::os::unix::fs::symlink(out.join("testd"), scandir.join("testd")).unwrap();
    let _scanner = Scanner::start(ts, &scandir);
    let svc = scandir.join("testd");

    // Up and ready: readiness comes from the daemon writing to its notification-fd.
    wait_for("s6-supervise", Duration::from_secs(10), || svc.join("supervise/status").exists());
    let (ok, text) = run(ts.command("s6-svwait").args(["-U", "-t", "15000"]).arg(&svc));
    assert!(ok, "service never became ready: {text}");
    let (_, status) = run(ts.command("s6-svstat").arg(&svc));
    assert!(status.starts_with("up ") && status.contains("ready"), "s6-svstat: {status}");

    // Its output, stdout and stderr, went through s6-log.
    let current = logs.join("testd/current");
    wait_for("the log", Duration::from_secs(10), || {
        fs::read_to_string(&current).is_ok_and(|t| t.contains("testd: ready") && t.contains("went to stderr"))
    });
    let log = fs::read_to_string(&current).unwrap();
    let started = log.lines().find(|l| l.contains("testd: started")).expect("start line");
    assert!(started.contains("user=nobody"), "{started}");
    assert!(started.contains(&format!("cwd={}", work.display())), "{started}");
    assert!(started.contains("umask=0027"), "{started}");
    // cap_net_bind_service (bit 10) is ambient in the daemon, across the switch to `nobody`.
    assert!(started.contains("CapAmb:0000000000000400"), "{started}");
    assert!(started.contains("args=--ready-fd 5 --delay 1 two words"), "{started}");
    // s6-log's `t` directive prefixes a TAI64N timestamp.
    assert!(started.starts_with('@'), "{started}");

    // The same process stays up: it is not respawning.
    let pid = |s: &str| s.split("pid ").nth(1).and_then(|r| r.split(')').next()).map(String::from);
    let first = pid(&status);
    // The tool selection itself: this toolset's s6-supervise and execlineb started it.
    ts.assert_started(first.as_deref().and_then(|p| p.split_whitespace().next()?.parse().ok()).expect("a pid"));
    std::thread::sleep(Duration::from_secs(2));
    let (_, status2) = run(ts.command("s6-svstat").arg(&svc));
    assert_eq!(first, pid(&status2), "the daemon was restarted: {status} / {status2}");

    // Down on request.
    let (ok, text) = run(ts.command("s6-svc").arg("-d").arg(&svc));
    assert!(ok, "{text}");
    let (ok, text) = run(ts.command("s6-svwait").args(["-D", "-t", "10000"]).arg(&svc));
    assert!(ok, "service did not go down: {text}");
    let (_, status) = run(ts.command("s6-svstat").arg(&svc));
    assert!(status.starts_with("down "), "{status}");
}

/// Replacing the directory a live s6-supervise runs in would orphan it: the old daemon keeps
/// running where no s6 tool finds it, and the next scan starts a second one. rc2s6 leaves such a
/// directory alone (even with --force) until its supervisors are stopped.
fn a_supervised_directory_is_not_replaced_under_its_supervisor(ts: &Toolset) {
    if !ts.tools(&["execlineb", "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-log"]) || !ts.can_svscan() {
        return;
    }
    let tmp = support::tempdir();
    let base = tmp.path();
    let initd = open_dir(base, "init.d");
    let confd = open_dir(base, "conf.d");
    let logs = open_dir(base, "logs");
    let out = base.join("svc");
    fs::write(
        initd.join("sleeper"),
        "#!/sbin/openrc-run\ncommand=/bin/sleep\ncommand_args=\"$secs\"\ncommand_background=yes\n",
    )
    .unwrap();
    let compile = |secs: &str, force: bool| {
        fs::write(confd.join("sleeper"), format!("secs={secs}\n")).unwrap();
        let mut c = support::rc2s6();
        c.arg(&initd).arg("-o").arg(&out).arg("--conf-dir").arg(&confd).arg("--no-rc-conf").arg("--log-dir").arg(&logs);
        if force {
            c.arg("--force");
        }
        run(&mut c)
    };
    let (ok, text) = compile("1001", false);
    assert!(ok, "{text}");
    let scandir = open_dir(base, "scan");
    std::os::unix::fs::symlink(out.join("sleeper"), scandir.join("sleeper")).unwrap();
    let _scanner = Scanner::start(ts, &scandir);
    let svc = scandir.join("sleeper");
    wait_for("the service to be up", Duration::from_secs(10), || {
        run(ts.command("s6-svstat").arg(&svc)).1.starts_with("up ")
    });

    for force in [false, true] {
        let (ok, text) = compile("1002", force);
        assert!(!ok && text.contains("run by a live s6-supervise"), "--force {force}: {text}");
        assert!(fs::read_to_string(out.join("sleeper/run")).unwrap().contains("1001"));
        let (_, status) = run(ts.command("s6-svstat").arg(&svc));
        assert!(status.starts_with("up "), "the supervisor lost its directory: {status}");
    }

    // Out of the scan directory (what `rc-service sleeper stop` does), it is replaced.
    fs::remove_file(&svc).unwrap();
    let (ok, text) = run(ts.command("s6-svscanctl").arg("-an").arg(&scandir));
    assert!(ok, "{text}");
    wait_for("the new directory", Duration::from_secs(10), || compile("1002", false).0);
    assert!(fs::read_to_string(out.join("sleeper/run")).unwrap().contains("1002"));
}

/// `output_log` and `error_log` under s6 end up as start-stop-daemon leaves them: opened for
/// appending as the daemon's user, and created readable by that user only (0600), whatever the
/// umask.
fn output_and_error_logs_are_appended_and_private_as_start_stop_daemon_makes_them(ts: &Toolset) {
    if !ts.tools(&["execlineb", "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-log"])
        || !support::require_root("switching to user nobody")
        || !ts.can_svscan()
    {
        return;
    }
    let scratch = Scratch::new();
    let files = open_dir(scratch.base(), "files");
    // The daemon's user must be able to create its log files here.
    fs::set_permissions(&files, fs::Permissions::from_mode(0o777)).unwrap();
    fs::write(files.join("err.log"), "from before\n").unwrap();
    fs::set_permissions(files.join("err.log"), fs::Permissions::from_mode(0o666)).unwrap();
    scratch.compile(
        "logger",
        &format!(
            "#!/sbin/openrc-run\n\
             command=/bin/sh\n\
             command_args=\"-c 'echo to stdout; echo to stderr >&2; exec sleep 100'\"\n\
             command_background=yes\n\
             command_user=nobody\n\
             umask=000\n\
             output_log={files}/out.log\n\
             error_log={files}/err.log\n",
            files = files.display()
        ),
        &[],
    );
    let scandir = scratch.scandir();
    let _scanner = Scanner::start(ts, &scandir);
    let (out_log, err_log) = (files.join("out.log"), files.join("err.log"));
    wait_for("both logs", Duration::from_secs(10), || {
        fs::read_to_string(&out_log).is_ok_and(|t| t.contains("to stdout"))
            && fs::read_to_string(&err_log).is_ok_and(|t| t.contains("to stderr"))
    });
    use std::os::unix::fs::MetadataExt as _;
    let created = fs::metadata(&out_log).unwrap();
    // OpenRC's start-stop-daemon creates it 0660 less the umask (start-stop-daemon.c:1051-1052 at
    // 0.45.2; measured with OpenRC 0.45.2's own start-stop-daemon: umask 000 gives 0660, 022 0640).
    assert_eq!(created.mode() & 0o777, 0o660, "a new log is made as start-stop-daemon makes it");
    assert_eq!(created.uid(), 65534, "created as nobody");
    // An existing file is only opened, and appended to.
    assert_eq!(fs::metadata(&err_log).unwrap().mode() & 0o777, 0o666);
    assert_eq!(fs::read_to_string(&err_log).unwrap(), "from before\nto stderr\n");
    let (ok, text) = run(ts.command("s6-svc").arg("-d").arg(scandir.join("logger")));
    assert!(ok, "{text}");
}

/// start-stop-daemon's and supervise-daemon's `--nicelevel` is absolute (`setpriority()`,
/// start-stop-daemon.c:881 at 0.45.2), and from OpenRC 0.46 it is the daemon's autogroup's too
/// (commit 112b6986). Here s6-svscan itself runs at nice 5: the daemon still gets exactly the
/// level asked for, not 5 more; the autogroup's level is set only for a target that sets it.
fn the_nice_level_is_absolute_whatever_the_supervisor_runs_at(ts: &Toolset) {
    if !ts.tools(&["execlineb", "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-log"])
        || !support::tools(&["nice"])
        || !support::require_root("a nice level below the supervisor's")
        || !ts.can_svscan()
    {
        return;
    }
    let autogroup = Path::new("/proc/self/autogroup").exists();
    for (target, level, autogroup_level) in [("0.45.2", "-3", None), ("0.63.3", "12", Some("12"))] {
        let scratch = Scratch::new();
        scratch.compile(
            "niced",
            &format!(
                "#!/sbin/openrc-run\ncommand=/bin/sh\ncommand_args=\"-c 'exec sleep 100'\"\n\
                 command_background=yes\npidfile=/run/niced.pid\nSSD_NICELEVEL={level}\n"
            ),
            &["--openrc", target],
        );
        let (scandir, logs) = (scratch.scandir(), scratch.logs());
        let svscan = ts.svscan(&scandir);
        let mut niced = Command::new(support::tool("nice").unwrap());
        niced.args(["-n", "5"]).arg(svscan.get_program()).args(svscan.get_args());
        for (k, v) in svscan.get_envs() {
            match v {
                Some(v) => niced.env(k, v),
                None => niced.env_remove(k),
            };
        }
        let child = niced.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let _scanner = Scanner { child, scandir: scandir.clone(), toolset: ts.clone() };
        let mut pid = String::new();
        wait_for("the daemon", Duration::from_secs(10), || {
            let (_, p) = run(ts.command("s6-svstat").args(["-o", "pid"]).arg(scandir.join("niced")));
            pid = p.trim().to_string();
            pid.parse::<u32>().is_ok_and(|p| p > 0)
                && fs::read_to_string(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.starts_with("sleep"))
        });
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let after_name = stat.rsplit_once(") ").unwrap().1;
        // field 19 of proc(5); the third after the name's `)` is field 3
        assert_eq!(after_name.split(' ').nth(16), Some(level), "{target}: {stat}");
        let group = fs::read_to_string(format!("/proc/{pid}/autogroup")).unwrap_or_default();
        if autogroup {
            let want = format!("nice {}", autogroup_level.unwrap_or("0"));
            assert!(group.trim_end().ends_with(&want), "{target}: autogroup {group}, want {want}");
        }
        let (_, log) = run(Command::new("cat").arg(logs.join("niced/current")));
        assert!(!log.contains("cannot set"), "{log}");
        let (ok, text) = run(ts.command("s6-svc").arg("-d").arg(scandir.join("niced")));
        assert!(ok, "{text}");
    }
}

/// start() that runs the daemon itself with `&`: openrc-run's shell (no job control) starts it
/// with SIGINT and SIGQUIT ignored (POSIX XCU 2.11), and so does the run script; SIGTERM, s6's
/// down signal, is left alone.
fn a_daemon_start_runs_with_an_ampersand_ignores_sigint_and_sigquit(ts: &Toolset) {
    if !ts.tools(&["execlineb", "s6-svscan", "s6-svscanctl", "s6-svc", "s6-svstat", "s6-log"]) || !ts.can_svscan() {
        return;
    }
    let scratch = Scratch::new();
    scratch.compile("bgd", "#!/sbin/openrc-run\ncommand=/usr/bin/tail\nstart() {\n\t$command -f /dev/null &\n}\n", &[]);
    let scandir = scratch.scandir();
    let _scanner = Scanner::start(ts, &scandir);
    let mut pid = String::new();
    wait_for("the daemon", Duration::from_secs(10), || {
        let (_, p) = run(ts.command("s6-svstat").args(["-o", "pid"]).arg(scandir.join("bgd")));
        pid = p.trim().to_string();
        pid.parse::<u32>().is_ok_and(|p| p > 0)
            && fs::read_to_string(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.starts_with("/usr/bin/tail"))
    });
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let ignored = status.lines().find_map(|l| l.strip_prefix("SigIgn:")).unwrap().trim();
    let mask = u64::from_str_radix(ignored, 16).unwrap();
    // bit n-1 for signal n: SIGINT 2, SIGQUIT 3, SIGTERM 15
    assert_eq!(mask & 0b110, 0b110, "SIGINT and SIGQUIT ignored: {ignored}");
    assert_eq!(mask & (1 << 14), 0, "SIGTERM not ignored: {ignored}");
    let (ok, text) = run(ts.command("s6-svc").arg("-d").arg(scandir.join("bgd")));
    assert!(ok, "{text}");
}
