//! A set of init scripts linted (`rc2s6 lint`): each script's rules run on the thread that
//! analysed it, then the rules about the whole set, the allow comments and the levels.

use std::path::PathBuf;

use crate::core::diagnostic::Finding;
use crate::lint::{self, LintOptions};
use crate::pipeline::input::ReadError;
use crate::pipeline::service_set::{self, SetOptions};

/// What linting a set found.
#[derive(Debug, Clone)]
pub struct LintedSet {
    /// Every finding, final (see [`lint::finish`]).
    pub findings: Vec<Finding>,
    /// How many scripts were linted.
    pub scripts: usize,
    /// Files in walked directories that are not init scripts.
    pub skipped: Vec<PathBuf>,
    /// Files that could not be read.
    pub read_errors: Vec<ReadError>,
}

/// Lints every script the paths name (directories are walked) as one set.
pub fn lint_set(paths: &[PathBuf], set_opts: &SetOptions, opts: &LintOptions) -> LintedSet {
    // Each analysis is dropped on its worker thread once linted: the set rules read a summary.
    let progress = service_set::Progress::default();
    let set =
        service_set::load_owned(paths, &set_opts.input, &set_opts.model, &progress, |a| lint::lint_service(&a, opts));
    let scripts = set.items.len();
    let findings = lint::finish(set.items, opts);
    LintedSet { findings, scripts, skipped: set.skipped, read_errors: set.read_errors }
}
