//! Whether a script makes OpenRC use s6 at all: `supervisor=s6`, `need s6-svscan` where the
//! release needs it declared, no `command` where the release would then build its own
//! directory, and `start()`/`stop()` that go through the backend.

use super::ServiceFindings;
use super::error::{SupervisorValue, VerifyError};
use crate::model::function_table::{S6_STARTS, S6_STOPS};
use crate::openrc::version::OpenrcVersion;

/// supervisor=s6, `need s6-svscan`, start()/stop() through the backend, no `command` on 0.63+
/// when `s6_start` runs.
pub fn check_selection(f: &mut ServiceFindings, target: &OpenrcVersion) {
    let a = f.analysis;
    let s = &a.service;
    let supervisor = s.settings_at_start.get("supervisor");
    if supervisor.map(|v| v.value.as_str()) != Some("s6") {
        let value = match supervisor {
            Some(v) => SupervisorValue::Set(v.value.clone()),
            None => SupervisorValue::Unset,
        };
        f.at(supervisor.and_then(|v| v.at), |span| VerifyError::NotS6 { value, span });
    }
    // The functions the files leave defined once loaded, as the interpreter ran them.
    let defined = |name: &str| s.functions.iter().rev().find(|(n, _)| n == name).map(|(_, l)| *l);
    if target.needs_declared_s6_svscan() && !s.dependencies.need.iter().any(|n| n == "s6-svscan") {
        f.at(defined("depend"), |span| VerifyError::MissingNeedS6Svscan { version: target.to_string(), span });
    }
    // `command` as s6_start finds it: a migrated script may keep it for start_pre() and empty it
    // in start(); so may one that does not select s6 at all.
    let command = s.settings_at_start.get("command").filter(|c| !c.value.is_empty());
    if let Some(c) = command.filter(|_| target.generates_from_command()) {
        f.at(c.at, |span| VerifyError::CommandSet { version: target.to_string(), span });
    }
    // start() and stop() as OpenRC runs them: the functions they call are followed.
    let script_index = a.script_id();
    let overrides = [("start", &s.backend_calls.start, S6_STARTS), ("stop", &s.backend_calls.stop, S6_STOPS)];
    for (name, calls, backend) in overrides {
        let Some(calls) = calls else { continue };
        let reaches = calls.iter().any(|c| backend.contains(&c.function.as_str()));
        let launch = s.custom_launch.filter(|l| l.file == script_index && name == "start");
        if reaches && launch.is_none() {
            continue;
        }
        f.at(launch.or(defined(name)), |span| {
            if name == "start" { VerifyError::StartBypassesS6 { span } } else { VerifyError::StopBypassesS6 { span } }
        });
    }
}
