//! `required_dirs` and `required_files`: openrc-run refuses to start the service when one is
//! missing, before it runs any of the script's functions. openrc-run.sh.in (0.45.2 and 0.63.3):
//!
//! ```sh
//! eval "printf '%s\n' $required_dirs" | while read _d; do
//!     if [ -n "$_d" ] && [ ! -d "$_d" ]; then
//!         eerror "$RC_SVCNAME: \`$_d' is not a directory"
//!         exit 1
//!     fi
//! done
//! [ $? -ne 0 ] && exit 1
//! ```
//!
//! and the same for `required_files` with `[ ! -r ]` ("is not readable"). Whether a path exists
//! is known only on the target machine when the service starts, so the paths are carried to the
//! run script, which makes the same tests first.

use super::context::Context;
use super::report::Refused;
use crate::model::service::RequiredPath;

/// The paths openrc-run tests before it starts the service, in its order (directories first).
pub fn required(cx: &mut Context) -> Result<Vec<RequiredPath>, Refused> {
    let mut out = Vec::new();
    for (variable, directory) in [("required_dirs", true), ("required_files", false)] {
        let Some(set) = cx.var(variable) else { continue };
        if set.value.text.trim().is_empty() {
            continue;
        }
        // `eval "printf '%s\n' $X"`: the eval'd words, as the backends' start line makes them.
        let words = cx.eval(&[variable])?.into_iter().next().unwrap_or_default();
        let paths: Vec<String> = read_lines(&words.join("\n")).into_iter().map(|p| absolute(&p)).collect();
        if paths.is_empty() {
            continue;
        }
        let test = if directory { "a directory (`test -d`)" } else { "readable (`test -r`)" };
        cx.report.decide(
            variable,
            format!(
                "the run script checks that {}{} is {test} before anything else, as openrc-run does before it starts the service; while one is not, the daemon is not started (s6-supervise tries again every second)",
                if paths.len() == 1 { "" } else { "each of " },
                paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
            ),
            Some(set.at),
        );
        out.extend(paths.into_iter().map(|path| RequiredPath { path, directory }));
    }
    Ok(out)
}

/// What `while read _d` reads from `text` followed by a newline (printf's last `\n`), the
/// empty lines left out (`[ -n "$_d" ]`): dash's `read` without `-r` and the default IFS — a
/// backslash quotes the next character and a backslash-newline joins two lines; spaces and
/// tabs around a line are removed, unless quoted (POSIX XCU `read`).
fn read_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    // Each character, and whether a backslash quoted it.
    let mut line: Vec<(char, bool)> = Vec::new();
    let mut chars = text.chars().chain(std::iter::once('\n'));
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(q) => line.push((q, true)),
            },
            '\n' => {
                let trimmed = trim_ifs(&line);
                if !trimmed.is_empty() {
                    lines.push(trimmed);
                }
                line.clear();
            }
            c => line.push((c, false)),
        }
    }
    lines
}

/// A line less the unquoted spaces and tabs at either end.
fn trim_ifs(line: &[(char, bool)]) -> String {
    let blank = |&(c, quoted): &(char, bool)| !quoted && (c == ' ' || c == '\t');
    let start = line.iter().position(|x| !blank(x)).unwrap_or(line.len());
    let end = line.iter().rposition(|x| !blank(x)).map_or(start, |e| e + 1);
    line[start..end.max(start)].iter().map(|&(c, _)| c).collect()
}

/// openrc-run tests a relative path from its working directory, `/` (openrc-run.c at 0.63.3:
/// `chdir(workingdir)`, `"/"` for the system instance; 0.45.2 the same).
fn absolute(path: &str) -> String {
    if path.starts_with('/') { path.to_string() } else { format!("/{path}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_splits_lines_and_trims_blanks() {
        assert_eq!(read_lines("/a\n  /b c \t\n\n"), vec!["/a", "/b c"]);
        assert_eq!(read_lines(""), Vec::<String>::new());
    }

    #[test]
    fn read_takes_backslashes_as_the_shell_does() {
        assert_eq!(read_lines(r"/a\ b"), vec!["/a b"]);
        assert_eq!(read_lines("/a\\\n/b"), vec!["/a/b"]);
        assert_eq!(read_lines(r"\ /x\ "), vec![" /x "]);
    }

    #[test]
    fn relative_paths_are_from_the_root() {
        assert_eq!(absolute("etc/x"), "/etc/x");
        assert_eq!(absolute("/etc/x"), "/etc/x");
    }
}
