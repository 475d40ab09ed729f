//! The global variables of an [`Environment`](super::environment::Environment): a vector sorted
//! by name, as every walk over them wants them, with a hash index beside it for looking one up.
//! A service has a hundred or so globals and the interpreter looks one up about 110 times per
//! service (`IFS` for every command, each setting the model reads, most of them unset): a search
//! by halves compared the name with eight others, 140 instructions, a miss as much as a hit.
//! The index finds a name in one or two probes; it is only rebuilt or shifted when a name is
//! added or removed, which is rare next to reads and to replacing a value.

use std::sync::Arc;

use super::environment::Variable;
use super::name::{Name, NameStr, Prefix};

/// The global variables: sorted by name, indexed by a hash of it.
#[derive(Clone, Default)]
pub(super) struct Globals {
    /// The variables, sorted by name.
    entries: Vec<(Name, Arc<Variable>)>,
    /// Open addressing with linear probing, a power of two long (or empty): each slot is empty
    /// or holds where a name is in `entries`, with bits of the name's hash to pass over other
    /// names without comparing them.
    slots: Vec<Slot>,
}

/// One slot of the index.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The high half of the name's hash.
    tag: u32,
    /// One more than the name's place in `entries`; 0 for an empty slot.
    at: u32,
}

impl Globals {
    /// The variables, sorted by name.
    pub(super) fn entries(&self) -> &[(Name, Arc<Variable>)] {
        &self.entries
    }

    /// Where `name` is in [`entries`](Self::entries), if it is there.
    pub(super) fn position(&self, name: &str) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let hash = hash(name);
        let tag = (hash >> 32) as u32;
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.at == 0 {
                return None;
            }
            let at = slot.at as usize - 1;
            if slot.tag == tag && same(self.entries[at].0.as_str().as_bytes(), name.as_bytes()) {
                return Some(at);
            }
            i = (i + 1) & mask;
        }
    }

    /// Where `name` is, or where it would go to keep the order.
    pub(super) fn search(&self, name: &NameStr) -> Result<usize, usize> {
        let prefix = Prefix::of(name.as_str());
        self.entries.binary_search_by(|(n, _)| n.cmp_with(prefix, name))
    }

    /// The variable at `at`, to replace or change.
    pub(super) fn variable_mut(&mut self, at: usize) -> &mut Arc<Variable> {
        &mut self.entries[at].1
    }

    /// Adds `name` at `at`, where [`search`](Self::search) said it goes.
    pub(super) fn insert(&mut self, at: usize, name: Name, variable: Arc<Variable>) {
        self.entries.insert(at, (name, variable));
        // Kept at most two thirds full, so that a probe soon meets an empty slot.
        if self.entries.len() * 3 > self.slots.len() * 2 {
            self.rebuild();
            return;
        }
        // The names after the new one moved up by one.
        for slot in &mut self.slots {
            if slot.at as usize > at {
                slot.at += 1;
            }
        }
        self.place(at);
    }

    /// Removes the variable at `at`.
    pub(super) fn remove(&mut self, at: usize) {
        self.entries.remove(at);
        // Linear probing cannot just empty a slot (a name placed past it would be lost): the
        // index is made again, which `unset` of a global pays, seldom.
        self.rebuild();
    }

    /// Makes the index again, for as many names as there are.
    fn rebuild(&mut self) {
        let len = (self.entries.len() * 3 / 2 + 1).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(len, Slot::default());
        for at in 0..self.entries.len() {
            self.place(at);
        }
    }

    /// Puts the name at `at` in the index.
    fn place(&mut self, at: usize) {
        let hash = hash(self.entries[at].0.as_str());
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i].at != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { tag: (hash >> 32) as u32, at: at as u32 + 1 };
    }
}

/// The index is how the names are found, not what the variables are: two maps with the same
/// names and values are equal whatever order the names were added in.
impl PartialEq for Globals {
    fn eq(&self, other: &Globals) -> bool {
        self.entries == other.entries
    }
}

/// Shown as the sorted variables alone, as before the index.
impl std::fmt::Debug for Globals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.entries.fmt(f)
    }
}

/// A hash of a name: its first and last eight bytes (fewer for a short name) and its length,
/// mixed by one wide multiplication (as foldhash and ahash do). Names differ in their first
/// bytes (`command`, `pidfile`) or their last (`command_args`, `command_user`).
fn hash(name: &str) -> u64 {
    let b = name.as_bytes();
    let n = b.len();
    let (first, last) = if n >= 8 {
        (read_u64(&b[..8]), read_u64(&b[n - 8..]))
    } else if n >= 4 {
        (read_u32(&b[..4]), read_u32(&b[n - 4..]))
    } else if n > 0 {
        (u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16, 0)
    } else {
        (0, 0)
    };
    fold(first ^ 0x243f_6a88_85a3_08d3, last ^ (n as u64) << 56 ^ 0x1319_8a2e_0370_7344)
}

/// `a == b`, eight bytes at a time where the names are that long (the two then nearly always
/// are the same name: their hashes agree); `==` on slices compared a byte at a time here.
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    // Every whole eight bytes, then the last eight (which may overlap the ones before).
    let whole = a.chunks_exact(8).zip(b.chunks_exact(8)).all(|(x, y)| read_u64(x) == read_u64(y));
    whole && read_u64(&a[n - 8..]) == read_u64(&b[n - 8..])
}

/// The two halves of `a * b`, xored.
fn fold(a: u64, b: u64) -> u64 {
    let wide = u128::from(a) * u128::from(b);
    (wide as u64) ^ ((wide >> 64) as u64)
}

fn read_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().unwrap_or_default())
}

fn read_u32(b: &[u8]) -> u64 {
    u64::from(u32::from_le_bytes(b.try_into().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::value::ShellValue;

    fn variable(text: &str) -> Arc<Variable> {
        Arc::new(Variable { value: ShellValue::known(text), exported: false, assigned_at: None })
    }

    /// Every name is found where it is, after adds and removes in any order, and a name not
    /// there is not found: checked against the sorted vector searched by halves.
    #[test]
    fn finds_what_a_search_by_halves_finds() {
        let mut names: Vec<String> = ["", "a", "b", "IFS", "command", "command_args", "command_user", "pidfile"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        names.extend((0..300).map(|i| format!("v{}_{}", i * 7919 % 1000, "x".repeat(i % 13))));
        let mut g = Globals::default();
        let check = |g: &Globals, all: &[String]| {
            for n in all {
                let expected = g.search(NameStr::new(n)).ok();
                assert_eq!(g.position(n), expected, "{n}");
            }
            assert!(g.entries().windows(2).all(|w| w[0].0 < w[1].0));
        };
        for (k, n) in names.iter().enumerate() {
            if let Err(at) = g.search(NameStr::new(n)) {
                g.insert(at, Name::from(n.as_str()), variable(n));
            }
            if k % 5 == 4 {
                let gone = &names[k / 2];
                if let Ok(at) = g.search(NameStr::new(gone)) {
                    g.remove(at);
                }
            }
            if k % 37 == 0 {
                check(&g, &names);
            }
        }
        check(&g, &names);
        for n in &names {
            if let Ok(at) = g.search(NameStr::new(n)) {
                g.remove(at);
            }
        }
        assert!(g.entries().is_empty());
        check(&g, &names);
    }
}
