//! The daemon's environment, as start-stop-daemon and supervise-daemon hand it over: openrc-run's
//! shell's exported variables (the service's names, what rc.conf, conf.d, the script,
//! `start_pre()` and `start()` export, and the assignments written before the launching
//! command), less what the target release removes, then `--env` of the options, then `USER` of
//! `--user`. The daemon inherits the rest (PATH, LANG, …) from openrc-run under OpenRC, from
//! s6-svscan under s6, which OpenRC started the same way.

use super::super::error::ModelError;
use super::super::service::{RunAs, StateVariable};
use super::context::Context;
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::eval::environment::{Environment, Variable};
use crate::eval::value::{ShellValue, Uncertainty};
use crate::openrc::paths;
use crate::openrc::variables::PROVIDED_VARIABLES;

/// What the daemon's environment is built from besides the variables.
pub struct EnvironmentInputs<'a> {
    /// The variables of the shell that makes the launch, when it is a call in start() (its
    /// exports and the assignments before it); `None` for OpenRC's backend, which reads the
    /// context's variables.
    pub launch_env: Option<&'a Environment>,
    /// Who the daemon runs as.
    pub user: Option<&'a RunAs>,
    /// `PWD` and `OLDPWD` as `cd` in openrc-run's shell left them (the shell exports both).
    pub pwd: Option<&'a (String, String)>,
    /// start() runs the program itself: it inherits the shell's whole environment, openrc-run's
    /// own variables included, where start-stop-daemon and supervise-daemon filter it.
    pub direct: bool,
}

/// What the daemon does not get that s6-svscan's environment has: what `--env NAME` unset, and
/// for a daemon the shell runs itself: openrc-run
/// filters `USER` and `HOME` out of its own (env_filter(), src/shared/misc.c at 0.63.3, unless
/// rc_env_allow lets them through), and only start-stop-daemon and supervise-daemon set them
/// for their daemons (start-stop-daemon.c:386-398 at 0.45.2).
pub fn unexported(env: &DaemonEnvironment, direct: bool) -> Vec<String> {
    let filtered = ["HOME", "USER"].iter().filter(|n| direct && !env.vars.iter().any(|(k, _)| k == *n));
    let mut names: Vec<String> = filtered.map(|n| n.to_string()).chain(env.unset.iter().cloned()).collect();
    names.sort();
    names.dedup();
    names
}

/// openrc-run's variables that come from a file in `RC_SVCDIR`, read when it starts: its name,
/// the file, the value when the file is missing, and whether an empty first line counts as
/// missing. env_config() (src/shared/misc.c:219-237 at 0.63.3, 172-185 at 0.45.2) takes
/// RC_RUNLEVEL from rc_runlevel_get() (src/librc/librc.c:470-493: `softlevel`'s first line,
/// `sysinit` when it is missing or empty) and RC_DEFAULTLEVEL from `krunlevel`'s first line
/// (`default` when the file is missing; `openrc -o LEVEL` writes it). When `openrc` starts the
/// service instead, openrc-run keeps the RC_RUNLEVEL it inherits (openrc-run.c:1280), which
/// `openrc` sets together with `softlevel` before it starts anything (src/openrc/rc.c:1065-1068):
/// the same value.
const STATE_FILES: [(&str, &str, &str, bool); 2] =
    [("RC_DEFAULTLEVEL", "krunlevel", "default", false), ("RC_RUNLEVEL", "softlevel", "sysinit", true)];

/// The variables a daemon start() runs itself reads from OpenRC's files as it starts, less
/// those the script exports itself (already in `vars`).
pub fn state_variables(vars: &[(String, String)], direct: bool) -> Vec<StateVariable> {
    if !direct {
        return Vec::new();
    }
    STATE_FILES
        .iter()
        .filter(|(n, ..)| !vars.iter().any(|(k, _)| k == n))
        .map(|(name, file, missing, empty_is_missing)| StateVariable {
            name: name.to_string(),
            file: format!("{}/{file}", paths::RC_SVCDIR),
            missing: missing.to_string(),
            empty_is_missing: *empty_is_missing,
        })
        .collect()
}

/// The daemon's environment as it is handed over.
pub struct DaemonEnvironment {
    /// The variables set, sorted by name, each once.
    pub vars: Vec<(String, String)>,
    /// The variables an `--env NAME` without `=` removed last, sorted: the daemon does not
    /// get them even from s6-svscan's environment.
    pub unset: Vec<String>,
}

