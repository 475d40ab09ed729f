//! The scheduling priority: `--nicelevel`, else `SSD_NICELEVEL`.

use super::context::Context;
use super::flags::DaemonFlags;
use super::report::Refused;

/// The nice level to set; `None` when nothing sets one.
pub fn nice(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<i32>, Refused> {
    let Some(given) = cx.flag_or_setting(&flags.nice, "SSD_NICELEVEL") else { return Ok(None) };
    match given.value.trim().parse::<i32>() {
        Ok(v) if (-20..=19).contains(&v) => Ok(Some(v)),
        _ => Err(cx.report.invalid_value(
            given.at,
            "--nicelevel",
            format!("`{}` is not a nice level", given.value),
            "use a whole number from -20 to 19",
        )),
    }
}
