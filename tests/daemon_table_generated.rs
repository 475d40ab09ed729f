//! The checker of data/daemons-generated.yaml (built by tools/daemon-table/build.py): its schema
//! is data/daemons.yaml's plus provenance, every entry says where it comes from, no name means
//! something else than in the hand-checked table, and no name the tool or the hand table
//! disputes, nor a busybox applet that does not agree, has an entry.
//! `tools/daemon-table/check` runs it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Entry {
    names: Vec<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    when: Vec<Vec<String>>,
    #[serde(default)]
    foreground: Vec<Vec<String>>,
    #[serde(default)]
    already: Vec<Vec<String>>,
    #[serde(default)]
    drop: Vec<Vec<String>>,
    #[serde(default)]
    insert: Option<String>,
    #[serde(default, rename = "never-forks")]
    never_forks: bool,
    // Control programs of the hand table: the daemon they start.
    #[serde(default)]
    runs: Option<String>,
    source: String,
    // Provenance: only in the generated file.
    #[serde(default)]
    evidence: Option<String>,
    #[serde(default)]
    man: Option<Vec<String>>,
    #[serde(default)]
    unit: Option<Vec<String>>,
    #[serde(default)]
    corroborated: Vec<String>,
    #[serde(default)]
    daemonize: Vec<Vec<String>>,
    #[serde(default, rename = "debian-patches")]
    debian_patches: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    daemons: Vec<Entry>,
}

const EVIDENCE: &[&str] = &[
    "unit-flag+man",
    "forking-unit+man",
    "attached-unit+man",
    "man",
    "unit-without+man",
    "simple-unit+silent-man",
    "unit-flag+help",
    "forking-unit+help",
    "attached-unit+help",
    "unit-without+help",
    "simple-unit+silent-help",
];

/// A quote of a program's own help text (tools/daemon-table/helptext.py): the command run, the
/// executable's path, the Debian package and version, and the `.deb`'s sha256 it came from.
fn cites_help_text(s: &str) -> bool {
    s.starts_with('`') && s.contains(" output of /") && s.contains("Debian ") && s.contains(".deb sha256 ")
}

/// What an entry means to rc2s6 (everything but its provenance).
fn meaning(e: &Entry) -> String {
    format!(
        "kind={:?} when={:?} foreground={:?} already={:?} drop={:?} insert={:?} never-forks={}",
        e.kind.as_deref().unwrap_or("daemon"),
        e.when,
        e.foreground,
        e.already,
        e.drop,
        e.insert.as_deref().unwrap_or("end"),
        e.never_forks
    )
}

/// `name(8)` somewhere in the text (the model's own test asks the same of data/daemons.yaml); a
/// page's name may end in `+` (`search++(1)`, `g++(1)`).
fn cites_man_page(s: &str) -> bool {
    s.match_indices('(').any(|(i, _)| {
        let section: String = s[i + 1..].chars().take_while(|c| *c != ')').collect();
        s[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '+')
            && section.starts_with(|c: char| c.is_ascii_digit())
            && section.len() <= 3
            && s[i + 1 + section.len()..].starts_with(')')
    })
}

/// Names data/daemons.yaml's header leaves out on purpose: its `#   name[, name]  reason` lines.
fn left_out_by_hand(hand: &str) -> BTreeSet<String> {
    let header = hand.split("\ndaemons:").next().unwrap_or("");
    let mut out = BTreeSet::new();
    for line in header.lines() {
        let Some(body) = line.strip_prefix("#   ") else { continue };
        if body.starts_with(' ') {
            continue;
        }
        let head = body.split("  ").next().unwrap_or("");
        for w in head.split(',') {
            let w = w.trim();
            let first = w.split(' ').next().unwrap_or("");
            if !first.is_empty()
                && w.split(' ').count() <= 2
                && first.chars().all(|c| c.is_ascii_alphanumeric() || "_.+-".contains(c))
            {
                out.insert(first.to_string());
            }
        }
    }
    out
}

