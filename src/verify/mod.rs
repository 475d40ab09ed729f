//! `rc2s6 verify`: given init scripts as OpenRC will see them, check that OpenRC's s6 backend
//! will link exactly the service directories rc2s6 generated, and that s6 can run them.
//!
//! Three steps, IO only in the middle one: [`expected`] works out from each script's model what
//! OpenRC would link (pure); [`tree::observe`] reads the directories, the manifest, the scan
//! directory and asks the real `execlineb` (the edge); [`check`] compares the two (pure).

pub mod error;
pub mod openrc_generated;
pub mod tree;

use std::collections::BTreeMap;

use miette::SourceSpan;

use crate::backend::execline::tokenize;
use crate::backend::s6::EXECLINEB;
use crate::backend::service_dir::invalid_name;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::source::SourceFile;
use crate::manifest::Manifest;
use crate::manifest::drift::{Drift, DriftKind};
use crate::model::Loc;
use crate::model::analysis::Analysis;
use crate::openrc::paths::{RC_SVCDIR, VAR_SVC_D, default_service_path};
use crate::openrc::version::{OpenrcVersion, S6Backend, UnlinkedOutput};
use error::{
    CollisionEffect, EntryKind, ForeignEntry, InterpreterFix, ReadinessWait, Recreate, SupervisorValue, VerifyError,
};
use tree::{DirSnapshot, PathKind, ScanKind, ScanSnapshot};

/// What verify is asked to check against.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The OpenRC whose s6 backend will run the scripts.
    pub target: OpenrcVersion,
    /// The directory rc2s6 compiled into (absolute).
    pub output: String,
    /// The scan directory to compare, if any (`/run/openrc/s6-scan` on a live system).
    pub scan_dir: Option<String>,
}

impl VerifyOptions {
    /// The scan directory OpenRC links into: the given one, or OpenRC's.
    pub fn scan_dir(&self) -> String {
        self.scan_dir.clone().unwrap_or_else(crate::openrc::paths::scan_dir)
    }
}

/// Where OpenRC will link one service, worked out from its script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// RC_SVCNAME.
    pub service: String,
    /// The script's path.
    pub script: String,
    /// The name of the link in the scan directory.
    pub link: String,
    /// The service directory the link points to; empty when the script empties
    /// `s6_service_path`, and OpenRC 0.16–0.62 links nothing (its start fails).
    pub servicedir: String,
    /// OpenRC ≥ 0.63 will build this directory itself (`command` set, or no compatibility mode).
    pub openrc_generates: bool,
    /// The assignment that decides the path (`s6_service_path` or `name`), if any.
    pub decided_at: Option<Loc>,
}

/// What the system holds, as [`tree::observe`] read it.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Service directories by path: every expected one, rc2s6's own, and every link target.
    pub dirs: BTreeMap<String, DirSnapshot>,
    /// The output directory's manifest.
    pub manifest: Option<Manifest>,
    /// Drift of each manifest record named by a service, or why it could not be read.
    pub drift: BTreeMap<String, Result<Vec<Drift>, String>>,
    /// The scan directory, when asked for.
    pub scan: Option<ScanSnapshot>,
    /// Whether a real execlineb checked the scripts.
    pub execlineb: bool,
}

/// One service's verdict.
#[derive(Debug, Clone)]
pub struct ServiceReport {
    /// What OpenRC will link.
    pub expected: Expected,
    /// What is wrong or worth knowing.
    pub findings: Vec<Finding>,
}

/// Everything verify found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings about the whole set.
    pub global: Vec<Finding>,
    /// One report per script, in the order given.
    pub services: Vec<ServiceReport>,
}

impl Report {
    /// Whether nothing is an error.
    pub fn consistent(&self) -> bool {
        self.all().all(|f| f.severity != Severity::Error)
    }

    /// Every finding, global ones first.
    pub fn all(&self) -> impl Iterator<Item = &Finding> {
        self.global.iter().chain(self.services.iter().flat_map(|s| s.findings.iter()))
    }
}

