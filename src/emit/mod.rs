//! Model → in-memory output: service directories, their execline scripts, the manifest and
//! (for migration) the rewritten init script. Pure functions; `write` puts them on disk.

pub mod execline;
pub mod initd;
pub mod manifest;
pub mod migrate_error;
pub mod s6;
pub mod service_dir;
pub mod unified_diff;

pub use manifest::{MANIFEST_NAME, Manifest, ServiceRecord};
pub use s6::{EmitError, EmitOptions};
pub use service_dir::{GeneratedFile, ServiceDir};
