//! Backends: from a service's model to the files a supervisor runs. Today one, s6 service
//! directories that OpenRC links into its scan directory; [`execline`] is shared by every
//! backend that writes execline.

pub mod execline;
pub mod s6;
pub mod service_dir;
