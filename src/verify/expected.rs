//! What OpenRC's s6 backend will link for a script: the scan-directory link and the service
//! directory it points to, worked out from the script's model for the target release
//! ([`expected`]), then settled against what the disk holds where the release tests the disk
//! itself ([`settle`]: 0.63.1+ link /var/svc.d/$name only when its `run` passes `test -x`).

use crate::model::Loc;
use crate::model::Setting;
use crate::model::analysis::Analysis;
use crate::model::function_table::S6_STARTS;
use crate::openrc::paths::{RC_SVCDIR, VAR_SVC_D, default_service_path};
use crate::openrc::version::{OpenrcVersion, S6Backend};

use super::tree::DirSnapshot;
use crate::core::file_name::basename;

/// Where OpenRC will link one service, worked out from its script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// RC_SVCNAME.
    pub service: String,
    /// The script's path.
    pub script: String,
    /// The name of the link in the scan directory; empty when nothing is linked.
    pub link: String,
    /// The service directory the link points to; empty when OpenRC links nothing
    /// (`unlinked` says why).
    pub servicedir: String,
    /// Why OpenRC links nothing, when it does not.
    pub unlinked: Option<Unlinked>,
    /// Why OpenRC ≥ 0.63 builds the directory it links itself, when it does.
    pub generated: Option<Generated>,
    /// The prepared service directory OpenRC links when it is usable (`s6_service_path` on
    /// 0.16–0.62, /var/svc.d/$name on 0.63.1+): the one rc2s6's tree must provide. `None` when
    /// the release would not link a prepared one whatever the disk holds.
    pub prepared: Option<String>,
    /// The assignment that decides the path (`s6_service_path` or `name`), if any.
    pub decided_at: Option<Loc>,
}

impl Expected {
    /// Whether OpenRC ≥ 0.63 will build the linked directory itself.
    pub fn openrc_generates(&self) -> bool {
        self.generated.is_some()
    }
}

/// Why OpenRC's s6 backend links nothing for a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlinked {
    /// `supervisor` is not `s6` where start() hands the daemon to OpenRC: `default_start` runs
    /// start-stop-daemon (or another backend), which links nothing (openrc-run.sh,
    /// `default_start`).
    NotS6,
    /// The script's own start() reaches neither `default_start` nor `s6_start`.
    StartBypassesS6,
    /// 0.16–0.62: the script empties `s6_service_path` after s6.sh gave it its default.
    ServicePathEmpty,
}

/// Why OpenRC ≥ 0.63 generates the directory it links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// `command` is set when `s6_start` runs.
    CommandSet,
    /// 0.63.0 has no compatibility mode.
    NoCompatMode,
    /// 0.63.1+: the prepared /var/svc.d/$name has no `run` that passes `test -x` (missing, not a
    /// directory, or not executable), so OpenRC generates its own from the empty `command`.
    PreparedUnusable,
}

/// The link and service directory OpenRC's s6 backend will use for this script, before the
/// disk is looked at.
pub fn expected(a: &Analysis, target: &OpenrcVersion) -> Expected {
    let mut e = match target.backend() {
        S6Backend::Legacy => legacy(a),
        S6Backend::Generated => generated(a, target),
    };
    if let Some(why) = not_through_s6(a) {
        e.unlinked = Some(why);
        e.link.clear();
        e.servicedir.clear();
        e.generated = None;
        e.prepared = None;
    }
    e
}

/// What the disk changes in [`expected`]: on 0.63.1+, the prepared /var/svc.d/$name is linked
/// only when its `run` passes `test -x` (`_s6_have_legacy_servicedir`, sh/s6.sh of 0.63.3);
/// otherwise OpenRC generates $RC_SVCDIR/s6-services/$name from the empty `command` and links
/// that. `prepared` is what is at /var/svc.d/$name.
pub fn settle(mut e: Expected, target: &OpenrcVersion, prepared: Option<&DirSnapshot>) -> Expected {
    if !target.links_prepared_only_if_run_is_executable() || e.generated.is_some() || e.unlinked.is_some() {
        return e;
    }
    if !prepared.is_some_and(|d| d.run_passes_test_x) {
        e.servicedir = generated_dir(&e.link);
        e.generated = Some(Generated::PreparedUnusable);
    }
    e
}

