//! The daemon's steps on small scripts: each `check` loads a conf.d and a script (service
//! `svc`), finds the launch as the model does, builds the daemon, and compares the daemon's
//! settings (see `testing::daemon`), then the steps' diagnostics and decisions, in their order.
//! A daemon table entry's citation is written `(source)`.

use super::*;
use crate::model::launch::{self, Found};
use crate::model::testing::{self, decision, diagnostic, files, prepare};
use crate::openrc::daemon_table;

/// The launch as the model finds it in a prepared service, with the built-in daemon table.
fn find_launch(p: &mut testing::Prepared, texts: &[&str]) -> Found {
    launch::find(
        &mut p.interp,
        p.traces.start.clone(),
        Some(&p.traces.stop_run),
        &mut p.service,
        Texts::new(texts),
        daemon_table::DaemonTable::builtin(),
    )
}

/// The daemon step's result for a conf.d and a script (service `svc`), the launch found as the
/// model finds it.
fn built(confd: &str, script: &str, options: &ModelOptions) -> DaemonBuild {
    let files = files(confd, &format!("#!/sbin/openrc-run\n{script}"));
    let mut p = prepare(&files.inputs());
    let texts = files.texts();
    let found = find_launch(&mut p, &texts);
    let Found::Launch(launch, shell) =
        crate::model::after_start_pre(found, p.traces.start_pre.as_ref(), &mut p.service)
    else {
        panic!("the test script launches a daemon:\n{script}");
    };
    let inputs = DaemonInputs {
        env: &p.interp.env,
        fallback: p.script_loc,
        options,
        launch: &launch,
        shell_settings: &shell,
        stop_call: p.traces.stop_call.as_ref(),
        stop_by_backend: p.traces.stop_by_backend,
        texts: Texts::new(&texts),
    };
    build(&inputs)
}

fn render(confd: &str, script: &str, options: &ModelOptions) -> Vec<String> {
    let build = built(confd, script, options);
    let mut out = match &build.built {
        Built::Daemon(d) => testing::daemon(d),
        Built::RunsOnce => vec!["runs once".into()],
        Built::Refused => vec!["refused".into()],
    };
    out.extend(build.report.diagnostics.iter().map(diagnostic));
    out.extend(build.report.decisions.iter().map(decision));
    let sources = daemon_table::table().iter().map(|e| format!("({})", e.source));
    sources.fold(out, |out, s| out.into_iter().map(|l| l.replace(&s, "(source)")).collect())
}

#[track_caller]
fn check_confd(confd: &str, script: &str, expect: &[&str]) {
    assert_eq!(render(confd, script, &ModelOptions::default()), expect, "conf.d:\n{confd}\nscript:\n{script}");
}

#[track_caller]
fn check(script: &str, expect: &[&str]) {
    check_confd("", script, expect);
}

/// The decision every daemon that says it does not fork gets.
const BACKGROUND: &str = "decision foreground: command_background=yes: it does not fork itself";

#[test]
fn command_line_from_the_variables() {
    check(
        "command=/usr/bin/foo\ncommand_args=\"-a 'b c'\"\ncommand_args_foreground=-f",
        &["argv: /usr/bin/foo -a b c -f", "decision foreground: command_args_foreground keeps it in the foreground"],
    );
    check(
        "command=/usr/bin/foo\ncommand_args='${RC_SVCNAME}.conf'\ncommand_background=yes",
        &["argv: /usr/bin/foo svc.conf", BACKGROUND],
    );
    check(
        "command=/usr/bin/foo\ncommand_args=\"$(uname -r)\"\ncommand_background=yes",
        &[
            "refused",
            "error unknowable_value: `command_args` cannot be known without running the script: a command substitution only runs when OpenRC starts the service",
        ],
    );
    check(
        "command=/usr/bin/foo\ncommand_args='-x > /tmp/log'\ncommand_background=yes",
        &[
            "refused",
            "error eval_syntax: `command_args` holds shell syntax that `eval` would run: a redirection [assigned here]",
        ],
    );
    check(
        "command=/usr/bin/foo\ncommand_args='/etc/foo/*.conf'\ncommand_background=yes",
        &[
            "argv: /usr/bin/foo /etc/foo/*.conf",
            "warning glob_in_argv: `/etc/foo/*.conf` is a glob that OpenRC expands against the filesystem when it starts the daemon [pathname expansion happens here at run time]",
            BACKGROUND,
        ],
    );
    check(
        "command=/usr/bin/foo\ncommand_args=\"$FOO\"\ncommand_background=yes",
        &[
            "argv: /usr/bin/foo",
            "warning unset_variable: `FOO` is not set by rc.conf, conf.d or the script; it expands to an empty string [expands to nothing]",
            BACKGROUND,
        ],
    );
}

