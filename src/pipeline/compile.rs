//! A batch of init scripts → service directories and a manifest, in memory. One broken script
//! never stops the others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use crate::backend::s6rc::S6RcService;
use crate::backend::s6rc::set::{Member, Runlevel};
use crate::backend::service_dir::ServiceDir;
use crate::backend::{Backend, EmitError};
use crate::core::diagnostic::{Code, Coded, Finding, Severity, define_codes};
use crate::core::source::SourceFile;
use crate::manifest::{self, Manifest, ServiceRecord};
use crate::model::analysis::{self, Analysis};
use crate::model::error::HANDWRITTEN_SERVICE_DIR;
use crate::model::{ModelOptions, ServiceKind};
use crate::openrc::service_files::ServiceFiles;
use crate::openrc::version::OpenrcVersion;
use crate::pipeline::input::{self, InputOptions, ReadError};
use crate::pipeline::s6rc;
use crate::pipeline::service_set::{self, Progress, SetOptions};

/// Everything a compile run needs to know.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    /// Where conf.d and rc.conf are.
    pub input: InputOptions,
    /// Model choices.
    pub model: ModelOptions,
    /// What the services become, and its settings.
    pub backend: Backend,
    /// The OpenRC the output is for.
    pub target: OpenrcVersion,
    /// The output directory as OpenRC will see it (absolute).
    pub output: String,
    /// Keep each service's syntax trees in its `Analysis` (for callers that rewrite the scripts).
    /// Otherwise they are dropped as soon as the service is compiled: they are most of a batch's
    /// memory (80 of 108 MB for the corpus of real scripts). With the s6 backend the model's
    /// detail goes too once the service is recorded (`Analysis::drop_model_detail`).
    pub keep_syntax_trees: bool,
}

/// One service, compiled: what the set's last steps, the writer and the report read, and the
/// whole analysis unless the caller let it go ([`CompiledService::keep_summary_only`]).
#[derive(Debug, Clone)]
pub struct CompiledService {
    /// Its files and model; `None` once only the summary is kept.
    pub analysis: Option<Box<Analysis>>,
    /// The init script (its name and text: the findings point into it).
    pub script: SourceFile,
    /// What the service became (s6-rc: a script with no daemon and no definition is not
    /// converted).
    pub kind: ServiceKind,
    /// Findings about it: parsing, modelling, emitting, and the set's (a name given twice).
    pub findings: Vec<Finding>,
    /// The service directory, for converted longruns (for s6-rc: the service's own definition,
    /// a oneshot's too).
    pub dir: Option<ServiceDir>,
    /// The service's other directories: the s6-rc backend's logger and oneshots.
    pub companions: Vec<ServiceDir>,
    /// Its manifest record.
    pub record: ServiceRecord,
    /// A script rc2s6 already migrated (supervisor=s6, no command) whose service directory is
    /// this output's: the directory from the earlier run stays as it is.
    pub migrated: bool,
    /// Its directories were handed to the writer as it was compiled (`write::Writer::stage`),
    /// which numbered it: their files are on disk under a temporary name, and `dir` and
    /// `companions` keep only their names.
    pub staged: Option<usize>,
}

impl CompiledService {
    /// A compiled service over its analysis.
    fn new(analysis: Analysis, dir: Option<ServiceDir>, companions: Vec<ServiceDir>, record: ServiceRecord) -> Self {
        CompiledService {
            script: analysis.script().clone(),
            kind: analysis.service.kind,
            findings: analysis.findings.clone(),
            analysis: Some(Box::new(analysis)),
            dir,
            companions,
            record,
            migrated: false,
            staged: None,
        }
    }

    /// Whether the service counts as converted or cleanly oneshot.
    pub fn ok(&self) -> bool {
        let duplicate = self.findings.iter().any(|f| f.code() == &DUPLICATE_SERVICE);
        !duplicate && (self.dir.is_some() || self.migrated || self.kind == ServiceKind::Oneshot)
    }

    /// Findings about this service.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Lets the analysis go, keeping what the set's last steps, the writer and the report read
    /// (name, kind, script, findings, directories, record): a batch of thousands of services
    /// keeps only this much of each (the analysis is 1.5 kB inline and its heap as much again).
    pub fn keep_summary_only(&mut self) {
        self.analysis = None;
    }
}

/// A compile run's result.
#[derive(Debug, Clone)]
pub struct Compilation {
    /// The services, sorted by name.
    pub services: Vec<CompiledService>,
    /// Files in walked directories that are not openrc-run scripts.
    pub skipped: Vec<PathBuf>,
    /// Files that could not be read.
    pub read_errors: Vec<ReadError>,
    /// The manifest's header (rc2s6's version, the target, the output, the backend, the daemon
    /// tables) with no records: the services' and bundles' own records are the rest, put
    /// together by [`Compilation::manifest`] (not kept twice for the whole run).
    pub manifest_header: Manifest,
    /// The bundles the s6-rc backend made for the set (virtual names, runlevels).
    pub bundles: Vec<CompiledBundle>,
    /// Findings about the set rather than one service (an option, a runlevel).
    pub findings: Vec<Finding>,
}

