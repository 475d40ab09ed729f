//! The variables OpenRC itself reads or sets, from openrc-run.sh and its backends (0.16–0.63).

/// Variables a service script or conf.d may set for OpenRC to read.
pub const SERVICE_VARIABLES: &[&str] = &[
    "capabilities",
    "chroot",
    "command",
    "command_args",
    "command_args_background",
    "command_args_foreground",
    "command_background",
    "command_progress",
    "command_user",
    "description",
    "directory",
    "error_log",
    "error_logger",
    "extra_commands",
    "extra_started_commands",
    "extra_stopped_commands",
    "healthcheck_delay",
    "healthcheck_timer",
    "in_background_fake",
    "input_file",
    "name",
    "no_new_privs",
    "notify",
    "opts",
    "output_log",
    "output_logger",
    "pidfile",
    "procname",
    "ready",
    "required_dirs",
    "required_files",
    "respawn_delay",
    "respawn_max",
    "respawn_period",
    "retry",
    "runit_service",
    "s6_force_kill",
    "s6_log_arguments",
    "s6_service_path",
    "s6_service_timeout_stop",
    "s6_svwait_options_start",
    "s6_svwait_options_stop",
    "secbits",
    "start_inactive",
    "start_stop_daemon_args",
    "stopgroup",
    "stopsig",
    "supervise_daemon_args",
    "supervisor",
    "timeout_down",
    "timeout_kill",
    "timeout_ready",
    "umask",
];

/// Variables whose values rc2s6 compiles into the service directory: what the daemon runs as,
/// where, with which arguments, limits, readiness and stop policy.
pub const DAEMON_VARIABLES: &[&str] = &[
    "capabilities",
    "chroot",
    "command",
    "command_args",
    "command_args_foreground",
    "command_user",
    "directory",
    "error_log",
    "error_logger",
    "input_file",
    "no_new_privs",
    "notify",
    "output_log",
    "output_logger",
    "procname",
    "ready",
    "rc_ulimit",
    "respawn_delay",
    "respawn_max",
    "respawn_period",
    "retry",
    "secbits",
    "start_stop_daemon_args",
    "stopsig",
    "supervise_daemon_args",
    "timeout_kill",
    "umask",
];

/// Variables only start-stop-daemon reads, which mean nothing once s6 supervises the daemon.
pub const START_STOP_DAEMON_ONLY: &[&str] =
    &["command_args_background", "command_background", "command_progress", "pidfile"];

/// Variables OpenRC provides to every script.
pub const PROVIDED_VARIABLES: &[&str] = &[
    "RC_SVCNAME",
    "SVCNAME",
    "RC_SERVICE",
    "RC_CMD",
    "RC_RUNLEVEL",
    "RC_BOOTLEVEL",
    "RC_DEFAULTLEVEL",
    "RC_SVCDIR",
    "RC_LIBEXECDIR",
    "RC_CACHEDIR",
    "RC_SYS",
    "RC_UNAME",
    "RC_PREFIX",
    "RC_GOINGDOWN",
    "RC_REBOOT",
    "RC_OPENRC_PID",
    "RC_RUNSCRIPT_PID",
    "RC_USER_SERVICES",
    "IN_BACKGROUND",
    "IN_HOTPLUG",
    "EINFO_LOG",
    "EINFO_QUIET",
    "EINFO_VERBOSE",
    "PATH",
    "HOME",
    "IFS",
    "SSD_NICELEVEL",
    "SSD_IONICELEVEL",
    "SSD_OOM_SCORE_ADJ",
    "SSD_STARTWAIT",
];

/// Whether OpenRC knows `name`: a service variable, a provided one, or an `rc_*` setting.
pub fn is_openrc_variable(name: &str) -> bool {
    SERVICE_VARIABLES.contains(&name)
        || PROVIDED_VARIABLES.contains(&name)
        || name.starts_with("rc_")
        || name.starts_with("RC_")
        || name.starts_with("description_")
}

/// The variables the backends pass as `${x+--flag} $x` (sh/start-stop-daemon.sh and
/// sh/supervise-daemon.sh), with the flag each adds (start-stop-daemon's, then
/// supervise-daemon's): set but empty, each still passes its flag, which then takes the next
/// word of the line. Which release started reading each is
/// [`OpenrcVersion::passes_flag_variable`](crate::openrc::version::OpenrcVersion::passes_flag_variable).
pub const FLAG_VARIABLES: &[(&str, &str, &str)] = &[
    ("command_user", "--chuid", "--user"),
    ("umask", "--umask", "--umask"),
    ("output_log", "--stdout", "--stdout"),
    ("error_log", "--stderr", "--stderr"),
    ("input_file", "--stdin", "--stdin"),
    ("notify", "--notify", "--notify"),
];
