//! The vendored pest's changes (vendor/pest/RC2S6.md) keep what its API returns. Its stack, whose
//! snapshots are taken lazily, behaves as a stack that copies itself whole at every snapshot:
//! sequences of pushes, pops, snapshots, clears and restores (proptest), nested as a parser nests
//! them, checked after every step. A pair's line and column, whose line index is built the first
//! time one is asked for, are those counted in the text.

extern crate alloc;

use pest::{Parser as _, Stack};
use proptest::prelude::*;

/// What a snapshot means: a copy of the whole stack, put back by `restore`, dropped by
/// `clear_snapshot`; `restore` with no snapshot empties the stack.
#[derive(Default)]
struct Model {
    items: Vec<u32>,
    saved: Vec<Vec<u32>>,
}

impl Model {
    fn restore(&mut self) {
        self.items = self.saved.pop().unwrap_or_default();
    }
}

fn same(stack: &Stack<u32>, model: &Model, history: &[&str]) -> Result<(), TestCaseError> {
    prop_assert_eq!(&stack[0..stack.len()], model.items.as_slice(), "after {:?}", history);
    prop_assert_eq!(stack.peek(), model.items.last(), "after {:?}", history);
    prop_assert_eq!(stack.is_empty(), model.items.is_empty(), "after {:?}", history);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]
    #[test]
    fn snapshots_taken_lazily_behave_as_copies_of_the_stack(ops in prop::collection::vec(0u8..8, 0..60)) {
        let (mut stack, mut model) = (Stack::new(), Model::default());
        let mut history = Vec::new();
        for (step, op) in (0u32..).zip(ops) {
            // Snapshots are most of what a parser does, as here: several in a row with nothing
            // changing the stack between them is the case the change is about.
            match op {
                0 | 1 => {
                    history.push("push");
                    stack.push(step);
                    model.items.push(step);
                }
                2 => {
                    history.push("pop");
                    prop_assert_eq!(stack.pop(), model.items.pop(), "after {:?}", history);
                }
                3 | 4 => {
                    history.push("snapshot");
                    stack.snapshot();
                    model.saved.push(model.items.clone());
                }
                5 if !model.saved.is_empty() => {
                    history.push("clear");
                    stack.clear_snapshot();
                    model.saved.pop();
                }
                6 | 7 => {
                    history.push("restore");
                    stack.restore();
                    model.restore();
                }
                _ => continue,
            }
            same(&stack, &model, &history)?;
        }
    }
}

#[test]
fn a_restore_brings_back_what_was_popped_under_snapshots_taken_before() {
    // As in `PUSH("a") ~ ((POP ~ "X") ~ "Y")? ~ POP` on "aa" (pest #1184 is this case with one
    // sequence): the pop inside the failed sequences is undone, under two snapshots taken with
    // nothing changing the stack between them.
    let mut stack = Stack::new();
    stack.push('a');
    stack.snapshot();
    stack.snapshot();
    assert_eq!(stack.pop(), Some('a'));
    stack.restore();
    stack.restore();
    assert_eq!(stack.pop(), Some('a'));
    assert!(stack.is_empty());
}

/// Words separated by blanks and newlines.
#[derive(pest_derive::Parser)]
#[grammar_inline = r#"
text = { SOI ~ (word | " " | "\n")* ~ EOI }
word = { (!(" " | "\n") ~ ANY)+ }
"#]
struct Words;

#[test]
fn line_and_column_of_pairs_are_those_counted_in_the_text() {
    let input = "hello 你好\nA🎈C  world\n\n last\n🎈";
    let pairs = Words::parse(Rule::text, input).expect("parses");
    let words: Vec<_> = pairs.flatten().filter(|p| p.as_rule() == Rule::word).collect();
    assert_eq!(words.len(), 6);
    // Asked out of order, and twice: the index is built once, for every later question too.
    for pair in words.iter().rev().chain(words.iter()) {
        let start = pair.as_span().start();
        let before = &input[..start];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        assert_eq!(pair.line_col(), (line, col), "{:?}", pair.as_str());
    }
}

#[test]
fn a_character_range_matches_ascii_and_other_characters_alike() {
    let inputs = ["a", "z", "{", "A", "\u{0}", "\u{7f}", "\u{80}", "é", "€", "🎈", "", "ab", "éa"];
    let ranges = [
        ('a', 'z'),
        ('\u{0}', '\u{7f}'),
        ('\u{80}', '\u{10FFFF}'),
        ('é', 'é'),
        ('🎈', '🎈'),
        ('{', '{'),
        ('\u{0}', '\u{10FFFF}'),
    ];
    for input in inputs {
        for (lo, hi) in ranges {
            // What the character at the start is, and so how far a match moves.
            let expected = input.chars().next().filter(|&c| lo <= c && c <= hi).map(char::len_utf8);
            let moved = std::cell::Cell::new(None);
            let _ =
                pest::state::<(), _>(input, |s| s.match_range(lo..hi).inspect(|s| moved.set(Some(s.position().pos()))));
            assert_eq!(moved.get(), expected, "{input:?} in {lo:?}..{hi:?}");
        }
    }
}
