//! What a run does to each unit of the output (a service's directories, or a bundle): keep,
//! write, remove, or leave alone because of drift, decided from what this run made, the
//! manifest on disk and what is on disk now.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};

use super::fs_ops::At;
use super::{WriteError, WriteOptions, WriteReport, is_safe_component};
use crate::backend::service_dir::ServiceDir;
use crate::manifest::drift::{self, DiskDir, Drift, DriftKind};
use crate::manifest::stored::StoredManifest;
use crate::manifest::{MANIFEST_NAME, ServiceRecord};
use crate::pipeline::compile::{Compilation, CompiledService};

/// What happens to one service directory.
pub(super) enum Action<'a> {
    /// Build it and put it in place; `replaces` says whether something is there now,
    /// `generated_before` which of its files rc2s6 made (the rest is kept).
    Write { dir: &'a ServiceDir, replaces: bool, generated_before: BTreeSet<String> },
    /// Move the existing directory aside and delete it.
    Remove { name: String },
}

/// What one manifest record describes and what this run plans for it: a service's directories
/// (one for the s6 backend; the s6-rc backend adds its logger and oneshots), or a bundle the
/// s6-rc backend makes for the set.
pub(super) struct Unit<'a> {
    pub(super) name: &'a str,
    /// The record this run writes; `None` for a bundle no longer made, whose directory goes.
    pub(super) record: Option<&'a ServiceRecord>,
    /// The directories planned, the service's own first.
    pub(super) dirs: Vec<&'a ServiceDir>,
    /// A script rc2s6 migrated, whose directory from an earlier run stays.
    pub(super) migrated: bool,
    /// Its directories were handed to the writer as it was compiled (their files are gone
    /// from memory): what happens to it was decided then, under this number.
    pub(super) staged: Option<usize>,
}

impl<'a> Unit<'a> {
    /// A compiled service's unit.
    pub(super) fn of(s: &'a CompiledService) -> Self {
        Unit {
            name: &s.record.name,
            record: Some(&s.record),
            dirs: s.dir.iter().chain(&s.companions).collect(),
            migrated: s.migrated,
            staged: s.staged,
        }
    }

    /// The index of one of its planned directories in `dirs`.
    pub(super) fn index(&self, dir: &ServiceDir) -> usize {
        self.dirs.iter().position(|d| std::ptr::eq(*d, dir)).unwrap_or_default()
    }
}

/// Every unit of a compilation, and the bundles of the manifest on disk it no longer makes.
pub(super) fn units<'a>(comp: &'a Compilation, old: Option<&'a StoredManifest>) -> Vec<Unit<'a>> {
    let mut out: Vec<Unit<'a>> = comp.services.iter().map(Unit::of).collect();
    out.extend(comp.bundles.iter().map(|b| Unit {
        name: &b.record.name,
        record: Some(&b.record),
        dirs: vec![&b.dir],
        migrated: false,
        staged: None,
    }));
    let made: BTreeSet<&str> = out.iter().map(|u| u.name).collect();
    if let Some(m) = old {
        out.extend(m.bundles().filter(|name| !made.contains(name)).map(|name| Unit {
            name,
            record: None,
            dirs: Vec::new(),
            migrated: false,
            staged: None,
        }));
    }
    out
}

/// The names the output directory held once the run had it locked and its leftovers removed (a
/// dry run: as it was; a leftover's name is never a service's), sorted: a service directory
/// whose name it did not hold is known absent without a `stat` (one per service that fails for
/// every service of a first run). Only rc2s6 under the lock makes directories there; one someone
/// else makes after the listing could as well be made after a `stat`, and putting a directory in
/// place never replaces what it did not expect (`RENAME_NOREPLACE`).
#[derive(Debug, Default)]
pub(super) struct Listing(pub(super) Vec<OsString>);

impl Listing {
    /// Whether `name` was an entry.
    pub(super) fn holds(&self, name: &str) -> bool {
        self.0.binary_search_by(|n| n.as_os_str().cmp(OsStr::new(name))).is_ok()
    }
}

