//! `rc2s6 verify -o DIR` on a tree written with `--backend s6-rc`: consistent as written (and
//! s6-rc-compile accepts it); a file edited or removed, a definition added by hand, a tree
//! s6-rc-compile refuses are each reported with their code and exit code; without s6-rc-compile
//! the tree is still checked against the manifest, with a warning.

mod support;

use std::fs;
use std::path::Path;
use std::process::Output;

/// `rc2s6 verify -o OUT`, with `path` as PATH.
fn verify(out: &Path, path: &str, extra: &[&str]) -> Output {
    support::rc2s6()
        .args(["verify", "--color", "never"])
        .args(extra)
        .arg("-o")
        .arg(out)
        .env("PATH", path)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn verify_checks_an_s6rc_tree_against_its_manifest_and_s6rc_compile() {
    let Some(ts) = support::skarnet::Toolset::current() else { return };
    if !ts.tools(&["s6-rc-compile"]) {
        return;
    }
    let with_s6rc = format!("{}:/usr/bin:/bin", support::skarnet::current_prefix().join("bin").display());
    let tmp = support::tempdir();
    let out = tmp.path().join("out");
    let case = support::root().join("testdata/s6rc/chain");
    let compiled = support::rc2s6()
        .args(["--backend", "s6-rc", "--quiet", "--no-rc-conf", "--no-conf-dir", "--runlevels"])
        .arg(case.join("runlevels"))
        .arg(case.join("init.d"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(compiled.status.success(), "{}", text(&compiled));

    let ok = verify(&out, &with_s6rc, &[]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("s6-rc-compile accepts it; consistent"), "{}", text(&ok));

    // Init scripts are not what an s6-rc tree is verified from.
    let usage = verify(&out, &with_s6rc, &[case.join("init.d/db").to_str().unwrap()]);
    assert_eq!(usage.status.code(), Some(100), "{}", text(&usage));

    // Without s6-rc-compile: checked against the manifest only, with a warning.
    let alone = verify(&out, "/usr/bin:/bin", &[]);
    assert_eq!(alone.status.code(), Some(0), "{}", text(&alone));
    assert!(text(&alone).contains("rc2s6::verify::s6rc_compile_not_found"), "{}", text(&alone));

    // A definition written by hand that s6-rc-compile accepts: a warning.
    fs::create_dir(out.join("mounts")).unwrap();
    fs::write(out.join("mounts/type"), "oneshot\n").unwrap();
    fs::write(out.join("mounts/up"), "mount -a\n").unwrap();
    let foreign = verify(&out, &with_s6rc, &[]);
    assert_eq!(foreign.status.code(), Some(0), "{}", text(&foreign));
    assert!(text(&foreign).contains("rc2s6::verify::foreign_definition"), "{}", text(&foreign));
    fs::remove_dir_all(out.join("mounts")).unwrap();

    // An edited file.
    let run = out.join("db/run");
    let original = fs::read_to_string(&run).unwrap();
    fs::write(&run, format!("{original}# tuned by hand\n")).unwrap();
    let edited = verify(&out, &with_s6rc, &[]);
    assert_eq!(edited.status.code(), Some(1), "{}", text(&edited));
    assert!(text(&edited).contains("rc2s6::verify::file_edited"), "{}", text(&edited));
    fs::write(&run, original).unwrap();

    // A bundle others depend on, removed: missing files, and s6-rc-compile refuses the tree.
    fs::remove_dir_all(out.join("chain-base")).unwrap();
    let broken = verify(&out, &with_s6rc, &[]);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    let t = text(&broken);
    assert!(t.contains("rc2s6::verify::file_missing") && t.contains("rc2s6::verify::s6rc_compile_failed"), "{t}");
    assert!(t.contains("undefined service name chain-base"), "{t}");
}
