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
    let cycle = rc2s6::codes::registry().resolve("lint::dependency_cycle").unwrap();
    assert_eq!(rules[0]["shortDescription"]["text"], cycle.summary());
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
    // A name two phases share is said to be ambiguous, not a typo.
    let shared = run(&["explain", "dependency_cycle"]);
    assert_eq!(shared.status.code(), Some(100));
    assert_eq!(
        String::from_utf8_lossy(&shared.stderr).trim(),
        "rc2s6: `dependency_cycle` names several codes: `rc2s6::lint::dependency_cycle`, `rc2s6::s6rc::dependency_cycle`; give the whole code"
    );
    let list = stdout(&run(&["explain", "--list"]));
    assert!(list.lines().any(|l| l.starts_with("rc2s6::parse::syntax_error\t")));
    assert_eq!(list.lines().count(), rc2s6::codes::registry().codes().count());
    // Each summary whole, never cut at the end of its first line in the explanation file.
    for (line, code) in list.lines().zip(rc2s6::codes::registry().codes()) {
        assert_eq!(line, format!("{code}\t{}", code.summary()));
        assert!(line.ends_with('.'), "a summary cut mid-sentence: {line}");
    }
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

#[test]
fn a_syntax_error_is_located_where_the_unclosed_construct_opens() {
    let dir = support::tempdir();
    let quote = dir.path().join("quote");
    std::fs::write(
        &quote,
        "#!/sbin/openrc-run\ncommand=/usr/bin/foo\ncommand_args=\"-a -b\n\ndepend() {\n\tneed net\n}\n",
    )
    .unwrap();
    let unclosed_if = dir.path().join("unclosed_if");
    std::fs::write(&unclosed_if, "#!/sbin/openrc-run\nstart_pre() {\n\ttrue\n}\nif [ -n \"$x\" ]; then\n\techo x\n")
        .unwrap();
    let lint = |format: &str, file: &std::path::Path| {
        let o = support::rc2s6()
            .args(["lint", "--no-rc-conf", "--no-conf-dir", "--format", format])
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        stdout(&o)
    };
    // The opening quote (line 3, column 14) is the primary location.
    let gcc = lint("gcc", &quote);
    assert!(gcc.starts_with(&format!("{}:3:14: error: syntax error", quote.display())), "{gcc}");
    let gh = lint("github", &quote);
    assert!(gh.contains(",line=3,endLine=3,col=14,endColumn=14,"), "{gh}");
    // End of file, past the last line, is a related location.
    let sarif: Value = serde_json::from_str(&lint("sarif", &quote)).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
    let related = &result["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 8);
    assert_eq!(related["message"]["text"], "unexpected end of file");
    let human = lint("human", &quote);
    assert!(human.contains("this quote is never closed"), "{human}");
    // An `if` never closed: the `if`.
    let gcc = lint("gcc", &unclosed_if);
    assert!(gcc.starts_with(&format!("{}:5:1: error: syntax error", unclosed_if.display())), "{gcc}");
    assert!(lint("human", &unclosed_if).contains("this `if` has no `fi`"));
}

/// A directory of `n` scripts whose `command` is relative: a warning each.
fn relative_commands(n: usize) -> tempfile::TempDir {
    let dir = support::tempdir();
    for i in 0..n {
        std::fs::write(
            dir.path().join(format!("s{i:02}")),
            format!("#!/sbin/openrc-run\ncommand=bared{i}\ncommand_background=yes\npidfile=/run/s{i}.pid\n"),
        )
        .unwrap();
    }
    dir
}

#[test]
fn github_annotations_stop_at_ten_of_a_kind_and_count_the_rest() {
    let dir = relative_commands(13);
    let o = support::rc2s6()
        .args(["lint", "--no-rc-conf", "--no-conf-dir", "--format", "github"])
        .arg(dir.path())
        .output()
        .unwrap();
    let out = stdout(&o);
    assert_eq!(out.lines().filter(|l| l.starts_with("::warning ")).count(), 10, "{out}");
    // The other three in the log, folded, as plain lines.
    let group: Vec<&str> =
        out.lines().skip_while(|l| !l.starts_with("::group::")).take_while(|l| *l != "::endgroup::").collect();
    assert_eq!(group[0], "::group::rc2s6: 3 more findings (not annotated)");
    assert_eq!(group.len(), 4, "{out}");
    assert!(group[1].contains("/s10:2:1: warning: `command` is `bared10`"), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("::notice title=rc2s6::3 more warnings not annotated: GitHub shows 10"), "{last}");
    // Ten or fewer: every one an annotation, nothing else.
    let few = relative_commands(10);
    let o = support::rc2s6()
        .args(["lint", "--no-rc-conf", "--no-conf-dir", "--format", "github"])
        .arg(few.path())
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().count(), 10);
    assert!(stdout(&o).lines().all(|l| l.starts_with("::warning ")));
}

