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

use std::collections::BTreeSet;
use std::fs;
use std::os::fd::AsRawFd as _;
use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use crate::manifest::drift::{self, DiskError, Drift, DriftKind};
pub use initd::write_initd;
pub use journal::JOURNAL_NAME;

use crate::backend::service_dir::ServiceDir;
use crate::core::diagnostic::{Code, Coded, define_codes};
use crate::manifest::MANIFEST_NAME;
use crate::manifest::{Manifest, ServiceRecord};
use crate::pipeline::compile::Compilation;
use drift::DiskDir;
use fs_ops::{FsOps, io, sync_dir, sync_filesystem};

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

/// The manifest that describes `out` as it is: the manifest on disk, reconciled with the journal
/// a killed run left, if any. Reads only: for anything that trusts the manifest (verify).
pub fn current_manifest(out: &Path) -> Result<Option<Manifest>, WriteError> {
    let manifest = read_manifest(&out.join(MANIFEST_NAME))?;
    match read_manifest(&out.join(JOURNAL_NAME))? {
        Some(journal) => Ok(Some(journal::reconcile(out, manifest.as_ref(), &journal)?)),
        None => Ok(manifest),
    }
}

/// What happens to one service directory.
enum Action<'a> {
    /// Build it and put it in place; `replaces` says whether something is there now.
    Write { dir: &'a ServiceDir, replaces: bool },
    /// Move the existing directory aside and delete it.
    Remove { name: &'a str },
}

/// Writes the compilation into `out`.
pub fn write_output(out: &Path, comp: &Compilation, opts: WriteOptions) -> Result<WriteReport, WriteError> {
    let ops = FsOps::new();
    let mut report = WriteReport::default();
    let _lock = if opts.dry_run { None } else { Some(lock(&ops, out)?) };
    let manifest_path = out.join(MANIFEST_NAME);
    let journal_path = out.join(JOURNAL_NAME);
    let mut old = read_manifest(&manifest_path)?;
    if !opts.dry_run {
        clean_leftovers(&ops, out)?;
    }
    if let Some(journal) = read_manifest(&journal_path)? {
        let recovered = journal::reconcile(out, old.as_ref(), &journal)?;
        if !opts.dry_run {
            commit(&ops, out, &recovered.to_yaml(), &manifest_path)?;
            ops.remove(&journal_path)?;
            sync_dir(out)?;
        }
        report.recovered = true;
        old = Some(recovered);
    }

    let (records, actions) = plan(out, comp, old.as_ref(), opts, &mut report)?;
    let manifest = comp.manifest.with_services(records);
    let text = manifest.to_yaml();
    let current = match (&old, report.recovered) {
        // Just committed from the journal: that text is the manifest now.
        (Some(m), true) => Some(m.to_yaml().into_bytes()),
        _ => fs::read(&manifest_path).ok(),
    };
    report.manifest_written = current.as_deref() != Some(text.as_bytes());
    if opts.dry_run || (actions.is_empty() && !report.manifest_written) {
        return Ok(report);
    }

    commit(&ops, out, &text, &journal_path)?;
    // Building is most of a write, nearly all of it in the kernel: on all cores.
    let to_build: Vec<&ServiceDir> =
        actions.iter().filter_map(|a| if let Action::Write { dir, .. } = a { Some(*dir) } else { None }).collect();
    for built in crate::pipeline::parallel::in_parallel(&to_build, |dir| {
        build(&ops, &out.join(format!("{NEW_PREFIX}{}", dir.name)), dir)
    }) {
        built?;
    }
    // The new files' contents are durable before any of them is put in place.
    sync_filesystem(out)?;
    for a in &actions {
        match a {
            Action::Write { dir, replaces } => {
                let (new, target) = (out.join(format!("{NEW_PREFIX}{}", dir.name)), out.join(&dir.name));
                if *replaces { ops.exchange(&new, &target)? } else { ops.rename(&new, &target)? }
            }
            Action::Remove { name } => ops.rename(&out.join(name), &out.join(format!("{OLD_PREFIX}{name}")))?,
        }
    }
    sync_dir(out)?;
    ops.rename(&journal_path, &manifest_path)?;
    sync_dir(out)?;
    // What was replaced or removed is garbage now; a kill here leaves it for the next run.
    for a in &actions {
        match a {
            Action::Write { dir, replaces: true } => ops.remove(&out.join(format!("{NEW_PREFIX}{}", dir.name)))?,
            Action::Write { replaces: false, .. } => {}
            Action::Remove { name } => ops.remove(&out.join(format!("{OLD_PREFIX}{name}")))?,
        }
    }
    Ok(report)
}

/// Decides what happens to each service, and the records of the manifest that results.
fn plan<'a>(
    out: &Path,
    comp: &'a Compilation,
    old: Option<&Manifest>,
    opts: WriteOptions,
    report: &mut WriteReport,
) -> Result<(Vec<ServiceRecord>, Vec<Action<'a>>), WriteError> {
    let mut records = Vec::new();
    let mut actions = Vec::new();
    for s in &comp.services {
        let name = &s.record.name;
        let old_record = old.and_then(|m| m.service(name));
        let disk = if is_safe_component(name) { DiskDir::read(&out.join(name))? } else { DiskDir::Absent };
        // What is on disk now must be what rc2s6 wrote last time, or nothing.
        let mut drift = match (old_record, &s.dir) {
            (None, Some(d)) if disk.matches_plan(d) => Vec::new(),
            (r, _) => disk.drift_from(name, r),
        };
        let replaced = match &s.dir {
            Some(d) => !disk.is_absent() && !disk.matches_plan(d),
            None => !s.migrated && old_record.is_some_and(|r| r.servicedir.is_some()) && !disk.is_absent(),
        };
        if replaced && drift::is_supervised(&out.join(name)) {
            drift.push(Drift { service: name.clone(), path: name.clone(), kind: DriftKind::Supervised });
        }
        let unforcible = drift.iter().any(|d| !d.kind.forcible());
        if !drift.is_empty() && (!opts.force || unforcible) {
            report.drifted.extend(drift);
            // Keep describing what is on disk.
            records.extend(old_record.cloned());
            continue;
        }
        // A script that selects s6 and has no command runs its daemon from a prepared service
        // directory (a script rc2s6 migrated): that directory is what OpenRC links, so it stays,
        // and so does its record.
        if let (None, true, Some(r)) = (&s.dir, s.migrated, old_record.filter(|r| r.servicedir.is_some())) {
            report.unchanged.push(name.clone());
            records.push(r.clone());
            continue;
        }
        match &s.dir {
            Some(d) if disk.matches_plan(d) => report.unchanged.push(name.clone()),
            Some(d) => {
                check_plan(d)?;
                actions.push(Action::Write { dir: d, replaces: !disk.is_absent() });
                report.written.push(name.clone());
            }
            // No longer converted: a directory rc2s6 made for it would run a stale daemon.
            None if old_record.is_some_and(|r| r.servicedir.is_some()) && !disk.is_absent() => {
                actions.push(Action::Remove { name });
                report.removed.push(name.clone());
            }
            None => {}
        }
        records.push(s.record.clone());
    }
    // Services compiled earlier but not named this time stay, with their records.
    let compiled: BTreeSet<&str> = comp.services.iter().map(|s| s.record.name.as_str()).collect();
    if let Some(m) = old {
        records.extend(m.services.iter().filter(|r| !compiled.contains(r.name.as_str())).cloned());
    }
    Ok((records, actions))
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

/// Takes the output directory's lock, creating the directory if needed.
fn lock(ops: &FsOps, out: &Path) -> Result<fs::File, WriteError> {
    if out.symlink_metadata().is_err() {
        ops.create_dir_all(out)?;
    }
    let path = out.join(LOCK_NAME);
    // The first thing written: an output directory that cannot be written fails here, whole.
    let file = ops.open_lock(&path).map_err(|e| match e {
        WriteError::Io { message, .. } => WriteError::Io { path: out.display().to_string(), message },
        other => other,
    })?;
    // SAFETY: the descriptor stays open for the duration of the call.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.kind() == std::io::ErrorKind::WouldBlock {
            WriteError::Locked { path: out.display().to_string() }
        } else {
            io(&path)(e)
        });
    }
    Ok(file)
}

