//! A compiled batch's init scripts rewritten for `supervisor=s6` (`--initd-out`, `--diff`):
//! every service that became a service directory is migrated; the others stay as they are.

use std::path::Path;

use crate::core::diagnostic::{Finding, Severity};
use crate::migrate::{self, Migration};
use crate::pipeline::compile::{Compilation, CompileOptions};
use crate::pipeline::input::file_mode;

/// Every migration of a batch.
#[derive(Debug, Clone)]
pub struct Migrations {
    /// Findings about the output as a whole (which OpenRC would not link it), before any script's.
    pub target_findings: Vec<Finding>,
    /// One per service with a service directory, in the batch's order.
    pub migrations: Vec<Migration>,
    /// Services left as they are: not converted, or oneshots.
    pub skipped: usize,
}

/// A migrated script to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigratedScript {
    /// Its file name: RC_SVCNAME.
    pub name: String,
    /// Its text.
    pub text: String,
    /// The permission bits of the script it replaces.
    pub mode: u32,
}

/// Migrates every converted service of a compiled batch (compiled with its syntax trees kept,
/// and each analysis: a service whose analysis was let go counts as left as it is).
pub fn migrate_all(comp: &Compilation, opts: &CompileOptions) -> Migrations {
    let mut migrations = Vec::new();
    let mut skipped = 0;
    for s in &comp.services {
        match (&s.dir, &s.analysis) {
            (Some(dir), Some(a)) => migrations.push(migrate::migrate(a, dir, &opts.target, &opts.output)),
            _ => skipped += 1,
        }
    }
    Migrations { target_findings: migrate::target_findings(&opts.target, &opts.output), migrations, skipped }
}

impl Migrations {
    /// Every finding: the output's, then each script's.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.target_findings.iter().chain(self.migrations.iter().flat_map(|m| m.findings.iter()))
    }

    /// Whether the target can run migrated scripts at all: no error about the output as a whole
    /// (OpenRC 0.63.0 never links a prepared directory).
    pub fn target_ok(&self) -> bool {
        !self.target_findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The migrations that can be used: no error-level finding, on a target that can run them.
    pub fn usable(&self) -> impl Iterator<Item = &Migration> {
        let target_ok = self.target_ok();
        self.migrations.iter().filter(move |m| target_ok && m.ok())
    }

    /// How many scripts could not be migrated.
    pub fn failed(&self) -> usize {
        self.migrations.len() - self.usable().count()
    }

    /// The usable scripts to write, each with the mode of the original (0755 if it cannot be
    /// read any more).
    pub fn scripts(&self) -> Vec<MigratedScript> {
        self.usable()
            .map(|m| MigratedScript {
                name: m.service.clone(),
                text: m.text.clone(),
                mode: file_mode(Path::new(&m.path)).unwrap_or(0o755),
            })
            .collect()
    }
}
