//! A service whose daemon's argv or environment is set under tests of the running system
//! (`[ -c /dev/rtc ] && command_args="$command_args -s"`): OpenRC makes each test when it loads
//! or starts the service, before the daemon starts, and so can the run script. When such tests
//! alone keep a service from being converted, it is worked out once per answer of each ("world",
//! an [`Oracle`] answering the interpreter), and converted only when every world converts and the
//! worlds differ only in the daemon's argv (its program too: guix-daemon's
//! `[ ! -x "$command" ] && command=/usr/bin/guix-daemon`) and environment; the run script makes
//! the tests and execs the launch of the world they select ([`WorldTree`]). Each world's daemon
//! is built from its own program, what the daemon table knows of it included; everything else
//! about the service must be the same in every world ([`difference`]).
//!
//! s6 runs `run` again at each restart, so the tests are made again then, where supervise-daemon
//! reuses the argv of its first start: the decision says so, as for values computed at start.

use std::collections::BTreeMap;

use super::error::{ModelDiagnostic, ModelError};
use super::service::{Daemon, Decision, Service, ServiceKind, Setting};
use super::trace::{Touch, Touches};
use super::{ModelOptions, ServiceInputs, build_once, is_error};
use crate::core::file_name::basename;
use crate::core::source::Span;
use crate::eval::at_start::has_marker;
use crate::eval::system_test::{Oracle, SystemTest};
use crate::eval::value::Loc;
use crate::openrc::einfo::MESSAGE_PROGRAMS;

/// At most this many tests: 2^3 analyses of one service.
const MAX_TESTS: usize = 3;

/// The tests a daemon's launch depends on, and which launch each answer selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemWorlds {
    /// The tests, in the order the script makes them.
    pub tests: Vec<SystemTest>,
    /// Which argv and environment each answer selects.
    pub tree: WorldTree,
}

impl SystemWorlds {
    /// The programs the launches run, each once, in the tree's order.
    pub fn programs(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.tree.programs(&mut out);
        out
    }
}

impl WorldTree {
    fn programs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            WorldTree::Launch { argv, .. } => {
                if let Some(p) = argv.first().filter(|p| !out.contains(&p.as_str())) {
                    out.push(p);
                }
            }
            WorldTree::Test { then, otherwise, .. } => {
                then.programs(out);
                otherwise.programs(out);
            }
        }
    }
}

/// A decision tree over [`SystemWorlds::tests`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldTree {
    /// The daemon's argv and environment.
    Launch {
        /// The argv.
        argv: Vec<String>,
        /// The environment, sorted by name.
        env: Vec<(String, String)>,
    },
    /// Test `test` (an index into the tests): `then` when it succeeds, else `otherwise`.
    Test {
        /// The test's index.
        test: usize,
        /// When it succeeds.
        then: Box<WorldTree>,
        /// When it fails.
        otherwise: Box<WorldTree>,
    },
}

/// One analysis: the service, the tests of the running system met, what start_pre() and start()
/// touched.
pub(super) struct Once {
    pub service: Service,
    pub met: Vec<SystemTest>,
    pub touches: Vec<Touch>,
}

/// The service, in worlds when tests of the running system alone keep it from being converted.
pub(super) fn build(inputs: &ServiceInputs, options: &ModelOptions) -> Service {
    // Copies of the oracle share what it records: the tests the files declined too.
    let oracle = Oracle::default();
    // Only the analyses in worlds look at what was touched.
    let once = build_once(inputs, options, &oracle, Touches::Skip);
    let tests = match blocking_tests(&once) {
        Ok(tests) => tests,
        Err(why) => {
            // A grep declined for its pattern says so; a test the run script could make says
            // what else keeps the service from converting.
            let mut places = oracle.declined();
            places.extend(why.into_iter().flat_map(|w| once.met.iter().map(move |t| (t.loc, w.clone()))));
            return with_why(once.service, &places);
        }
    };
    match in_worlds(inputs, options, &tests) {
        Ok(service) => service,
        Err(why) => {
            let why = format!("the run script cannot make this test itself: {why}");
            with_why(once.service, &tests.iter().map(|t| (t.loc, why.clone())).collect::<Vec<_>>())
        }
    }
}

