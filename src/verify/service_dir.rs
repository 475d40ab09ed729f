//! The service directory OpenRC will link, as it is on disk: there and a directory, its scripts
//! present, executable and readable by their interpreter, its integer files readable by
//! s6-supervise; then its readiness and its drift from the manifest.

use super::error::{DirUnusable, InterpreterFix, OpenrcGenerates, Recreate, ScriptUnusable, VerifyError};
use super::tree::{DirSnapshot, PathKind};
use super::{Expected, ServiceFindings, VerifyOptions, World, drift, readiness, same_path};
use crate::backend::execline::tokenize;
use crate::backend::s6::EXECLINEB;
use crate::openrc::paths::RC_SVCDIR;
use crate::openrc::version::OpenrcVersion;

/// The prepared service directory at `path` (the one OpenRC links, or would were it usable):
/// scripts, readiness files, drift.
pub fn check_dir(
    f: &mut ServiceFindings,
    e: &Expected,
    path: &str,
    dir: &DirSnapshot,
    world: &World,
    opts: &VerifyOptions,
) {
    match dir.kind {
        PathKind::Missing => {
            let (fix, effect) = (recreate(path, world, opts), dir_unusable(e, &opts.target));
            f.at(e.decided_at, |span| VerifyError::ServicedirMissing { path: path.to_string(), effect, fix, span });
            return;
        }
        PathKind::Other => {
            let (fix, effect) = (recreate(path, world, opts), dir_unusable(e, &opts.target));
            f.at(e.decided_at, |span| VerifyError::ServicedirNotDirectory {
                path: path.to_string(),
                effect,
                fix,
                span,
            });
            return;
        }
        PathKind::Dir => {}
    }
    check_scripts(f, e, path, dir, &opts.target);
    let fd = check_notification_fds(f, path, dir);
    readiness::check_readiness(f, path, fd, &opts.target);
    drift::check_drift(f, e, path, dir, world, opts);
}

/// What OpenRC does when the prepared directory is missing or not a directory: 0.16–0.62 fail
/// the start, 0.63.1+ generate their own directory from the empty `command`.
pub fn dir_unusable(e: &Expected, target: &OpenrcVersion) -> DirUnusable {
    if target.links_prepared_only_if_run_is_executable() {
        DirUnusable::OpenrcGenerates(generates(e, target))
    } else {
        DirUnusable::StartFails { version: target.to_string() }
    }
}

/// What OpenRC 0.63.1+ generates and links for `e` instead of its prepared directory.
fn generates(e: &Expected, target: &OpenrcVersion) -> OpenrcGenerates {
    OpenrcGenerates { version: target.to_string(), generated: format!("{RC_SVCDIR}/s6-services/{}", e.link) }
}

/// What happens when the script at `script` (relative to the service directory) is missing or
/// not executable: 0.63.1+ test `run` before linking; otherwise s6-supervise tries to run it.
fn script_unusable(e: &Expected, target: &OpenrcVersion, script: &str, missing: bool) -> ScriptUnusable {
    if script == "run" && target.links_prepared_only_if_run_is_executable() {
        ScriptUnusable::OpenrcGenerates(generates(e, target))
    } else if missing {
        ScriptUnusable::Supervise("s6-supervise cannot start without it")
    } else {
        ScriptUnusable::Supervise("s6-supervise fails with `Permission denied` and retries forever")
    }
}

/// A path inside the service directory at `dir`, for messages.
fn full(dir: &str, path: &str) -> String {
    format!("{}/{path}", dir.trim_end_matches('/'))
}

/// `run` (and `log/run` when there is a logger) present and executable; every script's
/// interpreter there, and its execline readable.
fn check_scripts(f: &mut ServiceFindings, e: &Expected, at: &str, dir: &DirSnapshot, target: &OpenrcVersion) {
    let logged = dir.files.iter().any(|f| f.path.starts_with("log/"));
    for path in ["run", "log/run"] {
        if path == "log/run" && !logged {
            continue;
        }
        match dir.file(path) {
            None => f.about_script(VerifyError::ScriptMissing {
                path: full(at, path),
                effect: script_unusable(e, target, path, true),
            }),
            Some(file) if file.mode & 0o111 == 0 => f.about_script(VerifyError::ScriptNotExecutable {
                path: full(at, path),
                mode: format!("{:04o}", file.mode),
                effect: script_unusable(e, target, path, false),
            }),
            Some(_) => {}
        }
    }
    for sc in &dir.scripts {
        if let Some(i) = &sc.interpreter {
            if !sc.interpreter_exists {
                let fix = if i == EXECLINEB { InterpreterFix::Execline(i.clone()) } else { InterpreterFix::Other };
                f.about_script(VerifyError::InterpreterMissing {
                    path: full(at, &sc.path),
                    interpreter: i.clone(),
                    fix,
                });
            }
        }
        let verdict = match &sc.execline {
            Some(v) => v.clone(),
            // No execlineb here: rc2s6's tokenizer reads execline the way execlineb does.
            None if sc.interpreter.as_deref().is_some_and(|i| i.ends_with("execlineb")) => {
                tokenize(&dir.text(&sc.path).unwrap_or_default())
                    .map(|_| ())
                    .map_err(|m| format!("{m} (rc2s6's reading)"))
            }
            None => Ok(()),
        };
        if let Err(message) = verdict {
            f.about_script(VerifyError::ExeclineSyntax { path: full(at, &sc.path), message });
        }
    }
}

