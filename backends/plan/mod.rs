//! The `plan` backend: the IR as a JSON document of AWS API calls (spec section 7) that any
//! SDK can run step by step, and undo by running each step's `delete` in reverse order.
//!
//! This file owns the document. Steps are built per entity (`network.rs`, `routing.rs`,
//! `service.rs`, `ecs.rs`, `api.rs`) in IR order with ids from `ids.rs`, their inputs as the plan's own light JSON
//! value (`json.rs`, `steps.rs`). Each step is written as soon as it is built, with its
//! `depends_on` derived from its refs, by a JSON writer of our own (`write.rs`) straight from
//! the structs, and freed ([`Written`]); the steps are then ordered by their ids and
//! dependencies (`order.rs`). The document is never one value; its bytes are serde_json's
//! pretty output, held to it by tests.
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

use super::{BackendError, Text};
use crate::ir::{Graph, Id, Internal, OutputValue, Props};
use cx::Cx;
use json::{obj, Key, StepId, J};
use steps::Step;
use write::Writer;

pub use ids::{all as step_ids, kind};

/// The plan format's version (spec section 8): 2 added a wait's own `outputs` and the
/// `{"object": ..}` escape of literal objects shaped like a form.
pub const VERSION: u32 = 2;

pub fn emit(g: &Graph) -> Result<String, BackendError> {
    emit_text(g).map(Text::into_string)
}

/// The plan in the parts it was written in: its head, its steps (in parts, which a large plan
/// writes on two threads) and its tail.
pub fn emit_text(g: &Graph) -> Result<Text, BackendError> {
    let cx = Cx::new(g).map_err(internal)?;
    let parameters = parameters(g);
    let outputs = outputs(&cx).map_err(internal)?;
    let logged = logged(g);
    let mut all = Written::new(Writer::with_capacity(1024), true);
    all.writer.head(&g.app.name, &g.app.region, &parameters);
    if ids::needs_account(g) {
        all.push(api::account_lookup(&cx));
    }
    // The resources' steps in consecutive parts, which a large graph has built and written
    // on two threads (`crate::threads::chunked`), then put in graph order.
    let parts = crate::threads::chunked(g.resources.len(), |range| {
        let mut part = Written::new(Writer::for_steps(range.len() * BYTES), false);
        written_of(&cx, &logged, range, &mut part).map(|()| part)
    })
    .map_err(internal)?;
    // The first error in graph order, as one pass building them all would meet it.
    for part in parts {
        all.append(part.map_err(internal)?);
    }
    all.finish(&g.app.name, &g.app.region, &parameters, &outputs)
}

/// About what a resource's steps take written (1.45 kB for an ECS service's, whose plan is
/// 23 MB at 1,000 services): reserved up front, the text is never copied to grow.
const BYTES: usize = 1600;

/// Steps written as soon as they are built, in graph order, and then freed: a large plan's
/// trees never all exist at once (at 1,000 ECS services they were most of the build's
/// memory, whose pages the kernel zeroes: a fifth of its time). A step's text depends on the
/// step alone, its `depends_on` included; the order needs only the ids and dependencies
/// kept here, and is graph order itself for every plan aprc builds today, in which case the
/// parts written are the document. Otherwise [`Written::finish`] puts the texts in plan
/// order.
struct Written {
    writer: Writer,
    /// Whether this part's first step is the document's first (written without a comma).
    leads: bool,
    /// The texts of parts written apart and appended ([`Written::append`]), in order.
    later: Vec<String>,
    /// Where each step's text is in all the text, its opening line break excluded.
    spans: Vec<std::ops::Range<usize>>,
    ids: Vec<StepId>,
    /// Every step's dependencies, sorted and distinct, cut by `bounds` (which starts at 0).
    deps: Vec<StepId>,
    bounds: Vec<usize>,
}

impl Written {
    fn new(writer: Writer, leads: bool) -> Self {
        Written {
            writer,
            leads,
            later: Vec::new(),
            spans: Vec::new(),
            ids: Vec::new(),
            deps: Vec::new(),
            bounds: vec![0],
        }
    }

