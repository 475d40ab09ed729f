//! The manifest's text, compared with the one on disk and written as it is serialized, never
//! held whole: for thousands of services it is megabytes, and holding the new text and the old
//! one to compare them was the largest part of a compile's peak memory, at its very end.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};

/// A writer that only compares what is written with what `old` reads, byte for byte.
pub(super) struct SameAs<R> {
    old: R,
    same: bool,
    buf: Vec<u8>,
}

impl<R: Read> SameAs<R> {
    /// Compares with what `old` reads.
    pub(super) fn new(old: R) -> Self {
        SameAs { old, same: true, buf: Vec::new() }
    }

    /// Whether everything written equals everything `old` had: nothing left over on either
    /// side. A read error counts as a difference (the text is then written again).
    pub(super) fn finish(mut self) -> bool {
        self.same && matches!(self.old.read(&mut [0u8; 1]), Ok(0))
    }
}

impl<R: Read> Write for SameAs<R> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.same {
            self.buf.resize(data.len(), 0);
            self.same = self.old.read_exact(&mut self.buf).is_ok() && self.buf == data;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether `write` writes exactly what `old` reads.
pub(super) fn writes_same(old: impl Read, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> bool {
    let mut cmp = SameAs::new(io::BufReader::with_capacity(1 << 16, old));
    write(&mut cmp).is_ok() && cmp.finish()
}

/// Runs `write` into `file` through a buffer, flushed at the end.
pub(super) fn buffered(file: &mut File, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 16, file);
    write(&mut w)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::writes_same;
    use std::io::Write;

    /// Writes `text` in pieces of `piece` bytes, as a serializer flushing its buffer does.
    fn pieces(text: &'static [u8], piece: usize) -> impl FnOnce(&mut dyn Write) -> std::io::Result<()> {
        move |w| text.chunks(piece).try_for_each(|c| w.write_all(c))
    }

    #[test]
    fn the_same_bytes_in_any_pieces_are_the_same_text() {
        for piece in [1, 2, 3, 7, 100] {
            assert!(writes_same(&b"services:\n- name: a\n"[..], pieces(b"services:\n- name: a\n", piece)));
            assert!(writes_same(&b""[..], pieces(b"", piece)));
        }
    }

    #[test]
    fn a_byte_changed_added_or_missing_is_a_different_text() {
        for piece in [1, 4, 100] {
            assert!(!writes_same(&b"name: a\n"[..], pieces(b"name: b\n", piece)), "changed");
            assert!(!writes_same(&b"name: a\n"[..], pieces(b"name: a\nx", piece)), "longer");
            assert!(!writes_same(&b"name: a\nx"[..], pieces(b"name: a\n", piece)), "shorter");
            assert!(!writes_same(&b""[..], pieces(b"x", piece)), "was empty");
        }
    }

    #[test]
    fn a_failing_writer_is_never_the_same() {
        assert!(!writes_same(&b""[..], |_| Err(std::io::Error::other("failed"))));
    }
}