/// Where the report lists a unit.
#[derive(Debug, Clone, Copy)]
pub(super) enum Listed {
    Written,
    Unchanged,
    Removed,
}

/// What the plan decided for one unit, besides the directories to build or remove.
#[derive(Debug)]
pub(super) struct Decided {
    /// Why it is left as it is (without `--force`); empty if it is not.
    drifted: Vec<Drift>,
    /// The manifest keeps the record on disk (a unit left alone, a migrated script's
    /// directory) instead of this run's.
    keeps_old_record: bool,
    /// That record, when it keeps it and there is one (boxed: a batch keeps a decision for
    /// every service it stages, and a record is 584 bytes inline).
    old_record: Option<Box<ServiceRecord>>,
    listed: Option<Listed>,
}

impl Decided {
    /// The record the manifest gets for `unit` (the one on disk is handed over: asked once).
    pub(super) fn take_record<'a>(&mut self, unit: &Unit<'a>) -> Option<Cow<'a, ServiceRecord>> {
        if self.keeps_old_record {
            self.old_record.take().map(|r| Cow::Owned(*r))
        } else {
            unit.record.map(Cow::Borrowed)
        }
    }

    /// Adds the decision to the report.
    pub(super) fn report(self, name: &str, report: &mut WriteReport) {
        report.drifted.extend(self.drifted);
        let list = match self.listed {
            Some(Listed::Written) => &mut report.written,
            Some(Listed::Unchanged) => &mut report.unchanged,
            Some(Listed::Removed) => &mut report.removed,
            None => return,
        };
        list.push(name.to_string());
    }
}

/// Decides what happens to one unit. `at` is `None` for a dry run into an output directory
/// that does not exist; `listing`, what it held, when known.
pub(super) fn plan_unit<'a>(
    at: Option<&At>,
    listing: Option<&Listing>,
    u: &Unit<'a>,
    old: Option<&StoredManifest>,
    opts: WriteOptions,
) -> Result<(Decided, Vec<Action<'a>>), WriteError> {
    let name = u.name;
    let old_record = match old {
        // A record that no longer reads as it did when the run began: nothing it says can be
        // trusted to decide what to overwrite.
        Some(m) => m.service(name).map_err(|why| WriteError::BadManifest {
            path: at.map(|a| a.path(MANIFEST_NAME).display().to_string()).unwrap_or_default(),
            why,
        })?,
        None => None,
    };
    let has_old = |dir: &str| old_record.as_ref().is_some_and(|r| r.dirs().any(|d| d == dir));
    // Every directory involved: the planned ones, then those the record on disk lists.
    let mut dir_names: Vec<&str> = u.dirs.iter().map(|d| d.name.as_str()).collect();
    for d in old_record.iter().flat_map(ServiceRecord::dirs) {
        if !dir_names.contains(&d) {
            dir_names.push(d);
        }
    }
    if dir_names.is_empty() {
        dir_names.push(name);
    }
    let mut drift = Vec::new();
    let mut on_disk = Vec::new();
    for dir in dir_names {
        let disk = match at {
            Some(_) if listing.is_some_and(|l| !l.holds(dir)) => DiskDir::Absent,
            Some(at) if is_safe_component(dir) => DiskDir::read_in(at.dir, dir, &at.path(dir))?,
            _ => DiskDir::Absent,
        };
        let generated_before = generated_files(old_record.as_ref(), dir);
        let planned = u.dirs.iter().copied().find(|d| d.name == dir);
        // What is on disk now must be what rc2s6 wrote last time, or nothing.
        let mut here = match planned {
            Some(p) if old_record.is_none() && disk.holds(p, &generated_before) => Vec::new(),
            _ => disk.drift_in(name, dir, old_record.as_ref()),
        };
        if let Some(p) = planned {
            // What the admin or s6 added is kept when the directory is rebuilt (a `down`
            // file, an `env/`): not in the way, unless the new directory needs its place.
            here.retain(|x| x.kind != DriftKind::Extra || collides(relative(dir, &x.path), p));
        }
        drift.extend(here);
        let replaced = match planned {
            Some(p) => !disk.is_absent() && !disk.holds(p, &generated_before),
            None => !u.migrated && has_old(dir) && !disk.is_absent(),
        };
        if replaced && at.is_some_and(|at| drift::is_supervised(&at.path(dir))) {
            drift.push(Drift { service: name.to_string(), path: dir.to_string(), kind: DriftKind::Supervised });
        }
        on_disk.push((dir, disk, planned, generated_before));
    }
    let unforcible = drift.iter().any(|d| !d.kind.forcible());
    if !drift.is_empty() && (!opts.force || unforcible) {
        // Keep describing what is on disk.
        let old_record = old_record.map(Box::new);
        return Ok((Decided { drifted: drift, keeps_old_record: true, old_record, listed: None }, Vec::new()));
    }
    // A script that selects s6 and has no command runs its daemon from a prepared service
    // directory (a script rc2s6 migrated): that directory is what OpenRC links, so it stays,
    // and so does its record.
    if u.dirs.is_empty() && u.migrated && old_record.as_ref().is_some_and(|r| r.servicedir.is_some()) {
        return Ok((
            Decided {
                drifted: Vec::new(),
                keeps_old_record: true,
                old_record: old_record.map(Box::new),
                listed: Some(Listed::Unchanged),
            },
            Vec::new(),
        ));
    }
    let (mut wrote, mut removed) = (false, false);
    let mut actions = Vec::new();
    for (dir, disk, planned, generated_before) in on_disk {
        match planned {
            Some(p) if disk.holds(p, &generated_before) => {}
            Some(p) => {
                check_plan(p)?;
                let replaces = !disk.is_absent();
                actions.push(Action::Write { dir: p, replaces, generated_before });
                wrote = true;
            }
            // No longer made: a directory rc2s6 made for it would run a stale daemon.
            None if has_old(dir) && !disk.is_absent() => {
                actions.push(Action::Remove { name: dir.to_string() });
                removed = true;
            }
            None => {}
        }
    }
    let listed = if u.dirs.is_empty() && removed {
        Some(Listed::Removed)
    } else if wrote || removed {
        Some(Listed::Written)
    } else if !u.dirs.is_empty() {
        Some(Listed::Unchanged)
    } else {
        None
    };
    Ok((Decided { drifted: Vec::new(), keeps_old_record: false, old_record: None, listed }, actions))
}

