//! The process a migrated script starts under the real OpenRC 0.63.3 + s6 2.15, compared with
//! the process the same script starts as written, under 0.63.3's start-stop-daemon: rc2s6's
//! promise is that they are the same. Both run in one namespace (`support::openrc063`), under
//! two service names: `asis` (the script as written) and `migrated` (compiled by rc2s6 into
//! /var/svc.d and migrated into /etc/init.d); the daemon's environment is read from
//! /proc/PID/environ.
//!
//! What OpenRC 0.63.3's start-stop-daemon gives its child (src/start-stop-daemon/
//! start-stop-daemon.c of ../shared/vendor/openrc-0.63.3.tar.gz; supervise-daemon.c does the
//! same): for `--user`, `USER` and `HOME` of that user (lines 505–517: `setenv("HOME",
//! pw->pw_dir)`, `setenv("USER", pw->pw_name)`); `SVCNAME` and every `RC_*`, `SSD_*`, `EINFO_*`
//! variable removed (lines 1047–1055); the rest is openrc-run's environment, exports of the
//! script and conf.d included.
//!
//! `user_and_home_are_those_of_command_user`, `openrc_variables_are_not_passed_on_0633`,
//! `a_name_set_in_conf_d_still_links_rc2s6s_directory` and
//! `verify_reports_a_conf_d_changed_since_the_compile` FAIL with rc2s6 at the time of writing.

mod support;

use std::collections::BTreeMap;

use support::openrc063::{self, Options, Sandbox};

fn sandbox() -> Option<Sandbox> {
    let p = openrc063::ready()?;
    Some(Sandbox::new(&p))
}

/// A daemon with a user and exports in the script and in conf.d.
const SCRIPT: &str = "#!/sbin/openrc-run\ncommand=/bin/sleep\ncommand_args=1000\ncommand_background=yes\npidfile=/run/${RC_SVCNAME}.pid\ncommand_user=nobody\nexport FROM_SCRIPT=yes\n";
const CONFD: &str = "export FROM_CONFD=yes\n";

/// A process's environment.
type Environ = BTreeMap<String, String>;

/// The environment of the daemon of `asis` (start-stop-daemon) and of `migrated` (rc2s6), and
/// the namespace's output.
fn environments() -> Option<(Environ, Environ, String)> {
    environments_of(SCRIPT)
}

/// [`environments`] of another script, with the same conf.d.
fn environments_of(script: &str) -> Option<(Environ, Environ, String)> {
    let s = sandbox()?;
    s.original("migrated", script, Some(CONFD));
    s.original("asis", script, Some(CONFD));
    let body = "\"$RC2S6\" \"$SANDBOX/originals/init.d/migrated\" -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile=$?\"\n\
         install -m 755 \"$SANDBOX/originals/init.d/asis\" /etc/init.d/asis\n\
         rc-service asis start; echo \"@@start-asis=$?\"\n\
         rc-service migrated start; echo \"@@start-migrated=$?\"\n\
         wait_exec migrated /bin/sleep\n\
         cp /proc/$(cat /run/asis.pid)/environ \"$SANDBOX/kept/asis.env\"\n\
         cp /proc/$(svpid migrated)/environ \"$SANDBOX/kept/migrated.env\"\n";
    let r = s.run(body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("start-asis"), "0", "{}", r.text);
    assert_eq!(r.get("start-migrated"), "0", "{}", r.text);
    let (asis, migrated) = (kept_environ(&s, "asis.env"), kept_environ(&s, "migrated.env"));
    assert!(!asis.is_empty() && !migrated.is_empty(), "{}", r.text);
    Some((asis, migrated, r.text))
}

