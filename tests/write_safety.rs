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
        } else if std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()) {
            ('p', m.permissions().mode() & 0o7777, Vec::new())
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
fn a_name_given_twice_takes_its_old_directory_away_once_and_leaves_nothing_behind() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("twice", DAEMON, "args=-f\n")]);
    let first = rc2s6(work, &[], None);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(!service(&tree(&work.join("out")), "twice").is_empty());
    // The same name from a second directory: neither converts, the directory goes.
    write(&work.join("inputs/again/twice"), DAEMON);
    let both = rc2s6(work, &["inputs/again"], None);
    assert_eq!(both.status.code(), Some(1), "{}", stderr(&both));
    let t = tree(&work.join("out"));
    assert!(service(&t, "twice").is_empty(), "{:?}", t.keys().collect::<Vec<_>>());
    assert_eq!(leftovers(&work.join("out")), Vec::<String>::new());
    let manifest = std::fs::read_to_string(work.join("out/rc2s6.manifest.yaml")).expect("manifest");
    assert_eq!(manifest.matches("duplicate_service").count(), 2, "{manifest}");
    // Given once again, it converts again.
    let again = rc2s6(work, &[], None);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(!service(&tree(&work.join("out")), "twice").is_empty());
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

    let added = tree(&work.join("out"))["svc/extra"].clone();

    let run = rc2s6(work, &[], None);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("svc/run is edited since rc2s6 wrote it"), "{}", stderr(&run));
    // A file rc2s6 never wrote is the admin's: not in the way of a rebuild, and kept (issue 16).
    assert!(!stderr(&run).contains("svc/extra"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(&run_file).expect("run"), edited, "the edit was overwritten");
    // Also when the script changes: the new version waits for --force.
    inputs(work, &[("svc", DAEMON, "args=--changed\n")]);
    assert_eq!(rc2s6(work, &[], None).status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&run_file).expect("run"), edited, "the edit was overwritten");

    inputs(work, &[("svc", DAEMON, "args=--x\n")]);
    let forced = rc2s6(work, &["--force"], None);
    assert!(forced.status.success(), "{}", stderr(&forced));
    let mut expected = generated.clone();
    expected.insert("svc/extra".into(), added);
    assert_eq!(tree(&work.join("out")), expected, "--force restores exactly what rc2s6 generates, and keeps the rest");
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
    // The other writer is a process of its own (flock(1)), not a descriptor of this test's: a
    // test process forks children for other tests on other threads, and a child between its
    // fork and its exec holds a copy of every descriptor, so a lock taken here could outlive
    // its `drop` for a moment and fail the last run for a reason that is not rc2s6's.
    let mut holder = Command::new("flock")
        .arg(work.join("out/.rc2s6.lock"))
        .args(["-c", "echo locked; exec cat > /dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run flock(1)");
    let mut locked = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(holder.stdout.take().expect("stdout")), &mut locked)
        .expect("read from flock(1)");
    assert_eq!(locked, "locked\n");
    inputs(work, &[("svc", DAEMON, "args=--y\n")]);
    let run = rc2s6(work, &[], None);
    assert_eq!(run.status.code(), Some(111), "{}", stderr(&run));
    assert!(stderr(&run).contains("another rc2s6 is writing"), "{}", stderr(&run));
    drop(holder.stdin.take());
    assert!(holder.wait().expect("wait for flock(1)").success());
    let run = rc2s6(work, &[], None);
    assert!(run.status.success(), "{}", stderr(&run));
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

/// Entries of `dir` whose names start with `.rc2s6-` other than the lock: what a run leaves
/// behind that it should not.
fn leftovers(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<String> = rd
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".rc2s6") && n != ".rc2s6.lock")
        .collect();
    v.sort();
    v
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o666) }, 0, "mkfifo {}", path.display());
}

/// Runs rc2s6 (as `rc2s6()` does), killing it if it runs past a minute: a hang is a failure.
fn rc2s6_within_a_minute(work: &Path, extra: &[&str]) -> Output {
    let mut c = support::rc2s6();
    c.current_dir(work)
        .args(["inputs/init.d", "-o", "out", "--conf-dir", "inputs/conf.d", "--no-rc-conf", "--quiet"])
        .args(extra)
        .env_remove("RC2S6_CRASH_AFTER_OPS")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = {
        let done = done.clone();
        std::thread::spawn(move || {
            for _ in 0..600 {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return false;
                }
            }
            // SAFETY: kill has no memory effects; the child is reaped by wait_with_output.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            true
        })
    };
    let out = child.wait_with_output().expect("wait");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(!watch.join().expect("watchdog"), "rc2s6 {extra:?} hung for a minute");
    out
}

