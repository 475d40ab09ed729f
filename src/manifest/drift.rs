//! What is on disk under a service's name, compared with a manifest record (was it changed since
//! rc2s6 wrote it?) or with a planned directory (is it already up to date?). Read once per
//! service and run; nothing here writes. Shared by `write` (hand edits are not overwritten) and
//! `verify` (the tree on disk is what the manifest says).

use std::collections::BTreeSet;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use super::{ServiceRecord, sha256_hex};
use crate::backend::service_dir::ServiceDir;
use crate::core::dir::Dir;
use crate::core::regular_file::Look;

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
const RUNTIME_ENTRIES: &[&str] = &["supervise", "event", "log/supervise", "log/event"];

/// Files s6-supervise and its tools make or read at run time (`down` marks a service not to be
/// started): never drift when rc2s6 did not write them. An s6-rc oneshot's `down` script is one
/// rc2s6 writes, so these are read, and set aside only where the plan or record has no such file.
const RUNTIME_FILES: &[&str] = &["down", "log/down"];

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
    /// Reads `dir` without following symbolic links (a link at `dir` itself is reported as
    /// one; links on the way to it are the caller's path).
    pub fn read(dir: &Path) -> Result<DiskDir, DiskError> {
        let (parent, name) = match (dir.parent(), dir.file_name()) {
            (Some(p), Some(n)) => (if p.as_os_str().is_empty() { Path::new(".") } else { p }, n.to_string_lossy()),
            _ => return Err(DiskError { path: dir.display().to_string(), message: "not a directory entry".into() }),
        };
        let parent_dir = match Dir::open(parent) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DiskDir::Absent),
            Err(e) => return Err(io(parent)(e)),
        };
        DiskDir::read_in(&parent_dir, &name, dir)
    }

    /// Reads the entry `name` of the open directory `parent` (`shown` names it in messages)
    /// through directory descriptors: no link inside is ever followed, whatever is swapped in
    /// while it is read, and no FIFO is opened.
    pub fn read_in(parent: &Dir, name: &str, shown: &Path) -> Result<DiskDir, DiskError> {
        let entry = match parent.entry(name).map_err(io(shown))? {
            None => return Ok(DiskDir::Absent),
            Some(e) => e,
        };
        if !entry.is_dir() {
            return Ok(DiskDir::NotADirectory { symlink: entry.is_symlink() });
        }
        let dir = parent.open_dir(name).map_err(io(shown))?;
        let mut out = Vec::new();
        walk(&dir, "", shown, &mut out)?;
        // The order of generated files: by path, not by directory walk.
        out.sort();
        Ok(DiskDir::Directory(out))
    }

    /// Whether nothing is there.
    pub fn is_absent(&self) -> bool {
        matches!(self, DiskDir::Absent)
    }

    /// Whether this holds the planned directory: every planned file, with its mode and
    /// contents, and nothing else rc2s6 generated (`generated_before`, paths relative to the
    /// directory) or anything in the way of a planned file. Files the admin or s6 added are
    /// theirs, and do not count.
    pub fn holds(&self, planned: &ServiceDir, generated_before: &BTreeSet<String>) -> bool {
        let DiskDir::Directory(files) = self else { return false };
        let on_disk: std::collections::BTreeMap<&str, (u32, &[u8])> =
            files.iter().map(|(p, mode, c)| (p.as_str(), (*mode, c.as_slice()))).collect();
        let planned_paths: BTreeSet<&str> = planned.files.iter().map(|f| f.path.as_str()).collect();
        let in_the_way = |p: &str| {
            planned_paths.iter().any(|f| {
                f.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
                    || p.strip_prefix(f).is_some_and(|r| r.starts_with('/'))
            })
        };
        planned.files.iter().all(|f| on_disk.get(f.path.as_str()) == Some(&(f.mode, f.contents.as_bytes())))
            && on_disk.keys().all(|p| planned_paths.contains(p) || (!generated_before.contains(*p) && !in_the_way(p)))
    }

    /// How this differs from what `record` says rc2s6 wrote at `name`; a record without a
    /// service directory means nothing should be there.
    pub fn drift_from(&self, name: &str, record: Option<&ServiceRecord>) -> Vec<Drift> {
        match record.and_then(|r| r.servicedir.as_deref().map(|d| (r, d))) {
            Some((r, dir)) => self.drift_in(name, dir, Some(r)),
            None => self.drift_in(name, name, None),
        }
    }

    /// How this, read at `dir`, differs from what `record` (the service's) says rc2s6 wrote
    /// there: `dir` is one of the service's directories (its own, or for s6-rc one of its
    /// companions); a record that has no such directory means nothing should be there.
    pub fn drift_in(&self, service: &str, dir: &str, record: Option<&ServiceRecord>) -> Vec<Drift> {
        let d = |path: String, kind| Drift { service: service.to_string(), path, kind };
        let Some(record) = record.filter(|r| r.dirs().any(|x| x == dir)) else {
            return match self {
                DiskDir::Absent => Vec::new(),
                DiskDir::NotADirectory { symlink: true } => vec![d(dir.to_string(), DriftKind::Symlink)],
                _ => vec![d(dir.to_string(), DriftKind::Foreign)],
            };
        };
        let prefix = format!("{dir}/");
        let own: Vec<&super::FileRecord> = record.files.iter().filter(|f| f.path.starts_with(&prefix)).collect();
        let files = match self {
            DiskDir::Absent => return own.iter().map(|f| d(f.path.clone(), DriftKind::Missing)).collect(),
            DiskDir::NotADirectory { symlink: true } => return vec![d(dir.to_string(), DriftKind::Symlink)],
            DiskDir::NotADirectory { symlink: false } => return vec![d(dir.to_string(), DriftKind::Foreign)],
            DiskDir::Directory(files) => files,
        };
        let mut drift = Vec::new();
        let listed: BTreeSet<&str> = own.iter().map(|f| f.path.as_str()).collect();
        for f in &own {
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
            if !listed.contains(full.as_str()) && !RUNTIME_FILES.contains(&p.as_str()) {
                drift.push(d(full, DriftKind::Extra));
            }
        }
        drift
    }
}

