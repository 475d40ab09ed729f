//! Which s6 and execline a test runs: Debian's (s6 2.11.3.2, execline 2.9.3.0, on PATH and in
//! /usr/lib/execline/bin) or the current releases `../shared/vendor/build.sh` installs into
//! `/opt/skarnet-new` (s6 2.15.0.0, execline 2.9.9.2; `SKA_PREFIX` overrides the prefix). The
//! execline and s6 tests run once with each (`for_each_toolset!`), so the generated scripts are
//! proven on what distributions ship now as well as on Debian's.
//!
//! A generated `run` starts with `#!/bin/execlineb -P` and names every other program by name,
//! so which execline and s6 it meets depends on the system, not on the test. For the current
//! toolset, [`Toolset::svscan`] runs s6-svscan in a private mount namespace where the real file
//! behind `/bin/execlineb` is the new execlineb (bind-mounted over Debian's, only in there) and
//! PATH starts with the prefix's `bin`: as on a system that ships s6 2.15. Debian's
//! `/usr/bin/execlineb` is a wrapper that puts `/usr/lib/execline/bin` first in PATH, so under
//! the Debian toolset every execline program is Debian's.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Which generation of skarnet's tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    /// Debian bookworm's packages: s6 2.11.3.2, execline 2.9.3.0.
    Debian,
    /// build.sh's `/opt/skarnet-new`: s6 2.15.0.0, execline 2.9.9.2.
    Current,
}

/// One set of s6 and execline programs.
#[derive(Debug, Clone)]
pub struct Toolset {
    /// Which one.
    pub generation: Generation,
    /// `/opt/skarnet-new` for the current one.
    prefix: Option<PathBuf>,
}

/// The prefix build.sh installs the current releases into.
pub fn current_prefix() -> PathBuf {
    std::env::var_os("SKA_PREFIX").map(PathBuf::from).unwrap_or_else(|| "/opt/skarnet-new".into())
}

impl Toolset {
    /// Debian's programs, found as `support::tool` finds them.
    pub fn debian() -> Toolset {
        Toolset { generation: Generation::Debian, prefix: None }
    }

    /// The current releases, when build.sh installed them. On CI (`CI=true`) their absence fails
    /// the test (`.ci/run` builds them); elsewhere the variant is skipped with a loud message.
    pub fn current() -> Option<Toolset> {
        let prefix = current_prefix();
        if prefix.join("bin/execlineb").is_file() && prefix.join("bin/s6-svscan").is_file() {
            return Some(Toolset { generation: Generation::Current, prefix: Some(prefix) });
        }
        let why = format!("{} has no s6 2.15 / execline 2.9.9: run ../shared/vendor/build.sh", prefix.display());
        if super::on_ci() {
            panic!("{why} (.ci/run does; CI=true makes this a failure)");
        }
        eprintln!("SKIPPED: {why} (on CI this fails)");
        None
    }

    /// A toolset by generation, `None` when it is skipped (see [`Toolset::current`]).
    pub fn get(generation: Generation) -> Option<Toolset> {
        match generation {
            Generation::Debian => Some(Toolset::debian()),
            Generation::Current => Toolset::current(),
        }
    }