/// Someone who can write to the output directory swaps every directory rc2s6 is building
/// (`.rc2s6-new.*`) for a link to a directory outside, as fast as they can, over many runs:
/// nothing is ever written outside `-o`, a run either succeeds with its own directory in place
/// or fails (exit 111), and the next run cleans up. (Before, 1 run in 20 wrote `run` and `log/`
/// through the link, exited 0 and left `OUT/NAME` a link.)
#[test]
fn a_link_swapped_in_during_a_run_never_sends_a_write_outside() {
    let tmp = support::tempdir();
    let work = tmp.path().to_path_buf();
    let victim = work.join("victim");
    std::fs::create_dir_all(&victim).expect("victim");
    inputs(&work, &[("a", DAEMON, "args=--0\n"), ("b", DAEMON, "args=--0\n"), ("c", DAEMON, "args=--0\n")]);
    assert!(rc2s6(&work, &[], None).status.success());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swaps = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let attacker = {
        let (out, victim, stop, swaps) = (work.join("out"), victim.clone(), stop.clone(), swaps.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let Ok(rd) = std::fs::read_dir(&out) else { continue };
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    if name.starts_with(".rc2s6-new.") && is_dir {
                        n += 1;
                        if std::fs::rename(e.path(), out.join(format!("moved-aside.{n}"))).is_ok()
                            && std::os::unix::fs::symlink(&victim, e.path()).is_ok()
                        {
                            swaps.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                }
            }
        })
    };
    let mut outcomes = BTreeMap::new();
    for round in 1..=40 {
        let args = format!("args=--{round}\n");
        inputs(&work, &[("a", DAEMON, &args), ("b", DAEMON, &args), ("c", DAEMON, &args)]);
        let run = rc2s6(&work, &[], None);
        *outcomes.entry(run.status.code()).or_insert(0) += 1;
        assert!(matches!(run.status.code(), Some(0 | 1 | 111)), "round {round}: {}", stderr(&run));
        assert!(
            tree(&victim).is_empty(),
            "round {round}: written outside -o: {:?}",
            tree(&victim).keys().collect::<Vec<_>>()
        );
        if run.status.success() {
            for s in ["a", "b", "c"] {
                let m = work.join("out").join(s).symlink_metadata().expect("in place");
                assert!(m.is_dir(), "round {round}: out/{s} is not a directory rc2s6 made");
                let text = std::fs::read_to_string(work.join("out").join(s).join("run")).expect("run");
                assert!(text.contains(&format!("--{round}")), "round {round}: {s}/run is stale: {text}");
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    attacker.join().expect("attacker");
    assert!(swaps.load(std::sync::atomic::Ordering::SeqCst) > 0, "the race was never run: {outcomes:?}");
    // The next run, unhindered, removes the links left where it builds and converges.
    let run = rc2s6(&work, &[], None);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(tree(&victim).is_empty());
    assert!(leftovers(&work.join("out")).is_empty(), "{:?}", leftovers(&work.join("out")));
}

/// A valid 251-byte service name (s6-svscan's limit) converts, re-runs and migrates: the
/// temporary names fit in a directory entry whatever the final name (`.rc2s6-new.` and 251
/// bytes did not: every run failed with exit 111 and left the journal behind).
#[test]
fn the_longest_valid_name_converts_and_leaves_nothing_behind() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let long = "s".repeat(251);
    inputs(work, &[(&long, DAEMON, "args=--x\n"), ("short", DAEMON, "args=--x\n")]);
    for round in 0..2 {
        let run = rc2s6(work, &["--initd-out", "migrated"], None);
        assert!(run.status.success(), "round {round}: {}", stderr(&run));
        assert!(work.join("out").join(&long).join("run").is_file());
        assert!(work.join("migrated").join(&long).is_file());
        assert!(leftovers(&work.join("out")).is_empty(), "{:?}", leftovers(&work.join("out")));
        assert!(leftovers(&work.join("migrated")).is_empty(), "{:?}", leftovers(&work.join("migrated")));
    }
    inputs(work, &[(&long, DAEMON, "args=--changed\n"), ("short", DAEMON, "args=--x\n")]);
    let run = rc2s6(work, &[], None);
    assert!(run.status.success(), "{}", stderr(&run));
    let text = std::fs::read_to_string(work.join("out").join(&long).join("run")).expect("run");
    assert!(text.contains("--changed"), "{text}");
}

/// An admin's `down` (s6: do not start it), `log/down`, s6's `supervise/` and an added file are
/// kept when the service's inputs change and its directory is rebuilt; they do not count as
/// edits, and a re-run with nothing to change touches nothing.
#[test]
fn what_the_admin_or_s6_put_in_a_service_directory_survives_a_rebuild() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("svc", DAEMON, "args=--old\n")]);
    assert!(rc2s6(work, &[], None).status.success());
    let svc = work.join("out/svc");
    write(&svc.join("down"), "");
    write(&svc.join("log/down"), "");
    write(&svc.join("env/TZ"), "UTC\n");
    write(&svc.join("supervise/status"), "stale");
    mkfifo(&svc.join("supervise/control"));
    std::os::unix::fs::symlink("/nowhere", svc.join("data")).expect("symlink");
    let kept = |t: &Tree| -> Tree {
        t.iter()
            .filter(|(p, _)| {
                ["down", "log/down", "env", "supervise", "data"].iter().any(|k| p.starts_with(&format!("svc/{k}")))
            })
            .map(|(p, v)| (p.clone(), v.clone()))
            .collect()
    };
    let before = kept(&tree(&work.join("out")));
    assert_eq!(before.len(), 8, "{:?}", before.keys().collect::<Vec<_>>());
    inputs(work, &[("svc", DAEMON, "args=--new\n")]);
    let run = rc2s6(work, &[], None);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(std::fs::read_to_string(svc.join("run")).expect("run").contains("--new"), "not rebuilt");
    assert_eq!(kept(&tree(&work.join("out"))), before, "what rc2s6 did not generate was lost");
    let again = stamps(&work.join("out"));
    let rerun = rc2s6(work, &[], None);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert_eq!(stamps(&work.join("out")), again, "a re-run changed something");
    assert!(rc2s6(work, &["--dry-run"], None).status.success());
}

