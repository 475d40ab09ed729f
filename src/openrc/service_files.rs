//! The files openrc-run loads with a script, in its order and with the role each plays, and how
//! it recognises a script it runs.

use crate::core::source::SourceFile;

/// The role a loaded file plays in openrc-run's load order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// /etc/rc.conf or /etc/rc.conf.d/*.conf.
    RcConf,
    /// `/etc/conf.d/<name>`.
    ConfD,
    /// The init script.
    Script,
}

/// A service's files, read.
#[derive(Debug, Clone)]
pub struct ServiceFiles {
    /// `RC_SVCNAME`.
    pub svcname: String,
    /// `RC_SERVICE`: where OpenRC runs the script from on the target, /etc/init.d/RC_SVCNAME
    /// (not where rc2s6 read it, which may be a package's build directory).
    pub service_path: String,
    /// The files in load order, the script last.
    pub files: Vec<(FileRole, SourceFile)>,
    /// Runlevel-specific conf.d files present beside the plain one: (path, runlevel).
    pub runlevel_confd: Vec<(String, String)>,
    /// Files that are not valid UTF-8: (index into `files`, offset of the first bad byte).
    pub not_utf8: Vec<(usize, usize)>,
    /// A conf.d file that others may not read: what is generated from it must not be readable
    /// by them either (conf.d files hold passwords and tokens).
    pub private: bool,
}

/// Runlevels OpenRC ships; a `conf.d/<svc>.<runlevel>` file replaces `conf.d/<svc>` there.
pub const RUNLEVELS: &[&str] = &["sysinit", "boot", "default", "nonetwork", "shutdown"];

/// Whether text starts with a shebang openrc-run handles: like OpenRC's gendepends, any path
/// ending in `/openrc-run` or the old `/runscript`, with or without a space after `#!`.
pub fn is_openrc_script(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let Some(rest) = first.strip_prefix("#!") else { return false };
    let interp = rest.split_whitespace().next().unwrap_or("");
    interp.ends_with("/openrc-run") || interp.ends_with("/runscript")
}
