//! Backends: from a service's model to the files a supervisor runs, behind one seam, [`Backend`],
//! which is all the pipeline knows of them. [`s6`]: service directories that OpenRC links into its
//! scan directory. [`s6rc`]: an s6-rc source tree, where a service becomes several definitions
//! (the daemon, its logger, oneshots) and the set adds bundles and dependencies. [`execline`] is
//! shared by every backend that writes execline, [`service_dir`] is the in-memory directory every
//! backend produces (an s6-rc definition is one too).
//!
//! A new backend is a new variant of [`Backend`] and its module; the pipeline only selects it.

mod account_lookup;
mod at_start;
pub mod execline;
mod free_variable;
pub mod s6;
pub mod s6rc;
pub mod service_dir;
mod system_worlds;

pub use s6::{EmitError, EmitOptions};
pub use s6rc::S6RcOptions;

use crate::model::{Service, ServiceKind};
use service_dir::ServiceDir;

/// The backend a compile writes for, with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// s6 service directories, for OpenRC's s6 backend to link into its scan directory.
    S6(EmitOptions),
    /// An s6-rc source tree: the whole set, with no OpenRC left to run it.
    S6Rc(S6RcOptions),
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
            // Per set, not per service: see `pipeline::s6rc`.
            Backend::S6Rc(_) => Ok(None),
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
            Backend::S6Rc(options) => Some(s6::log_dir(&service.name, &options.emit)),
        }
    }

    /// The backend's name, as `--backend` and the manifest say it.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::S6(_) => "s6",
            Backend::S6Rc(_) => "s6-rc",
        }
    }
}
