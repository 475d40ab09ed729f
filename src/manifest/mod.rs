//! `rc2s6.manifest.yaml`: everything generated, from what, and why. Sorted and free of
//! timestamps and host details, so the same inputs give the same bytes.

pub mod drift;
mod record_text;
pub mod stored;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::backend::service_dir::ServiceDir;
use crate::core::diagnostic::Finding;
use crate::core::parallel::in_order;
use crate::core::source::{FileId, SourceFile};
use crate::model::{Decision, Dependencies, Service, ServiceKind};
use crate::openrc::daemon_table::UserTable;
use crate::openrc::service_files::FileRole;
use crate::openrc::version::OpenrcVersion;

pub use crate::backend::service_dir::MANIFEST_NAME;

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// rc2s6's version.
    pub rc2s6_version: String,
    /// The OpenRC release and s6 backend semantics assumed.
    pub openrc: OpenrcRecord,
    /// The output directory as OpenRC will see it.
    pub output: String,
    /// The backend that wrote it, when not the s6 backend (`s6-rc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// The user's daemon tables (`--daemon-table`), in the order given, merged over the
    /// built-in ones (which rc2s6_version names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daemon_tables: Vec<DaemonTableRecord>,
    /// Every service, sorted by name.
    pub services: Vec<ServiceRecord>,
}

/// [`Manifest`] borrowed, serialized the same way: the fields in the same order, with the same
/// attributes.
#[derive(Serialize)]
struct ManifestView<'a> {
    rc2s6_version: &'a str,
    openrc: &'a OpenrcRecord,
    output: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    backend: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    daemon_tables: &'a [DaemonTableRecord],
    services: Vec<&'a ServiceRecord>,
}

/// A user's daemon table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaemonTableRecord {
    /// The path as given.
    pub path: String,
    /// SHA-256 of its contents.
    pub sha256: String,
    /// How many entries it has.
    pub entries: usize,
}

/// The OpenRC semantics assumed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenrcRecord {
    /// The version.
    pub version: String,
    /// What that version's s6 backend does, in words.
    pub semantics: String,
}

/// One service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRecord {
    /// RC_SVCNAME.
    pub name: String,
    /// `longrun`, `oneshot` or `not-converted`.
    pub kind: String,
    /// The script's `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The script's `supervisor` before migration (empty: start-stop-daemon).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub supervisor: String,
    /// The files the service was compiled from.
    pub sources: Vec<SourceRecord>,
    /// The service directory, relative to the output directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servicedir: Option<String>,
    /// The service's other directories, relative to the output directory: the s6-rc backend's
    /// logger and oneshots (`NAME-log`, `NAME-pre`, `NAME-post`). `files` lists theirs too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companions: Vec<String>,
    /// The path OpenRC uses (`s6_service_path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s6_service_path: Option<String>,
    /// The name OpenRC links into /run/openrc/s6-scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_name: Option<String>,
    /// Every generated file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRecord>,
    /// `user` or `user:group` the daemon runs as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Where s6-log writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_dir: Option<String>,
    /// The fd the daemon notifies readiness on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_fd: Option<u32>,
    /// Milliseconds OpenRC waits for readiness, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_timeout_ms: Option<u64>,
    /// Dependencies from depend() and rc_* settings.
    #[serde(default)]
    pub dependencies: DependencyRecord,
    /// Decisions and their reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<DecisionRecord>,
    /// Diagnostics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<DiagnosticRecord>,
    /// Some input file is not readable by others: the service's files and this manifest are
    /// written readable by their owner only, as they carry what those files hold.
    #[serde(default, skip_serializing_if = "is_false")]
    pub private: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// `script`, `conf.d` or `rc.conf`.
    pub role: String,
    /// The path as given.
    pub path: String,
    /// SHA-256 of its contents.
    pub sha256: String,
}

/// A generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Path relative to the output directory.
    pub path: String,
    /// Octal permission bits, e.g. `0755`.
    pub mode: String,
    /// SHA-256 of its contents.
    pub sha256: String,
}

/// Dependencies, as lists per kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DependencyRecord {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub need: Vec<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub use_: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub want: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub before: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub provide: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub keyword: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[allow(missing_docs)]
    pub config: Vec<String>,
    /// `kind name` entries declared only under an undecidable condition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditional: Vec<String>,
}

/// A decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// What was decided.
    pub topic: String,
    /// The choice and its reason.
    pub choice: String,
    /// The file and line that caused it, `path:line`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticRecord {
    /// The stable code.
    pub code: String,
    /// `error`, `warning` or `note`.
    pub severity: String,
    /// `path:line`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The message.
    pub message: String,
}

