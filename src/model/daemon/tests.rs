//! The daemon's steps on small scripts: each `check` loads a conf.d and a script (service
//! `svc`), finds the launch as the model does, builds the daemon, and compares the daemon's
//! settings (see `testing::daemon`), then the steps' diagnostics and decisions, in their order.
//! A daemon table entry's citation is written `(source)`.

use super::*;
use crate::model::launch::{self, Found};
use crate::model::testing::{self, decision, diagnostic, files, prepare};
use crate::openrc::daemon_table;

fn render(confd: &str, script: &str, options: &ModelOptions) -> Vec<String> {
    let files = files(confd, &format!("#!/sbin/openrc-run\n{script}"));
    let mut p = prepare(&files.inputs());
    let Found::Launch(launch, shell) = launch::find(&mut p.interp, p.traces.start, &mut p.service) else {
        panic!("the test script launches a daemon:\n{script}");
    };
    let inputs = DaemonInputs {
        env: &p.interp.env,
        fallback: p.script_loc,
        options,
        launch: &launch,
        shell_settings: &shell,
        stop_call: p.traces.stop_call.as_ref(),
    };
    let build = build(&inputs);
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
        "command=/usr/bin/foo\ncommand_args=\"$(cat /etc/foo)\"\ncommand_background=yes",
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
    c("command_user=nobody:nogroup", &["user: nobody:nogroup"]);
    c("start_stop_daemon_args='--user foo --group bar'", &["user: foo:bar"]);
    c("start_stop_daemon_args='-g bar'", &["user: root:bar"]);
    c("command_user=:grp", &["user: root:grp"]);
    c("command_user=:", &["error invalid_value: `command_user` has a value OpenRC cannot use: an empty user name"]);
    c(
        "command_user=1000",
        &["error invalid_value: `command_user` has a value OpenRC cannot use: `1000` is not an account name"],
    );
    c(
        "command_user='a b'",
        &["error invalid_value: `command_user` has a value OpenRC cannot use: `a b` is not an account name"],
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
    check(
        &start("\tulimit -n 4096\n\tumask 077\n\tcd /var/lib/foo"),
        &[
            "argv: /usr/bin/foo",
            "directory: /var/lib/foo",
            "umask: 077",
            "limits: -o4096 (Both)",
            "decision limits: start() runs `ulimit -n 4096` before the launch",
            BACKGROUND,
        ],
    );
    // The daemon's own settings win; differs: of two `umask`s the shell keeps the last.
    check(
        &format!("umask=022\n{}", start("\tumask 077\n\tumask 007")),
        &["argv: /usr/bin/foo", "umask: 022", BACKGROUND],
    );
    check(&start("\tumask 077\n\tumask 007"), &["argv: /usr/bin/foo", "umask: 077", BACKGROUND]);
    check(
        &start("\t[ -f /x ] && ulimit -n 10\n\tumask 9"),
        &[
            "refused",
            "error unconvertible_setting: `ulimit -n 10` cannot be expressed in an s6 service directory: start() runs it only under a condition rc2s6 cannot decide",
            "error invalid_value: `umask` has a value OpenRC cannot use: `9` is not an octal mask",
            BACKGROUND,
        ],
    );
}

#[test]
fn redirections_and_loggers() {
    let c =
        |vars: &str, expect: &[&str]| check(&format!("command=/usr/bin/foo\ncommand_background=yes\n{vars}"), expect);
    c(
        "output_log=/var/log/foo.log\nerror_log=log/err\ninput_file=/dev/null",
        &["argv: /usr/bin/foo", "stdin: /dev/null", "stdout: /var/log/foo.log", "stderr: /log/err", BACKGROUND],
    );
    c("directory=/srv\noutput_log=out.log", &["argv: /usr/bin/foo", "directory: /srv", "stdout: out.log", BACKGROUND]);
    c("output_logger='logger -t foo'", &["argv: /usr/bin/foo", "logger: logger -t foo", BACKGROUND]);
    c(
        "output_logger='tee -a /x | logger'\nerror_logger='logger -p err'",
        &[
            "argv: /usr/bin/foo",
            "logger: logger -p err",
            "decision logger: output_logger and error_logger differ: s6 has one logger per service, error_logger is used for both (as OpenRC's s6 backend does)",
            BACKGROUND,
        ],
    );
    c("error_logger='tee -a /x | logger'", &["argv: /usr/bin/foo", "logger: sh -c tee -a /x | logger", BACKGROUND]);
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
        "export BAD=\"$(hostname)\"",
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
    c("stopsig=INT\nretry=10", &["argv: /usr/bin/foo", "down-signal: SIGINT", "timeout-kill: 10000", BACKGROUND]);
    c("retry=TERM/30/KILL/5", &["argv: /usr/bin/foo", "timeout-kill: 30000", BACKGROUND]);
    c(
        "retry=HUP/5/TERM/10/KILL/5\ntimeout_kill=2000",
        &[
            "argv: /usr/bin/foo",
            "down-signal: SIGHUP",
            "timeout-kill: 2000",
            "warning unsupported_setting: `retry=HUP/5/TERM/10/KILL/5` has no s6 equivalent and is not carried over [dropped]",
            BACKGROUND,
        ],
    );
    c(
        "stopsig=FOO\nretry=x/\ntimeout_kill=soon",
        &[
            "refused",
            "error invalid_value: `stopsig` has a value OpenRC cannot use: `FOO` is not a signal",
            "error invalid_value: `retry` has a value OpenRC cannot use: `x/` is not `SECONDS` or a `SIGNAL/SECONDS/…` schedule",
            "error invalid_value: `timeout_kill` has a value OpenRC cannot use: `soon` is not a number of milliseconds",
            BACKGROUND,
        ],
    );
    c(
        "stop() { start-stop-daemon --stop --retry QUIT/20 --signal INT --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "down-signal: SIGINT",
            "decision stop signal: `INT` from the start-stop-daemon call in stop()",
            "decision stop schedule: `QUIT/20` from the start-stop-daemon call in stop()",
            BACKGROUND,
        ],
    );
    // A start() call keeps s6's defaults.
    check(
        "stopsig=INT\nstart() { start-stop-daemon --start -b --exec /usr/bin/foo; }",
        &[
            "argv: /usr/bin/foo",
            "decision launch: compiled from the start-stop-daemon call in start()",
            "decision foreground: start-stop-daemon --background: it does not fork itself",
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
    // supervise-daemon's arguments, else start-stop-daemon's, as OpenRC 0.36–0.45 reads them (0.46
    // on keeps an empty supervise_daemon_args: not modelled yet).
    sd("start_stop_daemon_args='-u nobody'\nsupervise_daemon_args=''", &["argv: /usr/bin/foo", "user: nobody", SD]);
    sd("start_stop_daemon_args='-u nobody'", &["argv: /usr/bin/foo", "user: nobody", SD]);
    sd(
        "start_stop_daemon_args='-u nobody'\nsupervise_daemon_args='-u daemon'",
        &["argv: /usr/bin/foo", "user: daemon", SD],
    );
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
    check(
        "command=/usr/bin/foo\ncommand_args_background=--daemon\ncommand_background=yes",
        &[
            "argv: /usr/bin/foo",
            "decision arguments: command_args_background left out: start-stop-daemon only, s6 runs the daemon in the foreground",
            BACKGROUND,
        ],
    );
}
