//! A set of init scripts analysed together: what `lint` and `graph` look at. Each script is read
//! once and analysed on its own, in parallel across the machine's cores; the set is in a stable
//! order whatever the threads did.
//!
//! Besides the names OpenRC gives services (the file name), a file named `NAME.initd` is service
//! `NAME` with `NAME.confd` beside it as its conf.d file: the layout of Alpine's aports and
//! Gentoo's ebuild repositories, where distribution CI lints scripts before they are installed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::core::parallel::in_parallel;
use crate::model::ModelOptions;
use crate::model::analysis::{self, Analysis, SharedParses};
use crate::pipeline::input::{self, InputFile, InputOptions, InputPath, ReadError};
use crate::pipeline::siblings::Siblings;

/// What loading a set needs to know.
#[derive(Debug, Clone, Default)]
pub struct SetOptions {
    /// Where conf.d and rc.conf are.
    pub input: InputOptions,
    /// Model choices.
    pub model: ModelOptions,
    /// Keep each service's syntax trees and final variables after `each` has run (for callers
    /// that read or rewrite the scripts afterwards). Otherwise they are dropped on the worker
    /// thread (`Analysis::drop_working_state`): they are most of a batch's memory.
    pub keep_syntax_trees: bool,
}

/// One analysed script and what the caller computed from it on the same thread.
#[derive(Debug, Clone)]
pub struct Member<T> {
    /// The script's files and model.
    pub analysis: Analysis,
    /// The caller's per-script result.
    pub extra: T,
}

/// A set of analysed scripts.
#[derive(Debug, Clone)]
pub struct ServiceSet<T> {
    /// The scripts, sorted by service name, then path.
    pub members: Vec<Member<T>>,
    /// Files in walked directories that are not init scripts.
    pub skipped: Vec<PathBuf>,
    /// Files that could not be read.
    pub read_errors: Vec<ReadError>,
}

/// What became of one candidate.
enum Outcome<T> {
    Member(Box<T>),
    Skipped(PathBuf),
    Failed(ReadError),
}

