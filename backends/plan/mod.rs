//! The `plan` backend: the IR as a JSON document of AWS API calls (spec section 7) that any
//! SDK can run step by step, and undo by running each step's `delete` in reverse order.
//!
//! This file owns the document. Steps are built per entity (`network.rs`, `routing.rs`,
//! `service.rs`, `ecs.rs`, `api.rs`) in IR order with ids from `ids.rs`, their inputs as the plan's own light JSON
//! value (`json.rs`, `steps.rs`); they are ordered, with `depends_on` derived from their refs
//! (`order.rs`), and written by a JSON writer of our own (`write.rs`) straight from the
//! structs into one string, never as one document value; its bytes are serde_json's pretty
//! output, held to it by tests.
//!
//! Speed: at 1,000 services the plan is 8 MB. Built as `serde_json::Value` trees and printed
//! with `PrettyFormatter`, it cost 503M instructions under callgrind, two thirds of the whole
//! build; shaped as it is now, it costs about 100M, of which writing the text is about 43M
//! (it was about 90M through serde_json's serializer). Each file says what it does for
//! speed; the bytes are the same.
//!
//! Semantics an executor relies on: a step's `outputs` are paths into the response of the
//! step's own operation, a wait's `outputs` paths into the last response of its poll,
//! recorded once the wait has succeeded (a value that exists only once the resource is ready,
//! such as an ingress connection's domain name); a `wait` runs after the operation and before
//! any later step; refs may name only earlier steps (a `wait` or `delete` may also name its
//! own step's call outputs). A literal object whose only key is `ref`, `param`, `join` or
//! `object` is written `{"object": {...}}`.

mod api;
mod cx;
mod ecs;
mod ids;
mod json;
pub mod lifecycle;
mod network;
mod order;
#[cfg(test)]
mod reference;
mod routing;
mod service;
mod steps;
mod write;

use super::BackendError;
use crate::ir::{Graph, Id, Internal, OutputValue, Props};
use cx::Cx;
use json::{obj, Key, J};
use order::ordered;
use steps::Step;

pub use ids::{all as step_ids, kind};

/// The plan format's version (spec section 8): 2 added a wait's own `outputs` and the
/// `{"object": ..}` escape of literal objects shaped like a form.
pub const VERSION: u32 = 2;

pub fn emit(g: &Graph) -> Result<String, BackendError> {
    let cx = Cx::new(g).map_err(internal)?;
    let mut steps = build(&cx).map_err(internal)?;
    let text = write(&cx, &steps);
    // Freeing the steps' trees is a tenth of a large plan's build: half of them are freed on
    // another thread (`crate::threads::halves`).
    let later = steps.split_off(steps.len() / 2);
    let n = steps.len() + later.len();
    crate::threads::halves(n, |_| drop(steps), |_| drop(later));
    text
}

fn internal(e: Internal) -> BackendError {
    BackendError::internal(e)
}

/// `{"NAME": {"type": "string", "default": ..}}` for each param left symbolic.
fn parameters(g: &Graph) -> J<'_> {
    J::map(
        g.params
            .iter()
            .map(|p| {
                let mut decl = obj! { "type" => "string" };
                if let Some(default) = &p.default {
                    decl.push("default", default);
                }
                (Key::from(p.name.as_str()), decl)
            })
            .collect(),
    )
}

fn write(cx: &Cx, steps: &[Step]) -> Result<String, BackendError> {
    let g = cx.g;
    let ordered = ordered(steps)?;
    let parameters = parameters(g);
    let outputs = outputs(cx).map_err(internal)?;
    // About 1.2 kB per step: reserving it up front saves copying a growing 8 MB buffer.
    let mut writer = write::Writer::with_capacity(1024 + steps.len() * 1200);
    let (app, region) = (&g.app.name, &g.app.region);
    writer
        .document(app, region, &parameters, steps, &ordered, &outputs)
        .map_err(internal)?;
    Ok(writer.finish())
}

