//! Writing an s6-rc source tree keeps the s6 backend's guarantees, with several directories per
//! service (the daemon, its logger, its oneshots) and bundles for the set: a run killed between
//! any two filesystem changes leaves every definition as it was or fully new, the next run (or a
//! dry run) reads the journal and reports no hand edit, and a re-run makes exactly what a clean run
//! makes; hand edits are kept and reported until `--force`; a re-run touches nothing.

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::Output;

type Tree = BTreeMap<String, (char, u32, Vec<u8>)>;

fn tree(root: &Path) -> Tree {
    let mut t = Tree::new();
    if root.symlink_metadata().is_err() {
        return t;
    }
    for e in walkdir::WalkDir::new(root).follow_links(false).min_depth(1).sort_by_file_name() {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(root).expect("under root").to_string_lossy().into_owned();
        let m = e.path().symlink_metadata().expect("metadata");
        let entry = if m.is_dir() {
            ('d', m.permissions().mode() & 0o7777, Vec::new())
        } else {
            ('f', m.permissions().mode() & 0o7777, std::fs::read(e.path()).expect("read"))
        };
        t.insert(rel, entry);
    }
    t
}

/// The part of a tree under one top-level directory.
fn dir(t: &Tree, name: &str) -> Tree {
    let prefix = format!("{name}/");
    t.iter().filter(|(p, _)| *p == name || p.starts_with(&prefix)).map(|(p, v)| (p.clone(), v.clone())).collect()
}

/// The top-level directories of a tree (definitions, and rc2s6's own dot files aside).
fn top(t: &Tree) -> Vec<String> {
    t.keys().filter(|p| !p.contains('/') && !p.starts_with('.') && t[*p].0 == 'd').cloned().collect()
}

fn stamps(root: &Path) -> Vec<(String, u64, i64, i64)> {
    let mut v = Vec::new();
    for e in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let e = e.expect("walk");
        let m = e.path().symlink_metadata().expect("metadata");
        v.push((e.path().display().to_string(), m.ino(), m.mtime(), m.mtime_nsec()));
    }
    v
}

fn inputs(work: &Path, scripts: &[(&str, &str)]) {
    let _ = std::fs::remove_dir_all(work.join("inputs"));
    std::fs::create_dir_all(work.join("inputs/init.d")).unwrap();
    for (name, script) in scripts {
        std::fs::write(work.join("inputs/init.d").join(name), script).unwrap();
    }
}

fn rc2s6(work: &Path, extra: &[&str], crash_after: Option<usize>) -> Output {
    let mut c = support::rc2s6();
    c.current_dir(work)
        .args(["--backend", "s6-rc", "inputs/init.d", "-o", "out", "--no-conf-dir", "--no-rc-conf", "--quiet"])
        .args(extra)
        .env_remove("RC2S6_CRASH_AFTER_OPS");
    if let Some(n) = crash_after {
        c.env("RC2S6_CRASH_AFTER_OPS", n.to_string());
    }
    c.output().expect("run rc2s6")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    let ok = std::process::Command::new("cp").arg("-a").arg(from).arg(to).status().expect("cp").success();
    assert!(ok);
}

const PLAIN: &str = "#!/sbin/openrc-run\ncommand=/usr/bin/plain\ncommand_background=yes\npidfile=/run/plain.pid\n";
const HOOKED_V1: &str = "#!/sbin/openrc-run\ncommand=/usr/bin/hooked\ncommand_args=--old\ncommand_background=yes\npidfile=/run/hooked.pid\n\
    depend() {\n\tneed plain\n\tprovide web\n}\nstart_pre() {\n\tcheckpath -d /run/hooked\n}\n";
const HOOKED_V2: &str = "#!/sbin/openrc-run\ncommand=/usr/bin/hooked\ncommand_args=--new\ncommand_background=yes\npidfile=/run/hooked.pid\n\
    depend() {\n\tneed plain\n}\nstart_post() {\n\tewaitfile 5 /run/hooked.sock\n}\n";
const ONESHOT: &str = "#!/sbin/openrc-run\nstart() {\n\tsysctl -q -p\n}\n";

