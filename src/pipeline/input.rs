//! Reads a service's files from disk in openrc-run's order: rc.conf, rc.conf.d, conf.d, script.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::core::regular_file::{self, Links, Look};
use crate::core::source::SourceFile;
use crate::openrc::service_files::{FileRole, RUNLEVELS, ServiceFiles};
use crate::pipeline::siblings::{Listings, Siblings};

/// Where to find the files around a script.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// The conf.d directory (`--conf-dir`); `None` reads no conf.d files.
    pub conf_dir: Option<PathBuf>,
    /// rc.conf (`--rc-conf`); `None` reads none. rc.conf.d beside it is read too.
    pub rc_conf: Option<PathBuf>,
}

/// A file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The path.
    pub path: String,
    /// The operating system's message.
    pub message: String,
}

/// The most an input file may hold: 1 MiB. The largest script of the corpus of real ones is
/// 17 KB and the largest conf.d 12 KB; what is larger is refused, as is anything that is not a
/// regular file (a FIFO would block the run forever, `/dev/zero` fill the memory).
pub const MAX_INPUT_BYTES: u64 = 1 << 20;

/// An input file read as text.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Its name and text (invalid UTF-8 replaced, so the rest can still be reported on).
    pub source: SourceFile,
    /// Where its first invalid UTF-8 byte is, if it has one.
    pub not_utf8: Option<usize>,
    /// Others may not read it: what is made from it must not be readable by them either.
    pub private: bool,
}

/// Reads a file as text. Only a regular file of at most [`MAX_INPUT_BYTES`] is read, and opening
/// it never blocks; whether others may read it is taken from the same open file.
pub fn read_source(path: &Path) -> Result<InputFile, ReadError> {
    read_seen(path, Look::Before)
}

/// Reads a file the arguments give as [`read_source`] does; one found by walking a directory
/// was seen there as a regular file (the walk follows links), which stands for the look before
/// opening it.
pub fn read_input(input: &InputPath) -> Result<InputFile, ReadError> {
    read_seen(&input.path, if input.named { Look::Before } else { Look::Listed })
}

fn read_seen(path: &Path, look: Look) -> Result<InputFile, ReadError> {
    use std::os::unix::fs::PermissionsExt as _;
    let (bytes, meta) = regular_file::read_seen(path, Links::Follow, look, MAX_INPUT_BYTES)
        .map_err(|e| ReadError { path: path.display().to_string(), message: e.to_string() })?;
    // The name as `display()` writes it (invalid UTF-8 replaced the same way), without the
    // formatter, which went through it a character at a time.
    let (source, not_utf8) = decode_source(path.to_string_lossy().into_owned(), bytes);
    Ok(InputFile { source, not_utf8, private: meta.permissions().mode() & 0o004 == 0 })
}

/// Whether something is at `path` (following links), as the shell's `[ -e ]` openrc-run tests
/// before it sources a file: whatever it is is then read, or refused, rather than skipped.
pub fn exists(path: &Path) -> bool {
    path.metadata().is_ok()
}

/// A file's bytes as text, with the offset of the first invalid UTF-8 byte if there is one.
pub fn decode_source(name: String, bytes: Vec<u8>) -> (SourceFile, Option<usize>) {
    let (text, bad) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    (SourceFile::new(name, text), bad)
}

/// A file's permission bits (to give a rewritten copy the same), if it can be read.
pub fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o7777)
}

/// Reads a script and the files OpenRC would read with it.
pub fn load_service(script: &Path, opts: &InputOptions) -> Result<ServiceFiles, ReadError> {
    let svcname = script.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (confd, runlevel_confd) = confd_files(&svcname, opts.conf_dir.as_deref());
    load_with(script, &svcname, &confd, opts.rc_conf.as_deref(), runlevel_confd)
}

/// The conf.d files of a service in `dir` that exist, in load order, and the runlevel-specific
/// ones beside them: (path, runlevel).
pub fn confd_files(svcname: &str, dir: Option<&Path>) -> (Vec<PathBuf>, Vec<(String, String)>) {
    let mut confd = Vec::new();
    let mut runlevel_confd = Vec::new();
    if let Some(dir) = dir {
        // Multiplexed `net.eth0` reads conf.d/net first, then conf.d/net.eth0.
        let base = svcname.split('.').next().unwrap_or(svcname);
        let mut names = Vec::new();
        if base != svcname {
            names.push(base.to_string());
        }
        names.push(svcname.to_string());
        for n in &names {
            let p = dir.join(n);
            if exists(&p) {
                confd.push(p);
            }
            for rl in RUNLEVELS {
                let p = dir.join(format!("{n}.{rl}"));
                if exists(&p) {
                    runlevel_confd.push((p.display().to_string(), rl.to_string()));
                }
            }
        }
    }
    (confd, runlevel_confd)
}

