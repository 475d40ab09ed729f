//! Who the daemon runs as: `--user`/`--chuid` and `--group` of the start-stop-daemon call or
//! options, else `command_user` (`user` or `user:group`), as names s6-envuidgid can look up, or,
//! for a number or a value OpenRC computes at start (`$(id -u U):$(id -g U)`), an account the
//! run script looks up as the service starts (`account_lookup`).

use super::super::service::RunAs;
use super::account_lookup;
use super::context::{Context, Located, why_empty};
use super::flags::DaemonFlags;
use super::report::Refused;
use crate::eval::value::Loc;

/// The user and group to run as; `None` when nothing changes them.
pub fn run_as(cx: &mut Context, flags: &DaemonFlags) -> Result<Option<RunAs>, Refused> {
    // Read whether or not an option wins, as it reports what makes the variable inexact. A
    // value computed at start may be in it (`account_lookup` says where).
    let command_user = if cx.declarative() {
        cx.at_start.allowed = true;
        let v = cx.setting("command_user");
        cx.at_start.allowed = false;
        v
    } else {
        None
    };
    // Only a value known to be empty: a `$(…)` whose text is empty here is unknown, and
    // `setting` above has already said so.
    if let Some(v) = cx.var("command_user").filter(|v| cx.declarative() && v.value.is_known_empty()) {
        // `${command_user+--chuid} $command_user` (sh/start-stop-daemon.sh): set but empty, it
        // leaves `--chuid` without its value; start-stop-daemon takes the next word for the
        // user and fails ("user `--background' not found").
        let problem = format!("{}: start-stop-daemon takes the next word for the user and fails", why_empty(&v.value));
        let help = match v.value.unset_variables().first() {
            Some(n) => format!("set `{n}` in conf.d"),
            None => "set `command_user` to an account, or unset it".to_string(),
        };
        return Err(cx.report.invalid_value(v.at, "command_user", problem, help));
    }
    let given = match (&flags.user, command_user) {
        (Some(u), _) => Some(Located { value: u.clone(), at: cx.flags_at() }),
        (None, Some(given)) => Some(given),
        (None, None) => None,
    };
    let Some(Located { value: spec, at }) = given else {
        // `--group` alone changes only the group: the user stays root.
        return Ok(flags.group.clone().map(|g| RunAs {
            user: "root".into(),
            group: Some(g),
            group_only: true,
            lookup: None,
        }))
        .and_then(|r| check_names(cx, cx.flags_at(), r));
    };
    if account_lookup::needed(&spec) {
        return account_lookup::run_as(cx, &spec, at, flags).map(Some);
    }
    let (user, mut group) = match spec.split_once(':') {
        Some((u, "")) if !u.is_empty() => {
            // `user:`: start-stop-daemon and supervise-daemon look the empty group name up and
            // fail, "group `' not found" (start-stop-daemon.c:507-518 at 0.45.2, :521-532 at
            // 0.63.3; measured with 0.63.3's programs).
            return Err(cx.report.invalid_value(
                at,
                "command_user",
                "an empty group name after `:`, which start-stop-daemon looks up and fails on",
                "write `command_user=user` or `command_user=user:group`",
            ));
        }
        Some((u, g)) => (u.to_string(), (!g.is_empty()).then(|| g.to_string())),
        None => (spec.clone(), None),
    };
    if let Some(g) = &flags.group {
        group = Some(g.clone());
    }
    if user.starts_with('-') {
        // `--chuid $USER_VAR --pidfile …` with the variable unset: the option takes the next one.
        return Err(cx.report.invalid_value(
            at,
            "--user",
            format!("its value is `{user}`, an option: the word before it expands to nothing, so start-stop-daemon takes the next option for the user and fails"),
            "set the variable that names the user (in conf.d), or write the user after `--user`",
        ));
    }
    if user.is_empty() {
        // start-stop-daemon and supervise-daemon look the empty name up and fail: "user `' not
        // found" (start-stop-daemon.c:487-497 at 0.45.2).
        return Err(cx.report.invalid_value(
            at,
            "command_user",
            "an empty user name, which start-stop-daemon looks up and fails on",
            "write `command_user=user` or `command_user=user:group`",
        ));
    }
    check_names(cx, at, Some(RunAs { user, group, group_only: false, lookup: None }))
}

/// Refuses names s6-envuidgid cannot look up.
fn check_names(cx: &mut Context, at: Loc, run_as: Option<RunAs>) -> Result<Option<RunAs>, Refused> {
    let Some(r) = run_as else { return Ok(None) };
    for (what, name) in [("user", Some(&r.user)), ("group", r.group.as_ref())] {
        if let Some(name) = name.filter(|n| !is_account_name(n)) {
            let numeric = name.chars().all(|c| c.is_ascii_digit());
            let (problem, help) = if numeric {
                (
                    format!(
                        "`{name}` is a numeric {what} id: OpenRC looks it up (getpw/getgr by id), s6-envuidgid only takes names"
                    ),
                    format!(
                        "give the {what} by the name /etc/{} has for it",
                        if what == "user" { "passwd" } else { "group" }
                    ),
                )
            } else {
                (
                    format!("`{name}` is not an account name"),
                    format!("write the {what} name as it is in /etc/passwd or /etc/group"),
                )
            };
            return Err(cx.report.invalid_value(at, "command_user", problem, help));
        }
    }
    Ok(Some(r))
}
/// Whether a string is a user or group name s6-envuidgid can look up.
pub fn is_account_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.chars().all(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
}
