//! The only place that writes the output directory.
//!
//! A run, under an exclusive lock on `<out>/.rc2s6.lock`:
//! 1. recover: if a journal is left by a killed run, commit the manifest that matches the disk
//!    (see `journal`), and remove half-built leftovers (`.rc2s6-new.*`, `.rc2s6-old.*`);
//! 2. plan: per service, keep (already up to date), write, remove (no longer converted), or leave
//!    alone (edited by hand, reported; `--force` overwrites, but never through a symbolic link);
//! 3. if anything changes: write the new manifest as the journal, build every new directory
//!    beside its destination (`.rc2s6-new.<name>`), sync once, put each in place with one
//!    `rename` or `renameat2(RENAME_EXCHANGE)` (removals are renamed aside first), sync, rename
//!    the journal over the manifest, then delete the old directories.
//!
//! So a run killed at any point leaves every service as it was or fully new, and the manifest
//! consistent with the disk once the next run (or `--dry-run`) has read the journal. Unchanged
//! services and an unchanged manifest are never touched. Every name joined to the output path is
//! one plain path component, whether it comes from a script or from the manifest on disk.

mod fs_ops;
mod initd;
mod journal;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::fd::AsRawFd as _;
use std::path::Path;

use miette::Diagnostic;
use thiserror::Error;

use crate::manifest::drift::{self, DiskError, Drift, DriftKind};
pub use initd::write_initd;
pub use journal::JOURNAL_NAME;

use crate::backend::service_dir::ServiceDir;
use crate::core::diagnostic::{Code, Coded, define_codes};
use crate::core::dir::Dir;
use crate::core::regular_file::ReadRefusal;
use crate::manifest::MANIFEST_NAME;
use crate::manifest::{Manifest, ServiceRecord};
use crate::pipeline::compile::Compilation;
use drift::DiskDir;
use fs_ops::{At, FsOps, io};

/// The lock file: one rc2s6 at a time writes an output directory.
pub const LOCK_NAME: &str = ".rc2s6.lock";
/// A service directory being built, or (after the exchange) the one it replaced.
const NEW_PREFIX: &str = ".rc2s6-new.";
/// A service directory moved aside to be deleted.
const OLD_PREFIX: &str = ".rc2s6-old.";
/// The manifest or journal being written.
const TMP_PREFIX: &str = ".rc2s6-tmp.";

/// How to write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Overwrite hand-edited files.
    pub force: bool,
    /// Report what would happen without touching anything.
    pub dry_run: bool,
}

/// What writing did.
#[derive(Debug, Clone, Default)]
pub struct WriteReport {
    /// Services written (new or changed).
    pub written: Vec<String>,
    /// Services already up to date.
    pub unchanged: Vec<String>,
    /// Service directories removed because their script no longer converts.
    pub removed: Vec<String>,
    /// Services left alone because of drift (without `--force`).
    pub drifted: Vec<Drift>,
    /// Whether the manifest was rewritten.
    pub manifest_written: bool,
    /// Whether a run that was killed had left a journal, now reconciled.
    pub recovered: bool,
}

define_codes! {
    /// Every code of [`WriteError`].
    CODES in write {
        IO = io: Error,
        BAD_MANIFEST = bad_manifest: Error,
        LOCKED = locked: Error,
    }
}

/// Why the output directory could not be written.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq, Eq)]
pub enum WriteError {
    /// A system call failed.
    #[error("cannot write {path}: {message}")]
    #[diagnostic(help(
        "check that the output directory can be created and written, and that its filesystem has space"
    ))]
    Io {
        /// The path involved.
        path: String,
        /// The operating system's message.
        message: String,
    },

    /// The manifest (or journal) on disk is not one rc2s6 wrote, so nothing it says can be
    /// trusted to decide what to overwrite.
    #[error("{path} is not a manifest rc2s6 wrote: {why}")]
    #[diagnostic(help("move the file away; rc2s6 then leaves every existing service directory alone unless --force"))]
    BadManifest {
        /// The file.
        path: String,
        /// What is wrong with it.
        why: String,
    },

    /// Another rc2s6 is writing the same output directory.
    #[error("another rc2s6 is writing {path}")]
    #[diagnostic(help("wait for the other run to finish, then run again"))]
    Locked {
        /// The output directory.
        path: String,
    },
}

