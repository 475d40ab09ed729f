//! `rc2s6 verify` on real trees: rc2s6 compiles and migrates testdata scripts into a temporary
//! directory, a fault is planted, and the snapshot holds what verify predicts and reports.
//! Untouched output must verify clean; each planted fault must be caught.

mod support;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use rc2s6::core::diagnostic::Finding;
use rc2s6::migrate as initd;
use rc2s6::model::ModelOptions;
use rc2s6::model::analysis::{self, Analysis};
use rc2s6::openrc::version::OpenrcVersion;
use rc2s6::pipeline::compile::{self};
use rc2s6::pipeline::input::{self, InputOptions};
use rc2s6::pipeline::migrate::MigratedScript;
use rc2s6::verify::{self, VerifyOptions};
use rc2s6::write::{self, WriteOptions};

/// A temporary world: compiled service directories in `out`, migrated scripts in `initd`.
struct World {
    tmp: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        World { tmp: support::tempdir() }
    }
    fn root(&self) -> &Path {
        self.tmp.path()
    }
    fn out(&self) -> PathBuf {
        self.root().join("out")
    }
    fn initd(&self) -> PathBuf {
        self.root().join("init.d")
    }
    fn confd(&self) -> PathBuf {
        self.root().join("conf.d")
    }

    /// Compiles testdata/migrate/<case>/init.d/<svc> into `out` and migrates it into `initd`.
    fn migrate(&self, cases: &[(&str, &str)], version: &str) {
        fs::create_dir_all(self.confd()).unwrap();
        let mut scripts = Vec::new();
        for (case, svc) in cases {
            let dir = support::root().join("testdata/migrate").join(case);
            if let Ok(rd) = fs::read_dir(dir.join("conf.d")) {
                for e in rd.flatten() {
                    fs::copy(e.path(), self.confd().join(e.file_name())).unwrap();
                }
            }
            scripts.push(dir.join("init.d").join(svc));
        }
        let opts = support::compile_options(Some(self.confd()), None, version, &self.out().display().to_string());
        let comp = compile::run(&scripts, &opts);
        write::write_output(&self.out(), &comp, WriteOptions::default()).unwrap();
        let mut migrated = Vec::new();
        for s in &comp.services {
            let m = initd::migrate(
                s.analysis.as_deref().expect("compile keeps each analysis"),
                s.dir.as_ref().unwrap(),
                &opts.target,
                &opts.output,
            );
            assert!(m.ok(), "{:?}", m.findings);
            migrated.push(MigratedScript { name: m.service.clone(), text: m.text.clone(), mode: 0o755 });
        }
        write::write_initd(&self.initd(), &migrated, false).unwrap();
    }

    /// Copies testdata/verify/<case>/{init.d,conf.d}/* into `initd` and `confd`, `@TMP@`
    /// replaced by the root.
    fn hand_written(&self, case: &str) {
        for (from, to) in [("init.d", self.initd()), ("conf.d", self.confd())] {
            fs::create_dir_all(&to).unwrap();
            let dir = support::root().join("testdata/verify").join(case).join(from);
            for e in fs::read_dir(dir).into_iter().flatten().flatten() {
                let text = fs::read_to_string(e.path()).unwrap().replace("@TMP@", &self.root().display().to_string());
                fs::write(to.join(e.file_name()), text).unwrap();
            }
        }
    }

    fn analyses(&self) -> Vec<Analysis> {
        let mut names: Vec<PathBuf> = fs::read_dir(self.initd()).unwrap().flatten().map(|e| e.path()).collect();
        names.sort();
        let input = InputOptions { conf_dir: Some(self.confd()), rc_conf: None };
        names
            .iter()
            .map(|p| analysis::analyze(input::load_service(p, &input).unwrap(), &ModelOptions::default()))
            .collect()
    }

    /// Runs verify and renders its prediction and findings, the root shown as `$TMP`.
    fn verify(&self, version: &str, scan: Option<&Path>) -> (bool, String) {
        let opts = VerifyOptions {
            target: OpenrcVersion::parse(version).unwrap(),
            output: self.out().display().to_string(),
            scan_dir: scan.map(|s| s.display().to_string()),
        };
        self.verify_with(opts, |_| {})
    }

    /// Runs verify for OpenRC 0.63+ with `-o /var/svc.d`, each `/var/svc.d/NAME` read from
    /// `out/NAME` (the host's /var/svc.d is not the test's to write).
    fn verify_in_var_svc_d(&self, version: &str) -> (bool, String) {
        let opts = VerifyOptions {
            target: OpenrcVersion::parse(version).unwrap(),
            output: "/var/svc.d".into(),
            scan_dir: None,
        };
        let out = self.out();
        self.verify_with(opts, |world| {
            let execlineb = verify::tree::find_execlineb();
            for (path, dir) in world.dirs.iter_mut() {
                if let Some(name) = path.strip_prefix("/var/svc.d/") {
                    let mut stand_in =
                        verify::tree::read_dir(&out.join(name).display().to_string(), execlineb.as_deref());
                    stand_in.path = path.clone();
                    *dir = stand_in;
                }
            }
        })
    }

    fn verify_with(&self, opts: VerifyOptions, adjust: impl FnOnce(&mut verify::World)) -> (bool, String) {
        let version = opts.target.to_string();
        let analyses = self.analyses();
        let mut world = verify::tree::observe(&analyses, &opts).unwrap();
        adjust(&mut world);
        let report = verify::check(&analyses, &world, &opts);
        let mut text = format!("OpenRC {version}\n");
        for s in &report.services {
            let e = &s.expected;
            if e.servicedir.is_empty() {
                text.push_str(&format!("{}: nothing linked\n", e.service));
                continue;
            }
            text.push_str(&format!("{}: {}/{} -> {}\n", e.service, opts.scan_dir(), e.link, e.servicedir));
        }
        for f in report.all() {
            text.push_str(&render(f));
        }
        text.push_str(if report.consistent() { "=> consistent\n" } else { "=> not consistent\n" });
        (report.consistent(), text.replace(&self.root().display().to_string(), "$TMP"))
    }
}

