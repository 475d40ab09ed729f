//! Shell syntax: the tree every later stage reads, and the pest parser that builds it. Knows
//! nothing about OpenRC.

pub mod ast;
pub mod parse;
