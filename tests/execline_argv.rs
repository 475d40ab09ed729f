//! Every generated execline script, read by the real `execlineb`: the words it builds must be
//! exactly the words rc2s6 meant, and the daemon's argv exactly the model's. Each test runs with
//! Debian's execline 2.9.3 and with execline 2.9.9 (`support::skarnet`).

#[path = "fuzz_input/run_argv.rs"]
mod run_argv;
mod support;

use std::path::{Path, PathBuf};

use rc2s6::backend::execline;
use rc2s6::pipeline::compile::{self};
use support::skarnet::Toolset;

fn cases() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for case in std::fs::read_dir(support::root().join("testdata/emit")).unwrap() {
        let case = case.unwrap().path();
        for s in std::fs::read_dir(case.join("init.d")).unwrap() {
            v.push(s.unwrap().path());
        }
    }
    v.sort();
    v
}

for_each_toolset! {
    generated_scripts_mean_what_rc2s6_meant => generated_scripts_mean_what_rc2s6_meant_debian,
        generated_scripts_mean_what_rc2s6_meant_current;
    hostile_values_stay_single_words => hostile_values_stay_single_words_debian,
        hostile_values_stay_single_words_current;
    a_value_naming_the_limits_variable_is_not_substituted =>
        a_value_naming_the_limits_variable_is_not_substituted_debian,
        a_value_naming_the_limits_variable_is_not_substituted_current;
}

fn generated_scripts_mean_what_rc2s6_meant(ts: &Toolset) {
    let Some(execlineb) = ts.tool("execlineb") else { return };
    let mut checked = 0;
    for script in cases() {
        let case = script.parent().and_then(Path::parent).unwrap();
        let opts = support::case_options(case, "0.45", "/var/svc.d");
        let comp = compile::run(std::slice::from_ref(&script), &opts);
        for s in &comp.services {
            let Some(dir) = &s.dir else { continue };
            let daemon = s.analysis.as_deref().expect("compile keeps each analysis").service.daemon.as_ref().unwrap();
            for f in dir.files.iter().filter(|f| f.contents.starts_with("#!")) {
                let real = support::execlineb::words(&execlineb, &f.contents);
                let ours = execline::tokenize(f.contents.split_once('\n').unwrap().1).unwrap();
                assert_eq!(
                    real,
                    ours,
                    "{}/{}: {}'s execlineb and rc2s6's tokenizer disagree",
                    dir.name,
                    f.path,
                    ts.name()
                );
                if f.path == "run" {
                    let tail = &real[real.len() - daemon.argv.len()..];
                    let argv = run_argv::expected_tail(&real, &daemon.argv, &daemon.env);
                    assert_eq!(tail, argv.as_slice(), "{}: the daemon's argv ({})", dir.name, ts.name());
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} scripts checked");
}

fn hostile_values_stay_single_words(ts: &Toolset) {
    let Some(execlineb) = ts.tool("execlineb") else { return };
    let hostile = [
        "}",
        "{",
        "foreground",
        "} foreground { echo pwned }",
        "\"",
        "\\",
        "\\\"",
        "#comment",
        "a\nb",
        "",
        " ",
        "$1",
        "${PATH}",
        "\t",
        "ünïcödé",
        "\x01\x02",
        "'",
        "a\"b\\c",
        "\\0",
        "\\n",
    ];
    let mut s = execline::ExeclineScript::new("/bin/execlineb");
    s.line(hostile.iter().map(|h| h.to_string()));
    let real = support::execlineb::words(&execlineb, &s.render().unwrap());
    assert_eq!(real, hostile.map(String::from).to_vec(), "{}", ts.name());
}

/// The limits reach the chain through a variable `importas` substitutes in every later word: a
/// daemon argument that names it (`$RC2S6_ULIMIT`, as a script may pass a literal `$…` to its
/// daemon) must reach the daemon as written, so the variable is one no value holds.
fn a_value_naming_the_limits_variable_is_not_substituted(ts: &Toolset) {
    use std::os::unix::fs::PermissionsExt;
    if !ts.tools(&["execlineb", "backtick", "importas", "s6-softlimit"]) {
        return;
    }
    let tmp = support::tempdir();
    let dir = tmp.path();
    let probe = dir.join("probe");
    let out = dir.join("out");
    std::fs::write(&probe, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n", out.display())).unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(dir.join("init.d")).unwrap();
    let script = dir.join("init.d/limited");
    // Escaped, since OpenRC `eval`s command_args.
    let args = "'\\$RC2S6_ULIMIT \\${RC2S6_ULIMIT} \\$RC2S6_ULIMIT1'";
    let text = format!(
        "#!/sbin/openrc-run\ncommand={}\ncommand_args={args}\ncommand_background=yes\nrc_ulimit=\"-S -n 512\"\n",
        probe.display()
    );
    std::fs::write(&script, text).unwrap();
    let opts = support::compile_options(None, None, "0.45", "/var/svc.d");
    let comp = compile::run(std::slice::from_ref(&script), &opts);
    let run =
        &comp.services[0].dir.as_ref().expect("converted").files.iter().find(|f| f.path == "run").unwrap().contents;
    assert!(run.contains("s6-softlimit"), "{run}");
    std::fs::write(dir.join("run"), run).unwrap();
    let status = ts.command("execlineb").arg("-P").arg(dir.join("run")).status().unwrap();
    assert!(status.success(), "{run}");
    let argv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(argv, "$RC2S6_ULIMIT\n${RC2S6_ULIMIT}\n$RC2S6_ULIMIT1\n", "{} ({})", run, ts.name());
}
