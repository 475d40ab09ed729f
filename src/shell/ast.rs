//! The syntax tree of a shell script; every node carries the span it was parsed from.

use std::borrow::Cow;

use crate::core::source::Span;

/// A parsed script (or a command line re-parsed the way `eval` would).
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Top-level commands in order.
    pub body: List,
    /// Constructs outside POSIX sh met while parsing, for lint.
    pub non_posix: Vec<NonPosix>,
}

/// Commands separated by `;`, `&` or newlines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List {
    /// The items in order.
    pub items: Vec<ListItem>,
    /// Where the list is.
    pub span: Span,
}

/// One `&&`/`||` chain and whether it was sent to the background.
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// The chain.
    pub and_or: AndOr,
    /// `true` for `cmd &`.
    pub background: bool,
}

/// Pipelines joined by `&&` and `||`.
#[derive(Debug, Clone, PartialEq)]
pub struct AndOr {
    /// The first pipeline.
    pub first: Pipeline,
    /// The rest, each with the operator before it.
    pub rest: Vec<(AndOrOp, Pipeline)>,
    /// Where the chain is.
    pub span: Span,
}

/// `&&` or `||`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AndOrOp {
    /// `&&`
    And,
    /// `||`
    Or,
}

/// Commands joined by `|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// `! cmd`.
    pub negated: bool,
    /// The commands, left to right.
    pub commands: Vec<Command>,
    /// Where the pipeline is.
    pub span: Span,
}

/// One command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Assignments, words and redirections.
    Simple(SimpleCommand),
    /// `if`, loops, groups …, with redirections applied to the whole.
    Compound(CompoundCommand, Vec<Redirect>),
    /// `name() { … }`.
    FunctionDef(FunctionDef),
}

impl Command {
    /// Where the command is.
    pub fn span(&self) -> Span {
        match self {
            Command::Simple(c) => c.span,
            Command::Compound(c, _) => c.span,
            Command::FunctionDef(f) => f.span,
        }
    }
}

/// `a=1 cmd arg >file`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleCommand {
    /// Assignments before the command name.
    pub assignments: Vec<Assignment>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    /// Redirections anywhere in the command.
    pub redirects: Vec<Redirect>,
    /// Where the command is.
    pub span: Span,
}

/// `name=value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The variable name.
    pub name: String,
    /// Where the name is.
    pub name_span: Span,
    /// `name[i]=` (bash).
    pub index: Option<String>,
    /// `name+=` (bash).
    pub append: bool,
    /// The value; `None` for `name=`.
    pub value: AssignValue,
    /// Where the whole assignment is.
    pub span: Span,
}

/// The right-hand side of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum AssignValue {
    /// `name=` with nothing after.
    Empty,
    /// `name=word`.
    Word(Word),
    /// `name=(a b c)` (bash).
    Array(Vec<Word>, Span),
}

/// A shell word: literal text, quotes and expansions.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The pieces in order.
    pub parts: Vec<WordPart>,
    /// Where the word is.
    pub span: Span,
}

/// One piece of a word.
#[derive(Debug, Clone, PartialEq)]
pub struct WordPart {
    /// What the piece is.
    pub kind: WordPartKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of word pieces.
#[derive(Debug, Clone, PartialEq)]
pub enum WordPartKind {
    /// Unquoted text.
    Literal(String),
    /// Text that quoting made literal: `'…'`, `\c`, and literal text inside `"…"`.
    Quoted(String),
    /// `"…"`.
    DoubleQuoted(Vec<WordPart>),
    /// `$x`, `${x…}`.
    Param(Box<ParamExpansion>),
    /// `$(…)`.
    CommandSubst(Box<List>),
    /// `` `…` ``, as its raw text.
    Backquoted(String),
    /// `$((…))`, as its raw text.
    Arithmetic(String),
    /// `$'…'` (bash), with escapes already decoded.
    AnsiC(String),
    /// `<(…)` / `>(…)` (bash).
    ProcessSubst(Box<List>),
}

/// A parameter expansion.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamExpansion {
    /// The parameter: a variable name, a digit string or a special character.
    pub name: String,
    /// How the value is used.
    pub form: ParamForm,
    /// Written `${…}` rather than `$name`.
    pub braced: bool,
    /// `${a[i]}` (bash).
    pub index: Option<String>,
}

