//! Backends: from a service's model to the files a supervisor runs, behind one seam, [`Backend`],
//! which is all the pipeline knows of them. Today there is one, [`s6`]: service directories that
//! OpenRC links into its scan directory. [`execline`] is shared by every backend that writes
//! execline, [`service_dir`] is the in-memory directory every backend produces.
//!
//! A new backend is a new variant of [`Backend`] and its module; the pipeline only selects it.

pub mod execline;
pub mod s6;
pub mod service_dir;

pub use s6::{EmitError, EmitOptions};

use crate::model::{Service, ServiceKind};
use service_dir::ServiceDir;

/// The backend a compile writes for, with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// s6 service directories, for OpenRC's s6 backend to link into its scan directory.
    S6(EmitOptions),
}

impl Default for Backend {
    fn default() -> Self {
        Backend::S6(EmitOptions::default())
    }
}

impl Backend {
    /// The directory a service becomes, or `None` when the backend makes nothing of it (for s6:
    /// anything but a converted longrun). `private`: others may not read the service's conf.d,
    /// so they may not read what is generated from it either.
    pub fn service_dir(&self, service: &Service, private: bool) -> Result<Option<ServiceDir>, EmitError> {
        match self {
            Backend::S6(options) => match (service.kind, &service.daemon) {
                (ServiceKind::Longrun, Some(daemon)) => {
                    let dir = s6::service_dir(service, daemon, options)?;
                    Ok(Some(if private { dir.private() } else { dir }))
                }
                _ => Ok(None),
            },
        }
    }

    /// Where a service's logger writes, for the manifest.
    pub fn log_dir(&self, service: &Service) -> Option<String> {
        match self {
            Backend::S6(options) => Some(s6::log_dir(&service.name, options)),
        }
    }
}
