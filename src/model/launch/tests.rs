//! Finding the launch on small scripts: each `check` loads a script (service `svc`), runs
//! start_pre() and traces start() as the model does, and compares what `find` says — the launch
//! and the shell settings before it — then the diagnostics and decisions on the service.

use super::*;
use crate::model::testing::{Files, Prepared, decision, diagnostic, files, prepare};

/// `find` as the model calls it, on a script `prepare` has run: with start() traced and stop()'s
/// trace to reuse.
fn find_prepared(p: &mut Prepared, files: &Files) -> Found {
    let texts = files.texts();
    find(
        &mut p.interp,
        p.traces.start.take(),
        Some(&p.traces.stop_run),
        &mut p.service,
        Texts::new(&texts),
        DaemonTable::builtin(),
    )
}

fn render(found: &Found) -> Vec<String> {
    match found {
        Found::Nothing => vec!["nothing".into()],
        Found::Refused => vec!["refused".into()],
        Found::Launch(launch, shell) => {
            let mut out = vec![match launch {
                Launch::Declarative => "declarative".to_string(),
                Launch::Call { program, words, background, .. } => {
                    format!("{} call: {}{}", program.name(), words.join(" "), if *background { " &" } else { "" })
                }
            }];
            out.extend(shell.iter().map(|s| {
                let cond = if s.conditional { " (conditional)" } else { "" };
                format!("shell: {} {}{cond}", s.name, s.args.join(" "))
            }));
            out
        }
    }
}

#[track_caller]
fn check(script: &str, expect: &[&str]) {
    let files = files("", &format!("#!/sbin/openrc-run\n{script}"));
    let mut p = prepare(&files.inputs());
    let found = find_prepared(&mut p, &files);
    let mut out = render(&found);
    out.extend(p.service.diagnostics.iter().map(diagnostic));
    out.extend(p.service.decisions.iter().map(decision));
    assert_eq!(out, expect, "script:\n{script}");
}

/// As [`check`], with start_pre()'s shell settings and failed checks taken in as the model
/// takes them.
#[track_caller]
fn check_with_start_pre(confd: &str, script: &str, expect: &[&str]) {
    let files = files(confd, &format!("#!/sbin/openrc-run\n{script}"));
    let mut p = prepare(&files.inputs());
    let found = find_prepared(&mut p, &files);
    let found = crate::model::after_start_pre(found, p.traces.start_pre.as_ref(), &mut p.service);
    let mut out = render(&found);
    out.extend(p.service.diagnostics.iter().map(diagnostic));
    out.extend(p.service.decisions.iter().map(decision));
    assert_eq!(out, expect, "conf.d:\n{confd}\nscript:\n{script}");
}

/// openrc-run runs start_pre() first and stops at its failure (openrc-run.sh.in: `${cmd}_pre`
/// then `$cmd`, any non-zero status exits): a check that fails whatever the system is like is
/// reported where it fails, naming start_pre(); one rc2s6 cannot decide is not.
#[test]
fn a_start_pre_check_that_fails_with_these_files_is_reported() {
    let script = "command=/a\ncommand_background=yes\npidfile=/run/a.pid\nstart_pre() {\n\tif [ -z \"$ADDR\" ]; then\n\t\teerror \"set ADDR\"\n\t\treturn 1\n\tfi\n}";
    let fails = "warning start_fails: with these files `start_pre()` fails here, so OpenRC would not start the daemon";
    check_with_start_pre("ADDR=", script, &["declarative", fails]);
    check_with_start_pre("", script, &["declarative", fails]);
    check_with_start_pre("ADDR=10.0.0.1", script, &["declarative"]);
    // The value of a variable named by another, through `eval echo` in a command substitution:
    // the output of `$(…)` is not known statically, so the check is not decided (ucarp's shape).
    check_with_start_pre(
        "ADDR=",
        "command=/a\ncommand_background=yes\npidfile=/run/a.pid\nstart_pre() {\n\tfor v in ADDR; do\n\t\tif test -z \"$(eval echo \\$$v)\"; then\n\t\t\teerror \"missing $v\"\n\t\t\treturn 1\n\t\tfi\n\tdone\n}",
        &["declarative"],
    );
}

