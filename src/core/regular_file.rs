//! Reading a file that must be a regular file, without ever blocking on it and never more than a
//! bound: inputs are untrusted, and so is an output directory others can write to. A FIFO where
//! a script, a conf.d file, the lock or the manifest should be would otherwise hang rc2s6
//! forever, and `/dev/zero` would be read until memory runs out.
//!
//! The path is looked at first without opening it (opening a device can have effects of its
//! own: a tape rewinds, a serial line raises DTR), then opened with `O_NONBLOCK` and looked at
//! again through the descriptor, so a path swapped for something else in between is refused too.
//! For a path a directory listing has just shown as a regular file ([`Look::Listed`]), the
//! listing is the look before: the path can be swapped after it as after a `stat`, and the look
//! through the descriptor still refuses what was swapped in.

use std::fs::{File, Metadata};
use std::io::{self, Read as _};
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::Path;

/// Whether symbolic links on the way are followed (inputs: `/etc/init.d/net.eth0 -> net.lo`) or
/// refused (anything under the output directory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow a link at the last component.
    Follow,
    /// Refuse a link at the last component (`O_NOFOLLOW`).
    Refuse,
}

/// What was seen of a path before it is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Nothing yet: it is looked at (`stat`) before it is opened.
    Before,
    /// A look just taken without opening it (a directory listing or a `stat`, following links
    /// as `links` says) showed a regular file there.
    Listed,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadRefusal {
    /// The system call failed (missing file, permissions, a link with `Links::Refuse` …).
    Io(io::Error),
    /// It is not a regular file: what it is, in words.
    NotRegular(&'static str),
    /// It is larger than the bound (its size, or the bound plus one when it grew while read).
    TooLarge {
        /// How many bytes it has, at least.
        size: u64,
        /// The bound.
        limit: u64,
    },
}

impl std::fmt::Display for ReadRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadRefusal::Io(e) => write!(f, "{e}"),
            ReadRefusal::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            ReadRefusal::TooLarge { size, limit } => {
                write!(f, "it is larger than rc2s6 reads ({size} bytes; the limit is {limit})")
            }
        }
    }
}

impl From<io::Error> for ReadRefusal {
    fn from(e: io::Error) -> Self {
        ReadRefusal::Io(e)
    }
}

/// What a file type is, in words, unless it is a regular file.
pub fn not_regular(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_symlink() {
        Some("a symbolic link")
    } else if t.is_fifo() {
        Some("a FIFO")
    } else if t.is_socket() {
        Some("a socket")
    } else if t.is_char_device() || t.is_block_device() {
        Some("a device")
    } else {
        Some("not a file")
    }
}

/// Opens `path` for reading if it is a regular file, without blocking.
pub fn open(path: &Path, links: Links) -> Result<(File, Metadata), ReadRefusal> {
    open_seen(path, links, Look::Before)
}

/// [`open`] of a path already seen as `look` says.
fn open_seen(path: &Path, links: Links, look: Look) -> Result<(File, Metadata), ReadRefusal> {
    if look == Look::Before {
        let before = match links {
            Links::Follow => std::fs::metadata(path)?,
            Links::Refuse => std::fs::symlink_metadata(path)?,
        };
        if let Some(what) = not_regular(&before) {
            return Err(ReadRefusal::NotRegular(what));
        }
    }
    let nofollow = if links == Links::Refuse { libc::O_NOFOLLOW } else { 0 };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC | nofollow)
        .open(path)?;
    let meta = file.metadata()?;
    if let Some(what) = not_regular(&meta) {
        return Err(ReadRefusal::NotRegular(what));
    }
    Ok((file, meta))
}

/// The whole of a regular file, at most `limit` bytes, and what it is (its mode, owner …).
pub fn read(path: &Path, links: Links, limit: u64) -> Result<(Vec<u8>, Metadata), ReadRefusal> {
    read_seen(path, links, Look::Before, limit)
}

