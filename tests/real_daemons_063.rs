//! The 13 real daemons of `tests/real_daemons.rs`, from their Alpine scripts in
//! `../shared/corpus/alpine` and the Debian adaptations in `testdata/daemons/<service>/`, under
//! the real OpenRC 0.63.3 with s6 2.15 and execline 2.9.9 (`support::openrc063`), each in its own
//! pid, mount and network namespace (loopback up, the root an overlay of /).
//!
//! Inside the namespace rc2s6 compiles the Alpine script with its conf.d into /var/svc.d and
//! migrates it into /etc/init.d for `--openrc 0.63.3`; `rc-service SERVICE start` then starts it
//! with its dependencies (s6-svscan, and the `net`/`localmount` stand-ins). Each daemon must be
//! linked where `rc2s6 verify` predicted (and verify agree with the live tree), run as its
//! intended user, answer a real client, keep the same pid for several seconds with no death
//! recorded by s6-supervise, and stop (0.63 unlinks it) with nothing of it left running.
//!
//! 0.63.3 does not sleep in its start as 0.45 does, and none of these scripts declares
//! readiness: the client is retried for up to 10 s while the daemon opens its sockets.
//!
//! `dnsmasq` and `nginx` FAIL with rc2s6 at the time of writing: their `start_pre()` checks the
//! configuration with `$command --test` / `$command $command_args -t -q`, and migration for
//! 0.63 refuses the script (`rc2s6::migrate::command_still_used`: 0.63.1+ links /var/svc.d only
//! when `command` is empty when `s6_start` runs). Under 0.45 both are migrated and run. OpenRC
//! runs `start_pre`, `start` and `start_post` in one shell (openrc-run.sh of 0.63.3), and
//! `_s6_have_legacy_servicedir` reads `command` only inside `s6_start`, so a migrated script can
//! keep `command` for start_pre and empty it just before `default_start` (e.g. a `start()`
//! that does `command=""; default_start`).

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use support::daemons::{Answer, CLIENTS, DAEMONS, Daemon};
use support::openrc::Run;
use support::openrc063::{self, Options, Prefixes, Sandbox};

/// What the namespace does with one daemon; `@…@` are filled in.
const BODY: &str = r#"
SVC=@SVC@
K=$SANDBOX/kept
D=$SANDBOX/data
# The daemon's configuration at Debian's paths, and what Alpine's package would have set up.
if [ -d "$D/etc" ]; then cp -R "$D/etc/." /etc/; echo "@@etc=$?"; fi
if [ -f "$D/prepare" ]; then sh -e "$D/prepare"; echo "@@prepare=$?"; fi
"$RC2S6" "$SANDBOX/originals/init.d/$SVC" -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc "$OPENRC" --initd-out /etc/init.d --color never > $K/compile.out 2>&1
echo "@@compile=$?"
[ -f /etc/init.d/$SVC ] || exit 0
"$RC2S6" verify /etc/init.d/$SVC -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc "$OPENRC" --color never > $K/predict.out 2>&1
echo "@@predict=$?"
sed -n "s|^$SVC: \(/run/openrc/s6-scan/[^ ]*\) -> \(.*\)\$|@@predicted-link=\1\n@@predicted=\2|p" $K/predict.out
link=$(sed -n "s|^$SVC: \(/run/openrc/s6-scan/[^ ]*\) -> .*\$|\1|p" $K/predict.out)
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
rc-service $SVC start > $K/start.out 2>&1; echo "@@start=$?"
echo "@@link=$(readlink $link)"
s6-svwait -u -t 10000 $link
# The run script's chain execs into the daemon.
exe=$(readlink -f '@BIN@')
i=0; while [ $i -lt 100 ] && [ "$(readlink /proc/$(s6-svstat -o pid $link)/exe 2>/dev/null)" != "$exe" ]; do sleep 0.1; i=$((i+1)); done
pid=$(s6-svstat -o pid $link); echo "@@pid=$pid"
case $pid in ''|*[!0-9]*) pid=0 ;; esac
i=0
while :; do
	( @CLIENT@
	) > $K/client.out 2>&1; rc=$?
	{ [ $rc = 0 ] && @ANSWERED@; } || [ $i -ge 20 ] && break
	sleep 0.5; i=$((i+1))