#[test]
fn declarative_or_nothing_without_start() {
    check("command=/usr/bin/foo\ncommand_args=-f", &["declarative"]);
    check("command=$(which foo)", &["declarative"]);
    check("description=x", &["nothing"]);
    check("command=", &["nothing"]);
}

#[test]
fn start_stop_daemon_and_supervise_daemon_calls() {
    check(
        "start() {\n\tebegin x\n\tstart-stop-daemon --start --exec /usr/bin/foo -- -f\n\teend $?\n}",
        &["start-stop-daemon call: start-stop-daemon --start --exec /usr/bin/foo -- -f"],
    );
    check(
        "start() { start-stop-daemon -Sbx /usr/bin/foo; }",
        &["start-stop-daemon call: start-stop-daemon -Sbx /usr/bin/foo"],
    );
    check(
        "start() { supervise-daemon svc --start /usr/bin/foo -- -x; }",
        &["supervise-daemon call: supervise-daemon svc --start /usr/bin/foo -- -x"],
    );
    // A call that only stops is not a launch; with nothing else, start() starts nothing.
    check(
        "start() { start-stop-daemon --stop --exec /usr/bin/foo; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: no start-stop-daemon, supervise-daemon or `$command` call found",
        ],
    );
    check(
        "start() { start-stop-daemon --start --exec /usr/bin/foo & }",
        &["start-stop-daemon call: start-stop-daemon --start --exec /usr/bin/foo &"],
    );
}

#[test]
fn a_launch_that_may_be_in_an_eval_of_unknown_text_says_so() {
    // The call is in the `eval`'d text, which holds a value only known at run time: the refusal
    // points at the `eval` and names the substitution, not "no call found".
    check(
        "command=/usr/bin/foo\npidfile=$(get_pid)\nstart() { eval start-stop-daemon --start --exec $command --pidfile $pidfile; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: start() runs `eval` on text only known at run time, which may hold the launch: `$(get_pid)`: a command substitution only runs when OpenRC starts the service",
        ],
    );
    // Known text is run: the call in it is the launch.
    check(
        "command=/usr/bin/foo\nstart() { eval start-stop-daemon --start --exec $command; }",
        &["start-stop-daemon call: start-stop-daemon --start --exec /usr/bin/foo"],
    );
}

#[test]
fn the_daemon_run_directly() {
    check("command=/usr/bin/foo\nstart() { $command -f; }", &["direct call: /usr/bin/foo -f"]);
    // The one command named like the service, when something says a daemon runs.
    check(
        "pidfile=/run/svc.pid\nstart() { mkdir -p /run/svc; /usr/sbin/svc --daemon; }",
        &["direct call: /usr/sbin/svc --daemon"],
    );
    check(
        "start() { /usr/sbin/svcd; }\nstop() { start-stop-daemon --stop --exec /usr/sbin/svcd; }",
        &["direct call: /usr/sbin/svcd"],
    );
}

#[test]
fn start_wrapping_default_start() {
    check(
        "command=/usr/bin/foo\nstart() {\n\tcheckpath -d /run/foo\n\tulimit -n 1024\n\tdefault_start\n}",
        &[
            "declarative",
            "shell: ulimit -n 1024",
            "decision launch: start() wraps default_start: compiled from command and friends",
        ],
    );
    check(
        "command=/usr/bin/foo\nstart() {\n\tcommand_args=-v\n\tdefault_start\n}",
        &[
            "declarative",
            "warning start_pre_assignment: `start` changes `command_args`, which is fixed in the service directory at compile time [compiled in as `-v`]",
            "decision launch: start() wraps default_start: compiled from command and friends",
        ],
    );
    // openrc-run tested required_dirs before start() ran: the value start() gives it is not used.
    check(
        "command=/usr/bin/foo\nstart() {\n\trequired_dirs=/var/lib/foo\n\tdefault_start\n}",
        &[
            "declarative",
            "warning start_pre_assignment: `start` changes `required_dirs`, which is fixed in the service directory at compile time [not what openrc-run tests: it tests the value from before any function runs]",
            "decision launch: start() wraps default_start: compiled from command and friends",
        ],
    );
    // start() sets command itself.
    check(
        "start() { command=/usr/bin/foo; default_start; }",
        &[
            "declarative",
            "warning start_pre_assignment: `start` changes `command`, which is fixed in the service directory at compile time [compiled in as `/usr/bin/foo`]",
            "decision launch: start() wraps default_start: compiled from command and friends",
        ],
    );
    check(
        "start() { default_start; }",
        &["nothing", "decision launch: start() wraps default_start: compiled from command and friends"],
    );
}