/// The link and service directory OpenRC's s6 backend will use for this script.
pub fn expected(a: &Analysis, target: &OpenrcVersion) -> Expected {
    let s = &a.service;
    let setting = |n: &str| s.settings.get(n).filter(|v| !v.value.is_empty());
    let script = a.script().name().to_string();
    match target.backend() {
        S6Backend::Legacy => {
            // s6.sh: [ -z "$s6_service_path" ] && s6_service_path=/var/svc.d/$RC_SVCNAME, and
            // the link is s6-scan/${s6_service_path##*/}. openrc-run sources s6.sh after rc.conf
            // and conf.d but before the script, so an empty value from the script stays empty.
            let script_index = a.script_id();
            let emptied = s
                .settings
                .get("s6_service_path")
                .filter(|v| v.value.is_empty() && v.exact && v.at.is_some_and(|l| l.file == script_index));
            let (path, at) = match (setting("s6_service_path"), emptied) {
                (Some(v), _) => (v.value.clone(), v.at),
                (None, Some(v)) => (String::new(), v.at),
                (None, None) => (default_service_path(&s.name), None),
            };
            let link = path.rsplit('/').next().unwrap_or("").to_string();
            Expected {
                service: s.name.clone(),
                script,
                link,
                servicedir: path,
                openrc_generates: false,
                decided_at: at,
            }
        }
        S6Backend::Generated => {
            // s6.sh: name=${name:-$RC_SVCNAME}; /var/svc.d/$name when command is empty and its
            // run is executable (0.63.1+), else its own $RC_SVCDIR/s6-services/$name.
            let (name, at) = match setting("name") {
                Some(v) => (v.value.clone(), v.at),
                None => (s.name.clone(), None),
            };
            let generates = setting("command").is_some() || !target.has_compat_mode();
            let servicedir =
                if generates { format!("{RC_SVCDIR}/s6-services/{name}") } else { format!("{VAR_SVC_D}/{name}") };
            Expected {
                service: s.name.clone(),
                script,
                link: name,
                servicedir,
                openrc_generates: generates,
                decided_at: at,
            }
        }
    }
}

/// The service directory rc2s6 compiled for a service (`OUT/NAME`).
pub fn rc2s6_dir(opts: &VerifyOptions, service: &str) -> String {
    format!("{}/{service}", opts.output.trim_end_matches('/'))
}