/// One finding on a few lines, without terminal wrapping (the paths vary in length).
fn render(f: &Finding) -> String {
    let mut s = format!("{}[{}]", f.severity, f.code());
    if let Some(p) = f.position() {
        let label = f.primary_label().and_then(|l| l.label().map(str::to_string)).unwrap_or_default();
        s.push_str(&format!(" {}:{}:{} ({label})", f.file_name(), p.line, p.column));
    } else if !f.file_name().is_empty() {
        s.push_str(&format!(" {}", f.file_name()));
    }
    s.push_str(&format!(": {}\n", f.message()));
    if let Some(h) = f.help() {
        s.push_str(&format!("    help: {h}\n"));
    }
    s
}

fn tools() -> bool {
    support::tools(&["execlineb"])
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

const SERVICES: &[(&str, &str)] = &[("declarative", "mailerd"), ("kill-pidfile", "cached"), ("custom-start", "indexd")];

#[test]
fn untouched_output_verifies_clean() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(SERVICES, "0.45.2");
    let (ok, text) = w.verify("0.45.2", None);
    assert!(ok, "{text}");
    snapshot("verify_untouched", &text);
}

#[test]
fn each_planted_fault_is_caught() {
    if !tools() {
        return;
    }
    type Plant = fn(&World);
    let faults: &[(&str, Plant)] = &[
        ("verify_missing_notification_fd", |w| fs::remove_file(w.out().join("mailerd/notification-fd")).unwrap()),
        ("verify_run_not_executable", |w| {
            fs::set_permissions(w.out().join("cached/run"), fs::Permissions::from_mode(0o644)).unwrap()
        }),
        ("verify_hand_edited", |w| {
            let run = w.out().join("cached/run");
            let text = fs::read_to_string(&run).unwrap().replace("/etc/cached.conf", "/etc/other.conf");
            fs::write(run, text).unwrap();
        }),
        ("verify_broken_execline", |w| {
            let run = w.out().join("indexd/run");
            let mut text = fs::read_to_string(&run).unwrap();
            text.push_str("foreground { echo unclosed\n");
            fs::write(run, text).unwrap();
        }),
        ("verify_missing_dir", |w| fs::remove_dir_all(w.out().join("indexd")).unwrap()),
        ("verify_not_migrated", |w| {
            let original = support::root().join("testdata/migrate/kill-pidfile/init.d/cached");
            fs::copy(original, w.initd().join("cached")).unwrap();
        }),
        ("verify_extra_file", |w| fs::write(w.out().join("mailerd/down-signal"), "SIGHUP\n").unwrap()),
    ];
    for (name, plant) in faults {
        let w = World::new();
        w.migrate(SERVICES, "0.45.2");
        plant(&w);
        let (ok, text) = w.verify("0.45.2", None);
        assert!(!ok, "{name} was not caught:\n{text}");
        snapshot(name, &text);
    }
}

