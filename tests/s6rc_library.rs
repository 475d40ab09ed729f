//! rc2s6's stand-in for what openrc-run gives scripts (`src/backend/s6rc/openrc.sh`), which the
//! s6-rc backend's oneshots run under, against OpenRC 0.63.3's own programs and shell functions
//! (built by ../shared/vendor/build.sh into /opt/openrc063): for each case, the stand-in under
//! dash, bash in POSIX mode and busybox sh (Alpine's /bin/sh) must end with the same status and
//! leave the file system in the same state as OpenRC's checkpath, einfo family, yesno,
//! shell_var, get_bootparam and ewaitfile.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rc2s6::backend::s6rc::LIBRARY;

/// A shell to run the stand-in under: its argv before `-c`.
struct Shell {
    name: &'static str,
    argv: Vec<String>,
}

/// dash, bash --posix and busybox sh, each found as `support::tool` finds programs.
fn shells() -> Option<Vec<Shell>> {
    let mut out = Vec::new();
    for (name, program, args) in
        [("dash", "dash", &[][..]), ("bash --posix", "bash", &["--posix"][..]), ("busybox sh", "busybox", &["sh"][..])]
    {
        let p = support::tool(program)?;
        let mut argv = vec![p.display().to_string()];
        argv.extend(args.iter().map(|a| a.to_string()));
        out.push(Shell { name, argv });
    }
    Some(out)
}

/// OpenRC 0.63.3's programs and shell functions: (rc bin directory, sh directory, library path).
fn openrc063() -> Option<(PathBuf, PathBuf, PathBuf)> {
    let root = support::openrc063::prefixes()?.openrc;
    let lib = walk_for(&root.join("usr"), "librc.so.1")?;
    Some((root.join("usr/libexec/rc/bin"), root.join("usr/libexec/rc/sh"), lib))
}

fn walk_for(dir: &Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == name) {
            return p.parent().map(Path::to_path_buf);
        }
        if p.is_dir() && !p.is_symlink() {
            if let Some(found) = walk_for(&p, name) {
                return Some(found);
            }
        }
    }
    None
}

