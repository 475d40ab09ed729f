//! What the model's unit tests share: a service made of a conf.d text and a script text, run
//! through the same phases as [`super::build`] up to finding the launch, and one-line renderings
//! of diagnostics, decisions and daemons to compare with.

use miette::Diagnostic;

use super::error::ModelDiagnostic;
use super::service::{Daemon, Decision, Service};
use super::trace::Touches;
use super::{FunctionTraces, LoadedFile, ServiceInputs, load, predefined, run_functions};
use crate::core::source::{FileId, Span};
use crate::eval::interpreter::Interpreter;
use crate::eval::value::Loc;
use crate::openrc::service_files::FileRole;
use crate::shell::ast::Script;
use crate::shell::parse::parse_script;

/// A service's parsed files: a conf.d (when given) and the script, named `svc`.
pub struct Files {
    scripts: Vec<(FileRole, Script, String)>,
}

/// Parses a conf.d text (none when empty) and a script text.
pub fn files(confd: &str, script: &str) -> Files {
    let parse = |text: &str| parse_script(text).script.unwrap_or_else(|| panic!("the test file parses:\n{text}"));
    let mut scripts = Vec::new();
    if !confd.is_empty() {
        scripts.push((FileRole::ConfD, parse(confd), confd.to_string()));
    }
    scripts.push((FileRole::Script, parse(script), script.to_string()));
    Files { scripts }
}

impl Files {
    /// The model's inputs over these files.
    pub fn inputs(&self) -> ServiceInputs<'_> {
        ServiceInputs {
            svcname: "svc".into(),
            service_path: "/etc/init.d/svc".into(),
            files: self
                .scripts
                .iter()
                .map(|(role, s, text)| LoadedFile { role: *role, script: Some(s), text })
                .collect(),
            runlevel_confd: Vec::new(),
        }
    }
}

impl Files {
    /// The files' texts, in load order.
    pub fn texts(&self) -> Vec<&str> {
        self.scripts.iter().map(|(_, _, text)| text.as_str()).collect()
    }
}

/// The state the model finds the launch in.
pub struct Prepared {
    /// The interpreter after the files and `start_pre()`.
    pub interp: Interpreter,
    /// The service so far.
    pub service: Service,
    /// What start() and stop() do.
    pub traces: FunctionTraces,
    /// The script's first line.
    pub script_loc: Loc,
}

/// Loads the files and runs `start_pre()` and the traces, as [`super::build`] does.
pub fn prepare(inputs: &ServiceInputs) -> Prepared {
    let script_loc = Loc { file: FileId::new(inputs.files.len() - 1), span: Span::new(0, 0) };
    let mut service = Service::not_converted(inputs.svcname.clone());
    let mut interp = Interpreter::new(predefined::variables(
        inputs,
        script_loc,
        &crate::openrc::version::OpenrcVersion::legacy_default(),
    ));
    load(inputs, &mut interp, &mut service);
    let texts: Vec<&str> = inputs.files.iter().map(|f| f.text).collect();
    let traces = run_functions(&mut interp, &mut service, crate::model::Texts::new(&texts), Touches::Keep);
    // As `classify` finds it before `launch::find`, which reads it.
    service.daemon_script =
        crate::model::launch::command_is_set(&interp.env) || crate::model::launch::mentions_daemon_tools(&interp);
    Prepared { interp, service, traces, script_loc }
}

/// `error code: message [label]` (`warning`, `advice`; labels that say more than the message), the code without its `rc2s6::model::`
/// prefix.
pub fn diagnostic(d: &ModelDiagnostic) -> String {
    use crate::core::diagnostic::Severity;
    let code = crate::core::diagnostic::Coded::code(&d.error);
    let severity = match code.severity() {
        Severity::Warning => "warning",
        Severity::Advice => "advice",
        Severity::Error => "error",
    };
    let code = code.name();
    let message = d.error.to_string();
    // A label that repeats the message says nothing more.
    let labels: String = d
        .error
        .labels()
        .into_iter()
        .flatten()
        .filter_map(|l| l.label().filter(|t| !message.contains(t)).map(|t| format!(" [{t}]")))
        .collect();
    format!("{severity} {}: {message}{labels}", code.trim_start_matches("rc2s6::model::"))
}

