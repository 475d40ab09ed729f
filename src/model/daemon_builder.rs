//! From the variables a script leaves (or the call its `start()` makes) to the daemon's run-time
//! settings, reporting every value that cannot be carried over exactly.

use super::ModelOptions;
use super::capabilities::{self, Privileges};
use super::daemon_flags::{self, DaemonFlags, FlagSyntax};
use super::error::{ModelDiagnostic, ModelError};
use super::eval_line::{self, EvalInput, EvalProblem};
use super::service::{Daemon, Decision, Respawn, RunAs};
use super::stop_policy;
use super::trace::LaunchProgram;
use super::ulimit;
use crate::eval::environment::Environment;
use crate::eval::value::{Loc, ShellValue, Uncertainty};
use crate::openrc::daemon_table;
use crate::openrc::supervisor::Supervisor;
use crate::openrc::variables::is_openrc_variable;

/// How the daemon is started.
#[derive(Debug, Clone)]
pub enum Launch {
    /// OpenRC's backend, from `command` and friends.
    Declarative,
    /// A call in a custom `start()`.
    Call {
        /// Which program makes the call.
        program: LaunchProgram,
        /// The expanded words.
        words: Vec<String>,
        /// What makes each word inexact, aligned with `words`.
        uncertain: Vec<Vec<Uncertainty>>,
        /// Where the call is.
        loc: Loc,
        /// Sent to the background with `&`.
        background: bool,
    },
}

/// Everything building a daemon reads and writes.
pub struct DaemonBuilder<'a> {
    env: &'a Environment,
    /// Where to point diagnostics that have no better place: the script's first line.
    fallback: Loc,
    options: &'a ModelOptions,
    /// Diagnostics found.
    pub diagnostics: Vec<ModelDiagnostic>,
    /// Decisions made.
    pub decisions: Vec<Decision>,
    /// The command runs once and exits (rc2s6's table says so): the service is a oneshot.
    pub runs_once: bool,
    /// `ulimit`, `umask`, `cd` start() runs before the launch.
    shell: super::launch::ShellSettings,
    /// The start-stop-daemon or supervise-daemon call in start() whose flags are compiled.
    call: Option<Loc>,
    /// `command_args_background`'s words (start-stop-daemon passes them after `command_args`),
    /// when they are set and known.
    background_args: Option<(Vec<String>, Loc)>,
    /// The script's own `stop()`'s start-stop-daemon call.
    stop_call: Option<super::stop_call::StopCall>,
}

/// The decision recorded when `command_args_background` is not carried over.
const BACKGROUND_ARGS_LEFT_OUT: &str =
    "command_args_background left out: start-stop-daemon only, s6 runs the daemon in the foreground";

/// Whether a string is a user or group name s6-envuidgid can look up.
fn is_account_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.chars().all(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'))
}

impl<'a> DaemonBuilder<'a> {
    /// A builder over the variables in `env`.
    pub fn new(env: &'a Environment, fallback: Loc, options: &'a ModelOptions) -> Self {
        DaemonBuilder {
            env,
            fallback,
            options,
            diagnostics: Vec::new(),
            decisions: Vec::new(),
            runs_once: false,
            shell: Vec::new(),
            call: None,
            background_args: None,
            stop_call: None,
        }
    }

    /// With the start-stop-daemon call the script's own `stop()` makes: its `--retry` and
    /// `--signal` stand in for `retry` and `stopsig` when those are not set.
    pub fn with_stop_call(mut self, stop_call: Option<super::stop_call::StopCall>) -> Self {
        self.stop_call = stop_call;
        self
    }

    /// With what start()'s shell sets up before the launch.
    pub fn with_shell_settings(mut self, shell: super::launch::ShellSettings) -> Self {
        self.shell = shell;
        self
    }

