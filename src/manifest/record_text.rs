//! A service record's YAML text made directly, byte for byte what serde_yaml_ng 0.10.0 writes
//! for it as an item of the manifest's `services:` sequence: serde_yaml_ng's emitter (libyaml's,
//! as unsafe-libyaml 0.2.11 ports it) took a seventh of a compile's instructions, most of them
//! per character. Only strings of printable ASCII are written here; a record holding any other
//! character (a newline makes a literal block, a tab or a control character a double-quoted
//! scalar, non-ASCII text depends on libyaml's table of printable characters) is left to
//! serde_yaml whole (`None`).
//!
//! What settles each rule: the emitter is made with unicode on and no line width
//! (`yaml_emitter_set_width(-1)`, serde_yaml_ng's `libyaml/emitter.rs`), so no line is ever
//! folded; block sequences under a mapping key are not indented; an empty sequence or mapping
//! is written `[]` / `{}` (libyaml's `yaml_emitter_check_empty_sequence`). A string is written
//! plain unless serde_yaml asks for single quotes (it would read back as something else than a
//! string: `de::visit_untagged_scalar`) or libyaml's `yaml_emitter_analyze_scalar` finds plain
//! text not allowed in block context; single quotes double a `'`.

use crate::core::byte_chunks::fold_by_sixteen;

use super::{DecisionRecord, DependencyRecord, DiagnosticRecord, FileRecord, ServiceRecord, SourceRecord};

/// The record's text as serde_yaml writes it in a sequence of one (`- name: …` at the left
/// margin), or `None` when it holds a string this does not write.
pub(super) fn record_text(r: &ServiceRecord) -> Option<String> {
    let mut t = Text { out: String::with_capacity(2048), ok: true };
    t.field("- ", "name", &r.name);
    t.field("  ", "kind", &r.kind);
    t.optional("  ", "description", r.description.as_deref());
    if !r.supervisor.is_empty() {
        t.field("  ", "supervisor", &r.supervisor);
    }
    t.items("  ", "sources", &r.sources, source);
    t.optional("  ", "servicedir", r.servicedir.as_deref());
    if !r.companions.is_empty() {
        t.strings("  ", "companions", &r.companions);
    }
    t.optional("  ", "s6_service_path", r.s6_service_path.as_deref());
    t.optional("  ", "link_name", r.link_name.as_deref());
    if !r.files.is_empty() {
        t.items("  ", "files", &r.files, file);
    }
    t.optional("  ", "user", r.user.as_deref());
    t.optional("  ", "log_dir", r.log_dir.as_deref());
    if let Some(fd) = r.notification_fd {
        t.number("  ", "notification_fd", u64::from(fd));
    }
    if let Some(ms) = r.ready_timeout_ms {
        t.number("  ", "ready_timeout_ms", ms);
    }
    dependencies(&mut t, &r.dependencies);
    if !r.decisions.is_empty() {
        t.items("  ", "decisions", &r.decisions, decision);
    }
    if !r.diagnostics.is_empty() {
        t.items("  ", "diagnostics", &r.diagnostics, diagnostic);
    }
    if r.private {
        t.out.push_str("  private: true\n");
    }
    t.ok.then_some(t.out)
}

fn source(t: &mut Text, s: &SourceRecord) {
    t.field("  - ", "role", &s.role);
    t.field("    ", "path", &s.path);
    t.field("    ", "sha256", &s.sha256);
}

fn file(t: &mut Text, f: &FileRecord) {
    t.field("  - ", "path", &f.path);
    t.field("    ", "mode", &f.mode);
    t.field("    ", "sha256", &f.sha256);
}

fn decision(t: &mut Text, d: &DecisionRecord) {
    t.field("  - ", "topic", &d.topic);
    t.field("    ", "choice", &d.choice);
    t.optional("    ", "at", d.at.as_deref());
}

fn diagnostic(t: &mut Text, d: &DiagnosticRecord) {
    t.field("  - ", "code", &d.code);
    t.field("    ", "severity", &d.severity);
    t.optional("    ", "at", d.at.as_deref());
    t.field("    ", "message", &d.message);
}

fn dependencies(t: &mut Text, d: &DependencyRecord) {
    let lists = [
        ("need", &d.need),
        ("use", &d.use_),
        ("want", &d.want),
        ("after", &d.after),
        ("before", &d.before),
        ("provide", &d.provide),
        ("keyword", &d.keyword),
        ("config", &d.config),
        ("conditional", &d.conditional),
    ];
    if lists.iter().all(|(_, l)| l.is_empty()) {
        t.out.push_str("  dependencies: {}\n");
        return;
    }
    t.out.push_str("  dependencies:\n");
    for (key, list) in lists.into_iter().filter(|(_, l)| !l.is_empty()) {
        t.strings("    ", key, list);
    }
}

/// The text so far, and whether every string in it was one this writes.
struct Text {
    out: String,
    ok: bool,
}

