//! `rc2s6 verify --openrc 0.63.3` against what the real OpenRC 0.63.3 does
//! (`support::openrc063`): the planted faults of `tests/verify_snapshots.rs` caught on a tree in
//! /var/svc.d (the only place 0.63 links), the link verify predicts compared with the link
//! `rc-service start` really makes, fault by fault, and a directory OpenRC 0.63.3 generated
//! itself read by meaning as 0.63.3 runs it.

mod support;

use std::fs;

use support::openrc063::{self, Options, Sandbox};

fn sandbox() -> Option<Sandbox> {
    let p = openrc063::ready()?;
    Some(Sandbox::new(&p))
}

/// The testdata/migrate services `tests/verify_snapshots.rs` plants its faults in.
const SERVICES: &[(&str, &str)] = &[("declarative", "mailerd"), ("kill-pidfile", "cached"), ("custom-start", "indexd")];

/// Each fault: its name, the shell that plants it in /var/svc.d or /etc/init.d, and the codes
/// verify must report.
const FAULTS: &[(&str, &str, &[&str])] = &[
    (
        "missing_notification_fd",
        "rm /var/svc.d/mailerd/notification-fd",
        &["rc2s6::verify::readiness_without_notification_fd", "rc2s6::verify::file_missing"],
    ),
    ("run_not_executable", "chmod 0644 /var/svc.d/cached/run", &["rc2s6::verify::script_not_executable"]),
    (
        "hand_edited",
        "sed -i 's|/etc/cached.conf|/etc/other.conf|' /var/svc.d/cached/run",
        &["rc2s6::verify::file_edited"],
    ),
    (
        "broken_execline",
        "echo 'foreground { echo unclosed' >> /var/svc.d/indexd/run",
        &["rc2s6::verify::execline_syntax", "rc2s6::verify::file_edited"],
    ),
    ("missing_dir", "rm -r /var/svc.d/indexd", &["rc2s6::verify::servicedir_missing"]),
    (
        "not_migrated",
        "install -m 755 \"$SANDBOX/originals/init.d/cached\" /etc/init.d/cached",
        &["rc2s6::verify::not_s6", "rc2s6::verify::command_set"],
    ),
    ("extra_file", "echo SIGHUP > /var/svc.d/mailerd/down-signal", &["rc2s6::verify::file_extra"]),
];

/// Untouched output verifies clean for 0.63.3, and each planted fault is caught (exit 1, its
/// codes), each on a fresh compile of the same tree in /var/svc.d.
#[test]
fn each_planted_fault_is_caught_for_openrc_063() {
    let Some(s) = sandbox() else { return };
    for (case, svc) in SERVICES {
        let dir = support::root().join("testdata/migrate").join(case);
        let script = fs::read_to_string(dir.join("init.d").join(svc)).unwrap();
        let confd = fs::read_to_string(dir.join("conf.d").join(svc)).ok();
        s.original(svc, &script, confd.as_deref());
    }
    let names = "/etc/init.d/mailerd /etc/init.d/cached /etc/init.d/indexd";
    let compile = "rm -rf /var/svc.d; mkdir /var/svc.d\n\
         \"$RC2S6\" \"$SANDBOX\"/originals/init.d/* -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never > /dev/null 2>&1 || echo \"@@compile-failed=$?\"\n";
    let verify = |tag: &str| {
        format!(
            "\"$RC2S6\" verify {names} -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --color never > \"$SANDBOX/kept/{tag}.out\" 2>&1; echo \"@@{tag}=$?\"\n"
        )
    };
    let mut body = format!("{compile}{}", verify("untouched"));
    for (name, plant, _) in FAULTS {
        body.push_str(&format!("{compile}{plant}\n{}", verify(name)));
    }
    let r = s.run(&body, Options::default());
    assert!(!r.values.contains_key("compile-failed"), "{}", r.text);
    assert_eq!(r.get("untouched"), "0", "{}", s.kept("untouched.out"));
    for (name, _, codes) in FAULTS {
        let out = s.kept(&format!("{name}.out"));
        assert_eq!(r.get(name), "1", "{name} was not caught:\n{out}");
        for code in *codes {
            assert!(out.contains(code), "{name}: no {code}:\n{out}");
        }
    }
}

