//! Simple commands: expansion, the observer's look, then the builtins that change variables,
//! positional parameters or control flow, and calls of the script's functions. Any other command
//! has no effect on variables and an exit status only known at run time.

use crate::core::source::Span;
use crate::shell::ast::SimpleCommand;

use super::super::error::EvalError;
use super::super::expand::WordShare;
use super::super::observer::{ObservedCommand, Observer};
use super::super::system_test::SystemTest;
use super::super::test_expr;
use super::super::value::{ShellValue, Uncertainty};
use super::{Flow, Interpreter, Status};

/// POSIX's special built-ins (2.14): assignments before them last after them.
fn is_special_builtin(name: &str) -> bool {
    matches!(
        name,
        "break"
            | ":"
            | "continue"
            | "."
            | "eval"
            | "exec"
            | "exit"
            | "export"
            | "readonly"
            | "return"
            | "set"
            | "shift"
            | "times"
            | "trap"
            | "unset"
    )
}

/// Builtins whose arguments that look like assignments are assignments.
fn is_declaration(name: &str) -> bool {
    matches!(name, "export" | "local" | "readonly" | "declare" | "typeset")
}

impl<O: Observer> Interpreter<O> {
    /// Runs a simple command: assignments alone, a declaration builtin, or a command the
    /// observer sees first.
    pub(super) fn simple(&mut self, sc: &SimpleCommand) -> (Status, Flow) {
        if sc.words.is_empty() {
            return (self.assignments(&sc.assignments), Flow::Next);
        }
        if let Some(n) = sc.words[0].static_str().filter(|n| is_declaration(n)) {
            let status = self.declaration(&n, sc);
            // `export` and `readonly` are special built-ins: assignments before them last.
            self.assignments(&sc.assignments);
            return (status, Flow::Next);
        }
        let (fields, shares) = self.expander().fields_by_word(&sc.words);
        let (args, uncertain) = fields.into_texts();
        let uncertain = self.fix_loc(uncertain);
        if args.is_empty() {
            return (Status::True, Flow::Next);
        }
        // Assignments before the command name: after its words are expanded (POSIX 2.9.1), they
        // last for a special built-in, and hold for anything else only while it runs, exported
        // (a function included: dash, busybox ash and bash restore the old value after the call).
        let scoped = !sc.assignments.is_empty() && !is_special_builtin(&args[0]);
        if scoped {
            self.env.push_scope();
            for a in &sc.assignments {
                self.env.declare_local(&a.name);
            }
        }
        for a in &sc.assignments {
            self.assign(a, false);
            if scoped {
                self.env.export(&a.name);
            }
        }
        if let Some(capture) = &mut self.capture {
            // What the output depends on that is assumed (unset variables) goes with it.
            for u in uncertain.iter().filter(|u| !u.is_unknowable()) {
                if !capture.assumed.contains(u) {
                    capture.assumed.push(u.clone());
                }
            }
        }
        let result = match self.observe(sc, &args, &uncertain, &shares) {
            Some(status) => (status, Flow::Next),
            None => {
                let unknowable = uncertain.iter().find(|u| u.is_unknowable());
                self.run_command(&args[0], &args[1..], unknowable, sc)
            }
        };
        if scoped {
            self.env.pop_scope();
        }
        result
    }

    /// Shows the command to the observer; `Some` when it takes the command over.
    fn observe(
        &mut self,
        sc: &SimpleCommand,
        fields: &[String],
        uncertain: &[Uncertainty],
        shares: &[WordShare],
    ) -> Option<Status> {
        let command = ObservedCommand {
            name: &fields[0],
            fields,
            uncertain,
            loc: self.loc(sc.span),
            condition: self.conditions.last().copied(),
            background: self.in_background,
            is_function: self.functions.contains_key(&fields[0]),
            env: &self.env,
            shares,
            file: self.file,
            positional: self.positional.last().and_then(|p| p.as_deref()),
            span_override: self.span_override,
            assignments: &sc.assignments,
            redirects: &sc.redirects,
        };
        self.observer.command(&command)
    }