impl Coded for WriteError {
    fn code(&self) -> &'static Code {
        match self {
            WriteError::Io { .. } => &IO,
            WriteError::BadManifest { .. } => &BAD_MANIFEST,
            WriteError::Locked { .. } => &LOCKED,
        }
    }
}

impl From<DiskError> for WriteError {
    fn from(e: DiskError) -> Self {
        WriteError::Io { path: e.path, message: e.message }
    }
}

/// Whether `name` is one plain path component: not empty, `.` or `..`, without `/` or NUL.
pub fn is_safe_component(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

/// The largest manifest or journal read back: far more than rc2s6 writes for any real system
/// (1,745 services take 2.6 MB), and a bound on what a file planted there makes it read.
const LARGEST_MANIFEST: u64 = 256 << 20;

/// The manifest that describes `out` as it is: the manifest on disk, reconciled with the journal
/// a killed run left, if any. Reads only: for anything that trusts the manifest (verify).
pub fn current_manifest(out: &Path) -> Result<Option<Manifest>, WriteError> {
    let dir = match Dir::open(out) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(out)(e)),
    };
    let at = At { dir: &dir, shown: out };
    let manifest = read_manifest(&at, MANIFEST_NAME)?;
    match read_manifest(&at, JOURNAL_NAME)? {
        Some(journal) => Ok(Some(journal::reconcile(&at, manifest.as_ref(), &journal)?)),
        None => Ok(manifest),
    }
}

/// What happens to one service directory.
enum Action<'a> {
    /// Build it as `tmp` and put it in place; `replaces` says whether something is there now,
    /// `generated_before` which of its files rc2s6 made (the rest is kept).
    Write { dir: &'a ServiceDir, replaces: bool, tmp: String, generated_before: BTreeSet<String> },
    /// Move the existing directory aside as `tmp` and delete it.
    Remove { name: &'a str, tmp: String },
}

/// The fields of an [`Action::Write`], for building it.
struct Write<'a> {
    planned: &'a ServiceDir,
    replaces: bool,
    tmp: &'a str,
    generated_before: &'a BTreeSet<String>,
}

impl Action<'_> {
    fn tmp(&self) -> &str {
        match self {
            Action::Write { tmp, .. } | Action::Remove { tmp, .. } => tmp,
        }
    }
}

/// The output directory, when it exists (a dry run does not create it).
struct Out<'a> {
    dir: Option<Dir>,
    shown: &'a Path,
}

impl Out<'_> {
    fn at(&self) -> Option<At<'_>> {
        self.dir.as_ref().map(|dir| At { dir, shown: self.shown })
    }
}

/// What one manifest record describes and what this run plans for it: a service's directories
/// (one for the s6 backend; the s6-rc backend adds its logger and oneshots), or a bundle the
/// s6-rc backend makes for the set.
struct Unit<'a> {
    name: &'a str,
    /// The record this run writes; `None` for a bundle no longer made, whose directory goes.
    record: Option<&'a ServiceRecord>,
    /// The directories planned, the service's own first.
    dirs: Vec<&'a ServiceDir>,
    /// A script rc2s6 migrated, whose directory from an earlier run stays.
    migrated: bool,
}

/// Every unit of a compilation, and the bundles of the manifest on disk it no longer makes.
fn units<'a>(comp: &'a Compilation, old: Option<&'a Manifest>) -> Vec<Unit<'a>> {
    let mut out: Vec<Unit<'a>> = comp
        .services
        .iter()
        .map(|s| Unit {
            name: &s.record.name,
            record: Some(&s.record),
            dirs: s.dir.iter().chain(&s.companions).collect(),
            migrated: s.migrated,
        })
        .collect();
    out.extend(comp.bundles.iter().map(|b| Unit {
        name: &b.record.name,
        record: Some(&b.record),
        dirs: vec![&b.dir],
        migrated: false,
    }));
    let made: BTreeSet<&str> = out.iter().map(|u| u.name).collect();
    if let Some(m) = old {
        out.extend(m.services.iter().filter(|r| r.kind == "bundle" && !made.contains(r.name.as_str())).map(|r| Unit {
            name: &r.name,
            record: None,
            dirs: Vec::new(),
            migrated: false,
        }));
    }
    out
}

