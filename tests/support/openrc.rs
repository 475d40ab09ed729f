//! Debian's real OpenRC 0.45 with `supervisor=s6`, run in a private mount and pid namespace set
//! up as a booted OpenRC system: tmpfs on /run, OpenRC's state and softlevel made, the test's
//! init.d, conf.d and an empty rc.conf mounted over /etc, so nothing on the host is touched.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The OpenRC release Debian bookworm ships, which the output is compiled for.
pub const OPENRC: &str = "0.45.2";

/// Programs every namespace run needs.
pub const TOOLS: &[&str] = &[
    "unshare",
    "mount",
    "umount",
    "timeout",
    "openrc-run",
    "start-stop-daemon",
    "s6-svscan",
    "s6-svscanctl",
    "s6-svc",
    "s6-svstat",
    "s6-svok",
    "s6-svwait",
    "s6-log",
    "execlineb",
];

/// What the namespace gets besides its own /run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Namespace {
    /// A private network namespace, its loopback brought up.
    pub net: bool,
    /// What /var is.
    pub var: Var,
}

/// What /var is inside the namespace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Var {
    /// The host's /var (the test writes nothing there).
    #[default]
    Host,
    /// An empty tmpfs with /var/run, /var/svc.d, /var/log and /var/lib, so /var/svc.d can be
    /// written.
    Empty,
    /// The host's /var under a tmpfs overlay: the directories packages made are there, with
    /// their owners, and what daemons write stays in the namespace.
    Overlay,
}

/// What one run inside the namespace printed: `@@key=value` lines, and everything.
pub struct Run {
    /// The `@@key=value` lines.
    pub values: BTreeMap<String, String>,
    /// stdout then stderr.
    pub text: String,
}

impl Run {
    /// Runs `script` with sh in private mount and pid namespaces (and network, with `net`), killed
    /// after `seconds`: a hang (a wait that never ends) fails the test instead of blocking CI.
    pub fn in_namespace(script: &Path, net: bool, seconds: u32) -> Run {
        let mut unshare = vec!["unshare", "--mount", "--pid", "--fork", "--mount-proc", "--kill-child"];
        if net {
            unshare.insert(1, "--net");
        }
        let out = Command::new("timeout")
            .args(["-k", "5", &seconds.to_string()])
            .args(&unshare)
            .arg("sh")
            .arg(script)
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "the namespace script failed ({}):\n{text}", out.status);
        let values = text
            .lines()
            .filter_map(|l| l.strip_prefix("@@"))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Run { values, text }
    }
    /// The value printed as `@@key=…`; panics with the whole output if there is none.
    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or_else(|| panic!("no `{key}` in:\n{}", self.text))
    }
}

/// Copies OpenRC's stand-ins for what a booted system has (testdata/openrc/system/init.d: the
/// s6-svscan service Debian does not ship, localmount, net) into `initd`.
pub fn install_system_services(initd: &Path) {
    for e in fs::read_dir(super::root().join("testdata/openrc/system/init.d")).unwrap().flatten() {
        fs::copy(e.path(), initd.join(e.file_name())).unwrap();
    }
}

/// The directories of one sandbox that OpenRC and rc2s6 use.
pub struct Layout {
    /// The sandbox's root, where the namespace's script is written.
    pub root: PathBuf,
    /// Mounted over /etc/init.d: the migrated scripts and the system stand-ins.
    pub initd: PathBuf,
    /// Mounted over /etc/conf.d.
    pub confd: PathBuf,
    /// Mounted over /etc/rc.conf.
    pub rc_conf: PathBuf,
    /// The compiled service directories.
    pub out: PathBuf,
    /// Where each service's s6-log writes.
    pub logs: PathBuf,
}

impl Layout {
    /// The usual layout under `root`: init.d, conf.d and logs made, rc.conf empty (the host's
    /// settings must not change what OpenRC does here), everything readable by the daemons'
    /// users.
    pub fn under(root: &Path) -> Layout {
        let dirs = Layout {
            root: root.to_path_buf(),
            initd: root.join("init.d"),
            confd: root.join("conf.d"),
            rc_conf: root.join("rc.conf"),
            out: root.join("out"),
            logs: root.join("logs"),
        };
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        for d in [&dirs.initd, &dirs.confd, &dirs.logs] {
            fs::create_dir_all(d).unwrap();
            fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        }
        fs::write(&dirs.rc_conf, "").unwrap();
        dirs
    }

