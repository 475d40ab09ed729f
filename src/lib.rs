//! rc2s6: compiles OpenRC init scripts into s6 service directories.
//!
//! Layers, each a folder, each importing only from the layers above it in this list:
//! [`core`] (source text, spans, diagnostics) → [`openrc`] (what OpenRC is: versions, paths,
//! variables, the daemon table) → [`shell`] (syntax tree, pest grammar, parser) → [`eval`]
//! (static shell evaluation) → [`model`] (what OpenRC would run for a service) → the consumers of
//! the model: [`backend`] (service directories), [`manifest`], [`migrate`], [`dependency_graph`],
//! [`lint`], [`verify`], [`report`] → [`pipeline`] (reading inputs, batches, in parallel) →
//! [`write`](mod@write) (the only writer of the output) → [`codes`] (the registry of every diagnostic code,
//! which the phases define). The binary's command line lives outside the library.
//! ARCHITECTURE.md is the map.

// pest is built without its `std` feature (no stack probe on every parser call; shell::parse
// bounds the stack itself), so the parser pest_derive generates names `::alloc::boxed::Box`.
extern crate alloc;

pub mod backend;
pub mod codes;
pub mod core;
pub mod dependency_graph;
pub mod eval;
pub mod lint;
pub mod manifest;
pub mod migrate;
pub mod model;
pub mod openrc;
pub mod pipeline;
pub mod report;
pub mod shell;
pub mod verify;
pub mod write;
