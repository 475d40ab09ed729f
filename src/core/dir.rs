//! A directory held open, and every operation on its entries relative to that descriptor
//! (`openat`, `mkdirat`, `renameat2`, `unlinkat`, `fstatat`, `linkat`, …), never following a
//! symbolic link at any entry. What rc2s6 writes goes through here: once the output directory
//! is open, someone who can write to it may swap any entry for a link at any moment, and
//! nothing they do sends a write outside it. The one exception, `*_within`, resolves a
//! relative path from a directory only this process can have changed (one it made, mode 0700,
//! and filled itself: the writer's private directory), where no link can be.

use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::io::{self, Write as _};
use std::os::fd::{AsFd as _, AsRawFd as _, FromRawFd as _, OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt as _, OsStringExt as _};
use std::path::Path;

use super::regular_file::{Look, ReadRefusal};

/// An open directory.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    /// The umask, when it alone decides the modes of what is made here and this directory is
    /// not set-group-ID (a directory made in it would take that bit): see [`Dir::knowing_umask`].
    umask: Option<u32>,
}

/// What `fstatat` tells of an entry (without following it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The device and inode: which file it is.
    pub id: (u64, u64),
    /// `st_mode`: type and permission bits.
    pub mode: u32,
    /// The owner.
    pub uid: u32,
    /// The group.
    pub gid: u32,
    /// Size in bytes.
    pub size: u64,
}

impl Entry {
    fn of(st: &libc::stat) -> Entry {
        Entry {
            id: (st.st_dev, st.st_ino),
            mode: st.st_mode,
            uid: st.st_uid,
            gid: st.st_gid,
            size: u64::try_from(st.st_size).unwrap_or(0),
        }
    }

    fn kind(&self) -> u32 {
        self.mode & libc::S_IFMT
    }

    /// A directory.
    pub fn is_dir(&self) -> bool {
        self.kind() == libc::S_IFDIR
    }

    /// A regular file.
    pub fn is_file(&self) -> bool {
        self.kind() == libc::S_IFREG
    }

    /// A symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.kind() == libc::S_IFLNK
    }

    /// A FIFO.
    pub fn is_fifo(&self) -> bool {
        self.kind() == libc::S_IFIFO
    }

    /// The permission bits.
    pub fn permissions(&self) -> u32 {
        self.mode & 0o7777
    }
}

fn c_name(name: &str) -> io::Result<CString> {
    if name.is_empty() || name.contains('/') {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("`{name}` is not one path component")));
    }
    CString::new(name).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a file name"))
}

/// A `/`-separated relative path of plain names (no empty name, `.` or `..`).
fn c_relative(path: &str) -> io::Result<CString> {
    if path.split('/').any(|n| n.is_empty() || n == "." || n == "..") {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("`{path}` is not a plain relative path")));
    }
    CString::new(path).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a file name"))
}

fn c_path(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a path"))
}

fn check(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 { Err(io::Error::last_os_error()) } else { Ok(r) }
}

const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;

impl Dir {
    /// Opens the directory at `path` (a link there, the user's own choice, is followed).
    pub fn open(path: &Path) -> io::Result<Dir> {
        let p = c_path(path)?;
        // SAFETY: a valid NUL-terminated path; the result is checked.
        let fd = check(unsafe { libc::open(p.as_ptr(), DIR_FLAGS) })?;
        // SAFETY: `fd` was just opened and is owned by nobody else.
        Ok(Dir { fd: unsafe { OwnedFd::from_raw_fd(fd) }, umask: None })
    }

    /// Opens the directory at `path`, refusing a link at its last component.
    pub fn open_nofollow(path: &Path) -> io::Result<Dir> {
        let p = c_path(path)?;
        // SAFETY: as in `open`.
        let fd = check(unsafe { libc::open(p.as_ptr(), DIR_FLAGS | libc::O_NOFOLLOW) })?;
        // SAFETY: as in `open`.
        Ok(Dir { fd: unsafe { OwnedFd::from_raw_fd(fd) }, umask: None })
    }

