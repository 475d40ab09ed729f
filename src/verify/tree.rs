//! The edge of verify that touches the system: reading service directories and the scan
//! directory into plain snapshots, and asking the real `execlineb` whether a script parses.
//! Everything else in verify works on these snapshots.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{VerifyOptions, World, expected, rc2s6_dir};
use crate::core::regular_file::{self, Links};
use crate::manifest::{MANIFEST_NAME, Manifest};
use crate::model::analysis::Analysis;

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// Nothing.
    Missing,
    /// A directory (possibly through a symbolic link).
    Dir,
    /// Something else.
    Other,
}

/// One entry inside a service directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the service directory (`run`, `log/run`).
    pub path: String,
    /// Permission bits.
    pub mode: u32,
    /// Contents, for regular files.
    pub contents: Option<Vec<u8>>,
    /// Target, for symbolic links.
    pub link: Option<String>,
}

/// What the real programs say about one script of a service directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptCheck {
    /// Path relative to the service directory.
    pub path: String,
    /// The `#!` interpreter, if any.
    pub interpreter: Option<String>,
    /// Whether the interpreter exists and is executable.
    pub interpreter_exists: bool,
    /// execlineb's verdict (`Err` holds its message); `None` when the script is not execline or
    /// no execlineb was found.
    pub execline: Option<Result<(), String>>,
}

/// A service directory as it is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirSnapshot {
    /// The path as OpenRC names it.
    pub path: String,
    /// What is there.
    pub kind: PathKind,
    /// The path with every link resolved, if it exists.
    pub canonical: Option<String>,
    /// Files and links in it and in `log/`, sorted; s6's run-time entries left out.
    pub files: Vec<FileEntry>,
    /// `run`, `finish`, `log/run`, `log/finish` as the real programs see them.
    pub scripts: Vec<ScriptCheck>,
    /// Whether `test -x DIR/run` holds for root, as OpenRC 0.63.1+ tests it before linking
    /// /var/svc.d/$name (`_s6_have_legacy_servicedir`, sh/s6.sh of 0.63.3): `run` exists, links
    /// followed, with an execute bit (root passes `test -x` on any file with one: dash's
    /// `test_file_access`, and access(2) for root).
    pub run_passes_test_x: bool,
}

impl DirSnapshot {
    /// The entry at `path`, if present.
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.path == path)
    }

    /// A regular file's text, if present.
    pub fn text(&self, path: &str) -> Option<String> {
        self.file(path).and_then(|f| f.contents.as_ref()).map(|c| String::from_utf8_lossy(c).into_owned())
    }
}

/// An entry of the scan directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanEntry {
    /// Its name.
    pub name: String,
    /// What it is.
    pub kind: ScanKind,
}

/// Kinds of scan directory entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanKind {
    /// A symbolic link: its target as written, and resolved (`None` if it leads nowhere).
    Link {
        /// The target as written.
        target: String,
        /// The target with every link resolved.
        resolved: Option<String>,
    },
    /// A real directory.
    Dir,
    /// A regular file.
    File,
    /// Anything else (a fifo, socket or device).
    Other,
}

/// The scan directory as it is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanSnapshot {
    /// Its path.
    pub dir: String,
    /// Entries, sorted by name.
    pub entries: Vec<ScanEntry>,
}

/// Entries s6-supervise makes at run time; never part of what was generated.
const RUNTIME: &[&str] = &["supervise", "event", "down", "log/supervise", "log/event", "log/down"];

/// Scripts s6 runs from a service directory.
const SCRIPTS: &[&str] = &["run", "finish", "log/run", "log/finish"];

/// Files larger than this are not read (service directory files are a few hundred bytes).
const MAX_FILE: u64 = 1 << 20;

