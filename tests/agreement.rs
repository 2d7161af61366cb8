//! `check` accepts exactly what `build` accepts. Hundreds of generated applications whose
//! names are chosen to collide (`a-b` and `a_b`, `alpha` and `ALPHA`, `api a` with a route
//! `/b/x` beside `api a-b` with `/x`, `param _`, names long enough to break AWS's limits)
//! go through `driver::check`, as `aprc check` runs it, and through `driver::compile` and
//! every backend, as `aprc build` runs it: both must say yes, or both no with the same
//! errors, and a backend may refuse only a CloudFormation quota (E0601). Every name or id
//! error points into the source at what is involved, never at nothing.

use aprc::backends::Target;
use aprc::diag::{Code, Diagnostics};
use aprc::source::Sources;
use std::collections::BTreeMap;

const NAMES: &[&str] = &[
    "a", "a-b", "a_b", "A-B", "ab", "b", "alpha", "ALPHA", "web", "web2", "_",
];
const SEGMENTS: &[&str] = &["b", "x", "b/x", "a/b", "ab", "{id}", "B"];

fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

/// A name from the pool, or now and then one long enough to break a limit.
fn name(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..20) {
        0 => "n".repeat(rng.usize(20..70)),
        1 => "s".repeat(rng.usize(240..260)),
        _ => pick(rng, NAMES).to_string(),
    }
}

/// One application; valid often enough that builds run, colliding often enough that the
/// validation pass has work.
fn application(rng: &mut fastrand::Rng) -> String {
    let app = match rng.u8(..6) {
        0 => "application-name-of-thirty-c".to_string(),
        1 => "a".to_string(),
        _ => "demo".to_string(),
    };
    let mut out = format!("app {app} {{\n  region = \"eu-west-1\"\n}}\n");
    let mut params = Vec::new();
    for _ in 0..rng.usize(..3) {
        let p = pick(rng, &["_", "tag", "TAG", "t_a_g", "tag_"]).to_string();
        out.push_str(&format!("param {p} = \"1\"\n"));
        params.push(p);
    }
    let networks: Vec<String> = (0..rng.usize(1..3)).map(|_| name(rng)).collect();
    for (i, n) in networks.iter().enumerate() {
        out.push_str(&format!("network {n} {{\n  cidr = 10.{i}.0.0/16\n}}\n"));
    }
    let services: Vec<String> = (0..rng.usize(1..4)).map(|_| name(rng)).collect();
    for s in &services {
        let tag = params
            .first()
            .map_or("1".to_string(), |p| format!("${{{p}}}"));
        let network = &networks[rng.usize(..networks.len())];
        let (ingress, egress) = match rng.u8(..4) {
            0 => ("public", "internet"),
            1 => ("public", "vpc"),
            _ => ("private", "internet"),
        };
        out.push_str(&format!(
            "service {s} {{\n  image = \"public.ecr.aws/a/web:{tag}\"\n  network = {network}\n  ingress = {ingress}\n  egress = {egress}\n}}\n"
        ));
    }
    for _ in 0..rng.usize(1..3) {
        let api = name(rng);
        let network = &networks[rng.usize(..networks.len())];
        out.push_str(&format!("api {api} {{\n  network = {network}\n"));
        for _ in 0..rng.usize(1..4) {
            let method = pick(rng, &["GET", "POST", "ANY"]);
            let path = pick(rng, SEGMENTS);
            let service = &services[rng.usize(..services.len())];
            out.push_str(&format!("  route {method} /{path} -> {service}\n"));
        }
        out.push_str("}\n");
    }
    out
}

fn codes(diags: &Diagnostics) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = diags.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

#[test]
fn check_and_build_agree_on_generated_colliding_names() {
    let mut rng = fastrand::Rng::with_seed(11);
    let (mut clean, mut collisions, mut limits, mut total) = (0, 0, 0, 0);
    for n in 0..600 {
        let text = application(&mut rng);
        let mut sources = Sources::new();
        sources.add(format!("gen{n}.apr"), text.clone());

        let mut checked = Diagnostics::new();
        let graph = aprc::driver::check(&sources, &mut checked);
        let mut built = Diagnostics::new();
        let compiled = aprc::driver::compile(&sources, &BTreeMap::new(), &mut built)
            .unwrap_or_else(|e| panic!("no --param was given, yet: {e}"));
        assert_eq!(
            graph.is_some(),
            compiled.is_some(),
            "check and build disagree on\n{text}\ncheck: {:?}\nbuild: {:?}",
            codes(&checked),
            codes(&built)
        );
        assert_eq!(
            codes(&checked),
            codes(&built),
            "different errors for\n{text}"
        );
        assert_eq!(graph, compiled, "different graphs for\n{text}");
        for d in checked.iter() {
            assert_ne!(d.code, Code::E0901, "a bug in aprc on\n{text}\n{d:?}");
            if matches!(d.code, Code::E0501 | Code::E0502) {
                let span = d.primary.span;
                assert!(span.start < span.end, "{d:?} underlines nothing");
                assert!((span.end as usize) <= text.len(), "{d:?}");
            }
        }
        // `aprc build` validates and spells side by side (`driver::build`), so the backends
        // also meet every graph validation refuses here: they must not panic, and what
        // build reports and writes must be exactly compile-then-emit's.
        for target in [Target::Cfn, Target::Tf, Target::Plan] {
            let mut sequential = Diagnostics::new();
            let text_of = aprc::driver::compile(&sources, &BTreeMap::new(), &mut sequential)
                .unwrap_or_else(|e| panic!("no --param was given, yet: {e}"))
                .and_then(|graph| {
                    aprc::driver::emit(target, Default::default(), &graph, &mut sequential)
                });
            let mut side_by_side = Diagnostics::new();
            let built_now = aprc::driver::build(
                &sources,
                &BTreeMap::new(),
                target,
                Default::default(),
                &mut side_by_side,
            )
            .unwrap_or_else(|e| panic!("no --param was given, yet: {e}"));
            assert_eq!(
                side_by_side.sorted(),
                sequential.sorted(),
                "{target:?}: build's diagnostics differ from compile then emit for\n{text}"
            );
            assert_eq!(
                built_now.map(|(_, out)| out.into_string()),
                text_of,
                "{target:?}: build's output differs from compile then emit for\n{text}"
            );
        }
        total += 1;
        let cs = codes(&checked);
        collisions += usize::from(cs.contains(&"E0502"));
        limits += usize::from(cs.contains(&"E0501"));
        let Some(graph) = compiled else { continue };
        clean += 1;
        for target in [Target::Cfn, Target::Tf, Target::Plan] {
            let mut emitted = Diagnostics::new();
            let out = aprc::driver::emit(target, Default::default(), &graph, &mut emitted);
            assert!(
                out.is_some() || codes(&emitted) == ["E0601"],
                "{target:?} refused what check accepted: {:?}\n{text}",
                emitted.sorted()
            );
        }
    }
    eprintln!("{total} applications: {clean} built, {collisions} with E0502, {limits} with E0501");
    // The generator must exercise every side.
    assert!(clean * 10 > total, "only {clean} of {total} built");
    assert!(
        collisions * 10 > total,
        "only {collisions} of {total} collided"
    );
    assert!(
        limits * 20 > total,
        "only {limits} of {total} broke a name limit"
    );
}