/// Writes the compilation into `out`.
pub fn write_output(out: &Path, comp: &Compilation, opts: WriteOptions) -> Result<WriteReport, WriteError> {
    let ops = FsOps::new();
    let mut report = WriteReport::default();
    if !opts.dry_run && out.symlink_metadata().is_err() {
        // The first thing written: an output directory that cannot be made fails here, whole.
        ops.create_dir_all(out).map_err(|e| match e {
            WriteError::Io { message, .. } => WriteError::Io { path: out.display().to_string(), message },
            other => other,
        })?;
    }
    let dir = match Dir::open(out) {
        Ok(d) => Some(d),
        Err(e) if opts.dry_run && e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(out)(e)),
    };
    let out_dir = Out { dir, shown: out };
    let _lock = match out_dir.at() {
        Some(at) if !opts.dry_run => Some(lock(&ops, &at)?),
        _ => None,
    };
    let Some(at) = out_dir.at() else {
        // A dry run into a directory that does not exist yet: everything would be new.
        plan(None, comp, None, opts, &mut report)?;
        report.manifest_written = true;
        return Ok(report);
    };
    let mut old = read_manifest(&at, MANIFEST_NAME)?;
    if !opts.dry_run {
        clean_leftovers(&ops, &at)?;
    }
    if let Some(journal) = read_manifest(&at, JOURNAL_NAME)? {
        let recovered = journal::reconcile(&at, old.as_ref(), &journal)?;
        if !opts.dry_run {
            commit(&ops, &at, &recovered.to_yaml(), manifest_mode(&recovered), MANIFEST_NAME)?;
            ops.remove(&at, JOURNAL_NAME)?;
            at.dir.sync().map_err(io(out))?;
        }
        report.recovered = true;
        old = Some(recovered);
    }

    let (records, mut actions) = plan(Some(&at), comp, old.as_ref(), opts, &mut report)?;
    // Written from the records where they are: a copy of every record costs as much again.
    let text = comp.manifest_header.to_yaml_over(&records);
    let mode = records_mode(&records);
    let current = match (&old, report.recovered) {
        // Just committed from the journal: that text is the manifest now.
        (Some(m), true) => Some((m.to_yaml().into_bytes(), manifest_mode(m))),
        _ => at.dir.read_file(MANIFEST_NAME, LARGEST_MANIFEST).ok().map(|(t, e)| (t, e.permissions())),
    };
    report.manifest_written = current.as_ref().is_none_or(|(t, m)| t.as_slice() != text.as_bytes() || *m != mode);
    if opts.dry_run || (actions.is_empty() && !report.manifest_written) {
        return Ok(report);
    }
    // Short names of their own: `.rc2s6-new.` and a 251-byte service name would not fit in a
    // directory entry (NAME_MAX, 255 bytes).
    for (i, a) in actions.iter_mut().enumerate() {
        match a {
            Action::Write { tmp, .. } => *tmp = format!("{NEW_PREFIX}{i}"),
            Action::Remove { tmp, .. } => *tmp = format!("{OLD_PREFIX}{i}"),
        }
    }
    commit(&ops, &at, &text, mode, JOURNAL_NAME)?;
    let built = match build_all(&ops, &at, &actions) {
        Ok(built) => built,
        Err(e) => {
            // Nothing is in place yet: what this run made goes (a full disk stays no fuller).
            discard(&ops, &at, &actions, true);
            return Err(e);
        }
    };
    if let Err(e) = swap_all(&ops, &at, &actions, &built) {
        // Some directories may be in place: the journal stays for the next run to reconcile.
        discard(&ops, &at, &actions, false);
        return Err(e);
    }
    ops.rename(&at, JOURNAL_NAME, MANIFEST_NAME)?;
    at.dir.sync().map_err(io(out))?;
    // What was replaced or removed is garbage now; a kill here leaves it for the next run.
    for a in &actions {
        if matches!(a, Action::Write { replaces: true, .. } | Action::Remove { .. }) {
            ops.remove(&at, a.tmp())?;
        }
    }
    Ok(report)
}

