//! Word expansion as dash performs it: parameters, quote removal, field splitting, and a note
//! wherever the result depends on something only known at run time.

use crate::core::source::{FileId, Span};
use crate::shell::ast::{ParamExpansion, ParamForm, ParamOp, Word, WordPart, WordPartKind};

use super::arithmetic;
use super::at_start::{AtStart, has_marker};
use super::budget::Budget;
use super::environment::Environment;
use super::pattern::Pattern;
use super::value::{Loc, ShellValue, Uncertainty};

mod pure_utility;
use super::status::Status;
pub use pure_utility::{FunctionOutput, ScriptFunctions};

/// A piece of expanded text and how later steps treat it.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    /// Quoted text: never split, never a pattern.
    quoted: bool,
    /// The unquoted result of an expansion: subject to field splitting.
    split: bool,
    /// Ends the current field here (between the words of a quoted `"$@"`).
    field_break: bool,
}

impl Piece {
    fn new(text: impl Into<String>, quoted: bool, split: bool) -> Piece {
        Piece { text: text.into(), quoted, split, field_break: false }
    }
}

/// One field after splitting.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The text.
    pub text: String,
    /// An unquoted `*`, `?` or `[` is left, so pathname expansion would apply at run time.
    pub glob: bool,
    /// The word the field came from.
    pub span: Span,
}

/// The fields a list of words expands to.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    /// The fields in order.
    pub fields: Vec<Field>,
    /// What could make them differ at run time.
    pub uncertain: Vec<Uncertainty>,
}

/// One word's share of the fields a list of words expands to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordShare {
    /// How many of the fields, in order, the word made (none for an empty unquoted `$x`).
    pub count: usize,
    /// What makes the word's fields inexact, as noted while it was expanded.
    pub uncertain: Vec<Uncertainty>,
    /// Where the word is.
    pub span: Span,
}

impl Fields {
    /// The texts of the fields.
    pub fn texts(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.text.clone()).collect()
    }

    /// The texts of the fields, taken out, and what could make them differ.
    pub fn into_texts(self) -> (Vec<String>, Vec<Uncertainty>) {
        (self.fields.into_iter().map(|f| f.text).collect(), self.uncertain)
    }
}

/// Expands words against an environment; `${x:=y}` assigns as it goes.
pub struct Expander<'e> {
    env: &'e mut Environment,
    file: FileId,
    uncertain: Vec<Uncertainty>,
    /// `$1`, `$2`…: known inside functions OpenRC calls (none) and in calls rc2s6 follows.
    positional: Option<&'e [String]>,
    /// Bytes of parameter values the word being expanded has taken so far, for the budget.
    produced: usize,
    /// The functions the script defines, where known: without them no substitution is computed
    /// (a function may shadow the utility).
    functions: Option<Box<dyn ScriptFunctions + 'e>>,
    /// The exit status of the last substitution computed here (an assignment's status).
    subst_status: Option<Status>,
    /// The text is a value expanded before (`eval`'s second pass), whose markers are its own.
    markers_are_values: bool,
    /// What makes the word being expanded inexact, when the caller wants each word's own
    /// ([`Expander::fields_by_word`]): `uncertain` holds each thing once for all the words.
    word_uncertain: Option<Vec<Uncertainty>>,
}

impl<'e> Expander<'e> {
    /// An expander for words of file `file`.
    pub fn new(env: &'e mut Environment, file: FileId) -> Self {
        Expander {
            env,
            file,
            uncertain: Vec::new(),
            positional: None,
            produced: 0,
            functions: None,
            subst_status: None,
            markers_are_values: false,
            word_uncertain: None,
        }
    }

    /// The same, for text that is a value already expanded (what `eval` parses again): the
    /// markers in it stand for values computed at start, checked where the value was made.
    pub fn over_values(mut self) -> Self {
        self.markers_are_values = true;
        self
    }

    /// The same, with known positional parameters.
    pub fn with_positional(mut self, params: Option<&'e [String]>) -> Self {
        self.positional = params;
        self
    }

    /// The same, knowing which functions the script defines, so that `$(dirname X)` and
    /// `$(basename X)` can be computed.
    pub fn with_functions(mut self, functions: Box<dyn ScriptFunctions + 'e>) -> Self {
        self.functions = Some(functions);
        self
    }

