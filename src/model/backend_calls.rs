//! Whether a script's own `start()` and `stop()` hand the daemon to OpenRC's backend: the calls
//! of `default_start`, `default_stop` and the backends' `*_start`/`*_stop` functions they reach,
//! directly or through the script's functions, found by running them as `start()` is run for
//! its launch (both ways of every undecidable condition).

use super::interpreter::{Interpreter, StartEvent};
use super::service::{BackendCall, BackendCalls};

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

/// What `start()` (run on `start_interp`'s state) and `stop()` (on `stop_interp`'s) reach.
pub fn collect(start_interp: &Interpreter, stop_interp: &Interpreter) -> BackendCalls {
    BackendCalls { start: reached(start_interp, "start"), stop: reached(stop_interp, "stop") }
}

/// The backend calls `function` reaches; `None` when the files do not define it.
fn reached(interp: &Interpreter, function: &str) -> Option<Vec<BackendCall>> {
    if !interp.functions.contains_key(function) {
        return None;
    }
    let mut scratch = Interpreter::new(interp.env.clone());
    scratch.functions = interp.functions.clone();
    scratch.start_events = Some(Vec::new());
    scratch.call_function(function);
    let events = scratch.start_events.take().unwrap_or_default();
    Some(
        events
            .into_iter()
            .filter_map(|e| match e {
                StartEvent::DefaultStart { loc, .. } => Some(BackendCall { function: "default_start".into(), loc }),
                StartEvent::Command { name, loc, .. } if BACKEND_FUNCTIONS.contains(&name.as_str()) => {
                    Some(BackendCall { function: name, loc })
                }
                _ => None,
            })
            .collect(),
    )
}
