//! The run script of a daemon whose argv and environment OpenRC sets under tests of the running
//! system (`model::SystemWorlds`): the run script makes each test, as `/bin/sh`'s `test`
//! builtin makes it when openrc-run's shell runs the script (dash on Debian, busybox ash on
//! Alpine: the system's `/bin/sh` is what OpenRC runs its scripts with), and execs the launch of
//! the world the answers select. The tests are file primaries on absolute paths (the model takes
//! no other), so neither the working directory nor the environment changes their answer; they
//! run as root, as openrc-run does.

use super::execline::{ExeclineScript, Token};
use crate::model::{SystemWorlds, TestProgram, WorldTree};

/// The shell program that makes one test: `test` with the script's operands.
pub const TEST_PROGRAM: &str = "test \"$@\"";

/// Writes one world's launch: its argv and environment.
pub type Launch<'a> = dyn FnMut(&mut ExeclineScript, &[String], &[(String, String)]) + 'a;

/// Writes `tree` into `s`: `ifelse { /bin/sh -c 'test "$@"' rc2s6 OPERANDS } { launch } …`, the
/// world where the test fails after the block; `launch` writes one world's launch.
pub fn branch(s: &mut ExeclineScript, worlds: &SystemWorlds, tree: &WorldTree, launch: &mut Launch<'_>) {
    match tree {
        WorldTree::Launch { argv, env } => launch(s, argv, env),
        WorldTree::Test { test, then, otherwise } => {
            let w = |x: &str| Token::Word(x.to_string());
            let t = &worlds.tests[*test];
            let mut head = vec![w("ifelse"), Token::Open];
            match t.program {
                TestProgram::Test => head.extend([w("/bin/sh"), w("-c"), w(TEST_PROGRAM), w("rc2s6")]),
                // As at_start.rs runs a command: in `/`, in openrc-run's environment less what
                // the pattern cannot depend on, with its PATH (RC_PATH_PREFIX less OpenRC's own
                // directory, which holds no grep).
                TestProgram::Grep => {
                    head.extend(["cd", "/", "emptyenv", "-p", "export", "PATH", super::at_start::PATH, "grep"].map(w))
                }
            }
            head.extend(t.args.iter().map(|a| w(a)));
            head.push(Token::Close);
            let mut inner = ExeclineScript::default();
            branch(&mut inner, worlds, then, launch);
            s.nested_block(head, inner);
            branch(s, worlds, otherwise, launch);
        }
    }
}
