//! Command-line definitions (clap) and their resolution into library options.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rc2s6::openrc::daemon_table::DaemonTable;
use rc2s6::openrc::version::OpenrcVersion;

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
        rc2s6 /etc/init.d -o /var/svc.d --format json > conversion.json\n  \
        rc2s6 --backend s6-rc /etc/init.d/* --runlevels /etc/runlevels -o /etc/s6-rc/source\n  \
        rc2s6 lint --format sarif /etc/init.d/* > rc2s6.sarif\n  \
        rc2s6 explain rc2s6::model::daemon_may_fork\n\n\
        A run with many diagnostics prints a summary grouped by code; -v prints each in full.\n\n\
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
    /// Print only errors and the summary (migration's warnings too).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every diagnostic in full, with its source lines (by default a run with many prints
    /// a summary grouped by code).
    #[arg(short, long, global = true)]
    pub verbose: bool,
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
        after_help = "Examples:\n  rc2s6 compile /etc/init.d/* -o /var/svc.d\n  rc2s6 compile testdata/emit/basic -o /tmp/svc --no-rc-conf --conf-dir testdata/emit/conf.d\n  rc2s6 compile --backend s6-rc /etc/init.d/* --runlevels /etc/runlevels -o /etc/s6-rc/source"
    )]
    Compile(CompileArgs),
    /// Check that OpenRC will link exactly the service directories rc2s6 generated.
    #[command(
        after_help = "Examples:\n  rc2s6 verify /etc/init.d/sshd -o /var/svc.d\n  rc2s6 verify migrated/init.d -o /srv/s6 --scan-dir /run/openrc/s6-scan\n  rc2s6 verify -o /etc/s6-rc/source        (a tree written with --backend s6-rc)\n\n\
            Exit codes: 0 consistent, 1 not, 100 bad usage, 111 I/O failure."
    )]
    Verify(VerifyArgs),
    /// Check init scripts for problems, OpenRC-aware (for CI).
    #[command(after_help = "Examples:\n  \
        rc2s6 lint /etc/init.d\n  \
        rc2s6 lint --format gcc --no-rc-conf testdata/lint/relative_command/fire/init.d\n  \
        rc2s6 lint --format sarif --deny warnings packages/*/*.initd > rc2s6.sarif\n  \
        rc2s6 lint --allow rc2s6::lint::use_not_provided --warn 'rc2s6::model::*' /etc/init.d\n\n\
        A file named NAME.initd is service NAME, with NAME.confd beside it as its conf.d file.\n\
        In a script, `# rc2s6: allow=CODE[,CODE]` allows codes on the next line (or on its own line \
        when written after a command, or in the whole file when written before the first command).\n\n\
        Exit codes: 0 no error-level finding, 1 some error-level finding, 100 bad usage, 111 a file \
        could not be read.")]
    Lint(LintArgs),
    /// Print the dependency graph of init scripts as Graphviz DOT.
    #[command(after_help = "Examples:\n  \
        rc2s6 graph /etc/init.d | dot -Tsvg > deps.svg\n  \
        rc2s6 graph --no-rc-conf testdata/lint/dependency_cycle/fire/init.d\n\n\
        Boxes are the scripts given, ellipses the virtual names they provide, dashed boxes names \
        nothing given provides. Edges: bold need, solid use/want, dashed after/before, dotted provide.")]
    Graph(GraphArgs),
    /// Explain a diagnostic code: what it means, why, an example and the fix.
    #[command(after_help = "Examples:\n  \
        rc2s6 explain rc2s6::model::daemon_may_fork\n  \
        rc2s6 explain relative_command\n  \
        rc2s6 explain --list")]
    Explain(ExplainArgs),
    /// Print the man page (roff) of rc2s6 or of one of its subcommands.
    #[command(after_help = "Examples:\n  \
        rc2s6 man > rc2s6.1\n  \
        rc2s6 man lint > rc2s6-lint.1\n  \
        rc2s6 man | man -l -")]
    Man(ManArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  \
        rc2s6 completions bash > /usr/share/bash-completion/completions/rc2s6\n  \
        rc2s6 completions zsh > /usr/share/zsh/site-functions/_rc2s6\n  \
        rc2s6 completions fish > /usr/share/fish/vendor_completions.d/rc2s6.fish")]
    Completions(CompletionsArgs),
}

