//! What OpenRC's s6 backend will link for a script: the scan-directory link and the service
//! directory it points to, worked out from the script's model for the target release.

use crate::model::Loc;
use crate::model::analysis::Analysis;
use crate::openrc::paths::{RC_SVCDIR, VAR_SVC_D, default_service_path};
use crate::openrc::version::{OpenrcVersion, S6Backend};

/// Where OpenRC will link one service, worked out from its script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// RC_SVCNAME.
    pub service: String,
    /// The script's path.
    pub script: String,
    /// The name of the link in the scan directory.
    pub link: String,
    /// The service directory the link points to; empty when the script empties
    /// `s6_service_path`, and OpenRC 0.16–0.62 links nothing (its start fails).
    pub servicedir: String,
    /// OpenRC ≥ 0.63 will build this directory itself (`command` set, or no compatibility mode).
    pub openrc_generates: bool,
    /// The assignment that decides the path (`s6_service_path` or `name`), if any.
    pub decided_at: Option<Loc>,
}

/// The link and service directory OpenRC's s6 backend will use for this script.
pub fn expected(a: &Analysis, target: &OpenrcVersion) -> Expected {
    match target.backend() {
        S6Backend::Legacy => legacy(a),
        S6Backend::Generated => generated(a, target),
    }
}

/// 0.16–0.62, s6.sh: `[ -z "$s6_service_path" ] && s6_service_path=/var/svc.d/$RC_SVCNAME`, and
/// the link is `s6-scan/${s6_service_path##*/}`. openrc-run sources s6.sh after rc.conf and
/// conf.d but before the script, so an empty value from the script stays empty.
fn legacy(a: &Analysis) -> Expected {
    let s = &a.service;
    let script_index = a.script_id();
    let emptied = s
        .settings
        .get("s6_service_path")
        .filter(|v| v.value.is_empty() && v.exact && v.at.is_some_and(|l| l.file == script_index));
    let (path, at) = match (s.settings.get("s6_service_path").filter(|v| !v.value.is_empty()), emptied) {
        (Some(v), _) => (v.value.clone(), v.at),
        (None, Some(v)) => (String::new(), v.at),
        (None, None) => (default_service_path(&s.name), None),
    };
    let link = path.rsplit('/').next().unwrap_or("").to_string();
    Expected {
        service: s.name.clone(),
        script: a.script().name().to_string(),
        link,
        servicedir: path,
        openrc_generates: false,
        decided_at: at,
    }
}

/// 0.63+, s6.sh: `name=${name:-$RC_SVCNAME}`; /var/svc.d/$name when `command` is empty and its
/// run is executable (0.63.1+), else its own $RC_SVCDIR/s6-services/$name.
fn generated(a: &Analysis, target: &OpenrcVersion) -> Expected {
    let s = &a.service;
    let setting = |n: &str| s.settings.get(n).filter(|v| !v.value.is_empty());
    let (name, at) = match setting("name") {
        Some(v) => (v.value.clone(), v.at),
        None => (s.name.clone(), None),
    };
    let generates = setting("command").is_some() || !target.has_compat_mode();
    let servicedir = if generates { format!("{RC_SVCDIR}/s6-services/{name}") } else { format!("{VAR_SVC_D}/{name}") };
    Expected {
        service: s.name.clone(),
        script: a.script().name().to_string(),
        link: name,
        servicedir,
        openrc_generates: generates,
        decided_at: at,
    }
}
