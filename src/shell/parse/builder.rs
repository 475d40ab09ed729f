//! Turns pest's parse tree into the AST.

use std::collections::HashMap;

use pest::iterators::Pair;

use super::error::ParseError;
use super::grammar::{Rule, ShellRule};
use crate::core::source::Span;
use crate::shell::ast::*;

type P<'i, R> = Pair<'i, R>;

/// Builds AST nodes from pest pairs, collecting bash-only constructs and here-doc problems.
pub(super) struct Builder {
    /// Here-document bodies keyed by the start offset of their `<<` redirection.
    heredoc_bodies: HashMap<usize, (String, Span, bool)>,
    pub(super) bashisms: Vec<NonPosix>,
    pub(super) errors: Vec<ParseError>,
    /// Lists and word parts the one being built is nested in.
    depth: usize,
    /// Where nesting first went past `MAX_NESTING`.
    pub(super) too_deep: Option<Span>,
}

/// Lists and word parts nested in one another that the builder follows: about 100 levels of
/// `$(…)`, `{ … }` or `"${x:-…}"`, where no real script goes past 10. The grammar may nest
/// deeper (`stack` gives it the stack its openers can need) than building the tree (and later,
/// modelling and dropping it) can without overflowing a thread's stack in a release build.
const MAX_NESTING: usize = 200;

