//! Whether a script's own `start()` and `stop()` hand the daemon to OpenRC's backend: the calls
//! of `default_start`, `default_stop` and the backends' `*_start`/`*_stop` functions they reach,
//! directly or through the script's functions, found by running them as `start()` is run for
//! its launch (both ways of every undecidable condition).

use super::service::{BackendCall, BackendCalls};
use super::trace::{StartEvent, Trace};

/// OpenRC's functions that start or stop the daemon through a backend.
const BACKEND_FUNCTIONS: &[&str] = &[
    "default_start",
    "default_stop",
    "ssd_start",
    "ssd_stop",
    "supervise_start",
    "supervise_stop",
    "s6_start",
    "s6_stop",
    "runit_start",
    "runit_stop",
];

/// What `start()` reaches (as traced on the state OpenRC starts it from) and `stop()` (traced on
/// the state OpenRC stops it from).
pub fn collect(start: Option<&Trace>, stop: Option<&Trace>) -> BackendCalls {
    BackendCalls { start: start.map(|t| calls_in(&t.events)), stop: stop.map(|t| calls_in(&t.events)) }
}

/// The backend calls among what a function did.
fn calls_in(events: &[StartEvent]) -> Vec<BackendCall> {
    events
        .iter()
        .filter_map(|e| match e {
            StartEvent::DefaultStart { loc, .. } => Some(BackendCall { function: "default_start".into(), loc: *loc }),
            StartEvent::Command { name, loc, .. } if BACKEND_FUNCTIONS.contains(&name.as_str()) => {
                Some(BackendCall { function: name.clone(), loc: *loc })
            }
            _ => None,
        })
        .collect()
}