#[test]
fn command_line_from_a_call_in_start() {
    check(
        "start() { start-stop-daemon --start --background --exec /usr/bin/foo --name foo-d -- -v; }",
        &[
            "argv: /usr/bin/foo -v",
            "argv0: foo-d",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision arguments: argv[0] is `foo-d`, as start-stop-daemon --name/--startas sets it",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
    check(
        "start() { start-stop-daemon --start --background --pidfile $(cat /x) --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
    // Words between the options go to the daemon, before those after `--` (issue 11, bug 4).
    check(
        "command=/usr/bin/lapis\ncommand_args='server production'\nstart() { start-stop-daemon --start --exec ${command} ${command_args} -b -m --pidfile /run/l.pid -- -v; }",
        &[
            "argv: /usr/bin/lapis server production -v",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
    // The last `--exec` is the program (bug 30: do-agent's `start_stop_daemon_args="--exec $RC_SVCNAME"`).
    check(
        "command=/usr/bin/foo\ncommand_args=-x\ncommand_background=yes\nstart_stop_daemon_args='--exec foo-daemon extra'",
        &["argv: foo-daemon extra -x", BACKGROUND],
    );
    check(
        "start() { start-stop-daemon --start --background; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: the call names no program to run",
        ],
    );
    check(
        "start() { start-stop-daemon --start --exec $DAEMON -- -f; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: the program it names is `--`, an option: a variable before it expands to nothing",
        ],
    );
    check(
        "start() { supervise-daemon svc --start --notify fd:4 /usr/bin/foo -- -x; }",
        &[
            "argv: /usr/bin/foo -x",
            "notification-fd: 4",
            "decision launch: compiled from the supervise-daemon call in start()",
            "decision readiness: notify=fd:4: notification-fd 4",
            "decision foreground: supervise-daemon runs it: it stays in the foreground",
        ],
    );
}

#[test]
fn argv0_and_options_without_an_equivalent() {
    check(
        "command=/usr/bin/foo\nprocname=foo-daemon\ncommand_background=yes",
        &[
            "argv: /usr/bin/foo",
            "argv0: foo-daemon",
            "decision arguments: argv[0] is `foo-daemon`, as start-stop-daemon --name/--startas sets it",
            BACKGROUND,
        ],
    );
    check(
        "command=/usr/bin/foo\nstart_stop_daemon_args='--ionice 2 --wait 100 --frobnicate'\ncommand_background=yes",
        &[
            "argv: /usr/bin/foo",
            "warning unsupported_setting: `--ionice` has no s6 equivalent and is not carried over [dropped]",
            "warning unsupported_setting: `--frobnicate` has no s6 equivalent and is not carried over [dropped]",
            BACKGROUND,
        ],
    );
}

#[test]
fn the_daemon_table_decides_what_is_not_a_daemon() {
    check(
        "command=/usr/bin/sensors\ncommand_args=-s",
        &[
            "runs once",
            "decision kind: oneshot: `sensors -s` does its work and exits, and OpenRC waits for it (source)",
        ],
    );
    check(
        "command=/usr/bin/pg_ctl\ncommand_args='start -D /var/lib/pg'",
        &[
            "refused",
            "error control_program: `pg_ctl start` starts a daemon that then runs on its own, and exits: s6 cannot supervise that daemon [a control program, not the daemon (source)]",
        ],
    );
    // Not known exactly: the entry decides nothing.
    check(
        "command=/usr/bin/sensors\ncommand_args=\"-s $(x)\"",
        &[
            "refused",
            "error unknowable_value: `command_args` cannot be known without running the script: a command substitution only runs when OpenRC starts the service",
        ],
    );
}

#[test]
fn user_and_group() {
    let c = |vars: &str, expect: &[&str]| {
        let refused = expect.first().is_some_and(|l| l.starts_with("error"));
        let mut lines = vec![if refused { "refused" } else { "argv: /usr/bin/foo" }];
        lines.extend(expect);
        // Every step runs, the foreground one too, whatever an earlier one refused.
        lines.push(BACKGROUND);
        check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), &lines);
    };
    // `--user` sets USER and HOME (start-stop-daemon.c:498-503 at 0.45.2).
    c("command_user=nobody:nogroup", &["env: USER=nobody", "user: nobody:nogroup", "HOME of: nobody"]);
    c("start_stop_daemon_args='--user foo --group bar'", &["env: USER=foo", "user: foo:bar", "HOME of: foo"]);
    // `--group` alone: the group, nothing else (no initgroups, no USER/HOME).
    c("start_stop_daemon_args='-g bar'", &["user: root:bar (the group only)"]);
    c(
        "export USER=me HOME=/x\nstart_stop_daemon_args='-g bar'",
        &["env: HOME=/x USER=me", "user: root:bar (the group only)"],
    );
    c("export USER=me HOME=/x\ncommand_user=foo", &["env: USER=foo", "user: foo", "HOME of: foo"]);
    // Options are read in order: `--env` after `--user` wins, before it loses; command_user's
    // `--user` comes before the options (git-daemon: `--chuid nobody -e HOME=`).
    c("start_stop_daemon_args='--chuid nobody -e HOME= -e USER=x'", &["env: HOME= USER=x", "user: nobody"]);
    c(
        "start_stop_daemon_args='-e HOME=/h -e USER=x --user nobody'",
        &["env: USER=nobody", "user: nobody", "HOME of: nobody"],
    );
    c("command_user=nobody\nstart_stop_daemon_args='-e HOME=/h'", &["env: HOME=/h USER=nobody", "user: nobody"]);
    // `--env NAME` without `=` unsets NAME (putenv() of glibc and musl), in order with `--user`.
    c(
        "export A=1\ncommand_user=nobody\nstart_stop_daemon_args='-e A -e HOME -e PATH'",
        &["env: USER=nobody", "unexport: A HOME PATH", "user: nobody"],
    );
    c("e=\nstart_stop_daemon_args=\"--env $e\"", &[]);
    c(
        "start_stop_daemon_args='-e USER -e A=1 --user nobody -e A'",
        &["env: USER=nobody", "unexport: A", "user: nobody", "HOME of: nobody"],
    );
    c("start_stop_daemon_args='-u a -e HOME=/h -u b'", &["env: USER=b", "user: b", "HOME of: b"]);
    // start-stop-daemon looks the empty user name up, and fails.
    c(
        "command_user=:grp",
        &[
            "error invalid_value: `command_user` has a value OpenRC cannot use: an empty user name, which start-stop-daemon looks up and fails on",
        ],
    );
    c(
        "command_user=:",
        &[
            "error invalid_value: `command_user` has a value OpenRC cannot use: an empty user name, which start-stop-daemon looks up and fails on",
        ],
    );
    // A number is looked up at start (`users_looked_up_at_start`); `user:` looks up the empty
    // group name and fails (measured with OpenRC 0.63.3's start-stop-daemon and supervise-daemon).
    c(
        "command_user=daemon:",
        &[
            "error invalid_value: `command_user` has a value OpenRC cannot use: an empty group name after `:`, which start-stop-daemon looks up and fails on",
        ],
    );
    // Set but empty, or an option taken for the user: start-stop-daemon fails (issue 11, bug 13).
    check(
        "command=/usr/bin/foo\ncommand_background=yes\ncommand_user=\"${VBOX_USER}\"",
        &[
            "refused",
            "warning unset_variable: `VBOX_USER` is not set by rc.conf, conf.d or the script; it expands to an empty string [expands to nothing]",
            "error invalid_value: `command_user` has a value OpenRC cannot use: it is empty because `VBOX_USER` is not set: start-stop-daemon takes the next word for the user and fails",
            BACKGROUND,
        ],
    );
    check(
        "start() { start-stop-daemon --start -b --chuid ${VBOX_USER} --pidfile /run/v.pid --exec /usr/bin/foo; }",
        &[
            "refused",
            "error invalid_value: `--user` has a value OpenRC cannot use: its value is `--pidfile`, an option: the word before it expands to nothing, so start-stop-daemon takes the next option for the user and fails",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
    c(
        "command_user='a b'",
        &["error invalid_value: `command_user` has a value OpenRC cannot use: `a b` is not an account name"],
    );
}

/// A daemon the hand-checked table keeps in the foreground with an option detaches without it,
/// whatever the script says: start-stop-daemon `--background` or `command_background` do not
/// stop nvidia-persistenced or tor from forking, and start-stop-daemon reads the pidfile the
/// daemon writes, so OpenRC works either way. A generated entry (matched by basename only)
/// does not outweigh the script: its `keyd` is another program.
#[test]
fn the_table_outweighs_the_scripts_word_that_a_daemon_does_not_fork() {
    check(
        "start() { start-stop-daemon --start --background --exec /usr/bin/nvidia-persistenced; }",
        &[
            "argv: /usr/bin/nvidia-persistenced --foreground",
            "advice foreground_from_table: `nvidia-persistenced`: added `--foreground`, from rc2s6's table of daemons [kept in the foreground]",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: nvidia-persistenced: added `--foreground` (source)",
        ],
    );
    check(
        "command=/usr/bin/tor\ncommand_background=yes",
        &[
            "argv: /usr/bin/tor --RunAsDaemon 0",
            "advice foreground_from_table: `tor`: added `--RunAsDaemon 0`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: tor: added `--RunAsDaemon 0` (source)",
        ],
    );
    check("command=/usr/bin/keyd\ncommand_background=yes", &["argv: /usr/bin/keyd", BACKGROUND]);
    // supervise-daemon would restart a daemon that forks under OpenRC too: the script's word
    // has been tried there.
    check(
        "supervisor=supervise-daemon\ncommand=/usr/bin/tor",
        &["argv: /usr/bin/tor", "decision foreground: supervisor=supervise-daemon: it stays in the foreground"],
    );
    check(
        "command=/usr/sbin/slapd\ncommand_args=-d0\ncommand_background=yes",
        &["argv: /usr/sbin/slapd -d0", BACKGROUND],
    );
}

/// A program start() runs itself gets openrc-run's environment whatever the release: 0.63.3's
/// start-stop-daemon would strip `RC_*` and `SVCNAME`, its shell does not (issue 11, bug 35).
#[test]
fn a_direct_call_gets_openrc_runs_environment_whatever_the_release() {
    let target = ModelOptions {
        target: crate::openrc::version::OpenrcVersion::parse("0.63.3").unwrap(),
        ..ModelOptions::default()
    };
    let Built::Daemon(d) = built("", "command=/usr/bin/foo\nstart() { $command & }", &target).built else {
        panic!("a daemon")
    };
    let env = d.env;
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("RC_SVCNAME"), Some("svc"));
    assert_eq!(get("SVCNAME"), Some("svc"));
    assert_eq!(get("RC_LIBEXECDIR"), Some("/usr/libexec/rc"));
    assert_eq!(get("RC_CACHEDIR"), Some("/var/cache/rc"));
    assert_eq!(get("RC_VERSION"), Some("0.63.3"));
    assert_eq!(get("RC_RUNLEVEL"), None);
}

/// `--nicelevel` is an absolute level for every target; from 0.46 OpenRC also writes it to the
/// daemon's autogroup (commit 112b6986).
#[test]
fn nice_level_by_release() {
    let target = |v: &str| ModelOptions {
        target: crate::openrc::version::OpenrcVersion::parse(v).unwrap(),
        ..ModelOptions::default()
    };
    let script = "command=/usr/bin/foo\ncommand_background=yes\nstart_stop_daemon_args='--nicelevel -5'";
    assert_eq!(render("", script, &target("0.45.2")), ["argv: /usr/bin/foo", "nice: -5", BACKGROUND]);
    assert_eq!(
        render("SSD_NICELEVEL=19", "command=/usr/bin/foo\ncommand_background=yes", &target("0.63.3")),
        ["argv: /usr/bin/foo", "nice: 19 (and its autogroup)", BACKGROUND]
    );
}

#[test]
fn directories_umask_nice_and_limits() {
    let c =
        |vars: &str, expect: &[&str]| check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), expect);
    c(
        "directory=var/lib/foo\nchroot=/srv",
        &[
            "refused",
            "error unconvertible_setting: `chroot` cannot be expressed in an s6 service directory: with `directory` as well, the daemon must change directory inside the new root, and no s6 program exists there to do it",
            BACKGROUND,
        ],
    );
    c(
        "directory=var/lib/foo\nchroot=srv\nstart_stop_daemon_args=--chdir=",
        &[
            "refused",
            "error unconvertible_setting: `chroot` cannot be expressed in an s6 service directory: with `directory` as well, the daemon must change directory inside the new root, and no s6 program exists there to do it",
            BACKGROUND,
        ],
    );
    c(
        "directory=var/lib/foo",
        &[
            "argv: /usr/bin/foo",
            "directory: /var/lib/foo",
            "decision directory: relative directory made absolute: /var/lib/foo",
            BACKGROUND,
        ],
    );
    c(
        "chroot=/srv\numask=27\nSSD_NICELEVEL=5",
        &["argv: /usr/bin/foo", "chroot: /srv", "umask: 027", "nice: 5", BACKGROUND],
    );
    c(
        "umask=abc\nSSD_NICELEVEL=30",
        &[
            "refused",
            "error invalid_value: `umask` has a value OpenRC cannot use: `abc` is not an octal mask",
            "error invalid_value: `--nicelevel` has a value OpenRC cannot use: `30` is not a nice level",
            BACKGROUND,
        ],
    );
    c(
        "rc_ulimit='-n 1024 -H -c unlimited'",
        &["argv: /usr/bin/foo", "limits: -o1024 (Both) -c18446744073709551615 (Hard)", BACKGROUND],
    );
    c(
        "rc_ulimit='-x 5'",
        &[
            "refused",
            "error unconvertible_setting: `rc_ulimit` cannot be expressed in an s6 service directory: `-x` has no s6-softlimit equivalent",
            BACKGROUND,
        ],
    );
}

