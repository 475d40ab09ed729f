#![doc = include_str!("../../docs/codes/lint/variable_typo.md")]

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::LintError;
use super::context::ServiceContext;
use crate::core::diagnostic::Finding;
use crate::core::did_you_mean;
use crate::core::source::{FileId, Span};
use crate::openrc::service_files::FileRole;
use crate::openrc::variables::{SERVICE_VARIABLES, is_openrc_variable};
use crate::shell::ast::{
    self, AssignValue, Command, CompoundKind, ParamForm, ParamOp, RedirectKind, Word, WordPart, WordPartKind,
};

/// OpenRC variables not worth suggesting: deprecated, or so short that near misses are words.
const NOT_SUGGESTED: &[&str] = &["opts", "name"];

/// Commands whose plain-word arguments name variables.
const NAMING_COMMANDS: &[&str] = &["export", "unset", "local", "readonly", "declare", "typeset"];

/// Fires once per variable that a script or conf.d file sets, nothing reads, and whose name is
/// a near miss of a variable OpenRC reads.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let mut seen = Names::default();
    for (i, script) in cx.syntax_trees() {
        // rc.conf's variables are read by OpenRC itself and by other services, not this one.
        let assigning = cx.role(i) != FileRole::RcConf;
        seen.file = i;
        seen.assigning = assigning;
        ast::walk_commands(&script.body, &mut |c| seen.command(c));
    }
    // The names set that OpenRC does not read, in name order: the only ones a read can clear.
    let mut unread: Vec<(&str, FileId, Span, bool)> = (seen.assigned.iter())
        .filter(|(name, _)| !is_openrc_variable(name))
        .map(|(name, &(file, span))| (*name, file, span, true))
        .collect();
    if !unread.is_empty() {
        for r in &seen.read {
            if let Ok(k) = unread.binary_search_by(|u| u.0.cmp(r)) {
                unread[k].3 = false;
            }
        }
    }
    let candidates = SERVICE_VARIABLES.iter().copied().filter(|v| !NOT_SUGGESTED.contains(v));
    for (name, file, span, _) in unread.into_iter().filter(|u| u.3) {
        let letters = Letters::of(name);
        let near = candidates.clone().filter(|c| letters.as_ref().is_none_or(|l| l.may_be_near(c)));
        if let Some(suggestion) = did_you_mean::closest(name, near) {
            out.push(cx.finding(
                file,
                LintError::VariableTypo {
                    name: name.to_string(),
                    suggestion: suggestion.to_string(),
                    span: span.into(),
                },
            ));
        }
    }
}

/// The letters of an ASCII name, as and in lower case, counted: what tells most of OpenRC's
/// variables too far from the name without the table of `did_you_mean::closest` (nearly all of
/// what this rule cost, for each unread variable and each of OpenRC's).
struct Letters {
    counts: [u8; 128],
    lower: [u8; 128],
    len: usize,
}

impl Letters {
    /// `None` for a name that is not ASCII (counted by bytes, an edit of a character may change
    /// more than one count) or too long for a count in a byte.
    fn of(name: &str) -> Option<Letters> {
        if !name.is_ascii() || name.len() > usize::from(u8::MAX) {
            return None;
        }
        let (mut counts, mut lower) = ([0u8; 128], [0u8; 128]);
        for b in name.bytes() {
            counts[usize::from(b)] += 1;
            lower[usize::from(b.to_ascii_lowercase())] += 1;
        }
        Some(Letters { counts, lower, len: name.len() })
    }

    /// Whether `candidate` (ASCII) may be within `did_you_mean::threshold` of the name or of its
    /// lower case. An insertion, deletion or substitution changes the counts of letters by two
    /// at most (a swap by none), so the distance is at least half of how far the counts are
    /// apart: the letters neither has in common.
    fn may_be_near(&self, candidate: &str) -> bool {
        if !candidate.is_ascii() {
            return true;
        }
        let max = did_you_mean::threshold(candidate);
        let apart = |counts: &[u8; 128]| {
            let mut left = *counts;
            let mut common = 0;
            for b in candidate.bytes() {
                let slot = &mut left[usize::from(b)];
                if *slot > 0 {
                    *slot -= 1;
                    common += 1;
                }
            }
            self.len + candidate.len() - 2 * common
        };
        let within = |counts: &[u8; 128]| apart(counts).div_ceil(2) <= max;
        within(&self.counts) || within(&self.lower)
    }
}