    /// A name for messages.
    pub fn name(&self) -> &'static str {
        match self.generation {
            Generation::Debian => "Debian's s6 2.11 / execline 2.9.3",
            Generation::Current => "s6 2.15 / execline 2.9.9",
        }
    }

    /// The directory of the current toolset's programs.
    fn bin(&self) -> Option<PathBuf> {
        self.prefix.as_ref().map(|p| p.join("bin"))
    }

    /// A program of this toolset: Debian's through `support::tool` (PATH, then
    /// /usr/lib/execline/bin), the current one from the prefix. On CI a missing program fails
    /// the test.
    pub fn tool(&self, name: &str) -> Option<PathBuf> {
        match self.bin() {
            None => {
                let found = super::tool(name)?;
                assert!(
                    !found.starts_with(current_prefix()),
                    "PATH finds {} first: the Debian variant would test the current tools",
                    found.display()
                );
                Some(found)
            }
            Some(bin) => {
                let p = bin.join(name);
                if p.is_file() {
                    return Some(p);
                }
                if super::on_ci() {
                    panic!("{} is missing from {}", name, bin.display());
                }
                eprintln!("SKIPPED: {name} is missing from {} (on CI this fails)", bin.display());
                None
            }
        }
    }

    /// Whether every named program exists (each missing one reported).
    pub fn tools(&self, names: &[&str]) -> bool {
        let found: Vec<bool> = names.iter().map(|n| self.tool(n).is_some()).collect();
        found.into_iter().all(|b| b)
    }

    /// A command running this toolset's program `name` (which `tools` has checked).
    pub fn command(&self, name: &str) -> Command {
        let mut c = Command::new(self.tool(name).unwrap_or_else(|| PathBuf::from(name)));
        if let Some(bin) = self.bin() {
            c.env("PATH", self.path_with(&bin));
        }
        c
    }

    /// PATH with `bin` first.
    fn path_with(&self, bin: &Path) -> std::ffi::OsString {
        let mut dirs = vec![bin.to_path_buf()];
        if let Some(p) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&p));
        }
        std::env::join_paths(dirs).expect("PATH")
    }

    /// `s6-svscan SCANDIR`, set up so the services it runs meet this toolset: for the current one,
    /// in a private mount namespace (needs root) where `/bin/execlineb` is the new execlineb and
    /// PATH starts with the prefix.
    pub fn svscan(&self, scandir: &Path) -> Command {
        match self.bin() {
            None => {
                let mut c = Command::new(self.tool("s6-svscan").unwrap_or_else(|| "s6-svscan".into()));
                c.arg(scandir);
                c
            }
            Some(bin) => {
                // The real file behind /bin/execlineb (Debian's wrapper at /usr/bin/execlineb on
                // a merged-/usr system) gets the new execlineb over it, in this namespace only.
                let target = std::fs::canonicalize("/bin/execlineb").unwrap_or_else(|_| "/usr/bin/execlineb".into());
                let mut c = Command::new("unshare");
                c.args(["--mount", "--propagation", "private", "sh", "-euc"])
                    .arg("mount --bind \"$1/execlineb\" \"$2\"; exec \"$1/s6-svscan\" \"$3\"")
                    .arg("sh")
                    .arg(&bin)
                    .arg(&target)
                    .arg(scandir)
                    .env("PATH", self.path_with(&bin));
                c
            }
        }
    }

    /// Whether [`Toolset::svscan`] can run here: the current toolset needs root for its mount
    /// namespace (on CI its absence fails).
    pub fn can_svscan(&self) -> bool {
        match self.generation {
            Generation::Debian => true,
            Generation::Current => {
                super::require_root("s6 2.15 under /bin/execlineb 2.9.9 (a private mount namespace)")
            }
        }
    }
}

impl Toolset {
    /// Panics unless the supervised process `pid` was started by this toolset: its parent is this
    /// toolset's s6-supervise, and its PATH shows which execlineb read its `run` (Debian's
    /// `/usr/bin/execlineb` wrapper puts /usr/lib/execline/bin first; execline 2.9.9's adds
    /// nothing).
    pub fn assert_started(&self, pid: u32) {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the process is running");
        let ppid = status.lines().find_map(|l| l.strip_prefix("PPid:")).expect("PPid").trim().to_string();
        let supervisor = std::fs::read_link(format!("/proc/{ppid}/exe")).expect("its supervisor");
        let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("its environment");
        let path = environ
            .split(|b| *b == 0)
            .find_map(|v| v.strip_prefix(b"PATH="))
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default();
        let debian_execline = path.split(':').next() == Some("/usr/lib/execline/bin");
        match &self.prefix {
            None => {
                assert_eq!(supervisor, PathBuf::from("/usr/bin/s6-supervise"), "{}", self.name());
                assert!(debian_execline, "{}: PATH={path}: not run by Debian's execlineb", self.name());
            }
            Some(prefix) => {
                assert_eq!(supervisor, prefix.join("bin/s6-supervise"), "{}", self.name());
                assert!(
                    !path.contains("/usr/lib/execline/bin"),
                    "{}: PATH={path}: run by Debian's execlineb",
                    self.name()
                );
            }
        }
    }
}

/// Defines one test per toolset from a function taking `&Toolset`: `NAME_debian` and
/// `NAME_current` (skipped, or failed on CI, when /opt/skarnet-new is missing).
#[macro_export]
macro_rules! for_each_toolset {
    ($($check:ident => $debian:ident, $current:ident;)+) => {
        $(
            #[test]
            fn $debian() {
                if let Some(ts) = support::skarnet::Toolset::get(support::skarnet::Generation::Debian) {
                    $check(&ts);
                }
            }
            #[test]
            fn $current() {
                if let Some(ts) = support::skarnet::Toolset::get(support::skarnet::Generation::Current) {
                    $check(&ts);
                }
            }
        )+
    };
}
