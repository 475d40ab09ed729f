//! The daemon tables shipped with rc2s6 (`data/*.yaml`) as Rust source in the build's output
//! (`daemon_tables.rs`, included by `openrc::daemon_table`): each entry as its own JSON text,
//! and every name with the entries that carry it, sorted. rc2s6 then reads an entry only when a
//! lookup needs it. Reading 560 kB of YAML took about 110 million instructions at every start;
//! the whole table as JSON still took 7.3 million, on the main thread before any script was
//! looked at (an eighth of linting a hundred scripts), where a script needs two or three entries.
//! The YAML stays the source; `openrc::daemon_table` tests that both read the same.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut rust = String::new();
    for (name, prefix) in [("daemons", "HAND"), ("daemons-generated", "GENERATED")] {
        let source = format!("data/{name}.yaml");
        println!("cargo::rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
        let entries = value["daemons"].as_array().unwrap_or_else(|| panic!("{source}: no `daemons` list"));
        rust.push_str(&table_source(prefix, &source, entries));
    }
    std::fs::write(out.join("daemon_tables.rs"), rust).unwrap_or_else(|e| panic!("daemon_tables.rs: {e}"));
}

/// One table's constants: `{P}_LEN`, `{P}_ENTRIES` (each entry's JSON) and `{P}_NAMES` (each
/// name with the indices of its entries in table order, sorted by the name's bytes).
fn table_source(prefix: &str, source: &str, entries: &[serde_json::Value]) -> String {
    assert!(entries.len() <= usize::from(u16::MAX), "{source}: too many entries for u16 indices");
    let mut names: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        for n in e["names"].as_array().unwrap_or_else(|| panic!("{source}: entry {i} has no `names` list")) {
            let n = n.as_str().unwrap_or_else(|| panic!("{source}: entry {i}: a name is not a string"));
            let at = names.entry(n).or_default();
            if at.last() != Some(&i) {
                at.push(i);
            }
        }
    }
    let mut s = format!("/// `{source}`: how many entries it has.\nconst {prefix}_LEN: usize = {};\n", entries.len());
    // `{:?}` of a str is a Rust string literal of it (quotes, backslashes and controls escaped).
    let _ = writeln!(s, "/// `{source}`: each entry as JSON.\nconst {prefix}_ENTRIES: [&str; {prefix}_LEN] = [");
    for e in entries {
        let _ = writeln!(s, "    {:?},", e.to_string());
    }
    let _ = writeln!(s, "];\n/// `{source}`: each name and its entries.\nconst {prefix}_NAMES: &[(&str, &[u16])] = &[");
    for (n, at) in &names {
        let _ = writeln!(s, "    ({n:?}, &{at:?}),");
    }
    s.push_str("];\n");
    s
}
