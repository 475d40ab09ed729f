//! `command_user` with ids OpenRC computes each time it starts the service
//! (`"$(id -u U):$(id -g U)"`, Alpine's 3proxy) or writes as numbers: the process the script
//! starts as written under the real OpenRC 0.63.3 (supervise-daemon and start-stop-daemon) and
//! the one rc2s6's run script starts under s6 2.15 (`--openrc 0.63.3`, migrated), in one
//! namespace (`support::openrc063`), have the same uid, gid, supplementary groups (from
//! /proc/PID/status) and environment (/proc/PID/environ).
//!
//! The accounts make every rule of start-stop-daemon's lookup visible (start-stop-daemon.c:
//! 496-534 and supervise-daemon.c:1045-1083 at 0.63.3): groups that list the user's *name* and
//! groups that list its *number* (`getgrouplist(changeuser, …)` is given the text of the user
//! part), a uid two passwd entries share (`getpwuid` takes the first: USER and HOME are that
//! entry's), a home directory with a blank.

mod support;

use std::collections::BTreeMap;

use support::openrc063::{self, Options, Sandbox};

/// The accounts added to the namespace's /etc/passwd and /etc/group (its root is an overlay).
const ACCOUNTS: &str = r#"cat >> /etc/passwd <<'EOF'
lookup:x:20001:20002:Lookup:/home/look up:/bin/sh
first:x:20011:20012:First of two:/home/first:/bin/sh
second:x:20011:20013:Second of two:/home/second:/bin/sh
EOF
cat >> /etc/group <<'EOF'
lookup:x:20002:
firstg:x:20012:
secondg:x:20013:
byname:x:20003:lookup,second
bynumber:x:20004:20001,20011
both:x:20005:lookup,20001
EOF
"#;

/// A script that starts `/bin/sleep ARG` as `user` under `supervisor`.
fn script(supervisor: &str, user: &str, arg: u32) -> String {
    let bg =
        if supervisor == "supervise-daemon" { "" } else { "command_background=yes\npidfile=/run/${RC_SVCNAME}.pid\n" };
    format!(
        "#!/sbin/openrc-run\nsupervisor={supervisor}\ncommand=/bin/sleep\ncommand_args={arg}\n{bg}command_user=\"{user}\"\nexport FROM_SCRIPT=yes\n"
    )
}

/// What the comparison reads of a process.
#[derive(Debug, PartialEq)]
struct Process {
    /// The Uid, Gid and Groups lines of /proc/PID/status.
    ids: Vec<String>,
    /// /proc/PID/environ.
    env: BTreeMap<String, String>,
}

