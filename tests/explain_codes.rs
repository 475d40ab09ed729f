//! The diagnostic registry (`rc2s6::codes`) against what depends on it: every code has an
//! explanation in the agreed shape, every explanation file belongs to a registered code, names are
//! well formed and never disappear, and README.md's table is the registry's own rendering.

use std::collections::BTreeSet;
use std::path::Path;

use rc2s6::codes::registry;

/// Every code rc2s6 ever published. Codes are public names (in allow comments, `--deny` flags, CI
/// configurations): one may be added here, none removed or renamed.
const PUBLISHED: &[&str] = &[
    "rc2s6::emit::bad_service_name",
    "rc2s6::emit::nul_in_value",
    "rc2s6::input::duplicate_service",
    "rc2s6::input::not_openrc_run",
    "rc2s6::lint::arithmetic_increment",
    "rc2s6::lint::background_with_args_background",
    "rc2s6::lint::background_without_pidfile",
    "rc2s6::lint::crlf_line_ending",
    "rc2s6::lint::dangling_flag",
    "rc2s6::lint::dependency_cycle",
    "rc2s6::lint::dollar_at_in_string",
    "rc2s6::lint::duplicate_provide",
    "rc2s6::lint::legacy_s6_variable",
    "rc2s6::lint::need_not_provided",
    "rc2s6::lint::non_posix_syntax",
    "rc2s6::lint::pidfile_signal_under_supervisor",
    "rc2s6::lint::read_file_substitution",
    "rc2s6::lint::readiness_never_signalled",
    "rc2s6::lint::redirection_order",
    "rc2s6::lint::relative_command",
    "rc2s6::lint::runscript_shebang",
    "rc2s6::lint::supervisor_bypassed",
    "rc2s6::lint::systemd_variable",
    "rc2s6::lint::test_and_or",
    "rc2s6::lint::unknown_allow_code",
    "rc2s6::lint::use_not_provided",
    "rc2s6::lint::variable_typo",
    "rc2s6::migrate::assignment_not_alone",
    "rc2s6::migrate::command_still_used",
    "rc2s6::migrate::daemon_controlled_outside_s6",
    "rc2s6::migrate::depend_not_rewritable",
    "rc2s6::migrate::launch_outside_script",
    "rc2s6::migrate::name_removed",
    "rc2s6::migrate::name_overridden",
    "rc2s6::migrate::no_compat_mode",
    "rc2s6::migrate::output_not_var_svc_d",
    "rc2s6::migrate::pidfile_still_used",
    "rc2s6::migrate::result_unparseable",
    "rc2s6::migrate::setting_not_rewritable",
    "rc2s6::migrate::signal_not_sendable",
    "rc2s6::migrate::signal_unknown",
    "rc2s6::migrate::stop_bypasses_s6",
    "rc2s6::migrate::stop_signal_differs",
    "rc2s6::migrate::variable_still_used",
    "rc2s6::model::control_program",
    "rc2s6::model::custom_start",
    "rc2s6::model::daemon_may_fork",
    "rc2s6::model::eval_syntax",
    "rc2s6::model::fghack",
    "rc2s6::model::foreground_from_table",
    "rc2s6::model::glob_in_argv",
    "rc2s6::model::handwritten_service_dir",
    "rc2s6::model::invalid_value",
    "rc2s6::model::readiness_without_fd",
    "rc2s6::model::runlevel_confd",
    "rc2s6::model::sourced_file",
    "rc2s6::model::start_fails",
    "rc2s6::model::start_edits_configuration",
    "rc2s6::model::start_pre_assignment",
    "rc2s6::model::too_many_steps",
    "rc2s6::model::unconvertible_setting",
    "rc2s6::model::unknowable_value",
    "rc2s6::model::unknown_declaration",
    "rc2s6::model::unknown_eval",
    "rc2s6::model::unset_variable",
    "rc2s6::model::unsupported_setting",
    "rc2s6::model::value_too_large",
    "rc2s6::parse::indented_heredoc_end",
    "rc2s6::parse::not_utf8",
    "rc2s6::parse::syntax_error",
    "rc2s6::parse::too_complex",
    "rc2s6::parse::unterminated_heredoc",
    "rc2s6::s6rc::bad_name",
    "rc2s6::s6rc::dependency_cycle",
    "rc2s6::s6rc::dependency_dropped",
    "rc2s6::s6rc::name_taken",
    "rc2s6::s6rc::need_unmet",
    "rc2s6::s6rc::openrc_command",
    "rc2s6::s6rc::provider_choice",
    "rc2s6::s6rc::runlevel_entry",
    "rc2s6::s6rc::several_providers",
    "rc2s6::verify::bad_link_name",
    "rc2s6::verify::bad_notification_fd",
    "rc2s6::verify::command_set",
    "rc2s6::verify::dangling_link",
    "rc2s6::verify::execline_syntax",
    "rc2s6::verify::execlineb_not_found",
    "rc2s6::verify::file_edited",
    "rc2s6::verify::file_extra",
    "rc2s6::verify::file_missing",
    "rc2s6::verify::foreign_definition",
    "rc2s6::verify::foreign_link",
    "rc2s6::verify::generated_differs",
    "rc2s6::verify::source_changed",
    "rc2s6::verify::interpreter_missing",
    "rc2s6::verify::link_collision",
    "rc2s6::verify::link_not_checked",
    "rc2s6::verify::link_not_symlink",
    "rc2s6::verify::link_wrong_target",
    "rc2s6::verify::manifest_missing",
    "rc2s6::verify::missing_need_s6_svscan",
    "rc2s6::verify::no_compat_mode",
    "rc2s6::verify::not_from_rc2s6",
    "rc2s6::verify::not_linked",
    "rc2s6::verify::not_s6",
    "rc2s6::verify::notification_fd_stdio",
    "rc2s6::verify::notification_unwaited",
    "rc2s6::verify::notify_fd_mismatch",
    "rc2s6::verify::openrc_generated_in_use",
    "rc2s6::verify::openrc_generator_bug",
    "rc2s6::verify::openrc_nested_link",
    "rc2s6::verify::output_not_var_svc_d",
    "rc2s6::verify::readiness_without_notification_fd",
    "rc2s6::verify::s6rc_compile_failed",
    "rc2s6::verify::s6rc_compile_not_found",
    "rc2s6::verify::script_missing",
    "rc2s6::verify::script_not_executable",
    "rc2s6::verify::service_path_empty",
    "rc2s6::verify::servicedir_missing",
    "rc2s6::verify::servicedir_not_directory",
    "rc2s6::verify::start_bypasses_s6",
    "rc2s6::verify::stop_bypasses_s6",
    "rc2s6::write::bad_manifest",
    "rc2s6::write::io",
    "rc2s6::write::locked",
];

