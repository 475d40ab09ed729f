//! Init script → the same script rewritten for `supervisor=s6`, so OpenRC starts and stops the
//! daemon through the service directory rc2s6 generated. Pure: text in, text and findings out.
//!
//! This is the one emitter that writes shell. Every change is made on the original text at the
//! spans the parser recorded, so everything not listed here stays byte for byte:
//! - the daemon variables compiled into the service directory are commented out (kept, with a
//!   note, when the rest of the script still reads them), and a block sets `supervisor=s6` plus
//!   what the target OpenRC needs to find and wait for the service directory;
//! - `need s6-svscan` goes first in depend() (a depend() is added if there is none);
//! - a custom start()'s compiled launch becomes `default_start`; stop()'s start-stop-daemon
//!   `--stop`, or its pidfile `kill`/`pkill -F` with a signal that ends the daemon, becomes
//!   `default_stop`;
//! - commands that signal the daemon through its pidfile become `s6-svc` on the service.

pub mod error;
pub mod unified_diff;

use std::collections::{BTreeMap, BTreeSet};

use crate::backend::service_dir::ServiceDir;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::source::Span;
use crate::model::analysis::Analysis;
use crate::model::normalize_signal;
use crate::openrc::paths::VAR_SVC_D;
use crate::openrc::variables::{DAEMON_VARIABLES, START_STOP_DAEMON_ONLY};
use crate::openrc::version::{OpenrcVersion, UnlinkedOutput};
use crate::shell::ast::{
    AssignValue, Command, CompoundKind, List, ParamForm, ParamOp, RedirectKind, Script, SimpleCommand, Word, WordPart,
    WordPartKind, walk_command, walk_commands,
};
use error::MigrateError;

/// A migrated init script.
#[derive(Debug, Clone)]
pub struct Migration {
    /// RC_SVCNAME: the file name to write.
    pub service: String,
    /// The script's path as given.
    pub path: String,
    /// The original text.
    pub original: String,
    /// The rewritten text.
    pub text: String,
    /// What the rewrite could not do, or did with a caveat.
    pub findings: Vec<Finding>,
}

impl Migration {
    /// Whether the rewritten script can be used: no error-level finding.
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Findings about the whole output rather than one script: OpenRC ≥ 0.63 links only
/// /var/svc.d, and 0.63.0 never links a prepared directory at all.
pub fn target_findings(target: &OpenrcVersion, output: &str) -> Vec<Finding> {
    let version = target.to_string();
    let error = |problem| match problem {
        UnlinkedOutput::NoCompatMode => MigrateError::NoCompatMode { version: version.clone() },
        UnlinkedOutput::NotVarSvcD => {
            MigrateError::OutputNotVarSvcD { version: version.clone(), output: output.to_string() }
        }
    };
    target.unlinked_output(output).into_iter().map(|p| Finding::new(None, error(p))).collect()
}

/// Variables the migration sets itself (in its block), so every other assignment must go.
const LEGACY_OWNED: &[&str] = &["supervisor", "s6_service_path", "s6_svwait_options_start"];
const GENERATED_OWNED: &[&str] =
    &["supervisor", "s6_service_path", "s6_svwait_options_start", "command", "notify", "ready", "timeout_ready"];

/// `s6-svc` flags for the signals s6 2.11's s6-svc can send.
const S6_SVC_SIGNALS: &[(&str, &str)] = &[
    ("SIGHUP", "-h"),
    ("SIGALRM", "-a"),
    ("SIGABRT", "-b"),
    ("SIGQUIT", "-q"),
    ("SIGKILL", "-k"),
    ("SIGTERM", "-t"),
    ("SIGINT", "-i"),
    ("SIGUSR1", "-1"),
    ("SIGUSR2", "-2"),
    ("SIGSTOP", "-p"),
    ("SIGCONT", "-c"),
    ("SIGWINCH", "-y"),
];

/// A change to the original text: replace `start..end` (empty for an insertion).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    insert: String,
}

