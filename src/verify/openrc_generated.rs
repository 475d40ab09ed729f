//! Comparing a service directory OpenRC ≥ 0.63 generated itself (`$RC_SVCDIR/s6-services/NAME`)
//! with rc2s6's, by meaning rather than by text: the run script's chain and argv as execlineb
//! reads them, and the files s6-supervise reads. Each difference is classified as one of OpenRC's
//! known generator bugs or as rc2s6's own choice.

use super::error::{Reason, VerifyError};
use super::tree::DirSnapshot;
use crate::backend::execline::tokenize;
use crate::core::file_name::basename;
use crate::model::normalize_signal;
use crate::openrc::version::{GeneratedCommandLine, OpenrcVersion};
use crate::shell::ast::{Command, Word, walk_commands};

/// Where a stream goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Stream {
    /// Left as s6-supervise gives it.
    #[default]
    Inherited,
    /// stderr joined to stdout (`fdmove -c 2 1`).
    ToStdout,
    /// A file: its path and whether it is appended to (`redirfd -a`) rather than truncated.
    File(String, bool),
}

/// What a run script does, read from its execline words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunMeaning {
    /// The daemon's argv; `None` when a shell computes it at run time.
    pub argv: Option<Vec<String>>,
    /// The `sh -c` text, when the daemon is started through a shell.
    pub shell: Option<String>,
    /// `umask`.
    pub umask: Option<String>,
    /// `cd`.
    pub directory: Option<String>,
    /// The new root.
    pub chroot: Option<String>,
    /// `user` or `user:group` switched to.
    pub user: Option<String>,
    /// stdin's file.
    pub stdin: Option<String>,
    /// stdout.
    pub stdout: Stream,
    /// stderr.
    pub stderr: Stream,
    /// Variables exported one by one.
    pub env: Vec<(String, String)>,
    /// An envdir read before the daemon.
    pub envdir: Option<String>,
    /// `s6-softlimit` and `nice` words.
    pub limits: Vec<String>,
    /// Whether execlineb substitutes positional parameters (`-S`/`-s`) in the text.
    pub substitutes: bool,
    /// A `redirfd … FD -- FILE`: redirfd takes `--` for the file and runs FILE as the program.
    /// The meaning above is what was intended.
    pub dashdash_as_file: bool,
}

/// Reads a run script's chain of programs, up to the daemon.
pub fn run_meaning(text: &str) -> Result<RunMeaning, String> {
    let words = tokenize(text)?;
    let first = text.lines().next().unwrap_or("");
    let mut r = ChainReader {
        words: &words,
        i: 0,
        pending_user: None,
        m: RunMeaning {
            substitutes: first.starts_with("#!")
                && first.split_whitespace().any(|w| w.starts_with("-S") || w.starts_with("-s")),
            ..RunMeaning::default()
        },
    };
    while r.i < words.len() {
        if r.program() == Step::Daemon {
            return Ok(r.m);
        }
    }
    r.m.argv = Some(Vec::new());
    Ok(r.m)
}

/// Whether the chain goes on after a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// A chain-loading program was read; the next one follows.
    Next,
    /// The daemon (or the shell that starts it) was reached.
    Daemon,
}

/// Reads the chain one program at a time, collecting what each sets up.
struct ChainReader<'a> {
    words: &'a [String],
    /// The first word of the program to read next.
    i: usize,
    /// The user of an `s6-envuidgid` whose group may follow.
    pending_user: Option<String>,
    m: RunMeaning,
}

