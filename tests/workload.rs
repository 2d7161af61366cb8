//! The benchmark workload (benches/support/specgen.rs) must be what the benchmarks claim to
//! measure: a clean spec with N private services behind one api, lowered to N services and N
//! routes in one network, and the same text every time.

use crate::specgen;

use aprc::diag::Diagnostics;
use aprc::source::Sources;
use std::collections::BTreeMap;

fn lower(text: &str) -> (aprc::ir::Graph, Diagnostics) {
    let mut sources = Sources::new();
    sources.add("gen.apr", text.to_string());
    let mut diags = Diagnostics::new();
    let lowered = aprc::driver::compile(&sources, &BTreeMap::new(), &mut diags)
        .expect("no --param given")
        .expect("the generated spec checks clean");
    (lowered, diags)
}

#[test]
fn generated_specs_check_clean_and_lower_to_n_services() {
    for n in [1usize, 2, 100] {
        let (g, diags) = lower(&specgen::spec(n));
        assert!(diags.is_empty(), "n={n}: {:?}", diags.sorted());
        assert_eq!(g.all::<aprc::ir::Vpc>().count(), 1);
        assert_eq!(g.all::<aprc::ir::AppRunnerService>().count(), n);
        assert_eq!(g.all::<aprc::ir::RestApi>().count(), 1);
        // `ANY /svcK/{proxy+}`: one method and two resources (`svcK`, `{proxy+}`) per route.
        assert_eq!(g.all::<aprc::ir::Method>().count(), n);
        assert_eq!(g.all::<aprc::ir::ApiResource>().count(), 2 * n);
        let names: Vec<&str> = g
            .decls
            .iter()
            .filter(|d| d.kind == aprc::ir::DeclKind::Service)
            .map(|d| d.names.spec.as_str())
            .collect();
        assert_eq!(names.len(), n);
        assert!(names.contains(&format!("svc{n}").as_str()), "{names:?}");
    }
}

#[test]
fn generator_is_deterministic_and_grows_by_one_service_per_step() {
    assert_eq!(specgen::spec(50), specgen::spec(50));
    let (a, b) = (specgen::spec(10), specgen::spec(11));
    assert_eq!(b.matches("\nservice ").count(), 11);
    assert_eq!(a.matches("route ANY ").count(), 10);
    assert!(b.contains("route ANY /svc11/{proxy+} -> svc11 /{proxy}"));
}

#[test]
fn the_ecs_workload_checks_clean_fifty_services_to_a_network() {
    for n in [1usize, 50, 51, 120] {
        let (g, diags) = lower(&specgen::spec_ecs(n));
        assert!(diags.is_empty(), "n={n}: {:?}", diags.sorted());
        assert_eq!(g.all::<aprc::ir::EcsService>().count(), n);
        assert_eq!(g.all::<aprc::ir::AppRunnerService>().count(), 0);
        let networks = n.div_ceil(specgen::ECS_PER_NETWORK);
        assert_eq!(g.all::<aprc::ir::Vpc>().count(), networks);
        assert_eq!(g.all::<aprc::ir::LoadBalancer>().count(), networks);
        assert_eq!(g.all::<aprc::ir::RestApi>().count(), networks);
        assert_eq!(g.all::<aprc::ir::Method>().count(), n);
    }
    assert_eq!(specgen::spec_ecs(60), specgen::spec_ecs(60));
}
