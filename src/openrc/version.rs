//! Which OpenRC the output is for, parsed once: its s6 backend changed completely in 0.63, and
//! other behaviour by release.

use std::fmt;

/// An OpenRC release, e.g. `0.45.2` or `0.63.3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenrcVersion {
    major: u32,
    minor: u32,
    patch: u32,
    /// As the user wrote it (`0.63`), for messages and the manifest.
    given: String,
}

/// How that release's s6 backend finds a service directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum S6Backend {
    /// 0.16–0.62: links `s6_service_path` (default /var/svc.d/$RC_SVCNAME) into the scan
    /// directory under its basename.
    Legacy,
    /// 0.63 and later: generates its own service directory from `command`, unless `command` is
    /// empty and /var/svc.d/$name/run exists (0.63.1+); links it under `$name`.
    Generated,
}

impl OpenrcVersion {
    /// The default when nothing is installed or given: the legacy backend of Debian's 0.45.
    pub fn legacy_default() -> Self {
        OpenrcVersion { major: 0, minor: 45, patch: 0, given: "0.45".into() }
    }

    /// Parses `0.45.2`, `0.63`, `0.62.10`; `None` for anything else or a release before 0.16,
    /// which had no s6 backend.
    pub fn parse(s: &str) -> Option<Self> {
        let given = s.trim();
        let mut it = given.split('.');
        let major: u32 = it.next()?.parse().ok()?;
        let minor: u32 = it.next()?.parse().ok()?;
        let mut patch = 0;
        for (i, rest) in it.enumerate() {
            let n: u32 = rest.parse().ok()?;
            if i == 0 {
                patch = n;
            }
        }
        (major == 0 && minor >= 16 || major >= 1).then(|| OpenrcVersion { major, minor, patch, given: given.into() })
    }

    /// The backend this version has.
    pub fn backend(&self) -> S6Backend {
        if self.major == 0 && self.minor < 63 { S6Backend::Legacy } else { S6Backend::Generated }
    }

    /// Whether 0.63's compatibility mode (empty `command` + /var/svc.d/$name/run) exists.
    pub fn has_compat_mode(&self) -> bool {
        (self.major, self.minor, self.patch) >= (0, 63, 1)
    }

    /// Whether this release is `major.minor` or later.
    pub fn is_at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// The semantics assumed, in words, for the manifest.
    pub fn describe(&self) -> String {
        match self.backend() {
            S6Backend::Legacy => format!(
                "OpenRC {self} (s6 backend 0.16-0.62): links s6_service_path, default /var/svc.d/RC_SVCNAME, into /run/openrc/s6-scan under its basename"
            ),
            S6Backend::Generated => format!(
                "OpenRC {self} (s6 backend 0.63+): links /var/svc.d/NAME when command is empty and its run exists, into /run/openrc/s6-scan under NAME"
            ),
        }
    }
}

impl Default for OpenrcVersion {
    fn default() -> Self {
        OpenrcVersion::legacy_default()
    }
}

impl fmt::Display for OpenrcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.given)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(OpenrcVersion::parse("0.45.2").unwrap().backend(), S6Backend::Legacy);
        assert_eq!(OpenrcVersion::parse("0.62.10").unwrap().backend(), S6Backend::Legacy);
        assert_eq!(OpenrcVersion::parse("0.63").unwrap().backend(), S6Backend::Generated);
        assert!(!OpenrcVersion::parse("0.63").unwrap().has_compat_mode());
        assert!(OpenrcVersion::parse("0.63.1").unwrap().has_compat_mode());
        assert!(OpenrcVersion::parse("1.0").unwrap().has_compat_mode());
        assert!(OpenrcVersion::parse("0.12").is_none());
        assert!(OpenrcVersion::parse("0.45.x").is_none());
        assert!(OpenrcVersion::parse("x").is_none());
        assert_eq!(OpenrcVersion::parse(" 0.63 ").unwrap().to_string(), "0.63");
    }
}
