//! The s6-rc backend's part of a compile. Per service, on the worker thread that analysed it
//! (its syntax trees are still there): which of its functions run where
//! ([`crate::backend::s6rc::HookPlan`]), the calls of OpenRC's own programs in them,
//! and the script rewritten so its start() and stop() hand the daemon over instead of starting
//! or stopping it ([`migrate::take_daemon_out`]). Then, for the whole set, the dependencies,
//! bundles and refusals ([`set::resolve`]), with the runlevels read from disk.

use std::collections::BTreeSet;
use std::path::Path;

use crate::backend::s6;
use crate::backend::s6rc::set::{self, Declaration, Member, Runlevel, RunlevelEntry};
use crate::backend::s6rc::{self, HookInputs, HookPlan, LIVE_SCANDIR, OPENRC_ONLY, Refusal, S6RcOptions, S6RcService};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::file_name::basename;
use crate::core::source::{SourceFile, Span};
use crate::dependency_graph::DependencyGraph;
use crate::eval::value::Loc;
use crate::migrate;
use crate::model::analysis::Analysis;
use crate::openrc::version::OpenrcVersion;
use crate::pipeline::input::ReadError;
use crate::shell::ast::{Command, Word, walk_command};

/// What a service becomes before the set step, or why it does not.
pub type Emitted = Result<Option<S6RcService>, Vec<Finding>>;

/// What one analysed service becomes in the tree, on its own.
pub fn emit(analysis: &Analysis, opts: &S6RcOptions, target: &OpenrcVersion) -> Emitted {
    let Some(plan) = HookPlan::of(analysis) else { return Ok(None) };
    let rewrite = plan.runs_start_or_stop();
    let mut inputs = HookInputs {
        rewritten_script: None,
        openrc_calls: openrc_calls(analysis, &plan, rewrite),
        openrc_run_environment: crate::model::openrc_run_environment(target),
    };
    let mut warnings = Vec::new();
    if rewrite {
        let (service, script) = (&analysis.service, analysis.script());
        let Some(daemon) = &service.daemon else { return Ok(None) };
        let dir =
            s6::service_dir(service, daemon, &opts.emit).map_err(|e| vec![Finding::new(Some(script.clone()), e)])?;
        let m = migrate::take_daemon_out(analysis, &dir, target, &format!("{LIVE_SCANDIR}/{}", service.name));
        let spans = run_spans(analysis, &plan);
        let (errors, others): (Vec<Finding>, Vec<Finding>) = m
            .findings
            .into_iter()
            .filter(|f| {
                f.primary_label().is_none_or(|l| spans.iter().any(|s| s.start <= l.offset() && l.offset() < s.end))
            })
            .partition(|f| f.severity == Severity::Error);
        if !errors.is_empty() {
            return Err(errors);
        }
        warnings = others;
        inputs.rewritten_script = Some(m.text);
    }
    match s6rc::service(analysis, &plan, &inputs, opts) {
        Ok(Some(mut s)) => {
            if !warnings.is_empty() {
                s.decisions.extend(warnings.iter().map(|w| crate::model::Decision {
                    topic: "s6-rc".into(),
                    choice: format!("rewriting start()/stop() for the oneshots: {}", w.message()),
                    loc: None,
                }));
            }
            Ok(Some(s))
        }
        Ok(None) => Ok(None),
        Err(Refusal::Emit(e)) => Err(vec![Finding::new(Some(analysis.script().clone()), e)]),
        Err(Refusal::S6Rc(list)) => {
            Err(list.into_iter().map(|(loc, e)| Finding::new(analysis.find_source(loc.file).cloned(), e)).collect())
        }
    }
}

/// The definitions of the script's functions the tree runs, and of those they call.
fn run_definitions<'a>(
    analysis: &'a Analysis,
    plan: &HookPlan,
) -> Vec<(&'a crate::model::function_table::FunctionDefinition, &'a crate::shell::ast::FunctionDef)> {
    let syntax = analysis.function_syntax();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for f in plan.functions() {
        let Some(def) = analysis.functions.get(f) else { continue };
        let reached = analysis.functions.reachable(f, def.file);
        for (d, fd) in &syntax {
            if d.file == def.file && reached.contains(&d.name) && seen.insert((d.file, d.name_span)) {
                out.push((*d, *fd));
            }
        }
    }
    out
}

