//! Writing the output directory loses nothing: a run killed between any two filesystem changes
//! leaves each service as before or fully new and is recovered by the next run; a failing script
//! leaves no directory; an unwritable output fails whole with exit 111; hand edits are kept and
//! reported; a re-run touches nothing; and nothing is ever written outside `-o`, whatever the
//! names and paths in scripts, in the manifest or on disk.

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Command, Output};

/// Everything under a directory: relative path → (kind, mode, contents or link target).
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
        } else if m.file_type().is_symlink() {
            ('l', 0, std::fs::read_link(e.path()).expect("link").into_os_string().into_encoded_bytes())
        } else {
            ('f', m.permissions().mode() & 0o7777, std::fs::read(e.path()).expect("read"))
        };
        t.insert(rel, entry);
    }
    t
}

/// The part of a tree under one service directory (empty if it does not exist).
fn service(t: &Tree, name: &str) -> Tree {
    let prefix = format!("{name}/");
    t.iter().filter(|(p, _)| *p == name || p.starts_with(&prefix)).map(|(p, v)| (p.clone(), v.clone())).collect()
}

/// Every entry's identity and times, to prove a run changed nothing at all.
fn stamps(root: &Path) -> Vec<(String, u64, i64, i64, i64, i64)> {
    let mut v = Vec::new();
    for e in walkdir::WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let e = e.expect("walk");
        let m = e.path().symlink_metadata().expect("metadata");
        v.push((e.path().display().to_string(), m.ino(), m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec()));
    }
    v
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A daemon script whose arguments come from conf.d.
const DAEMON: &str = "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncommand_args=\"$args\"\ncommand_background=yes\n";

/// Replaces the inputs in `work/inputs` with these scripts (name → (script, conf.d)).
fn inputs(work: &Path, services: &[(&str, &str, &str)]) {
    let _ = std::fs::remove_dir_all(work.join("inputs"));
    for (name, script, confd) in services {
        write(&work.join("inputs/init.d").join(name), script);
        write(&work.join("inputs/conf.d").join(name), confd);
    }
}

/// Runs rc2s6 in `work` on `inputs/init.d` into `out`.
fn rc2s6(work: &Path, extra: &[&str], crash_after: Option<usize>) -> Output {
    let mut c = support::rc2s6();
    c.current_dir(work).args(["inputs/init.d", "-o", "out", "--conf-dir", "inputs/conf.d", "--no-rc-conf", "--quiet"]);
    c.args(extra).env_remove("RC2S6_CRASH_AFTER_OPS");
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
    let ok = Command::new("cp").arg("-a").arg(from).arg(to).status().expect("cp").success();
    assert!(ok, "cp -a {} {}", from.display(), to.display());
}