impl Text {
    /// `PREFIXkey: value`.
    fn field(&mut self, prefix: &str, key: &str, value: &str) {
        self.out.push_str(prefix);
        self.out.push_str(key);
        self.out.push(':');
        self.scalar(value);
        self.out.push('\n');
    }

    fn optional(&mut self, prefix: &str, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.field(prefix, key, v);
        }
    }

    fn number(&mut self, prefix: &str, key: &str, n: u64) {
        use std::fmt::Write as _;
        let _ = writeln!(self.out, "{prefix}{key}: {n}");
    }

    /// A sequence of strings under `key`, its items at the key's own indent.
    fn strings(&mut self, indent: &str, key: &str, items: &[String]) {
        self.sequence_key(indent, key, items.is_empty());
        for item in items {
            self.out.push_str(indent);
            self.out.push('-');
            self.scalar(item);
            self.out.push('\n');
        }
    }

    /// A sequence of mappings under `key` (at the record's indent), each written by `each`.
    fn items<T>(&mut self, indent: &str, key: &str, items: &[T], each: fn(&mut Text, &T)) {
        self.sequence_key(indent, key, items.is_empty());
        for item in items {
            each(self, item);
        }
    }

    /// `INDENTkey:` over a block sequence's items, or `INDENTkey: []` for an empty one.
    fn sequence_key(&mut self, indent: &str, key: &str, empty: bool) {
        self.out.push_str(indent);
        self.out.push_str(key);
        self.out.push_str(if empty { ": []\n" } else { ":\n" });
    }

    /// ` value`, plain or single-quoted as serde_yaml writes it.
    fn scalar(&mut self, value: &str) {
        let Some(marks) = printable_marks(value) else {
            self.ok = false;
            return;
        };
        self.out.push(' ');
        if serde_quotes(value) || !plain_allowed(value, marks) {
            self.out.push('\'');
            for (i, piece) in value.split('\'').enumerate() {
                if i > 0 {
                    self.out.push_str("''");
                }
                self.out.push_str(piece);
            }
            self.out.push('\'');
        } else {
            self.out.push_str(value);
        }
    }
}

/// Whether `value` holds a `:` or a `#`, when it is all printable ASCII; `None` when it is not.
/// The manifest is megabytes of these values (a digest alone is 64 bytes, a path often more):
/// read byte by byte, this was the largest part of writing a manifest's text.
fn printable_marks(value: &str) -> Option<bool> {
    let look = |(all, any): (bool, bool), b: u8| (all & (b.wrapping_sub(0x20) < 0x5f), any | (b == b':') | (b == b'#'));
    let (printable, marks) = fold_by_sixteen(value.as_bytes(), (true, false), look, |(all, _)| all);
    printable.then_some(marks)
}

/// Whether libyaml writes this printable ASCII text plain as a value in block context
/// (`yaml_emitter_analyze_scalar`'s `block_plain_allowed`; the empty string never comes here).
/// `marks`: whether it holds a `:` or a `#` (what is looked for past its first byte).
fn plain_allowed(v: &str, marks: bool) -> bool {
    let b = v.as_bytes();
    if b.is_empty() || b[0] == b' ' || b[b.len() - 1] == b' ' || v.starts_with("---") || v.starts_with("...") {
        return false;
    }
    // What follows a character: libyaml counts the end of the text as whitespace.
    let followed_by_space = |i: usize| b.get(i + 1).is_none_or(|&c| c == b' ');
    if matches!(b[0], b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"')
        || matches!(b[0], b'%' | b'@' | b'`')
        || (matches!(b[0], b'?' | b':' | b'-') && followed_by_space(0))
    {
        return false;
    }
    // A `:` past the first byte before a space or the end, or a `#` after a space: searched for
    // as the strings they make, which the standard library finds a chunk at a time.
    !(marks && (v[1..].contains(": ") || (b.len() > 1 && v.ends_with(':')) || v.contains(" #")))
}

/// Whether serde_yaml_ng writes the string single-quoted because it would read back as null, a
/// boolean, an integer or a float, or is digits with a leading zero (`ser.rs`, `serialize_str`,
/// through `de::visit_untagged_scalar`; the functions below are `de.rs`'s, for `u128`/`i128`,
/// which succeed wherever its `u64`/`i64` attempts do).
fn serde_quotes(v: &str) -> bool {
    match v.as_bytes().first() {
        None => return true,
        // Every number serde_yaml reads starts with one of these; the words are null's and
        // the booleans'.
        Some(b'0'..=b'9' | b'+' | b'-' | b'.') => {}
        Some(_) => {
            return matches!(
                v,
                "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
            );
        }
    }
    parse_unsigned_int(v) || parse_negative_int(v) || digits_but_not_number(v) || parse_f64(v)
}

fn parse_unsigned_int(scalar: &str) -> bool {
    let radix = |s: &str, r: u32| u128::from_str_radix(s, r).is_ok();
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, r) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return false;
            }
            if radix(rest, r) {
                return true;
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return false;
    }
    radix(unpositive, 10)
}

