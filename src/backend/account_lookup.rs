//! The account a daemon runs as, looked up as the service starts (`model::daemon::account_lookup`:
//! `--user N[:M]` with a number or a value OpenRC computes at start, `$(id -u U):$(id -g U)`).
//! One /bin/sh program, run first in the run script as root (in `/`, with only
//! `PATH=/bin:/sbin:/usr/bin:/usr/sbin`, as `backend::at_start` runs its commands), computes
//! each part as OpenRC does when it loads the script, then does what start-stop-daemon's and
//! supervise-daemon's option parsing does with the value (start-stop-daemon.c:482-521 at
//! 0.45.2, :496-534 at 0.63.3; supervise-daemon.c:1045-1083 at 0.63.3):
//! - a part that is a number is an id, anything else a name; `getent` (glibc's libc-bin,
//!   Alpine's musl-utils) does the same (`getent passwd`/`group` look a key that is all digits up
//!   by id, glibc nss/getent.c);
//! - uid, `pw_name` (USER), `pw_dir` (HOME) and `pw_gid` from the passwd entry, the group from
//!   the group part's entry when there is one; an account not found (an empty part, which
//!   `id` leaves when it fails, included) fails the start, as it fails OpenRC's;
//! - the supplementary groups: the group, then those that list the user part's *text* as a
//!   member (`initgroups(changeuser, gid)` at 0.45.2, `getgrouplist` + `setgroups` at 0.63.3,
//!   `changeuser` being the text given): glibc's `getent initgroups KEY` is `getgrouplist(KEY,
//!   -1)`; where `getent` has no `initgroups` database the groups are read from `getent group`,
//!   as s6-envuidgid reads them for a name (Alpine's musl-utils getent, aports main/musl/getent.c,
//!   has no `initgroups`, and musl's `getgrouplist` reads /etc/group so);
//! - without `getent` the service does not start, with a message saying so.
//!
//! It prints `uid:gid:gidlist:user:home:` (no passwd field holds `:` or a newline), which
//! `multidefine` splits into five variables; `export` takes USER and HOME before any other
//! substitution, and `s6-applyuidgid -u -g -G` the numbers (the group first in the list, so s6
//! 2.11's `setgroups` and 2.15's `setgroups_and_gid` set the same list).

use super::execline::ExeclineScript;
use super::free_variable::free_variable;
use crate::model::{AtStart, Daemon, IdPart};

/// The program: `$1 $2` the user part, `$3 $4` the group part (`id-u NAME`, `id-g NAME`,
/// `text TEXT`, or `none -` for no group).
pub const LOOKUP_PROGRAM: &str = r#"fail() { printf '%s\n' "rc2s6: not starting: $*" >&2; exit 1; }
part() {
  case $1 in
  id-u) v=$(id -u "$2") ;;
  id-g) v=$(id -g "$2") ;;
  *) v=$2 ;;
  esac
  case $1:$v in
  id-*:) fail "\`id ${1#id} $2' printed nothing: OpenRC looks the empty name up and fails" ;;
  id-*:*[!0-9]*) fail "\`id ${1#id} $2' printed something that is not a number" ;;
  esac
}
command -v getent >/dev/null || fail "getent (glibc's libc-bin, musl-utils) is needed to look the account up"
part "$1" "$2"; u=$v
pw=$(getent passwd "$u") || fail "user \`$u' not found"
IFS=: read -r name x uid pgid x home x <<EOF
$pw
EOF
gid=$pgid
if [ "$3" != none ]; then
  part "$3" "$4"
  gr=$(getent group "$v") || fail "group \`$v' not found"
  IFS=: read -r x x gid x <<EOF
$gr
EOF
fi
case $uid:$gid in *[!0-9:]*|:*|*:) fail "the account $u has no numeric ids" ;; esac
if l=$(getent initgroups "$u" 2>/dev/null); then
  set -f; set -- ${l#"$u"}
else
  l=$(getent group) || fail "cannot read the group database"
  set --
  while IFS=: read -r x x id m; do
    case ,$m, in *,"$u",*) set -- "$@" "$id" ;; esac
  done <<EOF
$l
EOF
fi
list=$gid
for x do
  case ,$list, in *,"$x",*) ;; *) list=$list,$x ;; esac
done
printf '%s:%s:%s:%s:%s:' "$uid" "$gid" "$list" "$name" "$home""#;

/// The variables the run script holds the account's values in.
pub struct Looked {
    /// uid, gid, the group list, `USER`, `HOME`, each as `${NAME}`.
    pub uid: String,
    /// The group id.
    pub gid: String,
    /// The supplementary groups, the group first, comma-separated.
    pub gids: String,
    /// The account's name.
    pub user: String,
    /// Its home directory.
    pub home: String,
}

/// Adds the lookup to the run script, if the daemon's user is looked up at start.
pub fn look_up(s: &mut ExeclineScript, d: &Daemon, service: &str) -> Option<Looked> {
    let lookup = d.user.as_ref()?.lookup.as_ref()?;
    let prefix = free_variable(d, service, |k| if k == 0 { "RC2S6_ID_".to_string() } else { format!("RC2S6_ID{k}_") });
    let var = |n: &str| format!("{prefix}{n}");
    let args = part_words(Some(&lookup.user)).into_iter().chain(part_words(lookup.group.as_ref()));
    let all = var("ALL");
    s.block_line(&["backtick", "-i", "-E", all.as_str()], super::at_start::shell_as_openrc_runs(LOOKUP_PROGRAM, args));
    let names = ["UID", "GID", "GIDLIST", "USER", "HOME"].map(var);
    let value = format!("${{{all}}}");
    s.block_line(&["multidefine", "-d", ":", value.as_str()], names.iter().map(String::as_str));
    let [uid, gid, gids, user, home] = names.map(|n| format!("${{{n}}}"));
    Some(Looked { uid, gid, gids, user, home })
}

/// The program's two words for a part.
fn part_words(p: Option<&IdPart>) -> [String; 2] {
    match p {
        Some(IdPart::Command(AtStart::UserId(n))) => ["id-u".into(), n.clone()],
        Some(IdPart::Command(AtStart::GroupId(n))) => ["id-g".into(), n.clone()],
        // The model takes no other command for a part.
        Some(IdPart::Command(_)) => ["text".into(), String::new()],
        Some(IdPart::Literal(t)) => ["text".into(), t.clone()],
        None => ["none".into(), "-".into()],
    }
}

/// `export USER …`, `export HOME …` where the account sets them, in the daemon's environment.
pub fn export_user_and_home(s: &mut ExeclineScript, d: &Daemon, looked: &Looked) {
    let Some(l) = d.user.as_ref().and_then(|u| u.lookup.as_ref()) else { return };
    if l.sets_user {
        s.line(["export", "USER", looked.user.as_str()]);
    }
    if l.sets_home {
        s.line(["export", "HOME", looked.home.as_str()]);
    }
}

/// The switch: groups, group, user.
pub fn apply(s: &mut ExeclineScript, looked: &Looked) {
    s.line(["s6-applyuidgid", "-u", looked.uid.as_str(), "-g", looked.gid.as_str(), "-G", looked.gids.as_str()]);
}
