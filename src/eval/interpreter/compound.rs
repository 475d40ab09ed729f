//! Compound commands: groups, subshells, `if`, loops and `case`, each way of an undecidable
//! condition run on its own copy of the variables and merged.

use crate::core::source::Span;
use crate::shell::ast::{CaseItem, CompoundCommand, CompoundKind, List, Word};

use super::super::expand::Fields;
use super::super::observer::Observer;
use super::super::test_expr;
use super::super::value::{Loc, ShellValue, Uncertainty};
use super::merge::merge;
use super::pending_jump::jumps;
use super::{Flow, Interpreter, MAX_LOOP, Status};

impl<O: Observer> Interpreter<O> {
    /// Runs a compound command.
    pub(super) fn compound(&mut self, cc: &CompoundCommand) -> (Status, Flow) {
        match &cc.kind {
            CompoundKind::BraceGroup(l) => self.list(l),
            CompoundKind::Subshell(l) => {
                let saved = self.copy_env(cc.span);
                let mark = self.pending.len();
                let (s, _) = self.list(l);
                self.drop_jumps(mark);
                self.env = saved;
                (s, Flow::Next)
            }
            CompoundKind::If { branches, else_body } => self.if_chain(branches, else_body.as_ref()),
            CompoundKind::Loop { until, condition, body } => self.while_loop(*until, condition, body, cc.span),
            CompoundKind::For { var, words, body, .. } => self.for_loop(var, words.as_deref(), body, cc.span),
            CompoundKind::Case { word, items } => self.case(word, items),
            CompoundKind::DoubleBracket(words) => {
                let mut ex = self.expander();
                let args: Vec<ShellValue> = words.iter().map(|w| ex.string(w)).collect();
                (test_expr::evaluate_values(&args, true), Flow::Next)
            }
            CompoundKind::Arithmetic(_) => (Status::Unknown, Flow::Next),
            // Arithmetic is not evaluated (as for `(( ))`): how often the body runs is unknown.
            CompoundKind::ArithFor { body, .. } => {
                let cond = self.loc(cc.span);
                self.speculate(cond, |me| me.loop_body(body));
                (Status::Unknown, Flow::Next)
            }
        }
    }

    /// A loop's body run once, speculatively: where its `break` and `continue` land.
    fn loop_body(&mut self, body: &List) {
        let mark = self.pending.len();
        let _ = self.list(body);
        self.land_jumps(mark, &[Flow::Break, Flow::Continue]);
    }

    /// `while`/`until`: run once, speculatively, unless the condition is false from the start.
    fn while_loop(&mut self, until: bool, condition: &List, body: &List, span: Span) -> (Status, Flow) {
        let (c, flow) = self.list(condition);
        if flow != Flow::Next {
            return (c, flow);
        }
        let enters = if until { !c } else { c };
        if enters == Status::False {
            return (Status::True, Flow::Next);
        }
        // A loop rc2s6 cannot unroll: whatever it assigns depends on how often it runs.
        let cond = self.loc(span);
        self.speculate(cond, |me| me.loop_body(body));
        (Status::Unknown, Flow::Next)
    }

    /// `for`: unrolled over words known exactly, else run once with the variable unknown.
    fn for_loop(&mut self, var: &str, words: Option<&[Word]>, body: &List, span: Span) -> (Status, Flow) {
        let fields = match words {
            Some(ws) => {
                let mut ex = self.expander();
                ex.fields(ws)
            }
            None => Fields {
                fields: Vec::new(),
                uncertain: vec![Uncertainty::Runtime { what: "`$@`".into(), loc: self.loc(span) }],
            },
        };
        let exact = !fields.uncertain.iter().any(Uncertainty::is_unknowable)
            && !fields.fields.iter().any(|f| f.glob)
            && fields.fields.len() <= MAX_LOOP;
        if !exact {
            let cond = self.loc(span);
            self.speculate(cond, |me| {
                me.env.set(
                    var,
                    ShellValue { text: String::new(), uncertain: vec![Uncertainty::Conditional { cond }] },
                    Some(cond),
                );
                me.loop_body(body);
            });
            return (Status::Unknown, Flow::Next);
        }
        let mark = self.pending.len();
        for f in &fields.fields {
            self.env.set(var, ShellValue::known(f.text.clone()), Some(self.loc(span)));
            let (_, flow) = self.list(body);
            // A `continue` one way of a condition lands at the end of this round.
            self.land_jumps(mark, &[Flow::Continue]);
            match flow {
                Flow::Break => break,
                Flow::Return | Flow::Exit => {
                    self.land_jumps(mark, &[Flow::Break]);
                    return (Status::Unknown, flow);
                }
                _ => {}
            }
        }
        self.land_jumps(mark, &[Flow::Break]);
        (Status::True, Flow::Next)
    }

