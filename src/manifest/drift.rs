//! What is on disk under a service's name, compared with a manifest record (was it changed since
//! rc2s6 wrote it?) or with a planned directory (is it already up to date?). Read once per
//! service and run; nothing here writes. Shared by `write` (hand edits are not overwritten) and
//! `verify` (the tree on disk is what the manifest says).

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use super::{ServiceRecord, sha256_hex};
use crate::backend::service_dir::ServiceDir;

/// A path under the output directory that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskError {
    /// The path.
    pub path: String,
    /// The operating system's message.
    pub message: String,
}

impl std::fmt::Display for DiskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DiskError + '_ {
    move |e| DiskError { path: path.display().to_string(), message: e.to_string() }
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
    /// A file or directory exists where the service directory goes that rc2s6 did not make.
    Foreign,
    /// The path is a symbolic link, which rc2s6 never writes through.
    Symlink,
    /// An s6-supervise runs in the directory: replacing or removing it would leave that
    /// supervisor running the old daemon where no s6 tool finds it, and the next scan would
    /// start the daemon a second time.
    Supervised,
}

impl DriftKind {
    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            DriftKind::Edited => "edited since rc2s6 wrote it",
            DriftKind::Missing => "missing",
            DriftKind::Extra => "not written by rc2s6",
            DriftKind::Foreign => "not a service directory rc2s6 made",
            DriftKind::Symlink => "a symbolic link",
            DriftKind::Supervised => {
                "run by a live s6-supervise, which a new directory would orphan (stop the service first, e.g. `rc-service NAME stop`, which takes it out of the scan directory)"
            }
        }
    }

    /// Whether `--force` overwrites what this describes.
    pub fn forcible(self) -> bool {
        !matches!(self, DriftKind::Symlink | DriftKind::Supervised)
    }
}

/// Whether an s6-supervise runs in the service directory (or its logger's): someone holds its
/// `supervise/control` FIFO open for reading, the check `s6-svok` makes.
pub fn is_supervised(dir: &Path) -> bool {
    ["supervise/control", "log/supervise/control"].iter().any(|fifo| {
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(dir.join(fifo))
            .is_ok_and(|f| f.metadata().is_ok_and(|m| m.file_type().is_fifo()))
    })
}

/// Entries s6-supervise creates in a service directory at run time; never drift.
const RUNTIME_ENTRIES: &[&str] = &["supervise", "event", "down", "log/supervise", "log/event", "log/down"];

/// What is at `<out>/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskDir {
    /// Nothing.
    Absent,
    /// A symbolic link (or anything else that is not a directory).
    NotADirectory {
        /// Whether it is a symbolic link.
        symlink: bool,
    },
    /// A directory and its files sorted by path, without s6's run-time entries.
    Directory(Vec<DiskFile>),
}

/// A file in a service directory: path relative to it, permission bits, contents (empty for
/// anything but a regular file).
pub type DiskFile = (String, u32, Vec<u8>);

impl DiskDir {
    /// Reads `dir` without following symbolic links.
    pub fn read(dir: &Path) -> Result<DiskDir, DiskError> {
        let meta = match dir.symlink_metadata() {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DiskDir::Absent),
            Err(e) => return Err(io(dir)(e)),
        };
        if !meta.is_dir() {
            return Ok(DiskDir::NotADirectory { symlink: meta.file_type().is_symlink() });
        }
        let mut out = Vec::new();
        let walk = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().min_depth(1);
        for entry in walk.into_iter().filter_entry(|e| !is_runtime(dir, e.path())) {
            let entry = entry.map_err(|e| DiskError { path: dir.display().to_string(), message: e.to_string() })?;
            let ft = entry.file_type();
            if ft.is_dir() {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().into_owned();
            let meta = entry.path().symlink_metadata().map_err(io(entry.path()))?;
            let contents = if ft.is_file() { fs::read(entry.path()).map_err(io(entry.path()))? } else { Vec::new() };
            out.push((rel, meta.permissions().mode() & 0o7777, contents));
        }
        // The order of generated files: by path, not by directory walk.
        out.sort();
        Ok(DiskDir::Directory(out))
    }

    /// Whether nothing is there.
    pub fn is_absent(&self) -> bool {
        matches!(self, DiskDir::Absent)
    }

    /// Whether this is exactly the planned directory.
    pub fn matches_plan(&self, planned: &ServiceDir) -> bool {
        let DiskDir::Directory(files) = self else { return false };
        files.len() == planned.files.len()
            && planned
                .files
                .iter()
                .zip(files)
                .all(|(f, (p, mode, c))| *p == f.path && *mode == f.mode && c.as_slice() == f.contents.as_bytes())
    }

    /// How this differs from what `record` says rc2s6 wrote at `name`; a record without a
    /// service directory means nothing should be there.
    pub fn drift_from(&self, name: &str, record: Option<&ServiceRecord>) -> Vec<Drift> {
        let d = |path: String, kind| Drift { service: name.to_string(), path, kind };
        let Some((record, dir_name)) = record.and_then(|r| r.servicedir.as_ref().map(|s| (r, s))) else {
            return match self {
                DiskDir::Absent => Vec::new(),
                DiskDir::NotADirectory { symlink: true } => vec![d(name.to_string(), DriftKind::Symlink)],
                _ => vec![d(name.to_string(), DriftKind::Foreign)],
            };
        };
        let files = match self {
            DiskDir::Absent => return record.files.iter().map(|f| d(f.path.clone(), DriftKind::Missing)).collect(),
            DiskDir::NotADirectory { symlink: true } => return vec![d(dir_name.clone(), DriftKind::Symlink)],
            DiskDir::NotADirectory { symlink: false } => return vec![d(dir_name.clone(), DriftKind::Foreign)],
            DiskDir::Directory(files) => files,
        };
        let mut drift = Vec::new();
        let prefix = format!("{dir_name}/");
        let listed: BTreeSet<&str> = record.files.iter().map(|f| f.path.as_str()).collect();
        for f in &record.files {
            let rel = f.path.strip_prefix(&prefix).unwrap_or(&f.path);
            match files.iter().find(|(p, _, _)| p == rel) {
                None => drift.push(d(f.path.clone(), DriftKind::Missing)),
                Some((_, mode, contents)) => {
                    if format!("{mode:04o}") != f.mode || sha256_hex(contents) != f.sha256 {
                        drift.push(d(f.path.clone(), DriftKind::Edited));
                    }
                }
            }
        }
        for (p, _, _) in files {
            let full = format!("{prefix}{p}");
            if !listed.contains(full.as_str()) {
                drift.push(d(full, DriftKind::Extra));
            }
        }
        drift
    }
}

fn is_runtime(dir: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(dir).unwrap_or(path).to_string_lossy();
    RUNTIME_ENTRIES.iter().any(|r| rel == *r)
}

/// Compares a directory on disk with what the manifest says was written there.
pub fn drift_against(out: &Path, record: &ServiceRecord) -> Result<Vec<Drift>, DiskError> {
    let Some(name) = &record.servicedir else { return Ok(Vec::new()) };
    Ok(DiskDir::read(&out.join(name))?.drift_from(&record.name, Some(record)))
}