/// Why the backend's start never runs `s6_start`, if it does not: OpenRC's own start() (and a
/// script's start() calling `default_start`) dispatch on `supervisor` (openrc-run.sh,
/// `default_start`: `s6) func=s6_start`); a start() may also call `s6_start` itself.
fn not_through_s6(a: &Analysis) -> Option<Unlinked> {
    let s = &a.service;
    let supervisor_s6 = setting_at_start(a, "supervisor").is_some_and(|v| v.value == "s6");
    match &s.backend_calls.start {
        None if supervisor_s6 => None,
        None => Some(Unlinked::NotS6),
        Some(calls) => {
            let reaches = |f: &str| calls.iter().any(|c| c.function == f);
            if reaches("s6_start") || (supervisor_s6 && reaches("default_start")) {
                None
            } else if S6_STARTS.iter().any(|f| reaches(f)) {
                Some(Unlinked::NotS6)
            } else {
                Some(Unlinked::StartBypassesS6)
            }
        }
    }
}

/// A variable the s6 backend reads, as its start finds it.
fn setting_at_start<'a>(a: &'a Analysis, name: &str) -> Option<&'a Setting> {
    a.service.settings_at_start.get(name)
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
    let link = basename(&path).to_string();
    Expected {
        service: s.name.clone(),
        script: a.script().name().to_string(),
        unlinked: path.is_empty().then_some(Unlinked::ServicePathEmpty),
        prepared: (!path.is_empty()).then(|| path.clone()),
        link,
        servicedir: path,
        generated: None,
        decided_at: at,
    }
}

/// 0.63+, s6.sh: `name=${name:-$RC_SVCNAME}`; /var/svc.d/$name when `command` is empty as
/// `s6_start` runs and 0.63.1+ (its `run` is looked at by [`settle`]), else its own
/// $RC_SVCDIR/s6-services/$name.
fn generated(a: &Analysis, target: &OpenrcVersion) -> Expected {
    let s = &a.service;
    let setting = |n: &str| setting_at_start(a, n).filter(|v| !v.value.is_empty());
    let (name, at) = match setting("name") {
        Some(v) => (v.value.clone(), v.at),
        None => (s.name.clone(), None),
    };
    let generated = if setting("command").is_some() {
        Some(Generated::CommandSet)
    } else if !target.has_compat_mode() {
        Some(Generated::NoCompatMode)
    } else {
        None
    };
    let prepared = format!("{VAR_SVC_D}/{name}");
    Expected {
        service: s.name.clone(),
        script: a.script().name().to_string(),
        servicedir: if generated.is_some() { generated_dir(&name) } else { prepared.clone() },
        prepared: (generated.is_none()).then_some(prepared),
        link: name,
        unlinked: None,
        generated,
        decided_at: at,
    }
}

/// The directory OpenRC ≥ 0.63 generates for `name`.
fn generated_dir(name: &str) -> String {
    format!("{RC_SVCDIR}/s6-services/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::tree::{DirSnapshot, PathKind};

    fn prepared_for(name: &str) -> Expected {
        Expected {
            service: name.into(),
            script: format!("/etc/init.d/{name}"),
            link: name.into(),
            servicedir: format!("{VAR_SVC_D}/{name}"),
            unlinked: None,
            generated: None,
            prepared: Some(format!("{VAR_SVC_D}/{name}")),
            decided_at: None,
        }
    }

    fn dir(run_passes_test_x: bool) -> DirSnapshot {
        DirSnapshot {
            path: "/var/svc.d/x".into(),
            kind: PathKind::Dir,
            canonical: None,
            files: Vec::new(),
            scripts: Vec::new(),
            run_passes_test_x,
        }
    }

    /// 0.63.1+ link /var/svc.d/$name only when its run passes `test -x`; otherwise they link the
    /// directory they generate. Earlier releases link whatever is there.
    #[test]
    fn the_prepared_directory_is_linked_only_with_an_executable_run_on_0631() {
        let v = |s: &str| OpenrcVersion::parse(s).unwrap();
        let e = settle(prepared_for("x"), &v("0.63.3"), Some(&dir(true)));
        assert_eq!((e.servicedir.as_str(), e.generated), ("/var/svc.d/x", None));
        for prepared in [Some(dir(false)), None] {
            let e = settle(prepared_for("x"), &v("0.63.1"), prepared.as_ref());
            assert_eq!(e.servicedir, "/run/openrc/s6-services/x");
            assert_eq!(e.generated, Some(Generated::PreparedUnusable));
            assert_eq!(e.prepared.as_deref(), Some("/var/svc.d/x"), "rc2s6's directory is still checked");
        }
        let legacy = settle(prepared_for("x"), &v("0.45.2"), None);
        assert_eq!((legacy.servicedir.as_str(), legacy.generated), ("/var/svc.d/x", None));
        let mut unlinked = prepared_for("x");
        unlinked.unlinked = Some(Unlinked::NotS6);
        assert_eq!(settle(unlinked.clone(), &v("0.63.3"), None), unlinked);
    }
}