/// A `/proc/PID/environ` the namespace copied into `$SANDBOX/kept/NAME`.
fn kept_environ(s: &Sandbox, name: &str) -> Environ {
    s.kept(name).split('\0').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Where two environments differ, one line per variable.
fn differences(
    asis: &BTreeMap<String, String>,
    migrated: &BTreeMap<String, String>,
    keys: impl Fn(&str) -> bool,
) -> String {
    let mut all: Vec<&String> = asis.keys().chain(migrated.keys()).filter(|k| keys(k)).collect();
    all.sort();
    all.dedup();
    all.into_iter()
        .filter(|k| asis.get(*k) != migrated.get(*k))
        .map(|k| format!("{k}: start-stop-daemon {:?}, rc2s6 {:?}\n", asis.get(k), migrated.get(k)))
        .collect()
}

fn is_user_home(k: &str) -> bool {
    k == "USER" || k == "HOME"
}

fn is_openrc_variable(k: &str) -> bool {
    k == "SVCNAME" || k.starts_with("RC_") || k.starts_with("SSD_") || k.starts_with("EINFO_")
}

/// Everything but USER, HOME and OpenRC's own variables is the same: the exports of the script
/// and of conf.d reach the daemon, and PATH, TERM, LANG and PWD are what start-stop-daemon's
/// child gets.
#[test]
fn exports_and_the_rest_of_the_environment_are_start_stop_daemons() {
    let Some((asis, migrated, text)) = environments() else { return };
    assert_eq!(asis.get("FROM_SCRIPT").map(String::as_str), Some("yes"), "{text}");
    assert_eq!(asis.get("FROM_CONFD").map(String::as_str), Some("yes"), "{text}");
    let diff = differences(&asis, &migrated, |k| !is_user_home(k) && !is_openrc_variable(k));
    assert!(diff.is_empty(), "the daemon's environment differs:\n{diff}");
}

/// `command_user=nobody`: start-stop-daemon sets USER=nobody and HOME=/nonexistent (nobody's
/// home in /etc/passwd); the daemon rc2s6's run starts keeps s6-svscan's USER=root HOME=/root
/// (`s6-envuidgid` + `s6-applyuidgid -Uz`, or `s6-setuidgid`, set UID/GID/GIDLIST and switch,
/// but set neither USER nor HOME).
#[test]
fn user_and_home_are_those_of_command_user() {
    let Some((asis, migrated, text)) = environments() else { return };
    assert_eq!(asis.get("USER").map(String::as_str), Some("nobody"), "{text}");
    assert_eq!(asis.get("HOME").map(String::as_str), Some("/nonexistent"), "{text}");
    let diff = differences(&asis, &migrated, is_user_home);
    assert!(diff.is_empty(), "USER and HOME differ:\n{diff}");
}

/// OpenRC 0.63.3's start-stop-daemon and supervise-daemon remove SVCNAME and every RC_*
/// variable before they exec the daemon; rc2s6's run for `--openrc 0.63.3` exports
/// RC_SERVICE, RC_SVCNAME and SVCNAME (right for 0.45, whose start-stop-daemon passes
/// RC_SVCNAME, RC_SERVICE, SVCNAME and the other RC_* variables on).
#[test]
fn openrc_variables_are_not_passed_on_0633() {
    let Some((asis, migrated, text)) = environments() else { return };
    assert!(!asis.keys().any(|k| is_openrc_variable(k)), "{text}");
    let diff = differences(&asis, &migrated, is_openrc_variable);
    assert!(diff.is_empty(), "the daemon gets OpenRC's variables start-stop-daemon removes:\n{diff}");
}

/// `name` set in conf.d, which migration cannot comment out: OpenRC 0.63.3 then looks for
/// /var/svc.d/$name (sh/s6.sh: `_s6_set_variables` sets `name="${name:-${RC_SVCNAME}}"`,
/// `_s6_have_legacy_servicedir` tests /var/svc.d/$name/run). rc2s6 writes /var/svc.d/RC_SVCNAME
/// and exits 0, so OpenRC generates its own directory from the empty `command` and the daemon
/// never runs. Either the migrated service must run rc2s6's daemon, or rc2s6 must refuse.
#[test]
fn a_name_set_in_conf_d_still_links_rc2s6s_directory() {
    let Some(s) = sandbox() else { return };
    s.original(
        "cfname",
        "#!/sbin/openrc-run\ncommand=/bin/sleep\ncommand_args=1001\ncommand_background=yes\npidfile=/run/cfname.pid\n",
        Some("name=fromconf\n"),
    );
    let body = "\"$RC2S6\" \"$SANDBOX/originals/init.d/cfname\" -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never > \"$SANDBOX/kept/compile.out\" 2>&1; echo \"@@compile=$?\"\n\
         [ -e /etc/init.d/cfname ] && echo @@migrated=yes || echo @@migrated=no\n\
         rc-service cfname start > \"$SANDBOX/kept/start.out\" 2>&1; echo \"@@start=$?\"\n\
         sleep 1\n\
         echo \"@@scan=$(for l in /run/openrc/s6-scan/*; do [ -L \"$l\" ] && printf '%s -> %s ' \"${l##*/}\" \"$(readlink \"$l\")\"; done)\"\n\
         echo \"@@sleeping=$(pgrep -x -f '/bin/sleep 1001' | wc -l)\"\n";
    let r = s.run(body, Options::default());
    let compile = s.kept("compile.out");
    if r.get("compile") != "0" {
        // A refusal: located, and nothing migrated.
        assert!(compile.contains("conf.d/cfname"), "a refusal names the conf.d line:\n{compile}");
        assert_eq!(r.get("migrated"), "no", "{compile}");
        return;
    }
    assert_eq!(r.get("migrated"), "yes", "{compile}");
    let scan = r.get("scan");
    assert!(
        scan.contains("-> /var/svc.d/") && r.get("sleeping") == "1",
        "OpenRC 0.63.3 did not run rc2s6's service directory: links `{scan}`, {} daemon(s)\n{compile}\n{}",
        r.get("sleeping"),
        s.kept("start.out")
    );
}

/// After conf.d changes, start-stop-daemon runs the new arguments at the next start; the
/// service directory rc2s6 compiled still holds the old ones until rc2s6 runs again (as the
/// migrated script's comment says). The manifest records the sha256 of every source (script and
/// conf.d), so verify can tell the directory no longer matches them; today it exits 0 and the
/// daemon silently keeps the old configuration.
#[test]
fn verify_reports_a_conf_d_changed_since_the_compile() {
    let Some(s) = sandbox() else { return };
    s.original(
        "stale",
        "#!/sbin/openrc-run\ncommand=/bin/sleep\ncommand_args=\"${SLEEP_ARGS}\"\ncommand_background=yes\npidfile=/run/stale.pid\n",
        Some("SLEEP_ARGS=1111\n"),
    );
    let body = "\"$RC2S6\" \"$SANDBOX/originals/init.d/stale\" -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile=$?\"\n\
         \"$RC2S6\" verify /etc/init.d/stale -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --color never > \"$SANDBOX/kept/before.out\" 2>&1; echo \"@@before=$?\"\n\
         echo SLEEP_ARGS=2222 > /etc/conf.d/stale\n\
         \"$RC2S6\" verify /etc/init.d/stale -o /var/svc.d --conf-dir /etc/conf.d --no-rc-conf --openrc \"$OPENRC\" --color never > \"$SANDBOX/kept/after.out\" 2>&1; echo \"@@after=$?\"\n\
         rc-service stale start; echo \"@@start=$?\"\n\
         wait_exec stale /bin/sleep\n\
         echo \"@@argv=$(tr '\\0' ' ' < /proc/$(svpid stale)/cmdline)\"\n";
    let r = s.run(body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("before"), "0", "{}", s.kept("before.out"));
    // The daemon runs what conf.d said at compile time.
    assert_eq!(r.get("argv").trim(), "/bin/sleep 1111", "{}", r.text);
    assert_eq!(
        r.get("after"),
        "1",
        "verify did not notice that conf.d changed since the compile:\n{}",
        s.kept("after.out")
    );
    assert!(s.kept("after.out").contains("/etc/conf.d/stale"), "{}", s.kept("after.out"));
}

/// `${umask+--umask} $umask` and `${output_log+--stdout} $output_log` (sh/start-stop-daemon.sh
/// of 0.63.3): set but empty, each still passes its option, which takes the next word of the
/// line for its value. Under the real 0.63.3 neither starts (`umask=`: "invalid mode
/// `--background'"; `output_log=`: `--pidfile` becomes the log file, then "--make-pidfile is only
/// relevant with --pidfile"), so rc2s6 refuses both at the assignment (exit 1, nothing written).
#[test]
fn a_flag_variable_set_but_empty_is_refused_as_openrc_garbles_it() {
    let Some(s) = sandbox() else { return };
    let script = |extra: &str| {
        format!(
            "#!/sbin/openrc-run\ncommand=@TESTD@\ncommand_args=1000\ncommand_background=yes\npidfile=/run/${{RC_SVCNAME}}.pid\n{extra}\n"
        )
    };
    s.original("emptyumask", &script("umask="), None);
    s.original("emptylog", &script("directory=/tmp\noutput_log=\"\""), None);
    let body = "install -m 755 \"$SANDBOX/originals/init.d/emptyumask\" /etc/init.d/emptyumask\n\
         install -m 755 \"$SANDBOX/originals/init.d/emptylog\" /etc/init.d/emptylog\n\
         rc-service emptyumask start; rc=$?; echo; echo \"@@start-emptyumask=$rc\"\n\
         rc-service emptylog start; rc=$?; echo; echo \"@@start-emptylog=$rc\"\n\
         \"$RC2S6\" \"$SANDBOX/originals/init.d/emptyumask\" \"$SANDBOX/originals/init.d/emptylog\" -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --color never; echo \"@@compile=$?\"\n\
         ls -A /var/svc.d | tr '\\n' ' ' | sed 's/^/@@svc=/'; echo\n";
    let r = s.run(body, Options::default());
    assert_ne!(r.get("start-emptyumask"), "0", "OpenRC 0.63.3 takes `--background` for the umask:\n{}", r.text);
    assert_ne!(r.get("start-emptylog"), "0", "OpenRC 0.63.3 takes `--pidfile` for the log file:\n{}", r.text);
    assert!(r.text.contains("--make-pidfile is only relevant with --pidfile"), "{}", r.text);
    assert_eq!(r.get("compile"), "1", "{}", r.text);
    // The label repeats the reason on one line, whatever the width the message is wrapped at.
    for flag in ["--umask", "--stdout"] {
        let said = format!("it is set but empty: start-stop-daemon still gets `{flag}`, which takes the next word");
        assert!(r.text.contains(&said), "{said}\n{}", r.text);
    }
    assert!(!r.get("svc").contains("emptyumask") && !r.get("svc").contains("emptylog"), "{}", r.text);
}

/// A daemon start() runs itself gets openrc-run's RC_RUNLEVEL and RC_DEFAULTLEVEL, which
/// openrc-run reads as it starts from /run/openrc/softlevel and /run/openrc/krunlevel
/// (env_config(), src/shared/misc.c at 0.63.3); the run script reads the same files as the
/// daemon starts. Values no built-in default has, so a fixed value could not pass.
#[test]
fn a_daemon_start_runs_itself_gets_the_runlevels_openrc_run_reads() {
    let Some(s) = sandbox() else { return };
    let script = "#!/sbin/openrc-run\ncommand=@TESTD@\nstart() {\n\t$command \"$RC_SVCNAME\" &\n}\n";
    s.original("migrated", script, None);
    s.original("asis", script, None);
    let body = "\"$RC2S6\" \"$SANDBOX/originals/init.d/migrated\" -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile=$?\"\n\
         install -m 755 \"$SANDBOX/originals/init.d/asis\" /etc/init.d/asis\n\
         echo \"@@softlevel=$(cat /run/openrc/softlevel)\"\n\
         printf 'nonetwork\\nsecond line\\n' > /run/openrc/softlevel\n\
         printf 'later\\n' > /run/openrc/krunlevel\n\
         rc-service asis start; echo \"@@start-asis=$?\"\n\
         rc-service migrated start; echo \"@@start-migrated=$?\"\n\
         wait_script migrated @TESTD@ || echo @@waited=no\n\
         for i in $(seq 300); do pid=$(pgrep -f 'rc2s6-testd asis' | head -n 1); [ -n \"$pid\" ] && break; sleep 0.1; done\n\
         cp /proc/$pid/environ \"$SANDBOX/kept/asis.env\"\n\
         cp /proc/$(svpid migrated)/environ \"$SANDBOX/kept/migrated.env\"\n";
    let r = s.run(&s.fill(body), Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_eq!(r.get("start-asis"), "0", "{}", r.text);
    assert_eq!(r.get("start-migrated"), "0", "{}", r.text);
    assert!(!r.text.contains("@@waited=no"), "s6 did not start the daemon:\n{}", r.text);
    let (asis, migrated) = (kept_environ(&s, "asis.env"), kept_environ(&s, "migrated.env"));
    assert_eq!(asis.get("RC_RUNLEVEL").map(String::as_str), Some("nonetwork"), "{}", r.text);
    assert_eq!(asis.get("RC_DEFAULTLEVEL").map(String::as_str), Some("later"), "{}", r.text);
    let diff = differences(&asis, &migrated, |k| k == "RC_RUNLEVEL" || k == "RC_DEFAULTLEVEL");
    assert!(diff.is_empty(), "the daemon's runlevels differ:\n{diff}");
}

/// `--env NAME` without `=`: start-stop-daemon hands it to putenv(), which removes NAME (glibc
/// and musl alike), so the daemon lacks a variable the script exported, and one openrc-run's own
/// environment has (`TERM`, `LANG`). rc2s6 gave it `NAME=` (empty) instead.
#[test]
fn an_env_option_without_a_value_unsets_the_variable() {
    let script =
        format!("{SCRIPT}export DROPPED=yes\nstart_stop_daemon_args=\"--env DROPPED --env FROM_CONFD --env LANG\"\n");
    let Some((asis, migrated, text)) = environments_of(&script) else { return };
    assert_eq!(asis.get("FROM_SCRIPT").map(String::as_str), Some("yes"), "{text}");
    for gone in ["DROPPED", "FROM_CONFD", "LANG"] {
        assert_eq!(asis.get(gone), None, "start-stop-daemon removed {gone}: {text}");
    }
    let diff = differences(&asis, &migrated, |k| !is_user_home(k) && !is_openrc_variable(k));
    assert!(diff.is_empty(), "the daemon's environment differs:\n{diff}");
}

/// `PATH=…` without `export`: PATH is in openrc-run's environment, so the shell exports it, and
/// start-stop-daemon hands it on less `RC_LIBEXECDIR/bin` and `/sbin` (start-stop-daemon.c:1058
/// at 0.63.3). rc2s6 left the daemon s6-svscan's PATH, as if the script had not changed it.
#[test]
fn path_assigned_without_export_reaches_the_daemon() {
    let script = format!("{SCRIPT}PATH=/opt/rc2s6-test/bin:$PATH\n");
    let Some((asis, migrated, text)) = environments_of(&script) else { return };
    let path = asis.get("PATH").cloned().unwrap_or_default();
    assert!(path.starts_with("/opt/rc2s6-test/bin:"), "start-stop-daemon's PATH: {path}\n{text}");
    assert!(!path.contains("/usr/libexec/rc/"), "start-stop-daemon removes its own directories: {path}");
    let diff = differences(&asis, &migrated, |k| !is_user_home(k) && !is_openrc_variable(k));
    assert!(diff.is_empty(), "the daemon's environment differs:\n{diff}");
}
