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
    /// `-e/--env VAR=VALUE`, in order.
    pub env: Vec<(String, String)>,
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
    /// Words after `--` (or after the daemon for supervise-daemon).
    pub args: Vec<String>,
    /// Non-option words before `--` (supervise-daemon's daemon and service name).
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

/// (long, short, slot, takes an argument, program).
const OPTIONS: &[(&str, Option<char>, Slot, bool, Only)] = &[
    ("exec", Some('x'), Slot::Exec, true, Only::Both),
    ("startas", Some('a'), Slot::Startas, true, Only::Ssd),
    ("user", Some('u'), Slot::User, true, Only::Both),
    ("chuid", Some('c'), Slot::User, true, Only::Both),
    ("group", Some('g'), Slot::Group, true, Only::Both),
    ("chdir", Some('d'), Slot::Chdir, true, Only::Both),
    ("chroot", Some('r'), Slot::Chroot, true, Only::Both),
    ("umask", Some('k'), Slot::Umask, true, Only::Both),
    ("nicelevel", Some('N'), Slot::Nice, true, Only::Both),
    ("stdout", Some('1'), Slot::Stdout, true, Only::Both),
    ("stderr", Some('2'), Slot::Stderr, true, Only::Both),
    ("stdin", Some('0'), Slot::Stdin, true, Only::Both),
    ("stdout-logger", None, Slot::StdoutLogger, true, Only::Both),
    ("stderr-logger", None, Slot::StderrLogger, true, Only::Both),
    ("env", Some('e'), Slot::Env, true, Only::Both),
    ("notify", None, Slot::Notify, true, Only::Both),
    ("respawn-delay", Some('D'), Slot::RespawnDelay, true, Only::Sd),
    ("respawn-max", Some('m'), Slot::RespawnMax, true, Only::Sd),
    ("respawn-period", Some('P'), Slot::RespawnPeriod, true, Only::Sd),
    ("signal", Some('s'), Slot::Signal, true, Only::Both),
    ("ionice", Some('I'), Slot::Unsupported, true, Only::Both),
    ("oom-score-adj", None, Slot::Unsupported, true, Only::Both),
    ("capabilities", None, Slot::Capabilities, true, Only::Both),
    ("secbits", None, Slot::Secbits, true, Only::Both),
    ("no-new-privs", None, Slot::NoNewPrivs, false, Only::Both),
    ("scheduler", None, Slot::Unsupported, true, Only::Both),
    ("scheduler-priority", None, Slot::Unsupported, true, Only::Both),
    ("pidfile", Some('p'), Slot::Irrelevant, true, Only::Both),
    ("name", Some('n'), Slot::Name, true, Only::Both),
    ("wait", Some('w'), Slot::Irrelevant, true, Only::Both),
    ("retry", Some('R'), Slot::Irrelevant, true, Only::Both),
    ("healthcheck-timer", Some('a'), Slot::Unsupported, true, Only::Sd),
    ("healthcheck-delay", Some('A'), Slot::Unsupported, true, Only::Sd),
    ("quiet", Some('q'), Slot::Irrelevant, false, Only::Both),
    ("verbose", Some('v'), Slot::Irrelevant, false, Only::Both),
    ("progress", None, Slot::Irrelevant, false, Only::Both),
    ("interpreted", Some('i'), Slot::Irrelevant, false, Only::Both),
    ("test", Some('t'), Slot::Irrelevant, false, Only::Both),
    ("oknodo", Some('o'), Slot::Irrelevant, false, Only::Both),
    ("stop", Some('K'), Slot::Irrelevant, false, Only::Both),
    ("status", None, Slot::Irrelevant, false, Only::Both),
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
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "start" => f.start = true,
                "background" => f.background = true,
                "make-pidfile" => f.make_pidfile = true,
                _ => match OPTIONS.iter().find(|o| o.0 == name && applies(o.4, syntax)) {
                    Some(&(_, _, slot, takes, _)) => {
                        let first = i - 1;
                        let value = if takes {
                            inline.or_else(|| {
                                let v = words.get(i).cloned();
                                i += 1;
                                v
                            })
                        } else {
                            None
                        };
                        if slot == Slot::Irrelevant {
                            f.irrelevant_words.extend(first..i.min(words.len()));
                        }
                        store(&mut f, slot, w, value);
                    }
                    None => f.unknown.push(w.clone()),
                },
            }
            continue;
        }
        if let Some(shorts) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            let chars: Vec<char> = shorts.chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                k += 1;
                let sd = syntax == FlagSyntax::SuperviseDaemon;
                match c {
                    'S' => f.start = true,
                    'b' => f.background = true,
                    // `-m` is --make-pidfile for start-stop-daemon, --respawn-max for supervise-daemon.
                    'm' if !sd => f.make_pidfile = true,
                    _ => match OPTIONS.iter().find(|o| o.1 == Some(c) && applies(o.4, syntax)) {
                        Some(&(_, _, slot, takes, _)) => {
                            let first = i - 1;
                            let value = if takes {
                                if k < chars.len() {
                                    let v: String = chars[k..].iter().collect();
                                    k = chars.len();
                                    Some(v)
                                } else {
                                    let v = words.get(i).cloned();
                                    i += 1;
                                    v
                                }
                            } else {
                                None
                            };
                            if slot == Slot::Irrelevant {
                                f.irrelevant_words.extend(first..i.min(words.len()));
                            }
                            store(&mut f, slot, &format!("-{c}"), value);
                        }
                        None => f.unknown.push(format!("-{c}")),
                    },
                }
            }
            continue;
        }
        f.positional.push(w.clone());
        if syntax == FlagSyntax::SuperviseDaemon && f.positional.len() >= 2 {
            // supervise-daemon NAME --start [opts] DAEMON [--] ARGS: after the daemon, all args.
            f.args.extend(words[i..].iter().filter(|w| *w != "--").cloned());
            break;
        }
    }
    f
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
        Slot::User => f.user = Some(v),
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
        Slot::Env => {
            let (k, val) = v.split_once('=').unwrap_or((v.as_str(), ""));
            f.env.push((k.to_string(), val.to_string()));
        }
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
    }
}
