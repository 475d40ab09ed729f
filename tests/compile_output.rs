//! What compile says, through the real binary: a summary that fits a screen on a thousand real
//! scripts, every diagnostic with `-v`, errors only with `-q`, the JSON report of the same run,
//! the dry run's list, the progress line on a terminal only, and the small things (a binary
//! file, `NAME.initd` beside `NAME`, plurals).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs rc2s6 with no host configuration and no colour.
fn run(args: &[&str], inputs: &[&Path], out: &Path) -> Output {
    support::rc2s6()
        .args(["--no-rc-conf", "--no-conf-dir", "--color", "never"])
        .args(args)
        .args(inputs)
        .arg("-o")
        .arg(out)
        .env_remove("CI")
        .output()
        .expect("rc2s6 runs")
}

/// The folders of the corpus with more than a thousand scripts between them.
fn thousand_scripts() -> Option<Vec<PathBuf>> {
    let manifest = support::corpus_file("MANIFEST.tsv")?;
    let corpus = manifest.parent().expect("the corpus directory").to_path_buf();
    Some(["alpine", "openrc", "postmarketos"].iter().map(|f| corpus.join(f)).collect())
}

/// The rows of a table that follows a header line containing `header`: (count, code).
fn table_after(text: &str, header: &str) -> Vec<(usize, String)> {
    text.lines()
        .skip_while(|l| !l.contains(header))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?.parse().ok()?, words.next()?.to_string()))
        })
        .collect()
}

#[test]
fn a_run_over_a_thousand_scripts_fits_one_screen_and_json_has_the_details() {
    let Some(folders) = thousand_scripts() else { return };
    let inputs: Vec<&Path> = folders.iter().map(PathBuf::as_path).collect();
    let dir = support::tempdir();
    let out = dir.path().join("out");
    let o = run(&[], &inputs, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stderr(&o);
    assert!(text.lines().count() <= 24, "more than a screen:\n{text}");
    assert!(!text.contains("╭─["), "no source excerpts without -v:\n{text}");
    let failures = table_after(&text, "not converted, by the first error of each:");
    assert!(failures.len() >= 3, "{text}");
    assert!(text.contains(&format!("{}", out.join("rc2s6.manifest.yaml").display())), "{text}");
    assert!(text.contains("-v prints every diagnostic"), "{text}");
    let last = text.lines().last().unwrap_or_default().to_string();
    let counts = text.lines().find(|l| l.contains(" oneshot, ")).unwrap_or_default();
    let not_converted: usize = counts
        .split("oneshot, ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count line: {text}"));
    // Every failure is in the table (which has fewer rows than codes here).
    assert_eq!(failures.iter().map(|(n, _)| n).sum::<usize>(), not_converted, "{text}");
    assert!(!last.is_empty());

    // The same run as JSON: every service, and the same reasons.
    let json = run(&["--format", "json", "--dry-run"], &inputs, &out);
    assert_eq!(json.status.code(), Some(1), "{}", stderr(&json));
    assert_eq!(stderr(&json), "", "JSON runs print only errors on stderr");
    let doc: Value = serde_json::from_str(&stdout(&json)).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["dry_run"], true);
    let services = doc["services"].as_array().unwrap();
    assert!(services.len() > 1000, "{}", services.len());
    assert_eq!(doc["summary"]["not_converted"].as_u64(), Some(not_converted as u64));
    // Each code's row counts the services with that reason; the last row, when the codes do not
    // all fit ("N  more, under K other codes"), counts those with any other reason.
    let listed: Vec<&str> = failures.iter().map(|(_, c)| c.as_str()).filter(|c| *c != "more,").collect();
    for (count, code) in &failures {
        if code == "more," {
            let others: Vec<&str> = services
                .iter()
                .filter(|s| s["kind"] == "not-converted")
                .filter_map(|s| s["reason"].as_str())
                .filter(|r| !listed.contains(r))
                .collect();
            assert_eq!(others.len(), *count, "{text}");
            let mut codes = others.clone();
            codes.sort_unstable();
            codes.dedup();
            let row = text.lines().find(|l| l.contains(" more, under ")).unwrap_or_default();
            let k = codes.len();
            assert!(row.ends_with(&format!("under {k} other code{}", if k == 1 { "" } else { "s" })), "{row}");
            continue;
        }
        let with_reason = services.iter().filter(|s| s["reason"] == code.as_str()).count();
        assert_eq!(with_reason, *count, "{code}");
    }
    for s in services.iter().filter(|s| s["kind"] == "not-converted") {
        let first_error = s["diagnostics"].as_array().unwrap().iter().find(|d| d["severity"] == "error");
        assert_eq!(s["reason"], first_error.unwrap()["code"], "{s}");
    }
    // Unchanged since the first run: a dry run would write nothing.
    assert_eq!(doc["write"]["created"].as_array().unwrap().len(), 0);
    assert!(doc["write"]["unchanged"].as_array().unwrap().len() > 500);
}

