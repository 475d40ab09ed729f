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

/// Defines [`All`] from the one list of the rules, in the order their findings come out: the
/// struct with a field per rule, `each` and the visitor, which calls each rule's own type at
/// every node (not through `dyn TreeRule`, so the walk's hooks a rule does not override cost it
/// nothing). A rule added to the list is in all three.
macro_rules! all_rules {
    ($($field:ident: $rule:ty,)*) => {
        /// Every rule, as one visitor. The rules are fields, called by name at each node, so the
        /// walk is compiled for them together: a node kind a rule does not look at costs it
        /// nothing (through `dyn TreeRule` every rule was called at every node, most of them to
        /// do nothing).
        #[derive(Default)]
        struct All<'a> {
            $($field: $rule,)*
        }

        impl<'a> All<'a> {
            /// Calls `f` on every rule, in the order their findings come out.
            fn each(&mut self, mut f: impl FnMut(&mut dyn TreeRule<'a>)) {
                $(f(&mut self.$field);)*
            }
        }

        impl<'a> Visit<'a> for All<'a> {
            fn pipeline(&mut self, p: &'a Pipeline) {
                $(self.$field.pipeline(p);)*
            }
            fn command(&mut self, c: &'a Command) {
                $(self.$field.command(c);)*
            }
            fn simple(&mut self, c: &'a SimpleCommand, name: Option<&str>) {
                $(self.$field.simple(c, name);)*
            }
            fn word(&mut self, w: &'a Word) {
                $(self.$field.word(w);)*
            }
            fn part(&mut self, p: &'a WordPart, in_double_quotes: bool) {
                $(self.$field.part(p, in_double_quotes);)*
            }
        }
    };
}

all_rules! {
    arithmetic: arithmetic_increment::Rule<'a>,
    dollar_at: dollar_at_in_string::Rule,
    read_file: read_file_substitution::Rule,
    redirection: redirection_order::Rule,
    systemd: systemd_variable::Rule<'a>,
    test: test_and_or::Rule,
}