/// A bundle the s6-rc backend made for the set.
#[derive(Debug, Clone)]
pub struct CompiledBundle {
    /// Its definition.
    pub dir: ServiceDir,
    /// Its manifest record.
    pub record: ServiceRecord,
}

define_codes! {
    /// The code of [`DuplicateService`], in the `input` phase.
    CODES in input {
        DUPLICATE_SERVICE = duplicate_service: Error,
    }
}

/// Two inputs with the same service name.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("`{name}` is given twice ({first} and {second}); one service directory cannot hold both")]
#[diagnostic(help("compile the two directories separately, or rename one script"))]
pub struct DuplicateService {
    /// The service name.
    pub name: String,
    /// The first path.
    pub first: String,
    /// The second path.
    pub second: String,
}

impl Coded for DuplicateService {
    fn code(&self) -> &'static Code {
        &DUPLICATE_SERVICE
    }
}

/// What compiling adds to an analysis, worked out on the thread that made it.
struct Emitted {
    dir: Result<Option<ServiceDir>, EmitError>,
    migrated: bool,
    /// For the s6-rc backend: the service's definitions before the set step, or why none.
    s6rc: Option<s6rc::Emitted>,
}

/// Whether a script that selects s6 with no command is one rc2s6 migrated earlier: its service
/// directory is this output's own.
fn is_migrated(analysis: &Analysis, opts: &CompileOptions) -> bool {
    let name = &analysis.service.name;
    let own = format!("{}/{}", opts.output.trim_end_matches('/'), name);
    let path =
        analysis.service.s6_service_path.clone().unwrap_or_else(|| crate::openrc::paths::default_service_path(name));
    path == own && analysis.findings.iter().any(|f| f.code() == &HANDWRITTEN_SERVICE_DIR)
}

/// What the backend makes of an analysis, on the worker thread that made it.
fn emit_one(analysis: &Analysis, opts: &CompileOptions) -> Emitted {
    if let Backend::S6Rc(s6rc_opts) = &opts.backend {
        let emitted = s6rc::emit(analysis, s6rc_opts, &opts.target);
        return Emitted { dir: Ok(None), migrated: false, s6rc: Some(emitted) };
    }
    let dir = opts.backend.service_dir(&analysis.service, analysis.private);
    Emitted { dir, migrated: is_migrated(analysis, opts), s6rc: None }
}

/// Puts an analysis and what was emitted for it together, with its manifest record.
fn finish(mut analysis: Analysis, emitted: Emitted, opts: &CompileOptions) -> CompiledService {
    if emitted.migrated {
        // A migrated script links the directory rc2s6 wrote into this output: not hand-written.
        analysis.findings.retain(|f| f.code() != &HANDWRITTEN_SERVICE_DIR);
    }
    let dir = match emitted.dir {
        Ok(d) => d,
        Err(e) => {
            analysis.findings.push(Finding::new(Some(analysis.script().clone()), e));
            None
        }
    };
    let record = service_record(&analysis, dir.as_ref(), opts);
    CompiledService { migrated: emitted.migrated, ..CompiledService::new(analysis, dir, Vec::new(), record) }
}

/// The manifest's record of a service, whichever backend wrote its directory.
fn service_record(analysis: &Analysis, dir: Option<&ServiceDir>, opts: &CompileOptions) -> ServiceRecord {
    manifest::service_record(
        &analysis.service,
        &analysis.sources_with_roles(),
        dir,
        &analysis.findings,
        &opts.output,
        opts.backend.log_dir(&analysis.service),
        analysis.private,
    )
}

/// Puts an analysis and its s6-rc definitions (after the set step) together, with its manifest
/// record; a service the backend or the set step refused gets its findings and no definition.
fn finish_s6rc(
    mut analysis: Analysis,
    service: Option<S6RcService>,
    findings: Vec<Finding>,
    opts: &CompileOptions,
) -> CompiledService {
    analysis.findings.extend(findings);
    if service.is_none() && analysis.service.kind == ServiceKind::Oneshot {
        // A script without a daemon is a oneshot definition here: without it, not converted.
        analysis.service.kind = ServiceKind::NotConverted;
    }
    let (mut dirs, decisions) = match service {
        Some(s) => (s.dirs, s.decisions),
        None => (Vec::new(), Vec::new()),
    };
    let companions = if dirs.len() > 1 { dirs.split_off(1) } else { Vec::new() };
    let dir = dirs.pop();
    let record = manifest::s6rc_record(service_record(&analysis, dir.as_ref(), opts), &companions, &decisions);
    CompiledService::new(analysis, dir, companions, record)
}

