//! Diagnostics in one shape for every phase. Each phase reports an error enum (miette's
//! `Diagnostic` for wording, labels and help) that implements [`Coded`]: its variants map to
//! `static` [`Code`]s defined next to the enum with `define_codes!`, each holding the stable
//! name, the default severity and the long explanation. A [`Finding`] is one such diagnostic about
//! one file with its effective severity; a [`Registry`] resolves the code names users type.

mod code;
mod finding;
mod registry;
mod severity;

pub(crate) use code::define_codes;
pub use code::{Code, Coded};
pub use finding::{Finding, Position};
pub use registry::Registry;
pub use severity::Severity;