#[test]
fn colliding_link_names_are_errors_naming_both() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.hand_written("collision");
    for site in ["site-a", "site-b"] {
        let dir = w.root().join(site).join("web");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("run"), "#!/bin/execlineb -P\n/usr/bin/web\n").unwrap();
        fs::set_permissions(dir.join("run"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::create_dir_all(w.out()).unwrap();
    let (ok, text) = w.verify("0.45.2", None);
    assert!(!ok);
    assert!(text.contains("error[rc2s6::verify::link_collision]"), "{text}");
    snapshot("verify_link_collision", &text);
}

#[test]
fn openrc_063_needs_var_svc_d() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("declarative", "mailerd")], "0.63.3");
    let (ok, text) = w.verify("0.63.3", None);
    assert!(!ok);
    snapshot("verify_openrc_063_outside_var_svc_d", &text);
    let (ok, text) = w.verify("0.63.0", None);
    assert!(!ok);
    assert!(text.contains("error[rc2s6::verify::no_compat_mode]"), "{text}");
}

#[test]
fn scan_directory_links_are_compared() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(SERVICES, "0.45.2");
    let scan = w.root().join("scan");
    fs::create_dir_all(&scan).unwrap();
    fs::create_dir_all(scan.join(".s6-svscan")).unwrap();
    fs::create_dir_all(w.root().join("elsewhere")).unwrap();
    // mailerd as OpenRC links it, cached to the wrong place, indexd not yet; a dangling link and
    // a foreign one; and the link OpenRC ≤ 0.62's `ln -sf` leaves inside a restarted service.
    symlink(w.out().join("mailerd"), scan.join("mailerd")).unwrap();
    symlink(w.out().join("mailerd"), scan.join("cached")).unwrap();
    symlink("/nonexistent/rc2s6-test", scan.join("gone")).unwrap();
    symlink(w.root().join("elsewhere"), scan.join("other")).unwrap();
    symlink(w.out().join("mailerd"), w.out().join("mailerd/mailerd")).unwrap();
    let (ok, text) = w.verify("0.45.2", Some(&scan));
    assert!(!ok);
    snapshot("verify_scan_dir", &text);
}

/// Scan directory entries that are not links: the service's own name held by a regular file,
/// and a real directory no script accounts for.
#[test]
fn scan_entries_that_are_not_links_are_named_for_what_they_are() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("declarative", "mailerd"), ("kill-pidfile", "cached")], "0.45.2");
    let scan = w.root().join("scan");
    fs::create_dir_all(scan.join("cached")).unwrap();
    fs::write(scan.join("mailerd"), "").unwrap();
    fs::create_dir_all(scan.join("handmade")).unwrap();
    fs::write(scan.join("notes"), "").unwrap();
    let (ok, text) = w.verify("0.45.2", Some(&scan));
    assert!(!ok, "{text}");
    assert!(!text.contains("itself (not a link)"), "{text}");
    assert!(!text.contains("mailerd is a directory"), "{text}");
    snapshot("verify_scan_entries_not_links", &text);
}

#[test]
fn openrc_generated_directories_are_compared_by_meaning() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.hand_written("openrc-generated");
    // rc2s6's own tree for the same script, as `rc2s6 -o OUT` writes it.
    let script = w.initd().join("quoted");
    let opts = support::compile_options(None, None, "0.63.3", &w.out().display().to_string());
    let comp = compile::run(std::slice::from_ref(&script), &opts);
    write::write_output(&w.out(), &comp, WriteOptions::default()).unwrap();
    // OpenRC's run-time directory: its generated service directory linked into its scan dir.
    let openrc = w.root().join("openrc");
    let services = openrc.join("s6-services");
    fs::create_dir_all(&services).unwrap();
    let fixture = support::root().join("testdata/verify/openrc-generated/s6-services/Quote Daemon");
    let theirs = services.join("Quote Daemon");
    fs::create_dir_all(&theirs).unwrap();
    for e in fs::read_dir(&fixture).unwrap().flatten() {
        fs::copy(e.path(), theirs.join(e.file_name())).unwrap();
    }
    let scan = openrc.join("s6-scan");
    fs::create_dir_all(&scan).unwrap();
    symlink(&theirs, scan.join("Quote Daemon")).unwrap();
    let (ok, text) = w.verify("0.63.3", Some(&scan));
    assert!(!ok);
    snapshot("verify_openrc_generated", &text);
}