    fn push(&mut self, loc: Loc, error: ModelError) {
        let d = ModelDiagnostic { file: loc.file, error };
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    fn decide(&mut self, topic: &str, choice: impl Into<String>, loc: Option<Loc>) {
        self.decisions.push(Decision { topic: topic.into(), choice: choice.into(), loc });
    }

    /// A variable's value and where it was assigned, if it is set.
    fn var(&self, name: &str) -> Option<(ShellValue, Loc)> {
        self.env.get(name).map(|v| (v.value.clone(), v.assigned_at.unwrap_or(self.fallback)))
    }

    /// A non-empty variable value, checked; `None` when unset, empty or unknowable.
    fn setting(&mut self, name: &str) -> Option<(String, Loc)> {
        let (v, loc) = self.var(name)?;
        if v.text.is_empty() && v.is_exact() {
            return None;
        }
        if !self.check(name, &v) {
            return None;
        }
        (!v.text.is_empty()).then_some((v.text, loc))
    }

    /// Reports what makes a value inexact; `false` if it cannot be known at all.
    fn check(&mut self, variable: &str, value: &ShellValue) -> bool {
        let mut ok = true;
        for u in &value.uncertain {
            match u {
                Uncertainty::UnsetVariable { name, loc } => {
                    if !is_openrc_variable(name) {
                        self.push(*loc, ModelError::UnsetVariable { name: name.clone(), span: loc.span.into() });
                    }
                }
                other => {
                    ok = false;
                    let (why, help) = explain_uncertainty(other);
                    let loc = other.loc();
                    self.push(
                        loc,
                        ModelError::UnknowableValue {
                            variable: variable.to_string(),
                            why,
                            span: loc.span.into(),
                            help,
                        },
                    );
                }
            }
        }
        ok
    }

    fn eval_problems(&mut self, problems: Vec<EvalProblem>) -> bool {
        let mut ok = true;
        for p in problems {
            match p {
                EvalProblem::Syntax { variable, loc, what } => {
                    ok = false;
                    self.push(loc, ModelError::EvalSyntax { variable, what, span: loc.span.into() });
                }
                EvalProblem::Glob { loc, text, .. } => {
                    self.push(loc, ModelError::GlobInArgv { text, span: loc.span.into() });
                }
                EvalProblem::Uncertain { variable, uncertainty, .. } => {
                    let v = ShellValue { text: String::new(), uncertain: vec![uncertainty] };
                    ok &= self.check(&variable, &v);
                }
            }
        }
        ok
    }

    /// Variables eval'd together, as the backend's start line does; `None` on an error.
    fn eval(&mut self, names: &[&str]) -> Option<Vec<Vec<String>>> {
        let mut vals = Vec::new();
        let mut ok = true;
        for n in names {
            if let Some((v, loc)) = self.var(n) {
                ok &= self.check(n, &v);
                vals.push((*n, v, loc));
            }
        }
        let inputs: Vec<EvalInput> =
            vals.iter().map(|(n, v, loc)| EvalInput { name: n, value: v, loc: *loc }).collect();
        let out = eval_line::eval_words(self.env, &inputs);
        ok &= self.eval_problems(out.problems);
        // Hand back each name's words, in `names` order, empty for unset ones.
        let mut per_name = vec![Vec::new(); names.len()];
        let mut words = out.words.into_iter();
        for ((n, _, _), count) in vals.iter().zip(out.counts) {
            let idx = names.iter().position(|x| x == n).unwrap_or(0);
            per_name[idx] = words.by_ref().take(count).collect();
        }
        ok.then_some(per_name)
    }

    /// Builds the daemon; `None` when something could not be carried over (diagnostics say what).
    pub fn build(&mut self, launch: &Launch) -> Option<Daemon> {
        let supervisor = Supervisor::from_value(&self.var("supervisor").map(|v| v.0.text).unwrap_or_default());
        let mut d = Daemon::default();
        let mut ok = true;

        let (flags, argv, command_loc) = match launch {
            Launch::Declarative => {
                let words = self.eval(&["command", "command_args", "command_args_foreground"]);
                let flags_var = if supervisor == Supervisor::SuperviseDaemon {
                    // 0.36–0.45: `${supervise_daemon_args:-$start_stop_daemon_args}`.
                    match self.var("supervise_daemon_args") {
                        Some((v, _)) if !v.text.is_empty() => "supervise_daemon_args",
                        _ => "start_stop_daemon_args",
                    }
                } else {
                    "start_stop_daemon_args"
                };
                let syntax = if flags_var == "supervise_daemon_args" {
                    FlagSyntax::SuperviseDaemon
                } else {
                    FlagSyntax::StartStopDaemon
                };
                let flag_words = self.eval(&[flags_var]);
                let flags = match flag_words {
                    Some(w) => daemon_flags::parse(&w[0], syntax),
                    None => {
                        ok = false;
                        DaemonFlags::default()
                    }
                };
                if let Some((v, loc)) = self.var("command_args_background") {
                    if !v.text.is_empty() {
                        self.decide("arguments", BACKGROUND_ARGS_LEFT_OUT, Some(loc));
                        // Read quietly: they only count if rc2s6's table of daemons knows the
                        // daemon (see `foreground`), and are left out otherwise.
                        let before = self.diagnostics.len();
                        let words = self.eval(&["command_args_background"]);
                        self.diagnostics.truncate(before);
                        self.background_args = words.map(|w| (w.concat(), loc));
                    }
                }
                let loc = self.var("command").map(|v| v.1).unwrap_or(self.fallback);
                let argv = match words {
                    Some(w) => w.concat(),
                    None => {
                        ok = false;
                        Vec::new()
                    }
                };
                (flags, argv, loc)
            }
            Launch::Call { program, words, uncertain, loc, .. } => {
                let (flags, argv) = match program {
                    LaunchProgram::Direct => (DaemonFlags::default(), words.clone()),
                    LaunchProgram::StartStopDaemon => {
                        let f = daemon_flags::parse(&words[1..], FlagSyntax::StartStopDaemon);
                        // start-stop-daemon runs --exec (else --startas, else its first
                        // non-option argument) with argv[0] = --name, or --startas when both it
                        // and --exec are given.
                        let prog = f.exec.clone().or_else(|| f.startas.clone());
                        let argv = match prog {
                            Some(p) => std::iter::once(p).chain(f.args.iter().cloned()).collect(),
                            None => f.positional.iter().chain(f.args.iter()).cloned().collect(),
                        };
                        (f, argv)
                    }
                    LaunchProgram::SuperviseDaemon => {
                        let f = daemon_flags::parse(&words[1..], FlagSyntax::SuperviseDaemon);
                        let argv = match f.positional.get(1) {
                            Some(p) => std::iter::once(p.clone()).chain(f.args.iter().cloned()).collect(),
                            None => Vec::new(),
                        };
                        (f, argv)
                    }
                };
                // Options that do not matter under s6 (`--pidfile $(…)`) cannot spoil the rest.
                let skip: Vec<usize> = flags.irrelevant_words.iter().map(|i| i + 1).collect();
                for (i, u) in uncertain.iter().enumerate() {
                    if !skip.contains(&i) {
                        let v = ShellValue { text: String::new(), uncertain: u.clone() };
                        ok &= self.check("start()", &v);
                    }
                }
                self.call = Some(*loc);
                (flags, argv, *loc)
            }
        };
        let declarative = matches!(launch, Launch::Declarative);
        if !ok && argv.is_empty() {
            // The diagnostics already say why the command line is not known.
            return None;
        }
        if argv.is_empty() || argv[0].is_empty() {
            self.push(
                command_loc,
                ModelError::CustomStart {
                    why: "the call names no program to run".into(),
                    span: command_loc.span.into(),
                    help: "give start-stop-daemon `--exec` (or `--startas`) with the daemon's path".into(),
                },
            );
            return None;
        }
        if !declarative && argv[0].starts_with('-') {
            // `--exec $DAEMON` with `$DAEMON` unset: start-stop-daemon takes the next word, an
            // option, for the program, and would fail to start it; said as it is rather than as a
            // daemon named `--` that may fork.
            self.push(
                command_loc,
                ModelError::CustomStart {
                    why: format!(
                        "the program it names is `{}`, an option: a variable before it expands to nothing",
                        argv[0]
                    ),
                    span: command_loc.span.into(),
                    help: "set that variable (in conf.d), or write the daemon's path after `--exec`".into(),
                },
            );
            return None;
        }
        if !self.is_daemon(&argv, ok, command_loc) {
            return None;
        }
        if let Launch::Call { program, loc, .. } = launch {
            self.decide("launch", format!("compiled from the {} call in start()", program_name(*program)), Some(*loc));
        }
        d.argv = argv;
        let procname = if declarative { self.setting("procname").map(|p| p.0) } else { None };
        let argv0 = flags
            .name
            .clone()
            .or(procname)
            .or_else(|| flags.exec.as_ref().and(flags.startas.clone()))
            .filter(|a| *a != d.argv[0]);
        if let Some(a) = &argv0 {
            self.decide("arguments", format!("argv[0] is `{a}`, as start-stop-daemon --name/--startas sets it"), None);
        }
        d.argv0 = argv0;

        let flags_loc = if declarative { self.flags_loc() } else { command_loc };
        for f in &flags.unsupported {
            self.push(
                flags_loc,
                ModelError::UnsupportedSetting {
                    setting: f.clone(),
                    span: flags_loc.span.into(),
                    help: "s6 2.11 has no equivalent; wrap the daemon in a tool that provides it if it matters".into(),
                },
            );
        }
        for f in &flags.unknown {
            self.push(
                flags_loc,
                ModelError::UnsupportedSetting {
                    setting: f.clone(),
                    span: flags_loc.span.into(),
                    help: "rc2s6 does not know this option of start-stop-daemon / supervise-daemon".into(),
                },
            );
        }

        ok &= self.user(&flags, declarative, &mut d);
        ok &= self.directories(&flags, declarative, &mut d);
        ok &= self.umask_and_nice(&flags, declarative, &mut d);
        // openrc-run applies rc_ulimit before any command, custom start() or not.
        ok &= self.limits(&mut d);
        ok &= self.shell_settings(&mut d);
        ok &= self.redirections(&flags, declarative, &mut d);
        ok &= self.environment(&flags, declarative, &mut d);
        ok &= self.privileges(&flags, declarative, &mut d);
        if declarative {
            ok &= self.readiness(&flags, &mut d);
            ok &= self.stopping(&mut d);
            ok &= self.respawn(&flags, supervisor, &mut d);
            ok &= self.unsupported_variables();
        } else {
            ok &= self.call_readiness(&flags, &mut d);
        }
        ok &= self.foreground(launch, &flags, supervisor, command_loc, &mut d);
        ok.then_some(d)
    }

    fn user(&mut self, flags: &DaemonFlags, declarative: bool, d: &mut Daemon) -> bool {
        let (spec, loc) = match (&flags.user, declarative.then(|| self.setting("command_user")).flatten()) {
            (Some(u), _) => (u.clone(), self.flags_loc()),
            (None, Some((u, loc))) => (u, loc),
            (None, None) => match &flags.group {
                Some(_) => (String::new(), self.flags_loc()),
                None => return true,
            },
        };
        let (user, mut group) = match spec.split_once(':') {
            Some((u, g)) => (u.to_string(), (!g.is_empty()).then(|| g.to_string())),
            None => (spec.clone(), None),
        };
        if let Some(g) = &flags.group {
            group = Some(g.clone());
        }
        let bad = |what: &str| format!("`{what}` is not an account name");
        // `--group` alone changes only the group: the user stays root.
        let user = if user.is_empty() && group.is_some() { "root".to_string() } else { user };
        if user.is_empty() {
            self.push(
                loc,
                ModelError::InvalidValue {
                    variable: "command_user".into(),
                    problem: "an empty user name".into(),
                    span: loc.span.into(),
                    help: "write `command_user=user` or `command_user=user:group`".into(),
                },
            );
            return false;
        }
        for (what, val) in [("user", Some(&user)), ("group", group.as_ref())] {
            if let Some(v) = val {
                if !is_account_name(v) {
                    let numeric = v.chars().all(|c| c.is_ascii_digit());
                    self.push(
                        loc,
                        ModelError::InvalidValue {
                            variable: "command_user".into(),
                            problem: bad(v),
                            span: loc.span.into(),
                            help: if numeric {
                                format!("give the {what} by name: s6-envuidgid looks names up in the account database, as OpenRC's s6 backend requires")
                            } else {
                                format!("write the {what} name as it is in /etc/passwd or /etc/group")
                            },
                        },
                    );
                    return false;
                }
            }
        }
        d.user = Some(RunAs { user, group });
        true
    }

    /// Where start-stop-daemon flags came from, for labels.
    fn flags_loc(&self) -> Loc {
        if let Some(call) = self.call {
            return call;
        }
        self.var("start_stop_daemon_args")
            .or_else(|| self.var("supervise_daemon_args"))
            .map(|v| v.1)
            .unwrap_or(self.fallback)
    }

    fn directories(&mut self, flags: &DaemonFlags, declarative: bool, d: &mut Daemon) -> bool {
        let pick = |me: &mut Self, flag: &Option<String>, var: &str| -> Option<(String, Loc)> {
            match flag {
                Some(v) if !v.is_empty() => Some((v.clone(), me.flags_loc())),
                _ if declarative => me.setting(var),
                _ => None,
            }
        };
        let dir = pick(self, &flags.chdir, "directory");
        let root = pick(self, &flags.chroot, "chroot");
        if let (Some((_, loc)), Some(_)) = (&root, &dir) {
            self.push(
                *loc,
                ModelError::UnconvertibleSetting {
                    setting: "chroot".into(),
                    why: "with `directory` as well, the daemon must change directory inside the new root, and no s6 program exists there to do it".into(),
                    span: loc.span.into(),
                    help: "drop `directory` and let the daemon start at the root of the chroot, or give the daemon its own chdir option".into(),
                },
            );
            return false;
        }
        if let Some((mut p, loc)) = dir {
            if !p.starts_with('/') {
                // openrc-run runs from `/`; a run script starts in its service directory.
                p = format!("/{p}");
                self.decide("directory", format!("relative directory made absolute: {p}"), Some(loc));
            }
            d.directory = Some(p);
        }
        if let Some((mut p, loc)) = root {
            if !p.starts_with('/') {
                p = format!("/{p}");
                self.decide("chroot", format!("relative chroot made absolute: {p}"), Some(loc));
            }
            d.chroot = Some(p);
        }
        true
    }

    fn umask_and_nice(&mut self, flags: &DaemonFlags, declarative: bool, d: &mut Daemon) -> bool {
        let mut ok = true;
        let umask = match &flags.umask {
            Some(u) => Some((u.clone(), self.flags_loc())),
            None if declarative => self.setting("umask"),
            None => None,
        };
        if let Some((u, loc)) = umask {
            let t = u.trim();
            if !t.is_empty() && t.len() <= 4 && t.chars().all(|c| ('0'..='7').contains(&c)) {
                let n = u32::from_str_radix(t, 8).unwrap_or(0);
                d.umask = Some(format!("{n:03o}"));
            } else {
                ok = false;
                self.push(
                    loc,
                    ModelError::InvalidValue {
                        variable: "umask".into(),
                        problem: format!("`{u}` is not an octal mask"),
                        span: loc.span.into(),
                        help: "write the mask in octal, e.g. `umask=027`".into(),
                    },
                );
            }
        }
        let nice = match &flags.nice {
            Some(n) => Some((n.clone(), self.flags_loc())),
            None if declarative => self.setting("SSD_NICELEVEL"),
            None => None,
        };
        if let Some((n, loc)) = nice {
            match n.trim().parse::<i32>() {
                Ok(v) if (-20..=19).contains(&v) => d.nice = Some(v),
                _ => {
                    ok = false;
                    self.push(
                        loc,
                        ModelError::InvalidValue {
                            variable: "--nicelevel".into(),
                            problem: format!("`{n}` is not a nice level"),
                            span: loc.span.into(),
                            help: "use a whole number from -20 to 19".into(),
                        },
                    );
                }
            }
        }
        ok
    }

    fn redirections(&mut self, flags: &DaemonFlags, declarative: bool, d: &mut Daemon) -> bool {
        let pick = |me: &mut Self, flag: &Option<String>, var: &str| -> Option<String> {
            match flag {
                Some(v) if !v.is_empty() => Some(v.clone()),
                _ if declarative => me.setting(var).map(|x| x.0),
                _ => None,
            }
        };
        d.stdout = pick(self, &flags.stdout, "output_log");
        d.stderr = pick(self, &flags.stderr, "error_log");
        d.stdin = pick(self, &flags.stdin, "input_file");
        for p in [&mut d.stdout, &mut d.stderr, &mut d.stdin].into_iter().flatten() {
            if !p.starts_with('/') && d.directory.is_none() {
                *p = format!("/{p}");
            }
        }
        let out_logger = pick(self, &flags.stdout_logger, "output_logger");
        let err_logger = pick(self, &flags.stderr_logger, "error_logger");
        let logger = match (out_logger, err_logger) {
            (Some(o), Some(e)) if o != e => {
                let loc = self.var("error_logger").map(|v| v.1).unwrap_or(self.fallback);
                self.decide(
                    "logger",
                    "output_logger and error_logger differ: s6 has one logger per service, error_logger is used for both (as OpenRC's s6 backend does)",
                    Some(loc),
                );
                Some(e)
            }
            (Some(o), _) => Some(o),
            (None, Some(e)) => Some(e),
            (None, None) => None,
        };
        if let Some(l) = logger {
            // A logger command that is plain words runs directly; anything else through sh.
            let parsed = crate::shell::parse::parse_command_line(&l);
            let simple = parsed.script.as_ref().and_then(|s| match s.body.items.as_slice() {
                [item] if !item.background && item.and_or.rest.is_empty() => {
                    match item.and_or.first.commands.as_slice() {
                        [crate::shell::ast::Command::Simple(sc)]
                            if sc.redirects.is_empty() && sc.assignments.is_empty() =>
                        {
                            sc.words.iter().map(|w| w.static_text()).collect::<Option<Vec<String>>>()
                        }
                        _ => None,
                    }
                }
                _ => None,
            });
            match simple {
                Some(words) if !words.is_empty() => d.logger = Some(words),
                _ => {
                    d.logger = Some(vec![l]);
                    d.logger_is_shell = true;
                }
            }
        }
        true
    }

    fn environment(&mut self, flags: &DaemonFlags, declarative: bool, d: &mut Daemon) -> bool {
        let mut ok = true;
        let mut env: Vec<(String, String)> = Vec::new();
        // openrc-run exports these to every daemon it starts.
        for n in ["RC_SERVICE", "RC_SVCNAME", "SVCNAME"] {
            if let Some((v, _)) = self.var(n) {
                env.push((n.to_string(), v.text));
            }
        }
        let exported: Vec<(String, ShellValue)> = self
            .env
            .globals()
            .filter(|(n, v)| v.exported && !n.starts_with("RC_") && n.as_str() != "SVCNAME")
            .map(|(n, v)| (n.clone(), v.value.clone()))
            .collect();
        for (n, v) in exported {
            if self.check(&n, &v) {
                env.push((n, v.text));
            } else {
                ok = false;
            }
        }
        let _ = declarative;
        for (k, v) in &flags.env {
            env.retain(|(n, _)| n != k);
            env.push((k.clone(), v.clone()));
        }
        env.sort();
        env.dedup_by(|a, b| a.0 == b.0);
        d.env = env;
        ok
    }

    fn readiness(&mut self, flags: &DaemonFlags, d: &mut Daemon) -> bool {
        let mut ok = true;
        let notify = match &flags.notify {
            Some(n) => Some((n.clone(), self.flags_loc())),
            None => self.setting("notify").or_else(|| self.setting("ready")),
        };
        if let Some((n, loc)) = notify {
            ok &= self.notify_value(&n, loc, d);
        }
        if let Some((opts, loc)) = self.setting("s6_svwait_options_start") {
            let words: Vec<&str> = opts.split_whitespace().collect();
            if words.iter().any(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('U'))
                && d.notification_fd.is_none()
            {
                ok = false;
                self.push(loc, ModelError::ReadinessWithoutFd { span: loc.span.into() });
            }
        }
        ok
    }

    fn call_readiness(&mut self, flags: &DaemonFlags, d: &mut Daemon) -> bool {
        match &flags.notify {
            Some(n) => {
                let loc = self.fallback;
                self.notify_value(n, loc, d)
            }
            None => true,
        }
    }

    fn notify_value(&mut self, n: &str, loc: Loc, d: &mut Daemon) -> bool {
        if let Some(fd) = n.strip_prefix("fd:") {
            match fd.parse::<u32>() {
                Ok(v) if v >= 3 => {
                    d.notification_fd = Some(v);
                    self.decide("readiness", format!("notify=fd:{v}: notification-fd {v}"), Some(loc));
                    true
                }
                _ => {
                    self.push(
                        loc,
                        ModelError::InvalidValue {
                            variable: "notify".into(),
                            problem: format!("`{fd}` is not a file descriptor of 3 or more"),
                            span: loc.span.into(),
                            help: "fds 0, 1 and 2 are the daemon's stdin, stdout and stderr; write `notify=fd:N` with N ≥ 3".into(),
                        },
                    );
                    false
                }
            }
        } else if n.starts_with("socket:") {
            self.push(
                loc,
                ModelError::UnsupportedSetting {
                    setting: format!("notify={n}"),
                    span: loc.span.into(),
                    help: "s6 2.11 has no NOTIFY_SOCKET bridge; the service counts as ready as soon as it is up".into(),
                },
            );
            true
        } else {
            self.push(
                loc,
                ModelError::InvalidValue {
                    variable: "notify".into(),
                    problem: format!("`{n}` is neither `fd:N` nor `socket:ready`"),
                    span: loc.span.into(),
                    help: "write `notify=fd:N`".into(),
                },
            );
            false
        }
    }

    fn stopping(&mut self, d: &mut Daemon) -> bool {
        let mut ok = true;
        let from_stop = |c: &super::stop_call::StopCall, v: &Option<String>| v.clone().map(|v| (v, c.loc));
        let stop_signal = self.stop_call.as_ref().and_then(|c| from_stop(c, &c.signal));
        let stop_retry = self.stop_call.as_ref().and_then(|c| from_stop(c, &c.retry));
        for (topic, var, from) in [("stop signal", "stopsig", &stop_signal), ("stop schedule", "retry", &stop_retry)] {
            if let (Some((v, loc)), None) = (from, self.setting(var)) {
                self.decide(topic, format!("`{v}` from the start-stop-daemon call in stop()"), Some(*loc));
            }
        }
        let stopsig = match self.setting("stopsig").or(stop_signal) {
            Some((s, loc)) => match stop_policy::normalize_signal(&s) {
                Some(sig) => Some(sig),
                None => {
                    ok = false;
                    self.push(
                        loc,
                        ModelError::InvalidValue {
                            variable: "stopsig".into(),
                            problem: format!("`{s}` is not a signal"),
                            span: loc.span.into(),
                            help: "use a signal name such as `TERM`, `INT` or `QUIT`".into(),
                        },
                    );
                    None
                }
            },
            None => None,
        };
        d.down_signal = stopsig.clone();
        if let Some((r, loc)) = self.setting("retry").or(stop_retry) {
            match stop_policy::parse_retry(&r, stopsig.as_deref()) {
                Ok(plan) => {
                    if d.down_signal.is_none() {
                        d.down_signal = plan.signal;
                    }
                    d.timeout_kill_ms = plan.kill_after_ms;
                    if !plan.dropped.is_empty() {
                        self.push(
                            loc,
                            ModelError::UnsupportedSetting {
                                setting: format!("retry={r}"),
                                span: loc.span.into(),
                                help: format!(
                                    "s6 sends one signal, then SIGKILL after timeout-kill; these steps are left out: {}",
                                    plan.dropped.join(", ")
                                ),
                            },
                        );
                    }
                }
                Err(problem) => {
                    ok = false;
                    self.push(
                        loc,
                        ModelError::InvalidValue {
                            variable: "retry".into(),
                            problem,
                            span: loc.span.into(),
                            help: "write seconds (`retry=30`) or a schedule such as `retry=TERM/30/KILL/5`".into(),
                        },
                    );
                }
            }
        }
        if let Some((t, loc)) = self.setting("timeout_kill") {
            match stop_policy::parse_millis(&t) {
                Some(ms) => d.timeout_kill_ms = Some(ms),
                None => {
                    ok = false;
                    self.push(
                        loc,
                        ModelError::InvalidValue {
                            variable: "timeout_kill".into(),
                            problem: format!("`{t}` is not a number of milliseconds"),
                            span: loc.span.into(),
                            help: "write milliseconds, e.g. `timeout_kill=5000`".into(),
                        },
                    );
                }
            }
        }
        if d.down_signal.as_deref() == Some("SIGTERM") {
            // s6's default; no file needed.
            d.down_signal = None;
        }
        ok
    }

    fn limits(&mut self, d: &mut Daemon) -> bool {
        let value = self.setting("rc_ulimit").or_else(|| self.setting("RC_ULIMIT"));
        let Some((text, loc)) = value else { return true };
        let args: Vec<String> = text.split_whitespace().map(String::from).collect();
        match ulimit::parse(&args) {
            Ok(l) => {
                d.limits = l;
                true
            }
            Err(problem) => {
                self.push(
                    loc,
                    ModelError::UnconvertibleSetting {
                        setting: "rc_ulimit".into(),
                        why: problem,
                        span: loc.span.into(),
                        help: "s6-softlimit sets -c -d -f -l -m -n -p -s -t -v limits; drop the others".into(),
                    },
                );
                false
            }
        }
    }

    /// `ulimit`, `umask` and `cd` in start() before the launch: start-stop-daemon's child
    /// inherits them, so they go into the run script. Its own `--umask`/`--chdir` still win.
    fn shell_settings(&mut self, d: &mut Daemon) -> bool {
        let mut ok = true;
        for (name, args, loc, conditional) in std::mem::take(&mut self.shell) {
            if conditional {
                ok = false;
                self.push(
                    loc,
                    ModelError::UnconvertibleSetting {
                        setting: format!("{name} {}", args.join(" ")),
                        why: "start() runs it only under a condition rc2s6 cannot decide".into(),
                        span: loc.span.into(),
                        help: "set it unconditionally, or use `rc_ulimit`, `umask` or `directory`".into(),
                    },
                );
                continue;
            }
            match name.as_str() {
                "ulimit" => match ulimit::parse(&args) {
                    Ok(l) => {
                        d.limits.extend(l);
                        self.decide(
                            "limits",
                            format!("start() runs `ulimit {}` before the launch", args.join(" ")),
                            Some(loc),
                        );
                    }
                    Err(problem) => {
                        ok = false;
                        self.push(
                            loc,
                            ModelError::UnconvertibleSetting {
                                setting: format!("ulimit {}", args.join(" ")),
                                why: problem,
                                span: loc.span.into(),
                                help: "s6-softlimit sets -c -d -f -l -m -n -p -s -t -v limits; drop the others".into(),
                            },
                        );
                    }
                },
                "umask" if d.umask.is_none() => {
                    let m = args.first().map(String::as_str).unwrap_or("");
                    if !m.is_empty() && m.len() <= 4 && m.chars().all(|c| ('0'..='7').contains(&c)) {
                        d.umask = Some(format!("{:03o}", u32::from_str_radix(m, 8).unwrap_or(0)));
                    } else if !m.is_empty() {
                        ok = false;
                        self.push(
                            loc,
                            ModelError::InvalidValue {
                                variable: "umask".into(),
                                problem: format!("`{m}` is not an octal mask"),
                                span: loc.span.into(),
                                help: "write the mask in octal, e.g. `umask 027`".into(),
                            },
                        );
                    }
                }
                "cd" if d.directory.is_none() => {
                    if let Some(dir) = args.iter().find(|a| !a.starts_with('-')) {
                        d.directory = Some(if dir.starts_with('/') { dir.clone() } else { format!("/{dir}") });
                    }
                }
                _ => {}
            }
        }
        ok
    }

    fn respawn(&mut self, flags: &DaemonFlags, supervisor: Supervisor, d: &mut Daemon) -> bool {
        if supervisor != Supervisor::SuperviseDaemon {
            return true;
        }
        let mut ok = true;
        let get = |me: &mut Self, flag: &Option<String>, var: &str| -> Option<(String, Loc)> {
            match flag {
                Some(v) => Some((v.clone(), me.flags_loc())),
                None => me.setting(var),
            }
        };
        let delay = get(self, &flags.respawn_delay, "respawn_delay");
        let max = get(self, &flags.respawn_max, "respawn_max");
        let period = get(self, &flags.respawn_period, "respawn_period");
        if delay.is_none() && max.is_none() && period.is_none() {
            return true;
        }
        let mut r = Respawn { delay_secs: None, max: None, period_secs: None };
        let bad = |me: &mut Self, var: &str, val: &str, loc: Loc, help: &str| {
            me.push(
                loc,
                ModelError::InvalidValue {
                    variable: var.into(),
                    problem: format!("`{val}` is not valid here"),
                    span: loc.span.into(),
                    help: help.into(),
                },
            );
        };
        if let Some((v, loc)) = delay {
            match stop_policy::parse_duration_secs(&v) {
                Some(s) => r.delay_secs = Some(s),
                None => {
                    ok = false;
                    bad(self, "respawn_delay", &v, loc, "write seconds, or a number with ms, s, m or h");
                }
            }
        }
        if let Some((v, loc)) = max {
            match v.trim().parse::<u32>() {
                Ok(n) if n <= 4096 => r.max = Some(n),
                _ => {
                    ok = false;
                    bad(self, "respawn_max", &v, loc, "write a whole number up to 4096 (0 means no limit)");
                }
            }
        }
        if let Some((v, loc)) = period {
            match stop_policy::parse_duration_secs(&v) {
                Some(s) => r.period_secs = Some(s),
                None => {
                    ok = false;
                    bad(self, "respawn_period", &v, loc, "write seconds, or a number with ms, s, m or h");
                }
            }
        }
        if r.max == Some(0) {
            r.max = None;
        }
        if r.delay_secs.is_some() || r.max.is_some() {
            d.respawn = Some(r);
        }
        ok
    }

    /// `capabilities`, `secbits`, `no_new_privs` (or their start-stop-daemon flags) → setpriv.
    fn privileges(&mut self, flags: &DaemonFlags, declarative: bool, d: &mut Daemon) -> bool {
        let mut p = Privileges::default();
        let mut ok = true;
        let pick = |me: &mut Self, flag: &Option<String>, var: &str| -> Option<(String, Loc)> {
            match flag {
                Some(v) => Some((v.clone(), me.flags_loc())),
                None if declarative => me.setting(var),
                None => None,
            }
        };
        if let Some((v, loc)) = pick(self, &flags.capabilities, "capabilities") {
            if let Err(problem) = capabilities::parse_iab(&v, &mut p) {
                ok = false;
                self.push(
                    loc,
                    ModelError::InvalidValue {
                        variable: "capabilities".into(),
                        problem,
                        span: loc.span.into(),
                        help: "write libcap IAB text, e.g. `capabilities=^cap_net_bind_service`".into(),
                    },
                );
            }
        }
        if let Some((v, loc)) = pick(self, &flags.secbits, "secbits") {
            if let Err(problem) = capabilities::parse_secbits(&v, &mut p) {
                ok = false;
                self.push(
                    loc,
                    ModelError::InvalidValue {
                        variable: "secbits".into(),
                        problem,
                        span: loc.span.into(),
                        help: "write the securebits as a number, e.g. `secbits=0x5`".into(),
                    },
                );
            }
        }
        let nnp = flags.no_new_privs
            || (declarative
                && self
                    .setting("no_new_privs")
                    .is_some_and(|(v, _)| matches!(v.to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "1")));
        p.no_new_privs = nnp;
        if !p.is_empty() {
            self.decide(
                "privileges",
                "capabilities, securebits and no_new_privs are set with setpriv (util-linux), which the target needs",
                None,
            );
            d.privileges = Some(p);
        }
        ok
    }

    fn unsupported_variables(&mut self) -> bool {
        let ok = true;
        for var in ["healthcheck_timer", "stopgroup"] {
            if let Some((_, loc)) = self.setting(var) {
                self.push(
                    loc,
                    ModelError::UnsupportedSetting {
                        setting: var.into(),
                        span: loc.span.into(),
                        help: if var == "stopgroup" {
                            "s6-svc -d signals the daemon only, not its process group".into()
                        } else {
                            "s6 has no health checks; a daemon that hangs is not restarted".into()
                        },
                    },
                );
            }
        }
        ok
    }

    /// Whether the command is a daemon as far as rc2s6's table knows; when it is not, records why
    /// (a oneshot, or a control program s6 cannot supervise). `known` says whether the command
    /// line was known exactly: when it was not, the diagnostics already say why, and an entry for
    /// a program that is not a daemon decides nothing.
    fn is_daemon(&mut self, argv: &[String], known: bool, loc: Loc) -> bool {
        let Some((entry, words)) = daemon_table::lookup(argv) else { return true };
        let name = || {
            let base = argv[0].rsplit('/').next().unwrap_or(&argv[0]);
            let mut w: Vec<&str> = std::iter::once(base).chain(argv[1..words].iter().map(String::as_str)).collect();
            // The arguments that made the entry apply, so the reason reads `podman system prune`.
            if let Some(seq) = entry.when.iter().find(|s| daemon_table::contains_seq(&argv[words..], s)) {
                w.extend(seq.iter().map(String::as_str));
            }
            w.join(" ")
        };
        match entry.kind {
            daemon_table::Kind::Daemon => true,
            _ if !known => false,
            daemon_table::Kind::RunsOnce => {
                self.runs_once = true;
                self.decide(
                    "kind",
                    format!(
                        "oneshot: `{}` does its work and exits, and OpenRC waits for it ({})",
                        name(),
                        entry.source
                    ),
                    Some(loc),
                );
                false
            }
            daemon_table::Kind::Control => {
                self.push(
                    loc,
                    ModelError::ControlProgram {
                        program: name(),
                        span: loc.span.into(),
                        citation: entry.source.clone(),
                    },
                );
                false
            }
        }
    }

    /// How the daemon stays in the foreground, in the order issue #4 gives.
    fn foreground(
        &mut self,
        launch: &Launch,
        flags: &DaemonFlags,
        supervisor: Supervisor,
        loc: Loc,
        d: &mut Daemon,
    ) -> bool {
        let background_value = self
            .var("command_background")
            .map(|(v, _)| v.text)
            .filter(|t| matches!(t.to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "1"));
        let reason = match launch {
            Launch::Call { background: true, .. } => {
                Some("the start() call sends it to the background with `&`: it does not fork itself".to_string())
            }
            Launch::Call { program: LaunchProgram::SuperviseDaemon, .. } => {
                Some("supervise-daemon runs it: it stays in the foreground".to_string())
            }
            Launch::Call { .. } if flags.background => {
                Some("start-stop-daemon --background: it does not fork itself".to_string())
            }
            Launch::Call { .. } => None,
            Launch::Declarative => {
                if supervisor == Supervisor::SuperviseDaemon {
                    Some("supervisor=supervise-daemon: it stays in the foreground".into())
                } else if supervisor == Supervisor::S6 {
                    Some("supervisor=s6: written for s6 already".into())
                } else if let Some(v) = background_value {
                    Some(format!("command_background={v}: it does not fork itself"))
                } else if flags.background {
                    Some("--background in start_stop_daemon_args: it does not fork itself".into())
                } else if self.var("command_args_foreground").is_some_and(|(v, _)| !v.text.is_empty()) {
                    Some("command_args_foreground keeps it in the foreground".into())
                } else if self.var("command_args_background").is_some_and(|(v, _)| !v.text.is_empty()) {
                    let known = self.background_args.clone().and_then(|(bg, bg_loc)| {
                        let mut full = d.argv.clone();
                        full.extend(bg);
                        daemon_table::lookup(&full).map(|_| (full, bg_loc))
                    });
                    match known {
                        // start-stop-daemon ran the daemon with command_args_background, and the
                        // table says how to keep that command line in the foreground. Leaving
                        // them out is not enough where the daemon forks by default (rngd's
                        // `--background` is its default) or where they select its daemon mode
                        // (freshclam's `--daemon`: without it, it updates once and exits).
                        Some((full, bg_loc)) => {
                            d.argv = full;
                            if let Some(dec) = self
                                .decisions
                                .iter_mut()
                                .find(|x| x.topic == "arguments" && x.choice == BACKGROUND_ARGS_LEFT_OUT)
                            {
                                dec.choice = "command_args_background kept, as start-stop-daemon passes it: rc2s6's table of daemons keeps that command line in the foreground".into();
                                dec.loc = Some(bg_loc);
                            }
                            None
                        }
                        None => Some("its daemonize flag is in command_args_background, which is left out".into()),
                    }
                } else {
                    None
                }
            }
        };
        if let Some(r) = reason {
            self.decide("foreground", r, Some(loc));
            return true;
        }
        let program = d.argv[0].clone();
        let base = program.rsplit('/').next().unwrap_or(&program).to_string();
        if let Some((entry, words)) = daemon_table::lookup(&d.argv) {
            let base = [base.as_str()]
                .into_iter()
                .chain(d.argv[1..words].iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ");
            let args = d.argv[words..].to_vec();
            if entry.never_forks {
                let change = "nothing to change: it has no option to fork".to_string();
                self.decide("foreground", format!("{base}: {change} ({})", entry.source), Some(loc));
                self.push(loc, ModelError::ForegroundFromTable { daemon: base, change, span: loc.span.into() });
                return true;
            }
            if entry.already.iter().any(|s| daemon_table::contains_seq(&args, s)) {
                self.decide(
                    "foreground",
                    format!("{base}: its arguments already keep it in the foreground ({})", entry.source),
                    Some(loc),
                );
                return true;
            }
            let mut new_args = args.clone();
            let mut changes = Vec::new();
            for seq in &entry.drop {
                if daemon_table::contains_seq(&new_args, seq) {
                    new_args = daemon_table::remove_seq(&new_args, seq);
                    changes.push(format!("removed `{}`", seq.join(" ")));
                }
            }
            if let Some(seq) = entry.foreground.first() {
                match entry.insert {
                    daemon_table::Insert::End => {
                        new_args.extend(seq.iter().cloned());
                        changes.push(format!("added `{}`", seq.join(" ")));
                    }
                    daemon_table::Insert::Start => {
                        new_args.splice(0..0, seq.iter().cloned());
                        changes.push(format!("added `{}` before its other arguments", seq.join(" ")));
                    }
                }
            }
            if changes.is_empty() {
                // A drop-only entry whose daemonize option the script does not pass.
                changes.push("nothing to change: it does not fork without its daemonize option".into());
            }
            d.argv.truncate(words);
            d.argv.extend(new_args);
            let change = changes.join(", ");
            self.decide("foreground", format!("{base}: {change} ({})", entry.source), Some(loc));
            self.push(loc, ModelError::ForegroundFromTable { daemon: base, change, span: loc.span.into() });
            return true;
        }
        if self.options.allow_fghack {
            d.fghack = true;
            self.decide("foreground", format!("{base}: run under s6-fghack (--allow-fghack)"), Some(loc));
            self.push(loc, ModelError::Fghack { daemon: base, span: loc.span.into() });
            return true;
        }
        self.push(
            loc,
            ModelError::DaemonMayFork {
                daemon: base.clone(),
                span: loc.span.into(),
                help: format!(
                    "set `command_args_foreground` to {base}'s option that keeps it in the foreground, or `command_background=yes` if it never forks; `--allow-fghack` runs it under s6-fghack instead"
                ),
            },
        );
        false
    }
}

fn program_name(p: LaunchProgram) -> &'static str {
    match p {
        LaunchProgram::StartStopDaemon => "start-stop-daemon",
        LaunchProgram::SuperviseDaemon => "supervise-daemon",
        LaunchProgram::Direct => "direct",
    }
}

/// Why a value cannot be known, and what to write instead.
pub fn explain_uncertainty(u: &Uncertainty) -> (String, String) {
    match u {
        Uncertainty::CommandSubst(_) => (
            "a command substitution only runs when OpenRC starts the service".into(),
            "write the value literally in conf.d".into(),
        ),
        Uncertainty::Conditional { .. } => (
            "it is set under a condition that depends on the running system".into(),
            "set the value unconditionally in conf.d, or move the condition into the daemon's own configuration".into(),
        ),
        Uncertainty::Runtime { what, .. } => {
            (format!("{what} is only known at run time"), "write the value literally".into())
        }
        Uncertainty::Arithmetic(_) => {
            ("arithmetic rc2s6 does not evaluate".into(), "write the number literally".into())
        }
        Uncertainty::CommandOutput(_) => {
            ("it is read from a command's output".into(), "write the value literally in conf.d".into())
        }
        Uncertainty::UnsetVariable { name, .. } => (format!("`{name}` is not set"), format!("set `{name}`")),
    }
}