/// Every step, resource by resource in graph order, with one placement of the plan's own: a
/// stage's access-log group is written by the stage, between CreateStage and the UpdateStage
/// that points the stage at it. First, when a stage logs or an ECS execution role writes log
/// streams, the lookup of the account id their log groups' ARNs are built with.
fn build<'a>(cx: &Cx<'a>) -> Result<Vec<Step<'a>>, Internal> {
    let g = cx.g;
    let mut all = Vec::with_capacity(g.resources.len() * 2);
    let logged = logged(g);
    if ids::needs_account(g) {
        all.push(api::account_lookup(cx));
    }
    // For a large graph, the steps of the second half of the resources are built on
    // another thread (`crate::threads::halves`) and put after the first half's.
    let (first, later) = crate::threads::halves(
        g.resources.len(),
        |range| steps_of(cx, &logged, range, &mut all),
        |range| {
            let mut out = Vec::with_capacity(range.len() * 2);
            steps_of(cx, &logged, range, &mut out).map(|()| out)
        },
    );
    // The first error in graph order, as one pass building them all would meet it.
    first?;
    if let Some(later) = later {
        all.extend(later??);
    }
    Ok(all)
}

/// The log groups their stages write (between CreateStage and the UpdateStage that points
/// the stage at them), rather than their own place in graph order.
fn logged(g: &Graph) -> std::collections::BTreeSet<Id> {
    g.all::<crate::ir::Stage>()
        .filter_map(|(_, s)| s.access_log.as_ref().map(|l| l.group.id))
        .collect()
}

/// The steps of the resources at positions `range` of the graph, in graph order, into `out`;
/// the log groups in `logged` are written by their stages.
fn steps_of<'a>(
    cx: &Cx<'a>,
    logged: &std::collections::BTreeSet<Id>,
    range: std::ops::Range<usize>,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let g = cx.g;
    for (id, r) in g.iter().skip(range.start).take(range.len()) {
        match &r.props {
            Props::RegionZones(z) => network::region_zones(cx, id, z, out),
            Props::InternetGateway(igw) => routing::internet_gateway(cx, id, igw, out),
            Props::RouteTable(t) => routing::route_table(cx, id, t, out),
            Props::Route(r) => routing::route(cx, id, r, out),
            Props::RouteTableAssociation(a) => routing::route_table_association(cx, id, a, out),
            Props::ElasticIp(e) => routing::elastic_ip(cx, id, e, out),
            Props::NatGateway(n) => routing::nat_gateway(cx, id, n, out),
            Props::Cluster(c) => ecs::cluster(cx, id, c, out),
            Props::TaskDefinition(t) => ecs::task_definition(cx, id, t, out),
            Props::EcsService(s) => ecs::service(cx, id, s, out),
            Props::ScalableTarget(t) => ecs::scalable_target(cx, id, t, out),
            Props::ScalingPolicy(p) => ecs::scaling_policy(cx, id, p, out),
            Props::ServiceZones(z) => network::service_zones(cx, id, z, out),
            Props::Vpc(v) => network::vpc(cx, id, v, out),
            Props::Subnet(s) => network::subnet(cx, id, s, out),
            Props::SecurityGroup(sg) => network::security_group(cx, id, sg, out),
            Props::SgRule(rule) => network::sg_rule(cx, id, rule, out),
            Props::VpcEndpoint(e) => network::endpoint(cx, id, e, out),
            Props::EndpointEnis(e) => network::endpoint_enis(cx, id, e, out),
            Props::LoadBalancer(lb) => network::load_balancer(cx, id, lb, out),
            Props::TargetGroup(tg) => network::target_group(cx, id, tg, out),
            Props::Listener(l) => network::listener(cx, id, l, out),
            Props::VpcLink(link) => network::vpc_link(cx, id, link, out),
            Props::VpcConnector(c) => network::connector(cx, id, c, out),
            Props::Role(role) => service::role(cx, id, role, out),
            Props::AutoScaling(a) => service::autoscaling(cx, id, a, out),
            Props::Observability(o) => service::observability(cx, id, o, out),
            Props::AppRunnerService(s) => service::service(cx, id, s, out),
            Props::IngressConnection(c) => service::ingress(cx, id, c, out),
            Props::LogsRole(role) => api::logs_role(cx, id, role, out),
            Props::ApiAccount(a) => api::account(cx, id, a, out),
            Props::RestApi(a) => api::rest_api(cx, id, a, out),
            Props::ApiResource(res) => api::resource(cx, id, res, out),
            Props::Method(m) => api::method(cx, id, m, out),
            Props::Deployment(d) => api::deployment(cx, id, d, out),
            // Written by the stage that logs to it.
            Props::LogGroup(_) if logged.contains(&id) => Ok(()),
            Props::LogGroup(l) => api::log_group(cx, id, l, out),
            Props::Stage(s) => api::stage(cx, id, s, out),
            Props::ApiKey(k) => api::api_key(cx, id, k, out),
            Props::UsagePlan(p) => api::usage_plan(cx, id, p, out),
            Props::UsagePlanKey(k) => api::usage_plan_key(cx, id, k, out),
        }?;
    }
    Ok(())
}