    /// The exit status of the last command substitution this expander computed, if any: an
    /// assignment alone takes it as its own (XCU 2.9.1).
    pub fn subst_status(&self) -> Option<Status> {
        self.subst_status
    }

    fn loc(&self, span: Span) -> Loc {
        Loc { file: self.file, span }
    }

    /// Spends `bytes` more of the word being expanded at `span` from the service's budget;
    /// `false` when a limit is reached (the expansion then makes nothing more).
    fn charge(&mut self, bytes: usize, span: Span) -> bool {
        let loc = self.loc(span);
        spend_for_word(&mut self.produced, &self.env.budget, bytes, loc)
    }

    fn note(&mut self, u: Uncertainty) {
        if let Some(word) = &mut self.word_uncertain {
            if !word.contains(&u) {
                word.push(u.clone());
            }
        }
        if !self.uncertain.contains(&u) {
            self.uncertain.push(u);
        }
    }

    /// Expands a word without field splitting (assignment values, `case` words, redirections).
    pub fn string(&mut self, word: &Word) -> ShellValue {
        self.produced = 0;
        let pieces = self.parts(&word.parts, false);
        // Where no field splitting follows, dash joins `"$@"`'s parameters as it joins `"$*"`'s:
        // with the first character of IFS (none when IFS is empty).
        // IFS is read only where there is such a join (most words have none).
        let text = if pieces.iter().any(|p| p.field_break) {
            let sep = self.ifs_first();
            pieces.into_iter().map(|p| if p.field_break { sep.clone() } else { p.text }).collect()
        } else {
            pieces.into_iter().map(|p| p.text).collect()
        };
        ShellValue { text, uncertain: std::mem::take(&mut self.uncertain) }
    }

    /// Expands a pattern word (`case` patterns, `${x#pat}`) into a compiled pattern.
    pub fn pattern(&mut self, word: &Word) -> (Pattern, Vec<Uncertainty>) {
        self.produced = 0;
        let pattern = self.pattern_within(word);
        (pattern, std::mem::take(&mut self.uncertain))
    }

    /// A pattern inside an expansion under way (`${x#pat}`): what makes it uncertain stays
    /// with that expansion. (Taking the expansion's list here lost what came before it.)
    fn pattern_within(&mut self, word: &Word) -> Pattern {
        let pieces = self.parts(&word.parts, false);
        let marked: Vec<(char, bool)> =
            pieces.iter().flat_map(|p| p.text.chars().map(move |c| (c, p.quoted))).collect();
        Pattern::new(&marked)
    }

    /// Expands command words into fields: expansion, field splitting, glob detection.
    pub fn fields(&mut self, words: &[Word]) -> Fields {
        let ifs = self.ifs();
        let mut out = Fields { fields: Vec::with_capacity(words.len()), uncertain: Vec::new() };
        for w in words {
            self.produced = 0;
            if let Some(field) = self.lone_text(w) {
                out.fields.push(field);
                continue;
            }
            let pieces = self.parts(&w.parts, false);
            split_into(pieces, &ifs, w.span, &mut out.fields);
        }
        out.uncertain = std::mem::take(&mut self.uncertain);
        out
    }

    /// [`fields`](Self::fields), with each word's share: how many fields it made and what makes
    /// them inexact, so that a caller can tell the words it uses from the others without
    /// expanding them again.
    pub fn fields_by_word(&mut self, words: &[Word]) -> (Fields, Vec<WordShare>) {
        let ifs = self.ifs();
        let mut out = Fields { fields: Vec::with_capacity(words.len()), uncertain: Vec::new() };
        let mut shares = Vec::with_capacity(words.len());
        for w in words {
            self.produced = 0;
            self.word_uncertain = Some(Vec::new());
            let before = out.fields.len();
            match self.lone_text(w) {
                Some(field) => out.fields.push(field),
                None => {
                    let pieces = self.parts(&w.parts, false);
                    split_into(pieces, &ifs, w.span, &mut out.fields);
                }
            }
            let uncertain = self.word_uncertain.take().unwrap_or_default();
            shares.push(WordShare { count: out.fields.len() - before, uncertain, span: w.span });
        }
        out.uncertain = std::mem::take(&mut self.uncertain);
        (out, shares)
    }

