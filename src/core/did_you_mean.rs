//! How far apart two names are, for "did you mean" suggestions (variable typos, unknown codes).

/// The optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// adjacent characters each cost one, the common kinds of typing mistakes.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// The largest distance at which a name still counts as a misspelling of `target`: one edit for
/// short names (where two edits reach unrelated words), two for longer ones.
pub fn threshold(target: &str) -> usize {
    if target.chars().count() <= 7 { 1 } else { 2 }
}

/// The candidate closest to `name` within the threshold, if any (ties go to the first).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    let lower = name.to_ascii_lowercase();
    let len = name.chars().count();
    for c in candidates {
        // The distance is at least the difference in length: most candidates end here, without
        // filling a table (lint asks this of every variable of every script).
        if len.abs_diff(c.chars().count()) > threshold(c) {
            continue;
        }
        let d = distance(name, c).min(distance(&lower, c));
        if d <= threshold(c) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_typing_mistakes() {
        assert_eq!(distance("comand_args", "command_args"), 1);
        assert_eq!(distance("pidfiel", "pidfile"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(closest("comand_args", ["command", "command_args"]), Some("command_args"));
        assert_eq!(closest("COMMAND", ["command"]), Some("command"));
        assert_eq!(closest("nicelevel", ["command", "pidfile"]), None);
    }
}
