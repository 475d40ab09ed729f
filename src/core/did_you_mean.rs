//! How far apart two names are, for "did you mean" suggestions (variable typos, unknown codes).

/// The optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// adjacent characters each cost one, the common kinds of typing mistakes.
pub fn distance(a: &str, b: &str) -> usize {
    // Lint asks this for every variable of every script: ASCII names (nearly all) are compared
    // as bytes, without collecting their characters first.
    if a.is_ascii() && b.is_ascii() {
        return alignment(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    alignment(&a, &b)
}

/// [`distance`] when it is at most `max`, else `None`: the table is left as soon as two rows in a
/// row hold nothing within `max` (every later cell is one of them plus one at least, or a cell
/// to its left in a row that starts above `max`).
pub fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let d = if a.is_ascii() && b.is_ascii() {
        alignment_within(a.as_bytes(), b.as_bytes(), max)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        alignment_within(&a, &b, max)
    };
    d.filter(|d| *d <= max)
}

/// [`distance`] over any symbols, keeping only the three rows of the table it needs.
fn alignment<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    alignment_within(a, b, usize::MAX).unwrap_or(usize::MAX)
}

/// The alignment table of [`distance`], given up (`None`) once the distance is above `max`.
fn alignment_within<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    let width = b.len() + 1;
    // Rows i-2, i-1 and i of the table, one after the other.
    let mut rows = vec![0usize; 3 * width];
    for (j, cell) in rows[width..2 * width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (older, rest) = rows.split_at_mut(width);
        let (prev, cur) = rest.split_at_mut(width);
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(older[j - 2] + 1);
            }
            cur[j] = d;
        }
        if cur.iter().all(|&d| d > max) && prev.iter().all(|&d| d > max) {
            return None;
        }
        // Row i becomes i-1, and i-1 becomes i-2; the oldest is overwritten next.
        rows.rotate_left(width);
    }
    // The last row computed is the middle one after the rotation (row 0 if `a` is empty).
    Some(rows[width + b.len()])
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
        // Only a distance within the threshold counts: the table stops when it cannot be.
        let max = threshold(c);
        let d = distance_within(name, c, max);
        // A lowercase name is its own lowercase: one table.
        let d = if lower == name { d } else { d.into_iter().chain(distance_within(&lower, c, max)).min() };
        if let Some(d) = d {
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, c));
            }
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

    #[test]
    fn counts_the_same_over_characters_and_bytes() {
        for (a, b, d) in [
            ("", "", 0),
            ("abc", "", 3),
            ("ab", "ba", 1),
            ("abcd", "badc", 2),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3),
            ("héllo", "hello", 1),
            ("hlélo", "héllo", 1),
            ("日本語", "日語本", 1),
        ] {
            assert_eq!(distance(a, b), d, "{a} {b}");
            assert_eq!(distance(b, a), d, "{b} {a}");
        }
    }

    #[test]
    fn a_bounded_distance_is_the_distance_or_none_above_the_bound() {
        let words =
            ["", "a", "ab", "ba", "abc", "cab", "kitten", "sitting", "pidfile", "pidfiel", "command_args", "héllo"];
        for a in words {
            for b in words {
                let d = distance(a, b);
                for max in 0..=8 {
                    assert_eq!(distance_within(a, b, max), (d <= max).then_some(d), "{a} {b} {max}");
                }
            }
        }
    }
}