/// Reads a manifest or journal, refusing one that names paths outside the output directory.
fn read_manifest(path: &Path) -> Result<Option<Manifest>, WriteError> {
    let bad = |why: String| WriteError::BadManifest { path: path.display().to_string(), why };
    match path.symlink_metadata() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
        Ok(m) if !m.is_file() => return Err(bad("it is not a regular file".into())),
        Ok(_) => {}
    }
    let text = fs::read_to_string(path).map_err(io(path))?;
    let manifest = Manifest::from_yaml(&text).map_err(bad)?;
    for r in &manifest.services {
        let Some(dir) = &r.servicedir else { continue };
        if dir != &r.name || !is_safe_component(dir) || dir.starts_with('.') || dir == MANIFEST_NAME {
            return Err(bad(format!("service `{}` has the directory `{dir}`", r.name)));
        }
        let prefix = format!("{dir}/");
        if let Some(f) = r.files.iter().find(|f| !f.path.strip_prefix(&prefix).is_some_and(plain_relative)) {
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
fn clean_leftovers(ops: &FsOps, out: &Path) -> Result<(), WriteError> {
    let mut leftovers: Vec<PathBuf> = fs::read_dir(out)
        .map_err(io(out))?
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            [NEW_PREFIX, OLD_PREFIX, TMP_PREFIX].iter().any(|p| n.starts_with(p))
        })
        .map(|e| e.path())
        .collect();
    leftovers.sort();
    for p in &leftovers {
        ops.remove(p)?;
    }
    Ok(())
}

/// Writes `text` durably to `dest` (the manifest or the journal) through a temporary file.
fn commit(ops: &FsOps, out: &Path, text: &str, dest: &Path) -> Result<(), WriteError> {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = out.join(format!("{TMP_PREFIX}{}", name.trim_start_matches('.')));
    ops.create_file(&tmp, 0o644, text.as_bytes())?;
    fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io(&tmp))?;
    ops.rename(&tmp, dest)?;
    sync_dir(out)
}

/// Builds a service directory at `dir`, which must not exist.
fn build(ops: &FsOps, dir: &Path, planned: &ServiceDir) -> Result<(), WriteError> {
    ops.create_dir(dir, 0o755)?;
    let mut subdirs: BTreeSet<String> = BTreeSet::new();
    for d in planned.dirs() {
        // Every ancestor, parents first (`a`, then `a/b`).
        let mut at = String::new();
        for part in d.split('/') {
            at = if at.is_empty() { part.to_string() } else { format!("{at}/{part}") };
            subdirs.insert(at.clone());
        }
    }
    for sub in &subdirs {
        ops.create_dir(&dir.join(sub), 0o755)?;
    }
    for f in &planned.files {
        ops.create_file(&dir.join(&f.path), f.mode, f.contents.as_bytes())?;
    }
    Ok(())
}
