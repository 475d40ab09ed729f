//! Step 3b, OpenRC 0.63.1+ only: a `command` the script still reads (start_pre() testing the
//! configuration with `$command -t`, reload(), checkconfig()) stays, and is emptied only for the
//! s6 start. OpenRC links /var/svc.d/$name only when `command` is empty inside `s6_start`
//! (`_s6_have_legacy_servicedir`: `test -z "$command" && test -x "/var/svc.d/$name/run"`,
//! sh/s6.sh of 0.63.3), which runs in the same shell as start_pre(), start() and start_post()
//! (openrc-run.sh: `"$1"_pre`, `"$1"`, `"$1"_post`), and reads it nowhere else.
//!
//! Each call that reaches `s6_start` becomes `command="" default_start` (or `command=""
//! s6_start`): an assignment before a function call holds while the function runs. POSIX leaves
//! unspecified whether it lasts after the call; dash, busybox ash and bash (in POSIX mode too)
//! restore the old value, so what runs after the start (start_post(), `eend`) still sees
//! `command`. Where the script has no start() of its own, one that does exactly that is added.

use std::collections::BTreeSet;

use crate::core::source::Span;
use crate::model::function_table::S6_STARTS;
use crate::shell::ast::{Command, Word, walk_command};

use super::Subject;
use super::edit::Rewriter;

/// The assignment that empties `command` for the call it precedes.
pub const EMPTY_COMMAND: &str = "command=\"\" ";

/// Puts [`EMPTY_COMMAND`] before every call of the s6 start in the script's functions, the
/// compiled launch's `default_start` (`launch`: where step 1 replaced it) included. Returns
/// whether a start() must be added: the script defines none, so OpenRC's own runs.
pub fn empty_for_s6_start(cx: &Subject, rw: &mut Rewriter, launch: Option<Span>) -> bool {
    if let Some(l) = launch {
        rw.amend(l.start, format!("{EMPTY_COMMAND}default_start"));
    }
    // A function defined inside another is walked with both: each call is edited once.
    let mut calls = BTreeSet::new();
    for (_, syntax) in &cx.functions {
        walk_command(&syntax.body, &mut |c| {
            let Command::Simple(sc) = c else { return };
            let name = sc.words.first().and_then(Word::static_text);
            if Some(sc.span) != launch && name.is_some_and(|n| S6_STARTS.contains(&n.as_str())) {
                calls.insert(sc.span.start);
            }
        });
    }
    for at in calls {
        rw.insert(at, EMPTY_COMMAND);
    }
    cx.function("start").is_none() && cx.analysis.functions.get("start").is_none()
}

/// The start() added to a script that has none: OpenRC's own (`start() { default_start; }`,
/// openrc-run.sh) with `command` emptied for the call.
pub fn added_start() -> String {
    format!("start() {{\n\t{EMPTY_COMMAND}default_start\n}}\n")
}
