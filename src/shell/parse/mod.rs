//! Source text → AST, with spans. pest's types stay inside this module.

mod builder;
pub mod error;
mod grammar;
mod stack;

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};

pub use builder::is_posix_name;
pub use error::ParseError;

use crate::core::source::Span;
use crate::shell::ast::Script;
use grammar::plain::PlainGrammar;
use grammar::{Rule, ShellGrammar, ShellRule};

/// What parsing one file produced: a tree when the syntax was valid, and every problem found.
#[derive(Debug, Clone)]
pub struct ParseOutcome {
    /// The tree, or `None` on a syntax error.
    pub script: Option<Script>,
    /// Syntax errors and warnings.
    pub errors: Vec<ParseError>,
}

/// Parses a whole script.
pub fn parse_script(text: &str) -> ParseOutcome {
    parse_with(Rule::program, text)
}

/// Parses one command line the way `eval` re-reads a joined string.
pub fn parse_command_line(text: &str) -> ParseOutcome {
    parse_with(Rule::command_line, text)
}

/// The most rule calls one parse may make: about 60 per byte of real script, so the largest in the
/// corpus of real init scripts (17 KB) needs a twentieth of this. Hostile text (deep nesting that
/// makes the PEG backtrack) stops here within a second instead of running for minutes. The
/// number of openers bounds the parser's recursion, and the parse runs where the stack that can
/// need is free (`stack`); the builder stops nesting that would overflow its own.
const CALL_LIMIT: usize = 20_000_000;

/// Rule calls allowed per byte beyond `CALL_LIMIT`: a long file of plain lines (a 544 KB one of
/// `x=1` took 37 per byte) is not "too complex", yet a limit fixed in calls called it so. Scaled
/// this way, the time a parse may take grows with the text, which input reading bounds at 1 MiB.
const CALLS_PER_BYTE: usize = 128;

/// pest's call limit is process-wide and read when a parse starts. Parses under the usual limit
/// share this lock; a text that needs a larger one holds it alone, sets its limit and puts the
/// usual one back before letting go, so no parse ever runs under another's limit (the result
/// must not depend on what other threads parse meanwhile).
static LIMIT: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn parse_with(rule: Rule, text: &str) -> ParseOutcome {
    let openers = match stack::count_openers(text) {
        Ok(n) => n,
        Err(at) => return too_complex(at),
    };
    // Only a system that cannot reserve the stack refuses the thread; the text is then refused
    // where it first needs more than this thread has left.
    stack::with_stack(stack::needed(openers), || parse_under_limit(rule, text))
        .unwrap_or_else(|| too_complex(stack::first_opener_past_this_stack(text)))
}

/// The outcome for a text too deep or complex to parse, stopped at byte `at`.
fn too_complex(at: usize) -> ParseOutcome {
    ParseOutcome { script: None, errors: vec![ParseError::TooComplex { span: Span::new(at, at).into() }] }
}

fn parse_under_limit(rule: Rule, text: &str) -> ParseOutcome {
    let limit = CALL_LIMIT.max(text.len().saturating_mul(CALLS_PER_BYTE));
    let set = |l: usize| pest::set_call_limit(std::num::NonZeroUsize::new(l));
    if limit == CALL_LIMIT {
        let _shared = LIMIT.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        set(CALL_LIMIT);
        parse_limited(rule, text)
    } else {
        let _alone = LIMIT.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        set(limit);
        let out = parse_limited(rule, text);
        set(CALL_LIMIT);
        out
    }
}

fn parse_limited(rule: Rule, text: &str) -> ParseOutcome {
    // Without `<<` there is no here-document: the grammar without pest's stack, which reads such
    // a text alike (grammar/heredocs.pest). A syntax error is described by the full grammar, so
    // that its words never depend on which one read the text.
    if let Some(plain) = rule.plain().filter(|_| !text.contains("<<")) {
        if let Ok(mut pairs) = PlainGrammar::parse(plain, text) {
            return built(pairs.next().expect("pest returns the top rule"));
        }
    }
    match ShellGrammar::parse(rule, text) {
        Ok(mut pairs) => built(pairs.next().expect("pest returns the top rule")),
        Err(e) => ParseOutcome { script: None, errors: vec![syntax_error(text, e, rule == Rule::program)] },
    }
}