done
echo "@@client=$rc"
echo "@@users=$(users $pid)"
echo "@@children=$(for c in $(children $pid); do users $c; done)"
"$RC2S6" verify /etc/init.d/$SVC -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc "$OPENRC" --color never --scan-dir /run/openrc/s6-scan > $K/verify.out 2>&1; echo "@@verify=$?"
# Several seconds later: the same process, and s6-supervise has seen no death.
sleep 5
echo "@@pid-later=$(s6-svstat -o pid $link)"
echo "@@deaths=$(s6-svdt $link | wc -l)"
for f in /var/log/$SVC/current; do [ -f "$f" ] && cp "$f" $K/log; done
rc-service $SVC stop > $K/stop.out 2>&1; echo "@@stop=$?"
echo "@@link-after-stop=$(readlink $link)"
if [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null; then echo "@@pid-gone=no"; else echo "@@pid-gone=yes"; fi
sleep 0.5
echo "@@left=$(running)"
"#;

/// What happened to one daemon.
struct Outcome {
    run: Run,
    kept: BTreeMap<String, String>,
}

impl Outcome {
    fn kept(&self, name: &str) -> &str {
        self.kept.get(name).map(String::as_str).unwrap_or("")
    }
    fn context(&self) -> String {
        format!(
            "--- namespace:\n{}\n--- rc2s6:\n{}\n--- start:\n{}\n--- client:\n{}\n--- verify:\n{}\n--- s6-log:\n{}",
            self.run.text,
            self.kept("compile.out"),
            self.kept("start.out"),
            self.kept("client.out"),
            self.kept("verify.out"),
            self.kept("log")
        )
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            fs::copy(e.path(), &t).unwrap();
        }
    }
}

/// Shell that succeeds when `$K/client.out` holds every answer the daemon must give (a daemon
/// can answer before it is fully up: haveged opens /dev/random after its self-tests).
fn answered(d: &Daemon) -> String {
    let quote = |t: &str| format!("'{}'", t.replace('\'', "'\\''").replace("{pid}", "'\"$pid\"'"));
    let mut checks: Vec<String> = d
        .answers
        .iter()
        .map(|a| match a {
            Answer::Line(l) => {
                format!("sed 's/^[[:space:]]*//; s/[[:space:]]*$//' $K/client.out | grep -qxF -- {}", quote(l))
            }
            Answer::Contains(t) => format!("grep -qF -- {} $K/client.out", quote(t)),
        })
        .collect();
    checks.push("true".into());
    checks.join(" && ")
}

