//! rc2s6's table of daemons' foreground and daemonize flags (`data/daemons.yaml`), and of the
//! programs scripts run as `command` that are not daemons at all.

use std::sync::OnceLock;

use serde::Deserialize;

/// One program's entry: a daemon's flags, or what kind of program it is.
#[derive(Debug, Clone, Deserialize, PartialEq)]
// A misspelt key would otherwise be ignored and its entry silently do less than it says.
#[serde(deny_unknown_fields)]
pub struct DaemonEntry {
    /// Basenames of its executable.
    pub names: Vec<String>,
    /// What the program does when run with these arguments.
    #[serde(default)]
    pub kind: Kind,
    /// Argument sequences of which one must be present for the entry to apply; none means it
    /// always applies.
    #[serde(default)]
    pub when: Vec<Vec<String>>,
    /// Argument sequences to append so it stays in the foreground.
    #[serde(default)]
    pub foreground: Vec<Vec<String>>,
    /// Argument sequences that mean it already stays in the foreground.
    #[serde(default)]
    pub already: Vec<Vec<String>>,
    /// Argument sequences that make it fork, to remove.
    #[serde(default)]
    pub drop: Vec<Vec<String>>,
    /// Where the `foreground` sequence goes.
    #[serde(default)]
    pub insert: Insert,
    /// It has no option to fork at all: it always stays in the foreground, and there is
    /// nothing to add or remove.
    #[serde(default, rename = "never-forks")]
    pub never_forks: bool,
    /// Where the flags are documented.
    pub source: String,
}

/// What a program does, as far as a supervisor is concerned.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A daemon: it runs until stopped, and the entry's flags keep it in the foreground.
    #[default]
    Daemon,
    /// Does its work and exits (`sensors -s`): start-stop-daemon without `--background` waits
    /// for it, so the service is a oneshot.
    RunsOnce,
    /// Starts a daemon that then runs on its own and exits (`pg_ctl start`): s6 cannot
    /// supervise what it leaves running.
    Control,
}

/// Where a foreground sequence is inserted into the daemon's arguments.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Insert {
    /// After the last argument: needed after a subcommand, or where later options override a
    /// configuration file named first (redis-server).
    #[default]
    End,
    /// Before the first argument: needed where options after an operand are not options (privoxy
    /// takes its configuration file last; musl's getopt stops at the first operand).
    Start,
}

#[derive(Deserialize)]
struct Table {
    daemons: Vec<DaemonEntry>,
}

/// The table shipped with rc2s6.
pub fn table() -> &'static [DaemonEntry] {
    static TABLE: OnceLock<Vec<DaemonEntry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let t: Table = serde_yaml::from_str(include_str!("../../data/daemons.yaml"))
            .expect("data/daemons.yaml is valid (checked by a unit test)");
        t.daemons
    })
}

/// The entry for a command line, by its executable's basename, and how many words of `argv` name
/// the daemon: `busybox APPLET` is looked up as the name "busybox APPLET" (two words), because
/// the applet, not busybox, decides what the options mean. An entry whose `when` sequences are
/// in the arguments wins over the name's entry without `when`.
pub fn lookup(argv: &[String]) -> Option<(&'static DaemonEntry, usize)> {
    lookup_in(table(), argv)
}

fn lookup_in<'t>(entries: &'t [DaemonEntry], argv: &[String]) -> Option<(&'t DaemonEntry, usize)> {
    let program = argv.first()?;
    let base = program.rsplit('/').next().unwrap_or(program);
    let (name, words) = match argv.get(1) {
        Some(applet) if base == "busybox" => (format!("{base} {applet}"), 2),
        _ => (base.to_string(), 1),
    };
    let args = &argv[words.min(argv.len())..];
    let named = || entries.iter().filter(|e| e.names.contains(&name));
    named()
        .find(|e| e.when.iter().any(|s| contains_seq(args, s)))
        .or_else(|| named().find(|e| e.when.is_empty()))
        .map(|e| (e, words))
}

/// Whether `args` contains `seq` as consecutive elements.
pub fn contains_seq(args: &[String], seq: &[String]) -> bool {
    !seq.is_empty() && args.windows(seq.len()).any(|w| w == seq)
}

