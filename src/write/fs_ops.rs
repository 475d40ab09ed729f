//! Every change rc2s6 makes under the output directory, one counted operation each. The count
//! exists for one test: debug builds read `RC2S6_CRASH_AFTER_OPS=N` and kill the process with
//! SIGKILL before the operation after the N-th, so the test can stop a run between any two
//! changes and check what is left. Release builds have no such hook; unset, it does nothing.

use std::ffi::CString;
use std::fs;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::WriteError;

/// The operations, counted.
#[derive(Debug)]
pub struct FsOps {
    /// Operations begun, across the threads that build directories.
    done: AtomicUsize,
    crash_after: Option<usize>,
    /// The process's umask: modes it would strip are set again with chmod, and only those.
    umask: u32,
}

/// The process's file mode creation mask.
fn current_umask() -> u32 {
    // SAFETY: umask has no preconditions; the old value is put back at once (this runs while
    // no other thread creates files).
    let old = unsafe { libc::umask(0o022) };
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    old
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

impl FsOps {
    /// Operations with the crash point from the environment (debug builds).
    pub fn new() -> Self {
        FsOps { done: AtomicUsize::new(0), crash_after: crash_point(), umask: current_umask() }
    }

    fn begin(&self) {
        if self.crash_after == Some(self.done.fetch_add(1, Ordering::SeqCst)) {
            // Exactly what `kill -9` leaves: no destructor, no cleanup, no core dump.
            // SAFETY: kill and getpid have no preconditions.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
            std::process::abort();
        }
    }

    /// Creates one directory (never through a symbolic link) with exactly `mode`.
    pub fn create_dir(&self, path: &Path, mode: u32) -> Result<(), WriteError> {
        self.begin();
        fs::DirBuilder::new().mode(mode).create(path).map_err(io(path))?;
        if mode & self.umask != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(io(path))?;
        }
        Ok(())
    }

    /// Creates a directory and any missing parents.
    pub fn create_dir_all(&self, path: &Path) -> Result<(), WriteError> {
        self.begin();
        fs::DirBuilder::new().recursive(true).mode(0o755).create(path).map_err(io(path))
    }

    /// Opens (creating it if needed) a lock file, never through a symbolic link.
    pub fn open_lock(&self, path: &Path) -> Result<fs::File, WriteError> {
        self.begin();
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path)
            .map_err(io(path))
    }

    /// Creates a file that must not exist yet (so never through a symbolic link), with exactly
    /// `mode` whatever the umask.
    pub fn create_file(&self, path: &Path, mode: u32, contents: &[u8]) -> Result<(), WriteError> {
        self.begin();
        let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(path).map_err(io(path))?;
        f.write_all(contents).map_err(io(path))?;
        if mode & self.umask != 0 {
            f.set_permissions(fs::Permissions::from_mode(mode)).map_err(io(path))?;
        }
        Ok(())
    }

    /// Renames `from` to `to`, replacing a file there.
    pub fn rename(&self, from: &Path, to: &Path) -> Result<(), WriteError> {
        self.begin();
        fs::rename(from, to).map_err(io(to))
    }

    /// Atomically exchanges two existing paths.
    pub fn exchange(&self, a: &Path, b: &Path) -> Result<(), WriteError> {
        self.begin();
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes())
                .map_err(|_| WriteError::Io { path: p.display().to_string(), message: "NUL in path".into() })
        };
        let (ca, cb) = (c(a)?, c(b)?);
        // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
        let r =
            unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
        if r == 0 { Ok(()) } else { Err(io(b)(std::io::Error::last_os_error())) }
    }

    /// Removes a directory tree or a file; symbolic links inside are removed, never followed.
    pub fn remove(&self, path: &Path) -> Result<(), WriteError> {
        self.begin();
        match path.symlink_metadata() {
            Ok(m) if m.is_dir() => fs::remove_dir_all(path).map_err(io(path)),
            Ok(_) => fs::remove_file(path).map_err(io(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(path)(e)),
        }
    }
}

/// Makes what was written to the directory's entries durable.
pub fn sync_dir(dir: &Path) -> Result<(), WriteError> {
    fs::File::open(dir).and_then(|f| f.sync_all()).map_err(io(dir))
}

/// Makes everything written on the filesystem holding `dir` durable: one call instead of one
/// fsync per generated file.
pub fn sync_filesystem(dir: &Path) -> Result<(), WriteError> {
    let f = fs::File::open(dir).map_err(io(dir))?;
    // SAFETY: the descriptor is open for the duration of the call.
    let r = unsafe { libc::syncfs(std::os::fd::AsRawFd::as_raw_fd(&f)) };
    if r == 0 { Ok(()) } else { Err(io(dir)(std::io::Error::last_os_error())) }
}

/// The error for a failed call on `path`.
pub fn io(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |e| WriteError::Io { path: path.display().to_string(), message: e.to_string() }
}
