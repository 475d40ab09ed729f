//! Prints what rc2s6's analysis decides for one script (developer aid): findings, decisions,
//! the daemon. Usage: analyze_one SCRIPT [CONFD...]
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let script = PathBuf::from(&args[0]);
    let confd: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
    let name = script.file_name().unwrap().to_string_lossy().to_string();
    let svc = name.split_once("__").map(|x| x.1.to_string()).unwrap_or(name).trim_end_matches(".initd").to_string();
    let files = rc2s6::pipeline::input::load_with(&script, &svc, &confd, None, Vec::new()).unwrap();
    let a = rc2s6::model::analysis::analyze(files, &rc2s6::model::ModelOptions::default());
    eprint!("{}", rc2s6::report::render_human(&a.findings, false));
    println!("kind: {:?}", a.service.kind);
    for d in &a.service.decisions {
        println!("decision: {}: {}", d.topic, d.choice);
    }
    if let Some(d) = &a.service.daemon {
        println!("{d:#?}");
    }
}
