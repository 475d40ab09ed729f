//! One snapshot per testdata/migrate case: the script migrated for legacy OpenRC (0.45, service
//! directories outside /var/svc.d) and for OpenRC 0.63.3 (in /var/svc.d), each with the
//! findings, the whole migrated text and its unified diff.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use rc2s6::migrate as initd;
use rc2s6::migrate::unified_diff::unified_diff;
use rc2s6::pipeline::compile::{self};
use rc2s6::report::render_human;

/// Migrates one script for one target and renders everything.
fn render_target(script: &Path, version: &str, output: &str) -> String {
    let case = script.parent().and_then(Path::parent).expect("case/init.d/script");
    let opts = support::case_options(case, version, output);
    let compiled = compile::compile_one(script, &opts).expect("readable testdata");
    let mut out = format!("=== OpenRC {version}, -o {output}\n");
    let Some(dir) = &compiled.dir else {
        out.push_str("--- not converted, so not migrated\n");
        out.push_str(&render_human(compiled.findings(), false));
        return out;
    };
    let mut findings = initd::target_findings(&opts.target, &opts.output);
    let m = initd::migrate(
        compiled.analysis.as_deref().expect("compile keeps each analysis"),
        dir,
        &opts.target,
        &opts.output,
    );
    findings.extend(m.findings.iter().cloned());
    if !findings.is_empty() {
        out.push_str("--- findings\n");
        out.push_str(&render_human(&findings, false));
    }
    out.push_str(if m.ok() { "--- migrated\n" } else { "--- migrated (not written: errors above)\n" });
    out.push_str(&m.text);
    out.push_str("--- diff\n");
    out.push_str(&unified_diff(&m.path, &m.original, &m.text));
    out
}

fn render_case(script: &Path) -> String {
    let script = support::relative(script);
    let mut out = render_target(&script, "0.45.2", "/srv/s6");
    out.push_str(&render_target(&script, "0.63.3", "/var/svc.d"));
    out
}

#[test]
fn migrate_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../testdata/migrate", "*/init.d/*", |path| {
            insta::assert_snapshot!(render_case(path));
        });
    });
}

/// Legacy OpenRC with the service directories in /var/svc.d needs no `s6_service_path`: it is
/// s6.sh's default.
#[test]
fn legacy_in_var_svc_d_sets_no_service_path() {
    let script = Path::new("testdata/migrate/declarative/init.d/mailerd");
    let text = render_target(script, "0.45.2", "/var/svc.d");
    assert!(!text.contains("\ns6_service_path="), "{text}");
    assert!(text.contains("\nsupervisor=s6\n"), "{text}");
    assert!(text.contains("\ns6_svwait_options_start=\"-U -t 15000\"\n"), "{text}");
}

/// The command `signal_not_sendable` suggests, run with the real s6: `s6-svstat -o pid` prints
/// `-1` for a service that is down (and nothing when no s6-supervise runs), and `kill -s SIG -1`
/// would signal every process; the suggestion must signal only a running daemon.
#[test]
fn unsendable_signal_suggestion_signals_only_a_running_daemon() {
    if !support::tools(&["s6-supervise", "s6-svc", "s6-svstat", "s6-svwait"]) {
        return;
    }
    let script = Path::new("testdata/migrate/unsendable-signal/init.d/pwrd");
    let case = script.parent().and_then(Path::parent).unwrap();
    let opts = support::case_options(case, "0.45.2", "/srv/s6");
    let compiled = compile::compile_one(script, &opts).unwrap();
    let m = initd::migrate(
        compiled.analysis.as_deref().expect("compile keeps each analysis"),
        compiled.dir.as_ref().unwrap(),
        &opts.target,
        &opts.output,
    );
    let help = m
        .findings
        .iter()
        .find(|f| f.code() == &rc2s6::migrate::error::SIGNAL_NOT_SENDABLE)
        .and_then(|f| f.help())
        .expect("signal_not_sendable with a help");
    // The suggested command is the last `…` of the help.
    let command = help.rsplit('`').nth(1).expect("a command in backquotes");
    assert!(command.contains("kill -s PWR"), "{help}");

    let tmp = support::tempdir();
    let svc = tmp.path().join("srv/pwrd");
    fs::create_dir_all(&svc).unwrap();
    fs::write(svc.join("run"), "#!/bin/sh\nexec sleep 1000\n").unwrap();
    fs::set_permissions(svc.join("run"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(svc.join("down"), "").unwrap();
    fs::create_dir_all(tmp.path().join("s6-scan")).unwrap();
    std::os::unix::fs::symlink(&svc, tmp.path().join("s6-scan/pwrd")).unwrap();
    let log = tmp.path().join("kill.log");
    // `kill` records its arguments instead of signalling anything.
    let suggestion = |label: &str| {
        let sh = format!("kill() {{ echo \"{label}: $*\" >> '{}'; }}\n{command}\n", log.display());
        Command::new("sh")
            .arg("-c")
            .arg(sh)
            .env("RC_SVCDIR", tmp.path())
            .env("s6_service_path", &svc)
            .stderr(Stdio::null())
            .status()
            .unwrap();
    };
    suggestion("not supervised");
    let mut supervise =
        Command::new("s6-supervise").arg(&svc).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let svstat = || {
        let out = Command::new("s6-svstat").args(["-o", "pid"]).arg(&svc).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while svstat() != "-1" && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(svstat(), "-1", "a service that is down");
    suggestion("down");
    Command::new("s6-svc").arg("-u").arg(&svc).status().unwrap();
    Command::new("s6-svwait").args(["-u", "-t", "10000"]).arg(&svc).status().unwrap();
    let pid = svstat();
    suggestion("up");
    Command::new("s6-svc").arg("-xd").arg(&svc).status().unwrap();
    let _ = supervise.wait();
    let calls = fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(calls, format!("up: -s PWR {pid}\n"), "{help}");
}

/// With the service directories in /var/svc.d, legacy OpenRC needs no `s6_service_path`, unless
/// rc.conf or conf.d set one: s6.sh keeps it, so the migrated script must set the path itself.
#[test]
fn legacy_in_var_svc_d_overrides_a_conf_d_service_path() {
    let script = Path::new("testdata/migrate/confd-service-path/init.d/oldsvd");
    let text = render_target(script, "0.45.2", "/var/svc.d");
    assert!(text.contains("\nsupervisor=s6\ns6_service_path=/var/svc.d/oldsvd\n"), "{text}");
}