/// The manifest's mode: readable by its owner only when a service's inputs are (it holds their
/// descriptions, users, names and diagnostics).
fn manifest_mode(m: &Manifest) -> u32 {
    records_mode(&m.services.iter().collect::<Vec<_>>())
}

/// [`manifest_mode`] of a manifest over these records.
fn records_mode(records: &[&ServiceRecord]) -> u32 {
    if records.iter().any(|r| r.private) { 0o600 } else { 0o644 }
}

/// Builds every new directory beside its destination, on all cores (building is most of a
/// write, nearly all of it in the kernel), then makes their contents durable. Returns the
/// identity (device, inode) of each directory built, by the index of its action.
fn build_all(ops: &FsOps, at: &At, actions: &[Action]) -> Result<BTreeMap<usize, (u64, u64)>, WriteError> {
    let to_build: Vec<(usize, Write)> = actions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a {
            Action::Write { dir, replaces, tmp, generated_before } => {
                Some((i, Write { planned: dir, replaces: *replaces, tmp, generated_before }))
            }
            Action::Remove { .. } => None,
        })
        .collect();
    let mut ids = BTreeMap::new();
    for (i, built) in crate::pipeline::parallel::in_parallel(&to_build, |(i, w)| (*i, build(ops, at, w))) {
        ids.insert(i, built?);
    }
    // The new files' contents are durable before any of them is put in place.
    at.dir.sync_filesystem().map_err(io(at.shown))?;
    Ok(ids)
}

/// Puts each directory in place with one rename (removals are renamed aside), checking before
/// and after that what is renamed is the directory this run built (`built`, its identity by
/// action): someone who can write to the output may swap it for a link at any moment. What was
/// put in place by mistake is taken back out (the old directory back in place), so the output
/// never holds a link rc2s6 put there.
fn swap_all(ops: &FsOps, at: &At, actions: &[Action], built: &BTreeMap<usize, (u64, u64)>) -> Result<(), WriteError> {
    let changed = |name: &str| WriteError::Io {
        path: at.path(name).display().to_string(),
        message: "is not the directory rc2s6 built: the output directory was changed during the run".into(),
    };
    for (i, a) in actions.iter().enumerate() {
        match a {
            Action::Write { dir, replaces, tmp, .. } => {
                let ours = built.get(&i).copied();
                let is_ours = |name: &str| -> Result<bool, WriteError> {
                    let e = at.dir.entry(name).map_err(at.err(name))?;
                    Ok(e.is_some_and(|e| e.is_dir() && Some(e.id) == ours))
                };
                if !is_ours(tmp)? {
                    return Err(changed(tmp));
                }
                if *replaces {
                    ops.exchange(at, tmp, &dir.name)?;
                } else {
                    ops.rename_noreplace(at, tmp, &dir.name)?;
                }
                if !is_ours(&dir.name)? {
                    // Swapped between the check and the rename: put back what was there (the
                    // old directory, or nothing); the intruder goes back to `tmp`, removed
                    // with the rest of what this run made.
                    let _ = if *replaces {
                        ops.exchange(at, tmp, &dir.name)
                    } else {
                        ops.rename_noreplace(at, &dir.name, tmp)
                    };
                    return Err(changed(&dir.name));
                }
            }
            Action::Remove { name, tmp } => ops.rename_noreplace(at, name, tmp)?,
        }
    }
    at.dir.sync().map_err(io(at.shown))
}

/// Removes what a failed run made: the directories being built (or replaced), and, when
/// `journal`, the journal too (nothing was put in place, so the manifest still holds). Errors
/// are ignored: the first one is reported, and the next run removes leftovers anyway.
fn discard(ops: &FsOps, at: &At, actions: &[Action], journal: bool) {
    for a in actions {
        if let Action::Write { tmp, .. } = a {
            let _ = ops.remove(at, tmp);
        }
    }
    if journal {
        let _ = ops.remove(at, JOURNAL_NAME);
    }
    let _ = ops.remove(at, &tmp_name(JOURNAL_NAME));
    let _ = at.dir.sync();
}

