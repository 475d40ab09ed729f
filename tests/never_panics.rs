//! Whatever the input, rc2s6 neither panics nor overflows its stack, and every tree it generates
//! keeps its guarantees (`fuzz_input::check_pipeline`). Random input here, the fuzzers' crashers
//! from `testdata/fuzz/` replayed, and nesting far deeper than any script.

mod fuzz_input;
mod support;

use proptest::prelude::*;

/// Runs a check on a thread with the default stack, as `compile` runs each script.
fn on_compile_thread(data: Vec<u8>, check: fn(&[u8])) {
    std::thread::spawn(move || check(&data)).join().unwrap_or_else(|_| panic!("the check panicked"));
}

/// Shell syntax, OpenRC variables and the separators between pipeline parts.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "#!/sbin/openrc-run\n", "\n", " ", "\t", ";", "&", "|", "&&", "||", "(", ")", "{ ", " }", "$(", "${",
            "$((", "))", "}", "`", "'", "\"", "\\", "\\\n", "<<EOF\n", "\nEOF\n", "<<-'X'\n", "if ", "then ",
            "elif ", "else ", "fi", "case ", " in ", ")", ";;", "esac", "for x in ", "while ", "do ", "done",
            "f() ", "function g ", "local ", "export ", "eval ", "return ", "exit ", "[ ", " ]", "[[ ", " ]]",
            "=(", ":-", ":=", ":+", "#", "##", "%%", "/", "*", "?", "$1", "$@", "$x", "${x:-y}", "x=",
            "command=", "command_args=", "command_args_foreground=", "command_background=yes",
            "command_user=", "pidfile=", "name=", "supervisor=supervise-daemon", "output_log=",
            "error_log=", "directory=", "chroot=", "umask=", "notify=fd:3", "retry=", "rc_ulimit=",
            "s6_service_path=", "start() {\n", "start_pre() {\n", "depend() {\n", "need ", "use ",
            "start-stop-daemon --start --exec ", " -- ", "/usr/bin/d", "-f", "foreground",
        ])
        .prop_map(|t| t.as_bytes().to_vec()),
        2 => "[a-z_]{1,6}".prop_map(String::into_bytes),
        1 => any::<char>().prop_map(|c| c.to_string().into_bytes()),
        // Between service name, script, conf.d and rc.conf.
        1 => Just(vec![fuzz_input::SEPARATOR]),
    ]
}

fn soup(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(token(), 0..max).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..400)) {
        fuzz_input::check_parse(&data);
        fuzz_input::check_pipeline(&data);
    }

    #[test]
    fn random_shell_never_panics(data in soup(120)) {
        fuzz_input::check_parse(&data);
        let mut with_name = b"svc\xff#!/sbin/openrc-run\n".to_vec();
        with_name.extend_from_slice(&data);
        fuzz_input::check_pipeline(&with_name);
        fuzz_input::check_pipeline(&data);
    }
}

#[test]
fn nesting_far_beyond_any_script_is_refused_not_a_crash() {
    let constructs = [
        ("x=$(", ")"),
        ("{ ", "\n}"),
        ("(", ")"),
        ("if true; then ", "\nfi"),
        ("x=\"${y:-", "}\""),
        ("f() { ", "\n}; f"),
        ("while true; do ", "\ndone"),
        ("case a in a) ", ";; esac"),
        ("x=\"$(echo ", ")\""),
        ("x=$((", "))"),
        ("[[ (", ") ]]"),
        // Pairs that once made the parser read a broken inner part again at every level.
        ("a=(local x=$(", "))"),
        ("case x in x) $(", ";; esac)"),
        ("[[ local x=$(", " ]])"),
        ("echo >\"$(", ")\""),
        ("$((1+$(", ")))"),
    ];
    for (open, close) in constructs {
        for depth in [10, 40, 1_000, 10_000] {
            let script =
                format!("#!/sbin/openrc-run\ncommand=/bin/true\n{}echo{}\n", open.repeat(depth), close.repeat(depth));
            let mut data = b"svc\xff".to_vec();
            data.extend_from_slice(script.as_bytes());
            on_compile_thread(data, fuzz_input::check_pipeline);
            on_compile_thread(script.into_bytes(), fuzz_input::check_parse);
            // Unclosed: each level fails, which must not make the parser retry exponentially.
            let unclosed = format!("#!/sbin/openrc-run\n{}\n", open.repeat(depth));
            on_compile_thread(unclosed.into_bytes(), fuzz_input::check_parse);
        }
    }
}

/// Every crasher the fuzzers found, replayed (`testdata/fuzz/<target>/<name>`).
#[test]
fn fuzz_crashers_stay_fixed() {
    let mut replayed = 0;
    for (target, check) in
        [("parse", fuzz_input::check_parse as fn(&[u8])), ("pipeline", fuzz_input::check_pipeline as fn(&[u8]))]
    {
        let dir = support::root().join("testdata/fuzz").join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.map(|e| e.expect("readable directory").path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).expect("readable crasher");
            let name = f.display().to_string();
            std::thread::spawn(move || check(&data)).join().unwrap_or_else(|_| panic!("{name} fails again"));
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no crasher in testdata/fuzz");
}

#[test]
fn runaway_recursion_is_refused_not_guessed() {
    // `eval` that defines and calls itself twice: 2^n commands. rc2s6 stops following it and
    // must not then call the service a oneshot because `command` was never reached.
    for script in [
        "#!/sbin/openrc-run\nx='f() { eval \"$x\"; f; }; f'\neval \"$x\"\ncommand=/bin/true\ncommand_background=yes\n",
        "#!/sbin/openrc-run\nf() { f; f; }\nf\ncommand=/bin/true\ncommand_background=yes\n",
        "#!/sbin/openrc-run\ncommand=/bin/true\ncommand_background=yes\nstart_pre() { start_pre; start_pre; }\n",
    ] {
        let mut data = b"svc\xff".to_vec();
        data.extend_from_slice(script.as_bytes());
        let compiled =
            rc2s6::pipeline::compile::compile_files(fuzz_input::service_files(&data), &fuzz_input::options());
        assert_eq!(compiled.record.kind, "not-converted", "{script}");
        assert!(compiled.findings().iter().any(|f| f.code() == &rc2s6::eval::error::TOO_MANY_STEPS), "{script}");
    }
}

#[test]
fn what_comes_before_a_nested_expansion_stays_uncertain() {
    // `${b:1}` and `${b#x}` expanded their inner word by taking every uncertainty the expansion
    // had gathered so far: `$(hostname)` was forgotten and the daemon got no argument at all.
    // (`$(uname -n)`: a substitution rc2s6 does not compute at start, see tests/at_start_values.rs.)
    for args in ["$(uname -n)${b:1}", "$(uname -n)${b#x}", "$(uname -n)${a:=${b:1}}"] {
        let script =
            format!("#!/sbin/openrc-run\ncommand=/usr/bin/d\ncommand_args=\"{args}\"\ncommand_background=yes\n");
        let mut data = b"svc\xff".to_vec();
        data.extend_from_slice(script.as_bytes());
        let compiled =
            rc2s6::pipeline::compile::compile_files(fuzz_input::service_files(&data), &fuzz_input::options());
        assert_eq!(compiled.record.kind, "not-converted", "{args}");
        assert!(compiled.findings().iter().any(|f| f.code() == &rc2s6::model::error::UNKNOWABLE_VALUE), "{args}");
    }
}
