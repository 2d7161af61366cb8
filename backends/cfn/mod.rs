//! The `cfn` backend: the IR as one CloudFormation JSON template.
//!
//! The template is region-agnostic (pseudo parameters, `Fn::GetAZs`) and names no IAM role,
//! so it deploys with `CAPABILITY_IAM` alone. This module owns the template skeleton, the
//! logical-id namespace (a collision is an error, never a silent overwrite), parameters,
//! outputs and CloudFormation's quotas; each construct has its own module: `network`
//! (VPC to VPC link), `eni_lookup` (the custom resource that finds the endpoint's ENI IPs),
//! `service` (App Runner) and `api` (API Gateway).
//!
//! Resources are inserted in the IR's order (sorted by spec name), and serde_json keeps
//! insertion order, so the bytes depend only on the IR.

mod api;
mod eni_lookup;
pub mod intrinsics;
mod network;
mod service;

use super::BackendError;
use crate::diag::Code;
use crate::ir::{Ir, Network, OutputValue, Vpc, Zones};
use intrinsics::{get_att, param_id, ref_, sub};
use serde_json::{json, Map, Value};

/// CloudFormation's per-stack quotas.
pub const MAX_RESOURCES: usize = 500;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_OUTPUTS: usize = 200;
/// Template body size through S3 (`--s3-bucket`), in bytes.
pub const MAX_BODY_BYTES: usize = 1_048_576;
/// `TemplateBody` passed inline (`aws cloudformation deploy` without `--s3-bucket`).
pub const MAX_INLINE_BODY_BYTES: usize = 51_200;

pub fn emit(ir: &Ir) -> Result<String, BackendError> {
    let mut t = Template::new(ir);
    for param in &ir.params {
        let mut p = Map::new();
        p.insert("Type".into(), json!("String"));
        p.insert(
            "Description".into(),
            json!(format!("aprc param `{}`", param.name)),
        );
        if let Some(default) = &param.default {
            p.insert("Default".into(), json!(default));
        }
        let id = param_id(&param.name);
        if id.is_empty() {
            return Err(BackendError {
                code: Code::E0502,
                message: format!(
                    "param `{}` has no letter or digit, so it has no CloudFormation parameter id; rename it",
                    param.name
                ),
            });
        }
        t.add_param(id, Value::Object(p))?;
    }
    if ir.networks.iter().any(|n| {
        n.link.is_some()
            || matches!(
                n.vpc,
                Vpc::Create {
                    zones: Zones::EndpointService { .. },
                    ..
                }
            )
    }) {
        eni_lookup::emit_function(&mut t)?;
    }
    for net in &ir.networks {
        network::emit(&mut t, net)?;
    }
    for svc in &ir.services {
        service::emit(&mut t, ir, svc)?;
    }
    if let Some(role) = &ir.logs_role {
        api::emit_logs_role(&mut t, role)?;
    }
    for api in &ir.apis {
        api::emit(&mut t, ir, api)?;
    }
    for out in &ir.outputs {
        let value = output_value(ir, &out.value)?;
        let valid = !out.pascal.is_empty() && out.pascal.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid || t.outputs.contains_key(&out.pascal) {
            return Err(BackendError {
                code: Code::E0502,
                message: format!(
                    "two outputs, or an invalid one, would get the CloudFormation output id `{}`",
                    out.pascal
                ),
            });
        }
        t.outputs.insert(
            out.pascal.clone(),
            json!({ "Description": out.description, "Value": value }),
        );
    }
    t.finish()
}

/// The template being built, and the app facts every construct needs.
pub(crate) struct Template {
    parameters: Map<String, Value>,
    resources: Map<String, Value>,
    outputs: Map<String, Value>,
    app: String,
    /// The app's tags as a CloudFormation tag list.
    pub tags: Value,
}

impl Template {
    fn new(ir: &Ir) -> Self {
        Template {
            parameters: Map::new(),
            resources: Map::new(),
            outputs: Map::new(),
            app: ir.app.name.clone(),
            tags: intrinsics::tags(&ir.app.tags),
        }
    }