/// Where in the script the functions the tree runs are.
fn run_spans(analysis: &Analysis, plan: &HookPlan) -> Vec<Span> {
    let script = analysis.script_id();
    run_definitions(analysis, plan).into_iter().filter(|(d, _)| d.file == script).map(|(_, fd)| fd.span).collect()
}

/// The calls of OpenRC's own programs ([`OPENRC_ONLY`]) in the functions the tree runs. The
/// daemon's compiled launch is not one; nor, when the script is rewritten, is any
/// start-stop-daemon or supervise-daemon call, which the rewrite either turns into the backend
/// call or refuses itself.
fn openrc_calls(analysis: &Analysis, plan: &HookPlan, rewritten: bool) -> Vec<(String, Loc)> {
    let launch = analysis.service.custom_launch;
    let mut out = Vec::new();
    for (d, fd) in run_definitions(analysis, plan) {
        walk_command(&fd.body, &mut |c| {
            let Command::Simple(sc) = c else { return };
            let Some(name) = sc.words.first().and_then(Word::static_text) else { return };
            let base = basename(&name).to_string();
            let loc = Loc { file: d.file, span: sc.span };
            let daemon_tool = matches!(base.as_str(), "start-stop-daemon" | "supervise-daemon");
            if OPENRC_ONLY.iter().any(|(c, _)| *c == base)
                && Some(loc) != launch
                && !(rewritten && daemon_tool)
                && !out.iter().any(|(_, l)| *l == loc)
            {
                out.push((base, loc));
            }
        });
    }
    out
}

/// The set's declarations as the set step reads them.
pub fn declarations<'a>(analyses: impl IntoIterator<Item = &'a Analysis>) -> Vec<Declaration> {
    DependencyGraph::new(analyses.into_iter().map(|a| (a.service.name.as_str(), &a.service.dependencies)))
        .declarations
        .into_iter()
        .map(|d| Declaration {
            service: d.service,
            kind: d.kind.to_string(),
            name: d.name.to_string(),
            loc: d.loc,
            conditional: d.conditional,
            uncertain: d.uncertain,
        })
        .collect()
}

/// The set step over the members, each with what [`emit`] made of it.
pub fn resolve(members: &mut [Member<'_>], runlevels: &[Runlevel], opts: &S6RcOptions) -> set::SetOutput {
    let decls = declarations(members.iter().map(|m| m.analysis));
    set::resolve(members, &decls, runlevels, opts)
}

/// The runlevels in OpenRC's runlevel directory (`/etc/runlevels`): each subdirectory is one,
/// each entry in it a service (a link to its script) or, when it is a directory, a runlevel
/// stacked in it (OpenRC's `rc_runlevel_stacks`). Dot names are left out.
pub fn read_runlevels(dir: &Path) -> Result<Vec<Runlevel>, ReadError> {
    let mut out = Vec::new();
    for level in sorted_entries(dir).map_err(|e| read_error(dir, e))? {
        let path = dir.join(&level);
        if !path.is_dir() {
            continue;
        }
        let mut listing = String::new();
        let mut entries = Vec::new();
        for name in sorted_entries(&path).map_err(|e| read_error(&path, e))? {
            let stacked = path.join(&name).is_dir();
            let start = listing.len();
            listing.push_str(&name);
            entries.push(RunlevelEntry { span: Span::new(start, listing.len()), name, stacked });
            listing.push_str(if stacked { "/\n" } else { "\n" });
        }
        out.push(Runlevel { listing: SourceFile::new(path.display().to_string(), listing), name: level, entries });
    }
    Ok(out)
}

/// The names in a directory that can be service or runlevel names, sorted.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| !n.starts_with('.') && !n.chars().any(char::is_control))
        .collect();
    names.sort();
    Ok(names)
}

fn read_error(path: &Path, e: std::io::Error) -> ReadError {
    ReadError { path: path.display().to_string(), message: e.to_string() }
}
