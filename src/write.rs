//! The only place that writes the output directory. Each service directory is built beside its
//! destination and swapped in with one `renameat2(RENAME_EXCHANGE)`, so a run killed at any
//! point leaves every service as it was or fully new; hand-edited files are never overwritten
//! without `--force`; unchanged services are not touched at all.

use std::collections::BTreeSet;
use std::ffi::CString;
use std::fs;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::compile::Compilation;
use crate::emit::manifest::{Manifest, ServiceRecord, sha256_hex};
use crate::emit::{MANIFEST_NAME, ServiceDir};

/// How to write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Overwrite hand-edited files.
    pub force: bool,
    /// Report what would happen without touching anything.
    pub dry_run: bool,
}

/// A difference between the disk and the manifest that rc2s6 did not make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The service.
    pub service: String,
    /// The file, relative to the output directory.
    pub path: String,
    /// What differs.
    pub kind: DriftKind,
}

/// Kinds of drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftKind {
    /// Contents or mode differ from the manifest.
    Edited,
    /// A file the manifest lists is gone.
    Missing,
    /// A file the manifest does not list.
    Extra,
    /// A directory exists that rc2s6 did not make (no manifest record).
    Foreign,
    /// The path is a symbolic link, which rc2s6 never writes through.
    Symlink,
}

impl DriftKind {
    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            DriftKind::Edited => "edited since rc2s6 wrote it",
            DriftKind::Missing => "missing",
            DriftKind::Extra => "not written by rc2s6",
            DriftKind::Foreign => "a directory rc2s6 did not make",
            DriftKind::Symlink => "a symbolic link",
        }
    }
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
}

/// A failed system call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError {
    /// The path involved.
    pub path: String,
    /// The operating system's message.
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |e| WriteError { path: path.display().to_string(), message: e.to_string() }
}

/// Entries s6-supervise creates in a service directory at run time; never drift.
const RUNTIME_ENTRIES: &[&str] = &["supervise", "event", "down", "log/supervise", "log/event", "log/down"];

/// Files under `dir` (relative paths), ignoring s6's run-time entries.
fn disk_files(dir: &Path) -> Result<Vec<(String, u32, Vec<u8>)>, WriteError> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().min_depth(1) {
        let entry = entry.map_err(|e| WriteError { path: dir.display().to_string(), message: e.to_string() })?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().into_owned();
        if RUNTIME_ENTRIES.iter().any(|r| rel == *r || rel.starts_with(&format!("{r}/"))) {
            continue;
        }
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        let meta = entry.path().symlink_metadata().map_err(io_err(entry.path()))?;
        let contents = if ft.is_file() { fs::read(entry.path()).map_err(io_err(entry.path()))? } else { Vec::new() };
        out.push((rel, meta.permissions().mode() & 0o7777, contents));
    }
    Ok(out)
}

/// Compares a directory on disk with what the manifest says was written there.
pub fn drift_against(out: &Path, record: &ServiceRecord) -> Result<Vec<Drift>, WriteError> {
    let Some(name) = &record.servicedir else { return Ok(Vec::new()) };
    let dir = out.join(name);
    let mut drift = Vec::new();
    let d = |path: String, kind| Drift { service: record.name.clone(), path, kind };
    match dir.symlink_metadata() {
        Err(_) => {
            for f in &record.files {
                drift.push(d(f.path.clone(), DriftKind::Missing));
            }
            return Ok(drift);
        }
        Ok(m) if m.file_type().is_symlink() => {
            drift.push(d(name.clone(), DriftKind::Symlink));
            return Ok(drift);
        }
        Ok(_) => {}
    }
    let on_disk = disk_files(&dir)?;
    let listed: BTreeSet<&str> = record.files.iter().map(|f| f.path.as_str()).collect();
    for f in &record.files {
        let rel = f.path.strip_prefix(&format!("{name}/")).unwrap_or(&f.path);
        match on_disk.iter().find(|(p, _, _)| p == rel) {
            None => drift.push(d(f.path.clone(), DriftKind::Missing)),
            Some((_, mode, contents)) => {
                if format!("{mode:04o}") != f.mode || sha256_hex(contents) != f.sha256 {
                    drift.push(d(f.path.clone(), DriftKind::Edited));
                }
            }
        }
    }
    for (p, _, _) in &on_disk {
        let full = format!("{name}/{p}");
        if !listed.contains(full.as_str()) {
            drift.push(d(full, DriftKind::Extra));
        }
    }
    Ok(drift)
}

