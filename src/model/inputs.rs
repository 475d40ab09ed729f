//! What the model is given: a service's files in openrc-run's load order, and the user's choices.

use std::sync::Arc;

use crate::openrc::daemon_table::DaemonTable;
use crate::openrc::service_files::FileRole;
use crate::openrc::version::OpenrcVersion;
use crate::shell::ast::Script;

/// One loaded and parsed file.
#[derive(Debug, Clone, Copy)]
pub struct LoadedFile<'a> {
    /// Its role.
    pub role: FileRole,
    /// Its parsed text, or `None` if it did not parse (the parser reported why). Borrowed: the
    /// caller keeps the syntax trees (lint reads them again), and a copy per service is most of
    /// what modelling would allocate.
    pub script: Option<&'a Script>,
    /// Its text, to quote in diagnostics (the condition a value is set under).
    pub text: &'a str,
}

/// Everything one service is built from, in openrc-run's load order (the script last).
#[derive(Debug, Clone)]
pub struct ServiceInputs<'a> {
    /// `RC_SVCNAME`: the script's file name.
    pub svcname: String,
    /// `RC_SERVICE`: the script's path.
    pub service_path: String,
    /// rc.conf files, conf.d files, then the script.
    pub files: Vec<LoadedFile<'a>>,
    /// Runlevel-specific conf.d files that exist beside the plain one: (path, runlevel).
    pub runlevel_confd: Vec<(String, String)>,
}

/// Choices the user makes on the command line that change the model.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    /// Run daemons that may fork under s6-fghack instead of refusing them.
    pub allow_fghack: bool,
    /// The OpenRC release that runs the service.
    pub target: OpenrcVersion,
    /// The daemon tables: the built-in ones, under the user's (`--daemon-table`).
    pub daemon_table: Arc<DaemonTable>,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            allow_fghack: false,
            target: OpenrcVersion::default(),
            daemon_table: DaemonTable::builtin().clone(),
        }
    }
}