/// The syntax tree of a parsed text.
fn built<R: ShellRule>(root: pest::iterators::Pair<'_, R>) -> ParseOutcome {
    let mut b = builder::Builder::new(&root);
    let body = b.program(root);
    if let Some(at) = b.too_deep {
        return too_complex(at.start);
    }
    ParseOutcome { script: Some(Script { body, non_posix: b.bashisms }), errors: b.errors }
}

/// Finds the first top-level command that does not parse on its own: its start offset.
fn broken_command_start(text: &str) -> Option<usize> {
    let mut off = 0;
    let mut prev_start = 0;
    while off < text.len() {
        match ShellGrammar::parse(Rule::leading_item, &text[off..]) {
            Ok(mut pairs) => {
                let consumed = item_end(pairs.next()?);
                if consumed == 0 {
                    return None;
                }
                prev_start = off + skip_blank_lines(&text[off..]);
                off += consumed;
            }
            Err(_) => {
                // `f() {` with a broken body parses as the command `f` followed by garbage: the
                // broken command is the one the previous item started, unless a separator ended it.
                let before = text[..off].trim_end_matches([' ', '\t']);
                if off > 0 && !before.ends_with(['\n', ';', '&']) {
                    return Some(prev_start);
                }
                return Some(off + skip_blank_lines(&text[off..]));
            }
        }
    }
    None
}

/// Where a top-level item ends: after its separator, or with its last command when none follows
/// (the chain's pair also holds the blanks and comment after it).
fn item_end(item: pest::iterators::Pair<'_, Rule>) -> usize {
    let end = item.as_span().end();
    let Some(chain) = item.into_inner().find(|p| p.as_rule() == Rule::and_or) else { return end };
    if chain.as_span().end() != end {
        return end;
    }
    let last_command = chain
        .into_inner()
        .filter(|p| p.as_rule() == Rule::pipeline)
        .last()
        .and_then(|pipeline| pipeline.into_inner().filter(|c| c.as_rule() == Rule::command).last());
    last_command.map_or(end, |c| c.as_span().end())
}

/// Bytes of blank lines, comment lines and indentation before the next command.
fn skip_blank_lines(rest: &str) -> usize {
    let mut skip = 0;
    for line in rest.split_inclusive('\n') {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            skip += line.len();
        } else {
            skip += line.len() - t.len();
            break;
        }
    }
    skip
}

/// Turns pest's error into a located diagnostic that names what the shell expected.
fn syntax_error(text: &str, e: pest::error::Error<Rule>, whole_program: bool) -> ParseError {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if let ErrorVariant::CustomError { message } = &e.variant {
        // pest's resource limits, the only custom errors this grammar produces.
        if message.contains("limit reached") {
            return ParseError::TooComplex { span: Span::new(pos, pos).into() };
        }
    }
    let (positives, _negatives) = match &e.variant {
        ErrorVariant::ParsingError { positives, negatives } => (positives.clone(), negatives.clone()),
        ErrorVariant::CustomError { .. } => (Vec::new(), Vec::new()),
    };
    let found = describe_found(text, pos);
    let expected = describe_expected(&positives);
    let start = if whole_program { broken_command_start(text).filter(|&s| s < pos) } else { None };
    let from = start.unwrap_or(0);
    let open = unclosed_construct(&text[from..pos.min(text.len())]).map(|o| Open {
        line: o.line + text[..from].matches('\n').count(),
        offset: o.offset + from,
        ..o
    });
    let (message, help) = explain(text, from, pos, open, &expected, &found);
    let width = next_token_len(text, pos);
    // Given up at the end of the file, the mistake is where the construct still open began: that
    // is the place to show first (GitHub and SARIF viewers annotate the first location only, and
    // the end of the file is often past the last line of a change).
    let opened = open.filter(|_| text[pos.min(text.len())..].trim().is_empty());
    let line_of = |offset: usize| text[..offset].matches('\n').count();
    let command = start
        .filter(|&s| opened.is_none_or(|o| line_of(o.offset) != line_of(s)))
        .map(|s| Span::new(s, s + next_token_len(text, s).max(1)).into());
    ParseError::Syntax {
        message,
        opened: opened.map(|o| Span::new(o.offset, o.offset + o.what.len()).into()),
        opened_label: opened.map(|o| o.label()).unwrap_or_default(),
        span: Span::new(pos, pos + width).into(),
        label: if expected.is_empty() { format!("unexpected {found}") } else { format!("expected {expected}") },
        command,
        help,
    }
}