/// Variables assigned (first place each) and read, across a service's files, borrowed from the
/// syntax trees where the tree holds them as they are (nearly always). The names read are kept
/// as they come, repeats too: a push each, where a set paid a search per `$x`; only the few
/// names assigned and not OpenRC's are looked for among them, once, at the end.
#[derive(Default)]
struct Names<'a> {
    assigned: BTreeMap<&'a str, (FileId, Span)>,
    read: Vec<Cow<'a, str>>,
    file: FileId,
    assigning: bool,
}

impl<'a> Names<'a> {
    fn assign(&mut self, name: &'a str, span: Span) {
        if self.assigning {
            self.assigned.entry(name).or_insert((self.file, span));
        }
    }

    fn command(&mut self, c: &'a Command) {
        match c {
            Command::Simple(sc) => {
                for a in &sc.assignments {
                    // `x=1 cmd` only sets x in cmd's environment: the command reads it.
                    if sc.words.is_empty() {
                        self.assign(&a.name, a.name_span);
                    } else {
                        self.read.push(Cow::Borrowed(&a.name));
                    }
                    match &a.value {
                        AssignValue::Empty => {}
                        AssignValue::Word(w) => self.word(w),
                        AssignValue::Array(ws, _) => ws.iter().for_each(|w| self.word(w)),
                    }
                }
                let name = sc.words.first().and_then(Word::static_str);
                let names_vars = name.as_deref().is_some_and(|n| NAMING_COMMANDS.contains(&n));
                let eval = name.as_deref() == Some("eval");
                for w in &sc.words {
                    self.word(w);
                    // Only these commands' words are read as text.
                    if !(names_vars || eval) {
                        continue;
                    }
                    match w.static_str() {
                        Some(Cow::Borrowed(t)) if names_vars => {
                            self.read.push(Cow::Borrowed(t.split('=').next().unwrap_or(t)));
                        }
                        Some(t) if names_vars => {
                            self.read.push(Cow::Owned(t.split('=').next().unwrap_or(&t).to_string()));
                        }
                        Some(Cow::Borrowed(t)) => self.raw(t),
                        Some(Cow::Owned(t)) => self.raw_owned(&t),
                        None => {}
                    }
                }
                for r in &sc.redirects {
                    self.redirect(&r.kind);
                }
            }
            Command::Compound(cc, redirects) => {
                match &cc.kind {
                    CompoundKind::For { var, words, .. } => {
                        self.read.push(Cow::Borrowed(var));
                        words.iter().flatten().for_each(|w| self.word(w));
                    }
                    CompoundKind::Case { word, items } => {
                        self.word(word);
                        items.iter().flat_map(|i| &i.patterns).for_each(|w| self.word(w));
                    }
                    CompoundKind::DoubleBracket(ws) => ws.iter().for_each(|w| self.word(w)),
                    CompoundKind::Arithmetic(raw) => self.arithmetic(raw),
                    CompoundKind::ArithFor { init, cond, step, .. } => {
                        [init, cond, step].into_iter().for_each(|raw| self.arithmetic(raw))
                    }
                    _ => {}
                }
                for r in redirects {
                    self.redirect(&r.kind);
                }
            }
            Command::FunctionDef(_) => {}
        }
    }

    fn redirect(&mut self, r: &'a RedirectKind) {
        match r {
            RedirectKind::File(_, w) => self.word(w),
            RedirectKind::HereDoc(h) => {
                if let (false, Some(body)) = (h.quoted, &h.body) {
                    self.raw(body);
                }
            }
        }
    }

    fn word(&mut self, w: &'a Word) {
        self.parts(&w.parts);
    }

