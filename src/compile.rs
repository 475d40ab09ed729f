//! A batch of init scripts → service directories and a manifest, in memory. One broken script
//! never stops the others.

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use crate::analysis::{self, Analysis};
use crate::diagnostic::{Finding, Severity};
use crate::emit::{self, EmitOptions, Manifest, ServiceDir, ServiceRecord};
use crate::input::{self, InputOptions, ReadError, ReadSource, ServiceFiles};
use crate::model::{ModelOptions, ServiceKind};
use crate::openrc_target::OpenrcTarget;

/// Everything a compile run needs to know.
#[derive(Debug, Clone)]
pub struct CompileOptions {
    /// Where conf.d and rc.conf are.
    pub input: InputOptions,
    /// Model choices.
    pub model: ModelOptions,
    /// Output settings.
    pub emit: EmitOptions,
    /// The OpenRC the output is for.
    pub target: OpenrcTarget,
    /// The output directory as OpenRC will see it (absolute).
    pub output: String,
    /// Keep each service's syntax trees in its `Analysis` (for callers that rewrite the scripts).
    /// Otherwise they are dropped as soon as the service is compiled: they are most of a batch's
    /// memory (80 of 108 MB for the corpus of real scripts).
    pub keep_syntax_trees: bool,
}

/// One service, compiled.
#[derive(Debug, Clone)]
pub struct CompiledService {
    /// Its files and model.
    pub analysis: Analysis,
    /// The service directory, for converted longruns.
    pub dir: Option<ServiceDir>,
    /// Its manifest record.
    pub record: ServiceRecord,
}

impl CompiledService {
    /// Whether the service counts as converted or cleanly oneshot.
    pub fn ok(&self) -> bool {
        self.dir.is_some() || self.analysis.service.kind == ServiceKind::Oneshot
    }

    /// Findings about this service.
    pub fn findings(&self) -> &[Finding] {
        &self.analysis.findings
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
    /// The manifest of everything.
    pub manifest: Manifest,
}

/// Two inputs with the same service name.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("`{name}` is given twice ({first} and {second}); one service directory cannot hold both")]
#[diagnostic(
    code(rc2s6::input::duplicate_service),
    help("compile the two directories separately, or rename one script")
)]
pub struct DuplicateService {
    /// The service name.
    pub name: String,
    /// The first path.
    pub first: String,
    /// The second path.
    pub second: String,
}

/// The files the arguments name: files as given (`false`), then the files of directories,
/// walked in sorted order (`true`), without dot files and editor or package-manager backups,
/// which are returned apart.
fn walk_inputs(paths: &[PathBuf]) -> (Vec<(PathBuf, bool)>, Vec<PathBuf>, Vec<ReadError>) {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if !p.is_dir() {
            found.push((p.clone(), false));
            continue;
        }
        for entry in walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name() {
            let f = match entry {
                Ok(e) if e.file_type().is_file() => e.into_path(),
                Ok(_) => continue,
                Err(e) => {
                    errors.push(ReadError { path: p.display().to_string(), message: e.to_string() });
                    continue;
                }
            };
            let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let backup =
                name.ends_with('~') || name.starts_with('.') || name.contains(".dpkg-") || name.ends_with(".apk-new");
            if backup { skipped.push(f) } else { found.push((f, true)) }
        }
    }
    (found, skipped, errors)
}

/// The scripts named by the arguments: files as given, directories walked (sorted, skipping
/// files that are not openrc-run scripts and editor backups).
pub fn collect_scripts(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<ReadError>) {
    let (found, mut skipped, errors) = walk_inputs(paths);
    let mut scripts = Vec::new();
    for (f, walked) in found {
        if !walked || starts_like_a_script(&f) { scripts.push(f) } else { skipped.push(f) }
    }
    (scripts, skipped, errors)
}

/// Whether a file's first line is an openrc-run shebang (reading only its start).
fn starts_like_a_script(f: &Path) -> bool {
    let mut head = Vec::with_capacity(256);
    std::fs::File::open(f)
        .and_then(|file| std::io::Read::read_to_end(&mut std::io::Read::take(file, 256), &mut head))
        .is_ok_and(|_| input::is_openrc_script(&String::from_utf8_lossy(&head)))
}

/// What compiling one input gave.
enum InputOutcome {
    Service(Box<CompiledService>),
    /// Found by walking a directory, and not an openrc-run script (or unreadable).
    Skipped(PathBuf),
    Unreadable(ReadError),
}

/// Reads an input once: skipped if it was found by walking and is not an openrc-run script,
/// compiled otherwise.
fn compile_input(path: &Path, walked: bool, rc_conf: &[ReadSource], opts: &CompileOptions) -> InputOutcome {
    let script = match input::read_source(path) {
        Ok(s) => s,
        Err(_) if walked => return InputOutcome::Skipped(path.to_path_buf()),
        Err(e) => return InputOutcome::Unreadable(e),
    };
    if walked && !input::is_openrc_script(script.0.text()) {
        return InputOutcome::Skipped(path.to_path_buf());
    }
    match input::load_service_read(path, script, rc_conf, &opts.input) {
        Ok(files) => InputOutcome::Service(Box::new(compile_files(files, opts))),
        Err(e) => InputOutcome::Unreadable(e),
    }
}