/// SHA-256 in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    // Two digits a byte from a table: `format!` per byte made a String each (32 per file).
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d.iter() {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// How the manifest names a file's role (`SourceRecord::role`).
pub fn role_name(r: FileRole) -> &'static str {
    match r {
        FileRole::RcConf => "rc.conf",
        FileRole::ConfD => "conf.d",
        FileRole::Script => "script",
    }
}

/// The manifest record for one service.
pub fn service_record(
    service: &Service,
    sources: &[(FileRole, SourceFile)],
    dir: Option<&ServiceDir>,
    findings: &[Finding],
    output: &str,
    log_dir: Option<String>,
    private: bool,
) -> ServiceRecord {
    let at = |file: FileId, offset: usize| {
        sources.get(file.index()).map(|(_, s)| format!("{}:{}", s.name(), s.line_col(offset).0))
    };
    let files = dir.map(file_records).unwrap_or_default();
    let daemon = service.daemon.as_ref().filter(|_| dir.is_some());
    ServiceRecord {
        name: service.name.clone(),
        kind: match (service.kind, dir.is_some()) {
            (ServiceKind::Longrun, true) => "longrun",
            (ServiceKind::Oneshot, _) => "oneshot",
            _ => "not-converted",
        }
        .into(),
        description: service.description.clone(),
        supervisor: service.supervisor_value.clone(),
        sources: sources
            .iter()
            .map(|(role, s)| SourceRecord {
                role: role_name(*role).into(),
                path: s.name().to_string(),
                sha256: sha256_hex(s.text().as_bytes()),
            })
            .collect(),
        servicedir: dir.map(|d| d.name.clone()),
        companions: Vec::new(),
        s6_service_path: dir.map(|d| format!("{}/{}", output.trim_end_matches('/'), d.name)),
        link_name: dir.map(|d| d.name.clone()),
        files,
        user: daemon.and_then(|d| d.user.as_ref()).map(|u| match &u.group {
            Some(g) => format!("{}:{}", u.user, g),
            None => u.user.clone(),
        }),
        log_dir: if daemon.is_some_and(|d| d.logger.is_none()) { log_dir } else { None },
        notification_fd: daemon.and_then(|d| d.notification_fd),
        ready_timeout_ms: service.ready_timeout_ms.filter(|_| daemon.is_some()),
        dependencies: dependency_record(&service.dependencies),
        decisions: service
            .decisions
            .iter()
            .map(|d| DecisionRecord {
                topic: d.topic.clone(),
                choice: d.choice.clone(),
                at: d.loc.and_then(|l| at(l.file, l.span.start)),
            })
            .collect(),
        diagnostics: findings
            .iter()
            .map(|f| DiagnosticRecord {
                code: f.code().name().into(),
                severity: f.severity.as_str().into(),
                at: f.position().map(|p| format!("{}:{}", f.file_name(), p.line)),
                message: f.message(),
            })
            .collect(),
        private,
    }
}

/// The record of an s6-rc service: the record of its own definition (`dir`) with its other
/// definitions' names and files added, and what the backend decided. OpenRC's link and
/// `s6_service_path` mean nothing there.
pub fn s6rc_record(mut record: ServiceRecord, companions: &[ServiceDir], decisions: &[Decision]) -> ServiceRecord {
    for d in companions {
        record.companions.push(d.name.clone());
        record.files.extend(file_records(d));
    }
    record.files.sort_by(|a, b| a.path.cmp(&b.path));
    record.s6_service_path = None;
    record.link_name = None;
    record.decisions.extend(decisions.iter().map(|d| DecisionRecord {
        topic: d.topic.clone(),
        choice: d.choice.clone(),
        at: None,
    }));
    record
}

/// The record of a bundle the s6-rc backend made for the set (a virtual name, a runlevel).
pub fn bundle_record(dir: &ServiceDir, what: &str, decisions: &[Decision]) -> ServiceRecord {
    ServiceRecord {
        name: dir.name.clone(),
        kind: "bundle".into(),
        description: Some(what.to_string()),
        supervisor: String::new(),
        sources: Vec::new(),
        servicedir: Some(dir.name.clone()),
        companions: Vec::new(),
        s6_service_path: None,
        link_name: None,
        files: file_records(dir),
        user: None,
        log_dir: None,
        notification_fd: None,
        ready_timeout_ms: None,
        dependencies: DependencyRecord::default(),
        // A bundle holds names only.
        private: false,
        decisions: decisions
            .iter()
            .map(|d| DecisionRecord { topic: d.topic.clone(), choice: d.choice.clone(), at: None })
            .collect(),
        diagnostics: Vec::new(),
    }
}

