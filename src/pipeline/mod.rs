//! Orchestration: reading each service's files from disk, analysing many services in parallel,
//! and compiling a batch into service directories and a manifest, in memory.

pub mod compile;
pub mod input;
pub mod parallel;
pub mod service_set;