/// Faults that do not change which directory 0.63.3 links: verify predicts the link the real
/// start makes, and says what is wrong with it. A broken run (still executable) is linked and
/// s6-supervise runs it in a loop; an extra `down-signal` is what the stop sends.
#[test]
fn faults_verify_predicts_the_real_link_for() {
    let Some(s) = sandbox() else { return };
    for n in ["broken", "extra"] {
        s.original(
            n,
            &format!("#!/sbin/openrc-run\ncommand=@TESTD@\ncommand_args=--{n}\ncommand_background=yes\npidfile=/run/{n}.pid\n"),
            None,
        );
    }
    let body = "\"$RC2S6\" \"$SANDBOX\"/originals/init.d/* -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile=$?\"\n\
         echo 'foreground { echo unclosed' >> /var/svc.d/broken/run\n\
         echo SIGINT > /var/svc.d/extra/down-signal\n\
         \"$RC2S6\" verify /etc/init.d/broken /etc/init.d/extra -o /var/svc.d --no-rc-conf --openrc \"$OPENRC\" --color never > \"$SANDBOX/kept/verify.out\" 2>&1; echo \"@@verify=$?\"\n\
         sed -n 's|^\\([^:]*\\): \\(/run/openrc/s6-scan/.*\\)$|@@predicted-\\1=\\2|p' \"$SANDBOX/kept/verify.out\"\n\
         rc-service broken start; echo \"@@start-broken=$?\"\n\
         rc-service extra start; echo \"@@start-extra=$?\"\n\
         wait_argv extra rc2s6-testd\n\
         sleep 1.5\n\
         for n in broken extra; do echo \"@@link-$n=/run/openrc/s6-scan/$n -> $(readlink /run/openrc/s6-scan/$n)\"; done\n\
         echo \"@@broken-status=$(s6-svstat -o up,exitcode /run/openrc/s6-scan/broken)\"\n\
         rc-service extra stop; echo \"@@stop-extra=$?\"\n\
         cp /var/log/extra/current \"$SANDBOX/kept/extra.log\"\n";
    let r = s.run(&s.fill(body), Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    let v = s.kept("verify.out");
    assert_eq!(r.get("verify"), "1", "{v}");
    assert!(v.contains("rc2s6::verify::execline_syntax") && v.contains("rc2s6::verify::file_extra"), "{v}");
    for n in ["broken", "extra"] {
        assert_eq!(r.get(&format!("predicted-{n}")), r.get(&format!("link-{n}")), "{n}: {v}\n{}", r.text);
    }
    assert_eq!(r.get("start-broken"), "0", "{}", r.text);
    // execlineb 2.9.9 refuses the run (exit 100) and s6-supervise tries again.
    assert_eq!(r.get("broken-status"), "false 100", "{}", r.text);
    assert_eq!(r.get("stop-extra"), "0", "{}", r.text);
    let log = s.kept("extra.log");
    assert!(log.contains("testd: started") && !log.contains("got TERM"), "the stop sent SIGINT, not TERM:\n{log}");
}

/// When /var/svc.d/NAME/run is missing or not executable, OpenRC 0.63.1+ does not take its
/// compatibility mode (`_s6_have_legacy_servicedir`: `test -z "$command" && test -x
/// "/var/svc.d/$name/run"`, sh/s6.sh of 0.63.3): it generates /run/openrc/s6-services/NAME from
/// the empty `command` (`sh -c "exec   "`, which exits at once, in a loop) and links that. verify
/// reports the fault, but the link it prints must be the one OpenRC makes.
///
/// FAILS with rc2s6 at the time of writing: verify prints `-> /var/svc.d/NAME` for both.
#[test]
fn verify_predicts_the_generated_link_when_the_run_is_missing_or_not_executable() {
    let Some(s) = sandbox() else { return };
    for n in ["noexec", "nodir"] {
        s.original(
            n,
            &format!("#!/sbin/openrc-run\ncommand=@TESTD@\ncommand_args=--{n}\ncommand_background=yes\npidfile=/run/{n}.pid\n"),
            None,
        );
    }
    let body = "\"$RC2S6\" \"$SANDBOX\"/originals/init.d/* -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile=$?\"\n\
         chmod 0644 /var/svc.d/noexec/run\n\
         rm -r /var/svc.d/nodir\n\
         \"$RC2S6\" verify /etc/init.d/noexec /etc/init.d/nodir -o /var/svc.d --no-rc-conf --openrc \"$OPENRC\" --color never > \"$SANDBOX/kept/verify.out\" 2>&1; echo \"@@verify=$?\"\n\
         sed -n 's|^\\([^:]*\\): \\(/run/openrc/s6-scan/.*\\)$|@@predicted-\\1=\\2|p' \"$SANDBOX/kept/verify.out\"\n\
         for n in noexec nodir; do\n\
         \trc-service $n start > \"$SANDBOX/kept/start-$n.out\" 2>&1; echo \"@@start-$n=$?\"\n\
         \techo \"@@link-$n=/run/openrc/s6-scan/$n -> $(readlink /run/openrc/s6-scan/$n)\"\n\
         done\n\
         cat /run/openrc/s6-services/noexec/run > \"$SANDBOX/kept/generated-run\"\n";
    let r = s.run(&s.fill(body), Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    let v = s.kept("verify.out");
    assert_eq!(r.get("verify"), "1", "{v}");
    assert!(v.contains("rc2s6::verify::script_not_executable"), "{v}");
    assert!(v.contains("rc2s6::verify::servicedir_missing"), "{v}");
    // What the real OpenRC 0.63.3 did.
    for n in ["noexec", "nodir"] {
        assert_eq!(r.get(&format!("start-{n}")), "0", "{}", s.kept(&format!("start-{n}.out")));
        assert_eq!(
            r.get(&format!("link-{n}")),
            format!("/run/openrc/s6-scan/{n} -> /run/openrc/s6-services/{n}"),
            "{}",
            r.text
        );
    }
    assert!(s.kept("generated-run").contains("sh -c \"exec   \""), "{}", s.kept("generated-run"));
    // What verify predicted.
    for n in ["noexec", "nodir"] {
        let predicted = r.get(&format!("predicted-{n}"));
        assert!(
            predicted.starts_with(&format!("/run/openrc/s6-scan/{n} -> /run/openrc/s6-services/{n}")),
            "{n}: verify predicted `{predicted}`, OpenRC 0.63.3 linked `{}`\n{v}",
            r.get(&format!("link-{n}"))
        );
    }
}

/// A script that does not select s6 is run by start-stop-daemon, also on 0.63.3: OpenRC links
/// nothing for it. verify reports `not_s6`; the link it prints must not be one that never
/// appears.
///
/// FAILS with rc2s6 at the time of writing: verify prints `plaind: /run/openrc/s6-scan/plaind ->
/// /run/openrc/s6-services/plaind (a directory OpenRC generates itself)`, and with `--scan-dir`
/// a `not_linked` note that OpenRC "links /run/openrc/s6-services/plaind there when it starts the
/// service" while the daemon runs under start-stop-daemon.
#[test]
fn verify_predicts_no_link_for_a_script_that_does_not_select_s6() {
    let Some(s) = sandbox() else { return };
    s.original(
        "plaind",
        "#!/sbin/openrc-run\ncommand=@TESTD@\ncommand_args=--plain\ncommand_background=yes\npidfile=/run/plaind.pid\n",
        None,
    );
    let body = "\"$RC2S6\" \"$SANDBOX\"/originals/init.d/plaind -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --color never; echo \"@@compile=$?\"\n\
         install -m 755 \"$SANDBOX/originals/init.d/plaind\" /etc/init.d/plaind\n\
         rc-service s6-svscan start >/dev/null 2>&1\n\
         rc-service plaind start; echo \"@@start=$?\"\n\
         echo \"@@scan=$(ls /run/openrc/s6-scan | grep -vx s6-svscan-log | tr '\\n' ' ')\"\n\
         \"$RC2S6\" verify /etc/init.d/plaind -o /var/svc.d --no-rc-conf --openrc \"$OPENRC\" --color never --scan-dir /run/openrc/s6-scan > \"$SANDBOX/kept/verify.out\" 2>&1; echo \"@@verify=$?\"\n";
    let r = s.run(&s.fill(body), Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("scan").trim(), "", "OpenRC linked nothing: {}", r.text);
    let v = s.kept("verify.out");
    assert_eq!(r.get("verify"), "1", "{v}");
    assert!(v.contains("rc2s6::verify::not_s6"), "{v}");
    assert!(!v.contains("plaind: /run/openrc/s6-scan/plaind ->"), "verify printed a link OpenRC never makes:\n{v}");
    assert!(!v.contains("rc2s6::verify::not_linked"), "verify says OpenRC will link it:\n{v}");
}

/// A script written for OpenRC 0.63's own generator (not migrated; `name` with a space, quotes
/// and a backslash in `command_args`): the real 0.63.3 generates `sh -c "exec …"` and runs the
/// daemon; verify predicts the link under `name`, and its by-meaning comparison says the argv
/// OpenRC's directory really runs (read from /proc): `"` lost, `C:\dir` read as `C:dir`.
#[test]
fn openrc_generated_directories_are_read_as_0633_runs_them() {
    let Some(s) = sandbox() else { return };
    let script = "#!/sbin/openrc-run\n# Written for OpenRC 0.63's own s6 generator, not migrated: `command` is set.\nname=\"Quote Daemon\"\nsupervisor=s6\ncommand=/usr/bin/tail\ncommand_args=\"-f /dev/null -- --title 'say \\\"hi\\\"' --path 'C:\\\\dir'\"\nnotify=fd:4\nstopsig=INT\n";
    s.original("quoted", script, None);
    let body = "\"$RC2S6\" \"$SANDBOX\"/originals/init.d/quoted -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --color never; echo \"@@compile=$?\"\n\
         install -m 755 \"$SANDBOX/originals/init.d/quoted\" /etc/init.d/quoted\n\
         \"$RC2S6\" verify /etc/init.d/quoted -o /var/svc.d --no-rc-conf --openrc \"$OPENRC\" --color never > \"$SANDBOX/kept/predict.out\" 2>&1\n\
         rc-service quoted start; echo \"@@start=$?\"\n\
         wait_exec 'Quote Daemon' /usr/bin/tail\n\
         echo \"@@link=$(readlink '/run/openrc/s6-scan/Quote Daemon')\"\n\
         cp \"/proc/$(svpid 'Quote Daemon')/cmdline\" \"$SANDBOX/kept/argv\"\n\
         \"$RC2S6\" verify /etc/init.d/quoted -o /var/svc.d --no-rc-conf --openrc \"$OPENRC\" --color never --scan-dir /run/openrc/s6-scan > \"$SANDBOX/kept/verify.out\" 2>&1; echo \"@@verify=$?\"\n";
    let r = s.run(&s.fill(body), Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("start"), "0", "{}", r.text);
    assert_eq!(r.get("link"), "/run/openrc/s6-services/Quote Daemon", "{}", r.text);
    assert!(
        s.kept("predict.out")
            .contains("quoted: /run/openrc/s6-scan/Quote Daemon -> /run/openrc/s6-services/Quote Daemon"),
        "{}",
        s.kept("predict.out")
    );
    let argv: Vec<String> = s.kept("argv").split('\0').filter(|w| !w.is_empty()).map(String::from).collect();
    assert_eq!(argv, ["/usr/bin/tail", "-f", "/dev/null", "--", "--title", "say hi", "--path", "C:dir"], "{}", r.text);
    // verify's report, its wrapping undone.
    let v: String = s
        .kept("verify.out")
        .lines()
        .map(|l| l.trim_start().trim_start_matches(['│', '☞', '⚠', '×']).trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(r.get("verify"), "1", "{v}");
    assert!(v.contains("rc2s6::verify::openrc_generated_in_use"), "{v}");
    assert!(v.contains("OpenRC has `/usr/bin/tail -f /dev/null -- --title 'say hi' --path C:dir`"), "{v}");
    // notification-fd and down-signal were read as the same as rc2s6's.
    assert!(!v.contains("notification-fd: OpenRC has") && !v.contains("down-signal: OpenRC has"), "{v}");
}
