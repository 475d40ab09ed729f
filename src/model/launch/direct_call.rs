//! A start() that runs the daemon itself, without start-stop-daemon: the one command named like
//! the service, like `command`, or like the program stop() stops.

use super::super::trace::{LaunchProgram, StartEvent};
use crate::core::file_name::basename;
use crate::eval::expand::Expander;
use crate::eval::interpreter::Interpreter;
use crate::shell::ast::{Command, walk_command};

/// Turns the one command among `events` named like the daemon into its launch; whether there
/// was exactly one.
pub fn recognise(interp: &Interpreter, svcname: &str, events: &mut [StartEvent]) -> bool {
    let names = daemon_names(interp, svcname);
    let found: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, StartEvent::Command { name, .. } if names.iter().any(|n| n == basename(name))))
        .map(|(i, _)| i)
        .collect();
    let [i] = found.as_slice() else { return false };
    let StartEvent::Command { loc, condition, words, uncertain, background, context, .. } = events[*i].clone() else {
        return false;
    };
    events[*i] =
        StartEvent::Launch { program: LaunchProgram::Direct, words, uncertain, loc, condition, background, context };
    true
}

/// Names the daemon may go by: the service name, `command`, and what `start-stop-daemon --stop`
/// is told to stop (`--exec`, `--name`).
fn daemon_names(interp: &Interpreter, svcname: &str) -> Vec<String> {
    let mut names = vec![svcname.to_string()];
    if let Some((base, _)) = svcname.split_once('.') {
        names.push(base.to_string());
    }
    if let Some(v) = interp.env.get("command") {
        names.push(basename(&v.value.text).to_string());
    }
    let mut env = interp.env.clone();
    for f in interp.functions.values() {
        walk_command(&f.def.body, &mut |c| {
            let Command::Simple(sc) = c else { return };
            let words: Vec<String> = sc.words.iter().map(|w| Expander::new(&mut env, f.file).string(w).text).collect();
            if words.first().map(|w| basename(w)) != Some("start-stop-daemon")
                || !words.iter().any(|w| w == "--stop" || w == "-K")
            {
                return;
            }
            for pair in words.windows(2) {
                if matches!(pair[0].as_str(), "--exec" | "-x" | "--name" | "-n") {
                    names.push(basename(&pair[1]).to_string());
                }
            }
            for w in &words {
                if let Some(v) = w.strip_prefix("--exec=").or_else(|| w.strip_prefix("--name=")) {
                    names.push(basename(v).to_string());
                }
            }
        });
    }
    names.retain(|n| !n.is_empty());
    names
}
