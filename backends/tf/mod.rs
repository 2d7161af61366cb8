//! The `tf` backend: the IR as one Terraform `main.tf` for the AWS provider 5.x.
//!
//! The file is built as an `hcl::Body` (never by concatenating HCL) in a fixed order that
//! reads top-down: `terraform` and `provider`, `variable`s, the availability-zone lookup,
//! then each network, service and api (one construct file each), then the `output`s.
//! hcl-rs formats it; [`layout::align`] adds the one thing `terraform fmt` does that hcl-rs
//! does not (aligned `=`), so `terraform fmt -check` finds nothing to change.
//!
//! Terraform resource names are the IR's `snake` names, prefixed by their owner where one
//! owner has several of a kind (`aws_api_gateway_method.public_any_proxy`). Two blocks that
//! would get the same address are refused (E0502) instead of emitting an invalid file.

mod api;
mod expr;
mod layout;
mod network;
mod service;
#[cfg(test)]
mod tests;

use super::BackendError;
use crate::diag::Code;
use crate::ir::{Ir, OutputValue, Vpc};
use expr::{attr, object, string};
use hcl::expr::{Expression, Variable};
use hcl::format::Format;
use hcl::{Block, Body};
use std::collections::BTreeSet;

/// Emits `main.tf`.
pub fn emit(ir: &Ir) -> Result<String, BackendError> {
    let mut out = Blocks::default();
    out.push(terraform_block());
    out.push(provider_block(ir));
    for param in &ir.params {
        let mut b = Block::builder("variable").add_label(param.name.as_str());
        b = b.add_attribute(("type", Expression::Variable(Variable::unchecked("string"))));
        if let Some(default) = &param.default {
            b = b.add_attribute(("default", string(default.as_str())));
        }
        out.push(b.build());
    }
    if ir
        .networks
        .iter()
        .any(|n| matches!(n.vpc, Vpc::Create { .. }))
    {
        // Created subnets pick their zone by index into the region's available zones.
        out.push(
            expr::data("aws_availability_zones", network::AZS)
                .add_attribute(("state", "available"))
                .build(),
        );
    }
    for net in &ir.networks {
        network::emit(ir, net, &mut out);
    }
    for svc in &ir.services {
        service::emit(ir, svc, &mut out);
    }
    for api in &ir.apis {
        api::emit(ir, api, &mut out);
    }
    for o in &ir.outputs {
        out.push(output_block(ir, o));
    }
    out.finish()
}

/// The blocks of the file in order, and the addresses already used.
#[derive(Default)]
pub(crate) struct Blocks {
    body: Vec<Block>,
    seen: BTreeSet<String>,
    collisions: Vec<String>,
}

impl Blocks {
    pub(crate) fn push(&mut self, block: Block) {
        let address = std::iter::once(block.identifier().to_string())
            .chain(block.labels().iter().map(|l| l.as_str().to_string()))
            .collect::<Vec<_>>()
            .join(".");
        if !self.seen.insert(address.clone()) {
            self.collisions.push(address);
        }
        self.body.push(block);
    }

    fn finish(self) -> Result<String, BackendError> {
        if let Some(first) = self.collisions.first() {
            return Err(BackendError {
                code: Code::E0502,
                message: format!(
                    "two Terraform blocks would both be `{first}` (Terraform names join owner and member with `_`); rename one of the declarations involved"
                ),
            });
        }
        let body: Body = Body::builder().add_blocks(self.body).build();
        // Lists on one line (`[a, b]`) and bare keys where HCL allows them: both are what
        // people write and what `terraform fmt` keeps.
        let mut formatter = hcl::format::Formatter::builder()
            .compact_arrays(true)
            .prefer_ident_keys(true)
            .build_vec();
        let text = body
            .format_string(&mut formatter)
            .map_err(|e| BackendError {
                code: Code::E0502,
                message: format!("cannot format the Terraform output: {e}"),
            })?;
        Ok(layout::align(&text))
    }
}

fn terraform_block() -> Block {
    let aws = object([
        ("source".to_string(), string("hashicorp/aws")),
        ("version".to_string(), string(">= 5.0")),
    ]);
    Block::builder("terraform")
        .add_block(
            Block::builder("required_providers")
                .add_attribute(("aws", aws))
                .build(),
        )
        .build()
}

fn provider_block(ir: &Ir) -> Block {
    // Provider arguments may use variables (known at plan time), so a tag value holding a
    // param is `var.x` or a template here as anywhere else.
    let tags = expr::text_map(&ir.app.tags);
    Block::builder("provider")
        .add_label("aws")
        .add_attribute(("region", string(ir.app.region.as_str())))
        .add_block(expr::block("default_tags", vec![("tags", tags)]))
        .build()
}

fn output_block(ir: &Ir, o: &crate::ir::Output) -> Block {
    let value = match &o.value {
        OutputValue::InvokeUrl(api) => {
            attr("aws_api_gateway_stage", &api_snake(ir, api), "invoke_url")
        }
        OutputValue::ApiKeyId(api) => attr("aws_api_gateway_api_key", &api_snake(ir, api), "id"),
        OutputValue::ServiceArn(svc) => {
            attr("aws_apprunner_service", &service_snake(ir, svc), "arn")
        }
        OutputValue::ServiceUrl(svc) => attr(
            "aws_apprunner_service",
            &service_snake(ir, svc),
            "service_url",
        ),
        OutputValue::IngressDomain(svc) => attr(
            "aws_apprunner_vpc_ingress_connection",
            &service_snake(ir, svc),
            "domain_name",
        ),
    };
    Block::builder("output")
        .add_label(o.snake.as_str())
        .add_attribute(("description", string(o.description.as_str())))
        .add_attribute(("value", value))
        .build()
}

// The IR refers to entities by spec name; these give their Terraform names. Lowering
// guarantees the entity exists; if it did not, the shared name rule still yields the name
// lowering would have given, and `terraform validate` reports the dangling reference.

pub(crate) fn network_snake(ir: &Ir, spec: &str) -> String {
    ir.networks
        .iter()
        .find(|n| n.names.spec == spec)
        .map(|n| n.names.snake.clone())
        .unwrap_or_else(|| crate::names::snake(spec))
}

pub(crate) fn service_snake(ir: &Ir, spec: &str) -> String {
    ir.services
        .iter()
        .find(|s| s.names.spec == spec)
        .map(|s| s.names.snake.clone())
        .unwrap_or_else(|| crate::names::snake(spec))
}

pub(crate) fn api_snake(ir: &Ir, spec: &str) -> String {
    ir.apis
        .iter()
        .find(|a| a.names.spec == spec)
        .map(|a| a.names.snake.clone())
        .unwrap_or_else(|| crate::names::snake(spec))
}
