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
    let mut arithmetic = arithmetic_increment::Rule::default();
    let mut dollar_at = dollar_at_in_string::Rule::default();
    let mut read_file = read_file_substitution::Rule::default();
    let mut redirection = redirection_order::Rule::default();
    let mut systemd = systemd_variable::Rule::default();
    let mut test = test_and_or::Rule::default();
    let mut rules: [&mut dyn TreeRule; 6] =
        [&mut arithmetic, &mut dollar_at, &mut read_file, &mut redirection, &mut systemd, &mut test];
    for (i, script) in cx.syntax_trees() {
        rules.iter_mut().for_each(|r| r.begin_file(cx, i));
        syntax::walk(&script.body, &mut All(&mut rules));
        rules.iter_mut().for_each(|r| r.end_file(cx, i, out));
    }
    rules.iter_mut().for_each(|r| r.end(cx, out));
}

/// Every rule, as one visitor.
struct All<'r, 's, 'a>(&'r mut [&'s mut dyn TreeRule<'a>]);

impl<'a> Visit<'a> for All<'_, '_, 'a> {
    fn pipeline(&mut self, p: &'a Pipeline) {
        self.0.iter_mut().for_each(|r| r.pipeline(p));
    }
    fn command(&mut self, c: &'a Command) {
        self.0.iter_mut().for_each(|r| r.command(c));
    }
    fn simple(&mut self, c: &'a SimpleCommand) {
        self.0.iter_mut().for_each(|r| r.simple(c));
    }
    fn word(&mut self, w: &'a Word) {
        self.0.iter_mut().for_each(|r| r.word(w));
    }
    fn part(&mut self, p: &'a WordPart, in_double_quotes: bool) {
        self.0.iter_mut().for_each(|r| r.part(p, in_double_quotes));
    }
}
