//! One snapshot per testdata/s6rc case: the whole s6-rc source tree `--backend s6-rc` writes for
//! the case's scripts together (`<case>/init.d`, with `<case>/conf.d`, `<case>/rc.conf` and
//! `<case>/runlevels` when present, and the flags in `<case>/options`), its manifest and every
//! diagnostic. rc2s6's stand-in for openrc-run, the same in every oneshot, is shown once per
//! snapshot as a marker (tests/s6rc_library.rs tests it).

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use rc2s6::backend::execline::quote_text;
use rc2s6::backend::s6rc::{LIBRARY, S6RcOptions};
use rc2s6::backend::{Backend, EmitOptions};
use rc2s6::pipeline::compile;
use rc2s6::report::render_human;

/// The compile options of a case: its files, and `--provider`/`--external` from `options`.
fn case_options(case: &Path) -> compile::CompileOptions {
    let mut opts = support::case_options(case, "0.45.2", "/etc/s6-rc/source");
    let mut s6rc = S6RcOptions {
        emit: EmitOptions::default(),
        runlevels: Some(case.join("runlevels")).filter(|p| p.is_dir()),
        ..S6RcOptions::default()
    };
    let flags = std::fs::read_to_string(case.join("options")).unwrap_or_default();
    let words: Vec<&str> = flags.split_whitespace().collect();
    for pair in words.chunks(2) {
        match pair {
            ["--provider", v] => {
                let (name, service) = v.split_once('=').expect("NAME=SERVICE");
                s6rc.providers = BTreeMap::from([(name.to_string(), service.to_string())]);
            }
            ["--external", v] => s6rc.external.extend(v.split(',').map(String::from)),
            other => panic!("{}: unknown options {other:?}", case.display()),
        }
    }
    opts.backend = Backend::S6Rc(s6rc);
    opts.keep_syntax_trees = false;
    opts
}

/// Everything a case produces, with the stand-in's text replaced by a marker.
fn render(case: &Path) -> String {
    let case = support::relative(case);
    let opts = case_options(&case);
    let comp = compile::run(&[case.join("init.d")], &opts);
    let library = quote_text(&LIBRARY).unwrap();
    let library = &library[1..library.len() - 1];
    let mut out = String::new();
    let mut dirs: Vec<_> = comp.services.iter().flat_map(|s| s.dir.iter().chain(&s.companions)).collect();
    dirs.extend(comp.bundles.iter().map(|b| &b.dir));
    dirs.sort_by(|a, b| a.name.cmp(&b.name));
    for dir in dirs {
        for f in &dir.files {
            let contents = f.contents.replace(library, "<rc2s6's openrc-run stand-in>\n");
            out.push_str(&format!("--- {}/{} ({:04o})\n{contents}", dir.name, f.path, f.mode));
        }
    }
    out.push_str("--- rc2s6.manifest.yaml\n");
    out.push_str(&comp.manifest().to_yaml());
    let mut findings: Vec<_> = comp.findings.clone();
    findings.extend(comp.services.iter().flat_map(|s| s.findings().to_vec()));
    if !findings.is_empty() {
        out.push_str("--- diagnostics\n");
        out.push_str(&render_human(&findings, false));
    }
    out
}

#[test]
fn s6rc_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../testdata/s6rc", "*/init.d", |path| {
            insta::assert_snapshot!(render(path.parent().unwrap()));
        });
    });
}

/// The tree is the same bytes every time, whatever the order the scripts are given in.
#[test]
fn output_is_deterministic() {
    let case = support::root().join("testdata/s6rc/chain");
    let case = support::relative(&case);
    let opts = case_options(&case);
    let mut scripts: Vec<_> = std::fs::read_dir(case.join("init.d")).unwrap().map(|e| e.unwrap().path()).collect();
    scripts.sort();
    let one = compile::run(&scripts, &opts).manifest().to_yaml();
    scripts.reverse();
    let two = compile::run(&scripts, &opts).manifest().to_yaml();
    assert_eq!(one, two);
}