fn parse_negative_int(scalar: &str) -> bool {
    let radix = |s: &str, r: u32| i128::from_str_radix(s, r).is_ok();
    for (prefix, r) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if radix(&format!("-{rest}"), r) {
                return true;
            }
        }
    }
    !digits_but_not_number(scalar) && radix(scalar, 10)
}

fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

fn parse_f64(scalar: &str) -> bool {
    let unpositive = match scalar.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return false,
        Some(u) => u,
        None => scalar,
    };
    matches!(unpositive, ".inf" | ".Inf" | ".INF")
        || matches!(scalar, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
        || unpositive.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// serde_yaml's text of the record in a sequence of one.
    fn serde_text(r: &ServiceRecord) -> String {
        serde_yaml::to_string(std::slice::from_ref(r)).expect("plain data")
    }

    fn record_with(strings: &[String]) -> ServiceRecord {
        let s = |i: usize| strings[i % strings.len()].clone();
        let yaml = "name: x\nkind: longrun\nsources: []\ndependencies: {}\n";
        let mut r: ServiceRecord = serde_yaml::from_str(yaml).expect("a minimal record");
        r.name = s(0);
        r.description = Some(s(1));
        r.supervisor = s(2);
        r.sources = vec![SourceRecord { role: s(3), path: s(4), sha256: s(5) }];
        r.companions = vec![s(6), s(7)];
        r.files = vec![FileRecord { path: s(8), mode: s(9), sha256: s(10) }];
        r.user = Some(s(11));
        r.servicedir = Some(s(21));
        r.s6_service_path = Some(s(22));
        r.link_name = Some(s(23));
        r.log_dir = Some(s(24));
        r.notification_fd = Some(3);
        r.ready_timeout_ms = Some(u64::MAX);
        r.dependencies.need = vec![s(12)];
        r.dependencies.conditional = vec![s(13), s(14)];
        r.decisions = vec![
            DecisionRecord { topic: s(15), choice: s(16), at: None },
            DecisionRecord { topic: s(25), choice: s(26), at: Some(s(27)) },
        ];
        r.diagnostics = vec![DiagnosticRecord { code: s(17), severity: s(18), at: Some(s(19)), message: s(20) }];
        r.private = true;
        r
    }

    #[test]
    fn strings_yaml_reads_as_other_things_or_starts_with_indicators_are_quoted_as_serde_yaml_quotes_them() {
        let awkward = [
            "",
            "~",
            "null",
            "True",
            "FALSE",
            "yes",
            "0755",
            "0644",
            "-0",
            "+0",
            "0",
            "12",
            "-12",
            "+12",
            "0x1F",
            "-0x1F",
            "+0x1F",
            "0o17",
            "0b101",
            "0x+1",
            "1e5",
            "1e500",
            ".5",
            "5.",
            "-.inf",
            ".NaN",
            "+.inf",
            "inf",
            "NaN",
            "1121cfccd5913f0a",
            "99999999999999999999999999999999999999999",
            "- a",
            "-a",
            "a: b",
            "a:b",
            "a:",
            ":a",
            ": a",
            "? x",
            "?x",
            "#x",
            "x #y",
            "x#y",
            "'q'",
            "it's",
            "\"d\"",
            "`code` here",
            "@at",
            "%p",
            "!x",
            "&a",
            "*a",
            "|",
            ">",
            "[a]",
            "a[b]",
            "{a}",
            ",a",
            "a,b",
            "---",
            "--- a",
            "...",
            "..x",
            " lead",
            "trail ",
            "a  b",
            "/path/to:file:12",
            "rc2s6::model::x",
            "net",
            "-prefix",
        ]
        .map(String::from);
        for start in 0..awkward.len() {
            let strings: Vec<String> = awkward.iter().cycle().skip(start).take(21).cloned().collect();
            let r = record_with(&strings);
            assert_eq!(record_text(&r).as_deref(), Some(serde_text(&r).as_str()), "{strings:?}");
        }
    }

    #[test]
    fn empty_lists_and_dependencies_are_flow_style() {
        let mut r = record_with(&["a".to_string()]);
        r.sources.clear();
        r.dependencies = DependencyRecord::default();
        r.decisions.clear();
        assert_eq!(record_text(&r).as_deref(), Some(serde_text(&r).as_str()));
    }

    #[test]
    fn other_characters_are_left_to_serde_yaml() {
        for s in ["two\nlines", "tab\there", "é", "bell\u{7}"] {
            assert_eq!(record_text(&record_with(&[s.to_string()])), None, "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_printable_ascii_is_written_as_serde_yaml_writes_it(
            strings in proptest::collection::vec("[ -~]{0,12}|[-+.0-9eExXoObB_ :#']{0,8}|[ -~]{13,80}|[a-z/ :#]{14,70}", 28)
        ) {
            let r = record_with(&strings);
            prop_assert_eq!(record_text(&r), Some(serde_text(&r)));
        }
    }
}
