//! `rc2s6 lint`: everything parsing and modelling find in a set of init scripts, plus rules that
//! know OpenRC. Each rule is one file whose documentation is its code's explanation
//! (`docs/codes/lint/<name>.md`, also printed by `rc2s6 explain`), with cases that must and must
//! not fire in `testdata/lint/<name>/`.
//!
//! Per-service rules run on the thread that analysed the service; rules about the whole set
//! (dependencies, provides) run once at the end. Then in-file `# rc2s6: allow=CODE` comments and
//! `--deny/--warn/--allow` decide what remains and how serious it is.

mod allow_comment;
mod context;
pub mod error;
mod levels;
mod set_context;
mod syntax;
mod tree_rules;

mod arithmetic_increment;
mod background_with_args_background;
mod background_without_pidfile;
mod crlf_line_ending;
mod dangling_flag;
mod dependency_cycle;
mod dollar_at_in_string;
mod duplicate_provide;
mod legacy_s6_variable;
mod need_not_provided;
mod non_posix_syntax;
mod pidfile_signal_under_supervisor;
mod read_file_substitution;
mod readiness_never_signalled;
mod redirection_order;
mod relative_command;
mod runscript_shebang;
mod supervisor_bypassed;
mod systemd_variable;
mod test_and_or;
mod use_not_provided;
mod variable_typo;

use std::collections::{BTreeMap, BTreeSet};

pub use crate::openrc::system_services::SYSTEM_SERVICES;
pub use allow_comment::FileAllows;
pub use context::ServiceContext;
pub use error::LintError;
pub use levels::Levels;
pub use set_context::{SetContext, SetMember};

use crate::core::diagnostic::{Finding, Registry, Severity};
use crate::model::analysis::Analysis;
use crate::openrc::version::OpenrcVersion;

/// A rule about one service.
type ServiceRule = fn(&ServiceContext, &mut Vec<Finding>);

/// A rule about the whole set.
type SetRule = fn(&SetContext, &mut Vec<Finding>);

/// Every per-service rule. The rules that look at shell constructs wherever they are
/// (arithmetic_increment, dollar_at_in_string, read_file_substitution, redirection_order,
/// systemd_variable, test_and_or) run together over one walk of each tree: `tree_rules::check`.
const SERVICE_RULES: &[ServiceRule] = &[
    tree_rules::check,
    background_with_args_background::check,
    background_without_pidfile::check,
    crlf_line_ending::check,
    dangling_flag::check,
    legacy_s6_variable::check,
    non_posix_syntax::check,
    pidfile_signal_under_supervisor::check,
    readiness_never_signalled::check,
    relative_command::check,
    runscript_shebang::check,
    supervisor_bypassed::check,
    variable_typo::check,
];

/// Every rule about the set.
const SET_RULES: &[SetRule] =
    &[dependency_cycle::check, duplicate_provide::check, need_not_provided::check, use_not_provided::check];

/// What a lint run needs to know.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// The OpenRC the scripts are for.
    pub target: OpenrcVersion,
    /// `--deny/--warn/--allow`.
    pub levels: Levels,
    /// The codes `# rc2s6: allow=` comments may name: every code of rc2s6
    /// (`crate::codes::registry()`), which lint, below the phases that define some of them,
    /// receives from its caller.
    pub codes: &'static Registry,
}

/// What linting one service found, computed on the thread that analysed it: all a lint run keeps
/// of a service once its analysis is dropped.
#[derive(Debug, Clone, Default)]
pub struct ServiceLint {
    /// What the rules about the set read of the service.
    pub member: SetMember,
    /// The analysis's findings (parsing and modelling), then the rules'.
    pub findings: Vec<Finding>,
    /// The allow comments of each of the service's files, by file name.
    pub allows: Vec<(String, FileAllows)>,
}

/// Runs the per-service rules and reads the allow comments of one analysed service.
pub fn lint_service(analysis: &Analysis, opts: &LintOptions) -> ServiceLint {
    let cx = ServiceContext::new(analysis, &opts.target);
    let mut findings = analysis.findings.clone();
    for rule in SERVICE_RULES {
        rule(&cx, &mut findings);
    }
    let allows =
        analysis.files.iter().map(|f| (f.source.name().to_string(), FileAllows::read(&f.source, opts.codes))).collect();
    ServiceLint { member: SetMember::of(analysis), findings, allows }
}

/// Everything a lint run reports, final: set rules run, allows and levels applied, duplicates
/// (from files several services load) removed, sorted by file and position.
pub fn finish(mut members: Vec<ServiceLint>, opts: &LintOptions) -> Vec<Finding> {
    let mut all: Vec<Finding> = Vec::new();
    for lint in &mut members {
        all.append(&mut lint.findings);
    }
    let cx = SetContext::new(members.iter().map(|l| &l.member).collect());
    for rule in SET_RULES {
        rule(&cx, &mut all);
    }
    let mut allows: BTreeMap<&str, &FileAllows> = BTreeMap::new();
    for lint in &members {
        for (name, a) in &lint.allows {
            allows.entry(name.as_str()).or_insert(a);
        }
    }
    for a in allows.values() {
        all.extend(a.problems.iter().cloned());
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for mut f in all {
        let pos = f.position();
        let label = f.primary_label().map(|l| (l.offset(), l.len()));
        if !seen.insert((f.file_name().to_string(), label, f.code(), f.message())) {
            continue;
        }
        let code = f.code();
        if let (Some(a), Some(p)) = (allows.get(f.file_name()), pos) {
            if a.allows(code, p.line) {
                continue;
            }
        }
        match opts.levels.severity(code, f.severity) {
            Some(s) => f.severity = s,
            None => continue,
        }
        out.push(f);
    }
    sorted(out)
}

/// The findings by file, position and code, then message: each finding's key is worked out once
/// (a comparison made it twice, copying the file name each time); the message, formatted by the
/// diagnostic, only where the rest ties. The sort is stable, as before.
fn sorted(findings: Vec<Finding>) -> Vec<Finding> {
    let keys: Vec<_> =
        findings.iter().map(|f| (f.file_name(), f.primary_label().map(|l| l.offset()), f.code())).collect();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then_with(|| findings[a].message().cmp(&findings[b].message())));
    drop(keys);
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// How many findings of each severity.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Advice))
}
