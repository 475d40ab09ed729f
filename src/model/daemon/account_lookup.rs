//! `--user N[:M]` where a part is a number or a value OpenRC computes when it loads the script
//! (`command_user="$(id -u U):$(id -g U)"`, Alpine's 3proxy): start-stop-daemon and
//! supervise-daemon (start-stop-daemon.c:482-521 at 0.45.2, :496-534 at 0.63.3;
//! supervise-daemon.c:1045-1083 at 0.63.3, the same code) split the value at its first `:`;
//! a part `sscanf("%d%1s")` reads as one whole number is an id (`getpwuid`, `getgrgid`), any other
//! a name (`getpwnam`, `getgrnam`); an account that is not found, an empty part included, fails
//! the start. The uid, `USER` (`pw_name`), `HOME` (`pw_dir`) and the group (`pw_gid`, unless the
//! group part gives one) come from the passwd entry; the supplementary groups are those the
//! *text of the user part* is a member of, plus the group (`initgroups(changeuser, gid)` at
//! 0.45.2, `getgrouplist(changeuser, gid, …)` + `setgroups` at 0.63.3): for a number, the
//! groups that list that number as a member, which is usually none. s6-envuidgid only takes
//! names, so the run script looks the account up itself as the service starts
//! (`backend::account_lookup`), every time, as OpenRC does.

use super::super::error::ModelError;
use super::context::Context;
use super::flags::DaemonFlags;
use super::report::Refused;
use super::user::is_account_name;
use crate::eval::at_start::{AtStart, Segment, has_marker, readable, segments};
use crate::eval::value::Loc;
use crate::model::service::{AccountLookup, IdPart, RunAs};

/// The longest number taken as an id: `sscanf("%d")` overflows past `INT_MAX` (2147483647), so
/// numbers of 10 digits and more are refused rather than guessed.
const MAX_ID_DIGITS: usize = 9;