#[test]
fn what_start_sets_up_before_the_launch() {
    let start =
        |body: &str| format!("command=/usr/bin/foo\ncommand_background=yes\nstart() {{\n{body}\n\tdefault_start\n}}");
    // start-stop-daemon sets the daemon's umask (022 without --umask): the shell's is not its.
    check(
        &start("\tulimit -n 4096\n\tumask 077\n\tcd /var/lib/foo"),
        &[
            "argv: /usr/bin/foo",
            "env: OLDPWD=/ PWD=/var/lib/foo",
            "directory: /var/lib/foo",
            "limits: -o4096 (Both)",
            "decision limits: openrc-run's shell runs `ulimit -n 4096` before the launch",
            "decision umask: the shell's `umask 077` is not the daemon's: start-stop-daemon and supervise-daemon set the daemon's own",
            BACKGROUND,
        ],
    );
    check(
        &format!("umask=022\n{}", start("\tumask 077\n\tumask 007")),
        &[
            "argv: /usr/bin/foo",
            "umask: 022",
            "decision umask: the shell's `umask 007` is not the daemon's: start-stop-daemon and supervise-daemon set the daemon's own",
            BACKGROUND,
        ],
    );
    // A daemon the shell runs itself keeps the shell's last umask; `cd` goes from where the last
    // one left, and a relative one from openrc-run's `/`.
    check(
        "command=/usr/bin/foo\nstart() {\n\tumask 077\n\tumask 007\n\tcd var/lib\n\tcd ../log/./foo\n\t/usr/bin/foo &\n}",
        &[
            "argv: /usr/bin/foo",
            // openrc-run's own variables, which only start-stop-daemon and supervise-daemon
            // filter out (issue 11, bug 35).
            "env: OLDPWD=/var/lib PATH=/lib/rc/sbin:/lib/rc/bin:/bin:/sbin:/bin:/sbin:/usr/bin:/usr/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin PWD=/var/log/foo RC_BOOTLEVEL=boot RC_CMD=start RC_LIBEXECDIR=/lib/rc RC_SVCDIR=/run/openrc RC_TMPDIR=/run/openrc/tmp RC_UNAME=Linux RC_VERSION=0.45.2",
            // openrc-run's shell has no USER and HOME to hand on (issue 11, bug 35).
            "unexport: HOME USER",
            // Read from OpenRC's files as openrc-run's env_config() reads them, at each start.
            "read at start: RC_DEFAULTLEVEL</run/openrc/krunlevel (missing: default) RC_RUNLEVEL</run/openrc/softlevel (missing: sysinit, or empty)",
            "directory: /var/log/foo",
            "umask: 007",
            // `&` in a shell without job control (POSIX XCU 2.11).
            "signals: SIGINT and SIGQUIT ignored",
            "decision launch: compiled from the direct call in start()",
            "decision environment: started by start() itself, the daemon gets openrc-run's environment as OpenRC 0.45.2 sets it, RC_RUNLEVEL and RC_DEFAULTLEVEL read from /run/openrc/softlevel and /run/openrc/krunlevel as it starts, as openrc-run reads them; but not RC_SYS (set by OpenRC only in a container or virtual machine it detects), RC_OPENRC_PID and RC_RUNSCRIPT_PID (openrc-run's own processes, gone under s6)",
            "decision foreground: the start() call sends it to the background with `&`: it does not fork itself",
        ],
    );
    // What start_pre() assigns to the daemon's variables counts; a value only known at start is
    // refused where it is made (issue 11, bug 27: redis's `directory=$(config_get dir …)`).
    check(
        "command=/usr/bin/foo\ncommand_background=yes\nstart_pre() { directory=$(awk '/^dir/' /etc/foo.conf); }",
        &[
            // The error makes the service not converted (`model::classify`).
            "argv: /usr/bin/foo",
            "error unknowable_value: `directory` cannot be known without running the script: a command substitution only runs when OpenRC starts the service",
            BACKGROUND,
        ],
    );
    check(
        "command=/usr/bin/foo\ncommand_background=yes\ncommand_args=-v\nstart_pre() { directory=/srv; unset command_args; }",
        // (`start_pre_assignment` says what was compiled in, on the service.)
        &["argv: /usr/bin/foo", "directory: /srv", BACKGROUND],
    );
    // start_pre() runs in the same shell, before start(); `--chdir` still wins.
    check(
        "command=/usr/bin/foo\ncommand_background=yes\ndirectory=/srv\nstart_pre() { cd /tmp; ulimit -c 0; }\nstart() { cd /var; default_start; }",
        &[
            "argv: /usr/bin/foo",
            "env: OLDPWD=/tmp PWD=/var",
            "directory: /srv",
            "limits: -c0 (Both)",
            "decision limits: openrc-run's shell runs `ulimit -c 0` before the launch",
            BACKGROUND,
        ],
    );
    check(
        &start("\t[ -f /x ] && ulimit -n 10\n\tumask 9\n\tcd"),
        &[
            "refused",
            "error unconvertible_setting: `ulimit -n 10` cannot be expressed in an s6 service directory: openrc-run's shell runs it only under a condition rc2s6 cannot decide",
            "error invalid_value: `umask` has a value OpenRC cannot use: `9` is not an octal mask",
            "error unconvertible_setting: `cd` cannot be expressed in an s6 service directory: `cd` alone goes to `HOME`, which is only known at run time",
            BACKGROUND,
        ],
    );
}

