//! Where OpenRC keeps things on Linux, and where its s6 backends look for service directories.

/// OpenRC's `RC_SVCDIR` on Linux (`src/librc/rc.h.in`).
pub const RC_SVCDIR: &str = "/run/openrc";

/// OpenRC's default place for prepared service directories: `s6_service_path`'s default from
/// 0.16.1 to 0.62, and the only place 0.63.1+ links a prepared directory from.
pub const VAR_SVC_D: &str = "/var/svc.d";

/// The scan directory OpenRC's s6 backends link services into.
pub fn scan_dir() -> String {
    format!("{RC_SVCDIR}/s6-scan")
}

/// The service directory OpenRC 0.16–0.62 links when `s6_service_path` is not set.
pub fn default_service_path(name: &str) -> String {
    format!("{VAR_SVC_D}/{name}")
}