/// Arguments of `verify`.
#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Init scripts as OpenRC will run them (migrated or hand-written), or directories of them;
    /// none for a tree written with --backend s6-rc, which is verified from its manifest.
    #[arg(value_name = "INITSCRIPT")]
    pub scripts: Vec<PathBuf>,
    /// The directory rc2s6 compiled into (with rc2s6.manifest.yaml).
    #[arg(short, long, value_name = "OUT", required = true)]
    pub output: PathBuf,
    /// Where conf.d and rc.conf are.
    #[command(flatten)]
    pub files: FileArgs,
    /// The OpenRC release the scripts run under.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Also compare the links in this scan directory (e.g. /run/openrc/s6-scan on a live system).
    #[arg(long, value_name = "DIR")]
    pub scan_dir: Option<PathBuf>,
}

/// Which OpenRC runs the scripts: what is compiled, migrated, verified or linted depends on it.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// The OpenRC version that runs the scripts (default: the installed one, else 0.45.2). A
    /// series without a patch level means the newest release of it rc2s6 knows (0.63 is 0.63.3).
    #[arg(long, value_name = "VERSION")]
    pub openrc: Option<String>,
}

impl TargetArgs {
    /// The version `--openrc` names, or the installed one (`/lib/rc/version`), or 0.45.2.
    pub fn resolve(&self) -> Result<OpenrcVersion, String> {
        match &self.openrc {
            Some(v) => {
                OpenrcVersion::parse(v).ok_or_else(|| format!("`{v}` is not an OpenRC version such as 0.45.2 or 0.63"))
            }
            None => Ok(std::fs::read_to_string("/lib/rc/version")
                .ok()
                .and_then(|v| OpenrcVersion::parse(&v))
                .unwrap_or_else(OpenrcVersion::legacy_default)),
        }
    }
}

