//! The current OpenRC for real: OpenRC 0.63.3 with s6 2.15.0.0 and execline 2.9.9.2, as
//! `../shared/vendor/build.sh` builds them (`/opt/openrc063`, staged with prefix /usr, and
//! `/opt/skarnet-new`), run in a private pid, mount, uts, ipc (and optionally network)
//! namespace, so the host's OpenRC 0.45, s6 2.11 and files are never touched.
//!
//! The isolation is the one `../shared/vendor/run063.sh` uses (see its README): an overlayfs
//! whose lower layer is `/` and whose upper layer is a tmpfs becomes the root; OpenRC 0.63.3 is
//! copied over Debian's 0.45 *in the overlay* (`/sbin`, `/usr/libexec/rc`, `librc.so.1`,
//! `libeinfo.so.1`); the new skarnet programs are symlinked into `/usr/bin` (OpenRC puts
//! `/usr/libexec/rc/bin:/bin:/sbin:…` first in PATH and `/bin` is `/usr/bin` on Debian, so PATH
//! alone cannot prefer them; this also makes `/bin/execlineb`, the shebang rc2s6 writes, the new
//! one); `/etc/init.d`, `/etc/conf.d`, `/etc/runlevels` and `/etc/rc.conf` are replaced by clean
//! 0.63.3 ones; `/run` and `/tmp` are tmpfs; `/sys` is unmounted (no cgroup writes);
//! `rc_sys=""` (the host has `/.dockerenv`); `/run/openrc/softlevel` is made (else "openrc did
//! not boot"). run063.sh runs one script through a fixed start, report, stop; the tests need
//! their own steps in between (rc2s6 compiling into `/var/svc.d` inside the namespace, `verify
//! --scan-dir` while services are linked, clients, reloads, restarts, several services), so this
//! module builds the same namespace and runs a test's own shell body in it.
//!
//! The sandbox directory (a host temporary directory, world-readable) is bind-mounted at the
//! same path inside, so what the body writes there (`$SANDBOX`) is seen by the test afterwards;
//! rc2s6's binary is copied into it (`$RC2S6`). Every program the namespace runs comes from the
//! host's root filesystem, the two prefixes (bound read-only at their paths) or the sandbox.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

use super::openrc::Run;

/// The OpenRC release build.sh stages, which the output is compiled and verified for.
pub const OPENRC: &str = "0.63.3";

/// What build.sh installed: the staged OpenRC root and the skarnet prefix.
#[derive(Debug, Clone)]
pub struct Prefixes {
    /// `$OPENRC_ROOT`, default `/opt/openrc063`.
    pub openrc: PathBuf,
    /// `$SKA_PREFIX`, default `/opt/skarnet-new`.
    pub skarnet: PathBuf,
}

/// The prefixes build.sh installs into (`OPENRC_ROOT` and `SKA_PREFIX` override them, as for
/// build.sh and run063.sh), when they hold what the tests run. On CI (`CI=true`) a missing one
/// fails the test: `.ci/run` builds them; elsewhere the test is skipped with a loud message.
pub fn prefixes() -> Option<Prefixes> {
    let p = Prefixes {
        openrc: std::env::var_os("OPENRC_ROOT").map(PathBuf::from).unwrap_or_else(|| "/opt/openrc063".into()),
        skarnet: std::env::var_os("SKA_PREFIX").map(PathBuf::from).unwrap_or_else(|| "/opt/skarnet-new".into()),
    };
    let needed = [
        p.openrc.join("sbin/openrc-run"),
        p.openrc.join("usr/libexec/rc/sh/s6.sh"),
        p.openrc.join("etc/init.d/s6-svscan"),
        p.skarnet.join("bin/s6-svscan"),
        p.skarnet.join("bin/s6-svlink"),
        p.skarnet.join("bin/execlineb"),
    ];
    let missing: Vec<String> = needed.iter().filter(|f| !f.is_file()).map(|f| f.display().to_string()).collect();
    if missing.is_empty() {
        return Some(p);
    }
    let why = format!(
        "OpenRC 0.63.3 / s6 2.15 are not built ({} missing): run ../shared/vendor/build.sh (as .ci/run does)",
        missing.join(", ")
    );
    if super::on_ci() {
        panic!("{why} (CI=true makes this a failure)");
    }
    eprintln!("SKIPPED: {why}; on CI this fails");
    None
}

