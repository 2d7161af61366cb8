//! The `plan` backend: the IR as a JSON document of AWS API calls (spec section 7) that any
//! SDK can run step by step, and undo by running each step's `delete` in reverse order.
//!
//! This file owns the document. Steps are built per entity (`network.rs`, `service.rs`,
//! `api.rs`) in IR order with ids from `ids.rs`, their inputs as the plan's own light JSON
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
mod ids;
mod json;
mod network;
mod order;
mod service;
mod steps;
mod write;

use super::BackendError;
use crate::ir::{Ir, OutputValue, Vpc, Zones};
use crate::scratch::Scratch;
use json::{obj, Key, J};
use order::ordered;
use std::rc::Rc;
use steps::Step;

pub use ids::kind;

/// The plan format's version (spec section 8): 2 added a wait's own `outputs` and the
/// `{"object": ..}` escape of literal objects shaped like a form.
pub const VERSION: u32 = 2;

pub fn emit(ir: &Ir) -> Result<String, BackendError> {
    emit_with(ir, Scratch::Free)
}

/// [`emit`], disposing of the steps as `scratch` says once they are written.
pub fn emit_with(ir: &Ir, scratch: Scratch) -> Result<String, BackendError> {
    let steps = build(ir);
    let text = write(ir, &steps);
    scratch.dispose(steps);
    text
}

fn write(ir: &Ir, steps: &[Step]) -> Result<String, BackendError> {
    let ordered = ordered(steps)?;
    let parameters = ir
        .params
        .iter()
        .map(|p| {
            let mut decl = obj! { "type" => "string" };
            if let Some(default) = &p.default {
                decl.push("default", default);
            }
            (Key::from(p.name.as_str()), decl)
        })
        .collect();
    let parameters = J::map(parameters);
    let outputs = outputs(ir);
    // About 1.2 kB per step: reserving it up front saves copying a growing 8 MB buffer.
    let mut writer = write::Writer::with_capacity(1024 + steps.len() * 1200);
    let (app, region) = (&ir.app.name, &ir.app.region);
    writer.document(app, region, &parameters, steps, &ordered, &outputs);
    Ok(writer.finish())
}

/// Every step in IR order: app-wide lookups, networks, services, apis.
fn build(ir: &Ir) -> Vec<Step<'_>> {
    // How many zones of each source some created network uses.
    let needed = |region: bool| {
        ir.networks
            .iter()
            .filter_map(|n| match &n.vpc {
                Vpc::Create { subnets, zones, .. } if matches!(zones, Zones::Region) == region => {
                    subnets.iter().map(|s| s.zone_index + 1).max()
                }
                _ => None,
            })
            .max()
            .unwrap_or(0)
    };
    let endpoint_service = ir.networks.iter().find_map(|n| match &n.vpc {
        Vpc::Create {
            zones: Zones::EndpointService { suffix },
            ..
        } => Some(suffix.as_str()),
        _ => None,
    });
    let account = ir.apis.iter().any(|a| a.access_log.is_some());
    let zones = network::Zones {
        region: needed(true),
        endpoint_service: endpoint_service.map(|s| (s, needed(false))),
    };
    let mut all = network::app_steps(&ir.app, &zones, account);
    // Room for every step up front (a service makes up to seven, an api three per route and
    // a few more): one allocation instead of a doubling series of copies.
    let per_api: usize = ir
        .apis
        .iter()
        .map(|a| a.resources.len() + 2 * a.methods.len() + 12)
        .sum();
    all.reserve(ir.services.len() * 7 + per_api);
    for net in &ir.networks {
        network::steps(&ir.app, net, &mut all);
    }
    // The same tags go on every service's calls: built once, shared.
    let tags = J::Shared(Rc::new(steps::tag_list(&ir.app.tags)));
    for service in &ir.services {
        service::steps(ir, service, &tags, &mut all);
    }
    if let Some(role) = &ir.logs_role {
        api::logs_role_steps(&ir.app, role, &mut all);
    }
    for api in &ir.apis {
        api::steps(&ir.app, api, &mut all);
    }
    all
}

/// Outputs per `ir.outputs`: refs into recorded responses, never an api key's value.
fn outputs(ir: &Ir) -> J<'_> {
    let mut out = Vec::with_capacity(ir.outputs.len());
    for output in &ir.outputs {
        let value = match &output.value {
            OutputValue::InvokeUrl(api) => match ir.apis.iter().find(|a| &a.names.spec == api) {
                Some(api) => api::invoke_url(&ir.app, api),
                None => continue,
            },
            OutputValue::ApiKeyId(api) => api::api_key_id(api),
            OutputValue::ServiceArn(service) => service::service_arn(service),
            // The host name as App Runner gives it, like the other targets' outputs.
            OutputValue::ServiceUrl(service) => service::service_url(service),
            OutputValue::IngressDomain(service) => service::ingress_domain(service),
        };
        out.push((Key::from(output.snake.as_str()), value));
    }
    J::map(out)
}