fn span<R: ShellRule>(p: &P<R>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

impl Builder {
    /// Prepares a builder for the tree under `root`, pairing here-doc bodies with redirections.
    pub(super) fn new<R: ShellRule>(root: &P<R>) -> Self {
        let mut b = Builder {
            heredoc_bodies: HashMap::new(),
            bashisms: Vec::new(),
            errors: Vec::new(),
            depth: 0,
            too_deep: None,
        };
        // Pairing walks every pair of the tree; without a `<<` in the text there is no
        // here-document to pair (most scripts). The plain grammar reads only such texts, so
        // its trees are not searched for one again.
        if R::HEREDOCS && root.as_str().contains("<<") {
            b.pair_heredocs(root);
        }
        b
    }

    fn pair_heredocs<R: ShellRule>(&mut self, root: &P<R>) {
        // Redirections in source order, each with its delimiter; bodies likewise. A body belongs
        // to the latest earlier redirection with the same delimiter that has no body yet.
        let mut redirs: Vec<(usize, String, Span, bool)> = Vec::new();
        let mut taken: Vec<bool> = Vec::new();
        for p in root.clone().into_inner().flatten() {
            match p.as_rule().kind() {
                Rule::heredoc_redirect => {
                    let delim = p
                        .clone()
                        .into_inner()
                        .flatten()
                        .find(|q| {
                            matches!(
                                q.as_rule().kind(),
                                Rule::heredoc_delim_text | Rule::heredoc_delim_text_sq | Rule::heredoc_delim_text_dq
                            )
                        })
                        .map(|q| q.as_str().to_string())
                        .unwrap_or_default();
                    let strip = p.as_str().starts_with("<<-");
                    redirs.push((p.as_span().start(), delim, span(&p), strip));
                    taken.push(false);
                }
                Rule::heredoc_body => {
                    let mut inner = p.clone().into_inner();
                    let text = inner.next().expect("heredoc_body has text");
                    let end = inner.next().expect("heredoc_body has an end line");
                    let indented = end.as_str().starts_with('\t');
                    let delim = end.as_str().trim_start_matches('\t');
                    if let Some(i) = (0..redirs.len()).rev().find(|&i| !taken[i] && redirs[i].1 == delim) {
                        taken[i] = true;
                        let (start, _, rspan, strip) = &redirs[i];
                        if indented && !strip {
                            self.errors.push(ParseError::IndentedHeredocEnd {
                                delimiter: delim.to_string(),
                                span: (*rspan).into(),
                            });
                        }
                        let body = if *strip {
                            text.as_str().split_inclusive('\n').map(|l| l.trim_start_matches('\t')).collect()
                        } else {
                            text.as_str().to_string()
                        };
                        self.heredoc_bodies.insert(*start, (body, span(&text), true));
                    }
                }
                _ => {}
            }
        }
        for (i, (_, delim, rspan, _)) in redirs.iter().enumerate() {
            if !taken[i] {
                self.errors.push(ParseError::UnterminatedHeredoc { delimiter: delim.clone(), span: (*rspan).into() });
            }
        }
    }

    fn bashism(&mut self, what: &'static str, span: Span) {
        self.bashisms.push(NonPosix { what, span });
    }

    /// `program` or `command_line` → list.
    pub(super) fn program<R: ShellRule>(&mut self, p: P<R>) -> List {
        let whole = span(&p);
        for c in p.into_inner() {
            if c.as_rule().kind() == Rule::list {
                return self.list(c);
            }
        }
        List { items: Vec::new(), span: whole }
    }

    /// Enters one more level of nesting; false (and the place recorded) when that is too many.
    fn enter(&mut self, at: Span) -> bool {
        if self.depth >= MAX_NESTING {
            self.too_deep.get_or_insert(at);
            return false;
        }
        self.depth += 1;
        true
    }

    fn list<R: ShellRule>(&mut self, p: P<R>) -> List {
        let whole = span(&p);
        if !self.enter(whole) {
            return List { items: Vec::new(), span: whole };
        }
        let list = self.list_items(p, whole);
        self.depth -= 1;
        list
    }

    /// A chain is backgrounded when the list goes on after it with `&`: the grammar reads the
    /// separator right after the chain's text, and in the grammar without here-documents the
    /// separator leaves no pair (`sep_op` is silent there).
    fn list_items<R: ShellRule>(&mut self, p: P<R>, whole: Span) -> List {
        let text = p.get_input().as_bytes();
        let children = p.into_inner();
        // Sized once from the pairs, not grown by doubling: chains, and in the full grammar their
        // `;` and `&`, and comments.
        let mut items: Vec<ListItem> = Vec::with_capacity(children.len());
        // Where the last chain's text ends, in the grammar and in the tree: a list without a
        // separator after its last chain ends where that chain's last command does.
        let mut last_chain_end = None;
        for c in children {
            if c.as_rule().kind() == Rule::and_or {
                let pair_end = c.as_span().end();
                let and_or = self.and_or(c);
                last_chain_end = Some((pair_end, and_or.span.end));
                let background = pair_end < whole.end && text.get(pair_end) == Some(&b'&');
                items.push(ListItem { and_or, background });
            }
        }
        let end = match last_chain_end {
            Some((pair_end, end)) if pair_end == whole.end => end,
            _ => whole.end,
        };
        List { items, span: Span::new(whole.start, end) }
    }

    fn compound_list<R: ShellRule>(&mut self, p: P<R>) -> List {
        let whole = span(&p);
        p.into_inner()
            .find(|c| c.as_rule().kind() == Rule::list)
            .map(|l| self.list(l))
            .unwrap_or(List { items: Vec::new(), span: whole })
    }

    /// A chain's pair also holds the blanks and comment after its last command (the grammar
    /// reads them once there rather than once for each operator that could follow): its span
    /// ends with its last pipeline. The operator before a pipeline is the text right after the
    /// previous pipeline's pair (`and_or_op` is silent in the grammar without here-documents).
    fn and_or<R: ShellRule>(&mut self, p: P<R>) -> AndOr {
        let text = p.get_input().as_bytes();
        let start = p.as_span().start();
        let mut first = None;
        let mut rest = Vec::new();
        let mut op = AndOrOp::And;
        for c in p.into_inner() {
            if c.as_rule().kind() == Rule::pipeline {
                let pair_end = c.as_span().end();
                let pl = self.pipeline(c);
                if first.is_none() {
                    first = Some(pl);
                } else {
                    rest.push((op, pl));
                }
                op = if text.get(pair_end) == Some(&b'|') { AndOrOp::Or } else { AndOrOp::And };
            }
        }
        let first: Pipeline = first.expect("and_or has a pipeline");
        let end = rest.last().map_or(first.span.end, |(_, last): &(AndOrOp, Pipeline)| last.span.end);
        AndOr { first, rest, span: Span::new(start, end) }
    }

    /// Like a chain's, a pipeline's pair holds the blanks and comment after its last command: its
    /// span ends with that command's text. `bang` and `pipe_op` are silent in the grammar without
    /// here-documents, so both are read from the text: only `!` (and the blanks after it) can
    /// come before the first command, and only blanks between a command and the `|` or `|&`
    /// after it (a comment would end the pipeline).
    ///
    /// `command` is silent there too: each command is then its kind's pair, followed, for a
    /// compound command, by its redirections' pairs.
    fn pipeline<R: ShellRule>(&mut self, p: P<R>) -> Pipeline {
        let whole = span(&p);
        let text = p.get_input().as_bytes();
        let mut end = whole.start;
        let mut negated = false;
        let children = p.into_inner();
        let mut commands = Vec::with_capacity(children.len());
        for c in children {
            let rule = c.as_rule().kind();
            let at = c.as_span();
            if rule == Rule::redirect {
                end = at.end();
                let r = self.redirect(c);
                if let Some(Command::Compound(_, redirects)) = commands.last_mut() {
                    redirects.push(r);
                }
                continue;
            }
            if !is_command(rule) {
                // Operators (full grammar), comments, here-document bodies.
                continue;
            }
            if commands.is_empty() {
                negated = at.start() > whole.start;
            } else {
                let op = after_blanks(text, end);
                if text.get(op..op + 2) == Some(b"|&") {
                    self.bashism("`|&` pipe", Span::new(op, op + 2));
                }
            }
            end = at.end();
            let command = if rule == Rule::command { self.command(c) } else { self.command_kind(c) };
            commands.push(command);
        }
        Pipeline { negated, commands, span: Span::new(whole.start, end) }
    }

    /// A `command` pair (the full grammar's): its kind, and a compound command's redirections.
    fn command<R: ShellRule>(&mut self, p: P<R>) -> Command {
        let mut inner = p.into_inner().filter(|c| c.as_rule().kind() != Rule::heredoc_body);
        let first = inner.next().expect("command has content");
        let mut command = self.command_kind(first);
        if let Command::Compound(_, redirects) = &mut command {
            for r in inner.filter(|c| c.as_rule().kind() == Rule::redirect) {
                redirects.push(self.redirect(r));
            }
        }
        command
    }

    /// A command from its kind's pair; a compound command without its redirections.
    fn command_kind<R: ShellRule>(&mut self, first: P<R>) -> Command {
        match first.as_rule().kind() {
            Rule::function_def => Command::FunctionDef(self.function_def(first)),
            Rule::simple_command | Rule::plain_command => Command::Simple(self.simple_command(first)),
            _ => Command::Compound(self.compound(first), Vec::new()),
        }
    }

    fn simple_command<R: ShellRule>(&mut self, p: P<R>) -> SimpleCommand {
        let whole = span(&p);
        let children = p.into_inner();
        // Most of a command's pairs are its words.
        let words = Vec::with_capacity(children.len());
        let mut cmd = SimpleCommand { assignments: Vec::new(), words, redirects: Vec::new(), span: whole };
        for c in children {
            match c.as_rule().kind() {
                Rule::assignment => {
                    let a = self.assignment(c);
                    cmd.assignments.push(a);
                }
                Rule::word => {
                    let w = self.word(c);
                    cmd.words.push(w);
                }
                Rule::array_assignment => {
                    // Kept as one opaque word: arrays have no static meaning rc2s6 could use.
                    let s = span(&c);
                    self.bashism("array assignment", s);
                    let text = c.as_str().to_string();
                    cmd.words
                        .push(Word { parts: vec![WordPart { kind: WordPartKind::Quoted(text), span: s }], span: s });
                }
                Rule::redirect => {
                    let r = self.redirect(c);
                    cmd.redirects.push(r);
                }
                _ => {}
            }
        }
        // dash's test knows only `=`; `==` is a bash and busybox extension.
        // Borrowed: a String made of every command's name cost an allocation per command.
        let is_test = cmd.words.first().and_then(Word::static_str).is_some_and(|w| w == "[" || w == "test");
        if is_test {
            for w in &cmd.words[1..] {
                if w.static_str().as_deref() == Some("==") && !w.has_quotes() {
                    self.bashism("`==` in `[`/`test` (dash knows only `=`)", w.span);
                }
            }
        }
        cmd
    }

    fn assignment<R: ShellRule>(&mut self, p: P<R>) -> Assignment {
        let whole = span(&p);
        let mut a = Assignment {
            name: String::new(),
            name_span: whole,
            index: None,
            append: false,
            value: AssignValue::Empty,
            span: whole,
        };
        for c in p.into_inner() {
            match c.as_rule().kind() {
                Rule::var_name => {
                    a.name = c.as_str().to_string();
                    a.name_span = span(&c);
                }
                Rule::array_index => {
                    self.bashism("array element assignment", span(&c));
                    a.index = Some(c.as_str()[1..c.as_str().len() - 1].to_string());
                }
                Rule::append => {
                    self.bashism("`+=` assignment", span(&c));
                    a.append = true;
                }
                Rule::array_value => {
                    let s = span(&c);
                    self.bashism("array assignment", s);
                    let words =
                        c.into_inner().filter(|w| w.as_rule().kind() == Rule::word).map(|w| self.word(w)).collect();
                    a.value = AssignValue::Array(words, s);
                }
                Rule::assign_value => a.value = AssignValue::Word(self.word(c)),
                _ => {}
            }
        }
        a
    }

    /// `word` or `assign_value` → Word.
    fn word<R: ShellRule>(&mut self, p: P<R>) -> Word {
        let whole = span(&p);
        let parts = self.parts(p, false);
        Word { parts, span: whole }
    }

    fn parts<R: ShellRule>(&mut self, p: P<R>, in_dquote: bool) -> Vec<WordPart> {
        let children = p.into_inner();
        let mut out: Vec<WordPart> = Vec::with_capacity(children.len());
        for c in children {
            if let Some(part) = self.part(c, in_dquote) {
                // Adjacent literal text merges so later stages see whole runs.
                if let (Some(last), WordPartKind::Literal(s)) = (out.last_mut(), &part.kind) {
                    if let WordPartKind::Literal(prev) = &mut last.kind {
                        if last.span.end == part.span.start {
                            prev.push_str(s);
                            last.span.end = part.span.end;
                            continue;
                        }
                    }
                }
                out.push(part);
            }
        }
        out
    }

    fn part<R: ShellRule>(&mut self, c: P<R>, in_dquote: bool) -> Option<WordPart> {
        if !self.enter(span(&c)) {
            return None;
        }
        let part = self.part_kind(c, in_dquote);
        self.depth -= 1;
        part
    }

    fn part_kind<R: ShellRule>(&mut self, c: P<R>, in_dquote: bool) -> Option<WordPart> {
        let s = span(&c);
        let kind = match c.as_rule().kind() {
            // Text inside `${x#pat}` stays pattern text even within double quotes; the expander
            // quotes it where the operator calls for a plain word.
            Rule::literal | Rule::literal_first | Rule::param_literal => WordPartKind::Literal(c.as_str().to_string()),
            Rule::dq_literal => WordPartKind::Quoted(c.as_str().to_string()),
            Rule::escaped | Rule::dq_escaped => WordPartKind::Quoted(c.as_str()[1..].to_string()),
            Rule::single_quoted => {
                let text = c.into_inner().next().map(|t| t.as_str().to_string()).unwrap_or_default();
                if in_dquote {
                    // Inside "${x:-'a'}" the single quotes are ordinary characters.
                    WordPartKind::Quoted(format!("'{text}'"))
                } else {
                    WordPartKind::Quoted(text)
                }
            }
            Rule::ansi_c_quoted => {
                self.bashism("`$'…'` quoting", s);
                let raw = c.into_inner().next().map(|t| t.as_str()).unwrap_or("");
                WordPartKind::AnsiC(decode_ansi_c(raw))
            }
            Rule::double_quoted => WordPartKind::DoubleQuoted(self.parts(c, true)),
            Rule::backquoted => {
                let raw = c.into_inner().next().map(|t| t.as_str()).unwrap_or("");
                WordPartKind::Backquoted(raw.to_string())
            }
            Rule::arith_expansion => {
                let raw = c.into_inner().next().map(|t| t.as_str()).unwrap_or("");
                WordPartKind::Arithmetic(raw.to_string())
            }
            Rule::command_subst => {
                let body = c.into_inner().next().expect("command_subst has a body");
                WordPartKind::CommandSubst(Box::new(self.subst_body(body)))
            }
            Rule::process_subst => {
                self.bashism("process substitution", s);
                let body = c.into_inner().next().expect("process_subst has a body");
                WordPartKind::ProcessSubst(Box::new(self.subst_body(body)))
            }
            Rule::param_simple => {
                let name = c.into_inner().next().map(|n| n.as_str().to_string()).unwrap_or_default();
                WordPartKind::Param(Box::new(ParamExpansion {
                    name,
                    form: ParamForm::Plain,
                    braced: false,
                    index: None,
                }))
            }
            Rule::lone_dollar => {
                if in_dquote {
                    WordPartKind::Quoted("$".into())
                } else {
                    WordPartKind::Literal("$".into())
                }
            }
            Rule::param_braced => WordPartKind::Param(Box::new(self.param_braced(c, in_dquote))),
            _ => return None,
        };
        Some(WordPart { kind, span: s })
    }

    fn subst_body<R: ShellRule>(&mut self, p: P<R>) -> List {
        let whole = span(&p);
        p.into_inner()
            .find(|c| c.as_rule().kind() == Rule::list)
            .map(|l| self.list(l))
            .unwrap_or(List { items: Vec::new(), span: whole })
    }

    fn param_braced<R: ShellRule>(&mut self, p: P<R>, in_dquote: bool) -> ParamExpansion {
        let inner = p.into_inner().next().expect("param_braced has content");
        let rule = inner.as_rule().kind();
        let inner_span = span(&inner);
        let mut name = String::new();
        let mut index = None;
        let mut op = None;
        let mut op_span = inner_span;
        let mut word = None;
        let mut invalid = None;
        for c in inner.into_inner() {
            match c.as_rule().kind() {
                Rule::param_name => name = c.as_str().to_string(),
                Rule::array_index => {
                    self.bashism("array subscript", span(&c));
                    index = Some(c.as_str()[1..c.as_str().len() - 1].to_string());
                }
                Rule::param_op => {
                    op_span = span(&c);
                    op = Some(param_op(c.as_str()));
                }
                Rule::param_word => {
                    let ws = span(&c);
                    let parts = self.parts(c, in_dquote);
                    word = Some(Word { parts, span: ws });
                }
                Rule::param_invalid => {
                    let ws = span(&c);
                    let parts = self.parts(c, in_dquote);
                    invalid = Some(Word { parts, span: ws });
                }
                _ => {}
            }
        }
        if let Some(o) = op {
            if o.is_bash_only() {
                self.bashism("bash-only parameter expansion", op_span);
            }
        }
        let op_word = op.map(|o| (o, word.unwrap_or(Word { parts: Vec::new(), span: op_span })));
        let form = match rule {
            _ if invalid.is_some() => ParamForm::Invalid(invalid.unwrap_or(Word { parts: Vec::new(), span: op_span })),
            Rule::param_length => ParamForm::Length,
            Rule::param_indirect => {
                self.bashism("`${!name}` indirection", inner_span);
                ParamForm::Indirect(op_word)
            }
            _ => match op_word {
                Some((o, w)) => ParamForm::Op(o, w),
                None => ParamForm::Plain,
            },
        };
        ParamExpansion { name, form, braced: true, index }
    }

    fn redirect<R: ShellRule>(&mut self, p: P<R>) -> Redirect {
        let whole = span(&p);
        let mut fd = None;
        let mut kind = None;
        for c in p.into_inner() {
            match c.as_rule().kind() {
                Rule::io_number => fd = c.as_str().parse().ok(),
                Rule::file_redirect => {
                    let mut it = c.into_inner();
                    let op = it.next().expect("file_redirect has an operator");
                    let target = it.next().expect("file_redirect has a target");
                    let ops = op.as_str().to_string();
                    let target = self.word(target);
                    if matches!(ops.as_str(), "&>" | "&>>" | "<<<") {
                        self.bashism("bash-only redirection", span(&op));
                    }
                    kind = Some(RedirectKind::File(ops, target));
                }
                Rule::heredoc_redirect => {
                    let start = c.as_span().start();
                    let strip_tabs = c.as_str().starts_with("<<-");
                    let mut quoted = false;
                    let mut delimiter = String::new();
                    for q in c.into_inner().flatten() {
                        match q.as_rule().kind() {
                            Rule::heredoc_delim_quoted => quoted = true,
                            Rule::heredoc_delim_text | Rule::heredoc_delim_text_sq | Rule::heredoc_delim_text_dq => {
                                delimiter = q.as_str().to_string()
                            }
                            _ => {}
                        }
                    }
                    let found = self.heredoc_bodies.remove(&start);
                    kind = Some(RedirectKind::HereDoc(HereDoc {
                        delimiter,
                        quoted,
                        strip_tabs,
                        body: found.as_ref().map(|f| f.0.clone()),
                        body_span: found.map(|f| f.1),
                    }));
                }
                _ => {}
            }
        }
        Redirect { fd, kind: kind.expect("redirect has a kind"), span: whole }
    }

    fn compound<R: ShellRule>(&mut self, p: P<R>) -> CompoundCommand {
        let whole = span(&p);
        let rule = p.as_rule().kind();
        let kids: Vec<P<R>> = p.into_inner().filter(|c| c.as_rule().kind() != Rule::heredoc_body).collect();
        let kind = match rule {
            Rule::brace_group => CompoundKind::BraceGroup(self.first_compound_list(kids)),
            Rule::subshell => CompoundKind::Subshell(self.first_compound_list(kids)),
            Rule::arith_command => {
                self.bashism("`(( ))` arithmetic command", whole);
                CompoundKind::Arithmetic(kids.first().map(|k| k.as_str().to_string()).unwrap_or_default())
            }
            Rule::if_clause => self.if_clause(kids),
            Rule::while_clause | Rule::until_clause => self.loop_clause(kids, rule == Rule::until_clause),
            Rule::for_clause => self.for_clause(kids, whole),
            Rule::case_clause => self.case_clause(kids),
            Rule::dbl_bracket => {
                self.bashism("`[[ ]]` test", whole);
                self.double_bracket(kids)
            }
            other => unreachable!("not a compound command: {other:?}"),
        };
        CompoundCommand { kind, span: whole }
    }

    fn if_clause<R: ShellRule>(&mut self, kids: Vec<P<R>>) -> CompoundKind {
        let mut branches = Vec::new();
        let mut else_body = None;
        let mut pending: Option<List> = None;
        for k in kids {
            match k.as_rule().kind() {
                Rule::compound_list => {
                    let l = self.compound_list(k);
                    match pending.take() {
                        None => pending = Some(l),
                        Some(cond) => branches.push((cond, l)),
                    }
                }
                Rule::elif_part => {
                    let mut lists = k.into_inner().filter(|x| x.as_rule().kind() == Rule::compound_list);
                    let c = lists.next().map(|x| self.compound_list(x)).unwrap_or_default();
                    let b = lists.next().map(|x| self.compound_list(x)).unwrap_or_default();
                    branches.push((c, b));
                }
                Rule::else_part => {
                    else_body = k
                        .into_inner()
                        .find(|x| x.as_rule().kind() == Rule::compound_list)
                        .map(|x| self.compound_list(x));
                }
                _ => {}
            }
        }
        CompoundKind::If { branches, else_body }
    }

    fn loop_clause<R: ShellRule>(&mut self, kids: Vec<P<R>>, until: bool) -> CompoundKind {
        let mut condition = List::default();
        let mut body = List::default();
        for k in kids {
            match k.as_rule().kind() {
                Rule::compound_list => condition = self.compound_list(k),
                Rule::do_group => body = self.first_compound_list(k.into_inner().collect()),
                _ => {}
            }
        }
        CompoundKind::Loop { until, condition, body }
    }

    fn for_clause<R: ShellRule>(&mut self, kids: Vec<P<R>>, whole: Span) -> CompoundKind {
        if kids.first().is_some_and(|k| k.as_rule().kind() == Rule::arith_for_header) {
            return self.arith_for(kids, whole);
        }
        let mut var = String::new();
        let mut var_span = whole;
        let mut words = None;
        let mut body = List::default();
        for k in kids {
            match k.as_rule().kind() {
                Rule::var_name => {
                    var = k.as_str().to_string();
                    var_span = span(&k);
                }
                Rule::for_in => {
                    words = Some(
                        k.into_inner().filter(|w| w.as_rule().kind() == Rule::word).map(|w| self.word(w)).collect(),
                    )
                }
                Rule::do_group => body = self.first_compound_list(k.into_inner().collect()),
                _ => {}
            }
        }
        CompoundKind::For { var, var_span, words, body }
    }

    /// `for ((init; cond; step))`: bash only, reported from `for` to the closing `))`.
    fn arith_for<R: ShellRule>(&mut self, kids: Vec<P<R>>, whole: Span) -> CompoundKind {
        let mut exprs = [String::new(), String::new(), String::new()];
        let mut header = whole;
        let mut body = List::default();
        for k in kids {
            match k.as_rule().kind() {
                Rule::arith_for_header => {
                    header = span(&k);
                    for (slot, e) in exprs.iter_mut().zip(k.into_inner()) {
                        *slot = e.as_str().to_string();
                    }
                }
                Rule::do_group => body = self.first_compound_list(k.into_inner().collect()),
                _ => {}
            }
        }
        self.bashism("`for ((…))` arithmetic loop", Span::new(whole.start, header.end));
        let [init, cond, step] = exprs;
        CompoundKind::ArithFor { init, cond, step, header, body }
    }

    fn case_clause<R: ShellRule>(&mut self, kids: Vec<P<R>>) -> CompoundKind {
        let mut word = None;
        let mut items = Vec::new();
        for k in kids {
            match k.as_rule().kind() {
                Rule::word => word = Some(self.word(k)),
                Rule::case_item => items.push(self.case_item(k)),
                _ => {}
            }
        }
        CompoundKind::Case { word: word.expect("case has a word"), items }
    }

    /// `[[ … ]]`: operators are kept as quoted words so the test evaluator reads them literally.
    fn double_bracket<R: ShellRule>(&mut self, kids: Vec<P<R>>) -> CompoundKind {
        let words = kids
            .into_iter()
            .map(|k| match k.as_rule().kind() {
                Rule::word => self.word(k),
                _ => {
                    let s = span(&k);
                    Word {
                        parts: vec![WordPart { kind: WordPartKind::Quoted(k.as_str().to_string()), span: s }],
                        span: s,
                    }
                }
            })
            .collect();
        CompoundKind::DoubleBracket(words)
    }

    fn first_compound_list<R: ShellRule>(&mut self, kids: Vec<P<R>>) -> List {
        kids.into_iter()
            .find(|k| k.as_rule().kind() == Rule::compound_list)
            .map(|k| self.compound_list(k))
            .unwrap_or_default()
    }

    fn case_item<R: ShellRule>(&mut self, p: P<R>) -> CaseItem {
        let whole = span(&p);
        let mut item = CaseItem { patterns: Vec::new(), body: None, terminator: None, span: whole };
        for k in p.into_inner() {
            match k.as_rule().kind() {
                Rule::pattern_list => {
                    item.patterns =
                        k.into_inner().filter(|w| w.as_rule().kind() == Rule::word).map(|w| self.word(w)).collect()
                }
                Rule::compound_list => item.body = Some(self.compound_list(k)),
                Rule::case_term => {
                    if k.as_str() != ";;" {
                        self.bashism("`;&` / `;;&` case terminator", span(&k));
                    }
                    item.terminator = Some(k.as_str().to_string());
                }
                _ => {}
            }
        }
        item
    }

    fn function_def<R: ShellRule>(&mut self, p: P<R>) -> FunctionDef {
        let whole = span(&p);
        let mut name = String::new();
        let mut name_span = whole;
        let mut body = None;
        for k in p.into_inner() {
            match k.as_rule().kind() {
                Rule::function_kw => self.bashism("`function` keyword", span(&k)),
                Rule::function_name => {
                    name = k.as_str().to_string();
                    name_span = span(&k);
                    if !is_posix_name(&name) {
                        self.bashism("function name that dash rejects", name_span);
                    }
                }
                Rule::function_body => {
                    let mut inner = k.into_inner().filter(|c| c.as_rule().kind() != Rule::heredoc_body);
                    let first = inner.next().expect("function_body has a command");
                    let redirects: Vec<Redirect> =
                        inner.filter(|c| c.as_rule().kind() == Rule::redirect).map(|r| self.redirect(r)).collect();
                    body = Some(if first.as_rule().kind() == Rule::simple_command {
                        self.bashism("function body that is not a compound command", span(&first));
                        Command::Simple(self.simple_command(first))
                    } else {
                        Command::Compound(self.compound(first), redirects)
                    });
                }
                _ => {}
            }
        }
        FunctionDef { name, name_span, body: std::sync::Arc::new(body.expect("function has a body")), span: whole }
    }
}

/// Whether a pair of a pipeline is a command: a `command` (the full grammar's) or, where that rule
/// is silent, one of the kinds it holds.
fn is_command(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::command
            | Rule::simple_command
            | Rule::plain_command
            | Rule::function_def
            | Rule::brace_group
            | Rule::if_clause
            | Rule::case_clause
            | Rule::for_clause
            | Rule::while_clause
            | Rule::arith_command
            | Rule::subshell
            | Rule::until_clause
            | Rule::dbl_bracket
    )
}