    /// Runs `cmd` with its arguments `rest`; `unknowable` is the first uncertainty that makes one
    /// of them unknown, if any.
    fn run_command(
        &mut self,
        cmd: &str,
        rest: &[String],
        unknowable: Option<&Uncertainty>,
        sc: &SimpleCommand,
    ) -> (Status, Flow) {
        let known = unknowable.is_none();
        if let Some(status) = self.captured(cmd, rest, known, sc) {
            return (status, Flow::Next);
        }
        let status = match cmd {
            ":" | "true" => Status::True,
            "false" => Status::False,
            "[" | "test" if !known => Status::Unknown,
            "[" | "test" => match test(cmd, rest) {
                // A test of the running system the model may have chosen an answer for.
                Status::Unknown => match SystemTest::read(self.loc(sc.span), cmd, rest) {
                    Some(t) => self.oracle.consult(t).map_or(Status::Unknown, Status::from_bool),
                    None => Status::Unknown,
                },
                known => known,
            },
            "yesno" if !known => Status::Unknown,
            "yesno" => self.yesno(rest.first().map(String::as_str).unwrap_or("")),
            "unset" => {
                for n in rest.iter().filter(|a| !a.starts_with('-')) {
                    self.env.unset(n);
                }
                Status::True
            }
            // Without an operand, the status of the last command (POSIX XCU 2.14, "return").
            "return" if rest.is_empty() => return (self.last_status, Flow::Return),
            "exit" if rest.is_empty() => return (self.last_status, Flow::Exit),
            "return" => return (status_arg(rest), Flow::Return),
            "exit" => return (status_arg(rest), Flow::Exit),
            "break" => return (Status::True, Flow::Break),
            "continue" => return (Status::True, Flow::Continue),
            "." | "source" => {
                let span = self.span_override.unwrap_or(sc.span);
                self.diag(EvalError::SourcedFile { command: cmd.to_string(), span: span.into() });
                Status::Unknown
            }
            "eval" => self.eval(rest, unknowable, sc.span),
            "read" | "getopts" => self.read_into(cmd, rest, sc.span),
            "set" => self.set(rest, known),
            "shift" => self.shift(rest),
            "cd" | "umask" | "ulimit" | "trap" | "wait" => Status::Unknown,
            _ => match self.functions.get(cmd).cloned() {
                // Arguments only known at run time make `$1`… unknown, but the function still
                // runs: what it assigns matters.
                Some(f) => self.call(&f, known.then(|| rest.to_vec())),
                // Any other command (OpenRC's helpers, external programs) has no effect on
                // variables and an exit status only known at run time, which the model may have
                // chosen for a test of the running system (`grep -q`).
                None => {
                    if self.record_commands {
                        self.record(cmd, rest, known);
                    }
                    match SystemTest::read(self.loc(sc.span), cmd, rest).filter(|_| known) {
                        Some(t) => self.oracle.consult(t).map_or(Status::Unknown, Status::from_bool),
                        None if known => {
                            self.oracle.decline(self.loc(sc.span), cmd, rest);
                            Status::Unknown
                        }
                        None => Status::Unknown,
                    }
                }
            },
        };
        (status, Flow::Next)
    }

    /// Records the program run in the oracle.
    fn record(&self, cmd: &str, rest: &[String], known: bool) {
        let words: Vec<String> = std::iter::once(cmd.to_string()).chain(rest.iter().cloned()).collect();
        self.oracle.saw(&words, !known);
    }

    /// Run for its output (`$(f)`): `echo` and `printf` write to the capture; a command that may
    /// write something unknown spoils it. `None` lets the command run as usual.
    fn captured(&mut self, cmd: &str, rest: &[String], known: bool, sc: &SimpleCommand) -> Option<Status> {
        let is_function = self.functions.contains_key(cmd);
        let capture = self.capture.as_mut()?;
        let written = match cmd {
            // A function shadows the regular builtins `echo` and `printf` (XCU 2.9.1.1).
            _ if is_function => return None,
            "echo" => super::capture::echo(rest),
            "printf" => super::capture::printf(rest),
            // Builtins that write nothing to stdout (OpenRC's `yesno` warns on stderr), and the
            // script's own functions, whose commands are looked at one by one.
            ":" | "true" | "false" | "[" | "test" | "yesno" | "unset" | "return" | "shift" | "set" | "break"
            | "continue" => return None,
            _ => None,
        };
        match written {
            Some(text) if known && sc.redirects.is_empty() => {
                capture.out.push_str(&text);
                Some(Status::True)
            }
            _ => {
                capture.failed = true;
                Some(Status::Unknown)
            }
        }
    }