    /// `rc2s6 SCRIPTS -o out --initd-out init.d` as a user would run it, with the sandbox's
    /// conf.d and no rc.conf.
    pub fn compile_and_migrate(&self, scripts: &[PathBuf]) -> Output {
        super::rc2s6()
            .args(scripts)
            .arg("-o")
            .arg(&self.out)
            .arg("--conf-dir")
            .arg(&self.confd)
            .arg("--no-rc-conf")
            .arg("--log-dir")
            .arg(&self.logs)
            .args(["--openrc", OPENRC, "--color", "never"])
            .arg("--initd-out")
            .arg(&self.initd)
            .output()
            .unwrap()
    }

    /// `rc2s6 verify` on the migrated scripts, before anything runs: each service's predicted
    /// link target.
    pub fn predicted(&self, names: &[&str]) -> BTreeMap<String, String> {
        let out = super::rc2s6()
            .arg("verify")
            .args(names.iter().map(|n| self.initd.join(n)))
            .arg("-o")
            .arg(&self.out)
            .arg("--conf-dir")
            .arg(&self.confd)
            .arg("--no-rc-conf")
            .args(["--openrc", OPENRC])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "verify failed:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
        stdout
            .lines()
            .filter_map(|l| {
                let (svc, rest) = l.split_once(": ")?;
                let (link, target) = rest.split_once(" -> ")?;
                assert_eq!(link, format!("/run/openrc/s6-scan/{svc}"), "{l}");
                Some((svc.to_string(), target.to_string()))
            })
            .collect()
    }

    /// Runs `body` (sh) in a fresh namespace set up as an OpenRC system. `$RC2S6` is rc2s6's
    /// binary. The run must exit 0 (the body ends with `set +e` in force, so it does unless the
    /// set-up failed).
    pub fn run(&self, body: &str, ns: Namespace) -> Run {
        let var = match ns.var {
            Var::Host => "",
            Var::Empty => {
                "mount -t tmpfs -o mode=0755 tmpfs /var\n\
                 ln -s /run /var/run\n\
                 mkdir -p /var/svc.d /var/log /var/lib\n"
            }
            Var::Overlay => {
                "mkdir -p /run/.rc2s6-var/upper /run/.rc2s6-var/work\n\
                 mount -t overlay overlay -o lowerdir=/var,upperdir=/run/.rc2s6-var/upper,workdir=/run/.rc2s6-var/work /var\n"
            }
        };
        let prelude = format!(
            r#"set -eu
# Nothing below may reach the host's mounts.
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run
# openrc-run moves itself between cgroups: give it an empty hierarchy of its own.
umount -R /sys/fs/cgroup 2>/dev/null || true
mount -t tmpfs tmpfs /sys/fs/cgroup
# /etc/conf.d does not exist on Debian: an overlay gives /etc a mount point for it.
mkdir -p /run/.rc2s6-etc/upper /run/.rc2s6-etc/work
mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/.rc2s6-etc/upper,workdir=/run/.rc2s6-etc/work /etc
mkdir -p /etc/conf.d
mount --bind '{initd}' /etc/init.d
mount --bind '{confd}' /etc/conf.d
mount --bind '{rc_conf}' /etc/rc.conf
{var}{net}# The state OpenRC's boot would have made: openrc-run refuses to run without softlevel.
for d in daemons exclusive failed hotplugged inactive options scheduled started starting stopping tmp wasinactive; do
	mkdir -p /run/openrc/$d
done
touch /run/openrc/softlevel
set +e
RC2S6='{rc2s6}'
"#,
            initd = self.initd.display(),
            confd = self.confd.display(),
            rc_conf = self.rc_conf.display(),
            net = if ns.net { "ip link set lo up\n" } else { "" },
            rc2s6 = env!("CARGO_BIN_EXE_rc2s6"),
        );
        let script = self.root.join("inner.sh");
        fs::write(&script, format!("{prelude}{body}")).unwrap();
        Run::in_namespace(&script, ns.net, 180)
    }

    /// What s6-log kept of a service's output.
    pub fn log(&self, service: &str) -> String {
        fs::read_to_string(self.logs.join(service).join("current")).unwrap_or_default()
    }
}

/// Shell that prints `@@PREFIXlink=` and `@@PREFIXstatus=`: the service's link in the scan
/// directory and s6-svstat's view of it.
pub fn probe(svc: &str, prefix: &str) -> String {
    format!(
        "echo \"@@{prefix}link=$(readlink /run/openrc/s6-scan/{svc})\"\n\
         echo \"@@{prefix}status=$(s6-svstat /run/openrc/s6-scan/{svc})\"\n"
    )
}