/// Compiles one script: read, analyse, emit.
pub fn compile_one(script: &Path, opts: &CompileOptions) -> Result<CompiledService, ReadError> {
    Ok(compile_files(input::load_service(script, &opts.input)?, opts))
}

/// Compiles one service's files, already read: analyse and emit, touching no file.
pub fn compile_files(files: ServiceFiles, opts: &CompileOptions) -> CompiledService {
    let mut analysis = analysis::analyze(files, &opts.model);
    // The s6-rc backend reads the syntax trees and the final variables.
    let emitted = emit_one(&analysis, opts);
    if !opts.keep_syntax_trees {
        analysis.drop_working_state();
    }
    match emitted.s6rc {
        Some(one) => {
            let (mut services, _, _) = s6rc_set(vec![(analysis, one)], &[], opts);
            services.remove(0)
        }
        None => finish(analysis, emitted, opts),
    }
}

/// Compiles everything the arguments name and builds the manifest.
pub fn run(paths: &[PathBuf], opts: &CompileOptions) -> Compilation {
    run_with_progress(paths, opts, &Progress::default())
}

/// [`run`], counting the scripts done in `progress` (for a progress display).
pub fn run_with_progress(paths: &[PathBuf], opts: &CompileOptions, progress: &Progress) -> Compilation {
    run_staged(paths, opts, progress, &|_| {})
}

/// [`run_with_progress`], handing each service to `stage` on the worker thread that compiled
/// it, before it joins the set (the writer builds its directories there, so the set need not
/// keep their files). Only the s6 backend's services are staged: the s6-rc backend's
/// definitions are made for the whole set at the end. A service may still be refused
/// afterwards, as a name given twice.
pub fn run_staged(
    paths: &[PathBuf],
    opts: &CompileOptions,
    progress: &Progress,
    stage: &(dyn Fn(&mut CompiledService) + Sync),
) -> Compilation {
    let Backend::S6Rc(s6rc_opts) = &opts.backend else { return run_s6(paths, opts, progress, stage) };
    let set_opts =
        SetOptions { input: opts.input.clone(), model: opts.model.clone(), keep_syntax_trees: opts.keep_syntax_trees };
    // Parsing, modelling and emitting happen on the worker threads; the set is sorted by name.
    let set = service_set::load_with_progress(paths, &set_opts, progress, |a| emit_one(a, opts));
    let (skipped, mut read_errors) = (set.skipped, set.read_errors);
    let members: Vec<(Analysis, s6rc::Emitted)> =
        set.members.into_iter().map(|m| (m.analysis, m.extra.s6rc.unwrap_or(Ok(None)))).collect();
    let runlevels = match s6rc_opts.runlevels.as_deref().map(s6rc::read_runlevels) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            read_errors.push(e);
            Vec::new()
        }
        None => Vec::new(),
    };
    let (services, bundles, findings) = s6rc_set(members, &runlevels, opts);
    finish_set(services, bundles, findings, (skipped, read_errors), opts)
}

/// [`run_with_progress`] for the s6 backend, which needs nothing of the set to make a service's
/// directory: each service is finished on the worker thread that analysed it, and only what the
/// run reports and writes is kept of its analysis (see [`Analysis::drop_model_detail`]).
fn run_s6(
    paths: &[PathBuf],
    opts: &CompileOptions,
    progress: &Progress,
    stage: &(dyn Fn(&mut CompiledService) + Sync),
) -> Compilation {
    let loaded = service_set::load_owned(paths, &opts.input, &opts.model, progress, |mut analysis| {
        let emitted = emit_one(&analysis, opts);
        if !opts.keep_syntax_trees {
            analysis.drop_working_state();
        }
        let mut compiled = finish(analysis, emitted, opts);
        if let Some(analysis) = compiled.analysis.as_mut().filter(|_| !opts.keep_syntax_trees) {
            analysis.drop_model_detail();
        }
        stage(&mut compiled);
        compiled
    });
    finish_set(loaded.items, Vec::new(), Vec::new(), (loaded.skipped, loaded.read_errors), opts)
}

/// The set's last step: services given twice refused, the manifest of everything.
fn finish_set(
    mut services: Vec<CompiledService>,
    bundles: Vec<CompiledBundle>,
    findings: Vec<Finding>,
    (skipped, read_errors): (Vec<PathBuf>, Vec<ReadError>),
    opts: &CompileOptions,
) -> Compilation {
    refuse_duplicates(&mut services);
    let mut manifest_header =
        Manifest::new(&opts.target, &opts.output, Vec::new()).with_daemon_tables(&opts.model.daemon_table.user);
    if let Backend::S6Rc(_) = &opts.backend {
        manifest_header.backend = Some(opts.backend.name().to_string());
    }
    Compilation { services, skipped, read_errors, manifest_header, bundles, findings }
}

