//! A variable's name as [`Environment`](super::environment::Environment)'s maps hold it: ordered
//! byte by byte as `str` is, so every walk over the variables keeps its order, but compared
//! inline. The interpreter looks variables up all the time, and a search down the ordered map
//! compared the name with about ten others, each through a call to `memcmp`, where names differ
//! within their first few bytes. Each name also keeps its first eight bytes as one big-endian
//! number ([`Prefix`]), made once: a search of the sorted globals compares numbers, and only
//! names with the same first eight bytes (`command_args`, `command_user`) byte by byte.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::sync::Arc;

/// A name, shared between the copies of a map.
#[derive(Debug, Clone)]
pub struct Name {
    /// The first eight bytes, as [`Prefix::of`] makes them.
    prefix: Prefix,
    /// The text.
    text: Arc<str>,
}

/// A name's first eight bytes as a big-endian number, zeros past its end: two names whose
/// prefixes differ are ordered as the prefixes are. The first byte where they differ is within
/// the eight, where either both names have a byte (the numbers order them as the bytes), or the
/// shorter one has ended and the other's byte there is not zero (the shorter sorts first, as
/// `str` sorts it); a zero byte after a name's end compares equal to the padding, so such names
/// have the same prefix and are compared whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Prefix(u64);

impl Prefix {
    /// The prefix of `s`.
    pub fn of(s: &str) -> Prefix {
        let b = s.as_bytes();
        if let Some(first) = b.first_chunk::<8>() {
            return Prefix(u64::from_be_bytes(*first));
        }
        // Shorter: a byte at a time (a copy of a length not known here is a call to memcpy).
        let mut buf = [0u8; 8];
        for (to, from) in buf.iter_mut().zip(b) {
            *to = *from;
        }
        Prefix(u64::from_be_bytes(buf))
    }
}

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

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Name {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `other` is this very name, shared (as after a copy of the map): then they are
    /// equal, with no look at the text.
    pub fn shares_text(&self, other: &Name) -> bool {
        Arc::ptr_eq(&self.text, &other.text)
    }

    /// How this name orders against `other`, whose prefix is `prefix`: as `str` orders them.
    pub fn cmp_with(&self, prefix: Prefix, other: &NameStr) -> Ordering {
        self.prefix.cmp(&prefix).then_with(|| {
            // The same prefix: the bytes both names have among the first eight are the same.
            let (a, b) = (self.text.as_bytes(), other.0.as_bytes());
            let same = a.len().min(b.len()).min(8);
            compare(&a[same..], &b[same..])
        })
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name { prefix: Prefix::of(s), text: Arc::from(s) }
    }
}

impl Borrow<NameStr> for Name {
    fn borrow(&self) -> &NameStr {
        NameStr::new(&self.text)
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
        Arc::ptr_eq(&self.text, &other.text) || self.text == other.text
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
        self.cmp_with(other.prefix, NameStr::new(&other.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_as_str_does() {
        let names = [
            "",
            "a",
            "A",
            "RC_SVCNAME",
            "RC_",
            "rc_need",
            "rc_",
            "é",
            "e",
            "command",
            "command_args",
            "command_user",
            "commandX",
            "command_",
            "z",
            "a\0",
            "a\0b",
            "a\0\0\0\0\0\0\0",
            "a\0\0\0\0\0\0\0\0",
            "\u{ff}",
            "\u{7f}x",
        ];
        for a in names {
            for b in names {
                assert_eq!(Name::from(a).cmp(&Name::from(b)), a.cmp(b), "{a} {b}");
                assert_eq!(Name::from(a).cmp_with(Prefix::of(b), NameStr::new(b)), a.cmp(b), "{a} {b}");
                assert_eq!(NameStr::new(a).cmp(NameStr::new(b)), a.cmp(b), "{a} {b}");
                assert_eq!(Name::from(a) == Name::from(b), a == b, "{a} {b}");
            }
        }
    }
}
