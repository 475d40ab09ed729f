//! Model → s6 service directory: `run` in execline, `log/run` with s6-log, `finish`,
//! `notification-fd`, `down-signal`, `timeout-kill`.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::account_lookup::Looked;
use super::execline::{ExeclineScript, NulInWord, Token};
use super::free_variable::free_variable;
use super::service_dir::{GeneratedFile, ServiceDir, invalid_name};
use crate::core::diagnostic::{Code, Coded, define_codes};
use crate::model::{
    Daemon, LimitKind, Nice, OpenMode, Privileges, RequiredPath, ResourceLimit, Service, ShellRedirect, StateVariable,
};

/// The execline interpreter rc2s6 names in every shebang.
pub const EXECLINEB: &str = "/bin/execlineb";

/// Settings for the generated service directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitOptions {
    /// The execline interpreter in shebangs.
    pub execlineb: String,
    /// Directory under which each service's s6-log directory is made (`<log_dir>/<name>`).
    pub log_dir: String,
    /// User s6-log runs as; `None` keeps root.
    pub log_user: Option<String>,
    /// Rotate `current` at this many bytes.
    pub log_size: u64,
    /// Keep this many rotated files.
    pub log_count: u32,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            execlineb: EXECLINEB.into(),
            log_dir: "/var/log".into(),
            log_user: None,
            log_size: 1_048_576,
            log_count: 10,
        }
    }
}

define_codes! {
    /// Every code of [`EmitError`], in the `emit` phase: codes keep the name they were
    /// published under when the module moved.
    CODES in emit {
        BAD_SERVICE_NAME = bad_service_name: Error,
        NUL_IN_VALUE = nul_in_value: Error,
    }
}

/// A service that cannot be written as a service directory.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum EmitError {
    /// The service name cannot be a directory name in a scan directory.
    #[error("`{name}` cannot be a service directory name: {why}")]
    #[diagnostic(help("rename the init script"))]
    BadServiceName {
        /// The name.
        name: String,
        /// Why not.
        why: String,
        /// The script's first line.
        #[label("this service")]
        span: SourceSpan,
    },

    /// A value holds a NUL byte, which no program argument can.
    #[error("a value for the daemon holds a NUL byte, which no command-line argument can carry")]
    #[diagnostic(help("remove the NUL byte from the script or conf.d file"))]
    NulInValue {
        /// The script's first line.
        #[label("this service")]
        span: SourceSpan,
    },
}

impl Coded for EmitError {
    fn code(&self) -> &'static Code {
        match self {
            EmitError::BadServiceName { .. } => &BAD_SERVICE_NAME,
            EmitError::NulInValue { .. } => &NUL_IN_VALUE,
        }
    }
}

fn span0() -> SourceSpan {
    (0, 0).into()
}

/// The log directory of a service.
pub fn log_dir(name: &str, opts: &EmitOptions) -> String {
    format!("{}/{}", opts.log_dir.trim_end_matches('/'), name)
}

/// The service directory for a longrun.
pub fn service_dir(service: &Service, daemon: &Daemon, opts: &EmitOptions) -> Result<ServiceDir, EmitError> {
    if let Some(why) = invalid_name(&service.name) {
        return Err(EmitError::BadServiceName { name: service.name.clone(), why: why.into(), span: span0() });
    }
    let nul = |_: NulInWord| EmitError::NulInValue { span: span0() };
    let mut files = vec![GeneratedFile {
        path: "run".into(),
        mode: 0o755,
        contents: run_script(daemon, &service.name, opts).render().map_err(nul)?,
    }];
    let int_file = |path: &str, v: u64| GeneratedFile { path: path.into(), mode: 0o644, contents: format!("{v}\n") };
    if let Some(fd) = daemon.notification_fd {
        files.push(int_file("notification-fd", fd.into()));
    }
    if let Some(sig) = &daemon.down_signal {
        files.push(GeneratedFile { path: "down-signal".into(), mode: 0o644, contents: format!("{sig}\n") });
    }
    if let Some(ms) = daemon.timeout_kill_ms {
        files.push(int_file("timeout-kill", ms));
    }
    if let Some(r) = &daemon.respawn {
        let mut finish = ExeclineScript::new(&opts.execlineb);
        if let Some(max) = r.max {
            // supervise-daemon gives up after more than `max` crashes in the period (or ever).
            let period = r.period_secs.unwrap_or(u32::MAX as u64);
            finish.line([
                "s6-permafailon".to_string(),
                period.to_string(),
                (max + 1).to_string(),
                PERMAFAIL_EVENTS.to_string(),
            ]);
            if max + 1 > 100 {
                files.push(int_file("max-death-tally", (max + 1).into()));
            }
        }
        match r.delay_secs {
            Some(d) if d > 0 => {
                finish.line(["sleep".to_string(), d.to_string()]);
                // s6-supervise kills finish after timeout-finish (5 s by default).
                files.push(int_file("timeout-finish", (d + 5) * 1000));
            }
            _ => {
                finish.line(["exit", "0"]);
            }
        }
        files.push(GeneratedFile { path: "finish".into(), mode: 0o755, contents: finish.render().map_err(nul)? });
    }
    let (log_run, log_notify) = log_script(service, daemon, opts);
    files.push(GeneratedFile { path: "log/run".into(), mode: 0o755, contents: log_run.render().map_err(nul)? });
    if log_notify {
        files.push(int_file("log/notification-fd", 3));
    }
    Ok(ServiceDir::new(&service.name, files))
}

