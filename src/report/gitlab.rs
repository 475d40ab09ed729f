//! GitLab Code Quality (a subset of Code Climate's issue format), which GitLab shows in merge
//! requests from a job's `artifacts: reports: codequality:` file. The fields are those GitLab's
//! documentation requires ("Code Quality report format", docs.gitlab.com/ci/testing/code_quality):
//! `description`, `check_name`, `fingerprint`, `severity` (one of info, minor, major, critical,
//! blocker) and `location.path` with `location.lines.begin`.
//!
//! GitLab keeps one issue per fingerprint and compares fingerprints between the merge request
//! and its target branch: a fingerprint is the file, the code, the message and the text under
//! the primary label — not the line number, so an issue does not look new when lines are added
//! above it — and which occurrence of that it is.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::core::diagnostic::{Finding, Severity};

/// The report: a JSON array with one issue per finding that has a file (GitLab needs a path).
pub fn render(findings: &[Finding]) -> String {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let issues: Vec<Value> = findings
        .iter()
        .filter_map(|f| {
            let file = f.file.as_ref()?;
            let path = file.name().strip_prefix("./").unwrap_or(file.name());
            let spanned = f
                .primary_label()
                .and_then(|l| file.text().get(l.offset()..l.offset() + l.len()))
                .unwrap_or("")
                .to_string();
            let key = [path, f.code().name(), &f.message(), &spanned].join("\0");
            let n = seen.entry(key.clone()).or_default();
            *n += 1;
            let digest = Sha256::digest(format!("{key}\0{n}").as_bytes());
            let fingerprint: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            let p = f.position();
            let mut description = f.message();
            if let Some(h) = f.help() {
                description.push_str(" (help: ");
                description.push_str(&h);
                description.push(')');
            }
            Some(json!({
                "description": description,
                "check_name": f.code().name(),
                "fingerprint": fingerprint,
                "severity": severity(f.severity),
                "location": {
                    "path": path,
                    "lines": {
                        "begin": p.map_or(1, |p| p.line),
                        "end": p.map_or(1, |p| p.end_line),
                    },
                },
            }))
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// GitLab's scale: an error stops the service (or the lint), `major`; a warning `minor`; a
/// note `info`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Advice => "info",
    }
}