/// What a parameter expansion does with the value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamForm {
    /// `$x`, `${x}`.
    Plain,
    /// `${#x}`.
    Length,
    /// `${!x}` (bash indirection), possibly with an operator.
    Indirect(Option<(ParamOp, Word)>),
    /// `${x OP word}`.
    Op(ParamOp, Word),
    /// `${x…}` followed by text that is not an operator (`${!prefix*}`, a template's `${@X@}`):
    /// what comes after the name, which the shell only rejects or interprets at run time.
    Invalid(Word),
}

/// The operator inside `${x OP word}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamOp {
    /// `:-` (`colon` true) or `-`.
    Default { colon: bool },
    /// `:=` or `=`.
    Assign { colon: bool },
    /// `:?` or `?`.
    Error { colon: bool },
    /// `:+` or `+`.
    Alternative { colon: bool },
    /// `#` (`longest` false) or `##`.
    RemovePrefix { longest: bool },
    /// `%` or `%%`.
    RemoveSuffix { longest: bool },
    /// `/`, `//`, `/#`, `/%` (bash): all occurrences, or anchored at the start or end.
    Replace { all: bool, anchor: Option<char> },
    /// `^`, `^^`, `,`, `,,` (bash).
    Case { upper: bool, all: bool },
    /// `:offset:length` (bash).
    Substring,
}

impl ParamOp {
    /// Whether the operator exists only in bash.
    pub fn is_bash_only(self) -> bool {
        matches!(self, ParamOp::Replace { .. } | ParamOp::Case { .. } | ParamOp::Substring)
    }
}

/// A redirection.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The file descriptor number written before the operator.
    pub fd: Option<u32>,
    /// The operator and its target.
    pub kind: RedirectKind,
    /// Where it is.
    pub span: Span,
}

/// Redirection operators.
#[derive(Debug, Clone, PartialEq)]
pub enum RedirectKind {
    /// `<`, `>`, `>>`, `>&`, `<&`, `<>`, `>|`, `&>`, `&>>`, `<<<`, with the target word.
    File(String, Word),
    /// `<<DELIM` / `<<-DELIM` and the body.
    HereDoc(HereDoc),
}

/// A here-document.
#[derive(Debug, Clone, PartialEq)]
pub struct HereDoc {
    /// The delimiter, unquoted.
    pub delimiter: String,
    /// The delimiter was quoted, so the body is not expanded.
    pub quoted: bool,
    /// `<<-`: leading tabs are stripped.
    pub strip_tabs: bool,
    /// The body text; `None` if no delimiter line ever came.
    pub body: Option<String>,
    /// Where the body is.
    pub body_span: Option<Span>,
}

/// Compound commands.
#[derive(Debug, Clone, PartialEq)]
pub struct CompoundCommand {
    /// Which one.
    pub kind: CompoundKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of compound commands.
#[derive(Debug, Clone, PartialEq)]
pub enum CompoundKind {
    /// `{ list; }`.
    BraceGroup(List),
    /// `( list )`.
    Subshell(List),
    /// `if … then … elif … else … fi`: (condition, body) pairs and an else part.
    If { branches: Vec<(List, List)>, else_body: Option<List> },
    /// `while`/`until cond; do body; done`.
    Loop { until: bool, condition: List, body: List },
    /// `for var in words; do body; done`; `words` is `None` for `for var; do`.
    For { var: String, var_span: Span, words: Option<Vec<Word>>, body: List },
    /// `for ((init; cond; step)); do body; done` (bash): the three expressions as raw text (each
    /// possibly empty) and the span of `((…))`.
    ArithFor { init: String, cond: String, step: String, header: Span, body: List },
    /// `case word in … esac`.
    Case { word: Word, items: Vec<CaseItem> },
    /// `[[ … ]]` (bash), as its words.
    DoubleBracket(Vec<Word>),
    /// `(( … ))` (bash), as raw text.
    Arithmetic(String),
}

/// One `pattern) body ;;` of a `case`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseItem {
    /// The patterns joined by `|`.
    pub patterns: Vec<Word>,
    /// The body, if any.
    pub body: Option<List>,
    /// `;;`, `;&` or `;;&`, if written.
    pub terminator: Option<String>,
    /// Where the item is.
    pub span: Span,
}

