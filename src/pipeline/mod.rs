//! Orchestration: reading each service's files from disk ([`input`]), analysing many services in
//! parallel ([`service_set`] on [`crate::core::parallel`]), and what each command does with a set, in memory:
//! [`compile`] it into service directories and a manifest, [`migrate`] its init scripts,
//! [`lint`] it, [`verify`] it against the disk.

pub mod compile;
pub mod input;
pub mod lint;
pub mod migrate;
pub mod s6rc;
pub mod service_set;
pub mod siblings;
pub mod verify;
