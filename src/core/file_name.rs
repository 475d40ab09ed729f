//! The last component of a `/`-separated path: how a program a script runs is recognised
//! (`/usr/bin/start-stop-daemon` is `start-stop-daemon`).

/// `path`'s last component: all of it when it holds no `/`, empty after a trailing `/`. Found by
/// a look back over the bytes: names are short, and `rsplit`'s searcher took longer to set up
/// than the search (it runs for every command traced and linted).
pub fn basename(path: &str) -> &str {
    match path.bytes().rposition(|b| b == b'/') {
        Some(slash) => &path[slash + 1..],
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::basename;

    #[test]
    fn the_last_component_as_rsplit_gives_it() {
        for path in ["", "/", "sh", "/bin/sh", "a/b/", "//x", "./é/ü", "no-slash.sh"] {
            assert_eq!(basename(path), path.rsplit('/').next().unwrap_or(path), "{path:?}");
        }
    }
}