/// A FIFO at the lock file's place, or where a migrated script goes, is refused at once (exit
/// 111) instead of blocking the run forever.
#[test]
fn a_fifo_at_the_lock_or_at_an_initd_out_target_does_not_hang() {
    let tmp = support::tempdir();
    let work = tmp.path();
    inputs(work, &[("svc", DAEMON, "args=--x\n")]);
    mkfifo(&work.join("out/.rc2s6.lock"));
    let run = rc2s6_within_a_minute(work, &[]);
    assert_eq!(run.status.code(), Some(111), "{}", stderr(&run));
    assert!(stderr(&run).contains(".rc2s6.lock: it is not a regular file"), "{}", stderr(&run));
    std::fs::remove_file(work.join("out/.rc2s6.lock")).expect("rm");
    mkfifo(&work.join("migrated/svc"));
    let run = rc2s6_within_a_minute(work, &["--initd-out", "migrated"]);
    assert_eq!(run.status.code(), Some(111), "{}", stderr(&run));
    assert!(stderr(&run).contains("migrated/svc: is not a regular file"), "{}", stderr(&run));
    assert!(work.join("out/svc/run").is_file());
}

/// What a file others may not read holds stays readable by its owner only, whichever input it
/// is: a token from a 0600 rc.conf or rc.conf.d file makes `run` 0700, and a 0600 conf.d's
/// description makes the manifest 0600 (it was always 0644); once no input is private, the
/// manifest is readable again.
#[test]
fn every_private_input_keeps_what_it_holds_private() {
    let tmp = support::tempdir();
    let work = tmp.path();
    let script = "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncommand_background=yes\nexport TOKEN\n";
    inputs(work, &[("svc", script, "description='token s3cr3t'\n")]);
    write(&work.join("etc/rc.conf"), "TOKEN=from-rc-conf\n");
    write(&work.join("etc/rc.conf.d/secret.conf"), "TOKEN=hunter2\n");
    let mode = |p: &Path| std::fs::symlink_metadata(p).expect("stat").permissions().mode() & 0o7777;
    let run_with_rc = |work: &Path| {
        support::rc2s6()
            .current_dir(work)
            .args(["inputs/init.d", "-o", "out", "--conf-dir", "inputs/conf.d", "--rc-conf", "etc/rc.conf", "--quiet"])
            .output()
            .expect("run")
    };
    let set_mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod");
    // rc.conf.d holds the token: private.
    set_mode(&work.join("etc/rc.conf.d/secret.conf"), 0o600);
    let run = run_with_rc(work);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(std::fs::read_to_string(work.join("out/svc/run")).expect("run").contains("hunter2"));
    assert_eq!(mode(&work.join("out/svc/run")), 0o700);
    assert_eq!(mode(&work.join("out/rc2s6.manifest.yaml")), 0o600);
    // Only rc.conf private.
    set_mode(&work.join("etc/rc.conf.d/secret.conf"), 0o644);
    set_mode(&work.join("etc/rc.conf"), 0o600);
    let run = run_with_rc(work);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(mode(&work.join("out/svc/run")), 0o700);
    // Only conf.d private: its description is in the manifest.
    set_mode(&work.join("etc/rc.conf"), 0o644);
    set_mode(&work.join("inputs/conf.d/svc"), 0o600);
    let run = run_with_rc(work);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(std::fs::read_to_string(work.join("out/rc2s6.manifest.yaml")).expect("manifest").contains("s3cr3t"));
    assert_eq!(mode(&work.join("out/rc2s6.manifest.yaml")), 0o600);
    // Nothing private any more: readable again, and a re-run is quiet.
    set_mode(&work.join("inputs/conf.d/svc"), 0o644);
    let run = run_with_rc(work);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(mode(&work.join("out/rc2s6.manifest.yaml")), 0o644);
    assert_eq!(mode(&work.join("out/svc/run")), 0o755);
    let before = stamps(&work.join("out"));
    assert!(run_with_rc(work).status.success());
    assert_eq!(stamps(&work.join("out")), before);
}

