//! Who the daemon runs as: `--user`/`--chuid` and `--group` of the start-stop-daemon call or
//! options, else `command_user` (`user` or `user:group`), as names s6-envuidgid can look up.

use super::super::service::RunAs;
use super::context::{Context, Located};
use super::flags::DaemonFlags;
use super::report::Refused;

/// The user and group to run as; `None` when nothing changes them.
pub fn run_as(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<RunAs>, Refused> {
    // Read whether or not an option wins, as it reports what makes the variable inexact.
    let command_user = if cx.declarative() { cx.setting("command_user") } else { None };
    let Located { value: spec, at } = match (&flags.user, command_user) {
        (Some(u), _) => Located { value: u.clone(), at: cx.flags_at() },
        (None, Some(given)) => given,
        (None, None) if flags.group.is_some() => Located { value: String::new(), at: cx.flags_at() },
        (None, None) => return Ok(None),
    };
    let (user, mut group) = match spec.split_once(':') {
        Some((u, g)) => (u.to_string(), (!g.is_empty()).then(|| g.to_string())),
        None => (spec.clone(), None),
    };
    if let Some(g) = &flags.group {
        group = Some(g.clone());
    }
    // `--group` alone changes only the group: the user stays root.
    let user = if user.is_empty() && group.is_some() { "root".to_string() } else { user };
    if user.is_empty() {
        return Err(cx.report.invalid_value(
            at,
            "command_user",
            "an empty user name",
            "write `command_user=user` or `command_user=user:group`",
        ));
    }
    for (what, name) in [("user", Some(&user)), ("group", group.as_ref())] {
        if let Some(name) = name.filter(|n| !is_account_name(n)) {
            let numeric = name.chars().all(|c| c.is_ascii_digit());
            let help = if numeric {
                format!(
                    "give the {what} by name: s6-envuidgid looks names up in the account database, as OpenRC's s6 backend requires"
                )
            } else {
                format!("write the {what} name as it is in /etc/passwd or /etc/group")
            };
            return Err(cx.report.invalid_value(at, "command_user", format!("`{name}` is not an account name"), help));
        }
    }
    Ok(Some(RunAs { user, group }))
}

/// Whether a string is a user or group name s6-envuidgid can look up.
fn is_account_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.chars().all(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
}
