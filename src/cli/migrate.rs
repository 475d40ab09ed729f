//! The migration half of `rc2s6 INPUT... -o OUT --initd-out DIR | --diff`: rewrite each
//! converted init script for `supervisor=s6`, then write the scripts or print their diffs.

use std::path::Path;

use super::Outcome;
use crate::cli::args::{CompileArgs, GlobalArgs};
use rc2s6::core::diagnostic::Severity;
use rc2s6::migrate::unified_diff::unified_diff;
use rc2s6::migrate::{self, Migration};
use rc2s6::pipeline::compile::{Compilation, CompileOptions};
use rc2s6::report::render_human;
use rc2s6::write;

/// Whether the arguments ask for migration.
pub fn requested(args: &CompileArgs) -> bool {
    args.initd_out.is_some() || args.diff
}

/// Migrates every converted service of `comp`; the outcome covers migration only.
pub fn run(comp: &Compilation, opts: &CompileOptions, args: &CompileArgs, global: &GlobalArgs, color: bool) -> Outcome {
    let mut findings = migrate::target_findings(&opts.target, &opts.output);
    let mut migrations: Vec<Migration> = Vec::new();
    let mut skipped = 0;
    for s in &comp.services {
        match &s.dir {
            Some(dir) => migrations.push(migrate::migrate(&s.analysis, dir, &opts.target, &opts.output)),
            None => skipped += 1,
        }
    }
    for m in &migrations {
        findings.extend(m.findings.iter().filter(|f| !global.quiet || f.severity == Severity::Error).cloned());
    }
    eprint!("{}", render_human(&findings, color));
    let good: Vec<&Migration> = migrations.iter().filter(|m| m.ok()).collect();
    let failed = migrations.len() - good.len();
    if args.diff {
        for m in &good {
            print!("{}", unified_diff(&m.path, &m.original, &m.text));
        }
    } else if let Some(dir) = &args.initd_out {
        let scripts: Vec<(String, String, u32)> = good
            .iter()
            .map(|m| {
                (
                    m.service.clone(),
                    m.text.clone(),
                    rc2s6::pipeline::input::file_mode(Path::new(&m.path)).unwrap_or(0o755),
                )
            })
            .collect();
        match write::write_initd(dir, &scripts, args.dry_run) {
            Ok(written) => {
                let verb = if args.dry_run { "would write" } else { "wrote" };
                eprintln!(
                    "rc2s6: migrated {} init script{} ({verb} {}, {} unchanged) in {}",
                    good.len(),
                    if good.len() == 1 { "" } else { "s" },
                    written.len(),
                    scripts.len() - written.len(),
                    dir.display()
                );
            }
            Err(e) => {
                eprintln!("rc2s6: {e}");
                return Outcome::Io;
            }
        }
    }
    if failed > 0 {
        eprintln!("rc2s6: {failed} init script{} not migrated (see above)", if failed == 1 { "" } else { "s" });
    }
    if skipped > 0 {
        eprintln!(
            "rc2s6: {skipped} init script{} left as they are: not converted, or a oneshot",
            if skipped == 1 { "" } else { "s" }
        );
    }
    if failed > 0 { Outcome::Findings } else { Outcome::Success }
}