/// Whether the directory on disk already holds exactly these files.
fn up_to_date(dir: &Path, planned: &ServiceDir) -> Result<bool, WriteError> {
    if !dir.is_dir() || dir.symlink_metadata().map(|m| m.file_type().is_symlink()).unwrap_or(true) {
        return Ok(false);
    }
    let on_disk = disk_files(dir)?;
    if on_disk.len() != planned.files.len() {
        return Ok(false);
    }
    Ok(planned.files.iter().all(|f| {
        on_disk.iter().any(|(p, mode, c)| *p == f.path && *mode == f.mode && c.as_slice() == f.contents.as_bytes())
    }))
}

fn fsync_dir(dir: &Path) -> Result<(), WriteError> {
    fs::File::open(dir).and_then(|f| f.sync_all()).map_err(io_err(dir))
}

/// Writes a service directory's files under `dir`, which must not exist.
fn build_dir(dir: &Path, planned: &ServiceDir) -> Result<(), WriteError> {
    fs::create_dir(dir).map_err(io_err(dir))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).map_err(io_err(dir))?;
    for sub in planned.dirs() {
        let p = dir.join(&sub);
        fs::create_dir_all(&p).map_err(io_err(&p))?;
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).map_err(io_err(&p))?;
    }
    for f in &planned.files {
        let p = dir.join(&f.path);
        let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(f.mode).open(&p).map_err(io_err(&p))?;
        file.write_all(f.contents.as_bytes()).map_err(io_err(&p))?;
        // The mode must not depend on the caller's umask.
        file.set_permissions(fs::Permissions::from_mode(f.mode)).map_err(io_err(&p))?;
        file.sync_all().map_err(io_err(&p))?;
    }
    for sub in planned.dirs() {
        fsync_dir(&dir.join(sub))?;
    }
    fsync_dir(dir)
}

/// Atomically exchanges two paths (both must exist).
fn exchange(a: &Path, b: &Path) -> Result<(), WriteError> {
    let ca = CString::new(a.as_os_str().as_bytes())
        .map_err(|_| WriteError { path: a.display().to_string(), message: "NUL in path".into() })?;
    let cb = CString::new(b.as_os_str().as_bytes())
        .map_err(|_| WriteError { path: b.display().to_string(), message: "NUL in path".into() })?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 { Ok(()) } else { Err(io_err(b)(std::io::Error::last_os_error())) }
}

/// Removes leftovers of a run that was killed while building or swapping.
fn clean_leftovers(out: &Path) -> Result<(), WriteError> {
    let Ok(rd) = fs::read_dir(out) else { return Ok(()) };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with(".rc2s6-new.") || name.starts_with(".rc2s6-old.") {
            let p = e.path();
            if p.symlink_metadata().map(|m| m.is_dir()).unwrap_or(false) {
                fs::remove_dir_all(&p).map_err(io_err(&p))?;
            } else {
                fs::remove_file(&p).map_err(io_err(&p))?;
            }
        }
    }
    Ok(())
}

/// Puts one service directory in place: `Ok(true)` if anything changed.
fn place(out: &Path, planned: &ServiceDir) -> Result<bool, WriteError> {
    let target = out.join(&planned.name);
    if up_to_date(&target, planned)? {
        return Ok(false);
    }
    let tmp = out.join(format!(".rc2s6-new.{}", planned.name));
    build_dir(&tmp, planned)?;
    if target.symlink_metadata().is_ok() {
        exchange(&tmp, &target)?;
        fsync_dir(out)?;
        // `tmp` now holds the old directory.
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    } else {
        fs::rename(&tmp, &target).map_err(io_err(&target))?;
    }
    fsync_dir(out)?;
    Ok(true)
}