    fn raw(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// The same directory, knowing the umask when it alone decides the modes of what is made
    /// in it (`core::umask`): a mode it leaves whole is then not checked with an `fstat` after
    /// each file or directory is made. Directories made through it with such a mode know it too.
    pub fn knowing_umask(mut self) -> Dir {
        self.umask = crate::core::umask::alone_in(self.fd.as_fd())
            .filter(|_| self.itself().is_ok_and(|me| me.mode & libc::S_ISGID == 0));
        self
    }

    /// Whether what is made here with `mode` is known to get exactly `mode`: the umask alone
    /// decides and takes nothing from it, and it asks for no set-ID or sticky bit (which the
    /// kernel may drop).
    fn makes_exactly(&self, mode: u32) -> bool {
        self.umask.is_some_and(|umask| mode & !0o777 == 0 && mode & umask == 0)
    }

    /// The umask a directory made here with exactly `mode` knows.
    fn umask_for_made(&self, mode: u32) -> Option<u32> {
        self.umask.filter(|_| mode & libc::S_ISGID == 0)
    }

    /// Opens the subdirectory `name`; a link there is refused (`ELOOP` or `ENOTDIR`).
    pub fn open_dir(&self, name: &str) -> io::Result<Dir> {
        let n = c_name(name)?;
        // SAFETY: a valid descriptor and NUL-terminated name; the result is checked.
        let fd = check(unsafe { libc::openat(self.raw(), n.as_ptr(), DIR_FLAGS | libc::O_NOFOLLOW) })?;
        // SAFETY: `fd` was just opened and is owned by nobody else.
        Ok(Dir { fd: unsafe { OwnedFd::from_raw_fd(fd) }, umask: None })
    }

    /// What is at `name`, without following a link; `None` when nothing is.
    pub fn entry(&self, name: &str) -> io::Result<Option<Entry>> {
        let n = c_name(name)?;
        // SAFETY: zeroed `stat` is a valid value to be overwritten.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: valid descriptor, name and out-pointer.
        match check(unsafe { libc::fstatat(self.raw(), n.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) }) {
            Ok(_) => Ok(Some(Entry::of(&st))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// What this directory itself is.
    pub fn itself(&self) -> io::Result<Entry> {
        // SAFETY: as in `entry`.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: valid descriptor and out-pointer.
        check(unsafe { libc::fstat(self.raw(), &mut st) })?;
        Ok(Entry::of(&st))
    }

    /// The names in the directory, sorted by bytes, without `.` and `..`; names that are not
    /// UTF-8 are given lossily (rc2s6 never makes one).
    pub fn names(&self) -> io::Result<Vec<OsString>> {
        // A descriptor of its own (`openat "."`): the reading position is not shared. Read with
        // getdents64 itself: readdir(3) over fdopendir costs an fstat and two fcntl more per
        // directory (a re-run lists every service directory it compares).
        let dot = c".";
        // SAFETY: as in `open_dir`.
        let fd = check(unsafe { libc::openat(self.raw(), dot.as_ptr(), DIR_FLAGS) })?;
        // SAFETY: `fd` was just opened and is owned by nobody else.
        let own = Dir { fd: unsafe { OwnedFd::from_raw_fd(fd) }, umask: None };
        let mut names = Vec::new();
        own.each_entry(&mut vec![0u8; 32 << 10], |name| {
            names.push(OsStr::from_bytes(name).to_os_string());
            true
        })?;
        names.sort();
        Ok(names)
    }

    /// Calls `each` with the name of every entry but `.` and `..` read from this descriptor's
    /// position on, `buf` at a time (getdents64(2)), until it returns false; whether it read to
    /// the end.
    fn each_entry(&self, buf: &mut [u8], mut each: impl FnMut(&[u8]) -> bool) -> io::Result<bool> {
        // d_ino (8), d_off (8), d_reclen (2), d_type (1), then the name, NUL-terminated
        // (getdents64(2), struct linux_dirent64).
        const NAME_AT: usize = 19;
        loop {
            // SAFETY: a valid descriptor and a buffer of the length given.
            let n = unsafe { libc::syscall(libc::SYS_getdents64, self.raw(), buf.as_mut_ptr(), buf.len()) };
            let n = usize::try_from(n).map_err(|_| io::Error::last_os_error())?;
            if n == 0 {
                return Ok(true);
            }
            let mut at = 0;
            while at + NAME_AT <= n {
                let reclen = usize::from(u16::from_ne_bytes([buf[at + 16], buf[at + 17]]));
                if reclen <= NAME_AT {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "a directory entry too short"));
                }
                let name = buf[at + NAME_AT..(at + reclen).min(n)].split(|&b| b == 0).next().unwrap_or_default();
                if name != b"." && name != b".." && !each(name) {
                    return Ok(false);
                }
                at += reclen;
            }
        }
    }

    /// Makes the subdirectory `name` with exactly `mode`, whatever the umask: one `mkdirat`
    /// when the mode is known to come out exact.
    pub fn mkdir(&self, name: &str, mode: u32) -> io::Result<()> {
        if self.makes_exactly(mode) {
            let n = c_name(name)?;
            // SAFETY: valid descriptor and name.
            return check(unsafe { libc::mkdirat(self.raw(), n.as_ptr(), mode as libc::mode_t) }).map(drop);
        }
        self.make_dir(name, mode).map(|_| ())
    }

    /// Makes the directory at `path` under this one, with exactly `mode` (checked with an
    /// `fstatat` unless known to come out exact). `path` is a relative path of plain names
    /// resolved from here, through directories nobody but this process can have changed: for a
    /// directory only its owner can write, that this run made and filled (the writer's private
    /// directory), where opening each directory on the way would prove nothing more.
    pub fn mkdir_within(&self, path: &str, mode: u32) -> io::Result<()> {
        let p = c_relative(path)?;
        // SAFETY: valid descriptor and path.
        check(unsafe { libc::mkdirat(self.raw(), p.as_ptr(), mode as libc::mode_t) })?;
        if self.makes_exactly(mode) {
            return Ok(());
        }
        // SAFETY: zeroed `stat` is a valid value to be overwritten.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: valid descriptor, path and out-pointer.
        check(unsafe { libc::fstatat(self.raw(), p.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) })?;
        if st.st_mode & 0o7777 != mode {
            // SAFETY: valid descriptor and path (the directory just made: see above).
            check(unsafe { libc::fchmodat(self.raw(), p.as_ptr(), mode as libc::mode_t, 0) })?;
        }
        Ok(())
    }

    /// [`Dir::mkdir`], returning the directory opened (the descriptor its mode was checked
    /// through) and what it is: one `openat` and one `fstat` where making it and opening it
    /// again took two of each.
    pub fn make_dir(&self, name: &str, mode: u32) -> io::Result<(Dir, Entry)> {
        let n = c_name(name)?;
        // SAFETY: valid descriptor and name.
        check(unsafe { libc::mkdirat(self.raw(), n.as_ptr(), mode as libc::mode_t) })?;
        let mut made = self.open_dir(name)?;
        let mut entry = made.itself()?;
        if entry.permissions() != mode {
            // SAFETY: a descriptor of the directory just made.
            check(unsafe { libc::fchmod(made.raw(), mode as libc::mode_t) })?;
            entry.mode = (entry.mode & libc::S_IFMT) | mode;
        }
        made.umask = self.umask_for_made(mode);
        Ok((made, entry))
    }

    /// Whether the directory holds nothing but `.` and `..`, read through this descriptor
    /// itself (`getdents64`: two calls for an empty directory, where [`Dir::names`] takes a
    /// descriptor of its own and four calls). It moves this descriptor's reading position: for
    /// a directory just opened that nothing else reads (the `*at` calls do not use it).
    pub fn is_empty(&self) -> io::Result<bool> {
        self.each_entry(&mut [0u8; 4096], |_| false)
    }

    /// Creates the file `name`, which must not exist (so never through a link), with `contents`
    /// and exactly `mode` (checked with an `fstat` unless known to come out exact), and makes it
    /// durable when `sync`.
    pub fn create_file(&self, name: &str, mode: u32, contents: &[u8], sync: bool) -> io::Result<()> {
        self.create_file_with(name, mode, sync, |f| f.write_all(contents))
    }

    /// [`Dir::create_file`] with the contents written by `write` as they are made (a text of
    /// megabytes need not be held whole first).
    pub fn create_file_with(
        &self,
        name: &str,
        mode: u32,
        sync: bool,
        write: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> io::Result<()> {
        self.create_at(&c_name(name)?, mode, sync, write)
    }

    /// [`Dir::create_file`] at `path`, a relative path of plain names under this directory
    /// whose directories nobody but this process can have changed ([`Dir::mkdir_within`]).
    pub fn create_file_within(&self, path: &str, mode: u32, contents: &[u8]) -> io::Result<()> {
        self.create_at(&c_relative(path)?, mode, false, |f| f.write_all(contents))
    }

    fn create_at(
        &self,
        n: &std::ffi::CStr,
        mode: u32,
        sync: bool,
        write: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> io::Result<()> {
        let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC;
        // SAFETY: valid descriptor and name; the result is checked.
        let fd = check(unsafe { libc::openat(self.raw(), n.as_ptr(), flags, mode as libc::c_uint) })?;
        // SAFETY: `fd` was just opened and is owned by nobody else.
        let mut f = unsafe { File::from_raw_fd(fd) };
        write(&mut f)?;
        if !self.makes_exactly(mode) && f.metadata()?.permissions().mode_bits() != mode {
            // SAFETY: a descriptor of the file just made.
            check(unsafe { libc::fchmod(f.as_raw_fd(), mode as libc::mode_t) })?;
        }
        if sync {
            f.sync_all()?;
        }
        Ok(())
    }

    /// Opens the file `name` for writing without creating, following or blocking on it; it must
    /// be a regular file (a lock file).
    pub fn open_or_create_regular(&self, name: &str, mode: u32) -> io::Result<File> {
        if let Some(e) = self.entry(name)? {
            if !e.is_file() {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "it is not a regular file"));
            }
        }
        let n = c_name(name)?;
        let flags =
            libc::O_WRONLY | libc::O_CREAT | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
        // SAFETY: valid descriptor and name; the result is checked.
        let fd = check(unsafe { libc::openat(self.raw(), n.as_ptr(), flags, mode as libc::c_uint) })?;
        // SAFETY: `fd` was just opened and is owned by nobody else.
        let f = unsafe { File::from_raw_fd(fd) };
        if !f.metadata()?.is_file() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "it is not a regular file"));
        }
        Ok(f)
    }

    /// The contents of the regular file `name`, at most `limit` bytes, without following a link
    /// or blocking on a FIFO, with what it is.
    pub fn read_file(&self, name: &str, limit: u64) -> Result<(Vec<u8>, Entry), ReadRefusal> {
        self.read_file_seen(name, Look::Before, limit)
    }

    /// [`Dir::read_file`] of an entry already seen as `look` says: [`Look::Listed`] when the
    /// caller has just looked at it ([`Dir::entry`]) and found a regular file, which stands for
    /// the look before opening (the look through the descriptor after opening stays).
    pub fn read_file_seen(&self, name: &str, look: Look, limit: u64) -> Result<(Vec<u8>, Entry), ReadRefusal> {
        let (f, entry) = self.open_file_seen(name, look)?;
        Ok((super::regular_file::read_open(&f, entry.size, limit)?, entry))
    }

    /// The regular file `name` opened for reading, without following a link or blocking on a
    /// FIFO, with what it is.
    pub fn open_file(&self, name: &str) -> Result<(File, Entry), ReadRefusal> {
        self.open_file_seen(name, Look::Before)
    }

    fn open_file_seen(&self, name: &str, look: Look) -> Result<(File, Entry), ReadRefusal> {
        let n = c_name(name)?;
        let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
        if let Some(e) = if look == Look::Before { self.entry(name)? } else { None } {
            if !e.is_file() {
                return Err(ReadRefusal::NotRegular(if e.is_symlink() {
                    "a symbolic link"
                } else {
                    "not a regular file"
                }));
            }
        }
        // SAFETY: valid descriptor and name; the result is checked.
        let fd = check(unsafe { libc::openat(self.raw(), n.as_ptr(), flags) })?;
        // SAFETY: `fd` was just opened and is owned by nobody else.
        let f = unsafe { File::from_raw_fd(fd) };
        let entry = {
            // SAFETY: as in `itself`.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: valid descriptor and out-pointer.
            check(unsafe { libc::fstat(f.as_raw_fd(), &mut st) })?;
            Entry::of(&st)
        };
        if !entry.is_file() {
            return Err(ReadRefusal::NotRegular("not a regular file"));
        }
        Ok((f, entry))
    }

    /// The target of the link `name`.
    pub fn read_link(&self, name: &str) -> io::Result<OsString> {
        let n = c_name(name)?;
        let mut buf = vec![0u8; libc::PATH_MAX as usize + 1];
        // SAFETY: valid descriptor, name and buffer of the given length.
        let len = unsafe { libc::readlinkat(self.raw(), n.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        if len < 0 {
            return Err(io::Error::last_os_error());
        }
        buf.truncate(len as usize);
        Ok(OsString::from_vec(buf))
    }

    /// Makes the link `name` pointing at `target`.
    pub fn symlink(&self, target: &OsStr, name: &str) -> io::Result<()> {
        let n = c_name(name)?;
        let t = CString::new(target.as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        // SAFETY: valid strings and descriptor.
        check(unsafe { libc::symlinkat(t.as_ptr(), self.raw(), n.as_ptr()) }).map(drop)
    }

    /// Makes the FIFO `name` with exactly `mode`.
    pub fn mkfifo(&self, name: &str, mode: u32) -> io::Result<()> {
        let n = c_name(name)?;
        // SAFETY: valid descriptor and name.
        check(unsafe { libc::mknodat(self.raw(), n.as_ptr(), libc::S_IFIFO | mode as libc::mode_t, 0) })?;
        // fchmodat cannot refuse links on Linux, but nothing but the FIFO just made is there
        // in a directory only rc2s6 writes.
        // SAFETY: valid descriptor and name.
        check(unsafe { libc::fchmodat(self.raw(), n.as_ptr(), mode as libc::mode_t, 0) }).map(drop)
    }

    /// Gives `name` (not followed) this owner and group.
    pub fn chown(&self, name: &str, uid: u32, gid: u32) -> io::Result<()> {
        let n = c_name(name)?;
        // SAFETY: valid descriptor and name.
        check(unsafe { libc::fchownat(self.raw(), n.as_ptr(), uid, gid, libc::AT_SYMLINK_NOFOLLOW) }).map(drop)
    }

    /// A second name, `name` here, for the regular file `name` in `from` (not followed).
    pub fn hard_link(&self, from: &Dir, name: &str) -> io::Result<()> {
        let n = c_name(name)?;
        // SAFETY: valid descriptors and name; flags 0 does not follow a link.
        check(unsafe { libc::linkat(from.raw(), n.as_ptr(), self.raw(), n.as_ptr(), 0) }).map(drop)
    }

    fn rename2(&self, from: &str, to: &str, flags: libc::c_uint) -> io::Result<()> {
        self.rename2_into(from, self, to, flags)
    }

    /// renameat2 of `from` here to `to` in `into` (on the same filesystem).
    fn rename2_into(&self, from: &str, into: &Dir, to: &str, flags: libc::c_uint) -> io::Result<()> {
        let (f, t) = (c_name(from)?, c_name(to)?);
        // SAFETY: valid descriptors and names.
        check(unsafe { libc::renameat2(self.raw(), f.as_ptr(), into.raw(), t.as_ptr(), flags) }).map(drop)
    }

    /// Renames `from` to `to`, replacing a file there (the manifest, the journal).
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        self.rename2(from, to, 0)
    }

    /// Renames `from` to `to`, failing if anything is at `to`.
    pub fn rename_noreplace(&self, from: &str, to: &str) -> io::Result<()> {
        self.rename2(from, to, libc::RENAME_NOREPLACE)
    }

    /// Moves `from` here to `to` in `into` (on the same filesystem), failing if anything is at
    /// `to`.
    pub fn move_into(&self, from: &str, into: &Dir, to: &str) -> io::Result<()> {
        self.rename2_into(from, into, to, libc::RENAME_NOREPLACE)
    }

    /// Exchanges `a` here and `b` in `other` (on the same filesystem) atomically; both must exist.
    pub fn exchange_with(&self, a: &str, other: &Dir, b: &str) -> io::Result<()> {
        self.rename2_into(a, other, b, libc::RENAME_EXCHANGE)
    }

    /// Removes `name` and everything under it, never following a link: a link is removed, not
    /// what it points at. Nothing there is not an error.
    pub fn remove_tree(&self, name: &str) -> io::Result<()> {
        let Some(e) = self.entry(name)? else { return Ok(()) };
        let n = c_name(name)?;
        if e.is_dir() {
            let sub = self.open_dir(name)?;
            for child in sub.names()? {
                sub.remove_tree(&child.to_string_lossy())?;
            }
            // SAFETY: valid descriptor and name.
            check(unsafe { libc::unlinkat(self.raw(), n.as_ptr(), libc::AT_REMOVEDIR) }).map(drop)
        } else {
            // SAFETY: valid descriptor and name.
            match check(unsafe { libc::unlinkat(self.raw(), n.as_ptr(), 0) }) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                r => r.map(drop),
            }
        }
    }

    /// Makes what was written to the directory's entries durable.
    pub fn sync(&self) -> io::Result<()> {
        // SAFETY: a valid descriptor.
        check(unsafe { libc::fsync(self.raw()) }).map(drop)
    }

    /// Makes everything written on the filesystem holding the directory durable: one call
    /// instead of one fsync per file.
    pub fn sync_filesystem(&self) -> io::Result<()> {
        // SAFETY: a valid descriptor.
        check(unsafe { libc::syncfs(self.raw()) }).map(drop)
    }
}

