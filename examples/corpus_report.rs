//! Runs rc2s6's analysis over ../shared/corpus and prints parse and classification figures.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rc2s6::model::{ModelOptions, ServiceKind};

fn main() {
    let root = PathBuf::from(
        std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_else(|| "../shared/corpus".into()),
    );
    let verbose = std::env::args().any(|a| a == "-v");
    let confd_dir = root.join("alpine-confd");
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut parsed = 0;
    let mut count = 0;
    for dir in ["alpine", "artix", "gentoo-overlays", "openrc", "postmarketos"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            count += 1;
            let fname = p.file_name().unwrap().to_string_lossy().to_string();
            let (svc, confd) = names(&fname, &confd_dir);
            let files = rc2s6::input::load_with(&p, &svc, &confd, None, Vec::new()).unwrap();
            let a = rc2s6::analysis::analyze(files, &ModelOptions::default());
            if a.scripts.iter().all(|s| s.is_some()) {
                parsed += 1;
            }
            let kind = match a.service.kind {
                ServiceKind::Longrun
                    if a.findings.iter().any(|f| f.severity >= rc2s6::diagnostic::Severity::Warning) =>
                {
                    "converted-with-warnings"
                }
                ServiceKind::Longrun => "converted",
                ServiceKind::Oneshot => "oneshot",
                ServiceKind::NotConverted => "not-converted",
            };
            *totals.entry(kind).or_default() += 1;
            if kind == "not-converted" {
                let first = a.findings.iter().find(|f| f.severity == rc2s6::diagnostic::Severity::Error);
                let code = first.map(|f| f.code()).unwrap_or_default();
                *reasons.entry(code.clone()).or_default() += 1;
                if verbose {
                    println!("{dir}/{fname}: {code}: {}", first.map(|f| f.message()).unwrap_or_default());
                }
            }
        }
    }
    println!("scripts {count}, parsed {parsed}");
    for (k, v) in &totals {
        println!("{k}: {v}");
    }
    println!("not converted by reason:");
    for (k, v) in &reasons {
        println!("  {k}: {v}");
    }
}

fn names(fname: &str, confd_dir: &Path) -> (String, Vec<PathBuf>) {
    let stem = fname.split_once("__").map(|x| x.1).unwrap_or(fname);
    let svc = stem.trim_end_matches(".initd").trim_end_matches(".in").to_string();
    let base = fname.trim_end_matches(".initd");
    let c = confd_dir.join(format!("{base}.confd"));
    (svc, if c.is_file() { vec![c] } else { Vec::new() })
}