/// The service refused as it was, each `unknowable_value` on a test the run script could not
/// make saying why it does not (the first of `why`'s places inside its label).
fn with_why(mut service: Service, why: &[(Loc, String)]) -> Service {
    for d in &mut service.diagnostics {
        if let ModelError::UnknowableValue { span, help, .. } = &mut d.error {
            let Span { start, end } = Span::from(*span);
            let inside = |(l, _): &&(Loc, String)| l.file == d.file && l.span.start >= start && l.span.end <= end;
            if let Some((_, why)) = why.iter().find(inside) {
                *help = format!("{why}; {help}");
            }
        }
    }
    service
}

/// The tests that the service's only errors (`unknowable_value`, each under a condition) are
/// conditional on; `Err` unless every error has some, there are at most [`MAX_TESTS`], and each
/// place makes one test, with why when the tests met could otherwise have been made.
fn blocking_tests(once: &Once) -> Result<Vec<SystemTest>, Option<String>> {
    use crate::core::diagnostic::Coded;
    if once.service.kind != ServiceKind::NotConverted || once.met.is_empty() {
        return Err(None);
    }
    let mut tests: Vec<SystemTest> = Vec::new();
    for d in once.service.diagnostics.iter().filter(|d| is_error(&d.error)) {
        let other = || {
            Some(format!(
                "the run script would make this test, but `{}` keeps the service from being converted too",
                d.error.code().name()
            ))
        };
        let ModelError::UnknowableValue { span, .. } = &d.error else { return Err(other()) };
        let Span { start, end } = Span::from(*span);
        let inside = |t: &&SystemTest| t.loc.file == d.file && t.loc.span.start >= start && t.loc.span.end <= end;
        let under: Vec<&SystemTest> = once.met.iter().filter(inside).collect();
        if under.is_empty() {
            return Err(other());
        }
        for t in under {
            if !tests.contains(t) {
                tests.push(t.clone());
            }
        }
    }
    // In the order the script makes them (each is a pure test: the order changes no answer).
    tests.sort();
    if tests.len() > MAX_TESTS {
        return Err(Some(format!(
            "the run script cannot make this test itself: the service depends on {} such tests, more than the {MAX_TESTS} it makes",
            tests.len()
        )));
    }
    let one_each = tests.iter().all(|t| tests.iter().filter(|u| u.loc == t.loc).count() == 1);
    if tests.is_empty() || !one_each {
        return Err(None);
    }
    Ok(tests)
}

/// The service worked out in each world, if every world converts, nothing before the launch can
/// change what is tested, and the worlds differ in the daemon's argv and environment alone.
fn in_worlds(inputs: &ServiceInputs, options: &ModelOptions, tests: &[SystemTest]) -> Result<Service, String> {
    let mut worlds: Vec<Service> = Vec::new();
    for mask in 0..(1usize << tests.len()) {
        let answers: BTreeMap<_, _> = tests.iter().enumerate().map(|(i, t)| (t.loc, mask & (1 << i) != 0)).collect();
        let once = build_once(inputs, options, &Oracle::assuming(answers), Touches::Keep);
        for t in tests {
            if let Some(program) = touched(&once.touches, t.path()) {
                return Err(format!(
                    "`{program}`, run between the test and the launch, may change `{}`",
                    t.path().escape_debug()
                ));
            }
        }
        if let Some(why) = not_converted(&once.service) {
            return Err(format!("for some answer of the tests {why}"));
        }
        worlds.push(once.service);
    }
    let Some(base) = worlds.first() else { return Err(String::new()) };
    if let Some(what) = worlds.iter().find_map(|w| difference(base, w)) {
        return Err(format!("the answers change {what}, not only the daemon's program, arguments and environment"));
    }
    let launches: Vec<&Daemon> = worlds.iter().filter_map(|w| w.daemon.as_ref()).collect();
    let programs = launches.iter().any(|l| l.argv.first() != launches[0].argv.first());
    let tree = tree(&launches, 0, 0, 0, tests.len());
    let Some(mut service) = merged(worlds) else { return Err(String::new()) };
    service.decisions.push(decision(tests, programs));
    if let Some(d) = service.daemon.as_mut() {
        d.system_worlds = Some(SystemWorlds { tests: tests.to_vec(), tree });
    }
    Ok(service)
}