/// [`read`] of a path already seen as `look` says.
pub fn read_seen(path: &Path, links: Links, look: Look, limit: u64) -> Result<(Vec<u8>, Metadata), ReadRefusal> {
    let (file, meta) = open_seen(path, links, look)?;
    let bytes = read_open(&file, meta.len(), limit)?;
    Ok((bytes, meta))
}

/// The whole of the regular file open as `file`, whose size `fstat` gave as `size`, if it holds
/// at most `limit` bytes.
pub fn read_open(file: &File, size: u64, limit: u64) -> Result<Vec<u8>, ReadRefusal> {
    if size > limit {
        return Err(ReadRefusal::TooLarge { size, limit });
    }
    let mut file = file;
    // One read of a byte more than its size: a regular file returns less than asked only at its
    // end, so `size` bytes back is the whole file, without the read of nothing that ends
    // `read_to_end`. More tells a file that grew; less, one that shrank or a short read: either
    // way it is read on to its end, one byte more than the bound telling a file that grew past it.
    let mut bytes = vec![0; size as usize + 1];
    let n = loop {
        match file.read(&mut bytes) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            r => break r?,
        }
    };
    bytes.truncate(n);
    if n as u64 != size {
        file.take(limit + 1 - n as u64).read_to_end(&mut bytes)?;
    }
    if bytes.len() as u64 > limit {
        return Err(ReadRefusal::TooLarge { size: bytes.len() as u64, limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_bound() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, "abc").expect("write");
        assert_eq!(read(&file, Links::Follow, 3).expect("read").0, b"abc");
        assert!(matches!(read(&file, Links::Follow, 2), Err(ReadRefusal::TooLarge { size: 3, limit: 2 })));
        assert!(matches!(read(dir.path(), Links::Follow, 9), Err(ReadRefusal::NotRegular("a directory"))));
        assert!(matches!(read(Path::new("/dev/zero"), Links::Follow, 9), Err(ReadRefusal::NotRegular("a device"))));
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        assert_eq!(read(&link, Links::Follow, 9).expect("followed").0, b"abc");
        assert!(matches!(read(&link, Links::Refuse, 9), Err(ReadRefusal::NotRegular("a symbolic link"))));
        let fifo = dir.path().join("p");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Would block forever if it were opened for reading without O_NONBLOCK, or read.
        assert!(matches!(read(&fifo, Links::Follow, 9), Err(ReadRefusal::NotRegular("a FIFO"))));
        // Listed as a regular file, then swapped: what was opened is still looked at.
        assert!(matches!(read_seen(&fifo, Links::Follow, Look::Listed, 9), Err(ReadRefusal::NotRegular("a FIFO"))));
        let null = Path::new("/dev/null");
        assert!(matches!(read_seen(null, Links::Follow, Look::Listed, 9), Err(ReadRefusal::NotRegular("a device"))));
        assert!(matches!(read_seen(&link, Links::Refuse, Look::Listed, 9), Err(ReadRefusal::Io(_))));
        assert_eq!(read_seen(&link, Links::Follow, Look::Listed, 3).expect("read").0, b"abc");
    }

    #[test]
    fn a_file_is_read_whole_whatever_its_size_says() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        for size in [0, 1, 4095, 4096, 4097, 100_000] {
            let text: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            std::fs::write(&file, &text).expect("write");
            assert_eq!(read(&file, Links::Follow, size as u64).expect("read").0, text, "{size}");
            assert_eq!(read_seen(&file, Links::Follow, Look::Listed, 1 << 20).expect("read").0, text, "{size}");
            if size > 0 {
                assert!(matches!(read(&file, Links::Follow, size as u64 - 1), Err(ReadRefusal::TooLarge { .. })));
            }
        }
        // A file whose size says nothing of what it holds is read to its end, within the bound.
        let status = Path::new("/proc/self/status");
        let (text, meta) = read(status, Links::Follow, 1 << 20).expect("read");
        assert_eq!(meta.len(), 0);
        assert!(text.starts_with(b"Name:"), "{}", String::from_utf8_lossy(&text));
        assert!(matches!(read(status, Links::Follow, 10), Err(ReadRefusal::TooLarge { size: 11, limit: 10 })));
    }
}