    /// OpenRC's `yesno`: yes/true/on/1 and no/false/off/0, else the value of the named variable.
    fn yesno(&self, arg: &str) -> Status {
        fn word(s: &str) -> Option<bool> {
            match s.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" => Some(true),
                "no" | "false" | "off" | "0" => Some(false),
                _ => None,
            }
        }
        if arg.is_empty() {
            return Status::False;
        }
        if let Some(b) = word(arg) {
            return Status::from_bool(b);
        }
        match self.env.get(arg) {
            Some(v) if v.value.is_unknowable() => Status::Unknown,
            Some(v) => Status::from_bool(word(&v.value.text) == Some(true)),
            None => Status::False,
        }
    }

    /// `read NAME…`, `getopts OPTSTRING NAME`: the names get values only known at run time.
    fn read_into(&mut self, cmd: &str, rest: &[String], span: Span) -> Status {
        let names: Vec<&String> = if cmd == "read" {
            rest.iter().filter(|a| !a.starts_with('-')).collect()
        } else {
            rest.iter().skip(1).take(1).collect()
        };
        for n in names {
            if crate::shell::parse::is_posix_name(n) {
                let v = ShellValue { text: String::new(), uncertain: vec![Uncertainty::CommandOutput(self.loc(span))] };
                self.env.set(n, v, Some(self.loc(span)));
            }
        }
        Status::Unknown
    }

    /// `set -- ARGS` (new positional parameters), `set -a`/`set +a` and `set -o allexport`.
    fn set(&mut self, rest: &[String], known: bool) -> Status {
        if rest.first().map(String::as_str) == Some("--") {
            if let Some(top) = self.positional.last_mut() {
                *top = Some(rest[1..].to_vec());
            }
            return Status::True;
        }
        // conf.d files use allexport to export what they assign to the daemon.
        if known {
            let mut words = rest.iter();
            while let Some(w) = words.next() {
                let on = match w.chars().next() {
                    Some('-') => true,
                    Some('+') => false,
                    _ => break,
                };
                if w == "-" || w == "--" {
                    break;
                }
                if w[1..] == *"o" {
                    if words.next().map(String::as_str) == Some("allexport") {
                        self.env.allexport = on;
                    }
                } else if w[1..].contains('a') {
                    self.env.allexport = on;
                }
            }
        }
        Status::Unknown
    }

    /// `shift [N]`, where the positional parameters are known.
    fn shift(&mut self, rest: &[String]) -> Status {
        let n = rest.first().and_then(|n| n.parse::<usize>().ok()).unwrap_or(1);
        if let Some(Some(params)) = self.positional.last_mut() {
            let n = n.min(params.len());
            params.drain(..n);
        }
        Status::True
    }

    /// `eval TEXT…`: parsed and run here, every location pointing at the `eval`.
    fn eval(&mut self, rest: &[String], unknowable: Option<&Uncertainty>, span: Span) -> Status {
        let text = rest.join(" ");
        if let Some(cause) = unknowable {
            let s = self.span_override.unwrap_or(span);
            self.diag(EvalError::UnknownEval { span: s.into(), cause: cause.clone() });
            return Status::Unknown;
        }
        let out = crate::shell::parse::parse_command_line(&text);
        match out.script {
            Some(script) => {
                let saved = self.span_override;
                self.span_override = Some(saved.unwrap_or(span));
                let (s, _) = self.list(&script.body);
                self.span_override = saved;
                s
            }
            None => Status::Unknown,
        }
    }
}

/// `[ … ]` and `test …` over known arguments.
fn test(cmd: &str, rest: &[String]) -> Status {
    let mut targs: Vec<String> = rest.to_vec();
    if cmd == "[" {
        if targs.last().map(String::as_str) != Some("]") {
            return Status::False;
        }
        targs.pop();
    }
    let values: Vec<ShellValue> = targs.into_iter().map(ShellValue::known).collect();
    test_expr::evaluate_values(&values, false)
}

/// The status `return N`/`exit N` gives.
fn status_arg(rest: &[String]) -> Status {
    match rest.first().map(|s| s.parse::<i32>()) {
        None => Status::Unknown,
        Some(Ok(0)) => Status::True,
        Some(Ok(_)) => Status::False,
        Some(Err(_)) => Status::Unknown,
    }
}
