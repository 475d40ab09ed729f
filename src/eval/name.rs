//! A variable's name as [`Environment`](super::environment::Environment)'s maps hold it: ordered
//! byte by byte as `str` is, so every walk over the variables keeps its order, but compared
//! inline. The interpreter looks variables up all the time, and a search down the ordered map
//! compared the name with about ten others, each through a call to `memcmp`, where names differ
//! within their first few bytes.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::sync::Arc;

/// A name, shared between the copies of a map.
#[derive(Debug, Clone)]
pub struct Name(Arc<str>);

/// A borrowed name: the type the maps are searched with.
#[derive(Debug)]
#[repr(transparent)]
pub struct NameStr(str);

impl NameStr {
    /// The name `s`, for a search.
    pub fn new(s: &str) -> &NameStr {
        // SAFETY: NameStr is `repr(transparent)` over `str`: the same layout and metadata, so a
        // reference to one is a valid reference to the other for the same lifetime.
        unsafe { &*(s as *const str as *const NameStr) }
    }
}

impl Name {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(Arc::from(s))
    }
}

impl Borrow<NameStr> for Name {
    fn borrow(&self) -> &NameStr {
        NameStr::new(&self.0)
    }
}

/// `a.cmp(b)` for byte strings, as `[u8]`'s `Ord` orders them (the first differing byte, else
/// the shorter first), in a loop the compiler keeps inline.
fn compare(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

impl PartialEq for NameStr {
    fn eq(&self, other: &NameStr) -> bool {
        self.0 == other.0
    }
}

impl Eq for NameStr {}

impl PartialOrd for NameStr {
    fn partial_cmp(&self, other: &NameStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NameStr {
    fn cmp(&self, other: &NameStr) -> Ordering {
        compare(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl PartialEq for Name {
    /// The same shared text (as after a copy of the map) is equal without a look at it.
    fn eq(&self, other: &Name) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        compare(self.0.as_bytes(), other.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_as_str_does() {
        let names = ["", "a", "A", "RC_SVCNAME", "RC_", "rc_need", "rc_", "é", "e", "command", "command_args", "z"];
        for a in names {
            for b in names {
                assert_eq!(Name::from(a).cmp(&Name::from(b)), a.cmp(b), "{a} {b}");
                assert_eq!(NameStr::new(a).cmp(NameStr::new(b)), a.cmp(b), "{a} {b}");
                assert_eq!(Name::from(a) == Name::from(b), a == b, "{a} {b}");
            }
        }
    }
}
