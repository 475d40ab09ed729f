//! `ulimit`, `umask` and `cd` that start() runs before the launch: start-stop-daemon's child
//! inherits them from openrc-run's shell, so they go into the run script. The daemon's own
//! `--umask`/`--chdir` (or `umask`/`directory`) still win.

use super::super::error::ModelError;
use super::super::launch::ShellSetting;
use super::super::service::ResourceLimit;
use super::context::Context;
use super::limits::SOFTLIMIT_HELP;
use super::report::Refused;
use super::ulimit;
use super::umask::octal_mask;

/// What the daemon's other settings already give, which start()'s shell cannot change.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlreadySet {
    /// A umask is set.
    pub umask: bool,
    /// A working directory is set.
    pub directory: bool,
}

/// What start()'s shell settings add.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShellEffects {
    /// Limits, after `rc_ulimit`'s.
    pub limits: Vec<ResourceLimit>,
    /// The umask, when none is set otherwise.
    pub umask: Option<String>,
    /// The working directory, when none is set otherwise.
    pub directory: Option<String>,
}

/// Applies the settings in order; every one is looked at, then any refusal is returned.
pub fn apply(cx: &mut Context, settings: &[ShellSetting], already: AlreadySet) -> Result<ShellEffects, Refused> {
    let mut out = ShellEffects::default();
    let mut result = Ok(());
    for s in settings {
        let words = s.args.join(" ");
        if s.conditional {
            let error = ModelError::UnconvertibleSetting {
                setting: format!("{} {words}", s.name),
                why: "start() runs it only under a condition rc2s6 cannot decide".into(),
                span: s.loc.span.into(),
                help: "set it unconditionally, or use `rc_ulimit`, `umask` or `directory`".into(),
            };
            result = Err(cx.report.refuse(s.loc, error));
            continue;
        }
        match s.name.as_str() {
            "ulimit" => match ulimit::parse(&s.args) {
                Ok(l) => {
                    out.limits.extend(l);
                    cx.report.decide("limits", format!("start() runs `ulimit {words}` before the launch"), Some(s.loc));
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
            // The first one is taken, where the shell keeps the last: a known difference, kept
            // as it is until the model's fidelity work (as is `cd`'s).
            "umask" if !already.umask && out.umask.is_none() => {
                let m = s.args.first().map(String::as_str).unwrap_or("");
                if let Some(mask) = octal_mask(m) {
                    out.umask = Some(mask);
                } else if !m.is_empty() {
                    result = Err(cx.report.invalid_value(
                        s.loc,
                        "umask",
                        format!("`{m}` is not an octal mask"),
                        "write the mask in octal, e.g. `umask 027`",
                    ));
                }
            }
            "cd" if !already.directory && out.directory.is_none() => {
                if let Some(dir) = s.args.iter().find(|a| !a.starts_with('-')) {
                    out.directory = Some(if dir.starts_with('/') { dir.clone() } else { format!("/{dir}") });
                }
            }
            _ => {}
        }
    }
    result.map(|()| out)
}