    /// The one field of a word that is a single literal or quoted piece (most command words),
    /// made as [`split_into`] makes it from that piece, without the list of pieces and the walk
    /// over them: such a piece is never split, so it is the field whole. `None` for other words.
    fn lone_text(&mut self, word: &Word) -> Option<Field> {
        let [part] = word.parts.as_slice() else { return None };
        let (text, quoted) = match &part.kind {
            WordPartKind::Literal(s) => (s, false),
            WordPartKind::Quoted(s) => (s, true),
            _ => return None,
        };
        self.no_marker_in_script(text, part.span);
        Some(Building::from_text(text.clone(), !quoted).finish(word.span))
    }

    /// Splits already-expanded text the way an unquoted `$var` is split (used for `eval`'s
    /// first pass over `$command_args`).
    pub fn split_text(&mut self, value: &str, span: Span) -> Vec<Field> {
        let ifs = self.ifs();
        let mut fields = Vec::new();
        split_into(vec![Piece::new(value, false, true)], &ifs, span, &mut fields);
        fields
    }

    /// The first character of IFS, which joins `$*`: a space when IFS is unset.
    fn ifs_first(&self) -> String {
        self.ifs().chars().next().map(String::from).unwrap_or_default()
    }

    /// IFS: a copy only when the script sets it (the default is no allocation, for every command).
    fn ifs(&self) -> std::borrow::Cow<'static, str> {
        match self.env.get("IFS") {
            Some(v) if v.value.is_exact() => v.value.text.clone().into(),
            _ => " \t\n".into(),
        }
    }

    fn parts(&mut self, parts: &[WordPart], in_dq: bool) -> Vec<Piece> {
        // Most parts make one piece.
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            self.part(p, in_dq, &mut out);
        }
        out
    }

    fn part(&mut self, p: &WordPart, in_dq: bool, out: &mut Vec<Piece>) {
        match &p.kind {
            WordPartKind::Literal(s) => {
                self.no_marker_in_script(s, p.span);
                out.push(Piece::new(s.clone(), in_dq, false))
            }
            WordPartKind::Quoted(s) => {
                self.no_marker_in_script(s, p.span);
                out.push(Piece::new(s.clone(), true, false))
            }
            WordPartKind::AnsiC(s) => {
                // openrc-run's shell is /bin/sh: dash (Debian) reads `$'x\ny'` as `$`, then
                // 'x\ny' quoted (`$x\ny`); busybox ash (Alpine) and bash decode it (`x`,
                // newline, `y`). Which one runs is the machine's, not the script's.
                self.note(Uncertainty::Runtime {
                    what:
                        "`$'…'` (dash, Debian's /bin/sh, keeps the `$` and the backslashes; busybox ash decodes them)"
                            .into(),
                    loc: self.loc(p.span),
                });
                self.no_marker_in_script(s, p.span);
                out.push(Piece::new(s.clone(), true, false))
            }
            WordPartKind::DoubleQuoted(inner) => {
                // `"$@"` with no parameters is no word at all.
                let lone_at = matches!(inner.as_slice(), [WordPart { kind: WordPartKind::Param(pe), .. }]
                    if pe.name == "@" && pe.form == ParamForm::Plain);
                if lone_at && self.positional.is_some_and(|p| p.is_empty()) {
                    return;
                }
                // An empty "" still makes a field, so it contributes an empty quoted piece.
                // The inner parts' pieces go straight into `out`, room made for one each.
                out.reserve(inner.len() + 1);
                out.push(Piece::new("", true, false));
                let from = out.len();
                for q in inner {
                    self.part(q, true, out);
                }
                for q in &mut out[from..] {
                    (q.quoted, q.split) = (true, false);
                }
            }
            WordPartKind::Param(pe) => {
                let pieces = self.param(pe, p.span, in_dq);
                out.extend(pieces);
            }
            WordPartKind::CommandSubst(list) => match self.pure_subst(list) {
                Some(text) => out.push(Piece::new(text, in_dq, !in_dq)),
                None => {
                    let at_start = self.at_start_subst(list);
                    self.substitution_at_start(at_start, p.span, in_dq, out);
                }
            },
            WordPartKind::Backquoted(text) => {
                let at_start = self.at_start_backquoted(text);
                self.substitution_at_start(at_start, p.span, in_dq, out);
            }
            WordPartKind::ProcessSubst(_) => {
                self.note(Uncertainty::Runtime { what: "process substitution".into(), loc: self.loc(p.span) });
                out.push(Piece::new("", true, false));
            }
            WordPartKind::Arithmetic(text) => {
                let expanded = self.arith_text(text, p.span);
                match expanded.and_then(|t| arithmetic::evaluate(&t, self.env)) {
                    Some(v) => out.push(Piece::new(v.to_string(), in_dq, !in_dq)),
                    None => {
                        self.note(Uncertainty::Arithmetic(self.loc(p.span)));
                        out.push(Piece::new("0", in_dq, !in_dq));
                    }
                }
            }
        }
    }

    /// The output of `$(dirname X)`, `$(basename X [SUFFIX])` or `$(f ARGS)` for a function of
    /// the script whose output is known, when every word is known and (for the utilities) no
    /// function shadows them; `None` otherwise (the substitution stays unknowable). The words are
    /// expanded in a copy of the variables: a substitution runs in a subshell, so `${x:=y}` there
    /// assigns nothing outside (XCU 2.6.3, 2.12).
    fn pure_subst(&mut self, list: &crate::shell::ast::List) -> Option<String> {
        let (sc, program) = pure_utility::lone_command(list)?;
        let functions = self.functions.as_deref()?;
        let is_function = functions.defines(program);
        if !is_function && !pure_utility::is_pure(program) {
            return None;
        }
        let mut subshell = self.env.clone();
        let fields = Expander::new(&mut subshell, self.file).with_positional(self.positional).fields(&sc.words[1..]);
        // An unset variable is assumed empty, as everywhere (and noted); anything unknowable or a
        // pattern left for pathname expansion is not computed.
        if fields.uncertain.iter().any(Uncertainty::is_unknowable) || fields.fields.iter().any(|f| f.glob) {
            return None;
        }
        let (out, status, assumed) = if is_function {
            let run = functions.output(&subshell, self.file, program, &fields.texts())?;
            // The shell removes every trailing newline of a substitution's output (XCU 2.6.3).
            (run.text.trim_end_matches('\n').to_string(), run.status, run.assumed)
        } else {
            (pure_utility::output(program, &fields.texts())?, Status::True, Vec::new())
        };
        for u in fields.uncertain.into_iter().chain(assumed) {
            self.note(u);
        }
        self.subst_status = Some(status);
        self.charge(out.len(), sc.span).then_some(out)
    }

    /// A substitution's output: a marker when a run script can compute it at start (see
    /// [`at_start`]), else unknowable and empty.
    fn substitution_at_start(&mut self, at_start: Option<AtStart>, span: Span, in_dq: bool, out: &mut Vec<Piece>) {
        match at_start {
            Some(command) => {
                let marker = command.marker();
                self.note(Uncertainty::AtStart { command, loc: self.loc(span) });
                out.push(Piece::new(marker, in_dq, !in_dq));
            }
            None => {
                self.note(Uncertainty::CommandSubst(self.loc(span)));
                out.push(Piece::new("", in_dq, !in_dq));
            }
        }
    }

    /// `$(nproc)`, `$(cat FILE)`, … with every word known and no function of the script named so
    /// (a function shadows the utility, XCU 2.9.1.1): the words are expanded in a copy of the
    /// variables, as a subshell's (XCU 2.6.3), and must be exact.
    fn at_start_subst(&mut self, list: &crate::shell::ast::List) -> Option<AtStart> {
        let (sc, program) = pure_utility::lone_command(list)?;
        let functions = self.functions.as_deref()?;
        if functions.defines(program) {
            return None;
        }
        let mut subshell = self.env.clone();
        let fields = Expander::new(&mut subshell, self.file).with_positional(self.positional).fields(&sc.words);
        if !fields.uncertain.is_empty() || fields.fields.iter().any(|f| f.glob) {
            return None;
        }
        AtStart::from_words(&fields.texts())
    }

    /// `` `id -u dnsfunnel` ``: the same, for backquotes holding only plain words (no quoting,
    /// backslash or expansion, whose rules inside backquotes differ: XCU 2.6.3).
    fn at_start_backquoted(&mut self, text: &str) -> Option<AtStart> {
        let plain = |c: char| c.is_ascii_alphanumeric() || " \t._-/:@%+=,".contains(c);
        let functions = self.functions.as_deref()?;
        if !text.chars().all(plain) {
            return None;
        }
        let words: Vec<String> = text.split_whitespace().map(String::from).collect();
        if functions.defines(words.first()?) {
            return None;
        }
        AtStart::from_words(&words)
    }

    /// A script's own text holding a marker's characters cannot be told from a marker: its value
    /// is made unknowable (no real script holds U+E000 or U+E001).
    fn no_marker_in_script(&mut self, text: &str, span: Span) {
        if !self.markers_are_values && has_marker(text) {
            self.note(Uncertainty::Runtime {
                what: "the private-use character U+E000 or U+E001".into(),
                loc: self.loc(span),
            });
        }
    }

    /// A value computed at start cannot be measured, cut or changed by an expansion: only its
    /// marker's text is known here, and what OpenRC does depends on the output.
    fn refuse_marker(&mut self, value: Option<&str>, span: Span) {
        if value.is_some_and(has_marker) {
            self.note(Uncertainty::CommandSubst(self.loc(span)));
        }
    }

    /// Arithmetic text with `$(…)` refused; `$x` is resolved by the evaluator itself.
    fn arith_text(&mut self, text: &str, _span: Span) -> Option<String> {
        (!text.contains("$(") && !text.contains('`')).then(|| text.to_string())
    }

    /// The value of a parameter, or `None` when unset, with its uncertainties noted.
    fn lookup(&mut self, name: &str, span: Span) -> Option<String> {
        let positional = name.chars().all(|c| c.is_ascii_digit()) || matches!(name, "@" | "*" | "#");
        if let (true, Some(params)) = (positional, self.positional) {
            return match name {
                "#" => Some(params.len().to_string()),
                "@" | "*" => {
                    let sep = self.ifs_first();
                    let bytes = params.iter().map(|p| p.len() + sep.len()).sum();
                    Some(if self.charge(bytes, span) { params.join(&sep) } else { String::new() })
                }
                "0" => {
                    self.note(Uncertainty::Runtime { what: "`$0`".into(), loc: self.loc(span) });
                    Some(String::new())
                }
                n => n.parse::<usize>().ok().and_then(|i| params.get(i - 1).cloned()),
            };
        }
        if positional || matches!(name, "?" | "-" | "$" | "!") {
            self.note(Uncertainty::Runtime { what: format!("`${name}`"), loc: self.loc(span) });
            return Some(String::new());
        }
        // One look-up: the value's size is charged, as `charge` does, before any of it is copied
        // (`charge` would borrow the whole expander while the variable is borrowed).
        let loc = self.loc(span);
        let var = self.env.get(name)?;
        if !spend_for_word(&mut self.produced, &self.env.budget, var.value.text.len(), loc) {
            // Over budget: the service is not converted; nothing more is copied.
            return Some(String::new());
        }
        let provided = var.assigned_at.is_none();
        let v = var.value.clone();
        for u in v.uncertain {
            match u {
                // A value OpenRC provides at run time is reported where it is used.
                Uncertainty::Runtime { what, .. } if provided => {
                    self.note(Uncertainty::Runtime { what, loc: self.loc(span) })
                }
                u => self.note(u),
            }
        }
        Some(v.text)
    }

    fn param(&mut self, pe: &ParamExpansion, span: Span, in_dq: bool) -> Vec<Piece> {
        let as_pieces = |text: String| vec![Piece::new(text, in_dq, !in_dq)];
        if let (Some(params), "@", ParamForm::Plain, true) = (self.positional, pe.name.as_str(), &pe.form, in_dq) {
            // `"$@"`: one field per parameter.
            let mut out = Vec::new();
            for (i, p) in params.iter().enumerate() {
                if i > 0 {
                    out.push(Piece { text: String::new(), quoted: true, split: false, field_break: true });
                }
                out.push(Piece::new(p.clone(), true, false));
            }
            return out;
        }
        if pe.index.is_some() {
            self.note(Uncertainty::Runtime { what: "bash array".into(), loc: self.loc(span) });
            return as_pieces(String::new());
        }
        match &pe.form {
            ParamForm::Plain => {
                let v = self.lookup_or_unset(&pe.name, span);
                as_pieces(v)
            }
            ParamForm::Length => {
                let v = self.lookup_or_unset(&pe.name, span);
                self.refuse_marker(Some(&v), span);
                as_pieces(v.chars().count().to_string())
            }
            ParamForm::Indirect(op) => {
                let target = self.lookup_or_unset(&pe.name, span);
                let inner = ParamExpansion {
                    name: target,
                    form: match op {
                        Some((o, w)) => ParamForm::Op(*o, w.clone()),
                        None => ParamForm::Plain,
                    },
                    braced: true,
                    index: None,
                };
                if inner.name.is_empty() || !crate::shell::parse::is_posix_name(&inner.name) {
                    self.note(Uncertainty::Runtime { what: "`${!name}` indirection".into(), loc: self.loc(span) });
                    return as_pieces(String::new());
                }
                self.param(&inner, span, in_dq)
            }
            ParamForm::Op(op, word) => self.param_op(pe, *op, word, span, in_dq),
            ParamForm::Invalid(_) => {
                self.note(Uncertainty::Runtime { what: format!("`${{{}…}}`", pe.name), loc: self.loc(span) });
                as_pieces(String::new())
            }
        }
    }

    fn lookup_or_unset(&mut self, name: &str, span: Span) -> String {
        match self.lookup(name, span) {
            Some(v) => v,
            None => {
                self.note(Uncertainty::UnsetVariable { name: name.to_string(), loc: self.loc(span) });
                String::new()
            }
        }
    }

    /// The pieces of the word inside `${x op word}`: unquoted text there is the result of the
    /// expansion, so it splits like any other unquoted expansion.
    fn op_word(&mut self, word: &Word, in_dq: bool) -> Vec<Piece> {
        self.parts(&word.parts, in_dq)
            .into_iter()
            .map(|p| if !p.quoted && !in_dq { Piece { split: true, ..p } } else { p })
            .collect()
    }

    fn param_op(&mut self, pe: &ParamExpansion, op: ParamOp, word: &Word, span: Span, in_dq: bool) -> Vec<Piece> {
        let as_pieces = |text: String| vec![Piece::new(text, in_dq, !in_dq)];
        let value = self.lookup(&pe.name, span);
        let is_null = |colon: bool, v: &Option<String>| v.is_none() || (colon && v.as_deref() == Some(""));
        match op {
            ParamOp::Default { colon } if is_null(colon, &value) => self.op_word(word, in_dq),
            ParamOp::Assign { colon } if is_null(colon, &value) => self.assign_default(&pe.name, word, span, in_dq),
            ParamOp::Default { .. } | ParamOp::Assign { .. } => as_pieces(value.unwrap_or_default()),
            ParamOp::Error { colon } => {
                if is_null(colon, &value) {
                    self.note(Uncertainty::Runtime {
                        what: format!("`${{{}:?}}`: the script stops when `{}` is unset", pe.name, pe.name),
                        loc: self.loc(span),
                    });
                }
                as_pieces(value.unwrap_or_default())
            }
            ParamOp::Alternative { colon } if is_null(colon, &value) => Vec::new(),
            ParamOp::Alternative { .. } => self.op_word(word, in_dq),
            _ if value.as_deref().is_some_and(has_marker) => {
                self.refuse_marker(value.as_deref(), span);
                as_pieces(String::new())
            }
            ParamOp::RemovePrefix { longest } | ParamOp::RemoveSuffix { longest } => {
                let v = value.unwrap_or_else(|| self.unset_note(&pe.name, span));
                let pat = self.pattern_within(word);
                let out = if matches!(op, ParamOp::RemovePrefix { .. }) {
                    pat.strip_prefix(&v, longest)
                } else {
                    pat.strip_suffix(&v, longest)
                };
                as_pieces(out)
            }
            ParamOp::Replace { all, anchor } => {
                let v = value.unwrap_or_else(|| self.unset_note(&pe.name, span));
                as_pieces(self.replace(&v, word, all, anchor))
            }
            ParamOp::Case { upper, all } => {
                let v = value.unwrap_or_else(|| self.unset_note(&pe.name, span));
                as_pieces(change_case(&v, upper, all))
            }
            ParamOp::Substring => {
                let v = value.unwrap_or_else(|| self.unset_note(&pe.name, span));
                as_pieces(self.substring(v, word, span))
            }
        }
    }

    /// `${name:=word}` where `name` is null: assigns the word's text, with what makes it inexact.
    fn assign_default(&mut self, name: &str, word: &Word, span: Span, in_dq: bool) -> Vec<Piece> {
        let before = self.uncertain.len();
        let pieces = self.op_word(word, in_dq);
        let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
        let uncertain = self.uncertain.get(before..).map(<[_]>::to_vec).unwrap_or_default();
        let assigned = ShellValue { text: text.clone(), uncertain };
        self.env.set(name, assigned, Some(self.loc(span)));
        vec![Piece::new(text, in_dq, !in_dq)]
    }

    /// `${v/pattern/replacement}` and its `//`, `/#`, `/%` forms.
    fn replace(&mut self, v: &str, word: &Word, all: bool, anchor: Option<char>) -> String {
        let pieces = self.parts(&word.parts, false);
        let marked: Vec<(char, bool)> =
            pieces.iter().flat_map(|p| p.text.chars().map(move |c| (c, p.quoted))).collect();
        let cut = marked.iter().position(|&(c, q)| c == '/' && !q);
        let (pat, rep) = match cut {
            Some(i) => (&marked[..i], marked[i + 1..].iter().map(|x| x.0).collect::<String>()),
            None => (&marked[..], String::new()),
        };
        // At most one replacement per character and one at the end, before it is made.
        let most = if all { (v.chars().count() + 1).saturating_mul(rep.len()) } else { rep.len() };
        if !self.charge(most, word.span) {
            return String::new();
        }
        Pattern::new(pat).replace(v, &rep, all, anchor)
    }

    /// `${v:offset}` and `${v:offset:length}`, where both evaluate and are not negative.
    fn substring(&mut self, v: String, word: &Word, span: Span) -> String {
        let spec: String = self.parts(&word.parts, false).into_iter().map(|p| p.text).collect();
        let mut it = spec.splitn(2, ':');
        let off = it.next().and_then(|o| arithmetic::evaluate(o, self.env));
        let len = it.next().map(|l| arithmetic::evaluate(l, self.env));
        let chars: Vec<char> = v.chars().collect();
        match (off, len) {
            (Some(o), None) | (Some(o), Some(Some(_))) if o >= 0 => {
                let start = (o as usize).min(chars.len());
                let end = match len {
                    Some(Some(l)) if l >= 0 => (start + l as usize).min(chars.len()),
                    Some(Some(_)) => {
                        self.note(Uncertainty::Runtime { what: "negative substring".into(), loc: self.loc(span) });
                        chars.len()
                    }
                    _ => chars.len(),
                };
                chars[start..end].iter().collect()
            }
            _ => {
                self.note(Uncertainty::Runtime { what: "substring expansion".into(), loc: self.loc(span) });
                v
            }
        }
    }

    fn unset_note(&mut self, name: &str, span: Span) -> String {
        self.note(Uncertainty::UnsetVariable { name: name.to_string(), loc: self.loc(span) });
        String::new()
    }
}

