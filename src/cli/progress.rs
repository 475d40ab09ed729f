//! A progress line for runs long enough to wonder about: on a terminal only (never in a pipe, a
//! file or CI), after a second, one carriage-return line on stderr rewritten a few times a
//! second and erased when the work ends, so it never mixes with what the run prints after.

use std::io::{IsTerminal as _, Write as _};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a run goes before the line appears, unless `RC2S6_PROGRESS_AFTER_MS` says.
const DELAY: Duration = Duration::from_secs(1);

/// [`DELAY`], or `RC2S6_PROGRESS_AFTER_MS` milliseconds (0: from the start).
fn delay() -> Duration {
    std::env::var("RC2S6_PROGRESS_AFTER_MS").ok().and_then(|v| v.parse().ok()).map_or(DELAY, Duration::from_millis)
}
/// How often the line is rewritten.
const TICK: Duration = Duration::from_millis(150);

/// Whether to show progress: stderr is a terminal that can take a carriage return, and no CI
/// system runs us (CI logs keep every rewrite of the line).
pub fn wanted() -> bool {
    decide(
        std::io::stderr().is_terminal(),
        std::env::var_os("CI").is_some_and(|v| !v.is_empty()),
        std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
    )
}

/// [`wanted`] on its inputs.
fn decide(stderr_is_terminal: bool, in_ci: bool, dumb_terminal: bool) -> bool {
    stderr_is_terminal && !in_ci && !dumb_terminal
}

/// Runs `work`; when `show` and it takes longer than [`DELAY`], keeps `line()` on stderr until it
/// ends, then erases it.
pub fn while_running<R>(show: bool, line: impl Fn() -> String + Sync, work: impl FnOnce() -> R) -> R {
    if !show {
        return work();
    }
    let finished = (Mutex::new(false), Condvar::new());
    let (start, delay) = (Instant::now(), delay());
    let draw = || {
        let text = format!("\r\x1b[K{} ({}s)", line(), start.elapsed().as_secs());
        let _ = std::io::stderr().write_all(text.as_bytes());
    };
    // "From the start" is before the work, not whenever the thread first runs: a short run can
    // end before it does.
    let first = delay.is_zero();
    if first {
        draw();
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut shown = first;
            let mut done = finished.0.lock().unwrap_or_else(PoisonError::into_inner);
            while !*done {
                if start.elapsed() >= delay {
                    draw();
                    shown = true;
                }
                done = finished.1.wait_timeout(done, TICK).unwrap_or_else(PoisonError::into_inner).0;
            }
            if shown {
                let _ = std::io::stderr().write_all(b"\r\x1b[K");
            }
        });
        let result = work();
        *finished.0.lock().unwrap_or_else(PoisonError::into_inner) = true;
        finished.1.notify_all();
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_on_a_terminal_outside_ci() {
        assert!(decide(true, false, false));
        assert!(!decide(false, false, false), "a pipe or a file");
        assert!(!decide(true, true, false), "CI=true");
        assert!(!decide(true, false, true), "TERM=dumb");
    }

    #[test]
    fn work_runs_and_returns_whether_shown_or_not() {
        assert_eq!(while_running(false, String::new, || 7), 7);
        assert_eq!(while_running(true, String::new, || 8), 8);
    }
}
