//! supervise-daemon's respawn policy (`--respawn-delay`/`-max`/`-period`, else `respawn_delay`,
//! `respawn_max`, `respawn_period`), kept when supervise-daemon is the supervisor the script
//! was written for.

use super::super::service::Respawn;
use super::context::{Context, Located};
use super::flags::DaemonFlags;
use super::report::Refused;
use super::stop_policy;
use crate::openrc::supervisor::Supervisor;

/// The respawn policy; `None` when nothing limits respawning.
pub fn respawn(cx: &mut Context, flags: &DaemonFlags, supervisor: Supervisor) -> Result<Option<Respawn>, Refused> {
    if supervisor != Supervisor::SuperviseDaemon {
        return Ok(None);
    }
    let delay = cx.flag_or_setting(&flags.respawn_delay, "respawn_delay");
    let max = cx.flag_or_setting(&flags.respawn_max, "respawn_max");
    let period = cx.flag_or_setting(&flags.respawn_period, "respawn_period");
    if delay.is_none() && max.is_none() && period.is_none() {
        return Ok(None);
    }
    const DURATION_HELP: &str = "write seconds, or a number with ms, s, m or h";
    let delay_secs = read(cx, "respawn_delay", delay, stop_policy::parse_duration_secs, DURATION_HELP);
    let max = read(
        cx,
        "respawn_max",
        max,
        |v| v.trim().parse::<u32>().ok().filter(|n| *n <= 4096),
        "write a whole number up to 4096 (0 means no limit)",
    );
    let period_secs = read(cx, "respawn_period", period, stop_policy::parse_duration_secs, DURATION_HELP);
    let r = Respawn { delay_secs: delay_secs?, max: max?.filter(|n| *n != 0), period_secs: period_secs? };
    Ok((r.delay_secs.is_some() || r.max.is_some()).then_some(r))
}

/// One value read with `parse`; refused with `help` when it does not parse.
fn read<T>(
    cx: &mut Context,
    variable: &str,
    given: Option<Located<String>>,
    parse: impl Fn(&str) -> Option<T>,
    help: &str,
) -> Result<Option<T>, Refused> {
    let Some(given) = given else { return Ok(None) };
    match parse(&given.value) {
        Some(v) => Ok(Some(v)),
        None => Err(cx.report.invalid_value(given.at, variable, format!("`{}` is not valid here", given.value), help)),
    }
}
