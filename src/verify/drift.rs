//! The service directory against what the manifest says rc2s6 wrote there: edited, missing and
//! extra files, and the link OpenRC 0.16–0.62 nest inside a directory linked twice.

use super::error::VerifyError;
use super::tree::DirSnapshot;
use super::{Expected, ServiceFindings, VerifyOptions, World, manifest_record, same_path};
use crate::core::file_name::basename;
use crate::manifest::drift::DriftKind;

/// The directory against what the manifest says rc2s6 wrote there.
pub fn check_drift(
    f: &mut ServiceFindings,
    e: &Expected,
    path: &str,
    dir: &DirSnapshot,
    world: &World,
    opts: &VerifyOptions,
) {
    if world.manifest.is_none() {
        return;
    }
    let Some(record) = manifest_record(world, opts, path) else {
        f.at(e.decided_at, |span| VerifyError::NotFromRc2s6 {
            path: path.to_string(),
            output: opts.output.clone(),
            span,
        });
        return;
    };
    let drift = match world.drift.get(&record.name) {
        Some(Ok(d)) => d,
        Some(Err(_)) | None => return,
    };
    let base = basename(path.trim_end_matches('/'));
    for d in drift {
        let rel = d.path.split_once('/').map(|x| x.1).unwrap_or(&d.path);
        let full = format!("{}/{}", opts.output.trim_end_matches('/'), d.path);
        let nested = opts.target.links_with_ln()
            && d.kind == DriftKind::Extra
            && rel == base
            && dir.file(rel).and_then(|f| f.link.as_deref()).is_some_and(|t| same_path(t, path));
        let err = match d.kind {
            _ if nested => VerifyError::OpenrcNestedLink { path: full, version: opts.target.to_string() },
            DriftKind::Edited => VerifyError::FileEdited { path: full },
            DriftKind::Missing => VerifyError::FileMissing { path: full },
            DriftKind::Extra | DriftKind::Foreign | DriftKind::Symlink => VerifyError::FileExtra { path: full },
            // A running supervisor is what a live system should have; only a rewrite must avoid it.
            DriftKind::Supervised => continue,
        };
        f.about_script(err);
    }
}
