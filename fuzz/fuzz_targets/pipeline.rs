//! libFuzzer target over the whole pipeline: every input is one `.apr` file, run through
//! parse, check, lower, every backend, graph and fmt by the shared oracle (`../oracle.rs`),
//! which panics on anything that must never happen.

#![no_main]

#[path = "../oracle.rs"]
mod oracle;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The CLI rejects non-UTF-8 files before parsing (a usage error), so only text matters.
    if let Ok(text) = std::str::from_utf8(data) {
        oracle::run(text);
    }
});
