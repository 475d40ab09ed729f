//! The migration half of `rc2s6 INPUT... -o OUT --initd-out DIR | --diff`: rewrite each
//! converted init script for `supervisor=s6` (`pipeline::migrate`), then write the scripts or
//! print their diffs.

use super::Outcome;
use crate::cli::args::{CompileArgs, GlobalArgs};
use rc2s6::core::diagnostic::Severity;
use rc2s6::migrate::unified_diff::unified_diff;
use rc2s6::pipeline::compile::{Compilation, CompileOptions};
use rc2s6::pipeline::migrate::migrate_all;
use rc2s6::report::{escape, render_human};
use rc2s6::write;

/// Whether the arguments ask for migration.
pub fn requested(args: &CompileArgs) -> bool {
    args.initd_out.is_some() || args.diff
}

/// Migrates every converted service of `comp`; the outcome covers migration only.
pub fn run(comp: &Compilation, opts: &CompileOptions, args: &CompileArgs, global: &GlobalArgs, color: bool) -> Outcome {
    let batch = migrate_all(comp, opts);
    let shown: Vec<_> = batch.findings().filter(|f| !global.quiet || f.severity == Severity::Error).cloned().collect();
    eprint!("{}", render_human(&shown, color));
    let good = batch.usable().count();
    if args.diff {
        for m in batch.usable() {
            print!("{}", unified_diff(&m.path, &m.original, &m.text));
        }
    } else if let Some(dir) = &args.initd_out {
        let scripts = batch.scripts();
        match write::write_initd(dir, &scripts, args.dry_run) {
            Ok(written) => {
                let verb = if args.dry_run { "would write" } else { "wrote" };
                eprintln!(
                    "rc2s6: migrated {good} init script{} ({verb} {}, {} unchanged) in {}",
                    if good == 1 { "" } else { "s" },
                    written.len(),
                    scripts.len() - written.len(),
                    escape::file_name(&dir.display().to_string())
                );
            }
            Err(e) => {
                eprintln!("rc2s6: {}", escape::text(&e.to_string()));
                return Outcome::Io;
            }
        }
    }
    let failed = batch.failed();
    if failed > 0 {
        eprintln!("rc2s6: {failed} init script{} not migrated (see above)", if failed == 1 { "" } else { "s" });
    }
    if batch.skipped > 0 {
        eprintln!(
            "rc2s6: {} init script{} left as they are: not converted, or a oneshot",
            batch.skipped,
            if batch.skipped == 1 { "" } else { "s" }
        );
    }
    if failed > 0 { Outcome::Findings } else { Outcome::Success }
}