/// Whether `--user`'s value needs a lookup at start: a part holds a value computed at start
/// or is a number.
pub fn needed(spec: &str) -> bool {
    let (user, group) = split(spec);
    has_marker(spec) || all_digits(user) || group.is_some_and(all_digits)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// The account looked up at start, with the decision that says so.
pub fn run_as(cx: &mut Context, spec: &str, at: Loc, flags: &DaemonFlags) -> Result<RunAs, Refused> {
    let (user_text, group_text) = split(spec);
    if flags.group.is_some() {
        // Which of `--group` and the group of `--user` wins depends on their order, and a
        // `--group` before `--user` also keeps the user's own group from being taken.
        return Err(cx.report.refuse(
            at,
            ModelError::UnconvertibleSetting {
                setting: "--group".into(),
                why: "rc2s6 does not combine it with a user looked up at start".into(),
                span: at.span.into(),
                help: "give the group as `command_user=user:group`".into(),
            },
        ));
    }
    let user = part(cx, user_text, at, "user")?;
    let group = group_text.map(|g| part(cx, g, at, "group")).transpose()?;
    let key = match &user {
        IdPart::Command(c) => format!("the number `{}` prints", c.display()),
        IdPart::Literal(t) => format!("`{t}`"),
    };
    cx.report.decide(
        "user looked up at start",
        format!(
            "`{}` is looked up each time the service starts, as start-stop-daemon and supervise-daemon do: \
             the uid, USER and HOME from the passwd entry of {}, the gid from {}, and the supplementary \
             groups: that gid and the groups that list {key} as a member (getent); the service does not \
             start while an account is not found",
            readable(spec),
            describe(&user, "getpwuid", "getpwnam"),
            match &group {
                Some(g) => format!("the group entry of {}", describe(g, "getgrgid", "getgrnam")),
                None => "that passwd entry".to_string(),
            },
        ),
        Some(at),
    );
    let lookup = AccountLookup { user, group, sets_user: true, sets_home: true, at };
    let text = |t: &str| readable(t);
    Ok(RunAs { user: text(user_text), group: group_text.map(text), group_only: false, lookup: Some(lookup) })
}

/// Refuses what the run script does not combine with a lookup at start: a new root (the lookup
/// would be made outside it, OpenRC's before it too, but `chroot --userspec` looks the names up
/// again) and capabilities (setpriv switches the user by name there).
pub fn check_combinations(cx: &mut Context, l: &AccountLookup, chroot: bool, privileges: bool) -> Result<(), Refused> {
    let with = match (chroot, privileges) {
        (true, _) => "`chroot`",
        (false, true) => "capabilities, securebits or no_new_privs",
        (false, false) => return Ok(()),
    };
    Err(cx.report.refuse(
        l.at,
        ModelError::UnconvertibleSetting {
            setting: "command_user".into(),
            why: format!("rc2s6 does not combine a user looked up at start with {with}"),
            span: l.at.span.into(),
            help: "give the user and group by name".into(),
        },
    ))
}

/// How a part is looked up, for the decision.
fn describe(p: &IdPart, by_id: &str, by_name: &str) -> String {
    match p {
        IdPart::Command(c) => format!("the output of `{}` ({by_id}: a number)", c.display()),
        IdPart::Literal(t) if is_number(t) => format!("`{t}` ({by_id})"),
        IdPart::Literal(t) => format!("`{t}` ({by_name})"),
    }
}

/// One part: one whole `$(id -u NAME)` or `$(id -g NAME)`, a number, or a name.
fn part(cx: &mut Context, text: &str, at: Loc, what: &str) -> Result<IdPart, Refused> {
    if has_marker(text) {
        return match segments(text).as_deref() {
            Some([Segment::Command(c @ (AtStart::UserId(_) | AtStart::GroupId(_)))]) => Ok(IdPart::Command(c.clone())),
            _ => {
                let loc = command_loc(cx, text).unwrap_or(at);
                Err(cx.report.refuse(
                    loc,
                    ModelError::UnknowableValue {
                        variable: "command_user".into(),
                        why: format!(
                            "its {what} is `{}`: only a whole `$(id -u NAME)` or `$(id -g NAME)` is computed at start",
                            readable(text)
                        ),
                        span: loc.span.into(),
                        help: format!("write the {what} as a name, or as `$(id -u NAME)` alone"),
                    },
                ))
            }
        };
    }
    if text.is_empty() {
        // `user:`: the group part is the empty name, which getgrnam does not find
        // (start-stop-daemon.c:507-518 at 0.45.2): the start always fails.
        return Err(cx.report.invalid_value(
            at,
            "command_user",
            format!("an empty {what} name, which start-stop-daemon looks up and fails on"),
            "write `command_user=user` or `command_user=user:group`",
        ));
    }
    if all_digits(text) && text.len() > MAX_ID_DIGITS {
        return Err(cx.report.invalid_value(
            at,
            "command_user",
            format!("`{text}` is a {what} id too large for start-stop-daemon's `%d`"),
            format!("give the {what} by its name"),
        ));
    }
    if !is_number(text) && !is_account_name(text) {
        return Err(cx.report.invalid_value(
            at,
            "command_user",
            format!("`{text}` is not an account name"),
            format!("write the {what} name as it is in /etc/passwd or /etc/group"),
        ));
    }
    Ok(IdPart::Literal(text.to_string()))
}

/// Where the command in `text` was written (the substitution's span), if one was read.
fn command_loc(cx: &Context, text: &str) -> Option<Loc> {
    let segs = segments(text)?;
    segs.iter().find_map(|s| match s {
        Segment::Command(c) => cx.at_start.used.iter().find(|(_, u, _)| u == c).map(|(_, _, loc)| *loc),
        Segment::Text(_) => None,
    })
}

/// A number start-stop-daemon reads as an id: digits only (what `id` prints), not too long.
fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_ID_DIGITS && s.chars().all(|c| c.is_ascii_digit())
}

/// The user and group parts: the value split at its first `:` outside a value computed at
/// start (the marker holds the command's operand, which may hold one).
fn split(spec: &str) -> (&str, Option<&str>) {
    let mut inside = false;
    for (i, c) in spec.char_indices() {
        match c {
            crate::eval::at_start::OPEN => inside = true,
            crate::eval::at_start::CLOSE => inside = false,
            ':' if !inside => return (&spec[..i], Some(&spec[i + 1..])),
            _ => {}
        }
    }
    (spec, None)
}

/// The commands a lookup runs at start, for `model::daemon::at_start`'s check.
pub fn commands(run_as: &RunAs) -> Vec<AtStart> {
    let Some(l) = &run_as.lookup else { return Vec::new() };
    [Some(&l.user), l.group.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|p| match p {
            IdPart::Command(c) => Some(c.clone()),
            IdPart::Literal(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_is_split_at_its_first_colon_outside_a_command() {
        let m = AtStart::UserId("a:b".into()).marker();
        let spec = format!("{m}:x:y");
        assert_eq!(split(&spec), (m.as_str(), Some("x:y")));
        assert_eq!(split("u"), ("u", None));
        assert_eq!(split("u:"), ("u", Some("")));
    }

    #[test]
    fn numbers_and_commands_need_a_lookup() {
        for (spec, want) in [
            ("1000", true),
            ("1000:100", true),
            ("daemon:100", true),
            ("daemon:adm", false),
            ("daemon", false),
            ("0", true),
            ("1234567890", true),
            ("+5", false),
        ] {
            assert_eq!(needed(spec), want, "{spec}");
        }
        assert!(needed(&format!("{}:{}", AtStart::UserId("u".into()).marker(), AtStart::GroupId("u".into()).marker())));
    }
}