/// What a case leaves: exit status, and the probe's output (the state of the files).
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn outcome(o: Output) -> Outcome {
    Outcome {
        status: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Runs `body` after rc2s6's stand-in under `shell`, in `dir`.
fn ours(shell: &Shell, dir: &Path, body: &str) -> Outcome {
    let program = format!("RC_SVCNAME=libtest\nRC_SVCDIR='{}'\n{}\n{body}", dir.display(), *LIBRARY);
    outcome(
        Command::new(&shell.argv[0]).args(&shell.argv[1..]).arg("-c").arg(program).current_dir(dir).output().unwrap(),
    )
}

/// Runs `body` after OpenRC 0.63.3's functions.sh and rc-functions.sh, with its programs first
/// on PATH, under dash, in `dir`.
fn theirs(openrc: &(PathBuf, PathBuf, PathBuf), dir: &Path, body: &str) -> Outcome {
    let (bin, sh, lib) = openrc;
    let program = format!(
        "PATH='{bin}':$PATH\nexport LD_LIBRARY_PATH='{lib}'\nRC_SVCNAME=libtest\nexport RC_SVCNAME\n. '{sh}/functions.sh'\nRC_LIBEXECDIR='{root}'\n. '{sh}/rc-functions.sh'\n{body}",
        bin = bin.display(),
        lib = lib.display(),
        sh = sh.display(),
        root = bin.parent().unwrap().display(),
    );
    outcome(Command::new("dash").arg("-c").arg(program).current_dir(dir).output().unwrap())
}

/// What a file-system case prints after its command: the command's status, then each path's
/// type, mode, owner, group and size, or `absent`.
fn probe(command: &str, paths: &[&str]) -> String {
    let mut s = format!("{command}\necho \"status=$?\"\n");
    for p in paths {
        s.push_str(&format!(
            "if [ -L {p} ]; then echo '{p}: symbolic link'; elif [ -e {p} ]; then echo \"{p}: $(stat -c '%F %a %U %G %s' {p})\"; else echo '{p}: absent'; fi\n"
        ));
    }
    s
}

/// checkpath: (set-up, command, paths to look at). `P`, `Q` are paths in the case's directory.
const CHECKPATH: &[(&str, &str, &[&str])] = &[
    ("", "checkpath -d P", &["P"]),
    ("", "checkpath -d -m 0750 P", &["P"]),
    ("", "checkpath -d -m 0700 -o nobody P", &["P"]),
    ("mkdir -m 0755 P", "checkpath -d -o nobody:nogroup P", &["P"]),
    ("mkdir -m 0700 P", "checkpath -d -m 755 P", &["P"]),
    ("", "checkpath -d -m 1777 P", &["P"]),
    ("", "checkpath -f P", &["P"]),
    ("", "checkpath -f -m 0600 -o nobody P", &["P"]),
    ("echo hello > P", "checkpath -F P", &["P"]),
    ("echo hello > P", "checkpath -f P", &["P"]),
    ("", "checkpath -p P", &["P"]),
    ("touch P", "checkpath -d P", &["P"]),
    ("mkdir P", "checkpath -f P", &["P"]),
    ("", "checkpath -d relative/dir", &[]),
    ("mkdir Q; ln -s Q P", "checkpath -d P", &["P", "Q"]),
    ("touch P", "checkpath -W P", &["P"]),
    ("", "checkpath -W P", &["P"]),
    ("", "checkpath -d -m 0abc P", &["P"]),
    ("", "checkpath -d -o rc2s6-no-such-user P", &["P"]),
    ("", "checkpath -d P/sub/deeper", &["P"]),
    ("", "checkpath -d P Q", &["P", "Q"]),
    ("", "checkpath -qd P", &["P"]),
    ("mkdir P; touch P/inside", "checkpath -D P", &["P", "P/inside"]),
    ("touch P; ln P Q; chmod 0600 P", "checkpath -f -m 0644 P", &["P"]),
    ("", "checkpath -d -o :nogroup P", &["P"]),
    ("", "checkpath -d -o 65534 P", &["P"]),
    ("mkdir P", "checkpath -d -m 0700 -o nobody P", &["P"]),
    ("umask 077", "checkpath -f P", &["P"]),
];

#[test]
fn checkpath_does_what_openrc_s_does() {
    let (Some(shells), Some(openrc)) = (shells(), openrc063()) else { return };
    if !support::require_root("checkpath's owner changes") {
        return;
    }
    let tmp = support::tempdir();
    let mut differences = Vec::new();
    for (i, (setup, command, paths)) in CHECKPATH.iter().enumerate() {
        let case = |who: &str| {
            let d = tmp.path().join(format!("{i}-{}", who.replace(' ', "-")));
            std::fs::create_dir_all(&d).unwrap();
            // One pass over the template: a temporary directory's random name may itself hold a
            // `P` or a `Q`, which a second replace would rewrite.
            let fill = |t: &str| {
                t.chars()
                    .map(|c| match c {
                        'P' => d.join("p").display().to_string(),
                        'Q' => d.join("q").display().to_string(),
                        c => c.to_string(),
                    })
                    .collect::<String>()
            };
            let paths: Vec<String> = paths.iter().map(|p| fill(p)).collect();
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            (
                d.clone(),
                format!("{}\n{}", fill(setup), probe(&fill(command), &paths)).replace(&d.display().to_string(), "DIR"),
            )
        };
        let (dir, body) = case("openrc");
        let expected = theirs(&openrc, &dir, &body.replace("DIR", &dir.display().to_string()));
        let expected = expected.stdout.replace(&dir.display().to_string(), "DIR");
        for shell in &shells {
            let (dir, body) = case(shell.name);
            let got = ours(shell, &dir, &body.replace("DIR", &dir.display().to_string()));
            let got_out = got.stdout.replace(&dir.display().to_string(), "DIR");
            // Messages aside (which go to stdout and stderr as OpenRC's do, in words of their
            // own), the status and the files must be the same.
            let state = |s: &str| {
                s.lines().filter(|l| l.starts_with("status=") || l.starts_with("DIR")).collect::<Vec<_>>().join("\n")
            };
            if state(&got_out) != state(&expected) {
                differences.push(format!(
                    "`{setup}` then `{command}` under {}:\n  OpenRC 0.63.3: {}\n  rc2s6:         {}\n  stderr: {}",
                    shell.name,
                    state(&expected).replace('\n', " | "),
                    state(&got_out).replace('\n', " | "),
                    got.stderr.trim()
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
}

/// The einfo family: (environment, command). Each must end with OpenRC's status and print on the
/// same streams (stdout, stderr, or neither), the message among what it prints.
const EINFO: &[(&str, &str)] = &[
    ("", "einfo hello there"),
    ("", "einfon hello"),
    ("", "ewarn careful"),
    ("", "ewarnn careful"),
    ("", "eerror broken"),
    ("", "eerrorn broken"),
    ("", "ebegin Starting thing"),
    ("", "eend 0"),
    ("", "eend 1"),
    ("", "eend 3 it failed"),
    ("", "eend abc"),
    ("", "eend"),
    ("", "ewend 2 a warning"),
    ("", "ewend 0"),
    ("", "veinfo hidden"),
    ("EINFO_VERBOSE=yes", "veinfo shown"),
    ("", "veend 4"),
    ("EINFO_VERBOSE=yes", "veend 4 loud"),
    ("", "vewarn hidden"),
    ("", "vebegin hidden"),
    ("EINFO_QUIET=yes", "einfo quiet"),
    ("EINFO_QUIET=yes", "ewarn quiet"),
    ("EINFO_QUIET=yes", "eerror not quiet"),
    ("EINFO_QUIET=yes", "eend 5 quiet"),
    ("", "eindent; einfo indented; eoutdent; eoutdent; einfo back"),
];

#[test]
fn einfo_family_ends_and_prints_as_openrc_s() {
    let (Some(shells), Some(openrc)) = (shells(), openrc063()) else { return };
    let tmp = support::tempdir();
    let mut differences = Vec::new();
    for (env, command) in EINFO {
        let body = format!(
            "{}{command}\necho \"status=$?\" >&2",
            if env.is_empty() { String::new() } else { format!("export {env}\n") }
        );
        let expected = theirs(&openrc, tmp.path(), &body);
        let streams = |o: &Outcome| {
            let err: String = o.stderr.lines().filter(|l| !l.starts_with("status=")).collect::<Vec<_>>().join("\n");
            let status = o.stderr.lines().find(|l| l.starts_with("status=")).unwrap_or("").to_string();
            (status, !o.stdout.trim().is_empty(), !err.trim().is_empty())
        };
        for shell in &shells {
            let got = ours(shell, tmp.path(), &body);
            if streams(&got) != streams(&expected) {
                differences.push(format!(
                    "`{env} {command}` under {}: OpenRC 0.63.3 {:?} (stdout {:?}, stderr {:?}), rc2s6 {:?} (stdout {:?}, stderr {:?})",
                    shell.name,
                    streams(&expected),
                    expected.stdout,
                    expected.stderr,
                    streams(&got),
                    got.stdout,
                    got.stderr
                ));
            }
            // The words of the message are there.
            if let Some(word) = command.split_whitespace().last().filter(|w| w.chars().all(char::is_alphabetic)) {
                if expected.stdout.contains(word) || expected.stderr.contains(word) {
                    assert!(
                        got.stdout.contains(word) || got.stderr.contains(word),
                        "`{command}` under {}: no `{word}`",
                        shell.name
                    );
                }
            }
        }
    }
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
}

/// yesno, shell_var and ewaitfile: the same status (and for shell_var, the same output).
const OTHERS: &[&str] = &[
    "yesno yes",
    "yesno YES",
    "yesno True",
    "yesno on",
    "yesno 1",
    "yesno no",
    "yesno 0",
    "yesno off",
    "yesno FALSE",
    "yesno ''",
    "yesno maybe",
    "X=yes; yesno X",
    "X=Off; yesno X",
    "X=perhaps; yesno X",
    "yesno",
    "shell_var a-b.c d/e f",
    "shell_var",
    "ewaitfile 1 /nonexistent/rc2s6",
    "ewaitfile 5 /",
    "ewaitfile x /",
];

#[test]
fn yesno_shell_var_and_ewaitfile_end_as_openrc_s() {
    let (Some(shells), Some(openrc)) = (shells(), openrc063()) else { return };
    let tmp = support::tempdir();
    let mut differences = Vec::new();
    for command in OTHERS {
        let body = format!("{command}\necho \"status=$?\"");
        let expected = theirs(&openrc, tmp.path(), &body).stdout;
        for shell in &shells {
            let got = ours(shell, tmp.path(), &body).stdout;
            if got != expected {
                differences.push(format!("`{command}` under {}: OpenRC {expected:?}, rc2s6 {got:?}", shell.name));
            }
        }
    }
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
}

/// get_bootparam and get_bootparam_value read /proc/cmdline: in a private mount namespace, a
/// made-up command line is bound over it.
#[test]
fn bootparams_read_as_openrc_s() {
    let (Some(shells), Some(openrc)) = (shells(), openrc063()) else { return };
    if !(support::require_root("a private mount namespace") && support::tools(&["unshare"])) {
        return;
    }
    let tmp = support::tempdir();
    let cmdline = tmp.path().join("cmdline");
    std::fs::write(&cmdline, "quiet gentoo=nodevfs,nosound root=/dev/sda1 console=tty0 console=ttyS0,115200 x=a=b\n")
        .unwrap();
    let checks = [
        "get_bootparam quiet",
        "get_bootparam nodevfs",
        "get_bootparam nosound",
        "get_bootparam loud",
        "get_bootparam",
        "get_bootparam_value console",
        "get_bootparam_value console all ,",
        "get_bootparam_value console last",
        "get_bootparam_value root",
        "get_bootparam_value x",
        "get_bootparam_value nothing",
    ];
    let bind = format!("mount --bind '{}' /proc/cmdline\n", cmdline.display());
    let in_ns = |argv: Vec<String>| {
        let mut c = Command::new("unshare");
        c.args(["--mount", "--propagation", "private"]).args(argv);
        c
    };
    let mut differences = Vec::new();
    for check in checks {
        let body = format!("{bind}{check}\necho \"status=$?\"");
        let (bin, sh, lib) = &openrc;
        let program = format!(
            "PATH='{}':$PATH\nexport LD_LIBRARY_PATH='{}'\n. '{}/functions.sh'\n. '{}/rc-functions.sh'\n{body}",
            bin.display(),
            lib.display(),
            sh.display(),
            sh.display()
        );
        let expected = in_ns(vec!["dash".into(), "-c".into(), program]).output().unwrap();
        let expected = String::from_utf8_lossy(&expected.stdout).into_owned();
        for shell in &shells {
            let mut argv = shell.argv.clone();
            argv.push("-c".into());
            argv.push(format!("RC_SVCNAME=libtest\n{}\n{body}", *LIBRARY));
            let got = in_ns(argv).output().unwrap();
            let got = String::from_utf8_lossy(&got.stdout).into_owned();
            if got != expected {
                differences.push(format!("`{check}` under {}: OpenRC {expected:?}, rc2s6 {got:?}", shell.name));
            }
        }
    }
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
}

/// service_set_value and service_get_value keep a value per service under
/// $RC_SVCDIR/options/$RC_SVCNAME, as librc does (one file per key, no newline), between the
/// oneshot's `up` and its `down`.
#[test]
fn service_values_survive_from_one_script_to_the_next() {
    let Some(shells) = shells() else { return };
    let tmp = support::tempdir();
    for shell in &shells {
        let set = ours(shell, tmp.path(), "service_set_value iface 'eth0 wlan0'; echo \"status=$?\"");
        assert_eq!(set.stdout, "status=0\n", "{}: {}", shell.name, set.stderr);
        let file = tmp.path().join("options/libtest/iface");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "eth0 wlan0", "{}", shell.name);
        let get = ours(
            shell,
            tmp.path(),
            "x=$(service_get_value iface); echo \"[$x] status=$?\"; service_get_value none; echo \"status=$?\"",
        );
        assert_eq!(get.stdout, "[eth0 wlan0] status=0\nstatus=1\n", "{}", shell.name);
        let unset = ours(shell, tmp.path(), "service_set_value iface; echo \"status=$?\"");
        assert_eq!(unset.stdout, "status=0\n", "{}", shell.name);
        assert!(!file.exists(), "{}", shell.name);
    }
}
