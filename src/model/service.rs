//! What the model decided about one service.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::openrc::supervisor::Supervisor;

use super::error::ModelDiagnostic;
use crate::eval::environment::Environment;
use crate::eval::value::Loc;

/// How a script is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    /// A daemon to supervise.
    Longrun,
    /// Nothing to supervise: no command and no daemon launch, or a command that does its work and
    /// exits.
    Oneshot,
    /// A daemon rc2s6 could not convert; the diagnostics say why.
    NotConverted,
}

/// One service: what OpenRC would run and everything decided along the way.
#[derive(Debug, Clone)]
pub struct Service {
    /// `RC_SVCNAME`.
    pub name: String,
    /// The classification.
    pub kind: ServiceKind,
    /// The daemon, for longruns.
    pub daemon: Option<Daemon>,
    /// The backend `supervisor` selects after loading.
    pub supervisor: Supervisor,
    /// `supervisor` as the files set it ("" when unset), for the manifest.
    pub supervisor_value: String,
    /// `s6_service_path` after loading, if set by rc.conf, conf.d or the script.
    pub s6_service_path: Option<String>,
    /// `s6_svwait_options_start` after loading.
    pub svwait_options_start: Option<String>,
    /// Milliseconds to wait for readiness (`-t` of the svwait options, or `timeout_ready`).
    pub ready_timeout_ms: Option<u64>,
    /// `description`.
    pub description: Option<String>,
    /// What `depend()` and the `rc_*` overrides declare.
    pub dependencies: Dependencies,
    /// Why things were done the way they were.
    pub decisions: Vec<Decision>,
    /// Problems found, located.
    pub diagnostics: Vec<ModelDiagnostic>,
    /// Functions the script defines, by name, with where.
    pub functions: Vec<(String, Loc)>,
    /// The daemon was launched from a custom `start()`: where the launch is.
    pub custom_launch: Option<Loc>,
    /// The backend calls the script's own `start()` and `stop()` reach.
    pub backend_calls: BackendCalls,
    /// A daemon script by issue #4's measure: it sets `command` or calls start-stop-daemon or
    /// supervise-daemon somewhere.
    pub daemon_script: bool,
    /// The variables OpenRC's s6 backend reads itself ([`S6_SETTINGS`]) as the loaded files
    /// leave them, with where each was set: what verify and migration check.
    pub settings: BTreeMap<String, Setting>,
    /// The same variables as rc.conf and conf.d leave them, before the script: what OpenRC's
    /// backends (sourced in between) see, and what a script's assignment replaced.
    pub settings_before_script: BTreeMap<String, Setting>,
    /// The same variables as the s6 backend's start reads them: after `start_pre()`, and after
    /// what the script's own `start()` assigns before it calls `default_start` (OpenRC runs
    /// start_pre, start and start_post in one shell, openrc-run.sh). OpenRC 0.63.1+ decides
    /// there, in `s6_start`, whether `command` is empty (sh/s6.sh of 0.63.3).
    pub settings_at_start: BTreeMap<String, Setting>,
    /// The variables as the loaded files leave them, before `start_pre()` runs (for lint).
    pub variables: Environment,
}

impl Service {
    /// A service named `name` of which nothing is known yet: not converted.
    pub fn not_converted(name: String) -> Self {
        Service {
            name,
            kind: ServiceKind::NotConverted,
            daemon: None,
            supervisor: Supervisor::StartStopDaemon,
            supervisor_value: String::new(),
            s6_service_path: None,
            svwait_options_start: None,
            ready_timeout_ms: None,
            description: None,
            dependencies: Dependencies::default(),
            decisions: Vec::new(),
            diagnostics: Vec::new(),
            functions: Vec::new(),
            custom_launch: None,
            backend_calls: BackendCalls::default(),
            daemon_script: false,
            settings: BTreeMap::new(),
            settings_before_script: BTreeMap::new(),
            settings_at_start: BTreeMap::new(),
            variables: Environment::default(),
        }
    }
}

/// Where a script's own `start()` and `stop()` hand the daemon to OpenRC's backend (each `None`
/// when the script keeps OpenRC's own, which always does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackendCalls {
    /// The backend calls `start()` reaches.
    pub start: Option<Vec<BackendCall>>,
    /// The backend calls `stop()` reaches.
    pub stop: Option<Vec<BackendCall>>,
}

/// A call of one of OpenRC's backend functions (`default_stop`, `s6_stop`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendCall {
    /// The function called.
    pub function: String,
    /// Where the call is (in `start()`/`stop()` or a function they call).
    pub loc: Loc,
}

