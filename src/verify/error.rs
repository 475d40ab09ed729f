//! Every diagnostic of `rc2s6 verify`: wording and codes.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, define_codes};

/// How OpenRC's start waits for a readiness notification that never comes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadinessWait {
    /// No timeout (or 0): start never returns.
    Forever,
    /// OpenRC 0.16–0.62: `s6-svwait -t MS` times out, and start reports the service started.
    ThenStarted(u64),
    /// OpenRC 0.63+: `timeout_ready` runs out; start brings the service down and fails.
    ThenFails(u64),
}

impl std::fmt::Display for ReadinessWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadinessWait::Forever => write!(f, "as it is, start waits forever for a notification that never comes"),
            ReadinessWait::ThenStarted(ms) => write!(
                f,
                "as it is, start waits {ms} ms for a notification that never comes, then reports the service started anyway"
            ),
            ReadinessWait::ThenFails(ms) => write!(
                f,
                "as it is, start waits {ms} ms for a notification that never comes, then brings the service down and fails"
            ),
        }
    }
}

/// How to (re)create a service directory OpenRC will link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recreate {
    /// The `-o` directory to compile into: the path's parent.
    pub output: String,
    /// The manifest there already lists the directory, so compile needs `--force`.
    pub listed: bool,
    /// The variable that decides the path (`s6_service_path`, or `name` on 0.63+).
    pub setting: &'static str,
}

impl std::fmt::Display for Recreate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Recreate { output, listed, setting } = self;
        if *listed {
            write!(
                f,
                "compile the original script again with `-o {output} --force` (its manifest lists the directory, and without `--force` compile leaves a directory that lost files as it is), or fix `{setting}`"
            )
        } else {
            write!(f, "compile the original script with `-o {output}`, or fix `{setting}`")
        }
    }
}

/// What OpenRC does when the service directory it is to link is missing or not a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirUnusable {
    /// 0.16–0.62, s6.sh: `[ ! -d "${s6_service_path}" ]` → `eerror "… does not exist."`, return 1.
    StartFails {
        /// The target OpenRC.
        version: String,
    },
    /// 0.63.1+: no /var/svc.d/$name/run to `test -x`, so OpenRC generates its own directory.
    OpenrcGenerates(OpenrcGenerates),
}

impl std::fmt::Display for DirUnusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DirUnusable::StartFails { version } => {
                write!(f, "OpenRC {version}'s start fails (\"… does not exist.\") and links nothing")
            }
            DirUnusable::OpenrcGenerates(g) => g.fmt(f),
        }
    }
}

/// What OpenRC 0.63.1+ does when /var/svc.d/$name/run does not pass `test -x`
/// (`_s6_have_legacy_servicedir`, sh/s6.sh of 0.63.3): it generates
/// $RC_SVCDIR/s6-services/$name from the empty `command`, whose run is `sh -c "exec   "`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenrcGenerates {
    /// The target OpenRC.
    pub version: String,
    /// The directory it generates and links instead.
    pub generated: String,
}

impl std::fmt::Display for OpenrcGenerates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let OpenrcGenerates { version, generated } = self;
        write!(
            f,
            "OpenRC {version} links /var/svc.d/NAME only when its run passes `test -x`; instead it generates {generated} from the empty `command`, whose run (`sh -c \"exec   \"`) exits at once, so s6 restarts it forever and the daemon never runs"
        )
    }
}

/// What happens to a script of the service directory that is missing or not executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptUnusable {
    /// s6-supervise tries to run it: what it does then.
    Supervise(&'static str),
    /// It is the `run` of /var/svc.d/$name, which OpenRC 0.63.1+ then does not link.
    OpenrcGenerates(OpenrcGenerates),
}

impl std::fmt::Display for ScriptUnusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScriptUnusable::Supervise(what) => f.write_str(what),
            ScriptUnusable::OpenrcGenerates(g) => g.fmt(f),
        }
    }
}

/// How a file read with the script differs from the ones the service directory was compiled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceChange {
    /// The file the manifest records at this path has other contents now.
    Edited,
    /// A file OpenRC reads now that was not read when compiling (or another one, elsewhere).
    New,
}

