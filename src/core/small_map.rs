//! A map for the few keys most inputs have and the many a hostile one may: a vector searched in
//! order while it is small (no hashing: for a handful of keys one SipHash costs more than every
//! comparison), a hashed map once it grows, so the worst case stays linear in the input.

use std::collections::HashMap;
use std::hash::Hash;

/// Up to this many entries are searched in order.
const FEW: usize = 16;

/// A map from `K` to `V`, as `HashMap` answers.
#[derive(Debug, Clone)]
pub enum SmallMap<K, V> {
    /// Few entries, in insertion order.
    Few(Vec<(K, V)>),
    /// More.
    Many(HashMap<K, V>),
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap::Few(Vec::new())
    }
}

impl<K: Eq + Hash, V> SmallMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `key`, if any.
    pub fn get(&self, key: &K) -> Option<&V> {
        match self {
            SmallMap::Few(v) => v.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            SmallMap::Many(m) => m.get(key),
        }
    }

    /// The value for `key`, if any, to change.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self {
            SmallMap::Few(v) => v.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            SmallMap::Many(m) => m.get_mut(key),
        }
    }

    /// Sets `key` to `value`, returning the value it had.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if let Some(old) = self.get_mut(&key) {
            return Some(std::mem::replace(old, value));
        }
        match self {
            SmallMap::Few(v) if v.len() < FEW => v.push((key, value)),
            SmallMap::Few(v) => {
                let mut m: HashMap<K, V> = std::mem::take(v).into_iter().collect();
                m.insert(key, value);
                *self = SmallMap::Many(m);
            }
            SmallMap::Many(m) => {
                m.insert(key, value);
            }
        }
        None
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// Empties the map; a few entries' memory is kept for the next use, a hashed map's freed.
    pub fn clear(&mut self) {
        match self {
            SmallMap::Few(v) => v.clear(),
            SmallMap::Many(_) => *self = SmallMap::default(),
        }
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        match self {
            SmallMap::Few(v) => v.is_empty(),
            SmallMap::Many(m) => m.is_empty(),
        }
    }
}

impl<K: Eq + Hash, V> FromIterator<(K, V)> for SmallMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SmallMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

/// A set, as a [`SmallMap`] to nothing.
pub type SmallSet<K> = SmallMap<K, ()>;

impl<K: Eq + Hash> SmallSet<K> {
    /// Adds `key`; whether it was not there.
    pub fn add(&mut self, key: K) -> bool {
        self.insert(key, ()).is_none()
    }
}

impl<K: Eq + Hash> FromIterator<K> for SmallSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        iter.into_iter().map(|k| (k, ())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{FEW, SmallMap, SmallSet};
    use std::collections::HashMap;

    #[test]
    fn answers_as_a_hash_map_does_below_and_past_the_switch() {
        for n in [0, 1, FEW - 1, FEW, FEW + 1, 4 * FEW] {
            let mut small = SmallMap::new();
            let mut hashed = HashMap::new();
            // Each key written twice, the second time over the first.
            for round in 0..2 {
                for k in 0..n {
                    assert_eq!(small.insert(k % (n / 2 + 1), k + round), hashed.insert(k % (n / 2 + 1), k + round));
                }
            }
            for k in 0..n + 2 {
                assert_eq!(small.get(&k), hashed.get(&k), "{n} {k}");
                assert_eq!(small.contains_key(&k), hashed.contains_key(&k));
                if let (Some(a), Some(b)) = (small.get_mut(&k), hashed.get_mut(&k)) {
                    *a += 100;
                    *b += 100;
                }
                assert_eq!(small.get(&k), hashed.get(&k));
            }
            assert_eq!(small.is_empty(), hashed.is_empty());
            assert_eq!(matches!(small, SmallMap::Many(_)), n / 2 + 1 > FEW && n > 0);
        }
        let mut set: SmallSet<&str> = ["a", "b", "a"].into_iter().collect();
        assert!(set.contains_key(&"a") && !set.contains_key(&"c"));
        assert!(set.add("c") && !set.add("c"));
    }
}
