//! `rc2s6 verify -o OUT` for a tree written with `--backend s6-rc` (its manifest says so): every
//! definition is what the manifest records (no file edited, missing or added), no definition is
//! there that rc2s6 did not write without it being said, and the real `s6-rc-compile`, when it is
//! on PATH, compiles the whole tree into a temporary database.

use super::error::VerifyError;
use super::tree::S6RcTree;
use crate::core::diagnostic::{Finding, Severity};
use crate::manifest::drift::DriftKind;

/// What verify found about an s6-rc source tree.
#[derive(Debug, Clone, Default)]
pub struct S6RcReport {
    /// Every finding.
    pub findings: Vec<Finding>,
    /// How many services and bundles the manifest records.
    pub records: usize,
    /// How many definitions (directories) they have.
    pub definitions: usize,
    /// Whether s6-rc-compile compiled it (`None`: not run).
    pub compiled: Option<bool>,
}

impl S6RcReport {
    /// Whether nothing is an error.
    pub fn consistent(&self) -> bool {
        self.findings.iter().all(|f| f.severity != Severity::Error)
    }
}

/// Judges an s6-rc source tree at `output`.
pub fn check(tree: &S6RcTree, output: &str) -> S6RcReport {
    let mut report = S6RcReport::default();
    let out = output.trim_end_matches('/');
    let mut push = |e: VerifyError| report.findings.push(Finding::new(None, e));
    match &tree.manifest {
        None => push(VerifyError::ManifestMissing { output: out.to_string() }),
        Some(m) => {
            report.records = m.services.len();
            report.definitions = m.services.iter().map(|r| r.dirs().count()).sum();
        }
    }
    for (_, drift) in &tree.drift {
        let Ok(drift) = drift else { continue };
        for d in drift {
            let path = format!("{out}/{}", d.path);
            push(match d.kind {
                DriftKind::Edited => VerifyError::FileEdited { path },
                DriftKind::Missing => VerifyError::FileMissing { path },
                DriftKind::Extra | DriftKind::Foreign | DriftKind::Symlink => VerifyError::FileExtra { path },
                DriftKind::Supervised => continue,
            });
        }
    }
    for dir in &tree.foreign {
        push(VerifyError::ForeignDefinition { path: format!("{out}/{dir}") });
    }
    match &tree.compile {
        None => push(VerifyError::S6rcCompileNotFound),
        Some(Ok(())) => report.compiled = Some(true),
        Some(Err(message)) => {
            report.compiled = Some(false);
            push(VerifyError::S6rcCompileFailed { output: out.to_string(), message: message.clone() });
        }
    }
    report
}
