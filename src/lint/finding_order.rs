//! The order a lint run reports its findings in: by file, position and code, then message, each
//! once. The findings come in two groups, the scripts' own and the rest (the set rules', the
//! allow comments' problems), so that the first can be sorted while the set rules still run.

use std::cell::OnceCell;
use std::cmp::Ordering;

use crate::core::diagnostic::{Code, Finding};

/// One group of findings with what the order reads of each, worked out once; a message is
/// formatted only where the rest of the key ties (the only place the order or the repeats
/// need it).
pub(super) struct KeyedFindings<'f> {
    findings: &'f [Finding],
    labels: Vec<Option<(usize, usize)>>,
    keys: Vec<(&'f str, Option<usize>, &'static Code)>,
    messages: Vec<OnceCell<String>>,
}

impl<'f> KeyedFindings<'f> {
    /// Keys a group.
    pub(super) fn new(findings: &'f [Finding]) -> Self {
        let labels: Vec<_> = findings.iter().map(|f| f.primary_label().map(|l| (l.offset(), l.len()))).collect();
        let keys = findings.iter().zip(&labels).map(|(f, l)| (f.file_name(), l.map(|l| l.0), f.code())).collect();
        let messages = findings.iter().map(|_| OnceCell::new()).collect();
        KeyedFindings { findings, labels, keys, messages }
    }

    fn message(&self, i: usize) -> &str {
        self.messages[i].get_or_init(|| self.findings[i].message())
    }

    /// The group's indices in order; stable, so findings that tie keep the order given.
    pub(super) fn sorted(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.findings.len()).collect();
        order.sort_by(|&a, &b| compare((self, a), (self, b)));
        order
    }
}

/// Two findings, each of some group, in the report's order.
fn compare((g, a): (&KeyedFindings, usize), (h, b): (&KeyedFindings, usize)) -> Ordering {
    g.keys[a].cmp(&h.keys[b]).then_with(|| g.message(a).cmp(h.message(b)))
}

/// Both groups' findings in order, each once, as (group, index) pairs: of the same finding
/// several times (a file several services load gives the same findings for each), the first,
/// the first group's before the second's. That is the stable sort of the two groups one after
/// the other with the repeats removed. `first_order` and `second_order` are the groups'
/// `sorted()`; they are merged, the first group's finding first where two tie.
pub(super) fn merged_once(
    g: &KeyedFindings,
    first_order: &[usize],
    h: &KeyedFindings,
    second_order: &[usize],
) -> Vec<(usize, usize)> {
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(first_order.len() + second_order.len());
    let (mut i, mut j) = (0, 0);
    while i < first_order.len() && j < second_order.len() {
        if compare((h, second_order[j]), (g, first_order[i])) == Ordering::Less {
            merged.push((1, second_order[j]));
            j += 1;
        } else {
            merged.push((0, first_order[i]));
            i += 1;
        }
    }
    merged.extend(first_order[i..].iter().map(|&a| (0, a)));
    merged.extend(second_order[j..].iter().map(|&b| (1, b)));
    let groups = [g, h];
    let at = |(k, i): (usize, usize)| (groups[k], i);
    // A repeat ties with its first on the whole sort key, so it is in the same run of equal keys
    // and messages, where only the label's length can differ.
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(merged.len());
    let mut run_start = 0;
    for x in merged {
        let same_run = kept.get(run_start).is_some_and(|&r| compare(at(r), at(x)) == Ordering::Equal);
        if !same_run {
            run_start = kept.len();
        } else if kept[run_start..].iter().any(|&(k, i)| groups[k].labels[i] == groups[x.0].labels[x.1]) {
            continue;
        }
        kept.push(x);
    }
    kept
}

/// The findings `merged_once` kept, moved out of their groups in its order.
pub(super) fn take(groups: [Vec<Finding>; 2], kept: Vec<(usize, usize)>) -> Vec<Finding> {
    let mut slots = groups.map(|g| g.into_iter().map(Some).collect::<Vec<_>>());
    kept.into_iter().filter_map(|(k, i)| slots[k][i].take()).collect()
}