/// The process the script started as written (`asis`, a `sleep` whose parent is not
/// s6-supervise) and rc2s6's (`migrated`), for each case `(name, supervisor, user)`.
fn processes(cases: &[(&str, &str, &str)]) -> Option<Vec<(Process, Process, String)>> {
    let p = openrc063::ready()?;
    let s = Sandbox::new(&p);
    let mut body = String::from(ACCOUNTS);
    for (i, (name, supervisor, user)) in cases.iter().enumerate() {
        let arg = 2000 + i as u32;
        let text = script(supervisor, user, arg);
        s.original(&format!("{name}-asis"), &text, None);
        s.original(&format!("{name}-migrated"), &text, None);
        body.push_str(&format!(
            "\"$RC2S6\" \"$SANDBOX/originals/init.d/{name}-migrated\" -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile-{name}=$?\"\n\
             install -m 755 \"$SANDBOX/originals/init.d/{name}-asis\" /etc/init.d/{name}-asis\n\
             rc-service {name}-asis start; echo \"@@start-asis-{name}=$?\"\n\
             rc-service {name}-migrated start; echo \"@@start-migrated-{name}=$?\"\n\
             wait_exec {name}-migrated /bin/sleep\n\
             m=$(svpid {name}-migrated)\n\
             for p in $(pgrep -x -f '/bin/sleep {arg}'); do [ \"$p\" != \"$m\" ] && a=$p; done\n\
             for w in asis:$a migrated:$m; do\n\
               grep -E '^(Uid|Gid|Groups):' /proc/${{w#*:}}/status > \"$SANDBOX/kept/{name}-${{w%%:*}}.status\"\n\
               cp /proc/${{w#*:}}/environ \"$SANDBOX/kept/{name}-${{w%%:*}}.env\"\n\
             done\n"
        ));
    }
    let r = s.run(&body, Options::default());
    let mut out = Vec::new();
    for (name, _, _) in cases {
        for step in ["compile", "start-asis", "start-migrated"] {
            assert_eq!(r.get(&format!("{step}-{name}")), "0", "{name}: {step}\n{}", r.text);
        }
        let read = |side: &str| Process {
            ids: s
                .kept(&format!("{name}-{side}.status"))
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect(),
            env: s
                .kept(&format!("{name}-{side}.env"))
                .split('\0')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let (asis, migrated) = (read("asis"), read("migrated"));
        assert_eq!(asis.ids.len(), 3, "{name}: no process started as written\n{}", r.text);
        out.push((asis, migrated, r.text.clone()));
    }
    Some(out)
}

/// 3proxy's value under supervise-daemon and start-stop-daemon, the user alone, numbers, a
/// shared uid: the same ids, groups and environment under OpenRC and under s6.
#[test]
fn the_daemon_runs_as_openrc_looks_the_account_up() {
    let cases = [
        ("proxy", "supervise-daemon", "$(id -u lookup):$(id -g lookup)"),
        ("ssd", "", "$(id -u lookup):$(id -g lookup)"),
        ("alone", "", "$(id -u lookup)"),
        ("numbers", "supervise-daemon", "20011:20002"),
        ("shared", "", "$(id -u second)"),
        ("named", "", "lookup:$(id -g second)"),
    ];
    let Some(got) = processes(&cases) else { return };
    for ((name, _, user), (asis, migrated, text)) in cases.iter().zip(&got) {
        assert_eq!(asis.ids, migrated.ids, "{name} ({user}): ids and groups differ\n{text}");
        assert_eq!(asis.env, migrated.env, "{name} ({user}): environments differ\n{text}");
    }
    // What OpenRC did, so that the comparison is not of two equal mistakes.
    let ids = |name: &str| &got[cases.iter().position(|c| c.0 == name).unwrap()].0;
    assert_eq!(
        ids("proxy").ids,
        ["Uid: 20001 20001 20001 20001", "Gid: 20002 20002 20002 20002", "Groups: 20002 20004 20005"]
    );
    assert_eq!(ids("proxy").env.get("HOME").map(String::as_str), Some("/home/look up"));
    // The first passwd entry with the uid gives USER and HOME; the number's groups.
    assert_eq!(ids("shared").env.get("USER").map(String::as_str), Some("first"));
    assert_eq!(ids("shared").ids[2], "Groups: 20004 20012");
    // A name keeps its own memberships.
    assert_eq!(ids("named").ids[1..], ["Gid: 20013 20013 20013 20013", "Groups: 20003 20005 20013"]);
}

/// An account that does not exist: `id` prints nothing, OpenRC looks up `:` and fails the start;
/// the run script says why in the log and starts nothing. Once the account exists the service
/// comes up with it (s6-supervise runs the run script again every second; the lookup is made
/// at each start, as OpenRC makes it at each start).
#[test]
fn a_missing_account_fails_the_start_until_it_exists() {
    let Some(p) = openrc063::ready() else { return };
    let s = Sandbox::new(&p);
    let text = script("supervise-daemon", "$(id -u late):$(id -g late)", 2100);
    s.original("late-asis", &text, None);
    s.original("late-migrated", &text, None);
    let body = "\"$RC2S6\" \"$SANDBOX/originals/init.d/late-migrated\" -o /var/svc.d --no-conf-dir --no-rc-conf --openrc \"$OPENRC\" --initd-out /etc/init.d --color never; echo \"@@compile=$?\"\n\
         install -m 755 \"$SANDBOX/originals/init.d/late-asis\" /etc/init.d/late-asis\n\
         rc-service late-asis start > \"$SANDBOX/kept/asis.out\" 2>&1; echo \"@@start-asis=$?\"\n\
         rc-service late-migrated start > /dev/null 2>&1\n\
         sleep 2\n\
         echo \"@@sleeping=$(pgrep -x -f '/bin/sleep 2100' | wc -l)\"\n\
         cp /var/log/late-migrated/current \"$SANDBOX/kept/log\"\n\
         echo 'late:x:20021:20022::/home/late:/bin/sh' >> /etc/passwd\n\
         echo 'late:x:20022:' >> /etc/group\n\
         wait_exec late-migrated /bin/sleep\n\
         grep -E '^(Uid|Gid):' /proc/$(svpid late-migrated)/status > \"$SANDBOX/kept/ids\"\n";
    let r = s.run(body, Options::default());
    assert_eq!(r.get("compile"), "0", "{}", r.text);
    assert_ne!(r.get("start-asis"), "0", "OpenRC started it: {}", s.kept("asis.out"));
    assert!(s.kept("asis.out").contains("user `' not found"), "{}", s.kept("asis.out"));
    assert_eq!(r.get("sleeping"), "0", "a daemon runs without its account\n{}", r.text);
    assert!(
        s.kept("log")
            .contains("rc2s6: not starting: `id -u late' printed nothing: OpenRC looks the empty name up and fails"),
        "log: {}",
        s.kept("log")
    );
    let ids: Vec<String> = s.kept("ids").lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(ids, ["Uid: 20021 20021 20021 20021", "Gid: 20022 20022 20022 20022"], "{}", r.text);
}
