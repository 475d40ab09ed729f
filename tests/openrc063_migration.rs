//! Scripts whose own functions still use `command`, migrated for the real OpenRC 0.63.3 + s6 2.15
//! (`support::openrc063`). OpenRC 0.63.1+ links /var/svc.d/$name only when `command` is empty
//! inside `s6_start` (`_s6_have_legacy_servicedir`, sh/s6.sh of 0.63.3), which runs in the same
//! shell as start_pre(), start() and start_post() (openrc-run.sh). Migration keeps `command` and
//! turns each call that reaches `s6_start` into `command="" default_start`; where the script has
//! no start(), it adds one that does that.
//!
//! Each script here checks `command` in start_pre() (`[ -x "$command" ] || return 1`: an empty
//! `command` fails the start) and writes what start_post() sees into a file: the assignment before
//! `default_start` holds only while it runs, so start_post() still has the daemon's path. The link
//! OpenRC makes must be the one `rc2s6 verify` predicted; compiling the migrated scripts again
//! must keep their directories (they are rc2s6's own), and verify must still agree.
//!
//! One namespace for the three scripts, about 10 s.

mod support;

use support::openrc063::{self, Options, Sandbox};

/// start_pre() and start_post() as each script has them.
const HOOKS: &str = "start_pre() {\n\t[ -x \"$command\" ] || return 1\n}\n\nstart_post() {\n\techo \"$command\" > @SANDBOX@/kept/$RC_SVCNAME.post\n}\n";

/// A script without start(): OpenRC's own calls default_start.
fn plain() -> String {
    format!(
        "#!/sbin/openrc-run\ncommand=@TESTD@\ncommand_args=--plain\ncommand_background=yes\npidfile=/run/plain.pid\n\n{HOOKS}"
    )
}

/// A start() that wraps default_start.
fn wraps() -> String {
    format!(
        "#!/sbin/openrc-run\ncommand=@TESTD@\ncommand_args=--wraps\ncommand_background=yes\npidfile=/run/wraps.pid\n\n{HOOKS}\nstart() {{\n\tebegin \"Starting wraps its own way\"\n\tdefault_start\n\teend $?\n}}\n"
    )
}

/// A start() that launches the daemon itself with `$command`.
fn custom() -> String {
    format!(
        "#!/sbin/openrc-run\ncommand=@TESTD@\npidfile=/run/custom.pid\n\n{HOOKS}\nstart() {{\n\tebegin \"Starting custom\"\n\tstart-stop-daemon --start --background --make-pidfile --pidfile \"$pidfile\" \\\n\t\t--exec \"$command\" -- --custom\n\teend $?\n}}\n"
    )
}

const NAMES: &[&str] = &["plain", "wraps", "custom"];

