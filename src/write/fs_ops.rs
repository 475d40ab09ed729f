//! Every change rc2s6 makes under the output directory, one counted operation each, through the
//! output directory's descriptor (`core::dir`): no symbolic link inside it is ever followed.
//! The count exists for one test: debug builds read `RC2S6_CRASH_AFTER_OPS=N` and kill the
//! process with SIGKILL before the operation after the N-th, so the test can stop a run
//! between any two changes and check what is left. Release builds have no such hook; unset, it
//! does nothing.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::WriteError;
use crate::core::dir::{Dir, Entry};

/// The operations, counted.
#[derive(Debug)]
pub struct FsOps {
    /// Operations begun, across the threads that build directories.
    done: AtomicUsize,
    crash_after: Option<usize>,
}

/// The crash point a test asked for, in debug builds only.
#[cfg(debug_assertions)]
fn crash_point() -> Option<usize> {
    std::env::var("RC2S6_CRASH_AFTER_OPS").ok()?.parse().ok()
}

#[cfg(not(debug_assertions))]
fn crash_point() -> Option<usize> {
    None
}

/// A directory of the output and the path it is shown as in messages.
#[derive(Debug)]
pub struct At<'a> {
    /// The open directory.
    pub dir: &'a Dir,
    /// Its path, for messages.
    pub shown: &'a Path,
}

impl At<'_> {
    /// The path of `name` in it, for messages.
    pub fn path(&self, name: &str) -> PathBuf {
        self.shown.join(name)
    }

    /// The error for a failed call on `name`. The path is put into words only when a call
    /// fails: every call on the output passes through here (about 10,000 for the corpus).
    pub fn err<'n>(&self, name: &'n str) -> impl Fn(std::io::Error) -> WriteError + use<'_, 'n> {
        move |e| WriteError::Io { path: self.path(name).display().to_string(), message: e.to_string() }
    }
}

impl FsOps {
    /// Operations with the crash point from the environment (debug builds).
    pub fn new() -> Self {
        FsOps { done: AtomicUsize::new(0), crash_after: crash_point() }
    }

    fn begin(&self) {
        if self.crash_after == Some(self.done.fetch_add(1, Ordering::SeqCst)) {
            // Exactly what `kill -9` leaves: no destructor, no cleanup, no core dump.
            // SAFETY: kill and getpid have no preconditions.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
            std::process::abort();
        }
    }

    /// Creates the output directory and any missing parents (the user's path: links on the way
    /// are the user's choice).
    pub fn create_dir_all(&self, path: &Path) -> Result<(), WriteError> {
        self.begin();
        use std::os::unix::fs::DirBuilderExt as _;
        fs::DirBuilder::new().recursive(true).mode(0o755).create(path).map_err(io(path))
    }

    /// Opens (creating it if needed) the lock file, which must be a regular file: never
    /// through a link, never blocking on a FIFO someone put there.
    pub fn open_lock(&self, at: &At, name: &str) -> Result<fs::File, WriteError> {
        self.begin();
        at.dir.open_or_create_regular(name, 0o644).map_err(at.err(name))
    }

    /// Makes the directory `name` with exactly `mode`.
    pub fn mkdir(&self, at: &At, name: &str, mode: u32) -> Result<(), WriteError> {
        self.begin();
        at.dir.mkdir(name, mode).map_err(at.err(name))
    }

    /// Makes the directory `name` with exactly `mode`, and returns it open with what it is.
    pub fn make_dir(&self, at: &At, name: &str, mode: u32) -> Result<(Dir, Entry), WriteError> {
        self.begin();
        at.dir.make_dir(name, mode).map_err(at.err(name))
    }

    /// Makes the directory at `path` (relative, under `at`) with exactly `mode`, through
    /// directories only this run can have changed (`Dir::mkdir_within`).
    pub fn mkdir_within(&self, at: &At, path: &str, mode: u32) -> Result<(), WriteError> {
        self.begin();
        at.dir.mkdir_within(path, mode).map_err(at.err(path))
    }

    /// Creates the file at `path` (relative, under `at`), which must not exist, with exactly
    /// `mode`, through directories only this run can have changed (`Dir::create_file_within`).
    pub fn create_file_within(&self, at: &At, path: &str, mode: u32, contents: &[u8]) -> Result<(), WriteError> {
        self.begin();
        at.dir.create_file_within(path, mode, contents).map_err(at.err(path))
    }

    /// Creates the file `name`, which must not exist, with exactly `mode`, its contents written
    /// by `write` as they are made (`Dir::create_file_with`), durable when `sync`.
    pub fn create_file_with(
        &self,
        at: &At,
        name: &str,
        mode: u32,
        sync: bool,
        write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
    ) -> Result<(), WriteError> {
        self.begin();
        at.dir.create_file_with(name, mode, sync, write).map_err(at.err(name))
    }

    /// Renames `from` to `to`, replacing a file there.
    pub fn rename(&self, at: &At, from: &str, to: &str) -> Result<(), WriteError> {
        self.begin();
        at.dir.rename(from, to).map_err(at.err(to))
    }

    /// Renames `from` to `to`, which must not exist.
    pub fn rename_noreplace(&self, at: &At, from: &str, to: &str) -> Result<(), WriteError> {
        self.begin();
        at.dir.rename_noreplace(from, to).map_err(at.err(to))
    }

    /// Puts `from` (in `stage`) in place as `to` (in `at`, on the same filesystem): exchanged
    /// atomically with what is there when `replaces`, else where nothing may be.
    pub fn put_in_place(&self, stage: &At, from: &str, at: &At, to: &str, replaces: bool) -> Result<(), WriteError> {
        self.begin();
        let moved =
            if replaces { stage.dir.exchange_with(from, at.dir, to) } else { stage.dir.move_into(from, at.dir, to) };
        moved.map_err(at.err(to))
    }

    /// Removes an entry and everything under it; links are removed, never followed.
    pub fn remove(&self, at: &At, name: &str) -> Result<(), WriteError> {
        self.begin();
        at.dir.remove_tree(name).map_err(at.err(name))
    }

    /// Gives `to` (in `at`) a second name for the regular file `name` of `from`.
    pub fn hard_link(&self, at: &At, from: &Dir, name: &str) -> Result<(), WriteError> {
        self.begin();
        at.dir.hard_link(from, name).map_err(at.err(name))
    }

    /// Makes the link `name` pointing at `target`.
    pub fn symlink(&self, at: &At, target: &OsStr, name: &str) -> Result<(), WriteError> {
        self.begin();
        at.dir.symlink(target, name).map_err(at.err(name))
    }

    /// Makes the FIFO `name`.
    pub fn mkfifo(&self, at: &At, name: &str, mode: u32) -> Result<(), WriteError> {
        self.begin();
        at.dir.mkfifo(name, mode).map_err(at.err(name))
    }
}

/// The error for a failed call on `path`.
pub fn io(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |e| WriteError::Io { path: path.display().to_string(), message: e.to_string() }
}