impl ChainReader<'_> {
    fn w(&self, at: usize) -> &str {
        self.words.get(at).map(String::as_str).unwrap_or("")
    }

    /// Reads the program at `i` and moves past it.
    fn program(&mut self) -> Step {
        let (i, m) = (self.i, &mut self.m);
        let w = |at: usize| self.words.get(at).map(String::as_str).unwrap_or("");
        let consumed = match w(i) {
            "fdmove" if w(i + 1) == "-c" && w(i + 2) == "2" && w(i + 3) == "1" => {
                m.stderr = Stream::ToStdout;
                4
            }
            "export" => {
                m.env.push((w(i + 1).to_string(), w(i + 2).to_string()));
                3
            }
            "cd" if w(i + 2) == "chroot" && w(i + 3) == "." => {
                m.chroot = Some(w(i + 1).to_string());
                4
            }
            "cd" => {
                m.directory = Some(w(i + 1).to_string());
                2
            }
            "umask" => {
                m.umask = Some(w(i + 1).to_string());
                2
            }
            "if" if w(i + 1).starts_with(' ') => self.if_block(),
            "s6-softlimit" => self.softlimit(),
            "nice" if w(i + 1) == "-n" => {
                m.limits.push(format!("nice -n {}", w(i + 2)));
                3
            }
            "redirfd" => self.redirfd(),
            "chroot" => self.chroot(),
            "s6-setuidgid" => {
                m.user = Some(w(i + 1).to_string());
                2
            }
            "s6-envuidgid" => self.uidgid(),
            // `s6-applyuidgid -Uz [-u 0]`: the ids s6-envuidgid read (the user's may come from
            // setpriv next).
            "s6-applyuidgid" => {
                // `-u UID -g GID` with the numbers of rc2s6's lookup at start (`multidefine`).
                if let ("-u", u, "-g", g) = (w(i + 1), w(i + 2), w(i + 3), w(i + 4)) {
                    m.user = Some(format!("{u}:{g}"));
                }
                self.options_with_values_from(i + 1, &["-u", "-g", "-G"]) - i
            }
            // `multidefine -d : VALUE { NAMES }`: the account rc2s6 looks up at start.
            "multidefine" => {
                let value = self.options_with_values_from(i + 1, &["-d"]);
                self.block_after(value) + value - i
            }
            // `setpriv --reuid=U --inh-caps=… …`, `setpriv --regid=G --keep-groups`.
            "setpriv" => {
                for o in self.words[i + 1..].iter().take_while(|w| w.starts_with('-')) {
                    if let Some(u) = o.strip_prefix("--reuid=") {
                        let group = self.m.user.as_deref().and_then(|x| x.split_once(':')).map(|(_, g)| g.to_string());
                        self.m.user = Some(match group {
                            Some(g) => format!("{u}:{g}"),
                            None => u.to_string(),
                        });
                    } else if let Some(g) = o.strip_prefix("--regid=") {
                        self.m.user = Some(format!("root:{g}"));
                    }
                }
                self.options_from(i + 1) - i
            }
            // `backtick -n HOME { homeof USER }`, `pipeline -w { LOGGER }`: a value or a child
            // made before the daemon.
            "backtick" | "pipeline" => self.block_after(i),
            "unexport" | "fdclose" => 2,
            "fdswap" => 3,
            "fdmove" => self.options_from(i + 1) + 2 - i,
            "heredoc" => self.options_from(i + 1) + 2 - i,
            "s6-envdir" => {
                let dir = self.options_from(i + 1);
                self.m.envdir = Some(self.w(dir).to_string());
                dir + 1 - i
            }
            "s6-fghack" => {
                m.limits.push("s6-fghack".into());
                1
            }
            "sh" | "/bin/sh" if w(i + 1) == "-c" => {
                let script = w(i + 2).to_string();
                m.argv = shell_argv(&script);
                m.shell = Some(script);
                return Step::Daemon;
            }
            _ => {
                m.argv = Some(self.words[i..].to_vec());
                return Step::Daemon;
            }
        };
        self.i += consumed;
        Step::Next
    }

    /// The first word at or after `at` that is not an option.
    fn options_from(&self, mut at: usize) -> usize {
        while self.w(at).starts_with('-') {
            at += 1;
        }
        at
    }

    /// The first word at or after `at` that is neither an option nor the value of one of
    /// `with_value`.
    fn options_with_values_from(&self, mut at: usize, with_value: &[&str]) -> usize {
        while self.w(at).starts_with('-') {
            at += if with_value.contains(&self.w(at)) { 2 } else { 1 };
        }
        at
    }

    /// Past `prog [options] [VAR] { … }` at `i` (execlineb hands the block on as words with a
    /// leading space, ended by an empty word): the number of words.
    fn block_after(&self, i: usize) -> usize {
        let mut j = self.options_from(i + 1);
        if !self.w(j).starts_with(' ') && !self.w(j).is_empty() {
            j += 1;
        }
        while self.w(j).starts_with(' ') {
            j += 1;
        }
        if j < self.words.len() && self.w(j).is_empty() {
            j += 1;
        }
        j - i
    }

    /// `if { … }` runs something first and changes nothing down the chain: rc2s6 creates a
    /// missing log file 0600 this way, as start-stop-daemon does. execlineb hands the block on
    /// as words with a leading space, ended by an empty word.
    fn if_block(&self) -> usize {
        let mut j = self.i + 1;
        while self.w(j).starts_with(' ') {
            j += 1;
        }
        if j < self.words.len() && self.w(j).is_empty() {
            j += 1;
        }
        j - self.i
    }

    /// `s6-softlimit -H -o 4096 …`: each option, with its value.
    fn softlimit(&mut self) -> usize {
        let mut j = self.i + 1;
        while self.w(j).starts_with('-') {
            if self.w(j) == "-H" || self.w(j) == "-h" {
                self.m.limits.push(self.w(j).to_string());
                j += 1;
            } else {
                self.m.limits.push(format!("{} {}", self.w(j), self.w(j + 1)));
                j += 2;
            }
        }
        j - self.i
    }

    /// `redirfd [-r|-w|-a…] FD FILE`.
    fn redirfd(&mut self) -> usize {
        let words = self.words;
        let w = |at: usize| words.get(at).map(String::as_str).unwrap_or("");
        let mut j = self.i + 1;
        let mut mode = "";
        while w(j).starts_with('-') && w(j) != "--" {
            mode = if mode.is_empty() { w(j) } else { mode };
            j += 1;
        }
        if w(j) == "--" {
            j += 1;
        }
        let fd = w(j);
        let mut file = w(j + 1).to_string();
        let mut end = j + 2;
        // `redirfd -w 1 -- FILE`: redirfd reads `--` as the file and runs FILE.
        if file == "--" {
            self.m.dashdash_as_file = true;
            file = w(j + 2).to_string();
            end += 1;
        }
        let append = mode.contains('a');
        match fd {
            "0" => self.m.stdin = Some(file),
            "1" => self.m.stdout = Stream::File(file, append),
            "2" => self.m.stderr = Stream::File(file, append),
            _ => {}
        }
        end - self.i
    }

    /// `chroot [--userspec=USER] ROOT`.
    fn chroot(&mut self) -> usize {
        let mut j = self.i + 1;
        while let Some(spec) = self.w(j).strip_prefix("--userspec=") {
            self.m.user = Some(spec.to_string());
            j += 1;
        }
        self.m.chroot = Some(self.w(j).to_string());
        j + 1 - self.i
    }

    /// `s6-envuidgid USER`, `s6-envuidgid -g GROUP`, `s6-applyuidgid -Uz`: the user, and the
    /// group given for it.
    fn uidgid(&mut self) -> usize {
        let i = self.i;
        match (self.w(i), self.w(i + 1)) {
            ("s6-envuidgid", "-g") => {
                let user = self.pending_user.take().unwrap_or_default();
                self.m.user = Some(format!("{user}:{}", self.w(i + 2)));
                3
            }
            ("s6-envuidgid", user) => {
                self.pending_user = Some(user.to_string());
                self.m.user = self.pending_user.clone();
                2
            }
            _ => self.options_from(i + 1) - i,
        }
    }
}

