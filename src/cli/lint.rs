//! `rc2s6 lint INPUT...`: findings on stdout in the chosen format, a summary on stderr.

use std::io::{IsTerminal as _, Write as _};

use super::{Outcome, use_color_on_stdout};
use crate::cli::args::{GlobalArgs, LintArgs, LintFormat};
use rc2s6::codes;
use rc2s6::core::diagnostic::Severity;
use rc2s6::lint::{self, Levels, LintOptions};
use rc2s6::pipeline::lint::lint_set;
use rc2s6::report::{self, ReportFormat, escape};

/// Runs a lint.
pub fn run(args: &LintArgs, global: &GlobalArgs) -> Outcome {
    let levels = match Levels::new(codes::registry(), &args.deny, &args.warn, &args.allow) {
        Ok(l) => l,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Usage;
        }
    };
    let target = match args.target.resolve() {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Usage;
        }
    };
    let format = match args.format {
        Some(LintFormat::Human) => ReportFormat::Human { color: use_color_on_stdout(global) },
        Some(LintFormat::Json) => ReportFormat::Json,
        Some(LintFormat::Sarif) => ReportFormat::Sarif,
        Some(LintFormat::Github) => ReportFormat::Github,
        Some(LintFormat::Gitlab) => ReportFormat::Gitlab,
        Some(LintFormat::Gcc) => ReportFormat::Gcc,
        None if std::io::stdout().is_terminal() => ReportFormat::Human { color: use_color_on_stdout(global) },
        None => ReportFormat::Gcc,
    };
    let mut set_opts = args.input.files.set_options(&target);
    set_opts.model.daemon_table = match args.daemon_tables.load() {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Usage;
        }
    };
    let opts = LintOptions { target, levels, codes: codes::registry() };
    let set = lint_set(&args.input.inputs, &set_opts, &opts);
    let mut findings = set.findings;
    if global.quiet {
        findings.retain(|f| f.severity == Severity::Error);
    }
    let rendered = report::render(format, &findings);
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(rendered.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return Outcome::Io;
    }
    for e in &set.read_errors {
        eprintln!("rc2s6: cannot read {}: {}", escape::file_name(&e.path), escape::text(&e.message));
    }
    let (errors, warnings, notes) = lint::counts(&findings);
    let scripts = set.scripts;
    eprintln!(
        "rc2s6 lint: {scripts} script{}, {errors} error{}, {warnings} warning{}, {notes} note{}{}",
        plural(scripts),
        plural(errors),
        plural(warnings),
        plural(notes),
        if set.skipped.is_empty() {
            String::new()
        } else {
            format!(" ({} file{} skipped: not openrc-run scripts)", set.skipped.len(), plural(set.skipped.len()))
        }
    );
    // The process ends on return: freeing every finding one at a time (2.3M instructions over
    // the corpus, on one thread after the report is written) gives back nothing exit does not.
    std::mem::forget(findings);
    if !set.read_errors.is_empty() {
        Outcome::Io
    } else if errors > 0 {
        Outcome::Findings
    } else {
        Outcome::Success
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