/// Variables that decide which service directory OpenRC's s6 backend links and how it waits.
pub const S6_SETTINGS: &[&str] =
    &["command", "name", "notify", "s6_service_path", "s6_svwait_options_start", "supervisor", "timeout_ready"];

/// A variable's value after loading, and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The text OpenRC would see.
    pub value: String,
    /// Whether the text is exactly known.
    pub exact: bool,
    /// Where it was last assigned (`None` when OpenRC itself provides it).
    pub at: Option<Loc>,
}

/// A decision and its reason, for the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// What was decided (`foreground`, `user`, `readiness` …).
    pub topic: String,
    /// The choice, in words.
    pub choice: String,
    /// The line that caused it.
    #[serde(skip)]
    pub loc: Option<Loc>,
}

/// A variable openrc-run sets from the first line of a file OpenRC keeps in `RC_SVCDIR`, read
/// at each start (env_config(), src/shared/misc.c at 0.45.2 and 0.63.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateVariable {
    /// The variable (`RC_RUNLEVEL`).
    pub name: String,
    /// The file whose first line, less its newline, is the value.
    pub file: String,
    /// The value when the file does not exist.
    pub missing: String,
    /// The value also stands for an empty first line (rc_runlevel_get() gives `sysinit` for
    /// both).
    pub empty_is_missing: bool,
}

/// The daemon's run-time settings: everything the `run` script must set up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Daemon {
    /// The command line: the program to run first.
    pub argv: Vec<String>,
    /// What the daemon sees as its argv\[0\] when it is not the program path (start-stop-daemon
    /// passes `--name`, or `--startas` with `--exec`).
    pub argv0: Option<String>,
    /// Variables exported to the daemon, sorted by name.
    pub env: Vec<(String, String)>,
    /// Variables the daemon does not get from s6-svscan's environment: what `--env NAME`
    /// unsets, and the `USER` and `HOME` openrc-run's shell lacks (openrc-run's env_filter(),
    /// src/shared/misc.c at 0.63.3), which a daemon the shell runs itself inherits as they are.
    pub unexport: Vec<String>,
    /// `HOME` is set to this account's home directory, looked up when the daemon starts
    /// (start-stop-daemon and supervise-daemon set it for `--user`).
    pub home_of: Option<String>,
    /// Variables read from one of OpenRC's state files when the daemon starts, as openrc-run's
    /// env_config() does (the runlevels: see [`StateVariable`]).
    pub state_variables: Vec<StateVariable>,
    /// Working directory.
    pub directory: Option<String>,
    /// Root directory.
    pub chroot: Option<String>,
    /// File mode creation mask, as octal digits.
    pub umask: Option<String>,
    /// The nice level the daemon starts with.
    pub nice: Option<Nice>,
    /// SIGINT and SIGQUIT are ignored when the daemon starts: start() ran it itself as an
    /// asynchronous list (`daemon &`), which a shell without job control starts so (POSIX XCU
    /// 2.11, "Signals"); start-stop-daemon and supervise-daemon set handlers of their own, which
    /// `execve` resets.
    pub ignores_int_quit: bool,
    /// The `ulimit` calls openrc-run's shell makes before the launch, in order: `rc_ulimit`'s,
    /// then start_pre()'s and start()'s.
    pub limits: Vec<UlimitCall>,
    /// Who the daemon runs as.
    pub user: Option<RunAs>,
    /// The redirections of the shell command that starts the daemon, in order, made as root
    /// before the switch to the daemon's user (the shell makes them before start-stop-daemon
    /// runs; without `--background`, start-stop-daemon leaves the daemon those fds).
    pub shell_redirects: Vec<ShellRedirect>,
    /// stdin from this file.
    pub stdin: Option<String>,
    /// stdout appended to this file.
    pub stdout: Option<String>,
    /// The mode a missing log file is created with, less the umask: start-stop-daemon's 0660,
    /// supervise-daemon's 0600 (start-stop-daemon.c:1051-1052 and supervise-daemon.c:543-544 at
    /// 0.45.2; the same at 0.63.3). 0 stands for 0600.
    pub log_file_mode: u32,
    /// stderr appended to this file.
    pub stderr: Option<String>,
    /// The command `/bin/sh -c` runs to read the daemon's stdout, started by the run script as
    /// the daemon's child, as start-stop-daemon and supervise-daemon start `output_logger`
    /// (`rc_pipe_command()`, src/shared/pipes.c at 0.45.2).
    pub stdout_logger: Option<String>,
    /// The same for stderr (`error_logger`).
    pub stderr_logger: Option<String>,
    /// A logger command that reads the daemon's output, replacing s6-log: OpenRC's s6 backend's
    /// way (`supervisor=s6`: s6.sh 0.63 makes `output_logger`/`error_logger` log/run).
    pub logger: Option<Vec<String>>,
    /// The logger command is shell text, to be run with `/bin/sh -c`.
    pub logger_is_shell: bool,
    /// The fd the daemon writes its readiness line to.
    pub notification_fd: Option<u32>,
    /// Signal `s6-svc -d` sends.
    pub down_signal: Option<String>,
    /// Milliseconds after `down_signal` before SIGKILL.
    pub timeout_kill_ms: Option<u64>,
    /// supervise-daemon's respawn policy.
    pub respawn: Option<Respawn>,
    /// Run the daemon under `s6-fghack` because nothing else keeps it in the foreground.
    pub fghack: bool,
    /// Capabilities, securebits and no_new_privs, applied with setpriv before the user switch.
    pub privileges: Option<Privileges>,
    /// `required_dirs` and `required_files`, checked before anything else as openrc-run checks
    /// them before it runs any of the script's functions.
    pub required: Vec<RequiredPath>,
    /// The argv and environment chosen when the service starts by tests of the running system
    /// (`[ -c /dev/rtc ] && …`); `argv` and `env` are then those of the world where every test
    /// fails.
    pub system_worlds: Option<super::SystemWorlds>,
}