/// Permission bits, for std's `Permissions`.
trait ModeBits {
    fn mode_bits(&self) -> u32;
}

impl ModeBits for std::fs::Permissions {
    fn mode_bits(&self) -> u32 {
        std::os::unix::fs::PermissionsExt::mode(self) & 0o7777
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_made_is_open_with_its_mode_and_empty_until_something_is_in_it() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = Dir::open(tmp.path()).expect("open");
        for (name, mode) in [("a", 0o755), ("b", 0o700), ("c", 0o2750)] {
            let (made, entry) = out.make_dir(name, mode).expect("made");
            assert!(entry.is_dir() && entry.permissions() == mode, "{name}: {:o}", entry.mode);
            assert_eq!(made.itself().expect("fstat"), entry);
            assert!(made.is_empty().expect("read"), "{name}");
        }
        let (d, _) = out.make_dir("d", 0o755).expect("made");
        d.create_file("f", 0o644, b"", false).expect("file");
        assert!(!Dir::open(&tmp.path().join("d")).expect("open").is_empty().expect("read"));
        let (e, _) = out.make_dir("e", 0o755).expect("made");
        e.mkdir("sub", 0o755).expect("sub");
        assert!(!Dir::open(&tmp.path().join("e")).expect("open").is_empty().expect("read"));
        // More entries than one read returns, and names of every length.
        let (f, _) = out.make_dir("f", 0o755).expect("made");
        for i in 0..300 {
            f.create_file(&format!("{}{i}", "n".repeat(i % 200)), 0o644, b"", false).expect("file");
        }
        assert!(!Dir::open(&tmp.path().join("f")).expect("open").is_empty().expect("read"));
        // Listed whole, past what one read returns, as std lists it.
        let mut listed: Vec<OsString> =
            std::fs::read_dir(tmp.path().join("f")).expect("list").map(|e| e.expect("entry").file_name()).collect();
        listed.sort();
        assert_eq!(f.names().expect("names"), listed);
        assert_eq!(listed.len(), 300);
    }

