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

impl<'a> All<'a> {
    /// Calls `f` on every rule, in the order their findings come out.
    fn each(&mut self, mut f: impl FnMut(&mut dyn TreeRule<'a>)) {
        f(&mut self.arithmetic);
        f(&mut self.dollar_at);
        f(&mut self.read_file);
        f(&mut self.redirection);
        f(&mut self.systemd);
        f(&mut self.test);
    }
}

impl<'a> Visit<'a> for All<'a> {
    fn pipeline(&mut self, p: &'a Pipeline) {
        self.arithmetic.pipeline(p);
        self.dollar_at.pipeline(p);
        self.read_file.pipeline(p);
        self.redirection.pipeline(p);
        self.systemd.pipeline(p);
        self.test.pipeline(p);
    }
    fn command(&mut self, c: &'a Command) {
        self.arithmetic.command(c);
        self.dollar_at.command(c);
        self.read_file.command(c);
        self.redirection.command(c);
        self.systemd.command(c);
        self.test.command(c);
    }
    fn simple(&mut self, c: &'a SimpleCommand, name: Option<&str>) {
        self.arithmetic.simple(c, name);
        self.dollar_at.simple(c, name);
        self.read_file.simple(c, name);
        self.redirection.simple(c, name);
        self.systemd.simple(c, name);
        self.test.simple(c, name);
    }
    fn word(&mut self, w: &'a Word) {
        self.arithmetic.word(w);
        self.dollar_at.word(w);
        self.read_file.word(w);
        self.redirection.word(w);
        self.systemd.word(w);
        self.test.word(w);
    }
    fn part(&mut self, p: &'a WordPart, in_double_quotes: bool) {
        self.arithmetic.part(p, in_double_quotes);
        self.dollar_at.part(p, in_double_quotes);
        self.read_file.part(p, in_double_quotes);
        self.redirection.part(p, in_double_quotes);
        self.systemd.part(p, in_double_quotes);
        self.test.part(p, in_double_quotes);
    }
}