    fn parts(&mut self, parts: &'a [WordPart]) {
        for p in parts {
            match &p.kind {
                WordPartKind::Param(pe) => {
                    match &pe.form {
                        // `: ${x:=default}` is how scripts give a default: an assignment.
                        ParamForm::Op(ParamOp::Assign { .. }, w) => {
                            // The name inside `${name:=…}`.
                            let start = p.span.start + if pe.braced { 2 } else { 1 };
                            self.assign(&pe.name, Span::new(start, start + pe.name.len()));
                            self.word(w);
                        }
                        ParamForm::Op(_, w) | ParamForm::Indirect(Some((_, w))) => {
                            self.read.push(Cow::Borrowed(&pe.name));
                            self.word(w);
                        }
                        _ => {
                            self.read.push(Cow::Borrowed(&pe.name));
                        }
                    }
                    if let Some(i) = &pe.index {
                        self.arithmetic(i);
                    }
                }
                WordPartKind::DoubleQuoted(inner) => self.parts(inner),
                WordPartKind::CommandSubst(list) | WordPartKind::ProcessSubst(list) => {
                    ast::walk_commands(list, &mut |c| self.command(c));
                }
                WordPartKind::Backquoted(raw) => self.raw(raw),
                WordPartKind::Arithmetic(raw) => self.arithmetic(raw),
                WordPartKind::Literal(_) | WordPartKind::Quoted(_) | WordPartKind::AnsiC(_) => {}
            }
        }
    }

    /// `$name` and `${name…}` in text the parser kept raw (backquotes, here-documents, eval).
    fn raw(&mut self, text: &'a str) {
        for n in raw_names(text) {
            self.read.push(Cow::Borrowed(n));
        }
    }

    /// [`Names::raw`] of text made for the purpose (an `eval` word joined from several parts).
    fn raw_owned(&mut self, text: &str) {
        for n in raw_names(text) {
            self.read.push(Cow::Owned(n.to_string()));
        }
    }

    /// Arithmetic reads variables by bare name.
    fn arithmetic(&mut self, text: &'a str) {
        self.raw(text);
        for n in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                self.read.push(Cow::Borrowed(n));
            }
        }
    }
}

/// The names after each `$` (or `${`) of a text: ASCII letters, digits and `_`.
fn raw_names(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        while let Some(i) = rest.find('$') {
            rest = &rest[i + 1..];
            let body = rest.strip_prefix('{').unwrap_or(rest);
            let len = body.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count();
            if len > 0 {
                return Some(&body[..len]);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The letter counts never set aside a variable `did_you_mean::closest` would suggest: every
    /// name one edit (and a change of case) from one of OpenRC's, some two edits from one, and
    /// others.
    #[test]
    fn the_letter_counts_keep_every_near_variable() {
        let mut names: Vec<String> = vec!["".into(), "x".into(), "PIDFILE".into(), "Command_Args".into()];
        let edits = |w: &str| -> Vec<String> {
            let b = w.as_bytes();
            let mut out = Vec::new();
            for i in 0..=b.len() {
                for c in [b'e', b'_', b'S'] {
                    out.push([&b[..i], &[c], &b[i..]].concat());
                    if i < b.len() {
                        out.push([&b[..i], &[c], &b[i + 1..]].concat());
                    }
                }
                if i < b.len() {
                    out.push([&b[..i], &b[i + 1..]].concat());
                }
                if i + 1 < b.len() {
                    out.push([&b[..i], &[b[i + 1], b[i]], &b[i + 2..]].concat());
                }
            }
            out.into_iter().map(|v| String::from_utf8(v).unwrap()).collect()
        };
        for v in SERVICE_VARIABLES {
            for (k, once) in edits(v).into_iter().enumerate() {
                if k % 17 == 0 {
                    names.extend(edits(&once).into_iter().step_by(17));
                }
                names.push(once.to_ascii_uppercase());
                names.push(once);
            }
        }
        for name in &names {
            let letters = Letters::of(name).unwrap();
            let lower = name.to_ascii_lowercase();
            for c in SERVICE_VARIABLES.iter().filter(|c| !letters.may_be_near(c)) {
                let max = did_you_mean::threshold(c);
                let near = did_you_mean::distance_within(name, c, max).is_some()
                    || did_you_mean::distance_within(&lower, c, max).is_some();
                assert!(!near, "{name} / {c}");
            }
        }
    }
}