#[test]
fn a_command_still_used_is_emptied_only_for_the_s6_start() {
    let Some(p) = openrc063::ready() else { return };
    let s = Sandbox::new(&p);
    for (name, script) in NAMES.iter().zip([plain(), wraps(), custom()]) {
        s.original(name, &script, None);
    }
    let verify = |tag: &str, live: bool| {
        format!(
            "\"$RC2S6\" verify /etc/init.d/plain /etc/init.d/wraps /etc/init.d/custom -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --color never{} > \"$SANDBOX/kept/{tag}.out\" 2>&1; echo \"@@{tag}=$?\"\n",
            if live { " --scan-dir /run/openrc/s6-scan" } else { "" }
        )
    };
    let mut body = String::from(
        "\"$RC2S6\" \"$SANDBOX\"/originals/init.d/* -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never > \"$SANDBOX/kept/compile.out\" 2>&1; echo \"@@compile=$?\"\n\
         for n in plain wraps custom; do cp /etc/init.d/$n \"$SANDBOX/kept/$n.migrated\"; done\n",
    );
    body.push_str(&verify("predict", false));
    body.push_str(
        "sed -n 's|^\\([^:]*\\): \\(/run/openrc/s6-scan/.*\\)$|@@predicted-\\1=\\2|p' \"$SANDBOX/kept/predict.out\"\n",
    );
    body.push_str(
        "for n in plain wraps custom; do\n\
         \trc-service $n start > \"$SANDBOX/kept/start-$n.out\" 2>&1; echo \"@@start-$n=$?\"\n\
         \twait_argv $n \"--$n\"\n\
         \techo \"@@link-$n=/run/openrc/s6-scan/$n -> $(readlink /run/openrc/s6-scan/$n)\"\n\
         \techo \"@@argv-$n=$(tr '\\0' ' ' < /proc/$(svpid $n)/cmdline)\"\n\
         done\n",
    );
    body.push_str(&verify("live", true));
    // Compiled again, the migrated scripts keep the directories they run from.
    body.push_str(
        "\"$RC2S6\" /etc/init.d/plain /etc/init.d/wraps /etc/init.d/custom -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --color never > \"$SANDBOX/kept/again.out\" 2>&1; echo \"@@again=$?\"\n\
         for n in plain wraps custom; do [ -x /var/svc.d/$n/run ] && echo \"@@kept-$n=yes\" || echo \"@@kept-$n=no\"; done\n",
    );
    body.push_str(&verify("after", true));
    body.push_str(
        "for n in plain wraps custom; do\n\
         \trc-service $n stop > \"$SANDBOX/kept/stop-$n.out\" 2>&1; echo \"@@stop-$n=$?\"\n\
         \techo \"@@gone-$n=$(readlink /run/openrc/s6-scan/$n)\"\n\
         done\n",
    );
    let r = s.run(&s.fill(&body), Options::default());
    let compile = s.kept("compile.out");
    assert_eq!(r.get("compile"), "0", "{compile}\n{}", r.text);
    assert!(!compile.contains("command_still_used"), "{compile}");
    // What migration wrote.
    let plain = s.kept("plain.migrated");
    assert!(plain.contains("start() {\n\tcommand=\"\" default_start\n}\n"), "{plain}");
    assert!(plain.contains("\ncommand="), "`command` is kept:\n{plain}");
    assert!(s.kept("wraps.migrated").contains("\tcommand=\"\" default_start\n"), "{}", s.kept("wraps.migrated"));
    let custom = s.kept("custom.migrated");
    assert!(custom.contains("\tcommand=\"\" default_start\n\teend $?\n"), "{custom}");
    assert!(!custom.contains("start-stop-daemon --start"), "{custom}");
    assert_eq!(r.get("predict"), "0", "{}", s.kept("predict.out"));
    let testd = s.testd().display().to_string();
    for n in NAMES {
        let start = s.kept(&format!("start-{n}.out"));
        assert_eq!(r.get(&format!("start-{n}")), "0", "{n}: {start}\n{}", r.text);
        assert!(start.contains("(via user-provided service directory)"), "{n}: {start}");
        let link = r.get(&format!("link-{n}"));
        assert_eq!(link, format!("/run/openrc/s6-scan/{n} -> /var/svc.d/{n}"), "{n}: {}", r.text);
        assert_eq!(r.get(&format!("predicted-{n}")), link, "{n}: verify predicted another link");
        assert!(r.get(&format!("argv-{n}")).contains(&format!("{testd} --{n}")), "{n}: {}", r.text);
        // start_pre() passed with `command` set; start_post() still had it.
        assert_eq!(s.kept(&format!("{n}.post")).trim(), testd, "{n}: start_post() saw another `command`");
        assert_eq!(r.get(&format!("stop-{n}")), "0", "{n}: {}", s.kept(&format!("stop-{n}.out")));
        assert_eq!(r.get(&format!("gone-{n}")), "", "{n}: still linked after the stop");
        assert_eq!(
            r.get(&format!("kept-{n}")),
            "yes",
            "{n}: compiling the migrated script again removed its directory:\n{}",
            s.kept("again.out")
        );
    }
    assert_eq!(r.get("live"), "0", "{}", s.kept("live.out"));
    assert_eq!(r.get("again"), "0", "{}", s.kept("again.out"));
    assert_eq!(r.get("after"), "0", "{}", s.kept("after.out"));
}
