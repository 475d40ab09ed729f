//! Joining the two ways of an undecidable condition: what differs becomes conditional.

use super::super::environment::Environment;
use super::super::value::{Loc, Uncertainty};

/// Merges the state after an undecidable branch into the state without it: every variable whose
/// value differs becomes conditional on `cond`.
pub fn merge(base: Environment, taken: &Environment, cond: Loc) -> Environment {
    // What changes is worked out first, reading `base`, then written into it.
    let mut changes = Vec::new();
    for name in base.names_differing(taken) {
        let a = base.get(&name);
        let b = taken.get(&name);
        // A `local` the branch declared stays local to the function: the variable it shadows
        // is not changed by the branch.
        let local = taken.is_innermost_local(&name) && !base.is_innermost_local(&name);
        if a == b && !local {
            continue;
        }
        match (a, b) {
            (_, Some(vb)) => {
                let mut v = vb.value.clone();
                if let Some(va) = a {
                    v.taint(va.value.uncertain.clone());
                }
                v.taint([Uncertainty::Conditional { cond }]);
                let exported = vb.exported || a.is_some_and(|x| x.exported);
                changes.push((name, v, vb.assigned_at, exported, local));
            }
            (Some(va), None) => {
                let mut v = va.value.clone();
                v.taint([Uncertainty::Conditional { cond }]);
                changes.push((name, v, va.assigned_at, false, local));
            }
            (None, None) => {}
        }
    }
    let mut out = base;
    for (name, v, at, exported, local) in changes {
        if local {
            out.declare_local(&name);
        }
        out.set(&name, v, at);
        if exported {
            out.export(&name);
        }
    }
    out
}
