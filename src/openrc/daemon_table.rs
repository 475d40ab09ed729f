//! rc2s6's table of daemons' foreground and daemonize flags, and of the programs scripts run as
//! `command` that are not daemons at all. Three layers, the first that names a program owning it:
//! the user's tables (`--daemon-table FILE`, the last given first), the hand-checked
//! `data/daemons.yaml`, then `data/daemons-generated.yaml` (built from Debian's units and man pages
//! by tools/daemon-table/, each entry with its provenance; it never names a program the hand table
//! has or leaves out on purpose, nor one whose implementations disagree).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::core::file_name::basename;
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
    /// A control program's entry: the daemon it starts, run in the foreground with the same
    /// configuration (`postgres -D DATADIR`), for the diagnostic's help; `source` cites it.
    #[serde(default)]
    pub runs: Option<String>,
    /// Where the flags are documented.
    pub source: String,
    /// Generated entries: how the entry was settled (tools/daemon-table/README.md).
    #[serde(default)]
    pub evidence: Option<String>,
    /// Generated entries: whether Debian's patches to the source were read (`checked`) or not
    /// (`unavailable`).
    #[serde(default, rename = "debian-patches")]
    pub debian_patches: Option<String>,
    /// Generated entries: the man page text the entry rests on.
    #[serde(default)]
    pub man: Vec<String>,
    /// Generated entries: the units that run the program.
    #[serde(default)]
    pub unit: Vec<String>,
    /// Options that make it fork which the entry does not remove (one may select a mode): a
    /// command line passing one is not settled by the entry.
    #[serde(default)]
    pub daemonize: Vec<Vec<String>>,
    /// Generated entries: scripts of the corpus that agree.
    #[serde(default)]
    pub corroborated: Vec<String>,
    /// Which table the entry comes from (set when the table is loaded).
    #[serde(skip)]
    pub origin: Origin,
}

/// Which table an entry comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// `data/daemons.yaml`, checked by hand.
    #[default]
    Hand,
    /// `data/daemons-generated.yaml`, built by tools/daemon-table/.
    Generated,
    /// A table the user gave with `--daemon-table`: its path.
    User(Arc<str>),
}

impl DaemonEntry {
    /// The table the entry comes from, as a message names it.
    pub fn table_name(&self) -> String {
        match &self.origin {
            Origin::Hand => "rc2s6's table of daemons".into(),
            Origin::Generated => "rc2s6's generated table of daemons".into(),
            Origin::User(path) => format!("the daemon table {path}"),
        }
    }

    /// The entry's source as a decision cites it: the hand table's `source`; for the other
    /// tables, which table, and (generated entries) the kind of evidence too.
    pub fn citation(&self) -> String {
        match &self.origin {
            Origin::Hand => self.source.clone(),
            // Where Debian's patches could not be read, an option only they add is not ruled out
            // (tools/daemon-table/README.md): the decision says so.
            Origin::Generated => format!(
                "data/daemons-generated.yaml, evidence {}{}: {}",
                self.evidence.as_deref().unwrap_or("unstated"),
                if self.debian_patches.as_deref() == Some("checked") { "" } else { ", Debian's patches not read" },
                self.source
            ),
            Origin::User(path) => format!("daemon table {path}: {}", self.source),
        }
    }
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

/// A user's table as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserTable {
    /// The path as given.
    pub path: String,
    /// SHA-256 of its contents, in hex.
    pub sha256: String,
    /// How many entries it has.
    pub entries: usize,
}

/// The tables a run uses, in the order they are asked.
#[derive(Debug)]
pub struct DaemonTable {
    /// Each layer, the one asked first first.
    layers: Vec<Layer>,
    /// The user's tables, in the order given.
    pub user: Vec<UserTable>,
}