/// The execlineb to check scripts with: the real binary before Debian's wrapper.
pub fn find_execlineb() -> Option<PathBuf> {
    let mut dirs = vec![PathBuf::from("/usr/lib/execline/bin")];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    dirs.into_iter().map(|d| d.join("execlineb")).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A path with every link resolved, if it exists.
pub fn canonical(p: &Path) -> Option<String> {
    fs::canonicalize(p).ok().map(|c| c.display().to_string())
}

/// Reads a service directory.
pub fn read_dir(path: &str, execlineb: Option<&Path>) -> DirSnapshot {
    let p = Path::new(path);
    let kind = match fs::metadata(p) {
        Ok(m) if m.is_dir() => PathKind::Dir,
        Ok(_) => PathKind::Other,
        Err(_) => PathKind::Missing,
    };
    let run_passes_test_x = fs::metadata(p.join("run")).is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
    let mut snap = DirSnapshot {
        path: path.to_string(),
        kind,
        canonical: canonical(p),
        files: Vec::new(),
        scripts: Vec::new(),
        run_passes_test_x,
    };
    if kind != PathKind::Dir {
        return snap;
    }
    for sub in ["", "log"] {
        let dir = if sub.is_empty() { p.to_path_buf() } else { p.join(sub) };
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        let mut names: Vec<String> = rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for name in names {
            let rel = if sub.is_empty() { name.clone() } else { format!("{sub}/{name}") };
            if RUNTIME.contains(&rel.as_str()) {
                continue;
            }
            let full = dir.join(&name);
            let Ok(meta) = fs::symlink_metadata(&full) else { continue };
            let mode = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                let link = fs::read_link(&full).ok().map(|t| t.display().to_string());
                snap.files.push(FileEntry { path: rel, mode, contents: None, link });
            } else if meta.is_file() {
                // Not followed, not blocking: the file may have been swapped for a link or a FIFO.
                let contents = regular_file::read(&full, Links::Refuse, MAX_FILE).ok().map(|(c, _)| c);
                snap.files.push(FileEntry { path: rel, mode, contents, link: None });
            }
        }
    }
    for script in SCRIPTS {
        let Some(entry) = snap.file(script) else { continue };
        let Some(contents) = &entry.contents else { continue };
        let text = String::from_utf8_lossy(contents);
        let interpreter = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("#!"))
            .and_then(|l| l.split_whitespace().next())
            .map(str::to_string);
        let interpreter_exists = interpreter.as_deref().is_some_and(|i| is_executable(Path::new(i)));
        let is_execline = interpreter.as_deref().is_some_and(|i| i.ends_with("execlineb"));
        let execline = match (is_execline, execlineb) {
            (true, Some(bin)) => Some(execlineb_parses(bin, &text)),
            _ => None,
        };
        snap.scripts.push(ScriptCheck { path: script.to_string(), interpreter, interpreter_exists, execline });
    }
    snap
}

