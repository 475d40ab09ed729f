//! Checks over text that is nearly always plain ASCII, made sixteen bytes at a time.

/// Folds `step` over `bytes` sixteen at a time, with no branch inside a chunk so that the
/// compiler vectorises each one, and stops after a chunk once `go_on` says no: a byte-by-byte
/// loop with an early exit per byte is several times slower over the megabytes of names,
/// messages and values a report or a manifest is checked for.
pub fn fold_by_sixteen<S: Copy>(bytes: &[u8], init: S, step: impl Fn(S, u8) -> S, go_on: impl Fn(S) -> bool) -> S {
    let mut chunks = bytes.chunks_exact(16);
    let mut acc = init;
    for chunk in chunks.by_ref() {
        acc = chunk.iter().fold(acc, |a, &b| step(a, b));
        if !go_on(acc) {
            return acc;
        }
    }
    chunks.remainder().iter().fold(acc, |a, &b| step(a, b))
}

#[cfg(test)]
mod tests {
    use super::fold_by_sixteen;

    #[test]
    fn every_byte_is_folded_whatever_the_length() {
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 100] {
            let bytes: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let sum = fold_by_sixteen(&bytes, 0usize, |s, b| s + usize::from(b), |_| true);
            assert_eq!(sum, bytes.iter().map(|&b| usize::from(b)).sum::<usize>(), "{len} bytes");
        }
    }

    #[test]
    fn it_stops_after_the_chunk_where_go_on_says_no() {
        // The `x` is in the second chunk: the third is never folded.
        let mut bytes = vec![b'a'; 48];
        bytes[20] = b'x';
        let seen = fold_by_sixteen(&bytes, (0usize, false), |(n, x), b| (n + 1, x | (b == b'x')), |(_, x)| !x);
        assert_eq!(seen, (32, true));
    }
}
