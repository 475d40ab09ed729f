//! Init script → the same script rewritten for `supervisor=s6`, so OpenRC starts and stops the
//! daemon through the service directory rc2s6 generated. Pure: text in, text and findings out.
//!
//! This is the one part of rc2s6 that writes shell. Every change is made on the original text at
//! the spans the parser recorded (`edit`), so everything not listed here stays byte for byte.
//! The steps, in the order they edit:
//! 1. `launch`: a custom start()'s compiled launch becomes `default_start`;
//! 2. `daemon_control`: stop()'s start-stop-daemon `--stop`, or its pidfile `kill`/`pkill -F`
//!    with a signal that ends the daemon, becomes `default_stop`; other commands that signal the
//!    daemon through its pidfile become `s6-svc` on the service;
//! 3. `variables`: the daemon variables compiled into the service directory are commented out
//!    (kept, with a note, when the rest of the script still reads them); on OpenRC 0.63.1+ a
//!    `command` the script still reads is emptied only for the s6 start (`command_at_start`);
//! 4. `settings_block`: a block sets `supervisor=s6` plus what the target OpenRC needs to find
//!    and wait for the service directory;
//! 5. `depend`: `need s6-svscan` goes first in depend() (a depend() is added if there is none).
//!
//! The result must parse again. Batches of scripts are migrated by `pipeline::migrate`.

mod command_at_start;
mod daemon_control;
mod depend;
mod edit;
pub mod error;
mod launch;
mod references;
mod settings_block;
pub mod unified_diff;
mod variables;

use crate::backend::service_dir::ServiceDir;
use crate::core::diagnostic::{Finding, Severity};
use crate::model::analysis::Analysis;
use crate::model::function_table::FunctionDefinition;
use crate::openrc::version::{OpenrcVersion, UnlinkedOutput};
use crate::shell::ast::{FunctionDef, Script};
use edit::Rewriter;
use error::MigrateError;

/// A migrated init script.
#[derive(Debug, Clone)]
pub struct Migration {
    /// RC_SVCNAME: the file name to write.
    pub service: String,
    /// The script's path as given.
    pub path: String,
    /// The original text.
    pub original: String,
    /// The rewritten text.
    pub text: String,
    /// What the rewrite could not do, or did with a caveat.
    pub findings: Vec<Finding>,
}

impl Migration {
    /// Whether the rewritten script can be used: no error-level finding.
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Findings about the whole output rather than one script: OpenRC ≥ 0.63 links only
/// /var/svc.d, and 0.63.0 never links a prepared directory at all.
pub fn target_findings(target: &OpenrcVersion, output: &str) -> Vec<Finding> {
    let version = target.to_string();
    let error = |problem| match problem {
        UnlinkedOutput::NoCompatMode => MigrateError::NoCompatMode { version: version.clone() },
        UnlinkedOutput::NotVarSvcD => {
            MigrateError::OutputNotVarSvcD { version: version.clone(), output: output.to_string() }
        }
    };
    target.unlinked_output(output).into_iter().map(|p| Finding::new(None, error(p))).collect()
}

/// What every step reads: the script and its syntax, the service as modelled and compiled, and
/// the OpenRC it is migrated for.
struct Subject<'a> {
    analysis: &'a Analysis,
    /// The script's syntax tree.
    syntax: &'a Script,
    /// The service directory compiled for it.
    dir: &'a ServiceDir,
    target: &'a OpenrcVersion,
    /// The service directory OpenRC will link.
    path: String,
    /// How a rewritten command names the service's live directory for `s6-svc`.
    service_ref: String,
    /// The script's function definitions with their syntax, in text order.
    functions: Vec<(&'a FunctionDefinition, &'a FunctionDef)>,
}

impl<'a> Subject<'a> {
    /// The script's last definition of a function: the one that counts.
    fn function(&self, name: &str) -> Option<(&'a FunctionDefinition, &'a FunctionDef)> {
        self.functions.iter().rev().find(|(d, _)| d.name == name).copied()
    }
}

impl Migration {
    /// The script of `analysis` as it is, before any step rewrites it.
    fn unchanged(analysis: &Analysis) -> Migration {
        let source = analysis.script();
        Migration {
            service: analysis.service.name.clone(),
            path: source.name().to_string(),
            original: source.text().to_string(),
            text: source.text().to_string(),
            findings: Vec::new(),
        }
    }

    /// Takes the rewriter's result: the new text, and its errors as findings on the script.
    fn finish(&mut self, analysis: &Analysis, rw: Rewriter) {
        let (rewritten, errors) = rw.finish();
        self.text = rewritten;
        self.findings = errors.into_iter().map(|e| Finding::new(Some(analysis.script().clone()), e)).collect();
    }
}

impl<'a> Subject<'a> {
    /// What the steps read for the script of `analysis`; `None` when it has no syntax tree.
    fn of(
        analysis: &'a Analysis,
        dir: &'a ServiceDir,
        target: &'a OpenrcVersion,
        path: String,
        service_ref: String,
    ) -> Option<Subject<'a>> {
        let syntax = analysis.script_ast()?;
        let script = analysis.script_id();
        let functions = analysis.function_syntax().into_iter().filter(|(d, _)| d.file == script).collect();
        Some(Subject { analysis, syntax, dir, target, path, service_ref, functions })
    }
}

/// Rewrites one converted service's init script for `supervisor=s6` on `target`, the service
/// directory being `dir` under `output` (absolute).
pub fn migrate(analysis: &Analysis, dir: &ServiceDir, target: &OpenrcVersion, output: &str) -> Migration {
    let mut m = Migration::unchanged(analysis);
    let path = target.prepared_service_dir(output, &dir.name);
    let Some(cx) = Subject::of(analysis, dir, target, path, target.scan_link_in_shell().to_string()) else {
        return m;
    };
    let mut rw = Rewriter::new(analysis.script().text());
    let launch = launch::replace(&cx, &mut rw);
    daemon_control::rewrite(&cx, &mut rw, launch);
    let commented = variables::to_comment_out(&cx, &mut rw);
    let add_start = commented.command_kept && command_at_start::empty_for_s6_start(&cx, &mut rw, launch);
    let block_at = settings_block::position(&rw, &commented.sites);
    let block = settings_block::Block { command_kept: commented.command_kept, add_start };
    rw.insert(block_at, settings_block::text(&cx, &block));
    variables::comment_out(&mut rw, &commented.sites, block_at, &cx.path);
    depend::add_need_s6_svscan(&cx, &mut rw);
    m.finish(analysis, rw);
    m.findings.extend(settings_block::name_overridden(&cx));
    m
}

/// The script with only the daemon taken out of its functions (steps 1 and 2): the compiled
/// launch becomes `default_start`, stop()'s way of stopping the daemon `default_stop`, and a
/// signal through the pidfile `s6-svc` on `live_dir`, the daemon's directory in s6's scan
/// directory. What the s6-rc backend's oneshots run around a daemon s6-rc supervises.
pub fn take_daemon_out(analysis: &Analysis, dir: &ServiceDir, target: &OpenrcVersion, live_dir: &str) -> Migration {
    let mut m = Migration::unchanged(analysis);
    let Some(cx) = Subject::of(analysis, dir, target, live_dir.to_string(), live_dir.to_string()) else { return m };
    let mut rw = Rewriter::new(analysis.script().text());
    let launch = launch::replace(&cx, &mut rw);
    daemon_control::rewrite(&cx, &mut rw, launch);
    m.finish(analysis, rw);
    m
}
