//! Jumps taken one way of an undecidable condition (`[ -w "$c" ] && break`, `[ -f x ] && return
//! 0`): the commands after them run only the other way, so what they assign is conditional where
//! the jump lands. The state at the jump is kept until its target (the loop, the function) ends,
//! then merged with the state there.

use super::super::environment::Environment;
use super::super::observer::Observer;
use super::super::value::Loc;
use super::merge::merge;
use super::{Flow, Interpreter, Status};

/// The state one way of a condition left when it jumped.
#[derive(Debug, Clone)]
pub(super) struct PendingJump {
    /// `Break`, `Continue` or `Return`.
    flow: Flow,
    /// The variables at the jump.
    env: Environment,
    /// The condition it was taken under.
    cond: Loc,
}

/// Whether a way that ended with `flow` and `status` skips the commands after it: `break`,
/// `continue`, and a `return` that does not fail. A failing `return`/`exit` ends a start that
/// fails, which the model does not follow (the start that matters gets past the checks).
pub(super) fn jumps(flow: Flow, status: Status) -> bool {
    match flow {
        Flow::Break | Flow::Continue => true,
        Flow::Return => status != Status::False,
        Flow::Next | Flow::Exit => false,
    }
}

impl<O: Observer> Interpreter<O> {
    /// Keeps `env`, the state one way of `cond` left when it jumped with `flow`.
    pub(super) fn jump_pending(&mut self, flow: Flow, env: Environment, cond: Loc) {
        self.pending.push(PendingJump { flow, env, cond });
    }

    /// Merges into the state the jumps kept since `mark` that land here (`flows`); the others
    /// stay for an enclosing target.
    pub(super) fn land_jumps(&mut self, mark: usize, flows: &[Flow]) {
        let mut i = mark;
        while i < self.pending.len() {
            if flows.contains(&self.pending[i].flow) {
                let p = self.pending.remove(i);
                let here = std::mem::take(&mut self.env);
                self.env = merge(here, &p.env, p.cond);
            } else {
                i += 1;
            }
        }
    }

    /// Forgets the jumps kept since `mark`: a subshell's end where its state is dropped.
    pub(super) fn drop_jumps(&mut self, mark: usize) {
        self.pending.truncate(mark);
    }
}