fn same_path(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// The file and span a finding about `loc` points at: the assignment, or the script's first line.
fn locate(a: &Analysis, loc: Option<Loc>) -> (SourceFile, SourceSpan) {
    match loc.and_then(|l| a.find_source(l.file).map(|f| (f.clone(), l.span.into()))) {
        Some(x) => x,
        None => {
            let text = a.script().text();
            (a.script().clone(), (0, text.find('\n').unwrap_or(text.len())).into())
        }
    }
}

/// Compares what OpenRC will do with what is on disk.
pub fn check(analyses: &[Analysis], world: &World, opts: &VerifyOptions) -> Report {
    let target = &opts.target;
    let mut report = Report::default();
    for problem in target.unlinked_output(&opts.output) {
        let version = target.to_string();
        let error = match problem {
            UnlinkedOutput::NoCompatMode => VerifyError::NoCompatMode { version },
            UnlinkedOutput::NotVarSvcD => VerifyError::OutputNotVarSvcD { version, output: opts.output.clone() },
        };
        report.global.push(Finding::new(None, error));
    }
    if !world.execlineb {
        report.global.push(Finding::new(None, VerifyError::ExeclinebNotFound));
    }
    if world.manifest.is_none() {
        report.global.push(Finding::new(None, VerifyError::ManifestMissing { output: opts.output.clone() }));
    }
    let expectations: Vec<Expected> = analyses.iter().map(|a| expected(a, target)).collect();
    let mut by_link: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in expectations.iter().enumerate().filter(|(_, e)| !e.servicedir.is_empty()) {
        by_link.entry(e.link.as_str()).or_default().push(i);
    }
    for (i, a) in analyses.iter().enumerate() {
        let e = &expectations[i];
        let mut f = Vec::new();
        let script = a.script().clone();
        let mut push = |file: Option<SourceFile>, err: VerifyError| f.push(Finding::new(file, err));
        // A script that does not parse: the parser has said where; nothing else is known.
        let broken: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|x| {
                x.severity == Severity::Error
                    && (x.code().starts_with("rc2s6::parse") || x.code().starts_with("rc2s6::input"))
            })
            .collect();
        if !broken.is_empty() || !a.parsed {
            f.extend(broken.into_iter().cloned());
            report.services.push(ServiceReport { expected: e.clone(), findings: f });
            continue;
        }
        check_selection(a, target, &mut push);
        if e.servicedir.is_empty() {
            let (file, span) = locate(a, e.decided_at);
            push(Some(file), VerifyError::ServicePathEmpty { version: target.to_string(), span });
            report.services.push(ServiceReport { expected: e.clone(), findings: f });
            continue;
        }
        if let Some(why) = invalid_name(&e.link) {
            let (file, span) = locate(a, e.decided_at);
            push(Some(file), VerifyError::BadLinkName { link: e.link.clone(), why: why.into(), span });
        }
        for &j in by_link.get(e.link.as_str()).into_iter().flatten() {
            if j != i {
                let other = &expectations[j];
                let version = target.to_string();
                let effect = if same_path(&e.servicedir, &other.servicedir) {
                    CollisionEffect::Shared { dir: e.servicedir.clone(), setting: target.link_setting() }
                } else if target.links_with_ln() {
                    CollisionEffect::NestedLink { version }
                } else {
                    CollisionEffect::SvlinkFails { version }
                };
                let (file, span) = locate(a, e.decided_at);
                push(
                    Some(file),
                    VerifyError::LinkCollision {
                        link: e.link.clone(),
                        first: e.script.clone(),
                        second: other.script.clone(),
                        effect,
                        span,
                    },
                );
            }
        }
        if !e.openrc_generates {
            match world.dirs.get(&e.servicedir) {
                Some(dir) => check_dir(a, e, dir, world, opts, &mut push),
                None => {
                    let (file, span) = locate(a, e.decided_at);
                    let fix = recreate(e, world, opts);
                    push(Some(file), VerifyError::ServicedirMissing { path: e.servicedir.clone(), fix, span });
                }
            }
        }
        if let Some(scan) = &world.scan {
            check_link(e, scan, world, opts, &script, &mut push);
        }
        report.services.push(ServiceReport { expected: e.clone(), findings: f });
    }
    if let Some(scan) = &world.scan {
        report.global.extend(check_scan(&expectations, scan, world, opts));
    }
    report
}

/// supervisor=s6, `need s6-svscan`, start()/stop() through the backend, no `command` on 0.63+.
fn check_selection(a: &Analysis, target: &OpenrcVersion, push: &mut dyn FnMut(Option<SourceFile>, VerifyError)) {
    let s = &a.service;
    let supervisor = s.settings.get("supervisor");
    if supervisor.map(|v| v.value.as_str()) != Some("s6") {
        let (file, span) = locate(a, supervisor.and_then(|v| v.at));
        let value = match supervisor {
            Some(v) => SupervisorValue::Set(v.value.clone()),
            None => SupervisorValue::Unset,
        };
        push(Some(file), VerifyError::NotS6 { value, span });
    }
    let depend_at = s.functions.iter().rev().find(|(n, _)| n == "depend").map(|(_, l)| *l);
    if target.needs_declared_s6_svscan() && !s.dependencies.need.iter().any(|n| n == "s6-svscan") {
        let (file, span) = locate(a, depend_at);
        push(Some(file), VerifyError::MissingNeedS6Svscan { version: target.to_string(), span });
    }
    if target.generates_from_command() {
        if let Some(c) = s.settings.get("command").filter(|c| !c.value.is_empty()) {
            let (file, span) = locate(a, c.at);
            push(Some(file), VerifyError::CommandSet { version: target.to_string(), span });
        }
    }
    // start() and stop() as OpenRC runs them: the functions they call are followed.
    let script_index = a.script_id();
    let overrides = [
        ("start", &s.backend_calls.start, ["default_start", "s6_start"]),
        ("stop", &s.backend_calls.stop, ["default_stop", "s6_stop"]),
    ];
    for (name, calls, backend) in overrides {
        let Some(calls) = calls else { continue };
        let reaches = calls.iter().any(|c| backend.contains(&c.function.as_str()));
        let launch = s.custom_launch.filter(|l| l.file == script_index && name == "start");
        if reaches && launch.is_none() {
            continue;
        }
        let def = s.functions.iter().rev().find(|(n, _)| n == name).map(|(_, l)| *l);
        let (file, span) = locate(a, launch.or(def));
        push(
            Some(file),
            if name == "start" { VerifyError::StartBypassesS6 { span } } else { VerifyError::StopBypassesS6 { span } },
        );
    }
}