/// A set of scripts: `good` that convert with an unset variable's warning each, `bad` that do not
/// convert (`command_user` from a command substitution).
fn scripts(dir: &Path, good: usize, bad: usize) -> PathBuf {
    let init_d = dir.join("init.d");
    fs::create_dir_all(&init_d).unwrap();
    for i in 0..good {
        fs::write(
            init_d.join(format!("good{i:02}")),
            format!("#!/sbin/openrc-run\ncommand=/usr/bin/good{i}\ncommand_args=\"--opt $unset_here\"\ncommand_background=yes\npidfile=/run/good{i}.pid\n"),
        )
        .unwrap();
    }
    for i in 0..bad {
        fs::write(
            init_d.join(format!("bad{i:02}")),
            format!("#!/sbin/openrc-run\ncommand=/usr/bin/bad{i}\ncommand_user=\"$(id -un)\"\ncommand_background=yes\npidfile=/run/bad{i}.pid\n"),
        )
        .unwrap();
    }
    init_d
}

#[test]
fn many_findings_are_grouped_few_in_full_and_verbose_shows_all() {
    let dir = support::tempdir();
    let init_d = scripts(dir.path(), 12, 3);
    let out = dir.path().join("out");
    let o = run(&[], &[&init_d], &out);
    assert_eq!(o.status.code(), Some(1));
    let text = stderr(&o);
    assert_eq!(
        table_after(&text, "3 not converted, by the first error of each:"),
        [(3, "rc2s6::model::unknowable_value".to_string())],
        "{text}"
    );
    assert!(text.contains("  3  rc2s6::model::unknowable_value  bad00, bad01, bad02\n"), "{text}");
    assert_eq!(table_after(&text, "12 warnings in 12 services:"), [(12, "rc2s6::model::unset_variable".to_string())]);
    assert!(text.contains("good00, good01, "), "{text}");
    assert!(!text.contains("╭─["), "{text}");

    let verbose = run(&["-v"], &[&init_d], &out);
    let text = stderr(&verbose);
    assert_eq!(text.matches("╭─[").count(), 15, "{text}");
    assert_eq!(text.matches("rc2s6::model::unset_variable\n").count(), 12, "{text}");

    // Few: in full, without -v.
    let few = support::tempdir();
    let o = run(&[], &[&scripts(few.path(), 2, 1)], &few.path().join("out"));
    let text = stderr(&o);
    assert_eq!(text.matches("╭─[").count(), 3, "{text}");
    assert!(!text.contains("by the first error"), "{text}");
}

#[test]
fn quiet_keeps_errors_and_the_counts() {
    let dir = support::tempdir();
    let init_d = scripts(dir.path(), 12, 11);
    let o = run(&["-q"], &[&init_d], &dir.path().join("out"));
    let text = stderr(&o);
    assert!(text.contains("11 not converted, by the first error of each:"), "{text}");
    assert!(!text.contains("warning") && !text.contains("unset_variable"), "{text}");
    assert!(!text.contains("-v prints"), "{text}");
    assert!(text.ends_with(&format!("in {}\n", dir.path().join("out").display())), "{text}");
    // Few errors: in full, warnings still left out.
    let few = support::tempdir();
    let o = run(&["-q"], &[&scripts(few.path(), 2, 1)], &few.path().join("out"));
    let text = stderr(&o);
    assert_eq!(text.matches("╭─[").count(), 1, "{text}");
    assert!(!text.contains("unset_variable"), "{text}");
}