#[test]
fn redirections_and_loggers() {
    let c =
        |vars: &str, expect: &[&str]| check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), expect);
    // OpenRC 0.45's start-stop-daemon.sh has no `--stdin`: input_file is not passed.
    c(
        "output_log=/var/log/foo.log\nerror_log=log/err\ninput_file=/dev/null",
        &[
            "argv: /usr/bin/foo",
            "stdout: /var/log/foo.log",
            "stderr: /log/err",
            "decision input_file: input_file left out: OpenRC 0.45.2's start-stop-daemon.sh does not pass it",
            BACKGROUND,
        ],
    );
    // 0.63.3's passes it (`${input_file+--stdin} $input_file`).
    let newer = ModelOptions {
        target: crate::openrc::version::OpenrcVersion::parse("0.63").expect("0.63"),
        ..Default::default()
    };
    assert_eq!(
        render("", "command=/usr/bin/foo\ncommand_background=yes\ninput_file=/dev/null", &newer),
        ["argv: /usr/bin/foo", "stdin: /dev/null", BACKGROUND]
    );
    // The paths as the backend's `eval` makes them: quotes and `\ ` removed; a space, a `;`,
    // an unbalanced quote or a `$(…)` refused.
    c(
        r#"directory='"/srv/my app"'
output_log=/var/log/my\\\ app.log"#,
        &["argv: /usr/bin/foo", "directory: /srv/my app", "stdout: /var/log/my app.log", BACKGROUND],
    );
    // Empty because what it is built from is unset: no directory, as `${directory:+--chdir}`.
    c(
        "directory=\"${NODIR}\"",
        &[
            "argv: /usr/bin/foo",
            "warning unset_variable: `NODIR` is not set by rc.conf, conf.d or the script; it expands to an empty string [expands to nothing]",
            BACKGROUND,
        ],
    );
    // `${output_log+--stdout} $output_log`: set but empty still passes the option, which takes the
    // next word for its value (`+`, unlike `directory`'s `:+`).
    c(
        "output_log=\"${NOLOG}\"",
        &[
            "refused",
            "warning unset_variable: `NOLOG` is not set by rc.conf, conf.d or the script; it expands to an empty string [expands to nothing]",
            "error invalid_value: `output_log` has a value OpenRC cannot use: it is empty because `NOLOG` is not set: start-stop-daemon still gets `--stdout`, which takes the next word of its command line for its value",
            BACKGROUND,
        ],
    );
    c(
        "umask=",
        &[
            "refused",
            "error invalid_value: `umask` has a value OpenRC cannot use: it is set but empty: start-stop-daemon still gets `--umask`, which takes the next word of its command line for its value",
            BACKGROUND,
        ],
    );
    // 0.45's start-stop-daemon.sh does not pass input_file at all; 0.63.3's does, as `+`.
    c("input_file=", &["argv: /usr/bin/foo", BACKGROUND]);
    assert_eq!(
        render("", "command=/usr/bin/foo\ncommand_background=yes\ninput_file=", &newer)[..2],
        [
            "refused",
            "error invalid_value: `input_file` has a value OpenRC cannot use: it is set but empty: start-stop-daemon still gets `--stdin`, which takes the next word of its command line for its value"
        ]
    );
    assert_eq!(
        render("", "command=/usr/bin/foo\nsupervisor=supervise-daemon\nerror_log=", &ModelOptions::default())[..2],
        [
            "refused",
            "error invalid_value: `error_log` has a value OpenRC cannot use: it is set but empty: supervise-daemon still gets `--stderr`, which takes the next word of its command line for its value"
        ]
    );
    c(
        "directory='/srv/my app'",
        &[
            "refused",
            "error unconvertible_setting: `directory` cannot be expressed in an s6 service directory: OpenRC puts it unquoted on the line it `eval`s, where it makes 2 words instead of one path",
            BACKGROUND,
        ],
    );
    c(
        "error_log='/d;x'",
        &[
            "refused",
            "error eval_syntax: `error_log` holds shell syntax that `eval` would run: several commands [assigned here]",
            BACKGROUND,
        ],
    );
    c(
        "output_log='/d\"q'",
        &[
            "refused",
            "error eval_syntax: `output_log` holds shell syntax that `eval` would run: unbalanced quotes or other invalid shell [assigned here]",
            BACKGROUND,
        ],
    );
    c(
        "directory='/srv/$(id -un)'",
        &[
            "refused",
            "error unknowable_value: `directory` cannot be known without running the script: a command substitution only runs when OpenRC starts the service",
            BACKGROUND,
        ],
    );
    c("directory=/srv\noutput_log=out.log", &["argv: /usr/bin/foo", "directory: /srv", "stdout: out.log", BACKGROUND]);
    // One logger per stream, as start-stop-daemon starts them (issue 11, bug 8).
    c("output_logger='logger -t foo'", &["argv: /usr/bin/foo", "stdout logger: logger -t foo", BACKGROUND]);
    c(
        "output_logger='tee -a /x | logger'\nerror_logger='logger -p err'",
        &["argv: /usr/bin/foo", "stdout logger: tee -a /x | logger", "stderr logger: logger -p err", BACKGROUND],
    );
    // start-stop-daemon's short forms (bug 33).
    c(
        "start_stop_daemon_args='-3 logger -4 \"logger -p err\"'",
        &["argv: /usr/bin/foo", "stdout logger: logger", "stderr logger: logger -p err", BACKGROUND],
    );
    // OpenRC's s6 backend makes the logger log/run.
    check(
        "command=/usr/bin/foo\nsupervisor=s6\noutput_logger='tee -a /x | logger'\nerror_logger='logger -p err'",
        &[
            "argv: /usr/bin/foo",
            "logger: logger -p err",
            "decision logger: output_logger and error_logger differ: s6 has one logger per service, error_logger is used for both (as OpenRC's s6 backend does)",
            "decision foreground: supervisor=s6: written for s6 already",
        ],
    );
    // start-stop-daemon refuses these (bug 34).
    c(
        "output_log=/x\noutput_logger=logger",
        &[
            "refused",
            "error invalid_value: `output_log` has a value OpenRC cannot use: start-stop-daemon refuses to start: a log file and a logger for the same stream",
            BACKGROUND,
        ],
    );
    check(
        "command=/usr/bin/foo\ncommand_args=--foreground\nerror_log=/x",
        &[
            "refused",
            "error invalid_value: `error_log` has a value OpenRC cannot use: start-stop-daemon refuses to start: --stdout, --stderr and their loggers need --background",
            "error daemon_may_fork: `foo` may fork into the background, which s6 would take for a crash [nothing keeps this in the foreground]",
        ],
    );
}

#[test]
fn the_launching_commands_redirections() {
    // Without --background start-stop-daemon leaves the daemon the shell's fds (issue 11, bug 5).
    check(
        "start() {\n\tcd /var\n\tstart-stop-daemon --start --exec /usr/bin/fiche -- -d >> log/foo 2>&1 < /dev/null <&- <<EOF\nsecret\nEOF\n}",
        &[
            "argv: /usr/bin/fiche -d",
            "env: OLDPWD=/ PWD=/var",
            "directory: /var",
            "shell redirects: Open { fd: 1, mode: Append, path: \"/var/log/foo\" }, Copy { fd: 2, from: 1 }, Open { fd: 0, mode: Read, path: \"/dev/null\" }, Close { fd: 0 }, Text { fd: 0, text: \"secret\\n\" }",
            "advice foreground_from_table: `fiche`: nothing to change: it has no option to fork, from rc2s6's table of daemons [kept in the foreground]",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision redirections: the launching command's redirections, as the shell makes them",
            "decision foreground: fiche: nothing to change: it has no option to fork (source)",
        ],
    );
    // With --background, start-stop-daemon replaces them.
    check(
        "start() { start-stop-daemon --start -b --exec /usr/bin/foo > /tmp/x; }",
        &[
            "argv: /usr/bin/foo",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
}

#[test]
fn environment() {
    let c =
        |vars: &str, expect: &[&str]| check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), expect);
    c("export FOO=bar\nexport RC_X=1\nBAZ=2", &["argv: /usr/bin/foo", "env: FOO=bar", BACKGROUND]);
    c(
        "export FOO=bar\nstart_stop_daemon_args='-e FOO=baz -e A=1'",
        &["argv: /usr/bin/foo", "env: A=1 FOO=baz", BACKGROUND],
    );
    c(
        "export BAD=\"$(hostname -f)\"",
        &[
            "refused",
            "error unknowable_value: `BAD` cannot be known without running the script: a command substitution only runs when OpenRC starts the service",
            BACKGROUND,
        ],
    );
    check_confd(
        "set -a\nX=1\nset +a\nY=2",
        "command=/usr/bin/foo\ncommand_background=yes",
        &["argv: /usr/bin/foo", "env: X=1", BACKGROUND],
    );
    // What start_pre() and start() export in openrc-run's shell reaches the daemon, empty values
    // too (issue 11, bugs 1 and 28); what they unset does not.
    c(
        "KEY=''\nexport GONE=1\nstart_pre() { export KEY=\"$KEY\" PORT=45876; unset GONE; }\nstart() { export LATE=1; default_start; }",
        &["argv: /usr/bin/foo", "env: KEY= LATE=1 PORT=45876", BACKGROUND],
    );
    // A value computed at start cannot be known: refused where it is made.
    c(
        "start_pre() { export TOKEN=\"$(head -c 8 /dev/urandom)\"; }",
        &[
            "refused",
            "error unknowable_value: `TOKEN` cannot be known without running the script: a command substitution only runs when OpenRC starts the service",
            BACKGROUND,
        ],
    );
    // Assignments before the launching command are in its environment (issue 11, bug 14).
    check(
        "FOO=1\nstart() { FOO=bar BAZ= start-stop-daemon --start --background --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "env: BAZ= FOO=bar",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
    // OpenRC's own variables as the target's start-stop-daemon passes them on (bug 7).
    let target = |v: &str| ModelOptions {
        target: crate::openrc::version::OpenrcVersion::parse(v).unwrap(),
        ..ModelOptions::default()
    };
    let names = |v: &str| -> Vec<String> {
        let files = files(
            "",
            "#!/sbin/openrc-run\ncommand=/usr/bin/foo\ncommand_background=yes\nexport RC_X=1 SSD_STARTWAIT=2 EINFO_X=3",
        );
        let mut p = prepare(&files.inputs());
        let texts = files.texts();
        let found = find_launch(&mut p, &texts);
        let Found::Launch(launch, shell) = found else { panic!() };
        let opts = target(v);
        let inputs = DaemonInputs {
            env: &p.interp.env,
            fallback: p.script_loc,
            options: &opts,
            launch: &launch,
            shell_settings: &shell,
            stop_call: None,
            stop_by_backend: true,
            texts: Texts::new(&texts),
        };
        let Built::Daemon(d) = build(&inputs).built else { panic!() };
        d.env.iter().map(|(n, _)| n.clone()).collect()
    };
    assert_eq!(names("0.45.2"), ["EINFO_X", "RC_SERVICE", "RC_SVCNAME", "SSD_STARTWAIT", "SVCNAME"]);
    assert_eq!(names("0.62.4"), Vec::<String>::new());
}

#[test]
fn privileges() {
    let c =
        |vars: &str, expect: &[&str]| check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), expect);
    const SETPRIV: &str = "decision privileges: capabilities, securebits and no_new_privs are set with setpriv (util-linux), which the target needs";
    c(
        "capabilities=^cap_net_bind_service\nno_new_privs=yes",
        &[
            "argv: /usr/bin/foo",
            "privileges: Privileges { inheritable: [\"net_bind_service\"], ambient: [\"net_bind_service\"], bounding_drop: [], securebits: [], no_new_privs: true }",
            SETPRIV,
            BACKGROUND,
        ],
    );
    c(
        "secbits=bad\ncapabilities=!cap_frob",
        &[
            "refused",
            "error invalid_value: `capabilities` has a value OpenRC cannot use: `cap_frob` is not a capability",
            "error invalid_value: `secbits` has a value OpenRC cannot use: `bad` is not a number",
            BACKGROUND,
        ],
    );
}

