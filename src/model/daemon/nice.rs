//! The scheduling priority: `--nicelevel`, else `SSD_NICELEVEL`.

use super::context::Context;
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::model::service::Nice;

/// The nice level to set; `None` when nothing sets one.
pub fn nice(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<Nice>, Refused> {
    let Some(given) = cx.flag_or_setting(&flags.nice, "SSD_NICELEVEL") else { return Ok(None) };
    // sscanf("%d") as start-stop-daemon.c:451 and supervise-daemon.c:914 at 0.45.2 read it.
    match given.value.trim().parse::<i32>() {
        Ok(level) if (-20..=19).contains(&level) => {
            Ok(Some(Nice { level, autogroup: cx.options.target.sets_autogroup_nice() }))
        }
        _ => Err(cx.report.invalid_value(
            given.at,
            "--nicelevel",
            format!("`{}` is not a nice level", given.value),
            "use a whole number from -20 to 19",
        )),
    }
}
