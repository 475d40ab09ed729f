//! The 13 real daemons of `tests/real_daemons.rs`, from Alpine's scripts in the corpus (with its
//! administrator's edits where rc2s6 refuses one as written), converted
//! with `--backend s6-rc` and run by the real s6-rc 0.6.1.1 (s6 2.15, execline 2.9.9) with no
//! OpenRC at all, each in its own mount, pid and network namespace (loopback up, /etc and /var
//! under tmpfs overlays): `s6-rc -u change` brings each up with what its start_pre() or start()
//! prepares (dropbear's start() generates its host keys in the oneshot `dropbear-pre`), it runs
//! as its intended user, answers a real client, stays up with the same pid and no death for
//! several seconds, writes into the pipe its logger reads, `rc2s6 verify` finds the tree as it
//! wrote it, and `s6-rc -d change` stops it with nothing of it left.
//!
//! The daemons, their clients and testdata/daemons' adaptations to Debian are the ones the
//! OpenRC tests use (`support::daemons`).

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::OnceLock;

use support::daemons::{Answer, CLIENTS, DAEMONS, Daemon};
use support::openrc::{Run, Var};
use support::s6rc::{Namespace, Sandbox};

/// Names OpenRC's boot brings up that the scripts need: the init of an s6-rc system does.
const EXTERNAL: &str = "net,localmount";

/// What the namespace does with one daemon; `@…@` are filled in.
const BODY: &str = r#"
if [ -d '@DATA@/etc' ]; then cp -R '@DATA@/etc/.' /etc/; echo "@@etc=$?"; fi
if [ -f '@DATA@/prepare' ]; then sh -e '@DATA@/prepare'; echo "@@prepare=$?"; fi
svc=/run/service/@SVC@
users() {
	awk '/^Uid:/ { print $2; print $3; print $4; print $5 }' "/proc/$1/status" | sort -u |
		while read -r u; do getent passwd "$u" | cut -d: -f1; done | tr '\n' ' '
}
children() {
	for s in /proc/[0-9]*/status; do
		awk -v p="$1" '/^PPid:/ && $2 == p { split(FILENAME, f, "/"); print f[3] }' "$s" 2>/dev/null
	done
}
running() {
	exe=$(readlink -f '@BIN@')
	for e in /proc/[0-9]*/exe; do
		[ "$(readlink "$e" 2>/dev/null)" = "$exe" ] && printf '%s ' "$(basename "${e%/exe}")"
	done
}
s6-rc -u change @SVC@; echo "@@start=$?"
echo "@@active=$(s6-rc -a list | sort | tr '\n' ' ')"
pid=$(s6-svstat -o pid $svc); echo "@@pid=$pid"
case $pid in ''|*[!0-9]*) pid=0 ;; esac
# s6-rc is done once the daemon runs (or, with notification-fd, says it is ready); a daemon that
# says nothing may still be setting up (dropping privileges, opening its devices): ask it, as a
# client would, until it answers, for at most 20 s.
i=0
while :; do
	( @CLIENT@
	) > '@CLIENT_OUT@' 2>&1; rc=$?
	if [ $rc = 0 ] && [ "$(users $pid)" = '@USER@ ' ] && grep -qF -- "@EXPECT@" '@CLIENT_OUT@'; then break; fi
	i=$((i+1)); [ $i -ge 80 ] && break
	sleep 0.25
done
echo "@@client=$rc"
echo "@@users=$(users $pid)"
echo "@@children=$(for c in $(children $pid); do users $c; done)"
lpid=$(s6-svstat -o pid /run/service/@SVC@-log)
echo "@@logger-stdin=$(readlink /proc/$lpid/fd/0)"
echo "@@daemon-out=$(readlink /proc/$pid/fd/1) $(readlink /proc/$pid/fd/2)"
"$RC2S6" verify -o '@OUT@'; echo "@@verify=$?"
sleep 5
echo "@@pid-later=$(s6-svstat -o pid $svc)"
echo "@@deaths=$(s6-svdt $svc | wc -l)"
s6-rc -d change @SVC@; echo "@@stop=$?"
echo "@@up-after-stop=$(s6-svstat -o up $svc)"
if [ "$pid" != 0 ] && kill -0 "$pid" 2>/dev/null; then echo "@@pid-gone=no"; else echo "@@pid-gone=yes"; fi
echo "@@left=$(running)"
"#;

/// What happened to one daemon.
struct Outcome {
    compiled: bool,
    compile_output: String,
    run: Option<Run>,
    client_output: String,
    log: String,
}

impl Outcome {
    fn context(&self) -> String {
        format!(
            "--- rc2s6:\n{}\n--- namespace:\n{}\n--- client:\n{}\n--- logger:\n{}",
            self.compile_output,
            self.run.as_ref().map(|r| r.text.as_str()).unwrap_or("(not run)"),
            self.client_output,
            self.log
        )
    }
}

