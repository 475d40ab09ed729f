//! Values of shell variables as far as they can be known without running anything.

use super::at_start::AtStart;
use crate::core::source::{FileId, Span};

/// A place in one of the files loaded for a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// The loaded file.
    pub file: FileId,
    /// Where in that file.
    pub span: Span,
}

/// Why a value may not be what OpenRC computes at run time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Uncertainty {
    /// `$(…)` or `` `…` ``: only known by running it.
    CommandSubst(Loc),
    /// A variable nothing sets, expanded as empty (as OpenRC would, given these files).
    UnsetVariable {
        /// The variable.
        name: String,
        /// Where it is expanded.
        loc: Loc,
    },
    /// Set under a condition that cannot be decided statically.
    Conditional {
        /// The condition.
        cond: Loc,
    },
    /// A value that only exists at run time (`$$`, `$1`, `RC_RUNLEVEL` …).
    Runtime {
        /// What, in words (`` `$1` ``, `bash array` …).
        what: String,
        /// Where it is used.
        loc: Loc,
    },
    /// Arithmetic rc2s6 does not evaluate.
    Arithmetic(Loc),
    /// Read from input or otherwise produced by a command (`read`, `getopts`).
    CommandOutput(Loc),
    /// `$(…)` that a run script can compute when the service starts, as OpenRC does: its marker
    /// stands in the text. Unknowable wherever the model does not say it may be used.
    AtStart {
        /// The command.
        command: AtStart,
        /// The substitution.
        loc: Loc,
    },
}

impl Uncertainty {
    /// Whether the text is only a placeholder (the real value cannot be known), rather than the
    /// value OpenRC would compute under a stated assumption.
    pub fn is_unknowable(&self) -> bool {
        !matches!(self, Uncertainty::UnsetVariable { .. })
    }

    /// What it is, in a few words, for tests to compare.
    #[cfg(test)]
    pub fn brief(&self) -> String {
        match self {
            Uncertainty::CommandSubst(_) => "$(…)".into(),
            Uncertainty::AtStart { command, .. } => format!("at start {}", command.display()),
            Uncertainty::UnsetVariable { name, .. } => format!("unset {name}"),
            Uncertainty::Conditional { .. } => "conditional".into(),
            Uncertainty::Runtime { what, .. } => format!("runtime {what}"),
            Uncertainty::Arithmetic(_) => "arithmetic".into(),
            Uncertainty::CommandOutput(_) => "command output".into(),
        }
    }

    /// Where the uncertainty comes from.
    pub fn loc(&self) -> Loc {
        match self {
            Uncertainty::CommandSubst(l) | Uncertainty::Arithmetic(l) | Uncertainty::CommandOutput(l) => *l,
            Uncertainty::UnsetVariable { loc, .. }
            | Uncertainty::Runtime { loc, .. }
            | Uncertainty::AtStart { loc, .. } => *loc,
            Uncertainty::Conditional { cond } => *cond,
        }
    }
}

/// A variable's value: the text OpenRC would see and what could make it differ.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellValue {
    /// The text.
    pub text: String,
    /// Reasons the text may not be exact; empty when it is.
    pub uncertain: Vec<Uncertainty>,
}

impl ShellValue {
    /// An exact value.
    pub fn known(text: impl Into<String>) -> Self {
        ShellValue { text: text.into(), uncertain: Vec::new() }
    }

    /// Whether the text is exact.
    pub fn is_exact(&self) -> bool {
        self.uncertain.is_empty()
    }

    /// The variables the text was built from that are unset, in order.
    pub fn unset_variables(&self) -> Vec<&str> {
        self.uncertain
            .iter()
            .filter_map(|u| match u {
                Uncertainty::UnsetVariable { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Whether some part of the text cannot be known at all.
    pub fn is_unknowable(&self) -> bool {
        self.uncertain.iter().any(Uncertainty::is_unknowable)
    }

    /// Whether the value is known to be empty: a `$(…)` whose placeholder text is empty is
    /// unknown, not empty; a value built from unset variables is empty.
    pub fn is_known_empty(&self) -> bool {
        self.text.is_empty() && !self.is_unknowable()
    }

    /// Adds uncertainties, keeping each once.
    pub fn taint(&mut self, more: impl IntoIterator<Item = Uncertainty>) {
        for u in more {
            if !self.uncertain.contains(&u) {
                self.uncertain.push(u);
            }
        }
    }
}