#[test]
fn readiness() {
    let c =
        |vars: &str, expect: &[&str]| check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), expect);
    c(
        "notify=fd:3",
        &["argv: /usr/bin/foo", "notification-fd: 3", "decision readiness: notify=fd:3: notification-fd 3", BACKGROUND],
    );
    c(
        "notify=fd:1",
        &[
            "refused",
            "error invalid_value: `notify` has a value OpenRC cannot use: `1` is not a file descriptor of 3 or more",
            BACKGROUND,
        ],
    );
    c(
        "ready=socket:ready",
        &[
            "argv: /usr/bin/foo",
            "warning unsupported_setting: `notify=socket:ready` has no s6 equivalent and is not carried over [dropped]",
            BACKGROUND,
        ],
    );
    c(
        "notify=systemd",
        &[
            "refused",
            "error invalid_value: `notify` has a value OpenRC cannot use: `systemd` is neither `fd:N` nor `socket:ready`",
            BACKGROUND,
        ],
    );
    c(
        "s6_svwait_options_start='-U -t 5000'",
        &[
            "refused",
            "error readiness_without_fd: readiness is waited for (`s6-svwait -U`) but nothing says which fd the daemon notifies on [`-U` waits for a notification that never comes]",
            BACKGROUND,
        ],
    );
}

