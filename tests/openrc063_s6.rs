//! Proof against the current OpenRC: the cases `tests/openrc_s6.rs` runs under Debian's 0.45,
//! run under the real OpenRC 0.63.3 with s6 2.15.0.0 and execline 2.9.9.2
//! (`support::openrc063`: a private namespace whose root is an overlay of /, nothing on the host
//! touched). Inside the namespace rc2s6 compiles the scripts as a distribution ships them with
//! `-o /var/svc.d --openrc 0.63.3 --initd-out /etc/init.d`, then `rc-service` starts and stops
//! them: OpenRC 0.63.1+ links `/var/svc.d/$name` ("via user-provided service directory") when
//! `command` is empty, which the migrated scripts make it. The link OpenRC makes must be the one
//! `rc2s6 verify` predicted, and `rc2s6 verify --scan-dir` must agree with the live tree.
//!
//! Each test is one namespace, 1 to 8 s; they run in parallel.

mod support;

use std::fs;

use support::openrc::Run;
use support::openrc063::{self, Options, Sandbox};

/// A sandbox, or `None` when the test is skipped (not root, 0.63.3 not built, outside CI).
fn sandbox() -> Option<Sandbox> {
    let p = openrc063::ready()?;
    Some(Sandbox::new(&p))
}

/// testdata/openrc/services/{init.d,conf.d}/NAME as the distribution's script and conf.d.
fn testdata_original(s: &Sandbox, name: &str) {
    let dir = support::root().join("testdata/openrc/services");
    let script = fs::read_to_string(dir.join("init.d").join(name)).unwrap();
    let confd = fs::read_to_string(dir.join("conf.d").join(name)).ok();
    s.original(name, &script, confd.as_deref());
}

/// Shell: rc2s6 compiles every original script into /var/svc.d and migrates them into
/// /etc/init.d (`@@compile=`); then `rc2s6 verify` of the migrated NAMES prints each prediction
/// as `@@predicted-NAME=LINK -> TARGET` and its exit as `@@verify=`.
fn compile_and_predict(names: &[&str]) -> String {
    format!(
        "\"$RC2S6\" \"$SANDBOX\"/originals/init.d/* -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile=$?\"\n{}",
        verify(names, "verify", false)
    )
}

/// Shell: `rc2s6 verify NAMES` (with `--scan-dir /run/openrc/s6-scan` when `live`): predictions
/// as `@@predicted-NAME=`, the exit as `@@TAG=`, the output kept as `kept/TAG.out`.
fn verify(names: &[&str], tag: &str, live: bool) -> String {
    let scripts: Vec<String> = names.iter().map(|n| format!("'/etc/init.d/{n}'")).collect();
    format!(
        "\"$RC2S6\" verify {} -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --color never{} > \"$SANDBOX/kept/{tag}.out\" 2>&1; echo \"@@{tag}=$?\"\n\
         sed -n 's|^\\([^:]*\\): \\(/run/openrc/s6-scan/.*\\)$|@@predicted-\\1=\\2|p' \"$SANDBOX/kept/{tag}.out\"\n",
        scripts.join(" "),
        if live { " --scan-dir /run/openrc/s6-scan" } else { "" }
    )
}

/// The prediction line's `LINK -> TARGET` as the probe reports a live link.
fn predicted_target(r: &Run, name: &str) -> String {
    let p = r.get(&format!("predicted-{name}"));
    let (link, target) = p.split_once(" -> ").unwrap_or_else(|| panic!("prediction `{p}`"));
    assert_eq!(link, format!("/run/openrc/s6-scan/{name}"), "{}", r.text);
    target.to_string()
}