#[test]
fn quiet_also_quiets_migration_warnings() {
    let dir = support::tempdir();
    let init_d = dir.path().join("init.d");
    fs::create_dir_all(&init_d).unwrap();
    // The script still reads $pidfile after migration: a warning.
    fs::write(
        init_d.join("daemon"),
        "#!/sbin/openrc-run\ncommand=/usr/bin/daemon\ncommand_background=yes\npidfile=/run/daemon.pid\n\
         start_post() { cat \"$pidfile\"; }\n",
    )
    .unwrap();
    let loud = run(&["--initd-out"], &[&dir.path().join("migrated"), &init_d], &dir.path().join("out"));
    assert!(stderr(&loud).contains("rc2s6::migrate::"), "{}", stderr(&loud));
    let quiet = run(&["-q", "--initd-out"], &[&dir.path().join("migrated"), &init_d], &dir.path().join("out"));
    assert!(!stderr(&quiet).contains("rc2s6::migrate::"), "{}", stderr(&quiet));
    assert!(stderr(&quiet).contains("rc2s6: migrated 1 init script "), "{}", stderr(&quiet));
}

#[test]
fn a_dry_run_lists_what_it_would_create_replace_and_remove() {
    let dir = support::tempdir();
    let init_d = scripts(dir.path(), 3, 0);
    let out = dir.path().join("out");
    assert_eq!(run(&[], &[&init_d], &out).status.code(), Some(0));
    let before = fs::read(out.join("rc2s6.manifest.yaml")).unwrap();
    // good00 changes, good01 no longer converts, good02 stays, new00 is new.
    let daemon =
        |command: &str| format!("#!/sbin/openrc-run\ncommand={command}\ncommand_background=yes\npidfile=/run/x.pid\n");
    fs::write(init_d.join("good00"), daemon("/usr/bin/other")).unwrap();
    fs::write(init_d.join("good01"), daemon("/usr/bin/x") + "command_user=\"$(id -un)\"\n").unwrap();
    fs::write(init_d.join("new00"), daemon("/usr/bin/new")).unwrap();
    let o = run(&["--dry-run"], &[&init_d], &out);
    let o_path = |n: &str| out.join(n).display().to_string();
    assert_eq!(
        stdout(&o),
        format!(
            "would replace {}\nwould create  {}\nwould remove  {}\nwould write   {}\n",
            o_path("good00"),
            o_path("new00"),
            o_path("good01"),
            o_path("rc2s6.manifest.yaml")
        )
    );
    assert!(stderr(&o).contains("would write 2 service directories, 1 unchanged, 1 removed"), "{}", stderr(&o));
    // Nothing was touched.
    assert_eq!(fs::read(out.join("rc2s6.manifest.yaml")).unwrap(), before);
    assert!(out.join("good01/run").is_file() && !out.join("new00").exists());
}

#[test]
fn json_reports_what_was_written_and_migrated() {
    let dir = support::tempdir();
    let init_d = scripts(dir.path(), 1, 1);
    let migrated = dir.path().join("migrated");
    let o = support::rc2s6()
        .args(["--no-rc-conf", "--no-conf-dir", "--format", "json", "--initd-out"])
        .arg(&migrated)
        .arg(&init_d)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(doc["summary"]["converted"], 1);
    assert_eq!(doc["summary"]["not_converted"], 1);
    assert_eq!(doc["write"]["created"], serde_json::json!(["good00"]));
    let bad = &doc["services"][0];
    assert_eq!((&bad["name"], &bad["kind"]), (&"bad00".into(), &"not-converted".into()));
    assert_eq!(bad["reason"], "rc2s6::model::unknowable_value");
    assert_eq!(bad["diagnostics"][0]["line"], 3);
    assert_eq!(doc["migration"]["written"], serde_json::json!(["good00"]));
    assert_eq!(doc["migration"]["left_as_they_are"], 1);
    assert!(migrated.join("good00").is_file());
    // --diff prints on stdout: it cannot share it with JSON.
    let both = support::rc2s6().args(["--format", "json", "--diff", "x", "-o", "y"]).output().unwrap();
    assert_eq!(both.status.code(), Some(100));
}