#[test]
fn stopping() {
    let c =
        |vars: &str, expect: &[&str]| check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), expect);
    // A bare number is the signal and a wait, no SIGKILL (schedules.c:193-211 at 0.45.2).
    c("stopsig=INT\nretry=10", &["argv: /usr/bin/foo", "down-signal: SIGINT", BACKGROUND]);
    c("retry=TERM/30/KILL/5", &["argv: /usr/bin/foo", "timeout-kill: 30000", BACKGROUND]);
    // A schedule's own first signal, whatever stopsig says.
    c(
        "stopsig=INT\nretry=QUIT/30/KILL/5",
        &["argv: /usr/bin/foo", "down-signal: SIGQUIT", "timeout-kill: 30000", BACKGROUND],
    );
    c(
        "retry=HUP/5/TERM/10/KILL/5\ntimeout_kill=2000",
        &[
            "refused",
            "error unconvertible_setting: `retry` cannot be expressed in an s6 service directory: `HUP/5/TERM/10/KILL/5` sends SIGTERM after 5s, where s6 sends one signal, then only SIGKILL",
            "decision stop schedule: timeout_kill left out: only OpenRC's s6 backend reads it",
            BACKGROUND,
        ],
    );
    c(
        "stopsig=FOO\nretry=x/\ntimeout_kill=soon",
        &[
            "refused",
            "error invalid_value: `stopsig` has a value OpenRC cannot use: `FOO` is not a signal",
            "decision stop schedule: timeout_kill left out: only OpenRC's s6 backend reads it",
            BACKGROUND,
        ],
    );
    c(
        "retry=x/",
        &["refused", "error invalid_value: `retry` has a value OpenRC cannot use: `x` is not a signal", BACKGROUND],
    );
    // The s6 backend reads stopsig and timeout_kill (s6.sh:110-115 at 0.63.3).
    check(
        "command=/usr/bin/foo\nsupervisor=s6\nstopsig=INT\ntimeout_kill=2000\nretry=TERM/5/TERM/5",
        &[
            "argv: /usr/bin/foo",
            "down-signal: SIGINT",
            "timeout-kill: 2000",
            "decision foreground: supervisor=s6: written for s6 already",
        ],
    );
    // The stop() call's options, not the variables it does not pass.
    c(
        "stopsig=HUP\nstop() { start-stop-daemon --stop --retry QUIT/20 --signal INT --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "down-signal: SIGQUIT",
            "decision stop schedule: `QUIT/20` from the start-stop-daemon call in stop()",
            "decision stop signal: `INT` from the start-stop-daemon call in stop()",
            BACKGROUND,
        ],
    );
    c(
        "stopsig=HUP\nstop() { start-stop-daemon --stop -s9 --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "down-signal: SIGKILL",
            "decision stop signal: `9` from the start-stop-daemon call in stop()",
            BACKGROUND,
        ],
    );
    // A stop() that signals the daemon itself (limine-snapper-sync: `pkill -9 -f …`).
    c(
        "stop() { ebegin x; pkill -9 -f /usr/bin/foo; eend $?; }",
        &[
            "argv: /usr/bin/foo",
            "down-signal: SIGKILL",
            "decision stop signal: `9` from the pkill call in stop()",
            BACKGROUND,
        ],
    );
    c(
        "stop() { kill $(cat /run/foo.pid); }",
        &["argv: /usr/bin/foo", "decision stop signal: SIGTERM, the default of the kill call in stop()", BACKGROUND],
    );
    // … but not when OpenRC's own stop runs too, or something else comes first.
    c("stop() { default_stop; kill -9 1; }", &["argv: /usr/bin/foo", BACKGROUND]);
    c("stop() { fooctl shutdown; killall -9 foo; }", &["argv: /usr/bin/foo", BACKGROUND]);
    // A start() call with OpenRC's own stop: stopsig and retry count (issue 11, bug 6).
    check(
        "stopsig=INT\nretry=TERM/20/KILL/5\nstart() { start-stop-daemon --start -b --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "timeout-kill: 20000",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
    check(
        "stopsig=INT\nstart() { start-stop-daemon --start -b --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "down-signal: SIGINT",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    );
    // supervise-daemon.sh never passes stopsig: supervise-daemon sends SIGTERM.
    check(
        "command=/usr/bin/foo\nsupervisor=supervise-daemon\nstopsig=INT\nretry=60",
        &[
            "argv: /usr/bin/foo",
            "decision stop signal: stopsig=INT left out: supervise-daemon.sh does not pass it, supervise-daemon sends SIGTERM",
            "decision foreground: supervisor=supervise-daemon: it stays in the foreground",
        ],
    );
}

#[test]
fn respawn_and_unsupported_variables() {
    let sd = |vars: &str, expect: &[&str]| {
        check(&format!("command=/usr/bin/foo\nsupervisor=supervise-daemon\n{vars}"), expect)
    };
    const SD: &str = "decision foreground: supervisor=supervise-daemon: it stays in the foreground";
    sd(
        "respawn_delay=5\nrespawn_max=3\nrespawn_period=1m",
        &["argv: /usr/bin/foo", "respawn: delay Some(5) max Some(3) period Some(60)", SD],
    );
    sd("respawn_max=0\nrespawn_period=10", &["argv: /usr/bin/foo", SD]);
    sd(
        "respawn_max=x\nrespawn_delay=1y",
        &[
            "refused",
            "error invalid_value: `respawn_delay` has a value OpenRC cannot use: `1y` is not valid here",
            "error invalid_value: `respawn_max` has a value OpenRC cannot use: `x` is not valid here",
            SD,
        ],
    );
    // supervise-daemon's arguments, else start-stop-daemon's, as OpenRC 0.36–0.45 reads them
    // (`${supervise_daemon_args:-…}`)…
    let nobody = ["argv: /usr/bin/foo", "env: USER=nobody", "user: nobody", "HOME of: nobody", SD];
    sd("start_stop_daemon_args='-u nobody'\nsupervise_daemon_args=''", &nobody);
    sd("start_stop_daemon_args='-u nobody'", &nobody);
    sd(
        "start_stop_daemon_args='-u nobody'\nsupervise_daemon_args='-u daemon'",
        &["argv: /usr/bin/foo", "env: USER=daemon", "user: daemon", "HOME of: daemon", SD],
    );
    // … and 0.46 on (`${supervise_daemon_args-…}`): an empty one is no fallback.
    let target = |v: &str| ModelOptions {
        target: crate::openrc::version::OpenrcVersion::parse(v).unwrap(),
        ..ModelOptions::default()
    };
    let script =
        "#!/sbin/openrc-run\ncommand=/usr/bin/foo\nsupervisor=supervise-daemon\nstart_stop_daemon_args='-u nobody'";
    assert_eq!(
        render("", &format!("{script}\nsupervise_daemon_args=''"), &target("0.63.3")),
        ["argv: /usr/bin/foo", SD]
    );
    assert_eq!(render("", script, &target("0.63.3")), nobody);
    check(
        "command=/usr/bin/foo\ncommand_background=yes\nstopgroup=yes\nhealthcheck_timer=60\nrespawn_delay=5",
        &[
            "argv: /usr/bin/foo",
            "warning unsupported_setting: `healthcheck_timer` has no s6 equivalent and is not carried over [dropped]",
            "warning unsupported_setting: `stopgroup` has no s6 equivalent and is not carried over [dropped]",
            BACKGROUND,
        ],
    );
}

#[test]
fn foreground() {
    check(
        "command=/usr/bin/foo",
        &[
            "refused",
            "error daemon_may_fork: `foo` may fork into the background, which s6 would take for a crash [nothing keeps this in the foreground]",
        ],
    );
    let fghack = ModelOptions { allow_fghack: true, ..ModelOptions::default() };
    assert_eq!(
        render("", "#!/sbin/openrc-run\ncommand=/usr/bin/foo", &fghack),
        [
            "argv: /usr/bin/foo",
            "fghack: yes",
            "warning fghack: `foo` is run under `s6-fghack`, which cannot signal it: `s6-svc -d` stops only the wrapper [wrapped in s6-fghack]",
            "decision foreground: foo: run under s6-fghack (--allow-fghack)",
        ]
    );
    check(
        "command=/usr/bin/foo\nsupervisor=s6",
        &["argv: /usr/bin/foo", "decision foreground: supervisor=s6: written for s6 already"],
    );
    // conf.d's supervisor is no evidence that the script's command line stays in the
    // foreground (issue 11, bug 10).
    check_confd(
        "supervisor=supervise-daemon",
        "command=/usr/bin/foo",
        &[
            "refused",
            "error daemon_may_fork: `foo` may fork into the background, which s6 would take for a crash [nothing keeps this in the foreground]",
        ],
    );
    // An option that makes it fork is never handed over (bug 11): the table drops it…
    check(
        "command=/usr/bin/memcached\ncommand_args='-d -p 1'\ncommand_background=yes",
        &[
            "argv: /usr/bin/memcached -p 1",
            "advice foreground_from_table: `memcached`: removed `-d`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: memcached: removed `-d` (source)",
        ],
    );
    // … else the daemon is refused; `--daemonize no` and a counterpart are no such option.
    check(
        "command=/usr/bin/gunicorn\ncommand_args='--daemon app:app'\ncommand_background=yes",
        &[
            "refused",
            "error daemon_may_fork: `gunicorn` may fork into the background, which s6 would take for a crash [nothing keeps this in the foreground]",
        ],
    );
    check(
        "command=/usr/bin/foo\ncommand_args='--daemonize no --daemon=false'\ncommand_background=yes",
        &["argv: /usr/bin/foo --daemonize no --daemon=false", BACKGROUND],
    );
    check(
        "command=/usr/bin/foo\ncommand_args='--daemon --foreground'\ncommand_background=yes",
        &["argv: /usr/bin/foo --daemon --foreground", BACKGROUND],
    );
    check(
        "command=/usr/bin/foo\nstart_stop_daemon_args=--background",
        &["argv: /usr/bin/foo", "decision foreground: --background in start_stop_daemon_args: it does not fork itself"],
    );
    check(
        "command=/usr/sbin/nginx",
        &[
            "argv: /usr/sbin/nginx -g daemon off;",
            "advice foreground_from_table: `nginx`: added `-g daemon off;`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: nginx: added `-g daemon off;` (source)",
        ],
    );
    check(
        "command=/usr/sbin/dnsmasq\ncommand_args=--keep-in-foreground",
        &[
            "argv: /usr/sbin/dnsmasq --keep-in-foreground",
            "decision foreground: dnsmasq: its arguments already keep it in the foreground (source)",
        ],
    );
    check(
        "command=/usr/bin/memcached\ncommand_args='-d -p 11211'",
        &[
            "argv: /usr/bin/memcached -p 11211",
            "advice foreground_from_table: `memcached`: removed `-d`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: memcached: removed `-d` (source)",
        ],
    );
    check(
        "command=/usr/sbin/chronyd\ncommand_args='-f /etc/chrony.conf'",
        &[
            "argv: /usr/sbin/chronyd -n -f /etc/chrony.conf",
            "advice foreground_from_table: `chronyd`: added `-n` before its other arguments, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: chronyd: added `-n` before its other arguments (source)",
        ],
    );
    // After `--` the words are operands (POSIX Utility Syntax Guideline 10): a daemonize
    // option there is not removed, a foreground option there does not count, and an added one
    // goes before the `--`.
    check(
        "command=/usr/bin/memcached\ncommand_args='-d -p 11211 -- -d'",
        &[
            "argv: /usr/bin/memcached -p 11211 -- -d",
            "advice foreground_from_table: `memcached`: removed `-d`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: memcached: removed `-d` (source)",
        ],
    );
    // Under start-stop-daemon --background too: a foreground option after `--` does not count.
    check(
        "command=/usr/sbin/dnsmasq\ncommand_args='-- -k'\ncommand_background=yes",
        &[
            "argv: /usr/sbin/dnsmasq -k -- -k",
            "advice foreground_from_table: `dnsmasq`: added `-k`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: dnsmasq: added `-k` (source)",
        ],
    );
    check(
        "command=/usr/sbin/nginx\ncommand_args='-c /etc/n.conf -- -g x'",
        &[
            "argv: /usr/sbin/nginx -c /etc/n.conf -g daemon off; -- -g x",
            "advice foreground_from_table: `nginx`: added `-g daemon off;`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: nginx: added `-g daemon off;` (source)",
        ],
    );
    check(
        "command=/usr/sbin/dnsmasq\ncommand_args='-- --keep-in-foreground'",
        &[
            "argv: /usr/sbin/dnsmasq -k -- --keep-in-foreground",
            "advice foreground_from_table: `dnsmasq`: added `-k`, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: dnsmasq: added `-k` (source)",
        ],
    );
    check(
        "command=/usr/bin/fiche",
        &[
            "argv: /usr/bin/fiche",
            "advice foreground_from_table: `fiche`: nothing to change: it has no option to fork, from rc2s6's table of daemons [kept in the foreground]",
            "decision foreground: fiche: nothing to change: it has no option to fork (source)",
        ],
    );
}

#[test]
fn command_args_background() {
    // Kept when the table knows the daemon (rngd forks by default; `-b` is then dropped).
    check(
        "command=/usr/sbin/rngd\ncommand_args_background=-b",
        &[
            "argv: /usr/sbin/rngd -f",
            "advice foreground_from_table: `rngd`: removed `-b`, added `-f`, from rc2s6's table of daemons [kept in the foreground]",
            "decision arguments: command_args_background kept, as start-stop-daemon passes it: rc2s6's table of daemons keeps that command line in the foreground",
            "decision foreground: rngd: removed `-b`, added `-f` (source)",
        ],
    );
    // Otherwise they are left out, and with them what makes the daemon fork.
    check(
        "command=/usr/bin/foo\ncommand_args_background=--daemon",
        &[
            "argv: /usr/bin/foo",
            "decision arguments: command_args_background left out: start-stop-daemon only, s6 runs the daemon in the foreground",
            "decision foreground: its daemonize flag is in command_args_background, which is left out",
        ],
    );
    // With command_background=yes, OpenRC's start-stop-daemon.sh refuses to start (0.45 and
    // 0.63.3: "command_background used with command_args_background").
    check(
        "command=/usr/bin/foo\ncommand_args_background=--daemon\ncommand_background=yes",
        &[
            "refused",
            "error unconvertible_setting: `command_args_background` cannot be expressed in an s6 service directory: with command_background=yes, OpenRC refuses to start the service (\"command_background used with command_args_background\")",
            "decision arguments: command_args_background left out: start-stop-daemon only, s6 runs the daemon in the foreground",
            BACKGROUND,
        ],
    );
}

/// openrc-run tests `required_dirs` (`-d`) and `required_files` (`-r`) before any function,
/// each value split as `eval printf '%s\n' $X | while read` splits it, relative paths from `/`
/// (openrc-run.sh.in and openrc-run.c at 0.45.2 and 0.63.3): the daemon carries them, in order.
#[test]
fn required_paths_are_carried_as_openrc_run_reads_them() {
    let declarative = "command=/usr/bin/foo\ncommand_background=yes\npidfile=/run/foo.pid\n";
    check_confd(
        "KEY=/etc/foo/key\nHOOK=",
        &format!("{declarative}required_dirs=\"/var/lib/foo 'run/foo state'\"\nrequired_files=\"$KEY $HOOK\""),
        &[
            "argv: /usr/bin/foo",
            "required: -d /var/lib/foo, -d /run/foo state, -r /etc/foo/key",
            "decision required_dirs: the run script checks that each of `/var/lib/foo`, `/run/foo state` is a directory (`test -d`) before anything else, as openrc-run does before it starts the service; while one is not, the daemon is not started (s6-supervise tries again every second)",
            "decision required_files: the run script checks that `/etc/foo/key` is readable (`test -r`) before anything else, as openrc-run does before it starts the service; while one is not, the daemon is not started (s6-supervise tries again every second)",
            BACKGROUND,
        ],
    );
    // Empty, or only blanks: nothing to test.
    check(&format!("{declarative}required_files=\" \""), &["argv: /usr/bin/foo", BACKGROUND]);
    // A custom start(): openrc-run tests them all the same, before start_pre() and start().
    check(
        "required_files=/etc/foo.conf\nstart() { start-stop-daemon --start --background --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "required: -r /etc/foo.conf",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision required_files: the run script checks that `/etc/foo.conf` is readable (`test -r`) before anything else, as openrc-run does before it starts the service; while one is not, the daemon is not started (s6-supervise tries again every second)",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
        ],
    ); // Set by start_pre() (alpine/spamd): openrc-run tested the value from before, here none, so
    // there is nothing to test; the paths from conf.d stay those tested.
    check_confd(
        "required_files=/etc/foo.conf",
        "command=/usr/bin/foo\ncommand_background=yes\nstart_pre() { required_dirs=/var/lib/foo; required_files=/etc/other; }",
        &[
            "argv: /usr/bin/foo",
            "required: -r /etc/foo.conf",
            "decision required_files: the run script checks that `/etc/foo.conf` is readable (`test -r`) before anything else, as openrc-run does before it starts the service; while one is not, the daemon is not started (s6-supervise tries again every second)",
            BACKGROUND,
        ],
    );
}

