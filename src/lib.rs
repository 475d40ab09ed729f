//! rc2s6: compiles OpenRC init scripts into s6 service directories.
//!
//! The data flows one way: [`source`] text → [`parse`] → [`model`] → [`emit`] → [`verify`];
//! [`input`] and [`write`] are the only places that touch the filesystem.

pub mod analysis;
pub mod ast;
pub mod cli;
pub mod command;
pub mod compile;
pub mod diagnostic;
pub mod emit;
pub mod input;
pub mod model;
pub mod openrc_target;
pub mod parallel;
pub mod parse;
pub mod source;
pub mod write;
