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
use crate::manifest::drift::{DiskDir, DriftKind};
use crate::manifest::{Manifest, ServiceRecord};

/// The journal's file name inside the output directory (a dot name: s6-svscan ignores it).
pub const JOURNAL_NAME: &str = ".rc2s6.journal.yaml";

/// The manifest that describes the disk after an interrupted run: for each service, its record
/// in the journal when the disk matches it, else its record in the manifest (against which any
/// remaining difference is then reported as a hand edit). A service with several directories
/// (the s6-rc backend's) may have been killed between two of them: its record then takes each
/// directory from the record the disk matches.
pub fn reconcile(out: &At, manifest: Option<&Manifest>, journal: &Manifest) -> Result<Manifest, WriteError> {
    let mut names: BTreeSet<&str> = journal.services.iter().map(|r| r.name.as_str()).collect();
    if let Some(m) = manifest {
        names.extend(m.services.iter().map(|r| r.name.as_str()));
    }
    let mut records = Vec::new();
    for name in names {
        let planned = journal.service(name);
        let before = manifest.and_then(|m| m.service(name));
        let mut dirs: Vec<&str> = Vec::new();
        for d in planned.iter().chain(before.iter()).flat_map(|r| r.dirs()) {
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
        if dirs.is_empty() {
            dirs.push(name);
        }
        let mut as_planned = Vec::new();
        for dir in &dirs {
            // A name that cannot be a directory never had one.
            let disk =
                if is_safe_component(dir) { DiskDir::read_in(out.dir, dir, &out.path(dir))? } else { DiskDir::Absent };
            // Files the admin or s6 added are kept across a rebuild: they say nothing of which
            // record the directory matches.
            as_planned.push(disk.drift_in(name, dir, planned).iter().all(|d| d.kind == DriftKind::Extra));
        }
        let chosen = if as_planned.iter().all(|x| *x) {
            planned.cloned()
        } else if !as_planned.iter().any(|x| *x) {
            before.cloned()
        } else {
            merge(name, planned, before, &dirs, &as_planned)
        };
        records.extend(chosen);
    }
    Ok(Manifest { services: records, ..journal.clone() })
}

/// A record whose directories each come from the record the disk matches.
fn merge(
    name: &str,
    planned: Option<&ServiceRecord>,
    before: Option<&ServiceRecord>,
    dirs: &[&str],
    as_planned: &[bool],
) -> Option<ServiceRecord> {
    let mut record = planned.or(before)?.clone();
    record.files.clear();
    record.servicedir = None;
    record.companions.clear();
    for (dir, planned_here) in dirs.iter().zip(as_planned) {
        let Some(source) = (if *planned_here { planned } else { before }) else { continue };
        if !source.dirs().any(|d| d == *dir) {
            continue;
        }
        let prefix = format!("{dir}/");
        record.files.extend(source.files.iter().filter(|f| f.path.starts_with(&prefix)).cloned());
        if *dir == name {
            record.servicedir = Some(name.to_string());
        } else {
            record.companions.push(dir.to_string());
        }
    }
    record.files.sort_by(|a, b| a.path.cmp(&b.path));
    Some(record)
}
