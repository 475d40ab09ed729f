//! `rc2s6 [compile] INPUT... -o OUT`.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Outcome, use_color};
use crate::cli::args::{BackendChoice, CompileArgs, GlobalArgs};
use rc2s6::backend::{Backend, EmitOptions, S6RcOptions};
use rc2s6::core::diagnostic::Severity;
use rc2s6::model::ModelOptions;
use rc2s6::pipeline::compile::{self, CompileOptions};
use rc2s6::report::render_human;
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
    let emit = EmitOptions {
        log_dir: args.log_dir.clone(),
        log_user: args.log_user.clone(),
        log_size: args.log_size.clamp(4096, 268_435_455),
        log_count: args.log_count,
        ..EmitOptions::default()
    };
    Ok(CompileOptions {
        input: args.files.input_options(),
        model: ModelOptions { allow_fghack: args.allow_fghack, target: target.clone() },
        backend: backend(args, emit)?,
        target,
        output: output.display().to_string(),
        // Migration rewrites the scripts from their syntax trees after the batch.
        keep_syntax_trees: args.initd_out.is_some() || args.diff,
    })
}

/// The backend the flags select, with its settings.
fn backend(args: &CompileArgs, emit: EmitOptions) -> Result<Backend, String> {
    if args.backend == BackendChoice::S6 {
        for (given, flag) in [
            (args.runlevels.is_some(), "--runlevels"),
            (!args.provider.is_empty(), "--provider"),
            (!args.external.is_empty(), "--external"),
        ] {
            if given {
                return Err(format!("{flag} is for the s6-rc backend (--backend s6-rc)"));
            }
        }
        return Ok(Backend::S6(emit));
    }
    if args.initd_out.is_some() || args.diff {
        return Err("--initd-out and --diff rewrite init scripts for OpenRC's s6 backend; the s6-rc backend leaves OpenRC behind".into());
    }
    let mut providers = BTreeMap::new();
    for p in &args.provider {
        let (name, service) = p
            .split_once('=')
            .filter(|(n, s)| !n.is_empty() && !s.is_empty())
            .ok_or_else(|| format!("--provider `{p}` is not NAME=SERVICE (e.g. --provider net=networking)"))?;
        if let Some(old) = providers.insert(name.to_string(), service.to_string()) {
            if old != service {
                return Err(format!("--provider {name} is given twice ({old} and {service})"));
            }
        }
    }
    let external = args.external.iter().filter(|e| !e.is_empty()).cloned().collect();
    Ok(Backend::S6Rc(S6RcOptions { emit, providers, external, runlevels: args.runlevels.clone() }))
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
    for f in &comp.findings {
        if !global.quiet || f.severity == Severity::Error {
            findings.push(f.clone());
        }
    }
    eprint!("{}", render_human(&findings, color));
    for e in &comp.read_errors {
        eprintln!("rc2s6: cannot read {}: {}", e.path, e.message);
    }
    let report = match write::write_output(out, &comp, WriteOptions { force: args.force, dry_run: args.dry_run }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rc2s6: {e}");
            return Outcome::Io;
        }
    };
    if report.recovered {
        eprintln!(
            "rc2s6: {}: an interrupted run left a journal; the manifest now describes what it finished",
            out.display()
        );
    }
    for d in &report.drifted {
        let force = if d.kind.forcible() { " (--force overwrites)" } else { "" };
        eprintln!("rc2s6: {}: {} is {}; left as it is{force}", d.service, d.path, d.kind.describe());
    }
    let (converted, oneshot, not_converted) = comp.counts();
    let verb = if args.dry_run { "would write" } else { "wrote" };
    if args.backend == BackendChoice::S6Rc {
        let definitions: usize = comp.services.iter().map(|s| s.dir.iter().count() + s.companions.len()).sum();
        eprintln!(
            "rc2s6: {converted} converted, {oneshot} oneshot, {not_converted} not converted; s6-rc source tree of {definitions} definitions and {} bundles; {verb} {} services and bundles, {} unchanged{}{} in {}",
            comp.bundles.len(),
            report.written.len(),
            report.unchanged.len(),
            if report.removed.is_empty() { String::new() } else { format!(", {} removed", report.removed.len()) },
            if comp.skipped.is_empty() {
                String::new()
            } else {
                format!(" ({} files skipped: not openrc-run scripts)", comp.skipped.len())
            },
            out.display()
        );
        let set_errors = comp.findings.iter().any(|f| f.severity == Severity::Error);
        return if !comp.read_errors.is_empty() {
            Outcome::Io
        } else if not_converted > 0 || !report.drifted.is_empty() || set_errors {
            Outcome::Findings
        } else {
            Outcome::Success
        };
    }
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
        out.display()
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
