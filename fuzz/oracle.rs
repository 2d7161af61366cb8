//! The whole-pipeline oracle: one function that runs a source text through every phase and
//! panics on anything that must never happen. Shared (by `#[path]`) by the cargo-fuzz target
//! (`fuzz_targets/pipeline.rs`), the bounded smoke in `cargo test` (`tests/fuzz_smoke.rs`)
//! and the fixture test for fuzz finds, so a crash found by one is reproduced by the others.
//!
//! What it asserts, beyond "no panic anywhere":
//! - compiling yields an IR exactly when no error was reported (no output on failure, no
//!   silent failure);
//! - every diagnostic renders (human and JSON) whatever its byte range;
//! - each backend gives the same text twice (no hash-order leaks), and that text is what the
//!   target promises: JSON for `cfn` and `plan`, HCL that hcl-rs parses for `tf`;
//! - `fmt` output re-parses, `fmt` is idempotent, and the formatted text means the same: the
//!   same diagnostic codes and, when it compiles, the same output on every target.

use aprc::backends::{self, Target};
use aprc::diag::{render, Diagnostics};
use aprc::source::Sources;
use codespan_reporting::term::termcolor::NoColor;
use std::collections::BTreeMap;

/// What one compile of one file gave: diagnostic codes (sorted) and every output.
struct Outcome {
    codes: Vec<&'static str>,
    /// Every target's output (or refusal): what the text means.
    outputs: Option<Vec<String>>,
}

/// Runs `text` (one file) through parse, check, lower, every backend, graph and fmt.
pub fn run(text: &str) {
    let outcome = compile_and_emit(text);
    check_fmt(text, &outcome);
}

fn compile_and_emit(text: &str) -> Outcome {
    let mut sources = Sources::new();
    sources.add("fuzz.apr", text.to_string());
    let mut diags = Diagnostics::new();
    let compiled = aprc::driver::compile(&sources, &BTreeMap::new(), &mut diags);

    let sorted = diags.sorted();
    let _ = render::json(&sources, &sorted);
    let mut human = NoColor::new(Vec::new());
    if let Err(e) = render::human(&sources, &sorted, &mut human) {
        panic!("rendering diagnostics failed: {e}");
    }
    let mut codes: Vec<&'static str> = sorted.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();

    let ir = match compiled {
        Err(usage) => panic!("no --param was given, yet a usage error: {usage}"),
        Ok(None) => {
            assert!(diags.has_errors(), "no IR and no error reported");
            return Outcome {
                codes,
                outputs: None,
            };
        }
        Ok(Some(ir)) => {
            assert!(!diags.has_errors(), "an IR despite errors: {codes:?}");
            ir
        }
    };
    let mut outputs = Vec::new();
    for target in [Target::Cfn, Target::Tf, Target::Plan] {
        let first = backends::emit(target, &ir, Default::default());
        let second = backends::emit(target, &ir, Default::default());
        assert_eq!(first, second, "{target:?} output differs between two runs");
        // A backend refuses nothing the validation passed but a CloudFormation quota.
        if let Err(e) = &first {
            assert_eq!(e.code, aprc::diag::Code::E0601, "{target:?}: {e}");
        }
        outputs.push(format!("{first:?}"));
        if let Ok(out) = first {
            match target {
                Target::Cfn | Target::Plan => {
                    if let Err(e) = serde_json::from_str::<serde_json::Value>(&out) {
                        panic!("{target:?} output is not JSON ({e}):\n{out}");
                    }
                }
                Target::Tf => {
                    if let Err(e) = hcl::parse(&out) {
                        panic!("tf output is not HCL ({e}):\n{out}");
                    }
                }
            }
        }
    }
    if let Err(e) = aprc::graph::dot(&ir).and(aprc::graph::mermaid(&ir)) {
        panic!("graph: {e}");
    }
    Outcome {
        codes,
        outputs: Some(outputs),
    }
}

fn check_fmt(text: &str, original: &Outcome) {
    let mut diags = Diagnostics::new();
    let Some(module) = aprc::syntax::parse(aprc::span::FileId(0), text, &mut diags) else {
        return;
    };
    let once = aprc::fmt::format(text, &module);
    let mut diags = Diagnostics::new();
    let Some(reparsed) = aprc::syntax::parse(aprc::span::FileId(0), &once, &mut diags) else {
        panic!(
            "formatted text does not parse: {:?}\n--- formatted ---\n{once}",
            diags.sorted()
        );
    };
    let twice = aprc::fmt::format(&once, &reparsed);
    assert_eq!(once, twice, "fmt is not idempotent");
    let formatted = compile_and_emit(&once);
    // W0005 is about layout (an attribute on a route's line): fmt puts every statement on
    // its own line, which is the fix, so it is the one diagnostic fmt may take away.
    let layout_free = |codes: &[&'static str]| {
        codes
            .iter()
            .copied()
            .filter(|c| *c != "W0005")
            .collect::<Vec<_>>()
    };
    assert_eq!(
        layout_free(&original.codes),
        layout_free(&formatted.codes),
        "formatting changed the diagnostics\n--- formatted ---\n{once}"
    );
    assert_eq!(
        original.outputs, formatted.outputs,
        "formatting changed the output\n--- formatted ---\n{once}"
    );
}