/// How far a load has got, for a progress display on another thread: files found, files done.
#[derive(Debug, Default)]
pub struct Progress {
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Progress {
    /// Files to look at (0 until the paths are walked).
    pub fn total(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    /// Files looked at so far.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }
}

/// Loads and analyses every script the paths name (directories are walked), calling `each` on
/// every analysis on the worker thread that made it.
pub fn load<T: Send>(paths: &[PathBuf], opts: &SetOptions, each: impl Fn(&Analysis) -> T + Sync) -> ServiceSet<T> {
    load_with_progress(paths, opts, &Progress::default(), each)
}

/// [`load`], counting in `progress` as it goes.
pub fn load_with_progress<T: Send>(
    paths: &[PathBuf],
    opts: &SetOptions,
    progress: &Progress,
    each: impl Fn(&Analysis) -> T + Sync,
) -> ServiceSet<T> {
    let loaded = load_owned(paths, &opts.input, &opts.model, progress, |mut analysis| {
        let extra = each(&analysis);
        if !opts.keep_syntax_trees {
            analysis.drop_working_state();
        }
        Member { analysis, extra }
    });
    ServiceSet { members: loaded.items, skipped: loaded.skipped, read_errors: loaded.read_errors }
}

/// What [`load_owned`] keeps of a set: the caller's result for each script.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// What `each` made of each script, sorted by service name, then path.
    pub items: Vec<T>,
    /// Files in walked directories that are not init scripts.
    pub skipped: Vec<PathBuf>,
    /// Files that could not be read.
    pub read_errors: Vec<ReadError>,
}

/// Loads and analyses every script the paths name, handing each analysis to `each` on the worker
/// thread that made it and keeping only what `each` returns: a caller that needs a summary of
/// each script lets the rest go at once instead of holding every analysis until the end.
pub fn load_owned<T: Send>(
    paths: &[PathBuf],
    input: &InputOptions,
    model: &ModelOptions,
    progress: &Progress,
    each: impl Fn(Analysis) -> T + Sync,
) -> Loaded<T> {
    let (candidates, mut read_errors) = input::expand_paths(paths);
    progress.total.store(candidates.len(), Ordering::Relaxed);
    // rc.conf is the same for every service: read and parse it once.
    let rc_conf = match input::read_rc_conf(input.rc_conf.as_deref()) {
        Ok(files) => files,
        Err(e) => {
            read_errors.push(e);
            Vec::new()
        }
    };
    let shared = SharedParses::new(&rc_conf.iter().map(|f| f.source.clone()).collect::<Vec<_>>());
    // Scripts are handed out one at a time so a slow one does not hold up a chunk.
    let done = in_parallel(&candidates, |c| {
        let outcome = load_one(c, input, model, &rc_conf, &shared, &each);
        progress.done.fetch_add(1, Ordering::Relaxed);
        outcome
    });
    // Each item is moved once, out of its box into a vector of its exact size, in the set's
    // order: the boxes are sorted, not the items (a compile's are 2 kB each, and swapping them
    // into place copied each twice more), and a vector grown by doubling, then sorted into a
    // second one, held up to three copies' worth at once (the peak of compiling 5,000 scripts).
    let mut members = Vec::with_capacity(done.iter().filter(|o| matches!(o, Outcome::Member(_))).count());
    let mut skipped = Vec::new();
    for o in done {
        match o {
            Outcome::Member(m) => members.push(m),
            Outcome::Skipped(p) => skipped.push(p),
            Outcome::Failed(e) => read_errors.push(e),
        }
    }
    // Stable: scripts with the same name and path keep the order they were given in.
    members.sort_by(|a, b| a.0.cmp(&b.0));
    let items = members.into_iter().map(|m| m.1).collect();
    Loaded { items, skipped, read_errors }
}

/// Where a script sorts in a set: by service name, then path.
type SortKey = (String, String);

fn load_one<T>(
    c: &InputPath,
    input: &InputOptions,
    model: &ModelOptions,
    rc_conf: &[InputFile],
    shared: &SharedParses,
    each: &impl Fn(Analysis) -> T,
) -> Outcome<(SortKey, T)> {
    let text = match input::read_input(c) {
        Ok(t) => t,
        Err(e) => return Outcome::Failed(e),
    };
    if !c.named
        && !crate::openrc::service_files::is_openrc_script(text.source.text())
        && !looks_like_init_script(text.source.text())
    {
        return Outcome::Skipped(c.path.clone());
    }
    let (svcname, sibling_confd) = service_name(&c.path, c.siblings.as_deref());
    let (mut confd, runlevel_confd) = input::confd_files(&svcname, input.conf_dir.as_deref());
    if let Some(s) = sibling_confd {
        confd = vec![s];
    }
    match input::load_around(text, &svcname, &confd, rc_conf, runlevel_confd) {
        Ok(files) => {
            let analysis = analysis::analyze_with(files, model, shared);
            let key = (analysis.service.name.clone(), analysis.script().name().to_string());
            Outcome::Member(Box::new((key, each(analysis))))
        }
        Err(e) => Outcome::Failed(e),
    }
}

/// A walked file that is not an openrc-run script but defines `depend()` was meant to be one:
/// it is analysed, so the wrong shebang is reported rather than the file silently skipped.
fn looks_like_init_script(text: &str) -> bool {
    text.starts_with("#!")
        && text.lines().any(|l| {
            let l = l.trim_start();
            l.strip_prefix("depend").is_some_and(|r| r.trim_start().starts_with("()"))
        })
}

/// The service name of a script, and its `NAME.confd` when the script is `NAME.initd`.
///
/// `NAME.initd` is a package's source layout; when an openrc-run script named `NAME` is beside
/// it, the directory is an installed init.d, where OpenRC names each service after its file
/// (openrc-run.c sets `RC_SVCNAME` to the script's basename): `NAME.initd` is then a service of
/// its own, as OpenRC would run it, rather than a second `NAME`.
///
/// `siblings`, what the script's directory held when it was walked, rules out a name it did not
/// hold without a look at the disk.
fn service_name(path: &Path, siblings: Option<&Siblings>) -> (String, Option<PathBuf>) {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let absent = |name: &str| siblings.is_some_and(|s| !s.holds(name));
    // A path beside the script is made only for a name the listing does not rule out: most
    // `NAME.initd` have neither `NAME` nor `NAME.confd` beside them, and making the path (a walk
    // over its components) cost more than the look at the listing.
    let installed_beside = |name: &str| {
        // Only a regular file is read (a FIFO named NAME would block the run).
        !absent(name)
            && input::read_source(&path.with_file_name(name))
                .is_ok_and(|f| crate::openrc::service_files::is_openrc_script(f.source.text()))
    };
    match file.strip_suffix(".initd").filter(|n| !n.is_empty() && !installed_beside(n)) {
        Some(name) => {
            let confd_name = format!("{name}.confd");
            let confd = (!absent(&confd_name)).then(|| path.with_file_name(&confd_name)).filter(|c| input::exists(c));
            (name.to_string(), confd)
        }
        None => (file, None),
    }
}
