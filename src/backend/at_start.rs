//! The daemon's arguments and environment values that hold a value computed at start (`$(nproc)`, `$(cat FILE)`, …:
//! `eval::at_start`, allowed there by `model::daemon::at_start`): each command runs once, first
//! in the run script and as root, as OpenRC runs it when it loads the script, and execline's
//! `backtick -i -E` puts its output into the words.
//!
//! The command runs the way openrc-run's shell runs it:
//! - in `/` (openrc-run.c:1204,1275 at 0.63.3 changes to `/` before running the script);
//! - with an empty environment but `PATH=/bin:/sbin:/usr/bin:/usr/sbin` (`emptyenv -p`, then
//!   `export PATH`): openrc-run's
//!   env_filter() (src/shared/misc.c:58-65, 0.63.3) removes every variable but a short list
//!   (LANG, TERM, …, none of which changes what these programs print) unless rc.conf's
//!   `rc_env_allow` names it, and env_config() puts RC_PATH_PREFIX (`RC_LIBEXECDIR/bin:/bin:
//!   /sbin:/usr/bin:/usr/sbin`, src/librc/rc.h.in:46; the first holds OpenRC's own helpers, none
//!   of these programs) first. So GNU nproc does not see `OMP_NUM_THREADS` under either;
//! - under `/bin/sh`, which also runs OpenRC's scripts: `v=$(…)` strips every trailing newline
//!   as the shell does (XCU 2.6.3), where `backtick -n` strips one.
//!
//! OpenRC `eval`s `command_args` again, so the output must be one plain word for OpenRC to have
//! started the same process: the shell program exits 1 with a message on stderr (the log) when
//! it is empty or holds any character but `[A-Za-z0-9._:@%+=,/-]`; `backtick -i` then ends the
//! run script, and s6-supervise tries again a second later. A command that fails (a missing
//! file, an unknown user) prints nothing, which is refused so.

use super::execline::ExeclineScript;
use super::free_variable::free_variable;
use crate::model::{AtStart, AtStartSegment as Segment, Daemon, at_start_segments as segments};

/// The shell program that runs `"$@"` and prints its output when it is safe.
pub const CHECK_PROGRAM: &str = "v=$(\"$@\")
case $v in
''|*[!A-Za-z0-9._:@%+=,/-]*)
  printf '%s\\n' \"rc2s6: not starting: \\`$*\\` printed nothing, or something OpenRC's eval would read as shell syntax\" >&2
  exit 1 ;;
esac
printf %s \"$v\"";

/// The PATH the commands are looked up in (RC_PATH_PREFIX without OpenRC's own directory).
pub const PATH: &str = "/bin:/sbin:/usr/bin:/usr/sbin";

/// The daemon's arguments and environment as the run script writes them.
pub struct Substituted {
    /// The argv.
    pub argv: Vec<String>,
    /// The environment, sorted as the daemon's.
    pub env: Vec<(String, String)>,
}

/// Adds a `backtick` line for each command the arguments and the environment's values use, in
/// the order they first appear, and returns them with execline's `${NAME}` for each output.
pub fn substitute(s: &mut ExeclineScript, d: &Daemon, service: &str) -> Substituted {
    let args = d.argv.iter().skip(1);
    let words: Vec<Option<Vec<Segment>>> = args.chain(d.env.iter().map(|(_, v)| v)).map(|w| segments(w)).collect();
    let mut commands: Vec<AtStart> = Vec::new();
    for seg in words.iter().flatten().flatten() {
        if let Segment::Command(c) = seg {
            if !commands.contains(c) {
                commands.push(c.clone());
            }
        }
    }
    if commands.is_empty() {
        return Substituted { argv: d.argv.clone(), env: d.env.clone() };
    }
    let prefix = unused_prefix(d, service);
    for (i, c) in commands.iter().enumerate() {
        let name = format!("{prefix}{i}");
        s.block_line(&["backtick", "-i", "-E", name.as_str()], shell_as_openrc_runs(CHECK_PROGRAM, c.words()));
    }
    let write = |word: &String| match segments(word) {
        Some(segs) => join(&segs, &commands, &prefix),
        None => word.clone(),
    };
    let argv = d.argv.iter().take(1).cloned().chain(d.argv.iter().skip(1).map(write)).collect();
    let env = d.env.iter().map(|(k, v)| (k.clone(), write(v))).collect();
    Substituted { argv, env }
}

