//! Reads a service's files from disk in openrc-run's order: rc.conf, rc.conf.d, conf.d, script.

use std::path::{Path, PathBuf};

use crate::model::FileRole;
use crate::source::SourceFile;

/// Where to find the files around a script.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// The conf.d directory (`--conf-dir`); `None` reads no conf.d files.
    pub conf_dir: Option<PathBuf>,
    /// rc.conf (`--rc-conf`); `None` reads none. rc.conf.d beside it is read too.
    pub rc_conf: Option<PathBuf>,
}

/// A service's files, read.
#[derive(Debug, Clone)]
pub struct ServiceFiles {
    /// `RC_SVCNAME`.
    pub svcname: String,
    /// `RC_SERVICE`.
    pub service_path: String,
    /// The files in load order, the script last.
    pub files: Vec<(FileRole, SourceFile)>,
    /// Runlevel-specific conf.d files present beside the plain one: (path, runlevel).
    pub runlevel_confd: Vec<(String, String)>,
    /// Files that are not valid UTF-8: (index into `files`, offset of the first bad byte).
    pub not_utf8: Vec<(usize, usize)>,
}

/// A file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The path.
    pub path: String,
    /// The operating system's message.
    pub message: String,
}

/// Runlevels OpenRC ships; a `conf.d/<svc>.<runlevel>` file replaces `conf.d/<svc>` there.
const RUNLEVELS: &[&str] = &["sysinit", "boot", "default", "nonetwork", "shutdown"];

/// Reads a file as text; invalid UTF-8 is replaced so the rest can still be reported on, and the
/// offset of the first invalid byte is returned with it.
pub fn read_source(path: &Path) -> Result<(SourceFile, Option<usize>), ReadError> {
    let bytes =
        std::fs::read(path).map_err(|e| ReadError { path: path.display().to_string(), message: e.to_string() })?;
    Ok(decode_source(path.display().to_string(), bytes))
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

/// Whether text starts with a shebang openrc-run handles: like OpenRC's gendepends, any path
/// ending in `/openrc-run` or the old `/runscript`, with or without a space after `#!`.
pub fn is_openrc_script(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let Some(rest) = first.strip_prefix("#!") else { return false };
    let interp = rest.split_whitespace().next().unwrap_or("");
    interp.ends_with("/openrc-run") || interp.ends_with("/runscript")
}

/// A file read: its text, and the offset of its first invalid UTF-8 byte if there is one.
pub type ReadSource = (SourceFile, Option<usize>);

/// Reads a script and the files OpenRC would read with it.
pub fn load_service(script: &Path, opts: &InputOptions) -> Result<ServiceFiles, ReadError> {
    let rc = read_rc_conf(opts.rc_conf.as_deref())?;
    load_service_read(script, read_source(script)?, &rc, opts)
}

/// Like `load_service`, with the script and rc.conf already read: a batch reads rc.conf once
/// and each script once (its first line decides whether it is compiled at all).
pub fn load_service_read(
    script: &Path,
    script_text: ReadSource,
    rc_conf: &[ReadSource],
    opts: &InputOptions,
) -> Result<ServiceFiles, ReadError> {
    let svcname = script.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut confd = Vec::new();
    let mut runlevel_confd = Vec::new();
    if let Some(dir) = &opts.conf_dir {
        // Multiplexed `net.eth0` reads conf.d/net first, then conf.d/net.eth0.
        let base = svcname.split('.').next().unwrap_or(&svcname);
        let mut names = Vec::new();
        if base != svcname {
            names.push(base.to_string());
        }
        names.push(svcname.clone());
        for n in &names {
            let p = dir.join(n);
            if p.is_file() {
                confd.push(p);
            }
            for rl in RUNLEVELS {
                let p = dir.join(format!("{n}.{rl}"));
                if p.is_file() {
                    runlevel_confd.push((p.display().to_string(), rl.to_string()));
                }
            }
        }
    }
    assemble(script, &svcname, rc_conf.to_vec(), &confd, script_text, runlevel_confd)
}

/// Reads rc.conf and the `*.conf` files of rc.conf.d beside it, in openrc-run's order.
pub fn read_rc_conf(rc_conf: Option<&Path>) -> Result<Vec<ReadSource>, ReadError> {
    let mut out = Vec::new();
    let Some(rc) = rc_conf else { return Ok(out) };
    if rc.is_file() {
        out.push(read_source(rc)?);
    }
    if let Some(dir) = rc.parent().map(|p| p.join("rc.conf.d")) {
        if dir.is_dir() {
            let mut extra: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| ReadError { path: dir.display().to_string(), message: e.to_string() })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "conf") && p.is_file())
                .collect();
            extra.sort();
            for p in extra {
                out.push(read_source(&p)?);
            }
        }
    }
    Ok(out)
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
    let rc = read_rc_conf(rc_conf)?;
    assemble(script, svcname, rc, confd, read_source(script)?, runlevel_confd)
}

/// The files in load order: rc.conf files, conf.d files (read here), the script.
fn assemble(
    script: &Path,
    svcname: &str,
    rc_conf: Vec<ReadSource>,
    confd: &[PathBuf],
    script_text: ReadSource,
    runlevel_confd: Vec<(String, String)>,
) -> Result<ServiceFiles, ReadError> {
    let mut read = rc_conf.into_iter().map(|r| (FileRole::RcConf, r)).collect::<Vec<_>>();
    for c in confd {
        read.push((FileRole::ConfD, read_source(c)?));
    }
    read.push((FileRole::Script, script_text));
    let mut files = Vec::with_capacity(read.len());
    let mut not_utf8 = Vec::new();
    for (role, (src, bad)) in read {
        if let Some(at) = bad {
            not_utf8.push((files.len(), at));
        }
        files.push((role, src));
    }
    Ok(ServiceFiles {
        svcname: svcname.to_string(),
        service_path: script.display().to_string(),
        files,
        runlevel_confd,
        not_utf8,
    })
}
