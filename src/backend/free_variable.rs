//! Names for the run script's own variables that no value of the daemon holds: `backtick -E`
//! and `importas` substitute `$NAME` and `${NAME}` in every later word, so a value that held the
//! name would be changed.

use crate::model::Daemon;

/// The first of `candidate(0)`, `candidate(1)`, … found in no value of `d` nor in `service`.
pub fn free_variable(d: &Daemon, service: &str, candidate: impl Fn(u32) -> String) -> String {
    let all = format!("{d:?}{service}");
    (0u32..).map(candidate).find(|name| !all.contains(name.as_str())).unwrap_or_default()
}
