//! SARIF 2.1.0, the format GitHub code scanning (and other viewers) take: one run, a rule per
//! code that occurs, with its explanation as help, and a result per finding. Columns count
//! Unicode code points, as the run says; regions end just after their last character.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::core::diagnostic::{Code, Finding, Severity};

/// The SARIF log, pretty-printed, with a final newline.
pub fn render(findings: &[Finding]) -> String {
    // A rule per code that occurs, in code order, described by the code itself.
    let rules: BTreeSet<&'static Code> = findings.iter().map(Finding::code).collect();
    let index: BTreeMap<&'static Code, usize> = rules.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rule_objects: Vec<Value> = rules.iter().map(|code| rule(code)).collect();
    let results: Vec<Value> = findings.iter().map(|f| result(f, index.get(f.code()).copied())).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "rc2s6",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rule_objects,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

/// A code's rule metadata: its summary, its explanation as help and its default severity.
fn rule(code: &Code) -> Value {
    let summary = code.summary();
    let explanation = code.explanation();
    json!({
        "id": code.name(),
        "name": pascal_case(code.short_name()),
        "shortDescription": { "text": summary },
        "fullDescription": { "text": summary },
        "help": { "text": explanation, "markdown": explanation },
        "defaultConfiguration": { "level": level(code.severity()) },
    })
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut message = f.message();
    if let Some(h) = f.help() {
        message.push_str("\nhelp: ");
        message.push_str(&h);
    }
    let mut r = json!({
        "ruleId": f.code().name(),
        "level": level(f.severity),
        "message": { "text": message },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(file) = &f.file {
        let mut physical = json!({ "artifactLocation": artifact(file.name()) });
        if let Some(p) = f.position() {
            physical["region"] = json!({
                "startLine": p.line,
                "startColumn": p.column,
                "endLine": p.end_line,
                "endColumn": p.end_column,
            });
        }
        r["locations"] = json!([{ "physicalLocation": physical }]);
        let related = related_locations(f, file);
        if !related.is_empty() {
            r["relatedLocations"] = json!(related);
        }
    }
    r
}

/// The labels after the primary one (where a syntax error's parser gave up, where a command
/// started), each a region with its label as message.
fn related_locations(f: &Finding, file: &crate::core::source::SourceFile) -> Vec<Value> {
    let Some(labels) = f.diagnostic.labels() else { return Vec::new() };
    labels
        .skip(1)
        .enumerate()
        .map(|(i, l)| {
            let (line, column) = file.line_col(l.offset());
            let (end_line, end_column) = if l.is_empty() { (line, column) } else { file.line_col(l.offset() + l.len()) };
            json!({
                "id": i + 1,
                "physicalLocation": {
                    "artifactLocation": artifact(file.name()),
                    "region": { "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column },
                },
                "message": { "text": l.label().unwrap_or("") },
            })
        })
        .collect()
}

/// A file as SARIF wants it: a relative URI against the checkout's root, or a `file://` URI.
fn artifact(path: &str) -> Value {
    let relative = path.strip_prefix("./").unwrap_or(path);
    if relative.starts_with('/') {
        json!({ "uri": format!("file://{}", encode(relative)) })
    } else {
        json!({ "uri": encode(relative), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes what may not appear in a URI path.
fn encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `relative_command` → `RelativeCommand`.
fn pascal_case(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}
