//! A manifest read a record at a time is the manifest read whole, whatever its records hold;
//! what does not split is read whole.

use super::{StoredManifest, by_record};
use crate::manifest::{DiagnosticRecord, FileRecord, Manifest, ServiceRecord, SourceRecord};
use crate::openrc::version::OpenrcVersion;

fn record(name: &str, description: &str, message: &str) -> ServiceRecord {
    ServiceRecord {
        name: name.into(),
        kind: "longrun".into(),
        description: Some(description.into()),
        supervisor: String::new(),
        sources: vec![SourceRecord {
            role: "script".into(),
            path: format!("/etc/init.d/{name}"),
            sha256: "ab".repeat(32),
        }],
        servicedir: Some(name.into()),
        companions: Vec::new(),
        s6_service_path: Some(format!("/out/{name}")),
        link_name: Some(name.into()),
        files: vec![FileRecord { path: format!("{name}/run"), mode: "0755".into(), sha256: "cd".repeat(32) }],
        user: None,
        log_dir: None,
        notification_fd: Some(3),
        ready_timeout_ms: None,
        dependencies: Default::default(),
        decisions: Vec::new(),
        diagnostics: vec![DiagnosticRecord {
            code: "rc2s6::x".into(),
            severity: "warning".into(),
            at: Some("/etc/init.d/x:3".into()),
            message: message.into(),
        }],
        private: false,
    }
}

/// Records whose text has what could look like a record's start or the `services:` line:
/// multi-line text (block scalars, with empty lines), quotes, `- ` and `services:` at the
/// start of a line of a value, long lines, non-ASCII.
fn tricky() -> Manifest {
    let mut records = vec![
        record("a", "one line", "plain"),
        record("b", "two\nlines", "a\n\n- name: c\nservices:\n"),
        record("c", "  leading spaces\n- item\n", "\"quoted\" 'single' # not a comment: [flow] {map}"),
        record("d", &"long ".repeat(60), "ünïcödé\ttab\r\ncarriage"),
        record("e", "", "- "),
        record("f", "services:", "---\n...\n"),
    ];
    records[2].kind = "bundle".into();
    records[3].private = true;
    Manifest::new(&OpenrcVersion::default(), "/out", records)
}

#[test]
fn rc2s6s_own_text_splits_and_reads_back_the_same() {
    let m = tricky();
    let text = m.to_yaml();
    let stored = by_record(text.clone(), &mut |_| Ok(()))
        .unwrap_or_else(|_| panic!("does not split:\n{text}"))
        .expect("nothing refused");
    assert_eq!(stored.to_manifest(), Ok(m.clone()));
    assert_eq!(stored.to_manifest(), Manifest::from_yaml(&text));
    assert_eq!(stored.bundles().collect::<Vec<_>>(), ["c"]);
    assert!(stored.any_private());
    for r in &m.services {
        assert_eq!(stored.service(&r.name), Ok(Some(r.clone())));
    }
    assert_eq!(stored.service("zz"), Ok(None));
    assert_eq!(stored.service(""), Ok(None));
}

#[test]
fn text_that_does_not_split_is_read_whole() {
    let text = tricky().to_yaml();
    let anchored = text.replacen("- name: a\n", "- &first\n  name: a\n", 1).replacen(
        "- name: e\n  kind: longrun\n",
        "- name: e\n  kind: longrun\n  extra: *first\n",
        1,
    );
    for hand_edited in [
        // A comment at the left margin, flow style (JSON is YAML), an anchor used in another
        // record.
        text.replacen("services:\n", "# edited\nservices:\n", 1).replacen("\n- name: b", "\n# b\n- name: b", 1),
        serde_json::to_string_pretty(&tricky()).expect("json"),
        anchored,
    ] {
        let whole = Manifest::from_yaml(&hand_edited);
        let read = StoredManifest::from_yaml(hand_edited.clone()).and_then(|s| s.to_manifest());
        assert!(whole.is_ok(), "{hand_edited}");
        assert_eq!(read, whole, "{hand_edited}");
    }
}

