//! Which OpenRC the output is for: its s6 backend changed completely in 0.63.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The OpenRC release whose `s6.sh` will run the services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenrcTarget {
    /// The version, e.g. `0.45.2`.
    pub version: String,
}

/// How that release's s6 backend finds a service directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum S6Backend {
    /// 0.16–0.62: links `s6_service_path` (default /var/svc.d/$RC_SVCNAME) into the scan
    /// directory under its basename.
    Legacy,
    /// 0.63 and later: generates its own service directory from `command`, unless `command` is
    /// empty and /var/svc.d/$name/run exists (0.63.1+); links it under `$name`.
    Generated,
}

impl OpenrcTarget {
    /// The default when nothing is installed or given: the legacy backend of Debian's 0.45.
    pub fn legacy_default() -> Self {
        OpenrcTarget { version: "0.45".into() }
    }

    /// Parses `0.45.2`, `0.63`, `0.62.10`.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        let mut it = t.split('.');
        let major: u32 = it.next()?.parse().ok()?;
        let minor: u32 = it.next()?.parse().ok()?;
        for rest in it {
            rest.parse::<u32>().ok()?;
        }
        (major == 0 && minor >= 16 || major >= 1).then(|| OpenrcTarget { version: t.to_string() })
    }

    fn numbers(&self) -> (u32, u32, u32) {
        let mut it = self.version.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
        (it.next().unwrap_or(0), it.next().unwrap_or(0), it.next().unwrap_or(0))
    }

    /// The backend this version has.
    pub fn backend(&self) -> S6Backend {
        let (major, minor, _) = self.numbers();
        if major == 0 && minor < 63 { S6Backend::Legacy } else { S6Backend::Generated }
    }

    /// Whether 0.63's compatibility mode (empty `command` + /var/svc.d/$name/run) exists.
    pub fn has_compat_mode(&self) -> bool {
        let (major, minor, patch) = self.numbers();
        major >= 1 || minor > 63 || (minor == 63 && patch >= 1)
    }

    /// Whether this release is `major.minor` or later.
    pub fn is_at_least(&self, major: u32, minor: u32) -> bool {
        let (ma, mi, _) = self.numbers();
        (ma, mi) >= (major, minor)
    }

    /// The semantics assumed, in words, for the manifest.
    pub fn describe(&self) -> String {
        match self.backend() {
            S6Backend::Legacy => format!(
                "OpenRC {} (s6 backend 0.16-0.62): links s6_service_path, default /var/svc.d/RC_SVCNAME, into /run/openrc/s6-scan under its basename",
                self.version
            ),
            S6Backend::Generated => format!(
                "OpenRC {} (s6 backend 0.63+): links /var/svc.d/NAME when command is empty and its run exists, into /run/openrc/s6-scan under NAME",
                self.version
            ),
        }
    }
}

impl fmt::Display for OpenrcTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(OpenrcTarget::parse("0.45.2").unwrap().backend(), S6Backend::Legacy);
        assert_eq!(OpenrcTarget::parse("0.62.10").unwrap().backend(), S6Backend::Legacy);
        assert_eq!(OpenrcTarget::parse("0.63").unwrap().backend(), S6Backend::Generated);
        assert!(!OpenrcTarget::parse("0.63").unwrap().has_compat_mode());
        assert!(OpenrcTarget::parse("0.63.1").unwrap().has_compat_mode());
        assert!(OpenrcTarget::parse("0.12").is_none());
        assert!(OpenrcTarget::parse("x").is_none());
    }
}
