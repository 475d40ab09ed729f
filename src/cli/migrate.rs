//! The migration half of `rc2s6 INPUT... -o OUT --initd-out DIR | --diff`: rewrite each
//! converted init script for `supervisor=s6` (`pipeline::migrate`), then write the scripts or
//! print their diffs; what to say about it is [`report`]'s.

use std::path::Path;

use super::Outcome;
use super::summary::{self, Item, count};
use crate::cli::args::{CompileArgs, GlobalArgs};
use rc2s6::core::diagnostic::{Finding, Severity};
use rc2s6::migrate::unified_diff::unified_diff;
use rc2s6::pipeline::compile::{Compilation, CompileOptions};
use rc2s6::pipeline::migrate::{Migrations, migrate_all};
use rc2s6::report::{escape, render_human};
use rc2s6::write;

/// Whether the arguments ask for migration.
pub fn requested(args: &CompileArgs) -> bool {
    args.initd_out.is_some() || args.diff
}

/// What migrating a batch did.
pub struct MigrationRun {
    /// Every migration, with its findings.
    pub batch: Migrations,
    /// With `--initd-out`: the scripts written (or that a dry run would write), each with whether
    /// it replaces a file that was there; `None` with `--diff`.
    pub written: Option<Vec<(String, bool)>>,
    /// Why writing the scripts failed.
    pub error: Option<String>,
}

impl MigrationRun {
    /// The outcome of migration alone.
    pub fn outcome(&self) -> Outcome {
        if self.error.is_some() {
            Outcome::Io
        } else if self.batch.failed() > 0 || !self.batch.target_ok() {
            Outcome::Findings
        } else {
            Outcome::Success
        }
    }

    /// Scripts that could be used but were already up to date in `--initd-out`.
    pub fn unchanged(&self) -> usize {
        self.written.as_ref().map_or(0, |w| self.batch.usable().count() - w.len())
    }
}

/// Migrates every converted service of `comp`, then writes the scripts into `--initd-out` or
/// prints their diff on stdout.
pub fn run(comp: &Compilation, opts: &CompileOptions, args: &CompileArgs) -> MigrationRun {
    let batch = migrate_all(comp, opts);
    let mut run = MigrationRun { batch, written: None, error: None };
    if args.diff {
        for m in run.batch.usable() {
            print!("{}", unified_diff(&m.path, &m.original, &m.text));
        }
    } else if !run.batch.target_ok() {
        // The target OpenRC cannot run migrated scripts at all (0.63.0): nothing is written.
    } else if let Some(dir) = &args.initd_out {
        let scripts = run.batch.scripts();
        match write::write_initd(dir, &scripts, args.dry_run) {
            // Looked at before a dry run only (a real run has just replaced them).
            Ok(written) => {
                let replaces = |name: &str| args.dry_run && dir.join(name).symlink_metadata().is_ok();
                run.written = Some(written.into_iter().map(|n| (n.clone(), replaces(&n))).collect());
            }
            Err(e) => run.error = Some(e.to_string()),
        }
    }
    run
}

/// Says what migration did on stderr: its findings (in full when few or with `-v`, grouped
/// otherwise), then a count line. Returns whether the findings were grouped.
pub fn report(run: &MigrationRun, args: &CompileArgs, global: &GlobalArgs, color: bool) -> bool {
    let batch = &run.batch;
    let shown = |f: &&Finding| !global.quiet || f.severity == Severity::Error;
    let all: Vec<Finding> = batch.findings().filter(shown).cloned().collect();
    let grouped = !global.verbose && all.len() > summary::FEW;
    if grouped {
        // Findings about the output as a whole are few and concern every script: in full.
        let target: Vec<Finding> = batch.target_findings.iter().filter(shown).cloned().collect();
        eprint!("{}", render_human(&target, color));
        let items: Vec<Item<'_>> = batch
            .migrations
            .iter()
            .map(|m| Item { name: &m.service, failed: !m.ok(), findings: &m.findings })
            .collect();
        let failed = summary::failures(&items);
        if !failed.is_empty() {
            eprintln!("rc2s6: {} not migrated, by the first error of each:", count(batch.failed(), "init script"));
            eprint!("{}", summary::table(&failed, summary::FAILURE_ROWS));
        }
        let others = summary::others(&items);
        if !global.quiet && !others.is_empty() {
            eprintln!("rc2s6: migration: {}:", summary::warnings_and_notes(&items));
            eprint!("{}", summary::table(&others, summary::OTHER_ROWS));
        }
    } else {
        eprint!("{}", render_human(&all, color));
    }
    if let Some(e) = &run.error {
        eprintln!("rc2s6: {}", escape::text(&e.to_string()));
        return grouped;
    }
    if !batch.target_ok() {
        let target =
            args.target.resolve().map(|t| format!("OpenRC {t}")).unwrap_or_else(|_| "the target OpenRC".into());
        eprintln!("rc2s6: no init script migrated: {target} cannot run them (see above)");
        return grouped;
    }
    if let (Some(written), Some(dir)) = (&run.written, &args.initd_out) {
        if args.dry_run {
            list_dry_run(written, dir);
        }
        let verb = if args.dry_run { "would write" } else { "wrote" };
        eprintln!(
            "rc2s6: migrated {} ({verb} {}, {} unchanged) in {}",
            count(batch.usable().count(), "init script"),
            written.len(),
            run.unchanged(),
            escape::file_name(&dir.display().to_string())
        );
    }
    let mut rest = Vec::new();
    if batch.failed() > 0 {
        rest.push(format!("{} not migrated", count(batch.failed(), "init script")));
    }
    if batch.skipped > 0 && !global.quiet {
        rest.push(format!(
            "{} left as {}: not converted, or a oneshot",
            count(batch.skipped, "init script"),
            if batch.skipped == 1 { "it is" } else { "they are" }
        ));
    }
    if !rest.is_empty() {
        eprintln!("rc2s6: {}", rest.join("; "));
    }
    grouped
}

/// A dry run's list of the scripts it would write, on stdout (stderr when stdout carries a diff
/// or JSON).
fn list_dry_run(written: &[(String, bool)], dir: &Path) {
    for (name, replaces) in written {
        let verb = if *replaces { "would replace" } else { "would create " };
        println!("{verb} {}", escape::file_name(&dir.join(name).display().to_string()));
    }
}
