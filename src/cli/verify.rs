//! `rc2s6 verify INITSCRIPT... -o OUT`: what OpenRC will link, checked against the disk.

use super::{Outcome, use_color};
use crate::cli::args::{GlobalArgs, VerifyArgs};
use rc2s6::core::diagnostic::Severity;
use rc2s6::pipeline::verify::verify_set;
use rc2s6::report::{escape, render_human};
use rc2s6::verify::{self, VerifyOptions};

/// The summary line after "verified": per script, and the errors about no script in particular,
/// which make the whole set inconsistent (and the exit code 1) on their own.
fn summary(report: &verify::Report, version: &str) -> String {
    let n = report.services.len();
    let scripts = if n == 1 { "script" } else { "scripts" };
    let bad = report.services.iter().filter(|s| s.findings.iter().any(|f| f.severity == Severity::Error)).count();
    let global = report.global.iter().filter(|f| f.severity == Severity::Error).count();
    if global == 0 {
        return format!("{n} {scripts} for OpenRC {version}: {} consistent, {bad} not", n - bad);
    }
    format!(
        "{n} {scripts} for OpenRC {version}: not consistent: {global} error{} about the set as a whole, and {bad} of {n} {scripts} with errors of {}",
        if global == 1 { "" } else { "s" },
        if n == 1 { "its own" } else { "their own" },
    )
}

/// Runs a verify: prints what OpenRC will link for each script on stdout, findings on stderr.
pub fn run(args: &VerifyArgs, global: &GlobalArgs) -> Outcome {
    let target = match args.target.resolve() {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Usage;
        }
    };
    let absolute = |p: &std::path::Path| std::path::absolute(p).map(|a| a.display().to_string());
    let (output, scan_dir) = match (absolute(&args.output), args.scan_dir.as_deref().map(absolute).transpose()) {
        (Ok(o), Ok(s)) => (o, s),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("rc2s6: {e}");
            return Outcome::Usage;
        }
    };
    // Loaded as compile loads them, so each script gets the service name compile gave it.
    let set_opts = args.files.set_options(&target);
    let opts = VerifyOptions { target, output, scan_dir };
    let set = verify_set(&args.scripts, &set_opts, &opts);
    for e in &set.read_errors {
        eprintln!("rc2s6: cannot read {}: {}", escape::file_name(&e.path), escape::text(&e.message));
    }
    let report = match set.report {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Io;
        }
    };
    let scan = opts.scan_dir();
    for s in &report.services {
        let e = &s.expected;
        if e.servicedir.is_empty() {
            println!("{}: nothing linked (`s6_service_path` is empty)", e.service);
            continue;
        }
        let by = if e.openrc_generates { " (a directory OpenRC generates itself)" } else { "" };
        println!("{}: {}/{} -> {}{by}", e.service, scan.trim_end_matches('/'), e.link, e.servicedir);
    }
    let shown: Vec<_> = report.all().filter(|f| !global.quiet || f.severity == Severity::Error).cloned().collect();
    eprint!("{}", render_human(&shown, use_color(global)));
    eprintln!("rc2s6: verified {}", summary(&report, &opts.target.to_string()));
    if !set.read_errors.is_empty() {
        Outcome::Io
    } else if report.consistent() {
        Outcome::Success
    } else {
        Outcome::Findings
    }
}