/// A construct still open where the parser gave up: its opening token, the line it is on
/// (1-based) and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Open {
    what: &'static str,
    line: usize,
    offset: usize,
}

impl Open {
    /// What the label at the opening says.
    fn label(&self) -> String {
        match self.what {
            "\"" | "'" => "this quote is never closed".into(),
            "if" => "this `if` has no `fi`".into(),
            "case" => "this `case` has no `esac`".into(),
            "do" => "this `do` has no `done`".into(),
            "{" => "this `{` has no `}`".into(),
            _ => "this `(` has no `)`".into(),
        }
    }
}

fn next_token_len(text: &str, pos: usize) -> usize {
    let rest = &text[pos.min(text.len())..];
    match rest.chars().next() {
        None | Some('\n') => 0,
        Some(c) if c.is_alphanumeric() || c == '_' => {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len())
        }
        Some(c) => c.len_utf8(),
    }
}

fn describe_found(text: &str, pos: usize) -> String {
    let rest = &text[pos.min(text.len())..];
    match rest.chars().next() {
        None => "end of file".into(),
        Some('\n') => "end of line".into(),
        Some(_) => {
            let n = next_token_len(text, pos).max(1);
            format!("`{}`", &rest[..n])
        }
    }
}

/// What the grammar expected, in shell words rather than rule names.
fn describe_expected(positives: &[Rule]) -> String {
    let mut names: Vec<&str> = positives
        .iter()
        .filter_map(|r| match r {
            Rule::word | Rule::assign_value => Some("a word"),
            Rule::redirect => Some("a redirection"),
            Rule::do_group => Some("`do`"),
            Rule::compound_list | Rule::list | Rule::and_or | Rule::pipeline | Rule::command => Some("a command"),
            Rule::elif_part => Some("`elif`"),
            Rule::else_part => Some("`else`"),
            Rule::case_item => Some("a case pattern"),
            Rule::case_term => Some("`;;`"),
            Rule::sep_op => Some("`;` or `&`"),
            Rule::and_or_op => Some("`&&` or `||`"),
            Rule::pipe_op => Some("`|`"),
            Rule::heredoc_body => Some("a here-document body"),
            Rule::var_name => Some("a variable name"),
            Rule::param_op => Some("a `${…}` operator"),
            Rule::EOI => Some("end of file"),
            _ => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {}", names.join(", "), last)
        }
    }
}

/// A message and a help line; a construct opened between `from` and `pos` and never closed
/// (`open`) gets a specific hint.
fn explain(text: &str, from: usize, pos: usize, open: Option<Open>, expected: &str, found: &str) -> (String, String) {
    let base_line = text[..from].matches('\n').count();
    let open = open.map(|o| (o.what, o.line));
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("unexpected {found}, expected {expected}")
    };
    let help = match open {
        Some(("if", line)) => format!("the `if` on line {line} needs `then` and a closing `fi`"),
        Some(("case", line)) => {
            format!("the `case` on line {line} needs `in`, `;;` after each item and a closing `esac`")
        }
        Some(("do", line)) => format!("the loop on line {line} needs a closing `done`"),
        Some(("{", line)) => format!("the `{{` on line {line} needs a matching `}}` after a `;` or newline"),
        Some(("(", line)) => format!("the `(` on line {line} needs a matching `)`"),
        Some(("\"", line)) => match first_odd_quote_line(&text[from..pos.min(text.len())]) {
            Some(odd) if odd + base_line != line => format!(
                "a double quote is never closed: line {} has an odd number of `\"`, so everything after it is read as one string",
                odd + base_line
            ),
            _ => format!("the double quote opened on line {line} is never closed"),
        },
        Some(("'", line)) => format!("the single quote opened on line {line} is never closed"),
        _ => "check the quoting and the keywords around this point; `dash -n` reports the same error".into(),
    };
    (message, help)
}