#[test]
fn a_run_killed_at_any_point_leaves_each_definition_old_or_new_and_recovers() {
    let tmp = support::tempdir();
    let work = tmp.path();
    // v1: hooked has hooked-pre and provides `web` (a bundle); setup is a oneshot.
    inputs(work, &[("plain", PLAIN), ("hooked", HOOKED_V1), ("setup", ONESHOT)]);
    let first = rc2s6(work, &[], None);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = tree(&work.join("out"));
    assert!(before.contains_key("hooked-pre/up") && before.contains_key("web/type"), "{:?}", top(&before));
    copy_tree(&work.join("out"), &work.join("base"));
    // v2: hooked loses hooked-pre and `web`, gains hooked-post and new arguments; setup goes.
    inputs(work, &[("plain", PLAIN), ("hooked", HOOKED_V2)]);
    let clean = rc2s6(work, &[], None);
    assert!(clean.status.success(), "{}", stderr(&clean));
    let after = tree(&work.join("out"));
    assert!(!after.contains_key("hooked-pre") && !after.contains_key("web") && after.contains_key("hooked-post/up"));
    assert_ne!(dir(&after, "hooked"), dir(&before, "hooked"));

    let mut names: Vec<String> = top(&before);
    names.extend(top(&after));
    names.sort();
    names.dedup();
    let mut crashes = 0;
    for n in 0.. {
        copy_tree(&work.join("base"), &work.join("out"));
        let run = rc2s6(work, &[], Some(n));
        if run.status.signal().is_none() {
            assert!(run.status.success(), "{}", stderr(&run));
            assert_eq!(tree(&work.join("out")), after, "a run that was not killed");
            break;
        }
        assert_eq!(run.status.signal(), Some(9), "killed by the crash hook (debug builds only)");
        crashes += 1;
        let killed = tree(&work.join("out"));
        for name in &names {
            let now = dir(&killed, name);
            assert!(
                now == dir(&before, name) || now == dir(&after, name),
                "killed after {n} operations: `{name}` is neither as before nor fully new: {:?}",
                now.keys().collect::<Vec<_>>()
            );
        }
        for entry in top(&killed) {
            assert!(names.contains(&entry), "killed after {n} operations: unexpected definition `{entry}`");
        }
        // The manifest and journal left describe the disk: nothing looks hand-edited.
        let dry = rc2s6(work, &["--dry-run"], None);
        assert!(!stderr(&dry).contains("left as it is"), "killed after {n}: {}", stderr(&dry));
        let rerun = rc2s6(work, &[], None);
        assert!(rerun.status.success(), "killed after {n}, then re-run: {}", stderr(&rerun));
        assert!(!stderr(&rerun).contains("left as it is"), "killed after {n}: {}", stderr(&rerun));
        assert_eq!(tree(&work.join("out")), after, "killed after {n}, then re-run: not what a clean run makes");
    }
    assert!(crashes >= 10, "only {crashes} kill points: is the crash hook there?");
}

#[test]
fn hand_edits_are_kept_until_force_and_a_rerun_touches_nothing() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("plain", PLAIN), ("hooked", HOOKED_V1)]);
    assert!(rc2s6(work, &[], None).status.success());
    let out = work.join("out");
    let unchanged = stamps(&out);
    let again = rc2s6(work, &[], None);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stamps(&out), unchanged, "a re-run on the same inputs changed something");
    // A hand edit in a companion definition: kept, reported, exit 1; --force puts it back.
    let up = out.join("hooked-pre/up");
    let original = std::fs::read(&up).unwrap();
    std::fs::write(&up, "# edited by hand\n").unwrap();
    inputs(work, &[("plain", PLAIN), ("hooked", HOOKED_V2)]);
    let kept = rc2s6(work, &[], None);
    assert_eq!(kept.status.code(), Some(1), "{}", stderr(&kept));
    assert!(stderr(&kept).contains("hooked-pre/up is edited since rc2s6 wrote it"), "{}", stderr(&kept));
    assert_eq!(std::fs::read_to_string(&up).unwrap(), "# edited by hand\n");
    // Nothing of `hooked` changed, not even its other directories.
    assert!(std::fs::read_to_string(out.join("hooked/run")).unwrap().contains("--old"));
    let forced = rc2s6(work, &["--force"], None);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(!up.exists() && out.join("hooked-post/up").is_file());
    assert!(std::fs::read_to_string(out.join("hooked/run")).unwrap().contains("--new"));
    let _ = original;
}
