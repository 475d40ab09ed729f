//! `ulimit`, `umask` and `cd` that start_pre() and start() run before the launch (in that order:
//! openrc-run runs both in one shell): the daemon inherits its limits and directory from that
//! shell, so they go into the run script. `cd` moves from where the previous one left
//! (openrc-run starts in `/`: openrc-run.c, `chdir(workingdir)`, 1271-1276 at 0.63.3), and the
//! shell exports `PWD` and `OLDPWD` as `cd` sets them. The last `umask` counts only for a
//! daemon the shell runs itself: start-stop-daemon and supervise-daemon set the daemon's umask
//! to `--umask`, else 022 (`numask = 022`, start-stop-daemon.c:345, 873 and
//! supervise-daemon.c:790, 1053 at 0.45.2). The daemon's own `--chdir` (or `directory`) still
//! wins over the shell's directory.

use super::super::error::ModelError;
use super::super::launch::ShellSetting;
use super::super::service::UlimitCall;
use super::context::Context;
use super::limits::SOFTLIMIT_HELP;
use super::report::Refused;
use super::ulimit;
use super::umask::octal_mask;

/// What the daemon's other settings already give, which start()'s shell cannot change.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlreadySet {
    /// A umask is set, or the program that starts the daemon sets one.
    pub umask: bool,
    /// A working directory is set.
    pub directory: bool,
}

/// What start()'s shell settings add.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShellEffects {
    /// `ulimit` calls, after `rc_ulimit`'s.
    pub limits: Vec<UlimitCall>,
    /// The umask, when none is set otherwise.
    pub umask: Option<String>,
    /// The working directory, when none is set otherwise.
    pub directory: Option<String>,
    /// `PWD` and `OLDPWD` as the last `cd` left them, whatever the daemon's own directory.
    pub pwd: Option<(String, String)>,
}

/// Applies the settings in order; every one is looked at, then any refusal is returned.
pub fn apply(cx: &mut Context, settings: &[ShellSetting], already: AlreadySet) -> Result<ShellEffects, Refused> {
    let mut out = ShellEffects::default();
    let mut result = Ok(());
    let mut cwd = "/".to_string();
    let mut umask = None;
    for s in settings {
        let words = s.args.join(" ");
        let written = format!("{} {words}", s.name).trim_end().to_string();
        if s.conditional {
            let error = ModelError::UnconvertibleSetting {
                setting: written.clone(),
                why: "openrc-run's shell runs it only under a condition rc2s6 cannot decide".into(),
                span: s.loc.span.into(),
                help: "set it unconditionally, or use `rc_ulimit`, `umask` or `directory`".into(),
            };
            result = Err(cx.report.refuse(s.loc, error));
            continue;
        }
        match s.name.as_str() {
            "ulimit" => match ulimit::parse(&s.args) {
                Ok(limits) => {
                    out.limits.push(UlimitCall { args: s.args.clone(), limits, error: None });
                    cx.report.decide(
                        "limits",
                        format!("openrc-run's shell runs `{written}` before the launch"),
                        Some(s.loc),
                    );
                }
                Err(problem) => {
                    let error = ModelError::UnconvertibleSetting {
                        setting: format!("ulimit {words}"),
                        why: problem,
                        span: s.loc.span.into(),
                        help: SOFTLIMIT_HELP.into(),
                    };
                    result = Err(cx.report.refuse(s.loc, error));
                }
            },
            "umask" => {
                let m = s.args.first().map(String::as_str).unwrap_or("");
                if let Some(mask) = octal_mask(m) {
                    umask = Some(mask);
                } else if !m.is_empty() {
                    result = Err(cx.report.invalid_value(
                        s.loc,
                        "umask",
                        format!("`{m}` is not an octal mask"),
                        "write the mask in octal, e.g. `umask 027`",
                    ));
                }
            }
            "cd" => match change_directory(&cwd, out.pwd.as_ref(), &s.args) {
                Ok(dir) => {
                    out.pwd = Some((dir.clone(), cwd.clone()));
                    cwd = dir;
                }
                Err(why) => {
                    let error = ModelError::UnconvertibleSetting {
                        setting: written.clone(),
                        why,
                        span: s.loc.span.into(),
                        help: "`cd` to an absolute path, or set `directory`".into(),
                    };
                    result = Err(cx.report.refuse(s.loc, error));
                }
            },
            _ => {}
        }
    }
    match umask {
        Some(m) if already.umask => {
            let at = settings.iter().rev().find(|s| s.name == "umask").map(|s| s.loc);
            cx.report.decide(
                "umask",
                format!("the shell's `umask {m}` is not the daemon's: start-stop-daemon and supervise-daemon set the daemon's own"),
                at,
            );
        }
        m => out.umask = m,
    }
    if !already.directory && out.pwd.is_some() {
        out.directory = Some(cwd);
    }
    result.map(|()| out)
}

/// Where `cd ARGS` leaves the shell that is in `cwd` (with `PWD`/`OLDPWD` as `pwd` says):
/// dash's logical `cd` (POSIX XCU `cd`, without `-P`: `..` removes the previous component of the
/// path as written). `cd` alone goes to `HOME` and `cd -P` resolves symbolic links, both only
/// known at run time.
fn change_directory(cwd: &str, pwd: Option<&(String, String)>, args: &[String]) -> Result<String, String> {
    let mut operands = args.iter().skip_while(|a| *a == "-L");
    let target = match operands.next() {
        None => return Err("`cd` alone goes to `HOME`, which is only known at run time".into()),
        Some(a) if a == "-P" => return Err("`cd -P` resolves symbolic links at run time".into()),
        Some(a) if a == "--" => operands.next().cloned().unwrap_or_default(),
        Some(a) if a == "-" => match pwd {
            Some((_, old)) => old.clone(),
            None => return Err("`cd -` goes back to `OLDPWD`, which openrc-run's shell does not have yet".into()),
        },
        Some(a) => a.clone(),
    };
    if target.is_empty() {
        return Err("`cd` to an empty directory name fails".into());
    }
    let joined = if target.starts_with('/') { target } else { format!("{}/{target}", cwd.trim_end_matches('/')) };
    // From the root whatever `joined` starts with, as before: the working directory is absolute.
    Ok(super::super::lexical_path::resolve(&format!("/{joined}")))
}
