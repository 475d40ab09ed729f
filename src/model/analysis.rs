//! One service from its files to its model: parse every file, evaluate, and collect findings.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use crate::core::diagnostic::{Code, Coded, Finding, define_codes};
use crate::core::source::{FileId, SourceFile};
use crate::model::{self, LoadedFile, ModelOptions, Service, ServiceInputs};
use crate::openrc::service_files::FileRole;
use crate::openrc::service_files::ServiceFiles;
use crate::shell::parse::{self, ParseError};

/// A service analysed: its files, what the model decided, and every finding.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The loaded files, the script last.
    pub files: Vec<SourceFile>,
    /// The role of each file.
    pub roles: Vec<FileRole>,
    /// Their parsed forms (`None` where the syntax was invalid); empty once a batch has dropped
    /// them (see `SetOptions::keep_syntax_trees`).
    pub scripts: Vec<Option<crate::shell::ast::Script>>,
    /// Whether every file parsed: still known once the syntax trees are dropped.
    pub parsed: bool,
    /// A conf.d file others may not read (`ServiceFiles::private`).
    pub private: bool,
    /// The model's result.
    pub service: Service,
    /// Findings from parsing and modelling, in file order.
    pub findings: Vec<Finding>,
}

impl Analysis {
    /// A loaded file.
    pub fn source(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    /// Where the init script is in load order: last.
    pub fn script_id(&self) -> FileId {
        FileId::new(self.files.len().saturating_sub(1))
    }

    /// The init script.
    pub fn script(&self) -> &SourceFile {
        self.files.last().expect("a service has its script")
    }

    /// Drops what only consumers of one script at a time read (the syntax trees and the final
    /// variables): they are most of a batch's memory.
    pub fn drop_working_state(&mut self) {
        self.scripts = Vec::new();
        self.service.variables = Default::default();
    }

    /// The init script's syntax tree, if it parsed.
    pub fn script_ast(&self) -> Option<&crate::shell::ast::Script> {
        self.scripts.last().and_then(|s| s.as_ref())
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
    let mut sources = Vec::new();
    let mut roles = Vec::new();
    let mut scripts = Vec::new();
    for (i, (role, src)) in files.files.iter().enumerate() {
        let out = shared.parse(src);
        for e in out.errors {
            findings.push(Finding::new(Some(src.clone()), e));
        }
        let mut script = out.script;
        if let Some((_, at)) = files.not_utf8.iter().find(|(f, _)| *f == i) {
            findings.push(Finding::new(Some(src.clone()), ParseError::NotUtf8 { span: (*at, 0).into() }));
            script = None;
        }
        if *role == FileRole::Script && !crate::openrc::service_files::is_openrc_script(src.text()) {
            let end = src.text().find('\n').unwrap_or(src.text().len());
            findings.push(Finding::new(Some(src.clone()), NotOpenrcRun { span: (0, end).into() }));
            script = None;
        }
        scripts.push(script);
        sources.push(src.clone());
        roles.push(*role);
    }
    let loaded =
        roles.iter().zip(&scripts).map(|(role, script)| LoadedFile { role: *role, script: script.as_ref() }).collect();
    let inputs = ServiceInputs {
        svcname: files.svcname.clone(),
        service_path: files.service_path.clone(),
        files: loaded,
        runlevel_confd: files.runlevel_confd.clone(),
    };
    let service = model::build(&inputs, options);
    for d in &service.diagnostics {
        let src = sources.get(d.file.index()).cloned();
        findings.push(Finding::new(src, d.error.clone()));
    }
    let parsed = scripts.iter().all(Option::is_some);
    Analysis { files: sources, roles, scripts, parsed, private: files.private, service, findings }
}
