//! Proof against the real OpenRC: Debian's OpenRC 0.45 starts and stops migrated services with
//! `supervisor=s6` and real s6, inside a private mount and pid namespace (tmpfs on /run, the
//! test's init.d and conf.d bind-mounted over /etc/init.d and /etc/conf.d), so nothing on the
//! host is touched. The link OpenRC makes in /run/openrc/s6-scan must be the one `rc2s6 verify`
//! predicted, and `rc2s6 verify --scan-dir` must agree with the live tree.
//!
//! OpenRC 0.45's s6_start sleeps 3 s per start, so each test takes several seconds; they run in
//! parallel, each in its own namespace.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use support::openrc::{Layout, Namespace, OPENRC, Run, TOOLS, Var, probe};

/// A test's files: init.d and conf.d for OpenRC, the compiled tree, logs and the test daemon.
struct Sandbox {
    /// Removes the sandbox when the test ends.
    _tmp: tempfile::TempDir,
    dirs: Layout,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = support::tempdir();
        let dirs = Layout::under(tmp.path());
        let s = Sandbox { _tmp: tmp, dirs };
        // The daemon runs as nobody: everything it needs must be readable.
        for d in ["bin", "work", "originals/init.d", "originals/conf.d"] {
            fs::create_dir_all(s.root().join(d)).unwrap();
            fs::set_permissions(s.root().join(d), fs::Permissions::from_mode(0o755)).unwrap();
        }
        let testd = s.root().join("bin/rc2s6-testd");
        fs::copy(support::root().join("testdata/bin/rc2s6-testd"), &testd).unwrap();
        fs::set_permissions(&testd, fs::Permissions::from_mode(0o755)).unwrap();
        support::openrc::install_system_services(&s.initd());
        s
    }

    fn root(&self) -> &std::path::Path {
        &self.dirs.root
    }
    fn initd(&self) -> PathBuf {
        self.dirs.initd.clone()
    }
    fn out(&self) -> PathBuf {
        self.dirs.out.clone()
    }
    fn logs(&self) -> PathBuf {
        self.dirs.logs.clone()
    }

    /// Copies testdata/openrc/services/{init.d,conf.d}/<name>, placeholders filled in, into
    /// `originals/` (the scripts as a distribution ships them) and conf.d into `conf.d`.
    fn original(&self, name: &str) -> PathBuf {
        let src = support::root().join("testdata/openrc/services");
        let fill = |t: String| {
            t.replace("@TESTD@", &self.root().join("bin/rc2s6-testd").display().to_string())
                .replace("@WORK@", &self.root().join("work").display().to_string())
        };
        let script = self.root().join("originals/init.d").join(name);
        fs::write(&script, fill(fs::read_to_string(src.join("init.d").join(name)).unwrap())).unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        if let Ok(t) = fs::read_to_string(src.join("conf.d").join(name)) {
            fs::write(self.root().join("conf.d").join(name), fill(t)).unwrap();
        }
        script
    }

    /// `rc2s6 ORIGINALS -o out --initd-out init.d` as a user would run it.
    fn compile_and_migrate(&self, names: &[&str]) {
        let scripts: Vec<PathBuf> = names.iter().map(|n| self.original(n)).collect();
        let out = self.dirs.compile_and_migrate(&scripts);
        assert!(out.status.success(), "rc2s6 failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }

    /// `rc2s6 verify` on the migrated scripts, before anything runs: each service's predicted
    /// link target.
    fn predicted(&self, names: &[&str]) -> std::collections::BTreeMap<String, String> {
        self.dirs.predicted(names)
    }

    /// Runs `body` (sh) in a fresh mount and pid namespace set up as an OpenRC system; `var` also
    /// puts a tmpfs on /var so /var/svc.d can be written.
    fn run(&self, body: &str, var: bool) -> Run {
        self.dirs.run(body, Namespace { net: false, var: if var { Var::Empty } else { Var::Host } })
    }

    fn log(&self, service: &str) -> String {
        self.dirs.log(service)
    }
}

fn ready() -> bool {
    support::tools(TOOLS) && support::require_root("mount namespaces and OpenRC")
}

/// The mail's case: OpenRC's start blocks until the daemon is ready; its output, stdout and
/// stderr, lands in its s6-log directory; stop brings it down.
#[test]
fn start_blocks_until_ready_and_output_lands_in_s6_log() {
    if !ready() {
        return;
    }
    let s = Sandbox::new();
    s.compile_and_migrate(&["slowready"]);
    let predicted = s.predicted(&["slowready"]);
    let migrated = fs::read_to_string(s.initd().join("slowready")).unwrap();
    assert!(migrated.contains("\ns6_svwait_options_start=\"-U -t 30000\"\n"), "{migrated}");
    let body = format!(
        "/etc/init.d/slowready start; echo \"@@start=$?\"\n{probe}\
         \"$RC2S6\" verify /etc/init.d/slowready -o '{out}' --no-rc-conf --openrc {OPENRC} --scan-dir /run/openrc/s6-scan; echo \"@@verify=$?\"\n\
         /etc/init.d/slowready stop; echo \"@@stop=$?\"\n{after}",
        probe = probe("slowready", ""),
        after = probe("slowready", "stopped-"),
        out = s.out().display(),
    );
    let r = s.run(&body, false);
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("link"), predicted["slowready"], "{}", r.text);
    // Ready as soon as start returned: without the -U wait, OpenRC 0.45 returns after its 3 s of
    // sleeps, before the daemon's 4 s delay is over.
    let status = r.get("status");
    assert!(status.starts_with("up ") && status.contains("ready"), "{}", r.text);
    assert_eq!(r.get("verify"), "0", "{}", r.text);
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    assert!(r.get("stopped-status").starts_with("down "), "{}", r.text);
    let log = s.log("slowready");
    let at = |needle: &str| log.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the log:\n{log}"));
    assert!(at("testd: started") < at("testd: ready"), "{log}");
    at("args=--ready-fd 5 --delay 4 hello from slowready");
    at("testd: this line went to stderr");
    at("testd: got TERM");
}