/// The records of a directory's files, paths relative to the output directory.
fn file_records(d: &ServiceDir) -> Vec<FileRecord> {
    d.files
        .iter()
        .map(|f| FileRecord {
            path: [d.name.as_str(), "/", f.path.as_str()].concat(),
            mode: octal_mode(f.mode),
            sha256: sha256_hex(f.contents.as_bytes()),
        })
        .collect()
}

/// Permission bits as the manifest writes them, `format!("{:04o}")`'s text (`0755`) made without
/// the formatting machinery: one for each of the thousands of files of a batch.
fn octal_mode(mode: u32) -> String {
    if mode > 0o7777 {
        return format!("{mode:04o}");
    }
    let digit = |shift: u32| char::from(b'0' + ((mode >> shift) & 7) as u8);
    [digit(9), digit(6), digit(3), digit(0)].into_iter().collect()
}

impl ServiceRecord {
    /// Every directory the service has under the output directory: its own, then the others.
    pub fn dirs(&self) -> impl Iterator<Item = &str> {
        self.servicedir.iter().chain(&self.companions).map(String::as_str)
    }
}

fn dependency_record(d: &Dependencies) -> DependencyRecord {
    DependencyRecord {
        need: d.need.clone(),
        use_: d.use_.clone(),
        want: d.want.clone(),
        after: d.after.clone(),
        before: d.before.clone(),
        provide: d.provide.clone(),
        keyword: d.keyword.clone(),
        config: d.config.clone(),
        conditional: d.conditional.clone(),
    }
}

/// How many records a thread turns into text at a time: enough that handing the texts over
/// (a lock and a wake-up) costs little beside making them.
const RECORDS_A_PIECE: usize = 16;
/// How many pieces may wait to be written: enough to keep every core busy, few enough that the
/// texts held at once stay small (256 records).
const PIECES_AHEAD: usize = 16;

/// Writes `head` (a manifest's text over no services, without its last line `services: []`)
/// and `services`, as serde_yaml writes the whole: `services:` at the left margin, then each
/// record as serde_yaml writes a sequence of one (a block sequence under a key is not indented,
/// so a record's text does not depend on where it stands; `manifest::stored` splits a manifest
/// at the same lines). Each record's text is made by `record_text` (serde_yaml's for a record
/// with a string it does not write), on all cores, while the texts before it are written: as
/// windows of 256 records, each on threads of its own, the threads were made and waited for
/// seven times over the corpus, and none made text while a window was written.
fn write_records_after(head: &str, services: &[&ServiceRecord], mut w: impl std::io::Write) -> std::io::Result<()> {
    w.write_all(head.as_bytes())?;
    w.write_all(b"services:\n")?;
    let pieces: Vec<&[&ServiceRecord]> = services.chunks(RECORDS_A_PIECE).collect();
    let text = |piece: &&[&ServiceRecord]| -> Result<String, serde_yaml::Error> {
        let mut out = String::new();
        for r in piece.iter() {
            match record_text::record_text(r) {
                Some(text) => out.push_str(&text),
                None => out.push_str(&serde_yaml::to_string(std::slice::from_ref(r))?),
            }
        }
        Ok(out)
    };
    in_order(&pieces, PIECES_AHEAD, text, |piece| w.write_all(piece.map_err(std::io::Error::other)?.as_bytes()))
}

impl Manifest {
    /// A manifest over these records, sorted by service name.
    pub fn new(target: &OpenrcVersion, output: &str, mut services: Vec<ServiceRecord>) -> Self {
        services.sort_by(|a, b| a.name.cmp(&b.name));
        Manifest {
            rc2s6_version: env!("CARGO_PKG_VERSION").into(),
            openrc: OpenrcRecord { version: target.to_string(), semantics: target.describe() },
            output: output.to_string(),
            backend: None,
            daemon_tables: Vec::new(),
            services,
        }
    }

    /// The same manifest, recording the user's daemon tables.
    pub fn with_daemon_tables(mut self, tables: &[UserTable]) -> Self {
        self.daemon_tables = tables
            .iter()
            .map(|t| DaemonTableRecord { path: t.path.clone(), sha256: t.sha256.clone(), entries: t.entries })
            .collect();
        self
    }