#[test]
fn a_binary_file_is_said_once_not_to_be_text() {
    let dir = support::tempdir();
    let binary = dir.path().join("program");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bytes.extend((0..20_000u32).map(|i| (i * 7 % 256) as u8));
    fs::write(&binary, bytes).unwrap();
    let o = run(&[], &[&binary], &dir.path().join("out"));
    assert_eq!(o.status.code(), Some(1));
    let text = stderr(&o);
    assert_eq!(text.matches("rc2s6::").count(), 1, "{text}");
    assert!(text.contains("not text"), "{text}");
    assert!(text.len() < 1000, "{text}");
    let lint = support::rc2s6().args(["lint", "--no-rc-conf", "--format", "gcc"]).arg(&binary).output().unwrap();
    assert_eq!(
        stdout(&lint),
        format!(
            "{}: error: not an openrc-run script: the file is not text (it holds NUL bytes) [rc2s6::input::not_openrc_run]\n",
            binary.display()
        )
    );
}

#[test]
fn name_initd_beside_an_installed_name_is_its_own_service() {
    // An installed init.d where a package's `gkrellmd.initd` was also copied: OpenRC names each
    // service after its file, so both convert, under their own names.
    let dir = support::tempdir();
    let init_d = dir.path().join("init.d");
    fs::create_dir_all(&init_d).unwrap();
    let script = "#!/sbin/openrc-run\ncommand=/usr/bin/gkrellmd\ncommand_background=yes\npidfile=/run/gkrellmd.pid\n";
    fs::write(init_d.join("gkrellmd"), script).unwrap();
    fs::write(init_d.join("gkrellmd.initd"), script).unwrap();
    let out = dir.path().join("out");
    let o = run(&[], &[&init_d], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("gkrellmd/run").is_file() && out.join("gkrellmd.initd/run").is_file());
    // A package's layout, with no installed name beside: `NAME.initd` is service NAME.
    fs::remove_file(init_d.join("gkrellmd")).unwrap();
    let pkg = dir.path().join("out-pkg");
    let o = run(&[], &[&init_d], &pkg);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(pkg.join("gkrellmd/run").is_file() && !pkg.join("gkrellmd.initd").exists());
    // The same file named twice is one service, not a duplicate.
    let twice = run(&[], &[&init_d, &init_d.join("gkrellmd.initd")], &dir.path().join("out-twice"));
    assert_eq!(twice.status.code(), Some(0), "{}", stderr(&twice));
}

