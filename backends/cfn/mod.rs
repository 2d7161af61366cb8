//! The `cfn` backend: the IR as one CloudFormation JSON template.
//!
//! The template is region-agnostic (pseudo parameters, `Fn::GetAZs`) and names no IAM role,
//! so it deploys with `CAPABILITY_IAM` alone. This module owns the template skeleton, the
//! logical-id namespace (a collision is an error, never a silent overwrite), parameters,
//! outputs and CloudFormation's quotas; each construct has its own module: `network`
//! (VPC to VPC link), `routing` (internet and NAT gateways, route tables), `eni_lookup` (the
//! custom resource that finds the endpoint's ENI IPs), `service` (App Runner, and the IAM
//! roles), `ecs` (ECS Fargate) and `api` (API Gateway).
//!
//! Resources are inserted in the IR's order (sorted by spec name), and serde_json keeps
//! insertion order, so the bytes depend only on the IR.

mod api;
mod cx;
mod ecs;
mod eni_lookup;
pub mod intrinsics;
mod network;
mod routing;
mod service;

use super::BackendError;
use crate::diag::Code;
use crate::ir::{Graph, Internal, OutputValue, Props};
use cx::Cx;
use intrinsics::{param_id, sub};
use serde_json::{json, Map, Value};

pub use cx::{logical_ids, valid as valid_logical_id};

/// CloudFormation's per-stack quotas.
pub const MAX_RESOURCES: usize = 500;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_OUTPUTS: usize = 200;
/// Template body size through S3 (`--s3-bucket`), in bytes.
pub const MAX_BODY_BYTES: usize = 1_048_576;
/// `TemplateBody` passed inline (`aws cloudformation deploy` without `--s3-bucket`).
pub const MAX_INLINE_BODY_BYTES: usize = 51_200;

