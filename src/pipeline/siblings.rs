//! The names each walked directory held, kept from the walk that found the scripts: whether
//! `NAME` or `NAME.confd` is beside `NAME.initd` is then a look at the listing, not a `stat` that
//! fails for nearly every script (two per `NAME.initd` over Alpine's layout). A name the listing
//! holds is still looked at on disk as before (it may be a dangling link, a directory, a FIFO);
//! only a name the directory did not hold when it was walked is known absent without a system
//! call.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt as _;
use std::path::Path;
use std::sync::Arc;

/// The names one walked directory held, sorted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Siblings(Vec<OsString>);

impl Siblings {
    /// Whether the directory held an entry named `name` (of any type) when it was walked.
    pub fn holds(&self, name: &str) -> bool {
        self.0.binary_search_by(|n| n.as_os_str().cmp(OsStr::new(name))).is_ok()
    }
}

/// The listings of the directories one walk goes through, built as its entries come.
#[derive(Debug, Default)]
pub struct Listings {
    /// Each directory's index in `names`, by its path's bytes.
    by_dir: HashMap<Vec<u8>, usize>,
    /// The directory of the entry recorded last, and its index: a directory's entries come one
    /// after another but for what its subdirectories hold.
    last: Option<(Vec<u8>, usize)>,
    names: Vec<Vec<OsString>>,
}

impl Listings {
    /// Records the entry at `path` (a walked entry, or one the walk failed on: its name was in
    /// the directory) and returns the index of its directory's listing.
    pub fn record(&mut self, path: &Path) -> usize {
        let bytes = path.as_os_str().as_bytes();
        // As the walk made it: the directory's path joined with the name it read.
        let (dir, name) = match memchr::memrchr(b'/', bytes) {
            Some(i) => (&bytes[..i], &bytes[i + 1..]),
            None => (&[][..], bytes),
        };
        let at = match &self.last {
            Some((last, at)) if last.as_slice() == dir => *at,
            _ => {
                let at = match self.by_dir.get(dir) {
                    Some(&at) => at,
                    None => {
                        self.names.push(Vec::new());
                        self.by_dir.insert(dir.to_vec(), self.names.len() - 1);
                        self.names.len() - 1
                    }
                };
                self.last = Some((dir.to_vec(), at));
                at
            }
        };
        self.names[at].push(OsStr::from_bytes(name).to_os_string());
        at
    }

    /// The listings, by the indices `record` returned.
    pub fn finish(self) -> Vec<Arc<Siblings>> {
        // The walk gives each directory's entries sorted by name already: the sort only checks.
        self.names
            .into_iter()
            .map(|mut n| {
                n.sort_unstable();
                n.dedup();
                Arc::new(Siblings(n))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Listings;
    use std::path::Path;

    #[test]
    fn each_directory_holds_the_names_recorded_in_it() {
        let mut l = Listings::default();
        let a = l.record(Path::new("d/x.initd"));
        let sub = l.record(Path::new("d/sub"));
        let b = l.record(Path::new("d/sub/x"));
        assert_eq!(l.record(Path::new("d/x.confd")), a);
        assert_eq!(l.record(Path::new("d/sub/y")), b);
        assert_eq!(l.record(Path::new("d/a")), a);
        assert_eq!(sub, a);
        let c = l.record(Path::new("/r"));
        let listings = l.finish();
        assert!(listings[a].holds("x.initd") && listings[a].holds("x.confd") && listings[a].holds("sub"));
        assert!(!listings[a].holds("x") && !listings[a].holds("d"));
        assert!(listings[b].holds("x") && listings[b].holds("y") && !listings[b].holds("x.initd"));
        assert!(listings[a].holds("a"));
        assert!(listings[c].holds("r"));
    }
}
