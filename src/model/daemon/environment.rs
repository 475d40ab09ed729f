//! The daemon's environment, as start-stop-daemon and supervise-daemon hand it over: openrc-run's
//! shell's exported variables (the service's names, what rc.conf, conf.d, the script,
//! `start_pre()` and `start()` export, and the assignments written before the launching
//! command), less what the target release removes, then `--env` of the options, then `USER` of
//! `--user`. The daemon inherits the rest (PATH, LANG, …) from openrc-run under OpenRC, from
//! s6-svscan under s6, which OpenRC started the same way.

use super::super::error::ModelError;
use super::super::service::RunAs;
use super::context::Context;
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::eval::environment::Environment;
use crate::eval::value::{ShellValue, Uncertainty};
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

/// What a daemon the shell runs itself does not get that s6-svscan's environment has: openrc-run
/// filters `USER` and `HOME` out of its own (env_filter(), src/shared/misc.c at 0.63.3, unless
/// rc_env_allow lets them through), and only start-stop-daemon and supervise-daemon set them
/// for their daemons (start-stop-daemon.c:386-398 at 0.45.2).
pub fn unexported(vars: &[(String, String)], direct: bool) -> Vec<String> {
    if !direct {
        return Vec::new();
    }
    ["HOME", "USER"].iter().filter(|n| !vars.iter().any(|(k, _)| k == *n)).map(|n| n.to_string()).collect()
}

/// The variables, sorted by name, each once; refused when an exported value cannot be known.
pub fn environment(
    cx: &mut Context,
    flags: &DaemonFlags,
    inputs: &EnvironmentInputs,
) -> Result<Vec<(String, String)>, Refused> {
    let mut result = Ok(());
    let target = cx.options.target.clone();
    let exported: Vec<(String, ShellValue)> = match inputs.launch_env {
        // Every variable the launching command sees, a function's exported locals and the
        // assignments before its name (which the shell holds in a scope of their own) included.
        Some(env) => env
            .names()
            .into_iter()
            .filter_map(|n| env.get(&n).filter(|v| v.exported).map(|v| (n.clone(), v.value.clone())))
            .collect(),
        None => cx.globals().filter(|(_, v)| v.exported).map(|(n, v)| (n.to_string(), v.value.clone())).collect(),
    };
    let mut vars: Vec<(String, String)> = Vec::new();
    let set = |vars: &mut Vec<(String, String)>, k: &str, v: &str| {
        vars.retain(|(n, _)| n != k);
        vars.push((k.to_string(), v.to_string()));
    };
    if inputs.direct {
        for (k, v) in crate::model::predefined::openrc_run_environment(&target) {
            set(&mut vars, k, &v);
        }
        // What openrc-run sets per start, not per release: said, so the difference is not silent.
        let choice = format!(
            "started by start() itself, the daemon gets openrc-run's environment as OpenRC {target} sets it, but for RC_RUNLEVEL (the runlevel being entered when OpenRC starts it, which a run script cannot know), RC_OPENRC_PID and RC_RUNSCRIPT_PID (openrc-run's own processes, gone under s6)"
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
            Ok(()) => set(&mut vars, &n, &v.text),
            Err(refused) => result = Err(refused),
        }
    }
    // `command_user`'s `--user` comes before the options (sh/start-stop-daemon.sh and
    // sh/supervise-daemon.sh at 0.45.2 and 0.63.3), an option's where it stands among them.
    let before_user = if flags.user.is_some() { flags.env_before_user.min(flags.env.len()) } else { 0 };
    let (before, after) = flags.env.split_at(before_user);
    for (k, v) in before {
        set(&mut vars, k, v);
    }
    if let Some(u) = inputs.user.filter(|u| !u.group_only) {
        // start-stop-daemon.c:505-517 (0.63.3), 498-503 (0.45.2): `--user` sets USER to the
        // account's name and HOME to its home directory (which the run script looks up).
        set(&mut vars, "USER", &u.user);
        vars.retain(|(n, _)| n != "HOME");
    }
    for (k, v) in after {
        set(&mut vars, k, v);
    }
    vars.sort();
    result.map(|()| vars)
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
    cx.check(name, value)
}