/// Decides what happens to each service, and the records of the manifest that results. `at`
/// is `None` for a dry run into an output directory that does not exist.
fn plan<'a>(
    at: Option<&At>,
    comp: &'a Compilation,
    old: Option<&'a Manifest>,
    opts: WriteOptions,
    report: &mut WriteReport,
) -> Result<(Vec<&'a ServiceRecord>, Vec<Action<'a>>), WriteError> {
    let mut records = Vec::new();
    let mut actions = Vec::new();
    let units = units(comp, old);
    for u in &units {
        let name = u.name;
        let old_record = old.and_then(|m| m.service(name));
        let has_old = |dir: &str| old_record.is_some_and(|r| r.dirs().any(|d| d == dir));
        // Every directory involved: the planned ones, then those the record on disk lists.
        let mut dir_names: Vec<&str> = u.dirs.iter().map(|d| d.name.as_str()).collect();
        for d in old_record.iter().flat_map(|r| r.dirs()) {
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
                Some(at) if is_safe_component(dir) => DiskDir::read_in(at.dir, dir, &at.path(dir))?,
                _ => DiskDir::Absent,
            };
            let generated_before = generated_files(old_record, dir);
            let planned = u.dirs.iter().copied().find(|d| d.name == dir);
            // What is on disk now must be what rc2s6 wrote last time, or nothing.
            let mut here = match planned {
                Some(p) if old_record.is_none() && disk.holds(p, &generated_before) => Vec::new(),
                _ => disk.drift_in(name, dir, old_record),
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
            report.drifted.extend(drift);
            // Keep describing what is on disk.
            records.extend(old_record);
            continue;
        }
        // A script that selects s6 and has no command runs its daemon from a prepared service
        // directory (a script rc2s6 migrated): that directory is what OpenRC links, so it stays,
        // and so does its record.
        if let (true, true, Some(r)) = (u.dirs.is_empty(), u.migrated, old_record.filter(|r| r.servicedir.is_some())) {
            report.unchanged.push(name.to_string());
            records.push(r);
            continue;
        }
        let (mut wrote, mut removed) = (false, false);
        for (dir, disk, planned, generated_before) in on_disk {
            match planned {
                Some(p) if disk.holds(p, &generated_before) => {}
                Some(p) => {
                    check_plan(p)?;
                    let replaces = !disk.is_absent();
                    actions.push(Action::Write { dir: p, replaces, tmp: String::new(), generated_before });
                    wrote = true;
                }
                // No longer made: a directory rc2s6 made for it would run a stale daemon.
                None if has_old(dir) && !disk.is_absent() => {
                    actions.push(Action::Remove { name: dir, tmp: String::new() });
                    removed = true;
                }
                None => {}
            }
        }
        if u.dirs.is_empty() && removed {
            report.removed.push(name.to_string());
        } else if wrote || removed {
            report.written.push(name.to_string());
        } else if !u.dirs.is_empty() {
            report.unchanged.push(name.to_string());
        }
        records.extend(u.record);
    }
    // Services compiled earlier but not named this time stay, with their records.
    let compiled: BTreeSet<&str> = units.iter().map(|u| u.name).collect();
    if let Some(m) = old {
        records.extend(m.services.iter().filter(|r| !compiled.contains(r.name.as_str())));
    }
    Ok((records, actions))
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

/// Takes the output directory's lock.
fn lock(ops: &FsOps, at: &At) -> Result<fs::File, WriteError> {
    // The first thing written into it: an output directory that cannot be written fails here.
    let file = ops.open_lock(at, LOCK_NAME).map_err(|e| match e {
        WriteError::Io { message, .. } => WriteError::Io {
            path: if message.contains("regular file") {
                at.path(LOCK_NAME).display().to_string()
            } else {
                at.shown.display().to_string()
            },
            message,
        },
        other => other,
    })?;
    // SAFETY: the descriptor stays open for the duration of the call.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.kind() == std::io::ErrorKind::WouldBlock {
            WriteError::Locked { path: at.shown.display().to_string() }
        } else {
            at.err(LOCK_NAME)(e)
        });
    }
    Ok(file)
}

