//! A oneshot's `up` or `down`: `/bin/sh -c PROGRAM NAME`, lexed by s6-rc-compile with execline's
//! lexer, where PROGRAM does what openrc-run does for `start` or `stop` (`sh/openrc-run.sh.in`,
//! 0.63.3) without OpenRC: set the variables openrc-run sets, define the functions it gives
//! scripts (rc2s6's stand-in, `openrc.sh`), load rc.conf, conf.d and the script as compiled,
//! then run the hooks in order, each failure ending the script with its status.

use std::sync::LazyLock;

use crate::backend::execline::{NulInWord, quote_text};
use crate::model::analysis::Analysis;
use crate::openrc::service_files::FileRole;

use super::OPENRC_ONLY;
use crate::core::file_name::basename;

/// rc2s6's stand-in for openrc-run, as it goes into every oneshot: `openrc.sh` without its
/// comment lines and blank lines, then a function for each of OpenRC's own programs rc2s6 does
/// not stand in for ([`OPENRC_ONLY`], those whose names sh functions can take), which fails
/// saying so should one be reached anyway.
pub static LIBRARY: LazyLock<String> = LazyLock::new(|| {
    let mut out = String::new();
    for l in include_str!("openrc.sh").lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
        out.push_str(l);
        out.push('\n');
    }
    for (name, _) in OPENRC_ONLY {
        if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push_str(&format!("{name}() {{ _rc2s6_absent {name}; }}\n"));
        }
    }
    out
});

/// What `default_start` and `default_stop` mean where the program runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A script without a daemon: OpenRC's start-stop-daemon backend with no `command`, which
    /// only warns (`sh/start-stop-daemon.sh`, ssd_start and ssd_stop).
    Oneshot,
    /// Around a daemon s6-rc runs: the backend call is where OpenRC hands over to the
    /// supervisor, so the oneshot's part ends there, successfully.
    Daemon,
}

/// One oneshot script.
#[derive(Debug, Clone)]
pub struct Program<'a> {
    service: &'a str,
    /// RC_SERVICE, as the model has it (`/etc/init.d/NAME`, model/predefined.rs).
    service_path: String,
    /// The script as given to rc2s6, for the comment.
    script_path: &'a str,
    /// `start` or `stop`: RC_CMD, and the command openrc-run dispatches.
    command: &'static str,
    context: Context,
    /// The files in openrc-run's load order: (the path openrc-run reads it at, text).
    files: Vec<(String, &'a str)>,
    /// The functions to run, in order; each is skipped when not defined.
    hooks: &'a [&'static str],
    /// Check required_dirs and required_files first.
    check_required: bool,
    /// openrc-run's own variables under the target release, as the model assumed them.
    openrc_run: &'a [(&'static str, String)],
}

