//! The fidelity differential (tools/differential, issue 11): corpus services started by Debian's
//! real OpenRC 0.45 (the script unchanged, OpenRC's own start-stop-daemon/supervise-daemon 0.45.2)
//! and by real s6 from rc2s6's service directory, each time with the daemon's program replaced
//! by a probe, then compared field by field (argv, ids, groups, environment, cwd, umask, fds,
//! limits, capabilities, stop schedule, ...). Each test runs its own private namespaces; nothing
//! on the host is touched.
//!
//! - `sample`: a fixed sample of converted corpus services (tools/differential/sample.txt). Its
//!   unexplained differences must be exactly tools/differential/expected-sample.tsv: a new one
//!   fails the test, and so does one that is gone (remove its line: each rc2s6 fix shrinks the
//!   file). Regenerate the file with the command in tools/differential/README.md.
//! - `harness_finds_no_difference_in_an_exact_conversion` and
//!   `harness_finds_a_planted_difference`: the harness on testdata/differential/corpus, a script
//!   rc2s6 converts exactly, as is and with `umask 027` changed in its run script.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The namespaces share 2 CPUs with everything else: one harness run at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Programs the harness needs besides those `differential.py` checks itself.
const TOOLS: &[&str] = &["python3", "gcc", "unshare", "openrc-run", "s6-svscan", "execlineb"];

fn ready(what: &str) -> bool {
    let tools = support::tools(TOOLS);
    let corpus = support::corpus_file("alpine/redis__redis.initd").is_some();
    let root = support::require_root(what);
    tools && corpus && root
}

fn harness() -> PathBuf {
    support::root().join("tools/differential/differential.py")
}

/// `differential.py ARGS --out OUT` with the test's rc2s6 binary.
fn run(args: &[&str], out: &Path) -> Output {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    Command::new("python3")
        .arg(harness())
        .args(args)
        .arg("--rc2s6")
        .arg(env!("CARGO_BIN_EXE_rc2s6"))
        .arg("--out")
        .arg(out)
        .output()
        .expect("python3 runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn unexplained(out: &Path) -> String {
    std::fs::read_to_string(out.join("unexplained.tsv")).expect("the harness writes unexplained.tsv")
}

#[test]
fn sample() {
    if !ready("the differential") {
        return;
    }
    let tmp = support::tempdir();
    let dir = support::root().join("tools/differential");
    let sample = dir.join("sample.txt");
    let expected = dir.join("expected-sample.tsv");
    let o = run(
        &["--sample", sample.to_str().unwrap(), "--expected", expected.to_str().unwrap(), "--jobs", "2"],
        tmp.path(),
    );
    let summary = std::fs::read_to_string(tmp.path().join("summary.md")).unwrap_or_default();
    assert!(
        o.status.success(),
        "the differential's unexplained differences are not tools/differential/expected-sample.tsv \
         (exit {}): fix rc2s6, or, when a fix removed differences, regenerate the file as \
         tools/differential/README.md says.\n{}\n{summary}",
        o.status,
        text(&o)
    );
    // The sample is at least 100 converted services, and most of them were compared.
    let ids = std::fs::read_to_string(&sample).unwrap();
    let n = ids.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).count();
    assert!(n >= 100, "the sample has {n} services");
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap()).unwrap();
    let compared = figures["status:compared"].as_u64().unwrap_or(0);
    assert!(compared >= 60, "only {compared} of {n} services were compared:\n{summary}");
}

/// The self-check corpus: one script whose every setting rc2s6 converts exactly.
fn selfcheck_corpus() -> PathBuf {
    support::root().join("testdata/differential/corpus")
}

#[test]
fn harness_finds_no_difference_in_an_exact_conversion() {
    if !ready("the differential") {
        return;
    }
    let tmp = support::tempdir();
    let corpus = selfcheck_corpus();
    let o = run(&["--corpus", corpus.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(figures["status:compared"], 1, "{}", text(&o));
    assert_eq!(unexplained(tmp.path()), "", "{}", text(&o));
    // What the probe saw, on both sides: the argv as OpenRC's eval builds it (conf.d's words
    // included), the umask, the directory, the exported variable.
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("results/alpine/diffcheck.json")).unwrap())
            .unwrap();
    for side in ["openrc", "s6"] {
        let argv: Vec<&str> = r[side]["argv"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(argv, ["/usr/local/bin/rc2s6-diffcheck", "--listen", "a b", "-v", "--threads", "2"], "{side}");
        assert_eq!(r[side]["umask"], "0027", "{side}");
        assert_eq!(r[side]["cwd"], "/tmp", "{side}");
        assert!(r[side]["env"].as_array().unwrap().iter().any(|e| e == "DIFFCHECK_MODE=test"), "{side}");
    }
    assert_eq!(r["stop_schedule"]["openrc"], "TERM@0s, KILL@5s");
    assert_eq!(r["stop_schedule"]["s6"], "TERM@0s, KILL@5s");
    assert_eq!(r["stop_live"]["openrc"], "TERM@0s");
    assert_eq!(r["stop_live"]["s6"], "TERM@0s");
}

#[test]
fn harness_finds_a_planted_difference() {
    if !ready("the differential") {
        return;
    }
    let tmp = support::tempdir();
    let corpus = selfcheck_corpus();
    let o = run(&["--corpus", corpus.to_str().unwrap(), "--edit-run", "umask 027", "umask 022"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(unexplained(tmp.path()), "alpine/diffcheck\tprocess\tumask\t0027\t0022\n", "{}", text(&o));
}

/// Settings OpenRC evaluates as shell (`directory='"/tmp"'`, `output_log=/tmp/evaluated\ out.log`
/// as the script's text gives it to `eval`): the real OpenRC and rc2s6's service directory give
/// the daemon the same directory and the same file (rc2s6 took them literally: the run script
/// changed into `"/tmp"` and exited 111). Issue 16, item 4.
#[test]
fn settings_openrc_evaluates_are_evaluated_as_it_does() {
    if !ready("the differential") {
        return;
    }
    let tmp = support::tempdir();
    let corpus = support::root().join("testdata/differential/evaluated");
    let o = run(&["--corpus", corpus.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(figures["status:compared"], 1, "{}", text(&o));
    assert_eq!(unexplained(tmp.path()), "", "{}", text(&o));
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("results/alpine/evaluated.json")).unwrap())
            .unwrap();
    for side in ["openrc", "s6"] {
        assert_eq!(r[side]["cwd"], "/tmp", "{side}: {}", r[side]);
        let fds: Vec<&str> = r[side]["fd"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(fds.iter().any(|f| f.starts_with("1\t/tmp/evaluated out.log\t")), "{side}: {fds:?}");
    }
}
