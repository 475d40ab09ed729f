//! Changes to the original text, made at the spans the parser recorded, and what the steps
//! could not do: every step of the migration writes here, nothing else touches the text.

use crate::core::source::Span;
use crate::shell::parse::parse_script;

use super::error::MigrateError;

/// A change to the original text: replace `start..end` (empty for an insertion).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    insert: String,
}

/// The edits and refusals the steps made, in the order they made them.
pub struct Rewriter<'a> {
    /// The original text.
    pub text: &'a str,
    edits: Vec<Edit>,
    errors: Vec<MigrateError>,
}

impl<'a> Rewriter<'a> {
    /// Nothing changed yet.
    pub fn new(text: &'a str) -> Self {
        Rewriter { text, edits: Vec::new(), errors: Vec::new() }
    }

    /// Replaces the text of `span` with `insert`.
    pub fn replace(&mut self, span: Span, insert: impl Into<String>) {
        self.edits.push(Edit { start: span.start, end: span.end, insert: insert.into() });
    }

    /// Inserts text at `at`; insertions at one place keep the order they were made in.
    pub fn insert(&mut self, at: usize, insert: impl Into<String>) {
        self.edits.push(Edit { start: at, end: at, insert: insert.into() });
    }

    /// Changes the text an earlier [`replace`](Self::replace) of a span starting at `at` puts
    /// there; `false` when no edit replaces text from there.
    pub fn amend(&mut self, at: usize, insert: impl Into<String>) -> bool {
        match self.edits.iter_mut().find(|e| e.start == at && e.start < e.end) {
            Some(e) => {
                e.insert = insert.into();
                true
            }
            None => false,
        }
    }

    /// Records what a step could not do, or did with a caveat.
    pub fn refuse(&mut self, error: MigrateError) {
        self.errors.push(error);
    }

    /// The spans whose text the edits so far replace.
    pub fn replaced(&self) -> Vec<Span> {
        self.edits.iter().filter(|e| e.start < e.end).map(|e| Span::new(e.start, e.end)).collect()
    }

    /// Where the line holding `pos` starts.
    pub fn line_start(&self, pos: usize) -> usize {
        self.text[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0)
    }

    /// Just past the newline that ends the line holding `pos` (or the end of the text).
    pub fn line_end(&self, pos: usize) -> usize {
        self.text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(self.text.len())
    }

    /// Whether the command is alone on its lines: only blanks before it, and after it at most
    /// `;` and a comment. Then commenting the lines out removes exactly the command.
    pub fn alone_on_lines(&self, span: Span) -> bool {
        let before = &self.text[self.line_start(span.start)..span.start];
        let after_end = self.text[span.end..].find('\n').map(|i| span.end + i).unwrap_or(self.text.len());
        let after = self.text[span.end..after_end].trim_start_matches([' ', '\t']);
        let after = after.strip_prefix(';').unwrap_or(after).trim_start_matches([' ', '\t']);
        before.chars().all(|c| c == ' ' || c == '\t') && (after.is_empty() || after.starts_with('#'))
    }

    /// The rewritten text, and every refusal once (the result must parse, or that is one too).
    pub fn finish(self) -> (String, Vec<MigrateError>) {
        let Rewriter { text, mut edits, mut errors } = self;
        // Stable: at one position, insertions keep the order they were made in (the block before
        // the `#` of the line it precedes).
        edits.sort_by_key(|e| e.start);
        let mut out = String::with_capacity(text.len() + 512);
        let mut at = 0;
        for e in &edits {
            if e.start < at {
                // Overlapping edits cannot happen (functions and top-level lines are disjoint);
                // dropping one keeps the text valid.
                continue;
            }
            out.push_str(&text[at..e.start]);
            out.push_str(&e.insert);
            at = e.end;
        }
        out.push_str(&text[at..]);
        if let Some(e) = parse_script(&out).errors.first() {
            errors.push(MigrateError::ResultUnparseable { why: e.to_string() });
        }
        let mut seen = std::collections::BTreeSet::new();
        errors.retain(|e| seen.insert(format!("{e:?}")));
        (out, errors)
    }
}

/// Where the script's header ends: after the shebang and the comment lines right below it.
pub fn header_end(text: &str) -> usize {
    let mut at = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i > 0 && !line.starts_with('#') {
            break;
        }
        at += line.len();
    }
    at
}

/// The script's first line, for findings about the script as a whole.
pub fn first_line(text: &str) -> Span {
    Span::new(0, text.find('\n').unwrap_or(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header() {
        assert_eq!(header_end("#!/sbin/openrc-run\n# a\n# b\ncommand=x\n"), 27);
        assert_eq!(header_end("#!/sbin/openrc-run\ncommand=x\n"), 19);
    }

    #[test]
    fn edits_apply_in_text_order_and_insertions_in_the_order_made() {
        let mut rw = Rewriter::new("a=1\nb=2\n");
        rw.insert(4, "#");
        rw.replace(Span::new(0, 3), "x");
        rw.insert(4, "!");
        assert_eq!(rw.replaced(), [Span::new(0, 3)]);
        let (text, errors) = rw.finish();
        assert_eq!(text, "x\n#!b=2\n");
        assert!(errors.is_empty());
    }

    #[test]
    fn a_replacement_can_be_amended() {
        let mut rw = Rewriter::new("a b\n");
        rw.replace(Span::new(0, 1), "x");
        assert!(rw.amend(0, "y"));
        assert!(!rw.amend(2, "z"));
        assert_eq!(rw.finish().0, "y b\n");
    }

    #[test]
    fn alone_on_its_line() {
        let rw = Rewriter::new("  a=1 ; # x\nb=2; c\n");
        assert!(rw.alone_on_lines(Span::new(2, 5)));
        assert!(!rw.alone_on_lines(Span::new(12, 15)));
    }
}
