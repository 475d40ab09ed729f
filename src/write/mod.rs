//! The only place that writes the output directory.
//!
//! A run, under an exclusive lock on `<out>/.rc2s6.lock`:
//! 1. recover: if a journal is left by a killed run, commit the manifest that matches the disk
//!    (see `journal`), and remove half-built leftovers (`.rc2s6-new.*`, `.rc2s6-old.*`);
//! 2. plan: per service, keep (already up to date), write, remove (no longer converted), or leave
//!    alone (edited by hand, reported; `--force` overwrites, but never through a symbolic link),
//!    and build every new directory beside its destination, in one private directory the run
//!    makes there (`.rc2s6-new.stage`, mode 0700: nobody else can change what is in it): each
//!    service as soon as it is compiled ([`Writer::stage`], so that a batch does not hold every
//!    service's files until the end), the rest (bundles) at the end;
//! 3. if anything changes: sync once, write the new manifest as the journal, put each directory
//!    in place with one `rename` or `renameat2(RENAME_EXCHANGE)` out of the private directory
//!    (removals are renamed aside first), sync, rename the journal over the manifest, then
//!    delete the old directories and the private one.
//!
//! So a run killed at any point (a kill before the journal leaves only temporary directories,
//! removed by the next run) leaves every service as it was or fully new, and the manifest
//! consistent with the disk once the next run (or `--dry-run`) has read the journal. Unchanged
//! services and an unchanged manifest are never touched. Every name joined to the output path is
//! one plain path component, whether it comes from a script or from the manifest on disk.

mod fs_ops;
mod initd;
mod journal;
mod manifest_text;
mod plan;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::os::fd::AsRawFd as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use miette::Diagnostic;
use thiserror::Error;

use crate::manifest::drift::{DiskError, Drift};
pub use initd::write_initd;
pub use journal::JOURNAL_NAME;

use crate::backend::service_dir::ServiceDir;
use crate::core::diagnostic::{Code, Coded, define_codes};
use crate::core::dir::Dir;
use crate::core::regular_file::ReadRefusal;
use crate::manifest::MANIFEST_NAME;
use crate::manifest::stored::StoredManifest;
use crate::manifest::{Manifest, ServiceRecord};
use crate::pipeline::compile::{Compilation, CompiledService};
use fs_ops::{At, FsOps, io};
use plan::{Action, Decided, Listing, Unit, plan_unit, units};

/// The lock file: one rc2s6 at a time writes an output directory.
pub const LOCK_NAME: &str = ".rc2s6.lock";
/// What a run builds in, left behind by a killed run.
const NEW_PREFIX: &str = ".rc2s6-new.";
/// The private directory every new directory is built in (as `<number>`), and where the one it
/// replaces lands after the exchange. Mode 0700 and checked to be the empty directory this run
/// made: only this run (or its owner, or root) can change what is in it, so what is built there
/// is what is put in place, without a look at each directory before and after.
const STAGE_NAME: &str = ".rc2s6-new.stage";
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
    let manifest = whole(&at, MANIFEST_NAME, read_manifest(&at, MANIFEST_NAME)?.as_ref())?;
    match whole(&at, JOURNAL_NAME, read_manifest(&at, JOURNAL_NAME)?.as_ref())? {
        Some(journal) => Ok(Some(journal::reconcile(&at, manifest.as_ref(), &journal)?)),
        None => Ok(manifest),
    }
}

/// A step of putting the output in place once every new directory is built. Kept small: a
/// batch keeps one for every service it writes until the end.
enum Step {
    /// The unit's directory `dir` (its index in `Unit::dirs`), built in the private directory
    /// as `<tmp>`, goes in place; `replaces` says whether something is there now.
    Put { dir: usize, replaces: bool, tmp: usize },
    /// The directory `name` is moved aside as `.rc2s6-old.<tmp>` and deleted.
    Remove { name: String, tmp: usize },
}

/// What building a directory needs.
struct Write<'a> {
    planned: &'a ServiceDir,
    replaces: bool,
    /// Its name in the private directory.
    tmp: String,
    generated_before: BTreeSet<String>,
}

/// A unit decided while the batch was compiled: the decision and its steps, its directories
/// already built.
type Staged = (Decided, Vec<Step>);

/// What the compile's worker threads hand the writer.
#[derive(Default)]
struct Staging {
    /// Staged units, by the number each service was given (`CompiledService::staged`).
    units: Vec<Option<Staged>>,
    /// The first failure; nothing more is staged after it.
    failed: Option<WriteError>,
}

