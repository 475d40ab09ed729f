//! Capabilities, securebits and no_new_privs (`--capabilities`, `--secbits`, `--no-new-privs`,
//! else `capabilities`, `secbits`, `no_new_privs`), applied with setpriv.

use super::super::service::Privileges;
use super::capabilities;
use super::context::{Context, says_yes};
use super::flags::DaemonFlags;
use super::report::Refused;

/// The privileges to set; `None` when nothing asks for any.
pub fn privileges(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<Privileges>, Refused> {
    let mut p = Privileges::default();
    let mut result = Ok(());
    if let Some(given) = cx.flag_or_setting(&flags.capabilities, "capabilities") {
        if let Err(problem) = capabilities::parse_iab(&given.value, &mut p) {
            result = Err(cx.report.invalid_value(
                given.at,
                "capabilities",
                problem,
                "write libcap IAB text, e.g. `capabilities=^cap_net_bind_service`",
            ));
        }
    }
    if let Some(given) = cx.flag_or_setting(&flags.secbits, "secbits") {
        if let Err(problem) = capabilities::parse_secbits(&given.value, &mut p) {
            result = Err(cx.report.invalid_value(
                given.at,
                "secbits",
                problem,
                "write the securebits as a number, e.g. `secbits=0x5`",
            ));
        }
    }
    p.no_new_privs =
        flags.no_new_privs || (cx.declarative() && cx.setting("no_new_privs").is_some_and(|v| says_yes(&v.value)));
    if p.is_empty() {
        return result.map(|()| None);
    }
    cx.report.decide(
        "privileges",
        "capabilities, securebits and no_new_privs are set with setpriv (util-linux), which the target needs",
        None,
    );
    result.map(|()| Some(p))
}
