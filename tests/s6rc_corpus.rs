//! The whole corpus of real init scripts (`../shared/corpus`) through `--backend s6-rc`, one
//! system per folder (Alpine, Artix, Gentoo overlays, OpenRC's own, postmarketOS), and the real
//! `s6-rc-compile` 0.6.1.1 accepts each tree: every converted service, its logger, its oneshots
//! and every bundle. A system is converted as a user would convert it:
//! - the names OpenRC's own scripts are and provide (corpus/openrc: localmount, net, …) are
//!   `--external`, brought up by the init of an s6-rc system, for every folder but OpenRC's own;
//! - every virtual name several converted services provide gets one chosen with `--provider`:
//!   the first of them by name (rc2s6 names them in `rc2s6::s6rc::several_providers`).
//!
//! Every definition the manifest records must be in the compiled database, and every script that
//! is not converted must say why with an error. The counts are printed (the README's figures).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rc2s6::manifest::Manifest;

const FOLDERS: &[&str] = &["alpine", "artix", "gentoo-overlays", "openrc", "postmarketos"];

/// Stages a corpus folder as an init.d (and, for Alpine, a conf.d) the way
/// tools/corpus-fingerprint does: `pkg__svc.initd` is service `svc` unless an earlier package
/// took the name.
fn stage(corpus: &Path, folder: &str, into: &Path) -> (PathBuf, PathBuf) {
    let (initd, confd) = (into.join(folder).join("init.d"), into.join(folder).join("conf.d"));
    fs::create_dir_all(&initd).unwrap();
    fs::create_dir_all(&confd).unwrap();
    let mut files: Vec<PathBuf> = fs::read_dir(corpus.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for p in files {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let tail = name.rsplit_once("__").map(|x| x.1).unwrap_or(&name);
        let mut svc = tail.trim_end_matches(".initd").trim_end_matches(".in").to_string();
        if initd.join(&svc).exists() {
            svc = name.trim_end_matches(".initd").to_string();
        }
        fs::copy(&p, initd.join(&svc)).unwrap();
        let confd_file = corpus.join("alpine-confd").join(format!("{}.confd", name.trim_end_matches(".initd")));
        if folder == "alpine" && confd_file.is_file() {
            fs::copy(&confd_file, confd.join(&svc)).unwrap();
        }
    }
    (initd, confd)
}

/// `rc2s6 --backend s6-rc` on a staged folder, with these flags; the manifest it wrote.
fn compile(initd: &Path, confd: &Path, out: &Path, flags: &[String]) -> Manifest {
    let o = support::rc2s6()
        .args(["--backend", "s6-rc", "--quiet", "--color", "never"])
        .arg(initd)
        .arg("-o")
        .arg(out)
        .arg("--conf-dir")
        .arg(confd)
        .arg("--no-rc-conf")
        .args(flags)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    // 1: some scripts are not converted, which the corpus has.
    assert!(matches!(o.status.code(), Some(0 | 1)), "rc2s6 failed:\n{stderr}");
    Manifest::from_yaml(&fs::read_to_string(out.join("rc2s6.manifest.yaml")).unwrap()).unwrap()
}

/// The names OpenRC's own scripts are and provide.
fn openrc_names(manifest: &Manifest) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for r in manifest.services.iter().filter(|r| r.kind != "bundle") {
        names.insert(r.name.clone());
        names.extend(r.dependencies.provide.iter().cloned());
    }
    names
}

/// The virtual names several converted services provide, with the first provider by name.
fn first_providers(manifest: &Manifest) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for r in &manifest.services {
        for d in r.diagnostics.iter().filter(|d| d.code == "rc2s6::s6rc::several_providers") {
            let name = d.message.split('`').nth(1).expect("the message names the virtual").to_string();
            let first = out.entry(name).or_insert_with(|| r.name.clone());
            if r.name < *first {
                *first = r.name.clone();
            }
        }
    }
    out
}

#[test]
fn s6rc_compile_accepts_the_tree_of_every_corpus_folder() {
    let Some(readme) = support::corpus_file("README.md") else { return };
    let corpus = readme.parent().unwrap().to_path_buf();
    if !support::skarnet::Toolset::current().is_some_and(|t| t.tools(&["s6-rc-compile", "s6-rc-db"])) {
        return;
    }
    let tmp = support::tempdir();
    let stage_dir = tmp.path().join("stage");
    let (base_initd, base_confd) = stage(&corpus, "openrc", &tmp.path().join("base-stage"));
    let base = compile(&base_initd, &base_confd, &tmp.path().join("base"), &[]);
    let external = openrc_names(&base);
    let mut table = Vec::new();
    for folder in FOLDERS {
        let (initd, confd) = stage(&corpus, folder, &stage_dir);
        let out = tmp.path().join("out").join(folder);
        let mut flags = Vec::new();
        if *folder != "openrc" {
            flags.push(format!("--external={}", external.iter().cloned().collect::<Vec<_>>().join(",")));
        }
        let first = compile(&initd, &confd, &out, &flags);
        let providers = first_providers(&first);
        for (name, service) in &providers {
            flags.push(format!("--provider={name}={service}"));
        }
        let manifest = compile(&initd, &confd, &out, &flags);
        let db = tmp.path().join("db").join(folder);
        fs::create_dir_all(db.parent().unwrap()).unwrap();
        let compiled = Command::new(support::s6rc::program("s6-rc-compile")).arg(&db).arg(&out).output().unwrap();
        assert!(
            compiled.status.success(),
            "{folder}: s6-rc-compile refused the tree:\n{}",
            String::from_utf8_lossy(&compiled.stderr)
        );
        let listed = Command::new(support::s6rc::program("s6-rc-db")).arg("-c").arg(&db).args(["list", "all"]).output();
        let listed: BTreeSet<String> =
            String::from_utf8_lossy(&listed.unwrap().stdout).lines().map(str::to_string).collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut definitions = 0;
        for r in &manifest.services {
            *counts.entry(r.kind.as_str()).or_default() += 1;
            for d in r.dirs() {
                definitions += 1;
                assert!(listed.contains(d), "{folder}: {d} (of {}) is not in the compiled database", r.name);
            }
            if r.kind == "not-converted" {
                assert!(
                    r.diagnostics.iter().any(|d| d.severity == "error"),
                    "{folder}: {} is not converted and no error says why",
                    r.name
                );
            }
        }
        table.push(format!(
            "| {folder} | {} | {} | {} | {} | {} | {definitions} | {} |",
            manifest.services.iter().filter(|r| r.kind != "bundle").count(),
            counts.get("longrun").copied().unwrap_or(0),
            counts.get("oneshot").copied().unwrap_or(0),
            counts.get("not-converted").copied().unwrap_or(0),
            counts.get("bundle").copied().unwrap_or(0),
            providers.len(),
        ));
    }
    eprintln!(
        "| folder | scripts | longruns | oneshots | not converted | bundles | definitions | providers chosen |\n|---|---:|---:|---:|---:|---:|---:|---:|\n{}",
        table.join("\n")
    );
}
