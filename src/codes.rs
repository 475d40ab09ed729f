//! Every diagnostic code rc2s6 has, gathered from the phases that define them (each next to the
//! error type that reports it). `rc2s6 explain` lists and explains them, `rc2s6 lint` resolves
//! the names `--deny/--warn/--allow` and `# rc2s6: allow=` comments give, and README.md's table
//! is [`Registry::markdown_table`] of it (a test keeps the two equal). It sits above every layer
//! because codes come from all of them; the layers below receive it as a value.

use std::sync::LazyLock;

use crate::core::diagnostic::Registry;

/// The registry, built on first use.
static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    Registry::new(&[
        crate::shell::parse::error::CODES,
        crate::model::analysis::CODES,
        crate::pipeline::compile::CODES,
        crate::eval::error::CODES,
        crate::model::error::CODES,
        crate::backend::s6::CODES,
        crate::backend::s6rc::CODES,
        crate::migrate::error::CODES,
        crate::lint::error::CODES,
        crate::verify::error::CODES,
        crate::write::CODES,
    ])
});

/// Every code, sorted by name.
pub fn registry() -> &'static Registry {
    &REGISTRY
}