/// Why one world's service is not converted, if it is not.
fn not_converted(service: &Service) -> Option<String> {
    use crate::core::diagnostic::Coded;
    if let Some(d) = service.diagnostics.iter().find(|d| is_error(&d.error)) {
        return Some(format!("`{}` keeps the service from being converted", d.error.code().name()));
    }
    match &service.daemon {
        _ if service.kind != ServiceKind::Longrun => Some("there is no daemon to supervise".into()),
        Some(d) if !has_at_start(d) => None,
        Some(_) => Some("the daemon's words hold a value computed at start, which is not made with such tests".into()),
        None => Some("there is no daemon to supervise".into()),
    }
}

/// Where a diagnostic's first label points.
fn first_label(e: &ModelError) -> Option<(usize, usize)> {
    use miette::Diagnostic;
    e.labels()?.next().map(|l| (l.offset(), l.len()))
}

/// Whether the daemon's words hold a value computed at start (not combined with worlds yet).
fn has_at_start(d: &Daemon) -> bool {
    d.argv.iter().chain(d.env.iter().map(|(_, v)| v)).any(|w| has_marker(w))
}

/// The first world, with every world's diagnostics and decisions (each once: a diagnostic of
/// the same code at the same place is the same finding, whatever value its label shows). That
/// start_pre() or start() changes the daemon's arguments in some worlds only is what the run
/// script's tests decide, not a value fixed at compile time: not said again.
fn merged(worlds: Vec<Service>) -> Option<Service> {
    use crate::core::diagnostic::Coded;
    let mut it = worlds.into_iter();
    let mut base = it.next()?;
    for w in it {
        for d in w.diagnostics {
            let same = |e: &ModelDiagnostic| {
                e.file == d.file && e.error.code() == d.error.code() && first_label(&e.error) == first_label(&d.error)
            };
            if !matches!(d.error, ModelError::StartPreAssignment { .. }) && !base.diagnostics.iter().any(same) {
                base.diagnostics.push(d);
            }
        }
        for d in w.decisions {
            if !base.decisions.contains(&d) {
                base.decisions.push(d);
            }
        }
    }
    Some(base)
}