#[test]
fn published_codes_never_disappear_and_new_ones_are_published() {
    let registered: BTreeSet<&str> = registry().codes().map(|c| c.name()).collect();
    let published: BTreeSet<&str> = PUBLISHED.iter().copied().collect();
    let gone: Vec<&&str> = published.difference(&registered).collect();
    assert!(gone.is_empty(), "published codes no longer registered (codes are never renamed or removed): {gone:?}");
    let new: Vec<&&str> = registered.difference(&published).collect();
    assert!(new.is_empty(), "add new codes to PUBLISHED: {new:?}");
}

#[test]
fn names_are_unique_and_well_formed() {
    let codes: Vec<_> = registry().codes().collect();
    assert!(codes.len() > 30, "the registry has only {} codes; is a phase missing?", codes.len());
    for pair in codes.windows(2) {
        assert!(pair[0].name() < pair[1].name(), "`{}` is registered twice, or out of order", pair[1]);
    }
    let snake = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    for c in codes {
        assert_eq!(c.name(), format!("rc2s6::{}::{}", c.phase(), c.short_name()));
        assert!(snake(c.phase()) && snake(c.short_name()), "{c}: not snake_case");
    }
}

#[test]
fn explanations_say_what_why_example_and_fix() {
    for code in registry().codes() {
        let text = code.explanation();
        assert_eq!(text.lines().next(), Some(format!("# {code}").as_str()), "{code}: title");
        assert!(!code.summary().is_empty(), "{code}: summary line");
        for section in ["## What it means", "## Why it matters", "## Example", "## Fix"] {
            assert!(text.contains(&format!("\n{section}\n")), "{code}: no `{section}` section");
        }
    }
}

