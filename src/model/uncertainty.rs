//! Why a value cannot be known when OpenRC's is, in words, with what to write instead: the
//! `why` and `help` of every `unknowable_value` diagnostic.

use crate::eval::value::Uncertainty;

/// Why a value cannot be known, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknowable {
    /// Why, in words.
    pub why: String,
    /// What to write instead.
    pub help: String,
}

/// Why a value cannot be known, and what to write instead.
pub fn explain_uncertainty(u: &Uncertainty) -> Unknowable {
    let (why, help): (String, String) = match u {
        Uncertainty::CommandSubst(_) => (
            "a command substitution only runs when OpenRC starts the service".into(),
            // Where it is set, not always conf.d: a value start_pre() sets overrides conf.d's.
            "replace the command substitution by the value it gives, where it is set".into(),
        ),
        Uncertainty::Conditional { .. } => (
            "it is set under a condition that depends on the running system".into(),
            "set the value unconditionally in conf.d, or move the condition into the daemon's own configuration".into(),
        ),
        Uncertainty::Runtime { what, .. } => {
            (format!("{what} is only known at run time"), "write the value literally".into())
        }
        Uncertainty::Arithmetic(_) => {
            ("arithmetic rc2s6 does not evaluate".into(), "write the number literally".into())
        }
        Uncertainty::CommandOutput(_) => {
            ("it is read from a command's output".into(), "write the value literally where it is set".into())
        }
        Uncertainty::UnsetVariable { name, .. } => (format!("`{name}` is not set"), format!("set `{name}`")),
    };
    Unknowable { why, help }
}