/// The nice level start-stop-daemon and supervise-daemon give the daemon: absolute, with
/// `setpriority(PRIO_PROCESS, pid, level)` (start-stop-daemon.c:881-885 and
/// supervise-daemon.c:390-393 at 0.45.2; the same at 0.63.3), not an increment of the level
/// they run at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nice {
    /// The level, from -20 to 19.
    pub level: i32,
    /// The level is also written to the daemon's autogroup (`/proc/self/autogroup`) where the
    /// kernel has that file: OpenRC 0.46 and later.
    pub autogroup: bool,
}

/// A path openrc-run requires before it starts the service (openrc-run.sh.in at 0.45.2 and
/// 0.63.3): a directory (`[ -d ]`) from `required_dirs`, a readable file (`[ -r ]`) from
/// `required_files`; it refuses to start, with `eerror`, when the test fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredPath {
    /// The path, absolute: openrc-run runs with `/` as its working directory.
    pub path: String,
    /// `required_dirs` (`true`) or `required_files` (`false`).
    pub directory: bool,
}

/// One redirection the shell makes for the command that starts the daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellRedirect {
    /// `fd<file` (`Read`), `fd>file` (`Truncate`), `fd>>file` (`Append`), `fd<>file`
    /// (`ReadWrite`).
    Open {
        /// The fd.
        fd: u32,
        /// How it is opened.
        mode: OpenMode,
        /// The file, absolute.
        path: String,
    },
    /// `fd>&from`, `fd<&from`: a copy of another fd.
    Copy {
        /// The fd.
        fd: u32,
        /// The fd copied.
        from: u32,
    },
    /// `fd>&-`, `fd<&-`.
    Close {
        /// The fd.
        fd: u32,
    },
    /// A here-document: `fd` reads `text`.
    Text {
        /// The fd.
        fd: u32,
        /// What it reads.
        text: String,
    },
}

/// How a redirection opens its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `<`.
    Read,
    /// `>`, `>|`: created or truncated.
    Truncate,
    /// `>>`.
    Append,
    /// `<>`.
    ReadWrite,
}

/// Privilege settings for `setpriv`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Privileges {
    /// Capabilities made inheritable.
    pub inheritable: Vec<String>,
    /// Capabilities made ambient (kept across the user switch and exec).
    pub ambient: Vec<String>,
    /// Capabilities removed from the bounding set.
    pub bounding_drop: Vec<String>,
    /// Securebits to set, by setpriv name.
    pub securebits: Vec<String>,
    /// `PR_SET_NO_NEW_PRIVS`.
    pub no_new_privs: bool,
}

impl Privileges {
    /// Whether anything is set.
    pub fn is_empty(&self) -> bool {
        *self == Privileges::default()
    }
}

/// A user and optional group to run as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunAs {
    /// The user name.
    pub user: String,
    /// The group name, if one was given.
    pub group: Option<String>,
    /// Only the group was given (`--group` without `--user`): OpenRC sets the group id and
    /// nothing else, neither the user, nor the supplementary groups, nor `USER`/`HOME`
    /// (start-stop-daemon.c:931-944 at 0.45.2: `initgroups` only for `--user`); `user` is root.
    #[serde(skip)]
    pub group_only: bool,
    /// The account is looked up when the service starts, as start-stop-daemon and
    /// supervise-daemon parse `--user N[:M]` (a number or a value computed at start): `user` and
    /// `group` then hold the value as the script writes it, for readers.
    #[serde(skip)]
    pub lookup: Option<AccountLookup>,
}