/// The case from the mail that started rc2s6: a daemon that prints, takes 4 s, then notifies
/// readiness on fd 5. Migrated for 0.63.3 it keeps `notify=fd:5` and `timeout_ready`, so
/// OpenRC's `s6-svwait -U` makes the start block until the daemon is ready; the start pulls in
/// s6-svscan through the `need` migration added; its output, stdout and stderr, lands in its
/// s6-log directory; stop unlinks it and the daemon is gone.
#[test]
fn seed_scenario_start_blocks_until_ready_and_output_lands_in_s6_log() {
    let Some(s) = sandbox() else { return };
    testdata_original(&s, "slowready");
    let body = format!(
        "{compile}\
         cp /etc/init.d/slowready \"$SANDBOX/kept/migrated\"\n\
         t0=$(date +%s%N)\n\
         rc-service slowready start > \"$SANDBOX/kept/start.out\" 2>&1; echo \"@@start=$?\"\n\
         echo \"@@start-ms=$((($(date +%s%N) - t0) / 1000000))\"\n\
         echo \"@@svscan=$(rc-service s6-svscan status 2>&1)\"\n\
         probe slowready\n\
         pid=$(svpid slowready)\n\
         {live}\
         rc-service slowready stop; echo \"@@stop=$?\"\n\
         probe slowready stopped-\n\
         if kill -0 $pid 2>/dev/null; then echo @@gone=no; else echo @@gone=yes; fi\n\
         cp /var/log/slowready/current \"$SANDBOX/kept/log\"\n",
        compile = compile_and_predict(&["slowready"]),
        live = verify(&["slowready"], "verify-live", true),
    );
    let r = s.run(&body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    let migrated = s.kept("migrated");
    for line in
        ["\nsupervisor=s6\n", "\ncommand=\"\"\n", "\nnotify=fd:5\n", "\ntimeout_ready=30000\n", "\tneed s6-svscan\n"]
    {
        assert!(migrated.contains(line), "`{line}` not in:\n{migrated}");
    }
    assert!(!migrated.contains("\ns6_svwait_options_start="), "0.63 ignores it:\n{migrated}");
    assert_eq!(r.get("verify"), "0", "{}\n{}", r.text, s.kept("verify.out"));
    assert_eq!(predicted_target(&r, "slowready"), "/var/svc.d/slowready");
    assert_eq!(r.get("start"), "0", "{}\n{}", r.text, s.kept("start.out"));
    assert!(
        s.kept("start.out").contains("Starting slowready (via user-provided service directory)"),
        "{}",
        s.kept("start.out")
    );
    // `need s6-svscan` made OpenRC start the scanner first.
    assert!(r.get("svscan").contains("started"), "{}", r.text);
    // The daemon takes 4 s to be ready: the start waited for it.
    let ms: u64 = r.get("start-ms").parse().unwrap();
    assert!(ms >= 3500, "start returned after {ms} ms, before the daemon was ready\n{}", r.text);
    assert_eq!(r.get("link"), "/var/svc.d/slowready", "{}", r.text);
    let status = r.get("status");
    assert!(status.starts_with("up ") && status.contains("ready"), "{}", r.text);
    assert_eq!(r.get("verify-live"), "0", "{}\n{}", r.text, s.kept("verify-live.out"));
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    // 0.63 unlinks the service on stop (s6-svunlink), and s6-supervise goes with it.
    assert_eq!(r.get("stopped-link"), "", "{}", r.text);
    assert_eq!(r.get("gone"), "yes", "{}", r.text);
    let log = s.kept("log");
    let at = |needle: &str| log.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the log:\n{log}"));
    assert!(at("testd: started") < at("testd: ready"), "{log}");
    at("args=--ready-fd 5 --delay 4 hello from slowready");
    at("testd: this line went to stderr");
    at("testd: got TERM");
}

/// A custom start()/stop()/reload() written for start-stop-daemon: migrated, OpenRC 0.63.3
/// starts it through s6 (`default_start`), the script's reload signals it with `s6-svc -h`,
/// `rc-service restart` and a start after a stop link it again, and verify agrees each time.
/// 0.63 links with s6-svlink, so no link is left inside the service directory (what 0.45's
/// `ln -sf` does, `openrc_nested_link`).
#[test]
fn custom_start_stop_and_reload_go_through_s6() {
    let Some(s) = sandbox() else { return };
    testdata_original(&s, "customd");
    let body = format!(
        "{compile}\
         cp /etc/init.d/customd \"$SANDBOX/kept/migrated\"\n\
         rc-service customd start; echo \"@@start=$?\"\n\
         wait_up customd\n\
         probe customd\n\
         echo \"@@pid=$(svpid customd)\"\n\
         sleep 0.5\n\
         rc-service customd reload; echo \"@@reload=$?\"\n\
         wait_for /var/log/customd/current 100 'got HUP'\n\
         echo \"@@pid-after-reload=$(svpid customd)\"\n\
         rc-service customd stop; echo \"@@stop=$?\"\n\
         probe customd stopped-\n\
         rc-service customd start; echo \"@@restart=$?\"\n\
         wait_up customd\n\
         echo \"@@pid2=$(svpid customd)\"\n\
         rc-service customd restart; echo \"@@restart2=$?\"\n\
         wait_up customd\n\
         echo \"@@pid3=$(svpid customd)\"\n\
         probe customd again-\n\
         [ -e /var/svc.d/customd/customd ] && echo @@nested=yes || echo @@nested=no\n\
         {live}\
         rc-service customd stop; echo \"@@stop-again=$?\"\n\
         cp /var/log/customd/current \"$SANDBOX/kept/log\"\n",
        compile = compile_and_predict(&["customd"]),
        live = verify(&["customd"], "verify-live", true),
    );
    let r = s.run(&body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    let migrated = s.kept("migrated");
    assert!(migrated.contains("\tdefault_start\n") && migrated.contains("\tdefault_stop\n"), "{migrated}");
    assert!(migrated.contains("s6-svc -h \"${RC_SVCDIR}/s6-scan/${name:-$RC_SVCNAME}\""), "{migrated}");
    assert_eq!(r.get("verify"), "0", "{}", s.kept("verify.out"));
    let predicted = predicted_target(&r, "customd");
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("link"), predicted, "{}", r.text);
    assert!(r.get("status").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("reload"), "0", "{}", r.text);
    let log = s.kept("log");
    assert!(log.contains("testd: got HUP"), "{}\n{log}", r.text);
    assert_eq!(r.get("pid"), r.get("pid-after-reload"), "{}", r.text);
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    assert_eq!(r.get("stopped-link"), "", "{}", r.text);
    assert_eq!(r.get("restart"), "0", "{}", r.text);
    assert_eq!(r.get("restart2"), "0", "{}", r.text);
    assert_eq!(r.get("again-link"), predicted, "{}", r.text);
    assert!(r.get("again-status").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("nested"), "no", "{}", r.text);
    assert_eq!(r.get("verify-live"), "0", "{}", s.kept("verify-live.out"));
    assert!(!s.kept("verify-live.out").contains("openrc_nested_link"), "{}", s.kept("verify-live.out"));
    assert_eq!(r.get("stop-again"), "0", "{}", r.text);
    // A new daemon for each start (its pid, not its log: s6-svunlink stops the logger with the
    // daemon, and what a daemon wrote just before a quick stop can be lost).
    let pids = [r.get("pid"), r.get("pid2"), r.get("pid3")];
    assert!(pids.iter().all(|p| *p != "0") && pids[0] != pids[1] && pids[1] != pids[2], "{pids:?}\n{}", r.text);
}

/// A supervise-daemon script with conf.d arguments, a user, a directory and a umask: under
/// s6 2.15 the daemon runs as OpenRC would have run it.
#[test]
fn unprivileged_daemon_runs_as_configured() {
    let Some(s) = sandbox() else { return };
    testdata_original(&s, "nobodyd");
    let body = format!(
        "{compile}\
         rc-service nobodyd start; echo \"@@start=$?\"\n\
         wait_for /var/log/nobodyd/current 100 'testd: started'\n\
         probe nobodyd\n\
         {live}\
         rc-service nobodyd stop; echo \"@@stop=$?\"\n\
         probe nobodyd stopped-\n\
         cp /var/log/nobodyd/current \"$SANDBOX/kept/log\"\n",
        compile = compile_and_predict(&["nobodyd"]),
        live = verify(&["nobodyd"], "verify-live", true),
    );
    let r = s.run(&body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("link"), predicted_target(&r, "nobodyd"), "{}", r.text);
    assert!(r.get("status").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("verify-live"), "0", "{}", s.kept("verify-live.out"));
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    assert_eq!(r.get("stopped-link"), "", "{}", r.text);
    let log = s.kept("log");
    let started = log.lines().find(|l| l.contains("testd: started")).unwrap_or_else(|| panic!("{log}"));
    assert!(started.contains("user=nobody group=nogroup"), "{started}");
    assert!(started.contains(&format!("cwd={}", s.root.join("work").display())), "{started}");
    assert!(started.contains("umask=0027"), "{started}");
    assert!(started.contains("args=--from-conf-d --foreground"), "{started}");
}

/// OpenRC 0.63 names the service directory and the scan link after `name`, not RC_SVCNAME. A
/// `name` in the script (a display string) is commented out by migration, so OpenRC links
/// /var/svc.d/RC_SVCNAME, rc2s6's directory; a script written for s6 by hand that sets `name`
/// gets /var/svc.d/NAME linked under NAME, as verify predicts; verify names both links right.
#[test]
fn names_from_name_versus_rc_svcname() {
    let Some(s) = sandbox() else { return };
    s.original(
        "named",
        "#!/sbin/openrc-run\nname=\"Named Daemon\"\ncommand=@TESTD@\ncommand_args=--named\ncommand_background=yes\npidfile=/run/named.pid\n",
        None,
    );
    s.installed("handnamed", "#!/sbin/openrc-run\n# Written for OpenRC 0.63 by hand.\nsupervisor=s6\nname=webui\n");
    let body = format!(
        "mkdir -p /var/svc.d/webui && printf '#!/bin/execlineb -P\\n@TESTD@ --webui\\n' > /var/svc.d/webui/run && chmod 755 /var/svc.d/webui/run\n\
         {compile}\
         cp /etc/init.d/named \"$SANDBOX/kept/migrated\"\n\
         rc-service named start > \"$SANDBOX/kept/start-named.out\" 2>&1; echo \"@@start-named=$?\"\n\
         rc-service handnamed start > \"$SANDBOX/kept/start-handnamed.out\" 2>&1; echo \"@@start-handnamed=$?\"\n\
         wait_up named; wait_up webui\n\
         echo \"@@scan=$(ls /run/openrc/s6-scan | grep -vx s6-svscan-log | tr '\\n' ' ')\"\n\
         probe named named-\n\
         probe webui webui-\n\
         {live}",
        compile = compile_and_predict(&["named", "handnamed"]),
        live = verify(&["named", "handnamed"], "verify-live", true),
    );
    let r = s.run(&s.fill(&body), Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert!(s.kept("migrated").contains("\n#name=\"Named Daemon\"\n"), "{}", s.kept("migrated"));
    assert_eq!(r.get("predicted-named"), "/run/openrc/s6-scan/named -> /var/svc.d/named", "{}", r.text);
    assert_eq!(r.get("predicted-handnamed"), "/run/openrc/s6-scan/webui -> /var/svc.d/webui", "{}", r.text);
    assert_eq!(r.get("start-named"), "0", "{}", s.kept("start-named.out"));
    assert_eq!(r.get("start-handnamed"), "0", "{}", s.kept("start-handnamed.out"));
    // OpenRC's messages say the name it links under.
    assert!(s.kept("start-named.out").contains("Starting named (via user-provided"), "{}", s.kept("start-named.out"));
    assert!(
        s.kept("start-handnamed.out").contains("Starting webui (via user-provided"),
        "{}",
        s.kept("start-handnamed.out")
    );
    assert_eq!(r.get("scan").trim(), "named webui", "{}", r.text);
    assert_eq!(r.get("named-link"), "/var/svc.d/named", "{}", r.text);
    assert!(r.get("named-status").starts_with("up "), "{}", r.text);
    assert_eq!(r.get("webui-link"), "/var/svc.d/webui", "{}", r.text);
    assert!(r.get("webui-status").starts_with("up "), "{}", r.text);
    let live = s.kept("verify-live.out");
    // The hand-made directory has no manifest entry: only that is reported.
    assert!(live.contains("rc2s6::verify::not_from_rc2s6") || r.get("verify-live") == "0", "{live}");
    assert!(
        !live.contains("link_wrong_target") && !live.contains("not_linked") && !live.contains("foreign_link"),
        "{live}"
    );
}

/// Hand edits under 0.63.3: a run file edited after rc2s6 wrote it is what OpenRC runs, and
/// verify reports it before and while it runs; compiling again leaves it (exit 1) and, while
/// s6-supervise (2.15) runs in the directory, refuses even with `--force`; once stopped,
/// `--force` restores rc2s6's file and verify is clean again.
#[test]
fn hand_edits_are_reported_and_kept_until_forced() {
    let Some(s) = sandbox() else { return };
    testdata_original(&s, "plaind");
    let recompile = "\"$RC2S6\" \"$SANDBOX\"/originals/init.d/plaind -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --color never";
    let body = format!(
        "{compile}\
         sed -i 's/--plain/--edited-by-hand/' /var/svc.d/plaind/run\n\
         {edited}\
         rc-service plaind start; echo \"@@start=$?\"\n\
         wait_for /var/log/plaind/current 100 'testd: started'\n\
         echo \"@@argv=$(tr '\\0' ' ' < /proc/$(svpid plaind)/cmdline)\"\n\
         {live}\
         {recompile} > \"$SANDBOX/kept/recompile.out\" 2>&1; echo \"@@recompile=$?\"\n\
         {recompile} --force > \"$SANDBOX/kept/force-live.out\" 2>&1; echo \"@@force-live=$?\"\n\
         echo \"@@still-edited=$(grep -c edited-by-hand /var/svc.d/plaind/run)\"\n\
         rc-service plaind stop; echo \"@@stop=$?\"\n\
         i=0; while [ $i -lt 50 ] && s6-svok /var/svc.d/plaind 2>/dev/null; do sleep 0.1; i=$((i+1)); done\n\
         {recompile} --force > \"$SANDBOX/kept/force.out\" 2>&1; echo \"@@force=$?\"\n\
         echo \"@@restored=$(grep -c -- ' --plain$' /var/svc.d/plaind/run)\"\n\
         {clean}\
         rc-service plaind start; echo \"@@start-again=$?\"\n\
         wait_script plaind \"$SANDBOX/bin/rc2s6-testd\"\n\
         echo \"@@argv-again=$(tr '\\0' ' ' < /proc/$(svpid plaind)/cmdline)\"\n",
        compile = compile_and_predict(&["plaind"]),
        edited = verify(&["plaind"], "verify-edited", false),
        live = verify(&["plaind"], "verify-live", true),
        clean = verify(&["plaind"], "verify-clean", true),
    );
    let r = s.run(&body, Options::default());
    let testd = s.testd().display().to_string();
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("verify"), "0", "{}", s.kept("verify.out"));
    assert_eq!(r.get("verify-edited"), "1", "{}", s.kept("verify-edited.out"));
    assert!(s.kept("verify-edited.out").contains("rc2s6::verify::file_edited"), "{}", s.kept("verify-edited.out"));
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("argv").trim(), format!("/bin/sh {testd} --edited-by-hand"), "{}", r.text);
    assert_eq!(r.get("verify-live"), "1", "{}", s.kept("verify-live.out"));
    assert!(s.kept("verify-live.out").contains("rc2s6::verify::file_edited"), "{}", s.kept("verify-live.out"));
    assert_eq!(r.get("recompile"), "1", "{}", s.kept("recompile.out"));
    assert_eq!(r.get("force-live"), "1", "{}", s.kept("force-live.out"));
    assert!(s.kept("force-live.out").contains("run by a live s6-supervise"), "{}", s.kept("force-live.out"));
    assert_eq!(r.get("still-edited"), "1", "{}", r.text);
    assert_eq!(r.get("stop"), "0", "{}", r.text);
    assert_eq!(r.get("force"), "0", "{}", s.kept("force.out"));
    assert_eq!(r.get("restored"), "1", "{}", r.text);
    assert_eq!(r.get("verify-clean"), "0", "{}", s.kept("verify-clean.out"));
    assert_eq!(r.get("start-again"), "0", "{}", r.text);
    assert_eq!(r.get("argv-again").trim(), format!("/bin/sh {testd} --plain"), "{}", r.text);
}

