//! What OpenRC is, independent of any one script: its versions and what changed between them,
//! its paths, its variables, the supervisors it knows, the files it loads with a script and in
//! which roles, the services every system has, the einfo programs that print its messages, and
//! rc2s6's table of daemons it runs.

pub mod daemon_table;
pub mod einfo;
pub mod paths;
pub mod service_files;
pub mod supervisor;
pub mod system_services;
pub mod variables;
pub mod version;
