//! The working directory and the root directory: `--chdir`/`--chroot`, else `directory` and
//! `chroot`. openrc-run runs from `/`, so a relative path is made absolute.

use super::super::error::ModelError;
use super::context::Context;
use super::evaluated::path_setting;
use super::flags::DaemonFlags;
use super::report::Refused;

/// Where the daemon runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directories {
    /// The working directory.
    pub directory: Option<String>,
    /// The root directory.
    pub chroot: Option<String>,
}

/// The directories, refused together: s6 has no program to change directory inside a new root.
pub fn directories(cx: &mut Context, flags: &DaemonFlags) -> Result<Directories, Refused> {
    // As OpenRC's backend evals them (`${directory:+--chdir} $directory`).
    let dir = path_setting(cx, &flags.chdir, "directory");
    let root = path_setting(cx, &flags.chroot, "chroot");
    let (dir, root) = (dir?, root?);
    if let (Some(root), Some(_)) = (&root, &dir) {
        let error = ModelError::UnconvertibleSetting {
            setting: "chroot".into(),
            why: "with `directory` as well, the daemon must change directory inside the new root, and no s6 program exists there to do it".into(),
            span: root.at.span.into(),
            help: "drop `directory` and let the daemon start at the root of the chroot, or give the daemon its own chdir option".into(),
        };
        return Err(cx.report.refuse(root.at, error));
    }
    let mut out = Directories::default();
    if let Some(mut d) = dir {
        if !d.value.starts_with('/') {
            // openrc-run runs from `/`; a run script starts in its service directory.
            d.value = format!("/{}", d.value);
            cx.report.decide("directory", format!("relative directory made absolute: {}", d.value), Some(d.at));
        }
        out.directory = Some(d.value);
    }
    if let Some(mut r) = root {
        if !r.value.starts_with('/') {
            r.value = format!("/{}", r.value);
            cx.report.decide("chroot", format!("relative chroot made absolute: {}", r.value), Some(r.at));
        }
        out.chroot = Some(r.value);
    }
    Ok(out)
}