/// An integer file as s6-supervise 2.11 reads it (`read_uint`): at most 11 bytes (UINT_FMT), cut
/// at the first newline, then `uint0_scan`: decimal digits only, leading zeros allowed, within an
/// unsigned int. `None` is what s6-supervise warns about ("invalid …") and ignores.
fn s6_uint(bytes: &[u8]) -> Option<u32> {
    let head = &bytes[..bytes.len().min(11)];
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    if line.is_empty() || !line.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(line).ok()?.parse().ok()
}

/// A notification-fd a daemon can use: one s6-supervise reads, and not stdin, stdout or stderr.
fn notification_fd(text: &str) -> Option<u32> {
    s6_uint(text.as_bytes()).filter(|n| *n >= 3)
}

/// The `-t` of s6-svwait options (`-t 5000`, `-t5000`), if any.
fn svwait_timeout(options: &str) -> Option<u64> {
    let words: Vec<&str> = options.split_whitespace().collect();
    words.iter().enumerate().find_map(|(i, w)| {
        let rest = w.strip_prefix("-t")?;
        let n = if rest.is_empty() { words.get(i + 1).copied() } else { Some(rest) };
        n.and_then(|n| n.parse().ok())
    })
}

/// How to make the service directory OpenRC will link: compile into its parent, with `--force`
/// when the manifest there lists it (compile leaves a listed directory that lost files alone).
fn recreate(e: &Expected, world: &World, opts: &VerifyOptions) -> Recreate {
    let output = e.servicedir.trim_end_matches('/').rsplit_once('/').map(|x| x.0).unwrap_or("").to_string();
    let output = if output.is_empty() { "/".to_string() } else { output };
    let listed = same_path(&output, &opts.output)
        && world.manifest.as_ref().is_some_and(|m| {
            m.services.iter().any(|r| {
                r.servicedir
                    .as_ref()
                    .is_some_and(|d| same_path(&format!("{}/{d}", output.trim_end_matches('/')), &e.servicedir))
            })
        });
    Recreate { output, listed, setting: opts.target.link_setting() }
}

/// The service directory itself: scripts, readiness files, drift.
fn check_dir(
    a: &Analysis,
    e: &Expected,
    dir: &DirSnapshot,
    world: &World,
    opts: &VerifyOptions,
    push: &mut dyn FnMut(Option<SourceFile>, VerifyError),
) {
    let script = a.script().clone();
    let full = |p: &str| format!("{}/{p}", e.servicedir.trim_end_matches('/'));
    match dir.kind {
        PathKind::Missing => {
            let (file, span) = locate(a, e.decided_at);
            let fix = recreate(e, world, opts);
            push(Some(file), VerifyError::ServicedirMissing { path: e.servicedir.clone(), fix, span });
            return;
        }
        PathKind::Other => {
            let (file, span) = locate(a, e.decided_at);
            let fix = recreate(e, world, opts);
            push(Some(file), VerifyError::ServicedirNotDirectory { path: e.servicedir.clone(), fix, span });
            return;
        }
        PathKind::Dir => {}
    }
    let logged = dir.files.iter().any(|f| f.path.starts_with("log/"));
    for path in ["run", "log/run"] {
        if path == "log/run" && !logged {
            continue;
        }
        match dir.file(path) {
            None => push(Some(script.clone()), VerifyError::ScriptMissing { path: full(path) }),
            Some(f) if f.mode & 0o111 == 0 => push(
                Some(script.clone()),
                VerifyError::ScriptNotExecutable { path: full(path), mode: format!("{:04o}", f.mode) },
            ),
            Some(_) => {}
        }
    }
    for sc in &dir.scripts {
        if let Some(i) = &sc.interpreter {
            if !sc.interpreter_exists {
                let fix = if i == EXECLINEB { InterpreterFix::Execline(i.clone()) } else { InterpreterFix::Other };
                push(
                    Some(script.clone()),
                    VerifyError::InterpreterMissing { path: full(&sc.path), interpreter: i.clone(), fix },
                );
            }
        }
        let verdict = match &sc.execline {
            Some(v) => v.clone(),
            // No execlineb here: rc2s6's tokenizer reads execline the way execlineb does.
            None if sc.interpreter.as_deref().is_some_and(|i| i.ends_with("execlineb")) => {
                tokenize(&dir.text(&sc.path).unwrap_or_default())
                    .map(|_| ())
                    .map_err(|m| format!("{m} (rc2s6's reading)"))
            }
            None => Ok(()),
        };
        if let Err(message) = verdict {
            push(Some(script.clone()), VerifyError::ExeclineSyntax { path: full(&sc.path), message });
        }
    }
    let mut fd = None;
    for path in ["notification-fd", "log/notification-fd"] {
        let Some(bytes) = dir.file(path).and_then(|f| f.contents.as_deref()) else { continue };
        let Some(n) = s6_uint(bytes) else {
            let text = String::from_utf8_lossy(bytes);
            let value = text.strip_suffix('\n').unwrap_or(&text).escape_debug().to_string();
            push(Some(script.clone()), VerifyError::BadNotificationFd { path: full(path), value });
            continue;
        };
        if notification_fd(&String::from_utf8_lossy(bytes)).is_none() {
            let stream = ["stdin", "stdout", "stderr"][n.min(2) as usize];
            let run = if path.starts_with("log/") { "log/run" } else { "run" };
            push(
                Some(script.clone()),
                VerifyError::NotificationFdStdio { path: full(path), fd: n, stream, script: run },
            );
        }
        // s6 uses it, even on a standard stream.
        if path == "notification-fd" {
            fd = Some(n);
        }
    }
    check_readiness(a, e, fd, &opts.target, push);
    check_drift(a, e, dir, world, opts, push);
}