    fn if_chain(&mut self, branches: &[(List, List)], else_body: Option<&List>) -> (Status, Flow) {
        let Some(((cond, body), rest)) = branches.split_first() else {
            return match else_body {
                Some(e) => self.list(e),
                None => (Status::True, Flow::Next),
            };
        };
        let (c, flow) = self.list(cond);
        if flow != Flow::Next {
            return (c, flow);
        }
        match c {
            Status::True => self.list(body),
            Status::False => self.if_chain(rest, else_body),
            Status::Unknown => {
                let cond_loc = self.loc(cond.span);
                // Both ways, each on its own copy, then merge what differs.
                let before = self.copy_env(cond.span);
                let mark = self.observer.mark();
                self.conditions.push(cond_loc);
                let (s1, f1) = self.list(body);
                let again = self.copy_of(&before, cond.span);
                let taken = std::mem::replace(&mut self.env, again);
                let middle = self.observer.mark();
                let (s2, f2) = self.if_chain(rest, else_body);
                self.conditions.pop();
                let other = std::mem::replace(&mut self.env, before);
                if let (Some(start), Some(middle)) = (mark, middle) {
                    if let Some(first) = self.observer.pick_way(start, middle, self.conditions.last().copied()) {
                        // The observer says only one way counts: its variables are the state.
                        self.env = if first { taken } else { other };
                        return if first { (s1, f1) } else { (s2, f2) };
                    }
                }
                let status = if s1 == s2 { s1 } else { Status::Unknown };
                // One way jumps, the other goes on: what comes next is the other's alone.
                match (jumps(f1, s1), jumps(f2, s2)) {
                    (true, false) if f1 != f2 => {
                        self.jump_pending(f1, taken, cond_loc);
                        self.env = other;
                        return (status, f2);
                    }
                    (false, true) if f1 != f2 => {
                        self.jump_pending(f2, other, cond_loc);
                        self.env = taken;
                        return (status, f1);
                    }
                    _ => {}
                }
                self.env = merge(other, &taken, cond_loc);
                let flow = if f1 == f2 { f1 } else { Flow::Next };
                (status, flow)
            }
        }
    }

    fn case(&mut self, word: &Word, items: &[CaseItem]) -> (Status, Flow) {
        let subject = {
            let mut ex = self.expander();
            ex.string(word)
        };
        let subject_known = !subject.is_unknowable();
        let mut fell_through = false;
        let mut status = Status::True;
        for (i, item) in items.iter().enumerate() {
            let mut verdict = if fell_through { Status::True } else { Status::False };
            if !fell_through {
                for p in &item.patterns {
                    let (pat, unc) = {
                        let mut ex = self.expander();
                        ex.pattern(p)
                    };
                    if !subject_known || unc.iter().any(Uncertainty::is_unknowable) {
                        verdict = Status::Unknown;
                    } else if pat.matches(&subject.text) {
                        verdict = Status::True;
                        break;
                    }
                }
            }
            match verdict {
                Status::True => {
                    let (s, flow) = match &item.body {
                        Some(b) => self.list(b),
                        None => (Status::True, Flow::Next),
                    };
                    if flow != Flow::Next {
                        return (s, flow);
                    }
                    match item.terminator.as_deref() {
                        // bash: run the next item's body without testing its patterns.
                        Some(";&") => fell_through = true,
                        // bash: go on testing the next items' patterns.
                        Some(";;&") => fell_through = false,
                        _ => return (s, Flow::Next),
                    }
                    status = s;
                    continue;
                }
                Status::False => {}
                Status::Unknown => {
                    self.case_undecided(&items[i..], self.loc(item.span));
                    return (Status::Unknown, Flow::Next);
                }
            }
        }
        (status, Flow::Next)
    }

    /// The subject or a pattern is unknown: any of the remaining items may run.
    fn case_undecided(&mut self, rest: &[CaseItem], cond: Loc) {
        let before = self.copy_env(cond.span);
        let mut merged = self.copy_of(&before, cond.span);
        self.conditions.push(cond);
        for it in rest {
            self.env = self.copy_of(&before, cond.span);
            if let Some(b) = &it.body {
                let _ = self.list(b);
            }
            merged = merge(merged, &self.env, cond);
        }
        self.conditions.pop();
        self.env = merged;
    }
}
