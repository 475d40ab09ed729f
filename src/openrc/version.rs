//! Which OpenRC the output is for, parsed once: its s6 backend changed completely in 0.63, and
//! other behaviour by release.

use std::fmt;

use super::paths::VAR_SVC_D;

/// An OpenRC release, e.g. `0.45.2` or `0.63.3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenrcVersion {
    major: u32,
    minor: u32,
    patch: u32,
    /// As the user wrote it (`0.62.10.1`), or the release a series stands for (`0.63` is
    /// `0.63.3`): for messages and the manifest.
    given: String,
}

/// The newest release of each series whose behaviour rc2s6 was checked against: a series given
/// without a patch level (`--openrc 0.63`) means it, since the releases of one series differ in
/// what rc2s6 relies on (0.63.0 has no compatibility mode, 0.63.1 has; 0.62.4 strips `RC_*`
/// from the daemon's environment, OpenRC commit 863a5552). A series not listed means its `.0`:
/// rc2s6 knows no later release of it.
///
/// - 0.63.3: the release `../shared/vendor/openrc-0.63.3.tar.gz` pins (`meson.build`:
///   `version : '0.63.3'`), which the tests run; the newest release tag of the 0.63 series
///   (openrc-semantics.md, "Sources read").
/// - 0.62.10, 0.34.11, 0.16.4: the newest tags of those series read for openrc-semantics.md.
/// - 0.45.2: Debian's `openrc` package (`/lib/rc/version` on the test machines), which the 0.45
///   tests run.
const NEWEST_KNOWN: &[((u32, u32), u32)] = &[((0, 16), 4), ((0, 34), 11), ((0, 45), 2), ((0, 62), 10), ((0, 63), 3)];

/// How a release's own s6 generator (0.63+) writes the daemon's command line into `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneratedCommandLine {
    /// 0.63.0–0.63.3: `sh -c "exec $command $command_args $command_args_foreground"` in one
    /// execline word (sh/s6.sh of 0.63.3, `_s6_servicedir_create`): execlineb reads the `"` and
    /// `\` of the values first, and `sh -c` splits what is left at every start.
    ShellExec,
    /// After 0.63.3 (master, commit 3bdccbc6): `eval set -- …` at generation time, each word
    /// written in `"…"` without escaping `"` or `\`. Assumed for any release after the 0.63
    /// series, which rc2s6 has not been run against.
    QuotedWords,
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

/// Why a release's s6 backend would not link the service directories rc2s6 prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlinkedOutput {
    /// 0.63.0 has no compatibility mode: it always generates its own directory.
    NoCompatMode,
    /// 0.63.1+ link a prepared directory only from /var/svc.d.
    NotVarSvcD,
}

impl OpenrcVersion {
    /// The default when nothing is installed or given: the legacy backend of Debian's 0.45.
    pub fn legacy_default() -> Self {
        OpenrcVersion::parse("0.45").expect("a known series")
    }

    /// Parses `0.45.2`, `0.63`, `0.62.10`; `None` for anything else or a release before 0.16,
    /// which had no s6 backend. A series without a patch level is its newest release rc2s6
    /// knows (`NEWEST_KNOWN`): `0.63` is `0.63.3`.
    pub fn parse(s: &str) -> Option<Self> {
        let given = s.trim();
        let mut it = given.split('.');
        let major: u32 = it.next()?.parse().ok()?;
        let minor: u32 = it.next()?.parse().ok()?;
        let mut patch = None;
        for (i, rest) in it.enumerate() {
            let n: u32 = rest.parse().ok()?;
            if i == 0 {
                patch = Some(n);
            }
        }
        if !(major == 0 && minor >= 16 || major >= 1) {
            return None;
        }
        let newest = NEWEST_KNOWN.iter().find(|(series, _)| *series == (major, minor)).map(|(_, p)| *p);
        let (patch, given) = match (patch, newest) {
            (Some(p), _) => (p, given.to_string()),
            (None, Some(p)) => (p, format!("{major}.{minor}.{p}")),
            (None, None) => (0, given.to_string()),
        };
        Some(OpenrcVersion { major, minor, patch, given })
    }

    /// The backend this version has.
    pub fn backend(&self) -> S6Backend {
        if self.major == 0 && self.minor < 63 { S6Backend::Legacy } else { S6Backend::Generated }
    }

    /// Whether 0.63's compatibility mode (empty `command` + /var/svc.d/$name/run) exists: from
    /// 0.63.1 (aa456f38, PR #950). Before 0.63 there is no generator to fall back from.
    pub fn has_compat_mode(&self) -> bool {
        (self.major, self.minor, self.patch) >= (0, 63, 1)
    }