/// Every way a process can die, for s6-permafailon: all exit codes and the usual signals.
const PERMAFAIL_EVENTS: &str = "0-255,SIGHUP,SIGINT,SIGQUIT,SIGILL,SIGTRAP,SIGABRT,SIGBUS,SIGFPE,SIGKILL,SIGUSR1,SIGSEGV,SIGUSR2,SIGPIPE,SIGALRM,SIGTERM";

/// Sets `v` as openrc-run does as it starts: the file's first line less its newline (fgets and
/// getline stop there; `read -r` with an empty IFS keeps the rest of the line as it is), its
/// fallback when the file is missing. The shell reads it as root, before the user switch, as
/// openrc-run does.
fn state_variable(s: &mut ExeclineScript, v: &StateVariable) {
    let read = if v.empty_is_missing {
        "IFS= read -r l 2>/dev/null <\"$1\"; printf '%s\\n' \"${l:-$2}\""
    } else {
        "if [ -e \"$1\" ]; then IFS= read -r l <\"$1\"; printf '%s\\n' \"$l\"; else printf '%s\\n' \"$2\"; fi"
    };
    s.block_line(
        &["backtick", "-n", v.name.as_str()],
        ["/bin/sh", "-c", read, "sh", v.file.as_str(), v.missing.as_str()],
    );
}

/// The daemon's run script: a straight chain, every value one word.
pub fn run_script(d: &Daemon, name: &str, opts: &EmitOptions) -> ExeclineScript {
    let mut s = ExeclineScript::new(&opts.execlineb);
    // stderr joins stdout on the log pipe; a later redirfd for error_log overrides it.
    s.line(["fdmove", "-c", "2", "1"]);
    // Values OpenRC computes as it loads the script, before its required_dirs tests.
    let super::at_start::Substituted { argv, env } = super::at_start::substitute(&mut s, d, name);
    // The account, looked up after them: nothing substitutes in the run script after this but
    // the numbers it gives.
    let looked = super::account_lookup::look_up(&mut s, d, name);
    let looked = looked.as_ref();
    required(&mut s, name, &d.required);
    match &d.system_worlds {
        None => launch(&mut s, d, name, &argv, &env, looked),
        // The tests of the running system select the launch (the model allows no value computed
        // at start with them: `argv` and `env` are the daemon's own then).
        Some(worlds) => super::system_worlds::branch(&mut s, worlds, &worlds.tree, &mut |s, argv, env| {
            launch(s, d, name, argv, env, looked)
        }),
    }
    s
}