/// Three scripts written by hand for 0.63 that all call themselves `web`
/// (testdata/verify/collision-063): verify reports the collisions, and the real 0.63.3 does
/// what verify's help says: web-a and web-b share /var/svc.d/web (web-b's start and stop act on
/// web-a's daemon), and web-c, which sets `command`, fails to link its generated directory
/// under the name web-a's link holds.
#[test]
fn colliding_names_share_a_directory_or_fail_to_link() {
    let Some(s) = sandbox() else { return };
    for n in ["web-a", "web-b", "web-c"] {
        let t = fs::read_to_string(support::root().join("testdata/verify/collision-063/init.d").join(n)).unwrap();
        s.installed(n, &t.replace("/usr/bin/web", "/bin/sleep").replace("\"--foreground\"", "1000"));
    }
    let body = format!(
        "mkdir -p /var/svc.d/web && printf '#!/bin/execlineb -P\\n@TESTD@ --web\\n' > /var/svc.d/web/run && chmod 755 /var/svc.d/web/run\n\
         {predict}\
         rc-service web-a start; echo \"@@start-a=$?\"\n\
         wait_up web\n\
         echo \"@@pid-a=$(svpid web)\"\n\
         rc-service web-b start; echo \"@@start-b=$?\"\n\
         echo \"@@pid-b=$(svpid web)\"\n\
         rc-service web-c start > \"$SANDBOX/kept/start-c.out\" 2>&1; echo \"@@start-c=$?\"\n\
         probe web\n\
         rc-service web-b stop; echo \"@@stop-b=$?\"\n\
         echo \"@@a-after-b-stopped=$(rc-service web-a status 2>&1 | head -1)\"\n\
         echo \"@@link-after-b-stopped=$(readlink /run/openrc/s6-scan/web)\"\n",
        predict = verify(&["web-a", "web-b", "web-c"], "verify", false),
    );
    let r = s.run(&s.fill(&body), Options::default());
    assert_eq!(r.get("verify"), "1", "{}", s.kept("verify.out"));
    let v = s.kept("verify.out");
    assert!(v.contains("rc2s6::verify::link_collision"), "{v}");
    for n in ["web-a", "web-b"] {
        assert_eq!(r.get(&format!("predicted-{n}")), "/run/openrc/s6-scan/web -> /var/svc.d/web", "{v}");
    }
    assert!(r.get("predicted-web-c").starts_with("/run/openrc/s6-scan/web -> /run/openrc/s6-services/web"), "{v}");
    assert_eq!(r.get("start-a"), "0", "{}", r.text);
    assert_eq!(r.get("start-b"), "0", "{}", r.text);
    // One daemon for both.
    assert_eq!(r.get("pid-a"), r.get("pid-b"), "{}", r.text);
    assert_ne!(r.get("start-c"), "0", "{}", s.kept("start-c.out"));
    assert!(s.kept("start-c.out").contains("Failed to s6-svlink"), "{}", s.kept("start-c.out"));
    assert_eq!(r.get("link"), "/var/svc.d/web", "{}", r.text);
    // Stopping web-b unlinks web, the daemon web-a started.
    assert_eq!(r.get("stop-b"), "0", "{}", r.text);
    assert_eq!(r.get("link-after-b-stopped"), "", "{}", r.text);
}