/// A daemon that notifies readiness while OpenRC does not wait for it is worth a warning, not
/// an error: the tree is still consistent.
#[test]
fn unwaited_notification_is_a_warning() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("declarative", "mailerd")], "0.45.2");
    let script = w.initd().join("mailerd");
    let text =
        fs::read_to_string(&script).unwrap().replace("\ns6_svwait_options_start=", "\n#s6_svwait_options_start=");
    fs::write(&script, text).unwrap();
    let (ok, text) = w.verify("0.45.2", None);
    assert!(ok, "{text}");
    snapshot("verify_notification_unwaited", &text);
}

/// OpenRC 0.63.1+ links rc2s6's directory only when `command` is empty when it starts the
/// service, conf.d included: a `command` set in conf.d must not survive migration.
#[test]
fn conf_d_command_does_not_survive_migration_for_openrc_063() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("confd-command", "monitord")], "0.63.3");
    let (_, text) = w.verify("0.63.3", None);
    assert!(!text.contains("rc2s6::verify::command_set"), "{text}");
}

/// start() and stop() that start and stop the daemon in functions they call: migration puts
/// `default_start` and `default_stop` in those functions, and verify must follow the calls as
/// OpenRC runs them.
#[test]
fn start_and_stop_through_helpers_verify_clean() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("helpers", "helperd")], "0.45.2");
    let migrated = fs::read_to_string(w.initd().join("helperd")).unwrap();
    assert!(migrated.contains("start_daemon() {\n\tdefault_start\n}"), "{migrated}");
    assert!(migrated.contains("stop_daemon() {\n\tdefault_stop\n}"), "{migrated}");
    let (ok, text) = w.verify("0.45.2", None);
    assert!(ok, "{text}");
    assert!(!text.contains("bypasses_s6"), "{text}");
}

/// Creates `out/NAME` with an executable `run` and nothing else.
fn plain_dir(w: &World, name: &str) {
    let dir = w.out().join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("run"), "#!/bin/execlineb -P\n/usr/bin/daemon\n").unwrap();
    fs::set_permissions(dir.join("run"), fs::Permissions::from_mode(0o755)).unwrap();
}

/// On OpenRC 0.63 two scripts with one `name` either share /var/svc.d/NAME (both in
/// compatibility mode) or fight over the link: `s6-svlink` refuses a name another link holds.
#[test]
fn openrc_063_colliding_names_share_a_directory_or_fail_to_link() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.hand_written("collision-063");
    plain_dir(&w, "web");
    let (ok, text) = w.verify_in_var_svc_d("0.63.3");
    assert!(!ok, "{text}");
    snapshot("verify_link_collision_063", &text);
}

/// OpenRC 0.63 waits for readiness only when `timeout_ready` is set besides `notify=fd:N`
/// (`s6-svwait -U -t $timeout_ready`): `notify` alone is no wait that a missing
/// notification-fd could block.
#[test]
fn openrc_063_waits_for_readiness_only_with_timeout_ready() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.hand_written("notify-063");
    plain_dir(&w, "notifyonly");
    plain_dir(&w, "notifywait");
    let (ok, text) = w.verify_in_var_svc_d("0.63.3");
    assert!(!ok, "{text}");
    assert!(!text.contains("readiness_without_notification_fd] $TMP/init.d/notifyonly"), "{text}");
    assert!(text.contains("readiness_without_notification_fd] $TMP/init.d/notifywait"), "{text}");
    snapshot("verify_openrc_063_readiness", &text);
}

/// rc2s6 always writes `#!/bin/execlineb`: when that is missing the fix is execline (or a link),
/// when a hand edit named another interpreter it is that program or compiling with `--force`.
/// (The host's /bin/execlineb cannot be removed: its absence is planted in what verify read.)
#[test]
fn missing_interpreters_say_what_to_install() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("declarative", "mailerd"), ("kill-pidfile", "cached")], "0.45.2");
    let run = w.out().join("cached/run");
    let text = fs::read_to_string(&run).unwrap().replacen("#!/bin/execlineb", "#!/command/execlineb", 1);
    fs::write(&run, text).unwrap();
    let opts = VerifyOptions {
        target: OpenrcVersion::parse("0.45.2").unwrap(),
        output: w.out().display().to_string(),
        scan_dir: None,
    };
    let (ok, text) = w.verify_with(opts, |world| {
        let dir = world.dirs.values_mut().find(|d| d.path.ends_with("/mailerd")).unwrap();
        for sc in &mut dir.scripts {
            sc.interpreter_exists = false;
        }
    });
    assert!(!ok, "{text}");
    snapshot("verify_interpreter_missing", &text);
}

