//! One snapshot per testdata/emit case: the whole generated tree, the manifest and the
//! diagnostics, exactly as rc2s6 produces them.

mod support;

use std::path::Path;

use rc2s6::pipeline::compile::{self};
use rc2s6::report::render_human;

/// Compiles one script of a case directory (`<case>/init.d/<svc>`, with `<case>/conf.d` and
/// `<case>/rc.conf` when present) and renders everything it produced.
pub fn render_case(script: &Path) -> String {
    let script = support::relative(script);
    let case = script.parent().and_then(Path::parent).expect("case/init.d/script");
    let opts = support::case_options(case, "0.45.2", "/var/svc.d");
    let comp = compile::run(std::slice::from_ref(&script), &opts);
    let mut out = String::new();
    for s in &comp.services {
        if let Some(dir) = &s.dir {
            for f in &dir.files {
                out.push_str(&format!("--- {}/{} ({:04o})\n{}", dir.name, f.path, f.mode, f.contents));
            }
        }
    }
    out.push_str("--- rc2s6.manifest.yaml\n");
    out.push_str(&comp.manifest().to_yaml());
    let findings: Vec<_> = comp.services.iter().flat_map(|s| s.findings().to_vec()).collect();
    if !findings.is_empty() {
        out.push_str("--- diagnostics\n");
        out.push_str(&render_human(&findings, false));
    }
    out
}

#[test]
fn emit_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../testdata/emit", "*/init.d/*", |path| {
            insta::assert_snapshot!(render_case(path));
        });
    });
}