/// The most a file in a service directory is read: more than any file rc2s6 generates.
const LARGEST_FILE: u64 = 16 << 20;

/// Every entry under `dir` but directories and s6's run-time entries, as `prefix/name`.
fn walk(dir: &Dir, prefix: &str, shown: &Path, out: &mut Vec<DiskFile>) -> Result<(), DiskError> {
    for name in dir.names().map_err(io(shown))? {
        let name = name.to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        if RUNTIME_ENTRIES.contains(&rel.as_str()) {
            continue;
        }
        let here = shown.join(&rel);
        // The look before a file is opened (`Look::Listed` below).
        let Some(entry) = dir.entry(&name).map_err(io(&here))? else { continue };
        if entry.is_dir() {
            let sub = dir.open_dir(&name).map_err(io(&here))?;
            walk(&sub, &rel, shown, out)?;
        } else if entry.is_file() {
            let (contents, entry) = dir
                .read_file_seen(&name, Look::Listed, LARGEST_FILE)
                .map_err(|e| DiskError { path: here.display().to_string(), message: e.to_string() })?;
            out.push((rel, entry.permissions(), contents));
        } else {
            out.push((rel, entry.permissions(), Vec::new()));
        }
    }
    Ok(())
}

/// Compares the directories on disk with what the manifest says was written there.
pub fn drift_against(out: &Path, record: &ServiceRecord) -> Result<Vec<Drift>, DiskError> {
    let mut drift = Vec::new();
    for dir in record.dirs() {
        drift.extend(DiskDir::read(&out.join(dir))?.drift_in(&record.name, dir, Some(record)));
    }
    Ok(drift)
}