#[test]
fn name_confd_beside_name_initd_is_found_by_the_walk_and_by_name() {
    // The walk's listing of the directory answers which NAME.confd are there; what it holds is
    // still read from the disk: a link to a file is that file, a dangling link is no conf.d (and
    // the walk's own error), a directory is a file that cannot be read.
    let dir = support::tempdir();
    let d = dir.path().join("d");
    fs::create_dir_all(&d).unwrap();
    let script = "#!/sbin/openrc-run\ncommand=/usr/bin/foo\ncommand_background=yes\npidfile=/run/foo.pid\ncommand_args=\"$FOO_ARGS\"\n";
    for name in ["a", "b", "c", "e", "f"] {
        fs::write(d.join(format!("{name}.initd")), script).unwrap();
    }
    fs::write(d.join("a.confd"), "FOO_ARGS='-x beside'\n").unwrap();
    fs::write(dir.path().join("real"), "FOO_ARGS='-y linked'\n").unwrap();
    std::os::unix::fs::symlink("../real", d.join("b.confd")).unwrap();
    std::os::unix::fs::symlink("../missing", d.join("c.confd")).unwrap();
    fs::create_dir(d.join("e.confd")).unwrap();
    let run_of = |out: &Path, svc: &str| fs::read_to_string(out.join(svc).join("run")).unwrap();
    let walked = dir.path().join("walked");
    let o = run(&[], &[&d], &walked);
    assert!(stderr(&o).contains("c.confd: No such file or directory"), "{}", stderr(&o));
    assert!(stderr(&o).contains("e.confd: it is a directory, not a regular file"), "{}", stderr(&o));
    assert!(run_of(&walked, "a").contains("/usr/bin/foo -x beside"));
    assert!(run_of(&walked, "b").contains("/usr/bin/foo -y linked"));
    assert!(run_of(&walked, "c").contains("/usr/bin/foo\n") && run_of(&walked, "f").contains("/usr/bin/foo\n"));
    assert!(!walked.join("e").exists());
    // Named one by one (no walk): the same answers.
    let named = dir.path().join("named");
    let files: Vec<PathBuf> = ["a", "b", "c", "f"].iter().map(|n| d.join(format!("{n}.initd"))).collect();
    let o = run(&[], &files.iter().map(PathBuf::as_path).collect::<Vec<_>>(), &named);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for svc in ["a", "b", "c", "f"] {
        assert_eq!(run_of(&named, svc), run_of(&walked, svc), "{svc}");
    }
}

#[test]
fn one_skipped_file_is_one_file() {
    let dir = support::tempdir();
    let init_d = scripts(dir.path(), 1, 0);
    fs::write(init_d.join("README"), "not a script\n").unwrap();
    let o = run(&[], &[&init_d], &dir.path().join("out"));
    assert!(stderr(&o).contains("(1 file skipped: not openrc-run scripts)"), "{}", stderr(&o));
    let lint = support::rc2s6().args(["lint", "--no-rc-conf", "--no-conf-dir"]).arg(&init_d).output().unwrap();
    assert!(stderr(&lint).contains("(1 file skipped: not openrc-run scripts)"), "{}", stderr(&lint));
}

#[test]
fn progress_shows_on_a_terminal_only() {
    let Some(script) = support::tool("script") else { return };
    let dir = support::tempdir();
    let init_d = scripts(dir.path(), 2, 0);
    let command = |out: &str| {
        format!(
            "{} --no-rc-conf --no-conf-dir {} -o {}",
            env!("CARGO_BIN_EXE_rc2s6"),
            init_d.display(),
            dir.path().join(out).display()
        )
    };
    // util-linux script(1) runs the command on a pseudo-terminal.
    let on_terminal = |out: &str, ci: Option<&str>| {
        let mut c = std::process::Command::new(&script);
        c.args(["-qec", &command(out), "/dev/null"]).env("RC2S6_PROGRESS_AFTER_MS", "0").env_remove("CI");
        if let Some(v) = ci {
            c.env("CI", v);
        }
        String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned()
    };
    let shown = on_terminal("a", None);
    assert!(shown.contains("\r\x1b[Krc2s6: compiling: "), "{shown:?}");
    // Erased before anything else is printed.
    let last = shown.rfind("s)").expect("a progress line");
    assert!(shown[last + 2..].starts_with("\r\x1b[K"), "{shown:?}");
    assert!(shown.contains("rc2s6: 2 converted"), "{shown:?}");
    let in_ci = on_terminal("b", Some("true"));
    assert!(in_ci.contains("rc2s6: 2 converted") && !in_ci.contains("\x1b[K"), "{in_ci:?}");
    // In a pipe: never.
    let piped = support::rc2s6()
        .args(["--no-rc-conf", "--no-conf-dir"])
        .arg(&init_d)
        .arg("-o")
        .arg(dir.path().join("c"))
        .env("RC2S6_PROGRESS_AFTER_MS", "0")
        .env_remove("CI")
        .output()
        .unwrap();
    assert!(!stderr(&piped).contains('\r'), "{}", stderr(&piped));
}