/// The rest of the run script, from the daemon's environment to its exec, with `argv` and
/// `env` as the launch the run script makes.
fn launch(
    s: &mut ExeclineScript,
    d: &Daemon,
    name: &str,
    argv: &[String],
    env: &[(String, String)],
    looked: Option<&Looked>,
) {
    // PATH last: the run script's own programs are found through s6-svscan's PATH (Debian keeps
    // execline's in /usr/lib/execline/bin, which no OpenRC PATH names).
    let path = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_str());
    for (k, v) in env.iter().filter(|(k, _)| k != "PATH") {
        s.line(["export", k.as_str(), v.as_str()]);
    }
    if let Some(l) = looked {
        super::account_lookup::export_user_and_home(s, d, l);
    }
    for k in d.unexport.iter().filter(|k| *k != "PATH") {
        s.line(["unexport", k.as_str()]);
    }
    for v in &d.state_variables {
        state_variable(s, v);
    }
    if let Some(user) = &d.home_of {
        // HOME is the account's home directory, looked up as the daemon starts.
        s.block_line(&["backtick", "-n", "HOME"], ["homeof", user.as_str()]);
    }
    shell_redirections(s, d);
    // start-stop-daemon's daemons start in openrc-run's directory, `/`; a run script starts in
    // its service directory.
    s.line(["cd", d.directory.as_deref().unwrap_or("/")]);
    if let Some(m) = &d.umask {
        s.line(["umask", m.as_str()]);
    }
    limits(s, d, name);
    if let Some(n) = &d.nice {
        nice(s, name, n);
    }
    if d.ignores_int_quit {
        // `trap ''` sets SIG_IGN, which execve keeps (and the user switch, the chroot after it).
        s.line(["/bin/sh", "-c", "trap '' INT QUIT\nexec \"$@\"", name]);
    }
    user_and_files(s, d, path, looked);
    if d.fghack {
        s.line(["s6-fghack"]);
    }
    if let (Some(p), None) = (path, &d.chroot) {
        // Only `exec -a` (for an argv[0] of its own) is looked up through it.
        s.line(["export", "PATH", p]);
    }
    if d.unexport.iter().any(|k| k == "PATH") {
        // Last, for the same reason: the run script's own programs still need it.
        s.line(["unexport", "PATH"]);
    }
    if let Some(a) = &d.argv0 {
        s.line(["exec", "-a", a.as_str()]);
    }
    s.line(argv);
}

/// openrc-run's `required_dirs` and `required_files` tests, first and as root (openrc-run.sh.in
/// at 0.45.2 and 0.63.3 makes them before any function): a path that fails its test ends the run
/// script with openrc-run's message on stderr and status 1, so the daemon is not started.
/// s6-supervise runs the script again a second later, so the service comes up once the path is
/// there; OpenRC would have to be asked again.
fn required(s: &mut ExeclineScript, name: &str, required: &[RequiredPath]) {
    let w = |x: &str| Token::Word(x.to_string());
    for r in required {
        let (test, what) = if r.directory { ("-d", "is not a directory") } else { ("-r", "is not readable") };
        // ifelse -n { test … } { fdmove -c 1 2 foreground { printf … } exit 1 }
        s.tokens_line([
            w("ifelse"),
            w("-n"),
            Token::Open,
            w("test"),
            w(test),
            w(&r.path),
            Token::Close,
            Token::Open,
            w("fdmove"),
            w("-c"),
            w("1"),
            w("2"),
            w("foreground"),
            Token::Open,
            w("printf"),
            w("%s\\n"),
            Token::Word(format!(" * {name}: `{}' {what}", r.path)),
            Token::Close,
            w("exit"),
            w("1"),
            Token::Close,
        ]);
    }
}

/// /bin/sh text that sets `c` to the nice level of the shell, read from /proc/self/stat (field
/// 19, proc(5)): the shell's own name, `sh`, holds no `) `.
const READ_NICE_SH: &str = "read -r s </proc/self/stat || exit 1\ns=${s##*) }\nf() { c=${17}; }\nf $s\n";

/// The nice level, absolute as start-stop-daemon's and supervise-daemon's `setpriority()`
/// makes it, where `nice -n` (POSIX: an increment) would add to the level s6-supervise runs at.
/// So /bin/sh reads the level the run script runs at and hands `nice -n` the difference; a
/// second /bin/sh, which `nice` runs, checks the level (coreutils' `nice` runs the program even
/// when it could not set the level, where OpenRC fails the start) and, from OpenRC 0.46, gives
/// it to the session's autogroup as OpenRC does after its `setsid()` (s6-supervise has made the
/// run script a session leader: s6-supervise(8), "always spawns its child in a new session").
/// Both pass the rest of the run script on with `exec "$@"`.
fn nice(s: &mut ExeclineScript, name: &str, n: &Nice) {
    let level = n.level;
    let set = format!("{READ_NICE_SH}exec nice -n $(({level} - c)) \"$@\"");
    s.line(["/bin/sh", "-c", set.as_str(), name]);
    // The service's name is the shell's $0, so it is never shell text.
    let mut check = format!(
        "{READ_NICE_SH}if [ \"$c\" != {level} ]; then echo \" * $0: cannot set the nice level {level}: it is $c\" >&2; exit 1; fi\n"
    );
    if n.autogroup {
        // OpenRC: fopen("/proc/self/autogroup", "r+"), a missing file (ENOENT) is no error.
        check.push_str(&format!(
            "if [ -e /proc/self/autogroup ]; then echo {level} >/proc/self/autogroup || exit 1; fi\n"
        ));
    }
    check.push_str("exec \"$@\"");
    s.line(["/bin/sh", "-c", check.as_str(), name]);
}

