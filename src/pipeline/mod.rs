//! Orchestration: reading each service's files from disk, analysing many services in parallel,
//! compiling a batch into service directories and a manifest, and migrating its init scripts,
//! all in memory.

pub mod compile;
pub mod input;
pub mod migrate;
pub mod parallel;
pub mod service_set;
