#![doc = include_str!("../../docs/codes/lint/systemd_variable.md")]

use super::LintError;
use super::context::ServiceContext;
use super::syntax::Visit;
use super::tree_rules::TreeRule;
use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, Span};
use crate::shell::ast::{Command, CompoundKind, ParamForm, ParamOp, SimpleCommand, WordPart, WordPartKind};

/// Variables systemd sets in the environment of a unit's commands and OpenRC never sets, with
/// what to write instead. systemd.exec(5), "Environment Variables in Spawned Processes"
/// (systemd 257), and systemd.service(5) for `$MAINPID` (ExecReload=, ExecStop=). Names init
/// scripts commonly use for their own purposes (`PIDFILE`, `TERM`, `USER`, …) are left out.
const SYSTEMD_ONLY: &[(&str, &str)] = &[
    (
        "MAINPID",
        "send the signal through OpenRC: `start-stop-daemon --signal HUP --pidfile \"$pidfile\"`, or the supervisor's own (`supervise-daemon \"$RC_SVCNAME\" --signal HUP`, `s6-svc -h`)",
    ),
    ("MANAGERPID", "OpenRC has no manager process to name; remove the use"),
    ("INVOCATION_ID", "OpenRC has no invocation id; remove the use"),
    ("RUNTIME_DIRECTORY", "write the directory (`/run/$RC_SVCNAME`) and create it with `checkpath -d` in start_pre()"),
    (
        "STATE_DIRECTORY",
        "write the directory (`/var/lib/$RC_SVCNAME`) and create it with `checkpath -d` in start_pre()",
    ),
    (
        "CACHE_DIRECTORY",
        "write the directory (`/var/cache/$RC_SVCNAME`) and create it with `checkpath -d` in start_pre()",
    ),
    ("LOGS_DIRECTORY", "write the directory (`/var/log/$RC_SVCNAME`) and create it with `checkpath -d` in start_pre()"),
    ("CONFIGURATION_DIRECTORY", "write the directory (`/etc/$RC_SVCNAME`)"),
    ("CREDENTIALS_DIRECTORY", "OpenRC passes no credentials; read the secret from a file the script names"),
    ("LISTEN_FDS", "OpenRC has no socket activation; let the daemon open its own sockets"),
    ("LISTEN_PID", "OpenRC has no socket activation; let the daemon open its own sockets"),
    ("LISTEN_FDNAMES", "OpenRC has no socket activation; let the daemon open its own sockets"),
    ("NOTIFY_SOCKET", "OpenRC has no sd_notify socket; readiness is `notify=fd:N` under supervise-daemon or s6"),
    ("WATCHDOG_PID", "OpenRC has no service watchdog; remove the use"),
    ("WATCHDOG_USEC", "OpenRC has no service watchdog; remove the use"),
    ("JOURNAL_STREAM", "OpenRC has no journal; remove the use"),
    ("SERVICE_RESULT", "OpenRC does not pass how the service ended; remove the use"),
    ("EXIT_CODE", "OpenRC does not pass how the service ended; remove the use"),
    ("EXIT_STATUS", "OpenRC does not pass how the service ended; remove the use"),
];

/// Commands whose plain-word arguments set (or declare) variables.
const SETTING_COMMANDS: &[&str] = &["export", "local", "readonly", "declare", "typeset", "read", "getopts"];

/// Fires at each expansion of a systemd-only variable that no file of the service sets.
/// Fed by the shared walk ([`super::tree_rules`]): what the files set, and where they expand a
/// systemd-only variable.
#[derive(Default)]
pub struct Rule<'a> {
    file: FileId,
    /// The names the files set, as met (repeats too): a push each, where a set paid a search
    /// and its nodes for every assignment; only the few uses are looked for in it, at the end.
    set: Vec<&'a str>,
    used: Vec<(FileId, Span, &'a str)>,
}

impl<'a> TreeRule<'a> for Rule<'a> {
    fn begin_file(&mut self, _cx: &ServiceContext<'a>, file: FileId) {
        self.file = file;
    }

    fn end(&mut self, cx: &ServiceContext<'a>, out: &mut Vec<Finding>) {
        if self.used.is_empty() {
            return;
        }
        self.set.sort_unstable();
        for (file, span, name) in std::mem::take(&mut self.used) {
            if self.set.binary_search(&name).is_ok() {
                continue;
            }
            let Some((_, help)) = SYSTEMD_ONLY.iter().find(|(n, _)| *n == name) else { continue };
            out.push(cx.finding(
                file,
                LintError::SystemdVariable { name: name.to_string(), span: span.into(), help: help.to_string() },
            ));
        }
    }
}

impl<'a> Visit<'a> for Rule<'a> {
    fn command(&mut self, c: &'a Command) {
        if let Command::Compound(cc, _) = c {
            if let CompoundKind::For { var, .. } = &cc.kind {
                self.set.push(var);
            }
        }
    }

    fn simple(&mut self, c: &'a SimpleCommand, name: Option<&str>) {
        self.set.extend(c.assignments.iter().map(|a| a.name.as_str()));
        if name.is_some_and(|n| SETTING_COMMANDS.contains(&n)) {
            for w in &c.words[1..] {
                if let Some(crate::shell::ast::WordPartKind::Literal(t)) = w.parts.first().map(|p| &p.kind) {
                    let name = t.split('=').next().unwrap_or(t);
                    if let Some((n, _)) = SYSTEMD_ONLY.iter().find(|(n, _)| *n == name) {
                        self.set.push(n);
                    }
                }
            }
        }
    }

    fn part(&mut self, p: &'a WordPart, _in_double_quotes: bool) {
        if let WordPartKind::Param(pe) = &p.kind {
            // `${MAINPID:-…}`, `${MAINPID+…}` and the like handle the variable being unset.
            let handles_unset = matches!(
                pe.form,
                ParamForm::Op(
                    ParamOp::Default { .. }
                        | ParamOp::Assign { .. }
                        | ParamOp::Error { .. }
                        | ParamOp::Alternative { .. },
                    _
                )
            );
            if !handles_unset && SYSTEMD_ONLY.iter().any(|(n, _)| *n == pe.name) {
                self.used.push((self.file, p.span, pe.name.as_str()));
            }
        }
    }
}
