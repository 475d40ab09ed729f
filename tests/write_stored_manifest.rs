//! A run over an existing output reads its manifest a record at a time, each when the writer
//! plans that service, from the file it opened (src/manifest/stored.rs): a record changed in
//! that file since the run read it is refused, and the output is left as it was.

mod support;

use std::path::Path;

use rc2s6::pipeline::compile;
use rc2s6::pipeline::service_set::Progress;
use rc2s6::write::{self, WriteError, WriteOptions};

/// Every path under `dir` with its contents (directories as `/`), sorted.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(dir).expect("inside").display().to_string();
        let contents = if e.file_type().is_file() { std::fs::read(e.path()).expect("read") } else { b"/".to_vec() };
        out.push((rel, contents));
    }
    out
}

/// testdata/emit/basic compiled and written into `out` once; the options and inputs to run again.
fn first_run(out: &Path) -> (compile::CompileOptions, [std::path::PathBuf; 1]) {
    let case = support::root().join("testdata/emit/basic");
    let mut opts = support::case_options(&case, "0.45.2", &out.display().to_string());
    opts.keep_syntax_trees = false;
    let inputs = [case.join("init.d")];
    let comp = compile::run(&inputs, &opts);
    write::write_output(out, &comp, WriteOptions::default()).expect("the first run writes");
    (opts, inputs)
}

#[test]
fn a_manifest_changed_in_place_during_a_run_is_refused_and_the_output_stays() {
    let work = support::tempdir();
    let out = work.path().join("out");
    let (opts, inputs) = first_run(&out);

    let manifest = out.join(rc2s6::manifest::MANIFEST_NAME);
    let writer = write::Writer::open(&out, WriteOptions::default()).expect("opens");
    // Edited in place, in the file the writer holds open: one digit of the run file's hash.
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    let at = text.find("/run\n").and_then(|i| text[i..].find("sha256: ").map(|j| i + j + 8)).expect("a hash");
    let digit = if text.as_bytes()[at] == b'0' { "1" } else { "0" };
    std::fs::write(&manifest, format!("{}{digit}{}", &text[..at], &text[at + 1..])).expect("edited");
    let before = listing(&out);

    let comp = compile::run_staged(&inputs, &opts, &Progress::default(), &|s| writer.stage(s));
    let err = writer.finish(&comp).expect_err("a manifest changed during the run is refused");
    assert!(matches!(&err, WriteError::BadManifest { why, .. } if why.contains("changed while rc2s6 ran")), "{err:?}");
    // The lock file stays (it always does); nothing else was added, changed or removed.
    assert_eq!(listing(&out), before);
}

#[test]
fn a_manifest_replaced_during_a_run_is_read_as_it_was_opened() {
    let work = support::tempdir();
    let out = work.path().join("out");
    let (opts, inputs) = first_run(&out);
    let first = listing(&out);

    let manifest = out.join(rc2s6::manifest::MANIFEST_NAME);
    let writer = write::Writer::open(&out, WriteOptions::default()).expect("opens");
    // A new file in its place (as an editor saves): the run reads on in the one it opened.
    let replacement = out.join("replacement");
    std::fs::write(&replacement, "not a manifest").expect("written");
    std::fs::rename(&replacement, &manifest).expect("renamed");

    let comp = compile::run_staged(&inputs, &opts, &Progress::default(), &|s| writer.stage(s));
    let report = writer.finish(&comp).expect("the run reads the manifest it opened");
    assert!(report.written.is_empty(), "{report:?}");
    // The manifest the run makes true is written again over the replacement.
    assert!(report.manifest_written, "{report:?}");
    assert_eq!(listing(&out), first);
}
