//! `rc2s6 verify` as a program: what it prints and its documented exit codes (0 consistent,
//! 1 not, 100 bad usage, 111 I/O failure).

mod support;

use std::fs;
use std::path::Path;
use std::process::Output;

fn compile_and_migrate(root: &Path) {
    let case = support::root().join("testdata/migrate/declarative");
    let out = support::rc2s6()
        .arg(case.join("init.d/mailerd"))
        .arg("-o")
        .arg(root.join("out"))
        .arg("--conf-dir")
        .arg(case.join("conf.d"))
        .args(["--no-rc-conf", "--openrc", "0.45.2", "--initd-out"])
        .arg(root.join("init.d"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn verify(root: &Path, extra: &[&str]) -> Output {
    support::rc2s6()
        .arg("verify")
        .arg(root.join("init.d/mailerd"))
        .arg("-o")
        .arg(root.join("out"))
        .arg("--conf-dir")
        .arg(support::root().join("testdata/migrate/declarative/conf.d"))
        .args(["--no-rc-conf", "--openrc", "0.45.2", "--color", "never"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn exit_codes() {
    if !support::tools(&["execlineb"]) {
        return;
    }
    let tmp = support::tempdir();
    let root = tmp.path();
    compile_and_migrate(root);

    let ok = verify(root, &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(stdout, format!("mailerd: /run/openrc/s6-scan/mailerd -> {}\n", root.join("out/mailerd").display()));

    let bad_version = verify(root, &["--openrc", "zero"]);
    assert_eq!(bad_version.status.code(), Some(100));
    let no_output = support::rc2s6().args(["verify", "x"]).output().unwrap();
    assert_eq!(no_output.status.code(), Some(100));

    let no_scan = verify(root, &["--scan-dir", "/nonexistent/rc2s6-scan"]);
    assert_eq!(no_scan.status.code(), Some(111), "{}", String::from_utf8_lossy(&no_scan.stderr));

    fs::remove_file(root.join("out/mailerd/notification-fd")).unwrap();
    let fault = verify(root, &[]);
    assert_eq!(fault.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&fault.stderr);
    assert!(stderr.contains("rc2s6::verify::readiness_without_notification_fd"), "{stderr}");
    assert!(stderr.contains("rc2s6::verify::file_missing"), "{stderr}");
}

/// Compiling the migrated scripts again (they have no `command` any more) must not remove the
/// service directories they run from.
#[test]
fn recompiling_migrated_scripts_keeps_their_directories() {
    let tmp = support::tempdir();
    let root = tmp.path();
    compile_and_migrate(root);
    let manifest = fs::read_to_string(root.join("out/rc2s6.manifest.yaml")).unwrap();
    let again = support::rc2s6()
        .arg(root.join("init.d/mailerd"))
        .arg("-o")
        .arg(root.join("out"))
        .args(["--no-rc-conf", "--no-conf-dir", "--openrc", "0.45.2"])
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(root.join("out/mailerd/run").is_file());
    assert_eq!(fs::read_to_string(root.join("out/rc2s6.manifest.yaml")).unwrap(), manifest);
}

/// A migrated script whose own start() now calls `default_start` (its launch was compiled) runs
/// from its prepared directory too: compiling it again keeps the directory. (It was taken for a
/// oneshot, and the directory was removed as no longer converted.)
#[test]
fn recompiling_a_migrated_custom_start_keeps_its_directory() {
    let tmp = support::tempdir();
    let root = tmp.path();
    let script = support::root().join("testdata/migrate/custom-start/init.d/indexd");
    let rc2s6 = |script: &std::path::Path, extra: &[&str]| {
        support::rc2s6()
            .arg(script)
            .arg("-o")
            .arg(root.join("out"))
            .args(["--no-rc-conf", "--no-conf-dir", "--openrc", "0.45.2", "--color", "never"])
            .args(extra)
            .output()
            .unwrap()
    };
    let first = rc2s6(&script, &["--initd-out", &root.join("init.d").display().to_string()]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let manifest = fs::read_to_string(root.join("out/rc2s6.manifest.yaml")).unwrap();
    let again = rc2s6(&root.join("init.d/indexd"), &[]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{stderr}");
    assert!(root.join("out/indexd/run").is_file(), "{stderr}");
    assert!(!stderr.contains("removed"), "{stderr}");
    assert_eq!(fs::read_to_string(root.join("out/rc2s6.manifest.yaml")).unwrap(), manifest);
}

/// An error about no script in particular (here a dangling link in the scan directory) makes
/// verify exit 1, and the summary must say the tree is not consistent, not "1 consistent, 0 not".
#[test]
fn errors_about_the_whole_set_show_in_the_summary() {
    if !support::tools(&["execlineb"]) {
        return;
    }
    let tmp = support::tempdir();
    let root = tmp.path();
    compile_and_migrate(root);
    let scan = root.join("scan");
    fs::create_dir_all(&scan).unwrap();
    std::os::unix::fs::symlink("/nonexistent/rc2s6-test", scan.join("gone")).unwrap();
    let out = verify(root, &["--scan-dir", &scan.display().to_string()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rc2s6::verify::dangling_link"), "{stderr}");
    let summary = stderr.lines().last().unwrap_or_default();
    assert_eq!(
        summary,
        "rc2s6: verified 1 script for OpenRC 0.45.2: not consistent: 1 error about the set as a whole, and 0 of 1 script with errors of its own",
        "{stderr}"
    );
}
