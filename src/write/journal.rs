//! Recovery from a run that was killed. Before changing any service directory, rc2s6 writes the
//! manifest it is about to make true as a journal; when every directory is in place it renames
//! the journal over the manifest. Each service directory changes by one rename, so after a kill
//! at any point every service on disk matches either its record in the manifest or its record in
//! the journal. The next run picks, per service, the record that matches and commits that as the
//! manifest before doing anything else.

use std::collections::BTreeSet;

use super::WriteError;
use super::fs_ops::At;
use super::is_safe_component;
use crate::manifest::Manifest;
use crate::manifest::drift::{DiskDir, DriftKind};

/// The journal's file name inside the output directory (a dot name: s6-svscan ignores it).
pub const JOURNAL_NAME: &str = ".rc2s6.journal.yaml";

/// The manifest that describes the disk after an interrupted run: for each service, its record
/// in the journal when the disk matches it, else its record in the manifest (against which any
/// remaining difference is then reported as a hand edit).
pub fn reconcile(out: &At, manifest: Option<&Manifest>, journal: &Manifest) -> Result<Manifest, WriteError> {
    let mut names: BTreeSet<&str> = journal.services.iter().map(|r| r.name.as_str()).collect();
    if let Some(m) = manifest {
        names.extend(m.services.iter().map(|r| r.name.as_str()));
    }
    let mut records = Vec::new();
    for name in names {
        let planned = journal.service(name);
        let before = manifest.and_then(|m| m.service(name));
        // A name that cannot be a directory never had one.
        let disk =
            if is_safe_component(name) { DiskDir::read_in(out.dir, name, &out.path(name))? } else { DiskDir::Absent };
        // Files the admin or s6 added are kept across a rebuild: they say nothing of which
        // record the directory matches.
        let matches = |r| disk.drift_from(name, r).iter().all(|d| d.kind == DriftKind::Extra);
        let chosen = if matches(planned) { planned } else { before };
        records.extend(chosen.cloned());
    }
    Ok(Manifest { services: records, ..journal.clone() })
}