impl std::fmt::Display for SourceChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SourceChange::Edited => "changed since rc2s6 compiled",
            SourceChange::New => "is read with the script now, but was not when rc2s6 compiled",
        })
    }
}

/// What makes a missing `#!` interpreter exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpreterFix {
    /// The one rc2s6 writes: execline's.
    Execline(String),
    /// Another one, from a hand edit.
    Other,
}

impl std::fmt::Display for InterpreterFix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InterpreterFix::Execline(path) => write!(
                f,
                "rc2s6 always writes `#!{path}`: install execline (Debian: `apt-get install execline`), or link {path} to the execlineb you have (`ln -s \"$(command -v execlineb)\" {path}`)"
            ),
            InterpreterFix::Other => write!(
                f,
                "install it, or compile the original script again with `--force` to get rc2s6's own script back"
            ),
        }
    }
}

/// What OpenRC's s6 backend does when two services it would link under one name both start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollisionEffect {
    /// Both link the same directory: one service, two scripts.
    Shared {
        /// The directory.
        dir: String,
        /// The variable that names it (`s6_service_path`, or `name` on 0.63+).
        setting: &'static str,
    },
    /// OpenRC 0.16–0.62, different directories: `ln -sf` (no `-n`) follows the existing link.
    NestedLink {
        /// The target OpenRC.
        version: String,
    },
    /// OpenRC 0.63+, different directories: `s6-svlink` refuses the taken name.
    SvlinkFails {
        /// The target OpenRC.
        version: String,
    },
}

impl std::fmt::Display for CollisionEffect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CollisionEffect::Shared { dir, setting } => write!(
                f,
                "both run one service from {dir}, so each script's start and stop act on the other's daemon; give one of them its own directory (`{setting}`)"
            ),
            CollisionEffect::NestedLink { version } => write!(
                f,
                "give one of them a service directory with another name; on OpenRC {version} the one started second runs `ln -sf` (no `-n`) onto the other's link, which makes a link inside the other's directory, and then `s6-svc -u` on that link: it reports the other's service as its own, and its own daemon never runs"
            ),
            CollisionEffect::SvlinkFails { version } => write!(
                f,
                "give one of them another `name`; on OpenRC {version} the one started second fails: `s6-svlink` cannot link its directory under a name another link holds (File exists)"
            ),
        }
    }
}

/// What `supervisor` holds after rc.conf, conf.d and the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupervisorValue {
    /// Nothing sets it.
    Unset,
    /// Set, to something other than `s6` (empty included).
    Set(String),
}

impl std::fmt::Display for SupervisorValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SupervisorValue::Unset => write!(f, "not set, so OpenRC runs the daemon with start-stop-daemon"),
            SupervisorValue::Set(v) if v.is_empty() => {
                write!(f, "empty, so OpenRC runs the daemon with start-stop-daemon")
            }
            SupervisorValue::Set(v) => write!(f, "`{v}`"),
        }
    }
}

/// What a scan directory entry is, when it is not a symbolic link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A real directory.
    Directory,
    /// A regular file.
    File,
    /// A fifo, socket or device.
    Special,
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EntryKind::Directory => "a directory",
            EntryKind::File => "a regular file",
            EntryKind::Special => "a special file",
        })
    }
}

/// A scan directory entry that no given script would link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForeignEntry {
    /// A symbolic link and its target.
    Link(String),
    /// Something else.
    Other(EntryKind),
}

impl std::fmt::Display for ForeignEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ForeignEntry::Link(target) => write!(f, "points to {target}, which none of the scripts given would link"),
            ForeignEntry::Other(kind) => {
                write!(f, "is {kind}, not a link, and none of the scripts given would put it there")
            }
        }
    }
}

/// Why a difference exists, shown after a dash when rc2s6 knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(pub String);

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() { Ok(()) } else { write!(f, " — {}", self.0) }
    }
}

