//! Shared by the integration tests: finding the real programs and the corpus, temporary
//! directories, running rc2s6's binary; `openrc` runs Debian's OpenRC in a namespace.
#![allow(dead_code)]

pub mod daemons;
pub mod execlineb;
pub mod openrc;
pub mod openrc063;
pub mod probe;
pub mod s6rc;
pub mod skarnet;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether this is a CI run, where a missing tool is a failure rather than a skip.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Finds a program on PATH (or in Debian's execline directory). On CI a missing program fails
/// the test; elsewhere the test is skipped with a loud message.
pub fn tool(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    dirs.push(PathBuf::from("/usr/lib/execline/bin"));
    for d in dirs {
        let p = d.join(name);
        if p.is_file() {
            return Some(p);
        }
    }
    if on_ci() {
        panic!("`{name}` is not installed; .ci/run must install it (CI=true makes this a failure)");
    }
    eprintln!("SKIPPED: `{name}` is not installed (install s6, execline and openrc; on CI this fails)");
    None
}

/// Whether every named program exists (each missing one reported as `tool` does).
pub fn tools(names: &[&str]) -> bool {
    // Look every one up, so all missing programs are reported at once.
    let found: Vec<bool> = names.iter().map(|n| tool(n).is_some()).collect();
    found.into_iter().all(|b| b)
}

/// Whether the tests run as root (needed to switch users and mount namespaces).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc_geteuid() == 0 }
}

unsafe extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

/// Requires root: on CI its absence is a failure.
pub fn require_root(what: &str) -> bool {
    if is_root() {
        return true;
    }
    if on_ci() {
        panic!("{what} needs root; CI runs as root");
    }
    eprintln!("SKIPPED: {what} needs root");
    false
}

/// The rc2s6 binary built for these tests.
pub fn rc2s6() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rc2s6"))
}

/// The project's root directory.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the shared corpus of real init scripts (`../shared/corpus`, beside the project, as
/// on CI). On CI a missing corpus fails the test; elsewhere the test is skipped with a loud
/// message.
pub fn corpus_file(relative: &str) -> Option<PathBuf> {
    let path = root().join("../shared/corpus").join(relative);
    if path.is_file() {
        return Some(path);
    }
    if on_ci() {
        panic!("{} is missing; CI has the corpus in ../shared/corpus (CI=true makes this a failure)", path.display());
    }
    eprintln!("SKIPPED: {} is missing (the corpus goes in ../shared/corpus; on CI this fails)", path.display());
    None
}

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("rc2s6-test.").tempdir().expect("temporary directory")
}

/// Compile options for tests: these conf.d and rc.conf (or none), the default emit settings.
pub fn compile_options(
    conf_dir: Option<PathBuf>,
    rc_conf: Option<PathBuf>,
    openrc: &str,
    output: &str,
) -> rc2s6::pipeline::compile::CompileOptions {
    let target = rc2s6::openrc::version::OpenrcVersion::parse(openrc).expect("a valid OpenRC version");
    rc2s6::pipeline::compile::CompileOptions {
        input: rc2s6::pipeline::input::InputOptions { conf_dir, rc_conf },
        // The model is built for the target too, as `rc2s6 --openrc` does (src/cli/compile.rs).
        model: rc2s6::model::ModelOptions { target: target.clone(), ..rc2s6::model::ModelOptions::default() },
        backend: rc2s6::backend::Backend::default(),
        target,
        output: output.into(),
        // The tests look at and migrate the scripts after compiling them.
        keep_syntax_trees: true,
    }
}

/// Compile options for a testdata case directory: its `conf.d` and `rc.conf` when present.
pub fn case_options(case: &Path, openrc: &str, output: &str) -> rc2s6::pipeline::compile::CompileOptions {
    compile_options(
        Some(case.join("conf.d")).filter(|p| p.is_dir()),
        Some(case.join("rc.conf")).filter(|p| p.is_file()),
        openrc,
        output,
    )
}

/// A path inside the project, relative to its root (so names in outputs do not depend on where
/// the checkout is).
pub fn relative(p: &Path) -> PathBuf {
    p.strip_prefix(root()).unwrap_or(p).to_path_buf()
}

/// What `/bin/sh -c PROGRAM` prints as NUL-terminated words (`printf '%s\0' …`), run as
/// openrc-run runs a script's shell: in `/`, with only a PATH in its environment.
pub fn sh_words(program: &str) -> Vec<String> {
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(program)
        .current_dir("/")
        .env_clear()
        .env("PATH", "/bin:/usr/bin")
        .output()
        .expect("/bin/sh runs");
    assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
    nul_words(&out.stdout)
}

/// NUL-terminated words, as `printf '%s\0'` writes them.
pub fn nul_words(bytes: &[u8]) -> Vec<String> {
    let mut words: Vec<String> = bytes.split(|b| *b == 0).map(|w| String::from_utf8_lossy(w).into_owned()).collect();
    words.pop();
    words
}