/// notification-fd as s6-supervise 2.11 reads it: the first 11 bytes, up to the first newline,
/// must be decimal digits (leading zeros allowed); anything else makes it warn "invalid
/// notification-fd" and ignore the file (an error). 0, 1 and 2 are accepted by s6 but are the
/// program's stdin, stdout and stderr (a warning).
#[test]
fn notification_fd_is_read_as_s6_supervise_reads_it() {
    if !tools() {
        return;
    }
    let cases: &[(&str, bool)] = &[
        ("5\n\n", true),
        ("05\n", true),
        ("5\nanything", true),
        ("00000000005", true),
        ("1\n", true),
        ("2\n", true),
        ("000000000005", true),
        (" 5\n", false),
        ("5 \n", false),
        ("5\r\n", false),
        ("\n5\n", false),
        ("4294967296\n", false),
    ];
    let mut all = String::new();
    for (value, consistent) in cases {
        let w = World::new();
        w.migrate(&[("declarative", "mailerd")], "0.45.2");
        fs::write(w.out().join("mailerd/notification-fd"), value).unwrap();
        // Only the planted value: the file is not drift here.
        let (ok, text) = w.verify_with(
            VerifyOptions {
                target: OpenrcVersion::parse("0.45.2").unwrap(),
                output: w.out().display().to_string(),
                scan_dir: None,
            },
            |world| world.drift.clear(),
        );
        assert_eq!(ok, *consistent, "{value:?}:\n{text}");
        all.push_str(&format!("--- {value:?}\n"));
        all.extend(
            text.lines().filter(|l| l.contains("notification") || l.starts_with("    help")).map(|l| format!("{l}\n")),
        );
    }
    snapshot("verify_notification_fd_values", &all);
}

/// OpenRC 0.16–0.62's s6.sh defaults `s6_service_path` after conf.d and before the script: an
/// empty value from conf.d gets the default, one from the script stays empty and start fails.
#[test]
fn an_empty_service_path_counts_only_from_the_script() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.hand_written("empty-path");
    let (ok, text) = w.verify("0.45.2", None);
    assert!(!ok, "{text}");
    assert!(text.contains("service_path_empty] $TMP/init.d/emptied:4:1"), "{text}");
    assert!(text.contains("confempty: /run/openrc/s6-scan/confempty -> /var/svc.d/confempty"), "{text}");
    snapshot("verify_empty_service_path", &text);
}

/// conf.d differs from what the service directory was compiled from (the manifest records each
/// source's SHA-256): edited, or no longer there. start-stop-daemon would read the new one at the
/// next start; the service directory keeps the old settings until rc2s6 compiles again.
#[test]
fn a_conf_d_changed_since_the_compile_is_reported() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("declarative", "mailerd")], "0.45.2");
    let (ok, text) = w.verify("0.45.2", None);
    assert!(ok, "{text}");
    let confd = w.confd().join("mailerd");
    let edited = format!("{}MAILERD_EXTRA=1\n", fs::read_to_string(&confd).unwrap());
    fs::write(&confd, &edited).unwrap();
    let (ok, edited_text) = w.verify("0.45.2", None);
    assert!(!ok, "{edited_text}");
    assert!(edited_text.contains("error[rc2s6::verify::source_changed] $TMP/conf.d/mailerd:1:1"), "{edited_text}");
    fs::remove_file(&confd).unwrap();
    let (ok, gone_text) = w.verify("0.45.2", None);
    assert!(!ok, "{gone_text}");
    snapshot("verify_source_changed", &format!("--- edited\n{edited_text}--- removed\n{gone_text}"));
}

/// Migrated for OpenRC 0.63.3, scripts that keep `command` for their own functions and empty it
/// for the s6 start alone verify clean: verify reads `command` as s6_start finds it.
#[test]
fn openrc_063_a_command_kept_for_start_pre_verifies_clean() {
    if !tools() {
        return;
    }
    let w = World::new();
    w.migrate(&[("command-kept", "checkd"), ("command-kept", "wrapd"), ("still-used", "webd")], "0.63.3");
    let (ok, text) = w.verify_in_var_svc_d("0.63.3");
    assert!(ok, "{text}");
    for n in ["checkd", "wrapd", "webd"] {
        assert!(text.contains(&format!("{n}: /run/openrc/s6-scan/{n} -> /var/svc.d/{n}\n")), "{text}");
    }
    assert!(!text.contains("command_set"), "{text}");
}
