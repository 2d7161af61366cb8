//! Api kinds as CloudFormation resources: the REST API, the resource tree, a method with its
//! `HTTP_PROXY` integration per route (to App Runner or to an ECS service's listener), the
//! deployment, the access-log group, the stage (tracing, throttling, access log), the api key
//! with its usage plan and their association, and the account's API Gateway logging role
//! with the account setting.
//!
//! The deployment's logical id ends with the graph's identity of what the stage serves:
//! CloudFormation only creates a new deployment when the logical id changes, so any change
//! goes live (spec 6.6 and 8).

use super::cx::{id, internal, Cx, HASH_DIGITS};
use super::intrinsics::{escape_sub, number, sub, text};
use super::{BackendError, Template};
use crate::ir::{
    ApiAccount, ApiKey, ApiResource, Connection, Deployment, Host, Id, LogGroup, LogsRole, Method,
    Ref, RestApi, Stage, UsagePlan, UsagePlanKey,
};
use serde_json::{json, Map, Value};

pub fn rest_api(cx: &Cx, t: &mut Template, me: Id, api: &RestApi) -> Result<(), BackendError> {
    let props = json!({
        "Name": api.physical,
        "EndpointConfiguration": { "Types": [api.endpoint_type] },
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::ApiGateway::RestApi", props)
}

/// A resource of the tree, or the api's root.
fn resource_ref(
    cx: &Cx,
    api: Ref<RestApi>,
    resource: Option<Ref<ApiResource>>,
) -> Result<Value, BackendError> {
    match resource {
        Some(r) => cx.ref_(r).map_err(internal),
        None => cx.att(api, "RootResourceId").map_err(internal),
    }
}

pub fn resource(cx: &Cx, t: &mut Template, me: Id, res: &ApiResource) -> Result<(), BackendError> {
    let props = json!({
        "RestApiId": cx.ref_(res.api).map_err(internal)?,
        "ParentId": resource_ref(cx, res.api, res.parent)?,
        "PathPart": res.path_part,
    });
    t.add(id(cx, me)?, "AWS::ApiGateway::Resource", props)
}

pub fn method(cx: &Cx, t: &mut Template, me: Id, m: &Method) -> Result<(), BackendError> {
    let mut props = Map::new();
    props.insert("RestApiId".into(), cx.ref_(m.api).map_err(internal)?);
    props.insert("ResourceId".into(), resource_ref(cx, m.api, m.resource)?);
    props.insert("HttpMethod".into(), json!(m.http_method));
    props.insert("AuthorizationType".into(), json!(m.authorization_type));
    props.insert("ApiKeyRequired".into(), json!(m.api_key_required));
    if !m.request_parameters.is_empty() {
        let params: Map<String, Value> = m
            .request_parameters
            .iter()
            .map(|name| (name.clone(), json!(true)))
            .collect();
        props.insert("RequestParameters".into(), Value::Object(params));
    }
    props.insert("Integration".into(), integration(cx, m)?);
    // An ECS service's route is served once its listener exists, which its URI (the load
    // balancer's DNS name) does not wait for.
    let mut after = Vec::new();
    if let Host::Listener { listener, .. } = m.integration.host {
        cx.g.get(listener).map_err(internal)?;
        after.push(id(cx, listener.id)?.to_string());
    }
    t.add_after(
        id(cx, me)?,
        "AWS::ApiGateway::Method",
        Value::Object(props),
        after,
    )
}

/// The `HTTP_PROXY` integration of one method: through the network's VPC link to the target's
/// ingress connection domain or, for an ECS service, to its listener's port on the load
/// balancer (plain HTTP: the listener passes TCP through); or over the internet to a public
/// service's URL. Every path variable mapped from the method request.
fn integration(cx: &Cx, m: &Method) -> Result<Value, BackendError> {
    let i = &m.integration;
    let mut out = Map::new();
    out.insert("Type".into(), json!(i.integration_type));
    out.insert("IntegrationHttpMethod".into(), json!(i.http_method));
    out.insert("ConnectionType".into(), json!(i.connection.as_aws()));
    if let Connection::VpcLink(link) = i.connection {
        out.insert("ConnectionId".into(), cx.ref_(link).map_err(internal)?);
    }
    let host = match i.host {
        Host::IngressDomain(conn) => {
            cx.g.get(conn).map_err(internal)?;
            format!("${{{}.DomainName}}", id(cx, conn.id)?)
        }
        Host::ServiceUrl(service) => {
            cx.g.get(service).map_err(internal)?;
            format!("${{{}.ServiceUrl}}", id(cx, service.id)?)
        }
        Host::Listener {
            load_balancer,
            listener,
            port,
        } => {
            cx.g.get(load_balancer).map_err(internal)?;
            cx.g.get(listener).map_err(internal)?;
            format!("${{{}.DNSName}}:{port}", id(cx, load_balancer.id)?)
        }
    };
    out.insert("Uri".into(), uri(i.host.scheme(), &host, &i.target_path));
    if !i.request_parameters.is_empty() {
        let params: Map<String, Value> = i
            .request_parameters
            .iter()
            .map(|(to, from)| (to.clone(), json!(from)))
            .collect();
        out.insert("RequestParameters".into(), Value::Object(params));
    }
    Ok(Value::Object(out))
}

/// `<scheme>://<host><target path>` as one `Fn::Sub` (cfn-lint prefers it to an `Fn::Join`
/// with an empty delimiter); `host` is already in `Fn::Sub` syntax, an attribute and maybe a
/// port (`${CoreNlb.DNSName}:10000`). Path variables (`{proxy}`) carry no `$`, so API
/// Gateway, not CloudFormation, substitutes them.
fn uri(scheme: &str, host: &str, target_path: &str) -> Value {
    sub(format!("{scheme}://{host}{}", escape_sub(target_path)))
}

/// After every method (with its integration): a deployment of fewer would serve less.
pub fn deployment(cx: &Cx, t: &mut Template, me: Id, d: &Deployment) -> Result<(), BackendError> {
    let hash: String = d
        .identity
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(HASH_DIGITS)
        .collect();
    let methods = d
        .methods
        .iter()
        .map(|m| {
            cx.g.get(*m).map_err(internal)?;
            id(cx, m.id).map(str::to_string)
        })
        .collect::<Result<Vec<_>, _>>()?;
    t.add_after(
        id(cx, me)?,
        "AWS::ApiGateway::Deployment",
        json!({ "RestApiId": cx.ref_(d.api).map_err(internal)?, "Description": format!("routes {hash}") }),
        methods,
    )
}

/// A log group that goes with the stack (see [`Template::add_log_group`]): an api's access
/// log, or an ECS service's container log.
pub fn log_group(cx: &Cx, t: &mut Template, me: Id, log: &LogGroup) -> Result<(), BackendError> {
    let props = json!({
        "LogGroupName": log.name,
        "RetentionInDays": log.retention_days,
        "Tags": t.tags,
    });
    t.add_log_group(id(cx, me)?, props)
}

pub fn stage(cx: &Cx, t: &mut Template, me: Id, s: &Stage) -> Result<(), BackendError> {
    let mut stage = Map::new();
    stage.insert("RestApiId".into(), cx.ref_(s.api).map_err(internal)?);
    stage.insert(
        "DeploymentId".into(),
        cx.ref_(s.deployment).map_err(internal)?,
    );
    stage.insert("StageName".into(), text(&s.name));
    stage.insert("TracingEnabled".into(), json!(s.tracing));
    if let Some(throttle) = &s.throttle {
        stage.insert(
            "MethodSettings".into(),
            json!([{
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "ThrottlingRateLimit": number(throttle.rate),
                "ThrottlingBurstLimit": throttle.burst,
            }]),
        );
    }
    let mut after = Vec::new();
    if let Some(log) = &s.access_log {
        cx.g.get(log.group).map_err(internal)?;
        let group = id(cx, log.group.id)?;
        stage.insert(
            "AccessLogSetting".into(),
            json!({
                // The group's ARN without the `:*` that its `Arn` attribute carries.
                "DestinationArn": sub(format!(
                    "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{group}}}"
                )),
                "Format": log.format,
            }),
        );
        // A stage that logs needs the account's logging role set first (spec section 8).
        cx.g.get(log.account).map_err(internal)?;
        after.push(id(cx, log.account.id)?.to_string());
    }
    stage.insert("Tags".into(), t.tags.clone());
    t.add_after(
        id(cx, me)?,
        "AWS::ApiGateway::Stage",
        Value::Object(stage),
        after,
    )
}

pub fn api_key(cx: &Cx, t: &mut Template, me: Id, key: &ApiKey) -> Result<(), BackendError> {
    let props = json!({ "Name": key.name, "Enabled": key.enabled, "Tags": t.tags });
    t.add(id(cx, me)?, "AWS::ApiGateway::ApiKey", props)
}

pub fn usage_plan(cx: &Cx, t: &mut Template, me: Id, plan: &UsagePlan) -> Result<(), BackendError> {
    let mut props = Map::new();
    props.insert("UsagePlanName".into(), json!(plan.name));
    // The stage's Ref is its name, and makes the plan wait for the stage.
    props.insert(
        "ApiStages".into(),
        json!([{
            "ApiId": cx.ref_(plan.api).map_err(internal)?,
            "Stage": cx.ref_(plan.stage).map_err(internal)?,
        }]),
    );
    if let Some(throttle) = &plan.throttle {
        props.insert(
            "Throttle".into(),
            json!({ "RateLimit": number(throttle.rate), "BurstLimit": throttle.burst }),
        );
    }
    props.insert("Tags".into(), t.tags.clone());
    t.add(
        id(cx, me)?,
        "AWS::ApiGateway::UsagePlan",
        Value::Object(props),
    )
}

pub fn usage_plan_key(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    k: &UsagePlanKey,
) -> Result<(), BackendError> {
    let props = json!({
        "KeyId": cx.ref_(k.key).map_err(internal)?,
        "KeyType": k.key_type,
        "UsagePlanId": cx.ref_(k.plan).map_err(internal)?,
    });
    t.add(id(cx, me)?, "AWS::ApiGateway::UsagePlanKey", props)
}

/// The account's API Gateway logging role, `Retain`ed: the account setting that names it is
/// account-wide and other apis may log through it, so deleting the stack leaves it (spec
/// section 8). It has no name of its own: a stack of the same app created again makes a new
/// one instead of meeting the kept one's name.
pub fn logs_role(cx: &Cx, t: &mut Template, me: Id, role: &LogsRole) -> Result<(), BackendError> {
    let retain = cx.g.resource(me).map_err(internal)?.retain;
    let mut resource = Map::new();
    resource.insert("Type".into(), json!("AWS::IAM::Role"));
    if retain {
        resource.insert("DeletionPolicy".into(), json!("Retain"));
        resource.insert("UpdateReplacePolicy".into(), json!("Retain"));
    }
    resource.insert(
        "Properties".into(),
        json!({
            "Description": role.description,
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": { "Service": role.principal },
                    "Action": "sts:AssumeRole",
                }],
            },
            "ManagedPolicyArns": [sub(format!(
                "arn:${{AWS::Partition}}:iam::aws:policy/{}",
                role.managed_policy
            ))],
            "Tags": t.tags,
        }),
    );
    t.add_resource(id(cx, me)?, Value::Object(resource))
}

/// The account setting, kept with its role.
pub fn account(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    account: &ApiAccount,
) -> Result<(), BackendError> {
    let retain = cx.g.resource(me).map_err(internal)?.retain;
    let mut resource = Map::new();
    resource.insert("Type".into(), json!("AWS::ApiGateway::Account"));
    if retain {
        resource.insert("DeletionPolicy".into(), json!("Retain"));
        resource.insert("UpdateReplacePolicy".into(), json!("Retain"));
    }
    resource.insert(
        "Properties".into(),
        json!({ "CloudWatchRoleArn": cx.att(account.role, "Arn").map_err(internal)? }),
    );
    t.add_resource(id(cx, me)?, Value::Object(resource))
}