/// A command that only assigns variables (`a=1 b=2`, or `: ${a:=1}`), outside functions.
#[derive(Debug, Clone)]
struct AssignSite {
    /// The variables and where each name is.
    names: Vec<(String, Span)>,
    /// The whole command.
    span: Span,
    /// Inside an `if`, `case` or loop at the top level: commenting it out must leave a command.
    nested: bool,
}

/// Rewrites one converted service's init script for `supervisor=s6` on `target`, the service
/// directory being `dir` under `output` (absolute).
pub fn migrate(analysis: &Analysis, dir: &ServiceDir, target: &OpenrcVersion, output: &str) -> Migration {
    let source = analysis.script().clone();
    let text = source.text().to_string();
    let service = &analysis.service;
    let mut m = Migration {
        service: service.name.clone(),
        path: source.name().to_string(),
        original: text.clone(),
        text: text.clone(),
        findings: Vec::new(),
    };
    let Some(script) = analysis.script_ast() else { return m };
    let mut rw = Rewriter { text: &text, edits: Vec::new(), errors: Vec::new() };
    let generated = target.generates_from_command();
    let path = target.prepared_service_dir(output, &dir.name);
    let service_ref = target.scan_link_in_shell();
    let down_signal = dir
        .file("down-signal")
        .and_then(|f| normalize_signal(f.contents.trim()))
        .unwrap_or_else(|| "SIGTERM".to_string());

    // The functions and which of them run for stop.
    let functions = function_defs(script);
    let stop_context = reachable(&functions, "stop");

    // 1. The custom start()'s launch becomes default_start.
    let mut replaced: Vec<Span> = Vec::new();
    let script_index = analysis.script_id();
    let launch_span = match service.custom_launch {
        Some(loc) if loc.file == script_index => Some(loc.span),
        Some(_) => {
            rw.errors.push(MigrateError::LaunchOutsideScript { span: first_line(&text).into() });
            None
        }
        None => None,
    };
    if let Some(span) = launch_span {
        let end = background_operator_end(&text, span.end).unwrap_or(span.end);
        rw.edits.push(Edit { start: span.start, end, insert: "default_start".into() });
        replaced.push(Span::new(span.start, end));
    }

    // 2. Commands that control the daemon through its pidfile.
    let mut stop_through_s6 = false;
    for (fname, def) in &functions {
        let in_stop = stop_context.contains(fname.as_str());
        walk_command(&def.body, &mut |c| {
            let Command::Simple(sc) = c else { return };
            if Some(sc.span) == launch_span {
                return;
            }
            let Some(name) = sc.words.first().and_then(Word::static_text) else { return };
            if in_stop && name == "default_stop" {
                stop_through_s6 = true;
            }
            let Some(control) = daemon_control(sc, &name) else { return };
            // In stop(), signalling the daemon through its pidfile with a signal that ends it is
            // stop()'s way of stopping it: that is what default_stop does under s6.
            let control = match control {
                Control::Signal { signal: Some(s) } if in_stop && stops_daemon(&s, &down_signal) => {
                    Control::Stop { signal: Some(Some(s)) }
                }
                c => c,
            };
            match control {
                Control::Stop { signal } if in_stop => {
                    if let Some(sig) = signal {
                        match sig.and_then(|s| normalize_signal(&s)) {
                            Some(sig) if sig != down_signal => rw.errors.push(MigrateError::StopSignalDiffers {
                                signal: sig,
                                down_signal: down_signal.clone(),
                                span: sc.span.into(),
                            }),
                            _ => {}
                        }
                    }
                    rw.edits.push(Edit { start: sc.span.start, end: sc.span.end, insert: "default_stop".into() });
                    replaced.push(sc.span);
                    stop_through_s6 = true;
                }
                Control::Signal { signal } => match signal.as_deref().map(normalize_signal) {
                    None | Some(None) => rw.errors.push(MigrateError::SignalUnknown { span: sc.span.into() }),
                    Some(Some(sig)) => match S6_SVC_SIGNALS.iter().find(|(s, _)| *s == sig) {
                        Some((_, flag)) => {
                            let mut insert = format!("s6-svc {flag} {service_ref}");
                            for r in &sc.redirects {
                                insert.push(' ');
                                insert.push_str(&text[r.span.start..r.span.end]);
                            }
                            rw.edits.push(Edit { start: sc.span.start, end: sc.span.end, insert });
                            replaced.push(sc.span);
                        }
                        None => rw.errors.push(MigrateError::SignalNotSendable {
                            name: sig.trim_start_matches("SIG").to_string(),
                            signal: sig,
                            service: service_ref.to_string(),
                            span: sc.span.into(),
                        }),
                    },
                },
                Control::Stop { .. } | Control::Start => {
                    rw.errors.push(MigrateError::DaemonControlledOutsideS6 { span: sc.span.into() })
                }
            }
        });
    }
    if let Some(def) = functions.iter().rev().find(|(n, _)| n == "stop").map(|(_, d)| d) {
        if !stop_through_s6 {
            rw.errors.push(MigrateError::StopBypassesS6 { span: def.name_span.into() });
        }
    }

    // 3. Assignments of what the service directory now holds.
    let owned: &[&str] = if generated { GENERATED_OWNED } else { LEGACY_OWNED };
    let name_differs = service.settings.get("name").is_some_and(|s| s.value != dir.name);
    let handled = |v: &str| {
        DAEMON_VARIABLES.contains(&v)
            || START_STOP_DAEMON_ONLY.contains(&v)
            || owned.contains(&v)
            || (generated && v == "name" && name_differs)
    };
    // Commented out whatever the rest of the script does with them.
    let forced = |v: &str| owned.contains(&v) || (generated && v == "name");
    let mut sites = Vec::new();
    collect_assignments(&script.body, false, &mut sites);
    let mut candidates: Vec<AssignSite> = Vec::new();
    for site in sites {
        let names: Vec<&(String, Span)> = site.names.iter().filter(|(n, _)| handled(n)).collect();
        if names.is_empty() {
            continue;
        }
        if names.len() == site.names.len() && rw.alone_on_lines(site.span) {
            candidates.push(site);
            continue;
        }
        for (n, _) in names {
            let span = site.span.into();
            rw.errors.push(if forced(n) {
                MigrateError::SettingNotRewritable { variable: n.clone(), span }
            } else {
                MigrateError::AssignmentNotAlone { variable: n.clone(), span }
            });
        }
    }
    // Keep what the rest of the script still reads (and what those kept values read).
    let refs = param_refs(script, &text);
    let mut reported: BTreeSet<String> = BTreeSet::new();
    loop {
        let mut edited: Vec<Span> = replaced.clone();
        edited.extend(candidates.iter().map(|s| s.span));
        let outside = |name: &str| {
            refs.iter().find(|(n, at)| n == name && !edited.iter().any(|e| e.start <= at.start && at.end <= e.end))
        };
        let mut keep = None;
        for (i, site) in candidates.iter().enumerate() {
            for (n, _) in &site.names {
                let Some((_, at)) = outside(n) else { continue };
                if forced(n) {
                    if generated && n == "command" && reported.insert(n.clone()) {
                        rw.errors
                            .push(MigrateError::CommandStillUsed { version: target.to_string(), span: (*at).into() });
                    }
                    continue;
                }
                keep = Some((i, n.clone(), *at));
                break;
            }
            if keep.is_some() {
                break;
            }
        }
        let Some((i, n, at)) = keep else { break };
        let site = candidates.remove(i);
        if let Some((f, _)) = site.names.iter().find(|(f, _)| forced(f)) {
            rw.errors.push(MigrateError::SettingNotRewritable { variable: f.clone(), span: site.span.into() });
        }
        if reported.insert(n.clone()) {
            rw.errors.push(if n == "pidfile" {
                MigrateError::PidfileStillUsed { span: at.into() }
            } else {
                MigrateError::VariableStillUsed { variable: n, span: at.into() }
            });
        }
    }
    if generated && name_differs {
        if let Some(site) = candidates.iter().find(|s| s.names.iter().any(|(n, _)| n == "name")) {
            let at = site.names.iter().find(|(n, _)| n == "name").map(|(_, s)| *s).unwrap_or(site.span);
            rw.errors.push(MigrateError::NameRemoved {
                version: target.to_string(),
                service: dir.name.clone(),
                span: at.into(),
            });
        }
    }

    // 4. The block that selects s6, where the daemon's settings used to start.
    let mut block = format!(
        "# rc2s6: s6 runs the daemon from {path}, compiled from this script and its conf.d (compile again after changing them)\n"
    );
    block.push_str("supervisor=s6\n");
    let notification_fd = dir.file("notification-fd").map(|f| f.contents.trim().to_string());
    let timeout = service.ready_timeout_ms;
    if generated {
        // 0.63.1+ links /var/svc.d/$name only when `command` is empty at start. conf.d is
        // sourced before the script, so this assignment also overrides a `command` set there.
        block.push_str("command=\"\"\n");
        if let Some(fd) = &notification_fd {
            block.push_str(&format!("notify=fd:{fd}\n"));
            // OpenRC 0.63 waits for readiness only when timeout_ready is set; 0 waits forever.
            block.push_str(&format!("timeout_ready={}\n", timeout.unwrap_or(0)));
        }
    } else {
        // /var/svc.d/NAME is s6.sh's default, unless rc.conf or conf.d set the path: s6.sh keeps
        // their value, and the script's own assignments are commented out.
        let set_before = service.settings_before_script.get("s6_service_path").is_some_and(|v| !v.value.is_empty());
        if output.trim_end_matches('/') != VAR_SVC_D || set_before {
            block.push_str(&format!("s6_service_path={}\n", shell_word(&path)));
        }
        if notification_fd.is_some() {
            let opts = match timeout {
                Some(ms) => format!("-U -t {ms}"),
                None => "-U".to_string(),
            };
            // Plain flags and digits: double quotes read best and need no escaping.
            block.push_str(&format!("s6_svwait_options_start=\"{opts}\"\n"));
        }
    }
    candidates.sort_by_key(|s| s.span.start);
    let first_top = candidates.iter().find(|s| !s.nested).map(|s| rw.line_start(s.span.start));
    let block_at = first_top.unwrap_or_else(|| header_end(&text));
    rw.edits.push(Edit { start: block_at, end: block_at, insert: block });
    let mut previous_end = block_at;
    for site in &candidates {
        let start = rw.line_start(site.span.start);
        if site.nested {
            rw.edits.push(Edit { start: site.span.start, end: site.span.start, insert: ": #".into() });
        } else {
            if !text[previous_end.min(start)..start].trim().is_empty() {
                rw.edits.push(Edit { start, end: start, insert: format!("# rc2s6: compiled into {path}\n") });
            }
            rw.edits.push(Edit { start, end: start, insert: "#".into() });
            previous_end = rw.line_end(site.span.end);
        }
        // Continuation lines of a multi-line value.
        let mut p = site.span.start;
        while let Some(nl) = text[p..site.span.end].find('\n') {
            p += nl + 1;
            rw.edits.push(Edit { start: p, end: p, insert: "#".into() });
        }
    }

    // 5. need s6-svscan.
    rw.add_need_s6_svscan(&functions);

    let mut edits = rw.edits;
    // Stable: at one position, insertions keep the order they were made in (the block before
    // the `#` of the line it precedes).
    edits.sort_by_key(|e| e.start);
    let mut out = String::with_capacity(text.len() + 512);
    let mut at = 0;
    for e in &edits {
        if e.start < at {
            // Overlapping edits cannot happen (functions and top-level lines are disjoint);
            // dropping one keeps the text valid.
            continue;
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.insert);
        at = e.end;
    }
    out.push_str(&text[at..]);
    let parsed = crate::shell::parse::parse_script(&out);
    if let Some(e) = parsed.errors.first() {
        rw.errors.push(MigrateError::ResultUnparseable { why: e.to_string() });
    }
    m.text = out;
    let mut seen = BTreeSet::new();
    for e in rw.errors {
        if seen.insert(format!("{e:?}")) {
            m.findings.push(Finding::new(Some(source.clone()), e));
        }
    }
    m
}

