//! How much native stack parsing a text can need, and parsing where that much is free.
//!
//! pest is built without its `std` feature: with it, every parser call (rule, sequence,
//! repetition, lookahead) asked `stacker` how much stack was left, a sixth of all the
//! instructions parsing takes. Without it nothing stops pest's recursion, so the bound is worked
//! out here, once per text, before pest runs.
//!
//! pest recurses only through the grammar's cycles (grammar/openrc.pest), and every cycle
//! consumes an opener before it calls itself again: `(` (`subshell`, `command_subst`,
//! `process_subst`, `array_value`, `arith_paren`, `arith_for_paren`, `dbl_regex_group`,
//! `function_def`), `{` (`brace_group`, `param_braced`), `"` (`double_quoted`) or a compound
//! command's keyword (`if_clause`, `while_clause`, `until_clause`, `for_clause`, `case_clause`,
//! each of which must be followed by a `delim` or blank). A frame can only be nested inside one
//! that started earlier in the text, so at any moment, on any path pest tries, the recursion
//! holds at most one cycle per opener in the text: their number bounds the depth, whatever the
//! text means. The stack a parse needs is then at most `BASE + openers × PER_OPENER`.

/// The most openers a text may hold. The largest real init script seen (17 KB) has 1,220; this
/// leaves room for scripts ten times larger and keeps the stack a parse may need (64 MiB in a
/// release build) one that any 64-bit system can reserve.
pub(super) const MAX_OPENERS: usize = 16_384;

/// Stack one opener may cost: about twice the most measured for any construct nested thousands
/// deep until the stack overflowed (`echo >$(`: 2.0 KiB in a release build, 17.7 KiB in a debug
/// build, where frames are several times larger). The frames between two openers are a chain of
/// rules without a cycle, so each opener's share has a fixed upper bound; `tests.rs` parses every
/// kind of nesting with exactly the stack `needed` gives it.
const PER_OPENER: usize = if cfg!(debug_assertions) { 36 << 10 } else { 4 << 10 };

/// Stack for the frames outside any cycle (the rules down to the first opener, the tree
/// builder, whose own depth is bounded apart, and the syntax error's explanation).
const BASE: usize = if cfg!(debug_assertions) { 1 << 20 } else { 256 << 10 };

/// Bytes at which a cycle of the grammar can start (see the module's comment).
const OPENS: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    let bytes = b"({\"icfuw";
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

/// What may follow `if`, `case`, `for`, `until` or `while` for the grammar to read it as one: `delim` (or the blank
/// that `for` and `case` need, or the `\` of a line continuation), or the end of the text.
fn ends_keyword(next: Option<&u8>) -> bool {
    next.is_none_or(|b| b" \t\n;&|()<>\\".contains(b))
}

/// The number of openers in `text`, or where the first one past `MAX_OPENERS` is.
///
/// Every script is counted before it is parsed, so the count is taken in passes that run over
/// many bytes at a time: the brackets and quotes in one (the compiler's vector instructions),
/// each keyword in its own (`memchr`'s). Only a text with too many openers is walked byte by
/// byte, to find where.
pub(super) fn count_openers(text: &str) -> Result<usize, usize> {
    let bytes = text.as_bytes();
    // Counted in bytes, a block at a time, so that the comparisons fill whole vector registers.
    let brackets: usize = bytes
        .chunks(255)
        .map(|block| {
            let n: u8 = block.iter().map(|&b| u8::from(b == b'(') + u8::from(b == b'{') + u8::from(b == b'"')).sum();
            usize::from(n)
        })
        .sum();
    // The keywords start with different letters and none can overlap itself, so each place
    // counts once, as `is_opener` counts it.
    let keywords: usize = KEYWORDS
        .iter()
        .map(|k| k.find_iter(bytes).filter(|&i| ends_keyword(bytes.get(i + k.needle().len()))).count())
        .sum();
    match brackets + keywords {
        n if n <= MAX_OPENERS => Ok(n),
        _ => openers_within(text, MAX_OPENERS),
    }
}