fn run_daemon(d: &Daemon, script: &Path) -> Outcome {
    let tmp = support::tempdir();
    let s = Sandbox::under(tmp.path());
    let data = support::root().join("testdata/daemons").join(d.service);
    let initd = s.root.join("init.d");
    fs::create_dir_all(&initd).unwrap();
    let original = initd.join(d.service);
    // Alpine's script, with an administrator's edits where rc2s6 refuses it as written (the
    // refusal itself is tested by tests/real_daemons.rs).
    let alpine = fs::read_to_string(script).unwrap();
    fs::write(&original, support::daemons::edited(&alpine, d.edits)).unwrap();
    fs::set_permissions(&original, fs::Permissions::from_mode(0o755)).unwrap();
    fs::copy(data.join("conf.d"), s.confd.join(d.service)).unwrap();
    let compiled = s.compile(std::slice::from_ref(&original), &["--external", EXTERNAL]);
    let mut outcome = Outcome {
        compiled: compiled.status.success(),
        compile_output: String::from_utf8_lossy(&compiled.stderr).into_owned(),
        run: None,
        client_output: String::new(),
        log: String::new(),
    };
    if !outcome.compiled {
        return outcome;
    }
    let client_out = s.root.join("client.out");
    let body = BODY
        .replace("@DATA@", &data.display().to_string())
        .replace("@SVC@", d.service)
        .replace("@BIN@", d.binary)
        .replace("@OUT@", &s.out.display().to_string())
        .replace("@CLIENT_OUT@", &client_out.display().to_string())
        .replace("@CLIENT@", d.client)
        .replace("@USER@", d.user)
        .replace("@EXPECT@", &expect(d));
    outcome.run = Some(s.run(&body, Namespace { net: true, var: Var::Overlay }));
    outcome.client_output = fs::read_to_string(&client_out).unwrap_or_default();
    outcome.log = s.log(d.service);
    outcome
}

/// The text the daemon's first answer holds, for the shell to wait for (`{pid}` as `$pid`).
fn expect(d: &Daemon) -> String {
    let text = match d.answers.first() {
        Some(Answer::Line(t) | Answer::Contains(t)) => t,
        None => "",
    };
    text.replace('"', "\\\"").replace("{pid}", "$pid")
}

/// Each daemon's outcome (all run at once, each in its own namespace), or `None` when the tests
/// are skipped (outside CI, without root or the programs).
fn outcomes() -> Option<&'static BTreeMap<&'static str, Result<Outcome, String>>> {
    static OUTCOMES: OnceLock<Option<BTreeMap<&'static str, Result<Outcome, String>>>> = OnceLock::new();
    OUTCOMES
        .get_or_init(|| {
            let binaries: Vec<&str> =
                DAEMONS.iter().filter_map(|d| Path::new(d.binary).file_name()?.to_str()).collect();
            let tools = [&["ip", "getent"][..], CLIENTS, &binaries].concat();
            if !(support::s6rc::ready() && support::tools(&tools)) {
                return None;
            }
            let scripts: Option<Vec<_>> =
                DAEMONS.iter().map(|d| support::corpus_file(&format!("alpine/{}.initd", d.corpus))).collect();
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
    assert_eq!(r.get("start"), "0", "{service}: s6-rc -u change failed\n{ctx}");
    let active: Vec<&str> = r.get("active").split_whitespace().collect();
    for unit in [service.to_string(), format!("{service}-log")] {
        assert!(active.contains(&unit.as_str()), "{service}: {unit} is not up\n{ctx}");
    }
    let pid = r.get("pid");
    assert!(pid.parse::<u32>().is_ok_and(|p| p > 0), "{service}: s6 supervises no process\n{ctx}");
    assert_eq!(r.get("users").trim(), d.user, "{service}: runs as the wrong user\n{ctx}");
    if let Some(user) = d.children {
        let children: Vec<&str> = r.get("children").split_whitespace().collect();
        assert!(
            !children.is_empty() && children.iter().all(|c| *c == user),
            "{service}: its children should all run as {user}, not {children:?}\n{ctx}"
        );
    }
    // The logger reads the pipe s6-rc set up, and the daemon writes into it: it still holds it
    // as stdout (or stderr, when the script sends stdout to a file), or it wrote through it before
    // it put its stdio on /dev/null (dnsmasq).
    let pipe = r.get("logger-stdin");
    assert!(pipe.starts_with("pipe:"), "{service}: the logger does not read a pipe\n{ctx}");
    let holds_pipe = r.get("daemon-out").split(' ').any(|fd| fd == pipe);
    assert!(holds_pipe || !o.log.trim().is_empty(), "{service}: not writing to its logger\n{ctx}");
    assert_eq!(r.get("client"), "0", "{service}: the client's request failed\n{ctx}");
    for answer in d.answers {
        let (found, what) = match answer {
            Answer::Line(l) => (o.client_output.lines().any(|x| x.trim() == l.replace("{pid}", pid)), l),
            Answer::Contains(t) => (o.client_output.contains(&t.replace("{pid}", pid)), t),
        };
        assert!(found, "{service}: the client's answer lacks `{what}`\n{ctx}");
    }
    for line in d.log {
        assert!(o.log.contains(line), "{service}: its log lacks `{line}`\n{ctx}");
    }
    assert_eq!(r.get("verify"), "0", "{service}: rc2s6 verify disagrees with the tree\n{ctx}");
    assert_eq!(r.get("pid-later"), pid, "{service}: not the same process seconds later\n{ctx}");
    assert_eq!(r.get("deaths").trim(), "0", "{service}: s6-supervise saw it die\n{ctx}");
    assert_eq!(r.get("stop"), "0", "{service}: s6-rc -d change failed\n{ctx}");
    assert_eq!(r.get("up-after-stop"), "false", "{service}: still up after the stop\n{ctx}");
    assert_eq!(r.get("pid-gone"), "yes", "{service}: its process outlived the stop\n{ctx}");
    assert_eq!(r.get("left").trim(), "", "{service}: processes of {} left after the stop\n{ctx}", d.binary);
}

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

/// Every daemon of the shared table has its test here.
#[test]
fn every_daemon_is_tested() {
    let table: Vec<&str> = DAEMONS.iter().map(|d| d.service).collect();
    assert_eq!(table, TESTED);
}