    /// Writes `step` after those written, keeps its id and dependencies, and frees it.
    fn push(&mut self, step: Step) {
        let from = self.deps.len();
        step.dependencies_into(&mut self.deps, StepId::clone);
        self.bounds.push(self.deps.len());
        self.writer.step_line(self.leads && self.ids.is_empty());
        let start = self.writer.text().len();
        self.writer
            .step(&step, self.deps.get(from..).unwrap_or_default());
        self.spans.push(start..self.writer.text().len());
        self.ids.push(step.id);
    }

    /// Appends the steps another part wrote (after this part's, in graph order), as a part
    /// of its own: not copied.
    fn append(&mut self, later: Written) {
        let written = self.writer.text().len() + self.later.iter().map(String::len).sum::<usize>();
        let mut text = later.writer.finish_part();
        // Its own appended parts, if it had any (the parts `emit_text` makes have none).
        later.later.iter().for_each(|part| text.push_str(part));
        // Written as if after a step: without one here, it opens the list, with no comma.
        let comma = self.leads && self.ids.is_empty() && text.starts_with(',');
        if comma {
            text.remove(0);
        }
        // Where the part's text starts in all the text, as its spans count it.
        let start = written - usize::from(comma);
        self.spans.extend(
            later
                .spans
                .into_iter()
                .map(|s| s.start + start..s.end + start),
        );
        self.later.push(text);
        let base = self.deps.len();
        self.bounds
            .extend(later.bounds.iter().skip(1).map(|b| b + base));
        self.deps.extend(later.deps);
        self.ids.extend(later.ids);
    }

    /// The document: the steps in plan order, then the outputs.
    fn finish(
        self,
        app: &str,
        region: &str,
        parameters: &J,
        outputs: &J,
    ) -> Result<Text, BackendError> {
        let order = order::topological(&self.ids, &self.deps, &self.bounds)?;
        let none = order.is_empty();
        if order.iter().enumerate().all(|(k, &i)| k == i) {
            if self.later.is_empty() {
                return Ok(Text::from(self.writer.tail(none, outputs)));
            }
            let mut parts = vec![self.writer.finish_part()];
            parts.extend(self.later);
            parts.push(Writer::for_steps(256).tail(none, outputs));
            return Ok(Text::from_parts(parts));
        }
        let mut text = self.writer.finish_part();
        self.later.iter().for_each(|part| text.push_str(part));
        let mut writer = Writer::with_capacity(text.len() + 64);
        writer.head(app, region, parameters);
        for (k, &i) in order.iter().enumerate() {
            writer.step_line(k == 0);
            let span = self.spans.get(i).cloned().unwrap_or_default();
            writer.push_text(text.get(span).unwrap_or_default());
        }
        Ok(Text::from(writer.tail(none, outputs)))
    }
}