    /// A file's or directory's permission bits.
    fn perms(p: &Path) -> u32 {
        std::os::unix::fs::PermissionsExt::mode(&std::fs::symlink_metadata(p).expect("stat").permissions()) & 0o7777
    }

    /// `test` on a fresh directory opened twice over: not knowing the umask, then knowing it.
    fn with_and_without_the_umask(test: impl Fn(&Dir, &Path, bool)) {
        let tmp = tempfile::tempdir().expect("tempdir");
        for knowing in [false, true] {
            let top = tmp.path().join(knowing.to_string());
            std::fs::create_dir(&top).expect("mkdir");
            let out =
                if knowing { Dir::open(&top).expect("open").knowing_umask() } else { Dir::open(&top).expect("open") };
            test(&out, &top, knowing);
        }
    }

    #[test]
    fn modes_are_exact_whether_the_umask_is_known_or_not() {
        with_and_without_the_umask(|out, top, knowing| {
            // What is made in a set-group-ID directory takes the bit, unless it is taken away.
            let (g, _) = out.make_dir("g", 0o2755).expect("made");
            assert_eq!(g.umask, None, "made in it, a directory would be set-group-ID");
            let (plain, _) = g.make_dir("plain", 0o755).expect("made");
            g.mkdir("m", 0o700).expect("made");
            assert_eq!((perms(&top.join("g/plain")), perms(&top.join("g/m"))), (0o755, 0o700));
            plain.create_file("f", 0o644, b"x", false).expect("file");
            assert_eq!(perms(&top.join("g/plain/f")), 0o644);
            for (i, mode) in [0o644, 0o600, 0o755, 0o700, 0o777, 0o666, 0o4755, 0o1777, 0o000].into_iter().enumerate() {
                out.create_file(&format!("f{i}"), mode, b"x", false).expect("file");
                out.mkdir(&format!("m{i}"), mode).expect("mkdir");
                let (d, _) = out.make_dir(&format!("d{i}"), mode | 0o700).expect("mkdir");
                d.create_file("f", mode, b"", false).expect("file");
                let at = |name: String| perms(&top.join(name));
                assert_eq!(
                    [at(format!("f{i}")), at(format!("m{i}")), at(format!("d{i}")), at(format!("d{i}/f"))],
                    [mode, mode, mode | 0o700, mode],
                    "{mode:o}, knowing the umask: {knowing}"
                );
            }
        });
    }