define_codes! {
    /// Every code of [`VerifyError`].
    CODES in verify {
        NOT_S6 = not_s6: Error,
        MISSING_NEED_S6_SVSCAN = missing_need_s6_svscan: Error,
        START_BYPASSES_S6 = start_bypasses_s6: Error,
        STOP_BYPASSES_S6 = stop_bypasses_s6: Error,
        COMMAND_SET = command_set: Error,
        OUTPUT_NOT_VAR_SVC_D = output_not_var_svc_d: Error,
        NO_COMPAT_MODE = no_compat_mode: Error,
        SERVICE_PATH_EMPTY = service_path_empty: Error,
        SERVICEDIR_MISSING = servicedir_missing: Error,
        SERVICEDIR_NOT_DIRECTORY = servicedir_not_directory: Error,
        SCRIPT_MISSING = script_missing: Error,
        SCRIPT_NOT_EXECUTABLE = script_not_executable: Error,
        EXECLINE_SYNTAX = execline_syntax: Error,
        EXECLINEB_NOT_FOUND = execlineb_not_found: Warning,
        INTERPRETER_MISSING = interpreter_missing: Error,
        BAD_NOTIFICATION_FD = bad_notification_fd: Error,
        NOTIFICATION_FD_STDIO = notification_fd_stdio: Warning,
        READINESS_WITHOUT_NOTIFICATION_FD = readiness_without_notification_fd: Error,
        NOTIFICATION_UNWAITED = notification_unwaited: Warning,
        NOTIFY_FD_MISMATCH = notify_fd_mismatch: Warning,
        LINK_COLLISION = link_collision: Error,
        BAD_LINK_NAME = bad_link_name: Error,
        FILE_EDITED = file_edited: Error,
        FILE_MISSING = file_missing: Error,
        FILE_EXTRA = file_extra: Error,
        OPENRC_NESTED_LINK = openrc_nested_link: Warning,
        MANIFEST_MISSING = manifest_missing: Warning,
        NOT_FROM_RC2S6 = not_from_rc2s6: Warning,
        LINK_WRONG_TARGET = link_wrong_target: Error,
        LINK_NOT_SYMLINK = link_not_symlink: Error,
        NOT_LINKED = not_linked: Advice,
        DANGLING_LINK = dangling_link: Error,
        FOREIGN_LINK = foreign_link: Warning,
        LINK_NOT_CHECKED = link_not_checked: Advice,
        OPENRC_GENERATED_IN_USE = openrc_generated_in_use: Error,
        OPENRC_GENERATOR_BUG = openrc_generator_bug: Advice,
        GENERATED_DIFFERS = generated_differs: Warning,
        SOURCE_CHANGED = source_changed: Error,
        S6RC_COMPILE_FAILED = s6rc_compile_failed: Error,
        S6RC_COMPILE_NOT_FOUND = s6rc_compile_not_found: Warning,
        FOREIGN_DEFINITION = foreign_definition: Warning,
    }
}

