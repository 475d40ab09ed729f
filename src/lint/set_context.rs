//! What the rules about a whole set see: every service, and who provides each name.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use crate::core::diagnostic::Finding;
use crate::core::source::{FileId, SourceFile};
use crate::model::analysis::Analysis;
use miette::SourceSpan;

use crate::model::{Dependencies, DependencySite, Loc};

use super::LintError;

/// One provider of a name: a service, and where it says `provide` (none for its own name).
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// Index of the service in the set.
    pub service: usize,
    /// The `provide` call, if the name is a virtual.
    pub site: Option<Loc>,
}

/// What the set rules read of one service, kept for the whole run once its analysis is dropped:
/// its name, its files (for a finding's excerpt) and what its `depend()` declares.
#[derive(Debug, Clone, Default)]
pub struct SetMember {
    /// The service name.
    pub name: String,
    /// Its loaded files, in load order (texts shared with the analysis, not copied).
    pub files: Vec<SourceFile>,
    /// What its `depend()` declares.
    pub dependencies: Dependencies,
}

impl SetMember {
    /// What the set rules need of an analysed service.
    pub fn of(analysis: &Analysis) -> Self {
        SetMember {
            name: analysis.service.name.clone(),
            files: analysis.files.iter().map(|f| f.source.clone()).collect(),
            dependencies: analysis.service.dependencies.clone(),
        }
    }

    /// A loaded file, if `id` is one.
    pub fn find_source(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.index())
    }
}

/// A set of services as the set rules see it.
pub struct SetContext<'a> {
    /// The services, sorted by name.
    pub services: Vec<&'a SetMember>,
    /// Who provides each name, made on first use (`providers`): the cycle rule, which runs on a
    /// thread of its own beside the others, never asks.
    providers: OnceLock<BTreeMap<&'a str, Vec<Provider>>>,
}

impl<'a> SetContext<'a> {
    /// A set, to be indexed as the rules ask.
    pub fn new(services: Vec<&'a SetMember>) -> Self {
        SetContext { services, providers: OnceLock::new() }
    }

    /// Who provides each name: every service provides its own name, plus its `provide`s.
    pub fn providers(&self) -> &BTreeMap<&'a str, Vec<Provider>> {
        self.providers.get_or_init(|| Self::index_providers(&self.services))
    }

    fn index_providers(services: &[&'a SetMember]) -> BTreeMap<&'a str, Vec<Provider>> {
        let mut providers: BTreeMap<&'a str, Vec<Provider>> = BTreeMap::new();
        for (i, a) in services.iter().enumerate() {
            providers.entry(a.name.as_str()).or_default().push(Provider { service: i, site: None });
            for DependencySite { kind, name, loc } in &a.dependencies.sites {
                if kind == "provide" {
                    let list = providers.entry(name.as_str()).or_default();
                    // A service's sites come together: its own entry, if any, is the last.
                    if list.last().is_none_or(|p| p.service != i) {
                        list.push(Provider { service: i, site: Some(*loc) });
                    }
                }
            }
        }
        providers
    }

    /// The services that provide a name.
    pub fn providers_of(&self, name: &str) -> &[Provider] {
        self.providers().get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A finding about a file of a service.
    pub fn finding(&self, service: usize, loc: Loc, error: LintError) -> Finding {
        Finding::new(self.services[service].find_source(loc.file).cloned(), error)
    }

    /// The smallest span for a name in a declaration: the word itself when the declaration
    /// (`need a b`) spells it once, else the whole declaration (a name built from variables).
    pub fn name_span(&self, service: usize, loc: Loc, name: &str) -> SourceSpan {
        let Some(file) = self.services[service].find_source(loc.file) else { return loc.span.into() };
        let Some(text) = file.text().get(loc.span.start..loc.span.end) else { return loc.span.into() };
        let is_word = |c: char| !(c.is_whitespace() || matches!(c, ';' | '"' | '\'' | '&' | '|'));
        let mut found = text.match_indices(name).filter(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + name.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        });
        match (found.next(), found.next()) {
            (Some((i, _)), None) => (loc.span.start + i, name.len()).into(),
            _ => loc.span.into(),
        }
    }

    /// The dependency declarations of every service whose name is known exactly:
    /// (service, kind, name, where).
    pub fn sites(&self) -> impl Iterator<Item = (usize, &'a str, &'a str, Loc)> + '_ {
        self.services.iter().enumerate().flat_map(|(i, a)| {
            let deps = &a.dependencies;
            let uncertain: HashSet<&str> = deps.uncertain.iter().map(String::as_str).collect();
            deps.sites
                .iter()
                .filter(move |s| uncertain.is_empty() || !uncertain.contains(format!("{} {}", s.kind, s.name).as_str()))
                .map(move |s| (i, s.kind.as_str(), s.name.as_str(), s.loc))
        })
    }
}

/// Whether a dependency name is a pattern or an expansion rather than a service name.
pub fn is_pattern(name: &str) -> bool {
    name.contains(['*', '?', '[', '$', '`']) || name.is_empty()
}