/// The steps of the resources at positions `range` of the graph, in graph order, written
/// into `out` one resource at a time.
fn written_of(
    cx: &Cx,
    logged: &std::collections::BTreeSet<Id>,
    range: std::ops::Range<usize>,
    out: &mut Written,
) -> Result<(), Internal> {
    let mut steps = Vec::new();
    for (id, r) in cx.g.iter().skip(range.start).take(range.len()) {
        resource_steps(cx, logged, id, &r.props, &mut steps)?;
        steps.drain(..).for_each(|step| out.push(step));
    }
    Ok(())
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

/// Every step, resource by resource in graph order, with one placement of the plan's own: a
/// stage's access-log group is written by the stage, between CreateStage and the UpdateStage
/// that points the stage at it. First, when a stage logs or an ECS execution role writes log
/// streams, the lookup of the account id their log groups' ARNs are built with. [`emit`]
/// writes each as it is built instead (the tests compare its text with these steps written
/// by serde_json); the executor reads the lifecycles off them (`lifecycle.rs`).
fn build<'a>(cx: &Cx<'a>) -> Result<Vec<Step<'a>>, Internal> {
    let g = cx.g;
    let mut all = Vec::with_capacity(g.resources.len() * 2);
    if ids::needs_account(g) {
        all.push(api::account_lookup(cx));
    }
    let logged = logged(g);
    for (id, r) in g.iter() {
        resource_steps(cx, &logged, id, &r.props, &mut all)?;
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

/// The steps of resource `id`, into `out`; the log groups in `logged` are written by their
/// stages.
fn resource_steps<'a>(
    cx: &Cx<'a>,
    logged: &std::collections::BTreeSet<Id>,
    id: Id,
    props: &'a Props,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    match props {
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
    }
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
    use order::ordered;

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
        // Large enough for the steps to be built and written in parts on two threads.
        graphs.extend(crate::testing::large_graphs());
        for g in &graphs {
            let cx = Cx::new(g).expect("context");
            let steps = build(&cx).expect("steps");
            let ours = emit(g).expect("written");
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

    /// Steps `c` (after `b`), `a`, `b` (after `a`) and `d`, in this order.
    fn out_of_order() -> Vec<Step<'static>> {
        let step = |id: &str, after: &[&str]| {
            let mut step = Step::new(
                id.into(),
                "ec2",
                "CreateVpc",
                obj! { "Name" => id.to_string() },
            )
            .output("Out", "Vpc.VpcId");
            for a in after {
                step = step.after((*a).into());
            }
            step
        };
        vec![
            step("c", &["b"]),
            step("a", &[]),
            step("b", &["a"]),
            step("d", &[]),
        ]
    }

    /// serde_json's text of `steps` in plan order, with no parameters or outputs.
    fn reference_text(steps: &[Step]) -> String {
        let ordered = ordered(steps).expect("ordered");
        let none = J::map(Vec::new());
        reference::Document {
            app: "app",
            region: "eu-west-1",
            parameters: &none,
            steps,
            ordered: &ordered,
            outputs: &none,
        }
        .write()
    }

    /// Steps written in an order that is not the plan's (no plan aprc builds today has one:
    /// graph order is always a plan order) are put in plan order, each with its own text.
    #[test]
    fn steps_written_out_of_plan_order_are_put_in_plan_order() {
        let none = J::map(Vec::new());
        let mut all = Written::new(Writer::with_capacity(0), true);
        all.writer.head("app", "eu-west-1", &none);
        out_of_order().into_iter().for_each(|s| all.push(s));
        let ours = all
            .finish("app", "eu-west-1", &none, &none)
            .expect("written")
            .into_string();
        assert_eq!(ours, reference_text(&out_of_order()));
        assert!(ours.find("\"id\": \"a\"") < ours.find("\"id\": \"c\""));
    }

    /// A part written apart and appended reads as one pass would write it, also after a part
    /// with no steps at all (its first step then opens the list, without a comma), whether
    /// the steps are in plan order (the parts are then the document's, not joined) or not.
    #[test]
    fn appended_parts_read_as_one() {
        let none = J::map(Vec::new());
        let mut in_order = out_of_order();
        in_order.rotate_left(1);
        in_order.swap(2, 3);
        let ids: Vec<String> = in_order.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        for (steps, parts) in [(in_order, 3), (out_of_order(), 1)] {
            for cut in [0, 1, 2, 4] {
                let mut all = Written::new(Writer::with_capacity(0), true);
                all.writer.head("app", "eu-west-1", &none);
                let mut later = Written::new(Writer::for_steps(0), false);
                for (i, step) in steps.iter().cloned().enumerate() {
                    if i < cut {
                        all.push(step);
                    } else {
                        later.push(step);
                    }
                }
                all.append(later);
                let ours = all
                    .finish("app", "eu-west-1", &none, &none)
                    .expect("written");
                assert_eq!(ours.parts().count(), parts, "cut at {cut}");
                assert_eq!(ours.into_string(), reference_text(&steps), "cut at {cut}");
            }
            // A part that had a part appended to it, appended in turn.
            for (cut, cut2) in [(0, 0), (0, 2), (1, 3), (2, 4)] {
                let mut all = Written::new(Writer::with_capacity(0), true);
                all.writer.head("app", "eu-west-1", &none);
                let mut later = Written::new(Writer::for_steps(0), false);
                let mut last = Written::new(Writer::for_steps(0), false);
                for (i, step) in steps.iter().cloned().enumerate() {
                    match i {
                        i if i < cut => all.push(step),
                        i if i < cut2 => later.push(step),
                        _ => last.push(step),
                    }
                }
                later.append(last);
                all.append(later);
                let ours = all
                    .finish("app", "eu-west-1", &none, &none)
                    .expect("written");
                assert_eq!(
                    ours.into_string(),
                    reference_text(&steps),
                    "cut at {cut} and {cut2}"
                );
            }
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
                ids.iter().map(|(id, _)| &**id).collect();
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
