//! `rc2s6 verify`: given init scripts as OpenRC will see them, check that OpenRC's s6 backend
//! will link exactly the service directories rc2s6 generated, and that s6 can run them.
//!
//! Three steps, IO only in the middle one: [`expected`] works out from each script's model what
//! OpenRC would link (pure); [`tree::observe`] reads the directories, the manifest, the scan
//! directory and asks the real `execlineb` (the edge); [`check`] compares the two (pure), one
//! concern per file: `selection` (does the script select s6 at all), `service_dir` (the
//! directory's files), `readiness`, `drift` (against the manifest), `scan` (the links).

mod drift;
pub mod error;
mod expected;
pub mod openrc_generated;
mod readiness;
pub mod s6rc;
mod scan;
mod selection;
mod service_dir;
mod sources;
pub mod tree;

use std::collections::BTreeMap;

use miette::SourceSpan;

use crate::core::diagnostic::{Finding, Severity};
use crate::core::source::SourceFile;
use crate::manifest::drift::Drift;
use crate::manifest::{Manifest, ServiceRecord};
use crate::model::Loc;
use crate::model::analysis::{Analysis, NOT_OPENRC_RUN};
use crate::openrc::version::{OpenrcVersion, UnlinkedOutput};
use crate::shell::parse::error::CODES as PARSE_CODES;
use error::VerifyError;
pub use expected::{Expected, Generated, Unlinked, expected, settle};
use tree::{DirSnapshot, ScanSnapshot};

/// What verify is asked to check against.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The OpenRC whose s6 backend will run the scripts.
    pub target: OpenrcVersion,
    /// The directory rc2s6 compiled into (absolute).
    pub output: String,
    /// The scan directory to compare, if any (`/run/openrc/s6-scan` on a live system).
    pub scan_dir: Option<String>,
}

impl VerifyOptions {
    /// The scan directory OpenRC links into: the given one, or OpenRC's.
    pub fn scan_dir(&self) -> String {
        self.scan_dir.clone().unwrap_or_else(crate::openrc::paths::scan_dir)
    }
}

/// What the system holds, as [`tree::observe`] read it.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Service directories by path: every expected one, rc2s6's own, and every link target.
    pub dirs: BTreeMap<String, DirSnapshot>,
    /// The output directory's manifest.
    pub manifest: Option<Manifest>,
    /// Drift of each manifest record named by a service, or why it could not be read.
    pub drift: BTreeMap<String, Result<Vec<Drift>, String>>,
    /// The scan directory, when asked for.
    pub scan: Option<ScanSnapshot>,
    /// Whether a real execlineb checked the scripts.
    pub execlineb: bool,
}

/// One service's verdict.
#[derive(Debug, Clone)]
pub struct ServiceReport {
    /// What OpenRC will link.
    pub expected: Expected,
    /// What is wrong or worth knowing.
    pub findings: Vec<Finding>,
}

/// Everything verify found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings about the whole set.
    pub global: Vec<Finding>,
    /// One report per script, in the order given.
    pub services: Vec<ServiceReport>,
}

impl Report {
    /// Whether nothing is an error.
    pub fn consistent(&self) -> bool {
        self.all().all(|f| f.severity != Severity::Error)
    }

    /// Every finding, global ones first.
    pub fn all(&self) -> impl Iterator<Item = &Finding> {
        self.global.iter().chain(self.services.iter().flat_map(|s| s.findings.iter()))
    }
}

/// The service directory rc2s6 compiled for a service (`OUT/NAME`).
pub fn rc2s6_dir(opts: &VerifyOptions, service: &str) -> String {
    format!("{}/{service}", opts.output.trim_end_matches('/'))
}

/// The manifest's record of the service directory at `path`, if rc2s6 compiled it into the
/// output.
fn manifest_record<'a>(world: &'a World, opts: &VerifyOptions, path: &str) -> Option<&'a ServiceRecord> {
    let out = opts.output.trim_end_matches('/');
    world
        .manifest
        .as_ref()?
        .services
        .iter()
        .find(|r| r.servicedir.as_ref().is_some_and(|d| same_path(&format!("{out}/{d}"), path)))
}

/// Whether two paths name the same place, a trailing `/` aside.
fn same_path(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// The findings about one service, each located in one of its files.
struct ServiceFindings<'a> {
    analysis: &'a Analysis,
    found: Vec<Finding>,
}

