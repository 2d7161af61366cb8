//! The integration suite, one test binary: each file beside this one is a module holding the
//! tests of one subject (`cargo test --test suite plan::` runs the plan's). One binary, not
//! one per file, because each binary links the whole library: twenty of them took about 80 s
//! of CI's build, and tests of different subjects now share the two cores while one of them
//! waits on an oracle.
//!
//! Files share `support` (the `aprc` binary, the examples, one moto server for the process),
//! the benchmarks' spec generator, the fuzzer's oracle, and the mutators.

mod support;

// Helpers more than one subject uses.
mod erase;
mod mutate;
#[path = "../fuzz/oracle.rs"]
mod oracle;
#[path = "../benches/support/specgen.rs"]
mod specgen;

mod agreement;
mod apply;
mod cfn;
mod cli;
mod error_docs;
mod examples_check;
mod fmt;
mod fuzz_fixtures;
mod fuzz_smoke;
mod help_fixes;
mod invalid_fixtures;
mod no_panic;
mod params;
mod parse_smoke;
mod plan;
mod redeploy;
mod spec_corpus;
mod suggestions;
mod tf;
mod workload;
