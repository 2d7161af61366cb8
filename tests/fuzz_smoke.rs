//! Bounded fuzz smoke in `cargo test`: a seeded generator of random grammar-shaped specs
//! (tests/fuzz_smoke/gen.rs) feeds the whole-pipeline oracle shared with the cargo-fuzz target
//! (fuzz/oracle.rs): no panic, an IR exactly when no error, stable backend output, fmt
//! idempotent and meaning-preserving. Raw-text mutation is tests/no_panic.rs's job and the
//! fuzz target's; this one reaches deep into the checker, lowering and backends.
//!
//! `APRC_FUZZ_CASES=N APRC_FUZZ_SEED=S` run a longer or different sequence (the property
//! fuzz run recorded in docs/performance.md used this).

use crate::oracle;

#[path = "fuzz_smoke/gen.rs"]
mod gen;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_specs_go_through_the_whole_pipeline_without_panic() {
    let cases = env_number("APRC_FUZZ_CASES", 600);
    let seed = env_number("APRC_FUZZ_SEED", 0x00A9_9C00);
    let rng = gen::Rng::new(seed);
    let (mut compiled, mut failed) = (0u64, 0u64);
    for case in 0..cases {
        let text = gen::spec(&rng);
        let result = std::panic::catch_unwind(|| oracle::run(&text));
        assert!(
            result.is_ok(),
            "case {case} (seed {seed}) panicked on:\n{text}"
        );
        let mut sources = aprc::source::Sources::new();
        sources.add("gen.apr", text);
        let mut diags = aprc::diag::Diagnostics::new();
        match aprc::driver::front(&sources, &mut diags) {
            Some(_) => compiled += 1,
            None => failed += 1,
        }
    }
    // The generator must reach both sides, or the smoke tests only one of them.
    assert!(
        compiled * 10 >= cases && failed * 10 >= cases,
        "{compiled} clean and {failed} failing specs out of {cases}"
    );
}

#[test]
fn every_generated_spec_parses() {
    let rng = gen::Rng::new(7);
    for case in 0..300 {
        let text = gen::spec(&rng);
        let mut diags = aprc::diag::Diagnostics::new();
        let parsed = aprc::syntax::parse(aprc::span::FileId(0), &text, &mut diags);
        assert!(
            parsed.is_some(),
            "case {case}: {:?}\n{text}",
            diags.sorted()
        );
    }
}

#[test]
fn the_generator_is_deterministic_per_seed() {
    let (a, b, c) = (gen::Rng::new(1), gen::Rng::new(1), gen::Rng::new(2));
    let (sa, sb, sc) = (gen::spec(&a), gen::spec(&b), gen::spec(&c));
    assert_eq!(sa, sb);
    assert_ne!(sa, sc);
}