/// `${v^}`, `${v^^}`, `${v,}`, `${v,,}`: the first or every character in upper or lower case.
fn change_case(v: &str, upper: bool, all: bool) -> String {
    let conv = |c: char| if upper { c.to_uppercase().collect::<String>() } else { c.to_lowercase().collect() };
    if all {
        v.chars().map(conv).collect()
    } else {
        let mut it = v.chars();
        it.next().map(|c| conv(c) + it.as_str()).unwrap_or_default()
    }
}

/// Adds `bytes` to the count of the word being expanded (`produced`) and spends them from the
/// service's budget ([`Expander::charge`]).
fn spend_for_word(produced: &mut usize, budget: &Budget, bytes: usize, loc: Loc) -> bool {
    *produced = produced.saturating_add(bytes);
    budget.spend(bytes, *produced, loc)
}

/// A field being made: its text, and where in it an unquoted `*`, `?`, `[` or `]` is (the
/// only characters [`is_pattern`] looks at), in order.
#[derive(Default)]
struct Building {
    text: String,
    unquoted_special: Vec<usize>,
}

impl Building {
    /// A field that starts with `text`, taken as it is (no copy).
    fn from_text(text: String, unquoted: bool) -> Building {
        let mut b = Building { text: String::new(), unquoted_special: Vec::new() };
        b.note_specials(&text, unquoted);
        b.text = text;
        b
    }

