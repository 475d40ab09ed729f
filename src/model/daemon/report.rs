//! Where every step of building a daemon reports: its diagnostics and its decisions, in the order
//! the steps make them (both are output: the order is part of what rc2s6 prints and writes).

use super::super::error::{ModelDiagnostic, ModelError};
use super::super::service::Decision;
use crate::eval::value::Loc;

/// A step could not carry its setting over; a diagnostic of error level says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// A decision recorded earlier, which a later step may revise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionId(usize);

/// The diagnostics and decisions of one daemon build.
#[derive(Debug, Default)]
pub struct Report {
    /// Diagnostics, each once, in the order found.
    pub diagnostics: Vec<ModelDiagnostic>,
    /// Decisions, in the order made.
    pub decisions: Vec<Decision>,
}

impl Report {
    /// Reports a diagnostic at `at`, unless the same one is reported already.
    pub fn add(&mut self, at: Loc, error: ModelError) {
        let d = ModelDiagnostic { file: at.file, error };
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// Reports an error-level diagnostic that refuses the daemon.
    pub fn refuse(&mut self, at: Loc, error: ModelError) -> Refused {
        self.add(at, error);
        Refused
    }

    /// Refuses a value the daemon cannot be given: `variable` (as the script names it) has
    /// `problem`, and `help` says what to write.
    pub fn invalid_value(
        &mut self,
        at: Loc,
        variable: &str,
        problem: impl Into<String>,
        help: impl Into<String>,
    ) -> Refused {
        let error = ModelError::InvalidValue {
            variable: variable.into(),
            problem: problem.into(),
            span: at.span.into(),
            help: help.into(),
        };
        self.refuse(at, error)
    }

    /// Records a decision and its reason.
    pub fn decide(&mut self, topic: &str, choice: impl Into<String>, at: Option<Loc>) -> DecisionId {
        self.decisions.push(Decision { topic: topic.into(), choice: choice.into(), loc: at });
        DecisionId(self.decisions.len() - 1)
    }

    /// Replaces what an earlier decision says, keeping its place in the order.
    pub fn revise(&mut self, id: DecisionId, choice: impl Into<String>, at: Option<Loc>) {
        let d = &mut self.decisions[id.0];
        d.choice = choice.into();
        d.loc = at;
    }

    /// Drops what was reported after `len` diagnostics (a value read only to look at it).
    pub fn forget_diagnostics_after(&mut self, len: usize) {
        self.diagnostics.truncate(len);
    }
}