/// A custom start()/stop()/reload() written for start-stop-daemon: migrated, OpenRC starts it
/// through s6, reload signals it through s6-svc, a second start finds it linked the same way.
#[test]
fn custom_start_stop_and_reload_go_through_s6() {
    if !ready() {
        return;
    }
    let s = Sandbox::new();
    s.compile_and_migrate(&["customd"]);
    let predicted = s.predicted(&["customd"]);
    let migrated = fs::read_to_string(s.initd().join("customd")).unwrap();
    assert!(migrated.contains("\tdefault_start\n") && migrated.contains("\tdefault_stop\n"), "{migrated}");
    assert!(migrated.contains("s6-svc -h \"${RC_SVCDIR}/s6-scan/${s6_service_path##*/}\""), "{migrated}");
    let log = s.logs().join("customd/current");
    let body = format!(
        "/etc/init.d/customd start; echo \"@@start=$?\"\n{probe}\
         echo \"@@pid=$(s6-svstat -o pid /run/openrc/s6-scan/customd)\"\n\
         /etc/init.d/customd reload; echo \"@@reload=$?\"\n\
         i=0; while [ $i -lt 100 ] && ! grep -q 'got HUP' '{log}'; do sleep 0.1; i=$((i+1)); done\n\
         echo \"@@pid-after-reload=$(s6-svstat -o pid /run/openrc/s6-scan/customd)\"\n\
         /etc/init.d/customd stop; echo \"@@stop=$?\"\n{stopped}\
         /etc/init.d/customd start; echo \"@@restart=$?\"\n{again}\
         \"$RC2S6\" verify /etc/init.d/customd -o '{out}' --no-rc-conf --openrc {OPENRC} --scan-dir /run/openrc/s6-scan; echo \"@@verify=$?\"\n\
         /etc/init.d/customd stop; echo \"@@stop-again=$?\"\n",
        probe = probe("customd", ""),
        stopped = probe("customd", "stopped-"),
        again = probe("customd", "again-"),
        log = log.display(),
        out = s.out().display(),
    );
    let r = s.run(&body, false);
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("link"), predicted["customd"], "{}", r.text);
    assert!(r.get("status").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("reload"), "0", "{}", r.text);
    // The daemon got the HUP and kept running: s6-svc signalled the supervised process.
    assert!(s.log("customd").contains("testd: got HUP"), "{}\n{}", r.text, s.log("customd"));
    assert_eq!(r.get("pid"), r.get("pid-after-reload"), "{}", r.text);
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    assert!(r.get("stopped-status").starts_with("down "), "{}", r.text);
    assert_eq!(r.get("restart"), "0", "{}", r.text);
    assert_eq!(r.get("again-link"), predicted["customd"], "{}", r.text);
    assert!(r.get("again-status").starts_with("up "), "{}", r.text);
    // OpenRC 0.45 links with `ln -sf` (no -n): the second start made a link inside the service
    // directory. verify names it as OpenRC's, a warning, and the tree is still consistent.
    assert_eq!(r.get("verify"), "0", "{}", r.text);
    assert!(r.text.contains("rc2s6::verify::openrc_nested_link"), "{}", r.text);
    assert_eq!(r.get("stop-again"), "0", "{}", r.text);
}

