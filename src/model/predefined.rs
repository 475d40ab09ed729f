//! What openrc-run sets before it sources rc.conf, conf.d and the script.

use super::inputs::ServiceInputs;
use crate::eval::budget::Budget;
use crate::eval::environment::Environment;
use crate::eval::value::{Loc, ShellValue, Uncertainty};
use crate::openrc::paths;
use crate::openrc::version::OpenrcVersion;

/// OpenRC's libexec directory in the builds rc2s6 is checked against: Debian's 0.45 (`/lib/rc`)
/// and 0.63.3 built with its meson defaults (`/usr/libexec/rc`, rc.h `RC_LIBEXECDIR`).
pub fn libexecdir(target: &OpenrcVersion) -> &'static str {
    if target.is_at_least(0, 63) { "/usr/libexec/rc" } else { "/lib/rc" }
}

/// The `PATH` conf.d and the script see under `target`, whatever PATH openrc-run inherited:
/// openrc-run's env_filter() drops the inherited PATH (it is not in env_whitelist) and
/// env_config() sets RC_PATH_PREFIX; then openrc-run.sh sources sh/functions.sh ("Make a sane
/// PATH": its own list, then what of the old PATH is not in it, here nothing) and
/// sh/rc-functions.sh ("Add our sbin to $PATH"). 0.45's functions.sh also adds `$_PREFIX/bin`
/// and `$_PREFIX/sbin` with an empty `_PREFIX` (`/bin:/sbin` twice); 0.63.3's does not. Checked
/// against the real openrc-run of both, with and without a PATH of its own
/// (tests/hostile_input.rs).
pub fn path(target: &OpenrcVersion) -> String {
    let rc = libexecdir(target);
    let prefix = if target.is_at_least(0, 63) { "" } else { ":/bin:/sbin" };
    format!(
        "{rc}/sbin:{rc}/bin{prefix}:/bin:/sbin:/usr/bin:/usr/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin"
    )
}

/// What openrc-run's C part puts in its own environment, which the shell that runs the script
/// hands on whole to a program start() runs itself (start-stop-daemon and supervise-daemon
/// remove it: `OpenrcVersion::daemon_gets_variable`), as far as it is fixed for `target`:
/// env_config() (src/shared/misc.c at 0.45.2 and 0.63.3: `RC_CACHEDIR` from 0.62, commit
/// b71db405), `RC_CMD` (openrc-run.c), and `PATH` as functions.sh leaves it ([`path`]). The
/// same assumptions as [`variables`]: the runlevel `default` is the default one (no
/// `softlevel` on the kernel's command line). Only known as it runs, and left out:
/// `RC_RUNLEVEL`, `RC_OPENRC_PID`, `RC_RUNSCRIPT_PID` (openrc-run's own pid), `RC_SYS`.
pub fn openrc_run_environment(target: &OpenrcVersion) -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("PATH", path(target)),
        ("RC_BOOTLEVEL", "boot".to_string()),
        ("RC_CMD", "start".to_string()),
        ("RC_DEFAULTLEVEL", "default".to_string()),
        ("RC_LIBEXECDIR", libexecdir(target).to_string()),
        ("RC_SVCDIR", paths::RC_SVCDIR.to_string()),
        ("RC_TMPDIR", format!("{}/tmp", paths::RC_SVCDIR)),
        ("RC_UNAME", "Linux".to_string()),
        ("RC_VERSION", target.to_string()),
    ];
    if target.is_at_least(0, 62) {
        vars.push(("RC_CACHEDIR", "/var/cache/rc".to_string()));
    }
    vars
}

/// The variables openrc-run has set when it sources the first file: the service's names
/// (exported, so every daemon gets them), OpenRC's directories and `PATH` as the `target`
/// release sets them, and the ones only known at run time (the runlevel, `HOME` …), which
/// point at the script's first line, `script_loc`.
pub fn variables(inputs: &ServiceInputs, script_loc: Loc, target: &OpenrcVersion) -> Environment {
    let mut env = service_independent_variables(target, script_loc);
    // Each is in the copy already, exported: setting it replaces the value in place.
    for n in SERVICE_NAMES {
        env.set(n, ShellValue::known(&inputs.svcname), None);
        env.export(n);
    }
    env.set(SERVICE_PATH, ShellValue::known(&inputs.service_path), None);
    env.export(SERVICE_PATH);
    env
}

/// The variables that name the service, exported (every daemon gets them).
const SERVICE_NAMES: [&str; 2] = ["RC_SVCNAME", "SVCNAME"];
/// The variable that holds the script's path, exported.
const SERVICE_PATH: &str = "RC_SERVICE";

/// openrc-run's own variables under `target`, PATH among them (known exactly: it was taken as
/// empty, and k3s's `export PATH="/opt/foo/bin:$PATH"` gave the daemon `/opt/foo/bin:`), not
/// marked exported: the daemon's environment is what the files export
/// (model/daemon/environment.rs); and the ones only known at run time, pointing at
/// `script_loc`. What the service's names do not change is made once per release, place of the
/// script's first line (the number of files before it) and thread (a few of them kept), and copied (a reference
/// count until the service sets its own) with a budget of the service's own: each service
/// made it anew, seven messages and twenty-odd values.
fn service_independent_variables(target: &OpenrcVersion, script_loc: Loc) -> Environment {
    thread_local! {
        static MADE: std::cell::RefCell<Vec<(OpenrcVersion, Loc, Environment)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    MADE.with_borrow_mut(|made| {
        let mut env = match made.iter().find(|(t, at, _)| t == target && *at == script_loc) {
            Some((_, _, env)) => env.clone(),
            None => {
                let mut env = Environment::default();
                for (n, v) in openrc_run_environment(target) {
                    env.set(n, ShellValue::known(&v), None);
                }
                for n in ["RC_RUNLEVEL", "RC_SYS", "RC_GOINGDOWN", "RC_REBOOT", "IN_BACKGROUND", "IN_HOTPLUG", "HOME"] {
                    let v = ShellValue {
                        text: String::new(),
                        uncertain: vec![Uncertainty::Runtime { what: format!("`{n}`"), loc: script_loc }],
                    };
                    env.set(n, v, None);
                }
                // The service's names and path, exported, empty until [`variables`] sets them:
                // there they replace a value, where adding three names to the copy moved the
                // others and their index each time.
                for n in SERVICE_NAMES.into_iter().chain([SERVICE_PATH]) {
                    env.set(n, ShellValue::known(""), None);
                    env.export(n);
                }
                // A few places at most (services with and without a conf.d, under one release).
                if made.len() == 8 {
                    made.clear();
                }
                made.push((target.clone(), script_loc, env.clone()));
                env
            }
        };
        env.budget = Budget::default();
        env
    })
}
