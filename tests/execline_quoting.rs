//! rc2s6's execline quoting, checked against the real `execlineb` on random values: every value
//! comes back as exactly the word it was, and values set in conf.d (`}`, `{`, `foreground`,
//! quotes, newlines …) stay literal words through a whole compile by the real binary. Each test
//! runs with Debian's execline 2.9.3 and with execline 2.9.9 (`support::skarnet`).

mod support;

use std::path::Path;

use proptest::prelude::*;
use rc2s6::backend::execline::{self, ExeclineScript};
use support::skarnet::Toolset;

/// Pieces that mean something to execlineb, the shell or a terminal, and arbitrary characters.
fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "\"", "{", "}", "\\", "\n", "$", "#", " ", "\t", "", "foreground", "if", "'", "\\0x41",
            "\\n", "${x}", "$1", "$@", "\r", "\x01", "\x7f", "\u{85}", "\u{a0}", "\u{2028}", "ünï", "日本",
            "😀", "-P", "--", "\\\"", "\"\"", "{}", "} {", "exit 1", "#!",
        ])
        .prop_map(String::from),
        2 => any::<char>().prop_filter("no argument holds a NUL", |c| *c != '\0').prop_map(String::from),
        1 => "[a-zA-Z0-9_./=-]{1,6}",
    ]
}

/// A value: any string but one holding NUL, biased towards what could break quoting.
fn hostile_value() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_piece(), 0..8).prop_map(|v| v.concat())
}

for_each_toolset! {
    random_argv_comes_back_from_execlineb_unchanged => random_argv_comes_back_from_execlineb_unchanged_debian,
        random_argv_comes_back_from_execlineb_unchanged_current;
    conf_d_values_stay_literal_words_through_a_whole_compile =>
        conf_d_values_stay_literal_words_through_a_whole_compile_debian,
        conf_d_values_stay_literal_words_through_a_whole_compile_current;
}

fn random_argv_comes_back_from_execlineb_unchanged(ts: &Toolset) {
    let Some(execlineb) = ts.tool("execlineb") else { return };
    let config = ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(lines in prop::collection::vec(prop::collection::vec(hostile_value(), 1..6), 1..4))| {
        let mut script = ExeclineScript::new("/bin/execlineb");
        for l in &lines {
            script.line(l.iter().cloned());
        }
        let text = script.render().expect("no NUL");
        let expected: Vec<String> = lines.concat();
        prop_assert_eq!(&support::execlineb::words(&execlineb, &text), &expected, "{}, script:\n{}", ts.name(), text);
        // rc2s6's own lexer (used to compare scripts by meaning) agrees with the real one.
        let body = text.split_once('\n').map(|x| x.1).unwrap_or("");
        prop_assert_eq!(execline::tokenize(body).expect("lexes"), expected);
    });
}

/// Single-quotes a value for a conf.d file (sh).
fn sh_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// Compiles `svc` with conf.d values `a` and `b` by running the real binary, and returns the
/// words the real execlineb builds from the generated `run`.
fn run_words(dir: &Path, execlineb: &Path, a: &str, b: &str) -> Vec<String> {
    std::fs::write(dir.join("conf.d/svc"), format!("a={}\nb={}\n", sh_quote(a), sh_quote(b))).expect("conf.d");
    let out = support::rc2s6()
        .arg(dir.join("init.d/svc"))
        .arg("-o")
        .arg(dir.join("out"))
        .arg("--conf-dir")
        .arg(dir.join("conf.d"))
        .arg("--no-rc-conf")
        .arg("--quiet")
        .output()
        .expect("run rc2s6");
    assert!(out.status.success(), "rc2s6 failed for a={a:?} b={b:?}:\n{}", String::from_utf8_lossy(&out.stderr));
    let run = std::fs::read_to_string(dir.join("out/svc/run")).expect("run was written");
    support::execlineb::words(execlineb, &run)
}

fn conf_d_values_stay_literal_words_through_a_whole_compile(ts: &Toolset) {
    let Some(execlineb) = ts.tool("execlineb") else { return };
    let tmp = support::tempdir();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("init.d")).expect("init.d");
    std::fs::create_dir_all(dir.join("conf.d")).expect("conf.d");
    // OpenRC evals command_args: `"$a"` there is one word holding exactly the value of `a`.
    std::fs::write(
        dir.join("init.d/svc"),
        "#!/sbin/openrc-run\ncommand=/usr/bin/printargs\ncommand_args='\"$a\" --flag'\n\
         command_args_foreground='\"$b\"'\ncommand_background=true\n",
    )
    .expect("script");
    let (pa, pb) = ("PLACEHOLDER_A", "PLACEHOLDER_B");
    let template = run_words(dir, &execlineb, pa, pb);
    assert!(template.iter().filter(|w| *w == pa || *w == pb).count() == 2, "{template:?}");
    let config = ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(a in hostile_value(), b in hostile_value())| {
        let expected: Vec<String> = template
            .iter()
            .map(|w| if w == pa { a.clone() } else if w == pb { b.clone() } else { w.clone() })
            .collect();
        // Same words in the same places: nothing was added, no block opened or closed.
        prop_assert_eq!(run_words(dir, &execlineb, &a, &b), expected);
    });
}
