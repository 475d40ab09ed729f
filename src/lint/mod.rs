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
mod finding_order;
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

use std::collections::BTreeMap;

pub use crate::openrc::system_services::SYSTEM_SERVICES;
pub use allow_comment::FileAllows;
pub use context::ServiceContext;
pub use error::LintError;
pub use levels::Levels;
pub use set_context::{SetContext, SetMember};

use crate::core::diagnostic::{Finding, Registry, Severity};
use crate::core::source::SourceFile;
use crate::model::analysis::Analysis;
use crate::openrc::version::OpenrcVersion;
use finding_order::KeyedFindings;

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

/// The rule about the set's start order, by far the costliest of the set rules (the dependency
/// graph and its cycles): it runs on a thread of its own while the main thread sorts the
/// scripts' findings and runs the others.
const ORDER_RULE: SetRule = dependency_cycle::check;

/// The other rules about the set; their findings come after the order rule's.
const SET_RULES: &[SetRule] = &[duplicate_provide::check, need_not_provided::check, use_not_provided::check];

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
    /// The allow comments of each of the service's files that has any (or a mistaken one), by
    /// file name.
    pub allows: Vec<(String, FileAllows)>,
}

/// Runs the per-service rules and reads the allow comments of one analysed service.
pub fn lint_service(analysis: &Analysis, opts: &LintOptions) -> ServiceLint {
    let cx = ServiceContext::new(analysis, &opts.target);
    let mut findings = analysis.findings.clone();
    for rule in SERVICE_RULES {
        rule(&cx, &mut findings);
    }
    // Only the files with allow comments (or mistakes in them) are kept: the others would each
    // cost a name copied here and an entry made and dropped on the main thread, for nothing.
    let allows = (analysis.files.iter())
        .map(|f| (f.source.name().to_string(), FileAllows::read(&f.source, opts.codes)))
        .filter(|(_, a)| !a.is_empty() || !a.problems.is_empty())
        .collect();
    // Every finding's position is worked out on the main thread after all services are linted
    // (allow comments, the report): the files' line starts are found here, on all cores.
    findings.iter().filter_map(|f| f.file.as_ref()).for_each(SourceFile::index_lines);
    ServiceLint { member: SetMember::of(analysis), findings, allows }
}

/// Everything a lint run reports, final: set rules run, allows and levels applied, duplicates
/// (from files several services load) removed, sorted by file and position.
pub fn finish(mut members: Vec<ServiceLint>, opts: &LintOptions) -> Vec<Finding> {
    // Sized once: grown by doubling, the findings were copied over and over on the one thread.
    let mut scripts: Vec<Finding> = Vec::with_capacity(members.iter().map(|l| l.findings.len()).sum());
    let mut allows: BTreeMap<String, FileAllows> = BTreeMap::new();
    for lint in &mut members {
        scripts.append(&mut lint.findings);
        for (name, a) in lint.allows.drain(..) {
            allows.entry(name).or_insert(a);
        }
    }
    // Once the workers are done this is all that is left, on the two threads below: the order
    // rule on one, and on this one the scripts' own findings sorted, then the other set rules.
    let cx = SetContext::new(members.iter().map(|l| &l.member).collect());
    let out = std::thread::scope(|s| {
        let order_rule = s.spawn(|| {
            let mut found = Vec::new();
            ORDER_RULE(&cx, &mut found);
            found
        });
        let scripts_keyed = KeyedFindings::new(&scripts);
        let script_order = scripts_keyed.sorted();
        let mut others = Vec::new();
        for rule in SET_RULES {
            rule(&cx, &mut others);
        }
        let mut rest = order_rule.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        rest.append(&mut others);
        for a in allows.values() {
            rest.extend(a.problems.iter().cloned());
        }
        let rest_keyed = KeyedFindings::new(&rest);
        // The scripts' keys and the messages their sort formatted serve the merge too.
        let kept = finding_order::merged_once(&scripts_keyed, &script_order, &rest_keyed, &rest_keyed.sorted());
        let mut out = Vec::with_capacity(kept.len());
        for mut f in finding_order::take([scripts, rest], kept) {
            let code = f.code();
            // A position is worked out only where the file has allow comments to match it against.
            if let Some(a) = allows.get(f.file_name()).filter(|a| !a.is_empty()) {
                if f.position().is_some_and(|p| a.allows(code, p.line)) {
                    continue;
                }
            }
            match opts.levels.severity(code, f.severity) {
                Some(s) => f.severity = s,
                None => continue,
            }
            out.push(f);
        }
        out
    });
    drop(cx);
    // What the set rules read is freed on a thread of its own that nothing waits for: freeing
    // every service's names, declarations and file texts (3.2M instructions over the corpus) here
    // would hold up the report, and a run that ends first has nothing to lose. If no thread can
    // be made, the closure and the members with it are dropped here.
    let _ = std::thread::Builder::new().spawn(move || drop(members));
    out
}

