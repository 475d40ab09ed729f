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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::Severity;

    const TEXT: &str = "# title\n\nFirst line of the summary,\nsecond line.\n\n## What it means\n";
    static A: Code = Code::new("rc2s6::one::same_name", "one", "same_name", Severity::Error, TEXT);
    static B: Code = Code::new("rc2s6::two::same_name", "two", "same_name", Severity::Warning, TEXT);
    static C: Code = Code::new("rc2s6::two::only_here", "two", "only_here", Severity::Advice, TEXT);

    #[test]
    fn resolves_full_names_phase_names_and_unambiguous_short_names() {
        let r = Registry::new(&[&[&C, &B], &[&A]]);
        assert_eq!(r.codes().map(Code::name).collect::<Vec<_>>(), [A.name(), C.name(), B.name()]);
        for (given, expected) in [
            ("rc2s6::one::same_name", Some(&A)),
            (" two::same_name ", Some(&B)),
            ("only_here", Some(&C)),
            ("same_name", None),
            ("rc2s6::three::same_name", None),
        ] {
            assert_eq!(r.resolve(given), expected, "{given}");
        }
        assert_eq!(r.suggestions("only_hre"), [&C]);
        assert_eq!(r.phases(), ["one", "two"]);
        assert_eq!((r.phase("rc2s6::two"), r.phase("two"), r.phase("three")), (Some("two"), Some("two"), None));
    }

    #[test]
    fn the_summary_is_the_first_paragraph() {
        assert_eq!(A.summary(), "First line of the summary, second line.");
        let table = Registry::new(&[&[&A]]).markdown_table();
        assert_eq!(
            table,
            "| code | summary |\n|---|---|\n| `rc2s6::one::same_name` | First line of the summary, second line. |\n"
        );
    }
}
