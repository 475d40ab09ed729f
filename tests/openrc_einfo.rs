//! rc2s6's list of OpenRC's message programs (`openrc::einfo::MESSAGE_PROGRAMS`), which the model
//! and the s6-rc backend take for commands that only print, against the einfo programs the real
//! OpenRC releases install: Debian's 0.45 and the vendored 0.63.3.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use rc2s6::openrc::einfo::MESSAGE_PROGRAMS;

/// The message programs of the einfo family in an OpenRC `bin` directory: `e`/`ve` then a
/// message kind (einfo.c is one program under these names; `esyslog`, `ewaitfile` and
/// `eval_ecolors` do something else).
fn messages_in(bin: &Path) -> BTreeSet<String> {
    const KINDS: &[&str] =
        &["begin", "end", "wend", "info", "infon", "warn", "warnn", "error", "errorn", "indent", "outdent"];
    let entries = std::fs::read_dir(bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    entries
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let kind = n.strip_prefix("ve").or_else(|| n.strip_prefix('e'));
            kind.is_some_and(|k| KINDS.contains(&k))
        })
        .collect()
}

fn check(bin: &Path) {
    let installed = messages_in(bin);
    let listed: BTreeSet<String> = MESSAGE_PROGRAMS.iter().map(|s| s.to_string()).collect();
    assert_eq!(listed, installed, "MESSAGE_PROGRAMS against {}", bin.display());
}

#[test]
fn the_message_programs_are_debians_openrc_0_45s() {
    if !support::tools(&["openrc-run"]) {
        return;
    }
    check(Path::new("/lib/rc/bin"));
}

#[test]
fn the_message_programs_are_openrc_0_63_3s() {
    let Some(p) = support::openrc063::prefixes() else { return };
    check(&p.openrc.join("usr/libexec/rc/bin"));
}
