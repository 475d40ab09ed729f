//! What a run over many scripts says to a person: the services that failed grouped by the code of
//! their first error, the other findings grouped by code, each group with its count and the
//! first few names, in lines that fit a terminal. Every diagnostic in full is `-v`'s.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rc2s6::core::diagnostic::{Code, Finding, Severity};

/// At most this many diagnostics are printed in full without `-v`: more, and the run prints
/// the grouped summary instead (a diagnostic in full is 6 to 12 lines).
pub const FEW: usize = 10;

/// Rows of a table of failures before the rest is counted on one line.
pub const FAILURE_ROWS: usize = 8;
/// Rows of a table of warnings and notes.
pub const OTHER_ROWS: usize = 5;

/// The width the tables are laid out for (miette's reports use the same).
const WIDTH: usize = 100;

/// One service (or migrated script) as the summary sees it.
pub struct Item<'a> {
    /// Its name.
    pub name: &'a str,
    /// Whether it failed (not converted, not migrated).
    pub failed: bool,
    /// Its findings, in the order they were found.
    pub findings: &'a [Finding],
}

/// Items that share a code: how many findings or items, and which items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The code; `None` for failures no error explains.
    pub code: Option<&'static Code>,
    /// The findings' severity.
    pub severity: Severity,
    /// How many (items for failures, findings otherwise).
    pub count: usize,
    /// The items' names, each once, in order.
    pub names: Vec<String>,
}

/// The failed items grouped by the code of their first error: the most frequent reason first.
pub fn failures(items: &[Item<'_>]) -> Vec<Group> {
    let mut groups: BTreeMap<Option<&'static Code>, Group> = BTreeMap::new();
    for item in items.iter().filter(|i| i.failed) {
        let code = item.findings.iter().find(|f| f.severity == Severity::Error).map(Finding::code);
        let g = groups.entry(code).or_insert_with(|| Group {
            code,
            severity: Severity::Error,
            count: 0,
            names: Vec::new(),
        });
        g.count += 1;
        g.names.push(item.name.to_string());
    }
    sorted(groups)
}

/// The findings that are not errors grouped by code, with the items they are about.
pub fn others(items: &[Item<'_>]) -> Vec<Group> {
    let mut groups: BTreeMap<Option<&'static Code>, Group> = BTreeMap::new();
    for item in items {
        for f in item.findings.iter().filter(|f| f.severity != Severity::Error) {
            let code = Some(f.code());
            let g =
                groups.entry(code).or_insert_with(|| Group { code, severity: f.severity, count: 0, names: Vec::new() });
            g.count += 1;
            if g.names.last().map(String::as_str) != Some(item.name) {
                g.names.push(item.name.to_string());
            }
        }
    }
    sorted(groups)
}

fn sorted(groups: BTreeMap<Option<&'static Code>, Group>) -> Vec<Group> {
    let mut v: Vec<Group> = groups.into_values().collect();
    // Warnings before notes, the most frequent first; ties in code order (the map's), so the
    // output is the same every run.
    v.sort_by(|a, b| b.severity.cmp(&a.severity).then(b.count.cmp(&a.count)));
    v
}

/// A group per line: count, code, then as many names as fit and how many more there are.
/// After `rows` lines the remaining groups are summed on one.
pub fn table(groups: &[Group], rows: usize) -> String {
    let code_width = groups.iter().take(rows).map(|g| code_name(g).len()).max().unwrap_or(0);
    let count_width = groups.iter().take(rows).map(|g| g.count.to_string().len()).max().unwrap_or(1);
    let mut out = String::new();
    for g in groups.iter().take(rows) {
        let head = format!("  {:>count_width$}  {:<code_width$}  ", g.count, code_name(g));
        let names = names_that_fit(&g.names, WIDTH.saturating_sub(head.chars().count()));
        let _ = writeln!(out, "{}", format!("{head}{names}").trim_end());
    }
    if groups.len() > rows {
        let rest = &groups[rows..];
        let count: usize = rest.iter().map(|g| g.count).sum();
        let _ = writeln!(out, "  {count:>count_width$}  more, under {} other code{}", rest.len(), plural(rest.len()));
    }
    out
}

fn code_name(g: &Group) -> &'static str {
    g.code.map(Code::name).unwrap_or("(no error reported)")
}

/// Names joined with ", " within `width` characters, ending "and N more" when some do not fit
/// (at least one name is always shown).
pub fn names_that_fit(names: &[String], width: usize) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        // A name comes from a file name: one line, no escape sequence reaching the terminal.
        let name = rc2s6::report::escape::file_name(name);
        let rest = names.len() - i - 1;
        let more = if rest > 0 { format!(", and {rest} more") } else { String::new() };
        let sep = if i == 0 { "" } else { ", " };
        if i > 0 && out.chars().count() + sep.len() + name.chars().count() + more.chars().count() > width {
            let _ = write!(out, ", and {} more", names.len() - i);
            return out;
        }
        out.push_str(sep);
        out.push_str(&name);
    }
    out
}

/// `""` for one, `"s"` otherwise.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "3 warnings and 2 notes", "1 warning", "2 notes": what [`others`] groups.
pub fn warnings_and_notes(items: &[Item<'_>]) -> String {
    let n = |s: Severity| items.iter().flat_map(|i| i.findings.iter()).filter(|f| f.severity == s).count();
    match (n(Severity::Warning), n(Severity::Advice)) {
        (w, 0) => count(w, "warning"),
        (0, a) => count(a, "note"),
        (w, a) => format!("{} and {}", count(w, "warning"), count(a, "note")),
    }
}

/// `n noun` or `n nouns`.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", plural(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("service{i}")).collect()
    }

    #[test]
    fn names_stop_before_the_width_and_say_how_many_more() {
        assert_eq!(names_that_fit(&names(1), 5), "service0");
        assert_eq!(names_that_fit(&names(2), 100), "service0, service1");
        let cut = names_that_fit(&names(40), 60);
        assert!(cut.chars().count() <= 60, "{cut}");
        assert!(cut.starts_with("service0, service1, "), "{cut}");
        let shown = cut.matches("service").count();
        assert!(cut.ends_with(&format!(", and {} more", 40 - shown)), "{cut}");
    }

    #[test]
    fn a_table_has_at_most_rows_lines_and_a_total_for_the_rest() {
        let groups: Vec<Group> = (0..12)
            .map(|i| Group { code: None, severity: Severity::Error, count: 12 - i, names: names(12 - i) })
            .collect();
        let t = table(&groups, FAILURE_ROWS);
        assert_eq!(t.lines().count(), FAILURE_ROWS + 1, "{t}");
        assert!(t.lines().all(|l| l.chars().count() <= WIDTH), "{t}");
        // 4 + 3 + 2 + 1 findings under the last four codes.
        assert!(t.ends_with("  10  more, under 4 other codes\n"), "{t}");
    }

    #[test]
    fn plurals() {
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(0, "file"), "0 files");
        assert_eq!(count(2, "file"), "2 files");
    }
}
