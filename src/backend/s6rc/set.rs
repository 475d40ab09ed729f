//! The set of services as one s6-rc source tree: `dependencies.d/` from `depend()`, a bundle per
//! virtual name and per runlevel, and the errors that must stop a service before anything is
//! written (s6-rc-compile refuses a whole tree for one undefined name or one cycle).
//!
//! - `need X`: the service's first definition depends on X's last (its `-post` oneshot, else X
//!   itself), or on the bundle of a virtual X. X must be in the tree, or declared external
//!   (`--external X`: the system brings it up before s6-rc); otherwise the service is not
//!   converted (`rc2s6::s6rc::need_unmet`), and neither is what needs it, in turn.
//! - `use`, `want`, `after X` become the same dependency when X is in the tree, and nothing when
//!   it is not (OpenRC ignores them then); `before X` makes X depend on the service. s6-rc has no
//!   ordering without requirement, so starting the service starts X too: each service's manifest
//!   record says which declarations became dependencies.
//! - `provide V`: a bundle `V` holding its one provider, or the one chosen with
//!   `--provider V=SERVICE`, or with `--runlevels` the one provider in a runlevel (what OpenRC's
//!   librc-depend.c `get_provided` picks when starting). Several and none chosen: no bundle,
//!   `rc2s6::s6rc::several_providers` at each `provide`.
//! - A cycle among the dependencies: every service on it is not converted
//!   (`rc2s6::s6rc::dependency_cycle`).
//! - `keyword -stop` (OpenRC: never stopped on a runlevel change): `flag-essential`, which keeps
//!   `s6-rc -d change` from stopping it (s6-rc-compile.html).
//! - A runlevel directory: a bundle of its services (and of the runlevels stacked in it).

use crate::core::strongly_connected::strongly_connected;
use std::collections::{BTreeMap, BTreeSet};

use miette::SourceSpan;

use super::error::S6RcError;
use super::{S6RcOptions, S6RcService};
use crate::backend::service_dir::{GeneratedFile, ServiceDir};
use crate::core::diagnostic::Finding;
use crate::core::source::{SourceFile, Span};
use crate::model::Decision;
use crate::model::Loc;
use crate::model::analysis::Analysis;

/// One dependency declaration, as OpenRC's deptree keeps it (`dependency_graph` drops what
/// OpenRC itself cancels).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The declaring service's index in the set.
    pub service: usize,
    /// `need`, `use`, `want`, `after`, `before` or `provide`.
    pub kind: String,
    /// The name it refers to.
    pub name: String,
    /// Where it is declared.
    pub loc: Loc,
    /// Declared only under a condition rc2s6 could not decide.
    pub conditional: bool,
    /// The name could not be known exactly.
    pub uncertain: bool,
}

/// One runlevel: its name, its listing (one entry per line, for diagnostics) and its entries.
#[derive(Debug, Clone)]
pub struct Runlevel {
    /// The directory's name.
    pub name: String,
    /// The listing the entries' spans point into.
    pub listing: SourceFile,
    /// Its entries, sorted by name.
    pub entries: Vec<RunlevelEntry>,
}

/// One entry of a runlevel directory.
#[derive(Debug, Clone)]
pub struct RunlevelEntry {
    /// The service (or stacked runlevel) name.
    pub name: String,
    /// Where it is in the listing.
    pub span: Span,
    /// A stacked runlevel (a directory), not a service.
    pub stacked: bool,
}

/// One service of the set.
#[derive(Debug)]
pub struct Member<'a> {
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// Its definitions, `None` when it is not converted (or stops being, here).
    pub service: Option<S6RcService>,
    /// What the set step found about it.
    pub findings: Vec<Finding>,
}

/// A bundle the set step makes.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// Its definition.
    pub dir: ServiceDir,
    /// `virtual` or `runlevel`.
    pub kind: &'static str,
    /// Why it holds what it holds.
    pub decisions: Vec<Decision>,
}

/// What the set step adds besides the members' definitions.
#[derive(Debug, Default)]
pub struct SetOutput {
    /// The bundles, sorted by name.
    pub bundles: Vec<Bundle>,
    /// Findings about no service in particular (an option, a runlevel).
    pub findings: Vec<Finding>,
}

