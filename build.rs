//! Builds the table of diagnostic explanations from `docs/codes/<phase>/<name>.md`, so adding a
//! code's explanation is adding one file: no list to edit, nothing for two branches to fight over.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=docs/codes");
    let root =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("docs/codes");
    let mut entries = Vec::new();
    let mut phases: Vec<_> =
        std::fs::read_dir(&root).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    phases.sort();
    for phase_dir in phases.iter().filter(|p| p.is_dir()) {
        let phase = phase_dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let mut files: Vec<_> = std::fs::read_dir(phase_dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for f in files.iter().filter(|f| f.extension().is_some_and(|x| x == "md")) {
            let name = f.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
            entries.push((format!("rc2s6::{phase}::{name}"), f.display().to_string()));
        }
    }
    let mut out = String::from(
        "/// Every code and its explanation (markdown), sorted by code.\npub static EXPLANATIONS: &[(&str, &str)] = &[\n",
    );
    for (code, path) in &entries {
        let _ = writeln!(out, "    ({code:?}, include_str!({path:?})),");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("explanations.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
