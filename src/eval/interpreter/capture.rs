//! `$(f ARGS)` where `f` is a function of the script: the function runs on a copy of the
//! variables (a substitution is a subshell, XCU 2.12) and what it writes to stdout is its value,
//! when every command it runs is known and only `echo` or `printf` write, with output POSIX
//! fixes. Anything else (a condition rc2s6 cannot decide, another program, a redirection, a
//! pipeline, `echo` with a backslash) leaves the substitution unknowable.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::core::source::FileId;

use super::super::environment::Environment;
use super::super::expand::{FunctionOutput, ScriptFunctions};
use super::super::value::Uncertainty;
use super::{Function, Interpreter, MAX_STEPS, Status};

/// What a function run for its output has written so far.
#[derive(Debug, Clone, Default)]
pub(super) struct Capture {
    /// stdout, in order.
    pub out: String,
    /// Something ran whose output, or whether it ran, is not known.
    pub failed: bool,
    /// What OpenRC's behaviour is assumed for in the commands run (unset variables).
    pub assumed: Vec<Uncertainty>,
}

/// The functions an expander may run for their output, and the steps such runs have taken.
pub(super) struct Runner<'a> {
    /// The functions defined so far.
    pub functions: &'a Rc<BTreeMap<String, Function>>,
    /// Steps taken by every run for output under one interpreter: together they stay under the
    /// interpreter's own limit, so a script full of substitutions stays fast.
    pub steps: &'a Cell<usize>,
    /// Whether a run may happen here: not inside another one (no nesting, so the cost stays
    /// linear in the script).
    pub may_run: bool,
}

impl ScriptFunctions for Runner<'_> {
    fn defines(&self, name: &str) -> bool {
        self.functions.contains_key(name)
    }

    fn output(&self, env: &Environment, file: FileId, name: &str, args: &[String]) -> Option<FunctionOutput> {
        let f = self.functions.get(name)?;
        if !self.may_run || self.steps.get() >= MAX_STEPS {
            return None;
        }
        // The copy is charged to the service's budget like any other copy of the variables.
        if !env.budget.spend(env.bytes(), 0, crate::eval::value::Loc { file, span: f.def.span }) {
            return None;
        }
        let mut sub = Interpreter::new(env.clone());
        sub.functions = self.functions.clone();
        sub.file = file;
        sub.steps = self.steps.get();
        sub.capture = Some(Capture::default());
        let status = sub.call(f, Some(args.to_vec()));
        self.steps.set(sub.steps);
        let capture = sub.capture.take()?;
        let gave_up = sub.diagnostics.iter().any(|d| d.error.gave_up()) || sub.steps > MAX_STEPS;
        let known = !capture.failed && !gave_up && status != Status::Unknown;
        known.then_some(FunctionOutput { text: capture.out, status, assumed: capture.assumed })
    }
}

/// What `echo ARGS` writes, where POSIX fixes it (XCU `echo`: implementation-defined when the
/// first operand is `-n` or any operand holds a backslash). busybox ash's and bash's `echo` also
/// read a first operand of only `-n`, `-e` and `-E` letters as options, so that is refused too.
pub(super) fn echo(args: &[String]) -> Option<String> {
    let option_like =
        |a: &str| a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'));
    if args.first().is_some_and(|a| option_like(a)) || args.iter().any(|a| a.contains('\\')) {
        return None;
    }
    Some(args.join(" ") + "\n")
}

/// What `printf FORMAT ARGS` writes for a format of plain characters, `%s`, `%%` and the escapes
/// `\n`, `\t` and `\\` (XCU `printf`: the format is reused while arguments remain, a missing
/// argument is the empty string). Other conversions and escapes, and arguments with no
/// conversion to take them (unspecified), are refused.
pub(super) fn printf(args: &[String]) -> Option<String> {
    let (format, mut rest) = args.split_first()?;
    let directives = count_conversions(format)?;
    if directives == 0 && !rest.is_empty() {
        return None;
    }
    let mut out = String::new();
    loop {
        rest = apply(format, rest, &mut out)?;
        if rest.is_empty() {
            return Some(out);
        }
    }
}

/// How many `%s` the format has; `None` for anything outside the subset.
fn count_conversions(format: &str) -> Option<usize> {
    let mut n = 0;
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => match chars.next()? {
                's' => n += 1,
                '%' => {}
                _ => return None,
            },
            '\\' if !matches!(chars.next()?, 'n' | 't' | '\\') => return None,
            _ => {}
        }
    }
    Some(n)
}

/// One pass of the format over the arguments; what is left of them.
fn apply<'a>(format: &str, mut args: &'a [String], out: &mut String) -> Option<&'a [String]> {
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => match chars.next()? {
                's' => {
                    if let Some((a, more)) = args.split_first() {
                        out.push_str(a);
                        args = more;
                    }
                }
                _ => out.push('%'),
            },
            '\\' => out.push(match chars.next()? {
                'n' => '\n',
                't' => '\t',
                _ => '\\',
            }),
            c => out.push(c),
        }
    }
    Some(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn echo_where_posix_fixes_it() {
        assert_eq!(echo(&strings(&["--port 80"])).as_deref(), Some("--port 80\n"));
        assert_eq!(echo(&strings(&["a", "b"])).as_deref(), Some("a b\n"));
        assert_eq!(echo(&[]).as_deref(), Some("\n"));
        assert_eq!(echo(&strings(&["-"])).as_deref(), Some("-\n"));
        assert_eq!(echo(&strings(&["-n", "x"])), None);
        assert_eq!(echo(&strings(&["-neE"])), None);
        assert_eq!(echo(&strings(&["a\\tb"])), None);
    }

    #[test]
    fn printf_subset() {
        assert_eq!(printf(&strings(&["%s", "--a='b c'"])).as_deref(), Some("--a='b c'"));
        assert_eq!(printf(&strings(&["%s\\n", "--x"])).as_deref(), Some("--x\n"));
        assert_eq!(printf(&strings(&["<%s>", "a", "b"])).as_deref(), Some("<a><b>"));
        assert_eq!(printf(&strings(&["%s=%s;", "a"])).as_deref(), Some("a=;"));
        assert_eq!(printf(&strings(&["100%% %s", "x"])).as_deref(), Some("100% x"));
        assert_eq!(printf(&strings(&["plain"])).as_deref(), Some("plain"));
        assert_eq!(printf(&strings(&["plain", "x"])), None);
        assert_eq!(printf(&strings(&["%d", "1"])), None);
        assert_eq!(printf(&strings(&["%b", "x"])), None);
        assert_eq!(printf(&strings(&["\\c"])), None);
        assert_eq!(printf(&[]), None);
    }
}
