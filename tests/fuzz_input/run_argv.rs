//! The rule a run script's words keep (ARCHITECTURE.md, "Architecture invariants"): every value
//! is one word written as it is, except a value OpenRC computes at start, which is the
//! `${NAME}` of a `backtick -i -E NAME { … /bin/sh -c CHECK rc2s6 COMMAND… }` line earlier in
//! the script, and NAME is in no other word than the daemon's arguments and the values of its
//! environment's `export` lines, so execline substitutes nothing else.

use rc2s6::eval::at_start::{AtStart, Segment, segments};

/// The words the daemon's argv must be at the end of the run script whose words (as execlineb
/// reads them, blocks with their one-space prefix and `""` end) are `words`. Panics when a
/// substitution breaks the rule.
pub fn expected_tail(words: &[String], argv: &[String], env: &[(String, String)]) -> Vec<String> {
    let defined = definitions(words);
    let name_of = |c: &AtStart| {
        defined
            .iter()
            .find(|(_, d, _)| d == c)
            .map(|(n, _, _)| n.clone())
            .unwrap_or_else(|| panic!("no backtick line computes {} in {words:?}", c.display()))
    };
    let write = |w: &String| match segments(w) {
        Some(segs) => {
            let mut out = String::new();
            for s in segs {
                match s {
                    Segment::Text(t) => out.push_str(&t),
                    Segment::Command(c) => {
                        // execline halves the backslashes before a substituted `$`.
                        let trailing = out.len() - out.trim_end_matches('\\').len();
                        out.push_str(&"\\".repeat(trailing));
                        out.push_str(&format!("${{{}}}", name_of(&c)));
                    }
                }
            }
            out
        }
        None => w.clone(),
    };
    let tail: Vec<String> = argv.iter().enumerate().map(|(i, w)| if i == 0 { w.clone() } else { write(w) }).collect();
    // An environment value is written by `export NAME VALUE`, substituted the same way.
    let exported: Vec<(String, String)> = env.iter().map(|(k, v)| (k.clone(), write(v))).collect();
    // No other word names a variable a backtick defines.
    let before_tail = &words[..words.len().saturating_sub(tail.len())];
    let at: Vec<usize> = defined.iter().map(|d| d.2).collect();
    for (name, _, _) in &defined {
        for (i, w) in before_tail.iter().enumerate() {
            let export =
                i >= 2 && words[i - 2] == "export" && exported.iter().any(|(k, v)| *k == words[i - 1] && v == w);
            assert!(
                at.contains(&i) || export || !w.contains(name.as_str()),
                "{name} is in word {i} ({w:?}) of {words:?}"
            );
        }
    }
    lookup_words(before_tail);
    tail
}

/// rc2s6's account lookup at start (`backend::account_lookup`): `backtick -i -E ALL { cd / …
/// rc2s6 KIND ARG KIND ARG }`, then `multidefine -d : ${ALL} { UID GID GIDLIST USER HOME }`;
/// ALL is in no other word than the multidefine's value, and each of the five names only in
/// `export USER ${USER}`, `export HOME ${HOME}` and `s6-applyuidgid -u ${UID} -g ${GID} -G
/// ${GIDLIST}`, whole words, so execline substitutes nothing else.
fn lookup_words(words: &[String]) {
    let Some(i) = (0..words.len()).find(|&i| {
        words[i] == "backtick"
            && words[i + 1..].iter().take_while(|w| !w.is_empty()).any(|w| w == " rc2s6")
            && words[i + 1..]
                .iter()
                .skip_while(|w| *w != " rc2s6")
                .nth(1)
                .is_some_and(|w| matches!(w.as_str(), " id-u" | " id-g" | " text"))
    }) else {
        return;
    };
    let all = words[i + 3].clone();
    let m = words.iter().position(|w| w == "multidefine").expect("the lookup's multidefine");
    assert_eq!(words[m + 1..m + 4], ["-d", ":", &format!("${{{all}}}")], "{words:?}");
    let names: Vec<String> =
        words[m + 4..].iter().take_while(|w| !w.is_empty()).map(|w| w.trim_start().to_string()).collect();
    assert_eq!(names.len(), 5, "{words:?}");
    let own = |k: usize| {
        let w = &words[k];
        let whole = |n: &String| *w == format!("${{{n}}}");
        (k == i + 3 || k == m + 3 || (m + 4..m + 4 + names.len()).contains(&k))
            || (k >= 2 && words[k - 2] == "export" && words[k - 1] == "USER" && whole(&names[3]))
            || (k >= 2 && words[k - 2] == "export" && words[k - 1] == "HOME" && whole(&names[4]))
            || (k >= 1 && words[k - 1] == "-u" && whole(&names[0]))
            || (k >= 1 && words[k - 1] == "-g" && whole(&names[1]))
            || (k >= 1 && words[k - 1] == "-G" && whole(&names[2]))
    };
    for (k, w) in words.iter().enumerate() {
        let named = std::iter::once(&all).chain(&names).any(|n| w.contains(n.as_str()));
        assert!(!named || own(k), "a lookup variable is in word {k} ({w:?}) of {words:?}");
    }
}

/// Each `backtick -i -E NAME { … rc2s6 COMMAND }`: the name, the command, the name's index.
fn definitions(words: &[String]) -> Vec<(String, AtStart, usize)> {
    let mut out = Vec::new();
    for i in 0..words.len() {
        if words[i] != "backtick" || words.get(i + 1..i + 4).is_none() {
            continue;
        }
        if words[i + 1] == "-n" {
            // `backtick -n HOME` (homeof) and `-n RC2S6_ULIMIT` (read by its own importas) set a
            // variable and substitute nothing.
            continue;
        }
        assert_eq!(words[i + 1..i + 3], ["-i", "-E"], "a backtick that does not insist and substitute at once");
        let name = words[i + 3].clone();
        let block: Vec<&str> =
            words[i + 4..].iter().take_while(|w| !w.is_empty()).map(|w| w.strip_prefix(' ').unwrap_or(w)).collect();
        let start = block.iter().position(|w| *w == "rc2s6").expect("the check program's $0") + 1;
        assert_eq!(block[..start - 1].first(), Some(&"cd"), "{block:?}");
        if matches!(block.get(start), Some(&("id-u" | "id-g" | "text"))) {
            // The account's lookup (`lookup_words` checks it).
            continue;
        }
        let command: Vec<String> = block[start..].iter().map(|w| w.to_string()).collect();
        let c = AtStart::from_words(&command).unwrap_or_else(|| panic!("backtick runs {command:?}"));
        out.push((name, c, i + 3));
    }
    out
}
