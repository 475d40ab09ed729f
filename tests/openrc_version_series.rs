//! `--openrc` given as a release series without a patch level. OpenRC 0.63.0's s6.sh (2a2e6be1)
//! always generates its own service directory from `command`; the compatibility mode that links
//! /var/svc.d/$name when `command` is empty came with 0.63.1 (aa456f38, PR #950, fixing #949;
//! ../shared/docs/openrc-semantics.md §2.4–2.5, and `_s6_have_legacy_servicedir` in
//! sh/s6.sh of ../shared/vendor/openrc-0.63.3.tar.gz). A script migrated with `command=""`
//! therefore runs `sh -c "exec   "` in a loop on 0.63.0, and the daemon never starts.
//!
//! Today `--openrc 0.63` is read as 0.63.0 and `rc2s6 --initd-out` still writes those scripts,
//! with a warning, and exits 0. The right behaviour: a series without a patch level means the
//! newest release of that series rc2s6 knows (0.63.3, the release ../shared/vendor pins and the
//! tests run), and a target that cannot run what migration writes (0.63.0) is refused.
//!
//! Both tests FAIL with rc2s6 at the time of writing.

mod support;

use std::fs;
use std::path::Path;
use std::process::Output;

const SCRIPT: &str =
    "#!/sbin/openrc-run\ncommand=/bin/sleep\ncommand_args=1000\ncommand_background=yes\npidfile=/run/sleeper.pid\n";

/// `rc2s6 SCRIPT -o ROOT/out --openrc VERSION --initd-out ROOT/migrated`.
fn compile(root: &Path, version: &str) -> Output {
    let script = root.join("sleeper");
    fs::write(&script, SCRIPT).unwrap();
    support::rc2s6()
        .arg(&script)
        .arg("-o")
        .arg(root.join("out"))
        .args(["--no-conf-dir", "--no-rc-conf", "--color", "never", "--openrc", version, "--initd-out"])
        .arg(root.join("migrated"))
        .output()
        .unwrap()
}

/// The `openrc: version:` the manifest records.
fn manifest_version(root: &Path) -> String {
    let m = fs::read_to_string(root.join("out/rc2s6.manifest.yaml")).unwrap_or_default();
    let mut lines = m.lines().skip_while(|l| *l != "openrc:");
    lines
        .nth(1)
        .and_then(|l| l.trim().strip_prefix("version: "))
        .map(|v| v.trim_matches('\'').to_string())
        .unwrap_or_default()
}

/// `--openrc 0.63`: 0.63.3, or a refusal that writes no migrated script.
#[test]
fn a_series_without_patch_level_means_its_newest_known_release() {
    let tmp = support::tempdir();
    let root = tmp.path();
    let out = compile(root, "0.63");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        assert_eq!(
            manifest_version(root),
            "0.63.3",
            "`--openrc 0.63` was taken as a release without compatibility mode, yet the migrated scripts were written (exit 0):\n{stderr}"
        );
        assert!(!stderr.contains("rc2s6::migrate::no_compat_mode"), "{stderr}");
    } else {
        assert!(!root.join("migrated/sleeper").exists(), "refused, yet a migrated script was written:\n{stderr}");
        assert!(stderr.contains("0.63.1"), "a refusal says which release is needed:\n{stderr}");
    }
}

/// `--openrc 0.63.0`, given explicitly: it cannot link rc2s6's directories, so nothing is
/// migrated for it and rc2s6 fails.
#[test]
fn openrc_0630_is_refused_for_migration() {
    let tmp = support::tempdir();
    let root = tmp.path();
    let out = compile(root, "0.63.0");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "migrating for 0.63.0 succeeded (exit 0), but 0.63.0 never links /var/svc.d:\n{stderr}"
    );
    assert!(!root.join("migrated/sleeper").exists(), "a migrated script was written for 0.63.0:\n{stderr}");
}

/// A full version is kept as given (the tests above must not pass by rewriting every version).
#[test]
fn a_full_version_is_kept() {
    let tmp = support::tempdir();
    let root = tmp.path();
    let out = compile(root, "0.63.3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(manifest_version(root), "0.63.3");
    assert!(root.join("migrated/sleeper").is_file());
}