#[test]
fn a_run_killed_at_any_point_leaves_each_service_old_or_new_and_recovers() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let v1 = [
        ("keep", DAEMON, "args=--same\n"),
        ("change", DAEMON, "args=--old\n"),
        ("fail", DAEMON, "args=--works\n"),
        ("gone", DAEMON, "args=--not-named-again\n"),
    ];
    let v2 = [
        ("keep", DAEMON, "args=--same\n"),
        ("change", DAEMON, "args='--new \"value\"'\n"),
        ("fail", "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\nif then\n", ""),
        ("add", DAEMON, "args=--added\n"),
    ];
    inputs(work, &v1);
    assert!(rc2s6(work, &[], None).status.success());
    let before = tree(&work.join("out"));
    copy_tree(&work.join("out"), &work.join("base"));
    inputs(work, &v2);
    let clean = rc2s6(work, &[], None);
    assert_eq!(clean.status.code(), Some(1), "`fail` is not converted: {}", stderr(&clean));
    let after = tree(&work.join("out"));
    assert!(service(&after, "fail").is_empty() && !service(&before, "fail").is_empty());
    assert_ne!(service(&after, "change"), service(&before, "change"));

    let mut crashes = 0;
    for n in 0.. {
        copy_tree(&work.join("base"), &work.join("out"));
        let run = rc2s6(work, &[], Some(n));
        if run.status.signal().is_none() {
            assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
            assert_eq!(tree(&work.join("out")), after, "a run that was not killed");
            break;
        }
        assert_eq!(run.status.signal(), Some(9), "killed by the crash hook (it exists in debug builds only)");
        crashes += 1;
        let killed = tree(&work.join("out"));
        for name in ["keep", "change", "fail", "gone", "add"] {
            let now = service(&killed, name);
            assert!(
                now == service(&before, name) || now == service(&after, name),
                "killed after {n} operations: `{name}` is neither as before nor fully new: {:?}",
                now.keys().collect::<Vec<_>>()
            );
        }
        for entry in killed.keys().filter(|p| !p.contains('/')) {
            assert!(
                entry.starts_with('.') || after.contains_key(entry) || before.contains_key(entry),
                "killed after {n} operations: unexpected `{entry}` that s6-svscan would see"
            );
        }
        // The manifest and journal left behind describe the disk: no service looks hand-edited.
        let dry = rc2s6(work, &["--dry-run"], None);
        assert!(!stderr(&dry).contains("left as it is"), "killed after {n}: {}", stderr(&dry));
        // A second kill, this time while recovering, changes none of that.
        let again = rc2s6(work, &[], Some(n % 5));
        if again.status.signal().is_some() {
            let killed = tree(&work.join("out"));
            for name in ["keep", "change", "fail", "gone", "add"] {
                let now = service(&killed, name);
                assert!(now == service(&before, name) || now == service(&after, name), "{n}, then {}", n % 5);
            }
        }
        let rerun = rc2s6(work, &[], None);
        assert_eq!(rerun.status.code(), Some(1), "killed after {n}, then re-run: {}", stderr(&rerun));
        assert!(!stderr(&rerun).contains("left as it is"), "killed after {n}: {}", stderr(&rerun));
        assert_eq!(tree(&work.join("out")), after, "killed after {n}, then re-run: not what a clean run makes");
    }
    // Lock, journal, two directories built, three renames, commit, two deletions: 19 today.
    assert!(crashes >= 10, "only {crashes} kill points: is the crash hook there?");
}

#[test]
fn a_failing_script_leaves_no_directory() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("broken", "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncase x in\n", "")]);
    let run = rc2s6(work, &[], None);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let t = tree(&work.join("out"));
    assert!(service(&t, "broken").is_empty(), "{:?}", t.keys().collect::<Vec<_>>());
    assert!(t.keys().all(|p| p.starts_with('.') || p == "rc2s6.manifest.yaml"), "{:?}", t.keys().collect::<Vec<_>>());
    let manifest = std::fs::read_to_string(work.join("out/rc2s6.manifest.yaml")).expect("manifest");
    assert!(manifest.contains("kind: not-converted"), "{manifest}");
}

#[test]
fn an_unwritable_output_is_exit_111_and_leaves_nothing() {
    if !support::require_root("running rc2s6 as nobody") {
        return;
    }
    let Some(setuidgid) = support::tool("s6-setuidgid") else { return };
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("svc", DAEMON, "args=--x\n")]);
    // nobody can read the inputs and run the binary, but not write here.
    for d in [work.to_path_buf(), work.join("inputs"), work.join("inputs/init.d"), work.join("inputs/conf.d")] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    std::fs::create_dir(work.join("exists")).expect("mkdir");
    for out in ["missing", "exists", "missing/deeper"] {
        let before = tree(work);
        let run = Command::new(&setuidgid)
            .arg("nobody")
            .arg(env!("CARGO_BIN_EXE_rc2s6"))
            .current_dir(work)
            .args(["inputs/init.d", "-o", out, "--conf-dir", "inputs/conf.d", "--no-rc-conf"])
            .output()
            .expect("run rc2s6 as nobody");
        assert_eq!(run.status.code(), Some(111), "-o {out}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("cannot write") && stderr(&run).contains("Permission denied"),
            "{}",
            stderr(&run)
        );
        assert_eq!(tree(work), before, "-o {out}: something was written");
    }
}