/// Reads a script with an explicit service name and conf.d files (used for corpora whose file
/// names are not service names).
pub fn load_with(
    script: &Path,
    svcname: &str,
    confd: &[PathBuf],
    rc_conf: Option<&Path>,
    runlevel_confd: Vec<(String, String)>,
) -> Result<ServiceFiles, ReadError> {
    let text = read_source(script)?;
    let rc = read_rc_conf(rc_conf)?;
    load_around(text, svcname, confd, &rc, runlevel_confd)
}

/// rc.conf and the `rc.conf.d/*.conf` files beside it, in load order, with where each one's
/// invalid UTF-8 starts: read once when many services are loaded together.
pub fn read_rc_conf(rc_conf: Option<&Path>) -> Result<Vec<InputFile>, ReadError> {
    let mut out = Vec::new();
    let Some(rc) = rc_conf else { return Ok(out) };
    if exists(rc) {
        out.push(read_source(rc)?);
    }
    if let Some(dir) = rc.parent().map(|p| p.join("rc.conf.d")) {
        if dir.is_dir() {
            let mut extra: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| ReadError { path: dir.display().to_string(), message: e.to_string() })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "conf") && exists(p))
                .collect();
            extra.sort();
            for p in extra {
                out.push(read_source(&p)?);
            }
        }
    }
    Ok(out)
}

/// Reads the conf.d files of a script whose text was already read (by [`read_source`]), and
/// puts them together with rc.conf (read by [`read_rc_conf`]) in openrc-run's load order, so a
/// caller loading many services reads the script and rc.conf only once. The service is private
/// when any of its files is: its run script and manifest record carry what they hold.
pub fn load_around(
    script: InputFile,
    svcname: &str,
    confd: &[PathBuf],
    rc_conf: &[InputFile],
    runlevel_confd: Vec<(String, String)>,
) -> Result<ServiceFiles, ReadError> {
    let mut files = Vec::new();
    let mut not_utf8 = Vec::new();
    let mut private = false;
    let mut push = |role: FileRole, f: InputFile| {
        if let Some(at) = f.not_utf8 {
            not_utf8.push((files.len(), at));
        }
        private |= f.private;
        files.push((role, f.source));
    };
    for rc in rc_conf {
        push(FileRole::RcConf, rc.clone());
    }
    for c in confd {
        push(FileRole::ConfD, read_source(c)?);
    }
    push(FileRole::Script, script);
    Ok(ServiceFiles {
        svcname: svcname.to_string(),
        service_path: format!("/etc/init.d/{svcname}"),
        files,
        runlevel_confd,
        not_utf8,
        private,
    })
}

/// A file to look at, and whether the user named it (named files are always treated as
/// scripts; files found by walking a directory only when they look like one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputPath {
    /// The path.
    pub path: PathBuf,
    /// Given on the command line rather than found in a directory.
    pub named: bool,
    /// What its directory held, when the path was found by walking it.
    pub siblings: Option<Arc<Siblings>>,
}

/// The files the arguments name: files as given, directories walked in name order (following
/// links) without editor and package-manager backups. A path named twice (a directory and a
/// file in it, or the same argument again) counts once, as named when it was named.
pub fn expand_paths(paths: &[PathBuf]) -> (Vec<InputPath>, Vec<ReadError>) {
    let (out, errors) = expand_paths_with_repeats(paths);
    if !may_repeat(paths) {
        return (out, errors);
    }
    // Sets only asked whether they hold a path: hashed, where an ordered set compared paths
    // component by component on every step down the tree. `Path`'s hash agrees with its
    // equality (`a//b` and `a/b` are one path to both).
    let named: std::collections::HashSet<&Path> = out.iter().filter(|p| p.named).map(|p| p.path.as_path()).collect();
    let mut seen: std::collections::HashSet<&Path> = std::collections::HashSet::with_capacity(out.len());
    let mut unique = Vec::new();
    for p in &out {
        if seen.insert(p.path.as_path()) {
            unique.push(InputPath {
                path: p.path.clone(),
                named: p.named || named.contains(p.path.as_path()),
                siblings: p.siblings.clone(),
            });
        }
    }
    (unique, errors)
}