/// The variables set and unset; refused when an exported value cannot be known.
pub fn environment(
    cx: &mut Context,
    flags: &DaemonFlags,
    inputs: &EnvironmentInputs,
) -> Result<DaemonEnvironment, Refused> {
    let mut result = Ok(());
    let target = cx.options.target.clone();
    // PATH is in openrc-run's environment, so the shell exports it, assigned or not; one the
    // files never assign is openrc-run's own, which s6-svscan (started by OpenRC the same way)
    // hands on as start-stop-daemon would.
    let handed_on = |n: &str, v: &Variable| v.exported || (n == "PATH" && v.assigned_at.is_some());
    let exported: Vec<(String, ShellValue)> = match inputs.launch_env {
        // Every variable the launching command sees, a function's exported locals and the
        // assignments before its name (which the shell holds in a scope of their own) included.
        Some(env) => env
            .visible()
            .into_iter()
            .filter(|(n, v)| handed_on(n, v))
            .map(|(n, v)| (n.to_string(), v.value.clone()))
            .collect(),
        None => cx.globals().filter(|(n, v)| handed_on(n, v)).map(|(n, v)| (n.to_string(), v.value.clone())).collect(),
    };
    let mut vars: Vec<(String, String)> = Vec::new();
    let set = |vars: &mut Vec<(String, String)>, k: &str, v: &str| {
        vars.retain(|(n, _)| n != k);
        vars.push((k.to_string(), v.to_string()));
    };
    if inputs.direct {
        for (k, v) in crate::model::predefined::openrc_run_environment(&target) {
            // Read as the daemon starts (`state_variables`), not known now.
            if !STATE_FILES.iter().any(|(n, ..)| *n == k) {
                set(&mut vars, k, &v);
            }
        }
        // What openrc-run sets per start, not per release: said, so the difference is not silent.
        let choice = format!(
            "started by start() itself, the daemon gets openrc-run's environment as OpenRC {target} sets it, RC_RUNLEVEL and RC_DEFAULTLEVEL read from {svcdir}/softlevel and {svcdir}/krunlevel as it starts, as openrc-run reads them; but not RC_SYS (set by OpenRC only in a container or virtual machine it detects), RC_OPENRC_PID and RC_RUNSCRIPT_PID (openrc-run's own processes, gone under s6)",
            svcdir = paths::RC_SVCDIR
        );
        cx.report.decide("environment", choice, None);
    }
    if let Some((pwd, oldpwd)) = inputs.pwd {
        set(&mut vars, "PWD", pwd);
        set(&mut vars, "OLDPWD", oldpwd);
    }
    for (n, v) in exported {
        if !inputs.direct && !target.daemon_gets_variable(&n) {
            continue;
        }
        match check_exported(cx, &n, &v) {
            Ok(()) if n == "PATH" && !inputs.direct => set(&mut vars, &n, &daemon_path(&v.text, &target)),
            Ok(()) => set(&mut vars, &n, &v.text),
            Err(refused) => result = Err(refused),
        }
    }
    // `command_user`'s `--user` comes before the options (sh/start-stop-daemon.sh and
    // sh/supervise-daemon.sh at 0.45.2 and 0.63.3), an option's where it stands among them.
    let before_user = if flags.user.is_some() { flags.env_before_user.min(flags.env.len()) } else { 0 };
    let (before, after) = flags.env.split_at(before_user);
    let mut unset: Vec<String> = Vec::new();
    let put = |vars: &mut Vec<(String, String)>, unset: &mut Vec<String>, k: &str, v: Option<&String>| {
        unset.retain(|n| n != k);
        match v {
            Some(v) => set(vars, k, v),
            None => {
                vars.retain(|(n, _)| n != k);
                unset.push(k.to_string());
            }
        }
    };
    for (k, v) in before {
        put(&mut vars, &mut unset, k, v.as_ref());
    }
    if let Some(u) = inputs.user.filter(|u| !u.group_only) {
        // start-stop-daemon.c:505-517 (0.63.3), 498-503 (0.45.2): `--user` sets USER to the
        // account's name and HOME to its home directory (which the run script looks up; both,
        // for an account looked up at start: `account_lookup`).
        match u.lookup {
            None => put(&mut vars, &mut unset, "USER", Some(&u.user)),
            Some(_) => {
                vars.retain(|(n, _)| n != "USER");
                unset.retain(|n| n != "USER");
            }
        }
        vars.retain(|(n, _)| n != "HOME");
        unset.retain(|n| n != "HOME");
    }
    for (k, v) in after {
        put(&mut vars, &mut unset, k, v.as_ref());
    }
    vars.sort();
    unset.sort();
    result.map(|()| DaemonEnvironment { vars, unset })
}

/// The PATH start-stop-daemon and supervise-daemon give the daemon: openrc-run's, less
/// `RC_LIBEXECDIR/bin`, `RC_LIBEXECDIR/sbin` and empty entries (start-stop-daemon.c:1019-1044,
/// supervise-daemon.c:511-535 at 0.45.2; start-stop-daemon.c:1058-1083, supervise-daemon.c:539
/// at 0.63.3).
fn daemon_path(path: &str, target: &crate::openrc::version::OpenrcVersion) -> String {
    let rc = crate::model::predefined::libexecdir(target);
    let (bin, sbin) = (format!("{rc}/bin"), format!("{rc}/sbin"));
    path.split(':').filter(|p| !p.is_empty() && **p != *bin && **p != *sbin).collect::<Vec<_>>().join(":")
}

/// An exported variable's value must be exact: besides what [`Context::check`] refuses, a
/// variable OpenRC provides only at run time (`PATH`, …) that the value is built from.
fn check_exported(cx: &mut Context, name: &str, value: &ShellValue) -> Result<(), Refused> {
    for u in &value.uncertain {
        if let Uncertainty::UnsetVariable { name: from, loc } = u {
            if PROVIDED_VARIABLES.contains(&from.as_str()) {
                let error = ModelError::UnknowableValue {
                    variable: name.to_string(),
                    why: format!("it is built from `{from}`, which openrc-run has only at run time"),
                    span: loc.span.into(),
                    help: format!("write the whole value of `{name}` literally"),
                };
                return Err(cx.report.refuse(*loc, error));
            }
        }
    }
    // The shell hands an exported value to the daemon as it is (no `eval`): one computed at start
    // may be in it (`model::daemon::at_start`).
    cx.at_start.allowed = true;
    let checked = cx.check(name, value);
    cx.at_start.allowed = false;
    checked
}