/// Something about a service that OpenRC and s6 would not do as rc2s6 generated it.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq, Eq)]
pub enum VerifyError {
    /// The script does not select the s6 backend.
    #[error("the script does not select s6: `supervisor` is {value}")]
    #[diagnostic(help(
        "set `supervisor=s6` (rc2s6 --initd-out writes the script so), or OpenRC starts the daemon itself"
    ))]
    NotS6 {
        /// What `supervisor` holds.
        value: SupervisorValue,
        /// Where it is set, or the first line.
        #[label("here")]
        span: SourceSpan,
    },

    /// Legacy OpenRC does not start s6-svscan unless the service needs it.
    #[error("depend() does not `need s6-svscan`, which OpenRC {version} does not add by itself")]
    #[diagnostic(help(
        "add `need s6-svscan` to depend(); without it nothing starts the scanner that supervises the daemon"
    ))]
    MissingNeedS6Svscan {
        /// The target OpenRC.
        version: String,
        /// depend(), or the first line.
        #[label("here")]
        span: SourceSpan,
    },

    /// start() launches the daemon itself, so OpenRC's s6 backend never runs.
    #[error("start() does not go through OpenRC's s6 backend: the daemon would run outside s6")]
    #[diagnostic(help(
        "call `default_start` in start() instead of launching the daemon (rc2s6 --initd-out does this)"
    ))]
    StartBypassesS6 {
        /// The launch or start().
        #[label("here")]
        span: SourceSpan,
    },

    /// stop() does not go through the s6 backend, so OpenRC never brings the service down.
    #[error("stop() does not go through OpenRC's s6 backend: s6 would restart the daemon")]
    #[diagnostic(help("call `default_stop` in stop(), or remove stop()"))]
    StopBypassesS6 {
        /// stop().
        #[label("this stop()")]
        span: SourceSpan,
    },

    /// OpenRC 0.63+ generates its own service directory when `command` is set.
    #[error("OpenRC {version} builds its own service directory because `command` is set")]
    #[diagnostic(help(
        "empty `command` before OpenRC's s6 start runs: `command=\"\"` after everything that sets it, conf.d included, or in start() just before `default_start` when start_pre() still uses it (rc2s6 --initd-out does one or the other); only then does OpenRC link /var/svc.d/NAME"
    ))]
    CommandSet {
        /// The target OpenRC.
        version: String,
        /// Where `command` is set.
        #[label("set here")]
        span: SourceSpan,
    },

    /// OpenRC 0.63+ links only /var/svc.d/NAME.
    #[error("OpenRC {version} links only /var/svc.d/NAME, but the service directories are in {output}")]
    #[diagnostic(help(
        "compile with `-o /var/svc.d` (or move the tree there); OpenRC {version} ignores service directories elsewhere"
    ))]
    OutputNotVarSvcD {
        /// The target OpenRC.
        version: String,
        /// The output directory.
        output: String,
    },

    /// OpenRC 0.63.0 never links a prepared service directory.
    #[error("OpenRC {version} always builds its own service directories and never links rc2s6's")]
    #[diagnostic(help("use OpenRC 0.63.1 or later, which links /var/svc.d/NAME when `command` is empty"))]
    NoCompatMode {
        /// The target OpenRC.
        version: String,
    },

    /// The script empties `s6_service_path` after s6.sh gave it its default.
    #[error(
        "the script sets `s6_service_path` empty, after OpenRC {version}'s s6 backend gave it its default: start fails (\" does not exist.\")"
    )]
    #[diagnostic(help(
        "remove the assignment (OpenRC then links /var/svc.d/RC_SVCNAME), or set the service directory's path; an empty value in conf.d would get the default, one in the script does not"
    ))]
    ServicePathEmpty {
        /// The target OpenRC.
        version: String,
        /// The assignment.
        #[label("empties it")]
        span: SourceSpan,
    },

    /// The prepared service directory OpenRC is to link does not exist.
    #[error("the service directory for OpenRC to link, {path}, does not exist: {effect}")]
    #[diagnostic(help("{fix}"))]
    ServicedirMissing {
        /// The path.
        path: String,
        /// What OpenRC does without it.
        effect: DirUnusable,
        /// How to make it.
        fix: Recreate,
        /// What decides the path.
        #[label("decides the path")]
        span: SourceSpan,
    },

    /// The path exists but is not a directory.
    #[error("{path} is not a directory: {effect}")]
    #[diagnostic(help("remove it, then {fix}"))]
    ServicedirNotDirectory {
        /// The path.
        path: String,
        /// What OpenRC does with it.
        effect: DirUnusable,
        /// How to make the directory.
        fix: Recreate,
        /// What decides the path.
        #[label("decides the path")]
        span: SourceSpan,
    },

    /// A script s6 must run is missing.
    #[error("{path} is missing")]
    #[diagnostic(help(
        "compile the original script again with `--force` (without it, compile leaves a directory that lost a file as it is); {effect}"
    ))]
    ScriptMissing {
        /// The file.
        path: String,
        /// What happens without it.
        effect: ScriptUnusable,
    },

    /// A script s6 must run is not executable.
    #[error("{path} is not executable (mode {mode})")]
    #[diagnostic(help("`chmod 0755 {path}`, or compile the original script again with `--force`; {effect}"))]
    ScriptNotExecutable {
        /// The file.
        path: String,
        /// Its mode, octal.
        mode: String,
        /// What happens as it is.
        effect: ScriptUnusable,
    },

    /// The real execlineb cannot parse a script.
    #[error("execlineb cannot parse {path}: {message}")]
    #[diagnostic(help(
        "compile the original script again with `--force` (rc2s6 quotes every word); a hand edit broke the quoting or a block"
    ))]
    ExeclineSyntax {
        /// The file.
        path: String,
        /// execlineb's message.
        message: String,
    },

    /// No execlineb was found to check the scripts with.
    #[error("no execlineb found: the run scripts were checked with rc2s6's own reading of execline only")]
    #[diagnostic(help("install execline (Debian: `apt-get install execline`) so verify can ask the real parser"))]
    ExeclinebNotFound,

    /// A script's `#!` interpreter does not exist here.
    #[error("{path} is run by `{interpreter}`, which does not exist")]
    #[diagnostic(help("{fix}"))]
    InterpreterMissing {
        /// The file.
        path: String,
        /// The interpreter.
        interpreter: String,
        /// What to install or link.
        fix: InterpreterFix,
    },

    /// An integer file s6-supervise would ignore.
    #[error(
        "{path} holds `{value}`, which s6-supervise does not read as a file descriptor: it warns and ignores the file"
    )]
    #[diagnostic(help(
        "write the fd the daemon notifies readiness on, e.g. `5` and a newline; s6-supervise reads up to the first newline and wants digits only (no spaces, no `\\r`)"
    ))]
    BadNotificationFd {
        /// The file.
        path: String,
        /// What it holds, escaped.
        value: String,
    },

    /// notification-fd names stdin, stdout or stderr.
    #[error("{path} says fd {fd}, the {stream} of `{script}`: s6-supervise puts the readiness pipe there")]
    #[diagnostic(help(
        "use an fd of 3 or more; in place of the {stream}, the pipe gets whatever the program writes there (its first line marks the service ready), or is closed by a redirection of fd {fd} in `{script}`"
    ))]
    NotificationFdStdio {
        /// The file.
        path: String,
        /// The fd, 0 to 2.
        fd: u32,
        /// `stdin`, `stdout` or `stderr`.
        stream: &'static str,
        /// `run` or `log/run`.
        script: &'static str,
    },

    /// OpenRC waits for readiness that nothing will notify.
    #[error("OpenRC waits for readiness ({setting}), but {path} has no valid notification-fd")]
    #[diagnostic(help(
        "{wait}; give the service directory a notification-fd (compile the original script again with `--force` if the file was removed), or stop waiting for readiness"
    ))]
    ReadinessWithoutNotificationFd {
        /// The settings that make OpenRC wait, as shell.
        setting: String,
        /// The service directory.
        path: String,
        /// What OpenRC's start does while it waits.
        wait: ReadinessWait,
        /// Where the wait is set.
        #[label("waits for readiness")]
        span: SourceSpan,
    },

    /// The daemon notifies readiness but OpenRC does not wait for it.
    #[error("{path} has notification-fd {fd}, but OpenRC does not wait for readiness")]
    #[diagnostic(help("{fix}, so services that need this one start only once it is ready"))]
    NotificationUnwaited {
        /// The service directory.
        path: String,
        /// The fd.
        fd: String,
        /// What to write.
        fix: String,
        /// Where the wait would go.
        #[label("here")]
        span: SourceSpan,
    },

    /// `notify` names another fd than the service directory's notification-fd.
    #[error("`notify` says fd {notify}, but {path} says {fd}")]
    #[diagnostic(help("s6 uses notification-fd; write `notify=fd:{fd}` so the script says the same"))]
    NotifyFdMismatch {
        /// fd in `notify`.
        notify: String,
        /// The notification-fd file.
        path: String,
        /// Its value.
        fd: String,
        /// `notify`.
        #[label("here")]
        span: SourceSpan,
    },

    /// Two services would get the same link in the scan directory.
    #[error("`{link}` in the scan directory would be linked by both {first} and {second}")]
    #[diagnostic(help("{effect}"))]
    LinkCollision {
        /// The link name.
        link: String,
        /// This script.
        first: String,
        /// The other script.
        second: String,
        /// What OpenRC does when both start.
        effect: CollisionEffect,
        /// What decides the name.
        #[label("decides the link name")]
        span: SourceSpan,
    },

    /// The link name is not usable by s6-svscan.
    #[error("OpenRC would link the service as `{link}`, which s6-svscan cannot use: {why}")]
    #[diagnostic(help("fix `s6_service_path` (no trailing `/`) or `name`"))]
    BadLinkName {
        /// The name.
        link: String,
        /// Why.
        why: String,
        /// What decides it.
        #[label("decides the link name")]
        span: SourceSpan,
    },

    /// A generated file differs from what the manifest recorded.
    #[error("{path} was edited since rc2s6 wrote it")]
    #[diagnostic(help(
        "make the change in the init script or conf.d instead, and compile the original script again with `--force` (without it, compile leaves an edited directory as it is)"
    ))]
    FileEdited {
        /// The file, relative to the output directory.
        path: String,
    },

    /// A generated file is gone.
    #[error("{path} is missing: rc2s6 wrote it")]
    #[diagnostic(help(
        "compile the original script again with `--force`; without it, compile leaves a directory that lost a file as it is"
    ))]
    FileMissing {
        /// The file.
        path: String,
    },

    /// A file rc2s6 did not write.
    #[error("{path} was not written by rc2s6")]
    #[diagnostic(help("remove it, or compile again with `--force`; s6 reads some file names as settings"))]
    FileExtra {
        /// The file.
        path: String,
    },

    /// OpenRC ≤ 0.62's `ln -sf` made a link inside the service directory.
    #[error("{path} is a link OpenRC {version} made by restarting with `ln -sf`, not a file of the service")]
    #[diagnostic(help(
        "harmless to s6, but compile leaves the directory as it is while the link is there: `rm {path}` (or compile with `--force`); OpenRC's legacy s6_start links without `-n`, so every start after the first adds it again"
    ))]
    OpenrcNestedLink {
        /// The link.
        path: String,
        /// The target OpenRC.
        version: String,
    },

    /// s6-rc-compile refuses the s6-rc source tree.
    #[error("s6-rc-compile refuses {output}: {message}")]
    #[diagnostic(help(
        "compile the init scripts again with --backend s6-rc (and --force where a file was edited by hand), or fix what s6-rc-compile names"
    ))]
    S6rcCompileFailed {
        /// The source tree.
        output: String,
        /// What s6-rc-compile said.
        message: String,
    },

    /// No s6-rc-compile was found to check the tree with.
    #[error("no s6-rc-compile found: the s6-rc source tree was checked against the manifest only")]
    #[diagnostic(help("install s6-rc (Debian has no package: build skarnet's s6-rc 0.6), or put it on PATH"))]
    S6rcCompileNotFound,

    /// A definition in the source tree rc2s6 did not write.
    #[error("{path} is an s6-rc definition rc2s6 did not write; s6-rc-compile includes it")]
    #[diagnostic(help(
        "fine if it was written by hand on purpose: rc2s6 leaves it alone, and verify checks that the whole tree still compiles"
    ))]
    ForeignDefinition {
        /// The directory.
        path: String,
    },

    /// The output directory has no manifest.
    #[error("{output} has no rc2s6.manifest.yaml: the service directories cannot be checked for drift")]
    #[diagnostic(help("give verify the -o directory rc2s6 compiled into"))]
    ManifestMissing {
        /// The output directory.
        output: String,
    },

    /// The servicedir is not one the manifest describes.
    #[error("{path} is not a service directory rc2s6 generated into {output}: not checked for drift")]
    #[diagnostic(help("point `s6_service_path` at rc2s6's directory, or compile this script into {output}"))]
    NotFromRc2s6 {
        /// The service directory.
        path: String,
        /// The output directory.
        output: String,
        /// What decides the path.
        #[label("decides the path")]
        span: SourceSpan,
    },

    /// The link in the scan directory points elsewhere than OpenRC would point it.
    #[error("{link} points to {actual}, but OpenRC would link {expected}")]
    #[diagnostic(help(
        "stop the service with OpenRC, remove the link and start it again; s6 now supervises another directory"
    ))]
    LinkWrongTarget {
        /// The link.
        link: String,
        /// Where it points.
        actual: String,
        /// Where OpenRC would point it.
        expected: String,
    },

    /// The scan directory entry is not a symbolic link.
    #[error("{link} is {kind}, not a link to {expected}")]
    #[diagnostic(help("remove it; OpenRC links the service directory there itself"))]
    LinkNotSymlink {
        /// The entry.
        link: String,
        /// What it is.
        kind: EntryKind,
        /// Where OpenRC would point it.
        expected: String,
    },

    /// The service is not linked yet.
    #[error("{link} does not exist yet: OpenRC links {expected} there when it starts the service")]
    NotLinked {
        /// The link.
        link: String,
        /// Where OpenRC will point it.
        expected: String,
    },

    /// A link to nothing.
    #[error("{link} points to {target}, which does not exist")]
    #[diagnostic(help("remove the link; s6-svscan warns about it at every scan"))]
    DanglingLink {
        /// The link.
        link: String,
        /// Its target.
        target: String,
    },

    /// A scan directory entry no given script accounts for.
    #[error("{link} {entry}")]
    #[diagnostic(help(
        "if no init script owns it, remove it; s6-svscan supervises every directory there, linked or not (it ignores other files)"
    ))]
    ForeignLink {
        /// The entry.
        link: String,
        /// A link and its target, or what else it is.
        entry: ForeignEntry,
    },

    /// A link to an rc2s6 service whose script was not given.
    #[error("{link} points to rc2s6's {target}, whose init script was not given: not checked")]
    LinkNotChecked {
        /// The link.
        link: String,
        /// Its target.
        target: String,
    },

    /// OpenRC ≥ 0.63 supervises a directory it generated itself, not rc2s6's.
    #[error("{link} points to {target}, a service directory OpenRC generated itself; rc2s6's {ours} is not used")]
    #[diagnostic(help(
        "migrate the script (`command` empty when OpenRC starts it) and keep /var/svc.d/NAME/run executable, then stop the service and start it again so OpenRC links /var/svc.d/NAME"
    ))]
    OpenrcGeneratedInUse {
        /// The link.
        link: String,
        /// OpenRC's directory.
        target: String,
        /// rc2s6's directory.
        ours: String,
    },

    /// A difference between OpenRC's generated directory and rc2s6's, by OpenRC's known bug.
    #[error("{what}: OpenRC has {theirs}, rc2s6 has {ours} — {why}")]
    OpenrcGeneratorBug {
        /// What differs.
        what: String,
        /// OpenRC's.
        theirs: String,
        /// rc2s6's.
        ours: String,
        /// Which known bug of OpenRC's generator.
        why: String,
    },

    /// A difference between OpenRC's generated directory and rc2s6's that is rc2s6's doing.
    #[error("{what}: OpenRC has {theirs}, rc2s6 has {ours}{why}")]
    GeneratedDiffers {
        /// What differs.
        what: String,
        /// OpenRC's.
        theirs: String,
        /// rc2s6's.
        ours: String,
        /// Why, as far as rc2s6 knows.
        why: Reason,
    },

    /// conf.d or rc.conf differs from what the service directory was compiled from.
    #[error("{path} {change} {servicedir}: the daemon still runs what the files said then")]
    #[diagnostic(help(
        "compile the original script again (with its conf.d and rc.conf as OpenRC reads them) so {servicedir} follows; start-stop-daemon reads conf.d at every start, a service directory only when rc2s6 compiles it"
    ))]
    SourceChanged {
        /// The file as loaded now.
        path: String,
        /// How it differs.
        change: SourceChange,
        /// The service directory compiled from the old one.
        servicedir: String,
        /// The file.
        #[label("read by OpenRC now")]
        span: SourceSpan,
    },

    /// A conf.d or rc.conf the service directory was compiled from is no longer read.
    #[error("{servicedir} was compiled with the {role} file {path}, which OpenRC does not read with the script now")]
    #[diagnostic(help(
        "compile the original script again with the files OpenRC reads (the daemon still runs what {path} said), or give verify the same --conf-dir and --rc-conf as the compile"
    ))]
    SourceGone {
        /// The file the manifest records.
        path: String,
        /// `conf.d` or `rc.conf`.
        role: String,
        /// The service directory compiled from it.
        servicedir: String,
    },
}