/// Asks execlineb to parse `text` without running it: execlineb reads the whole script before
/// it executes anything, so a leading `exit 0` makes it parse everything and then do nothing.
pub fn execlineb_parses(execlineb: &Path, text: &str) -> Result<(), String> {
    // `exit` lives beside execlineb (Debian keeps both off PATH, in /usr/lib/execline/bin).
    let mut path = execlineb.parent().map(|d| d.as_os_str().to_owned()).unwrap_or_default();
    if let Some(p) = std::env::var_os("PATH") {
        path.push(":");
        path.push(p);
    }
    let out = Command::new(execlineb)
        .env("PATH", path)
        .arg("-P")
        .arg("-c")
        .arg(format!("exit 0\n{text}"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", execlineb.display()))?;
    if out.status.success() {
        return Ok(());
    }
    let msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
    Err(if msg.is_empty() { format!("exit status {}", out.status) } else { msg })
}

/// Reads the scan directory; `None` if it cannot be listed.
pub fn read_scan(dir: &str) -> Option<ScanSnapshot> {
    let rd = fs::read_dir(dir).ok()?;
    let mut entries: Vec<ScanEntry> = rd
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let full = e.path();
            let kind = match fs::symlink_metadata(&full) {
                Ok(m) if m.file_type().is_symlink() => ScanKind::Link {
                    target: fs::read_link(&full).map(|t| t.display().to_string()).unwrap_or_default(),
                    resolved: canonical(&full),
                },
                Ok(m) if m.is_dir() => ScanKind::Dir,
                Ok(m) if m.is_file() => ScanKind::File,
                _ => ScanKind::Other,
            };
            ScanEntry { name, kind }
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Some(ScanSnapshot { dir: dir.to_string(), entries })
}

/// Reads everything verify compares: each service directory OpenRC would link, rc2s6's own,
/// every directory the scan directory links, the manifest and its drift. `Err` when the scan
/// directory cannot be listed.
pub fn observe(analyses: &[Analysis], opts: &VerifyOptions) -> Result<World, String> {
    let execlineb = find_execlineb();
    let mut world = World { execlineb: execlineb.is_some(), ..World::default() };
    let out = Path::new(&opts.output);
    // A FIFO or a device planted as the manifest is not read (it would block or never end).
    world.manifest = regular_file::read(&out.join(MANIFEST_NAME), Links::Refuse, 256 << 20)
        .ok()
        .and_then(|(t, _)| String::from_utf8(t).ok())
        .and_then(|t| Manifest::from_yaml(&t).ok());
    if let Some(dir) = &opts.scan_dir {
        world.scan = Some(read_scan(dir).ok_or_else(|| format!("{dir}: cannot list the scan directory"))?);
    }
    let mut paths = BTreeSet::new();
    let mut expected_dirs = BTreeSet::new();
    for a in analyses {
        let e = expected(a, &opts.target);
        for dir in [&e.servicedir, e.prepared.as_ref().unwrap_or(&e.servicedir)] {
            if !dir.is_empty() {
                expected_dirs.insert(dir.trim_end_matches('/').to_string());
                paths.insert(dir.clone());
            }
        }
        paths.insert(rc2s6_dir(opts, &a.service.name));
    }
    if let Some(scan) = &world.scan {
        for entry in &scan.entries {
            if let ScanKind::Link { target, resolved: Some(_) } = &entry.kind {
                paths.insert(target.clone());
            }
        }
    }
    for p in paths {
        let snap = read_dir(&p, execlineb.as_deref());
        world.dirs.insert(p, snap);
    }
    if let Some(m) = &world.manifest {
        for r in &m.services {
            let Some(d) = &r.servicedir else { continue };
            let path = format!("{}/{d}", opts.output.trim_end_matches('/'));
            if expected_dirs.contains(&path) {
                let drift = crate::manifest::drift::drift_against(out, r).map_err(|e| e.to_string());
                world.drift.insert(r.name.clone(), drift);
            }
        }
    }
    Ok(world)
}

/// What an s6-rc source tree written by rc2s6 holds, for [`super::s6rc`].
#[derive(Debug, Clone, Default)]
pub struct S6RcTree {
    /// The manifest in the tree, if it reads.
    pub manifest: Option<Manifest>,
    /// Each record's drift from the disk, by name, or why it could not be read.
    pub drift: Vec<(String, Result<Vec<crate::manifest::drift::Drift>, String>)>,
    /// The tree's directories no record lists (definitions written by someone else).
    pub foreign: Vec<String>,
    /// What s6-rc-compile made of the tree: `None` when it is not on PATH.
    pub compile: Option<Result<(), String>>,
}

/// The backend the manifest in `out` was written by (`s6-rc`), if it says.
pub fn manifest_backend(out: &Path) -> Option<String> {
    let text = fs::read_to_string(out.join(MANIFEST_NAME)).ok()?;
    Manifest::from_yaml(&text).ok()?.backend
}

/// Reads an s6-rc source tree: the manifest, each record's drift, the directories nobody
/// recorded, and s6-rc-compile's verdict on the whole tree.
pub fn observe_s6rc(out: &Path) -> Result<S6RcTree, String> {
    let mut tree = S6RcTree {
        manifest: fs::read_to_string(out.join(MANIFEST_NAME)).ok().and_then(|t| Manifest::from_yaml(&t).ok()),
        ..S6RcTree::default()
    };
    let listing = fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut dirs: Vec<String> = listing
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    dirs.sort();
    let mut recorded = BTreeSet::new();
    if let Some(m) = &tree.manifest {
        for r in &m.services {
            recorded.extend(r.dirs().map(str::to_string));
            let drift = crate::manifest::drift::drift_against(out, r).map_err(|e| e.to_string());
            tree.drift.push((r.name.clone(), drift));
        }
    }
    tree.foreign = dirs.into_iter().filter(|d| !recorded.contains(d)).collect();
    tree.compile = find_on_path("s6-rc-compile").map(|prog| s6rc_compile(&prog, out));
    Ok(tree)
}

/// A program on PATH.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| is_executable(p))
}

/// Compiles the tree into a temporary database, which is removed again.
fn s6rc_compile(prog: &Path, out: &Path) -> Result<(), String> {
    let base = std::env::temp_dir();
    let mut n = 0u32;
    let dir = loop {
        let d = base.join(format!("rc2s6-verify.{}.{n}", std::process::id()));
        match fs::create_dir(&d) {
            Ok(()) => break d,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(format!("cannot make a temporary directory in {}: {e}", base.display())),
        }
    };
    let db = dir.join("db");
    let result = Command::new(prog).arg(&db).arg(out).stdin(Stdio::null()).output();
    let _ = fs::remove_dir_all(&dir);
    let output = result.map_err(|e| format!("cannot run {}: {e}", prog.display()))?;
    if output.status.success() {
        return Ok(());
    }
    let msg = String::from_utf8_lossy(&output.stderr).trim().to_string();
    Err(if msg.is_empty() { format!("exit status {}", output.status) } else { msg })
}
