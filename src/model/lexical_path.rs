//! A path with `.`, `..` and repeated slashes resolved by its text, as POSIX `cd` (without `-P`)
//! makes its canonical form (XCU cd, step 8) and as the kernel resolves directories that are not
//! symbolic links.

/// `path` resolved by text; absolute when `path` is.
pub fn resolve(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(c),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') { format!("/{joined}") } else { joined }
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn paths_are_resolved_by_text() {
        assert_eq!(resolve("/etc/init.d/../conf.d//minio"), "/etc/conf.d/minio");
        assert_eq!(resolve("/etc/./conf.d/x"), "/etc/conf.d/x");
        assert_eq!(resolve("/.."), "/");
        assert_eq!(resolve("conf.d/x"), "conf.d/x");
    }
}
