//! Migrated init scripts into `--initd-out`: each replaced atomically, with its original's mode,
//! through the directory's descriptor: never through a link, never onto or from a FIFO or
//! anything else that is not a regular file, never outside the directory.

use std::fs;
use std::path::Path;

use super::WriteError;
use super::fs_ops::{At, io};
use crate::backend::service_dir::invalid_name;
use crate::core::dir::Dir;
use crate::core::regular_file::ReadRefusal;
use crate::pipeline::input::MAX_INPUT_BYTES;
use crate::pipeline::migrate::MigratedScript;

/// Where a script is written before it is renamed into place: short whatever the script's name
/// (`.rc2s6-new.` and a 251-byte name would not fit in a directory entry).
fn tmp_name(i: usize) -> String {
    format!(".rc2s6-new.{i}")
}

/// Writes migrated init scripts into `dir` (created if needed), each as `dir/<name>` with its
/// mode, replacing the old file atomically; files already holding the text are left alone.
/// Returns the names written. Nothing is ever written outside `dir`.
pub fn write_initd(dir: &Path, scripts: &[MigratedScript], dry_run: bool) -> Result<Vec<String>, WriteError> {
    let mut written = Vec::new();
    if !dry_run {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let opened = match Dir::open(dir) {
        Ok(d) => Some(d),
        Err(e) if dry_run && e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(dir)(e)),
    };
    for (i, MigratedScript { name, text, mode }) in scripts.iter().enumerate() {
        if let Some(why) = invalid_name(name) {
            return Err(WriteError::Io { path: dir.join(name).display().to_string(), message: why.to_string() });
        }
        let Some(d) = &opened else {
            written.push(name.clone());
            continue;
        };
        let at = At { dir: d, shown: dir };
        // Never write through a link someone left where the script goes, nor read a FIFO.
        let same = match d.read_file(name, MAX_INPUT_BYTES) {
            Ok((old, entry)) => old == text.as_bytes() && entry.permissions() == *mode,
            Err(ReadRefusal::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(ReadRefusal::NotRegular(what)) => {
                return Err(WriteError::Io {
                    path: at.path(name).display().to_string(),
                    message: format!("is {what}; rc2s6 replaces only regular files and never writes through links"),
                });
            }
            // Too large to be a script rc2s6 wrote: replaced.
            Err(ReadRefusal::TooLarge { .. }) => false,
            Err(ReadRefusal::Io(e)) => return Err(at.err(name)(e)),
        };
        if same {
            continue;
        }
        written.push(name.clone());
        if dry_run {
            continue;
        }
        let tmp = tmp_name(i);
        d.remove_tree(&tmp).map_err(at.err(&tmp))?;
        let put = d.create_file(&tmp, *mode, text.as_bytes(), true).and_then(|()| d.rename(&tmp, name));
        if let Err(e) = put {
            // A full disk leaves no half-written copy behind.
            let _ = d.remove_tree(&tmp);
            return Err(at.err(name)(e));
        }
    }
    if let (Some(d), false) = (&opened, written.is_empty() || dry_run) {
        d.sync().map_err(io(dir))?;
    }
    Ok(written)
}