/// A file `docs/codes/<phase>/<name>.md` that no registered code includes is an explanation of
/// nothing, or of a code whose phase's list `rc2s6::codes` does not gather.
#[test]
fn every_explanation_file_belongs_to_a_registered_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes");
    let mut stale = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.expect("docs/codes is readable");
        if !entry.file_type().is_file() {
            continue;
        }
        files += 1;
        let relative = entry.path().strip_prefix(&root).unwrap();
        let name = relative.with_extension("").to_string_lossy().replace('/', "::");
        let found = registry().codes().find(|c| c.name() == format!("rc2s6::{name}"));
        let text = std::fs::read_to_string(entry.path()).unwrap();
        if relative.extension().is_none_or(|x| x != "md") || found.is_none_or(|c| c.explanation() != text) {
            stale.push(relative.display().to_string());
        }
    }
    assert!(stale.is_empty(), "files in docs/codes that are no registered code's explanation: {stale:?}");
    assert_eq!(files, registry().codes().count(), "one explanation file per code");
}

#[test]
fn readme_table_is_the_registry() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("| code | summary |\n").expect("README.md has the table of codes");
    let table: String = readme[start..].lines().take_while(|l| l.starts_with('|')).map(|l| format!("{l}\n")).collect();
    let expected = registry().markdown_table();
    assert!(table == expected, "README.md's table of codes is not the registry's; replace it with:\n{expected}");
}

#[test]
fn codes_resolve_from_short_forms_and_suggest_near_misses() {
    let resolve = |given: &str| registry().resolve(given).map(|c| c.name());
    let suggest = |given: &str| registry().suggestions(given).first().map(|c| c.name());
    assert_eq!(resolve("lint::relative_command"), Some("rc2s6::lint::relative_command"));
    assert_eq!(resolve("relative_command"), Some("rc2s6::lint::relative_command"));
    assert_eq!(resolve("rc2s6::lint::relative_comand"), None);
    // Two phases have `stop_bypasses_s6`: the name alone is ambiguous.
    assert_eq!(resolve("stop_bypasses_s6"), None);
    assert_eq!(suggest("rc2s6::lint::relative_comand"), Some("rc2s6::lint::relative_command"));
    assert_eq!(suggest("daemon_may_frok"), Some("rc2s6::model::daemon_may_fork"));
}

#[test]
fn phases_resolve_with_or_without_the_prefix() {
    assert_eq!(registry().phase("model"), Some("model"));
    assert_eq!(registry().phase("rc2s6::lint"), Some("lint"));
    assert_eq!(registry().phase("rc2s6"), None);
    assert_eq!(registry().phases(), ["emit", "input", "lint", "migrate", "model", "parse", "s6rc", "verify", "write"]);
}

/// miette's `#[diagnostic(code(…), severity(…))]` would be a second place for what a code's
/// static declares, and one nothing reads: findings take code and severity from `Coded`.
#[test]
fn no_code_or_severity_is_declared_outside_the_registry() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("src/ is readable");
        if entry.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("source is UTF-8");
        for (n, line) in text.lines().enumerate() {
            let t = line.trim_start();
            let declares = ["code(rc2s6::", "severity(Error)", "severity(Warning)", "severity(Advice)"]
                .iter()
                .any(|attribute| t.contains(attribute));
            if declares && !t.starts_with("//") {
                found.push(format!("{}:{}", entry.path().display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "declare codes with define_codes! and map variants in `impl Coded`: {found:?}");
}
