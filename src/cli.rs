//! Command-line definitions (clap) and their resolution into library options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Compile OpenRC init scripts into s6 service directories.
#[derive(Debug, Parser)]
#[command(
    name = "rc2s6",
    version,
    about = "Compile OpenRC init scripts into s6 service directories",
    long_about = "Compile OpenRC init scripts into s6 service directories.\n\n\
        rc2s6 reads openrc-run scripts with their conf.d files, works out statically what OpenRC \
        would run, and writes one s6 service directory per daemon (run in execline, log/run with \
        s6-log, notification-fd, finish, ...) plus rc2s6.manifest.yaml describing everything it \
        generated and why.",
    after_help = "Examples:\n  \
        rc2s6 /etc/init.d/* -o /var/svc.d\n  \
        rc2s6 /etc/init.d -o /var/svc.d --conf-dir /etc/conf.d --dry-run\n  \
        rc2s6 lint --format sarif /etc/init.d/* > rc2s6.sarif\n  \
        rc2s6 explain rc2s6::model::daemon_may_fork\n\n\
        Exit codes: 0 every script converted (or a oneshot), 1 some could not be converted, \
        100 bad usage, 111 I/O failure.",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    /// A subcommand; without one, rc2s6 compiles.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Compile options (the default command).
    #[command(flatten)]
    pub compile: CompileArgs,
    /// Global output options.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Print only errors and the summary.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// When to use colour: auto follows NO_COLOR and whether stderr is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile init scripts into s6 service directories (the default).
    #[command(
        after_help = "Examples:\n  rc2s6 compile /etc/init.d/* -o /var/svc.d\n  rc2s6 compile testdata/emit/basic -o /tmp/svc --no-rc-conf --conf-dir testdata/emit/conf.d"
    )]
    Compile(CompileArgs),
    /// Check that OpenRC will link exactly the service directories rc2s6 generated.
    #[command(
        after_help = "Examples:\n  rc2s6 verify /etc/init.d/sshd -o /var/svc.d\n  rc2s6 verify migrated/init.d -o /srv/s6 --scan-dir /run/openrc/s6-scan\n\n\
            Exit codes: 0 consistent, 1 not, 100 bad usage, 111 I/O failure."
    )]
    Verify(VerifyArgs),
}

/// Arguments of `verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Init scripts as OpenRC will run them (migrated or hand-written), or directories of them.
    #[arg(value_name = "INITSCRIPT", required = true)]
    pub scripts: Vec<PathBuf>,
    /// The directory rc2s6 compiled into (with rc2s6.manifest.yaml).
    #[arg(short, long, value_name = "OUT", required = true)]
    pub output: PathBuf,
    /// Where conf.d files are.
    #[arg(long, value_name = "DIR", default_value = "/etc/conf.d")]
    pub conf_dir: PathBuf,
    /// Read no conf.d files.
    #[arg(long, conflicts_with = "conf_dir")]
    pub no_conf_dir: bool,
    /// rc.conf to read first (rc.conf.d beside it is read too).
    #[arg(long, value_name = "FILE", default_value = "/etc/rc.conf")]
    pub rc_conf: PathBuf,
    /// Read no rc.conf.
    #[arg(long, conflicts_with = "rc_conf")]
    pub no_rc_conf: bool,
    /// The OpenRC version that will run the scripts (default: the installed one, else 0.45).
    #[arg(long, value_name = "VERSION")]
    pub openrc: Option<String>,
    /// Also compare the links in this scan directory (e.g. /run/openrc/s6-scan on a live system).
    #[arg(long, value_name = "DIR")]
    pub scan_dir: Option<PathBuf>,
}

/// Arguments of `compile`.
#[derive(Debug, Clone, Args)]
pub struct CompileArgs {
    /// Init scripts, or directories to walk for them.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output directory: one service directory per daemon, plus rc2s6.manifest.yaml.
    #[arg(short, long, value_name = "OUT", required = true)]
    pub output: Option<PathBuf>,
    /// Where conf.d files are.
    #[arg(long, value_name = "DIR", default_value = "/etc/conf.d")]
    pub conf_dir: PathBuf,
    /// Read no conf.d files.
    #[arg(long, conflicts_with = "conf_dir")]
    pub no_conf_dir: bool,
    /// rc.conf to read first (rc.conf.d beside it is read too).
    #[arg(long, value_name = "FILE", default_value = "/etc/rc.conf")]
    pub rc_conf: PathBuf,
    /// Read no rc.conf.
    #[arg(long, conflicts_with = "rc_conf")]
    pub no_rc_conf: bool,
    /// Directory under which each service's s6-log directory goes (<DIR>/<service>).
    #[arg(long, value_name = "DIR", default_value = "/var/log")]
    pub log_dir: String,
    /// User s6-log runs as (default: root).
    #[arg(long, value_name = "USER")]
    pub log_user: Option<String>,
    /// Rotate logs at this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1_048_576)]
    pub log_size: u64,
    /// Keep this many rotated logs.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub log_count: u32,
    /// The OpenRC version the output is for (default: the installed one, else 0.45).
    #[arg(long, value_name = "VERSION")]
    pub openrc: Option<String>,
    /// Run daemons that may fork under s6-fghack instead of refusing them.
    #[arg(long)]
    pub allow_fghack: bool,
    /// Show what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite service directories that were edited by hand.
    #[arg(long)]
    pub force: bool,
    /// Also write each converted init script, rewritten for supervisor=s6, into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "diff")]
    pub initd_out: Option<PathBuf>,
    /// Print the rewritten init scripts as a unified diff on stdout instead of writing them.
    #[arg(long)]
    pub diff: bool,
}
