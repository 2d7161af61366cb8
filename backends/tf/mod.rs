//! The `tf` backend: the IR as one Terraform `main.tf` for the AWS provider 5.x.
//!
//! The file is built with hcl-rs in a fixed order that reads top-down: `terraform` and
//! `provider`, `variable`s, the availability-zone lookup, then each network, service and api
//! (one construct file each), then the `output`s. Construct files make every block,
//! attribute and expression as an hcl-rs value ([`doc`], [`expr`]); [`format::Formatter`]
//! writes those values exactly as `terraform fmt` lays them out (aligned `=` included), one
//! top-level block at a time, so no HCL is ever written by concatenating fragments.
//!
//! Why our own formatter over hcl-rs's: hcl-rs's cannot align `=`, so its output needed a
//! second pass over the text; one pass that lays out and aligns is cheaper and simpler. What
//! it writes is checked against hcl-rs's formatter plus that pass in the unit tests.
//!
//! Cost, at 1,000 services: ~110M instructions, most of them allocating and freeing hcl-rs's
//! nodes (every identifier and string is its own `String`). Writing straight from the IR
//! took ~54M; hcl-rs's formatter plus the re-alignment pass, with a whole-file `Body`, ~360M.
//!
//! Terraform resource names are the IR's `snake` names, prefixed by their owner where one
//! owner has several of a kind (`aws_api_gateway_method.public_any_proxy`). Two blocks that
//! would get the same address are refused (E0502) instead of emitting an invalid file.

mod api;
mod doc;
mod expr;
mod format;
#[cfg(test)]
mod format_tests;
#[cfg(test)]
mod layout;
mod network;
mod quote;
mod service;
#[cfg(test)]
mod tests;

use super::BackendError;
use crate::diag::Code;
use crate::ir::{Ir, OutputValue};
use doc::{BodyExt, Doc};
use expr::{attr, keyword, string, text};
use std::borrow::Cow;

/// Emits `main.tf`.
pub fn emit(ir: &Ir) -> Result<String, BackendError> {
    // About 3 KB per service and per route on the benchmark; growing costs little anyway.
    let routes: usize = ir.apis.iter().map(|a| a.methods.len()).sum();
    let mut w = Doc::with_capacity(4096 + 3072 * (ir.services.len() + routes));
    terraform_block(&mut w);
    provider_block(ir, &mut w);
    for param in &ir.params {
        w.block("variable", &[&param.name], |w| {
            w.attr("type", keyword("string"));
            if let Some(default) = &param.default {
                w.attr("default", string(default));
            }
        });
    }
    network::zone_sources(ir, &mut w);
    for net in &ir.networks {
        network::emit(ir, net, &mut w);
    }
    for svc in &ir.services {
        service::emit(ir, svc, &mut w);
    }
    if let Some(role) = &ir.logs_role {
        api::emit_logs_role(role, &mut w);
    }
    for api in &ir.apis {
        api::emit(ir, api, &mut w);
    }
    for o in &ir.outputs {
        output_block(ir, o, &mut w);
    }
    w.finish().map_err(|first| BackendError {
        code: Code::E0502,
        message: format!(
            "two Terraform blocks would both be `{first}` (Terraform names join owner and member with `_`); rename one of the declarations involved"
        ),
    })
}

/// The AWS provider versions the output is written for: every argument it uses exists from
/// 5.30.0 on, and it is tested with 5.100.0; 6.0 changes defaults it relies on.
pub const PROVIDER_VERSION: &str = ">= 5.30.0, < 6.0.0";

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

fn provider_block(ir: &Ir, w: &mut Doc) {
    // Provider arguments may use variables (known at plan time), so a tag value holding a
    // param is `var.x` or a template here as anywhere else.
    w.block("provider", &["aws"], |w| {
        w.attr("region", string(&ir.app.region));
        w.block("default_tags", &[], |w| {
            w.map("tags", ir.app.tags.iter().map(|(k, v)| (k, text(v))));
        });
    });
}

fn output_block(ir: &Ir, o: &crate::ir::Output, w: &mut Doc) {
    let (kind, name, attribute) = match &o.value {
        OutputValue::InvokeUrl(api) => ("aws_api_gateway_stage", api_snake(ir, api), "invoke_url"),
        OutputValue::ApiKeyId(api) => ("aws_api_gateway_api_key", api_snake(ir, api), "id"),
        OutputValue::ServiceArn(svc) => ("aws_apprunner_service", service_snake(ir, svc), "arn"),
        OutputValue::ServiceUrl(svc) => (
            "aws_apprunner_service",
            service_snake(ir, svc),
            "service_url",
        ),
        OutputValue::IngressDomain(svc) => (
            "aws_apprunner_vpc_ingress_connection",
            service_snake(ir, svc),
            "domain_name",
        ),
    };
    w.block("output", &[&o.snake], |w| {
        w.attr("description", string(&o.description));
        w.attr("value", attr(kind, &name, attribute).into());
    });
}

// The IR refers to entities by spec name; these give their Terraform names. Lowering
// guarantees the entity exists; if it did not, the shared name rule still yields the name
// lowering would have given, and `terraform validate` reports the dangling reference.

pub(crate) fn network_snake<'a>(ir: &'a Ir, spec: &str) -> Cow<'a, str> {
    match crate::ir::by_spec(&ir.networks, spec, |n| &n.names.spec) {
        Some(n) => Cow::Borrowed(&n.names.snake),
        None => Cow::Owned(crate::names::snake(spec)),
    }
}

pub(crate) fn service_snake<'a>(ir: &'a Ir, spec: &str) -> Cow<'a, str> {
    match crate::ir::by_spec(&ir.services, spec, |s| &s.names.spec) {
        Some(s) => Cow::Borrowed(&s.names.snake),
        None => Cow::Owned(crate::names::snake(spec)),
    }
}

pub(crate) fn api_snake<'a>(ir: &'a Ir, spec: &str) -> Cow<'a, str> {
    match crate::ir::by_spec(&ir.apis, spec, |a| &a.names.spec) {
        Some(a) => Cow::Borrowed(&a.names.snake),
        None => Cow::Owned(crate::names::snake(spec)),
    }
}
