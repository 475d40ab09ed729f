//! OpenRC's backends run `eval start-stop-daemon … $command … -- $command_args …`: the values
//! are split into words, joined with spaces and parsed again as shell. This reproduces that.

use crate::shell::ast::{Command, Word};

use crate::eval::environment::Environment;
use crate::eval::expand::Expander;
use crate::eval::value::{Loc, ShellValue, Uncertainty};

/// One variable that goes into the eval'd line.
pub struct EvalInput<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its value.
    pub value: &'a ShellValue,
    /// Where it was assigned.
    pub loc: Loc,
}

/// A problem with the eval'd line, attributed to the variable whose text caused it.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalProblem {
    /// The line is not a plain list of words.
    Syntax { variable: String, loc: Loc, what: String },
    /// A word expands only at run time.
    Uncertain { variable: String, loc: Loc, uncertainty: Uncertainty },
    /// A word is a glob.
    Glob { variable: String, loc: Loc, text: String },
}

/// The words `eval` produces, and what was wrong on the way.
#[derive(Debug, Clone, Default)]
pub struct EvalOutcome {
    /// The words, one per argument.
    pub words: Vec<String>,
    /// How many of `words` came from each input, in order.
    pub counts: Vec<usize>,
    /// Problems.
    pub problems: Vec<EvalProblem>,
}

/// Evaluates the inputs as one line (`$a $b $c` under `eval`), in the given environment.
pub fn eval_words(env: &Environment, inputs: &[EvalInput]) -> EvalOutcome {
    let mut out = EvalOutcome::default();
    for input in inputs {
        let before = out.words.len();
        eval_one(env, input, &mut out);
        out.counts.push(out.words.len() - before);
    }
    out
}

/// Each variable is evaluated on its own: `eval` joins them with spaces, so a quote opened in one
/// and closed in another would be a syntax error anyway, and separate parsing keeps every word
/// attributed to the variable it came from.
fn eval_one(env: &Environment, input: &EvalInput, out: &mut EvalOutcome) {
    let mut scratch = env.clone();
    // First pass: the unquoted `$var` in the backend's eval line is split into fields.
    let fields = {
        let mut ex = Expander::new(&mut scratch, input.loc.file);
        ex.split_text(&input.value.text, input.loc.span)
    };
    let syntax = |what: String| EvalProblem::Syntax { variable: input.name.to_string(), loc: input.loc, what };
    // A word starting with `#` starts a comment on the eval'd line: it and everything after it,
    // the rest of OpenRC's line included (`command='/x #c'` drops the pidfile, the background
    // options and the arguments), is not run. The arguments end the line: there it hides only
    // what the parse below leaves out too.
    let ends_the_line = matches!(input.name, "command_args" | "command_args_background");
    if let Some(f) = fields.iter().find(|f| f.text.starts_with('#') && !ends_the_line) {
        out.problems.push(syntax(format!("`{}` starts a comment, which hides the rest of OpenRC's line", f.text)));
        return;
    }
    if let Some(words) = plain_words(&fields) {
        out.words.extend(words);
        return;
    }
    let joined = fields.into_iter().map(|f| f.text).collect::<Vec<_>>().join(" ");
    parse_and_expand(&mut scratch, input, &joined, out);
}

/// Characters that are literal text wherever they are in a word after the command name, to
/// `eval`'s parse and to its expansion: no blank, quote, backslash, `$`, `` ` ``, operator,
/// comment, pattern, brace, tilde or `!` (XCU 2.2, 2.3, 2.6, 2.13).
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '=' | ':' | ',' | '+' | '@' | '%')
}

/// The words of a line of plain fields (see [`is_plain`]), which `eval` reads as themselves,
/// one word each: most values OpenRC's backends `eval` are such (`-f /etc/x.conf`), and reading
/// them needs no parse. `None` for any other line.
fn plain_words(fields: &[crate::eval::expand::Field]) -> Option<impl Iterator<Item = String> + '_> {
    let plain = fields.iter().all(|f| !f.text.is_empty() && f.text.chars().all(is_plain));
    plain.then(|| fields.iter().map(|f| f.text.clone()))
}

/// `joined` parsed as `eval` parses it, after a command name, and its words expanded again.
fn parse_and_expand(scratch: &mut Environment, input: &EvalInput, joined: &str, out: &mut EvalOutcome) {
    let syntax = |what: String| EvalProblem::Syntax { variable: input.name.to_string(), loc: input.loc, what };
    if joined.is_empty() {
        return;
    }
    // A dummy command name keeps a leading `a=b` an argument, as it is after `--` in the backend.
    let parsed = crate::shell::parse::parse_command_line(&format!("_ {joined}"));
    let Some(script) = parsed.script else {
        out.problems.push(syntax("unbalanced quotes or other invalid shell".into()));
        return;
    };
    let items = &script.body.items;
    let words: Vec<Word> = match items.as_slice() {
        [item] if !item.background && item.and_or.rest.is_empty() => match item.and_or.first.commands.as_slice() {
            [Command::Simple(sc)] if !item.and_or.first.negated => {
                if !sc.redirects.is_empty() {
                    out.problems.push(syntax("a redirection".into()));
                    return;
                }
                sc.words[1..].to_vec()
            }
            [_] => {
                out.problems.push(syntax("a compound command".into()));
                return;
            }
            _ => {
                out.problems.push(syntax("a pipeline".into()));
                return;
            }
        },
        [item] if item.background => {
            out.problems.push(syntax("`&`".into()));
            return;
        }
        [] => return,
        _ => {
            out.problems.push(syntax("several commands".into()));
            return;
        }
    };
    let mut ex = Expander::new(scratch, input.loc.file).over_values();
    let fields = ex.fields(&words);
    for u in fields.uncertain {
        // Spans here point into the joined text; the variable's assignment is the useful place.
        let u = relocate(u, input.loc);
        out.problems.push(EvalProblem::Uncertain { variable: input.name.to_string(), loc: input.loc, uncertainty: u });
    }
    for f in fields.fields {
        if f.glob {
            out.problems.push(EvalProblem::Glob {
                variable: input.name.to_string(),
                loc: input.loc,
                text: f.text.clone(),
            });
        }
        out.words.push(f.text);
    }
}