/// Reads a manifest or journal, refusing one that is not a regular file (never following a
/// link, never blocking on a FIFO) or that names paths outside the output directory.
fn read_manifest(at: &At, name: &str) -> Result<Option<Manifest>, WriteError> {
    let path = at.path(name);
    let bad = |why: String| WriteError::BadManifest { path: path.display().to_string(), why };
    let text = match at.dir.read_file(name, LARGEST_MANIFEST) {
        Ok((bytes, _)) => bytes,
        Err(ReadRefusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(ReadRefusal::Io(e)) => return Err(io(&path)(e)),
        Err(ReadRefusal::NotRegular(_)) => return Err(bad("it is not a regular file".into())),
        Err(e @ ReadRefusal::TooLarge { .. }) => return Err(bad(e.to_string())),
    };
    let text = String::from_utf8(text).map_err(|_| bad("it is not UTF-8".into()))?;
    let manifest = Manifest::from_yaml(&text).map_err(bad)?;
    for r in &manifest.services {
        if r.servicedir.as_ref().is_some_and(|d| d != &r.name) {
            return Err(bad(format!("service `{}` has the directory `{}`", r.name, r.dirs().next().unwrap_or(""))));
        }
        if let Some(dir) = r.dirs().find(|d| !is_safe_component(d) || d.starts_with('.') || *d == MANIFEST_NAME) {
            return Err(bad(format!("service `{}` has the directory `{dir}`", r.name)));
        }
        let inside = |path: &str| {
            r.dirs().any(|d| path.strip_prefix(d).and_then(|p| p.strip_prefix('/')).is_some_and(plain_relative))
        };
        if let Some(f) = r.files.iter().find(|f| r.dirs().next().is_some() && !inside(&f.path)) {
            return Err(bad(format!("service `{}` lists the file `{}`", r.name, f.path)));
        }
    }
    Ok(Some(manifest))
}

fn plain_relative(path: &str) -> bool {
    path.split('/').all(is_safe_component)
}

/// Removes what a killed run left half-done: directories being built or being deleted, and
/// manifests being written. None of them is ever in use.
fn clean_leftovers(ops: &FsOps, at: &At) -> Result<(), WriteError> {
    let names = at.dir.names().map_err(io(at.shown))?;
    for n in names {
        let n = n.to_string_lossy();
        if [NEW_PREFIX, OLD_PREFIX, TMP_PREFIX].iter().any(|p| n.starts_with(p)) {
            ops.remove(at, &n)?;
        }
    }
    Ok(())
}

/// The temporary name `dest` is written as.
fn tmp_name(dest: &str) -> String {
    format!("{TMP_PREFIX}{}", dest.trim_start_matches('.'))
}

/// Writes `text` durably to `dest` (the manifest or the journal) through a temporary file; a
/// failure (a full disk) leaves no temporary file behind.
fn commit(ops: &FsOps, at: &At, text: &str, mode: u32, dest: &str) -> Result<(), WriteError> {
    let tmp = tmp_name(dest);
    let written = ops.create_file(at, &tmp, mode, text.as_bytes(), true).and_then(|()| ops.rename(at, &tmp, dest));
    if let Err(e) = written {
        let _ = at.dir.remove_tree(&tmp);
        return Err(e);
    }
    at.dir.sync().map_err(io(at.shown))
}

/// Builds a service directory as `tmp`, which must not exist, through descriptors only; what
/// the admin or s6 put in the directory it replaces is carried over. Returns the directory's
/// identity, checked again when it is put in place.
fn build(ops: &FsOps, at: &At, write: &Write) -> Result<(u64, u64), WriteError> {
    let &Write { planned, replaces, tmp, generated_before } = write;
    ops.mkdir(at, tmp, 0o755)?;
    let new = at.dir.open_dir(tmp).map_err(at.err(tmp))?;
    // Only this run makes it, with this process's owner, and it starts empty: anything else
    // is something swapped in meanwhile.
    let me = new.itself().map_err(at.err(tmp))?;
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if me.uid != euid || !new.names().map_err(at.err(tmp))?.is_empty() {
        return Err(WriteError::Io {
            path: at.path(tmp).display().to_string(),
            message: "is not the directory rc2s6 just made: the output directory was changed during the run".into(),
        });
    }
    let shown = at.path(tmp);
    let root = At { dir: &new, shown: &shown };
    let mut dirs: BTreeMap<String, Dir> = BTreeMap::new();
    for d in planned.dirs() {
        // Every ancestor, parents first (`a`, then `a/b`).
        let mut at_path = String::new();
        for part in d.split('/') {
            let parent = if at_path.is_empty() { None } else { Some(at_path.clone()) };
            at_path = if at_path.is_empty() { part.to_string() } else { format!("{at_path}/{part}") };
            if dirs.contains_key(&at_path) {
                continue;
            }
            let opened = {
                let parent_dir = parent.as_ref().and_then(|p| dirs.get(p)).unwrap_or(&new);
                let parent_shown = shown.join(parent.as_deref().unwrap_or(""));
                let pat = At { dir: parent_dir, shown: &parent_shown };
                ops.mkdir(&pat, part, 0o755)?;
                parent_dir.open_dir(part).map_err(pat.err(part))?
            };
            dirs.insert(at_path.clone(), opened);
        }
    }
    for f in &planned.files {
        let (parent, file) = match f.path.rsplit_once('/') {
            Some((p, file)) => (dirs.get(p), file),
            None => (None, f.path.as_str()),
        };
        let parent_shown = shown.join(f.path.rsplit_once('/').map_or("", |(p, _)| p));
        let pat = At { dir: parent.unwrap_or(&new), shown: &parent_shown };
        ops.create_file(&pat, file, f.mode, f.contents.as_bytes(), false)?;
    }
    if replaces {
        if let Ok(old) = at.dir.open_dir(&planned.name) {
            let planned_files: BTreeSet<&str> = planned.files.iter().map(|f| f.path.as_str()).collect();
            let planned_dirs: BTreeSet<String> = dirs.keys().cloned().collect();
            let keep = Keep { generated_before, planned_files: &planned_files, planned_dirs: &planned_dirs };
            keep.carry(ops, &old, &root, "")?;
        }
    }
    Ok(me.id)
}

/// What to carry from the directory being replaced into the new one: everything rc2s6 did not
/// generate before and does not generate now (an admin's `down`, s6's `supervise/` and
/// `event/`, files the admin added).
struct Keep<'a> {
    generated_before: &'a BTreeSet<String>,
    planned_files: &'a BTreeSet<&'a str>,
    planned_dirs: &'a BTreeSet<String>,
}