/// The argv of `exec WORDS` in shell text, if every word is literal.
fn shell_argv(script: &str) -> Option<Vec<String>> {
    let parsed = crate::shell::parse::parse_script(script);
    let s = parsed.script?;
    let mut first: Option<Vec<String>> = None;
    let mut count = 0;
    walk_commands(&s.body, &mut |c| {
        count += 1;
        if let (Command::Simple(sc), None) = (c, &first) {
            first = sc.words.iter().map(Word::static_text).collect();
        }
    });
    let mut argv = first.filter(|_| count == 1)?;
    if argv.first().map(String::as_str) == Some("exec") {
        argv.remove(0);
    }
    Some(argv)
}

/// Shell-like display of words, for messages.
fn show_words(words: &[String]) -> String {
    let shown: Vec<String> = words
        .iter()
        .map(|w| {
            if !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b)) {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect();
    format!("`{}`", shown.join(" "))
}

fn show(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("`{s}`"),
        None => "none".into(),
    }
}

fn show_stream(s: &Stream) -> String {
    match s {
        Stream::Inherited => "s6-svscan's (the catch-all log)".into(),
        Stream::ToStdout => "stdout (the service's logger)".into(),
        Stream::File(f, true) => format!("`{f}`, appended"),
        Stream::File(f, false) => format!("`{f}`, truncated at each start"),
    }
}