/// How many findings of each severity.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Advice))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// What `finish` did before: the first of each (file, label, code, message) kept in the
    /// order given, then sorted by key and message.
    fn dedup_then_sort(findings: Vec<Finding>) -> Vec<Finding> {
        let mut seen = BTreeSet::new();
        let mut unique: Vec<Finding> = findings
            .into_iter()
            .filter(|f| {
                let label = f.primary_label().map(|l| (l.offset(), l.len()));
                seen.insert((f.file_name().to_string(), label, f.code(), f.message()))
            })
            .collect();
        unique.sort_by(|a, b| {
            let key = |f: &Finding| (f.file_name().to_string(), f.primary_label().map(|l| l.offset()), f.code());
            key(a).cmp(&key(b)).then_with(|| a.message().cmp(&b.message()))
        });
        unique
    }

    /// File name, label, code, message and severity.
    type Seen = (String, Option<(usize, usize)>, String, String, String);

    /// Each finding as the fields the order and the repeats depend on, and its severity (which
    /// tells repeats apart: the first is kept).
    fn seen(findings: &[Finding]) -> Vec<Seen> {
        findings
            .iter()
            .map(|f| {
                let label = f.primary_label().map(|l| (l.offset(), l.len()));
                (f.file_name().to_string(), label, f.code().to_string(), f.message(), f.severity.to_string())
            })
            .collect()
    }

    #[test]
    fn the_merged_groups_keep_what_removing_repeats_then_sorting_kept() {
        let files = [SourceFile::new("b", "x".repeat(64)), SourceFile::new("a", "y".repeat(64))];
        let mut findings = Vec::new();
        // Offsets, lengths and texts chosen to tie on every part of the key in turn: the same
        // finding several times, the same place with another length or text, another code.
        for round in 0..3 {
            for (k, file) in files.iter().enumerate() {
                for (at, len, text) in [(9, 2, "f"), (3, 1, "g"), (9, 5, "f"), (9, 2, "e"), (3, 1, "g"), (0, 0, "h")] {
                    let span = (at, len).into();
                    let e = if (round + k) % 2 == 0 {
                        LintError::ReadFileSubstitution { file: text.to_string(), span }
                    } else {
                        LintError::DollarAtInString { span }
                    };
                    let mut f = Finding::new(Some(file.clone()), e);
                    f.severity = [Severity::Error, Severity::Warning, Severity::Advice][round];
                    findings.push(f);
                }
            }
        }
        let expected = dedup_then_sort(findings.clone());
        // `finish` sorts the scripts' findings apart from the rest and merges them: any split
        // of the list into a first and a second group gives the same.
        for split in 0..=findings.len() {
            let (first, second) = (findings[..split].to_vec(), findings[split..].to_vec());
            let kept = {
                let (g, h) = (KeyedFindings::new(&first), KeyedFindings::new(&second));
                finding_order::merged_once(&g, &g.sorted(), &h, &h.sorted())
            };
            let got = finding_order::take([first, second], kept);
            assert_eq!(seen(&got), seen(&expected), "split at {split}");
            assert!(got.len() < 36 && got.len() > 4, "{} findings kept", got.len());
        }
    }
}