/// The compound commands' keywords that open a cycle of the grammar, each with its searcher
/// (made once: making one costs as much as searching a small script).
static KEYWORDS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 5]> = std::sync::LazyLock::new(|| {
    [b"if".as_slice(), b"case", b"for", b"until", b"while"].map(memchr::memmem::Finder::new)
});

/// The number of openers in `text`, or where the first one past `max` is.
fn openers_within(text: &str, max: usize) -> Result<usize, usize> {
    let bytes = text.as_bytes();
    let mut count = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !OPENS[usize::from(b)] || !is_opener(bytes, i) {
            continue;
        }
        if count == max {
            return Err(i);
        }
        count += 1;
    }
    Ok(count)
}

/// Whether an opener starts at `i`, whose byte is one of `OPENS`.
fn is_opener(bytes: &[u8], i: usize) -> bool {
    let keyword: &[u8] = match bytes[i] {
        b'(' | b'{' | b'"' => return true,
        b'i' => b"if",
        b'c' => b"case",
        b'f' => b"for",
        b'u' => b"until",
        _ => b"while",
    };
    bytes[i..].starts_with(keyword) && ends_keyword(bytes.get(i + keyword.len()))
}

/// The stack parsing a text with `openers` openers can need.
pub(super) fn needed(openers: usize) -> usize {
    BASE + openers * PER_OPENER
}

/// Where `text` first needs more stack than this thread has left: the place to report when no
/// thread with more can be made.
pub(super) fn first_opener_past_this_stack(text: &str) -> usize {
    let left = stacker::remaining_stack().unwrap_or(0);
    openers_within(text, left.saturating_sub(BASE) / PER_OPENER).err().unwrap_or(0)
}

/// Runs `parse` where `bytes` of stack are free: on this thread when it has that much left,
/// otherwise on a thread of its own with a stack that large. `None` when no such thread can be
/// made (the system refuses to reserve the stack).
pub(super) fn with_stack<R: Send>(bytes: usize, parse: impl FnOnce() -> R + Send) -> Option<R> {
    if stacker::remaining_stack().is_some_and(|left| left >= bytes) {
        return Some(parse());
    }
    std::thread::scope(|s| {
        let thread = std::thread::Builder::new().name("rc2s6-parse".into()).stack_size(bytes);
        let handle = thread.spawn_scoped(s, parse).ok()?;
        Some(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openers_are_brackets_quotes_and_compound_keywords() {
        assert_eq!(count_openers("echo hi; x=1\n"), Ok(0));
        // Which quote opens and which closes is not known before parsing: both count.
        assert_eq!(count_openers("f() { x=\"$(a)\" ${b}; }\n"), Ok(6));
        // Keywords count where the grammar could read them as one, wherever they are.
        assert_eq!(count_openers("if a; then while b; do c; done; fi\n"), Ok(2));
        assert_eq!(count_openers("for((;;)); case\\\nx until"), Ok(5));
        assert_eq!(count_openers("iffy fort cases whiles untilx\n"), Ok(0));
        let over = "(".repeat(MAX_OPENERS) + "x{";
        assert_eq!(count_openers(&over), Err(MAX_OPENERS + 1));
    }

    #[test]
    fn the_count_in_passes_agrees_with_the_walk_byte_by_byte() {
        // Keywords at the start and end of the text, glued to each other and to brackets.
        let pieces = ["if", "case", "for", "until", "while", " ", "\n", "(", "{", "\"", "x", ";", "\\", "fi"];
        let mut texts = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    texts.push(format!("{a}{b}{c}"));
                }
            }
        }
        for text in &texts {
            assert_eq!(count_openers(text), openers_within(text, MAX_OPENERS), "{text:?}");
        }
    }

    #[test]
    fn a_parse_runs_on_a_thread_of_its_own_when_this_one_has_too_little_left() {
        let here = std::thread::current().id();
        let huge = 64 << 20;
        assert_ne!(with_stack(huge, || std::thread::current().id()), Some(here));
        assert_eq!(with_stack(16 << 10, || std::thread::current().id()), Some(here));
    }
}