/// Programs of the host the namespace needs besides the two prefixes.
pub const HOST_TOOLS: &[&str] = &["unshare", "mount", "umount", "chroot", "timeout", "ldconfig", "bash", "ip"];

/// Whether a 0.63.3 test can run: root, the prefixes, the host's programs. On CI anything
/// missing fails.
pub fn ready() -> Option<Prefixes> {
    if !super::require_root("namespaces, overlay mounts and OpenRC 0.63.3") {
        return None;
    }
    let prefixes = prefixes()?;
    super::tools(HOST_TOOLS).then_some(prefixes)
}

/// How the namespace is set up.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// A private network namespace with its loopback up (always private: with `false` it has
    /// no interface up at all).
    pub net: bool,
    /// Seconds the whole run may take before it is killed and the test fails.
    pub timeout_secs: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options { net: false, timeout_secs: 180 }
    }
}

/// A host directory shared with the namespace, and what goes into its /etc.
pub struct Sandbox {
    /// Removes the sandbox when the test ends.
    _tmp: tempfile::TempDir,
    /// The mount point of the namespace's private tmpfs (overlay layers and the new root).
    _mnt: tempfile::TempDir,
    /// The sandbox, bound at the same path inside (`$SANDBOX`).
    pub root: PathBuf,
    /// Installed as `/etc/init.d/*` (mode 0755) after OpenRC's own s6-svscan and the stubs.
    pub initd: PathBuf,
    /// Installed as `/etc/conf.d/*` (mode 0644).
    pub confd: PathBuf,
    prefixes: Prefixes,
}

impl Sandbox {
    /// A new sandbox with `init.d`, `conf.d`, `originals/init.d` (scripts as a distribution
    /// ships them, compiled from inside), `bin` (rc2s6, rc2s6-testd) and `kept` (what the body
    /// copies out), all readable by the daemons' users.
    pub fn new(prefixes: &Prefixes) -> Sandbox {
        let tmp = super::tempdir();
        let mnt = tempfile::Builder::new().prefix("rc2s6-ns.").tempdir().expect("mount point");
        let root = tmp.path().to_path_buf();
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
        for d in ["init.d", "conf.d", "originals/init.d", "originals/conf.d", "bin", "kept", "work"] {
            fs::create_dir_all(root.join(d)).unwrap();
            fs::set_permissions(root.join(d), fs::Permissions::from_mode(0o755)).unwrap();
        }
        fs::set_permissions(root.join("originals"), fs::Permissions::from_mode(0o755)).unwrap();
        // `kept` is written by the daemons' users too (output files, logs copied out).
        fs::set_permissions(root.join("kept"), fs::Permissions::from_mode(0o777)).unwrap();
        for (from, name) in [
            (PathBuf::from(env!("CARGO_BIN_EXE_rc2s6")), "rc2s6"),
            (super::root().join("testdata/bin/rc2s6-testd"), "rc2s6-testd"),
        ] {
            fs::copy(&from, root.join("bin").join(name)).unwrap();
            fs::set_permissions(root.join("bin").join(name), fs::Permissions::from_mode(0o755)).unwrap();
        }
        Sandbox {
            initd: root.join("init.d"),
            confd: root.join("conf.d"),
            root,
            _tmp: tmp,
            _mnt: mnt,
            prefixes: prefixes.clone(),
        }
    }

    /// `bin/rc2s6-testd` in the sandbox: a daemon that prints where and as whom it runs.
    pub fn testd(&self) -> PathBuf {
        self.root.join("bin/rc2s6-testd")
    }