#[test]
fn gitlab_code_quality_has_the_required_fields_and_unique_fingerprints() {
    let dir = relative_commands(3);
    // The same finding twice in one file: two issues, two fingerprints.
    std::fs::write(
        dir.path().join("twice"),
        "#!/sbin/openrc-run\ncommand=/usr/bin/x\ncommand_background=yes\npidfile=/run/x.pid\nstart_pre() {\n\techo ${a/b/c}\n\techo ${a/b/c}\n}\n",
    )
    .unwrap();
    let o = support::rc2s6()
        .args(["lint", "--no-rc-conf", "--no-conf-dir", "--format", "gitlab"])
        .arg(dir.path())
        .output()
        .unwrap();
    let issues: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let issues = issues.as_array().unwrap();
    assert!(issues.len() >= 5, "{issues:?}");
    let mut fingerprints = std::collections::BTreeSet::new();
    for i in issues {
        assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()), "{i}");
        assert!(i["check_name"].as_str().unwrap().starts_with("rc2s6::"), "{i}");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().unwrap()), "{i}");
        assert!(i["location"]["path"].as_str().unwrap().starts_with(&dir.path().display().to_string()), "{i}");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1, "{i}");
        assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()), "a repeated fingerprint: {i}");
    }
    let relative = issues.iter().find(|i| i["check_name"] == "rc2s6::lint::relative_command").unwrap();
    assert_eq!(
        (relative["severity"].as_str(), relative["location"]["lines"]["begin"].as_u64()),
        (Some("minor"), Some(2))
    );
    let posix: Vec<_> = issues.iter().filter(|i| i["check_name"] == "rc2s6::lint::non_posix_syntax").collect();
    assert_eq!(posix.len(), 2, "{posix:?}");
    // The fingerprint does not depend on the line: a line added above keeps it.
    let before = relative["fingerprint"].clone();
    std::fs::write(
        dir.path().join("s00"),
        "#!/sbin/openrc-run\n# a comment\ncommand=bared0\ncommand_background=yes\npidfile=/run/s0.pid\n",
    )
    .unwrap();
    let again: Value = serde_json::from_str(&stdout(
        &support::rc2s6()
            .args(["lint", "--no-rc-conf", "--no-conf-dir", "--format", "gitlab"])
            .arg(dir.path())
            .output()
            .unwrap(),
    ))
    .unwrap();
    let moved = again.as_array().unwrap().iter().find(|i| i["check_name"] == "rc2s6::lint::relative_command").unwrap();
    assert_eq!(moved["location"]["lines"]["begin"], 3);
    assert_eq!(moved["fingerprint"], before);
}

#[test]
fn the_pre_commit_hook_runs_as_defined() {
    let text = std::fs::read_to_string(support::root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
    let hooks = hooks.as_sequence().expect("a list of hooks");
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    for field in ["id", "name", "entry", "language", "files"] {
        assert!(hook.get(field).and_then(|v| v.as_str()).is_some(), "no `{field}` in {hook:?}");
    }
    assert_eq!(hook["language"].as_str(), Some("rust"));
    // pre-commit runs the entry with the changed files after it.
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry[0], "rc2s6");
    let case = "testdata/lint/need_not_provided/fire/init.d/webapp";
    let o = run(&[&entry[1..], &[case]].concat());
    // The dependency on a script the commit does not hold is not reported; the rest is.
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stdout(&o).contains("need_not_provided"), "{}", stdout(&o));
    let errors = run(&[&entry[1..], &["testdata/lint/background_without_pidfile/fire/init.d/bgd"]].concat());
    assert!(stdout(&errors).contains("[rc2s6::lint::background_without_pidfile]"), "{}", stdout(&errors));
}
