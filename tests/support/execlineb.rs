//! Running text through the real `execlineb`.

use std::path::Path;
use std::process::Command;

/// Runs `text` (an execline script; its first line, the shebang, is dropped) through the real
/// execlineb with every word handed to `printf "%s\0"`, and returns the words.
pub fn words(execlineb: &Path, text: &str) -> Vec<String> {
    let body = text.split_once('\n').map(|x| x.1).unwrap_or("");
    let dir = super::tempdir();
    let script = dir.path().join("script");
    std::fs::write(&script, format!("printf \"%s\\\\0\"\n{body}")).expect("write the script");
    let out = Command::new(execlineb).arg("-P").arg(&script).output().expect("run execlineb");
    assert!(out.status.success(), "execlineb failed on:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let mut words: Vec<String> =
        out.stdout.split(|b| *b == 0).map(|w| String::from_utf8_lossy(w).into_owned()).collect();
    words.pop(); // after the last NUL
    words
}