#[test]
fn a_hand_edit_is_reported_and_kept_unless_forced() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("svc", DAEMON, "args=--x\n")]);
    assert!(rc2s6(work, &[], None).status.success());
    let generated = tree(&work.join("out"));
    let run_file = work.join("out/svc/run");
    let edited = format!("{}# tuned by hand\n", std::fs::read_to_string(&run_file).expect("run"));
    std::fs::write(&run_file, &edited).expect("edit");
    std::fs::write(work.join("out/svc/extra"), "mine\n").expect("add a file");

    let run = rc2s6(work, &[], None);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("svc/run is edited since rc2s6 wrote it"), "{}", stderr(&run));
    assert!(stderr(&run).contains("svc/extra is not written by rc2s6"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&run_file).expect("run"), edited, "the edit was overwritten");
    // Also when the script changes: the new version waits for --force.
    inputs(work, &[("svc", DAEMON, "args=--changed\n")]);
    assert_eq!(rc2s6(work, &[], None).status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&run_file).expect("run"), edited, "the edit was overwritten");

    inputs(work, &[("svc", DAEMON, "args=--x\n")]);
    let forced = rc2s6(work, &["--force"], None);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(tree(&work.join("out")), generated, "--force restores exactly what rc2s6 generates");
}

#[test]
fn a_rerun_on_the_same_inputs_touches_nothing() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(
        work,
        &[("one", DAEMON, "args=--1\n"), ("two", DAEMON, "args=--2\n"), ("bad", "#!/sbin/openrc-run\nif\n", "")],
    );
    assert_eq!(rc2s6(work, &[], None).status.code(), Some(1));
    let bytes = tree(&work.join("out"));
    let before = stamps(&work.join("out"));
    // Coarse timestamps must not hide a rewrite.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = rc2s6(work, &[], None);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(tree(&work.join("out")), bytes, "not byte-identical");
    assert_eq!(stamps(&work.join("out")), before, "an inode, mtime or ctime changed");
    let verbose = support::rc2s6()
        .current_dir(work)
        .args(["inputs/init.d", "-o", "out", "--conf-dir", "inputs/conf.d", "--no-rc-conf"])
        .output()
        .expect("run");
    assert!(stderr(&verbose).contains("wrote 0 service directories, 2 unchanged"), "{}", stderr(&verbose));
}

/// Runs a scenario and checks that nothing outside `work/out` changed.
fn outside_untouched(work: &Path, scenario: impl FnOnce()) {
    let outside = |t: Tree| -> Tree { t.into_iter().filter(|(p, _)| !p.starts_with("out/") && p != "out").collect() };
    let before = outside(tree(work));
    scenario();
    assert_eq!(outside(tree(work)), before, "something outside -o changed");
}

