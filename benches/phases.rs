//! Criterion benchmarks of each compiler phase (parse, check, lower, emit cfn/tf/plan) on the
//! seed example and on generated specs of 80, 100 and 1,000 App Runner services, and of 100
//! and 1,000 ECS services (`ecs100`, `ecs1000`: 50 to a network)
//! (benches/support/specgen.rs). 80 is about the largest that fits CloudFormation's 500
//! resources per stack: at 100 and 1,000, `emit/cfn` measures the quota refusal.
//! Each phase is timed on its own input, prepared once outside the timed loop, so a number
//! says what that phase costs. Sample counts are small: the machine is shared.
//!
//! Run: `cargo bench --bench phases` (or `-- parse/` to pick a group).

#[path = "support/specgen.rs"]
mod specgen;

use aprc::backends::{self, Target};
use aprc::diag::Diagnostics;
use aprc::driver;
use aprc::source::Sources;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

/// (label, service count for the throughput figure, source text).
fn workloads() -> Vec<(&'static str, u64, String)> {
    let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/seed.apr"))
        .expect("examples/seed.apr is part of the repository");
    vec![
        ("seed", 1, seed),
        ("80", 80, specgen::spec(80)),
        ("100", 100, specgen::spec(100)),
        ("1000", 1000, specgen::spec(1000)),
        ("ecs100", 100, specgen::spec_ecs(100)),
        ("ecs1000", 1000, specgen::spec_ecs(1000)),
    ]
}

fn sources(text: &str) -> Sources {
    let mut s = Sources::new();
    s.add("bench.apr", text.to_string());
    s
}

fn phases(c: &mut Criterion) {
    let baked = BTreeMap::new();
    for (label, services, text) in workloads() {
        let src = sources(&text);
        let mut diags = Diagnostics::new();
        let modules = driver::parse(&src, &mut diags);
        let spec = aprc::check::check(&modules, &mut diags);
        assert!(!diags.has_errors(), "workload {label} must check clean");
        let spec = spec.expect("a clean check yields a spec");
        let graph = aprc::lower::lower(&spec, &baked);

        let mut group = c.benchmark_group(label);
        group
            .sample_size(20)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2))
            .throughput(Throughput::Elements(services));

        group.bench_function("parse", |b| {
            b.iter(|| {
                let mut d = Diagnostics::new();
                black_box(driver::parse(black_box(&src), &mut d))
            })
        });
        group.bench_function("check", |b| {
            b.iter(|| {
                let mut d = Diagnostics::new();
                black_box(aprc::check::check(black_box(&modules), &mut d))
            })
        });
        group.bench_function("lower", |b| {
            b.iter(|| black_box(aprc::lower::lower(black_box(&spec), &baked)))
        });
        group.bench_function("validate", |b| {
            b.iter(|| {
                let mut d = Diagnostics::new();
                aprc::validate::validate(black_box(&graph), &mut d);
                black_box(d)
            })
        });
        for (name, target) in [
            ("cfn", Target::Cfn),
            ("tf", Target::Tf),
            ("plan", Target::Plan),
        ] {
            group.bench_with_input(BenchmarkId::new("emit", name), &graph, |b, graph| {
                b.iter(|| black_box(backends::emit(target, black_box(graph), Default::default())))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, phases);
criterion_main!(benches);