impl Coded for VerifyError {
    fn code(&self) -> &'static Code {
        match self {
            VerifyError::NotS6 { .. } => &NOT_S6,
            VerifyError::MissingNeedS6Svscan { .. } => &MISSING_NEED_S6_SVSCAN,
            VerifyError::StartBypassesS6 { .. } => &START_BYPASSES_S6,
            VerifyError::StopBypassesS6 { .. } => &STOP_BYPASSES_S6,
            VerifyError::CommandSet { .. } => &COMMAND_SET,
            VerifyError::OutputNotVarSvcD { .. } => &OUTPUT_NOT_VAR_SVC_D,
            VerifyError::NoCompatMode { .. } => &NO_COMPAT_MODE,
            VerifyError::ServicePathEmpty { .. } => &SERVICE_PATH_EMPTY,
            VerifyError::ServicedirMissing { .. } => &SERVICEDIR_MISSING,
            VerifyError::ServicedirNotDirectory { .. } => &SERVICEDIR_NOT_DIRECTORY,
            VerifyError::ScriptMissing { .. } => &SCRIPT_MISSING,
            VerifyError::ScriptNotExecutable { .. } => &SCRIPT_NOT_EXECUTABLE,
            VerifyError::ExeclineSyntax { .. } => &EXECLINE_SYNTAX,
            VerifyError::ExeclinebNotFound => &EXECLINEB_NOT_FOUND,
            VerifyError::S6rcCompileFailed { .. } => &S6RC_COMPILE_FAILED,
            VerifyError::S6rcCompileNotFound => &S6RC_COMPILE_NOT_FOUND,
            VerifyError::ForeignDefinition { .. } => &FOREIGN_DEFINITION,
            VerifyError::InterpreterMissing { .. } => &INTERPRETER_MISSING,
            VerifyError::BadNotificationFd { .. } => &BAD_NOTIFICATION_FD,
            VerifyError::NotificationFdStdio { .. } => &NOTIFICATION_FD_STDIO,
            VerifyError::ReadinessWithoutNotificationFd { .. } => &READINESS_WITHOUT_NOTIFICATION_FD,
            VerifyError::NotificationUnwaited { .. } => &NOTIFICATION_UNWAITED,
            VerifyError::NotifyFdMismatch { .. } => &NOTIFY_FD_MISMATCH,
            VerifyError::LinkCollision { .. } => &LINK_COLLISION,
            VerifyError::BadLinkName { .. } => &BAD_LINK_NAME,
            VerifyError::FileEdited { .. } => &FILE_EDITED,
            VerifyError::FileMissing { .. } => &FILE_MISSING,
            VerifyError::FileExtra { .. } => &FILE_EXTRA,
            VerifyError::OpenrcNestedLink { .. } => &OPENRC_NESTED_LINK,
            VerifyError::ManifestMissing { .. } => &MANIFEST_MISSING,
            VerifyError::NotFromRc2s6 { .. } => &NOT_FROM_RC2S6,
            VerifyError::LinkWrongTarget { .. } => &LINK_WRONG_TARGET,
            VerifyError::LinkNotSymlink { .. } => &LINK_NOT_SYMLINK,
            VerifyError::NotLinked { .. } => &NOT_LINKED,
            VerifyError::DanglingLink { .. } => &DANGLING_LINK,
            VerifyError::ForeignLink { .. } => &FOREIGN_LINK,
            VerifyError::LinkNotChecked { .. } => &LINK_NOT_CHECKED,
            VerifyError::OpenrcGeneratedInUse { .. } => &OPENRC_GENERATED_IN_USE,
            VerifyError::OpenrcGeneratorBug { .. } => &OPENRC_GENERATOR_BUG,
            VerifyError::GeneratedDiffers { .. } => &GENERATED_DIFFERS,
            VerifyError::SourceChanged { .. } | VerifyError::SourceGone { .. } => &SOURCE_CHANGED,
        }
    }
}