    /// Whether the s6 backend links the prepared /var/svc.d/$name only when its `run` passes
    /// `test -x`, and otherwise generates its own directory from `command` (empty after
    /// migration): 0.63.1+, `_s6_have_legacy_servicedir` in sh/s6.sh of 0.63.3:
    /// `test -z "$command" && test -x "/var/svc.d/$name/run"`. 0.16–0.62 link `s6_service_path`
    /// whenever it is a directory (`[ ! -d "${s6_service_path}" ]` fails the start, s6.sh 0.45).
    pub fn links_prepared_only_if_run_is_executable(&self) -> bool {
        self.backend() == S6Backend::Generated && self.has_compat_mode()
    }

    /// How this release's own generator writes the daemon's command line, if it has one.
    pub fn generated_command_line(&self) -> Option<GeneratedCommandLine> {
        match self.backend() {
            S6Backend::Legacy => None,
            S6Backend::Generated if (self.major, self.minor) == (0, 63) => Some(GeneratedCommandLine::ShellExec),
            S6Backend::Generated => Some(GeneratedCommandLine::QuotedWords),
        }
    }

    /// Whether this release is `major.minor` or later.
    pub fn is_at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// Whether the s6 backend uses a prepared service directory only while `command` is empty:
    /// 0.63 builds its own from `command` otherwise (s6.sh 0.63, `_s6_servicedir_creation_needed`).
    pub fn generates_from_command(&self) -> bool {
        self.backend() == S6Backend::Generated
    }

    /// The service directory the s6 backend links for service `name` whose directory was
    /// prepared in `output`: 0.16–0.62 link whatever `s6_service_path` names (the migration sets
    /// it to `output/name`); 0.63.1+ link only /var/svc.d/$name (s6.sh 0.63.1, PR #950).
    pub fn prepared_service_dir(&self, output: &str, name: &str) -> String {
        match self.backend() {
            S6Backend::Legacy => format!("{}/{name}", output.trim_end_matches('/')),
            S6Backend::Generated => format!("{VAR_SVC_D}/{name}"),
        }
    }

    /// Why this release's s6 backend would not link service directories prepared in `output`,
    /// in the order they are reported: 0.63.0 never links one, 0.63.1+ only from /var/svc.d.
    pub fn unlinked_output(&self, output: &str) -> Vec<UnlinkedOutput> {
        let mut out = Vec::new();
        if self.backend() == S6Backend::Generated {
            if !self.has_compat_mode() {
                out.push(UnlinkedOutput::NoCompatMode);
            }
            if output.trim_end_matches('/') != VAR_SVC_D {
                out.push(UnlinkedOutput::NotVarSvcD);
            }
        }
        out
    }

