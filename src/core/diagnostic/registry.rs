//! A set of codes and the lookups of what users type for one: `rc2s6 explain CODE`,
//! `--deny/--warn/--allow CODE` and `# rc2s6: allow=CODE` accept the full name, the part after
//! `rc2s6::`, or the name alone when only one phase has it. The set of every code rc2s6 has is
//! assembled above all the phases that define them (`crate::codes`); core only knows the shape.

use std::fmt::Write as _;

use super::Code;
use crate::core::did_you_mean;

/// Codes sorted by name.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    codes: Vec<&'static Code>,
}

impl Registry {
    /// The codes of these lists, sorted by name.
    pub fn new(lists: &[&[&'static Code]]) -> Registry {
        let mut codes: Vec<&'static Code> = lists.iter().flat_map(|l| l.iter().copied()).collect();
        codes.sort();
        Registry { codes }
    }

    /// Every code, sorted by name.
    pub fn codes(&self) -> impl Iterator<Item = &'static Code> + '_ {
        self.codes.iter().copied()
    }

    /// Resolves what a user typed to a code: the full name, or the part after `rc2s6::`, or just
    /// the name when only one phase has it.
    pub fn resolve(&self, given: &str) -> Option<&'static Code> {
        let given = given.trim();
        if let Some(c) = self.codes().find(|c| c.name() == given) {
            return Some(c);
        }
        if let Some(c) = self.codes().find(|c| c.name().strip_prefix("rc2s6::") == Some(given)) {
            return Some(c);
        }
        let mut by_name = self.codes().filter(|c| c.short_name() == given);
        match (by_name.next(), by_name.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    /// Codes close to what the user typed, best first, at most three.
    pub fn suggestions(&self, given: &str) -> Vec<&'static Code> {
        let given = given.trim();
        let short = given.rsplit("::").next().unwrap_or(given);
        let mut scored: Vec<(usize, &'static Code)> = self
            .codes()
            .filter_map(|c| {
                let name = c.short_name();
                let d = did_you_mean::distance(given, c.name()).min(did_you_mean::distance(short, name));
                (d <= did_you_mean::threshold(name) || (short.len() >= 4 && name.contains(short))).then_some((d, c))
            })
            .collect();
        scored.sort();
        scored.into_iter().map(|(_, c)| c).take(3).collect()
    }

    /// The phases, sorted, each once.
    pub fn phases(&self) -> Vec<&'static str> {
        let mut phases: Vec<&'static str> = self.codes().map(Code::phase).collect();
        phases.dedup();
        phases
    }

    /// The phase a user named (`model` or `rc2s6::model`), as the registry spells it.
    pub fn phase(&self, given: &str) -> Option<&'static str> {
        let given = given.strip_prefix("rc2s6::").unwrap_or(given);
        self.phases().into_iter().find(|p| *p == given)
    }

    /// The README's table of codes: one row per code with its summary.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| code | summary |\n|---|---|\n");
        for c in self.codes() {
            let _ = writeln!(out, "| `{c}` | {} |", c.summary());
        }
        out
    }
}