/// A script that does not select s6 runs under start-stop-daemon even on 0.63.3: nothing is
/// linked, and verify says the script does not select s6.
#[test]
fn a_script_that_does_not_select_s6_is_not_linked() {
    let Some(s) = sandbox() else { return };
    testdata_original(&s, "plaind");
    let body = format!(
        "{compile}\
         install -m 755 \"$SANDBOX/originals/init.d/plaind\" /etc/init.d/plaind\n\
         {predict}\
         rc-service plaind start; echo \"@@start=$?\"\n\
         sleep 0.5\n\
         echo \"@@scan=$(ls /run/openrc/s6-scan 2>/dev/null | grep -vx s6-svscan-log | tr '\\n' ' ')\"\n\
         echo \"@@ssd=$(cat /run/plaind.pid 2>/dev/null)\"\n",
        compile = compile_and_predict(&["plaind"]).replace("echo \"@@verify=$?\"", "echo \"@@verify-migrated=$?\""),
        predict = verify(&["plaind"], "verify-original", false),
    );
    let r = s.run(&body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("verify-original"), "1", "{}", s.kept("verify-original.out"));
    assert!(s.kept("verify-original.out").contains("rc2s6::verify::not_s6"), "{}", s.kept("verify-original.out"));
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("scan").trim(), "", "{}", r.text);
    assert!(r.get("ssd").parse::<u32>().is_ok(), "start-stop-daemon runs it: {}", r.text);
}