    /// Appends `piece`.
    fn push(&mut self, piece: &str, unquoted: bool) {
        self.note_specials(piece, unquoted);
        self.text.push_str(piece);
    }

    /// Records the pattern characters of `piece`, about to be appended, if it is unquoted.
    fn note_specials(&mut self, piece: &str, unquoted: bool) {
        if unquoted {
            let at = self.text.len();
            let special = piece.bytes().enumerate().filter(|(_, b)| matches!(b, b'*' | b'?' | b'[' | b']'));
            self.unquoted_special.extend(special.map(|(i, _)| at + i));
        }
    }

    fn finish(self, span: Span) -> Field {
        let glob = is_pattern(&self.text, &self.unquoted_special);
        Field { text: self.text, glob, span }
    }
}

/// Appends owned text to the field being made, or starts one with it without copying it (a
/// word of one piece, the most common, is its own field).
fn append_owned(cur: &mut Option<Building>, text: String, unquoted: bool) {
    match cur {
        Some(b) => b.push(&text, unquoted),
        None => *cur = Some(Building::from_text(text, unquoted)),
    }
}

/// Field splitting of expanded pieces (POSIX 2.6.5), appending to `out`. Text between IFS
/// characters is copied a run at a time; a piece that is not split, or holds no IFS character,
/// is moved whole.
fn split_into(pieces: Vec<Piece>, ifs: &str, span: Span, out: &mut Vec<Field>) {
    let is_ws = |c: char| ifs.contains(c) && (c == ' ' || c == '\t' || c == '\n');
    let mut cur: Option<Building> = None;
    let append = |cur: &mut Option<Building>, piece: &str, unquoted: bool| {
        cur.get_or_insert_with(Building::default).push(piece, unquoted);
    };
    for p in pieces {
        if p.field_break {
            out.push(cur.take().unwrap_or_default().finish(span));
            cur = Some(Building::default());
            continue;
        }
        if !p.split {
            append_owned(&mut cur, p.text, !p.quoted);
            continue;
        }
        let mut run = 0;
        for (i, c) in p.text.char_indices().filter(|(_, c)| ifs.contains(*c)) {
            if run < i {
                append(&mut cur, &p.text[run..i], true);
            }
            run = i + c.len_utf8();
            if is_ws(c) {
                if let Some(f) = cur.take() {
                    out.push(f.finish(span));
                }
            } else {
                out.push(cur.take().unwrap_or_default().finish(span));
            }
        }
        if run == 0 && !p.text.is_empty() {
            // No IFS character: the whole piece, moved.
            append_owned(&mut cur, p.text, true);
        } else if run < p.text.len() {
            append(&mut cur, &p.text[run..], true);
        }
    }
    if let Some(f) = cur {
        out.push(f.finish(span));
    }
}

