//! What a rule sees of one service: its files, syntax trees and model, and the facts several
//! rules need (which supervisor, whether the backend's own `start` runs), worked out once. The
//! functions are the analysis's [`FunctionTable`](crate::model::function_table::FunctionTable),
//! paired with their syntax.

use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, SourceFile, Span};
use crate::model::analysis::Analysis;
use crate::model::function_table::FunctionDefinition;
use crate::model::{Loc, Variable};
use crate::openrc::service_files::FileRole;
use crate::openrc::supervisor::Supervisor;
use crate::openrc::version::OpenrcVersion;
use crate::shell::ast::{FunctionDef, Script};

use super::LintError;

/// One service as the per-service rules see it.
pub struct ServiceContext<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The OpenRC the scripts are for.
    pub target: &'a OpenrcVersion,
    /// Each function definition of the analysis's table with its syntax.
    functions: Vec<(&'a FunctionDefinition, &'a FunctionDef)>,
    supervisor: Supervisor,
}

impl<'a> ServiceContext<'a> {
    /// The context of one analysed service.
    pub fn new(analysis: &'a Analysis, target: &'a OpenrcVersion) -> Self {
        let supervisor = match analysis.service.variables.get("supervisor") {
            None => Supervisor::StartStopDaemon,
            Some(v) if v.value.is_unknowable() => Supervisor::Unknown,
            Some(v) => Supervisor::from_value(&v.value.text),
        };
        ServiceContext { analysis, target, functions: analysis.function_syntax(), supervisor }
    }

    /// Whether every file parsed (rules that read variables need the model to have run).
    pub fn parsed(&self) -> bool {
        self.analysis.parsed
    }

    /// The loaded file at an index.
    pub fn file(&self, id: FileId) -> &'a SourceFile {
        self.analysis.source(id)
    }

    /// The role of the file at an index.
    pub fn role(&self, id: FileId) -> FileRole {
        self.analysis.role(id).unwrap_or(FileRole::Script)
    }

    /// A finding about the file at an index.
    pub fn finding(&self, file: FileId, error: LintError) -> Finding {
        Finding::new(self.analysis.find_source(file).cloned(), error)
    }

    /// Every loaded file with its syntax tree, in load order (files that did not parse left out).
    pub fn syntax_trees(&self) -> impl Iterator<Item = (FileId, &'a Script)> + 'a {
        self.analysis.syntax_trees()
    }

    /// A variable as the loaded files leave it.
    pub fn var(&self, name: &str) -> Option<&'a Variable> {
        self.analysis.service.variables.get(name)
    }

    /// A variable's value when it is known exactly enough to judge (nothing unknowable in it),
    /// with where it was set.
    pub fn known(&self, name: &str) -> Option<(&'a str, Option<Loc>)> {
        self.var(name).filter(|v| !v.value.is_unknowable()).map(|v| (v.value.text.as_str(), v.assigned_at))
    }

    /// The backend `default_start` calls.
    pub fn supervisor(&self) -> Supervisor {
        self.supervisor
    }

    /// Every function of the service by name, each the definition that counts (the last one
    /// loaded), with its syntax.
    pub fn functions(&self) -> impl Iterator<Item = (&'a FunctionDefinition, &'a FunctionDef)> + '_ {
        self.analysis
            .functions
            .counting()
            .filter_map(|counting| self.functions.iter().find(|(d, _)| std::ptr::eq(*d, counting)).copied())
    }

    /// Whether OpenRC's own `start` (the backend) runs: no `start()`, or one that calls
    /// `default_start`.
    pub fn backend_starts(&self) -> bool {
        self.analysis.functions.get("start").is_none_or(|f| f.runs(&["default_start"]))
    }

    /// Whether a conf.d file was read for the service.
    pub fn confd_read(&self) -> bool {
        self.analysis.files.iter().any(|f| f.role == FileRole::ConfD)
    }

    /// The span of the first line of the script, for findings about the service as a whole.
    pub fn script_head(&self) -> (FileId, Span) {
        let i = self.analysis.script_id();
        let text = self.analysis.source(i).text();
        (i, Span::new(0, text.find('\n').unwrap_or(text.len())))
    }
}

/// Whether `yesno` in OpenRC's functions.sh says yes.
pub fn yesno(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "1")
}