/// The variable through which the limits' `s6-softlimit` words reach the rest of the run
/// script: `RC2S6_ULIMIT`, or `RC2S6_ULIMIT1`… when a value of the daemon holds that text, since
/// `importas` substitutes `$NAME` and `${NAME}` in every later word.
fn ulimit_variable(d: &Daemon, name: &str) -> String {
    free_variable(d, name, |k| if k == 0 { "RC2S6_ULIMIT".to_string() } else { format!("RC2S6_ULIMIT{k}") })
}

/// The `ulimit` calls openrc-run's shell makes, with their outcome: a call that fails there
/// is reported and the start goes on without it (openrc-run.sh.in at 0.45.2), where
/// `s6-softlimit` would stop the service. So each call is first made in the system's /bin/sh,
/// the shell openrc-run runs (its `ulimit`: dash and busybox ash differ, e.g. on `-u` and on
/// several limits in one call), and the `s6-softlimit` words of those that succeed, each kind
/// of limit (both, soft, hard) its own `s6-softlimit`, are put before the rest of the chain.
/// The shell's own message and openrc-run's go to the service's log.
fn limits(s: &mut ExeclineScript, d: &Daemon, name: &str) {
    if d.limits.is_empty() {
        return;
    }
    let var = ulimit_variable(d, name);
    let mut text = String::new();
    for call in &d.limits {
        let args: Vec<String> = call.args.iter().map(|a| sh_quote(a)).collect();
        let words = softlimit_words(&call.limits).join(" ");
        text.push_str(&format!("if ulimit {} >/dev/null; then echo {words}", args.join(" ")));
        if let Some(e) = &call.error {
            text.push_str(&format!("; else echo {} >&2", sh_quote(e)));
        }
        text.push_str("; fi\n");
    }
    text.push_str("true");
    s.block_line(&["backtick", "-n", var.as_str()], ["/bin/sh", "-c", text.as_str()]);
    s.line(["importas", "-u", "-s", "-C", var.as_str(), var.as_str()]);
    s.line([format!("${var}")]);
}