/// The differences between OpenRC's generated directory and rc2s6's, each classified.
pub fn compare(theirs: &DirSnapshot, ours: &DirSnapshot, service: &str, target: &OpenrcVersion) -> Vec<VerifyError> {
    let mut out = Vec::new();
    let their_name = basename(theirs.path.trim_end_matches('/')).to_string();
    if their_name != service {
        out.push(bug(
            "service name",
            format!("`{their_name}`"),
            format!("`{service}`"),
            "OpenRC 0.63 names the directory, its scan link and /var/log/NAME after `name`, a display string",
        ));
    }
    let run = |d: &DirSnapshot| d.text("run").map(|t| run_meaning(&t));
    match (run(theirs), run(ours)) {
        (Some(Ok(t)), Some(Ok(o))) => compare_runs(&t, &o, target, &mut out),
        (Some(Err(e)), _) => out.push(differs("run", format!("an unreadable script ({e})"), "a script".into(), "")),
        (None, _) | (_, None) => {}
        (_, Some(Err(e))) => out.push(differs("run", "a script".into(), format!("an unreadable script ({e})"), "")),
    }
    compare_control_files(theirs, ours, &mut out);
    compare_loggers(theirs, ours, &their_name, service, &mut out);
    out
}

/// The files s6-supervise reads besides `run`: notification-fd, down-signal, timeout-kill, and
/// the respawn policy's finish and its settings.
fn compare_control_files(theirs: &DirSnapshot, ours: &DirSnapshot, out: &mut Vec<VerifyError>) {
    let int = |d: &DirSnapshot, f: &str| d.text(f).map(|t| t.trim().to_string());
    let (t, o) = (int(theirs, "notification-fd"), int(ours, "notification-fd"));
    if t != o {
        out.push(differs(
            "notification-fd",
            show(&t),
            show(&o),
            "rc2s6 also reads readiness from start-stop-daemon's `--notify` and from s6_svwait_options_start",
        ));
    }
    let sig = |d: &DirSnapshot| {
        d.text("down-signal").and_then(|t| normalize_signal(t.trim())).unwrap_or_else(|| "SIGTERM".into())
    };
    let (t, o) = (sig(theirs), sig(ours));
    if t != o {
        out.push(differs(
            "down-signal",
            format!("`{t}`"),
            format!("`{o}`"),
            "rc2s6 takes the first signal of `retry` when `stopsig` is not set",
        ));
    }
    let (t, o) = (int(theirs, "timeout-kill"), int(ours, "timeout-kill"));
    if t != o {
        out.push(differs(
            "timeout-kill",
            show(&t),
            show(&o),
            "rc2s6 turns `retry`'s KILL step into timeout-kill; OpenRC 0.63 reads only `timeout_kill`",
        ));
    }
    for f in ["finish", "timeout-finish", "max-death-tally"] {
        if theirs.file(f).is_none() && ours.file(f).is_some() {
            out.push(differs(
                f,
                "none".into(),
                format!("`{}`", ours.text(f).unwrap_or_default().lines().last().unwrap_or("").trim()),
                "rc2s6 keeps supervise-daemon's respawn_delay/respawn_max policy; OpenRC 0.63 drops it",
            ));
        }
    }
}