/// A supervise-daemon script with conf.d arguments, a user, a directory and a umask: the daemon
/// runs as OpenRC would have run it.
#[test]
fn unprivileged_daemon_runs_as_configured() {
    if !ready() {
        return;
    }
    let s = Sandbox::new();
    s.compile_and_migrate(&["nobodyd"]);
    let predicted = s.predicted(&["nobodyd"]);
    let body = format!(
        "/etc/init.d/nobodyd start; echo \"@@start=$?\"\n{probe}\
         i=0; while [ $i -lt 100 ] && ! grep -q 'testd: started' '{log}'; do sleep 0.1; i=$((i+1)); done\n\
         /etc/init.d/nobodyd stop; echo \"@@stop=$?\"\n{stopped}",
        probe = probe("nobodyd", ""),
        stopped = probe("nobodyd", "stopped-"),
        log = s.logs().join("nobodyd/current").display(),
    );
    let r = s.run(&body, false);
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("link"), predicted["nobodyd"], "{}", r.text);
    assert!(r.get("status").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    assert!(r.get("stopped-status").starts_with("down "), "{}", r.text);
    let log = s.log("nobodyd");
    let started = log.lines().find(|l| l.contains("testd: started")).unwrap_or_else(|| panic!("{log}"));
    assert!(started.contains("user=nobody"), "{started}");
    assert!(started.contains(&format!("cwd={}", s.root().join("work").display())), "{started}");
    assert!(started.contains("umask=0027"), "{started}");
    assert!(started.contains("args=--from-conf-d --foreground"), "{started}");
}

/// Compiled into /var/svc.d, OpenRC's default: the migrated script sets no s6_service_path and
/// OpenRC still links the right directory.
#[test]
fn var_svc_d_needs_no_service_path() {
    if !ready() {
        return;
    }
    let s = Sandbox::new();
    let original = s.original("plaind");
    let body = format!(
        "\"$RC2S6\" '{original}' -o /var/svc.d --no-rc-conf --conf-dir /etc/conf.d --log-dir '{logs}' --openrc {OPENRC} --initd-out /etc/init.d; echo \"@@compile=$?\"\n\
         echo \"@@service-path=$(grep -c '^s6_service_path=' /etc/init.d/plaind)\"\n\
         \"$RC2S6\" verify /etc/init.d/plaind -o /var/svc.d --no-rc-conf --openrc {OPENRC}; echo \"@@verify=$?\"\n\
         /etc/init.d/plaind start; echo \"@@start=$?\"\n{probe}\
         /etc/init.d/plaind stop; echo \"@@stop=$?\"\n{stopped}",
        original = original.display(),
        logs = s.logs().display(),
        probe = probe("plaind", ""),
        stopped = probe("plaind", "stopped-"),
    );
    let r = s.run(&body, true);
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("service-path"), "0", "{}", r.text);
    assert!(r.text.contains("plaind: /run/openrc/s6-scan/plaind -> /var/svc.d/plaind"), "{}", r.text);
    assert_eq!(r.get("verify"), "0", "{}", r.text);
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("link"), "/var/svc.d/plaind", "{}", r.text);
    assert!(r.get("status").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    assert!(r.get("stopped-status").starts_with("down "), "{}", r.text);
}