/// Applies edits and remembers what could not be done.
struct Rewriter<'a> {
    text: &'a str,
    edits: Vec<Edit>,
    errors: Vec<MigrateError>,
}

impl Rewriter<'_> {
    fn line_start(&self, pos: usize) -> usize {
        self.text[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0)
    }

    /// Just past the newline that ends the line holding `pos` (or the end of the text).
    fn line_end(&self, pos: usize) -> usize {
        self.text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(self.text.len())
    }

    /// Whether the command is alone on its lines: only blanks before it, and after it at most
    /// `;` and a comment. Then commenting the lines out removes exactly the command.
    fn alone_on_lines(&self, span: Span) -> bool {
        let before = &self.text[self.line_start(span.start)..span.start];
        let after_end = self.text[span.end..].find('\n').map(|i| span.end + i).unwrap_or(self.text.len());
        let after = self.text[span.end..after_end].trim_start_matches([' ', '\t']);
        let after = after.strip_prefix(';').unwrap_or(after).trim_start_matches([' ', '\t']);
        before.chars().all(|c| c == ' ' || c == '\t') && (after.is_empty() || after.starts_with('#'))
    }

    /// Puts `need s6-svscan` first in depend(), or adds a depend().
    fn add_need_s6_svscan(&mut self, functions: &[(String, &crate::shell::ast::FunctionDef)]) {
        let Some(def) = functions.iter().rev().find(|(n, _)| n == "depend").map(|(_, d)| *d) else {
            let mut insert = String::new();
            if !self.text.is_empty() && !self.text.ends_with('\n') {
                insert.push('\n');
            }
            insert.push_str("\ndepend() {\n\tneed s6-svscan\n}\n");
            let end = self.text.len();
            self.edits.push(Edit { start: end, end, insert });
            return;
        };
        let mut present = false;
        walk_command(&def.body, &mut |c| {
            if let Command::Simple(sc) = c {
                let words: Vec<Option<String>> = sc.words.iter().map(Word::static_text).collect();
                present |= words.first().is_some_and(|w| w.as_deref() == Some("need"))
                    && words.iter().skip(1).any(|w| w.as_deref() == Some("s6-svscan"));
            }
        });
        if present {
            return;
        }
        let body = def.body.span();
        let open = self.text[body.start..].chars().next();
        if !matches!(def.body.as_ref(), Command::Compound(..)) || !matches!(open, Some('{') | Some('(')) {
            self.errors.push(MigrateError::DependNotRewritable { span: def.name_span.into() });
            return;
        }
        let after = body.start + 1;
        let rest = &self.text[after..body.end];
        let blank_to_eol = rest.find('\n').is_some_and(|i| rest[..i].trim().is_empty());
        if blank_to_eol {
            let line = after + rest.find('\n').unwrap_or(0) + 1;
            let next = &self.text[line..body.end];
            let indent: String = next
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(|l| l.chars().take_while(|c| *c == ' ' || *c == '\t').collect())
                .filter(|i: &String| !i.is_empty())
                .unwrap_or_else(|| "\t".into());
            self.edits.push(Edit { start: line, end: line, insert: format!("{indent}need s6-svscan\n") });
        } else {
            self.edits.push(Edit { start: after, end: after, insert: " need s6-svscan;".into() });
        }
    }
}

