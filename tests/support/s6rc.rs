//! The real s6-rc 0.6.1.1, with s6 2.15.0.0 and execline 2.9.9.2, from `/opt/skarnet-new`
//! (`../shared/vendor/build.sh`), run in a private pid and mount namespace (and network
//! namespace when asked) as `../shared/vendor/s6rc-demo.sh` does: a tmpfs on /run, the tree rc2s6
//! wrote compiled with `s6-rc-compile` into /run/s6-rc-db, `s6-svscan /run/service`, then
//! `s6-rc-init -c /run/s6-rc-db -l /run/s6-rc /run/service`. /etc (and /var when asked) are
//! tmpfs overlays, so what the services write stays in the namespace. The generated run scripts
//! name `/bin/execlineb`: in the namespace, the real file behind it is execline 2.9.9's, as on a
//! system that ships s6 2.15 (see `skarnet.rs`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use super::openrc::{Run, Var};
use super::skarnet::current_prefix;

/// The programs of s6-rc and s6 the namespace runs.
pub const TOOLS: &[&str] = &[
    "s6-rc",
    "s6-rc-compile",
    "s6-rc-init",
    "s6-rc-db",
    "s6-svscan",
    "s6-svscanctl",
    "s6-svstat",
    "s6-svdt",
    "s6-log",
    "execlineb",
];

/// Whether s6-rc can run here: the current toolset with s6-rc, unshare, and root. On CI a
/// missing piece fails the test.
pub fn ready() -> bool {
    let Some(ts) = super::skarnet::Toolset::current() else { return false };
    ts.tools(TOOLS) && super::tools(&["unshare", "mount", "timeout"]) && super::require_root("s6-rc in a namespace")
}

/// A program of the current toolset, by path.
pub fn program(name: &str) -> PathBuf {
    current_prefix().join("bin").join(name)
}

/// What the namespace gets besides its own /run and /etc.
#[derive(Debug, Clone, Copy, Default)]
pub struct Namespace {
    /// A private network namespace with its loopback up.
    pub net: bool,
    /// What /var is.
    pub var: Var,
}

/// One test's directories.
pub struct Sandbox {
    /// The sandbox's root.
    pub root: PathBuf,
    /// The conf.d directory given to rc2s6.
    pub confd: PathBuf,
    /// The s6-rc source tree rc2s6 writes.
    pub out: PathBuf,
    /// Where the loggers write (`--log-dir`).
    pub logs: PathBuf,
}

impl Sandbox {
    /// The directories under `root`, readable by the daemons' users.
    pub fn under(root: &Path) -> Sandbox {
        let s = Sandbox {
            root: root.to_path_buf(),
            confd: root.join("conf.d"),
            out: root.join("out"),
            logs: root.join("logs"),
        };
        fs::set_permissions(root, fs::Permissions::from_mode(0o755)).unwrap();
        for d in [&s.confd, &s.logs] {
            fs::create_dir_all(d).unwrap();
            fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        }
        s
    }

    /// `rc2s6 --backend s6-rc SCRIPTS -o out` with the sandbox's conf.d, no rc.conf, and `extra`.
    pub fn compile(&self, scripts: &[PathBuf], extra: &[&str]) -> Output {
        super::rc2s6()
            .args(["--backend", "s6-rc", "--color", "never"])
            .args(scripts)
            .arg("-o")
            .arg(&self.out)
            .arg("--conf-dir")
            .arg(&self.confd)
            .arg("--no-rc-conf")
            .arg("--log-dir")
            .arg(&self.logs)
            .args(extra)
            .output()
            .unwrap()
    }

    /// Runs `body` (sh) once s6-rc is initialised on the compiled tree: `@@compile=` and
    /// `@@init=` say whether s6-rc-compile and s6-rc-init succeeded, `$RC2S6` is rc2s6's binary.
    pub fn run(&self, body: &str, ns: Namespace) -> Run {
        let bin = current_prefix().join("bin");
        let execlineb = fs::canonicalize("/bin/execlineb").unwrap_or_else(|_| "/usr/bin/execlineb".into());
        let var = match ns.var {
            Var::Host => "",
            Var::Empty => "mount -t tmpfs -o mode=0755 tmpfs /var\nmkdir -p /var/log /var/lib\nln -s /run /var/run\n",
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
mkdir -p /run/.rc2s6-etc/upper /run/.rc2s6-etc/work
mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/.rc2s6-etc/upper,workdir=/run/.rc2s6-etc/work /etc
{var}{net}mount --bind '{bin}/execlineb' '{execlineb}'
PATH='{bin}':$PATH
export PATH
set +e
s6-rc-compile /run/s6-rc-db '{out}' > /run/s6-rc-compile.log 2>&1; echo "@@compile=$?"
cat /run/s6-rc-compile.log
mkdir -p /run/service
s6-svscan /run/service < /dev/null > /run/svscan.log 2>&1 &
i=0; while [ ! -p /run/service/.s6-svscan/control ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
s6-rc-init -c /run/s6-rc-db -l /run/s6-rc /run/service; echo "@@init=$?"
RC2S6='{rc2s6}'
"#,
            net = if ns.net { "ip link set lo up\n" } else { "" },
            bin = bin.display(),
            execlineb = execlineb.display(),
            out = self.out.display(),
            rc2s6 = env!("CARGO_BIN_EXE_rc2s6"),
        );
        let script = self.root.join("inner.sh");
        fs::write(&script, format!("{prelude}{body}\necho '@@end=yes'\n")).unwrap();
        let run = Run::in_namespace(&script, ns.net, 240);
        assert_eq!(run.get("compile"), "0", "s6-rc-compile refused the tree:\n{}", run.text);
        assert_eq!(run.get("init"), "0", "s6-rc-init failed:\n{}", run.text);
        run
    }

    /// What a service's s6-log kept.
    pub fn log(&self, service: &str) -> String {
        fs::read_to_string(self.logs.join(service).join("current")).unwrap_or_default()
    }
}
