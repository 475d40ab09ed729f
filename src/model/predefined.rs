//! What openrc-run sets before it sources rc.conf, conf.d and the script.

use super::inputs::ServiceInputs;
use crate::eval::environment::Environment;
use crate::eval::value::{Loc, ShellValue, Uncertainty};
use crate::openrc::paths;

/// The variables openrc-run has set when it sources the first file: the service's names
/// (exported, so every daemon gets them), OpenRC's directories, and the ones only known at run
/// time (the runlevel, `HOME` …), which point at the script's first line, `script_loc`. (Where
/// a release of OpenRC differs, `ModelOptions::target` will decide; today all are alike.)
pub fn variables(inputs: &ServiceInputs, script_loc: Loc) -> Environment {
    let mut env = Environment::default();
    let mut set = |n: &str, v: &str, export: bool| {
        env.set(n, ShellValue::known(v), None);
        if export {
            env.export(n);
        }
    };
    set("RC_SVCNAME", &inputs.svcname, true);
    set("SVCNAME", &inputs.svcname, true);
    set("RC_SERVICE", &inputs.service_path, true);
    set("RC_SVCDIR", paths::RC_SVCDIR, false);
    set("RC_LIBEXECDIR", "/lib/rc", false);
    set("RC_CACHEDIR", "/var/cache/rc", false);
    set("RC_CMD", "start", false);
    set("RC_UNAME", "Linux", false);
    set("RC_BOOTLEVEL", "boot", false);
    set("RC_DEFAULTLEVEL", "default", false);
    for n in ["RC_RUNLEVEL", "RC_SYS", "RC_GOINGDOWN", "RC_REBOOT", "IN_BACKGROUND", "IN_HOTPLUG", "HOME"] {
        let v = ShellValue {
            text: String::new(),
            uncertain: vec![Uncertainty::Runtime { what: format!("`{n}`"), loc: script_loc }],
        };
        env.set(n, v, None);
    }
    env
}
