//! The `tf` backend: the IR as one Terraform `main.tf` for the AWS provider 5.x.
//!
//! The file is built with hcl-rs in a fixed order that reads top-down: `terraform` and
//! `provider`, `variable`s, the availability-zone lookup, then each network, service and api
//! (one construct file each), then the `output`s. A module ([`Layout::Module`]) has the
//! region lookup where a root has its `provider`, and tags its resources itself ([`tags`]).
//! Construct files make every block, attribute and expression as an hcl-rs value ([`doc`],
//! [`expr`]); [`format::Formatter`] writes those values exactly as `terraform fmt` lays them
//! out (aligned `=` included), one top-level block at a time, so no HCL is ever written by
//! concatenating fragments.
//!
//! Why our own formatter over hcl-rs's: hcl-rs's cannot align `=`, so its output needed a
//! second pass over the text; one pass that lays out and aligns is cheaper and simpler. What
//! it writes is checked against hcl-rs's formatter plus that pass in the unit tests.
//!
//! Cost, at 1,000 services: ~110M instructions, most of them allocating and freeing hcl-rs's
//! nodes (every identifier and string is its own `String`). Writing straight from the IR
//! took ~54M; hcl-rs's formatter plus the re-alignment pass, with a whole-file `Body`, ~360M.
//!
//! Each resource of the graph is written by its kind's spelling (`network.rs`, `service.rs`,
//! `ecs.rs`, `api.rs`), in graph order; names and references come from `cx.rs`. Two blocks with one
//! address are found by the check before a build ([`addresses`]); should a build still meet
//! one, it is an internal error (E0901), never an invalid file.

mod api;
mod cx;
mod doc;
mod ecs;
mod expr;
mod format;
#[cfg(test)]
mod format_tests;
#[cfg(test)]
mod layout;
#[cfg(test)]
mod module_tests;
mod network;
mod quote;
mod service;
mod tags;
#[cfg(test)]
mod tests;

use super::{BackendError, Text};
use crate::ir::{Graph, Internal, OutputValue, Props};
use cx::Cx;
use doc::{BodyExt, Doc};
use expr::{keyword, string};

pub use cx::addresses;

/// What the file is to Terraform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// A root module: it configures the AWS provider for the app's region, and tags every
    /// resource through the provider's `default_tags`.
    #[default]
    Root,
    /// A child module (`--tf-module`), called from a root that configures the provider: no
    /// `provider` block, the region read from `data "aws_region"`, the tags on each resource.
    Module,
}

/// Emits `main.tf`.
pub fn emit(g: &Graph, layout: Layout) -> Result<String, BackendError> {
    emit_text(g, layout).map(Text::into_string)
}

/// `main.tf` in the parts it was written in: the header, the resources (in parts, which a
/// large graph writes on two threads) and the outputs.
pub fn emit_text(g: &Graph, layout: Layout) -> Result<Text, BackendError> {
    let cx = Cx::new(g, layout).map_err(BackendError::internal)?;
    let mut w = Doc::with_capacity(4096);
    terraform_block(&mut w);
    match layout {
        Layout::Root => provider_block(g, &mut w),
        Layout::Module => {
            w.data("aws_region", cx::REGION, |_| {});
            w.tag_resources(tags::app_tags(g));
        }
    }
    for param in &g.params {
        w.block("variable", &[&param.name], |w| {
            w.attr("type", keyword("string"));
            if let Some(default) = &param.default {
                w.attr("default", string(default));
            }
        });
    }
    resources(&cx, &mut w).map_err(BackendError::internal)?;
    for o in &g.outputs {
        output_block(&cx, o, &mut w).map_err(BackendError::internal)?;
    }
    w.finish().map_err(|first| {
        BackendError::internal(Internal(format!(
            "two Terraform blocks would both be `{first}`, which the check should have refused"
        )))
    })
}

/// Every resource by its kind's spelling, in graph order: consecutive parts written into
/// sibling files, on two threads for a large graph ([`crate::threads::chunked`]), and
/// appended in order (the same text: each resource's blocks depend on the resource and the
/// graph alone).
fn resources(cx: &Cx, w: &mut Doc) -> Result<(), Internal> {
    let template = w.sibling(0);
    let parts = crate::threads::chunked(cx.g.resources.len(), |range| {
        // About 500 bytes per resource (7.5 MB for 1,000 ECS services' 16,000).
        let mut doc = template.sibling(1024 + 640 * range.len());
        resources_in(cx, range, &mut doc).map(|()| doc)
    })?;
    // The first error in graph order, as one pass writing them all would meet it.
    for part in parts {
        w.append(part?);
    }
    Ok(())
}