/// What two worlds make differently, besides the daemon's program, arguments and environment
/// (`None`: nothing else). Each world's daemon was built from its own program (the daemon
/// table's kind and foreground knowledge are looked up per world): what that decides about the
/// daemon (fghack, readiness, its argv\[0\]) is compared here with the rest of its settings.
fn difference(a: &Service, b: &Service) -> Option<&'static str> {
    let d = |s: &Service| s.daemon.clone().map(|d| Daemon { argv: Vec::new(), env: Vec::new(), ..d });
    let (da, db) = (d(a), d(b));
    let field = |f: &dyn Fn(&Daemon) -> String| da.as_ref().map(f) != db.as_ref().map(f);
    // The logger gets the daemon's environment (`backend::s6`'s log/run): it may not differ then.
    let logger_env = |s: &Service| s.daemon.as_ref().filter(|d| d.logger.is_some()).map(|d| d.env.clone());
    // `command` is the program: its value may differ, not whether it is set (OpenRC's s6 backend
    // and verify read only that, and where).
    let settings = |m: &BTreeMap<String, Setting>| {
        m.iter()
            .map(|(k, v)| (k.clone(), if k == "command" { v.value.is_empty().to_string() } else { v.value.clone() }))
            .collect::<Vec<_>>()
    };
    let checks: [(&'static str, bool); 17] = [
        ("the user it runs as", field(&|d| format!("{:?}", d.user))),
        ("its argv[0]", field(&|d| format!("{:?}", d.argv0))),
        ("its foreground handling (s6-fghack)", field(&|d| d.fghack.to_string())),
        ("its readiness", field(&|d| format!("{:?}", d.notification_fd))),
        ("its logger", field(&|d| format!("{:?} {:?} {:?}", d.logger, d.stdout_logger, d.stderr_logger))),
        (
            "its output files",
            field(&|d| format!("{:?} {:?} {:?} {:?}", d.stdin, d.stdout, d.stderr, d.shell_redirects)),
        ),
        ("its working directory", field(&|d| format!("{:?}", d.directory))),
        (
            "its root directory, umask, nice level or limits",
            field(&|d| format!("{:?} {:?} {:?} {:?}", d.chroot, d.umask, d.nice, d.limits)),
        ),
        ("the daemon's other settings", da != db),
        ("the environment its logger gets", logger_env(a) != logger_env(b)),
        ("the dependencies", a.dependencies != b.dependencies),
        ("the supervisor", a.supervisor != b.supervisor),
        (
            "s6_service_path or s6_svwait_options_start",
            (&a.s6_service_path, &a.svwait_options_start) != (&b.s6_service_path, &b.svwait_options_start),
        ),
        (
            "the readiness timeout or the description",
            (a.ready_timeout_ms, &a.description) != (b.ready_timeout_ms, &b.description),
        ),
        ("where start() launches the daemon", a.custom_launch != b.custom_launch),
        ("the backend calls of start() and stop()", a.backend_calls != b.backend_calls),
        (
            "a setting OpenRC's s6 backend reads",
            settings(&a.settings) != settings(&b.settings)
                || settings(&a.settings_at_start) != settings(&b.settings_at_start),
        ),
    ];
    checks.into_iter().find(|(_, differs)| *differs).map(|(what, _)| what)
}

/// The tree over tests `depth..n` of the worlds whose answers to the tests of the bits `fixed`
/// are those of `prefix` (world `m` answers test `i` with bit `i` of `m`). A test whose answer
/// selects the same launch among those worlds is not made.
fn tree(launches: &[&Daemon], depth: usize, fixed: usize, prefix: usize, n: usize) -> WorldTree {
    let same = |a: usize, b: usize| launches[a].argv == launches[b].argv && launches[a].env == launches[b].env;
    let under: Vec<usize> = (0..launches.len()).filter(|m| m & fixed == prefix).collect();
    let first = under[0];
    if depth == n || under.iter().all(|&m| same(m, first)) {
        return WorldTree::Launch { argv: launches[first].argv.clone(), env: launches[first].env.clone() };
    }
    let bit = 1 << depth;
    if under.iter().all(|&m| same(m, m ^ bit)) {
        return tree(launches, depth + 1, fixed, prefix, n);
    }
    WorldTree::Test {
        test: depth,
        then: Box::new(tree(launches, depth + 1, fixed | bit, prefix | bit, n)),
        otherwise: Box::new(tree(launches, depth + 1, fixed | bit, prefix, n)),
    }
}

/// What the manifest says of the tests.
fn decision(tests: &[SystemTest], programs: bool) -> Decision {
    let list: Vec<String> = tests.iter().map(|t| format!("`{}`", t.display())).collect();
    Decision {
        topic: "runtime test".into(),
        choice: format!(
            "{} {} the daemon's {}arguments or environment: the run script tests as OpenRC does, as root, each time it starts (so at every restart, where supervise-daemon respawns with its first start's arguments), and execs the launch selected",
            list.join(", "),
            if tests.len() == 1 { "decides" } else { "decide" },
            if programs { "program, " } else { "" }
        ),
        loc: tests.first().map(|t| t.loc),
    }
}