/// A disk that fills up while rc2s6 builds leaves no half-built directory, journal or temporary
/// file behind (they stayed, keeping the disk full, until the next run): the output is as it
/// was, and once space is back a run converges. On a 64 KiB tmpfs in a private mount namespace.
#[test]
fn a_full_disk_leaves_the_output_as_it_was() {
    if !support::require_root("mounting a small tmpfs in a private mount namespace") {
        return;
    }
    if !support::tools(&["unshare", "mount", "sh"]) {
        return;
    }
    let tmp = support::tempdir();
    let work = tmp.path();
    std::fs::create_dir(work.join("out")).expect("mkdir");
    let many: Vec<(String, String)> = (0..40).map(|i| (format!("svc{i:02}"), format!("args=--{i}\n"))).collect();
    let one = |work: &Path| inputs(work, &[("svc00", DAEMON, "args=--0\n")]);
    let all = |work: &Path| {
        let v: Vec<(&str, &str, &str)> = many.iter().map(|(n, a)| (n.as_str(), DAEMON, a.as_str())).collect();
        inputs(work, &v);
    };
    // Everything happens in one namespace whose `out` is the small tmpfs; the test's `out`
    // stays empty. Each phase prints its exit code and what is in `out`.
    let script = r#"set -e
mount --make-rprivate /
mount -t tmpfs -o size=64k,mode=0755 tmpfs out
phase() {
	set +e
	"$RC2S6" inputs/init.d -o out --conf-dir inputs/conf.d --no-rc-conf --quiet 2>"err.$1"
	echo "@@$1=$?"
	set -e
	echo "@@$1-ls=$(ls -A out | tr '\n' ' ')"
	cp out/rc2s6.manifest.yaml "manifest.$1" 2>/dev/null || true
}
phase one
mv inputs inputs.one && mv inputs.all inputs
phase full
mv inputs inputs.all && mv inputs.one inputs
phase back
"#;
    one(work);
    std::fs::rename(work.join("inputs"), work.join("inputs.one")).expect("mv");
    all(work);
    std::fs::rename(work.join("inputs"), work.join("inputs.all")).expect("mv");
    std::fs::rename(work.join("inputs.one"), work.join("inputs")).expect("mv");
    let run = Command::new("unshare")
        .args(["-m", "sh", "-c", script])
        .current_dir(work)
        .env("RC2S6", env!("CARGO_BIN_EXE_rc2s6"))
        .output()
        .expect("unshare");
    let text = String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    let get = |k: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("@@{k}=")))
            .unwrap_or_else(|| panic!("no {k} in {text}"))
            .trim()
            .to_string()
    };
    let err = |k: &str| std::fs::read_to_string(work.join(format!("err.{k}"))).unwrap_or_default();
    assert_eq!(get("one"), "0", "{}", err("one"));
    assert_eq!(get("full"), "111", "{}", err("full"));
    assert!(err("full").contains("No space left on device"), "{}", err("full"));
    // As it was after the first run: its directory, its manifest, the lock, nothing else.
    assert_eq!(get("full-ls"), ".rc2s6.lock rc2s6.manifest.yaml svc00", "{text}");
    assert_eq!(
        std::fs::read(work.join("manifest.one")).expect("manifest"),
        std::fs::read(work.join("manifest.full")).expect("manifest"),
        "the manifest changed"
    );
    assert_eq!(get("back"), "0", "{}", err("back"));
    assert_eq!(get("back-ls"), ".rc2s6.lock rc2s6.manifest.yaml svc00", "{text}");
}
