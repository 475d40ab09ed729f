//! The options of `start-stop-daemon` and `supervise-daemon` that decide how the daemon runs,
//! read from `start_stop_daemon_args`, `supervise_daemon_args` or an explicit call in `start()`.

/// What a list of start-stop-daemon / supervise-daemon options says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DaemonFlags {
    /// `-x/--exec`.
    pub exec: Option<String>,
    /// `-a/--startas`.
    pub startas: Option<String>,
    /// `-u/--user/-c/--chuid`.
    pub user: Option<String>,
    /// `-g/--group`.
    pub group: Option<String>,
    /// `-d/--chdir`.
    pub chdir: Option<String>,
    /// `-r/--chroot`.
    pub chroot: Option<String>,
    /// `-k/--umask`.
    pub umask: Option<String>,
    /// `-N/--nicelevel`.
    pub nice: Option<String>,
    /// `-1/--stdout`.
    pub stdout: Option<String>,
    /// `-2/--stderr`.
    pub stderr: Option<String>,
    /// `-0/--stdin`.
    pub stdin: Option<String>,
    /// `--stdout-logger`.
    pub stdout_logger: Option<String>,
    /// `--stderr-logger`.
    pub stderr_logger: Option<String>,
    /// `-e/--env VAR=VALUE`, in order; `None` for `--env VAR`, which unsets VAR: both read it
    /// with putenv(), and glibc and musl remove a variable for a string without `=`.
    pub env: Vec<(String, Option<String>)>,
    /// How many of `env` came before the last `-u/--user/-c/--chuid`: start-stop-daemon and
    /// supervise-daemon read their options in order, `--user` setting `USER` and `HOME` and
    /// `--env` calling putenv() where each stands, so an `--env HOME=…` after `--user` wins and
    /// one before it loses (start-stop-daemon.c:478-528, supervise-daemon.c:943-1005 at 0.45.2;
    /// the same at 0.63.3).
    pub env_before_user: usize,
    /// `-b/--background`.
    pub background: bool,
    /// `-m/--make-pidfile`.
    pub make_pidfile: bool,
    /// `--notify` (supervise-daemon).
    pub notify: Option<String>,
    /// `--respawn-delay`, `--respawn-max`, `--respawn-period` (supervise-daemon).
    pub respawn_delay: Option<String>,
    /// See `respawn_delay`.
    pub respawn_max: Option<String>,
    /// See `respawn_delay`.
    pub respawn_period: Option<String>,
    /// `-n/--name`: the process name, which start-stop-daemon also makes the daemon's argv\[0\].
    pub name: Option<String>,
    /// `--capabilities` (libcap IAB text).
    pub capabilities: Option<String>,
    /// `--secbits`.
    pub secbits: Option<String>,
    /// `--no-new-privs`.
    pub no_new_privs: bool,
    /// `-s/--signal` given with `--start` is meaningless; kept for diagnostics.
    pub signal: Option<String>,
    /// `-S/--start` was given.
    pub start: bool,
    /// Options rc2s6 understands but that have no s6 equivalent (`--ionice`, `--capabilities` …).
    pub unsupported: Vec<String>,
    /// Options that do not matter once s6 supervises (`--pidfile`, `--name`, `--wait` …).
    pub irrelevant: Vec<String>,
    /// Indices (into the parsed words) of those options and their values.
    pub irrelevant_words: Vec<usize>,
    /// Options rc2s6 does not know.
    pub unknown: Vec<String>,
    /// Words after `--`.
    pub args: Vec<String>,
    /// Non-option words before `--`, in order: getopt_long permutes them after the options, so
    /// they come before the words after `--` (glibc and musl alike). supervise-daemon's service
    /// name and daemon; start-stop-daemon's daemon when there is no `--exec`/`--startas`, and
    /// its first arguments.
    pub positional: Vec<String>,
}

/// Which program's option syntax to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagSyntax {
    /// start-stop-daemon.
    StartStopDaemon,
    /// supervise-daemon.
    SuperviseDaemon,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Exec,
    Startas,
    User,
    Group,
    Chdir,
    Chroot,
    Umask,
    Nice,
    Stdout,
    Stderr,
    Stdin,
    StdoutLogger,
    StderrLogger,
    Env,
    Notify,
    RespawnDelay,
    RespawnMax,
    RespawnPeriod,
    Signal,
    Name,
    Capabilities,
    Secbits,
    NoNewPrivs,
    Unsupported,
    Irrelevant,
}