fn relocate(u: Uncertainty, loc: Loc) -> Uncertainty {
    match u {
        Uncertainty::CommandSubst(_) => Uncertainty::CommandSubst(loc),
        Uncertainty::Arithmetic(_) => Uncertainty::Arithmetic(loc),
        Uncertainty::CommandOutput(_) => Uncertainty::CommandOutput(loc),
        Uncertainty::UnsetVariable { name, .. } => Uncertainty::UnsetVariable { name, loc },
        Uncertainty::Runtime { what, .. } => Uncertainty::Runtime { what, loc },
        Uncertainty::AtStart { command, .. } => Uncertainty::AtStart { command, loc },
        Uncertainty::Conditional { cond } => Uncertainty::Conditional { cond },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::source::Span;

    fn run(env: &Environment, vals: &[(&str, &str)]) -> EvalOutcome {
        let values: Vec<ShellValue> = vals.iter().map(|(_, v)| ShellValue::known(*v)).collect();
        let inputs: Vec<EvalInput> = vals
            .iter()
            .zip(&values)
            .map(|((n, _), v)| EvalInput {
                name: n,
                value: v,
                loc: Loc { file: crate::core::source::FileId::default(), span: Span::default() },
            })
            .collect();
        eval_words(env, &inputs)
    }

    #[test]
    fn quotes_inside_values_are_honoured() {
        let env = Environment::default();
        let o = run(&env, &[("command", "/usr/bin/x"), ("command_args", "-a \"x y\" 'z  w'")]);
        assert_eq!(o.words, vec!["/usr/bin/x", "-a", "x y", "z w"]);
        assert!(o.problems.is_empty());
    }

    #[test]
    fn second_expansion_and_syntax() {
        let mut env = Environment::default();
        env.set("RC_SVCNAME", ShellValue::known("foo"), None);
        let o = run(&env, &[("pidfile", "/run/${RC_SVCNAME}.pid")]);
        assert_eq!(o.words, vec!["/run/foo.pid"]);
        let o = run(&env, &[("command_args", "-x > /tmp/log")]);
        assert!(matches!(o.problems[0], EvalProblem::Syntax { .. }));
        let o = run(&env, &[("command_args", "--conf /etc/*.conf")]);
        assert!(matches!(o.problems[0], EvalProblem::Glob { .. }));
    }

    /// `command='/x #c'`: the comment hides the rest of OpenRC's line (pidfile, background
    /// options, arguments), so it is refused; at the end of the line (the arguments) it hides
    /// nothing more than the words it drops, and `a#b` is no comment.
    #[test]
    fn a_comment_in_the_middle_of_the_line_is_refused() {
        let env = Environment::default();
        let o = run(&env, &[("command", "/x #c")]);
        assert!(
            matches!(&o.problems[..], [EvalProblem::Syntax { what, .. }] if what.contains("`#c` starts a comment")),
            "{:?}",
            o.problems
        );
        let o = run(&env, &[("command", "/x a#b"), ("command_args", "-v #trailing")]);
        assert!(o.problems.is_empty(), "{:?}", o.problems);
        assert_eq!(o.words, ["/x", "a#b", "-v"]);
    }

    /// The plain-word reading gives what the parse and the second expansion give, for any line
    /// (blanks and `IFS` splitting included): where it applies, the parse is only skipped.
    mod plain_lines {
        use super::*;
        use proptest::prelude::*;

        fn parsed(env: &Environment, value: &str) -> EvalOutcome {
            let value = ShellValue::known(value);
            let loc = Loc { file: crate::core::source::FileId::default(), span: Span::default() };
            let input = EvalInput { name: "command_args", value: &value, loc };
            let mut scratch = env.clone();
            let fields = Expander::new(&mut scratch, loc.file).split_text(&value.text, loc.span);
            let joined = fields.into_iter().map(|f| f.text).collect::<Vec<_>>().join(" ");
            let mut out = EvalOutcome::default();
            parse_and_expand(&mut scratch, &input, &joined, &mut out);
            out
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]
            #[test]
            fn read_as_the_parse_reads_them(
                line in prop_oneof![
                    "[ \t\nA-Za-z0-9_./=:,+@%-]{0,40}",
                    // A character of any other kind here and there.
                    "[ \t\nA-Za-z0-9_./=:,+@%#*?'\"$~{}!;&|<>()\\[\\]\\\\\u{e9}-]{0,40}",
                ],
                colon_ifs in any::<bool>(),
            ) {
                let mut env = Environment::default();
                if colon_ifs {
                    env.set("IFS", ShellValue::known(":"), None);
                }
                let fast = run(&env, &[("command_args", &line)]);
                let slow = parsed(&env, &line);
                prop_assert_eq!(&fast.words, &slow.words);
                prop_assert_eq!(fast.problems, slow.problems);
            }
        }
    }
}