    /// Parameters and resources share one logical-id namespace, of 1-255 letters and digits.
    fn claim(&self, id: &str) -> Result<(), BackendError> {
        if id.is_empty() || id.len() > 255 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(BackendError {
                code: Code::E0502,
                message: format!(
                    "`{id}` is not a valid CloudFormation logical id (1-255 letters and digits); \
                     rename the declaration it comes from"
                ),
            });
        }
        if self.parameters.contains_key(id) || self.resources.contains_key(id) {
            return Err(BackendError {
                code: Code::E0502,
                message: format!("two entities would both get the CloudFormation logical id `{id}`; rename one of them"),
            });
        }
        Ok(())
    }

    fn add_param(&mut self, id: String, param: Value) -> Result<(), BackendError> {
        self.claim(&id)?;
        self.parameters.insert(id, param);
        Ok(())
    }

    /// Adds a resource of type `ty` with `properties`.
    pub fn add(&mut self, id: &str, ty: &str, properties: Value) -> Result<(), BackendError> {
        self.add_resource(id, json!({ "Type": ty, "Properties": properties }))
    }

    /// Adds a resource that must wait for `depends_on`, which its properties do not reference
    /// (no `DependsOn` at all when it is empty).
    pub fn add_after(
        &mut self,
        id: &str,
        ty: &str,
        properties: Value,
        depends_on: Vec<String>,
    ) -> Result<(), BackendError> {
        if depends_on.is_empty() {
            return self.add(id, ty, properties);
        }
        self.add_resource(
            id,
            json!({ "Type": ty, "DependsOn": depends_on, "Properties": properties }),
        )
    }

    /// Adds a log group that goes with the stack, explicitly: the access log group has a fixed
    /// name, so a retained group would make the next stack of the same app fail to create it.
    pub fn add_log_group(&mut self, id: &str, properties: Value) -> Result<(), BackendError> {
        self.add_resource(
            id,
            json!({
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Properties": properties,
            }),
        )
    }

    pub fn add_resource(&mut self, id: &str, resource: Value) -> Result<(), BackendError> {
        self.claim(id)?;
        self.resources.insert(id.to_string(), resource);
        Ok(())
    }

    /// Checks the quotas, then renders: pretty JSON, two-space indent, trailing newline.
    fn finish(self) -> Result<String, BackendError> {
        check_quota("resources", self.resources.len(), MAX_RESOURCES)?;
        check_quota("parameters", self.parameters.len(), MAX_PARAMETERS)?;
        check_quota("outputs", self.outputs.len(), MAX_OUTPUTS)?;
        let mut doc = Map::new();
        doc.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
        doc.insert(
            "Description".into(),
            json!(format!(
                "{}: private App Runner services behind API Gateway (generated by aprc)",
                self.app
            )),
        );
        if !self.parameters.is_empty() {
            doc.insert("Parameters".into(), Value::Object(self.parameters));
        }
        doc.insert("Resources".into(), Value::Object(self.resources));
        if !self.outputs.is_empty() {
            doc.insert("Outputs".into(), Value::Object(self.outputs));
        }
        let doc = Value::Object(doc);
        let render = |pretty: bool| {
            let text = if pretty {
                serde_json::to_string_pretty(&doc)
            } else {
                serde_json::to_string(&doc)
            };
            text.map(|t| t + "\n")
                .map_err(|e| internal(format!("cannot render the template: {e}")))
        };
        // Readable when it fits the inline limit of `aws cloudformation deploy`; compact when
        // only that keeps the template deployable without an S3 bucket.
        let mut body = render(true)?;
        if body.len() > MAX_INLINE_BODY_BYTES {
            body = render(false)?;
        }
        check_quota("template body bytes", body.len(), MAX_BODY_BYTES)?;
        Ok(body)
    }
}

/// An IR that breaks one of its own invariants (lowering's bug, not the user's). The backend
/// refuses to emit a dangling reference rather than panic; no code fits better than the
/// backend's own.
pub(crate) fn internal(message: String) -> BackendError {
    BackendError {
        code: Code::E0601,
        message: format!("internal error: {message}"),
    }
}

fn check_quota(what: &str, count: usize, max: usize) -> Result<(), BackendError> {
    if count > max {
        return Err(BackendError {
            code: Code::E0601,
            message: format!(
                "the template would have {count} {what}, over CloudFormation's quota of {max} per stack; \
                 split the application into several specs"
            ),
        });
    }
    Ok(())
}

/// The network named `spec`, or an error naming what referred to it (lowering guarantees it
/// exists; the backend still refuses to emit a dangling reference).
pub(crate) fn network<'a>(ir: &'a Ir, spec: &str, user: &str) -> Result<&'a Network, BackendError> {
    ir.networks
        .iter()
        .find(|n| n.names.spec == spec)
        .ok_or_else(|| {
            internal(format!(
                "{user} refers to network `{spec}`, which the IR does not hold"
            ))
        })
}

fn pascal_of<'a>(
    items: impl IntoIterator<Item = &'a crate::ir::Names>,
    spec: &str,
    what: &str,
) -> Result<String, BackendError> {
    items
        .into_iter()
        .find(|n| n.spec == spec)
        .map(|n| n.pascal.clone())
        .ok_or_else(|| {
            internal(format!(
                "an output refers to {what} `{spec}`, which the IR does not hold"
            ))
        })
}

fn output_value(ir: &Ir, value: &OutputValue) -> Result<Value, BackendError> {
    let services = || ir.services.iter().map(|s| &s.names);
    let apis = || ir.apis.iter().map(|a| &a.names);
    Ok(match value {
        OutputValue::InvokeUrl(api) => {
            let p = pascal_of(apis(), api, "api")?;
            // The stage's Ref is its name, and referring to it waits for the stage to exist.
            sub(format!("https://${{{p}Api}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/${{{p}Stage}}"))
        }
        OutputValue::ApiKeyId(api) => ref_(&format!("{}ApiKey", pascal_of(apis(), api, "api")?)),
        OutputValue::ServiceArn(svc) => get_att(
            &format!("{}Service", pascal_of(services(), svc, "service")?),
            "ServiceArn",
        ),
        OutputValue::ServiceUrl(svc) => get_att(
            &format!("{}Service", pascal_of(services(), svc, "service")?),
            "ServiceUrl",
        ),
        OutputValue::IngressDomain(svc) => get_att(
            &format!(
                "{}IngressConnection",
                pascal_of(services(), svc, "service")?
            ),
            "DomainName",
        ),
    })
}

#[cfg(test)]
mod tests;