/// The s6-rc set step: services whose name is given twice are left out first (both are refused
/// afterwards, as for the s6 backend), then dependencies, bundles and refusals; each service is
/// finished with what it became.
fn s6rc_set(
    members: Vec<(Analysis, s6rc::Emitted)>,
    runlevels: &[Runlevel],
    opts: &CompileOptions,
) -> (Vec<CompiledService>, Vec<CompiledBundle>, Vec<Finding>) {
    let s6rc_opts = match &opts.backend {
        Backend::S6Rc(o) => o.clone(),
        Backend::S6(_) => Default::default(),
    };
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (a, _) in &members {
        *count.entry(a.service.name.as_str()).or_default() += 1;
    }
    let twice: BTreeSet<String> = count.into_iter().filter(|(_, n)| *n > 1).map(|(k, _)| k.to_string()).collect();
    let (analyses, emitted): (Vec<Analysis>, Vec<s6rc::Emitted>) = members.into_iter().unzip();
    let mut set_members: Vec<Member<'_>> = analyses
        .iter()
        .zip(emitted)
        .map(|(a, e)| {
            let (service, findings) = match e {
                Ok(s) if !twice.contains(&a.service.name) => (s, Vec::new()),
                Ok(_) => (None, Vec::new()),
                Err(f) => (None, f),
            };
            Member { analysis: a, service, findings }
        })
        .collect();
    let out = s6rc::resolve(&mut set_members, runlevels, &s6rc_opts);
    let results: Vec<_> = set_members.into_iter().map(|m| (m.service, m.findings)).collect();
    let services = analyses
        .into_iter()
        .zip(results)
        .map(|(a, (service, findings))| finish_s6rc(a, service, findings, opts))
        .collect();
    let bundles = out
        .bundles
        .into_iter()
        .map(|b| {
            let what = if b.kind == "runlevel" { "runlevel bundle" } else { "virtual service bundle" };
            let record = manifest::bundle_record(&b.dir, what, &b.decisions);
            CompiledBundle { dir: b.dir, record }
        })
        .collect();
    (services, bundles, out.findings)
}

/// The same name twice would fight over one directory and one scan-directory link: neither is
/// converted. `services` is sorted by name.
fn refuse_duplicates(services: &mut [CompiledService]) {
    let mut i = 0;
    while i < services.len() {
        let name = services[i].record.name.clone();
        let j = services[i..].iter().take_while(|s| s.record.name == name).count() + i;
        if j - i > 1 {
            let paths: Vec<String> = services[i..j].iter().map(|s| s.script.name().to_string()).collect();
            for s in &mut services[i..j] {
                let finding = Finding::new(
                    Some(s.script.clone()),
                    DuplicateService { name: name.clone(), first: paths[0].clone(), second: paths[1].clone() },
                );
                s.record.diagnostics.push(manifest::DiagnosticRecord {
                    code: finding.code().name().into(),
                    severity: finding.severity.as_str().into(),
                    at: None,
                    message: finding.message(),
                });
                s.findings.push(finding);
                s.dir = None;
                s.migrated = false;
                s.record.kind = "not-converted".into();
                s.record.files.clear();
                s.record.servicedir = None;
                s.record.link_name = None;
                s.record.s6_service_path = None;
            }
        }
        i = j;
    }
}

impl Compilation {
    /// The manifest of everything: the header and every service's and bundle's record.
    pub fn manifest(&self) -> Manifest {
        let records = self.services.iter().map(|s| &s.record).chain(self.bundles.iter().map(|b| &b.record));
        self.manifest_header.with_services(records.cloned().collect())
    }

    /// Counts of (converted, oneshot, not converted).
    pub fn counts(&self) -> (usize, usize, usize) {
        let converted = self
            .services
            .iter()
            // s6-rc: a oneshot has a definition too, counted as a oneshot.
            .filter(|s| (s.dir.is_some() && s.kind != ServiceKind::Oneshot) || s.migrated)
            .count();
        // A oneshot refused as a duplicate is not converted, as its manifest record says.
        let oneshot = self.services.iter().filter(|s| s.kind == ServiceKind::Oneshot && s.ok()).count();
        (converted, oneshot, self.services.len() - converted - oneshot)
    }

    /// Whether any error-level finding exists.
    pub fn has_errors(&self) -> bool {
        self.services.iter().any(|s| s.findings().iter().any(|f| f.severity == Severity::Error))
            || self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}
