//! The lint rules' cases: `testdata/lint/<rule>/fire/` must produce the rule's code and
//! `testdata/lint/<rule>/no-fire/` must not. Each case is a set of scripts (`init.d/`, with
//! `conf.d/` when present) linted together; its snapshot shows every finding, rendered.

use std::path::{Path, PathBuf};

use rc2s6::core::diagnostic::{Code, Finding};
use rc2s6::lint::{Levels, LintOptions};
use rc2s6::openrc::version::OpenrcVersion;
use rc2s6::pipeline::input::InputOptions;
use rc2s6::pipeline::lint::lint_set;
use rc2s6::pipeline::service_set::SetOptions;
use rc2s6::report::render_human;
use rc2s6::report::{self, ReportFormat};

fn relative(p: &Path) -> PathBuf {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(p).to_path_buf()
}

/// Lints a case directory's `init.d` (with its `conf.d`) as OpenRC 0.63 would run it.
fn lint_case(init_d: &Path) -> Vec<Finding> {
    let init_d = relative(init_d);
    let case = init_d.parent().expect("case/init.d");
    let conf_d = case.join("conf.d");
    let opts = LintOptions {
        target: OpenrcVersion::parse("0.63.3").unwrap(),
        levels: Levels::default(),
        codes: rc2s6::codes::registry(),
    };
    let set_options = SetOptions {
        input: InputOptions { conf_dir: Some(conf_d).filter(|p| p.is_dir()), rc_conf: None },
        keep_syntax_trees: true,
        ..SetOptions::default()
    };
    let set = lint_set(std::slice::from_ref(&init_d), &set_options, &opts);
    assert!(set.read_errors.is_empty(), "{:?}", set.read_errors);
    set.findings
}

/// The code of the rule a case is for, and whether it must fire.
fn rule_of(init_d: &Path) -> (&'static Code, bool) {
    let case = init_d.parent().expect("case/init.d");
    let fire = case.file_name().is_some_and(|n| n == "fire");
    let rule = case.parent().and_then(Path::file_name).expect("rule/case").to_string_lossy().into_owned();
    let code = rc2s6::lint::error::CODES.iter().copied().find(|c| c.short_name() == rule);
    (code.unwrap_or_else(|| panic!("testdata/lint/{rule} is named after no lint code")), fire)
}

#[test]
fn lint_cases() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../testdata/lint", "*/*/init.d", |init_d| {
            let findings = lint_case(init_d);
            let (code, fire) = rule_of(init_d);
            let fired = findings.iter().any(|f| f.code() == code);
            assert_eq!(fired, fire, "{code} in {}:\n{}", init_d.display(), render_human(&findings, false));
            let mut out = report::render(ReportFormat::Gcc, &findings);
            if !findings.is_empty() {
                out.push_str("---\n");
                out.push_str(&render_human(&findings, false));
            }
            insta::assert_snapshot!(out);
        });
    });
}

/// Every lint code has a case that fires and one that must not.
#[test]
fn every_lint_code_has_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint");
    for code in rc2s6::lint::error::CODES {
        let name = code.short_name();
        for case in ["fire", "no-fire"] {
            let dir = root.join(name).join(case).join("init.d");
            assert!(dir.is_dir(), "{code} has no {} case", dir.display());
        }
    }
}