/// The loggers' `log/run`, from `s6-log` on; a log directory named after `name` is OpenRC's bug.
fn compare_loggers(
    theirs: &DirSnapshot,
    ours: &DirSnapshot,
    their_name: &str,
    service: &str,
    out: &mut Vec<VerifyError>,
) {
    let log = |d: &DirSnapshot| {
        d.text("log/run").map(|t| {
            let words = tokenize(&t).unwrap_or_default();
            match words.iter().position(|w| w == "s6-log") {
                Some(i) => words[i..].to_vec(),
                None => t.lines().skip(1).map(str::to_string).collect(),
            }
        })
    };
    match (log(theirs), log(ours)) {
        (None, Some(o)) => out.push(differs(
            "log/run",
            "none".into(),
            show_words(&o),
            "OpenRC 0.63 logs a service only with output_logger/error_logger; rc2s6 gives each its own s6-log",
        )),
        (Some(t), Some(o)) if t != o => {
            let renamed =
                t.last().zip(o.last()).is_some_and(|(a, b)| basename(a) == their_name && basename(b) == service);
            if renamed && t[..t.len() - 1] == o[..o.len() - 1] {
                out.push(bug(
                    "log directory",
                    format!("`{}`", t[t.len() - 1]),
                    format!("`{}`", o[o.len() - 1]),
                    "OpenRC 0.63 names the log directory after `name`",
                ));
            } else {
                out.push(differs("log/run", show_words(&t), show_words(&o), "the logger settings differ"));
            }
        }
        (Some(t), None) => out.push(differs("log/run", show_words(&t), "none".into(), "")),
        _ => {}
    }
}

/// A difference that is one of OpenRC 0.63's known generator bugs.
fn bug(what: &str, theirs: String, ours: String, why: &str) -> VerifyError {
    VerifyError::OpenrcGeneratorBug { what: what.into(), theirs, ours, why: why.into() }
}

/// A difference that is rc2s6's own choice (`why` empty: no known reason).
fn differs(what: &str, theirs: String, ours: String, why: &str) -> VerifyError {
    VerifyError::GeneratedDiffers { what: what.into(), theirs, ours, why: Reason(why.into()) }
}

/// The two run scripts' meanings, aspect by aspect.
fn compare_runs(t: &RunMeaning, o: &RunMeaning, target: &OpenrcVersion, out: &mut Vec<VerifyError>) {
    if t.dashdash_as_file {
        out.push(bug(
            "redirections",
            "`redirfd -w FD -- FILE`".into(),
            "`redirfd -a FD FILE`".into(),
            "redirfd (execline 2.9.3) takes options only before FD, so it opens a file named `--` and runs FILE as the daemon; the comparison below assumes what OpenRC meant",
        ));
    }
    compare_argv(t, o, target, out);
    compare_user(t, o, out);
    compare_settings(t, o, out);
    compare_streams(t, o, out);
    compare_environment(t, o, out);
    if t.limits != o.limits {
        let shown = |l: &[String]| if l.is_empty() { "none".to_string() } else { format!("`{}`", l.join("; ")) };
        out.push(differs(
            "limits",
            shown(&t.limits),
            shown(&o.limits),
            "rc2s6 applies rc_ulimit and nice levels in run; OpenRC 0.63 does not pass them to s6 services",
        ));
    }
}

/// The daemon's command line, and why it differs.
fn compare_argv(t: &RunMeaning, o: &RunMeaning, target: &OpenrcVersion, out: &mut Vec<VerifyError>) {
    let (ta, Some(oa)) = (&t.argv, &o.argv) else { return };
    if ta.as_ref() == Some(oa) {
        return;
    }
    let theirs = match (ta, &t.shell) {
        (Some(ta), _) => show_words(ta),
        (None, Some(sh)) => format!("`sh -c {}`", show_words(std::slice::from_ref(sh))),
        (None, None) => "none".into(),
    };
    out.push(if oa.iter().any(|w| w.contains('"') || w.contains('\\')) {
        bug("argv", theirs, show_words(oa), &unescaped_quotes(target))
    } else if t.substitutes && oa.iter().any(|w| w.contains('$')) {
        bug(
            "argv",
            theirs,
            show_words(oa),
            "OpenRC 0.63 runs `execlineb -S1`, which substitutes `$1`, `$@`, `$#` inside the daemon's words",
        )
    } else if ta.is_none() {
        differs(
            "argv",
            theirs,
            show_words(oa),
            "OpenRC 0.63.x leaves the words to `sh -c` at every start; rc2s6 expands them once, as `eval` would",
        )
    } else {
        differs(
            "argv",
            theirs,
            show_words(oa),
            "rc2s6 builds the command line as start-stop-daemon's `eval` does and keeps the daemon in the foreground",
        )
    });
}

