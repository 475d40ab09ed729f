//! A probe daemon for the tests that compare the argv a generated run script gives with the
//! argv OpenRC's way of building it gives: a service whose `command` is a shell script writing
//! one value and its arguments, NUL-terminated, to `DIR/out`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use rc2s6::pipeline::compile;

use super::skarnet::Toolset;

/// Compiles (for OpenRC 0.45) a service whose probe writes `first` (a shell word, such as
/// `"$X"`) and its arguments to `dir/out`, with the script lines `settings` (`command_args` and
/// the rest), and returns its run script.
pub fn run_script(dir: &Path, first: &str, settings: &str) -> String {
    let probe = dir.join("probe");
    let text = format!("#!/bin/sh\nprintf '%s\\0' {first} \"$@\" > '{}'\n", dir.join("out").display());
    fs::write(&probe, text).unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o755)).unwrap();
    let init_d = dir.join("init.d");
    fs::create_dir_all(&init_d).unwrap();
    let script = init_d.join("probe");
    let text = format!("#!/sbin/openrc-run\ncommand={}\ncommand_background=yes\n{settings}\n", probe.display());
    fs::write(&script, text).unwrap();
    let opts = super::compile_options(None, None, "0.45", "/var/svc.d");
    let comp = compile::run(std::slice::from_ref(&script), &opts);
    let dir = comp.services[0].dir.as_ref().unwrap_or_else(|| panic!("not converted: {:?}", comp.services[0]));
    dir.files.iter().find(|f| f.path == "run").expect("a run script").contents.clone()
}

/// `first` and the probe's argv (without argv\[0\]) as OpenRC builds them: `settings` run by
/// /bin/sh, then `$command_args` `eval`'d as sh/start-stop-daemon.sh does.
pub fn openrc_argv(first: &str, settings: &str) -> Vec<String> {
    super::sh_words(&format!("{settings}\neval \"set -- $command_args\"\nprintf '%s\\0' {first} \"$@\""))
}

/// Runs `run` with the toolset's execlineb (in `cwd`, else this process's directory): its
/// output, and what the probe wrote, if it ran.
pub fn start(ts: &Toolset, dir: &Path, run: &str, cwd: Option<&Path>) -> (Output, Option<Vec<String>>) {
    let path = dir.join("run");
    fs::write(&path, run).unwrap();
    let _ = fs::remove_file(dir.join("out"));
    let mut execlineb = ts.command("execlineb");
    execlineb.arg("-P").arg(&path);
    if let Some(cwd) = cwd {
        execlineb.current_dir(cwd);
    }
    let out = execlineb.output().unwrap();
    let argv = fs::read(dir.join("out")).ok().map(|b| super::nul_words(&b));
    (out, argv)
}
