//! `rc2s6 [compile] INPUT... -o OUT`.

use std::path::Path;

use super::{Outcome, use_color};
use crate::cli::args::{CompileArgs, GlobalArgs};
use rc2s6::backend::{Backend, EmitOptions};
use rc2s6::core::diagnostic::Severity;
use rc2s6::model::ModelOptions;
use rc2s6::pipeline::compile::{self, CompileOptions};
use rc2s6::report::{escape, render_human};
use rc2s6::write::{self, WriteOptions};

/// Turns flags into compile options.
pub fn options(args: &CompileArgs) -> Result<CompileOptions, String> {
    let out = args.output.as_deref().ok_or("an output directory is required (-o OUT)")?;
    if !args.log_dir.starts_with('/') {
        return Err(format!("--log-dir must be an absolute path (s6-log needs one), not `{}`", args.log_dir));
    }
    if let Some(u) = &args.log_user {
        if u.is_empty() || u.contains(['/', ':', '\n']) || u.starts_with('-') {
            return Err(format!("--log-user `{u}` is not a user name"));
        }
    }
    let output = std::path::absolute(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let target = args.target.resolve()?;
    Ok(CompileOptions {
        input: args.files.input_options(),
        model: ModelOptions { allow_fghack: args.allow_fghack, target: target.clone() },
        backend: Backend::S6(EmitOptions {
            log_dir: args.log_dir.clone(),
            log_user: args.log_user.clone(),
            log_size: args.log_size.clamp(4096, 268_435_455),
            log_count: args.log_count,
            ..EmitOptions::default()
        }),
        target,
        output: output.display().to_string(),
        // Migration rewrites the scripts from their syntax trees after the batch.
        keep_syntax_trees: args.initd_out.is_some() || args.diff,
    })
}

/// Runs a compile.
pub fn run(args: &CompileArgs, global: &GlobalArgs) -> Outcome {
    let opts = match options(args) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Usage;
        }
    };
    let out = args.output.as_deref().unwrap_or(Path::new("."));
    let comp = compile::run(&args.inputs, &opts);
    let color = use_color(global);
    let mut findings = Vec::new();
    for s in &comp.services {
        for f in s.findings() {
            if !global.quiet || f.severity == Severity::Error {
                findings.push(f.clone());
            }
        }
    }
    eprint!("{}", render_human(&findings, color));
    for e in &comp.read_errors {
        eprintln!("rc2s6: cannot read {}: {}", escape::file_name(&e.path), escape::text(&e.message));
    }
    let report = match write::write_output(out, &comp, WriteOptions { force: args.force, dry_run: args.dry_run }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rc2s6: {}", escape::text(&e.to_string()));
            return Outcome::Io;
        }
    };
    if report.recovered {
        eprintln!(
            "rc2s6: {}: an interrupted run left a journal; the manifest now describes what it finished",
            escape::file_name(&out.display().to_string())
        );
    }
    for d in &report.drifted {
        let force = if d.kind.forcible() { " (--force overwrites)" } else { "" };
        eprintln!(
            "rc2s6: {}: {} is {}; left as it is{force}",
            escape::file_name(&d.service),
            escape::file_name(&d.path),
            d.kind.describe()
        );
    }
    let (converted, oneshot, not_converted) = comp.counts();
    let verb = if args.dry_run { "would write" } else { "wrote" };
    eprintln!(
        "rc2s6: {converted} converted, {oneshot} oneshot, {not_converted} not converted; {verb} {} service director{}, {} unchanged{}{} in {}",
        report.written.len(),
        if report.written.len() == 1 { "y" } else { "ies" },
        report.unchanged.len(),
        if report.removed.is_empty() { String::new() } else { format!(", {} removed", report.removed.len()) },
        if comp.skipped.is_empty() {
            String::new()
        } else {
            format!(" ({} files skipped: not openrc-run scripts)", comp.skipped.len())
        },
        escape::file_name(&out.display().to_string())
    );
    let migration = if super::migrate::requested(args) {
        super::migrate::run(&comp, &opts, args, global, color)
    } else {
        Outcome::Success
    };
    if !comp.read_errors.is_empty() || migration == Outcome::Io {
        Outcome::Io
    } else if not_converted > 0 || !report.drifted.is_empty() || migration == Outcome::Findings {
        Outcome::Findings
    } else {
        Outcome::Success
    }
}
