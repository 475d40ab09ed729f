//! What a rule sees of one service: its files, syntax trees and model, and the facts several
//! rules need (which supervisor, whether the backend's own `start` runs, the script's functions),
//! worked out once.

use std::collections::BTreeMap;

use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, SourceFile, Span};
use crate::model::analysis::Analysis;
use crate::model::{Loc, Variable};
use crate::openrc::service_files::FileRole;
use crate::openrc::supervisor::Supervisor;
use crate::openrc::version::OpenrcVersion;
use crate::shell::ast::{self, Command, FunctionDef};

use super::LintError;

/// One service as the per-service rules see it.
pub struct ServiceContext<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The OpenRC the scripts are for.
    pub target: &'a OpenrcVersion,
    /// The script's functions by name: the definition that counts (the last one loaded).
    functions: BTreeMap<&'a str, (FileId, &'a FunctionDef)>,
    supervisor: Supervisor,
}

impl<'a> ServiceContext<'a> {
    /// The context of one analysed service.
    pub fn new(analysis: &'a Analysis, target: &'a OpenrcVersion) -> Self {
        let mut functions = BTreeMap::new();
        for (i, script) in analysis.scripts.iter().enumerate() {
            let Some(script) = script else { continue };
            ast::walk_commands(&script.body, &mut |c| {
                if let Command::FunctionDef(f) = c {
                    functions.insert(f.name.as_str(), (FileId::new(i), f));
                }
            });
        }
        let supervisor = match analysis.service.variables.get("supervisor") {
            None => Supervisor::StartStopDaemon,
            Some(v) if v.value.is_unknowable() => Supervisor::Unknown,
            Some(v) => Supervisor::from_value(&v.value.text),
        };
        ServiceContext { analysis, target, functions, supervisor }
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
        self.analysis.roles.get(id.index()).copied().unwrap_or(FileRole::Script)
    }

    /// A finding about the file at an index.
    pub fn finding(&self, file: FileId, error: LintError) -> Finding {
        Finding::new(self.analysis.files.get(file.index()).cloned(), error)
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

    /// A function of the script.
    pub fn function(&self, name: &str) -> Option<(FileId, &'a FunctionDef)> {
        self.functions.get(name).copied()
    }

    /// Every function of the script, by name.
    pub fn functions(&self) -> impl Iterator<Item = (&'a str, FileId, &'a FunctionDef)> + '_ {
        self.functions.iter().map(|(n, (i, f))| (*n, *i, *f))
    }

    /// Whether OpenRC's own `start` (the backend) runs: no `start()`, or one that calls
    /// `default_start`.
    pub fn backend_starts(&self) -> bool {
        match self.function("start") {
            None => true,
            Some((_, f)) => calls(f, &["default_start"]),
        }
    }

    /// The span of the first line of the script, for findings about the service as a whole.
    pub fn script_head(&self) -> (FileId, Span) {
        let i = self.analysis.script_id();
        let text = self.analysis.source(i).text();
        (i, Span::new(0, text.find('\n').unwrap_or(text.len())))
    }
}

/// Whether a function's body runs any of the named commands (by name, or path ending in it).
pub fn calls(f: &FunctionDef, names: &[&str]) -> bool {
    let mut found = false;
    ast::walk_command(&f.body, &mut |c| {
        if let Some(name) = command_name(c) {
            let base = name.rsplit('/').next().unwrap_or(&name);
            found |= names.contains(&base);
        }
    });
    found
}

/// The literal name of a simple command, if it has one.
pub fn command_name(c: &Command) -> Option<String> {
    match c {
        Command::Simple(sc) => sc.words.first().and_then(|w| w.static_text()),
        _ => None,
    }
}

/// Whether `yesno` in OpenRC's functions.sh says yes.
pub fn yesno(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "yes" | "true" | "on" | "1")
}
