//! A set of init scripts verified against the disk (`rc2s6 verify`): loaded as compile loads
//! them, so each gets the service name compile gave it; the system observed once; compared.

use std::path::PathBuf;

use crate::model::analysis::Analysis;
use crate::pipeline::input::ReadError;
use crate::pipeline::service_set::{self, SetOptions};
use crate::verify::{self, Report, VerifyOptions};

/// What verifying a set found.
#[derive(Debug, Clone)]
pub struct VerifiedSet {
    /// The report, or why the system could not be observed.
    pub report: Result<Report, String>,
    /// Files that could not be read.
    pub read_errors: Vec<ReadError>,
}

/// Verifies every script the paths name (directories are walked).
pub fn verify_set(paths: &[PathBuf], set_opts: &SetOptions, opts: &VerifyOptions) -> VerifiedSet {
    let set = service_set::load(paths, set_opts, |_| ());
    let analyses: Vec<Analysis> = set.members.into_iter().map(|m| m.analysis).collect();
    let report = verify::tree::observe(&analyses, opts).map(|world| verify::check(&analyses, &world, opts));
    VerifiedSet { report, read_errors: set.read_errors }
}

/// Verifies an s6-rc source tree written with `--backend s6-rc`, from its manifest alone.
pub fn verify_s6rc(out: &std::path::Path) -> Result<verify::s6rc::S6RcReport, String> {
    let tree = verify::tree::observe_s6rc(out)?;
    Ok(verify::s6rc::check(&tree, &out.display().to_string()))
}

/// Whether the output directory holds a tree written with `--backend s6-rc`.
pub fn is_s6rc_tree(out: &std::path::Path) -> bool {
    verify::tree::manifest_backend(out).as_deref() == Some("s6-rc")
}
