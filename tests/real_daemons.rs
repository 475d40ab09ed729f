//! Proof with real daemons: Alpine's init scripts for 13 daemons that Debian packages, read from
//! the corpus (`../shared/corpus/alpine`), compiled and migrated by rc2s6, and started and
//! stopped by Debian's OpenRC 0.45 with real s6, each in its own mount, pid and network
//! namespace (loopback up, /etc and /var under tmpfs overlays, so nothing on the host changes).
//!
//! `testdata/daemons/<service>/` adapts each script to Debian, as an administrator would:
//! - `conf.d` — the service's conf.d (Debian's paths, users and groups), its comments saying
//!   what differs from Alpine and why;
//! - `etc/` — minimal configuration files, put over the namespace's /etc at Debian's paths,
//!   where Debian's defaults do not fit a sandbox (loopback only, logs to stderr, no pid file
//!   in a directory the empty /run lacks);
//! - `prepare` — sh run in the namespace before the start, for what Alpine's package sets up
//!   and Debian's does not where the script fixes it and conf.d cannot change it.
//!
//! Where rc2s6 refuses Alpine's script as written (a value it computes only when OpenRC starts
//! the service), the table's `edits` change the script as an administrator would, and
//! `alpine_scripts_the_table_edits_are_refused_as_written` checks the refusal and where it points.
//!
//! Each daemon must start through OpenRC (linked where `rc2s6 verify` predicted, and verify
//! agrees with the live tree), run as its intended user, answer a real client's request, stay up
//! with the same pid for several seconds with no death recorded by s6-supervise, and stop with
//! nothing of it left running.
//!
//! OpenRC 0.45 sleeps 3 s in every s6 start, so the 13 run at once, each in its own namespace:
//! the first test to ask runs them all, and each test judges its own daemon.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::OnceLock;
use support::openrc::{Layout, Namespace, OPENRC, Run, TOOLS, Var};

use support::daemons::{CLIENTS, Contains, DAEMONS, Daemon, Line};