pub fn emit(g: &Graph) -> Result<String, BackendError> {
    let cx = Cx::new(g).map_err(BackendError::internal)?;
    let mut t = Template::new(g);
    for param in &g.params {
        let mut p = Map::new();
        p.insert("Type".into(), json!("String"));
        p.insert(
            "Description".into(),
            json!(format!("aprc param `{}`", param.name)),
        );
        if let Some(default) = &param.default {
            p.insert("Default".into(), json!(default));
        }
        t.add_param(param_id(&param.name), Value::Object(p))?;
    }
    if eni_lookup::needed(g) {
        eni_lookup::emit_function(&mut t)?;
    }
    for (id, r) in g.iter() {
        let t = &mut t;
        match &r.props {
            // `Fn::GetAZs` where a subnet needs a zone: no resource.
            Props::RegionZones(_) => Ok(()),
            Props::ServiceZones(z) => eni_lookup::zones(&cx, t, id, z),
            Props::Vpc(v) => network::vpc(&cx, t, id, v),
            Props::Subnet(s) => network::subnet(&cx, t, id, s),
            Props::SecurityGroup(sg) => network::security_group(&cx, t, id, sg),
            Props::SgRule(rule) => network::sg_rule(&cx, t, id, rule),
            Props::VpcEndpoint(e) => network::endpoint(&cx, t, id, e),
            Props::EndpointEnis(e) => eni_lookup::enis(&cx, t, id, e),
            Props::LoadBalancer(lb) => network::load_balancer(&cx, t, id, lb),
            Props::TargetGroup(tg) => network::target_group(&cx, t, id, tg),
            Props::Listener(l) => network::listener(&cx, t, id, l),
            Props::VpcLink(link) => network::vpc_link(&cx, t, id, link),
            Props::VpcConnector(c) => network::connector(&cx, t, id, c),
            Props::Role(role) => service::role(&cx, t, id, role),
            Props::AutoScaling(a) => service::autoscaling(&cx, t, id, a),
            Props::Observability(o) => service::observability(&cx, t, id, o),
            Props::AppRunnerService(s) => service::service(&cx, t, id, s),
            Props::IngressConnection(c) => service::ingress(&cx, t, id, c),
            Props::LogsRole(role) => api::logs_role(&cx, t, id, role),
            Props::ApiAccount(a) => api::account(&cx, t, id, a),
            Props::RestApi(a) => api::rest_api(&cx, t, id, a),
            Props::ApiResource(res) => api::resource(&cx, t, id, res),
            Props::Method(m) => api::method(&cx, t, id, m),
            Props::Deployment(d) => api::deployment(&cx, t, id, d),
            Props::LogGroup(l) => api::log_group(&cx, t, id, l),
            Props::Stage(s) => api::stage(&cx, t, id, s),
            Props::ApiKey(k) => api::api_key(&cx, t, id, k),
            Props::UsagePlan(p) => api::usage_plan(&cx, t, id, p),
            Props::UsagePlanKey(k) => api::usage_plan_key(&cx, t, id, k),
            Props::InternetGateway(gw) => routing::internet_gateway(&cx, t, id, gw),
            Props::RouteTable(table) => routing::route_table(&cx, t, id, table),
            Props::Route(route) => routing::route(&cx, t, id, route),
            Props::RouteTableAssociation(a) => routing::association(&cx, t, id, a),
            Props::ElasticIp(eip) => routing::elastic_ip(&cx, t, id, eip),
            Props::NatGateway(nat) => routing::nat_gateway(&cx, t, id, nat),
            Props::Cluster(c) => ecs::cluster(&cx, t, id, c),
            Props::TaskDefinition(td) => ecs::task_definition(&cx, t, id, td),
            Props::EcsService(s) => ecs::service(&cx, t, id, s),
            Props::ScalableTarget(st) => ecs::scalable_target(&cx, t, id, st),
            Props::ScalingPolicy(p) => ecs::scaling_policy(&cx, t, id, p),
        }?;
    }
    for out in &g.outputs {
        let value = output_value(&cx, out.value).map_err(BackendError::internal)?;
        if !cx::valid(&out.pascal) || t.outputs.contains_key(&out.pascal) {
            return Err(BackendError::internal(Internal(format!(
                "two outputs, or an invalid one, would get the CloudFormation output id `{}`, which the check should have refused",
                out.pascal
            ))));
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
    /// What the services run on, for the description.
    compute: &'static str,
    /// The app's tags as a CloudFormation tag list.
    pub tags: Value,
}

impl Template {
    fn new(g: &Graph) -> Self {
        Template {
            parameters: Map::new(),
            resources: Map::new(),
            outputs: Map::new(),
            app: g.app.name.clone(),
            compute: compute(g),
            tags: intrinsics::tags(&g.app.tags),
        }
    }

    /// Parameters and resources share one logical-id namespace, of 1-255 letters and digits.
    /// The check refuses a spec that would break that (E0502); meeting it here is a bug.
    fn claim(&self, id: &str) -> Result<(), BackendError> {
        if !cx::valid(id) {
            return Err(BackendError::internal(Internal(format!(
                "`{id}` is not a valid CloudFormation logical id, which the check should have refused"
            ))));
        }
        if self.parameters.contains_key(id) || self.resources.contains_key(id) {
            return Err(BackendError::internal(Internal(format!(
                "two entities would both get the CloudFormation logical id `{id}`, which the check should have refused"
            ))));
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
                "{}: private {} services behind API Gateway (generated by aprc)",
                self.app, self.compute
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
            text.map(|t| t + "\n").map_err(|e| {
                BackendError::internal(Internal(format!("cannot render the template: {e}")))
            })
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

/// `App Runner`, `ECS Fargate`, or both, as the app's services run.
fn compute(g: &Graph) -> &'static str {
    let ecs = g.all::<crate::ir::EcsService>().next().is_some();
    let app_runner = g.all::<crate::ir::AppRunnerService>().next().is_some();
    match (app_runner, ecs) {
        (true, true) => "App Runner and ECS Fargate",
        (false, true) => "ECS Fargate",
        _ => "App Runner",
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

/// `https://<REST API id>.execute-api.<region>.<URL suffix>/` in an `Fn::Sub` template: an
/// api's URL up to its stage name.
pub(crate) fn api_url_base(
    cx: &Cx,
    api: crate::ir::Ref<crate::ir::RestApi>,
) -> Result<String, Internal> {
    cx.g.get(api)?;
    Ok(format!(
        "https://${{{}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/",
        cx.id(api.id)?
    ))
}

fn output_value(cx: &Cx, value: OutputValue) -> Result<Value, Internal> {
    Ok(match value {
        OutputValue::InvokeUrl(stage) => {
            let s = cx.g.get(stage)?;
            // The stage's Ref is its name, and referring to it waits for the stage to exist.
            sub(format!(
                "{}${{{}}}",
                api_url_base(cx, s.api)?,
                cx.id(stage.id)?
            ))
        }
        OutputValue::ApiKeyId(key) => cx.ref_(key)?,
        OutputValue::EcsServiceArn(service) => cx.ref_(service)?,
        OutputValue::ServiceArn(service) => cx.att(service, "ServiceArn")?,
        OutputValue::ServiceUrl(service) => cx.att(service, "ServiceUrl")?,
        OutputValue::IngressDomain(conn) => cx.att(conn, "DomainName")?,
    })
}

#[cfg(test)]
mod ecs_tests;
#[cfg(test)]
mod tests;
