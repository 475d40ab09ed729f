//! Bash-only constructs rc2s6 parses, checked against the shells themselves: bash accepts
//! exactly the forms rc2s6 accepts, and dash (Debian's /bin/sh, what openrc-run uses there)
//! rejects them, which is why lint reports them.

mod support;

use std::process::Command;

use rc2s6::shell::parse::parse_script;

/// Whether `shell -n` accepts the text.
fn accepts(shell: &std::path::Path, text: &str) -> bool {
    Command::new(shell).arg("-n").arg("-c").arg(text).output().expect("runs the shell").status.success()
}

#[test]
fn arithmetic_for_loops_as_bash_and_dash_read_them() {
    let (Some(bash), Some(dash)) = (support::tool("bash"), support::tool("dash")) else { return };
    let accepted = [
        "for ((i = 0; i < 3; i++)); do echo $i; done\n",
        "for((;;)); do break; done\n",
        "for (( i=0 ; i<3 ; i++ ))\ndo\n\t:\ndone\n",
        "for ((i=0; i<3; i++)) do :; done\n",
        "for ((i = 0; i < ((2) + 1); i++)); do :; done\n",
        "f() {\n\tfor ((i=0; i<3; i++)); do # count\n\t\t:\n\tdone\n}\n",
    ];
    let rejected = [
        "for ((i=0; i<3)); do :; done\n",
        "for ((i=0; i < (1; 3); i++)); do :; done\n",
        "for ((i=0;;)); :; done\n",
        "for (( x )) in a; do :; done\n",
    ];
    for text in accepted {
        assert!(accepts(&bash, text), "bash accepts {text:?}");
        assert!(!accepts(&dash, text), "dash rejects {text:?}");
        let out = parse_script(text);
        assert!(out.errors.is_empty(), "{text:?}: {:?}", out.errors);
        let script = out.script.expect("parses");
        let found: Vec<&str> = script.non_posix.iter().map(|n| n.what).collect();
        assert_eq!(found, ["`for ((…))` arithmetic loop"], "{text:?}");
    }
    for text in rejected {
        assert!(!accepts(&bash, text), "bash rejects {text:?}");
        assert!(!parse_script(text).errors.is_empty(), "{text:?}");
    }
}
