//! In-file allows: `# rc2s6: allow=CODE[,CODE…]`. Like ShellCheck's directives, a comment before
//! the file's first command covers the whole file; a comment on a line of its own covers the next
//! line; a comment after a command covers that line. Codes are written in full
//! (`rc2s6::lint::relative_command`), without `rc2s6::`, or by name alone.

use std::collections::BTreeMap;

use crate::core::diagnostic::{Code, Finding, Registry};
use crate::core::source::SourceFile;

use super::LintError;

/// The allow comments of one file.
#[derive(Debug, Clone, Default)]
pub struct FileAllows {
    /// Codes allowed in the whole file.
    whole_file: Vec<&'static Code>,
    /// Codes allowed on a line (1-based).
    lines: BTreeMap<usize, Vec<&'static Code>>,
    /// Findings about the comments themselves (unknown codes).
    pub problems: Vec<Finding>,
}

impl FileAllows {
    /// Reads the allow comments of a file, resolving the names they give against `codes`.
    pub fn read(file: &SourceFile, codes: &Registry) -> Self {
        let mut out = FileAllows::default();
        let text = file.text();
        if !text.contains("rc2s6:") {
            return out;
        }
        let mut in_header = true;
        let mut offset = 0;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let line_no = i + 1;
            let trimmed = line.trim();
            let own_line = trimmed.starts_with('#');
            if !trimmed.is_empty() && !own_line {
                in_header = false;
            }
            if let Some((at, list)) = directive(line) {
                let mut allowed = Vec::new();
                let mut pos = at;
                for raw in list.split(',') {
                    let given = raw.trim();
                    let start = offset + pos + (raw.len() - raw.trim_start().len());
                    pos += raw.len() + 1;
                    if given.is_empty() {
                        continue;
                    }
                    match codes.resolve(given) {
                        Some(code) => allowed.push(code),
                        None => {
                            let suggestions = codes.suggestions(given);
                            let help = match suggestions.first() {
                                Some(s) => format!("did you mean `{s}`? `rc2s6 explain --list` lists every code"),
                                None => "`rc2s6 explain --list` lists every code".into(),
                            };
                            out.problems.push(Finding::new(
                                Some(file.clone()),
                                LintError::UnknownAllowCode {
                                    code: given.to_string(),
                                    span: (start, given.len()).into(),
                                    help,
                                },
                            ));
                        }
                    }
                }
                if own_line && in_header {
                    out.whole_file.extend(allowed);
                } else if own_line {
                    // The next line that is not a comment or blank.
                    let target = lines[i + 1..]
                        .iter()
                        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                        .map(|k| line_no + 1 + k);
                    if let Some(t) = target {
                        out.lines.entry(t).or_default().extend(allowed);
                    }
                } else {
                    out.lines.entry(line_no).or_default().extend(allowed);
                }
            }
            offset += line.len();
        }
        out
    }

    /// Whether the file has no allow comment (so [`FileAllows::allows`] is false everywhere).
    pub fn is_empty(&self) -> bool {
        self.whole_file.is_empty() && self.lines.is_empty()
    }

    /// Whether a code is allowed on a line.
    pub fn allows(&self, code: &Code, line: usize) -> bool {
        self.whole_file.contains(&code) || self.lines.get(&line).is_some_and(|c| c.contains(&code))
    }
}

/// The code list of an allow comment on a line and its byte offset in the line.
fn directive(line: &str) -> Option<(usize, &str)> {
    let hash = line.find('#')?;
    let after = &line[hash + 1..];
    let body = after.trim_start();
    let rest = body.strip_prefix("rc2s6:")?.trim_start();
    let list = rest.strip_prefix("allow=")?;
    // A `#` inside a word (`a#b`) does not start a comment.
    if hash > 0 && !line[..hash].ends_with([' ', '\t']) {
        return None;
    }
    let start = line.len() - list.len();
    let list = list.trim_end();
    let end = list.find([' ', '\t', '#']).unwrap_or(list.len());
    Some((start, &list[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::error::{CODES, DANGLING_FLAG, RELATIVE_COMMAND, VARIABLE_TYPO};

    #[test]
    fn covers_the_file_the_next_line_or_its_own_line() {
        let text = "#!/sbin/openrc-run\n# rc2s6: allow=rc2s6::lint::variable_typo\n\ncommand=foo # rc2s6: allow=relative_command\n# rc2s6: allow=lint::dangling_flag,bogus_code\n\ncommand_user=\n";
        let a = FileAllows::read(&SourceFile::new("t", text), &Registry::new(&[CODES]));
        assert!(a.allows(&VARIABLE_TYPO, 7));
        assert!(a.allows(&RELATIVE_COMMAND, 4));
        assert!(!a.allows(&RELATIVE_COMMAND, 5));
        assert!(a.allows(&DANGLING_FLAG, 7));
        assert_eq!(a.problems.len(), 1);
        assert_eq!(a.problems[0].message(), "`bogus_code` in an allow comment is not an rc2s6 diagnostic code");
    }
}
