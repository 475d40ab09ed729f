//! One service from its files to its model: parse every file, evaluate, and collect findings.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, Finding, Severity, define_codes};
use crate::core::source::{FileId, SourceFile};
use crate::model::function_table::{self, FunctionDefinition, FunctionTable};
use crate::model::{self, LoadedFile, ModelOptions, Service, ServiceInputs};
use crate::openrc::service_files::{FileRole, ServiceFiles};
use crate::shell::ast::{FunctionDef, Script};
use crate::shell::parse::{self, ParseError};

/// A service analysed: its files, what the model decided, and every finding.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The loaded files, in openrc-run's load order, the script last.
    pub files: Vec<AnalyzedFile>,
    /// Whether every file parsed without an error: still known once the syntax trees are dropped.
    pub parsed: bool,
    /// A conf.d file others may not read (`ServiceFiles::private`).
    pub private: bool,
    /// The functions the files define, as their syntax trees have them.
    pub functions: FunctionTable,
    /// The model's result.
    pub service: Service,
    /// Findings from parsing and modelling, in file order.
    pub findings: Vec<Finding>,
}

/// One loaded file of a service.
#[derive(Debug, Clone)]
pub struct AnalyzedFile {
    /// The role it plays in the load order.
    pub role: FileRole,
    /// Its name and text.
    pub source: SourceFile,
    /// Its syntax tree: `None` where the syntax was invalid, and once a batch has dropped it
    /// (see `SetOptions::keep_syntax_trees`).
    pub syntax: Option<Script>,
}

impl Analysis {
    /// A loaded file.
    pub fn source(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()].source
    }

    /// A loaded file, if `id` is one.
    pub fn find_source(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.index()).map(|f| &f.source)
    }

    /// The role of a loaded file.
    pub fn role(&self, id: FileId) -> Option<FileRole> {
        self.files.get(id.index()).map(|f| f.role)
    }

    /// Where the init script is in load order: last.
    pub fn script_id(&self) -> FileId {
        FileId::new(self.files.len().saturating_sub(1))
    }

    /// The init script.
    pub fn script(&self) -> &SourceFile {
        &self.files.last().expect("a service has its script").source
    }

    /// The init script's syntax tree, if it parsed and is kept.
    pub fn script_ast(&self) -> Option<&Script> {
        self.files.last().and_then(|f| f.syntax.as_ref())
    }

    /// Every syntax tree kept, with its file, in load order.
    pub fn syntax_trees(&self) -> impl Iterator<Item = (FileId, &Script)> {
        self.files.iter().enumerate().filter_map(|(i, f)| f.syntax.as_ref().map(|s| (FileId::new(i), s)))
    }

    /// Each function definition with its syntax, in the table's order: empty once the syntax
    /// trees are dropped.
    pub fn function_syntax(&self) -> Vec<(&FunctionDefinition, &FunctionDef)> {
        let mut out = Vec::new();
        for (file, script) in self.syntax_trees() {
            let defined = self.functions.definitions().iter().filter(|d| d.file == file);
            out.extend(defined.zip(function_table::definitions_in(script)));
        }
        out
    }

    /// Every file with its role, in load order (what the manifest records).
    pub fn sources_with_roles(&self) -> Vec<(FileRole, SourceFile)> {
        self.files.iter().map(|f| (f.role, f.source.clone())).collect()
    }

    /// Drops what only consumers of one script at a time read (the syntax trees and the final
    /// variables): they are most of a batch's memory.
    pub fn drop_working_state(&mut self) {
        for f in &mut self.files {
            f.syntax = None;
        }
        self.service.variables = Default::default();
    }

    /// Drops what only the model's own consumers read (lint, migration, the backends, the
    /// manifest record): the settings the daemon was built from, the function table, the
    /// decisions and backend calls, and the model's diagnostics, which `findings` holds too. What
    /// is left is what a compile reports and writes once a service's directory and manifest
    /// record are made.
    pub fn drop_model_detail(&mut self) {
        self.functions = FunctionTable::default();
        self.service.decisions = Vec::new();
        self.service.backend_calls = Default::default();
        self.service.functions = Vec::new();
        self.service.settings = Default::default();
        self.service.settings_before_script = Default::default();
        self.service.settings_at_start = Default::default();
        self.service.diagnostics = Vec::new();
    }
}

define_codes! {
    /// The code of [`NotOpenrcRun`], in the `input` phase.
    CODES in input {
        NOT_OPENRC_RUN = not_openrc_run: Error,
    }
}

/// The file is not an openrc-run script.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("not an openrc-run script: the first line is not `#!/sbin/openrc-run`")]
#[diagnostic(help("rc2s6 compiles scripts run by openrc-run; start the file with `#!/sbin/openrc-run`"))]
pub struct NotOpenrcRun {
    /// The first line.
    #[label("this shebang")]
    pub span: SourceSpan,
}

