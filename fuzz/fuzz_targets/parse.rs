//! The parser on any bytes: never panics, never overflows the stack, always renders its errors.
#![no_main]

#[path = "../../tests/fuzz_input/mod.rs"]
mod fuzz_input;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_input::check_parse(data));