#[test]
fn names_and_paths_never_lead_outside_the_output() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let victim = work.join("victim");
    write(&victim.join("run"), "precious\n");

    // Names a script cannot have as a service directory, and `name`/`s6_service_path` values
    // that try to climb out.
    let newline_name = "new\nline";
    let script_name = |v: &str| format!("#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncommand_background=yes\n{v}\n");
    inputs(
        work,
        &[
            ("rc2s6.manifest.yaml", DAEMON, "args=--x\n"),
            (newline_name, DAEMON, "args=--x\n"),
            ("named", &script_name("name=../../victim"), ""),
            ("climbs", &script_name("s6_service_path=/var/svc.d/../../victim"), ""),
            ("relative", &script_name("s6_service_path=victim"), ""),
            ("newline", &script_name("s6_service_path='/var/svc.d/a\nb'"), ""),
        ],
    );
    outside_untouched(work, || {
        let run = rc2s6(work, &[], None);
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        let err = String::from_utf8_lossy(
            &support::rc2s6()
                .current_dir(work)
                .args(["inputs/init.d", "-o", "out", "--conf-dir", "inputs/conf.d", "--no-rc-conf", "--dry-run"])
                .output()
                .expect("run")
                .stderr,
        )
        .into_owned();
        assert!(err.contains("rc2s6::emit::bad_service_name") && err.contains("manifest"), "{err}");
        assert!(err.contains("control character"), "{err}");
        assert_eq!(err.matches("`s6_service_path` has a value OpenRC cannot use").count(), 3, "{err}");
        let t = tree(&work.join("out"));
        let dirs: Vec<&String> = t.keys().filter(|p| !p.contains('/') && !p.starts_with('.')).collect();
        assert_eq!(dirs, ["named", "rc2s6.manifest.yaml"], "only `named` converts ({dirs:?})");
    });

    // A service directory that is a symbolic link, and one with a symbolic link inside: never
    // written through, even with --force.
    inputs(work, &[("linked", DAEMON, "args=--x\n"), ("inner", DAEMON, "args=--x\n")]);
    let _ = std::fs::remove_dir_all(work.join("out"));
    assert!(rc2s6(work, &[], None).status.success());
    std::fs::remove_dir_all(work.join("out/linked")).expect("rm");
    std::os::unix::fs::symlink(&victim, work.join("out/linked")).expect("symlink");
    std::fs::remove_dir_all(work.join("out/inner/log")).expect("rm");
    std::os::unix::fs::symlink(&victim, work.join("out/inner/log")).expect("symlink");
    std::os::unix::fs::symlink(&victim, work.join("out/.rc2s6-new.inner")).expect("planted leftover");
    outside_untouched(work, || {
        let run = rc2s6(work, &["--force"], None);
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        assert!(stderr(&run).contains("linked is a symbolic link"), "{}", stderr(&run));
        assert!(work.join("out/linked").symlink_metadata().expect("link").file_type().is_symlink());
        assert!(
            work.join("out/inner/log").is_dir() && !work.join("out/inner/log").is_symlink(),
            "--force rebuilt `inner`"
        );
    });

    // A manifest that names paths outside, or is a link: refused before anything is touched.
    for (what, manifest) in [
        ("servicedir: ../victim", "servicedir: ../victim\n"),
        (
            "a file outside",
            "servicedir: evil\n  files:\n  - path: evil/../../victim/run\n    mode: '0644'\n    sha256: x\n",
        ),
    ] {
        let _ = std::fs::remove_dir_all(work.join("out"));
        write(
            &work.join("out/rc2s6.manifest.yaml"),
            &format!(
                "rc2s6_version: 0.1.0\nopenrc:\n  version: 0.45.2\n  semantics: x\noutput: /x\nservices:\n- name: {}\n  kind: longrun\n  sources: []\n  {manifest}",
                if what.starts_with("servicedir") { "victim" } else { "evil" }
            ),
        );
        outside_untouched(work, || {
            let run = rc2s6(work, &["--force"], None);
            assert_eq!(run.status.code(), Some(111), "{what}: {}", stderr(&run));
            assert!(stderr(&run).contains("is not a manifest rc2s6 wrote"), "{}", stderr(&run));
        });
    }
    let _ = std::fs::remove_dir_all(work.join("out"));
    std::fs::create_dir(work.join("out")).expect("mkdir");
    std::os::unix::fs::symlink(victim.join("run"), work.join("out/rc2s6.manifest.yaml")).expect("symlink");
    outside_untouched(work, || assert_eq!(rc2s6(work, &[], None).status.code(), Some(111)));
}

#[test]
fn a_second_run_on_the_same_output_waits_its_turn() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("svc", DAEMON, "args=--x\n")]);
    assert!(rc2s6(work, &[], None).status.success());
    let lock = std::fs::File::open(work.join("out/.rc2s6.lock")).expect("lock file");
    // SAFETY: the descriptor is open for the duration of the call.
    assert_eq!(unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX) }, 0);
    inputs(work, &[("svc", DAEMON, "args=--y\n")]);
    let run = rc2s6(work, &[], None);
    assert_eq!(run.status.code(), Some(111), "{}", stderr(&run));
    assert!(stderr(&run).contains("another rc2s6 is writing"), "{}", stderr(&run));
    drop(lock);
    assert!(rc2s6(work, &[], None).status.success());
}