/// The resources at positions `range` of the graph, into `w`. The endpoint's interface
/// lookup is written with the target group's attachments, which read it by `count.index`.
fn resources_in(cx: &Cx, range: std::ops::Range<usize>, w: &mut Doc) -> Result<(), Internal> {
    for (id, r) in cx.g.iter().skip(range.start).take(range.len()) {
        match &r.props {
            Props::RegionZones(z) => network::region_zones(cx, id, z, w),
            Props::ServiceZones(z) => network::service_zones(cx, id, z, w),
            Props::Vpc(v) => network::vpc(cx, id, v, w),
            Props::Subnet(s) => network::subnet(cx, id, s, w),
            Props::SecurityGroup(sg) => network::security_group(cx, id, sg, w),
            Props::SgRule(rule) => network::sg_rule(cx, id, rule, w),
            Props::VpcEndpoint(e) => network::endpoint(cx, id, e, w),
            Props::EndpointEnis(_) => Ok(()),
            Props::LoadBalancer(lb) => network::load_balancer(cx, id, lb, w),
            Props::TargetGroup(tg) => network::target_group(cx, id, tg, w),
            Props::Listener(l) => network::listener(cx, id, l, w),
            Props::VpcLink(link) => network::vpc_link(cx, id, link, w),
            Props::VpcConnector(c) => network::connector(cx, id, c, w),
            Props::InternetGateway(igw) => network::internet_gateway(cx, id, igw, w),
            Props::RouteTable(t) => network::route_table(cx, id, t, w),
            Props::Route(route) => network::route(cx, id, route, w),
            Props::RouteTableAssociation(a) => network::route_table_association(cx, id, a, w),
            Props::ElasticIp(ip) => network::elastic_ip(cx, id, ip, w),
            Props::NatGateway(nat) => network::nat_gateway(cx, id, nat, w),
            Props::Cluster(c) => ecs::cluster(cx, id, c, w),
            Props::TaskDefinition(t) => ecs::task_definition(cx, id, t, w),
            Props::EcsService(s) => ecs::service(cx, id, s, w),
            Props::ScalableTarget(t) => ecs::scalable_target(cx, id, t, w),
            Props::ScalingPolicy(p) => ecs::scaling_policy(cx, id, p, w),
            Props::Role(role) => service::role(cx, id, role, w),
            Props::AutoScaling(a) => service::autoscaling(cx, id, a, w),
            Props::Observability(o) => service::observability(cx, id, o, w),
            Props::AppRunnerService(s) => service::service(cx, id, s, w),
            Props::IngressConnection(c) => service::ingress(cx, id, c, w),
            Props::LogsRole(role) => api::logs_role(cx, id, role, w),
            Props::ApiAccount(a) => api::account(cx, id, a, w),
            Props::RestApi(a) => api::rest_api(cx, id, a, w),
            Props::ApiResource(res) => api::resource(cx, id, res, w),
            Props::Method(m) => api::method(cx, id, m, w),
            Props::Deployment(d) => api::deployment(cx, id, d, w),
            Props::LogGroup(l) => api::log_group(cx, id, l, w),
            Props::Stage(s) => api::stage(cx, id, s, w),
            Props::ApiKey(k) => api::api_key(cx, id, k, w),
            Props::UsagePlan(p) => api::usage_plan(cx, id, p, w),
            Props::UsagePlanKey(k) => api::usage_plan_key(cx, id, k, w),
        }?;
    }
    Ok(())
}

/// The AWS provider versions the output is written for: every argument it uses exists from
/// 5.30.0 on, and it is tested with 5.100.0; 6.0 changes defaults it relies on.
pub const PROVIDER_VERSION: &str = ">= 5.30.0, < 6.0.0";

/// Written by a module too: a module states the provider it needs, and the root's `init`
/// checks every module's constraint.
fn terraform_block(w: &mut Doc) {
    w.block("terraform", &[], |w| {
        w.block("required_providers", &[], |w| {
            w.map(
                "aws",
                [
                    ("source", string("hashicorp/aws")),
                    // 5.30 added `enforce_security_group_inbound_rules_on_private_link_traffic`
                    // (the newest argument used); 6.0 is an untested major version.
                    ("version", string(PROVIDER_VERSION)),
                ],
            );
        });
    });
}

fn provider_block(g: &Graph, w: &mut Doc) {
    // Provider arguments may use variables (known at plan time), so a tag value holding a
    // param is `var.x` or a template here as anywhere else.
    w.block("provider", &["aws"], |w| {
        w.attr("region", string(&g.app.region));
        w.block("default_tags", &[], |w| {
            w.attr("tags", tags::app_tags(g));
        });
    });
}

fn output_block(cx: &Cx, o: &crate::ir::Output, w: &mut Doc) -> Result<(), Internal> {
    let value = match o.value {
        OutputValue::InvokeUrl(stage) => cx.attr(stage, "invoke_url")?,
        OutputValue::ApiKeyId(key) => cx.attr(key, "id")?,
        OutputValue::EcsServiceArn(service) => cx.attr(service, "id")?,
        OutputValue::ServiceArn(service) => cx.attr(service, "arn")?,
        OutputValue::ServiceUrl(service) => cx.attr(service, "service_url")?,
        OutputValue::IngressDomain(conn) => cx.attr(conn, "domain_name")?,
    };
    w.block("output", &[&o.snake], |w| {
        w.attr("description", string(&o.description));
        w.attr("value", value.into());
    });
    Ok(())
}
