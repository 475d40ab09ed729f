//! Resource limits from `rc_ulimit` (or `RC_ULIMIT`): openrc-run applies them before any
//! command, custom start() or not.

use super::super::error::ModelError;
use super::super::service::ResourceLimit;
use super::context::Context;
use super::report::Refused;
use super::ulimit;

/// What to tell a script whose limits s6-softlimit cannot set.
pub const SOFTLIMIT_HELP: &str = "s6-softlimit sets -c -d -f -l -m -n -p -s -t -v limits; drop the others";

/// The limits `rc_ulimit` sets.
pub fn rc_ulimit(cx: &mut Context) -> Result<Vec<ResourceLimit>, Refused> {
    let Some(given) = cx.setting("rc_ulimit").or_else(|| cx.setting("RC_ULIMIT")) else { return Ok(Vec::new()) };
    let args: Vec<String> = given.value.split_whitespace().map(String::from).collect();
    ulimit::parse(&args).map_err(|problem| {
        let error = ModelError::UnconvertibleSetting {
            setting: "rc_ulimit".into(),
            why: problem,
            span: given.at.span.into(),
            help: SOFTLIMIT_HELP.into(),
        };
        cx.report.refuse(given.at, error)
    })
}