/// The words that run the /bin/sh program `program` with `args` (`$0` is `rc2s6`) as openrc-run's
/// shell runs what it computes at start: in `/`, as root, with only [`PATH`] in the environment.
pub fn shell_as_openrc_runs(program: &str, args: impl IntoIterator<Item = String>) -> Vec<String> {
    // `emptyenv -p` keeps PATH until `export` is found by it (execline's own programs may be
    // anywhere: Debian keeps them in /usr/lib/execline/bin).
    let mut block = vec!["cd".to_string(), "/".into(), "emptyenv".into(), "-p".into(), "export".into(), "PATH".into()];
    block.extend([PATH.to_string(), "/bin/sh".into(), "-c".into(), program.into(), "rc2s6".into()]);
    block.extend(args);
    block
}

/// The word with `${NAME}` for each command. execline's substitution halves the backslashes
/// before a `$` it substitutes (and keeps the `$` when they are odd), so a run of them in the
/// text just before is doubled to come out as written.
fn join(segs: &[Segment], commands: &[AtStart], prefix: &str) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Segment::Text(t) => out.push_str(t),
            Segment::Command(c) => {
                let trailing = out.len() - out.trim_end_matches('\\').len();
                out.push_str(&"\\".repeat(trailing));
                let i = commands.iter().position(|x| x == c).unwrap_or(0);
                out.push_str(&format!("${{{prefix}{i}}}"));
            }
        }
    }
    out
}

/// A variable name prefix found in no value of the daemon nor the service's name, so that
/// `backtick -E` substitutes nothing else in the rest of the script (`$NAME` and `${NAME}` both
/// hold the prefix).
fn unused_prefix(d: &Daemon, service: &str) -> String {
    free_variable(d, service, |k| if k == 0 { "RC2S6_AT_START_".to_string() } else { format!("RC2S6_AT_START{k}_") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daemon(argv: &[String], env: &[(&str, String)]) -> Daemon {
        Daemon {
            argv: argv.to_vec(),
            env: env.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            ..Daemon::default()
        }
    }

    #[test]
    fn each_command_once_in_the_order_first_used() {
        let (n, h) = (AtStart::Nproc.marker(), AtStart::Hostname.marker());
        let d = daemon(&["/x".into(), format!("-j{n}"), format!("{h}.{n}")], &[("H", h.clone())]);
        let mut s = ExeclineScript::new("/bin/execlineb");
        let out = substitute(&mut s, &d, "svc");
        assert_eq!(out.argv, ["/x", "-j${RC2S6_AT_START_0}", "${RC2S6_AT_START_1}.${RC2S6_AT_START_0}"]);
        assert_eq!(out.env, [("H".to_string(), "${RC2S6_AT_START_1}".to_string())]);
        let text = s.render().unwrap();
        assert_eq!(text.matches("backtick -i -E").count(), 2, "{text}");
        // The program itself is never substituted (the model refuses one there).
        let d = daemon(std::slice::from_ref(&n), &[]);
        assert_eq!(substitute(&mut ExeclineScript::new("/bin/execlineb"), &d, "svc").argv, [n]);
    }

    #[test]
    fn backslashes_before_a_value_are_doubled_for_execline() {
        let segs = [Segment::Text("a\\\\".into()), Segment::Command(AtStart::Nproc)];
        assert_eq!(join(&segs, &[AtStart::Nproc], "P_"), "a\\\\\\\\${P_0}");
    }

    #[test]
    fn the_prefix_is_in_no_value() {
        let d = daemon(&["/x".into(), "$RC2S6_AT_START_0".into()], &[("A", "RC2S6_AT_START1_".into())]);
        assert_eq!(unused_prefix(&d, "svc"), "RC2S6_AT_START2_");
        assert_eq!(unused_prefix(&daemon(&["/x".into()], &[]), "RC2S6_AT_START_"), "RC2S6_AT_START1_");
    }
}