    /// The same manifest over other records, sorted by service name.
    pub fn with_services(&self, mut services: Vec<ServiceRecord>) -> Self {
        services.sort_by(|a, b| a.name.cmp(&b.name));
        // Field by field: `..self.clone()` would copy every record of `self` only to drop them.
        Manifest {
            rc2s6_version: self.rc2s6_version.clone(),
            openrc: self.openrc.clone(),
            output: self.output.clone(),
            backend: self.backend.clone(),
            daemon_tables: self.daemon_tables.clone(),
            services,
        }
    }

    /// Writes the YAML text of this manifest's header over other records (sorted by service
    /// name) to `w` as it is made, as `with_services(records).to_yaml()` would write it, without
    /// copying the records or holding the text (megabytes for thousands of services).
    pub fn write_yaml_over(&self, records: &[&ServiceRecord], w: impl std::io::Write) -> std::io::Result<()> {
        let mut services = records.to_vec();
        services.sort_by(|a, b| a.name.cmp(&b.name));
        let view = ManifestView {
            rc2s6_version: &self.rc2s6_version,
            openrc: &self.openrc,
            output: &self.output,
            backend: self.backend.as_deref(),
            daemon_tables: &self.daemon_tables,
            services: Vec::new(),
        };
        // The only error besides the writer's own is a type serde_yaml cannot write: the
        // manifest is plain data.
        let header = serde_yaml::to_string(&view).map_err(std::io::Error::other)?;
        match header.strip_suffix("services: []\n") {
            Some(head) if !services.is_empty() => write_records_after(head, &services, w),
            // No records, or a header in a layout this does not know: serde_yaml writes it all.
            _ => serde_yaml::to_writer(w, &ManifestView { services, ..view }).map_err(std::io::Error::other),
        }
    }

    /// The YAML text.
    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(self).expect("the manifest is plain data")
    }

    /// Reads a manifest.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }

    /// The service record by name.
    pub fn service(&self, name: &str) -> Option<&ServiceRecord> {
        self.services.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record whose strings are what makes YAML quote, fold or wrap: long lines past the
    /// emitter's width, newlines, quotes, `: `, `#`, `- `, words YAML reads as booleans,
    /// leading and trailing blanks, control and non-ASCII characters.
    fn awkward_record(i: usize) -> ServiceRecord {
        let texts = [
            "plain".to_string(),
            "a line far longer than eighty columns, with words that a YAML emitter may want to fold at its width here"
                .into(),
            "two\nlines\n".into(),
            "'single' and \"double\" quotes: and # a comment".into(),
            "- looks like a sequence".into(),
            "yes".into(),
            "  leading and trailing  ".into(),
            "tab\tand bell\u{7}, é, \u{E000}".into(),
            String::new(),
            format!("{}\n{}", "x".repeat(150), "y ".repeat(70)),
        ];
        let text = |k: usize| texts[(i + k) % texts.len()].clone();
        let yaml = format!("name: s{i:04}\nkind: longrun\nsources: []\ndependencies: {{}}\n");
        let mut r: ServiceRecord = serde_yaml::from_str(&yaml).expect("a minimal record");
        r.description = Some(text(0));
        r.diagnostics = (0..3)
            .map(|k| DiagnosticRecord {
                code: text(k + 1),
                severity: "warning".into(),
                at: Some(text(k + 2)),
                message: text(k + 3),
            })
            .collect();
        r
    }

    #[test]
    fn records_written_on_all_cores_make_the_text_serde_yaml_makes_of_the_whole() {
        let target = OpenrcVersion::parse("0.63.3").expect("a version");
        // Around a piece's end, and past what may wait to be written.
        let held = RECORDS_A_PIECE * PIECES_AHEAD;
        for n in [0, 1, 2, RECORDS_A_PIECE - 1, RECORDS_A_PIECE, RECORDS_A_PIECE + 1, held, 2 * held + 3] {
            let records: Vec<ServiceRecord> = (0..n).rev().map(awkward_record).collect();
            let header = Manifest::new(&target, "/var/svc.d", Vec::new());
            let mut written = Vec::new();
            header.write_yaml_over(&records.iter().collect::<Vec<_>>(), &mut written).expect("written");
            let whole = header.with_services(records).to_yaml();
            assert_eq!(String::from_utf8(written).expect("UTF-8"), whole, "{n} records");
        }
    }

    #[test]
    fn modes_are_written_as_format_writes_them() {
        for mode in [0, 0o7, 0o644, 0o755, 0o700, 0o4755, 0o7777, 0o10000, 0o123456] {
            assert_eq!(octal_mode(mode), format!("{mode:04o}"));
        }
    }

    #[test]
    fn sha256_hex_is_the_lowercase_digest() {
        // FIPS 180-2, appendix B.1: the digest of "abc".
        assert_eq!(super::sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