    /// The variable whose value names the service's link in the scan directory: the basename of
    /// `s6_service_path` in 0.16.2–0.62, `name` (default RC_SVCNAME) from 0.63.
    pub fn link_setting(&self) -> &'static str {
        match self.backend() {
            S6Backend::Legacy => "s6_service_path",
            S6Backend::Generated => "name",
        }
    }

    /// The service's link in the scan directory as shell text, computed as s6.sh computes it.
    pub fn scan_link_in_shell(&self) -> &'static str {
        match self.backend() {
            S6Backend::Legacy => "\"${RC_SVCDIR}/s6-scan/${s6_service_path##*/}\"",
            S6Backend::Generated => "\"${RC_SVCDIR}/s6-scan/${name:-$RC_SVCNAME}\"",
        }
    }

    /// Whether a script with `supervisor=s6` must declare `need s6-svscan` itself: before 0.63
    /// nothing adds it; from 0.63 gendepends.sh adds it for every such script.
    pub fn needs_declared_s6_svscan(&self) -> bool {
        self.backend() == S6Backend::Legacy
    }

    /// Whether the backend links with `ln -sf` (0.16.2–0.62), which puts a second link inside a
    /// directory already linked under that name, rather than with `s6-svlink` (0.63), which fails.
    pub fn links_with_ln(&self) -> bool {
        self.backend() == S6Backend::Legacy
    }

    /// Whether start-stop-daemon.sh and supervise-daemon.sh pass `variable` on as a flag in this
    /// release: `umask`, `output_log` and `error_log` from 0.35, `input_file` and `notify` from
    /// 0.62 (openrc-semantics.md, table of variables); `command_user` always.
    pub fn passes_flag_variable(&self, variable: &str) -> bool {
        let since = match variable {
            "umask" | "output_log" | "error_log" => 35,
            "input_file" | "notify" => 62,
            _ => 0,
        };
        self.is_at_least(0, since)
    }

    /// Whether start-stop-daemon and supervise-daemon pass `variable` of their environment on to
    /// the daemon. Up to 0.62.3 they remove every `RC_*` but `RC_SERVICE` and `RC_SVCNAME`, and
    /// `SSD_NICELEVEL`, `SSD_IONICELEVEL`, `SSD_OOM_SCORE_ADJ` (start-stop-daemon.c:1003-1015,
    /// supervise-daemon.c:496-505 at 0.45.2); from 0.62.4 they remove `SVCNAME` and every `RC_*`,
    /// `SSD_*` and `EINFO_*` (OpenRC commit 863a5552; start-stop-daemon.c:1047-1055,
    /// supervise-daemon.c:528-536 at 0.63.3).
    pub fn daemon_gets_variable(&self, variable: &str) -> bool {
        if (self.major, self.minor, self.patch) >= (0, 62, 4) {
            !(variable == "SVCNAME"
                || variable.starts_with("RC_")
                || variable.starts_with("SSD_")
                || variable.starts_with("EINFO_"))
        } else {
            let rc = variable.starts_with("RC_") && variable != "RC_SERVICE" && variable != "RC_SVCNAME";
            !(rc || matches!(variable, "SSD_NICELEVEL" | "SSD_IONICELEVEL" | "SSD_OOM_SCORE_ADJ"))
        }
    }

    /// Whether start-stop-daemon and supervise-daemon also give `--nicelevel` to the daemon's
    /// autogroup (`/proc/self/autogroup`, after `setsid()`; a missing file is not an error): from
    /// 0.46 (OpenRC commit 112b6986, first tagged 0.46; start-stop-daemon.c:906-923 and
    /// supervise-daemon.c:407-419 at 0.63.3). 0.45.2 only calls `setpriority()`.
    pub fn sets_autogroup_nice(&self) -> bool {
        self.is_at_least(0, 46)
    }

    /// Whether supervise-daemon.sh falls back to `start_stop_daemon_args` only when
    /// `supervise_daemon_args` is unset (`${supervise_daemon_args-…}`, 0.46 on: 0.63.3
    /// sh/supervise-daemon.sh:53), rather than also when it is empty (`${…:-…}`, 0.36–0.45:
    /// 0.45.2 sh/supervise-daemon.sh:44).
    pub fn supervise_args_fallback_only_when_unset(&self) -> bool {
        self.is_at_least(0, 46)
    }

    /// The semantics assumed, in words, for the manifest.
    pub fn describe(&self) -> String {
        match self.backend() {
            S6Backend::Legacy => format!(
                "OpenRC {self} (s6 backend 0.16-0.62): links s6_service_path, default /var/svc.d/RC_SVCNAME, into /run/openrc/s6-scan under its basename"
            ),
            S6Backend::Generated if self.has_compat_mode() => format!(
                "OpenRC {self} (s6 backend 0.63+): links /var/svc.d/NAME when command is empty as it starts the service and NAME/run is executable (else a directory it generates from command), into /run/openrc/s6-scan under NAME"
            ),
            S6Backend::Generated => format!(
                "OpenRC {self} (s6 backend 0.63.0): always generates its own service directory from command and links it into /run/openrc/s6-scan under NAME"
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
        assert!(!OpenrcVersion::parse("0.63.0").unwrap().has_compat_mode());
        assert!(OpenrcVersion::parse("0.63.1").unwrap().has_compat_mode());
        assert!(OpenrcVersion::parse("1.0").unwrap().has_compat_mode());
        assert!(OpenrcVersion::parse("0.12").is_none());
        assert!(OpenrcVersion::parse("0.45.x").is_none());
        assert!(OpenrcVersion::parse("x").is_none());
        assert_eq!(OpenrcVersion::parse(" 0.63.0 ").unwrap().to_string(), "0.63.0");
    }

    /// A series without a patch level is its newest known release; a full version is kept.
    #[test]
    fn a_series_is_its_newest_known_release() {
        let v = |s: &str| OpenrcVersion::parse(s).unwrap();
        assert_eq!(v("0.63"), v("0.63.3"));
        assert_eq!(v(" 0.63 ").to_string(), "0.63.3");
        assert!(v("0.63").has_compat_mode());
        assert_eq!(v("0.62").to_string(), "0.62.10");
        assert_eq!(v("0.45").to_string(), "0.45.2");
        assert_eq!(OpenrcVersion::legacy_default().to_string(), "0.45.2");
        // Series rc2s6 knows no release of keep what was written.
        assert_eq!(v("0.50").to_string(), "0.50");
        assert_eq!(v("1.0").to_string(), "1.0");
        // A full version, even an unknown one, is kept as given.
        assert_eq!(v("0.63.0").to_string(), "0.63.0");
        assert_eq!(v("0.63.7").to_string(), "0.63.7");
        assert_eq!(v("0.62.10.1").to_string(), "0.62.10.1");
    }

    #[test]
    fn what_each_generator_writes() {
        let v = |s: &str| OpenrcVersion::parse(s).unwrap();
        assert_eq!(v("0.45").generated_command_line(), None);
        assert_eq!(v("0.63.0").generated_command_line(), Some(GeneratedCommandLine::ShellExec));
        assert_eq!(v("0.63").generated_command_line(), Some(GeneratedCommandLine::ShellExec));
        assert_eq!(v("0.64").generated_command_line(), Some(GeneratedCommandLine::QuotedWords));
        assert!(!v("0.62").links_prepared_only_if_run_is_executable());
        assert!(!v("0.63.0").links_prepared_only_if_run_is_executable());
        assert!(v("0.63.1").links_prepared_only_if_run_is_executable());
    }

    #[test]
    fn what_each_release_links() {
        let v = |s: &str| OpenrcVersion::parse(s).unwrap();
        assert_eq!(v("0.45.2").prepared_service_dir("/srv/s6/", "x"), "/srv/s6/x");
        assert_eq!(v("0.63.3").prepared_service_dir("/srv/s6", "x"), "/var/svc.d/x");
        assert_eq!(v("0.45").unlinked_output("/srv/s6"), []);
        assert_eq!(v("0.63.1").unlinked_output("/var/svc.d/"), []);
        assert_eq!(v("0.63.1").unlinked_output("/srv"), [UnlinkedOutput::NotVarSvcD]);
        assert_eq!(v("0.63.0").unlinked_output("/srv"), [UnlinkedOutput::NoCompatMode, UnlinkedOutput::NotVarSvcD]);
        assert_eq!(v("0.63").unlinked_output("/srv"), [UnlinkedOutput::NotVarSvcD]);
        assert_eq!(v("0.62.10").link_setting(), "s6_service_path");
        assert_eq!(v("0.63").link_setting(), "name");
        assert!(v("0.62").needs_declared_s6_svscan() && !v("0.63").needs_declared_s6_svscan());
        assert!(v("0.62").links_with_ln() && !v("0.63").links_with_ln());
        assert!(!v("0.62").generates_from_command() && v("0.63").generates_from_command());
    }

    #[test]
    fn what_the_daemon_inherits_by_release() {
        let v = |s: &str| OpenrcVersion::parse(s).unwrap();
        for keep in ["RC_SERVICE", "RC_SVCNAME", "SVCNAME", "EINFO_LOG", "SSD_STARTWAIT", "PATH"] {
            assert!(v("0.45.2").daemon_gets_variable(keep), "{keep}");
        }
        for drop in ["RC_CMD", "RC_OPENRC_PID", "SSD_NICELEVEL", "SSD_OOM_SCORE_ADJ"] {
            assert!(!v("0.62.3").daemon_gets_variable(drop), "{drop}");
        }
        for drop in ["RC_SERVICE", "RC_SVCNAME", "SVCNAME", "EINFO_LOG", "SSD_STARTWAIT", "RC_CMD"] {
            assert!(!v("0.62.4").daemon_gets_variable(drop) && !v("0.63.3").daemon_gets_variable(drop), "{drop}");
        }
        assert!(v("0.63.3").daemon_gets_variable("PATH") && v("0.63.3").daemon_gets_variable("SVCNAME2"));
        assert!(!v("0.45.2").supervise_args_fallback_only_when_unset());
        assert!(v("0.46").supervise_args_fallback_only_when_unset());
        assert!(!v("0.45.2").sets_autogroup_nice() && v("0.46").sets_autogroup_nice());
        assert!(v("0.63.3").sets_autogroup_nice());
    }

    #[test]
    fn flag_variables_by_release() {
        let v = |s: &str| OpenrcVersion::parse(s).unwrap();
        assert!(v("0.16").passes_flag_variable("command_user"));
        assert!(!v("0.34").passes_flag_variable("umask") && v("0.35").passes_flag_variable("umask"));
        assert!(!v("0.61").passes_flag_variable("notify") && v("0.62").passes_flag_variable("input_file"));
    }
}
