//! Every diagnostic code in the program has an explanation (`docs/codes/<phase>/<name>.md`, shown
//! by `rc2s6 explain`) in the agreed shape, every explanation belongs to a code that exists, and
//! README.md lists every code. A branch that adds a code without its explanation fails here.

use std::collections::BTreeSet;
use std::path::Path;

/// Every `code(rc2s6::…)` written in `src/`.
fn codes_in_source() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("src/ is readable");
        if entry.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("source is UTF-8");
        for (at, _) in text.match_indices("code(rc2s6::") {
            let rest = &text[at + "code(".len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            codes.insert(rest[..end].to_string());
        }
    }
    codes
}

#[test]
fn every_code_in_the_source_has_an_explanation() {
    let codes = codes_in_source();
    assert!(codes.len() > 30, "found only {} codes; is the scan broken?", codes.len());
    let missing: Vec<&String> = codes.iter().filter(|c| rc2s6::core::explain::explanation(c).is_none()).collect();
    assert!(
        missing.is_empty(),
        "codes without an explanation (add docs/codes/<phase>/<name>.md for each): {missing:?}"
    );
}

#[test]
fn every_explanation_is_of_a_code_that_exists() {
    let codes = codes_in_source();
    let stale: Vec<&str> = rc2s6::core::explain::codes().filter(|c| !codes.contains(*c)).collect();
    assert!(stale.is_empty(), "explanations of codes no diagnostic has: {stale:?}");
}

#[test]
fn explanations_say_what_why_example_and_fix() {
    for code in rc2s6::core::explain::codes() {
        let text = rc2s6::core::explain::explanation(code).unwrap();
        assert_eq!(text.lines().next(), Some(format!("# {code}").as_str()), "{code}: title");
        assert!(rc2s6::core::explain::summary(code).is_some_and(|s| !s.is_empty()), "{code}: summary line");
        for section in ["## What it means", "## Why it matters", "## Example", "## Fix"] {
            assert!(text.contains(&format!("\n{section}\n")), "{code}: no `{section}` section");
        }
    }
}

#[test]
fn readme_lists_every_code() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let missing: Vec<&str> = rc2s6::core::explain::codes().filter(|c| !readme.contains(&format!("`{c}`"))).collect();
    assert!(missing.is_empty(), "README.md does not list: {missing:?}");
}

#[test]
fn codes_resolve_from_short_forms_and_suggest_near_misses() {
    assert_eq!(rc2s6::core::explain::resolve("lint::relative_command"), Some("rc2s6::lint::relative_command"));
    assert_eq!(rc2s6::core::explain::resolve("relative_command"), Some("rc2s6::lint::relative_command"));
    assert_eq!(rc2s6::core::explain::resolve("rc2s6::lint::relative_comand"), None);
    assert_eq!(
        rc2s6::core::explain::suggestions("rc2s6::lint::relative_comand").first(),
        Some(&"rc2s6::lint::relative_command")
    );
    assert_eq!(rc2s6::core::explain::suggestions("daemon_may_frok").first(), Some(&"rc2s6::model::daemon_may_fork"));
}