/// Whether a command start_pre() or start() runs may create, remove or replace `path` between
/// OpenRC's test and the launch: a word that cannot be known, a pattern, the path, a directory
/// above or below it, or a relative word holding its name. Messages and read-only commands are
/// passed over; the launch itself is not a touch. Making a directory above the path, or changing
/// its owner or mode, changes no answer (root's `-r`/`-w`/`-x` do not look at the directories
/// above: POSIX `access()`, and root passes their search permission).
fn touched(touches: &[Touch], path: &str) -> Option<String> {
    let name = basename(path);
    let related = |w: &str, above_harmless: bool| {
        if w.contains(['*', '?', '[']) {
            return true;
        }
        let abs = if w.starts_with('/') { Some(w) } else { w.find("=/").map(|i| &w[i + 1..]) };
        match abs {
            Some(p) => {
                let p = p.trim_end_matches('/');
                p == path
                    || (!above_harmless && path.starts_with(&format!("{p}/")))
                    || p.starts_with(&format!("{path}/"))
            }
            None => !name.is_empty() && w.contains(name),
        }
    };
    touches.iter().find_map(|t| {
        let base = t.words.first().map(|w| basename(w)).unwrap_or("");
        if READ_ONLY.contains(&base) || MESSAGE_PROGRAMS.contains(&base) {
            return None;
        }
        // Any other program may write where it likes: rc2s6 cannot see what it does.
        let operands_only = FILE_OPERATIONS.contains(&base) || base.starts_with('>') || base == "<>";
        let recursive = t
            .words
            .iter()
            .skip(1)
            .any(|w| w == "--recursive" || (w.starts_with('-') && !w.starts_with("--") && w.contains('R')));
        let above_harmless = ABOVE_HARMLESS.contains(&base) && !recursive;
        let touches = !operands_only || t.unknowable || t.words.iter().skip(1).any(|w| related(w, above_harmless));
        touches.then(|| base.chars().filter(|c| !c.is_control()).take(40).collect())
    })
}

/// File operations that change nothing below a directory they name (without `-R`).
const ABOVE_HARMLESS: &[&str] = &["checkpath", "mkdir", "touch", "chown", "chgrp", "chmod"];

/// Commands that print, test, read, or change only the shell's own state or OpenRC's (their
/// redirections are touches of their own), besides OpenRC's messages ([`MESSAGE_PROGRAMS`]).
const READ_ONLY: &[&str] = &[
    "echo",
    "printf",
    "test",
    "[",
    "yesno",
    "sleep",
    "service_get_value",
    "local",
    "return",
    "true",
    "false",
    ":",
    "grep",
    "cat",
    "id",
    "getent",
    "command",
    "type",
    "which",
    "basename",
    "dirname",
    "cd",
    "umask",
    "ulimit",
    "export",
    "unset",
    "shift",
    "set",
];