/// Who provides a virtual name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    /// This one, for this reason.
    Chosen(usize, String),
    /// Several, none chosen.
    Several(Vec<usize>),
    /// Its providers are not converted.
    Gone(Vec<usize>),
}

/// What a declaration's name stands for in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A converted service.
    Service(usize),
    /// A virtual name with its chosen provider.
    Virtual(usize),
    /// Brought up outside s6-rc.
    External,
    /// A pattern (`after *`), which names every script of OpenRC's init.d.
    Pattern,
    /// Not in the tree: why, and what to do.
    Missing(String, String),
}

/// Resolves the set: dependencies, bundles, and the services that cannot be part of the tree.
pub fn resolve(
    members: &mut [Member<'_>],
    declarations: &[Declaration],
    runlevels: &[Runlevel],
    opts: &S6RcOptions,
) -> SetOutput {
    let mut out = SetOutput::default();
    let names: BTreeMap<String, usize> =
        members.iter().enumerate().map(|(i, m)| (m.analysis.service.name.clone(), i)).rev().collect();
    let taken = claim_derived_names(members, &names);
    let provides = virtuals(members, declarations, &names, &taken);
    check_provider_options(members, &provides, opts, &mut out);
    let in_runlevel: BTreeSet<&str> =
        runlevels.iter().flat_map(|r| r.entries.iter().filter(|e| !e.stacked).map(|e| e.name.as_str())).collect();
    let mut choices;
    loop {
        let active: Vec<bool> = members.iter().map(|m| m.service.is_some()).collect();
        choices = choose(members, &provides, &active, opts, &in_runlevel);
        let refused = {
            let cx = Resolver { members: &*members, names: &names, choices: &choices, active: &active, opts };
            let unmet = unmet_needs(declarations, &cx);
            if unmet.is_empty() { cycles(declarations, &cx) } else { unmet }
        };
        if refused.is_empty() {
            break;
        }
        for (i, findings) in refused {
            refuse(&mut members[i], findings);
        }
    }
    let active: Vec<bool> = members.iter().map(|m| m.service.is_some()).collect();
    let cx = Resolver { members: &*members, names: &names, choices: &choices, active: &active, opts };
    let edges = dependency_files(declarations, &cx);
    let notes = dependency_notes(declarations, &cx);
    let dropped = dropped_dependencies(declarations, &cx);
    for (i, (dir, on)) in edges {
        if let Some(s) = members[i].service.as_mut() {
            s.add_file(&dir, format!("dependencies.d/{on}"));
        }
    }
    for (i, note) in notes {
        if let Some(s) = members[i].service.as_mut() {
            s.decisions.push(Decision { topic: "s6-rc dependencies".into(), choice: note, loc: None });
        }
    }
    for (i, finding) in dropped {
        members[i].findings.push(finding);
    }
    keywords(members);
    several_providers(members, &provides, &choices);
    out.bundles.extend(virtual_bundles(members, &choices));
    let bundle_names: BTreeSet<String> = out.bundles.iter().map(|b| b.dir.name.clone()).collect();
    out.bundles.extend(runlevel_bundles(members, runlevels, &names, &taken, &bundle_names, opts, &mut out.findings));
    out.bundles.sort_by(|a, b| a.dir.name.cmp(&b.dir.name));
    out
}

/// Takes a service out of the tree with these findings.
fn refuse(member: &mut Member<'_>, findings: Vec<Finding>) {
    member.service = None;
    member.findings.extend(findings);
}

/// A finding located in one of a member's files.
fn finding(member: &Member<'_>, loc: Loc, error: S6RcError) -> Finding {
    Finding::new(member.analysis.find_source(loc.file).cloned(), error)
}

/// The script's first line.
fn head(member: &Member<'_>) -> (Loc, SourceSpan) {
    let a = member.analysis;
    let text = a.script().text();
    let span = Span::new(0, text.find('\n').unwrap_or(text.len()));
    (Loc { file: a.script_id(), span }, span.into())
}

/// Every name a definition or bundle of the tree takes, with whose it is; a service whose
/// logger, oneshots or pipeline bundle would take another service's name is not converted.
fn claim_derived_names(members: &mut [Member<'_>], names: &BTreeMap<String, usize>) -> BTreeMap<String, String> {
    let mut taken: BTreeMap<String, String> = names.keys().map(|n| (n.clone(), format!("the service `{n}`"))).collect();
    for member in members.iter_mut() {
        let Some(s) = &member.service else { continue };
        let derived = s.derived_names();
        let clash = derived.iter().find_map(|(n, role)| taken.get(n).map(|other| (n.clone(), *role, other.clone())));
        match clash {
            Some((name, role, other)) => {
                let (loc, span) = head(member);
                let service = member.analysis.service.name.clone();
                let f = finding(member, loc, S6RcError::NameTaken { service, role: role.into(), name, other, span });
                refuse(member, vec![f]);
            }
            None => {
                let service = &member.analysis.service.name;
                for (n, role) in derived {
                    taken.insert(n, format!("the {role} of `{service}`"));
                }
            }
        }
    }
    taken
}

/// The providers of each virtual name, with where each says so. A `provide` of a service's own
/// name (which OpenRC refuses, and lint reports) or of another definition's name is left out.
fn virtuals(
    members: &mut [Member<'_>],
    declarations: &[Declaration],
    names: &BTreeMap<String, usize>,
    taken: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<(usize, Loc)>> {
    let mut provides: BTreeMap<String, Vec<(usize, Loc)>> = BTreeMap::new();
    for d in declarations.iter().filter(|d| d.kind == "provide") {
        if d.uncertain || members[d.service].service.is_none() {
            continue;
        }
        // The bundle would be named after it: a name s6-rc-compile refuses (or that cannot be a
        // directory) would make the whole tree unusable.
        if let Some(why) = super::invalid_name(&d.name) {
            let m = &members[d.service];
            let error = S6RcError::DependencyDropped {
                kind: d.kind.clone(),
                name: d.name.clone(),
                why: format!("cannot name an s6-rc bundle: {why}"),
                outcome: format!("no `{}` bundle is made", d.name),
                help: "provide a plain name (letters, digits, `_`, `-`, `.`), and need it by that name".into(),
                span: name_span(m.analysis, d.loc, &d.name),
            };
            let f = finding(m, d.loc, error);
            members[d.service].findings.push(f);
            continue;
        }
        if names.contains_key(&d.name) || taken.contains_key(&d.name) {
            if let Some(s) = members[d.service].service.as_mut() {
                s.decisions.push(Decision {
                    topic: "s6-rc dependencies".into(),
                    choice: format!(
                        "`provide {}` left out: the name is {}, and s6-rc has one definition per name",
                        d.name,
                        taken.get(&d.name).cloned().unwrap_or_default()
                    ),
                    loc: Some(d.loc),
                });
            }
            continue;
        }
        let list = provides.entry(d.name.clone()).or_default();
        if !list.iter().any(|(i, _)| *i == d.service) {
            list.push((d.service, d.loc));
        }
    }
    provides
}

/// Every `--provider NAME=SERVICE` must name a service of the tree that provides NAME.
fn check_provider_options(
    members: &[Member<'_>],
    provides: &BTreeMap<String, Vec<(usize, Loc)>>,
    opts: &S6RcOptions,
    out: &mut SetOutput,
) {
    for (name, service) in &opts.providers {
        let providers = provides.get(name).map(Vec::as_slice).unwrap_or(&[]);
        if providers.iter().any(|(i, _)| members[*i].analysis.service.name == *service) {
            continue;
        }
        let list = quoted(providers.iter().map(|(i, _)| members[*i].analysis.service.name.as_str()));
        let (why, help) = if providers.is_empty() {
            (format!("no service of the tree provides `{name}`"), "leave this --provider out".to_string())
        } else {
            (format!("`{service}` does not provide `{name}`"), format!("choose one of {list}"))
        };
        out.findings.push(Finding::new(
            None,
            S6RcError::ProviderChoice { name: name.clone(), service: service.clone(), why, help },
        ));
    }
}

/// Who provides each virtual name among the services still in the tree.
fn choose(
    members: &[Member<'_>],
    provides: &BTreeMap<String, Vec<(usize, Loc)>>,
    active: &[bool],
    opts: &S6RcOptions,
    in_runlevel: &BTreeSet<&str>,
) -> BTreeMap<String, Choice> {
    let name = |i: usize| members[i].analysis.service.name.as_str();
    let mut out = BTreeMap::new();
    for (v, list) in provides {
        let all: Vec<usize> = list.iter().map(|(i, _)| *i).collect();
        let live: Vec<usize> = all.iter().copied().filter(|i| active[*i]).collect();
        let picked = opts.providers.get(v).and_then(|s| live.iter().copied().find(|i| name(*i) == s));
        let choice = match (picked, live.as_slice()) {
            (Some(i), _) => Choice::Chosen(i, format!("`{}` chosen with --provider {v}={}", name(i), name(i))),
            (None, []) => Choice::Gone(all),
            (None, [i]) if all.len() == 1 => Choice::Chosen(*i, format!("`{}` is the only provider", name(*i))),
            (None, [i]) => Choice::Chosen(
                *i,
                format!("`{}` is the only provider converted (of {})", name(*i), quoted(all.iter().map(|j| name(*j)))),
            ),
            (None, several) => {
                let listed: Vec<usize> = several.iter().copied().filter(|i| in_runlevel.contains(name(*i))).collect();
                match listed.as_slice() {
                    [i] => Choice::Chosen(
                        *i,
                        format!(
                            "`{}` is the one provider in a runlevel, which OpenRC prefers when starting (librc-depend.c, get_provided); also provided by {}",
                            name(*i),
                            quoted(several.iter().filter(|j| *j != i).map(|j| name(*j)))
                        ),
                    ),
                    _ => Choice::Several(several.to_vec()),
                }
            }
        };
        out.insert(v.clone(), choice);
    }
    out
}

/// Everything resolution reads.
struct Resolver<'a, 'm> {
    members: &'a [Member<'m>],
    names: &'a BTreeMap<String, usize>,
    choices: &'a BTreeMap<String, Choice>,
    active: &'a [bool],
    opts: &'a S6RcOptions,
}

impl Resolver<'_, '_> {
    fn name(&self, i: usize) -> &str {
        &self.members[i].analysis.service.name
    }

    /// What a declared name stands for: a service or virtual name of the tree, else a name
    /// brought up outside s6-rc (`--external`), else nothing the tree can depend on.
    fn target(&self, name: &str) -> Target {
        if name.is_empty() || name.contains(['*', '?', '[']) {
            return Target::Pattern;
        }
        let service = self.names.get(name).copied();
        if let Some(j) = service.filter(|j| self.active[*j]) {
            return Target::Service(j);
        }
        if let Some(Choice::Chosen(j, _)) = self.choices.get(name) {
            return Target::Virtual(*j);
        }
        if self.opts.external.contains(name) {
            return Target::External;
        }
        if service.is_some() {
            return Target::Missing(
                "which is not converted".into(),
                format!(
                    "see the diagnostics about `{name}`; once it converts, this service does too (or, if the system brings it up outside s6-rc, say so with `--external {name}`)"
                ),
            );
        }
        match self.choices.get(name) {
            Some(Choice::Several(list)) => Target::Missing(
                format!("which {} provide, and none was chosen", quoted(list.iter().map(|j| self.name(*j)))),
                format!("choose one with `--provider {name}=SERVICE`"),
            ),
            Some(Choice::Gone(list)) => Target::Missing(
                format!("whose providers ({}) are not converted", quoted(list.iter().map(|j| self.name(*j)))),
                "see their diagnostics; once one converts, this service does too".into(),
            ),
            _ => Target::Missing(
                "which no script given provides".into(),
                format!(
                    "give the init script that provides `{name}` too, or, when the system brings it up before s6-rc starts (mounts, network set up by the init), say so with `--external {name}`"
                ),
            ),
        }
    }

    /// The definition a dependency on this target names, and the service it belongs to.
    fn unit(&self, name: &str, target: &Target) -> Option<(usize, String)> {
        match target {
            Target::Service(j) => Some((*j, self.handle(*j))),
            Target::Virtual(j) => Some((*j, name.to_string())),
            _ => None,
        }
    }

    fn handle(&self, i: usize) -> String {
        self.members[i].service.as_ref().map(|s| s.handle.clone()).unwrap_or_default()
    }

    fn entry(&self, i: usize) -> String {
        self.members[i].service.as_ref().map(|s| s.entry.clone()).unwrap_or_default()
    }
}

const ORDERING: &[&str] = &["need", "use", "want", "after", "before"];

/// How many declarations a cycle's message lists before it says how many more there are.
const CYCLE_WORDS: usize = 12;

/// The converted services whose certain `need` names nothing in the tree, with why.
fn unmet_needs(declarations: &[Declaration], cx: &Resolver<'_, '_>) -> BTreeMap<usize, Vec<Finding>> {
    let mut refused: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    for d in declarations {
        if d.kind != "need" || !cx.active[d.service] || d.conditional || d.uncertain {
            continue;
        }
        if let Target::Missing(why, help) = cx.target(&d.name) {
            let m = &cx.members[d.service];
            let error = S6RcError::NeedUnmet {
                service: m.analysis.service.name.clone(),
                name: d.name.clone(),
                why,
                help,
                span: name_span(m.analysis, d.loc, &d.name),
            };
            refused.entry(d.service).or_default().push(finding(m, d.loc, error));
        }
    }
    refused
}

/// The dependency edges between converted services: (waits, for, declaration).
fn edges(declarations: &[Declaration], cx: &Resolver<'_, '_>) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (k, d) in declarations.iter().enumerate() {
        if !ORDERING.contains(&d.kind.as_str()) || !cx.active[d.service] {
            continue;
        }
        let j = match cx.target(&d.name) {
            Target::Service(j) | Target::Virtual(j) => j,
            _ => continue,
        };
        if j == d.service {
            continue;
        }
        let (from, to) = if d.kind == "before" { (j, d.service) } else { (d.service, j) };
        out.push((from, to, k));
    }
    out
}

/// Every service on a dependency cycle, with the declarations that make it.
fn cycles(declarations: &[Declaration], cx: &Resolver<'_, '_>) -> BTreeMap<usize, Vec<Finding>> {
    let edges = edges(declarations, cx);
    let n = cx.members.len();
    let mut adjacent = vec![Vec::new(); n];
    for (from, to, _) in &edges {
        adjacent[*from].push(*to);
    }
    let mut refused: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    for mut component in strongly_connected(&adjacent, |&w| w) {
        component.sort_unstable();
        if component.len() < 2 {
            continue;
        }
        let inside: BTreeSet<usize> = component.iter().copied().collect();
        let on_cycle: Vec<&(usize, usize, usize)> =
            edges.iter().filter(|(f, t, _)| inside.contains(f) && inside.contains(t)).collect();
        let words = |k: usize| {
            let d = &declarations[k];
            format!("`{}` {} `{}`", cx.name(d.service), verb(&d.kind), d.name)
        };
        let all: Vec<String> = on_cycle.iter().map(|(_, _, k)| words(*k)).collect();
        let cycle = if all.len() > CYCLE_WORDS {
            format!("{}, and {} more", all[..CYCLE_WORDS].join(", "), all.len() - CYCLE_WORDS)
        } else {
            all.join(", ")
        };
        for (_, _, k) in &on_cycle {
            let d = &declarations[*k];
            let m = &cx.members[d.service];
            let error = S6RcError::DependencyCycle {
                cycle: cycle.clone(),
                edge: words(*k),
                span: name_span(m.analysis, d.loc, &d.name),
            };
            refused.entry(d.service).or_default().push(finding(m, d.loc, error));
        }
        // A service on the cycle only through what others declare (`before` it) is told so at
        // its first line, naming the declaration.
        for i in component {
            let list = refused.entry(i).or_default();
            if list.is_empty() {
                let k = on_cycle.iter().find(|(f, t, _)| *f == i || *t == i).map(|e| e.2).unwrap_or_default();
                let (loc, span) = head(&cx.members[i]);
                let error = S6RcError::DependencyCycle { cycle: cycle.clone(), edge: words(k), span };
                list.push(finding(&cx.members[i], loc, error));
            }
        }
    }
    refused
}

fn verb(kind: &str) -> &'static str {
    match kind {
        "need" => "needs",
        "use" => "uses",
        "want" => "wants",
        "after" => "starts after",
        _ => "starts before",
    }
}

/// The `dependencies.d` files: (service, definition, the name it depends on).
fn dependency_files(declarations: &[Declaration], cx: &Resolver<'_, '_>) -> Vec<(usize, (String, String))> {
    let mut out = BTreeSet::new();
    for d in declarations {
        if !ORDERING.contains(&d.kind.as_str()) || !cx.active[d.service] {
            continue;
        }
        let target = cx.target(&d.name);
        let Some((j, unit)) = cx.unit(&d.name, &target) else { continue };
        if j == d.service {
            continue;
        }
        if d.kind == "before" {
            out.insert((j, (cx.entry(j), cx.handle(d.service))));
        } else {
            out.insert((d.service, (cx.entry(d.service), unit)));
        }
    }
    out.into_iter().collect()
}

/// One decision per converted service saying what became of each declaration.
fn dependency_notes(declarations: &[Declaration], cx: &Resolver<'_, '_>) -> Vec<(usize, String)> {
    let mut notes: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for d in declarations {
        if !ORDERING.contains(&d.kind.as_str()) || !cx.active[d.service] || d.name == cx.name(d.service) {
            continue;
        }
        let target = cx.target(&d.name);
        let what = match (&target, d.kind.as_str()) {
            (Target::Service(_) | Target::Virtual(_), "need") => "a dependency".to_string(),
            (Target::Service(_) | Target::Virtual(_), "before") => format!(
                "`{}` depends on this service (s6-rc has no ordering without requirement: starting `{}` starts this one too)",
                d.name, d.name
            ),
            (Target::Service(_) | Target::Virtual(_), "want") => format!(
                "a dependency (s6-rc has no ordering without requirement: starting this service starts `{}` too, and does not go on if it fails, where OpenRC would)",
                d.name
            ),
            (Target::Service(_) | Target::Virtual(_), _) => format!(
                "a dependency (s6-rc has no ordering without requirement: starting this service starts `{}` too)",
                d.name
            ),
            (Target::External, _) => "left out: brought up outside s6-rc (--external)".to_string(),
            (Target::Pattern, _) => {
                "left out: a pattern orders against every script of OpenRC's init.d, which has no s6-rc equivalent"
                    .to_string()
            }
            (Target::Missing(why, _), _) => format!("left out: not in the tree ({why})"),
        };
        let cond = if d.conditional { " (declared under a condition rc2s6 cannot decide)" } else { "" };
        notes.entry(d.service).or_default().push(format!("{} {}{cond}: {what}", d.kind, d.name));
    }
    notes.into_iter().map(|(i, l)| (i, l.join("; "))).collect()
}

/// Warnings for the conditional or inexact `need`s left out.
fn dropped_dependencies(declarations: &[Declaration], cx: &Resolver<'_, '_>) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for d in declarations {
        if d.kind != "need" || !cx.active[d.service] || !(d.conditional || d.uncertain) {
            continue;
        }
        let Target::Missing(why, help) = cx.target(&d.name) else { continue };
        let m = &cx.members[d.service];
        let cause = if d.uncertain {
            "names what only the running system knows"
        } else {
            "is declared under a condition rc2s6 cannot decide"
        };
        let error = S6RcError::DependencyDropped {
            kind: d.kind.clone(),
            name: d.name.clone(),
            why: format!("{cause}, {why}"),
            outcome: "the dependency is left out".into(),
            help,
            span: name_span(m.analysis, d.loc, &d.name),
        };
        out.push((d.service, finding(m, d.loc, error)));
    }
    out
}

/// `keyword -stop`/`nostop`: never stopped by a runlevel change in OpenRC (openrc-semantics §3.4)
/// — `flag-essential` on each of the service's definitions, so `s6-rc -d change` leaves it up.
fn keywords(members: &mut [Member<'_>]) {
    for m in members.iter_mut() {
        let Some(s) = m.service.as_mut() else { continue };
        let keywords = &m.analysis.service.dependencies.keyword;
        if keywords.iter().any(|k| k == "-stop" || k == "nostop") {
            let dirs: Vec<String> = s.dirs.iter().map(|d| d.name.clone()).collect();
            for d in dirs {
                s.add_file(&d, "flag-essential".into());
            }
            s.decisions.push(Decision {
                topic: "s6-rc".into(),
                choice: "`keyword -stop`: flag-essential on each definition, so `s6-rc -d change` does not stop it (only -D does)".into(),
                loc: None,
            });
        }
        let others: Vec<&String> = keywords.iter().filter(|k| !matches!(k.as_str(), "-stop" | "nostop")).collect();
        if !others.is_empty() {
            s.decisions.push(Decision {
                topic: "s6-rc".into(),
                choice: format!(
                    "keywords {} not carried over: s6-rc has no system type to exclude services by, and stops every service at shutdown",
                    others.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ),
                loc: None,
            });
        }
    }
}

/// A warning at each provider of a virtual name several converted services provide.
fn several_providers(
    members: &mut [Member<'_>],
    provides: &BTreeMap<String, Vec<(usize, Loc)>>,
    choices: &BTreeMap<String, Choice>,
) {
    for (v, choice) in choices {
        let Choice::Several(list) = choice else { continue };
        let providers = quoted(list.iter().map(|i| members[*i].analysis.service.name.as_str()));
        for (i, loc) in provides.get(v).map(Vec::as_slice).unwrap_or(&[]) {
            if !list.contains(i) {
                continue;
            }
            let span = name_span(members[*i].analysis, *loc, v);
            let f = finding(
                &members[*i],
                *loc,
                S6RcError::SeveralProviders { name: v.clone(), providers: providers.clone(), span },
            );
            members[*i].findings.push(f);
        }
    }
}

/// One bundle per virtual name with a chosen provider.
fn virtual_bundles(members: &[Member<'_>], choices: &BTreeMap<String, Choice>) -> Vec<Bundle> {
    let mut out = Vec::new();
    for (v, choice) in choices {
        let Choice::Chosen(i, why) = choice else { continue };
        let Some(s) = &members[*i].service else { continue };
        out.push(Bundle {
            dir: bundle_dir(v, [s.handle.clone()]),
            kind: "virtual",
            decisions: vec![Decision {
                topic: "provider".into(),
                choice: format!("holds `{}`: {why}", s.handle),
                loc: None,
            }],
        });
    }
    out
}

/// A bundle definition holding `contents`. An empty bundle still needs its `contents.d`
/// directory (s6-rc-compile refuses a bundle with neither `contents.d` nor `contents`), which a
/// dot file keeps: s6-rc-compile skips names starting with `.` in it (`add_namelist`).
fn bundle_dir(name: &str, contents: impl IntoIterator<Item = String>) -> ServiceDir {
    let mut files = vec![GeneratedFile { path: "type".into(), mode: 0o644, contents: "bundle\n".into() }];
    for c in contents {
        files.push(GeneratedFile { path: format!("contents.d/{c}"), mode: 0o644, contents: String::new() });
    }
    if files.len() == 1 {
        files.push(GeneratedFile { path: "contents.d/.empty".into(), mode: 0o644, contents: String::new() });
    }
    ServiceDir::new(name, files)
}

/// One bundle per runlevel.
fn runlevel_bundles(
    members: &[Member<'_>],
    runlevels: &[Runlevel],
    names: &BTreeMap<String, usize>,
    taken: &BTreeMap<String, String>,
    bundles: &BTreeSet<String>,
    opts: &S6RcOptions,
    findings: &mut Vec<Finding>,
) -> Vec<Bundle> {
    let levels: BTreeSet<&str> = runlevels.iter().map(|r| r.name.as_str()).collect();
    // The runlevels that get a bundle: a stacked one that gets none is left out of the others.
    let made: BTreeSet<&str> = runlevels
        .iter()
        .map(|r| r.name.as_str())
        .filter(|n| super::invalid_name(n).is_none() && !taken.contains_key(*n) && !bundles.contains(*n))
        .collect();
    let mut out = Vec::new();
    for r in runlevels {
        let first_line = Span::new(0, r.listing.text().find('\n').unwrap_or(r.listing.text().len()));
        let other = taken
            .get(&r.name)
            .cloned()
            .or_else(|| bundles.contains(&r.name).then(|| format!("the virtual name `{}`", r.name)));
        if let Some(why) = super::invalid_name(&r.name) {
            findings.push(Finding::new(
                Some(r.listing.clone()),
                S6RcError::BadName {
                    name: r.name.clone(),
                    why: why.into(),
                    help: "rename the runlevel's directory; no bundle is made for it".into(),
                    span: first_line.into(),
                },
            ));
            continue;
        }
        if let Some(other) = other {
            findings.push(Finding::new(
                Some(r.listing.clone()),
                S6RcError::NameTaken {
                    service: format!("runlevel {}", r.name),
                    role: "bundle".into(),
                    name: r.name.clone(),
                    other,
                    span: first_line.into(),
                },
            ));
            continue;
        }
        let mut contents = Vec::new();
        let mut left_out = Vec::new();
        for e in &r.entries {
            let why = if e.stacked {
                if made.contains(e.name.as_str()) && e.name != r.name {
                    contents.push(e.name.clone());
                    continue;
                }
                if levels.contains(e.name.as_str()) && e.name != r.name {
                    "a stacked runlevel that gets no bundle".to_string()
                } else {
                    "a stacked runlevel rc2s6 was not given".to_string()
                }
            } else if let Some(s) = names.get(&e.name).and_then(|i| members[*i].service.as_ref()) {
                contents.push(s.handle.clone());
                continue;
            } else if opts.external.contains(&e.name) {
                left_out.push(format!("`{}` (external)", e.name));
                continue;
            } else if names.contains_key(&e.name) {
                "which is not converted".to_string()
            } else {
                "which is not among the scripts given".to_string()
            };
            findings.push(Finding::new(
                Some(r.listing.clone()),
                S6RcError::RunlevelEntry {
                    runlevel: r.name.clone(),
                    name: e.name.clone(),
                    why,
                    help: if e.stacked {
                        format!("give `--runlevels` the directory that holds runlevel `{}` too, with a name s6-rc accepts, or unstack it", e.name)
                    } else {
                        format!("convert `{}` too (give its init script), or remove it from the runlevel", e.name)
                    },
                    span: e.span.into(),
                },
            ));
            left_out.push(format!("`{}`", e.name));
        }
        let mut decisions = vec![Decision {
            topic: "runlevel".into(),
            choice: format!(
                "the services of runlevel `{}` ({} of {} entries); `s6-rc -u change {}` starts them as `openrc {}` does, without stopping others",
                r.name,
                contents.len(),
                r.entries.len(),
                r.name,
                r.name
            ),
            loc: None,
        }];
        if !left_out.is_empty() {
            decisions.push(Decision {
                topic: "runlevel".into(),
                choice: format!("left out: {}", left_out.join(", ")),
                loc: None,
            });
        }
        out.push(Bundle { dir: bundle_dir(&r.name, contents), kind: "runlevel", decisions });
    }
    out
}

/// The smallest span for a name in a declaration: the word itself when the declaration spells
/// it once, else the whole declaration.
fn name_span(analysis: &Analysis, loc: Loc, name: &str) -> SourceSpan {
    let Some(file) = analysis.find_source(loc.file) else { return loc.span.into() };
    let Some(text) = file.text().get(loc.span.start..loc.span.end) else { return loc.span.into() };
    let is_word = |c: char| !(c.is_whitespace() || matches!(c, ';' | '"' | '\'' | '&' | '|'));
    let mut found = text.match_indices(name).filter(|(i, _)| {
        let before = text[..*i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    });
    match (found.next(), found.next()) {
        (Some((i, _)), None) if !name.is_empty() => (loc.span.start + i, name.len()).into(),
        _ => loc.span.into(),
    }
}

/// Names as a list: `a`, `b`.
fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}
