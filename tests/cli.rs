//! The command-line surface, through the real binary: lint's formats, severities and exit codes,
//! explain, graph (checked by Graphviz's `dot`), man pages, shell completions (checked by the
//! shells), help and version.

mod support;

use std::process::Output;

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    support::rc2s6().current_dir(support::root()).args(args).env_remove("NO_COLOR").output().expect("rc2s6 runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

/// A case of the lint testdata, linted with no host configuration.
fn lint(case: &str, extra: &[&str]) -> Output {
    let dir = format!("testdata/lint/{case}/init.d");
    let conf_dir = format!("testdata/lint/{case}/conf.d");
    let mut args = vec!["lint", "--no-rc-conf", "--conf-dir", &conf_dir, "--openrc", "0.63.3"];
    args.extend_from_slice(extra);
    args.push(&dir);
    run(&args)
}

#[test]
fn lint_exits_1_on_an_error_and_0_on_warnings_only() {
    let errors = lint("background_without_pidfile/fire", &["--format", "gcc"]);
    assert_eq!(code(&errors), 1, "{}", stderr(&errors));
    let warnings = lint("relative_command/fire", &["--format", "gcc", "--allow", "rc2s6::model::daemon_may_fork"]);
    assert_eq!(code(&warnings), 0, "{}", stdout(&warnings));
    assert!(stdout(&warnings).contains("[rc2s6::lint::relative_command]"));
    assert!(stderr(&warnings).contains("2 scripts, 0 errors, 2 warnings, 0 notes"), "{}", stderr(&warnings));
}

#[test]
fn severities_follow_deny_warn_and_allow() {
    let case = "relative_command/fire";
    let base = ["--format", "gcc", "--allow", "model::daemon_may_fork"];
    let denied = lint(case, &[&base[..], &["--deny", "relative_command"]].concat());
    assert_eq!(code(&denied), 1);
    assert!(stdout(&denied).contains(": error: `command` is `bared`"), "{}", stdout(&denied));
    let all_denied = lint(case, &[&base[..], &["--deny", "warnings"]].concat());
    assert_eq!(code(&all_denied), 1);
    let allowed = lint(case, &[&base[..], &["--allow", "rc2s6::lint::*"]].concat());
    assert_eq!(code(&allowed), 0);
    assert_eq!(stdout(&allowed), "");
    let warned = lint("background_without_pidfile/fire", &["--format", "gcc", "--warn", "background_without_pidfile"]);
    assert_eq!(code(&warned), 0);
    assert!(stdout(&warned).contains(": warning: `command_background` is set"));
}

#[test]
fn in_file_allow_comments_silence_their_line() {
    let o = lint("unknown_allow_code/no-fire", &["--format", "gcc"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "");
}

#[test]
fn bad_usage_exits_100_with_a_suggestion() {
    let o = lint("relative_command/fire", &["--deny", "rc2s6::lint::relative_comand"]);
    assert_eq!(code(&o), 100);
    assert!(stderr(&o).contains("did you mean `rc2s6::lint::relative_command`?"), "{}", stderr(&o));
    assert_eq!(code(&run(&["lint", "--format", "xml", "testdata/lint"])), 100);
    assert_eq!(code(&run(&["lint"])), 100);
    assert_eq!(code(&run(&["lint", "--openrc", "banana", "testdata/lint"])), 100);
    assert_eq!(code(&lint("relative_command/fire", &["--warn", "warnings"])), 100);
    assert_eq!(code(&lint("relative_command/fire", &["--deny", "x", "--allow", "x"])), 100);
}

#[test]
fn unreadable_input_exits_111() {
    let o = run(&["lint", "--no-rc-conf", "--format", "gcc", "testdata/lint/no-such-file"]);
    assert_eq!(code(&o), 111);
    assert!(stderr(&o).contains("cannot read testdata/lint/no-such-file"), "{}", stderr(&o));
}

#[test]
fn json_has_the_documented_fields() {
    let o = lint("dangling_flag/fire", &["--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    let d = &doc["diagnostics"][0];
    for field in ["file", "line", "column", "end_line", "end_column", "code", "severity", "message", "help"] {
        assert!(d.get(field).is_some(), "no `{field}` in {d}");
    }
    assert_eq!(d["file"], "testdata/lint/dangling_flag/fire/init.d/dangled");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(5), Some(1)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(5), Some(29)));
    assert_eq!(d["code"], "rc2s6::lint::dangling_flag");
    assert_eq!(d["severity"], "warning");
    assert_eq!(doc["summary"]["warnings"], 2);
}

#[test]
fn sarif_is_a_2_1_0_log_with_rules_and_regions() {
    let o = lint("dependency_cycle/fire", &["--format", "sarif"]);
    let log: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rc2s6");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["id"], "rc2s6::lint::dependency_cycle");
    assert_eq!(rules[0]["name"], "DependencyCycle");
    assert!(rules[0]["help"]["markdown"].as_str().unwrap().contains("## Fix"));
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "warning");
    let results = run["results"].as_array().unwrap();
    // One cycle of three scripts: reported once (issue 16).
    assert_eq!(results.len(), 1);
    for r in results {
        assert_eq!(r["ruleIndex"], 0);
        assert_eq!(r["level"], "warning");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["artifactLocation"]["uri"].as_str().unwrap().starts_with("testdata/lint/dependency_cycle/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["endColumn"].as_u64() > loc["region"]["startColumn"].as_u64());
    }
}

#[test]
fn github_and_gcc_formats_are_one_line_per_finding() {
    let gh = stdout(&lint("need_not_provided/fire", &["--format", "github"]));
    assert_eq!(
        gh,
        "::warning file=testdata/lint/need_not_provided/fire/init.d/webapp,line=5,endLine=5,col=11,endColumn=21,\
         title=rc2s6%3A%3Alint%3A%3Aneed_not_provided::`need postgressql`: no script here provides `postgressql`\
         %0Ahelp: OpenRC will refuse to start this service unless some installed script provides `postgressql`; \
         check the name, or lint it together with the script that provides it\n"
    );
    let gcc = stdout(&lint("need_not_provided/fire", &["--format", "gcc"]));
    assert_eq!(
        gcc,
        "testdata/lint/need_not_provided/fire/init.d/webapp:5:11: warning: `need postgressql`: no script here \
         provides `postgressql` [rc2s6::lint::need_not_provided]\n"
    );
}

#[test]
fn colour_follows_the_terminal_no_color_and_the_flag() {
    let plain = lint("relative_command/fire", &["--format", "human"]);
    assert!(!stdout(&plain).contains('\u{1b}'), "not a terminal: no colour");
    assert!(stdout(&plain).contains("not an absolute path"));
    let forced = lint("relative_command/fire", &["--format", "human", "--color", "always"]);
    assert!(stdout(&forced).contains('\u{1b}'));
    let dir = "testdata/lint/relative_command/fire/init.d";
    let no_color = support::rc2s6()
        .current_dir(support::root())
        .args(["lint", "--no-rc-conf", "--format", "human", dir])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&no_color).contains('\u{1b}'));
    // Not a terminal and no --format: one gcc line per finding.
    let default = lint("relative_command/fire", &[]);
    assert!(
        stdout(&default).starts_with("testdata/lint/relative_command/fire/init.d/bared:2:1: "),
        "{}",
        stdout(&default)
    );
}