    /// Writes an init script as a distribution ships it into `originals/init.d/NAME` (0755),
    /// `@TESTD@`, `@WORK@` and `@SANDBOX@` filled in, and its conf.d (if any) into `conf.d/NAME`
    /// (installed as /etc/conf.d/NAME) and `originals/conf.d/NAME`. Returns the script's path.
    pub fn original(&self, name: &str, script: &str, confd: Option<&str>) -> PathBuf {
        let path = self.root.join("originals/init.d").join(name);
        fs::write(&path, self.fill(script)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        if let Some(c) = confd {
            fs::write(self.confd.join(name), self.fill(c)).unwrap();
            fs::write(self.root.join("originals/conf.d").join(name), self.fill(c)).unwrap();
        }
        path
    }

    /// A script installed as /etc/init.d/NAME as it is (hand-written for s6), placeholders
    /// filled in.
    pub fn installed(&self, name: &str, script: &str) {
        let path = self.initd.join(name);
        fs::write(&path, self.fill(script)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// The placeholders of testdata scripts filled in.
    pub fn fill(&self, text: &str) -> String {
        text.replace("@TESTD@", &self.testd().display().to_string())
            .replace("@WORK@", &self.root.join("work").display().to_string())
            .replace("@SANDBOX@", &self.root.display().to_string())
    }

    /// A file the body copied into `$SANDBOX/kept`, or "" when it is not there.
    pub fn kept(&self, relative: &str) -> String {
        fs::read_to_string(self.root.join("kept").join(relative)).unwrap_or_default()
    }

    /// Runs `body` (bash) as root in a fresh namespace set up as a booted OpenRC 0.63.3 system
    /// (the chroot described in the module documentation), after `rc-service`-ready set-up, with
    /// `$RC2S6` (rc2s6's binary), `$SANDBOX`, `$OPENRC` (0.63.3), `probe SVC PREFIX` (prints
    /// `@@PREFIXlink=` and `@@PREFIXstatus=` of the service's scan-directory entry), `wait_up SVC`,
    /// `wait_argv SVC TEXT`, `wait_exec SVC PROGRAM`, `svpid SVC` and `wait_for FILE TENTHS TEXT` defined.
    /// `@@key=value` lines of the output become `Run::values`. The set-up must succeed (the test
    /// fails otherwise); the body's own failures are the test's to judge.
    pub fn run(&self, body: &str, opts: Options) -> Run {
        let stage1 = self.root.join(".stage1.sh");
        let stage2 = self.root.join(".stage2.sh");
        fs::write(&stage1, STAGE1).unwrap();
        fs::write(
            &stage2,
            format!("{STAGE2}\n# ---------------- the test's body ----------------\nset +eu\n{body}\nexit 0\n"),
        )
        .unwrap();
        let mut cmd = Command::new("timeout");
        cmd.args(["-k", "5", &opts.timeout_secs.to_string()])
            .args(["unshare", "--pid", "--mount", "--uts", "--ipc", "--net", "--fork", "--kill-child"])
            .args(["--mount-proc", "--propagation", "private", "bash"])
            .arg(&stage1)
            .env("MNT", self._mnt.path())
            .env("SANDBOX", &self.root)
            .env("OPENRC_ROOT", &self.prefixes.openrc)
            .env("SKA_PREFIX", &self.prefixes.skarnet)
            .env("NET", if opts.net { "1" } else { "0" })
            .env("OPENRC_VERSION", OPENRC);
        // The namespace starts at nice 0 whatever the test runner's: what a daemon's nice value
        // ends up as is compared (`--nicelevel` sets it, s6 leaves it), and `nice cargo test`
        // would otherwise shift the ones nothing sets.
        // SAFETY: setpriority is a plain system call, safe between fork and exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
                if libc::setpriority(libc::PRIO_PROCESS as _, 0, 0) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        let out = cmd.output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success(),
            "the OpenRC 0.63.3 namespace failed ({}; 124 = timed out after {} s):\n{text}",
            out.status,
            opts.timeout_secs
        );
        assert!(text.contains("@@setup=ok"), "the namespace's set-up did not finish:\n{text}");
        let values = text
            .lines()
            .filter_map(|l| l.strip_prefix("@@"))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Run { values, text }
    }
}

/// Stage 1: pid 1 of the new namespaces, the host's filesystem view. Builds the overlay root and
/// chroots into it to run stage 2 (the set-up, then the test's body).
const STAGE1: &str = r#"set -eu
# Nothing below may reach the host's mounts (unshare --propagation private already says so).
mount --make-rprivate /
mount -t tmpfs -o mode=0700 tmpfs "$MNT"
mkdir "$MNT/up" "$MNT/wk" "$MNT/root"
R=$MNT/root
mount -t overlay overlay -o "lowerdir=/,upperdir=$MNT/up,workdir=$MNT/wk" "$R"
mount -t proc proc "$R/proc"
# Only in this namespace: no /sys, so OpenRC touches no cgroup.
umount -R /sys 2>/dev/null || umount -R -l /sys 2>/dev/null || :
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mount --rbind /dev "$R/dev"
# The prefixes and the sandbox at their own paths (they may be on /tmp, a fresh tmpfs in there,
# or on another filesystem, which the overlay of / does not show).
for P in "$OPENRC_ROOT" "$SKA_PREFIX"; do
	mkdir -p "$R$P" && mount --bind "$P" "$R$P" && mount -o remount,bind,ro "$R$P"
done
mkdir -p "$R$SANDBOX" && mount --bind "$SANDBOX" "$R$SANDBOX"
# s6-svscanboot.sh writes 3>/dev/console
: > "$R/run/console.log"
mount --bind "$R/run/console.log" "$R/dev/console"
set +e
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb HOME=/root LANG=C.UTF-8 \
	SANDBOX="$SANDBOX" OPENRC_ROOT="$OPENRC_ROOT" SKA_PREFIX="$SKA_PREFIX" NET="$NET" \
	OPENRC="$OPENRC_VERSION" RC2S6="$SANDBOX/bin/rc2s6" \
	chroot "$R" /bin/bash "$SANDBOX/.stage2.sh" </dev/null
rc=$?
# What the run wrote into the root (the overlay's upper layer), without OpenRC's own tree.
( cd "$MNT/up" && find . -mindepth 1 | sed 's|^\.||' | sort ) | grep -vE '^/(usr|sbin|bin)(/|$)' > "$SANDBOX/kept/upper.txt" || :
exit $rc
"#;

/// Stage 2, in the chroot: OpenRC 0.63.3 over Debian's 0.45, clean /etc, then (appended) the
/// test's body.
const STAGE2: &str = r#"set -eu
trap 'echo "@@setup=failed at line $LINENO"; exit 1' ERR
# OpenRC 0.63.3 over Debian's 0.45, only in the overlay.
cp -a "$OPENRC_ROOT/usr/." /usr/
cp -a "$OPENRC_ROOT/sbin/." /sbin/
cp -a "$OPENRC_ROOT/bin/." /bin/
ldconfig
rm -rf /etc/init.d /etc/conf.d /etc/runlevels /etc/rc.conf /etc/rc.conf.d /etc/local.d
mkdir -p /etc/init.d /etc/conf.d /etc/runlevels/sysinit /etc/runlevels/boot \
	/etc/runlevels/default /etc/runlevels/shutdown /etc/runlevels/nonetwork
cp -a "$OPENRC_ROOT/etc/rc.conf" /etc/rc.conf
cp -a "$OPENRC_ROOT/etc/init.d/functions.sh" "$OPENRC_ROOT/etc/init.d/s6-svscan" /etc/init.d/
# Stand-ins for what a booted system has: file systems are mounted and the loopback is up (or
# there is no network) in this namespace.
for s in localmount net; do
	printf '#!/sbin/openrc-run\ndescription="rc2s6 test stand-in: already done in this namespace"\nstart() { return 0; }\nstop() { return 0; }\n' > /etc/init.d/$s
	chmod 755 /etc/init.d/$s
done
# The new s6, execline and s6-rc where OpenRC's PATH finds them (/bin is /usr/bin here).
for f in "$SKA_PREFIX"/bin/*; do ln -sfn "$f" /usr/bin/; done
# The test's scripts and conf.d files.
for f in "$SANDBOX"/init.d/*; do [ -f "$f" ] && install -m 755 "$f" /etc/init.d/; done
for f in "$SANDBOX"/conf.d/*; do [ -f "$f" ] && install -m 644 "$f" /etc/conf.d/; done
# No container (this host has /.dockerenv, which would make 0.63.3 say [DOCKER]).
printf '\n# rc2s6 tests\nrc_sys=""\n' >> /etc/rc.conf
# OpenRC booted this system: else "openrc did not boot" and every start fails.
mkdir -p /run/openrc /var/log /var/svc.d
echo default > /run/openrc/softlevel
if [ "$NET" = 1 ]; then ip link set lo up; fi
# Nothing of the host's OpenRC or s6 is left where 0.63.3 looks.
cmp -s /sbin/openrc-run "$OPENRC_ROOT/sbin/openrc-run"
cmp -s "$(readlink -f /usr/bin/s6-svscan)" "$SKA_PREFIX/bin/s6-svscan"
cmp -s "$(readlink -f /bin/execlineb)" "$SKA_PREFIX/bin/execlineb"
openrc --version | grep -qF "$OPENRC"
trap - ERR
echo "@@setup=ok"
# The service's scan-directory entry: where it links and what s6-svstat says.
probe() {
	echo "@@${2:-}link=$(readlink "/run/openrc/s6-scan/$1")"
	echo "@@${2:-}status=$(s6-svstat "/run/openrc/s6-scan/$1" 2>&1)"
}
# Waits up to $2 tenths of a second for file $1 to hold text $3.
wait_for() {
	i=0
	while [ $i -lt "$2" ] && ! grep -qF -- "$3" "$1" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
}
# Waits up to 10 s for the service's scan-directory entry to be up.
wait_up() {
	s6-svwait -u -t 10000 "/run/openrc/s6-scan/$1" 2>/dev/null
}
# Waits up to 30 s (a loaded machine) for word $2 of the service's process's argv (1 is argv[0])
# to be $3: before the daemon runs, the run script's chain (s6-envuidgid, s6-applyuidgid…) holds
# the daemon's whole command line in its own, with an environment the daemon does not get yet.
wait_argn() {
	i=0
	while [ $i -lt 300 ]; do
		[ "$(tr '\0' '\n' < "/proc/$(svpid "$1")/cmdline" 2>/dev/null | sed -n "$2p")" = "$3" ] && return 0
		sleep 0.1; i=$((i+1))
	done
	return 1
}
# The service's process has exec'd into the program $2 (its argv[0]).
wait_exec() { wait_argn "$1" 1 "$2"; }
# The service's process runs the script $2 (`#!/bin/sh`: argv is the interpreter, then $2).
wait_script() { wait_argn "$1" 2 "$2"; }
# Waits up to 30 s for the service's process to have exec'd into a command line holding $2 (the
# run script's chain execs several programs before the daemon).
wait_argv() {
	i=0
	while [ $i -lt 300 ]; do
		tr '\0' ' ' < "/proc/$(svpid "$1")/cmdline" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.1; i=$((i+1))
	done
	return 1
}
# The daemon's pid as s6 sees it, or 0.
svpid() {
	p=$(s6-svstat -o pid "/run/openrc/s6-scan/$1" 2>/dev/null)
	case $p in ''|-1|*[!0-9]*) echo 0 ;; *) echo "$p" ;; esac
}
"#;