/// `--user` with a numeric part or a part OpenRC computes at start (`$(id -u U):$(id -g U)`):
/// the ids, the supplementary groups, `USER` and `HOME` all come from the user database when
/// the service starts (start-stop-daemon.c:482-521 at 0.45.2, :496-534 at 0.63.3;
/// supervise-daemon.c:1045-1083 at 0.63.3): a part that is a whole number is an id
/// (`getpwuid`/`getgrgid`), anything else a name; the name given is the one the supplementary
/// groups are looked up for (`initgroups`, `getgrouplist`), the number itself for an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLookup {
    /// The user part.
    pub user: IdPart,
    /// The group part, after `:`.
    pub group: Option<IdPart>,
    /// Whether the daemon's `USER` is the account's name (no later `--env` sets or unsets it).
    pub sets_user: bool,
    /// Whether the daemon's `HOME` is the account's home directory.
    pub sets_home: bool,
    /// Where the value was given.
    pub at: Loc,
}

/// One part of `--user user[:group]` looked up at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdPart {
    /// A command's output, computed as OpenRC computes it when it loads the script.
    Command(crate::eval::at_start::AtStart),
    /// Known text: a name, or a number.
    Literal(String),
}

/// One `ulimit` call of openrc-run's shell: a failed one only prints an error and the start
/// goes on (openrc-run.sh.in at 0.45.2: `if ! ulimit ${rc_ulimit}; then eerror …`; a failing
/// ulimit in start_pre() does not stop it either), so the run script applies it only when the
/// same call succeeds in the system's /bin/sh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UlimitCall {
    /// The arguments, as the shell passes them to `ulimit`.
    pub args: Vec<String>,
    /// What they set, read as dash reads them.
    pub limits: Vec<ResourceLimit>,
    /// What openrc-run prints when the call fails, for `rc_ulimit` (its own `eerror`); `None`
    /// for the script's own `ulimit`, whose failure only the shell reports.
    pub error: Option<String>,
}

/// One `ulimit` turned into an `s6-softlimit` option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceLimit {
    /// `s6-softlimit` option letter.
    pub flag: char,
    /// The value in s6-softlimit's unit, or `=` for the hard limit.
    pub value: String,
    /// Which limits it sets.
    pub which: LimitKind,
}

/// Soft, hard or both limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LimitKind {
    /// Both (what `ulimit` does without `-S`/`-H`).
    Both,
    /// Soft only (`ulimit -S`).
    Soft,
    /// Hard only (`ulimit -H`).
    Hard,
}

/// When to stop restarting a daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respawn {
    /// Seconds to wait before each restart.
    pub delay_secs: Option<u64>,
    /// Deaths allowed in `period_secs` before giving up.
    pub max: Option<u32>,
    /// The window for `max`, in seconds.
    pub period_secs: Option<u64>,
}

/// Dependencies declared by `depend()` and `rc_*` settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dependencies {
    /// `need`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub need: Vec<String>,
    /// `use`.
    #[serde(rename = "use", skip_serializing_if = "Vec::is_empty")]
    pub use_: Vec<String>,
    /// `want`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub want: Vec<String>,
    /// `after`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// `before`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    /// `provide`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provide: Vec<String>,
    /// `keyword`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keyword: Vec<String>,
    /// `config`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<String>,
    /// Entries declared only under a condition rc2s6 could not decide.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditional: Vec<String>,
    /// Entries whose name could not be known exactly (`need net.${IFACE}` with `IFACE` unset),
    /// as `kind name`.
    #[serde(skip)]
    pub uncertain: Vec<String>,
    /// Where each `need`/`use`/… entry is declared, for diagnostics.
    #[serde(skip)]
    pub sites: Vec<DependencySite>,
}

/// One entry of a `need`/`use`/… declaration, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencySite {
    /// `need`, `use`, `want`, `after`, `before`, `provide`, `keyword` or `config`.
    pub kind: String,
    /// The service, virtual or keyword named.
    pub name: String,
    /// The call (or the `rc_*` variable's assignment).
    pub loc: Loc,
}

impl Dependencies {
    /// The list for a dependency kind.
    pub fn list_mut(&mut self, kind: &str) -> Option<&mut Vec<String>> {
        Some(match kind {
            "need" => &mut self.need,
            "use" => &mut self.use_,
            "want" => &mut self.want,
            "after" => &mut self.after,
            "before" => &mut self.before,
            "provide" => &mut self.provide,
            "keyword" => &mut self.keyword,
            "config" => &mut self.config,
            _ => return None,
        })
    }
}