/// Whether OpenRC waits for readiness, and whether the service directory can provide it.
fn check_readiness(
    a: &Analysis,
    e: &Expected,
    fd: Option<u32>,
    target: &OpenrcVersion,
    push: &mut dyn FnMut(Option<SourceFile>, VerifyError),
) {
    let s = &a.service;
    let get = |n: &str| s.settings.get(n).filter(|v| !v.value.is_empty());
    match target.backend() {
        S6Backend::Legacy => {
            let opts = get("s6_svwait_options_start");
            let waits = opts.is_some_and(|o| {
                o.value.split_whitespace().any(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('U'))
            });
            let (file, span) = locate(a, opts.and_then(|o| o.at));
            match (waits, fd) {
                (true, None) => {
                    let value = opts.map(|o| o.value.as_str()).unwrap_or("");
                    let wait = match svwait_timeout(value) {
                        Some(ms) if ms > 0 => ReadinessWait::ThenStarted(ms),
                        _ => ReadinessWait::Forever,
                    };
                    push(
                        Some(file),
                        VerifyError::ReadinessWithoutNotificationFd {
                            setting: format!("`s6_svwait_options_start=\"{value}\"`"),
                            path: e.servicedir.clone(),
                            wait,
                            span,
                        },
                    )
                }
                (false, Some(n)) => push(
                    Some(file),
                    VerifyError::NotificationUnwaited {
                        path: e.servicedir.clone(),
                        fd: n.to_string(),
                        fix: "set `s6_svwait_options_start=\"-U -t MILLISECONDS\"`".into(),
                        span,
                    },
                ),
                _ => {}
            }
        }
        S6Backend::Generated => {
            // s6.sh: `if test -n "$timeout_ready"`, s6-svwait -U (with notify=fd:N) or -u.
            let notify = get("notify");
            let notify_fd = notify.and_then(|n| n.value.strip_prefix("fd:").map(str::to_string));
            let timeout_ready = get("timeout_ready");
            let waits = notify_fd.is_some() && timeout_ready.is_some();
            let (file, span) = locate(a, notify.and_then(|n| n.at));
            match (&notify_fd, fd) {
                (Some(_), None) if waits => {
                    let timeout = timeout_ready.map(|t| t.value.as_str()).unwrap_or("");
                    let wait = match timeout.trim().parse::<u64>() {
                        Ok(ms) if ms > 0 => ReadinessWait::ThenFails(ms),
                        _ => ReadinessWait::Forever,
                    };
                    push(
                        Some(file.clone()),
                        VerifyError::ReadinessWithoutNotificationFd {
                            setting: format!(
                                "`notify={}` with `timeout_ready={timeout}`",
                                notify.map(|n| n.value.as_str()).unwrap_or("")
                            ),
                            path: e.servicedir.clone(),
                            wait,
                            span,
                        },
                    )
                }
                (Some(n), Some(f)) if n.trim() != f.to_string() => push(
                    Some(file.clone()),
                    VerifyError::NotifyFdMismatch {
                        notify: n.clone(),
                        path: format!("{}/notification-fd", e.servicedir),
                        fd: f.to_string(),
                        span,
                    },
                ),
                _ => {}
            }
            if let (false, Some(n)) = (waits, fd) {
                push(
                    Some(file),
                    VerifyError::NotificationUnwaited {
                        path: e.servicedir.clone(),
                        fd: n.to_string(),
                        fix: format!("set `notify=fd:{n}` and `timeout_ready=MILLISECONDS` (0 waits forever)"),
                        span,
                    },
                );
            }
        }
    }
}