/// What a command does to the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Control {
    /// Starts it (start-stop-daemon or supervise-daemon `--start`).
    Start,
    /// Stops it, optionally with a signal (`None` inside: the signal is not literal).
    Stop { signal: Option<Option<String>> },
    /// Sends it a signal (`None`: not literal).
    Signal { signal: Option<String> },
}

/// Recognises start-stop-daemon/supervise-daemon calls and `kill`/`pkill` of the pidfile.
fn daemon_control(sc: &SimpleCommand, name: &str) -> Option<Control> {
    let base = name.rsplit('/').next().unwrap_or(name);
    let words: Vec<Option<String>> = sc.words.iter().skip(1).map(Word::static_text).collect();
    match base {
        "start-stop-daemon" | "supervise-daemon" => {
            let mut start = false;
            let mut stop = false;
            let mut signal: Option<Option<String>> = None;
            let mut i = 0;
            while i < words.len() {
                let w = words[i].as_deref().unwrap_or("");
                match w {
                    "--" => break,
                    "--start" | "-S" => start = true,
                    "--stop" | "-K" => stop = true,
                    "--signal" | "-s" => {
                        signal = Some(words.get(i + 1).cloned().flatten());
                        i += 1;
                    }
                    _ if w.starts_with("--signal=") => signal = Some(Some(w["--signal=".len()..].to_string())),
                    _ if w.starts_with("-s") && w.len() > 2 && !w.starts_with("--") => {
                        signal = Some(Some(w[2..].to_string()))
                    }
                    _ if w.starts_with('-') && !w.starts_with("--") && w.len() > 1 => {
                        let flags = &w[1..];
                        if flags.chars().all(|c| c.is_ascii_alphabetic()) {
                            start |= flags.contains('S');
                            stop |= flags.contains('K');
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if start {
                Some(Control::Start)
            } else if stop {
                Some(Control::Stop { signal })
            } else {
                signal.map(|s| Control::Signal { signal: s })
            }
        }
        "kill" | "pkill" => {
            let targets_pidfile = if base == "pkill" {
                words.iter().any(|w| matches!(w.as_deref(), Some("-F") | Some("--pidfile")))
            } else {
                sc.words.iter().skip(1).any(reads_pidfile)
            };
            if !targets_pidfile {
                return None;
            }
            let mut signal: Option<String> = Some("TERM".into());
            let mut i = 0;
            while i < words.len() {
                match words[i].as_deref() {
                    Some("-s") | Some("--signal") => {
                        signal = words.get(i + 1).cloned().flatten();
                        i += 1;
                    }
                    // `kill -0` only asks whether the process exists.
                    Some("-0") => return None,
                    Some(w) if w.starts_with('-') && w.len() > 1 && w != "-F" && w != "--pidfile" => {
                        signal = Some(w[1..].to_string());
                    }
                    _ => {}
                }
                i += 1;
            }
            Some(Control::Signal { signal })
        }
        _ => None,
    }
}

/// Whether sending `signal` stops the daemon: the service directory's down-signal, or a signal
/// daemons end on (TERM, INT, QUIT, KILL). HUP, USR1 and the like ask it to do something else.
fn stops_daemon(signal: &str, down_signal: &str) -> bool {
    normalize_signal(signal)
        .is_some_and(|s| s == down_signal || matches!(s.as_str(), "SIGTERM" | "SIGINT" | "SIGQUIT" | "SIGKILL"))
}

/// Whether a word reads a pid from a file: `$(cat …)` or `` `cat …` ``.
fn reads_pidfile(w: &Word) -> bool {
    fn any(parts: &[WordPart]) -> bool {
        parts.iter().any(|p| match &p.kind {
            WordPartKind::DoubleQuoted(inner) => any(inner),
            WordPartKind::CommandSubst(list) => {
                let mut cat = false;
                walk_commands(list, &mut |c| {
                    if let Command::Simple(sc) = c {
                        cat |= sc.words.first().and_then(Word::static_text).as_deref() == Some("cat");
                    }
                });
                cat
            }
            WordPartKind::Backquoted(raw) => raw.trim_start().starts_with("cat "),
            _ => false,
        })
    }
    any(&w.parts)
}

/// The end of a `&` that sends the command ending at `end` to the background, if there is one.
fn background_operator_end(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let r = &rest[skipped..];
    (r.starts_with('&') && !r.starts_with("&&")).then_some(end + skipped + 1)
}

/// Where the script's header ends: after the shebang and the comment lines right below it.
fn header_end(text: &str) -> usize {
    let mut at = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i > 0 && !line.starts_with('#') {
            break;
        }
        at += line.len();
    }
    at
}

fn first_line(text: &str) -> Span {
    Span::new(0, text.find('\n').unwrap_or(text.len()))
}

/// Every function definition in the script, in text order.
fn function_defs(script: &Script) -> Vec<(String, &crate::shell::ast::FunctionDef)> {
    let mut out = Vec::new();
    walk_commands(&script.body, &mut |c| {
        if let Command::FunctionDef(f) = c {
            out.push((f.name.clone(), f));
        }
    });
    out
}

/// The functions `root` calls, directly or through others (including itself).
fn reachable(functions: &[(String, &crate::shell::ast::FunctionDef)], root: &str) -> BTreeSet<String> {
    let defs: BTreeMap<&str, &crate::shell::ast::FunctionDef> =
        functions.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    let mut seen = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(f) = todo.pop() {
        let Some(def) = defs.get(f.as_str()) else { continue };
        if !seen.insert(f) {
            continue;
        }
        walk_command(&def.body, &mut |c| {
            if let Command::Simple(sc) = c {
                if let Some(n) = sc.words.first().and_then(Word::static_text) {
                    if defs.contains_key(n.as_str()) && !seen.contains(&n) {
                        todo.push(n);
                    }
                }
            }
        });
    }
    seen
}

/// Commands outside functions that only assign variables.
fn collect_assignments(list: &List, nested: bool, out: &mut Vec<AssignSite>) {
    for item in &list.items {
        let ao = &item.and_or;
        // `a && b=1`: the assignment depends on a command; it is not a line of its own.
        let chained = !ao.rest.is_empty() || ao.first.commands.len() > 1 || item.background;
        for pl in std::iter::once(&ao.first).chain(ao.rest.iter().map(|(_, p)| p)) {
            for c in &pl.commands {
                collect_in_command(c, nested || chained, out);
            }
        }
    }
}

fn collect_in_command(c: &Command, nested: bool, out: &mut Vec<AssignSite>) {
    match c {
        Command::Simple(sc) => {
            if let Some(names) = assigned_names(sc) {
                out.push(AssignSite { names, span: sc.span, nested });
            }
        }
        Command::Compound(cc, _) => match &cc.kind {
            CompoundKind::BraceGroup(l) | CompoundKind::Subshell(l) => collect_assignments(l, true, out),
            CompoundKind::If { branches, else_body } => {
                for (_, body) in branches {
                    collect_assignments(body, true, out);
                }
                if let Some(e) = else_body {
                    collect_assignments(e, true, out);
                }
            }
            CompoundKind::Loop { body, .. } | CompoundKind::For { body, .. } => collect_assignments(body, true, out),
            CompoundKind::Case { items, .. } => {
                for it in items {
                    if let Some(b) = &it.body {
                        collect_assignments(b, true, out);
                    }
                }
            }
            CompoundKind::DoubleBracket(_) | CompoundKind::Arithmetic(_) => {}
        },
        Command::FunctionDef(_) => {}
    }
}

/// The variables a command assigns, if assigning is all it does: `a=1 b=2`, or `: ${a:=1}`.
fn assigned_names(sc: &SimpleCommand) -> Option<Vec<(String, Span)>> {
    if !sc.redirects.is_empty() {
        return None;
    }
    if sc.words.is_empty() {
        return (!sc.assignments.is_empty())
            .then(|| sc.assignments.iter().map(|a| (a.name.clone(), a.name_span)).collect());
    }
    if !sc.assignments.is_empty() || sc.words[0].static_text().as_deref() != Some(":") || sc.words.len() < 2 {
        return None;
    }
    let mut names = Vec::new();
    for w in &sc.words[1..] {
        let part = match w.parts.as_slice() {
            [p] => match &p.kind {
                WordPartKind::DoubleQuoted(inner) if inner.len() == 1 => &inner[0],
                _ => p,
            },
            _ => return None,
        };
        match &part.kind {
            WordPartKind::Param(pe) if matches!(pe.form, ParamForm::Op(ParamOp::Assign { .. }, _)) => {
                names.push((pe.name.clone(), part.span))
            }
            _ => return None,
        }
    }
    Some(names)
}

/// Every variable the script reads, with where: parameter expansions anywhere (functions
/// included), and `$name` in text the parser keeps raw (backquotes, here-documents, `$(( ))`).
fn param_refs(script: &Script, text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut words: Vec<&Word> = Vec::new();
    walk_commands(&script.body, &mut |c| match c {
        Command::Simple(sc) => {
            for a in &sc.assignments {
                match &a.value {
                    AssignValue::Word(w) => words.push(w),
                    AssignValue::Array(ws, _) => words.extend(ws),
                    AssignValue::Empty => {}
                }
            }
            words.extend(&sc.words);
            for r in &sc.redirects {
                match &r.kind {
                    RedirectKind::File(_, w) => words.push(w),
                    RedirectKind::HereDoc(h) => {
                        if let (false, Some(span)) = (h.quoted, h.body_span) {
                            raw_refs(&text[span.start..span.end], span, &mut out);
                        }
                    }
                }
            }
        }
        Command::Compound(cc, redirects) => {
            match &cc.kind {
                CompoundKind::For { words: Some(ws), .. } | CompoundKind::DoubleBracket(ws) => words.extend(ws),
                CompoundKind::Case { word, items } => {
                    words.push(word);
                    for it in items {
                        words.extend(&it.patterns);
                    }
                }
                CompoundKind::Arithmetic(_) => raw_refs(&text[cc.span.start..cc.span.end], cc.span, &mut out),
                _ => {}
            }
            for r in redirects {
                if let RedirectKind::File(_, w) = &r.kind {
                    words.push(w);
                }
            }
        }
        Command::FunctionDef(_) => {}
    });
    for w in words {
        word_refs(&w.parts, text, &mut out);
    }
    out
}

fn word_refs(parts: &[WordPart], text: &str, out: &mut Vec<(String, Span)>) {
    for p in parts {
        match &p.kind {
            WordPartKind::Param(pe) => {
                out.push((pe.name.clone(), p.span));
                match &pe.form {
                    ParamForm::Op(_, w) | ParamForm::Indirect(Some((_, w))) => word_refs(&w.parts, text, out),
                    _ => {}
                }
            }
            WordPartKind::DoubleQuoted(inner) => word_refs(inner, text, out),
            WordPartKind::CommandSubst(list) | WordPartKind::ProcessSubst(list) => {
                let inner = Script { body: (**list).clone(), non_posix: Vec::new() };
                out.extend(param_refs(&inner, text));
            }
            WordPartKind::Backquoted(_) | WordPartKind::Arithmetic(_) => {
                raw_refs(&text[p.span.start..p.span.end], p.span, out)
            }
            WordPartKind::Literal(_) | WordPartKind::Quoted(_) | WordPartKind::AnsiC(_) => {}
        }
    }
}

/// `$name` and `${name…}` in raw text; the whole text is the location.
fn raw_refs(raw: &str, span: Span, out: &mut Vec<(String, Span)>) {
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let start = if b.get(i + 1) == Some(&b'{') { i + 2 } else { i + 1 };
            let len = b[start.min(b.len())..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
            if len > 0 {
                out.push((raw[start..start + len].to_string(), span));
            }
        }
        i += 1;
    }
}

/// A value as one shell word: bare when plain, else in single quotes.
fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("/var/svc.d/x"), "/var/svc.d/x");
        assert_eq!(shell_word("-U -t 5"), "'-U -t 5'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }

    #[test]
    fn header() {
        assert_eq!(header_end("#!/sbin/openrc-run\n# a\n# b\ncommand=x\n"), 27);
        assert_eq!(header_end("#!/sbin/openrc-run\ncommand=x\n"), 19);
    }

    #[test]
    fn raw_references() {
        let mut out = Vec::new();
        raw_refs("cat $pidfile ${command:-x} $$ $1", Span::new(0, 5), &mut out);
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["pidfile", "command", "1"]);
    }
}
