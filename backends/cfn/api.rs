//! One REST API: the resource tree, a method with an `HTTP_PROXY` integration per route, the
//! deployment, the stage (tracing, throttling, access log), and with `auth = api_key` the
//! key, usage plan and their association.
//!
//! The deployment's logical id ends with the IR's route hash: CloudFormation only creates a
//! new deployment when the logical id changes, so any route change goes live (spec 6.6).

use super::intrinsics::{escape_sub, get_att, ref_, sub, text};
use super::network::vpc_link_id;
use super::{network, BackendError, Template};
use crate::ir::{Api, ApiMethod, Connection, Ir, LogsRole};
use serde_json::{json, Map, Value};

/// How many hex digits of the route hash name the deployment.
const HASH_DIGITS: usize = 12;

pub fn emit(t: &mut Template, ir: &Ir, api: &Api) -> Result<(), BackendError> {
    let p = &api.names.pascal;
    let api_id = format!("{p}Api");
    t.add(
        &api_id,
        "AWS::ApiGateway::RestApi",
        json!({
            "Name": api.names.physical,
            "EndpointConfiguration": { "Types": ["REGIONAL"] },
            "Tags": t.tags,
        }),
    )?;
    // `None` is the API's root; an index must name one of the api's resources.
    let resource_ref = |index: Option<usize>| -> Result<Value, BackendError> {
        match index {
            None => Ok(get_att(&api_id, "RootResourceId")),
            Some(i) => match api.resources.get(i) {
                Some(r) => Ok(ref_(&format!("{p}{}Resource", r.pascal))),
                None => Err(super::internal(format!(
                    "api `{}` refers to resource #{i}, which it does not have",
                    api.names.spec
                ))),
            },
        }
    };
    for r in &api.resources {
        t.add(
            &format!("{p}{}Resource", r.pascal),
            "AWS::ApiGateway::Resource",
            json!({
                "RestApiId": ref_(&api_id),
                "ParentId": resource_ref(r.parent)?,
                "PathPart": r.path_part,
            }),
        )?;
    }
    let mut method_ids = Vec::new();
    for m in &api.methods {
        let id = format!("{p}{}Method", m.pascal);
        let mut props = Map::new();
        props.insert("RestApiId".into(), ref_(&api_id));
        props.insert("ResourceId".into(), resource_ref(m.resource)?);
        props.insert("HttpMethod".into(), json!(m.http_method));
        props.insert(
            "AuthorizationType".into(),
            json!(api.auth.authorization_type()),
        );
        props.insert("ApiKeyRequired".into(), json!(api.auth.api_key_required()));
        if !m.path_params.is_empty() {
            let params: Map<String, Value> = m
                .request_parameters()
                .map(|name| (name, json!(true)))
                .collect();
            props.insert("RequestParameters".into(), Value::Object(params));
        }
        props.insert("Integration".into(), integration(ir, api, m)?);
        t.add(&id, "AWS::ApiGateway::Method", Value::Object(props))?;
        method_ids.push(id);
    }

    let hash: String = api
        .deployment_hash
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(HASH_DIGITS)
        .collect();
    let deployment_id = format!("{p}Deployment{hash}");
    t.add_after(
        &deployment_id,
        "AWS::ApiGateway::Deployment",
        json!({ "RestApiId": ref_(&api_id), "Description": format!("routes {hash}") }),
        method_ids,
    )?;

    let mut stage = Map::new();
    stage.insert("RestApiId".into(), ref_(&api_id));
    stage.insert("DeploymentId".into(), ref_(&deployment_id));
    stage.insert("StageName".into(), text(&api.stage));
    stage.insert("TracingEnabled".into(), json!(api.tracing));
    if let Some(throttle) = &api.throttle {
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
    if let Some(log) = &api.access_log {
        let log_id = format!("{p}AccessLogGroup");
        t.add_log_group(&log_id, json!({ "LogGroupName": log.log_group_name, "RetentionInDays": log.retention_days, "Tags": t.tags }))?;
        stage.insert(
            "AccessLogSetting".into(),
            json!({
                // The group's ARN without the `:*` that its `Arn` attribute carries.
                "DestinationArn": sub(format!(
                    "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{log_id}}}"
                )),
                "Format": log.format,
            }),
        );
    }
    stage.insert("Tags".into(), t.tags.clone());
    // A stage that logs needs the account's logging role set first (spec section 8).
    let after = if api.access_log.is_some() {
        vec![LOGS_ACCOUNT_ID.to_string()]
    } else {
        Vec::new()
    };
    t.add_after(
        &format!("{p}Stage"),
        "AWS::ApiGateway::Stage",
        Value::Object(stage),
        after,
    )?;

    if let Some(key) = &api.api_key {
        t.add(
            &format!("{p}ApiKey"),
            "AWS::ApiGateway::ApiKey",
            json!({ "Name": key.key_name, "Enabled": true, "Tags": t.tags }),
        )?;
        let mut plan = Map::new();
        plan.insert("UsagePlanName".into(), json!(key.usage_plan_name));
        // The stage's Ref is its name, and makes the plan wait for the stage.
        plan.insert(
            "ApiStages".into(),
            json!([{ "ApiId": ref_(&api_id), "Stage": ref_(&format!("{p}Stage")) }]),
        );
        if let Some(throttle) = &api.throttle {
            plan.insert(
                "Throttle".into(),
                json!({ "RateLimit": number(throttle.rate), "BurstLimit": throttle.burst }),
            );
        }
        plan.insert("Tags".into(), t.tags.clone());
        t.add(
            &format!("{p}UsagePlan"),
            "AWS::ApiGateway::UsagePlan",
            Value::Object(plan),
        )?;
        t.add(
            &format!("{p}UsagePlanKey"),
            "AWS::ApiGateway::UsagePlanKey",
            json!({
                "KeyId": ref_(&format!("{p}ApiKey")),
                "KeyType": "API_KEY",
                "UsagePlanId": ref_(&format!("{p}UsagePlan")),
            }),
        )?;
    }
    Ok(())
}

/// Logical ids of the account's logging role and setting.
const LOGS_ROLE_ID: &str = "ApiGatewayLogsRole";
const LOGS_ACCOUNT_ID: &str = "ApiGatewayAccount";

/// The account's API Gateway logging role and the account setting that names it, both
/// `Retain`ed: the setting is account-wide and other apis may log through the role, so
/// deleting the stack leaves them (spec section 8). The role has no name of its own: a stack
/// of the same app created again makes a new one instead of meeting the kept one's name.
pub fn emit_logs_role(t: &mut Template, role: &LogsRole) -> Result<(), BackendError> {
    t.add_resource(
        LOGS_ROLE_ID,
        json!({
            "Type": "AWS::IAM::Role",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
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
            },
        }),
    )?;
    t.add_resource(
        LOGS_ACCOUNT_ID,
        json!({
            "Type": "AWS::ApiGateway::Account",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": { "CloudWatchRoleArn": get_att(LOGS_ROLE_ID, "Arn") },
        }),
    )
}