#[test]
fn quiet_prints_only_errors_and_the_summary() {
    let o = lint("relative_command/fire", &["--format", "gcc", "--quiet", "--deny", "rc2s6::model::daemon_may_fork"]);
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains(": error: `bared` may fork"), "{}", stdout(&o));
    assert_eq!(stderr(&o), "rc2s6 lint: 2 scripts, 1 error, 0 warnings, 0 notes\n");
}

#[test]
fn conversion_blockers_are_warnings_in_lint() {
    // The script is fine for OpenRC; that it cannot be converted to s6 as it is is a warning.
    let o = lint("relative_command/fire", &["--format", "gcc"]);
    assert!(stdout(&o).contains(": warning: `bared` may fork"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn output_is_the_same_every_run() {
    let a = lint("dependency_cycle/fire", &["--format", "sarif"]);
    let b = lint("dependency_cycle/fire", &["--format", "sarif"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn explain_prints_explanations_and_suggests_codes() {
    let o = run(&["explain", "rc2s6::model::daemon_may_fork"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("# rc2s6::model::daemon_may_fork\n"));
    let short = run(&["explain", "relative_command"]);
    assert!(stdout(&short).starts_with("# rc2s6::lint::relative_command\n"));
    let unknown = run(&["explain", "rc2s6::model::daemon_may_frok"]);
    assert_eq!(code(&unknown), 100);
    assert!(stderr(&unknown).contains("did you mean `rc2s6::model::daemon_may_fork`?"), "{}", stderr(&unknown));
    let list = stdout(&run(&["explain", "--list"]));
    assert!(list.lines().any(|l| l.starts_with("rc2s6::parse::syntax_error\t")));
    assert_eq!(list.lines().count(), rc2s6::codes::registry().codes().count());
}

#[test]
fn graph_is_dot_that_graphviz_reads() {
    let o = run(&["graph", "--no-rc-conf", "--no-conf-dir", "testdata/lint/dependency_cycle/fire/init.d"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let dot = stdout(&o);
    assert!(dot.starts_with("digraph dependencies {\n"));
    assert!(dot.contains("  \"alpha\" -> \"beta\" [label=\"need\", style=bold];\n"), "{dot}");
    assert!(dot.contains("  \"gamma\" -> \"gamma-api\" [label=\"provide\", style=dotted, arrowhead=empty];\n"));
    assert!(dot.contains("  \"gamma-api\" [shape=ellipse];\n"));
    let Some(graphviz) = support::tool("dot") else { return };
    let dir = support::tempdir();
    let file = dir.path().join("deps.dot");
    std::fs::write(&file, &dot).unwrap();
    let checked = std::process::Command::new(graphviz).arg("-Tsvg").arg(&file).output().unwrap();
    assert!(checked.status.success(), "dot rejects the graph: {}", String::from_utf8_lossy(&checked.stderr));
}

#[test]
fn man_pages_come_from_the_command_line_definitions() {
    let main = stdout(&run(&["man"]));
    assert!(main.contains(".TH rc2s6 1"), "{main}");
    assert!(main.contains("lint"));
    let lint_page = stdout(&run(&["man", "lint"]));
    assert!(lint_page.contains(".TH rc2s6-lint 1"), "{lint_page}");
    assert!(lint_page.contains("\\-\\-deny"));
    assert_eq!(code(&run(&["man", "nope"])), 100);
}

#[test]
fn completion_scripts_parse_in_their_shells() {
    for (shell, program, check) in [("bash", "bash", "-n"), ("zsh", "zsh", "-n"), ("fish", "fish", "--no-execute")] {
        let o = run(&["completions", shell]);
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).contains("rc2s6"));
        let Some(interpreter) = support::tool(program) else { continue };
        let dir = support::tempdir();
        let file = dir.path().join(format!("rc2s6.{shell}"));
        std::fs::write(&file, &o.stdout).unwrap();
        let checked = std::process::Command::new(interpreter).arg(check).arg(&file).output().unwrap();
        assert!(
            checked.status.success(),
            "{shell} rejects its completions: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}

#[test]
fn help_has_examples_and_version_is_the_crate_version() {
    for sub in [&[][..], &["compile"], &["lint"], &["graph"], &["explain"], &["man"], &["completions"]] {
        let mut args = sub.to_vec();
        args.push("--help");
        let o = run(&args);
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).contains("Examples:"), "{args:?}: {}", stdout(&o));
    }
    let v = run(&["--version"]);
    assert_eq!(stdout(&v), format!("rc2s6 {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn a_walked_directory_skips_files_that_are_not_scripts() {
    let dir = support::tempdir();
    std::fs::write(dir.path().join("notes.txt"), "not a script\n").unwrap();
    std::fs::write(dir.path().join("sysv"), "#!/bin/sh\ncase \"$1\" in start) ;; esac\n").unwrap();
    std::fs::write(dir.path().join("wrong"), "#!/bin/sh\ncommand=/usr/bin/wrong\ndepend() { need net; }\n").unwrap();
    let o = support::rc2s6()
        .args(["lint", "--no-rc-conf", "--no-conf-dir", "--format", "gcc"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("wrong:1:1: error: not an openrc-run script"), "{out}");
    assert!(!out.contains("sysv") && !out.contains("notes.txt"), "{out}");
    assert!(stderr(&o).contains("(2 files skipped: not openrc-run scripts)"), "{}", stderr(&o));
}
