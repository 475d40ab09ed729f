//! rc2s6: compiles OpenRC init scripts into s6 service directories.
//!
//! The data flows one way: [`source`] text → [`parse`] → [`model`] → [`emit`] → [`verify`];
//! [`input`] and [`write`] are the only places that touch the filesystem.

pub mod analysis;
pub mod ast;
pub mod cli;
pub mod command;
pub mod compile;
pub mod dependency_graph;
pub mod diagnostic;
pub mod did_you_mean;
pub mod emit;
pub mod explain;
pub mod input;
pub mod lint;
pub mod model;
pub mod openrc_target;
pub mod parallel;
pub mod parse;
pub mod report_format;
pub mod service_set;
pub mod source;
pub mod verify;
pub mod write;