/// The `HTTP_PROXY` integration of one method: through the network's VPC link to the target's
/// ingress connection domain, or over the internet to a public service's URL; every path
/// variable mapped from the method request.
fn integration(ir: &Ir, api: &Api, m: &ApiMethod) -> Result<Value, BackendError> {
    let integ = &m.integration;
    let Some(target) = ir.services.iter().find(|s| s.names.spec == integ.service) else {
        return Err(super::internal(format!(
            "route {} {} targets service `{}`, which the IR does not hold",
            m.http_method, m.path, integ.service
        )));
    };
    let sp = &target.names.pascal;
    let mut out = Map::new();
    out.insert("Type".into(), json!("HTTP_PROXY"));
    out.insert("IntegrationHttpMethod".into(), json!(integ.http_method));
    match &integ.connection {
        Connection::VpcLink { network: name } => {
            let net = network(ir, name, &format!("api `{}`", api.names.spec))?;
            out.insert("ConnectionType".into(), json!("VPC_LINK"));
            out.insert("ConnectionId".into(), ref_(&vpc_link_id(net)));
            out.insert(
                "Uri".into(),
                uri(
                    &format!("{sp}IngressConnection.DomainName"),
                    &integ.target_path,
                ),
            );
        }
        Connection::Internet => {
            out.insert("ConnectionType".into(), json!("INTERNET"));
            out.insert(
                "Uri".into(),
                uri(&format!("{sp}Service.ServiceUrl"), &integ.target_path),
            );
        }
    }
    if !integ.path_mappings.is_empty() {
        let params: Map<String, Value> = integ
            .request_parameters()
            .map(|(to, from)| (to, json!(from)))
            .collect();
        out.insert("RequestParameters".into(), Value::Object(params));
    }
    Ok(Value::Object(out))
}

/// `https://<host attribute><target path>` as one `Fn::Sub` (cfn-lint prefers it to an
/// `Fn::Join` with an empty delimiter). Path variables (`{proxy}`) carry no `$`, so API
/// Gateway, not CloudFormation, substitutes them.
fn uri(host_attribute: &str, target_path: &str) -> Value {
    sub(format!(
        "https://${{{host_attribute}}}{}",
        escape_sub(target_path)
    ))
}

/// A rate as JSON: a whole number without a fraction (`100`, not `100.0`).
fn number(rate: f64) -> Value {
    if rate.fract() == 0.0 && rate.abs() < 1e15 {
        json!(rate as i64)
    } else {
        json!(rate)
    }
}