impl<'a> ServiceFindings<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        ServiceFindings { analysis, found: Vec::new() }
    }

    /// A finding at `loc` (an assignment, a function), or at the script's first line when
    /// nothing in particular says it.
    fn at(&mut self, loc: Option<Loc>, error: impl FnOnce(SourceSpan) -> VerifyError) {
        let a = self.analysis;
        let (file, span): (SourceFile, SourceSpan) =
            match loc.and_then(|l| a.find_source(l.file).map(|f| (f.clone(), l.span.into()))) {
                Some(x) => x,
                None => {
                    let text = a.script().text();
                    (a.script().clone(), (0, text.find('\n').unwrap_or(text.len())).into())
                }
            };
        self.found.push(Finding::new(Some(file), error(span)));
    }

    /// A finding about the script as a whole, with no place in it.
    fn about_script(&mut self, error: VerifyError) {
        self.found.push(Finding::new(Some(self.analysis.script().clone()), error));
    }
}

/// What checking each service needs to know about the others and the system.
struct SetView<'a> {
    expectations: &'a [Expected],
    /// The services linked under each name, as indices into `expectations`.
    by_link: BTreeMap<&'a str, Vec<usize>>,
    world: &'a World,
    opts: &'a VerifyOptions,
}

/// Compares what OpenRC will do with what is on disk.
pub fn check(analyses: &[Analysis], world: &World, opts: &VerifyOptions) -> Report {
    let mut report = Report { global: set_findings(world, opts), services: Vec::new() };
    let expectations: Vec<Expected> = analyses
        .iter()
        .map(|a| {
            let e = expected(a, &opts.target);
            let prepared = e.prepared.as_ref().and_then(|p| world.dirs.get(p));
            settle(e, &opts.target, prepared)
        })
        .collect();
    let mut by_link: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in expectations.iter().enumerate().filter(|(_, e)| e.unlinked.is_none()) {
        by_link.entry(e.link.as_str()).or_default().push(i);
    }
    let set = SetView { expectations: &expectations, by_link, world, opts };
    for (i, a) in analyses.iter().enumerate() {
        let findings = check_service(a, i, &set);
        report.services.push(ServiceReport { expected: expectations[i].clone(), findings });
    }
    if let Some(scan) = &world.scan {
        report.global.extend(scan::check_scan(&expectations, scan, world, opts));
    }
    report
}

/// Findings about the set as a whole: an output OpenRC would not link, no execlineb to check
/// scripts with, no manifest to compare with.
fn set_findings(world: &World, opts: &VerifyOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for problem in opts.target.unlinked_output(&opts.output) {
        let version = opts.target.to_string();
        let error = match problem {
            UnlinkedOutput::NoCompatMode => VerifyError::NoCompatMode { version },
            UnlinkedOutput::NotVarSvcD => VerifyError::OutputNotVarSvcD { version, output: opts.output.clone() },
        };
        out.push(Finding::new(None, error));
    }
    if !world.execlineb {
        out.push(Finding::new(None, VerifyError::ExeclinebNotFound));
    }
    if world.manifest.is_none() {
        out.push(Finding::new(None, VerifyError::ManifestMissing { output: opts.output.clone() }));
    }
    out
}

/// Everything about the `i`-th service.
fn check_service(a: &Analysis, i: usize, set: &SetView) -> Vec<Finding> {
    let e = &set.expectations[i];
    // A script that does not parse: the parser has said where; nothing else is known.
    let broken: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|x| x.severity == Severity::Error && (PARSE_CODES.contains(&x.code()) || x.code() == &NOT_OPENRC_RUN))
        .collect();
    if !broken.is_empty() || !a.parsed {
        return broken.into_iter().cloned().collect();
    }
    let target = &set.opts.target;
    let mut f = ServiceFindings::new(a);
    selection::check_selection(&mut f, target);
    match e.unlinked {
        Some(Unlinked::ServicePathEmpty) => {
            f.at(e.decided_at, |span| VerifyError::ServicePathEmpty { version: target.to_string(), span });
            return f.found;
        }
        // check_selection said why: OpenRC links nothing, so no directory of it is used.
        Some(Unlinked::NotS6 | Unlinked::StartBypassesS6) => return f.found,
        None => {}
    }
    scan::check_link_name(&mut f, e, i, set);
    // The prepared directory OpenRC links, or would link were it usable (0.63.1+ then
    // generates its own: what is wrong with ours says why).
    if let Some(prepared) = &e.prepared {
        match set.world.dirs.get(prepared) {
            Some(dir) => service_dir::check_dir(&mut f, e, prepared, dir, set.world, set.opts),
            None => {
                let fix = service_dir::recreate(prepared, set.world, set.opts);
                let effect = service_dir::dir_unusable(e, target);
                f.at(e.decided_at, |span| VerifyError::ServicedirMissing { path: prepared.clone(), effect, fix, span });
            }
        }
        if let Some(record) = manifest_record(set.world, set.opts, prepared) {
            sources::check_sources(&mut f, record, prepared);
        }
    }
    if let Some(scan) = &set.world.scan {
        scan::check_link(&mut f, e, scan, set.world, set.opts);
    }
    f.found
}