impl Keep<'_> {
    /// Carries the entries of `old` (at `prefix` in the service directory) into `new`, never
    /// following a link: regular files get a second name (their inode, owner, mode and times
    /// stay), directories, links and FIFOs are made again with their owner and mode.
    fn carry(&self, ops: &FsOps, old: &Dir, new: &At, prefix: &str) -> Result<(), WriteError> {
        let err = |name: &str| new.err(name);
        for name in old.names().map_err(err(prefix))? {
            let name = name.to_string_lossy().into_owned();
            let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            if self.generated_before.contains(&rel) || self.planned_files.contains(rel.as_str()) {
                continue;
            }
            let Some(e) = old.entry(&name).map_err(err(&name))? else { continue };
            if self.planned_dirs.contains(&rel) {
                // The new directory has it: carry what is inside.
                if e.is_dir() {
                    let (from, into) =
                        (old.open_dir(&name).map_err(err(&name))?, new.dir.open_dir(&name).map_err(err(&name))?);
                    let shown = new.path(&name);
                    self.carry(ops, &from, &At { dir: &into, shown: &shown }, &rel)?;
                }
                continue;
            }
            if e.is_file() {
                ops.hard_link(new, old, &name)?;
            } else if e.is_dir() {
                ops.mkdir(new, &name, e.permissions())?;
                new.dir.chown(&name, e.uid, e.gid).map_err(err(&name))?;
                let (from, into) =
                    (old.open_dir(&name).map_err(err(&name))?, new.dir.open_dir(&name).map_err(err(&name))?);
                let shown = new.path(&name);
                self.carry(ops, &from, &At { dir: &into, shown: &shown }, &rel)?;
            } else if e.is_symlink() {
                let target = old.read_link(&name).map_err(err(&name))?;
                ops.symlink(new, &target, &name)?;
                new.dir.chown(&name, e.uid, e.gid).map_err(err(&name))?;
            } else if e.is_fifo() {
                ops.mkfifo(new, &name, e.permissions())?;
                new.dir.chown(&name, e.uid, e.gid).map_err(err(&name))?;
            }
            // Sockets and devices are s6-supervise's or nobody's to make: left out.
        }
        Ok(())
    }
}