/// PATH is in openrc-run's environment: assigned, exported or not, it reaches the daemon less
/// OpenRC's own directories (start-stop-daemon.c:1019-1044 at 0.45.2); never assigned, the
/// daemon keeps s6-svscan's, which OpenRC started the same way.
#[test]
fn path_reaches_the_daemon_as_start_stop_daemon_strips_it() {
    let stripped = "/bin:/sbin:/bin:/sbin:/usr/bin:/usr/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin";
    for assign in ["PATH=/opt/x/bin:$PATH", "export PATH=\"/opt/x/bin:$PATH\""] {
        check(
            &format!("command=/usr/bin/foo\ncommand_background=yes\n{assign}"),
            &["argv: /usr/bin/foo", &format!("env: PATH=/opt/x/bin:{stripped}"), BACKGROUND],
        );
    }
    check("command=/usr/bin/foo\ncommand_background=yes", &["argv: /usr/bin/foo", BACKGROUND]);
}

/// The same as `check`, with each value computed at start written as its command.
#[track_caller]
fn check_at_start(script: &str, expect: &[&str]) {
    let got: Vec<String> =
        render("", script, &ModelOptions::default()).iter().map(|l| crate::eval::at_start::readable(l)).collect();
    assert_eq!(got, expect, "script:\n{script}");
}

/// What the run script computes at start.
fn at_start(command: &str) -> String {
    format!(
        "decision runtime value: `{command}` is run by the run script when the service starts, as root, as OpenRC runs it; the service does not start while its output is empty or holds anything but A-Z a-z 0-9 . _ : @ % + = , / -"
    )
}