    #[test]
    fn paths_within_are_plain_names_and_made_with_exact_modes() {
        with_and_without_the_umask(|out, top, knowing| {
            for (i, mode) in [0o755, 0o700, 0o777, 0o1777].into_iter().enumerate() {
                out.mkdir_within(&format!("d{i}"), mode).expect("mkdir");
                out.mkdir_within(&format!("d{i}/sub"), mode).expect("mkdir below");
                for (j, file_mode) in [0o644, 0o600, 0o755, 0o4755, 0o000].into_iter().enumerate() {
                    out.create_file_within(&format!("d{i}/sub/f{j}"), file_mode, b"x").expect("file");
                    assert_eq!(perms(&top.join(format!("d{i}/sub/f{j}"))), file_mode, "knowing: {knowing}");
                }
                assert_eq!(
                    (perms(&top.join(format!("d{i}"))), perms(&top.join(format!("d{i}/sub")))),
                    (mode, mode),
                    "knowing: {knowing}"
                );
            }
            assert!(out.create_file_within("d0/sub/f0", 0o644, b"y").is_err(), "an existing file is not replaced");
            assert_eq!(std::fs::read(top.join("d0/sub/f0")).expect("read"), b"x");
            for bad in ["", "/abs", "d0/../x", "d0//x", "d0/./x", "d0/x/", "..", "nul\0"] {
                assert!(out.mkdir_within(bad, 0o755).is_err(), "{bad:?}");
                assert!(out.create_file_within(bad, 0o644, b"").is_err(), "{bad:?}");
            }
        });
    }