/// The directory against what the manifest says rc2s6 wrote there.
fn check_drift(
    a: &Analysis,
    e: &Expected,
    dir: &DirSnapshot,
    world: &World,
    opts: &VerifyOptions,
    push: &mut dyn FnMut(Option<SourceFile>, VerifyError),
) {
    let Some(manifest) = &world.manifest else { return };
    let script = a.script().clone();
    let record = manifest.services.iter().find(|r| {
        r.servicedir
            .as_ref()
            .is_some_and(|d| same_path(&format!("{}/{d}", opts.output.trim_end_matches('/')), &e.servicedir))
    });
    let Some(record) = record else {
        let (file, span) = locate(a, e.decided_at);
        push(Some(file), VerifyError::NotFromRc2s6 { path: e.servicedir.clone(), output: opts.output.clone(), span });
        return;
    };
    let drift = match world.drift.get(&record.name) {
        Some(Ok(d)) => d,
        Some(Err(_)) | None => return,
    };
    let base = e.servicedir.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    for d in drift {
        let rel = d.path.split_once('/').map(|x| x.1).unwrap_or(&d.path);
        let full = format!("{}/{}", opts.output.trim_end_matches('/'), d.path);
        let nested = opts.target.links_with_ln()
            && d.kind == DriftKind::Extra
            && rel == base
            && dir.file(rel).and_then(|f| f.link.as_deref()).is_some_and(|t| same_path(t, &e.servicedir));
        let err = match d.kind {
            _ if nested => VerifyError::OpenrcNestedLink { path: full, version: opts.target.to_string() },
            DriftKind::Edited => VerifyError::FileEdited { path: full },
            DriftKind::Missing => VerifyError::FileMissing { path: full },
            DriftKind::Extra | DriftKind::Foreign | DriftKind::Symlink => VerifyError::FileExtra { path: full },
            // A running supervisor is what a live system should have; only a rewrite must avoid it.
            DriftKind::Supervised => continue,
        };
        push(Some(script.clone()), err);
    }
}