#[test]
fn modes_do_not_depend_on_the_umask() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("svc", DAEMON, "args=--x\n")]);
    let mut trees = Vec::new();
    for umask in ["022", "077", "000"] {
        let _ = std::fs::remove_dir_all(work.join("out"));
        let run = Command::new("/bin/sh")
            .current_dir(work)
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_rc2s6"))
            .args(["inputs/init.d", "-o", "out", "--conf-dir", "inputs/conf.d", "--no-rc-conf", "--quiet"])
            .output()
            .expect("run rc2s6");
        assert!(run.status.success(), "{}", stderr(&run));
        trees.push(service(&tree(&work.join("out")), "svc"));
    }
    assert_eq!(trees[0]["svc"].1, 0o755);
    assert_eq!(trees[0]["svc/run"].1, 0o755);
    assert_eq!(trees[0]["svc/log/notification-fd"].1, 0o644);
    assert!(trees.iter().all(|t| *t == trees[0]), "modes differ with the umask");
}

#[test]
fn readers_see_the_manifest_a_killed_run_makes_true() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("svc", DAEMON, "args=--old\n")]);
    assert!(rc2s6(work, &[], None).status.success());
    inputs(work, &[("svc", DAEMON, "args=--new\n")]);
    // Killed after the journal and the swap, before the manifest is committed.
    let mut n = 0;
    loop {
        let _ = std::fs::remove_dir_all(work.join("out2"));
        copy_tree(&work.join("out"), &work.join("out2"));
        let mut c = support::rc2s6();
        c.current_dir(work)
            .args(["inputs/init.d", "-o", "out2", "--conf-dir", "inputs/conf.d", "--no-rc-conf", "--quiet"])
            .env("RC2S6_CRASH_AFTER_OPS", n.to_string());
        assert_eq!(c.output().expect("run").status.signal(), Some(9), "never killed with the new directory in place");
        let run = std::fs::read_to_string(work.join("out2/svc/run")).expect("run");
        if run.contains("--new") {
            break;
        }
        n += 1;
    }
    assert!(work.join("out2/.rc2s6.journal.yaml").exists());
    let stale = std::fs::read_to_string(work.join("out2/rc2s6.manifest.yaml")).expect("manifest");
    let current = rc2s6::write::current_manifest(&work.join("out2")).expect("readable").expect("a manifest");
    let record = current.service("svc").expect("svc");
    let run = record.files.iter().find(|f| f.path == "svc/run").expect("svc/run");
    let on_disk = std::fs::read(work.join("out2/svc/run")).expect("run");
    assert_eq!(run.sha256, rc2s6::manifest::sha256_hex(&on_disk), "the record describes the new run");
    assert!(!stale.contains(&run.sha256), "the manifest on disk is still the old one");
}

#[test]
fn what_a_private_conf_d_holds_stays_private() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let exporting = "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncommand_background=yes\nexport TOKEN\n";
    inputs(work, &[("open", exporting, "TOKEN=public\n"), ("secret", exporting, "TOKEN=hunter2\n")]);
    std::fs::set_permissions(work.join("inputs/conf.d/secret"), std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let run = rc2s6(work, &[], None);
    assert!(run.status.success(), "{}", stderr(&run));
    let t = tree(&work.join("out"));
    // `run` carries the conf.d's values (here the exported token): readable by whoever could
    // read the conf.d, and no one else.
    assert!(String::from_utf8_lossy(&t["secret/run"].2).contains("hunter2"));
    assert_eq!(t["secret/run"].1, 0o700);
    assert_eq!(t["secret/log/run"].1, 0o700);
    assert_eq!(t["secret/log/notification-fd"].1, 0o600);
    assert_eq!(t["open/run"].1, 0o755);
    assert_eq!(t["open/log/notification-fd"].1, 0o644);
    // The manifest says so too: a re-run finds nothing edited.
    let again = rc2s6(work, &[], None);
    assert!(again.status.success(), "{}", stderr(&again));
}