/// Writes the compilation into `out`.
pub fn write_output(out: &Path, comp: &Compilation, opts: WriteOptions) -> Result<WriteReport, WriteError> {
    let mut report = WriteReport::default();
    if !opts.dry_run {
        fs::create_dir_all(out).map_err(io_err(out))?;
        clean_leftovers(out)?;
    }
    let manifest_path = out.join(MANIFEST_NAME);
    let old: Option<Manifest> = fs::read_to_string(&manifest_path).ok().and_then(|t| Manifest::from_yaml(&t).ok());
    let mut records: Vec<ServiceRecord> = Vec::new();
    let compiled: BTreeSet<&str> = comp.services.iter().map(|s| s.record.name.as_str()).collect();

    for s in &comp.services {
        let name = &s.record.name;
        let old_record = old.as_ref().and_then(|m| m.service(name));
        let target = out.join(name);
        // What is on disk now must be what rc2s6 wrote last time, or nothing.
        let drift = match old_record {
            Some(r) => drift_against(out, r)?,
            None => match target.symlink_metadata() {
                Ok(m) if m.file_type().is_symlink() => {
                    vec![Drift { service: name.clone(), path: name.clone(), kind: DriftKind::Symlink }]
                }
                Ok(_) => match &s.dir {
                    Some(d) if up_to_date(&target, d)? => Vec::new(),
                    _ => vec![Drift { service: name.clone(), path: name.clone(), kind: DriftKind::Foreign }],
                },
                Err(_) => Vec::new(),
            },
        };
        let symlink = drift.iter().any(|d| d.kind == DriftKind::Symlink);
        if !drift.is_empty() && (!opts.force || symlink) {
            report.drifted.extend(drift);
            // Keep describing what is on disk.
            if let Some(r) = old_record {
                records.push(r.clone());
            }
            continue;
        }
        match &s.dir {
            Some(d) => {
                let changed = if opts.dry_run { !up_to_date(&target, d)? } else { place(out, d)? };
                if changed { report.written.push(name.clone()) } else { report.unchanged.push(name.clone()) }
            }
            None => {
                // A script that selects s6 and has no command runs its daemon from a prepared
                // service directory (a script rc2s6 migrated): that directory is what OpenRC
                // links, so it stays, and so does its record.
                if let (true, Some(r)) = (s.migrated, old_record.filter(|r| r.servicedir.is_some())) {
                    report.unchanged.push(name.clone());
                    records.push(r.clone());
                    continue;
                }
                // No longer converted: a directory rc2s6 made for it would run a stale daemon.
                if old_record.and_then(|r| r.servicedir.as_ref()).is_some() && target.is_dir() {
                    if !opts.dry_run {
                        fs::remove_dir_all(&target).map_err(io_err(&target))?;
                        fsync_dir(out)?;
                    }
                    report.removed.push(name.clone());
                }
            }
        }
        records.push(s.record.clone());
    }
    // Services compiled earlier but not named this time stay, with their records.
    if let Some(m) = &old {
        for r in &m.services {
            if !compiled.contains(r.name.as_str()) {
                records.push(r.clone());
            }
        }
    }
    let manifest = Manifest::new(
        &crate::openrc_target::OpenrcTarget { version: comp.manifest.openrc.version.clone() },
        &comp.manifest.output,
        records,
    );
    let text = manifest.to_yaml();
    let current = fs::read(&manifest_path).ok();
    if current.as_deref() != Some(text.as_bytes()) {
        report.manifest_written = true;
        if !opts.dry_run {
            let tmp = out.join(format!(".rc2s6-new.{MANIFEST_NAME}"));
            {
                let mut f =
                    fs::OpenOptions::new().write(true).create_new(true).mode(0o644).open(&tmp).map_err(io_err(&tmp))?;
                f.write_all(text.as_bytes()).map_err(io_err(&tmp))?;
                f.sync_all().map_err(io_err(&tmp))?;
            }
            fs::rename(&tmp, &manifest_path).map_err(io_err(&manifest_path))?;
            fsync_dir(out)?;
        }
    }
    Ok(report)
}

/// Writes migrated init scripts into `dir` (created if needed), each as `dir/<name>` with its
/// mode, replacing the old file atomically; files already holding the text are left alone.
/// Returns the names written. Nothing is ever written outside `dir`.
pub fn write_initd(dir: &Path, scripts: &[(String, String, u32)], dry_run: bool) -> Result<Vec<String>, WriteError> {
    let mut written = Vec::new();
    if !dry_run {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    for (name, text, mode) in scripts {
        if let Some(why) = crate::emit::service_dir::invalid_name(name) {
            return Err(WriteError { path: dir.join(name).display().to_string(), message: why.to_string() });
        }
        let target = dir.join(name);
        let same = fs::read(&target).is_ok_and(|old| old == text.as_bytes())
            && fs::metadata(&target).is_ok_and(|m| m.permissions().mode() & 0o7777 == *mode);
        if same {
            continue;
        }
        written.push(name.clone());
        if dry_run {
            continue;
        }
        let tmp = dir.join(format!(".rc2s6-new.{name}"));
        let _ = fs::remove_file(&tmp);
        {
            let mut f =
                fs::OpenOptions::new().write(true).create_new(true).mode(*mode).open(&tmp).map_err(io_err(&tmp))?;
            f.write_all(text.as_bytes()).map_err(io_err(&tmp))?;
            f.set_permissions(fs::Permissions::from_mode(*mode)).map_err(io_err(&tmp))?;
            f.sync_all().map_err(io_err(&tmp))?;
        }
        fs::rename(&tmp, &target).map_err(io_err(&target))?;
    }
    if !dry_run && !written.is_empty() {
        fsync_dir(dir)?;
    }
    Ok(written)
}
