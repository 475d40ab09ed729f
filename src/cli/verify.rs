//! `rc2s6 verify INITSCRIPT... -o OUT`: what OpenRC will link, checked against the disk.

use super::{Outcome, use_color};
use crate::cli::args::{GlobalArgs, VerifyArgs};
use rc2s6::core::diagnostic::Severity;
use rc2s6::pipeline::verify::{is_s6rc_tree, verify_s6rc, verify_set};
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

/// Verifies a tree written with `--backend s6-rc`: prints its definitions' count and whether
/// s6-rc-compile accepts it, findings on stderr.
fn run_s6rc(args: &VerifyArgs, global: &GlobalArgs) -> Outcome {
    if !args.scripts.is_empty() {
        eprintln!(
            "rc2s6: {} holds an s6-rc source tree, verified from its manifest alone: give no init scripts",
            args.output.display()
        );
        return Outcome::Usage;
    }
    let report = match verify_s6rc(&args.output) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Io;
        }
    };
    let shown: Vec<_> =
        report.findings.iter().filter(|f| !global.quiet || f.severity == Severity::Error).cloned().collect();
    eprint!("{}", render_human(&shown, use_color(global)));
    let compiled = match report.compiled {
        Some(true) => "s6-rc-compile accepts it",
        Some(false) => "s6-rc-compile refuses it",
        None => "not compiled (no s6-rc-compile on PATH)",
    };
    let verdict = if report.consistent() { "consistent" } else { "not consistent" };
    eprintln!(
        "rc2s6: verified s6-rc source tree {}: {} records, {} definitions, {compiled}; {verdict}",
        args.output.display(),
        report.records,
        report.definitions
    );
    if report.consistent() { Outcome::Success } else { Outcome::Findings }
}

/// What OpenRC will link for one script, as one line: `NAME: LINK -> DIR`, or why nothing.
fn prediction(e: &verify::Expected, scan: &str) -> String {
    let why_nothing = match e.unlinked {
        Some(verify::Unlinked::ServicePathEmpty) => Some("`s6_service_path` is empty"),
        Some(verify::Unlinked::NotS6) => {
            Some("`supervisor` is not `s6`, so OpenRC starts the daemon without s6 (start-stop-daemon by default)")
        }
        Some(verify::Unlinked::StartBypassesS6) => Some("start() does not go through OpenRC's s6 backend"),
        None => None,
    };
    if let Some(why) = why_nothing {
        return format!("{}: nothing linked ({why})", e.service);
    }
    let by = match (&e.generated, &e.prepared) {
        (None, _) => String::new(),
        (Some(verify::Generated::CommandSet), _) => " (a directory OpenRC generates itself from `command`)".into(),
        (Some(verify::Generated::NoCompatMode), _) => {
            " (a directory OpenRC generates itself: this release never links a prepared one)".into()
        }
        (Some(verify::Generated::PreparedUnusable), Some(p)) => format!(
            " (a directory OpenRC generates itself from the empty `command`: {}/run is missing or not executable)",
            p.trim_end_matches('/')
        ),
        (Some(verify::Generated::PreparedUnusable), None) => " (a directory OpenRC generates itself)".into(),
    };
    format!("{}: {}/{} -> {}{by}", e.service, scan.trim_end_matches('/'), e.link, e.servicedir)
}

/// Runs a verify: prints what OpenRC will link for each script on stdout, findings on stderr.
pub fn run(args: &VerifyArgs, global: &GlobalArgs) -> Outcome {
    if is_s6rc_tree(&args.output) {
        return run_s6rc(args, global);
    }
    if args.scripts.is_empty() {
        eprintln!("rc2s6: give the init scripts to verify (only a tree written with --backend s6-rc needs none)");
        return Outcome::Usage;
    }
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
        println!("{}", prediction(&s.expected, &scan));
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