/// Compiles, migrates and runs one daemon in its own namespace.
fn run_daemon(p: &Prefixes, d: &Daemon, script: &Path) -> Outcome {
    let s = Sandbox::new(p);
    let data = support::root().join("testdata/daemons").join(d.service);
    copy_dir(&data, &s.root.join("data"));
    let confd = fs::read_to_string(data.join("conf.d")).unwrap();
    // The script as the corpus has it, with the table's edits where rc2s6 refuses it as written.
    let original = s.original(d.service, "", Some(&confd));
    let alpine = fs::read_to_string(script).unwrap();
    fs::write(&original, support::daemons::edited(&alpine, d.edits)).unwrap();
    fs::set_permissions(&original, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let body = BODY
        .replace("@SVC@", d.service)
        .replace("@BIN@", d.binary)
        .replace("@CLIENT@", d.client)
        .replace("@ANSWERED@", &answered(d));
    let run = s.run(&body, Options { net: true, timeout_secs: 180 });
    let mut kept = BTreeMap::new();
    for e in fs::read_dir(s.root.join("kept")).unwrap().flatten() {
        if e.path().is_file() {
            kept.insert(
                e.file_name().to_string_lossy().into_owned(),
                String::from_utf8_lossy(&fs::read(e.path()).unwrap()).into_owned(),
            );
        }
    }
    Outcome { run, kept }
}

/// Each daemon's outcome, or why it could not be had. `None` when the tests are skipped.
fn outcomes() -> Option<&'static BTreeMap<&'static str, Result<Outcome, String>>> {
    static OUTCOMES: OnceLock<Option<BTreeMap<&'static str, Result<Outcome, String>>>> = OnceLock::new();
    OUTCOMES
        .get_or_init(|| {
            let p = openrc063::ready()?;
            let binaries: Vec<&str> =
                DAEMONS.iter().filter_map(|d| Path::new(d.binary).file_name()?.to_str()).collect();
            if !support::tools(&[CLIENTS, &binaries].concat()) {
                return None;
            }
            let scripts: Option<Vec<_>> =
                DAEMONS.iter().map(|d| support::corpus_file(&format!("alpine/{}.initd", d.corpus))).collect();
            let scripts = scripts?;
            // Several at once: each waits mostly on its client and its 5 s of uptime.
            let next = std::sync::atomic::AtomicUsize::new(0);
            let p = &p;
            Some(std::thread::scope(|s| {
                let workers: Vec<_> = (0..4)
                    .map(|_| {
                        s.spawn(|| {
                            let mut done = Vec::new();
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                                let (Some(d), Some(script)) = (DAEMONS.get(i), scripts.get(i)) else { break };
                                let outcome =
                                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_daemon(p, d, script)))
                                        .map_err(support::daemons::panic_message);
                                done.push((d.service, outcome));
                            }
                            done
                        })
                    })
                    .collect();
                workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
            }))
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
    let r = &o.run;
    for step in ["etc", "prepare"] {
        if let Some(v) = r.values.get(step) {
            assert_eq!(v, "0", "{service}: setting up the namespace ({step}) failed\n{ctx}");
        }
    }
    assert_eq!(r.get("compile"), "0", "{service}: rc2s6 did not convert and migrate the script for 0.63.3\n{ctx}");
    for code in d.reports {
        assert!(o.kept("compile.out").contains(code), "{service}: rc2s6 did not report {code}\n{ctx}");
    }
    assert_eq!(r.get("predict"), "0", "{service}: verify finds the migrated tree inconsistent\n{ctx}");
    assert_eq!(r.get("predicted"), format!("/var/svc.d/{service}"), "{service}\n{ctx}");
    assert_eq!(r.get("start"), "0", "{service}: OpenRC's start failed\n{ctx}");
    assert!(o.kept("start.out").contains("(via user-provided service directory)"), "{service}\n{ctx}");
    assert_eq!(r.get("link"), r.get("predicted"), "{service}: not linked where verify predicted\n{ctx}");
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
    let client = o.kept("client.out");
    for answer in d.answers {
        let (found, what) = match answer {
            Answer::Line(l) => (client.lines().any(|x| x.trim() == l.replace("{pid}", pid)), l),
            Answer::Contains(t) => (client.contains(&t.replace("{pid}", pid)), t),
        };
        assert!(found, "{service}: the client's answer lacks `{what}`\n{ctx}");
    }
    for line in d.log {
        assert!(o.kept("log").contains(line), "{service}: its log lacks `{line}`\n{ctx}");
    }
    assert_eq!(r.get("pid-later"), pid, "{service}: not the same process seconds later\n{ctx}");
    assert_eq!(r.get("deaths").trim(), "0", "{service}: s6-supervise saw it die\n{ctx}");
    assert_eq!(r.get("stop"), "0", "{service}: OpenRC's stop failed\n{ctx}");
    assert_eq!(r.get("link-after-stop"), "", "{service}: still linked after the stop\n{ctx}");
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

/// Every daemon of the table has its test.
#[test]
fn every_daemon_is_tested() {
    let table: Vec<&str> = DAEMONS.iter().map(|d| d.service).collect();
    assert_eq!(table, TESTED);
}