/// What the namespace does with one daemon; `@…@` are filled in.
const BODY: &str = r#"
# The daemon's configuration at Debian's paths, and what Alpine's package would have set up.
if [ -d '@DATA@/etc' ]; then cp -R '@DATA@/etc/.' /etc/; echo "@@etc=$?"; fi
if [ -f '@DATA@/prepare' ]; then sh -e '@DATA@/prepare'; echo "@@prepare=$?"; fi
link=/run/openrc/s6-scan/@SVC@
# The names of a process's real, effective, saved and file-system uids.
users() {
	awk '/^Uid:/ { print $2; print $3; print $4; print $5 }' "/proc/$1/status" | sort -u |
		while read -r u; do getent passwd "$u" | cut -d: -f1; done | tr '\n' ' '
}
children() {
	for s in /proc/[0-9]*/status; do
		awk -v p="$1" '/^PPid:/ && $2 == p { split(FILENAME, f, "/"); print f[3] }' "$s" 2>/dev/null
	done
}
# The processes running the daemon's executable.
running() {
	exe=$(readlink -f '@BIN@')
	for e in /proc/[0-9]*/exe; do
		[ "$(readlink "$e" 2>/dev/null)" = "$exe" ] && printf '%s ' "$(basename "${e%/exe}")"
	done
}
/etc/init.d/@SVC@ start; echo "@@start=$?"
echo "@@link=$(readlink $link)"
pid=$(s6-svstat -o pid $link); echo "@@pid=$pid"
case $pid in ''|*[!0-9]*) pid=0 ;; esac
echo "@@users=$(users $pid)"
echo "@@children=$(for c in $(children $pid); do users $c; done)"
( @CLIENT@
) > '@CLIENT_OUT@' 2>&1; echo "@@client=$?"
"$RC2S6" verify /etc/init.d/@SVC@ -o '@OUT@' --no-rc-conf --openrc @OPENRC@ --scan-dir /run/openrc/s6-scan; echo "@@verify=$?"
# Several seconds later: the same process, and s6-supervise has seen no death.
sleep 5
echo "@@pid-later=$(s6-svstat -o pid $link)"
echo "@@deaths=$(s6-svdt $link | wc -l)"
/etc/init.d/@SVC@ stop; echo "@@stop=$?"
echo "@@up-after-stop=$(s6-svstat -o up $link)"
if [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null; then echo "@@pid-gone=no"; else echo "@@pid-gone=yes"; fi
echo "@@left=$(running)"
"#;

/// What happened to one daemon.
struct Outcome {
    /// Whether rc2s6 converted and migrated the script (exit 0).
    compiled: bool,
    /// What rc2s6 reported when compiling and migrating.
    compile_output: String,
    /// Where `rc2s6 verify` said OpenRC would link the service directory.
    predicted: Option<String>,
    /// The namespace's report, once the script was converted.
    run: Option<Run>,
    /// What the client printed.
    client_output: String,
    /// What s6-log kept of the daemon's output.
    log: String,
}

impl Outcome {
    /// Everything, for a failure message.
    fn context(&self) -> String {
        format!(
            "--- rc2s6:\n{}\n--- namespace:\n{}\n--- client:\n{}\n--- s6-log:\n{}",
            self.compile_output,
            self.run.as_ref().map(|r| r.text.as_str()).unwrap_or("(not run)"),
            self.client_output,
            self.log
        )
    }
}

/// Compiles, migrates and runs one daemon in its own sandbox and namespace.
fn run_daemon(d: &Daemon, script: &Path) -> Outcome {
    let tmp = support::tempdir();
    let dirs = Layout::under(tmp.path());
    let root = &dirs.root;
    fs::create_dir(root.join("originals")).unwrap();
    let data = support::root().join("testdata/daemons").join(d.service);
    let original = root.join("originals").join(d.service);
    let alpine = fs::read_to_string(script).unwrap();
    fs::write(&original, support::daemons::edited(&alpine, d.edits)).unwrap();
    fs::set_permissions(&original, fs::Permissions::from_mode(0o755)).unwrap();
    fs::copy(data.join("conf.d"), dirs.confd.join(d.service)).unwrap();

    let compiled = dirs.compile_and_migrate(std::slice::from_ref(&original));
    let mut outcome = Outcome {
        compiled: compiled.status.success(),
        compile_output: String::from_utf8_lossy(&compiled.stderr).into_owned(),
        predicted: None,
        run: None,
        client_output: String::new(),
        log: String::new(),
    };
    if !outcome.compiled {
        return outcome;
    }
    support::openrc::install_system_services(&dirs.initd);
    outcome.predicted = dirs.predicted(&[d.service]).remove(d.service);
    let client_out = root.join("client.out");
    let body = BODY
        .replace("@DATA@", &data.display().to_string())
        .replace("@SVC@", d.service)
        .replace("@BIN@", d.binary)
        .replace("@OUT@", &dirs.out.display().to_string())
        .replace("@OPENRC@", OPENRC)
        .replace("@CLIENT_OUT@", &client_out.display().to_string())
        .replace("@CLIENT@", d.client);
    outcome.run = Some(dirs.run(&body, Namespace { net: true, var: Var::Overlay }));
    outcome.client_output = fs::read_to_string(&client_out).unwrap_or_default();
    outcome.log = dirs.log(d.service);
    outcome
}

/// Each daemon's outcome, or why it could not be had (a panic's message). `None` when the
/// tests are skipped (not root, programs or corpus missing, outside CI).
fn outcomes() -> Option<&'static BTreeMap<&'static str, Result<Outcome, String>>> {
    static OUTCOMES: OnceLock<Option<BTreeMap<&'static str, Result<Outcome, String>>>> = OnceLock::new();
    OUTCOMES
        .get_or_init(|| {
            let binaries: Vec<&str> =
                DAEMONS.iter().filter_map(|d| Path::new(d.binary).file_name()?.to_str()).collect();
            let tools = [TOOLS, CLIENTS, &binaries].concat();
            if !(support::tools(&tools) && support::require_root("mount and network namespaces and OpenRC")) {
                return None;
            }
            let scripts: Vec<_> =
                DAEMONS.iter().map(|d| support::corpus_file(&format!("alpine/{}.initd", d.corpus))).collect();
            let scripts: Option<Vec<_>> = scripts.into_iter().collect();
            let scripts = scripts?;
            Some(support::daemons::run_all(&scripts, run_daemon))
        })
        .as_ref()
}

/// Judges one daemon by what its namespace reported.
fn check(service: &str) {
    let Some(all) = outcomes() else { return };
    let d = DAEMONS.iter().find(|d| d.service == service).unwrap();
    let o = match &all[service] {
        Ok(o) => o,
        Err(why) => panic!("{service}: the run failed: {why}"),
    };
    let ctx = o.context();
    assert!(o.compiled, "{service}: rc2s6 did not convert the script\n{ctx}");
    for code in d.reports {
        assert!(o.compile_output.contains(code), "{service}: rc2s6 did not report {code}\n{ctx}");
    }
    let r = o.run.as_ref().unwrap();
    for step in ["etc", "prepare"] {
        if let Some(v) = r.values.get(step) {
            assert_eq!(v, "0", "{service}: setting up the namespace ({step}) failed\n{ctx}");
        }
    }
    assert_eq!(r.get("start"), "0", "{service}: OpenRC's start failed\n{ctx}");
    assert_eq!(Some(r.get("link")), o.predicted.as_deref(), "{service}: not linked where verify predicted\n{ctx}");
    let pid = r.get("pid");
    assert!(pid.parse::<u32>().is_ok_and(|p| p > 0), "{service}: s6 supervises no process\n{ctx}");
    assert_eq!(r.get("verify"), "0", "{service}: rc2s6 verify disagrees with the live tree\n{ctx}");
    assert_eq!(r.get("users").trim(), d.user, "{service}: runs as the wrong user\n{ctx}");
    if let Some(user) = d.children {
        let children: Vec<&str> = r.get("children").split_whitespace().collect();
        assert!(
            !children.is_empty() && children.iter().all(|c| *c == user),
            "{service}: its children should all run as {user}, not {children:?}\n{ctx}"
        );
    }
    assert_eq!(r.get("client"), "0", "{service}: the client's request failed\n{ctx}");
    for answer in d.answers {
        let found = match answer {
            Line(l) => {
                let l = l.replace("{pid}", pid);
                o.client_output.lines().any(|x| x.trim() == l)
            }
            Contains(t) => o.client_output.contains(&t.replace("{pid}", pid)),
        };
        let what = match answer {
            Line(l) | Contains(l) => l,
        };
        assert!(found, "{service}: the client's answer lacks `{what}`\n{ctx}");
    }
    for line in d.log {
        assert!(o.log.contains(line), "{service}: its log lacks `{line}`\n{ctx}");
    }
    assert_eq!(r.get("pid-later"), pid, "{service}: not the same process seconds later\n{ctx}");
    assert_eq!(r.get("deaths").trim(), "0", "{service}: s6-supervise saw it die\n{ctx}");
    assert_eq!(r.get("stop"), "0", "{service}: OpenRC's stop failed\n{ctx}");
    assert_eq!(r.get("up-after-stop"), "false", "{service}: still up after the stop\n{ctx}");
    assert_eq!(r.get("pid-gone"), "yes", "{service}: its process outlived the stop\n{ctx}");
    assert_eq!(r.get("left").trim(), "", "{service}: processes of {} left after the stop\n{ctx}", d.binary);
}

/// One test per daemon, named after its service; `TESTED` lists them.
macro_rules! daemon_tests {
    ($($service:ident),* $(,)?) => {
        const TESTED: &[&str] = &[$(stringify!($service)),*];
        $(
            #[test]
            fn $service() {
                check(stringify!($service));
            }
        )*
    };
}

daemon_tests!(
    memcached, redis, dnsmasq, nginx, lighttpd, mosquitto, tinyproxy, unbound, privoxy, dropbear, rsyncd, haveged,
    chronyd,
);

/// A script the table edits is one rc2s6 refuses as Alpine writes it, with the error located
/// on the line the edit is about; a script it does not edit converts as it is.
#[test]
fn alpine_scripts_the_table_edits_are_refused_as_written() {
    for d in DAEMONS {
        let Some(script) = support::corpus_file(&format!("alpine/{}.initd", d.corpus)) else { return };
        let tmp = support::tempdir();
        let (init_d, conf_d) = (tmp.path().join("init.d"), tmp.path().join("conf.d"));
        fs::create_dir_all(&init_d).unwrap();
        fs::create_dir_all(&conf_d).unwrap();
        fs::copy(&script, init_d.join(d.service)).unwrap();
        fs::copy(support::root().join("testdata/daemons").join(d.service).join("conf.d"), conf_d.join(d.service))
            .unwrap();
        let o = support::rc2s6()
            .args(["--no-rc-conf", "--color", "never", "-v", "--conf-dir"])
            .arg(&conf_d)
            .arg(init_d.join(d.service))
            .arg("-o")
            .arg(tmp.path().join("out"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stderr);
        match d.refused_as_is {
            Some((code, line)) => {
                assert_eq!(o.status.code(), Some(1), "{}: converted as written\n{text}", d.service);
                assert!(text.contains("0 converted, 0 oneshot, 1 not converted"), "{}\n{text}", d.service);
                assert!(text.lines().any(|l| l == code), "{}: not refused with {code}\n{text}", d.service);
                let excerpt = text.lines().find(|l| l.contains(line));
                assert!(excerpt.is_some(), "{}: the error is not located on `{line}`\n{text}", d.service);
                assert!(!d.edits.is_empty(), "{}", d.service);
            }
            None => {
                assert!(o.status.success(), "{}: refused as written\n{text}", d.service);
                assert!(d.edits.is_empty(), "{}: edited although rc2s6 converts it as written", d.service);
            }
        }
    }
}

/// Every daemon of the table has its test and its conf.d.
#[test]
fn every_daemon_is_tested() {
    let table: Vec<&str> = DAEMONS.iter().map(|d| d.service).collect();
    assert_eq!(table, TESTED);
    for d in DAEMONS {
        assert!(support::root().join("testdata/daemons").join(d.service).join("conf.d").is_file(), "{}", d.service);
    }
}
