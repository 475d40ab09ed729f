//! A unified diff between two texts, as `diff -u` and `patch -p0` know it.

use similar::TextDiff;

/// The unified diff turning `old` into `new`, both called `path` so `patch -p0` applies it in
/// place; empty when they are equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(path, path).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_of_one_line() {
        let d = unified_diff("x", "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(d, "--- x\n+++ x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
        assert_eq!(unified_diff("x", "a\n", "a\n"), "");
    }
}
