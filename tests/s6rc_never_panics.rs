//! Whatever the input, the s6-rc backend neither panics nor writes a definition that leaves its
//! place or does not read back: every name is one s6-rc-compile accepts, every path is plain,
//! every oneshot script lexes as execline into `/bin/sh -c PROGRAM NAME`, and PROGRAM parses as
//! shell whatever the files it embeds hold (quotes, `'`, here-documents, NUL aside). Random shell
//! and the fuzzers' crashers from testdata/fuzz/pipeline, as for the s6 backend
//! (tests/never_panics.rs).

mod fuzz_input;
mod support;

use proptest::prelude::*;
use rc2s6::backend::Backend;
use rc2s6::backend::execline;
use rc2s6::backend::s6rc::{self, S6RcOptions};
use rc2s6::pipeline::compile;

/// Compiles one service from fuzz bytes with the s6-rc backend and checks every definition.
fn check(data: &[u8]) {
    let mut opts = fuzz_input::options();
    opts.backend = Backend::S6Rc(S6RcOptions::default());
    let compiled = compile::compile_files(fuzz_input::service_files(data), &opts);
    let _ = rc2s6::report::render_human(compiled.findings(), false);
    for dir in compiled.dir.iter().chain(&compiled.companions) {
        assert!(s6rc::invalid_name(&dir.name).is_none(), "bad definition name {:?}", dir.name);
        for f in &dir.files {
            assert!(
                !f.path.is_empty()
                    && !f.path.starts_with('/')
                    && f.path.split('/').all(|c| !c.is_empty() && c != "." && c != ".."),
                "file path {:?} leaves the definition",
                f.path
            );
            if (f.path == "up" || f.path == "down") && !f.contents.is_empty() {
                let words = execline::tokenize(&f.contents)
                    .unwrap_or_else(|e| panic!("{}/{} does not lex ({e}):\n{}", dir.name, f.path, f.contents));
                assert_eq!(words.len(), 4, "{}/{}: {words:?}", dir.name, f.path);
                assert_eq!((words[0].as_str(), words[1].as_str()), ("/bin/sh", "-c"));
                assert_eq!(words[3], compiled.analysis.as_deref().expect("compile keeps each analysis").service.name);
                let parsed = rc2s6::shell::parse::parse_script(&words[2]);
                assert!(
                    parsed.errors.is_empty(),
                    "{}/{}: the program does not parse: {:?}",
                    dir.name,
                    f.path,
                    parsed.errors
                );
            }
        }
    }
    let yaml = compiled.record.clone();
    let manifest = rc2s6::manifest::Manifest::new(&opts.target, &opts.output, vec![yaml]);
    let back = rc2s6::manifest::Manifest::from_yaml(&manifest.to_yaml()).expect("the manifest reads back");
    assert_eq!(back, manifest);
}

fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "#!/sbin/openrc-run\n", "\n", " ", "\t", ";", "&", "|", "(", ")", "{ ", " }", "$(", "${", "}", "`",
            "'", "\"", "\\", "<<EOF\n", "\nEOF\n", "if ", "then ", "fi", "return ", "exit ", "local ",
            "command=/usr/bin/d", "command_args=", "command_background=yes", "pidfile=/run/d.pid",
            "start() {\n", "stop() {\n", "start_pre() {\n", "stop_post() {\n", "start_post() {\n",
            "depend() {\n", "need ", "provide ", "checkpath -d /run/x", "ebegin x", "eend $?",
            "start-stop-daemon --start --background --exec /usr/bin/d", "start-stop-daemon --stop",
            "kill -HUP $(cat $pidfile)", "service_started x", "required_files=", "s6rc-", "-log",
        ])
        .prop_map(|t| t.as_bytes().to_vec()),
        2 => "[a-z_]{1,6}".prop_map(String::into_bytes),
        1 => any::<char>().prop_map(|c| c.to_string().into_bytes()),
        1 => Just(vec![fuzz_input::SEPARATOR]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_shell_never_panics(data in prop::collection::vec(token(), 0..120).prop_map(|v| v.concat())) {
        let mut with_name = b"svc\xff#!/sbin/openrc-run\n".to_vec();
        with_name.extend_from_slice(&data);
        check(&with_name);
        check(&data);
    }
}

/// The fuzzers' pipeline crashers, through the s6-rc backend.
#[test]
fn fuzz_crashers_hold_for_s6rc() {
    let dir = support::root().join("testdata/fuzz/pipeline");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("testdata/fuzz/pipeline").map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let name = f.display().to_string();
        std::thread::spawn(move || check(&data)).join().unwrap_or_else(|_| panic!("{name} fails with s6-rc"));
    }
}

/// Every hook in every position: the programs still parse, with quotes and `'` in the script.
#[test]
fn hooks_with_quotes_make_programs_that_parse() {
    let script = "svc\u{ff}#!/sbin/openrc-run\ncommand=/usr/bin/d\ncommand_background=yes\npidfile=/run/d.pid\n\
        start_pre() { echo 'it'\\''s' \"a \\\"b\\\"\"; checkpath -d /run/d; }\n\
        start_post() { cat <<'EOF'\nhere ' \" $x\nEOF\n}\nstop_pre() { :; }\nstop_post() { rm -f /run/d/x; }\n";
    let bytes: Vec<u8> =
        script.chars().flat_map(|c| if c == '\u{ff}' { vec![0xff] } else { c.to_string().into_bytes() }).collect();
    check(&bytes);
    let mut opts = fuzz_input::options();
    opts.backend = Backend::S6Rc(S6RcOptions::default());
    let compiled = compile::compile_files(fuzz_input::service_files(&bytes), &opts);
    let names: Vec<&str> = compiled.companions.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["svc-log", "svc-pre", "svc-post"], "{:?}", compiled.findings());
}
