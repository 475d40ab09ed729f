//! What evaluating one service may cost: a script that makes values, or copies of the
//! variables, larger than any real script does is stopped at a located error
//! (`value_too_large`) instead of taking the run's memory. (A 300-byte conf.d doubling a value
//! 28 times asked for 1.3 GB and aborted the whole run.)
//!
//! One budget is shared by every copy of a service's variables (the interpreter copies them to
//! take both ways of a condition and to run each function OpenRC calls), so the bytes a
//! service's evaluation makes, or copies, are bounded whatever it does: peak memory is bounded
//! by the budget, not by what the script asks for.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use super::value::Loc;

/// The longest value one expansion may make: 64 KiB, four times the largest script of the
/// corpus of real ones (17 KB), and more than any value a real script or conf.d sets (the
/// longest `command_args` there is under 1 KB).
pub const MAX_VALUE_BYTES: usize = 64 << 10;

/// The bytes all expansions of one service, and all copies of its variables, may make
/// together: 64 MiB. Every script of the corpus of real ones stays under 1 MiB.
pub const MAX_TOTAL_BYTES: usize = 64 << 20;

/// Which limit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// One value would exceed [`MAX_VALUE_BYTES`].
    Value,
    /// The service's evaluation would exceed [`MAX_TOTAL_BYTES`].
    Total,
}

impl Limit {
    /// The limit in bytes.
    pub fn bytes(self) -> usize {
        match self {
            Limit::Value => MAX_VALUE_BYTES,
            Limit::Total => MAX_TOTAL_BYTES,
        }
    }
}

#[derive(Debug, Default)]
struct Spent {
    bytes: AtomicUsize,
    /// Where a limit was first reached, and which.
    exceeded: OnceLock<(Loc, Limit)>,
}

/// The budget of one service's evaluation, shared by every copy of its variables.
#[derive(Debug, Clone, Default)]
pub struct Budget(Arc<Spent>);

impl PartialEq for Budget {
    /// Not part of the variables' state: two environments with the same variables are equal
    /// whatever their budgets.
    fn eq(&self, _: &Budget) -> bool {
        true
    }
}

impl Budget {
    /// Spends `bytes` at `loc`; `false` (and the limit recorded, the first time) when that goes
    /// past the total, or when `value` (the bytes of the value being made) goes past the limit
    /// of one value. Once a limit is reached every later call is `false`.
    pub fn spend(&self, bytes: usize, value: usize, loc: Loc) -> bool {
        if self.exceeded().is_some() {
            return false;
        }
        let total = self.0.bytes.fetch_add(bytes, Ordering::Relaxed).saturating_add(bytes);
        let over = if value > MAX_VALUE_BYTES {
            Some(Limit::Value)
        } else if total > MAX_TOTAL_BYTES {
            Some(Limit::Total)
        } else {
            None
        };
        match over {
            Some(limit) => {
                let _ = self.0.exceeded.set((loc, limit));
                false
            }
            None => true,
        }
    }

    /// The bytes spent so far.
    pub fn spent(&self) -> usize {
        self.0.bytes.load(Ordering::Relaxed)
    }

    /// Where a limit was reached, and which, if one was.
    pub fn exceeded(&self) -> Option<(Loc, Limit)> {
        self.0.exceeded.get().copied()
    }
}