/// Commands that create, change or remove only the files their operands name (coreutils,
/// busybox, OpenRC's checkpath).
const FILE_OPERATIONS: &[&str] =
    &["checkpath", "mkdir", "rmdir", "touch", "rm", "ln", "cp", "mv", "install", "chown", "chmod", "chgrp", "sed"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::files;

    /// The script converted: each test's operands, and the tree as `test ? then : else` over the
    /// daemon's arguments (without the program) and environment names; `None` when refused.
    fn worlds(script: &str) -> Option<(Vec<String>, String)> {
        let f = files("", &format!("#!/sbin/openrc-run\ncommand=/usr/bin/d\ncommand_background=yes\n{script}"));
        let service = super::super::build(&f.inputs(), &ModelOptions::default());
        let w = service.daemon.as_ref()?.system_worlds.clone()?;
        Some((w.tests.iter().map(SystemTest::display).collect(), show(&w.tree)))
    }

    fn show(t: &WorldTree) -> String {
        match t {
            WorldTree::Launch { argv, env } => {
                let env: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).filter(|k| k.starts_with('X')).collect();
                format!(
                    "[{}]{}",
                    argv[1..].join(" "),
                    if env.is_empty() { String::new() } else { format!("+{}", env.join(",")) }
                )
            }
            WorldTree::Test { test, then, otherwise } => format!("{test}?{}:{}", show(then), show(otherwise)),
        }
    }

    #[test]
    fn each_answer_selects_its_launch() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "command_args=-a\n[ -c /dev/rtc ] && command_args=\"$command_args -s\"",
                &["[ -c /dev/rtc ]"],
                "0?[-a -s]:[-a]",
            ),
            ("[ ! -f /etc/x/config ] && command_args=--firstrun", &["[ ! -f /etc/x/config ]"], "0?[--firstrun]:[]"),
            (
                "c=/etc/u/u\nif [ -f $c.ini ]; then command_args=\"--ini $c.ini\"; elif test -f $c.yml; then command_args=--yml; fi",
                &["[ -f /etc/u/u.ini ]", "[ -f /etc/u/u.yml ]"],
                "0?[--ini /etc/u/u.ini]:1?[--yml]:[]",
            ),
            // An exported variable differs: the environment is the world's too.
            ("[ -d /etc/d ] && export XMODE=dir", &["[ -d /etc/d ]"], "0?[]+XMODE:[]"),
            ("grep -q '^rtcfile$' /etc/c.conf && command_args=-s", &["grep -q ^rtcfile$ /etc/c.conf"], "0?[-s]:[]"),
            // Bracket expressions of single ASCII characters ("\t" reaches grep as `\` `t`).
            (
                "grep -q \"^[ \\t]*cd[ \\t]*$\" /etc/c.conf || command_args=--cd",
                &["grep -q ^[ \\t]*cd[ \\t]*$ /etc/c.conf"],
                "0?[]:[--cd]",
            ),
            // Tests joined by `||`, `&&` and `!` (ly's `[ -x /sbin/getty ] || [ -x /bin/getty ]`):
            // each is one test, the shell's short circuit one more way to the same worlds.
            (
                "[ -x /sbin/getty ] || [ -x /bin/getty ] && command_args=--getty",
                &["[ -x /sbin/getty ]", "[ -x /bin/getty ]"],
                "0?[--getty]:1?[--getty]:[]",
            ),
            ("if [ -e /a ] && [ ! -d /b ]; then command_args=-x; fi", &["[ -e /a ]", "[ ! -d /b ]"], "0?1?[-x]:[]:[]"),
            ("! [ -s /a ] && command_args=-n", &["[ -s /a ]"], "0?[]:[-n]"),
            ("[ -r /a ] || [ -w /b ] || command_args=-n", &["[ -r /a ]", "[ -w /b ]"], "0?[]:1?[]:[-n]"),
            // A test that changes nothing the daemon gets is no test of the run script's.
            ("[ -e /a ] && command_args=-a\n[ -e /b ] && : ", &["[ -e /a ]"], "0?[-a]:[]"),
        ];
        for (script, tests, tree) in cases {
            let want: Vec<String> = tests.iter().map(|t| t.to_string()).collect();
            assert_eq!(worlds(script), Some((want, tree.to_string())), "{script}");
        }
    }

    /// The script converted: each world's program and arguments, as `test ? then : else`.
    fn programs(script: &str) -> Option<(Vec<String>, String, String)> {
        let f = files("", &format!("#!/sbin/openrc-run\n{script}"));
        let service = super::super::build(&f.inputs(), &ModelOptions::default());
        let w = service.daemon.as_ref()?.system_worlds.clone()?;
        let decision = service.decisions.iter().find(|d| d.topic == "runtime test")?.choice.clone();
        Some((w.programs().iter().map(|p| p.to_string()).collect(), show_programs(&w.tree), decision))
    }

    fn show_programs(t: &WorldTree) -> String {
        match t {
            WorldTree::Launch { argv, .. } => format!("[{}]", argv.join(" ")),
            WorldTree::Test { test, then, otherwise } => {
                format!("{test}?{}:{}", show_programs(then), show_programs(otherwise))
            }
        }
    }

    #[test]
    fn the_program_may_differ_when_nothing_else_does() {
        // guix-daemon's way: the one in root's profile when it is executable, else the packaged one.
        let guix = "command=/var/guix/bin/guix-daemon\nif [ ! -x \"$command\" ] || yesno \"$PREFER\"; then\n\tcommand=/usr/bin/guix-daemon\nfi\ncommand_args=--discover=no\nsupervisor=supervise-daemon";
        let (progs, tree, decision) = programs(guix).expect("converted");
        assert_eq!(progs, ["/usr/bin/guix-daemon", "/var/guix/bin/guix-daemon"]);
        assert_eq!(tree, "0?[/usr/bin/guix-daemon --discover=no]:[/var/guix/bin/guix-daemon --discover=no]");
        assert!(decision.contains("decides the daemon's program, arguments or environment"), "{decision}");
        // Gentoo's clvmd: the same program in /usr/sbin or /sbin, launched by start().
        let clvmd = "[ -x /usr/sbin/clvmd ] && BIN=/usr/sbin/clvmd || BIN=/sbin/clvmd\nstart() {\n\tebegin x\n\tstart-stop-daemon --start --background --exec ${BIN} -- -T 30\n\teend $?\n}";
        let (progs, tree, _) = programs(clvmd).expect("converted");
        assert_eq!(progs, ["/usr/sbin/clvmd", "/sbin/clvmd"]);
        assert_eq!(tree, "0?[/usr/sbin/clvmd -T 30]:[/sbin/clvmd -T 30]");
        // What the daemon table knows of each program is each world's own.
        let table =
            "command=/usr/sbin/dnsmasq\n[ -x /usr/bin/memcached ] && command=/usr/bin/memcached\ncommand_args=-d";
        assert_eq!(programs(table).map(|p| p.1).as_deref(), Some("0?[/usr/bin/memcached]:[/usr/sbin/dnsmasq -d]"));
        // Refused when that knowledge makes the daemons differ in more than their words: one
        // world's program runs under s6-fghack, the other's does not.
        let f = files(
            "",
            "#!/sbin/openrc-run\ncommand=/usr/bin/x\n[ -x /usr/bin/memcached ] && command=/usr/bin/memcached",
        );
        let options = ModelOptions { allow_fghack: true, ..ModelOptions::default() };
        let service = super::super::build(&f.inputs(), &options);
        assert_eq!(service.kind, ServiceKind::NotConverted);
        let help = format!("{:?}", service.diagnostics);
        assert!(help.contains("the answers change its foreground handling (s6-fghack)"), "{help}");
        // Only the arguments differ: the decision does not speak of the program.
        let (_, _, decision) =
            programs("command=/usr/bin/d\ncommand_background=yes\n[ -e /a ] && command_args=-a").unwrap();
        assert!(decision.contains("decides the daemon's arguments or environment"), "{decision}");
    }

    #[test]
    fn refused_unless_only_such_tests_block_and_nothing_changes_them() {
        let refused = [
            // Not a file primary, a relative path, a variable's test (conf.d decides it).
            "[ -t 0 ] && command_args=-t",
            "[ -f x.conf ] && command_args=-x",
            "[ -n \"$X\" ] && command_args=-x",
            "grep -q ^a.b /etc/a && command_args=-a",
            // A pattern without both anchors: its answer may depend on the locale.
            "grep -q ^rtcfile /etc/a && command_args=-a",
            "grep -q \"^[ \\t]*cd[ \\t].*\" /etc/a || command_args=--cd",
            // Four tests.
            "[ -e /a ] && command_args=\"$command_args -a\"\n[ -e /b ] && command_args=\"$command_args -b\"\n[ -e /c ] && command_args=\"$command_args -c\"\n[ -e /d ] && command_args=\"$command_args -d\"",
            // Something else blocks too.
            "[ -e /a ] && command_args=-a\ncommand_args=\"$command_args $(uname -r)\"",
            // start_pre() makes, removes or may touch what is tested before the launch.
            "[ -f /etc/x/c ] && command_args=-x\nstart_pre() { touch /etc/x/c; }",
            "[ -f /etc/x/c ] && command_args=-x\nstart_pre() { rm -rf /etc/x; }",
            "[ -d /etc/x ] && command_args=-x\nstart_pre() { checkpath -d /etc/x/y; }",
            "[ -x /etc/x/c ] && command_args=-x\nstart_pre() { chmod -R 0644 /etc/x; }",
            "[ -f /etc/x/c ] && command_args=-x\nstart_pre() { cd /etc/x && cp c.dist c; }",
            "[ -f /etc/x/c ] && command_args=-x\nstart_pre() { echo y > /etc/x/c; }",
            "[ -f /etc/x/c ] && command_args=-x\nstart_pre() { generate \"$CONF\"; }",
            // The top level runs something after the test that may change the path.
            "[ -f /etc/x/c ] && command_args=-x\ncp /usr/share/x/c.dist /etc/x/c",
            "[ -f /etc/x/c ] && command_args=-x\nsetup-x",
            // The worlds differ in more than the arguments.
            "[ -e /a ] && command_user=nobody",
        ];
        for script in refused {
            assert_eq!(worlds(script), None, "{script}");
        }
        // A grep refused for its pattern says why.
        let f = files(
            "",
            "#!/sbin/openrc-run\ncommand=/usr/bin/d\ncommand_background=yes\ngrep -q ^rtcfile /etc/a && command_args=-a",
        );
        let help = format!("{:?}", super::super::build(&f.inputs(), &ModelOptions::default()).diagnostics);
        assert!(
            help.contains(
                "the run script cannot make this test itself: what `grep -q ^rtcfile` finds may depend on the locale"
            ),
            "{help}"
        );
        // A test the run script could make says what else keeps the service from converting.
        let help = |script: &str| {
            let f = files("", &format!("#!/sbin/openrc-run\ncommand=/usr/bin/d\ncommand_background=yes\n{script}"));
            format!("{:?}", super::super::build(&f.inputs(), &ModelOptions::default()).diagnostics)
        };
        let other = help("[ -e /a ] && command_args=-a\ncommand_args=\"$command_args $(uname -r)\"");
        assert!(other.contains("would make this test, but `rc2s6::model::unknowable_value` keeps"), "{other}");
        let four = help(
            &["a", "b", "c", "d"].map(|x| format!("[ -e /{x} ] && command_args=\"$command_args -{x}\"\n")).concat(),
        );
        assert!(four.contains("the service depends on 4 such tests, more than the 3 it makes"), "{four}");
        let world = help("[ -e /a ] && command_background=no\n[ -e /a ] || command_args=-x");
        assert!(world.contains("for some answer of the tests `rc2s6::model::daemon_may_fork` keeps"), "{world}");
        // What start_pre() does to other paths does not matter.
        let ok = "[ -f /etc/x/c ] && command_args=-x\ncommand -v x >/dev/null\nstart_pre() { checkpath -d /run/x; echo hi; }";
        assert!(worlds(ok).is_some());
        // Nor what makes the directories above the path.
        let above =
            "[ ! -e /etc/x/c ] && command_args=-x\nstart_pre() { mkdir -p /etc/x; checkpath -d -m 0700 /etc/x; }";
        assert!(worlds(above).is_some());
    }
}