    #[test]
    fn nothing_is_followed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).expect("mkdir");
        std::fs::write(outside.join("precious"), "x").expect("write");
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).expect("mkdir");
        std::os::unix::fs::symlink(&outside, out.join("link")).expect("symlink");
        let dir = Dir::open(&out).expect("open");
        assert!(dir.open_dir("link").is_err(), "a link is not opened as a directory");
        assert!(dir.entry("link").expect("stat").is_some_and(|e| e.is_symlink()));
        assert!(dir.create_file("link", 0o644, b"y", false).is_err(), "O_EXCL|O_NOFOLLOW");
        assert!(matches!(dir.read_file("link", 10), Err(ReadRefusal::NotRegular(_))));
        // Seen a regular file, then swapped: what was opened is still looked at.
        assert!(matches!(dir.read_file_seen("link", Look::Listed, 10), Err(ReadRefusal::Io(_))));
        dir.mkfifo("fifo", 0o600).expect("mkfifo");
        assert!(matches!(dir.read_file_seen("fifo", Look::Listed, 10), Err(ReadRefusal::NotRegular(_))));
        dir.remove_tree("fifo").expect("remove the FIFO");
        dir.remove_tree("link").expect("remove the link");
        assert_eq!(std::fs::read_to_string(outside.join("precious")).expect("kept"), "x");
        dir.mkdir("d", 0o750).expect("mkdir");
        let d = dir.open_dir("d").expect("open");
        d.create_file("f", 0o600, b"abc", true).expect("create");
        assert_eq!(d.entry("f").expect("stat").expect("there").permissions(), 0o600);
        assert_eq!(dir.entry("d").expect("stat").expect("there").permissions(), 0o750);
        assert_eq!(d.read_file("f", 3).expect("read").0, b"abc");
        assert!(matches!(d.read_file("f", 2), Err(ReadRefusal::TooLarge { .. })));
        assert_eq!(dir.names().expect("names"), ["d"]);
        dir.remove_tree("d").expect("remove");
        assert!(dir.names().expect("names").is_empty());
        assert!(dir.open_dir("../out").is_err(), "one component only");
    }
}
