//! Runs rc2s6's analysis over a corpus laid out like ../shared/corpus and prints the figures the
//! issues ask for: parse rate, classification, reasons, and the share of daemon scripts converted.
//!
//! Usage: corpus_report [CORPUS_DIR] [-v] [--tsv FILE] [--hand-only] [--daemon-table FILE]...
//! `--hand-only` leaves data/daemons-generated.yaml out (to measure what it changes);
//! `--daemon-table` adds a user's table as `rc2s6 --daemon-table` does.
//! Every folder of CORPUS_DIR but the `-confd` ones is read; `FOLDER/<package>__<service>.initd`'s
//! conf.d is `FOLDER-confd/<package>__<service>.confd` (only Alpine's in ../shared/corpus).
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rc2s6::core::diagnostic::Severity;
use rc2s6::model::{ModelOptions, ServiceKind};
use rc2s6::openrc::daemon_table::DaemonTable;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let valued =
        |flag: &str| -> Vec<String> { args.windows(2).filter(|w| w[0] == flag).map(|w| w[1].clone()).collect() };
    let values: Vec<String> = [valued("--tsv"), valued("--daemon-table")].concat();
    let root = PathBuf::from(
        args.iter()
            .find(|a| !a.starts_with('-') && !values.contains(a))
            .cloned()
            .unwrap_or_else(|| "../shared/corpus".into()),
    );
    let user: Vec<(String, String)> = valued("--daemon-table")
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
            (p, text)
        })
        .collect();
    let table = if args.iter().any(|a| a == "--hand-only") {
        DaemonTable::hand_only()
    } else {
        DaemonTable::with_user_tables(&user).unwrap_or_else(|e| panic!("{e}"))
    };
    let options = ModelOptions { daemon_table: Arc::new(table), ..ModelOptions::default() };
    let verbose = args.iter().any(|a| a == "-v");
    let tsv = args.iter().position(|a| a == "--tsv").and_then(|i| args.get(i + 1)).map(PathBuf::from);
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = Vec::new();
    let (mut parsed, mut count, mut daemon_scripts, mut daemon_converted) = (0, 0, 0, 0);
    // Every folder but the conf.d ones; FOLDER's conf.d files are in FOLDER-confd.
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|d| !d.ends_with("-confd"))
        .collect();
    dirs.sort();
    for dir in &dirs {
        let confd_dir = root.join(format!("{dir}-confd"));
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            count += 1;
            let fname = p.file_name().unwrap().to_string_lossy().to_string();
            let (svc, confd) = names(&fname, &confd_dir);
            let files = rc2s6::pipeline::input::load_with(&p, &svc, &confd, None, Vec::new()).unwrap();
            let a = rc2s6::model::analysis::analyze(files, &options);
            if a.files.iter().all(|f| f.syntax.is_some()) {
                parsed += 1;
            }
            let kind = match a.service.kind {
                ServiceKind::Longrun if a.findings.iter().any(|f| f.severity >= Severity::Warning) => {
                    "converted-with-warnings"
                }
                ServiceKind::Longrun => "converted",
                ServiceKind::Oneshot => "oneshot",
                ServiceKind::NotConverted => "not-converted",
            };
            *totals.entry(kind).or_default() += 1;
            if a.service.daemon_script {
                daemon_scripts += 1;
                if a.service.kind == ServiceKind::Longrun {
                    daemon_converted += 1;
                }
            }
            let first = a.findings.iter().find(|f| f.severity == Severity::Error);
            let code = first.map(|f| f.code().to_string()).unwrap_or_default();
            if kind == "not-converted" {
                *reasons.entry(code.clone()).or_default() += 1;
                if verbose {
                    println!("{dir}/{fname}: {code}: {}", first.map(|f| f.message()).unwrap_or_default());
                }
            }
            rows.push(format!("{dir}/{fname}\t{kind}\t{code}\t{}", a.service.daemon_script));
        }
    }
    if let Some(path) = tsv {
        let mut f = std::fs::File::create(&path).unwrap();
        writeln!(f, "script\tclass\treason\tdaemon_script").unwrap();
        for r in &rows {
            writeln!(f, "{r}").unwrap();
        }
    }
    println!("scripts {count}, parsed {parsed} ({:.1}%)", 100.0 * parsed as f64 / count as f64);
    for (k, v) in &totals {
        println!("{k}: {v}");
    }
    println!(
        "daemon scripts (command, start-stop-daemon or supervise-daemon): {daemon_scripts}, converted {daemon_converted} ({:.1}%)",
        100.0 * daemon_converted as f64 / daemon_scripts.max(1) as f64
    );
    println!("not converted by reason:");
    for (k, v) in &reasons {
        println!("  {k}: {v}");
    }
}

/// The service name a corpus file would be installed under, and its conf.d file (Alpine only).
/// Files are `<package>__<file>` (Alpine, Artix, postmarketOS) or `<repo>__<category_package>__<file>`
/// (Gentoo overlays); the file name carries suffixes such as `.initd`, `.init.d`, `-r2`, `.rc6`.
fn names(fname: &str, confd_dir: &Path) -> (String, Vec<PathBuf>) {
    let file = fname.rsplit("__").next().unwrap_or(fname);
    let mut svc = file.to_string();
    loop {
        let before = svc.clone();
        for suffix in [".initd", ".init.d", ".init", ".rc", ".in", ".openrc", "-init.d", "-initd", "-init", ".head"] {
            if let Some(s) = svc.strip_suffix(suffix) {
                svc = s.to_string();
            }
        }
        // Revision and version tails: -r2, .5, .rc6, -2.2, -20080406-r6.
        let trimmed = svc
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim_end_matches(['-', '.'])
            .trim_end_matches("-r")
            .trim_end_matches(".rc")
            .to_string();
        if trimmed.len() < svc.len() && !trimmed.is_empty() && svc[trimmed.len()..].chars().any(|c| c.is_ascii_digit())
        {
            svc = trimmed;
        }
        if svc == before {
            break;
        }
    }
    if svc.is_empty() {
        svc = file.to_string();
    }
    let base = fname.trim_end_matches(".initd");
    let c = confd_dir.join(format!("{base}.confd"));
    (svc, if c.is_file() { vec![c] } else { Vec::new() })
}
