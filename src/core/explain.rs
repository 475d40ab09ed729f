//! The long explanation of every diagnostic code (`rc2s6 explain CODE`): what it means, why it
//! matters, an example and the fix. Each is `docs/codes/<phase>/<name>.md`; `build.rs` gathers
//! them, so a new code's explanation is one new file.

mod table {
    include!(concat!(env!("OUT_DIR"), "/explanations.rs"));
}

use crate::core::did_you_mean;

/// Every code with an explanation, sorted.
pub fn codes() -> impl Iterator<Item = &'static str> {
    table::EXPLANATIONS.iter().map(|(c, _)| *c)
}

/// The explanation of a code, in markdown.
pub fn explanation(code: &str) -> Option<&'static str> {
    table::EXPLANATIONS.iter().find(|(c, _)| *c == code).map(|(_, e)| *e)
}

/// The one-line summary of a code: the first paragraph line after the title.
pub fn summary(code: &str) -> Option<&'static str> {
    let text = explanation(code)?;
    text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Resolves what a user typed to a code: the full code, or the part after `rc2s6::`, or just the
/// name when only one phase has it.
pub fn resolve(given: &str) -> Option<&'static str> {
    let given = given.trim();
    if let Some(c) = codes().find(|c| *c == given) {
        return Some(c);
    }
    if let Some(c) = codes().find(|c| c.strip_prefix("rc2s6::") == Some(given)) {
        return Some(c);
    }
    let mut by_name = codes().filter(|c| c.rsplit("::").next() == Some(given));
    match (by_name.next(), by_name.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Codes close to what the user typed, best first.
pub fn suggestions(given: &str) -> Vec<&'static str> {
    let given = given.trim();
    let short = given.rsplit("::").next().unwrap_or(given);
    let mut scored: Vec<(usize, &'static str)> = codes()
        .filter_map(|c| {
            let name = c.rsplit("::").next().unwrap_or(c);
            let d = did_you_mean::distance(given, c).min(did_you_mean::distance(short, name));
            (d <= did_you_mean::threshold(name) || (short.len() >= 4 && name.contains(short))).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, c)| c).take(3).collect()
}