/// `notification-fd` and `log/notification-fd` as s6-supervise reads them; the daemon's, if s6
/// uses one.
fn check_notification_fds(f: &mut ServiceFindings, at: &str, dir: &DirSnapshot) -> Option<u32> {
    let mut fd = None;
    for path in ["notification-fd", "log/notification-fd"] {
        let Some(bytes) = dir.file(path).and_then(|f| f.contents.as_deref()) else { continue };
        let Some(n) = s6_uint(bytes) else {
            let text = String::from_utf8_lossy(bytes);
            let value = text.strip_suffix('\n').unwrap_or(&text).escape_debug().to_string();
            f.about_script(VerifyError::BadNotificationFd { path: full(at, path), value });
            continue;
        };
        if notification_fd(&String::from_utf8_lossy(bytes)).is_none() {
            let stream = ["stdin", "stdout", "stderr"][n.min(2) as usize];
            let run = if path.starts_with("log/") { "log/run" } else { "run" };
            f.about_script(VerifyError::NotificationFdStdio { path: full(at, path), fd: n, stream, script: run });
        }
        // s6 uses it, even on a standard stream.
        if path == "notification-fd" {
            fd = Some(n);
        }
    }
    fd
}

/// How to make the service directory OpenRC will link: compile into its parent, with `--force`
/// when the manifest there lists it (compile leaves a listed directory that lost files alone).
pub fn recreate(path: &str, world: &World, opts: &VerifyOptions) -> Recreate {
    let output = path.trim_end_matches('/').rsplit_once('/').map(|x| x.0).unwrap_or("").to_string();
    let output = if output.is_empty() { "/".to_string() } else { output };
    let listed = same_path(&output, &opts.output)
        && world.manifest.as_ref().is_some_and(|m| {
            m.services.iter().any(|r| {
                r.servicedir.as_ref().is_some_and(|d| same_path(&format!("{}/{d}", output.trim_end_matches('/')), path))
            })
        });
    Recreate { output, listed, setting: opts.target.link_setting() }
}

/// An integer file as s6-supervise 2.11 reads it (`read_uint`): at most 11 bytes (UINT_FMT), cut
/// at the first newline, then `uint0_scan`: decimal digits only, leading zeros allowed, within an
/// unsigned int. `None` is what s6-supervise warns about ("invalid …") and ignores.
fn s6_uint(bytes: &[u8]) -> Option<u32> {
    let head = &bytes[..bytes.len().min(11)];
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    if line.is_empty() || !line.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(line).ok()?.parse().ok()
}

/// A notification-fd a daemon can use: one s6-supervise reads, and not stdin, stdout or stderr.
fn notification_fd(text: &str) -> Option<u32> {
    s6_uint(text.as_bytes()).filter(|n| *n >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_fd_values() {
        assert_eq!(notification_fd("5\n"), Some(5));
        assert_eq!(notification_fd("5"), Some(5));
        assert_eq!(notification_fd("5 \n"), None);
        assert_eq!(notification_fd("2\n"), None);
        assert_eq!(notification_fd("fd:5"), None);
        assert_eq!(notification_fd(""), None);
    }

    #[test]
    fn s6_reads_integer_files_like_s6_supervise() {
        assert_eq!(s6_uint(b"5\n\n"), Some(5));
        assert_eq!(s6_uint(b"05"), Some(5));
        assert_eq!(s6_uint(b"5\njunk"), Some(5));
        assert_eq!(s6_uint(b"00000000005"), Some(5));
        // Only 11 bytes are read: the 5 is never seen.
        assert_eq!(s6_uint(b"000000000005"), Some(0));
        assert_eq!(s6_uint(b"4294967295"), Some(u32::MAX));
        assert_eq!(s6_uint(b"4294967296"), None);
        assert_eq!(s6_uint(b"5\r\n"), None);
        assert_eq!(s6_uint(b" 5"), None);
        assert_eq!(s6_uint(b"\n5"), None);
        assert_eq!(s6_uint(b""), None);
    }
}
