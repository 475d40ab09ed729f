//! rc2s6: compiles OpenRC init scripts into s6 service directories.

pub mod ast;
pub mod parse;
pub mod source;