impl<'a> Program<'a> {
    /// The program running `hooks` of an analysed service, with `script` in place of the
    /// script's own text when given.
    pub fn new(
        analysis: &'a Analysis,
        script: Option<&'a str>,
        openrc_run: &'a [(&'static str, String)],
        context: Context,
        command: &'static str,
        hooks: &'a [&'static str],
        check_required: bool,
    ) -> Self {
        let name = &analysis.service.name;
        let files = analysis
            .files
            .iter()
            .map(|f| {
                let base = basename(f.source.name());
                // Where openrc-run finds each file (sh/openrc-run.sh.in): what `$1` holds while
                // it is loaded, and what an error names.
                let (path, text) = match f.role {
                    FileRole::RcConf if base == "rc.conf" => ("/etc/rc.conf".to_string(), f.source.text()),
                    FileRole::RcConf => (format!("/etc/rc.conf.d/{base}"), f.source.text()),
                    FileRole::ConfD => (
                        format!("/etc/init.d/../conf.d/{}", base.strip_suffix(".confd").unwrap_or(base)),
                        f.source.text(),
                    ),
                    FileRole::Script => (format!("/etc/init.d/{name}"), script.unwrap_or(f.source.text())),
                };
                (path, text)
            })
            .collect();
        Program {
            service: name,
            service_path: format!("/etc/init.d/{name}"),
            script_path: analysis.script().name(),
            command,
            context,
            files,
            hooks,
            check_required,
            openrc_run,
        }
    }

    /// Whether there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.hooks.is_empty() && !self.check_required
    }

    /// The file's contents: empty when there is nothing to run (s6-rc then does nothing and
    /// succeeds), else a comment and the `/bin/sh -c` command line.
    pub fn render(&self, what: &str) -> Result<String, NulInWord> {
        if self.is_empty() {
            return Ok(String::new());
        }
        let comment = format!(
            "# rc2s6: {what} ({}), for s6-rc; compiled from {}, see rc2s6.manifest.yaml",
            self.hooks.iter().map(|h| format!("{h}()")).collect::<Vec<_>>().join(", "),
            self.script_path
        );
        let comment: String = comment.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        Ok(format!("{comment}\n/bin/sh -c {} {}\n", quote_text(&self.shell())?, quote_text(self.service)?))
    }

    /// The shell program.
    pub fn shell(&self) -> String {
        let mut s = String::new();
        s.push_str(
            "PATH=\"/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin${PATH:+:$PATH}\"\nexport PATH\n",
        );
        for var in ["RC_SVCNAME", "SVCNAME"] {
            s.push_str(&format!("{var}={}\n", sh_quote(self.service)));
        }
        s.push_str(&format!("RC_SERVICE={}\n", sh_quote(&self.service_path)));
        s.push_str("export RC_SVCNAME SVCNAME RC_SERVICE\n");
        // What the model assumed openrc-run sets under the target release when it read the
        // files (model/predefined.rs), so a conf.d that tests RC_LIBEXECDIR or RC_VERSION takes
        // the branch rc2s6 compiled; the runlevel and the system type are only known on a
        // running OpenRC. PATH is the line above's.
        // openrc-run's C part sets them with setenv(): programs the hooks run see them too.
        let own = self.openrc_run.iter().filter(|(n, _)| !matches!(*n, "PATH" | "RC_CMD"));
        s.push_str(&format!("RC_CMD={}", self.command));
        for (name, value) in own.clone() {
            s.push_str(&format!(" {name}={}", sh_quote(value)));
        }
        s.push_str(" RC_RUNLEVEL= RC_SYS=\nexport RC_CMD");
        for (name, _) in own {
            s.push_str(&format!(" {name}"));
        }
        s.push('\n');
        // openrc-run.c runs the script from `/`.
        s.push_str("cd / || exit 1\n");
        s.push_str(&LIBRARY);
        s.push_str(match self.context {
            Context::Oneshot => ONESHOT_BACKEND,
            Context::Daemon => DAEMON_BACKEND,
        });
        // openrc-run.sh.in's templates, which a script's own start() and stop() replace.
        s.push_str("start() { default_start; }\nstop() { default_stop; }\n");
        for (path, text) in &self.files {
            s.push_str(&format!("_rc2s6_source {} {}\n", sh_quote(text), sh_quote(path)));
        }
        s.push_str(if self.check_required { "_rc2s6_loaded check\n" } else { "_rc2s6_loaded\n" });
        for hook in self.hooks {
            s.push_str(&format!("_rc2s6_hook {hook}\n"));
        }
        s.push_str("exit 0\n");
        s
    }
}

/// OpenRC's start-stop-daemon backend for a script without a daemon: with no `command`,
/// ssd_start only warns and ssd_stop does nothing (`sh/start-stop-daemon.sh`, 0.63.3); with one,
/// it would run start-stop-daemon, which rc2s6 refuses before writing.
const ONESHOT_BACKEND: &str = r#"default_start() {
	if [ -n "${command:-}" ]; then _rc2s6_absent start-stop-daemon; return 1; fi
	ewarn "The command variable is undefined."
	ewarn "There is nothing for ${name:-$RC_SVCNAME} to start."
	ewarn "If this is what you intend, please write a start function."
	ewarn "This will become a failure in a future release."
	return 0
}
default_stop() {
	[ -n "${command:-}${procname:-}${pidfile:-}" ] || return 0
	_rc2s6_absent start-stop-daemon
}
"#;

/// Around a daemon s6-rc supervises: handing it to the backend ends the oneshot's part.
const DAEMON_BACKEND: &str = "default_start() { exit 0; }\ndefault_stop() { exit 0; }\n";

/// `s` as one single-quoted sh word.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_keeps_no_comment_and_no_blank_line() {
        assert!(LIBRARY.lines().all(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')));
        for f in ["ebegin()", "eend()", "checkpath()", "yesno()", "service_set_value()", "_rc2s6_source()"] {
            assert!(LIBRARY.contains(f), "{f}");
        }
    }

    #[test]
    fn single_quotes_survive() {
        assert_eq!(sh_quote("a'b"), "'a'\\''b'");
        assert_eq!(sh_quote(""), "''");
    }
}