/// Two hand-written scripts whose service directories share a basename (what
/// `rc2s6::verify::link_collision` reports): OpenRC 0.45's second start runs `ln -sf` onto the
/// first one's link, which makes a link inside the first service's directory, and `s6-svc -u` on
/// that link reports the first service as the second's; the second daemon never runs.
#[test]
fn colliding_link_names_make_the_second_start_report_the_first_service() {
    if !ready() {
        return;
    }
    let s = Sandbox::new();
    let testd = s.root().join("bin/rc2s6-testd");
    for site in ["a", "b"] {
        let dir = s.root().join(format!("site-{site}/web"));
        fs::create_dir_all(&dir).unwrap();
        let run = format!("#!/bin/execlineb -P\nfdmove -c 2 1\n{} --site-{site}\n", testd.display());
        fs::write(dir.join("run"), run).unwrap();
        fs::set_permissions(dir.join("run"), fs::Permissions::from_mode(0o755)).unwrap();
        let script = format!(
            "#!/sbin/openrc-run\nsupervisor=s6\ns6_service_path={}\n\ndepend() {{\n\tneed s6-svscan\n}}\n",
            dir.display()
        );
        let path = s.initd().join(format!("web-{site}"));
        fs::write(&path, script).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::create_dir_all(s.out()).unwrap();
    let body = format!(
        "\"$RC2S6\" verify /etc/init.d/web-a /etc/init.d/web-b -o '{out}' --no-rc-conf --openrc {OPENRC} 2>&1; echo \"@@verify=$?\"\n\
         /etc/init.d/web-a start; echo \"@@start-a=$?\"\n\
         /etc/init.d/web-b start; echo \"@@start-b=$?\"\n\
         echo \"@@link=$(readlink /run/openrc/s6-scan/web)\"\n\
         echo \"@@nested=$(readlink '{a}/web')\"\n\
         echo \"@@status-b=$(/etc/init.d/web-b status 2>&1 | head -1)\"\n\
         echo \"@@supervised-b=$(s6-svok '{b}' && echo yes || echo no)\"\n\
         /etc/init.d/web-a stop; echo \"@@stop-a=$?\"\n",
        out = s.out().display(),
        a = s.root().join("site-a/web").display(),
        b = s.root().join("site-b/web").display(),
    );
    let r = s.run(&body, false);
    assert_eq!(r.get("verify"), "1", "{}", r.text);
    assert!(r.text.contains("rc2s6::verify::link_collision"), "{}", r.text);
    assert_eq!(r.get("start-a"), "0", "{}", r.text);
    // The second start succeeds, but on the first service.
    assert_eq!(r.get("start-b"), "0", "{}", r.text);
    assert_eq!(r.get("link"), s.root().join("site-a/web").display().to_string(), "{}", r.text);
    assert_eq!(r.get("nested"), s.root().join("site-b/web").display().to_string(), "{}", r.text);
    assert!(r.get("status-b").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("supervised-b"), "no", "{}", r.text);
    assert_eq!(r.get("stop-a"), "0", "{}", r.text);
}

/// A script that sets `s6_service_path=""`: OpenRC 0.45's s6.sh applies its default before the
/// script is sourced, so the empty value stays and s6_start fails ("does not exist."), even with
/// /var/svc.d/NAME in place. verify must predict the failure, not the default.
#[test]
fn empty_service_path_set_by_the_script_fails_to_start() {
    if !ready() {
        return;
    }
    let s = Sandbox::new();
    let script = s.initd().join("emptypath");
    fs::write(&script, "#!/sbin/openrc-run\nsupervisor=s6\ns6_service_path=\"\"\n\ndepend() {\n\tneed s6-svscan\n}\n")
        .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let body = format!(
        "mkdir -p /var/svc.d/emptypath\n\
         printf '#!/bin/execlineb -P\\n{testd} --emptypath\\n' > /var/svc.d/emptypath/run\n\
         chmod 0755 /var/svc.d/emptypath/run\n\
         \"$RC2S6\" verify /etc/init.d/emptypath -o /var/svc.d --no-rc-conf --openrc {OPENRC} 2>&1; echo \"@@verify=$?\"\n\
         /etc/init.d/emptypath start 2>&1; echo \"@@start=$?\"\n",
        testd = s.root().join("bin/rc2s6-testd").display(),
    );
    let r = s.run(&body, true);
    assert_ne!(r.get("start"), "0", "{}", r.text);
    assert!(r.text.contains(" does not exist."), "{}", r.text);
    assert_eq!(r.get("verify"), "1", "{}", r.text);
    assert!(r.text.contains("rc2s6::verify::service_path_empty"), "{}", r.text);
}