/// One table as lookups read it.
#[derive(Debug, Clone)]
enum Layer {
    /// A user's table, read whole: its entries, and each name's entries as indices in table
    /// order (each entry once). A lookup went through every name of every entry of each table
    /// (a few hundred entries, for every command line the model asks about).
    Read { entries: Arc<Vec<DaemonEntry>>, by_name: Arc<HashMap<String, Vec<usize>>> },
    /// A table shipped with rc2s6, whose entries are read when a lookup first needs them.
    Shipped(&'static ShippedTable),
}

impl Layer {
    fn read(entries: Arc<Vec<DaemonEntry>>) -> Layer {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            for name in &e.names {
                let at = by_name.entry(name.clone()).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        Layer::Read { entries, by_name: Arc::new(by_name) }
    }

    /// The entry that settles `argv` ([`choose`]), if this table names `name`: `None` if it
    /// does not name it, `Some(None)` if it names it and settles nothing.
    fn settle(&self, name: &str, argv: &[String]) -> Option<Option<(&DaemonEntry, usize)>> {
        match self {
            Layer::Read { entries, by_name } => {
                let named = by_name.get(name)?;
                Some(choose(named.iter().map(|&i| &entries[i]), argv))
            }
            Layer::Shipped(table) => {
                let named = table.named(name)?;
                Some(choose(named.iter().map(|&i| table.entry(usize::from(i))), argv))
            }
        }
    }
}

/// A table shipped with rc2s6 as build.rs writes it from `data/*.yaml`: each entry's JSON, and
/// each name with its entries. An entry is read once, the first time a lookup needs it: a run
/// needs a few of them, and reading all of them was most of the start of a small run.
#[derive(Debug)]
struct ShippedTable {
    origin: Origin,
    entries: &'static [&'static str],
    /// Sorted by the name's bytes.
    names: &'static [(&'static str, &'static [u16])],
    read: &'static [OnceLock<DaemonEntry>],
}

impl ShippedTable {
    fn named(&self, name: &str) -> Option<&'static [u16]> {
        let at = self.names.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
        Some(self.names[at].1)
    }

    fn entry(&self, i: usize) -> &DaemonEntry {
        self.read[i].get_or_init(|| {
            let mut e: DaemonEntry =
                serde_json::from_str(self.entries[i]).expect("the shipped tables are valid (checked by a unit test)");
            e.origin = self.origin.clone();
            e
        })
    }

    /// Every entry, in table order.
    fn all(&self) -> Vec<DaemonEntry> {
        (0..self.entries.len()).map(|i| self.entry(i).clone()).collect()
    }
}

include!(concat!(env!("OUT_DIR"), "/daemon_tables.rs"));

static HAND_READ: [OnceLock<DaemonEntry>; HAND_LEN] = [const { OnceLock::new() }; HAND_LEN];
/// `data/daemons.yaml`.
static HAND: ShippedTable =
    ShippedTable { origin: Origin::Hand, entries: &HAND_ENTRIES, names: HAND_NAMES, read: &HAND_READ };
static GENERATED_READ: [OnceLock<DaemonEntry>; GENERATED_LEN] = [const { OnceLock::new() }; GENERATED_LEN];
/// `data/daemons-generated.yaml`.
static GENERATED: ShippedTable = ShippedTable {
    origin: Origin::Generated,
    entries: &GENERATED_ENTRIES,
    names: GENERATED_NAMES,
    read: &GENERATED_READ,
};

fn parse(text: &str, origin: &Origin) -> Result<Vec<DaemonEntry>, String> {
    let mut t: Table = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    for e in &mut t.daemons {
        e.origin = origin.clone();
    }
    Ok(t.daemons)
}

/// The hand-checked table shipped with rc2s6 (`data/daemons.yaml`), every entry read.
pub fn table() -> &'static [DaemonEntry] {
    static TABLE: OnceLock<Vec<DaemonEntry>> = OnceLock::new();
    TABLE.get_or_init(|| HAND.all())
}

/// The generated table shipped with rc2s6 (`data/daemons-generated.yaml`), every entry read.
pub fn generated() -> &'static [DaemonEntry] {
    static TABLE: OnceLock<Vec<DaemonEntry>> = OnceLock::new();
    TABLE.get_or_init(|| GENERATED.all())
}

