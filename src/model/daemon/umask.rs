//! The file mode creation mask: `--umask`, else `umask`.

use super::context::Context;
use super::flags::DaemonFlags;
use super::report::Refused;

/// The mask as three or four octal digits; `None` when `text` is not an octal mask of up to four
/// digits.
pub fn octal_mask(text: &str) -> Option<String> {
    let octal = !text.is_empty() && text.len() <= 4 && text.chars().all(|c| ('0'..='7').contains(&c));
    octal.then(|| format!("{:03o}", u32::from_str_radix(text, 8).unwrap_or(0)))
}

/// The umask to set; `None` when nothing sets one.
pub fn umask(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<String>, Refused> {
    let Some(given) = cx.flag_or_setting(&flags.umask, "umask") else { return Ok(None) };
    match octal_mask(given.value.trim()) {
        Some(mask) => Ok(Some(mask)),
        None => Err(cx.report.invalid_value(
            given.at,
            "umask",
            format!("`{}` is not an octal mask", given.value),
            "write the mask in octal, e.g. `umask=027`",
        )),
    }
}
