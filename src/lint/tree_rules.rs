//! The rules that look at shell constructs wherever they are, run over one walk of each syntax
//! tree: each rule walked every tree itself, six walks where one does (the walk was most of what
//! these rules cost).

use super::context::ServiceContext;
use super::syntax::{self, Visit};
use crate::core::diagnostic::Finding;
use crate::core::source::FileId;
use crate::shell::ast::{Command, Pipeline, SimpleCommand, Word, WordPart};

use super::{
    arithmetic_increment, dollar_at_in_string, read_file_substitution, redirection_order, systemd_variable, test_and_or,
};

/// A rule fed by the shared walk. A rule's findings come out in the order its own walk gave
/// them (file by file), which is all the final sort keeps of the order (ties are one rule's).
pub trait TreeRule<'a>: Visit<'a> {
    /// The walk of a file begins.
    fn begin_file(&mut self, _cx: &ServiceContext<'a>, _file: FileId) {}
    /// The walk of a file is done: what the rule found in it.
    fn end_file(&mut self, _cx: &ServiceContext<'a>, _file: FileId, _out: &mut Vec<Finding>) {}
    /// Every file is walked: what the rule found over all of them.
    fn end(&mut self, _cx: &ServiceContext<'a>, _out: &mut Vec<Finding>) {}
}

/// Runs every rule that reads the syntax trees, over one walk of each.
pub fn check(cx: &ServiceContext, out: &mut Vec<Finding>) {
    let mut rules = All::default();
    for (i, script) in cx.syntax_trees() {
        rules.each(|r| r.begin_file(cx, i));
        syntax::walk(&script.body, &mut rules);
        rules.each(|r| r.end_file(cx, i, out));
    }
    rules.each(|r| r.end(cx, out));
}

/// Every rule, as one visitor. The rules are fields, called by name at each node, so the walk is
/// compiled for them together: a node kind a rule does not look at costs it nothing (through
/// `dyn TreeRule` every rule was called at every node, most of them to do nothing).
#[derive(Default)]
struct All<'a> {
    arithmetic: arithmetic_increment::Rule<'a>,
    dollar_at: dollar_at_in_string::Rule,
    read_file: read_file_substitution::Rule,
    redirection: redirection_order::Rule,
    systemd: systemd_variable::Rule<'a>,
    test: test_and_or::Rule,
}

/// Runs `$body` with `$r` bound to each rule of `$all` in turn, in the order their findings
/// come out: the one list of the rules. Each call is to the rule's own type, not through
/// `dyn TreeRule`, so the walk's hooks a rule does not override cost it nothing.
macro_rules! each_rule {
    ($all:expr, $r:ident => $body:expr) => {{
        let all = $all;
        {
            let $r = &mut all.arithmetic;
            $body;
        }
        {
            let $r = &mut all.dollar_at;
            $body;
        }
        {
            let $r = &mut all.read_file;
            $body;
        }
        {
            let $r = &mut all.redirection;
            $body;
        }
        {
            let $r = &mut all.systemd;
            $body;
        }
        {
            let $r = &mut all.test;
            $body;
        }
    }};
}

impl<'a> All<'a> {
    /// Calls `f` on every rule, in the order their findings come out.
    fn each(&mut self, mut f: impl FnMut(&mut dyn TreeRule<'a>)) {
        each_rule!(self, r => f(r));
    }
}

impl<'a> Visit<'a> for All<'a> {
    fn pipeline(&mut self, p: &'a Pipeline) {
        each_rule!(self, r => r.pipeline(p));
    }
    fn command(&mut self, c: &'a Command) {
        each_rule!(self, r => r.command(c));
    }
    fn simple(&mut self, c: &'a SimpleCommand, name: Option<&str>) {
        each_rule!(self, r => r.simple(c, name));
    }
    fn word(&mut self, w: &'a Word) {
        each_rule!(self, r => r.word(w));
    }
    fn part(&mut self, p: &'a WordPart, in_double_quotes: bool) {
        each_rule!(self, r => r.part(p, in_double_quotes));
    }
}