/// Where the blanks (the grammar's `blank`: spaces, tabs, line continuations) that start at
/// byte `at` of `text` end.
fn after_blanks(text: &[u8], mut at: usize) -> usize {
    loop {
        match text.get(at..) {
            Some([b' ' | b'\t', ..]) => at += 1,
            Some([b'\\', b'\n', ..]) => at += 2,
            _ => return at,
        }
    }
}

/// Whether `s` is a POSIX name: what dash accepts as a variable or function name.
pub fn is_posix_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn param_op(s: &str) -> ParamOp {
    match s {
        ":-" => ParamOp::Default { colon: true },
        "-" => ParamOp::Default { colon: false },
        ":=" => ParamOp::Assign { colon: true },
        "=" => ParamOp::Assign { colon: false },
        ":?" => ParamOp::Error { colon: true },
        "?" => ParamOp::Error { colon: false },
        ":+" => ParamOp::Alternative { colon: true },
        "+" => ParamOp::Alternative { colon: false },
        "#" => ParamOp::RemovePrefix { longest: false },
        "##" => ParamOp::RemovePrefix { longest: true },
        "%" => ParamOp::RemoveSuffix { longest: false },
        "%%" => ParamOp::RemoveSuffix { longest: true },
        "/" => ParamOp::Replace { all: false, anchor: None },
        "//" => ParamOp::Replace { all: true, anchor: None },
        "/#" => ParamOp::Replace { all: false, anchor: Some('#') },
        "/%" => ParamOp::Replace { all: false, anchor: Some('%') },
        ":" => ParamOp::Substring,
        "^" => ParamOp::Case { upper: true, all: false },
        "^^" => ParamOp::Case { upper: true, all: true },
        "," => ParamOp::Case { upper: false, all: false },
        _ => ParamOp::Case { upper: false, all: true },
    }
}

/// Decodes the escapes of bash's `$'…'`.
fn decode_ansi_c(raw: &str) -> String {
    let mut out = String::new();
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') | Some('E') => out.push('\x1b'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some(d @ '0'..='7') => {
                let mut v = d.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|c| c.to_digit(8)) {
                        Some(x) => {
                            v = v * 8 + x;
                            it.next();
                        }
                        None => break,
                    }
                }
                if let Some(ch) = char::from_u32(v) {
                    out.push(ch);
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
