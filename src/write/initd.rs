//! Migrated init scripts into `--initd-out`: each replaced atomically, with its original's mode,
//! never through a link, never outside the directory.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

use super::WriteError;
use super::fs_ops::{io, sync_dir};
use crate::backend::service_dir::invalid_name;
use crate::pipeline::migrate::MigratedScript;

/// Writes migrated init scripts into `dir` (created if needed), each as `dir/<name>` with its
/// mode, replacing the old file atomically; files already holding the text are left alone.
/// Returns the names written. Nothing is ever written outside `dir`.
pub fn write_initd(dir: &Path, scripts: &[MigratedScript], dry_run: bool) -> Result<Vec<String>, WriteError> {
    let mut written = Vec::new();
    if !dry_run {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    for MigratedScript { name, text, mode } in scripts {
        if let Some(why) = invalid_name(name) {
            return Err(WriteError::Io { path: dir.join(name).display().to_string(), message: why.to_string() });
        }
        let target = dir.join(name);
        // Never write through a link someone left where the script goes.
        if fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::Io {
                path: target.display().to_string(),
                message: "is a symbolic link; rc2s6 does not write through links".into(),
            });
        }
        let same = fs::read(&target).is_ok_and(|old| old == text.as_bytes())
            && fs::metadata(&target).is_ok_and(|m| m.permissions().mode() & 0o7777 == *mode);
        if same {
            continue;
        }
        written.push(name.clone());
        if dry_run {
            continue;
        }
        let tmp = dir.join(format!(".rc2s6-new.{name}"));
        let _ = fs::remove_file(&tmp);
        {
            let mut f = fs::OpenOptions::new().write(true).create_new(true).mode(*mode).open(&tmp).map_err(io(&tmp))?;
            f.write_all(text.as_bytes()).map_err(io(&tmp))?;
            f.set_permissions(fs::Permissions::from_mode(*mode)).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
        }
        fs::rename(&tmp, &target).map_err(io(&target))?;
    }
    if !dry_run && !written.is_empty() {
        sync_dir(dir)?;
    }
    Ok(written)
}
