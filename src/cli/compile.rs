//! `rc2s6 [compile] INPUT... -o OUT`.

use std::collections::BTreeMap;
use std::path::Path;

use super::migrate::{self, MigrationRun};
use super::summary::{self, Item, count};
use super::{Outcome, progress, use_color};
use crate::cli::args::{BackendChoice, CompileArgs, CompileFormat, GlobalArgs};
use rc2s6::backend::{Backend, EmitOptions, S6RcOptions};
use rc2s6::core::diagnostic::{Finding, Severity};
use rc2s6::model::ModelOptions;
use rc2s6::pipeline::compile::{self, Compilation, CompileOptions};
use rc2s6::pipeline::service_set::Progress;
use rc2s6::report::{escape, render_human};
use rc2s6::write::{self, WriteOptions, WriteReport};

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
        model: ModelOptions {
            allow_fghack: args.allow_fghack,
            target: target.clone(),
            daemon_table: args.daemon_tables.load()?,
        },
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

/// Runs a compile: compile, write, migrate, then report (a summary on stderr, or JSON on stdout).
pub fn run(args: &CompileArgs, global: &GlobalArgs) -> Outcome {
    let opts = match options(args) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("rc2s6: {msg}");
            return Outcome::Usage;
        }
    };
    let out = args.output.as_deref().unwrap_or(Path::new("."));
    let show_progress = progress::wanted();
    let counter = Progress::default();
    let write_opts = WriteOptions { force: args.force, dry_run: args.dry_run };
    // The output is opened and locked first, so that each service's directories are built as
    // soon as it is compiled; migration reads the directories' files afterwards, so they are
    // built at the end then.
    let writer = write::Writer::open(out, write_opts);
    crate::alloc_mark("opened");
    let comp = progress::while_running(
        show_progress,
        || match counter.total() {
            0 => "rc2s6: compiling: looking for scripts".to_string(),
            total => format!("rc2s6: compiling: {} of {total} files", counter.done()),
        },
        || match &writer {
            // Each service's analysis goes as soon as it is staged: the run reports and writes
            // from the rest.
            Ok(w) if !opts.keep_syntax_trees => compile::run_staged(&args.inputs, &opts, &counter, &|s| {
                w.stage(s);
                s.keep_summary_only();
            }),
            _ => compile::run_with_progress(&args.inputs, &opts, &counter),
        },
    );
    crate::alloc_mark("compiled");
    // Whether each written service replaces a directory: what the writer listed when it opened
    // the output (a real run has replaced them by the time it returns).
    let existed: Vec<String> = match &writer {
        Ok(w) => comp
            .services
            .iter()
            .filter(|s| s.dir.is_some())
            .map(|s| &s.record.name)
            .chain(comp.bundles.iter().map(|b| &b.record.name))
            .filter(|name| w.held(name))
            .cloned()
            .collect(),
        // Nothing is written: the run stops with the writer's error.
        Err(_) => Vec::new(),
    };
    let written = progress::while_running(
        show_progress && !args.dry_run,
        || format!("rc2s6: writing {}", escape::file_name(&out.display().to_string())),
        || writer.and_then(|w| w.finish(&comp)),
    );
    crate::alloc_mark("written");
    let report = match written {
        Ok(r) => r,
        Err(e) => {
            if args.format == CompileFormat::Human {
                print_findings(&comp, global, use_color(global));
            }
            eprintln!("rc2s6: {}", escape::text(&e.to_string()));
            return Outcome::Io;
        }
    };
    let migration = migrate::requested(args).then(|| migrate::run(&comp, &opts, args));
    let done = Run { args, comp: &comp, report: &report, existed: &existed, migration: migration.as_ref() };
    match args.format {
        CompileFormat::Human => done.print_human(global),
        CompileFormat::Json => {
            if let Err(e) = super::compile_json::print(&done, &opts) {
                eprintln!("rc2s6: {}", escape::text(&e.to_string()));
                return Outcome::Io;
            }
        }
    }
    let outcome = done.outcome();
    // The process ends once this returns, and the system takes its memory back at once: freeing
    // every service's record, tree and findings one by one first was a fifth of what the main
    // thread did in a compile of the corpus (21M instructions), after the workers had finished.
    // clang's driver skips the same work the same way (`-disable-free`). A measurement build
    // (`alloc-stats`) counts this compilation as live at its "exit" mark.
    std::mem::forget(comp);
    outcome
}

/// A finished run: what was compiled, written and migrated.
pub struct Run<'a> {
    /// The arguments.
    pub args: &'a CompileArgs,
    /// The compilation.
    pub comp: &'a Compilation,
    /// What writing did (or would do).
    pub report: &'a WriteReport,
    /// Services that had a directory in the output before the run.
    pub existed: &'a [String],
    /// Migration, when asked for.
    pub migration: Option<&'a MigrationRun>,
}

