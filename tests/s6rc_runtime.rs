//! Proof with the real s6-rc 0.6.1.1 (and s6 2.15, execline 2.9.9 from `/opt/skarnet-new`):
//! what `rc2s6 --backend s6-rc` writes is accepted by s6-rc-compile, brought up by
//! `s6-rc -u change` in dependency order — a oneshot before the daemon that needs it, each
//! daemon's start_pre() before it, the next daemon only once the one it needs is ready, its
//! start_post() after it — and brought down by `s6-rc -d change` in reverse, each hook at its
//! place. Each test runs in its own pid and mount namespace (`support::s6rc`).

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use support::openrc::Var;
use support::s6rc::{Namespace, Sandbox};

/// A sandbox with testdata/s6rc/<case>'s scripts, `@WORK@` and `@ORDERD@` filled in, in
/// `init.d`.
fn sandbox(case: &str, tmp: &tempfile::TempDir) -> (Sandbox, Vec<PathBuf>) {
    let s = Sandbox::under(tmp.path());
    let src = support::root().join("testdata/s6rc").join(case);
    let bin = s.root.join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let orderd = src.join("bin/orderd");
    if orderd.is_file() {
        fs::copy(&orderd, bin.join("orderd")).unwrap();
        fs::set_permissions(bin.join("orderd"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let testd = bin.join("rc2s6-testd");
    fs::copy(support::root().join("testdata/bin/rc2s6-testd"), &testd).unwrap();
    fs::set_permissions(&testd, fs::Permissions::from_mode(0o755)).unwrap();
    let initd = s.root.join("init.d");
    fs::create_dir_all(&initd).unwrap();
    let mut scripts = Vec::new();
    for e in fs::read_dir(src.join("init.d")).unwrap().flatten() {
        let text = fs::read_to_string(e.path())
            .unwrap()
            .replace("@WORK@", "/run/chain")
            .replace("@ORDERD@", &bin.join("orderd").display().to_string())
            .replace("@TESTD@", &testd.display().to_string());
        let path = initd.join(e.file_name());
        fs::write(&path, text).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        scripts.push(path);
    }
    scripts.sort();
    (s, scripts)
}

/// A dependency chain through every kind of definition: `prep` (no daemon, a oneshot that
/// prepares the directory) provides `chain-base`, which `db` needs; `db` has a start_pre() and is
/// ready 2 s after it starts; `app` needs `db`, has all four hooks and orders itself after
/// `early`, a oneshot that orders itself before `db` and is never stopped by a runlevel change.
/// The runlevels say `default` holds `app`.
#[test]
fn a_dependency_chain_starts_in_order_and_stops_in_reverse() {
    if !support::s6rc::ready() {
        return;
    }
    let tmp = support::tempdir();
    let (s, scripts) = sandbox("chain", &tmp);
    let runlevels = support::root().join("testdata/s6rc/chain/runlevels");
    let out = s.compile(&scripts, &["--runlevels", &runlevels.display().to_string()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "rc2s6 failed:\n{stderr}");
    // The runlevel names a script that was not given.
    assert!(stderr.contains("rc2s6::s6rc::runlevel_entry"), "{stderr}");
    let body = "\
        s6-rc -u change default; echo \"@@up=$?\"\n\
        echo \"@@active=$(s6-rc -a list | sort | tr '\\n' ' ')\"\n\
        echo \"@@order-up=$(tr '\\n' ' ' < /run/chain/order)\"\n\
        echo \"@@db=$(s6-svstat /run/service/db)\"\n\
        echo \"@@workdir=$(stat -c '%a %U' /run/chain)\"\n\
        for s in db db-pre app app-pre app-post early; do echo \"@@deps-$s=$(s6-rc-db -c /run/s6-rc-db dependencies $s | sort | tr '\\n' ' ')\"; done\n\
        for b in chain-base default boot nonetwork app-pipeline; do echo \"@@contents-$b=$(s6-rc-db -c /run/s6-rc-db contents $b | sort | tr '\\n' ' ')\"; done\n\
        s6-rc -d change prep; echo \"@@down=$?\"\n\
        echo \"@@order-down=$(tr '\\n' ' ' < /run/chain/order)\"\n\
        echo \"@@active-down=$(s6-rc -a list | sort | tr '\\n' ' ')\"\n\
        s6-rc -D change prep; echo \"@@down-essential=$?\"\n\
        echo \"@@order-end=$(tr '\\n' ' ' < /run/chain/order)\"\n";
    let r = s.run(body, Namespace::default());
    let t = &r.text;
    assert_eq!(r.get("up"), "0", "{t}");
    assert_eq!(r.get("order-up").trim(), "prep early db-pre db app-pre app app-post", "{t}");
    for svc in ["app", "app-log", "app-post", "app-pre", "db", "db-log", "db-pre", "early", "prep"] {
        assert!(r.get("active").split(' ').any(|a| a == svc), "{svc} is not up:\n{t}");
    }
    assert!(r.get("db").contains("ready"), "{t}");
    // checkpath -d -m 0750 -o nobody, by rc2s6's stand-in for OpenRC's.
    assert_eq!(r.get("workdir"), "750 nobody", "{t}");
    // Direct dependencies as s6-rc resolved them: bundles (chain-base) by their contents, plus
    // its own (the logger and fd holder of a producer, the oneshot runner of a oneshot).
    assert_eq!(r.get("deps-db").trim(), "db-log db-pre s6rc-fdholder", "{t}");
    assert_eq!(r.get("deps-db-pre").trim(), "early prep s6rc-oneshot-runner", "{t}");
    assert_eq!(r.get("deps-app").trim(), "app-log app-pre s6rc-fdholder", "{t}");
    assert_eq!(r.get("deps-app-pre").trim(), "db early s6rc-oneshot-runner", "{t}");
    assert_eq!(r.get("deps-app-post").trim(), "app s6rc-oneshot-runner", "{t}");
    assert_eq!(r.get("deps-early").trim(), "prep s6rc-oneshot-runner", "{t}");
    assert_eq!(r.get("contents-chain-base").trim(), "prep", "{t}");
    assert_eq!(r.get("contents-default").trim(), "app-post", "{t}");
    assert_eq!(r.get("contents-boot").trim(), "prep", "{t}");
    // A runlevel none of whose services is in the tree is an empty bundle.
    assert_eq!(r.get("contents-nonetwork").trim(), "", "{t}");
    assert_eq!(r.get("contents-app-pipeline").trim(), "app app-log", "{t}");
    assert_eq!(r.get("down"), "0", "{t}");
    // `early` is essential (keyword -stop), so prep, which it needs, stays up too.
    assert_eq!(
        r.get("order-down").trim(),
        "prep early db-pre db app-pre app app-post app-stop-pre app-exit app-stop-post db-exit",
        "{t}"
    );
    assert!(r.get("active-down").split(' ').any(|a| a == "early"), "{t}");
    assert!(!r.get("active-down").split(' ').any(|a| a == "db"), "{t}");
    assert_eq!(r.get("down-essential"), "0", "{t}");
    assert!(r.get("order-end").trim().ends_with("db-exit prep-stop"), "{t}");
    // Each daemon's output went through its logger.
    for svc in ["db", "app"] {
        assert!(s.log(svc).contains(&format!("{svc}: started, ready on fd")), "{svc}'s log:\n{}", s.log(svc));
    }
}

/// The seed scenario (`tests/openrc_s6.rs`): a daemon that prints, takes 4 s, then says it is
/// ready on fd 5. `s6-rc -u change` returns only once it is ready; its output, stdout and stderr,
/// goes to its logger; `s6-rc -d change` stops it with TERM.
#[test]
fn change_waits_for_readiness_and_output_lands_in_the_logger() {
    if !support::s6rc::ready() {
        return;
    }
    let tmp = support::tempdir();
    let s = Sandbox::under(tmp.path());
    let testd = s.root.join("rc2s6-testd");
    fs::copy(support::root().join("testdata/bin/rc2s6-testd"), &testd).unwrap();
    fs::set_permissions(&testd, fs::Permissions::from_mode(0o755)).unwrap();
    let script = s.root.join("slowready");
    let text = fs::read_to_string(support::root().join("testdata/openrc/services/init.d/slowready"))
        .unwrap()
        .replace("@TESTD@", &testd.display().to_string());
    fs::write(&script, text).unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let out = s.compile(std::slice::from_ref(&script), &["--external", "localmount"]);
    assert!(out.status.success(), "rc2s6 failed:\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(s.out.join("slowready/notification-fd")).unwrap(), "5\n");
    assert_eq!(fs::read_to_string(s.out.join("slowready/timeout-up")).unwrap(), "30000\n");
    // s6-log may write the daemon's last line after s6-rc has seen the daemon go down, and the
    // namespace's end kills it: the run waits (at most 5 s) for that line before it ends.
    let current = s.logs.join("slowready/current");
    let body = format!(
        "\
        start=$(date +%s%N)\n\
        s6-rc -u change slowready; echo \"@@up=$?\"\n\
        echo \"@@took-ms=$(( ($(date +%s%N) - start) / 1000000 ))\"\n\
        echo \"@@status=$(s6-svstat /run/service/slowready)\"\n\
        s6-rc -d change slowready; echo \"@@down=$?\"\n\
        echo \"@@status-down=$(s6-svstat -o up /run/service/slowready)\"\n\
        i=0; while ! grep -q 'testd: got TERM' '{}' 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done\n",
        current.display()
    );
    let r = s.run(&body, Namespace { net: false, var: Var::Host });
    let t = &r.text;
    assert_eq!(r.get("up"), "0", "{t}");
    let took: u64 = r.get("took-ms").parse().unwrap();
    assert!(took >= 3500, "s6-rc returned after {took} ms, before the daemon's 4 s:\n{t}");
    assert!(r.get("status").contains("ready"), "{t}");
    assert_eq!(r.get("down"), "0", "{t}");
    assert_eq!(r.get("status-down"), "false", "{t}");
    let log = s.log("slowready");
    let at = |needle: &str| log.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the log:\n{log}"));
    assert!(at("testd: started") < at("testd: ready"), "{log}");
    at("args=--ready-fd 5 --delay 4 hello from slowready");
    at("testd: this line went to stderr");
    at("testd: got TERM");
}

/// The oneshot that runs a daemon's start_pre() gives it openrc-run's own variables as the
/// target release sets them — the values rc2s6 read the files with — and exports them as
/// openrc-run does: under 0.63.3 `RC_LIBEXECDIR` is `/usr/libexec/rc` (it was `/lib/rc` for every
/// target), under 0.45.2 there is no `RC_CACHEDIR` (0.62 added it). The daemon's arguments, fixed
/// when rc2s6 compiled, name the same directory.
#[test]
fn hooks_see_openrc_run_variables_of_the_target_release() {
    if !support::s6rc::ready() {
        return;
    }
    for (target, libexec, cachedir) in [("0.63.3", "/usr/libexec/rc", "/var/cache/rc"), ("0.45.2", "/lib/rc", "")] {
        let tmp = support::tempdir();
        let s = Sandbox::under(tmp.path());
        let testd = s.root.join("rc2s6-testd");
        fs::copy(support::root().join("testdata/bin/rc2s6-testd"), &testd).unwrap();
        fs::set_permissions(&testd, fs::Permissions::from_mode(0o755)).unwrap();
        let script = s.root.join("rcenv");
        let text = format!(
            "#!/sbin/openrc-run\ncommand={}\ncommand_args=\"from $RC_LIBEXECDIR\"\ncommand_background=yes\n\
             pidfile=/run/rcenv.pid\nstart_pre() {{\n\
             \techo \"$RC_LIBEXECDIR|$(printenv RC_LIBEXECDIR)|$(printenv RC_VERSION)|$(printenv RC_CACHEDIR)|$(printenv RC_CMD)\" > /run/rcenv.seen\n}}\n",
            testd.display()
        );
        fs::write(&script, text).unwrap();
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        let out = s.compile(std::slice::from_ref(&script), &["--openrc", target]);
        assert!(out.status.success(), "rc2s6 failed:\n{}", String::from_utf8_lossy(&out.stderr));
        // s6-rc is done once the daemon runs; its first line may not be in the log yet.
        let body = format!(
            "s6-rc -u change rcenv; echo \"@@up=$?\"\n\
             echo \"@@seen=$(cat /run/rcenv.seen)\"\n\
             i=0; while [ $i -lt 40 ] && ! grep -q 'testd: started' '{}/rcenv/current' 2>/dev/null; do sleep 0.25; i=$((i+1)); done\n\
             s6-rc -d change rcenv; echo \"@@down=$?\"\n",
            s.logs.display()
        );
        let r = s.run(&body, Namespace { net: false, var: Var::Host });
        let t = &r.text;
        assert_eq!(r.get("up"), "0", "{t}");
        assert_eq!(r.get("seen"), format!("{libexec}|{libexec}|{target}|{cachedir}|start"), "{t}");
        assert_eq!(r.get("down"), "0", "{t}");
        let log = s.log("rcenv");
        assert!(log.contains(&format!("args=from {libexec}")), "{log}");
    }
}