/// The graph's outputs: refs into recorded responses, never an api key's value.
fn outputs<'a>(cx: &Cx<'a>) -> Result<J<'a>, Internal> {
    let mut out = Vec::with_capacity(cx.g.outputs.len());
    for output in &cx.g.outputs {
        let value = match output.value {
            OutputValue::InvokeUrl(stage) => api::invoke_url(cx, stage)?,
            OutputValue::ApiKeyId(key) => cx.out(key, "ApiKeyId")?,
            OutputValue::EcsServiceArn(service) => cx.out(service, "ServiceArn")?,
            OutputValue::ServiceArn(service) => cx.out(service, "ServiceArn")?,
            // The host name as App Runner gives it, like the other targets' outputs.
            OutputValue::ServiceUrl(service) => cx.out(service, "ServiceUrl")?,
            OutputValue::IngressDomain(conn) => cx.out(conn, "DomainName")?,
        };
        out.push((Key::from(output.snake.as_str()), value));
    }
    Ok(J::map(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::ir::LogGroup;

    /// The writer against its plain reference (serde_json's pretty printer) on whole plans:
    /// the seed, the kitchen sink (every App Runner kind and form), and the ECS examples
    /// (every ECS and NAT kind, and the waits of deletes).
    #[test]
    fn the_writer_writes_what_serde_json_would() {
        let mut graphs = vec![crate::testing::seed_graph()];
        let specs = [
            (
                "sink.apr",
                include_str!("../../tests/plan/kitchen_sink.apr"),
            ),
            ("ecs.apr", include_str!("../../examples/ecs.apr")),
            ("mixed.apr", include_str!("../../examples/mixed.apr")),
        ];
        for (name, text) in specs {
            let mut sources = crate::source::Sources::new();
            sources.add(name, text.to_string());
            let mut diags = crate::diag::Diagnostics::new();
            let g = crate::driver::check(&sources, &mut diags);
            graphs.push(g.unwrap_or_else(|| panic!("{name} checks: {:?}", diags.sorted())));
        }
        // Large enough for the steps to be built and written in halves on two threads.
        graphs.extend(crate::testing::large_graphs());
        for g in &graphs {
            let cx = Cx::new(g).expect("context");
            let steps = build(&cx).expect("steps");
            let ours = write(&cx, &steps).expect("written");
            let ordered = ordered(&steps).expect("ordered");
            let parameters = parameters(g);
            let outputs = outputs(&cx).expect("outputs");
            let theirs = reference::Document {
                app: &g.app.name,
                region: &g.app.region,
                parameters: &parameters,
                steps: &steps,
                ordered: &ordered,
                outputs: &outputs,
            }
            .write();
            assert_eq!(ours, theirs, "{}", g.app.name);
        }
    }

    /// Built in halves on two threads, a large graph's steps are the steps of one pass over
    /// all its resources, in the same order.
    #[test]
    fn steps_built_in_halves_are_those_of_one_pass() {
        for g in crate::testing::large_graphs() {
            assert!(g.resources.len() >= crate::threads::HALVES);
            let cx = Cx::new(&g).expect("context");
            let halves = build(&cx).expect("steps");
            let mut one_pass = Vec::new();
            if ids::needs_account(&g) {
                one_pass.push(api::account_lookup(&cx));
            }
            steps_of(&cx, &logged(&g), 0..g.resources.len(), &mut one_pass).expect("steps");
            assert!(halves.len() >= crate::threads::HALVES);
            assert_eq!(
                format!("{halves:?}"),
                format!("{one_pass:?}"),
                "{}",
                g.app.name
            );
        }
    }

    /// The graph of a spec, lowered without validation (which would refuse repeated ids
    /// before the plan could show them).
    fn lowered(text: &str) -> Graph {
        let mut sources = crate::source::Sources::new();
        sources.add("spec.apr", text.to_string());
        let mut diags = crate::diag::Diagnostics::new();
        let spec = crate::driver::front(&sources, &mut diags)
            .unwrap_or_else(|| panic!("{:?}", diags.sorted()));
        crate::lower::lower(&spec, &std::collections::BTreeMap::new())
    }

    /// The ids the check compares (E0502) are exactly the plan's, and distinct, also where an
    /// ECS service shares its name with its network and with an api: the service's log
    /// group, target group, listener and rules are apart from theirs.
    #[test]
    fn step_ids_are_the_plans_and_distinct_across_declaration_kinds() {
        let shared_names = r#"app dup {
  region = "eu-west-1"
}
network core {
  cidr  = 10.0.0.0/16
  zones = 2
}
service legacy {
  image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1"
  network = core
}
service core {
  compute = ecs
  image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1"
  network = core
}
api core {
  network    = core
  access_log = true
  route GET /x -> core
  route GET /y -> legacy
}
"#;
        let specs = [
            shared_names,
            include_str!("../../examples/ecs.apr"),
            include_str!("../../examples/mixed.apr"),
            include_str!("../../tests/plan/kitchen_sink.apr"),
        ];
        for text in specs {
            let g = lowered(text);
            let (ids, _) = step_ids(&g).expect("ids");
            let listed: std::collections::BTreeSet<&str> =
                ids.iter().map(|(id, _)| id.as_str()).collect();
            assert_eq!(listed.len(), ids.len(), "repeated ids in {}", g.app.name);
            let cx = Cx::new(&g).expect("context");
            let steps = build(&cx).expect("steps");
            let built: std::collections::BTreeSet<&str> = steps.iter().map(|s| &*s.id).collect();
            assert_eq!(listed, built, "{}", g.app.name);
        }
    }

    /// A graph that breaks its own rules is aprc's bug, reported as such (E0901), never as a
    /// user error and never by a panic.
    #[test]
    fn an_inconsistent_graph_is_an_internal_error() {
        let mut g = crate::testing::seed_graph();
        let vpc = g
            .iter()
            .find(|(_, r)| matches!(r.props, Props::Vpc(_)))
            .map(|(id, _)| id)
            .expect("the seed has a VPC");
        // Every ref to the VPC now names a resource of another kind.
        g.resources[vpc.index()].props = Props::LogGroup(LogGroup {
            name: "x".into(),
            retention_days: 1,
        });
        let err = emit(&g).expect_err("a broken graph");
        assert_eq!(err.code, Code::E0901);
        assert!(err.message.contains("this is a bug in aprc"), "{err}");
        assert!(err.message.contains("not a VPC"), "{err}");
    }
}
