//! Migrates every script of ../shared/corpus that rc2s6 converts, for OpenRC 0.45 and 0.63.3,
//! and verifies each migrated script against its in-memory service directory: how many migrate,
//! why the others do not, and whether verify agrees with every migration.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rc2s6::backend::Backend;
use rc2s6::core::diagnostic::Severity;
use rc2s6::core::source::SourceFile;
use rc2s6::migrate as initd;
use rc2s6::model::ModelOptions;
use rc2s6::openrc::service_files::FileRole;
use rc2s6::openrc::service_files::ServiceFiles;
use rc2s6::openrc::version::OpenrcVersion;
use rc2s6::pipeline::compile::CompileOptions;
use rc2s6::pipeline::input::InputOptions;
use rc2s6::verify::tree::{DirSnapshot, FileEntry, PathKind};
use rc2s6::verify::{self, VerifyOptions, World};

fn main() {
    let root = PathBuf::from(
        std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_else(|| "../shared/corpus".into()),
    );
    let verbose = std::env::args().any(|a| a == "-v");
    for (version, output) in [("0.45.2", "/srv/s6"), ("0.63.3", "/var/svc.d")] {
        let target = OpenrcVersion::parse(version).unwrap();
        let opts = CompileOptions {
            input: InputOptions::default(),
            model: ModelOptions::default(),
            backend: Backend::default(),
            target: target.clone(),
            output: output.into(),
            keep_syntax_trees: true,
        };
        let mut converted = 0;
        let mut migrated = 0;
        let mut verified = 0;
        let mut refused: BTreeMap<String, usize> = BTreeMap::new();
        let mut caveats: BTreeMap<String, usize> = BTreeMap::new();
        let mut disagreements: BTreeMap<String, usize> = BTreeMap::new();
        for dir in ["alpine", "artix", "gentoo-overlays", "openrc", "postmarketos"] {
            let mut paths: Vec<PathBuf> =
                std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
            paths.sort();
            for p in paths {
                let fname = p.file_name().unwrap().to_string_lossy().to_string();
                let (svc, confd) = names(&fname, &root.join("alpine-confd"));
                let files = rc2s6::pipeline::input::load_with(&p, &svc, &confd, None, Vec::new()).unwrap();
                let a = rc2s6::model::analysis::analyze(files.clone(), &opts.model);
                let Ok(Some(sd)) = opts.backend.service_dir(&a.service, false) else { continue };
                converted += 1;
                let m = initd::migrate(&a, &sd, &target, output);
                for f in &m.findings {
                    if f.severity != Severity::Error {
                        let mut key = f.code().to_string();
                        if f.code() == &rc2s6::migrate::error::VARIABLE_STILL_USED {
                            key.push_str(&format!(" ({})", f.message().split('`').nth(1).unwrap_or("")));
                        }
                        *caveats.entry(key).or_default() += 1;
                    }
                }
                if !m.ok() {
                    let code = m
                        .findings
                        .iter()
                        .find(|f| f.severity == Severity::Error)
                        .map(|f| f.code().to_string())
                        .unwrap_or_default();
                    if verbose {
                        println!("{version} {dir}/{fname}: {code}");
                    }
                    *refused.entry(code).or_default() += 1;
                    continue;
                }
                migrated += 1;
                // The migrated script, with the same conf.d, against its service directory.
                let mut again: ServiceFiles = files;
                let last = again.files.len() - 1;
                again.files[last] = (FileRole::Script, SourceFile::new(p.display().to_string(), m.text.clone()));
                let b = rc2s6::model::analysis::analyze(again, &opts.model);
                let vopts = VerifyOptions { target: target.clone(), output: output.into(), scan_dir: None };
                let e = verify::expected(&b, &target);
                let mut world = World { execlineb: true, ..World::default() };
                world.dirs.insert(e.servicedir.clone(), snapshot(&e.servicedir, &sd));
                let report = verify::check(std::slice::from_ref(&b), &world, &vopts);
                let errors: Vec<_> = report
                    .all()
                    .filter(|f| {
                        f.severity == Severity::Error && f.code() != &rc2s6::verify::error::OUTPUT_NOT_VAR_SVC_D
                    })
                    .collect();
                if errors.is_empty() {
                    verified += 1;
                } else {
                    for f in &errors {
                        if verbose {
                            println!("{version} {dir}/{fname}: verify: {}: {}", f.code(), f.message());
                        }
                        *disagreements.entry(f.code().to_string()).or_default() += 1;
                    }
                }
            }
        }
        println!(
            "OpenRC {version}, -o {output}: {converted} converted, {migrated} migrated, {verified} of those verify clean"
        );
        println!("  not migrated, by first error:");
        for (k, v) in &refused {
            println!("    {k}: {v}");
        }
        println!("  caveats (warnings and notes):");
        for (k, v) in &caveats {
            println!("    {k}: {v}");
        }
        println!("  verify errors on migrated scripts:");
        for (k, v) in &disagreements {
            println!("    {k}: {v}");
        }
    }
}

/// The service directory as verify would read it from disk.
fn snapshot(path: &str, sd: &rc2s6::backend::service_dir::ServiceDir) -> DirSnapshot {
    DirSnapshot {
        path: path.into(),
        kind: PathKind::Dir,
        canonical: None,
        files: sd
            .files
            .iter()
            .map(|f| FileEntry {
                path: f.path.clone(),
                mode: f.mode,
                contents: Some(f.contents.clone().into_bytes()),
                link: None,
            })
            .collect(),
        scripts: Vec::new(),
        run_passes_test_x: sd.files.iter().any(|f| f.path == "run" && f.mode & 0o111 != 0),
    }
}

fn names(fname: &str, confd_dir: &Path) -> (String, Vec<PathBuf>) {
    let stem = fname.split_once("__").map(|x| x.1).unwrap_or(fname);
    let svc = stem.trim_end_matches(".initd").trim_end_matches(".in").to_string();
    let base = fname.trim_end_matches(".initd");
    let c = confd_dir.join(format!("{base}.confd"));
    (svc, if c.is_file() { vec![c] } else { Vec::new() })
}