#[test]
fn several_launches_are_refused() {
    check(
        "start() {\n\tstart-stop-daemon --start --exec /a\n\tstart-stop-daemon --start --exec /b\n}",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: 2 daemon launches found",
        ],
    );
}

#[test]
fn conditional_launches() {
    check(
        "start() { if [ -f /etc/x ]; then start-stop-daemon --start --exec /a; fi; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: the daemon is started only under the condition `[ -f /etc/x ]`, which tests the running system",
        ],
    );
    // The condition quoted is the one the launch is under: the part before `&&`, the outer `if`
    // when the inner one's other way only fails; one on a variable names it.
    let refused = |cond: &str| {
        vec![
            "refused".to_string(),
            format!(
                "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: the daemon is started only {cond}"
            ),
        ]
    };
    let cases: &[(&str, &str)] = &[
        (
            "start() { [ -c /dev/rtc ] && start-stop-daemon --start --exec /a; }",
            "under the condition `[ -c /dev/rtc ]`, which tests the running system",
        ),
        (
            "M=$(cat /etc/m)\nstart() { if yesno \"$M\"; then start-stop-daemon --start --exec /a; fi; }",
            "under the condition `yesno \"$M\"`, which depends on `M`",
        ),
        (
            "M=$(cat /etc/m)\nstart() {\n\tif [ \"$M\" = a ]; then\n\t\tif [ -f /x ]; then start-stop-daemon --start --exec /a; else return 1; fi\n\tfi\n}",
            "under the condition `[ \"$M\" = a ]`, which depends on `M`",
        ),
        (
            "start() { while read -r l; do start-stop-daemon --start --exec /a; done < /etc/list; }",
            "in the loop `while read -r l`, which rc2s6 cannot unroll",
        ),
    ];
    for (script, cond) in cases {
        let want = refused(cond);
        check(script, &want.iter().map(String::as_str).collect::<Vec<_>>());
    }
    // The other way only fails: the start that matters is the one that launches.
    check(
        "start() {\n\tif [ -f /etc/x ]; then\n\t\tstart-stop-daemon --start --exec /a\n\telse\n\t\teerror missing\n\t\treturn 1\n\tfi\n}",
        &["start-stop-daemon call: start-stop-daemon --start --exec /a"],
    );
    check(
        "start() { [ -f /etc/x ] || { eerror missing; return 1; }; start-stop-daemon --start --exec /a; }",
        &["start-stop-daemon call: start-stop-daemon --start --exec /a"],
    );
    check(
        "start() {\n\tif [ -f /etc/x ]; then ulimit -n 10; fi\n\tstart-stop-daemon --start --exec /a\n}",
        &["start-stop-daemon call: start-stop-daemon --start --exec /a", "shell: ulimit -n 10 (conditional)"],
    );
}

#[test]
fn conditional_launch_help_names_what_decides_it() {
    let cases: &[(Option<&str>, &str)] = &[
        (None, "start the daemon unconditionally; move the checks into start_pre() and make it fail when they do"),
        (
            Some("[ -c /dev/rtc ]"),
            "start the daemon unconditionally; move the checks into start_pre() and make it fail when they do",
        ),
        (
            Some("[ \"$FOO\" = yes ]"),
            "set `FOO` in conf.d to a literal value to decide it, or start the daemon unconditionally; move the checks into start_pre() and make it fail when they do",
        ),
    ];
    for (cond, help) in cases {
        assert_eq!(conditional_launch(*cond, &|_| true).1, *help, "{cond:?}");
    }
    // A variable the script assigns itself: a conf.d value would not decide it.
    assert_eq!(
        conditional_launch(Some("[ \"$pid\" ]"), &|name| name != "pid").1,
        "start the daemon unconditionally; move the checks into start_pre() and make it fail when they do"
    );
}

