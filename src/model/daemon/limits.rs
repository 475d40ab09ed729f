//! Resource limits from `rc_ulimit` (or `RC_ULIMIT`): openrc-run applies them before any
//! command, custom start() or not.

use super::super::error::ModelError;
use super::super::service::UlimitCall;
use super::context::Context;
use super::report::Refused;
use super::ulimit;

/// What to tell a script whose limits s6-softlimit cannot set.
pub const SOFTLIMIT_HELP: &str = "s6-softlimit sets -c -d -f -l -m -n -p -s -t -v limits; drop the others";

/// The `ulimit` call openrc-run makes for `rc_ulimit`.
pub fn rc_ulimit(cx: &mut Context) -> Result<Vec<UlimitCall>, Refused> {
    let Some(given) = cx.setting("rc_ulimit").or_else(|| cx.setting("RC_ULIMIT")) else { return Ok(Vec::new()) };
    let args: Vec<String> = given.value.split_whitespace().map(String::from).collect();
    let parsed = ulimit::parse(&args);
    // openrc-run.sh.in at 0.45.2: `if ! ulimit ${rc_ulimit:-$RC_ULIMIT}; then eerror
    // "${RC_SVCNAME}: unable to apply RC_ULIMIT settings"; fi`, and the start goes on.
    let name = cx.var("RC_SVCNAME").map(|v| v.value.text).unwrap_or_default();
    let error = Some(format!(" * {name}: unable to apply RC_ULIMIT settings"));
    parsed.map(|limits| vec![UlimitCall { args, limits, error }]).map_err(|problem| {
        let error = ModelError::UnconvertibleSetting {
            setting: "rc_ulimit".into(),
            why: problem,
            span: given.at.span.into(),
            help: SOFTLIMIT_HELP.into(),
        };
        cx.report.refuse(given.at, error)
    })
}