/// An output directory being written. [`Writer::open`] locks it and recovers what a killed run
/// left; [`Writer::stage`] builds a service's new directories under temporary names as soon as
/// it is compiled, on the compile's worker thread, so that no service keeps its files in memory
/// until the end; [`Writer::finish`] plans and builds the rest, writes the journal, puts every
/// directory in place and commits the manifest (the module's steps 2 and 3).
pub struct Writer {
    ops: FsOps,
    shown: PathBuf,
    /// The private directory's path, for messages.
    stage_shown: PathBuf,
    /// The output directory, when it exists (a dry run does not create it).
    dir: Option<Dir>,
    _lock: Option<fs::File>,
    /// The manifest describing the output now, each record parsed when asked for.
    old: Option<StoredManifest>,
    /// What the output directory held once it was locked and its leftovers removed (a dry run:
    /// once opened); `None` when it could not be listed or does not exist.
    listing: Option<Listing>,
    recovered: bool,
    opts: WriteOptions,
    /// Temporary names are numbered: `.rc2s6-old.` and a 251-byte service name would not fit
    /// in a directory entry (NAME_MAX, 255 bytes).
    next_tmp: AtomicUsize,
    /// The private directory ([`STAGE_NAME`]), made when the first directory is built (a run
    /// that builds nothing leaves the output directory as it was), or why it could not be.
    stage: OnceLock<Result<Dir, WriteError>>,
    staging: Mutex<Staging>,
}

/// Writes the compilation into `out`.
pub fn write_output(out: &Path, comp: &Compilation, opts: WriteOptions) -> Result<WriteReport, WriteError> {
    Writer::open(out, opts)?.finish(comp)
}

