//! Loaded input files and byte spans into them.

use std::sync::{Arc, OnceLock};

/// One of a service's loaded files, by its place in openrc-run's load order (rc.conf and
/// rc.conf.d, conf.d, then the script).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(u32);

impl FileId {
    /// The file at `index` in load order.
    pub fn new(index: usize) -> Self {
        FileId(u32::try_from(index).expect("a service loads fewer than 2^32 files"))
    }

    /// Its place in load order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span is empty.
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

impl From<miette::SourceSpan> for Span {
    fn from(s: miette::SourceSpan) -> Self {
        Span { start: s.offset(), end: s.offset() + s.len() }
    }
}

/// One input file: its name as the user gave it and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    /// Where each line starts, found the first time a position is asked for: a file with
    /// thousands of findings (one `depend()` naming 100,000 services) is scanned once, not once
    /// per finding.
    lines: Arc<OnceLock<LineIndex>>,
}

/// The byte offset of each line's start and, unless the text is ASCII (where a column is a
/// byte distance), how many characters come before every `CHECKPOINT`-th byte.
#[derive(Debug)]
struct LineIndex {
    starts: Vec<usize>,
    /// Characters before byte `i * CHECKPOINT` (moved back to a character boundary).
    chars_before: Option<Vec<(usize, usize)>>,
}

/// Bytes between two character counts kept for non-ASCII text.
const CHECKPOINT: usize = 256;

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect();
        let chars_before = (!text.is_ascii()).then(|| {
            let mut marks = Vec::with_capacity(text.len() / CHECKPOINT + 1);
            let (mut at, mut count) = (0, 0);
            for i in (0..=text.len()).step_by(CHECKPOINT) {
                let mut b = i;
                while !text.is_char_boundary(b) {
                    b -= 1;
                }
                count += text[at..b].chars().count();
                at = b;
                marks.push((b, count));
            }
            marks
        });
        LineIndex { starts, chars_before }
    }

    /// How many characters come before byte `offset` (a character boundary).
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        match &self.chars_before {
            None => offset,
            Some(marks) => {
                // At or before `offset`: each mark is at or before its multiple of CHECKPOINT.
                let (b, count) = marks[(offset / CHECKPOINT).min(marks.len() - 1)];
                count + text[b..offset].chars().count()
            }
        }
    }
}

impl SourceFile {
    /// A source file from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile { name: Arc::from(name.into()), text: Arc::from(text.into()), lines: Arc::default() }
    }

    /// The file name as given on the command line.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// Finds where each line starts now, if no position has been asked for yet: a caller on a
    /// worker thread does it there, so positions asked for later on one thread are lookups.
    pub fn index_lines(&self) {
        self.lines.get_or_init(|| LineIndex::new(&self.text));
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let index = self.lines.get_or_init(|| LineIndex::new(&self.text));
        // The last line start at or before the offset.
        let line = index.starts.partition_point(|&s| s <= offset);
        let line_start = index.starts[line - 1];
        let col = index.chars_to(&self.text, offset) - index.chars_to(&self.text, line_start);
        (line, col + 1)
    }

    /// The byte range of line `line` (1-based), without its newline; `None` past the last line.
    pub fn line_span(&self, line: usize) -> Option<Span> {
        let index = self.lines.get_or_init(|| LineIndex::new(&self.text));
        let start = *index.starts.get(line.checked_sub(1)?)?;
        let end = index.starts.get(line).map_or(self.text.len(), |next| next - 1);
        Some(Span::new(start, end.max(start)))
    }

    /// This file as miette's source code, named, for rendering reports.
    pub fn miette_source(&self) -> &Self {
        self
    }
}

impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.as_ref().read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::SourceFile;

    /// The position of every offset, as a scan from the start finds it.
    fn scanned(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, text[line_start..offset].chars().count() + 1)
    }

    #[test]
    fn positions_agree_with_a_scan() {
        let long: String = "é need ".repeat(200) + "\nx\n" + &"a".repeat(600) + "ü\n\n";
        for text in ["", "a", "a\nb\n", "\n\n", "ab\r\ncd", long.as_str()] {
            let file = SourceFile::new("t", text);
            for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                assert_eq!(file.line_col(offset), scanned(text, offset), "{text:?} at {offset}");
            }
        }
        let file = SourceFile::new("t", "ab\n\ncd");
        let lines: Vec<Option<&str>> = (0..5).map(|l| file.line_span(l).map(|s| file.slice(s))).collect();
        assert_eq!(lines, [None, Some("ab"), Some(""), Some("cd"), None]);
        // Past the end, or inside a character: the nearest position before it.
        assert_eq!(SourceFile::new("t", "é").line_col(1), (1, 1));
        assert_eq!(SourceFile::new("t", "ab").line_col(9), (1, 3));
    }
}