/// `args` with every occurrence of `seq` removed.
pub fn remove_seq(args: &[String], seq: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        if !seq.is_empty() && args[i..].starts_with(seq) {
            i += seq.len();
        } else {
            out.push(args[i].clone());
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_and_names_are_unique() {
        let t = table();
        assert!(t.len() >= 15);
        // A name may have several entries told apart by `when`, but only one without it.
        let mut names: Vec<&String> = t.iter().filter(|e| e.when.is_empty()).flat_map(|e| &e.names).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(n, names.len(), "a daemon name appears twice without `when`");
        for e in t {
            let flags = !e.foreground.is_empty() || !e.already.is_empty() || !e.drop.is_empty();
            match e.kind {
                Kind::Daemon if e.never_forks => {
                    assert!(!flags && e.insert == Insert::End, "{:?}: flags for a daemon that never forks", e.names)
                }
                Kind::Daemon => assert!(!e.foreground.is_empty() || !e.drop.is_empty(), "{:?} says nothing", e.names),
                Kind::RunsOnce | Kind::Control => {
                    assert!(
                        !flags && e.insert == Insert::End && !e.never_forks,
                        "{:?}: flags for a program that is not a daemon",
                        e.names
                    )
                }
            }
            assert!(
                e.when.iter().all(|s| !s.is_empty() && s.iter().all(|a| !a.is_empty())),
                "{:?}: empty `when`",
                e.names
            );
        }
    }

    /// Whether `source` names a man page: `name(8)`, `spamd(8p)`.
    fn cites_man_page(source: &str) -> bool {
        source.match_indices('(').any(|(i, _)| {
            let section: String = source[i + 1..].chars().take_while(|c| *c != ')').collect();
            source[..i].ends_with(|c: char| c.is_ascii_alphanumeric())
                && section.starts_with(|c: char| c.is_ascii_digit())
                && section.len() <= 3
                && source[i + 1 + section.len()..].starts_with(')')
        })
    }

    #[test]
    fn every_source_cites_a_man_page_or_url() {
        assert!(cites_man_page("spamd(8p): -d"));
        assert!(!cites_man_page("the daemon (it forks)"));
        for e in table() {
            assert!(
                cites_man_page(&e.source) || e.source.contains("https://"),
                "{:?}: source cites no man page or URL: {}",
                e.names,
                e.source
            );
        }
    }

    #[test]
    fn sequences_are_not_empty_and_foreground_is_recognised() {
        for e in table() {
            for seq in e.foreground.iter().chain(&e.already).chain(&e.drop) {
                assert!(!seq.is_empty() && seq.iter().all(|a| !a.is_empty()), "{:?}: empty sequence", e.names);
            }
            // Otherwise a script already passing the flag would be given it a second time.
            for seq in &e.foreground {
                assert!(e.already.contains(seq), "{:?}: {seq:?} is not in `already`", e.names);
            }
            for seq in &e.drop {
                assert!(
                    !e.already.contains(seq),
                    "{:?}: {seq:?} both keeps it in the foreground and makes it fork",
                    e.names
                );
            }
        }
    }

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn lookup_by_basename_and_busybox_applet() {
        let (e, n) = lookup(&words("/usr/sbin/sshd -D")).unwrap();
        assert_eq!((e.names[0].as_str(), n), ("sshd", 1));
        let (e, n) = lookup(&words("/bin/busybox crond -c /etc/crontabs")).unwrap();
        assert_eq!((e.names[0].as_str(), n), ("busybox crond", 2));
        assert!(lookup(&words("/bin/busybox")).is_none());
        assert!(lookup(&words("/bin/busybox no-such-applet")).is_none());
    }

    #[test]
    fn kinds_and_when() {
        let (e, _) = lookup(&words("/usr/bin/sensors -s")).unwrap();
        assert_eq!(e.kind, Kind::RunsOnce);
        let (e, _) = lookup(&words("/usr/bin/pg_ctl start -D /var/lib/postgresql")).unwrap();
        assert_eq!(e.kind, Kind::Control);
        // `when` applies to the arguments after the program's name only.
        assert!(lookup(&words("/usr/bin/sensors")).is_none());
        assert!(lookup(&words("/usr/bin/podman system service")).is_none());
        let (e, _) = lookup(&words("/usr/bin/podman --log-level info system prune --external")).unwrap();
        assert_eq!(e.kind, Kind::RunsOnce);
    }

    #[test]
    fn never_forks() {
        let (e, _) = lookup(&words("/usr/bin/prometheus --config.file=/etc/prometheus/prometheus.yml")).unwrap();
        assert!(e.never_forks && e.kind == Kind::Daemon);
        assert!(lookup(&words("/usr/bin/aptly serve")).unwrap().0.never_forks);
        // aptly's other commands run once, and are not in the table.
        assert!(lookup(&words("/usr/bin/aptly repo create")).is_none());
    }

    #[test]
    fn an_entry_whose_when_matches_wins() {
        let entries: Vec<DaemonEntry> = serde_yaml::from_str(
            r#"
- names: [tool]
  drop: [["-d"]]
  source: "tool(8)"
- names: [tool]
  kind: control
  when: [["start"]]
  source: "tool(8)"
"#,
        )
        .unwrap();
        assert_eq!(lookup_in(&entries, &words("tool -d start")).unwrap().0.kind, Kind::Control);
        assert_eq!(lookup_in(&entries, &words("tool -d serve")).unwrap().0.kind, Kind::Daemon);
        assert_eq!(lookup_in(&entries, &words("tool")).unwrap().0.kind, Kind::Daemon);
    }

    #[test]
    fn sequences() {
        let a: Vec<String> = ["x", "--daemonize", "yes", "y"].iter().map(|s| s.to_string()).collect();
        let seq: Vec<String> = vec!["--daemonize".into(), "yes".into()];
        assert!(contains_seq(&a, &seq));
        assert_eq!(remove_seq(&a, &seq), vec!["x".to_string(), "y".to_string()]);
    }
}