/// The service's own link in the scan directory.
fn check_link(
    e: &Expected,
    scan: &ScanSnapshot,
    world: &World,
    opts: &VerifyOptions,
    script: &SourceFile,
    push: &mut dyn FnMut(Option<SourceFile>, VerifyError),
) {
    let link = format!("{}/{}", scan.dir.trim_end_matches('/'), e.link);
    let Some(entry) = scan.entries.iter().find(|x| x.name == e.link) else {
        push(Some(script.clone()), VerifyError::NotLinked { link, expected: e.servicedir.clone() });
        return;
    };
    let services =
        format!("{}/s6-services/", scan.dir.trim_end_matches('/').rsplit_once('/').map(|x| x.0).unwrap_or(""));
    match &entry.kind {
        ScanKind::Link { target, resolved: None } => {
            push(Some(script.clone()), VerifyError::DanglingLink { link, target: target.clone() })
        }
        ScanKind::Link { target, resolved: Some(resolved) } => {
            let openrc_made = opts.target.generates_from_command()
                && (target.starts_with(&services) || resolved.starts_with(&services));
            if openrc_made {
                let ours = rc2s6_dir(opts, &e.service);
                push(
                    Some(script.clone()),
                    VerifyError::OpenrcGeneratedInUse {
                        link: link.clone(),
                        target: target.clone(),
                        ours: ours.clone(),
                    },
                );
                if let (Some(theirs), Some(ours)) = (world.dirs.get(target.as_str()), world.dirs.get(&ours)) {
                    for d in openrc_generated::compare(theirs, ours, &e.service) {
                        push(Some(script.clone()), d);
                    }
                }
                return;
            }
            let canonical = world.dirs.get(&e.servicedir).and_then(|d| d.canonical.as_deref());
            if !same_path(target, &e.servicedir) && canonical != Some(resolved.as_str()) {
                push(
                    Some(script.clone()),
                    VerifyError::LinkWrongTarget { link, actual: target.clone(), expected: e.servicedir.clone() },
                );
            }
        }
        ScanKind::Dir | ScanKind::File | ScanKind::Other => {
            let kind = entry_kind(&entry.kind);
            push(Some(script.clone()), VerifyError::LinkNotSymlink { link, kind, expected: e.servicedir.clone() })
        }
    }
}

/// What a scan directory entry that is not a link is.
fn entry_kind(kind: &ScanKind) -> EntryKind {
    match kind {
        ScanKind::Dir => EntryKind::Directory,
        ScanKind::File => EntryKind::File,
        ScanKind::Link { .. } | ScanKind::Other => EntryKind::Special,
    }
}

/// Entries of the scan directory no given script accounts for.
fn check_scan(expectations: &[Expected], scan: &ScanSnapshot, world: &World, opts: &VerifyOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let out_dir = format!("{}/", opts.output.trim_end_matches('/'));
    for entry in &scan.entries {
        // s6-svscan's own control directory and OpenRC 0.63's catch-all logger.
        if entry.name.starts_with('.') || entry.name == "s6-svscan-log" {
            continue;
        }
        if expectations.iter().any(|e| e.link == entry.name) {
            continue;
        }
        let link = format!("{}/{}", scan.dir.trim_end_matches('/'), entry.name);
        let err = match &entry.kind {
            ScanKind::Link { target, resolved: None } => VerifyError::DanglingLink { link, target: target.clone() },
            ScanKind::Link { target, resolved: Some(_) } => {
                let rc2s6s = target.starts_with(&out_dir)
                    && world.manifest.as_ref().is_some_and(|m| {
                        let name = target[out_dir.len()..].trim_end_matches('/');
                        m.services.iter().any(|r| r.servicedir.as_deref() == Some(name))
                    });
                if rc2s6s {
                    VerifyError::LinkNotChecked { link, target: target.clone() }
                } else {
                    VerifyError::ForeignLink { link, entry: ForeignEntry::Link(target.clone()) }
                }
            }
            kind => VerifyError::ForeignLink { link, entry: ForeignEntry::Other(entry_kind(kind)) },
        };
        out.push(Finding::new(None, err));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_fd_values() {
        assert_eq!(notification_fd("5\n"), Some(5));
        assert_eq!(notification_fd("5"), Some(5));
        assert_eq!(notification_fd("5 \n"), None);
        assert_eq!(notification_fd("2\n"), None);
        assert_eq!(notification_fd("fd:5"), None);
        assert_eq!(notification_fd(""), None);
    }

    #[test]
    fn s6_reads_integer_files_like_s6_supervise() {
        assert_eq!(s6_uint(b"5\n\n"), Some(5));
        assert_eq!(s6_uint(b"05"), Some(5));
        assert_eq!(s6_uint(b"5\njunk"), Some(5));
        assert_eq!(s6_uint(b"00000000005"), Some(5));
        // Only 11 bytes are read: the 5 is never seen.
        assert_eq!(s6_uint(b"000000000005"), Some(0));
        assert_eq!(s6_uint(b"4294967295"), Some(u32::MAX));
        assert_eq!(s6_uint(b"4294967296"), None);
        assert_eq!(s6_uint(b"5\r\n"), None);
        assert_eq!(s6_uint(b" 5"), None);
        assert_eq!(s6_uint(b"\n5"), None);
        assert_eq!(s6_uint(b""), None);
    }
}