impl DaemonTable {
    /// The tables shipped with rc2s6: the hand-checked one over the generated one.
    pub fn builtin() -> &'static Arc<DaemonTable> {
        static TABLE: OnceLock<Arc<DaemonTable>> = OnceLock::new();
        TABLE.get_or_init(|| {
            Arc::new(DaemonTable { layers: vec![Layer::Shipped(&HAND), Layer::Shipped(&GENERATED)], user: Vec::new() })
        })
    }

    /// The hand-checked table alone, without the generated one: to measure what the generated
    /// table changes (examples/corpus_report.rs `--hand-only`).
    pub fn hand_only() -> DaemonTable {
        DaemonTable { layers: vec![Layer::Shipped(&HAND)], user: Vec::new() }
    }

    /// The built-in tables under the user's (`(path, text)`, in the order given; a later one
    /// wins over an earlier one). A table that does not read, or whose entries contradict
    /// themselves, is an error naming the file.
    pub fn with_user_tables(files: &[(String, String)]) -> Result<DaemonTable, String> {
        let mut layers = Vec::new();
        let mut user = Vec::new();
        for (path, text) in files {
            let entries = parse(text, &Origin::User(Arc::from(path.as_str()))).map_err(|e| format!("{path}: {e}"))?;
            validate(&entries).map_err(|e| format!("{path}: {e}"))?;
            user.push(UserTable { path: path.clone(), sha256: sha256_hex(text.as_bytes()), entries: entries.len() });
            layers.push(Layer::read(Arc::new(entries)));
        }
        layers.reverse();
        layers.extend(DaemonTable::builtin().layers.iter().cloned());
        Ok(DaemonTable { layers, user })
    }

    /// The entry for a command line, by its executable's basename, and how many words of `argv`
    /// name the daemon: `busybox APPLET` is looked up as the name "busybox APPLET" (two words),
    /// because the applet, not busybox, decides what the options mean. The first table that
    /// names the program decides for it (an entry of a later table is never mixed in). Within a
    /// table, an entry whose `when` sequences are in the arguments wins over the name's entry
    /// without `when`. An entry does not settle a command line that passes one of its
    /// `daemonize` options.
    pub fn lookup(&self, argv: &[String]) -> Option<(&DaemonEntry, usize)> {
        let (name, _) = name_of(argv)?;
        self.layers.iter().find_map(|l| l.settle(&name, argv))?
    }
}

/// Checks what the schema cannot: an entry says something, and says nothing twice or against
/// itself.
pub fn validate(entries: &[DaemonEntry]) -> Result<(), String> {
    let mut plain: Vec<&String> = entries.iter().filter(|e| e.when.is_empty()).flat_map(|e| &e.names).collect();
    plain.sort();
    if let Some(w) = plain.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("{} has two entries without `when`", w[0]));
    }
    for e in entries {
        let id = format!("{:?}", e.names);
        if e.names.is_empty() || e.names.iter().any(|n| n.is_empty() || n.contains('/')) {
            return Err(format!("{id}: names must be basenames"));
        }
        let flags = !e.foreground.is_empty() || !e.already.is_empty() || !e.drop.is_empty();
        match e.kind {
            Kind::Daemon if e.never_forks && (flags || e.insert != Insert::End) => {
                return Err(format!("{id}: flags for a daemon that never forks"));
            }
            Kind::Daemon if !e.never_forks && e.foreground.is_empty() && e.drop.is_empty() => {
                return Err(format!("{id}: says nothing (give foreground, drop or never-forks)"));
            }
            Kind::RunsOnce | Kind::Control if flags || e.insert != Insert::End || e.never_forks => {
                return Err(format!("{id}: flags for a program that is not a daemon"));
            }
            _ => {}
        }
        if e.runs.is_some() && e.kind != Kind::Control {
            return Err(format!("{id}: `runs` is for control programs"));
        }
        for seq in e.foreground.iter().chain(&e.already).chain(&e.drop).chain(&e.when).chain(&e.daemonize) {
            if seq.is_empty() || seq.iter().any(|a| a.is_empty()) {
                return Err(format!("{id}: empty sequence"));
            }
        }
        // Otherwise a script already passing the flag would be given it a second time.
        if let Some(seq) = e.foreground.iter().find(|s| !e.already.contains(s)) {
            return Err(format!("{id}: {seq:?} is not in `already`"));
        }
        if let Some(seq) = e.drop.iter().chain(&e.daemonize).find(|s| e.already.contains(s)) {
            return Err(format!("{id}: {seq:?} both keeps it in the foreground and makes it fork"));
        }
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The name a command line is looked up by, and how many of its words it takes.
fn name_of(argv: &[String]) -> Option<(String, usize)> {
    let program = argv.first()?;
    let base = basename(program);
    Some(match argv.get(1) {
        Some(applet) if base == "busybox" => (format!("{base} {applet}"), 2),
        _ => (base.to_string(), 1),
    })
}

#[cfg(test)]
fn lookup_in<'t>(entries: &'t [DaemonEntry], argv: &[String]) -> Option<(&'t DaemonEntry, usize)> {
    let (name, _) = name_of(argv)?;
    choose(entries.iter().filter(|e| e.names.contains(&name)), argv)
}

