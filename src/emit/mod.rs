//! Model → in-memory output: service directories, their execline scripts, the manifest and
//! (for migration) the rewritten init script. Pure functions; `write` puts them on disk.

pub mod execline;
pub mod manifest;
pub mod s6;
pub mod service_dir;

pub use manifest::{MANIFEST_NAME, Manifest, ServiceRecord};
pub use s6::{EmitError, EmitOptions};
pub use service_dir::{GeneratedFile, ServiceDir};
