//! Command substitutions whose output POSIX fixes from their operands alone: `$(dirname X)` and
//! `$(basename X [SUFFIX])` with every word known. What they print is computed here, by the
//! algorithms of POSIX.1-2017 XCU `dirname` and `basename` (the STDOUT sections), and cut of its
//! trailing newlines as the shell cuts a substitution's output (XCU 2.6.3). Where POSIX leaves
//! the result to the implementation (`//`, the empty string for `basename`) nothing is computed.

use crate::core::source::FileId;
use crate::shell::ast::{Command, List, SimpleCommand, WordPart, WordPartKind};

use super::super::environment::Environment;
use super::super::status::Status;
use super::super::value::Uncertainty;

/// The script's functions, as an expander needs them: a function shadows the utility of its
/// name (XCU 2.9.1.1, command search: functions come before the `PATH` search), and a function
/// whose output is known gives its value to `$(f ARGS)`.
pub trait ScriptFunctions {
    /// Whether `name` is a function the script defines.
    fn defines(&self, name: &str) -> bool;

    /// What `$(name ARGS)` writes, its exit status and what OpenRC's behaviour was assumed for
    /// (unset variables), when `name` is a function whose output is known, run on a copy of
    /// `env`; `None` otherwise.
    fn output(&self, env: &Environment, file: FileId, name: &str, args: &[String]) -> Option<FunctionOutput>;
}

/// What a function run for its output gave.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionOutput {
    /// What it wrote to stdout.
    pub text: String,
    /// Its exit status.
    pub status: Status,
    /// What is assumed (never unknowable: then there is no output).
    pub assumed: Vec<Uncertainty>,
}

/// The one simple command a substitution runs, if its body is exactly that (no pipeline, no
/// `&&`, no background, no assignment or redirection in front), and its program's name, when
/// that is written as a plain literal.
pub(super) fn lone_command(list: &List) -> Option<(&SimpleCommand, &str)> {
    let [item] = list.items.as_slice() else { return None };
    let ao = &item.and_or;
    if item.background || !ao.rest.is_empty() || ao.first.negated {
        return None;
    }
    let sc = match ao.first.commands.as_slice() {
        [Command::Simple(sc)] if sc.assignments.is_empty() && sc.redirects.is_empty() => sc,
        _ => return None,
    };
    match sc.words.first()?.parts.as_slice() {
        [WordPart { kind: WordPartKind::Literal(name), .. }] => Some((sc, name.as_str())),
        _ => None,
    }
}

/// Whether `name` is one of the utilities [`output`] computes.
pub(super) fn is_pure(name: &str) -> bool {
    matches!(name, "dirname" | "basename")
}

/// What `$(program operands…)` gives, or `None` where POSIX does not fix it (options, a wrong
/// number of operands, an implementation-defined case).
pub(super) fn output(program: &str, operands: &[String]) -> Option<String> {
    // An operand starting with `-` could be read as an option (GNU's `-z`, `-a`, `-s`): only
    // plain operands are computed.
    if operands.iter().any(|o| o.starts_with('-')) {
        return None;
    }
    let printed = match (program, operands) {
        ("dirname", [s]) => dirname(s)?,
        ("basename", [s]) => basename(s, None)?,
        ("basename", [s, suffix]) => basename(s, Some(suffix))?,
        _ => return None,
    };
    // The utility writes the result and a newline; the substitution removes every trailing
    // newline, including any the result itself ends with.
    Some(printed.trim_end_matches('\n').to_string())
}

/// XCU `dirname`, steps 1 to 8.
fn dirname(s: &str) -> Option<String> {
    // Step 1 (and 6): what `//` gives is implementation-defined.
    if s == "//" {
        return None;
    }
    // Step 2.
    if !s.is_empty() && s.chars().all(|c| c == '/') {
        return Some("/".into());
    }
    // Steps 3 and 4.
    let s = s.trim_end_matches('/');
    if !s.contains('/') {
        return Some(".".into());
    }
    // Step 5.
    let s = s.trim_end_matches(|c| c != '/');
    // Step 6.
    if s == "//" {
        return None;
    }
    // Steps 7 and 8.
    let s = s.trim_end_matches('/');
    Some(if s.is_empty() { "/".into() } else { s.to_string() })
}

/// XCU `basename`, steps 1 to 6.
fn basename(s: &str, suffix: Option<&str>) -> Option<String> {
    // Steps 1 and 2: unspecified for the empty string, implementation-defined for `//`.
    if s.is_empty() || s == "//" {
        return None;
    }
    // Step 3.
    if s.chars().all(|c| c == '/') {
        return Some("/".into());
    }
    // Steps 4 and 5.
    let s = s.trim_end_matches('/');
    let s = crate::core::file_name::basename(s);
    // Step 6: a suffix is removed unless it is the whole of what is left.
    match suffix {
        Some(x) if x != s => Some(s.strip_suffix(x).unwrap_or(s).to_string()),
        _ => Some(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(program: &str, operands: &[&str], expect: Option<&str>) {
        let operands: Vec<String> = operands.iter().map(|s| s.to_string()).collect();
        assert_eq!(output(program, &operands).as_deref(), expect, "{program} {operands:?}");
    }

    /// The examples of XCU `dirname` and `basename` (APPLICATION USAGE and EXAMPLES), GNU
    /// coreutils 9.1's and busybox 1.36's answers where POSIX fixes them.
    #[test]
    fn dirname_as_posix_says() {
        check("dirname", &["/run/ospd/ospd.pid"], Some("/run/ospd"));
        check("dirname", &["/"], Some("/"));
        check("dirname", &["///"], Some("/"));
        check("dirname", &["/a"], Some("/"));
        check("dirname", &["a"], Some("."));
        check("dirname", &[""], Some("."));
        check("dirname", &["a/b/"], Some("a"));
        check("dirname", &["a//b//"], Some("a"));
        check("dirname", &["/a/b"], Some("/a"));
        check("dirname", &["a\n/b"], Some("a"));
        check("dirname", &["//"], None);
        check("dirname", &["//a"], None);
        check("dirname", &["a", "b"], None);
        check("dirname", &[], None);
        check("dirname", &["-z"], None);
    }

    #[test]
    fn basename_as_posix_says() {
        check("basename", &["/usr/lib/libc.so"], Some("libc.so"));
        check("basename", &["/etc/kea/kea.conf", ".conf"], Some("kea"));
        check("basename", &["kea.conf", "kea.conf"], Some("kea.conf"));
        check("basename", &["/a/b/"], Some("b"));
        check("basename", &["///"], Some("/"));
        check("basename", &["a"], Some("a"));
        check("basename", &["x\n\n"], Some("x"));
        check("basename", &["a.c", "x"], Some("a.c"));
        check("basename", &[""], None);
        check("basename", &["//"], None);
        check("basename", &["a", "b", "c"], None);
        check("basename", &["-s", "x"], None);
    }
}
