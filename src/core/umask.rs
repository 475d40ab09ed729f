//! The umask, when it alone decides the permission bits of what is made in a directory: a mode
//! the umask leaves whole is then known to be exact without an `fstat` after each file is made
//! (one per file written, most of the `stat` calls of a compile).
//!
//! What else can change a new entry's mode, and how each is ruled out, once per output
//! directory: a default ACL on the directory replaces the umask (asked with `fgetxattr`, and
//! inherited by every directory made in it, so one look covers them); a filesystem that keeps
//! no POSIX modes (vfat, or a FUSE filesystem) gives its own (only filesystems known to store
//! them are trusted); a set-group-ID parent gives a new directory its bit (the caller tracks
//! that, see `Dir::make_dir`); set-ID bits asked for may be dropped (the caller checks any mode
//! beyond `0o777` as before).

use std::os::fd::{AsRawFd as _, BorrowedFd};

/// Filesystems that store the mode `open`/`mkdir` give, less the umask: tmpfs, ext2/3/4, XFS,
/// Btrfs, F2FS, overlayfs (whose upper layer is one of these), ZFS, bcachefs (`statfs(2)`).
const POSIX_MODES: [u32; 8] =
    [0x0102_1994, 0xEF53, 0x5846_5342, 0x9123_683E, 0xF2F5_2010, 0x794C_7630, 0x2FC1_2FC1, 0xCA45_1A4E];

/// The process's umask if it alone shapes the modes of what is made in `dir`; `None` when that
/// cannot be known (each mode is then checked after making, as it always was).
pub fn alone_in(dir: BorrowedFd<'_>) -> Option<u32> {
    // SAFETY: zeroed `statfs` is a valid value to be overwritten.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid descriptor and out-pointer.
    if unsafe { libc::fstatfs(dir.as_raw_fd(), &mut fs) } != 0 {
        return None;
    }
    // `f_type` is a signed word of varying width: its low 32 bits are the magic number.
    if !POSIX_MODES.contains(&(fs.f_type as u32)) {
        return None;
    }
    let name = c"system.posix_acl_default";
    // SAFETY: a valid descriptor and name; a null buffer of size 0 only asks for the size.
    let size = unsafe { libc::fgetxattr(dir.as_raw_fd(), name.as_ptr(), std::ptr::null_mut(), 0) };
    let no_default_acl =
        size < 0 && matches!(std::io::Error::last_os_error().raw_os_error(), Some(libc::ENODATA | libc::EOPNOTSUPP));
    if !no_default_acl {
        return None;
    }
    process_umask()
}

/// The umask, as the kernel shows it in `/proc/self/status` (Linux 4.7 and later): reading it
/// with umask(2) would set it for a moment, under every other thread's feet.
fn process_umask() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
    u32::from_str_radix(line.trim(), 8).ok().filter(|m| *m <= 0o777)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_umask_read_is_the_one_a_child_inherits() {
        // Not umask(2): setting it for a moment would change what the other tests make.
        let out = std::process::Command::new("/bin/sh").args(["-c", "umask"]).output().expect("sh");
        let shown = String::from_utf8(out.stdout).expect("octal");
        assert_eq!(process_umask(), u32::from_str_radix(shown.trim(), 8).ok());
    }
}