/// Which program an option belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Only {
    Both,
    Ssd,
    Sd,
}

/// One option of start-stop-daemon or supervise-daemon.
struct OptionSpec {
    /// `--long`.
    long: &'static str,
    /// `-s`, if it has one.
    short: Option<char>,
    /// Where its value goes.
    slot: Slot,
    /// It takes a value.
    takes_value: bool,
    /// The program it belongs to.
    only: Only,
}

/// The options rc2s6 knows, long and short, and where each one's value goes.
const OPTIONS: &[OptionSpec] = &[
    OptionSpec { long: "exec", short: Some('x'), slot: Slot::Exec, takes_value: true, only: Only::Both },
    OptionSpec { long: "startas", short: Some('a'), slot: Slot::Startas, takes_value: true, only: Only::Ssd },
    OptionSpec { long: "user", short: Some('u'), slot: Slot::User, takes_value: true, only: Only::Both },
    OptionSpec { long: "chuid", short: Some('c'), slot: Slot::User, takes_value: true, only: Only::Both },
    OptionSpec { long: "group", short: Some('g'), slot: Slot::Group, takes_value: true, only: Only::Both },
    OptionSpec { long: "chdir", short: Some('d'), slot: Slot::Chdir, takes_value: true, only: Only::Both },
    OptionSpec { long: "chroot", short: Some('r'), slot: Slot::Chroot, takes_value: true, only: Only::Both },
    OptionSpec { long: "umask", short: Some('k'), slot: Slot::Umask, takes_value: true, only: Only::Both },
    OptionSpec { long: "nicelevel", short: Some('N'), slot: Slot::Nice, takes_value: true, only: Only::Both },
    OptionSpec { long: "stdout", short: Some('1'), slot: Slot::Stdout, takes_value: true, only: Only::Both },
    OptionSpec { long: "stderr", short: Some('2'), slot: Slot::Stderr, takes_value: true, only: Only::Both },
    OptionSpec { long: "stdin", short: Some('0'), slot: Slot::Stdin, takes_value: true, only: Only::Both },
    // `-3`/`-4` are start-stop-daemon's short forms (start-stop-daemon.c:127-130 at 0.45.2);
    // supervise-daemon's `-3` is `--reexec`.
    OptionSpec {
        long: "stdout-logger",
        short: Some('3'),
        slot: Slot::StdoutLogger,
        takes_value: true,
        only: Only::Ssd,
    },
    OptionSpec {
        long: "stderr-logger",
        short: Some('4'),
        slot: Slot::StderrLogger,
        takes_value: true,
        only: Only::Ssd,
    },
    OptionSpec { long: "stdout-logger", short: None, slot: Slot::StdoutLogger, takes_value: true, only: Only::Sd },
    OptionSpec { long: "stderr-logger", short: None, slot: Slot::StderrLogger, takes_value: true, only: Only::Sd },
    OptionSpec { long: "env", short: Some('e'), slot: Slot::Env, takes_value: true, only: Only::Both },
    OptionSpec { long: "notify", short: None, slot: Slot::Notify, takes_value: true, only: Only::Both },
    OptionSpec { long: "respawn-delay", short: Some('D'), slot: Slot::RespawnDelay, takes_value: true, only: Only::Sd },
    OptionSpec { long: "respawn-max", short: Some('m'), slot: Slot::RespawnMax, takes_value: true, only: Only::Sd },
    OptionSpec {
        long: "respawn-period",
        short: Some('P'),
        slot: Slot::RespawnPeriod,
        takes_value: true,
        only: Only::Sd,
    },
    OptionSpec { long: "signal", short: Some('s'), slot: Slot::Signal, takes_value: true, only: Only::Both },
    OptionSpec { long: "ionice", short: Some('I'), slot: Slot::Unsupported, takes_value: true, only: Only::Both },
    OptionSpec { long: "oom-score-adj", short: None, slot: Slot::Unsupported, takes_value: true, only: Only::Both },
    OptionSpec { long: "capabilities", short: None, slot: Slot::Capabilities, takes_value: true, only: Only::Both },
    OptionSpec { long: "secbits", short: None, slot: Slot::Secbits, takes_value: true, only: Only::Both },
    OptionSpec { long: "no-new-privs", short: None, slot: Slot::NoNewPrivs, takes_value: false, only: Only::Both },
    OptionSpec { long: "scheduler", short: None, slot: Slot::Unsupported, takes_value: true, only: Only::Both },
    OptionSpec {
        long: "scheduler-priority",
        short: None,
        slot: Slot::Unsupported,
        takes_value: true,
        only: Only::Both,
    },
    OptionSpec { long: "pidfile", short: Some('p'), slot: Slot::Irrelevant, takes_value: true, only: Only::Both },
    OptionSpec { long: "name", short: Some('n'), slot: Slot::Name, takes_value: true, only: Only::Both },
    OptionSpec { long: "wait", short: Some('w'), slot: Slot::Irrelevant, takes_value: true, only: Only::Both },
    OptionSpec { long: "retry", short: Some('R'), slot: Slot::Irrelevant, takes_value: true, only: Only::Both },
    OptionSpec {
        long: "healthcheck-timer",
        short: Some('a'),
        slot: Slot::Unsupported,
        takes_value: true,
        only: Only::Sd,
    },
    OptionSpec {
        long: "healthcheck-delay",
        short: Some('A'),
        slot: Slot::Unsupported,
        takes_value: true,
        only: Only::Sd,
    },
    OptionSpec { long: "quiet", short: Some('q'), slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
    OptionSpec { long: "verbose", short: Some('v'), slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
    OptionSpec { long: "progress", short: None, slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
    OptionSpec { long: "interpreted", short: Some('i'), slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
    OptionSpec { long: "test", short: Some('t'), slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
    OptionSpec { long: "oknodo", short: Some('o'), slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
    OptionSpec { long: "stop", short: Some('K'), slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
    OptionSpec { long: "status", short: None, slot: Slot::Irrelevant, takes_value: false, only: Only::Both },
];

/// Reads options from already-expanded words.
pub fn parse(words: &[String], syntax: FlagSyntax) -> DaemonFlags {
    let mut f = DaemonFlags::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            f.args.extend(words[i..].iter().cloned());
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            i = read_long(&mut f, words, i, long, syntax);
        } else if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            i = read_shorts(&mut f, words, i, shorts, syntax);
        } else {
            f.positional.push(w.clone());
        }
    }
    f
}

/// Reads `--name` or `--name=value` (the word before `words[next]`); returns the index of the
/// next word to read.
fn read_long(f: &mut DaemonFlags, words: &[String], mut next: usize, long: &str, syntax: FlagSyntax) -> usize {
    let word = &words[next - 1];
    let (name, inline) = match long.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (long, None),
    };
    match name {
        "start" => f.start = true,
        "background" => f.background = true,
        "make-pidfile" => f.make_pidfile = true,
        _ => match OPTIONS.iter().find(|o| o.long == name && applies(o.only, syntax)) {
            Some(spec) => {
                let first = next - 1;
                let value = if spec.takes_value {
                    inline.or_else(|| {
                        let v = words.get(next).cloned();
                        next += 1;
                        v
                    })
                } else {
                    None
                };
                if spec.slot == Slot::Irrelevant {
                    f.irrelevant_words.extend(first..next.min(words.len()));
                }
                store(f, spec.slot, word, value);
            }
            None => f.unknown.push(word.clone()),
        },
    }
    next
}

/// Reads a word of short options (`-bm`, `-u nobody`, `-unobody`, the word before
/// `words[next]`); returns the index of the next word to read.
fn read_shorts(f: &mut DaemonFlags, words: &[String], mut next: usize, shorts: &str, syntax: FlagSyntax) -> usize {
    let chars: Vec<char> = shorts.chars().collect();
    let sd = syntax == FlagSyntax::SuperviseDaemon;
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        k += 1;
        match c {
            'S' => f.start = true,
            'b' => f.background = true,
            // `-m` is --make-pidfile for start-stop-daemon, --respawn-max for supervise-daemon.
            'm' if !sd => f.make_pidfile = true,
            _ => match OPTIONS.iter().find(|o| o.short == Some(c) && applies(o.only, syntax)) {
                Some(spec) => {
                    let first = next - 1;
                    let value = if !spec.takes_value {
                        None
                    } else if k < chars.len() {
                        // The rest of the word is the value.
                        let v: String = chars[k..].iter().collect();
                        k = chars.len();
                        Some(v)
                    } else {
                        let v = words.get(next).cloned();
                        next += 1;
                        v
                    };
                    if spec.slot == Slot::Irrelevant {
                        f.irrelevant_words.extend(first..next.min(words.len()));
                    }
                    store(f, spec.slot, &format!("-{c}"), value);
                }
                None => f.unknown.push(format!("-{c}")),
            },
        }
    }
    next
}

fn applies(only: Only, syntax: FlagSyntax) -> bool {
    match only {
        Only::Both => true,
        Only::Ssd => syntax == FlagSyntax::StartStopDaemon,
        Only::Sd => syntax == FlagSyntax::SuperviseDaemon,
    }
}

fn store(f: &mut DaemonFlags, slot: Slot, flag: &str, value: Option<String>) {
    let v = value.unwrap_or_default();
    match slot {
        Slot::Exec => f.exec = Some(v),
        Slot::Startas => f.startas = Some(v),
        Slot::User => {
            f.user = Some(v);
            f.env_before_user = f.env.len();
        }
        Slot::Group => f.group = Some(v),
        Slot::Chdir => f.chdir = Some(v),
        Slot::Chroot => f.chroot = Some(v),
        Slot::Umask => f.umask = Some(v),
        Slot::Nice => f.nice = Some(v),
        Slot::Stdout => f.stdout = Some(v),
        Slot::Stderr => f.stderr = Some(v),
        Slot::Stdin => f.stdin = Some(v),
        Slot::StdoutLogger => f.stdout_logger = Some(v),
        Slot::StderrLogger => f.stderr_logger = Some(v),
        Slot::Env => match v.split_once('=') {
            Some((k, val)) => f.env.push((k.to_string(), Some(val.to_string()))),
            // unsetenv("") fails with EINVAL: an empty `--env` changes nothing.
            None if v.is_empty() => {}
            None => f.env.push((v, None)),
        },
        Slot::Notify => f.notify = Some(v),
        Slot::RespawnDelay => f.respawn_delay = Some(v),
        Slot::RespawnMax => f.respawn_max = Some(v),
        Slot::RespawnPeriod => f.respawn_period = Some(v),
        Slot::Signal => f.signal = Some(v),
        Slot::Name => f.name = Some(v),
        Slot::Capabilities => f.capabilities = Some(v),
        Slot::Secbits => f.secbits = Some(v),
        Slot::NoNewPrivs => f.no_new_privs = true,
        Slot::Unsupported => f.unsupported.push(flag.to_string()),
        Slot::Irrelevant => f.irrelevant.push(flag.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn start_stop_daemon_options() {
        let f = parse(
            &w("--start -b -m --pidfile /run/x.pid -u nobody:nogroup -k 027 -N5 --exec /usr/bin/x -- -f a"),
            FlagSyntax::StartStopDaemon,
        );
        assert!(f.start && f.background && f.make_pidfile);
        assert_eq!(f.user.as_deref(), Some("nobody:nogroup"));
        assert_eq!(f.umask.as_deref(), Some("027"));
        assert_eq!(f.nice.as_deref(), Some("5"));
        assert_eq!(f.exec.as_deref(), Some("/usr/bin/x"));
        assert_eq!(f.args, w("-f a"));
        assert_eq!(f.irrelevant, vec!["--pidfile"]);
    }

    #[test]
    fn supervise_daemon_call() {
        let f = parse(&w("foo --start --respawn-max 3 -u bar /usr/bin/foo -- -x"), FlagSyntax::SuperviseDaemon);
        assert_eq!(f.positional, w("foo /usr/bin/foo"));
        assert_eq!(f.respawn_max.as_deref(), Some("3"));
        assert_eq!(f.args, w("-x"));
        // Options after the daemon are supervise-daemon's own (getopt_long permutes).
        let f = parse(&w("foo --start /usr/bin/foo -u bar a -- -x"), FlagSyntax::SuperviseDaemon);
        assert_eq!((f.positional, f.user.as_deref(), f.args), (w("foo /usr/bin/foo a"), Some("bar"), w("-x")));
    }

    #[test]
    fn words_between_options_are_positional() {
        // lapis: `--exec ${command} ${command_args} -b …`: the words go to the daemon.
        let f = parse(
            &w("--start --exec /usr/bin/lapis server production -b -m --pidfile /run/l.pid -- x"),
            FlagSyntax::StartStopDaemon,
        );
        assert_eq!((f.exec.as_deref(), f.positional, f.args), (Some("/usr/bin/lapis"), w("server production"), w("x")));
        assert!(f.background && f.make_pidfile);
        // The last `--exec` wins, as getopt's last value does.
        let f = parse(&w("--exec /usr/sbin/do-agent --exec do-agent"), FlagSyntax::StartStopDaemon);
        assert_eq!(f.exec.as_deref(), Some("do-agent"));
    }
}