impl Writer {
    /// Opens (and unless a dry run, creates and locks) the output directory, removes what a
    /// killed run left half-built and commits the manifest its journal describes.
    pub fn open(out: &Path, opts: WriteOptions) -> Result<Writer, WriteError> {
        let ops = FsOps::new();
        if !opts.dry_run && out.symlink_metadata().is_err() {
            // The first thing written: an output directory that cannot be made fails here, whole.
            ops.create_dir_all(out).map_err(|e| match e {
                WriteError::Io { message, .. } => WriteError::Io { path: out.display().to_string(), message },
                other => other,
            })?;
        }
        let dir = match Dir::open(out) {
            // Knowing the umask: the thousands of files and directories made under it need no
            // `fstat` each to check their modes.
            Ok(d) => Some(d.knowing_umask()),
            Err(e) if opts.dry_run && e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(out)(e)),
        };
        let (mut lock_file, mut old, mut recovered, mut listing) = (None, None, false, None);
        if let Some(dir) = &dir {
            let at = At { dir, shown: out };
            if !opts.dry_run {
                lock_file = Some(lock(&ops, &at)?);
            }
            old = read_manifest(&at, MANIFEST_NAME)?;
            if !opts.dry_run {
                clean_leftovers(&ops, &at)?;
            }
            if let Some(journal) = read_manifest(&at, JOURNAL_NAME)? {
                let before = whole(&at, MANIFEST_NAME, old.as_ref())?;
                let journal = all_records(&at, JOURNAL_NAME, &journal)?;
                let reconciled = journal::reconcile(&at, before.as_ref(), &journal)?;
                if !opts.dry_run {
                    let text = reconciled.to_yaml();
                    commit(&ops, &at, manifest_mode(&reconciled), MANIFEST_NAME, |w| w.write_all(text.as_bytes()))?;
                    ops.remove(&at, JOURNAL_NAME)?;
                    at.dir.sync().map_err(io(out))?;
                }
                recovered = true;
                old = Some(StoredManifest::from_manifest(&reconciled));
            }
            // What the output holds: which service directories are absent, without a `stat` of
            // each (`plan_unit`), and which ones the run replaces (`Writer::held`). A dry run
            // that cannot list it looks each name up instead.
            listing = match at.dir.names() {
                Ok(names) => Some(Listing(names)),
                Err(e) if !opts.dry_run => return Err(io(out)(e)),
                Err(_) => None,
            };
        }
        Ok(Writer {
            ops,
            shown: out.to_path_buf(),
            stage_shown: out.join(STAGE_NAME),
            dir,
            _lock: lock_file,
            old,
            listing,
            recovered,
            opts,
            next_tmp: AtomicUsize::new(0),
            stage: OnceLock::new(),
            staging: Mutex::default(),
        })
    }

    fn at(&self) -> Option<At<'_>> {
        self.dir.as_ref().map(|dir| At { dir, shown: &self.shown })
    }

    /// Whether the output directory held an entry `name` (a valid file name) when it was
    /// opened, as `lstat` answers: a dangling link counts.
    pub fn held(&self, name: &str) -> bool {
        match (&self.listing, self.at()) {
            (Some(listing), _) => listing.holds(name),
            (None, Some(at)) => at.dir.entry(name).is_ok_and(|e| e.is_some()),
            (None, None) => false,
        }
    }

    /// A new temporary directory's number.
    fn tmp(&self) -> usize {
        self.next_tmp.fetch_add(1, Ordering::Relaxed)
    }

    /// The private directory new directories are built in, made on first use.
    fn stage_dir(&self, at: &At) -> Result<&Dir, WriteError> {
        self.stage.get_or_init(|| make_stage(&self.ops, at)).as_ref().map_err(Clone::clone)
    }

    /// The private directory, if this run made it.
    fn made_stage(&self) -> Option<&Dir> {
        self.stage.get().and_then(|s| s.as_ref().ok())
    }

    /// The private directory, shown under the output directory.
    fn stage_at<'a>(&'a self, stage: &'a Dir) -> At<'a> {
        At { dir: stage, shown: &self.stage_shown }
    }

    /// Decides what happens to a compiled service and builds its new directories under
    /// temporary names now, on the calling thread; then drops their files from `service`
    /// (`CompiledService::staged`). A dry run stages nothing (it builds nothing: the files are
    /// kept for `finish` to compare). A failure is kept for `finish` to return.
    pub fn stage(&self, service: &mut CompiledService) {
        let Some(at) = self.at().filter(|_| !self.opts.dry_run) else { return };
        if lock_ignoring_poison(&self.staging).failed.is_some() {
            return;
        }
        let unit = Unit::of(service);
        let staged = plan_unit(Some(&at), self.listing.as_ref(), &unit, self.old.as_ref(), self.opts).and_then(
            |(decided, actions)| {
                let mut steps = Vec::new();
                for a in actions {
                    steps.push(match a {
                        Action::Write { dir, replaces, generated_before } => {
                            let (tmp, w) = self.write(dir, replaces, generated_before);
                            let stage = self.stage_dir(&at)?;
                            build(&self.ops, &at, &self.stage_at(stage), &w)?;
                            Step::Put { dir: unit.index(dir), replaces, tmp }
                        }
                        Action::Remove { name } => Step::Remove { name, tmp: self.tmp() },
                    });
                }
                Ok((decided, steps))
            },
        );
        let mut staging = lock_ignoring_poison(&self.staging);
        match staged {
            Ok(s) => {
                service.staged = Some(staging.units.len());
                staging.units.push(Some(s));
                for d in service.dir.iter_mut().chain(&mut service.companions) {
                    d.files = Vec::new();
                }
            }
            Err(e) => {
                staging.failed.get_or_insert(e);
            }
        }
    }

    /// A directory to build, and the number of its temporary name, recorded.
    fn write<'a>(
        &self,
        planned: &'a ServiceDir,
        replaces: bool,
        generated_before: BTreeSet<String>,
    ) -> (usize, Write<'a>) {
        let tmp = self.tmp();
        (tmp, Write { planned, replaces, tmp: tmp.to_string(), generated_before })
    }

    /// Writes the rest of the compilation (`comp` is what the staged services became) and
    /// puts everything in place.
    pub fn finish(self, comp: &Compilation) -> Result<WriteReport, WriteError> {
        let mut report = WriteReport { recovered: self.recovered, ..WriteReport::default() };
        let staging = std::mem::take(&mut *lock_ignoring_poison(&self.staging));
        let Some(at) = self.at() else {
            // A dry run into a directory that does not exist yet: everything would be new.
            for u in units(comp, None) {
                plan_unit(None, None, &u, None, self.opts)?.0.report(u.name, &mut report);
            }
            report.manifest_written = true;
            return Ok(report);
        };
        let done = match staging.failed {
            Some(e) => Err(Failed::BeforeJournal(e)),
            None => self.put_in_place(&at, comp, staging.units, &mut report),
        };
        match done {
            Ok(()) => Ok(report),
            Err(Failed::BeforeJournal(e)) => {
                // Nothing is in place yet: what this run made goes (a full disk stays no fuller).
                self.discard(&at, true);
                Err(e)
            }
            Err(Failed::AfterJournal(e)) => {
                // Some directories may be in place: the journal stays for the next run to reconcile.
                self.discard(&at, false);
                Err(e)
            }
        }
    }

    /// Plans what was not staged, builds it, and puts everything in place.
    fn put_in_place(
        &self,
        at: &At,
        comp: &Compilation,
        mut staged: Vec<Option<Staged>>,
        report: &mut WriteReport,
    ) -> Result<(), Failed> {
        let before = Failed::BeforeJournal;
        let old = self.old.as_ref();
        let units = units(comp, old);
        // Hashed, not sorted: this runs on the main thread alone, once per unit (thousands), and
        // a sorted map compared names byte by byte at each of its levels.
        let mut named: HashMap<&str, usize> = HashMap::with_capacity(units.len());
        for u in &units {
            *named.entry(u.name).or_default() += 1;
        }
        let mut records: Vec<Cow<'_, ServiceRecord>> = Vec::with_capacity(units.len());
        let (mut steps, mut writes) = (Vec::with_capacity(units.len()), Vec::new());
        let mut planned = HashSet::with_capacity(units.len());
        for (n, u) in units.iter().enumerate() {
            let mine = u.staged.and_then(|i| staged.get_mut(i)).and_then(Option::take);
            if !planned.insert(u.name) {
                // A name given twice (both refused, neither has directories): the directories
                // the name had are planned once, with the first; a second plan would move
                // them aside twice.
                if let Some((_, built)) = mine {
                    self.remove_built(&built).map_err(before)?;
                }
                records.extend(u.record.map(Cow::Borrowed));
                continue;
            }
            let mut decided = match mine {
                // A name given twice is refused after it was staged: what was built goes.
                Some((_, built)) if named[u.name] > 1 => {
                    self.remove_built(&built).map_err(before)?;
                    self.plan_now(at, n, u, &mut steps, &mut writes).map_err(before)?
                }
                Some((decided, built)) => {
                    steps.extend(built.into_iter().map(|s| (n, s)));
                    decided
                }
                None => self.plan_now(at, n, u, &mut steps, &mut writes).map_err(before)?,
            };
            records.extend(decided.take_record(u));
            decided.report(u.name, report);
        }
        for (_, built) in staged.into_iter().flatten() {
            self.remove_built(&built).map_err(before)?;
        }
        // Written from the records where they are (a copy of every record costs as much again),
        // compared with the manifest on disk and committed as it is made, never held whole.
        let records: Vec<&ServiceRecord> = records.iter().map(AsRef::as_ref).collect();
        let mode = records_mode(&records);
        let header = &comp.manifest_header;
        let text = |w: &mut dyn std::io::Write| header.write_yaml_over(&records, w);
        let unchanged = match (old, self.recovered) {
            // Just committed from the journal: that text is the manifest now.
            (Some(m), true) => {
                let m = all_records(at, MANIFEST_NAME, m).map_err(before)?;
                manifest_mode(&m) == mode && manifest_text::writes_same(m.to_yaml().as_bytes(), text)
            }
            _ => at
                .dir
                .open_file(MANIFEST_NAME)
                .is_ok_and(|(file, e)| e.permissions() == mode && manifest_text::writes_same(file, text)),
        };
        report.manifest_written = !unchanged;
        if self.opts.dry_run || (steps.is_empty() && !report.manifest_written) {
            // Nothing changes: the private directory made for a service refused afterwards goes.
            if self.stage.get().is_some() {
                self.ops.remove(at, STAGE_NAME).map_err(before)?;
            }
            return Ok(());
        }
        if !writes.is_empty() {
            let stage = self.stage_dir(at).map_err(before)?;
            build_all(&self.ops, at, &self.stage_at(stage), &writes).map_err(before)?;
        }
        // The new files' contents are durable before any of them is put in place.
        at.dir.sync_filesystem().map_err(io(at.shown)).map_err(before)?;
        commit(&self.ops, at, mode, JOURNAL_NAME, text).map_err(before)?;
        let stage = self.made_stage();
        swap_all(&self.ops, at, stage.map(|s| self.stage_at(s)).as_ref(), &units, &steps)
            .map_err(Failed::AfterJournal)?;
        self.ops.rename(at, JOURNAL_NAME, MANIFEST_NAME).map_err(Failed::AfterJournal)?;
        at.dir.sync().map_err(io(at.shown)).map_err(Failed::AfterJournal)?;
        // What was replaced or removed is garbage now; a kill here leaves it for the next run.
        for (_, s) in &steps {
            if let Step::Remove { tmp, .. } = s {
                self.ops.remove(at, &format!("{OLD_PREFIX}{tmp}")).map_err(Failed::AfterJournal)?;
            }
        }
        // The private directory holds only the directories replaced: it goes whole.
        if stage.is_some() {
            self.ops.remove(at, STAGE_NAME).map_err(Failed::AfterJournal)?;
        }
        Ok(())
    }

    /// Plans unit `n` now, adding its steps (by unit) and the directories to build (by step).
    fn plan_now<'a>(
        &'a self,
        at: &At,
        n: usize,
        u: &Unit<'a>,
        steps: &mut Vec<(usize, Step)>,
        writes: &mut Vec<(usize, Write<'a>)>,
    ) -> Result<Decided, WriteError> {
        if u.staged.is_some() && !u.dirs.is_empty() {
            // Its files were dropped when it was staged: it cannot be planned again.
            return Err(WriteError::Io {
                path: at.path(u.name).display().to_string(),
                message: "a service staged for writing was changed afterwards".into(),
            });
        }
        let (decided, actions) = plan_unit(Some(at), self.listing.as_ref(), u, self.old.as_ref(), self.opts)?;
        for a in actions {
            let step = match a {
                Action::Write { dir, replaces, generated_before } => {
                    let (tmp, w) = self.write(dir, replaces, generated_before);
                    writes.push((steps.len(), w));
                    Step::Put { dir: u.index(dir), replaces, tmp }
                }
                Action::Remove { name } => Step::Remove { name, tmp: self.tmp() },
            };
            steps.push((n, step));
        }
        Ok(decided)
    }

    /// Removes the directories built for a unit that is not written after all.
    fn remove_built(&self, built: &[Step]) -> Result<(), WriteError> {
        let Some(stage) = self.made_stage() else { return Ok(()) };
        for s in built {
            if let Step::Put { tmp, .. } = s {
                self.ops.remove(&self.stage_at(stage), &tmp.to_string())?;
            }
        }
        Ok(())
    }

    /// Removes what a failed run made: the directories being built (or replaced), and, when
    /// `journal`, the journal too (nothing was put in place, so the manifest still holds). Errors
    /// are ignored: the first one is reported, and the next run removes leftovers anyway.
    fn discard(&self, at: &At, journal: bool) {
        if self.stage.get().is_some() {
            let _ = self.ops.remove(at, STAGE_NAME);
        }
        if journal {
            let _ = self.ops.remove(at, JOURNAL_NAME);
        }
        let _ = self.ops.remove(at, &tmp_name(JOURNAL_NAME));
        let _ = at.dir.sync();
    }
}

