//! One snapshot per testdata/migrate case: the script migrated for legacy OpenRC (0.45, service
//! directories outside /var/svc.d) and for OpenRC 0.63.3 (in /var/svc.d), each with the
//! findings, the whole migrated text and its unified diff.

mod support;

use std::path::Path;

use rc2s6::compile::{self};
use rc2s6::diagnostic::render_human;
use rc2s6::emit::initd;
use rc2s6::emit::unified_diff::unified_diff;

/// Migrates one script for one target and renders everything.
fn render_target(script: &Path, version: &str, output: &str) -> String {
    let case = script.parent().and_then(Path::parent).expect("case/init.d/script");
    let opts = support::case_options(case, version, output);
    let compiled = compile::compile_one(script, &opts).expect("readable testdata");
    let mut out = format!("=== OpenRC {version}, -o {output}\n");
    let Some(dir) = &compiled.dir else {
        out.push_str("--- not converted, so not migrated\n");
        out.push_str(&render_human(compiled.findings(), false));
        return out;
    };
    let mut findings = initd::target_findings(&opts.target, &opts.output);
    let m = initd::migrate(&compiled.analysis, dir, &opts.target, &opts.output);
    findings.extend(m.findings.iter().cloned());
    if !findings.is_empty() {
        out.push_str("--- findings\n");
        out.push_str(&render_human(&findings, false));
    }
    out.push_str(if m.ok() { "--- migrated\n" } else { "--- migrated (not written: errors above)\n" });
    out.push_str(&m.text);
    out.push_str("--- diff\n");
    out.push_str(&unified_diff(&m.path, &m.original, &m.text));
    out
}

fn render_case(script: &Path) -> String {
    let script = support::relative(script);
    let mut out = render_target(&script, "0.45.2", "/srv/s6");
    out.push_str(&render_target(&script, "0.63.3", "/var/svc.d"));
    out
}

#[test]
fn migrate_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../testdata/migrate", "*/init.d/*", |path| {
            insta::assert_snapshot!(render_case(path));
        });
    });
}

/// Legacy OpenRC with the service directories in /var/svc.d needs no `s6_service_path`: it is
/// s6.sh's default.
#[test]
fn legacy_in_var_svc_d_sets_no_service_path() {
    let script = Path::new("testdata/migrate/declarative/init.d/mailerd");
    let text = render_target(script, "0.45.2", "/var/svc.d");
    assert!(!text.contains("\ns6_service_path="), "{text}");
    assert!(text.contains("\nsupervisor=s6\n"), "{text}");
    assert!(text.contains("\ns6_svwait_options_start=\"-U -t 15000\"\n"), "{text}");
}