/// `name<TAB>...` lines of a TSV, comments skipped.
fn tsv_names(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn check(generated: &str, hand: &str, disputed: &str, busybox: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let generated_table: Table = match serde_yaml::from_str(generated) {
        Ok(t) => t,
        Err(e) => return vec![format!("data/daemons-generated.yaml does not parse: {e}")],
    };
    let hand_table: Table = match serde_yaml::from_str(hand) {
        Ok(t) => t,
        Err(e) => return vec![format!("data/daemons.yaml does not parse: {e}")],
    };
    let mut hand_by_name: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for e in &hand_table.daemons {
        for n in &e.names {
            hand_by_name.entry(n).or_default().push(e);
        }
    }
    let left_out = left_out_by_hand(hand);
    let disputed = tsv_names(disputed);
    let busybox = tsv_names(busybox);
    let mut seen = BTreeSet::new();
    let mut previous: Option<String> = None;
    for e in &generated_table.daemons {
        let id = format!("{:?}", e.names);
        let first = e.names.first().cloned().unwrap_or_default();
        if previous.as_ref().is_some_and(|p| *p >= first) {
            errors.push(format!("{id}: entries are not sorted by name (after {previous:?})"));
        }
        previous = Some(first);
        // Schema, as the model's own tests ask of data/daemons.yaml.
        if e.names.is_empty() || e.names.iter().any(|n| n.is_empty() || n.contains('/') || n.contains(' ')) {
            errors.push(format!("{id}: names must be non-empty basenames"));
        }
        if e.kind.as_deref().is_some_and(|k| k != "daemon") || !e.when.is_empty() {
            errors.push(format!("{id}: the generated table only has daemons, without `when`"));
        }
        if e.insert.as_deref().is_some_and(|i| i != "start" && i != "end") {
            errors.push(format!("{id}: insert must be start or end"));
        }
        let flags = !e.foreground.is_empty() || !e.already.is_empty() || !e.drop.is_empty();
        if e.never_forks && (flags || e.insert.is_some()) {
            errors.push(format!("{id}: flags for a daemon that never forks"));
        }
        if !e.never_forks && e.foreground.is_empty() && e.drop.is_empty() {
            errors.push(format!("{id}: says nothing"));
        }
        if e.foreground.len() > 1 {
            errors.push(format!("{id}: only one foreground sequence is used"));
        }
        for seq in e.foreground.iter().chain(&e.already).chain(&e.drop) {
            if seq.is_empty() || seq.iter().any(|a| a.is_empty()) {
                errors.push(format!("{id}: empty sequence"));
            }
        }
        for seq in &e.foreground {
            if !e.already.contains(seq) {
                errors.push(format!("{id}: {seq:?} is not in `already`"));
            }
        }
        for seq in &e.drop {
            if e.already.contains(seq) {
                errors.push(format!("{id}: {seq:?} both keeps it in the foreground and makes it fork"));
            }
        }
        for seq in &e.daemonize {
            if e.already.contains(seq) || e.drop.contains(seq) {
                errors.push(format!("{id}: {seq:?} is listed as a daemonize option the entry keeps, and elsewhere"));
            }
        }
        if e.insert.as_deref() == Some("start") && e.foreground.is_empty() {
            errors.push(format!("{id}: insert without a foreground sequence"));
        }
        // Provenance.
        let evidence = e.evidence.as_deref().unwrap_or("");
        if !EVIDENCE.contains(&evidence) {
            errors.push(format!("{id}: unknown evidence {evidence:?}"));
        }
        if !matches!(e.debian_patches.as_deref(), Some("checked" | "unavailable")) {
            errors.push(format!("{id}: debian-patches must say checked or unavailable"));
        }
        let man = e.man.clone().unwrap_or_default();
        let unit = e.unit.clone().unwrap_or_default();
        if e.man.is_none() || e.unit.is_none() {
            errors.push(format!("{id}: provenance fields `man` and `unit` are required"));
        }
        if man.is_empty() {
            errors.push(format!("{id}: no man page quoted"));
        }
        if (evidence.starts_with("unit-") || evidence.contains("-unit")) && unit.is_empty() {
            errors.push(format!("{id}: evidence {evidence} without a unit"));
        }
        if evidence == "man" && !unit.is_empty() {
            errors.push(format!("{id}: evidence `man` but a unit is cited"));
        }
        // An entry read from a help text quotes that text, one read from man pages a page.
        let from_help = evidence.ends_with("+help") || evidence.ends_with("+silent-help");
        for m in &man {
            let busybox_line = m.starts_with("busybox applet ");
            let cites_debian_page = cites_man_page(m) && m.contains("Debian ");
            if busybox_line {
                continue;
            }
            if from_help && !cites_help_text(m) {
                errors.push(format!(
                    "{id}: help-text provenance without the command, path, Debian package and .deb sha256: {m}"
                ));
            }
            if !from_help && !cites_debian_page {
                errors.push(format!("{id}: man provenance without page(section) and Debian package version: {m}"));
            }
        }
        for u in &unit {
            if !(u.starts_with("Debian ") && u.contains(": Type=") && u.contains(": ExecStart=")) {
                errors.push(format!("{id}: unit provenance without release, package, Type= and ExecStart=: {u}"));
            }
        }
        if from_help && !cites_help_text(&e.source) {
            errors.push(format!("{id}: source cites no help text: {}", e.source));
        } else if !from_help && !cites_man_page(&e.source) {
            errors.push(format!("{id}: source cites no man page: {}", e.source));
        }
        for n in &e.names {
            if !seen.insert(n.clone()) {
                errors.push(format!("{id}: {n} appears twice"));
            }
            if let Some(hs) = hand_by_name.get(n.as_str()) {
                if hs.iter().all(|h| meaning(h) != meaning(e)) {
                    errors.push(format!("{id}: {n} is in data/daemons.yaml with another meaning"));
                }
            }
            if left_out.contains(n) {
                errors.push(format!("{id}: {n} is left out of data/daemons.yaml on purpose"));
            }
            if let Some(why) = disputed.get(n) {
                errors.push(format!("{id}: {n} is disputed: {why}"));
            }
            if busybox.contains_key(n) && !man.iter().any(|m| m.starts_with(&format!("busybox applet {n} agrees"))) {
                errors.push(format!("{id}: {n} is a busybox applet, and the entry does not say busybox's agrees"));
            }
        }
    }
    errors
}

fn read(rel: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn generated_table_is_valid() {
    let errors = check(
        &read("data/daemons-generated.yaml"),
        &read("data/daemons.yaml"),
        &read("tools/daemon-table/disputed.tsv"),
        &read("tools/daemon-table/busybox-applets.tsv"),
    );
    assert!(errors.is_empty(), "{} problems:\n{}", errors.len(), errors.join("\n"));
}

#[test]
fn the_hand_tables_left_out_names_are_read() {
    let names = left_out_by_hand(&read("data/daemons.yaml"));
    for n in ["bgpd", "crond", "httpd", "ntpd", "rpcbind", "syslogd", "mfsmaster", "openl2tpd", "powerd", "smsd"] {
        assert!(names.contains(n), "{n} not found among {names:?}");
    }
}

const HAND: &str = r#"# header
# Names deliberately left out:
#   crond       busybox's crond uses `-f`
#               more text
daemons:
  - names: [sshd]
    foreground: [["-D"]]
    already: [["-D"]]
    source: "sshd(8): -D"
"#;

fn entry(name: &str, body: &str) -> String {
    format!(
        "daemons:\n  - names: [{name}]\n{body}    source: \"{name}(8), Debian trixie {name} 1.0: -f\"\n    evidence: man\n    debian-patches: checked\n    man: [\"{name}(8), Debian trixie {name} 1.0: -f  Run in the foreground\"]\n    unit: []\n"
    )
}

#[test]
fn a_valid_entry_passes() {
    let g = entry("food", "    foreground: [[\"-f\"]]\n    already: [[\"-f\"]]\n");
    assert_eq!(check(&g, HAND, "", ""), Vec::<String>::new());
}

/// An entry read from a program's help text, as build.py writes one.
fn help_entry(name: &str) -> String {
    let quote = format!(
        "`{name} --help` output of /usr/sbin/{name}, Debian bookworm {name} 1.0 (.deb sha256 0123456789abcdef): no option, and no word, about forking"
    );
    format!(
        "daemons:\n  - names: [{name}]\n    never-forks: true\n    source: \"{quote}; unit Debian bookworm {name} 1.0: /usr/lib/systemd/system/{name}.service: Type=simple: ExecStart=/usr/sbin/{name}\"\n    evidence: simple-unit+silent-help\n    debian-patches: checked\n    man: [\"{quote}\"]\n    unit: [\"Debian bookworm {name} 1.0: /usr/lib/systemd/system/{name}.service: Type=simple: ExecStart=/usr/sbin/{name}\"]\n"
    )
}

#[test]
fn a_help_text_entry_passes_and_must_quote_its_help_text() {
    assert_eq!(check(&help_entry("food"), HAND, "", ""), Vec::<String>::new());
    // A help-text entry that quotes a man page instead, or no .deb hash, is caught.
    let as_man = help_entry("food").replace("`food --help` output of /usr/sbin/food", "food(8)");
    assert!(check(&as_man, HAND, "", "").iter().any(|e| e.contains("help-text provenance")), "{as_man}");
    let no_hash = help_entry("food").replace(" (.deb sha256 0123456789abcdef)", "");
    assert!(check(&no_hash, HAND, "", "").iter().any(|e| e.contains("source cites no help text")), "{no_hash}");
    // A man-page entry may not quote a help text.
    let man_kind = help_entry("food").replace("simple-unit+silent-help", "simple-unit+silent-man");
    assert!(check(&man_kind, HAND, "", "").iter().any(|e| e.contains("man provenance")), "{man_kind}");
}

#[test]
fn bad_entries_are_caught() {
    let cases = [
        (entry("food", "    foreground: [[\"-f\"]]\n"), "is not in `already`"),
        (entry("food", "    drop: [[\"-d\"]]\n    already: [[\"-d\"]]\n"), "both keeps it"),
        (entry("food", "    never-forks: true\n    drop: [[\"-d\"]]\n"), "never forks"),
        (entry("food", ""), "says nothing"),
        (entry("sshd", "    foreground: [[\"-f\"]]\n    already: [[\"-f\"]]\n"), "another meaning"),
        (entry("crond", "    foreground: [[\"-f\"]]\n    already: [[\"-f\"]]\n"), "left out"),
        (entry("ntpd", "    foreground: [[\"-n\"]]\n    already: [[\"-n\"]]\n"), "disputed"),
        (entry("syslogd", "    foreground: [[\"-n\"]]\n    already: [[\"-n\"]]\n"), "busybox applet"),
        (entry("food", "    foreground: [[\"-f\"]]\n    already: [[\"-f\"]]\n    colour: red\n"), "does not parse"),
        (
            entry("food", "    foreground: [[\"-f\"]]\n    already: [[\"-f\"]]\n").replace("    evidence: man\n", ""),
            "unknown evidence",
        ),
        (
            entry("food", "    foreground: [[\"-f\"]]\n    already: [[\"-f\"]]\n")
                .replace("Debian trixie food 1.0: -f  Run", "-f  Run"),
            "without page(section) and Debian package version",
        ),
        (
            entry("food", "    foreground: [[\"-f\"]]\n    already: [[\"-f\"]]\n")
                + &entry("bard", "    drop: [[\"-d\"]]\n").replace("daemons:\n", ""),
            "not sorted",
        ),
    ];
    for (g, want) in cases {
        let errors = check(&g, HAND, "ntpd\timplementations disagree\n", "syslogd\tbusybox: -n: Run in foreground\n");
        assert!(errors.iter().any(|e| e.contains(want)), "expected {want:?} for\n{g}\ngot {errors:?}");
    }
}