impl Run<'_> {
    /// The exit code's outcome.
    fn outcome(&self) -> Outcome {
        let (_, _, not_converted) = self.comp.counts();
        let migration = self.migration.map_or(Outcome::Success, MigrationRun::outcome);
        if !self.comp.read_errors.is_empty() || migration == Outcome::Io {
            Outcome::Io
        } else if not_converted > 0
            || !self.report.drifted.is_empty()
            || migration == Outcome::Findings
            || self.comp.findings.iter().any(|f| f.severity == Severity::Error)
        {
            Outcome::Findings
        } else {
            Outcome::Success
        }
    }

    /// Whether a written service replaces a directory that was there.
    pub fn replaces(&self, name: &str) -> bool {
        self.existed.iter().any(|n| n == name)
    }

    /// The human report on stderr (a dry run's list on stdout).
    fn print_human(&self, global: &GlobalArgs) {
        let color = use_color(global);
        let (args, comp, report) = (self.args, self.comp, self.report);
        let grouped = print_findings(comp, global, color);
        for e in &comp.read_errors {
            eprintln!("rc2s6: cannot read {}: {}", escape::file_name(&e.path), escape::text(&e.message));
        }
        if report.recovered {
            eprintln!(
                "rc2s6: {}: an interrupted run left a journal; the manifest now describes what it finished",
                escape::file_name(&args.output.as_deref().unwrap_or(Path::new(".")).display().to_string())
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
        let out = args.output.as_deref().unwrap_or(Path::new("."));
        if args.dry_run {
            self.list_dry_run(out);
        }
        let (converted, oneshot, not_converted) = comp.counts();
        let verb = if args.dry_run { "would write" } else { "wrote" };
        let what = if args.backend == BackendChoice::S6Rc {
            let definitions: usize = comp.services.iter().map(|s| s.dir.iter().count() + s.companions.len()).sum();
            format!(
                "s6-rc source tree of {} and {}; {verb} {} and bundle{}",
                count(definitions, "definition"),
                count(comp.bundles.len(), "bundle"),
                count(report.written.len(), "service"),
                if report.written.len() == 1 { "" } else { "s" },
            )
        } else {
            format!(
                "{verb} {} service director{}",
                report.written.len(),
                if report.written.len() == 1 { "y" } else { "ies" }
            )
        };
        eprintln!(
            "rc2s6: {converted} converted, {oneshot} oneshot, {not_converted} not converted; {what}, {} unchanged{}{} in {}",
            report.unchanged.len(),
            if report.removed.is_empty() { String::new() } else { format!(", {} removed", report.removed.len()) },
            if comp.skipped.is_empty() {
                String::new()
            } else {
                format!(" ({} skipped: not openrc-run scripts)", count(comp.skipped.len(), "file"))
            },
            escape::file_name(&out.display().to_string())
        );
        let migration_grouped = self.migration.is_some_and(|m| migrate::report(m, args, global, color));
        if (grouped || migration_grouped) && !global.quiet {
            let manifest = out.join(rc2s6::manifest::MANIFEST_NAME);
            if !args.dry_run {
                eprintln!(
                    "rc2s6: each service's diagnostics are listed in {}",
                    escape::file_name(&manifest.display().to_string())
                );
            }
            eprintln!(
                "rc2s6: -v prints every diagnostic with its source lines, --format json all of them as JSON; \
                 `rc2s6 explain CODE` explains a code"
            );
        }
    }

    /// A dry run's list of what would change in the output directory, on stdout (stderr when
    /// stdout carries a diff).
    fn list_dry_run(&self, out: &Path) {
        let mut lines = Vec::new();
        for name in &self.report.written {
            let verb = if self.replaces(name) { "would replace" } else { "would create " };
            lines.push(format!("{verb} {}", escape::file_name(&out.join(name).display().to_string())));
        }
        for name in &self.report.removed {
            lines.push(format!("would remove  {}", escape::file_name(&out.join(name).display().to_string())));
        }
        if self.report.manifest_written {
            lines.push(format!(
                "would write   {}",
                escape::file_name(&out.join(rc2s6::manifest::MANIFEST_NAME).display().to_string())
            ));
        }
        for l in lines {
            if self.args.diff {
                eprintln!("{l}");
            } else {
                println!("{l}");
            }
        }
    }
}

/// The compile's findings on stderr: in full with `-v` or when there are few, otherwise grouped
/// by code. Returns whether they were grouped (so the run says where the details are).
fn print_findings(comp: &Compilation, global: &GlobalArgs, color: bool) -> bool {
    let shown = |f: &&Finding| !global.quiet || f.severity == Severity::Error;
    let total = comp.services.iter().map(|s| s.findings().iter().filter(shown).count()).sum::<usize>();
    // Findings about the set (s6-rc: an option, a runlevel) are few and always shown in full.
    let set: Vec<Finding> = comp.findings.iter().filter(shown).cloned().collect();
    if global.verbose || total <= summary::FEW {
        let mut all: Vec<Finding> =
            comp.services.iter().flat_map(|s| s.findings().iter().filter(shown).cloned()).collect();
        all.extend(set);
        eprint!("{}", render_human(&all, color));
        return false;
    }
    eprint!("{}", render_human(&set, color));
    let items: Vec<Item<'_>> =
        comp.services.iter().map(|s| Item { name: &s.record.name, failed: !s.ok(), findings: s.findings() }).collect();
    let failed = summary::failures(&items);
    if !failed.is_empty() {
        let n: usize = failed.iter().map(|g| g.count).sum();
        eprintln!("rc2s6: {n} not converted, by the first error of each:");
        eprint!("{}", summary::table(&failed, summary::FAILURE_ROWS));
    }
    let others = summary::others(&items);
    if !global.quiet && !others.is_empty() {
        let services = items.iter().filter(|i| i.findings.iter().any(|f| f.severity != Severity::Error)).count();
        eprintln!("rc2s6: {} in {}:", summary::warnings_and_notes(&items), count(services, "service"));
        eprint!("{}", summary::table(&others, summary::OTHER_ROWS));
    }
    true
}