/// The files rc2s6 generated in `dir`, one of a service's directories, relative to it, as its
/// record says.
fn generated_files(record: Option<&ServiceRecord>, dir: &str) -> BTreeSet<String> {
    let Some(r) = record.filter(|r| r.dirs().any(|d| d == dir)) else { return BTreeSet::new() };
    let prefix = format!("{dir}/");
    r.files.iter().filter_map(|f| f.path.strip_prefix(&prefix).map(str::to_string)).collect()
}

/// A path of a drift report (`svc/x`) relative to the service directory.
fn relative<'p>(service: &str, path: &'p str) -> &'p str {
    path.strip_prefix(service).and_then(|p| p.strip_prefix('/')).unwrap_or(path)
}

/// Whether an entry at `rel` is in the way of the planned directory: a file it writes, a
/// directory it needs, or something under a file it writes.
fn collides(rel: &str, planned: &ServiceDir) -> bool {
    planned.files.iter().any(|f| {
        f.path == rel
            || f.path.strip_prefix(rel).is_some_and(|r| r.starts_with('/'))
            || rel.strip_prefix(f.path.as_str()).is_some_and(|r| r.starts_with('/'))
    })
}

/// Refuses a planned directory whose name or file paths would leave its place under `out`
/// (emit never makes one; this is the last line of defence).
fn check_plan(d: &ServiceDir) -> Result<(), WriteError> {
    let bad = |what: &str| WriteError::Io { path: what.to_string(), message: "not a plain relative path".into() };
    if !is_safe_component(&d.name) || d.name.starts_with('.') || d.name == MANIFEST_NAME {
        return Err(bad(&d.name));
    }
    match d.files.iter().find(|f| !f.path.split('/').all(is_safe_component)) {
        Some(f) => Err(bad(&f.path)),
        None => Ok(()),
    }
}