/// Why a `"` or `\` in the daemon's words comes out wrong from the target's own generator.
fn unescaped_quotes(target: &OpenrcVersion) -> String {
    match target.generated_command_line() {
        Some(GeneratedCommandLine::QuotedWords) => {
            format!("OpenRC {target} writes each word in `\"…\"` without escaping `\"` or `\\`")
        }
        // 0.63.x (and a release with no generator, which cannot have made this directory).
        _ => format!(
            "OpenRC {target} writes the command line into `sh -c \"exec …\"` without escaping it, so execlineb takes each `\"` and `\\` of the values as its own quoting before the shell splits the words"
        ),
    }
}

/// The user the daemon runs as; OpenRC's `user:group` that s6-setuidgid misreads.
fn compare_user(t: &RunMeaning, o: &RunMeaning, out: &mut Vec<VerifyError>) {
    if let Some(u) = &t.user {
        if let Some((a, b)) = u.split_once(':') {
            let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
            if !(numeric(a) && numeric(b)) {
                out.push(bug(
                    "user",
                    format!("`s6-setuidgid {u}`"),
                    show(&o.user),
                    "s6-setuidgid reads `user:group` as numeric uid:gid, so OpenRC's run fails for names",
                ));
            }
        }
    }
    if t.user != o.user && !t.user.as_deref().is_some_and(|u| u.contains(':')) {
        out.push(differs("user", show(&t.user), show(&o.user), "the daemon's user differs"));
    }
}

/// umask, working directory, root and stdin.
fn compare_settings(t: &RunMeaning, o: &RunMeaning, out: &mut Vec<VerifyError>) {
    if t.directory.is_none() && o.directory.as_deref() == Some("/") {
        out.push(differs(
            "directory",
            show(&t.directory),
            show(&o.directory),
            "rc2s6 starts the daemon in `/` as start-stop-daemon does; OpenRC's generator leaves it in the service directory",
        ));
    }
    for (what, a, b) in [
        ("umask", &t.umask, &o.umask),
        ("directory", &t.directory, &o.directory),
        ("chroot", &t.chroot, &o.chroot),
        ("stdin", &t.stdin, &o.stdin),
    ] {
        if what == "directory" && a.is_none() && b.as_deref() == Some("/") {
            continue;
        }
        if a != b {
            out.push(differs(what, show(a), show(b), "rc2s6 reads it from start-stop-daemon's options too"));
        }
    }
}

/// Where stdout and stderr go.
fn compare_streams(t: &RunMeaning, o: &RunMeaning, out: &mut Vec<VerifyError>) {
    for (what, a, b) in [("stdout", &t.stdout, &o.stdout), ("stderr", &t.stderr, &o.stderr)] {
        match (a, b) {
            _ if a == b => {}
            (Stream::File(fa, false), Stream::File(fb, true)) if fa == fb => out.push(bug(
                what,
                show_stream(a),
                show_stream(b),
                "OpenRC 0.63 opens output_log/error_log with `redirfd -w`, truncating the log at every start; start-stop-daemon appends",
            )),
            (Stream::Inherited, Stream::ToStdout) => out.push(differs(
                what,
                show_stream(a),
                show_stream(b),
                "rc2s6 sends stderr to the service's own logger",
            )),
            _ => out.push(differs(what, show_stream(a), show_stream(b), "the redirection differs")),
        }
    }
}