/// Whether pathname expansion would treat a field as a pattern: an unquoted `*` or `?`, or an
/// unquoted `[` that opens a bracket expression. A `[` opens one only when an unquoted `]` closes
/// it, and a `]` first in the list (after `!` or `^`) is a member, not the end; otherwise `[`
/// matches itself (POSIX.1-2017 XCU 2.13.1 and XBD 9.3.5; dash's and bash's globbing agree), so
/// `[]:` and `[` are plain text. `unquoted_special` holds, in order, the byte offsets of the
/// unquoted `*`, `?`, `[` and `]` of `text`: every character these rules look at is ASCII, one
/// byte, and no byte of another character equals one.
fn is_pattern(text: &str, unquoted_special: &[usize]) -> bool {
    if unquoted_special.is_empty() {
        return false;
    }
    let bytes = text.as_bytes();
    let special = |i: usize, c: u8| bytes.get(i) == Some(&c) && unquoted_special.binary_search(&i).is_ok();
    unquoted_special
        .iter()
        .any(|&i| special(i, b'*') || special(i, b'?') || (special(i, b'[') && bracket_closes(bytes, i + 1, &special)))
}

/// Whether a bracket expression starting at `start` (just after its `[`) is closed.
fn bracket_closes(bytes: &[u8], start: usize, special: &impl Fn(usize, u8) -> bool) -> bool {
    let mut i = start;
    if matches!(bytes.get(i), Some(b'!' | b'^')) {
        i += 1;
    }
    // A `]` first in the list is a member.
    if bytes.get(i) == Some(&b']') {
        i += 1;
    }
    while i < bytes.len() {
        match bytes[i] {
            // `[:alpha:]`, `[=a=]`, `[.a.]`: their `]` does not end the expression.
            b'[' if matches!(bytes.get(i + 1), Some(b':' | b'=' | b'.')) => {
                let delimiter = bytes[i + 1];
                match (i + 2..bytes.len().saturating_sub(1)).find(|&j| bytes[j] == delimiter && bytes[j + 1] == b']') {
                    Some(j) => i = j + 2,
                    None => i += 1,
                }
            }
            b']' if special(i, b']') => return true,
            _ => i += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests;