/// A rough scan for the innermost construct still open at the error point, with its line and
/// offset in `before`.
fn unclosed_construct(before: &str) -> Option<Open> {
    let mut stack: Vec<Open> = Vec::new();
    let mut line = 1;
    let mut quote: Option<Open> = None;
    let mut word = String::new();
    let mut word_start = 0;
    // Whether the word being read is in command position, where reserved words count.
    let mut command_position = true;
    let mut chars = before.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if let Some(open) = quote {
            let q = if open.what == "\"" { '"' } else { '\'' };
            if c == '\\' && q == '"' {
                if chars.next().is_some_and(|(_, d)| d == '\n') {
                    line += 1;
                }
            } else if c == q {
                quote = None;
            }
            if c == '\n' {
                line += 1;
            }
            continue;
        }
        let ends_word = matches!(c, ' ' | '\t' | '\n' | ';' | '&' | '|' | '(' | ')');
        if ends_word || (c == '#' && word.is_empty()) {
            if !word.is_empty() {
                let open = Open { what: "", line, offset: word_start };
                command_position = command_position && reserved_effect(&word, &mut stack, open);
                word.clear();
            }
            match c {
                '#' => {
                    for (_, d) in chars.by_ref() {
                        if d == '\n' {
                            line += 1;
                            break;
                        }
                    }
                    command_position = true;
                }
                '\n' | ';' | '&' | '|' => {
                    line += usize::from(c == '\n');
                    command_position = true;
                }
                '(' => {
                    stack.push(Open { what: "(", line, offset: at });
                    command_position = true;
                }
                ')' => {
                    if let Some(i) = stack.iter().rposition(|o| o.what == "(") {
                        stack.truncate(i);
                    }
                    command_position = true;
                }
                _ => {}
            }
            continue;
        }
        match c {
            '\'' => quote = Some(Open { what: "'", line, offset: at }),
            '"' => quote = Some(Open { what: "\"", line, offset: at }),
            '\\' => {
                if chars.next().is_some_and(|(_, d)| d == '\n') {
                    line += 1;
                }
            }
            _ => {
                if word.is_empty() {
                    word_start = at;
                }
                word.push(c);
            }
        }
    }
    quote.or_else(|| stack.last().copied())
}

/// The first line (1-based) holding an odd number of unescaped `"`: usually where a quote was
/// forgotten, even though the shell only notices much later.
fn first_odd_quote_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let mut n = 0;
            let mut escaped = false;
            for c in l.chars() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => n += 1,
                    _ => escaped = false,
                }
                if c != '\\' {
                    escaped = false;
                }
            }
            n % 2 == 1
        })
        .map(|i| i + 1)
}

/// Applies a word in command position (`at`: its line and offset) to the stack; returns whether
/// the next word is still in command position (true after reserved words such as `if` and
/// `then`).
fn reserved_effect(word: &str, stack: &mut Vec<Open>, at: Open) -> bool {
    let close = |stack: &mut Vec<Open>, what: &str| {
        if let Some(i) = stack.iter().rposition(|o| o.what == what) {
            stack.truncate(i);
        }
    };
    match word {
        "if" | "case" | "do" | "{" => {
            let what = match word {
                "if" => "if",
                "case" => "case",
                "do" => "do",
                _ => "{",
            };
            stack.push(Open { what, ..at });
        }
        "fi" => close(stack, "if"),
        "esac" => close(stack, "case"),
        "done" => close(stack, "do"),
        "}" => close(stack, "{"),
        "then" | "else" | "elif" | "while" | "until" | "!" => {}
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests;