#[test]
fn a_broken_manifest_is_refused_as_the_whole_parse_refuses_it() {
    let text = tricky().to_yaml();
    for broken in [
        text.replacen("kind: longrun", "kind: [longrun", 1),
        text.replacen("rc2s6_version", "rc2s6_versio", 1),
        text.replacen("\n- name: c\n  kind:", "\n- nam: c\n  kind:", 1),
        "services:\n- name: a\n".to_string(),
        text.clone() + "services: []\n",
        String::new(),
    ] {
        let whole = Manifest::from_yaml(&broken).map(|_| ());
        let read = StoredManifest::from_yaml(broken.clone()).map(|_| ());
        assert!(whole.is_err(), "{broken}");
        assert_eq!(read, whole, "{broken}");
    }
}

#[test]
fn a_name_given_twice_finds_the_first() {
    let mut m = tricky();
    let mut again = record("a", "second", "second");
    again.kind = "oneshot".into();
    m.services.insert(1, again);
    let stored = StoredManifest::from_yaml(m.to_yaml()).expect("reads");
    assert_eq!(stored.service("a").expect("reads").expect("a").description.as_deref(), Some("one line"));
    assert_eq!(stored.to_manifest(), Ok(m));
}

/// Reads `text` as the writer does: from a file, left there.
fn on_disk(text: &str) -> (tempfile::NamedTempFile, StoredManifest) {
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    std::io::Write::write_all(&mut file, text.as_bytes()).expect("written");
    let mut stored = StoredManifest::from_yaml(text.to_string()).expect("reads");
    stored.leave_on_disk(file.reopen().expect("reopened"));
    (file, stored)
}

#[test]
fn records_left_on_disk_read_back_the_same() {
    let m = tricky();
    let (_file, stored) = on_disk(&m.to_yaml());
    assert!(matches!(stored.texts, super::Texts::OnDisk(_)));
    assert_eq!(stored.to_manifest(), Ok(m.clone()));
    for r in &m.services {
        assert_eq!(stored.service(&r.name), Ok(Some(r.clone())));
    }
}

#[test]
fn a_record_changed_on_disk_since_it_was_read_is_refused() {
    let text = tricky().to_yaml();
    let (file, stored) = on_disk(&text);
    // The same length, so every other record is where it was: only `b`'s text differs.
    std::fs::write(file.path(), text.replacen("two", "tw0", 1)).expect("edited");
    assert_eq!(stored.service("a").map(|r| r.is_some()), Ok(true));
    let err = stored.service("b").expect_err("changed");
    assert!(err.contains("changed while rc2s6 ran"), "{err}");
    assert!(stored.to_manifest().is_err());
}

#[test]
fn a_hand_edited_manifest_parsed_whole_stays_in_memory() {
    let text = serde_json::to_string_pretty(&tricky()).expect("json");
    let (_file, stored) = on_disk(&text);
    assert!(matches!(stored.texts, super::Texts::Held(_)));
    assert_eq!(stored.to_manifest(), Ok(tricky()));
}

#[test]
fn a_check_refuses_the_first_record_it_refuses_after_every_record_parsed() {
    let text = tricky().to_yaml();
    let no_c = |r: &ServiceRecord| if r.name == "c" || r.name == "d" { Err(format!("no {}", r.name)) } else { Ok(()) };
    assert_eq!(StoredManifest::from_yaml_checked(text.clone(), no_c).map(|_| ()), Err("no c".to_string()));
    // A text that does not parse is said first, as the whole parse says it.
    let broken = text.replacen("\n- name: e\n  kind:", "\n- nam: e\n  kind:", 1);
    let whole = Manifest::from_yaml(&broken).map(|_| ());
    assert!(whole.is_err());
    assert_eq!(StoredManifest::from_yaml_checked(broken, no_c).map(|_| ()), whole);
    // Read whole (JSON), the same check in the same order.
    let json = serde_json::to_string_pretty(&tricky()).expect("json");
    assert_eq!(StoredManifest::from_yaml_checked(json, no_c).map(|_| ()), Err("no c".to_string()));
}
