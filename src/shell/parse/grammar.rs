//! The pest parser generated from `grammar/openrc.pest`; its types never leave `parse`.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/openrc.pest"]
pub(super) struct ShellGrammar;