/// Up to this many arguments are compared pairwise to rule repeats out; past it, the paths
/// found are deduplicated whatever the arguments.
const FEW_ARGUMENTS: usize = 16;

/// Whether the files the arguments name may include one path twice. Each path found is an
/// argument, or a directory argument's path with components added (the walk joins each name it
/// reads to its directory's path), and paths are equal when their components are: two equal
/// paths found from different arguments have both arguments as leading components, so one
/// argument starts with the other; one walk never finds a path twice (the names in a directory
/// differ). When no argument starts with another, which is the case of a list of distinct
/// directories, every path found is new, and hashing each one to find out was a fifth of the
/// walk the workers wait for.
fn may_repeat(paths: &[PathBuf]) -> bool {
    paths.len() > FEW_ARGUMENTS
        || paths.iter().enumerate().any(|(i, a)| paths.iter().enumerate().any(|(j, b)| i != j && b.starts_with(a)))
}

/// A walked entry's name: the bytes after the last `/`. Each entry's path is its parent's path
/// joined with the name read from the directory, so this is `file_name()` without parsing the
/// path's components.
fn entry_name(e: &walkdir::DirEntry) -> &[u8] {
    use std::os::unix::ffi::OsStrExt as _;
    let path = e.path().as_os_str().as_bytes();
    memchr::memrchr(b'/', path).map_or(path, |i| &path[i + 1..])
}

/// Two entries of one directory in name order, as `sort_by_file_name` puts them. walkdir sorts
/// the children of one directory at a time, and each child's path is that directory's path
/// joined with its name: the same bytes before every name, so the paths' bytes compare as the
/// names do, with no search for the last `/` in both on every comparison (a third of the walk
/// the workers wait for).
fn by_name(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    use std::os::unix::ffi::OsStrExt as _;
    a.path().as_os_str().as_bytes().cmp(b.path().as_os_str().as_bytes())
}

fn expand_paths_with_repeats(paths: &[PathBuf]) -> (Vec<InputPath>, Vec<ReadError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(InputPath { path: p.clone(), named: true, siblings: None });
            continue;
        }
        let first = out.len();
        // Each walked file's directory, by its index in `listings`.
        let mut dirs = Vec::new();
        let mut listings = Listings::default();
        for entry in walkdir::WalkDir::new(p).follow_links(true).sort_by(by_name) {
            match entry {
                Ok(e) if e.depth() == 0 => {}
                Ok(e) => {
                    let dir = listings.record(e.path());
                    // Bytes: what is looked for is ASCII, which invalid UTF-8 neither hides nor
                    // makes up, so no text of the name is made.
                    let name = entry_name(&e);
                    let backup = name.ends_with(b"~")
                        || name.starts_with(b".")
                        || name.windows(6).any(|w| w == b".dpkg-")
                        || name.ends_with(b".apk-new");
                    if e.file_type().is_file() && !backup {
                        dirs.push(dir);
                        out.push(InputPath { path: e.into_path(), named: false, siblings: None });
                    }
                }
                Err(e) => {
                    if let Some(path) = e.path().filter(|_| e.depth() > 0) {
                        listings.record(path);
                    }
                    errors.push(ReadError { path: p.display().to_string(), message: e.to_string() })
                }
            }
        }
        let listings = listings.finish();
        for (item, dir) in out[first..].iter_mut().zip(dirs) {
            item.siblings = Some(listings[dir].clone());
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::may_repeat;
    use std::path::PathBuf;

    #[test]
    fn only_arguments_one_inside_another_may_name_a_path_twice() {
        let args = |a: &[&str]| a.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert!(!may_repeat(&args(&["alpine", "gentoo", "openrc/init.d", "openrc/x"])));
        assert!(!may_repeat(&args(&["a", "ab", "./a"])));
        for repeated in [&["a", "a/b"][..], &["a/b", "a"], &["a", "a/"], &["a//b", "a/b/c"], &["x", "x"], &["a", ""]] {
            assert!(may_repeat(&args(repeated)), "{repeated:?}");
        }
        let many: Vec<PathBuf> = (0..17).map(|i| PathBuf::from(format!("d{i}"))).collect();
        assert!(may_repeat(&many));
    }
}