/// `decision topic: choice`.
pub fn decision(d: &Decision) -> String {
    format!("decision {}: {}", d.topic, d.choice)
}

/// The daemon's settings that differ from the defaults, one `field: value` line each, leaving
/// out the variables every daemon gets (`RC_SERVICE`, `RC_SVCNAME`, `SVCNAME`).
pub fn daemon(d: &Daemon) -> Vec<String> {
    let mut out = vec![format!("argv: {}", d.argv.join(" "))];
    let mut line = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            out.push(format!("{name}: {v}"));
        }
    };
    line("argv0", d.argv0.clone());
    let env: Vec<String> = d
        .env
        .iter()
        .filter(|(n, _)| !matches!(n.as_str(), "RC_SERVICE" | "RC_SVCNAME" | "SVCNAME"))
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    line("env", (!env.is_empty()).then(|| env.join(" ")));
    line("unexport", (!d.unexport.is_empty()).then(|| d.unexport.join(" ")));
    let state: Vec<String> = d
        .state_variables
        .iter()
        .map(|v| {
            format!(
                "{}<{} (missing: {}{})",
                v.name,
                v.file,
                v.missing,
                if v.empty_is_missing { ", or empty" } else { "" }
            )
        })
        .collect();
    line("read at start", (!state.is_empty()).then(|| state.join(" ")));
    line("directory", d.directory.clone());
    line("chroot", d.chroot.clone());
    line("umask", d.umask.clone());
    line("signals", d.ignores_int_quit.then(|| "SIGINT and SIGQUIT ignored".to_string()));
    line("nice", d.nice.map(|n| format!("{}{}", n.level, if n.autogroup { " (and its autogroup)" } else { "" })));
    let limits: Vec<String> =
        d.limits.iter().flat_map(|c| &c.limits).map(|l| format!("-{}{} ({:?})", l.flag, l.value, l.which)).collect();
    line("limits", (!limits.is_empty()).then(|| limits.join(" ")));
    line(
        "user",
        d.user.as_ref().map(|u| {
            let group = u.group.as_ref().map(|g| format!(":{g}")).unwrap_or_default();
            let lookup = u.lookup.as_ref().map(|l| {
                let env: Vec<&str> = [(l.sets_user, "USER"), (l.sets_home, "HOME")]
                    .into_iter()
                    .filter_map(|(set, n)| set.then_some(n))
                    .collect();
                format!(" (looked up at start; sets {})", if env.is_empty() { "-".into() } else { env.join(" ") })
            });
            format!(
                "{}{group}{}{}",
                u.user,
                if u.group_only { " (the group only)" } else { "" },
                lookup.unwrap_or_default()
            )
        }),
    );
    line("HOME of", d.home_of.clone());
    let redirects: Vec<String> = d.shell_redirects.iter().map(|r| format!("{r:?}")).collect();
    line("shell redirects", (!redirects.is_empty()).then(|| redirects.join(", ")));
    line("stdin", d.stdin.clone());
    line("stdout", d.stdout.clone());
    line("stderr", d.stderr.clone());
    line(
        "logger",
        d.logger.as_ref().map(|l| format!("{}{}", if d.logger_is_shell { "sh -c " } else { "" }, l.join(" "))),
    );
    line("stdout logger", d.stdout_logger.clone());
    line("stderr logger", d.stderr_logger.clone());
    line("notification-fd", d.notification_fd.map(|n| n.to_string()));
    line("down-signal", d.down_signal.clone());
    line("timeout-kill", d.timeout_kill_ms.map(|n| n.to_string()));
    line(
        "respawn",
        d.respawn.as_ref().map(|r| format!("delay {:?} max {:?} period {:?}", r.delay_secs, r.max, r.period_secs)),
    );
    line("fghack", d.fghack.then(|| "yes".to_string()));
    line("privileges", d.privileges.as_ref().map(|p| format!("{p:?}")));
    let required: Vec<String> =
        d.required.iter().map(|r| format!("{} {}", if r.directory { "-d" } else { "-r" }, r.path)).collect();
    line("required", (!required.is_empty()).then(|| required.join(", ")));
    out
}