/// Loggers: a script's own `output_logger` is started by the run script as the daemon's child
/// reading its stdout, as start-stop-daemon starts it, under s6 2.15 and 0.63.3; `output_log` and
/// `error_log` are appended to (start-stop-daemon opens them with O_APPEND) by execline 2.9.9's
/// redirfd, also after a restart.
#[test]
fn loggers_and_log_files() {
    let Some(s) = sandbox() else { return };
    s.original(
        "teed",
        "#!/sbin/openrc-run\ncommand=/bin/sh\ncommand_args=\"-c 'echo out-line; exec sleep 1000'\"\ncommand_background=yes\npidfile=/run/teed.pid\noutput_logger=\"tee -a /var/log/teed.out\"\n",
        None,
    );
    s.original(
        "filed",
        "#!/sbin/openrc-run\ncommand=/bin/sh\ncommand_args=\"-c 'echo out-line; echo err-line >&2; exec sleep 1000'\"\ncommand_background=yes\npidfile=/run/filed.pid\noutput_log=/var/log/filed.out\nerror_log=/var/log/filed.err\n",
        None,
    );
    let body = format!(
        "{compile}\
         echo before > /var/log/filed.out\n\
         rc-service teed start; echo \"@@start-teed=$?\"\n\
         rc-service filed start; echo \"@@start-filed=$?\"\n\
         wait_for /var/log/teed.out 100 out-line\n\
         wait_for /var/log/filed.err 100 err-line\n\
         echo \"@@teed-log-run=$(tr '\\0' ' ' < /proc/$(s6-svstat -o pid /run/openrc/s6-scan/teed/log)/cmdline)\"\n\
         t=$(pgrep -x tee | head -n 1); echo \"@@teed-logger=$(tr '\\0' ' ' < /proc/$t/cmdline)\"\n\
         d=$(s6-svstat -o pid /run/openrc/s6-scan/teed); p=$t; under=no\n\
         for i in 1 2 3; do p=$(awk '{{print $4}}' /proc/$p/stat); [ \"$p\" = \"$d\" ] && under=yes; done\n\
         echo \"@@teed-logger-under-daemon=$under\"\n\
         rc-service filed restart; echo \"@@restart-filed=$?\"\n\
         i=0; while [ $i -lt 100 ] && [ $(grep -c err-line /var/log/filed.err) -lt 2 ]; do sleep 0.1; i=$((i+1)); done\n\
         {live}\
         cp /var/log/teed.out /var/log/filed.out /var/log/filed.err \"$SANDBOX/kept/\"\n\
         rc-service teed stop; echo \"@@stop-teed=$?\"\n\
         rc-service filed stop; echo \"@@stop-filed=$?\"\n\
         echo \"@@left=$(pgrep -x tee | wc -l)\"\n",
        compile = compile_and_predict(&["teed", "filed"]),
        live = verify(&["teed", "filed"], "verify-live", true),
    );
    let r = s.run(&body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("start-teed"), "0", "{}", r.text);
    assert_eq!(r.get("start-filed"), "0", "{}", r.text);
    // start-stop-daemon starts output_logger as the daemon's child reading its stdout (sh -c,
    // rc_pipe_command(), src/shared/pipes.c); so does the run script, and s6-log keeps stderr.
    assert_eq!(r.get("teed-logger").trim(), "tee -a /var/log/teed.out", "{}", r.text);
    assert_eq!(r.get("teed-logger-under-daemon"), "yes", "{}", r.text);
    assert!(r.get("teed-log-run").starts_with("s6-log "), "{}", r.text);
    assert_eq!(s.kept("teed.out"), "out-line\n", "{}", r.text);
    assert_eq!(r.get("restart-filed"), "0", "{}", r.text);
    assert_eq!(s.kept("filed.out"), "before\nout-line\nout-line\n", "{}", r.text);
    assert_eq!(s.kept("filed.err"), "err-line\nerr-line\n", "{}", r.text);
    assert_eq!(r.get("verify-live"), "0", "{}", s.kept("verify-live.out"));
    assert_eq!(r.get("stop-teed"), "0", "{}", r.text);
    assert_eq!(r.get("stop-filed"), "0", "{}", r.text);
    assert_eq!(r.get("left"), "0", "the logger outlived the stop: {}", r.text);
}