/// A failure, and whether the journal may have been committed (directories put in place).
enum Failed {
    BeforeJournal(WriteError),
    AfterJournal(WriteError),
}

/// The mutex's value even if a thread panicked holding it (no work item panics; the value is
/// consistent at every unlock anyway).
fn lock_ignoring_poison<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// Builds directories in the private directory `stage`, on all cores (building is most of a
/// write, nearly all of it in the kernel).
fn build_all(ops: &FsOps, at: &At, stage: &At, writes: &[(usize, Write)]) -> Result<(), WriteError> {
    crate::core::parallel::in_parallel(writes, |(_, w)| build(ops, at, stage, w)).into_iter().collect()
}

/// Puts each directory in place with one rename out of the private directory `stage` (removals
/// are renamed aside). Nobody else can change what is in it, so what is renamed is the
/// directory this run built: no look at it before or after (someone who can write to the output
/// may swap anything there at any moment, but not in `stage`). A replaced directory, or whatever
/// was put at its name, lands in `stage`, deleted with it. Each step is its unit's (by index in
/// `units`).
fn swap_all(
    ops: &FsOps,
    at: &At,
    stage: Option<&At>,
    units: &[Unit],
    steps: &[(usize, Step)],
) -> Result<(), WriteError> {
    for (n, s) in steps {
        match s {
            Step::Put { dir, replaces, tmp } => {
                let name = units[*n].dirs[*dir].name.as_str();
                let stage = stage.ok_or_else(|| at.err(STAGE_NAME)(std::io::ErrorKind::NotFound.into()))?;
                ops.put_in_place(stage, &tmp.to_string(), at, name, *replaces)?;
            }
            Step::Remove { name, tmp } => ops.rename_noreplace(at, name, &format!("{OLD_PREFIX}{tmp}"))?,
        }
    }
    at.dir.sync().map_err(io(at.shown))
}

