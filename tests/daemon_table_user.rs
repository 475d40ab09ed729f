//! `--daemon-table FILE`: a user's table decides a name the built-in tables leave out on purpose
//! (crond: cronie's `-n`, busybox's `-f`, dcron's `-f`...), is merged over the built-in ones, and
//! is recorded in the manifest with its SHA-256; each decision it makes cites it.

mod support;

use std::path::Path;
use std::sync::Arc;

use rc2s6::openrc::daemon_table::DaemonTable;
use rc2s6::pipeline::compile;
use rc2s6::report::render_human;

const CASE: &str = "testdata/daemon-table-user";

/// The generated tree, manifest and diagnostics of the case's crond, with these user tables.
fn render(tables: &[&str]) -> String {
    let script = Path::new(CASE).join("init.d/crond");
    let mut opts = support::case_options(Path::new(CASE), "0.45.2", "/var/svc.d");
    let texts: Vec<(String, String)> = tables
        .iter()
        .map(|t| (t.to_string(), std::fs::read_to_string(support::root().join(t)).expect("the table")))
        .collect();
    opts.model.daemon_table = Arc::new(DaemonTable::with_user_tables(&texts).expect("a valid table"));
    let comp = compile::run(std::slice::from_ref(&script.to_path_buf()), &opts);
    let mut out = String::new();
    for s in &comp.services {
        for f in s.dir.iter().flat_map(|d| d.files.iter().map(move |f| (d, f))) {
            out.push_str(&format!("--- {}/{} ({:04o})\n{}", f.0.name, f.1.path, f.1.mode, f.1.contents));
        }
    }
    out.push_str("--- rc2s6.manifest.yaml\n");
    out.push_str(&comp.manifest().to_yaml());
    let findings: Vec<_> = comp.services.iter().flat_map(|s| s.findings().to_vec()).collect();
    if !findings.is_empty() {
        out.push_str("--- diagnostics\n");
        out.push_str(&render_human(&findings, false));
    }
    out
}

#[test]
fn without_a_user_table_crond_stays_refused() {
    let out = render(&[]);
    assert!(out.contains("kind: not-converted") && out.contains("daemon_may_fork"), "{out}");
    assert!(!out.contains("daemon_tables:"), "{out}");
}

#[test]
fn a_user_table_decides_crond_and_the_manifest_records_it() {
    let out = render(&[&format!("{CASE}/cronie.yaml")]);
    assert!(out.contains("kind: longrun"), "{out}");
    let sha = rc2s6::manifest::sha256_hex(&std::fs::read(support::root().join(CASE).join("cronie.yaml")).unwrap());
    assert!(out.contains(&format!("sha256: {sha}")), "{out}");
    assert!(out.contains("daemon table testdata/daemon-table-user/cronie.yaml: cronie crond(8)"), "{out}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("daemon_table_user_crond", out));
}

/// Through the binary: the flag, a table that does not read (a usage error naming the file), and the
/// manifest written to disk.
#[test]
fn the_flag_through_the_binary() {
    let tmp = support::tempdir();
    let out = tmp.path().join("out");
    let run = |extra: &[&str]| {
        support::rc2s6()
            .current_dir(support::root())
            .args(["compile", "--no-rc-conf", "--no-conf-dir", "--color", "never"])
            .args(extra)
            .arg(format!("{CASE}/init.d/crond"))
            .arg("-o")
            .arg(&out)
            .env_remove("CI")
            .output()
            .expect("rc2s6 runs")
    };
    let o = run(&["--daemon-table", &format!("{CASE}/cronie.yaml")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let run_script = std::fs::read_to_string(out.join("crond/run")).expect("crond converted");
    assert!(run_script.contains("/usr/sbin/crond -n"), "{run_script}");
    let manifest = std::fs::read_to_string(out.join("rc2s6.manifest.yaml")).unwrap();
    assert!(manifest.contains(&format!("path: {CASE}/cronie.yaml")), "{manifest}");

    let bad = tmp.path().join("bad.yaml");
    std::fs::write(&bad, "daemons:\n  - names: [crond]\n    foreground: [[-n]]\n    source: x\n").unwrap();
    let o = run(&["--daemon-table", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(100), "{err}");
    assert!(err.contains("bad.yaml") && err.contains("not in `already`"), "{err}");
}

/// `rc2s6 lint` takes the same tables: without one crond is reported as possibly forking, with
/// one the note names the table that decided, and a table that does not read is a usage error.
#[test]
fn lint_takes_the_same_tables() {
    let lint = |extra: &[&str]| {
        support::rc2s6()
            .current_dir(support::root())
            .args(["lint", "--format", "gcc", "--no-rc-conf", "--no-conf-dir"])
            .args(extra)
            .arg(format!("{CASE}/init.d/crond"))
            .env_remove("CI")
            .output()
            .expect("rc2s6 runs")
    };
    let o = lint(&[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("[rc2s6::model::daemon_may_fork]"), "{out}");
    let o = lint(&["--daemon-table", &format!("{CASE}/cronie.yaml")]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("daemon_may_fork"), "{out}");
    assert!(
        out.contains(&format!(
            "added `-n`, from the daemon table {CASE}/cronie.yaml [rc2s6::model::foreground_from_table]"
        )),
        "{out}"
    );
    let o = lint(&["--daemon-table", "testdata/daemon-table-user/no-such-table.yaml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(100), "{err}");
    assert!(err.contains("--daemon-table testdata/daemon-table-user/no-such-table.yaml"), "{err}");
    assert!(o.stdout.is_empty(), "nothing linted: {}", String::from_utf8_lossy(&o.stdout));
}