#[test]
fn what_runs_before_and_after_the_launch() {
    check(
        "start() {\n\teerror 'edit /etc/svc.conf first'\n\tstart-stop-daemon --start --exec /a\n}",
        &[
            "start-stop-daemon call: start-stop-daemon --start --exec /a",
            "warning start_fails: with these files `start()` fails here, so OpenRC would not start the daemon",
        ],
    );
    check(
        "pidfile=/run/a.pid\nstart() {\n\tstart-stop-daemon --start --exec /a\n\trenice 5 /run/a.pid\n}",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: runs `renice` on the pidfile after starting the daemon",
        ],
    );
    check(
        "start() {\n\tstart-stop-daemon --start --exec /a\n\tudevadm settle\n}",
        &[
            "start-stop-daemon call: start-stop-daemon --start --exec /a",
            "decision launch: `udevadm` runs after the daemon starts; it stays in start() after default_start",
        ],
    );
}

#[test]
fn oneshots_and_daemons_left_running() {
    check("start() { ebegin x; sysctl -p /etc/sysctl.conf; eend $?; }", &["nothing"]);
    // A control program the daemon table does not know (those it knows: below).
    check(
        "start() { /usr/sbin/examplectl start; }\nstop() { /usr/sbin/examplectl stop; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: start() runs `examplectl start`, a control program that leaves a daemon running",
        ],
    );
    check(
        "start() { su ex -c 'examplectl start -D /x'; }\nstop() { su ex -c 'examplectl stop'; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: start() runs `su … examplectl start`, a control program that leaves a daemon running",
        ],
    );
    check(
        "pidfile=/run/x.pid\nstart() { /usr/bin/thing --go; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: start() leaves a daemon running: the script sets `pidfile`, but rc2s6 finds no launch it can compile",
        ],
    );
    check(
        "start() { /usr/bin/thing --go; }\nstop() { killall thing; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: start() leaves a daemon running: stop() ends it with `killall`",
        ],
    );
    check(
        "start() { /usr/bin/thing; }\nstop() { rm -f /var/run/thing.pid; }",
        &[
            "refused",
            "error custom_start: `start()` is overridden and does not launch the daemon in a way rc2s6 can compile: start() runs no launch rc2s6 can compile, yet the script refers to a pidfile: a daemon is probably left running",
        ],
    );
}

/// A control program start() runs itself that the daemon table knows is refused as one, with the
/// table's word on what to run instead (issue 12 §3): directly, and inside `su -c "…"`.
#[test]
fn a_control_program_the_table_knows_says_what_to_run_instead() {
    let cases = [
        (
            "start() { /usr/sbin/postfix start; }\nstop() { /usr/sbin/postfix stop; }",
            "postfix start",
            "`postfix start-fg`",
        ),
        (
            "start() { su pg -c 'pg_ctl start -D /x'; }\nstop() { su pg -c 'pg_ctl stop'; }",
            "pg_ctl start",
            "`postgres -D DATADIR`",
        ),
        (
            "start() { ejabberdctl start; }\nstop() { ejabberdctl stop; }",
            "ejabberdctl start",
            "`ejabberdctl foreground`",
        ),
    ];
    for (script, program, instead) in cases {
        let files = files("", &format!("#!/sbin/openrc-run\n{script}"));
        let mut p = prepare(&files.inputs());
        let found = find_prepared(&mut p, &files);
        assert!(matches!(found, Found::Refused), "{script}");
        let [d] = p.service.diagnostics.as_slice() else { panic!("{script}: {:?}", p.service.diagnostics) };
        let ModelError::ControlProgram { program: named, help, .. } = &d.error else { panic!("{script}: {d:?}") };
        assert_eq!(named, program, "{script}");
        assert!(help.contains(instead), "{script}: {help}");
    }
}