/// The user's daemon tables, merged over the built-in ones.
#[derive(Debug, Clone, Args)]
pub struct DaemonTableArgs {
    /// A daemon table in data/daemons.yaml's schema, merged over the built-in ones: its entries
    /// decide for the programs they name, such as which crond or ntpd this system has
    /// (repeatable; a later table wins; recorded in the manifest with its SHA-256).
    #[arg(long = "daemon-table", value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

impl DaemonTableArgs {
    /// The built-in daemon tables under the user's `--daemon-table` files; a file that does not
    /// read or does not validate is a usage error naming it.
    pub fn load(&self) -> Result<Arc<DaemonTable>, String> {
        if self.files.is_empty() {
            return Ok(DaemonTable::builtin().clone());
        }
        let texts = self
            .files
            .iter()
            .map(|f| {
                let path = f.display().to_string();
                std::fs::read_to_string(f).map(|t| (path.clone(), t)).map_err(|e| format!("--daemon-table {path}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        DaemonTable::with_user_tables(&texts).map(Arc::new).map_err(|e| format!("--daemon-table {e}"))
    }
}

/// Where the files OpenRC reads with each script are.
#[derive(Debug, Clone, Args)]
pub struct FileArgs {
    /// Where conf.d files are (a NAME.confd beside NAME.initd is used first).
    #[arg(long, value_name = "DIR", default_value = "/etc/conf.d")]
    pub conf_dir: PathBuf,
    /// Read no conf.d files from a directory.
    #[arg(long, conflicts_with = "conf_dir")]
    pub no_conf_dir: bool,
    /// rc.conf to read first (rc.conf.d beside it is read too).
    #[arg(long, value_name = "FILE", default_value = "/etc/rc.conf")]
    pub rc_conf: PathBuf,
    /// Read no rc.conf.
    #[arg(long, conflicts_with = "rc_conf")]
    pub no_rc_conf: bool,
}

impl FileArgs {
    /// The input options these flags mean.
    pub fn input_options(&self) -> rc2s6::pipeline::input::InputOptions {
        rc2s6::pipeline::input::InputOptions {
            conf_dir: (!self.no_conf_dir).then(|| self.conf_dir.clone()),
            rc_conf: (!self.no_rc_conf).then(|| self.rc_conf.clone()),
        }
    }

    /// How a command that reads a set of scripts loads them, for the OpenRC that runs them.
    pub fn set_options(&self, target: &OpenrcVersion) -> rc2s6::pipeline::service_set::SetOptions {
        rc2s6::pipeline::service_set::SetOptions {
            input: self.input_options(),
            model: rc2s6::model::ModelOptions { target: target.clone(), ..Default::default() },
            keep_syntax_trees: false,
        }
    }
}

/// Where the files around each script are, for commands that read a set of scripts.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Init scripts, or directories to walk for them.
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where conf.d and rc.conf are.
    #[command(flatten)]
    pub files: FileArgs,
}

/// Arguments of `lint`.
#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// The scripts and where their files are.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (default: human on a terminal, gcc otherwise).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<LintFormat>,
    /// Make a code an error (CODE, a phase like `rc2s6::model::*`, or `warnings` for all warnings).
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,
    /// Make a code a warning (CODE or a phase like `rc2s6::model::*`).
    #[arg(long, value_name = "CODE")]
    pub warn: Vec<String>,
    /// Do not report a code (CODE or a phase like `rc2s6::model::*`).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
    /// The OpenRC release the scripts run under.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Which daemons stay in the foreground, beyond the built-in tables.
    #[command(flatten)]
    pub daemon_tables: DaemonTableArgs,
}

/// Output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Rendered diagnostics with the source lines, like rustc.
    Human,
    /// One JSON object with a `diagnostics` array (schema in README.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), shown as annotations (10 of each kind;
    /// the rest in a log group and counted).
    Github,
    /// GitLab Code Quality JSON, for `artifacts: reports: codequality:`.
    Gitlab,
    /// `file:line:column: severity: message [code]`, one line each.
    Gcc,
}

/// Arguments of `graph`.
#[derive(Debug, Clone, Args)]
pub struct GraphArgs {
    /// The scripts and where their files are.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Arguments of `explain`.
#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The code, e.g. `rc2s6::lint::relative_command` (or `lint::relative_command`, or
    /// `relative_command`).
    #[arg(value_name = "CODE", required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its one-line summary.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

/// Arguments of `man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (default: rc2s6's own).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Arguments of `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
    /// Where conf.d and rc.conf are.
    #[command(flatten)]
    pub files: FileArgs,
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
    /// The OpenRC release the scripts run under.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Run daemons that may fork under s6-fghack instead of refusing them.
    #[arg(long)]
    pub allow_fghack: bool,
    /// Which daemons stay in the foreground, beyond the built-in tables.
    #[command(flatten)]
    pub daemon_tables: DaemonTableArgs,
    /// List what would be created, replaced and removed; write nothing.
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
    /// What to write: s6 service directories for OpenRC's s6 backend, or an s6-rc source tree
    /// of the whole set (no OpenRC left).
    #[arg(long, value_enum, default_value_t = BackendChoice::S6)]
    pub backend: BackendChoice,
    /// s6-rc: OpenRC's runlevel directory (e.g. /etc/runlevels); each runlevel becomes a bundle.
    #[arg(long, value_name = "DIR")]
    pub runlevels: Option<PathBuf>,
    /// s6-rc: the service that provides a virtual name several services provide (repeatable).
    #[arg(long, value_name = "NAME=SERVICE", value_delimiter = ',')]
    pub provider: Vec<String>,
    /// s6-rc: names the system brings up before s6-rc starts (the init's mounts, network...):
    /// a dependency on one the tree does not have is satisfied without a definition (repeatable,
    /// or comma-separated).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub external: Vec<String>,
    /// How to report the run: `human` on stderr, or `json` on stdout (schema in README.md).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CompileFormat::Human, conflicts_with = "diff")]
    pub format: CompileFormat,
}

/// The backends `--backend` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    /// s6 service directories that OpenRC's s6 backend links (supervisor=s6).
    S6,
    /// An s6-rc source tree for s6-rc-compile: longruns, loggers, oneshots, bundles.
    #[value(name = "s6-rc")]
    S6Rc,
}

/// Report formats of `compile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompileFormat {
    /// A summary for people on stderr (every diagnostic in full with -v, or when there are few).
    Human,
    /// One JSON document on stdout: every service, its diagnostics, what was written.
    Json,
}