impl Coded for NotOpenrcRun {
    fn code(&self) -> &'static Code {
        &NOT_OPENRC_RUN
    }
}

/// The file is not text at all (a program, an archive): said once, with no excerpt of it.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("not an openrc-run script: the file is not text (it holds NUL bytes)")]
#[diagnostic(help(
    "give rc2s6 init scripts, which start with `#!/sbin/openrc-run`; this looks like a program or an archive"
))]
pub struct NotText;

impl Coded for NotText {
    fn code(&self) -> &'static Code {
        &NOT_OPENRC_RUN
    }
}

/// Whether a file is binary rather than text: a NUL byte in its first 8,000 bytes, the test git
/// and diff use (git's xdiff-interface.c, `buffer_is_binary`). No shell reads a NUL in a script.
fn is_binary(text: &str) -> bool {
    text.as_bytes()[..text.len().min(8000)].contains(&0)
}

/// Parses of files many services load (rc.conf), made once and reused for each service.
#[derive(Debug, Clone, Default)]
pub struct SharedParses {
    parsed: Vec<(SourceFile, parse::ParseOutcome)>,
}

impl SharedParses {
    /// Parses the files.
    pub fn new(files: &[SourceFile]) -> Self {
        SharedParses { parsed: files.iter().map(|f| (f.clone(), parse::parse_script(f.text()))).collect() }
    }

    /// The parse of a file, made now unless it is one of the shared ones.
    fn parse(&self, src: &SourceFile) -> parse::ParseOutcome {
        match self.parsed.iter().find(|(f, _)| f.name() == src.name() && f.text() == src.text()) {
            Some((_, outcome)) => outcome.clone(),
            None => parse::parse_script(src.text()),
        }
    }
}

/// Parses and models one service.
pub fn analyze(files: ServiceFiles, options: &ModelOptions) -> Analysis {
    analyze_with(files, options, &SharedParses::default())
}

/// Parses and models one service, reusing the parses of shared files.
pub fn analyze_with(files: ServiceFiles, options: &ModelOptions, shared: &SharedParses) -> Analysis {
    let mut findings = Vec::new();
    let mut analyzed = Vec::new();
    // Files the parser reported an error in (an unterminated here-document, say) still have a
    // syntax tree for lint to read, but the model is not given it: what the shell would make
    // of a broken file is not known, so the service is not converted (issue 16).
    let mut broken = Vec::new();
    for (i, (role, src)) in files.files.into_iter().enumerate() {
        // A script openrc-run would not run is neither compiled nor linked: one finding says why,
        // and nothing else is read from it (its syntax errors would only repeat that).
        if role == FileRole::Script && !crate::openrc::service_files::is_openrc_script(src.text()) {
            let finding = if is_binary(src.text()) {
                Finding::new(Some(src.clone()), NotText)
            } else {
                let end = src.text().find('\n').unwrap_or(src.text().len());
                Finding::new(Some(src.clone()), NotOpenrcRun { span: (0, end).into() })
            };
            findings.push(finding);
            analyzed.push(AnalyzedFile { role, source: src, syntax: None });
            broken.push(false);
            continue;
        }
        let out = shared.parse(&src);
        broken.push(out.errors.iter().any(|e| Coded::code(e).severity() == Severity::Error));
        for e in out.errors {
            findings.push(Finding::new(Some(src.clone()), e));
        }
        let mut syntax = out.script;
        if let Some((_, at)) = files.not_utf8.iter().find(|(f, _)| *f == i) {
            findings.push(Finding::new(Some(src.clone()), ParseError::NotUtf8 { span: (*at, 0).into() }));
            syntax = None;
        }
        analyzed.push(AnalyzedFile { role, source: src, syntax });
    }
    let loaded = analyzed
        .iter()
        .zip(&broken)
        .map(|(f, &broken)| LoadedFile {
            role: f.role,
            script: f.syntax.as_ref().filter(|_| !broken),
            text: f.source.text(),
        })
        .collect();
    let inputs = ServiceInputs {
        svcname: files.svcname,
        service_path: files.service_path,
        files: loaded,
        runlevel_confd: files.runlevel_confd,
    };
    let service = model::build(&inputs, options);
    for d in &service.diagnostics {
        let src = analyzed.get(d.file.index()).map(|f| f.source.clone());
        findings.push(Finding::new(src, d.error.clone()));
    }
    let parsed = analyzed.iter().zip(&broken).all(|(f, &broken)| f.syntax.is_some() && !broken);
    let mut analysis =
        Analysis { files: analyzed, parsed, private: files.private, functions: Default::default(), service, findings };
    analysis.functions = FunctionTable::new(analysis.syntax_trees());
    analysis
}
