//! What `rc2s6 --backend s6-rc` prints: the summary line counts definitions and bundles, a dry run
//! lists every service and bundle it would create, `--format json` carries the definitions, the
//! bundles and the findings about the set, the s6-rc flags are refused with the s6 backend, and
//! names no s6-rc definition can have are left out of a tree s6-rc-compile accepts.

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;

/// `rc2s6 --backend s6-rc` on testdata/s6rc/chain, with its runlevels, into `out`.
fn compile_chain(out: &Path, extra: &[&str]) -> Output {
    let case = support::root().join("testdata/s6rc/chain");
    support::rc2s6()
        .args(["--backend", "s6-rc", "--color", "never", "--no-rc-conf", "--no-conf-dir", "--runlevels"])
        .arg(case.join("runlevels"))
        .args(extra)
        .arg(case.join("init.d"))
        .arg("-o")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_summary_counts_definitions_and_bundles_and_a_dry_run_lists_them() {
    let tmp = support::tempdir();
    let out = tmp.path().join("out");
    let dry = compile_chain(&out, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(!out.exists(), "a dry run wrote {}", out.display());
    let listed: Vec<String> = stdout(&dry).lines().map(str::to_string).collect();
    let mut expected: Vec<String> = ["app", "db", "early", "prep", "boot", "chain-base", "default", "nonetwork"]
        .iter()
        .map(|n| format!("would create  {}", out.join(n).display()))
        .collect();
    expected.push(format!("would write   {}", out.join("rc2s6.manifest.yaml").display()));
    assert_eq!(listed, expected);
    assert!(
        stderr(&dry).contains(
            "rc2s6: 2 converted, 2 oneshot, 0 not converted; s6-rc source tree of 9 definitions and 4 bundles; \
             would write 8 services and bundles, 0 unchanged in"
        ),
        "{}",
        stderr(&dry)
    );
    // The runlevel entries no script given provides are findings about the set: shown in full.
    assert_eq!(stderr(&dry).matches("rc2s6::s6rc::runlevel_entry").count(), 2, "{}", stderr(&dry));

    let wrote = compile_chain(&out, &[]);
    assert_eq!(wrote.status.code(), Some(0), "{}", stderr(&wrote));
    assert!(stderr(&wrote).contains("; wrote 8 services and bundles, 0 unchanged in"), "{}", stderr(&wrote));
    let again = compile_chain(&out, &["--dry-run"]);
    assert_eq!(stdout(&again), "", "nothing would change");
    assert!(stderr(&again).contains("; would write 0 services and bundles, 8 unchanged in"), "{}", stderr(&again));
}

#[test]
fn json_carries_the_definitions_bundles_and_findings_about_the_set() {
    let tmp = support::tempdir();
    let out = tmp.path().join("out");
    let o = compile_chain(&out, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let s6rc = &doc["s6rc"];
    let names =
        |v: &Value| -> Vec<String> { v.as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()).collect() };
    assert_eq!(
        names(&s6rc["definitions"]),
        ["app", "app-log", "app-pre", "app-post", "db", "db-log", "db-pre", "early", "prep"]
    );
    assert_eq!(names(&s6rc["bundles"]), ["boot", "chain-base", "default", "nonetwork"]);
    let codes: Vec<&str> =
        s6rc["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["rc2s6::s6rc::runlevel_entry", "rc2s6::s6rc::runlevel_entry"]);
    assert_eq!(doc["summary"]["warnings"], 2, "the set's warnings are counted");
    assert_eq!((doc["summary"]["converted"].as_u64(), doc["summary"]["oneshot"].as_u64()), (Some(2), Some(2)));
    assert_eq!(doc["write"]["created"].as_array().unwrap().len(), 8);

    // The s6 backend's document has no s6rc member.
    let case = support::root().join("testdata/s6rc/chain/init.d/db");
    let s6 = support::rc2s6()
        .args(["--format", "json", "--no-rc-conf", "--no-conf-dir"])
        .arg(case)
        .arg("-o")
        .arg(tmp.path().join("s6"))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_str(&stdout(&s6)).expect("valid JSON");
    assert!(doc.get("s6rc").is_none(), "{doc}");
}

#[test]
fn s6rc_flags_are_refused_with_the_s6_backend_and_script_rewriting_with_s6rc() {
    let tmp = support::tempdir();
    let script = support::root().join("testdata/s6rc/chain/init.d/db");
    for (flags, says) in [
        (&["--runlevels", "/etc/runlevels"][..], "--runlevels is for the s6-rc backend"),
        (&["--provider", "net=db"][..], "--provider is for the s6-rc backend"),
        (&["--external", "net"][..], "--external is for the s6-rc backend"),
        (&["--backend", "s6-rc", "--diff"][..], "the s6-rc backend leaves OpenRC behind"),
        (&["--backend", "s6-rc", "--provider", "net"][..], "is not NAME=SERVICE"),
        (&["--backend", "s6-rc", "--provider", "net=a,net=b"][..], "--provider net is given twice (a and b)"),
    ] {
        let o = support::rc2s6().args(flags).arg(&script).arg("-o").arg(tmp.path().join("out")).output().unwrap();
        assert_eq!(o.status.code(), Some(100), "{flags:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{flags:?}: {}", stderr(&o));
        assert!(!tmp.path().join("out").exists(), "{flags:?} wrote");
    }
}

#[test]
fn names_no_bundle_can_have_are_left_out_and_s6rc_compile_accepts_the_rest() {
    if !support::skarnet::Toolset::current().is_some_and(|t| t.tools(&["s6-rc-compile"])) {
        return;
    }
    let tmp = support::tempdir();
    let out = tmp.path().join("out");
    let case = support::root().join("testdata/s6rc/names");
    let o = support::rc2s6()
        .args(["--backend", "s6-rc", "-v", "--color", "never", "--no-rc-conf", "--no-conf-dir", "--runlevels"])
        .arg(case.join("runlevels"))
        .arg(case.join("init.d"))
        .arg("-o")
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // 1: the scripts with names s6-rc refuses are not converted, and the runlevel named so is an error.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Messages are wrapped, where depends on the length of the temporary paths they quote, and
    // miette also breaks words at a hyphen (`s6-` / `rc`): looked for with all blanks removed.
    let flat: String = stderr(&o).replace('│', " ").split_whitespace().collect();
    for said in [
        "`provide s6-rc-virtual` cannot name an s6-rc bundle",
        "`provide .hidden` cannot name an s6-rc bundle",
        "`s6rc-level` cannot be an s6-rc service name",
        "lists `s6rc-level`, a stacked runlevel that gets no bundle",
    ] {
        let said_flat: String = said.split_whitespace().collect();
        assert!(flat.contains(&said_flat), "{said}: {}", stderr(&o));
    }
    for absent in ["s6-rc-virtual", ".hidden", "s6rc-level", "default/contents.d/s6rc-level"] {
        assert!(!out.join(absent).exists(), "{absent} was written");
    }
    assert!(out.join("plain/contents.d/virt").is_file() && out.join("default/contents.d/virt").is_file());
    let compiled = std::process::Command::new(support::s6rc::program("s6-rc-compile"))
        .arg(tmp.path().join("db"))
        .arg(&out)
        .output()
        .unwrap();
    assert!(compiled.status.success(), "s6-rc-compile: {}", String::from_utf8_lossy(&compiled.stderr));
}