/// Of one table's entries for the command line's program (`named`, in table order), the one
/// that settles it, as [`DaemonTable::lookup`] says.
fn choose<'t>(
    entries: impl Iterator<Item = &'t DaemonEntry> + Clone,
    argv: &[String],
) -> Option<(&'t DaemonEntry, usize)> {
    let (_, words) = name_of(argv)?;
    let args = &argv[words.min(argv.len())..];
    let named = || entries.clone();
    named()
        .find(|e| e.when.iter().any(|s| contains_seq(args, s)))
        .or_else(|| named().find(|e| e.when.is_empty()))
        .filter(|e| !e.daemonize.iter().any(|s| contains_seq(args, s)))
        .map(|e| (e, words))
}

/// Whether `args` contains `seq` as consecutive elements.
pub fn contains_seq(args: &[String], seq: &[String]) -> bool {
    !seq.is_empty() && args.windows(seq.len()).any(|w| w == seq)
}

/// How many of `args` can be options: those before the first `--`, which ends a program's
/// options (POSIX XBD 12.2, Utility Syntax Guideline 10: "Any following arguments should be
/// treated as operands, even if they begin with the '-' character"); getopt, getopt_long and
/// Perl's Getopt::Long all stop there. A table's sequences are options, so they are looked for,
/// removed and added only before it.
pub fn options_end(args: &[String]) -> usize {
    args.iter().position(|a| a == "--").unwrap_or(args.len())
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

    fn lookup(argv: &[String]) -> Option<(&'static DaemonEntry, usize)> {
        DaemonTable::builtin().lookup(argv)
    }

    #[test]
    fn builtin_tables_are_valid_and_the_hand_one_owns_its_names() {
        validate(table()).unwrap();
        validate(generated()).unwrap();
        assert!(generated().iter().all(|e| e.origin == Origin::Generated));
        for e in generated() {
            assert!(
                e.names.iter().all(|n| !table().iter().any(|h| h.names.contains(n))),
                "{:?}: the generated table names a program the hand table has",
                e.names
            );
            assert!(e.evidence.is_some() && !e.source.is_empty(), "{:?}: no provenance", e.names);
        }
    }

    #[test]
    fn the_shipped_json_holds_what_the_yaml_says() {
        // build.rs turns the YAML into JSON for speed: every entry must read the same.
        for (yaml, loaded) in [
            (include_str!("../../data/daemons.yaml"), table()),
            (include_str!("../../data/daemons-generated.yaml"), generated()),
        ] {
            let origin = loaded[0].origin.clone();
            assert_eq!(parse(yaml, &origin).unwrap(), loaded);
        }
    }

    #[test]
    fn the_shipped_index_names_each_entry_under_each_of_its_names() {
        // build.rs's index against the entries read whole: a name lists exactly the entries
        // that carry it, in table order, and a lookup through it finds what a walk over every
        // entry finds.
        for (shipped, all) in [(&HAND, table()), (&GENERATED, generated())] {
            assert_eq!(shipped.entries.len(), all.len());
            assert!(shipped.names.windows(2).all(|w| w[0].0 < w[1].0), "names not sorted");
            let mut expected: Vec<(&str, Vec<u16>)> = Vec::new();
            for (i, e) in all.iter().enumerate() {
                for n in &e.names {
                    match expected.iter_mut().find(|(m, _)| *m == n.as_str()) {
                        Some((_, at)) if at.last() == Some(&(i as u16)) => {}
                        Some((_, at)) => at.push(i as u16),
                        None => expected.push((n.as_str(), vec![i as u16])),
                    }
                }
            }
            expected.sort();
            let index: Vec<(&str, Vec<u16>)> = shipped.names.iter().map(|(n, at)| (*n, at.to_vec())).collect();
            assert_eq!(index, expected);
            let layer = Layer::Shipped(shipped);
            for (n, _) in shipped.names {
                for argv in [vec![format!("/usr/sbin/{n}")], words(&format!("{n} -f -d --foreground"))] {
                    let lazy = layer.settle(n, &argv).expect("the index names it");
                    assert_eq!(lazy, lookup_in(all, &argv), "{argv:?}");
                }
            }
        }
    }

    #[test]
    fn layers_hand_over_generated_user_over_both() {
        // A name of the hand table is the hand table's; one only the generated table has is
        // the generated one's, cited as such.
        let (e, _) = lookup(&words("/usr/sbin/sshd -D")).unwrap();
        assert_eq!(e.origin, Origin::Hand);
        let g = &generated()[0];
        let (e, _) = lookup(&[format!("/usr/bin/{}", g.names[0])]).unwrap();
        assert_eq!(e.origin, Origin::Generated);
        assert!(e.citation().starts_with("data/daemons-generated.yaml, evidence "), "{}", e.citation());
        let unread = generated().iter().find(|e| e.debian_patches.as_deref() == Some("unavailable")).unwrap();
        assert!(unread.citation().contains(", Debian's patches not read: "), "{}", unread.citation());
        // crond is left out of both on purpose; a user table decides it, and wins over the
        // hand table for sshd, whole (the hand entry is not mixed in).
        assert!(lookup(&words("/usr/sbin/crond -c /etc/crontabs")).is_none());
        let user = "daemons:\n  - names: [crond]\n    foreground: [[-f]]\n    already: [[-f]]\n    source: busybox crond --help\n  - names: [sshd]\n    never-forks: true\n    source: mine\n";
        let t = DaemonTable::with_user_tables(&[("site.yaml".into(), user.into())]).unwrap();
        let (e, _) = t.lookup(&words("/usr/sbin/crond -c /etc/crontabs")).unwrap();
        assert_eq!(e.foreground, vec![vec!["-f".to_string()]]);
        assert_eq!(e.citation(), "daemon table site.yaml: busybox crond --help");
        assert!(t.lookup(&words("/usr/sbin/sshd")).unwrap().0.never_forks);
        assert_eq!(t.user[0].entries, 2);
        assert_eq!(t.user[0].sha256.len(), 64);
        // A later table wins over an earlier one.
        let later = "daemons:\n  - names: [crond]\n    foreground: [[-n]]\n    already: [[-n]]\n    source: cronie\n";
        let t = DaemonTable::with_user_tables(&[("a".into(), user.into()), ("b".into(), later.into())]).unwrap();
        assert_eq!(t.lookup(&words("crond")).unwrap().0.source, "cronie");
    }

    #[test]
    fn a_bad_user_table_is_an_error_naming_it() {
        let bad = |text: &str| DaemonTable::with_user_tables(&[("t.yaml".into(), text.into())]).unwrap_err();
        assert!(bad("daemons: [").starts_with("t.yaml: "));
        assert!(bad("daemons:\n  - names: [x]\n    source: s\n").contains("says nothing"));
        assert!(bad("daemons:\n  - names: [x]\n    foreground: [[-f]]\n    source: s\n").contains("not in `already`"));
        assert!(bad("daemons:\n  - names: [x]\n    nofork: true\n    source: s\n").contains("unknown field"));
        assert!(bad("daemons:\n  - names: [/x]\n    never-forks: true\n    source: s\n").contains("basenames"));
        assert!(
            bad("daemons:\n  - names: [x]\n    never-forks: true\n    runs: y\n    source: s\n").contains("control")
        );
    }

    #[test]
    fn a_daemonize_option_the_entry_keeps_unsettles_it() {
        let entries = parse(
            "daemons:\n  - names: [tool]\n    foreground: [[-F]]\n    already: [[-F]]\n    daemonize: [[--daemon]]\n    source: s\n",
            &Origin::Generated,
        )
        .unwrap();
        assert!(lookup_in(&entries, &words("tool -c x")).is_some());
        assert!(lookup_in(&entries, &words("tool --daemon -c x")).is_none());
    }

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
