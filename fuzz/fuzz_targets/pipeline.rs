//! A service name, script, conf.d and rc.conf through parse, model, emit and manifest: never
//! panics, and every generated tree keeps rc2s6's guarantees (see `fuzz_input::check_pipeline`).
#![no_main]

#[path = "../../tests/fuzz_input/mod.rs"]
mod fuzz_input;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_input::check_pipeline(data));