/// Makes the private directory new directories are built in ([`STAGE_NAME`]).
fn make_stage(ops: &FsOps, at: &At) -> Result<Dir, WriteError> {
    let (stage, me) = ops.make_dir(at, STAGE_NAME, 0o700)?;
    // Only this run makes it, with this process's owner, and it starts empty: anything else is
    // something swapped in between the `mkdir` and the `open`. Once it is, only its owner can
    // change what is in it.
    if !me.is_dir() || me.uid != effective_uid() || !stage.is_empty().map_err(at.err(STAGE_NAME))? {
        return Err(WriteError::Io {
            path: at.path(STAGE_NAME).display().to_string(),
            message: "is not the directory rc2s6 just made: the output directory was changed during the run".into(),
        });
    }
    Ok(stage)
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
fn read_manifest(at: &At, name: &str) -> Result<Option<StoredManifest>, WriteError> {
    let path = at.path(name);
    let bad = |why: String| WriteError::BadManifest { path: path.display().to_string(), why };
    let (file, text) = match read_text(at, name) {
        Ok(read) => read,
        Err(ReadRefusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(ReadRefusal::Io(e)) => return Err(io(&path)(e)),
        Err(ReadRefusal::NotRegular(_)) => return Err(bad("it is not a regular file".into())),
        Err(e @ ReadRefusal::TooLarge { .. }) => return Err(bad(e.to_string())),
    };
    let text = String::from_utf8(text).map_err(|_| bad("it is not UTF-8".into()))?;
    // Each record is checked as it is parsed (once for both).
    let mut manifest = StoredManifest::from_yaml_checked(text, check_record).map_err(bad)?;
    // Checked: the records' texts stay in the file, read again (and checked to be what was
    // read) when the writer plans each service.
    manifest.leave_on_disk(file);
    Ok(Some(manifest))
}

/// The file `name` (a regular file, at most [`LARGEST_MANIFEST`] bytes), still open, and its
/// contents.
fn read_text(at: &At, name: &str) -> Result<(fs::File, Vec<u8>), ReadRefusal> {
    let (file, entry) = at.dir.open_file(name)?;
    let bytes = crate::core::regular_file::read_open(&file, entry.size, LARGEST_MANIFEST)?;
    Ok((file, bytes))
}

/// A manifest read back (the file `name`), every record parsed: to reconcile a journal, for
/// verify.
fn all_records(at: &At, name: &str, m: &StoredManifest) -> Result<Manifest, WriteError> {
    m.to_manifest().map_err(|why| WriteError::BadManifest { path: at.path(name).display().to_string(), why })
}

/// [`all_records`] of a manifest that may not exist.
fn whole(at: &At, name: &str, m: Option<&StoredManifest>) -> Result<Option<Manifest>, WriteError> {
    m.map(|m| all_records(at, name, m)).transpose()
}

/// Refuses a record whose directories or files are not plain names under the output directory.
fn check_record(r: &ServiceRecord) -> Result<(), String> {
    if r.servicedir.as_ref().is_some_and(|d| d != &r.name) {
        return Err(format!("service `{}` has the directory `{}`", r.name, r.dirs().next().unwrap_or("")));
    }
    if let Some(dir) = r.dirs().find(|d| !is_safe_component(d) || d.starts_with('.') || *d == MANIFEST_NAME) {
        return Err(format!("service `{}` has the directory `{dir}`", r.name));
    }
    let inside = |path: &str| {
        r.dirs().any(|d| path.strip_prefix(d).and_then(|p| p.strip_prefix('/')).is_some_and(plain_relative))
    };
    if let Some(f) = r.files.iter().find(|f| r.dirs().next().is_some() && !inside(&f.path)) {
        return Err(format!("service `{}` lists the file `{}`", r.name, f.path));
    }
    Ok(())
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

/// Writes the text `text` writes durably to `dest` (the manifest or the journal) through a
/// temporary file; a failure (a full disk) leaves no temporary file behind.
fn commit(
    ops: &FsOps,
    at: &At,
    mode: u32,
    dest: &str,
    text: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let tmp = tmp_name(dest);
    let written = ops
        .create_file_with(at, &tmp, mode, true, |f| manifest_text::buffered(f, text))
        .and_then(|()| ops.rename(at, &tmp, dest));
    if let Err(e) = written {
        let _ = at.dir.remove_tree(&tmp);
        return Err(e);
    }
    at.dir.sync().map_err(io(at.shown))
}

/// Builds a service directory as `tmp` in the private directory `stage` (where it does not
/// exist), through descriptors only; what the admin or s6 put in the directory it replaces (in
/// `at`, the output directory) is carried over.
fn build(ops: &FsOps, at: &At, stage: &At, write: &Write) -> Result<(), WriteError> {
    let (planned, replaces, tmp, generated_before) =
        (write.planned, write.replaces, write.tmp.as_str(), &write.generated_before);
    // In the private directory: the `mkdir` succeeding says it is the directory just made, and
    // nothing but this run can change what is in it, so the directory, its subdirectories and
    // its files are made through their paths from it (`N/log/run`), without a descriptor of
    // each directory.
    ops.mkdir_within(stage, tmp, 0o755)?;
    let within = |path: &str| [tmp, "/", path].concat();
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    for d in planned.dirs() {
        // Every ancestor, parents first (`a`, then `a/b`).
        let ends = d.match_indices('/').map(|(i, _)| i).chain([d.len()]);
        for end in ends {
            if !dirs.contains(&d[..end]) {
                ops.mkdir_within(stage, &within(&d[..end]), 0o755)?;
                dirs.insert(d[..end].to_string());
            }
        }
    }
    for f in &planned.files {
        ops.create_file_within(stage, &within(&f.path), f.mode, f.contents.as_bytes())?;
    }
    if replaces {
        if let Ok(old) = at.dir.open_dir(&planned.name) {
            let new = stage.dir.open_dir(tmp).map_err(stage.err(tmp))?;
            let shown = stage.path(tmp);
            let root = At { dir: &new, shown: &shown };
            let planned_files: BTreeSet<&str> = planned.files.iter().map(|f| f.path.as_str()).collect();
            let keep = Keep { generated_before, planned_files: &planned_files, planned_dirs: &dirs };
            keep.carry(ops, &old, &root, "")?;
        }
    }
    Ok(())
}

/// The process's effective user, asked once: rc2s6 never changes it.
fn effective_uid() -> u32 {
    static EUID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    // SAFETY: geteuid has no preconditions.
    *EUID.get_or_init(|| unsafe { libc::geteuid() })
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
        for name in old.names().map_err(new.err(prefix))? {
            let name = name.to_string_lossy().into_owned();
            let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            if self.generated_before.contains(&rel) || self.planned_files.contains(rel.as_str()) {
                continue;
            }
            let Some(e) = old.entry(&name).map_err(new.err(&name))? else { continue };
            if self.planned_dirs.contains(&rel) {
                // The new directory has it: carry what is inside.
                if e.is_dir() {
                    let (from, into) = (
                        old.open_dir(&name).map_err(new.err(&name))?,
                        new.dir.open_dir(&name).map_err(new.err(&name))?,
                    );
                    let shown = new.path(&name);
                    self.carry(ops, &from, &At { dir: &into, shown: &shown }, &rel)?;
                }
                continue;
            }
            if e.is_file() {
                ops.hard_link(new, old, &name)?;
            } else if e.is_dir() {
                ops.mkdir(new, &name, e.permissions())?;
                new.dir.chown(&name, e.uid, e.gid).map_err(new.err(&name))?;
                let (from, into) =
                    (old.open_dir(&name).map_err(new.err(&name))?, new.dir.open_dir(&name).map_err(new.err(&name))?);
                let shown = new.path(&name);
                self.carry(ops, &from, &At { dir: &into, shown: &shown }, &rel)?;
            } else if e.is_symlink() {
                let target = old.read_link(&name).map_err(new.err(&name))?;
                ops.symlink(new, &target, &name)?;
                new.dir.chown(&name, e.uid, e.gid).map_err(new.err(&name))?;
            } else if e.is_fifo() {
                ops.mkfifo(new, &name, e.permissions())?;
                new.dir.chown(&name, e.uid, e.gid).map_err(new.err(&name))?;
            }
            // Sockets and devices are s6-supervise's or nobody's to make: left out.
        }
        Ok(())
    }
}