#[test]
fn values_computed_at_start_only_in_the_arguments() {
    let unknowable = |v: &str| {
        format!(
            "error unknowable_value: `{v}` cannot be known without running the script: a command substitution only runs when OpenRC starts the service"
        )
    };
    let bg = "\ncommand_background=yes";
    check_at_start(
        &format!("command=/usr/bin/foo\ncommand_args=\"-j $(nproc) --id=$(id -u foo):$(id -g foo)\"{bg}"),
        &[
            "argv: /usr/bin/foo -j $(nproc) --id=$(id -u foo):$(id -g foo)",
            BACKGROUND,
            &at_start("$(nproc)"),
            &at_start("$(id -u foo)"),
            &at_start("$(id -g foo)"),
        ],
    );
    // Backquotes, a conf.d-style default, and a file named by a variable.
    check_at_start(
        &format!("f=/sys/x\ncommand=/usr/bin/foo\ncommand_args=\"-r `hostname` ${{n:-$(cat $f)}}\"{bg}"),
        &[
            "argv: /usr/bin/foo -r $(hostname) $(cat /sys/x)",
            BACKGROUND,
            &at_start("$(hostname)"),
            &at_start("$(cat /sys/x)"),
        ],
    );
    // start()'s own call, after `--`.
    check_at_start(
        "start() {\n start-stop-daemon --start --exec /usr/bin/foo --background -- -c $(nproc)\n}",
        &[
            "argv: /usr/bin/foo -c $(nproc)",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
            &at_start("$(nproc)"),
        ],
    );
    // An unknowable word that expands to no field here is not dropped from the call: it may be
    // several words at run time (this converted as `/usr/bin/foo -c -d` before).
    let got = render(
        "",
        "start() {\n start-stop-daemon --start --exec /usr/bin/foo --background -- -c $(uname) -d\n}",
        &ModelOptions::default(),
    );
    let error = "error unknowable_value: `the start-stop-daemon call in start()` cannot be known without running the script: a command substitution only runs when OpenRC starts the service";
    assert!(got.iter().any(|l| l == error), "{got:?}");
    // The program, an option: s6 needs them when the directory is written (a user:
    // `users_looked_up_at_start`).
    for (script, variable) in [
        (format!("command=/usr/bin/$(hostname){bg}"), "command"),
        (format!("command=/usr/bin/foo\nstart_stop_daemon_args=\"--chdir $(cat /d)\"{bg}"), "start_stop_daemon_args"),
    ] {
        let got = render("", &script, &ModelOptions::default());
        assert!(got.contains(&unknowable(variable)), "{script}: {got:?}");
    }
    // The environment: `--env`'s value and an exported variable (no `eval` there either).
    check_at_start(
        "export NODE=$(hostname)\nd=/run/$(id -u foo)\nstart() {\n start-stop-daemon --start --env \"XDG_RUNTIME_DIR=$d\" --exec /usr/bin/foo --background -- -x\n}",
        &[
            "argv: /usr/bin/foo -x",
            "env: NODE=$(hostname) XDG_RUNTIME_DIR=/run/$(id -u foo)",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
            &at_start("$(id -u foo)"),
            &at_start("$(hostname)"),
        ],
    );
    // In an option of start()'s call: said once, where it is set (not again as a stray value).
    let got = render(
        "",
        "d=/run/$(id -u foo)\nstart() {\n start-stop-daemon --start --chdir \"$d\" --exec /usr/bin/foo --background -- -x\n}",
        &ModelOptions::default(),
    );
    let errors: Vec<&String> = got.iter().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors, [&unknowable("d")], "{got:?}");
    // Measured, cut, shadowed by a function, or with a word not known: never a marker.
    for script in [
        "n=$(cat /f)\ncommand=/usr/bin/foo\ncommand_args=\"-n ${#n} $n\"",
        "n=$(cat /f)\ncommand=/usr/bin/foo\ncommand_args=\"${n#?}\"",
        "n=$(cat /f)\ncommand=/usr/bin/foo\ncommand_args=\"${n/c/u}\"",
        "cat() { head -n 1 \"$1\"; }\ncommand=/usr/bin/foo\ncommand_args=\"$(cat /f)\"",
        "command=/usr/bin/foo\ncommand_args=\"$(cat $unset)\"",
        "command=/usr/bin/foo\ncommand_args=\"$(cat /f/*)\"",
        "command=/usr/bin/foo\ncommand_args=\"$(nproc --all)\"",
    ] {
        let got = render("", &format!("{script}{bg}"), &ModelOptions::default());
        assert!(got.iter().any(|l| l.starts_with("error unknowable_value")), "{script}: {got:?}");
        assert!(!got.iter().any(|l| l.contains("runtime value")), "{script}: {got:?}");
    }
    // A script's own private-use character cannot pass for a marker.
    let forged = format!(
        "command=/usr/bin/foo\ncommand_args=\"{}$(nproc)\"{bg}",
        crate::eval::at_start::AtStart::Nproc.marker()
    );
    let got = render("", &forged, &ModelOptions::default());
    assert!(got.iter().any(|l| l.starts_with("error unknowable_value")), "{got:?}");
}

/// The decision for a user looked up at start.
fn looked_up(spec: &str, user: &str, group: &str, key: &str) -> String {
    format!(
        "decision user looked up at start: `{spec}` is looked up each time the service starts, as start-stop-daemon and supervise-daemon do: the uid, USER and HOME from the passwd entry of {user}, the gid from {group}, and the supplementary groups: that gid and the groups that list {key} as a member (getent); the service does not start while an account is not found"
    )
}

/// What the run script computes at start for a user.
fn id_at_start(command: &str) -> String {
    format!(
        "decision runtime value: `{command}` is run by the run script when the service starts, as root, as OpenRC runs it; the service does not start while its output is not a number"
    )
}

#[test]
fn users_looked_up_at_start() {
    let bg = "command_background=yes";
    let fg = "decision foreground: command_background=yes: it does not fork itself";
    let script = |user: &str| format!("U=a\ncommand=/usr/bin/foo\ncommand_user=\"{user}\"\n{bg}");
    // Alpine's 3proxy.
    let spec = "$(id -u 3proxy):$(id -g 3proxy)";
    check_at_start(
        &script(spec),
        &[
            "argv: /usr/bin/foo",
            "user: $(id -u 3proxy):$(id -g 3proxy) (looked up at start; sets USER HOME)",
            &looked_up(
                spec,
                "the output of `$(id -u 3proxy)` (getpwuid: a number)",
                "the group entry of the output of `$(id -g 3proxy)` (getgrgid: a number)",
                "the number `$(id -u 3proxy)` prints",
            ),
            fg,
            &id_at_start("$(id -u 3proxy)"),
            &id_at_start("$(id -g 3proxy)"),
        ],
    );
    // The user alone, a name from a variable, a named group; a name with a group computed at start.
    check_at_start(
        &script("$(id -u $U):adm"),
        &[
            "argv: /usr/bin/foo",
            "user: $(id -u a):adm (looked up at start; sets USER HOME)",
            &looked_up(
                "$(id -u a):adm",
                "the output of `$(id -u a)` (getpwuid: a number)",
                "the group entry of `adm` (getgrnam)",
                "the number `$(id -u a)` prints",
            ),
            fg,
            &id_at_start("$(id -u a)"),
        ],
    );
    check_at_start(
        &script("daemon:$(id -g a)"),
        &[
            "argv: /usr/bin/foo",
            "user: daemon:$(id -g a) (looked up at start; sets USER HOME)",
            &looked_up(
                "daemon:$(id -g a)",
                "`daemon` (getpwnam)",
                "the group entry of the output of `$(id -g a)` (getgrgid: a number)",
                "`daemon`",
            ),
            fg,
            &id_at_start("$(id -g a)"),
        ],
    );
    // Numbers written in the script: the same lookup, nothing computed before it.
    check_at_start(
        &script("1000"),
        &[
            "argv: /usr/bin/foo",
            "user: 1000 (looked up at start; sets USER HOME)",
            &looked_up("1000", "`1000` (getpwuid)", "that passwd entry", "`1000`"),
            fg,
        ],
    );
    // An `--env` after `--user` (start_stop_daemon_args comes after command_user's `--user`)
    // decides HOME: the account then sets USER only.
    check_at_start(
        &format!("{}\nstart_stop_daemon_args=\"-e HOME=/h\"", script("$(id -u a)")),
        &[
            "argv: /usr/bin/foo",
            "env: HOME=/h",
            "user: $(id -u a) (looked up at start; sets USER)",
            &looked_up(
                "$(id -u a)",
                "the output of `$(id -u a)` (getpwuid: a number)",
                "that passwd entry",
                "the number `$(id -u a)` prints",
            ),
            fg,
            &id_at_start("$(id -u a)"),
        ],
    );
    let refused = |user: &str, error: &str| {
        check_at_start(&script(user), &["refused", error, fg]);
    };
    let unknowable = |what: &str, text: &str| {
        format!(
            "error unknowable_value: `command_user` cannot be known without running the script: its {what} is `{text}`: only a whole `$(id -u NAME)` or `$(id -g NAME)` is computed at start"
        )
    };
    refused("$(hostname)", &unknowable("user", "$(hostname)"));
    refused("x$(id -u a)", &unknowable("user", "x$(id -u a)"));
    refused("$(id -u a)$(id -g a)", &unknowable("user", "$(id -u a)$(id -g a)"));
    refused("$(id -u a):$(nproc)", &unknowable("group", "$(nproc)"));
    refused(
        "$(id -u a):",
        "error invalid_value: `command_user` has a value OpenRC cannot use: an empty group name, which start-stop-daemon looks up and fails on",
    );
    refused(
        "$(id -u a):12345678901",
        "error invalid_value: `command_user` has a value OpenRC cannot use: `12345678901` is a group id too large for start-stop-daemon's `%d`",
    );
    // `--group` as well, a new root, capabilities: refused.
    let got =
        render("", &format!("{}\nstart_stop_daemon_args=\"--group adm\"", script("1000")), &ModelOptions::default());
    assert!(got.iter().any(|l| l.starts_with("error unconvertible_setting: `--group` cannot")), "{got:?}");
    let got = render("", &format!("{}\nchroot=/srv", script("1000")), &ModelOptions::default());
    assert!(got.iter().any(|l| l.contains("a user looked up at start with `chroot`")), "{got:?}");
    let got = render("", &format!("{}\ncapabilities=^cap_net_raw", script("1000")), &ModelOptions::default());
    assert!(got.iter().any(|l| l.contains("a user looked up at start with capabilities")), "{got:?}");
}