/// `s6-softlimit [-H|-h] -X value …`, once per kind of limit (both, soft, hard) in `limits`.
fn softlimit_words(limits: &[ResourceLimit]) -> Vec<String> {
    let mut words = Vec::new();
    for kind in [LimitKind::Both, LimitKind::Soft, LimitKind::Hard] {
        let of_kind: Vec<_> = limits.iter().filter(|l| l.which == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        words.push("s6-softlimit".to_string());
        match kind {
            LimitKind::Both => words.push("-H".into()),
            LimitKind::Hard => words.push("-h".into()),
            LimitKind::Soft => {}
        }
        for l in of_kind {
            words.push(format!("-{}", l.flag));
            words.push(l.value.clone());
        }
    }
    words
}

/// A word for /bin/sh: single-quoted unless it is made only of characters sh leaves alone.
fn sh_quote(w: &str) -> String {
    if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_=./,:+@%".contains(c)) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// The `setpriv` options for capabilities, securebits and no_new_privs.
fn setpriv_options(p: &Privileges) -> Vec<String> {
    let mut words = Vec::new();
    if !p.securebits.is_empty() {
        words.push(format!("--securebits={}", plus_list(&p.securebits)));
    }
    if !p.inheritable.is_empty() {
        words.push(format!("--inh-caps={}", plus_list(&p.inheritable)));
    }
    if !p.ambient.is_empty() {
        words.push(format!("--ambient-caps={}", plus_list(&p.ambient)));
    }
    if !p.bounding_drop.is_empty() {
        words.push(format!(
            "--bounding-set={}",
            p.bounding_drop.iter().map(|c| format!("-{c}")).collect::<Vec<_>>().join(",")
        ));
    }
    if p.no_new_privs {
        words.push("--no-new-privs".into());
    }
    words
}

/// The switch to the daemon's root, group and user, with its privileges, then its
/// stdin/stdout/stderr files: opened as the daemon's user (after the switch), as
/// start-stop-daemon does; in a chroot, before it, since no s6 program exists inside the new
/// root. start-stop-daemon (start-stop-daemon.c:931-960 at 0.45.2) sets the group, the
/// supplementary groups for `--user` only (`initgroups`), the user keeping its capabilities
/// (`cap_setuid`), then the capabilities, securebits and no_new_privs. Here s6-envuidgid and
/// s6-applyuidgid set the groups; where privileges are set, one setpriv (util-linux) switches
/// the user with the capabilities kept (`PR_SET_KEEPCAPS`, cleared again by `execve`) and sets
/// them after, so the kernel does not clear the ambient ones and no securebit is left behind.
/// In a chroot, the daemon's `path` is exported just before `chroot`, the last program the run
/// script runs.
fn user_and_files(s: &mut ExeclineScript, d: &Daemon, path: Option<&str>, looked: Option<&Looked>) {
    let privileges = d.privileges.as_ref().map(setpriv_options).filter(|o| !o.is_empty());
    if let Some(l) = looked {
        // The model combines a lookup with no new root and no privileges.
        super::account_lookup::apply(s, l);
        redirections(s, d);
        return;
    }
    match (&d.chroot, &d.user) {
        (Some(root), user) => {
            if let Some(p) = privileges {
                s.line(std::iter::once("setpriv".to_string()).chain(p));
            }
            redirections(s, d);
            if let Some(p) = path {
                s.line(["export", "PATH", p]);
            }
            let mut words = vec!["chroot".to_string()];
            if let Some(u) = user {
                let spec = match &u.group {
                    Some(g) => format!("{}:{}", u.user, g),
                    None => u.user.clone(),
                };
                words.push(format!("--userspec={spec}"));
            }
            words.push(root.clone());
            s.line(words);
        }
        (None, Some(u)) if u.group_only => {
            // `--group` alone: the group id, and nothing else.
            let group = u.group.as_deref().unwrap_or_default();
            let mut words = vec!["setpriv".to_string(), format!("--regid={group}"), "--keep-groups".into()];
            words.extend(privileges.unwrap_or_default());
            s.line(words);
            redirections(s, d);
        }
        (None, Some(u)) => {
            if u.group.is_none() && privileges.is_none() {
                s.line(["s6-setuidgid", u.user.as_str()]);
            } else {
                // The user's supplementary groups and the given group (else the user's): what
                // start-stop-daemon's `--user user[:group]` does.
                s.line(["s6-envuidgid", u.user.as_str()]);
                if let Some(g) = &u.group {
                    s.line(["s6-envuidgid", "-g", g.as_str()]);
                }
                match &privileges {
                    Some(p) => {
                        // The groups now, still as root; the user with the capabilities next.
                        s.line(["s6-applyuidgid", "-Uz", "-u", "0"]);
                        let mut words = vec!["setpriv".to_string(), format!("--reuid={}", u.user)];
                        words.extend(p.iter().cloned());
                        s.line(words);
                    }
                    None => {
                        s.line(["s6-applyuidgid", "-Uz"]);
                    }
                }
            }
            redirections(s, d);
        }
        (None, None) => {
            if let Some(p) = privileges {
                s.line(std::iter::once("setpriv".to_string()).chain(p));
            }
            redirections(s, d);
        }
    }
}

/// stdin from its file, stdout and stderr appended to theirs (paths inside the daemon's root).
fn redirections(s: &mut ExeclineScript, d: &Daemon) {
    let in_root = |p: &str| match &d.chroot {
        Some(root) if p.starts_with('/') => format!("{}{}", root.trim_end_matches('/'), p),
        _ => p.to_string(),
    };
    if let Some(f) = &d.stdin {
        s.line(["redirfd".to_string(), "-r".into(), "0".into(), in_root(f)]);
    }
    // start-stop-daemon creates a missing log file 0660 less the daemon's umask (022 unless
    // set), supervise-daemon 0600; redirfd would create it 0666 less the umask. Created first
    // under the umask that gives that mode, the file is then only opened, as an existing one is
    // by both.
    let mode = if d.log_file_mode == 0 { 0o600 } else { d.log_file_mode };
    let umask = d.umask.as_deref().and_then(|m| u32::from_str_radix(m, 8).ok()).unwrap_or(0o022);
    let create_umask = format!("{:03o}", (umask | (0o666 & !mode)) & 0o777);
    for (fd, f) in [("1", &d.stdout), ("2", &d.stderr)] {
        if let Some(f) = f {
            s.block_line(
                &["if"],
                [
                    "umask".to_string(),
                    create_umask.clone(),
                    "redirfd".into(),
                    "-a".into(),
                    fd.into(),
                    in_root(f),
                    "true".into(),
                ],
            );
            s.line(["redirfd".to_string(), "-a".into(), fd.into(), in_root(f)]);
        }
    }
    // start-stop-daemon and supervise-daemon start the loggers as the daemon's children, with
    // `sh -c` (rc_pipe_command(), src/shared/pipes.c at 0.45.2), stdout's first; stdout's pipe
    // is then open on a descriptor above 2 without close-on-exec, so stderr's logger holds it
    // too (start-stop-daemon.c:1057-1071 at 0.45.2), whatever its command redirects: the run
    // script gives it that pipe on a spare descriptor, and the loggers the service's output on
    // 1 and 2. `pipeline` sets `!`, which the daemon does not get.
    match (&d.stdout_logger, &d.stderr_logger) {
        (Some(out), Some(err)) => {
            let spare = if d.notification_fd == Some(3) { "4" } else { "3" };
            logger_pipeline(s, out);
            s.line(["fdmove", "-c", spare, "1"]);
            s.line(["fdmove", "-c", "1", "2"]);
            logger_pipeline(s, err);
            s.line(["fdmove", "2", "1"]);
            s.line(["fdmove", "1", spare]);
        }
        (Some(out), None) => logger_pipeline(s, out),
        (None, Some(err)) => {
            s.line(["fdswap", "1", "2"]);
            logger_pipeline(s, err);
            s.line(["fdswap", "1", "2"]);
        }
        (None, None) => {}
    }
}

/// `pipeline -w { exec -a sh /bin/sh -c TEXT } unexport !`: stdout becomes a pipe to the logger.
fn logger_pipeline(s: &mut ExeclineScript, text: &str) {
    s.block_line(&["pipeline", "-w"], ["exec", "-a", "sh", "/bin/sh", "-c", text]);
    s.line(["unexport", "!"]);
}

fn plus_list(items: &[String]) -> String {
    items.iter().map(|c| format!("+{c}")).collect::<Vec<_>>().join(",")
}

/// The redirections of the shell command that starts the daemon, in order, as root.
fn shell_redirections(s: &mut ExeclineScript, d: &Daemon) {
    for r in &d.shell_redirects {
        match r {
            ShellRedirect::Open { fd, mode, path } => {
                let flag = match mode {
                    OpenMode::Read => "-r",
                    OpenMode::Truncate => "-w",
                    OpenMode::Append => "-a",
                    OpenMode::ReadWrite => "-u",
                };
                s.line(["redirfd".to_string(), flag.into(), fd.to_string(), path.clone()]);
            }
            ShellRedirect::Copy { fd, from } => {
                s.line(["fdmove".to_string(), "-c".into(), fd.to_string(), from.to_string()]);
            }
            ShellRedirect::Close { fd } => {
                s.line(["fdclose".to_string(), fd.to_string()]);
            }
            ShellRedirect::Text { fd, text } => {
                s.line(["heredoc".to_string(), fd.to_string(), text.clone()]);
            }
        }
    }
}

/// `log/run` and whether it signals readiness on fd 3.
fn log_script(service: &Service, d: &Daemon, opts: &EmitOptions) -> (ExeclineScript, bool) {
    let mut s = ExeclineScript::new(&opts.execlineb);
    if let Some(logger) = &d.logger {
        // OpenRC starts the script's logger from the same shell as the daemon, so it gets the
        // variables the script exports (docker's and containerd's log_proxy is configured
        // through LOGPROXY_*); s6-supervise starts log/run with its own environment.
        for (k, v) in &d.env {
            s.line(["export", k.as_str(), v.as_str()]);
        }
        if d.logger_is_shell {
            s.line(["/bin/sh".to_string(), "-c".into(), format!("exec {}", logger[0])]);
        } else {
            s.line(logger.iter().cloned());
        }
        return (s, false);
    }
    let dir = log_dir(&service.name, opts);
    s.block_line(&["if"], ["mkdir", "-p", "-m", "0750", "--", dir.as_str()]);
    if let Some(u) = &opts.log_user {
        s.block_line(&["if"], ["chown", "--", u.as_str(), dir.as_str()]);
        s.line(["s6-setuidgid", u.as_str()]);
    }
    s.line([
        "s6-log".to_string(),
        "-d3".into(),
        "--".into(),
        "t".into(),
        format!("s{}", opts.log_size),
        format!("n{}", opts.log_count),
        dir,
    ]);
    (s, true)
}
