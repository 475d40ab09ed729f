//! `rc2s6 … --format json`: the whole run as one JSON document on stdout, for packagers who track
//! conversion over time. README.md documents the schema; `version` changes when a field changes
//! meaning or goes away (new fields may be added).

use std::io::Write as _;

use serde::Serialize;

use super::compile::Run;
use rc2s6::backend::Backend;
use rc2s6::core::diagnostic::{Finding, Severity};
use rc2s6::pipeline::compile::CompileOptions;
use rc2s6::report::json::Diagnostic;

/// The document.
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    output: &'a str,
    openrc: String,
    dry_run: bool,
    summary: Summary,
    services: Vec<Service<'a>>,
    skipped: Vec<String>,
    read_errors: Vec<ReadError<'a>>,
    write: Write<'a>,
    migration: Option<Migration<'a>>,
    /// With `--backend s6-rc` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    s6rc: Option<S6Rc<'a>>,
}

/// What the s6-rc backend made of the set.
#[derive(Serialize)]
struct S6Rc<'a> {
    /// Every definition of the services (longruns, loggers, oneshots), by name.
    definitions: Vec<&'a str>,
    /// The bundles made for virtual names and runlevels.
    bundles: Vec<&'a str>,
    /// Findings about the set rather than one service (an option, a runlevel).
    diagnostics: Vec<Diagnostic<'a>>,
}

/// Counts of the run.
#[derive(Serialize)]
struct Summary {
    converted: usize,
    oneshot: usize,
    not_converted: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
}

/// One service.
#[derive(Serialize)]
struct Service<'a> {
    name: &'a str,
    script: &'a str,
    /// `longrun`, `oneshot` or `not-converted`, as in the manifest.
    kind: &'a str,
    /// The first error's code, for a service that was not converted.
    reason: Option<&'static str>,
    diagnostics: Vec<Diagnostic<'a>>,
}

/// A file that could not be read.
#[derive(Serialize)]
struct ReadError<'a> {
    path: &'a str,
    message: &'a str,
}

/// What happened (or would happen) in the output directory: service names.
#[derive(Serialize)]
struct Write<'a> {
    created: Vec<&'a str>,
    replaced: Vec<&'a str>,
    unchanged: &'a [String],
    removed: &'a [String],
    drifted: Vec<Drifted<'a>>,
    manifest_written: bool,
    recovered: bool,
}

/// A hand-edited service left alone.
#[derive(Serialize)]
struct Drifted<'a> {
    service: &'a str,
    path: &'a str,
    what: &'static str,
}

/// What migration did.
#[derive(Serialize)]
struct Migration<'a> {
    /// `--initd-out`, or `null` with `--diff`.
    directory: Option<String>,
    /// Scripts written (or that a dry run would write) into `directory`.
    written: Vec<&'a str>,
    /// Scripts whose rewrite has an error, so were not written.
    failed: Vec<&'a str>,
    /// Services not migrated because they were not converted or are oneshots.
    left_as_they_are: usize,
    error: Option<&'a str>,
    /// Findings about the output as a whole, then each script's.
    diagnostics: Vec<Diagnostic<'a>>,
}

/// Prints the document.
pub fn print(run: &Run<'_>, opts: &CompileOptions) -> std::io::Result<()> {
    let comp = run.comp;
    let (converted, oneshot, not_converted) = comp.counts();
    // Counted with findings about the set (the s6-rc backend's), listed under `s6rc`.
    let all: Vec<&Finding> = comp.services.iter().flat_map(|s| s.findings()).chain(&comp.findings).collect();
    let n = |s: Severity| all.iter().filter(|f| f.severity == s).count();
    let services = comp
        .services
        .iter()
        .map(|s| Service {
            name: &s.record.name,
            script: s.script.name(),
            kind: &s.record.kind,
            reason: if s.ok() {
                None
            } else {
                s.findings().iter().find(|f| f.severity == Severity::Error).map(|f| f.code().name())
            },
            diagnostics: s.findings().iter().map(Diagnostic::of).collect(),
        })
        .collect();
    let report = run.report;
    let (replaced, created): (Vec<&str>, Vec<&str>) =
        report.written.iter().map(String::as_str).partition(|name| run.replaces(name));
    let migration = run.migration.map(|m| Migration {
        directory: run.args.initd_out.as_ref().map(|d| d.display().to_string()),
        written: m.written.iter().flatten().map(|(name, _)| name.as_str()).collect(),
        failed: m.batch.migrations.iter().filter(|x| !x.ok()).map(|x| x.service.as_str()).collect(),
        left_as_they_are: m.batch.skipped,
        error: m.error.as_deref(),
        diagnostics: m.batch.findings().map(Diagnostic::of).collect(),
    });
    let doc = Document {
        version: 1,
        output: &opts.output,
        openrc: opts.target.to_string(),
        dry_run: run.args.dry_run,
        summary: Summary {
            converted,
            oneshot,
            not_converted,
            errors: n(Severity::Error),
            warnings: n(Severity::Warning),
            notes: n(Severity::Advice),
        },
        services,
        skipped: comp.skipped.iter().map(|p| p.display().to_string()).collect(),
        read_errors: comp.read_errors.iter().map(|e| ReadError { path: &e.path, message: &e.message }).collect(),
        write: Write {
            created,
            replaced,
            unchanged: &report.unchanged,
            removed: &report.removed,
            drifted: report
                .drifted
                .iter()
                .map(|d| Drifted { service: &d.service, path: &d.path, what: d.kind.describe() })
                .collect(),
            manifest_written: report.manifest_written,
            recovered: report.recovered,
        },
        migration,
        s6rc: matches!(opts.backend, Backend::S6Rc(_)).then(|| S6Rc {
            definitions: comp
                .services
                .iter()
                .flat_map(|s| s.dir.iter().chain(&s.companions))
                .map(|d| d.name.as_str())
                .collect(),
            bundles: comp.bundles.iter().map(|b| b.record.name.as_str()).collect(),
            diagnostics: comp.findings.iter().map(Diagnostic::of).collect(),
        }),
    };
    let mut text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}