/// Compiles one script: read, analyse, emit.
pub fn compile_one(script: &Path, opts: &CompileOptions) -> Result<CompiledService, ReadError> {
    Ok(compile_files(input::load_service(script, &opts.input)?, opts))
}

/// Compiles one service's files, already read: analyse and emit, touching no file.
pub fn compile_files(files: ServiceFiles, opts: &CompileOptions) -> CompiledService {
    let roles = files.files.clone();
    let mut analysis = analysis::analyze(files, &opts.model);
    if !opts.keep_syntax_trees {
        analysis.scripts = Vec::new();
    }
    let mut dir = None;
    if let (ServiceKind::Longrun, Some(daemon)) = (analysis.service.kind, &analysis.service.daemon) {
        match emit::s6::service_dir(&analysis.service, daemon, &opts.emit) {
            Ok(d) => dir = Some(d),
            Err(e) => analysis.findings.push(Finding::new(Some(analysis.script().clone()), e)),
        }
    }
    let log_dir = Some(emit::s6::log_dir(&analysis.service.name, &opts.emit));
    let record = emit::manifest::service_record(
        &analysis.service,
        &roles,
        dir.as_ref(),
        &analysis.findings,
        &opts.output,
        log_dir,
    );
    CompiledService { analysis, dir, record }
}

/// Compiles scripts in parallel across the machine's cores; results are in a stable order.
pub fn compile(scripts: &[PathBuf], opts: &CompileOptions) -> (Vec<CompiledService>, Vec<ReadError>) {
    let mut services = Vec::new();
    let mut errors = Vec::new();
    for r in crate::parallel::in_parallel(scripts, |p| compile_one(p, opts)) {
        match r {
            Ok(s) => services.push(s),
            Err(e) => errors.push(e),
        }
    }
    (services, errors)
}

/// Compiles everything the arguments name and builds the manifest.
pub fn run(paths: &[PathBuf], opts: &CompileOptions) -> Compilation {
    let (inputs, mut skipped, mut read_errors) = walk_inputs(paths);
    let mut services = Vec::new();
    match input::read_rc_conf(opts.input.rc_conf.as_deref()) {
        // Every service reads it first: without it, none can be compiled right.
        Err(e) => read_errors.push(e),
        Ok(rc_conf) => {
            for outcome in
                crate::parallel::in_parallel(&inputs, |(path, walked)| compile_input(path, *walked, &rc_conf, opts))
            {
                match outcome {
                    InputOutcome::Service(s) => services.push(*s),
                    InputOutcome::Skipped(p) => skipped.push(p),
                    InputOutcome::Unreadable(e) => read_errors.push(e),
                }
            }
        }
    }
    skipped.sort();
    services.sort_by(|a, b| {
        a.analysis
            .service
            .name
            .cmp(&b.analysis.service.name)
            .then(a.analysis.script().name().cmp(b.analysis.script().name()))
    });
    // The same name twice would fight over one directory and one scan-directory link: neither
    // is converted.
    let mut i = 0;
    while i < services.len() {
        let name = services[i].analysis.service.name.clone();
        let j = services[i..].iter().take_while(|s| s.analysis.service.name == name).count() + i;
        if j - i > 1 {
            let paths: Vec<String> = services[i..j].iter().map(|s| s.analysis.script().name().to_string()).collect();
            for s in &mut services[i..j] {
                let finding = Finding::new(
                    Some(s.analysis.script().clone()),
                    DuplicateService { name: name.clone(), first: paths[0].clone(), second: paths[1].clone() },
                );
                s.record.diagnostics.push(emit::manifest::DiagnosticRecord {
                    code: finding.code(),
                    severity: finding.severity.as_str().into(),
                    at: None,
                    message: finding.message(),
                });
                s.analysis.findings.push(finding);
                s.dir = None;
                s.record.kind = "not-converted".into();
                s.record.files.clear();
                s.record.servicedir = None;
                s.record.link_name = None;
                s.record.s6_service_path = None;
            }
        }
        i = j;
    }
    let manifest = Manifest::new(&opts.target, &opts.output, services.iter().map(|s| s.record.clone()).collect());
    Compilation { services, skipped, read_errors, manifest }
}

impl Compilation {
    /// Counts of (converted, oneshot, not converted).
    pub fn counts(&self) -> (usize, usize, usize) {
        let converted = self.services.iter().filter(|s| s.dir.is_some()).count();
        let oneshot = self.services.iter().filter(|s| s.analysis.service.kind == ServiceKind::Oneshot).count();
        (converted, oneshot, self.services.len() - converted - oneshot)
    }

    /// Whether any error-level finding exists.
    pub fn has_errors(&self) -> bool {
        self.services.iter().any(|s| s.findings().iter().any(|f| f.severity == Severity::Error))
    }
}