/// A function definition.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    /// The name.
    pub name: String,
    /// Where the name is.
    pub name_span: Span,
    /// The body: a compound command, or a simple one (which only dash accepts). Shared: the
    /// interpreter keeps each function it defines, and copying the body was 1.6% of a lint.
    pub body: std::sync::Arc<Command>,
    /// Where the whole definition is.
    pub span: Span,
}

/// A construct outside POSIX sh (bash-only, or accepted only by dash) and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct NonPosix {
    /// What it is, in words (`[[ ]]`, `function` keyword …).
    pub what: &'static str,
    /// Where it is.
    pub span: Span,
}

impl Word {
    /// The word's text if it is made only of literal and quoted text (no expansions).
    pub fn static_text(&self) -> Option<String> {
        self.static_str().map(Cow::into_owned)
    }

    /// [`Word::static_text`], borrowed from the tree when the word is one literal or quoted part
    /// (most command names and arguments): callers that only look at the text copy nothing.
    pub fn static_str(&self) -> Option<Cow<'_, str>> {
        if let [p] = self.parts.as_slice() {
            if let WordPartKind::Literal(s) | WordPartKind::Quoted(s) | WordPartKind::AnsiC(s) = &p.kind {
                return Some(Cow::Borrowed(s));
            }
        }
        let mut out = String::new();
        fn walk(parts: &[WordPart], out: &mut String) -> bool {
            for p in parts {
                match &p.kind {
                    WordPartKind::Literal(s) | WordPartKind::Quoted(s) | WordPartKind::AnsiC(s) => out.push_str(s),
                    WordPartKind::DoubleQuoted(inner) => {
                        if !walk(inner, out) {
                            return false;
                        }
                    }
                    _ => return false,
                }
            }
            true
        }
        walk(&self.parts, &mut out).then_some(Cow::Owned(out))
    }

    /// Whether any part is quoted (so the word never disappears in expansion).
    pub fn has_quotes(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p.kind, WordPartKind::Quoted(_) | WordPartKind::DoubleQuoted(_) | WordPartKind::AnsiC(_)))
    }
}

/// Walks every command of a list, including nested ones, calling `f` on each.
pub fn walk_commands<'a>(list: &'a List, f: &mut dyn FnMut(&'a Command)) {
    for item in &list.items {
        walk_and_or(&item.and_or, f);
    }
}

fn walk_and_or<'a>(ao: &'a AndOr, f: &mut dyn FnMut(&'a Command)) {
    for pl in std::iter::once(&ao.first).chain(ao.rest.iter().map(|(_, p)| p)) {
        for c in &pl.commands {
            walk_command(c, f);
        }
    }
}

/// Walks a command and every command nested in it, calling `f` on each.
pub fn walk_command<'a>(c: &'a Command, f: &mut dyn FnMut(&'a Command)) {
    f(c);
    match c {
        Command::Simple(_) => {}
        Command::Compound(cc, _) => walk_compound(cc, f),
        Command::FunctionDef(fd) => walk_command(&fd.body, f),
    }
}

fn walk_compound<'a>(cc: &'a CompoundCommand, f: &mut dyn FnMut(&'a Command)) {
    match &cc.kind {
        CompoundKind::BraceGroup(l) | CompoundKind::Subshell(l) => walk_commands(l, f),
        CompoundKind::If { branches, else_body } => {
            for (c, b) in branches {
                walk_commands(c, f);
                walk_commands(b, f);
            }
            if let Some(e) = else_body {
                walk_commands(e, f);
            }
        }
        CompoundKind::Loop { condition, body, .. } => {
            walk_commands(condition, f);
            walk_commands(body, f);
        }
        CompoundKind::For { body, .. } | CompoundKind::ArithFor { body, .. } => walk_commands(body, f),
        CompoundKind::Case { items, .. } => {
            for it in items {
                if let Some(b) = &it.body {
                    walk_commands(b, f);
                }
            }
        }
        CompoundKind::DoubleBracket(_) | CompoundKind::Arithmetic(_) => {}
    }
}