/// The variables the daemon gets.
fn compare_environment(t: &RunMeaning, o: &RunMeaning, out: &mut Vec<VerifyError>) {
    if t.env == o.env && t.envdir == o.envdir {
        return;
    }
    let shown = |m: &RunMeaning| {
        let mut parts: Vec<String> = m.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Some(d) = &m.envdir {
            parts.push(format!("envdir {d}"));
        }
        if parts.is_empty() { "none".to_string() } else { format!("`{}`", parts.join(" ")) }
    };
    out.push(differs(
        "environment",
        shown(t),
        shown(o),
        "rc2s6 exports what a start-stop-daemon child gets (the exported variables of openrc-run's shell, USER of --user); OpenRC 0.63.x passes none of them",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openrc_063_run_scripts_are_read() {
        let t = "#!/bin/execlineb -S1\numask \"022\"\nredirfd -w 1 -- \"/var/log/x.log\"\ncd \"/srv\"\ns6-setuidgid \"x\"\nsh -c \"exec /usr/bin/x -a 'b c'\"\n";
        let m = run_meaning(t).unwrap();
        assert_eq!(m.argv, Some(vec!["/usr/bin/x".into(), "-a".into(), "b c".into()]));
        assert_eq!(m.stdout, Stream::File("/var/log/x.log".into(), false));
        assert_eq!(m.user.as_deref(), Some("x"));
        assert!(m.substitutes);
        assert!(m.dashdash_as_file);
    }

    #[test]
    fn a_difference_without_a_known_reason_has_no_dangling_dash() {
        let dir = |run: &str| DirSnapshot {
            path: "/x/svc".into(),
            kind: super::super::tree::PathKind::Dir,
            canonical: None,
            files: vec![super::super::tree::FileEntry {
                path: "run".into(),
                mode: 0o755,
                contents: Some(run.as_bytes().to_vec()),
                link: None,
            }],
            scripts: Vec::new(),
            run_passes_test_x: true,
        };
        let theirs = dir("#!/bin/execlineb -S1\nforeground { echo\n");
        let ours = dir("#!/bin/execlineb -P\n/usr/bin/x\n");
        let found = compare(&theirs, &ours, "svc", &OpenrcVersion::parse("0.63.3").unwrap());
        let run = found.iter().find(|d| matches!(d, VerifyError::GeneratedDiffers { what, .. } if what == "run"));
        let message = run.expect("the unreadable run is reported").to_string();
        assert!(message.starts_with("run: OpenRC has an unreadable script"), "{message}");
        assert!(message.ends_with("rc2s6 has a script"), "{message}");
    }

    #[test]
    fn chroots_envdirs_and_if_blocks_are_read() {
        let m = run_meaning(
            "#!/bin/execlineb -P\ncd /r chroot .\ns6-envdir -I /e\nif { true }\nchroot --userspec=a:b /s\nnice -n 5\nx\n",
        )
        .unwrap();
        assert_eq!(m.chroot.as_deref(), Some("/s"));
        assert_eq!(m.user.as_deref(), Some("a:b"));
        assert_eq!(m.envdir.as_deref(), Some("/e"));
        assert_eq!(m.limits, ["nice -n 5"]);
        assert_eq!(m.argv, Some(vec!["x".to_string()]));
        assert_eq!(run_meaning("#!/bin/execlineb -P\ncd /\n").unwrap().argv, Some(Vec::new()));
    }

    #[test]
    fn each_difference_of_two_runs_is_classified() {
        let theirs = RunMeaning {
            argv: Some(vec!["/bin/x".into(), "a\"b".into()]),
            user: Some("u:g".into()),
            stdout: Stream::File("/l".into(), false),
            limits: vec!["-o 5".into()],
            ..RunMeaning::default()
        };
        let ours = RunMeaning {
            argv: Some(vec!["/bin/x".into(), "a\"b".into(), "c".into()]),
            user: Some("u:g".into()),
            directory: Some("/".into()),
            stdout: Stream::File("/l".into(), true),
            stderr: Stream::ToStdout,
            env: vec![("A".into(), "1".into())],
            ..RunMeaning::default()
        };
        let mut out = Vec::new();
        compare_runs(&theirs, &ours, &OpenrcVersion::parse("0.63.3").unwrap(), &mut out);
        let kinds: Vec<(bool, String)> = out
            .iter()
            .map(|e| match e {
                VerifyError::OpenrcGeneratorBug { what, .. } => (true, what.clone()),
                VerifyError::GeneratedDiffers { what, .. } => (false, what.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        let expected = [
            (true, "argv"),
            (true, "user"),
            (false, "directory"),
            (true, "stdout"),
            (false, "stderr"),
            (false, "environment"),
            (false, "limits"),
        ];
        assert_eq!(kinds, expected.map(|(b, w)| (b, w.to_string())));
    }

    #[test]
    fn rc2s6_run_scripts_are_read() {
        let t = "#!/bin/execlineb -P\nfdmove -c 2 1\nexport A b\ncd /srv\numask 027\ns6-softlimit -H -o 4096\ns6-envuidgid x\ns6-envuidgid -g adm\ns6-applyuidgid -Uz\nredirfd -a 1 /var/log/x.log\n/usr/bin/x \"a b\"\n";
        let m = run_meaning(t).unwrap();
        assert_eq!(m.argv, Some(vec!["/usr/bin/x".into(), "a b".into()]));
        assert_eq!(m.user.as_deref(), Some("x:adm"));
        assert_eq!(m.stdout, Stream::File("/var/log/x.log".into(), true));
        assert_eq!(m.stderr, Stream::ToStdout);
        assert_eq!(m.limits, ["-H", "-o 4096"]);
        assert!(!m.substitutes);
        // HOME looked up, groups then the user with capabilities, loggers, shell redirections.
        let t = "#!/bin/execlineb -P\nfdmove -c 2 1\nexport USER x\nbacktick -n HOME { homeof x }\nheredoc 0 \"a b\"\nfdmove -c 2 1\nfdclose 5\ncd /\ns6-envuidgid x\ns6-envuidgid -g adm\ns6-applyuidgid -Uz -u 0\nsetpriv --reuid=x --inh-caps=+net_raw --ambient-caps=+net_raw\nfdswap 1 2\npipeline -w { exec -a sh /bin/sh -c \"logger -p err\" }\nunexport !\nfdswap 1 2\n/usr/bin/x\n";
        let m = run_meaning(t).unwrap();
        assert_eq!(m.argv, Some(vec!["/usr/bin/x".into()]));
        assert_eq!(m.user.as_deref(), Some("x:adm"));
        let t = "#!/bin/execlineb -P\nsetpriv --regid=wheel --keep-groups\n/usr/bin/x\n";
        let m = run_meaning(t).unwrap();
        assert_eq!((m.argv, m.user.as_deref()), (Some(vec!["/usr/bin/x".into()]), Some("root:wheel"))); // An account looked up at start (the words of testdata/emit/account-lookup's proxy).
        let t = "#!/bin/execlineb -P\nfdmove -c 2 1\nbacktick -i -E RC2S6_ID_ALL { cd / /bin/sh -c \"…\" rc2s6 id-u proxy id-g proxy }\nmultidefine -d : \"${RC2S6_ID_ALL}\" { RC2S6_ID_UID RC2S6_ID_GID RC2S6_ID_GIDLIST RC2S6_ID_USER RC2S6_ID_HOME }\nexport USER \"${RC2S6_ID_USER}\"\ncd /\ns6-applyuidgid -u \"${RC2S6_ID_UID}\" -g \"${RC2S6_ID_GID}\" -G \"${RC2S6_ID_GIDLIST}\"\n/usr/bin/proxy /etc/proxy/proxy.cfg\n";
        let m = run_meaning(t).unwrap();
        assert_eq!(m.argv, Some(vec!["/usr/bin/proxy".into(), "/etc/proxy/proxy.cfg".into()]));
        assert_eq!(m.user.as_deref(), Some("${RC2S6_ID_UID}:${RC2S6_ID_GID}"));
    }
}
