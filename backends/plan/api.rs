//! Api kinds as API calls: the REST API, its resource tree (parents first, the root from
//! CreateRestApi's `rootResourceId`), one method and one HTTP_PROXY integration per route
//! with every path variable declared and mapped (trap 5), the deployment after every
//! integration (trap 6: the plan deploys what it just wrote), the stage and its settings
//! (which CreateStage cannot take), the access-log group, the api key with its usage plan,
//! and the account's API Gateway logging role with the account setting that names it.

use super::cx::Cx;
use super::ids::{id, id_n, kind};
use super::json::{arr, obj, Key, StepId, J};
use super::service::trust_policy;
use super::steps::{dns_suffix, join, partition, reference, tag_map, text, Step};
use crate::ir::{
    ApiAccount, ApiKey, ApiResource, Connection, Deployment, Host, Id, Internal, LogGroup,
    LogsRole, Method, Ref, RestApi, Stage, UsagePlan, UsagePlanKey,
};
use crate::text::Text;

/// `https://<rest api id>.execute-api.<region>.<suffix>/<stage>`; the stage may hold params.
pub fn invoke_url<'a>(cx: &Cx<'a>, stage: Ref<Stage>) -> Result<J<'a>, Internal> {
    let s = cx.g.get(stage)?;
    api_url(cx, s.api, &s.name)
}

/// `https://<REST API id>.execute-api.<region>.<DNS suffix>/<stage name>`: the REST API's id
/// as its step returns it, nothing of the stage but its name.
pub fn api_url<'a>(cx: &Cx<'a>, api: Ref<RestApi>, stage: &'a Text) -> Result<J<'a>, Internal> {
    let region = &cx.g.app.region;
    Ok(join(vec![
        J::from("https://"),
        cx.out(api, "RestApiId")?,
        J::from(format!(".execute-api.{region}.{}/", dns_suffix(region))),
        text(stage),
    ]))
}

pub fn rest_api<'a>(
    cx: &Cx<'a>,
    me: Id,
    api: &'a RestApi,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "name" => &api.physical,
        "endpointConfiguration" => obj! { "types" => arr![api.endpoint_type] },
        "tags" => tag_map(&cx.g.app.tags),
    };
    let step = Step::new(cx.step(me)?, "apigateway", "CreateRestApi", input)
        .output("RestApiId", "id")
        .output("RootResourceId", "rootResourceId");
    let delete = obj! { "restApiId" => step.out("RestApiId") };
    out.push(step.delete("DeleteRestApi", delete));
    Ok(())
}

/// A resource's id, or the api's root resource's.
fn resource_id<'a>(
    cx: &Cx<'a>,
    api: Ref<RestApi>,
    resource: Option<Ref<ApiResource>>,
) -> Result<J<'a>, Internal> {
    match resource {
        Some(r) => cx.out(r, "ResourceId"),
        None => cx.out(api, "RootResourceId"),
    }
}

pub fn resource<'a>(
    cx: &Cx<'a>,
    me: Id,
    res: &'a ApiResource,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let rest_api_id = cx.out(res.api, "RestApiId")?;
    let input = obj! {
        "restApiId" => rest_api_id.clone(),
        "parentId" => resource_id(cx, res.api, res.parent)?,
        "pathPart" => &res.path_part,
    };
    let step =
        Step::new(cx.step(me)?, "apigateway", "CreateResource", input).output("ResourceId", "id");
    let delete = obj! { "restApiId" => rest_api_id, "resourceId" => step.out("ResourceId") };
    out.push(step.delete("DeleteResource", delete));
    Ok(())
}

/// The step that puts a method's integration: a deployment runs after every one.
pub fn integration_step(cx: &Cx, method: Ref<Method>) -> Result<StepId, Internal> {
    let m = cx.g.get(method)?;
    Ok(id_n(
        &cx.g.owner(method.id)?.names.spec,
        "integration",
        m.index,
    ))
}

/// PutMethod, then PutIntegration.
pub fn method<'a>(
    cx: &Cx<'a>,
    me: Id,
    m: &'a Method,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let rest_api_id = cx.out(m.api, "RestApiId")?;
    let resource = resource_id(cx, m.api, m.resource)?;
    // The method's key, which every call on it starts with; `room` for the keys a call
    // adds, so the object is allocated once (a thousand routes make it count).
    let target = |room: usize| {
        let mut target = J::Obj(Vec::with_capacity(3 + room));
        target.push("restApiId", rest_api_id.clone());
        target.push("resourceId", resource.clone());
        target.push("httpMethod", &m.http_method);
        target
    };
    let mut input = target(3);
    input.push("authorizationType", m.authorization_type);
    input.push("apiKeyRequired", m.api_key_required);
    if !m.request_parameters.is_empty() {
        let params = m
            .request_parameters
            .iter()
            .map(|name| (Key::from(name.as_str()), J::Bool(true)))
            .collect();
        input.push("requestParameters", J::map(params));
    }
    let method_step = cx.step(me)?;
    out.push(
        Step::new(method_step.clone(), "apigateway", "PutMethod", input)
            .delete("DeleteMethod", target(0)),
    );
    let i = &m.integration;
    let mut input = target(6);
    input.push("type", i.integration_type);
    input.push("integrationHttpMethod", &i.http_method);
    // The scheme as a literal the join merges with what follows.
    let scheme = match i.host.scheme() {
        "http" => "http://",
        _ => "https://",
    };
    let mut listener = None;
    let uri = match i.host {
        Host::IngressDomain(conn) => vec![
            J::from(scheme),
            cx.out(conn, "DomainName")?,
            J::from(&i.target_path),
        ],
        Host::ServiceUrl(service) => vec![
            J::from(scheme),
            cx.out(service, "ServiceUrl")?,
            J::from(&i.target_path),
        ],
        // `http://<load balancer DNS name>:<port><target path>`, once the listener exists.
        Host::Listener {
            load_balancer,
            listener: l,
            port,
        } => {
            cx.g.get(l)?;
            listener = Some(cx.step(l.id)?);
            vec![
                J::from(scheme),
                cx.out(load_balancer, "DNSName")?,
                J::from(format!(":{port}{}", i.target_path)),
            ]
        }
    };
    input.push("uri", join(uri));
    input.push("connectionType", i.connection.as_aws());
    if let Connection::VpcLink(link) = i.connection {
        input.push("connectionId", cx.out(link, "VpcLinkId")?);
    }
    if !i.request_parameters.is_empty() {
        let params = i
            .request_parameters
            .iter()
            .map(|(to, from)| (Key::from(to.as_str()), J::from(from)))
            .collect();
        input.push("requestParameters", J::map(params));
    }
    let mut step = Step::new(
        id_n(&cx.g.owner(me)?.names.spec, "integration", m.index),
        "apigateway",
        "PutIntegration",
        input,
    )
    .after(method_step);
    if let Some(listener) = listener {
        step = step.after(listener);
    }
    out.push(step.delete("DeleteIntegration", target(0)));
    Ok(())
}

pub fn deployment<'a>(
    cx: &Cx<'a>,
    me: Id,
    d: &'a Deployment,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let rest_api_id = cx.out(d.api, "RestApiId")?;
    let input = obj! {
        "restApiId" => rest_api_id.clone(),
        "description" => format!("aprc routes {}", d.identity),
    };
    let mut step = Step::new(cx.step(me)?, "apigateway", "CreateDeployment", input)
        .output("DeploymentId", "id");
    step.after = d
        .methods
        .iter()
        .map(|m| integration_step(cx, *m))
        .collect::<Result<_, _>>()?;
    let delete = obj! {
        "restApiId" => rest_api_id,
        "deploymentId" => step.out("DeploymentId"),
    };
    out.push(step.delete("DeleteDeployment", delete));
    Ok(())
}

/// CreateLogGroup, then its retention.
pub fn log_group<'a>(
    cx: &Cx<'a>,
    me: Id,
    log: &'a LogGroup,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! { "logGroupName" => &log.name, "tags" => tag_map(&cx.g.app.tags) };
    let group = Step::new(cx.step(me)?, "logs", "CreateLogGroup", input);
    let group_id = group.id.clone();
    out.push(group.delete("DeleteLogGroup", obj! { "logGroupName" => &log.name }));
    let input = obj! {
        "logGroupName" => &log.name,
        "retentionInDays" => log.retention_days,
    };
    out.push(
        Step::new(retention_step(cx, me)?, "logs", "PutRetentionPolicy", input)
            .after(group_id)
            .delete(
                "DeleteRetentionPolicy",
                obj! { "logGroupName" => &log.name },
            ),
    );
    Ok(())
}

fn retention_step(cx: &Cx, group: Id) -> Result<StepId, Internal> {
    Ok(id(
        &cx.g.owner(group)?.names.spec,
        super::ids::log_kinds(cx.g, group)?.1,
    ))
}

/// CreateStage; then, with its access log, the log group's steps (see [`super`]); then one
/// UpdateStage with the throttling and access-log settings CreateStage cannot take, after the
/// log group has its retention and the account names its logging role.
pub fn stage<'a>(
    cx: &Cx<'a>,
    me: Id,
    s: &'a Stage,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let owner = &cx.g.owner(me)?.names.spec;
    let rest_api_id = cx.out(s.api, "RestApiId")?;
    let stage_key = obj! { "restApiId" => rest_api_id.clone(), "stageName" => text(&s.name) };
    let input = obj! {
        "restApiId" => rest_api_id,
        "stageName" => text(&s.name),
        "deploymentId" => cx.out(s.deployment, "DeploymentId")?,
        "tracingEnabled" => s.tracing,
        "tags" => tag_map(&cx.g.app.tags),
    };
    let stage_step = cx.step(me)?;
    out.push(
        Step::new(stage_step.clone(), "apigateway", "CreateStage", input)
            .delete("DeleteStage", stage_key.clone()),
    );
    let mut patches = Vec::new();
    let mut after = vec![stage_step];
    if let Some(throttle) = &s.throttle {
        patches.push(obj! { "op" => "replace", "path" => "/*/*/throttling/rateLimit", "value" => throttle.rate.to_string() });
        patches.push(obj! { "op" => "replace", "path" => "/*/*/throttling/burstLimit", "value" => throttle.burst.to_string() });
    }
    if let Some(log) = &s.access_log {
        let group = cx.g.get(log.group)?;
        log_group(cx, log.group.id, group, out)?;
        let region = &cx.g.app.region;
        let arn = join(vec![
            J::from(format!("arn:{}:logs:{region}:", partition(region))),
            reference(id(&cx.g.app.name, kind::ACCOUNT), "Account"),
            J::from(format!(":log-group:{}", group.name)),
        ]);
        patches.push(
            obj! { "op" => "replace", "path" => "/accessLogSettings/destinationArn", "value" => arn },
        );
        patches.push(
            obj! { "op" => "replace", "path" => "/accessLogSettings/format", "value" => &log.format },
        );
        after.push(retention_step(cx, log.group.id)?);
        // The access log is set only once the account names a role to write it with.
        after.push(cx.step(log.account.id)?);
    }
    if patches.is_empty() {
        return Ok(());
    }
    let mut input = stage_key;
    input.push("patchOperations", patches);
    let mut step = Step::new(
        id(owner, kind::STAGE_SETTINGS),
        "apigateway",
        "UpdateStage",
        input,
    );
    step.after = after;
    out.push(step);
    Ok(())
}

/// The steps that need the account's id (for ARNs built from parts): a stage's access log.
pub fn account_lookup<'a>(cx: &Cx<'a>) -> Step<'a> {
    Step::new(
        id(&cx.g.app.name, kind::ACCOUNT),
        "sts",
        "GetCallerIdentity",
        J::object(),
    )
    .output("Account", "Account")
}

pub fn api_key<'a>(
    cx: &Cx<'a>,
    me: Id,
    key: &'a ApiKey,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input =
        obj! { "name" => &key.name, "enabled" => key.enabled, "tags" => tag_map(&cx.g.app.tags) };
    let step =
        Step::new(cx.step(me)?, "apigateway", "CreateApiKey", input).output("ApiKeyId", "id");
    let key_id = step.out("ApiKeyId");
    out.push(step.delete("DeleteApiKey", obj! { "apiKey" => key_id }));
    Ok(())
}

/// CreateUsagePlan, then the stage attached by its own step: AWS refuses to delete a usage
/// plan that still has api stages, so that step's delete detaches it before DeleteUsagePlan.
pub fn usage_plan<'a>(
    cx: &Cx<'a>,
    me: Id,
    plan: &'a UsagePlan,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let owner = &cx.g.owner(me)?.names.spec;
    let mut input = obj! { "name" => &plan.name };
    if let Some(t) = &plan.throttle {
        input.push(
            "throttle",
            obj! { "burstLimit" => t.burst, "rateLimit" => t.rate },
        );
    }
    input.push("tags", tag_map(&cx.g.app.tags));
    let step =
        Step::new(cx.step(me)?, "apigateway", "CreateUsagePlan", input).output("UsagePlanId", "id");
    let plan_id = step.out("UsagePlanId");
    out.push(step.delete("DeleteUsagePlan", obj! { "usagePlanId" => plan_id.clone() }));
    let stage = cx.g.get(plan.stage)?;
    let api_stage = join(vec![
        cx.out(plan.api, "RestApiId")?,
        J::from(":"),
        text(&stage.name),
    ]);
    let patch = |op: &'static str| {
        obj! {
            "usagePlanId" => plan_id.clone(),
            "patchOperations" => arr![obj! { "op" => op, "path" => "/apiStages", "value" => api_stage.clone() }],
        }
    };
    // The stage is named by a literal, so the edge to it is explicit.
    out.push(
        Step::new(
            id(owner, kind::USAGE_PLAN_STAGES),
            "apigateway",
            "UpdateUsagePlan",
            patch("add"),
        )
        .after(cx.step(plan.stage.id)?)
        .delete("UpdateUsagePlan", patch("remove")),
    );
    Ok(())
}

pub fn usage_plan_key<'a>(
    cx: &Cx<'a>,
    me: Id,
    k: &'a UsagePlanKey,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let plan_id = cx.out(k.plan, "UsagePlanId")?;
    let key_id = cx.out(k.key, "ApiKeyId")?;
    let input = obj! {
        "usagePlanId" => plan_id.clone(),
        "keyId" => key_id.clone(),
        "keyType" => k.key_type,
    };
    let delete = obj! { "usagePlanId" => plan_id, "keyId" => key_id };
    out.push(
        Step::new(cx.step(me)?, "apigateway", "CreateUsagePlanKey", input)
            .delete("DeleteUsagePlanKey", delete),
    );
    Ok(())
}

/// The account's logging role: CreateRole and AttachRolePolicy (its one AWS-managed policy).
/// Retained: the account setting that names it serves every api of the account.
pub fn logs_role<'a>(
    cx: &Cx<'a>,
    me: Id,
    role: &'a LogsRole,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let app = &cx.g.app;
    let input = obj! {
        "RoleName" => &role.physical,
        "Description" => &role.description,
        "AssumeRolePolicyDocument" => trust_policy(&role.principal),
        "Tags" => cx.tags.clone(),
    };
    let create = Step::new(cx.step(me)?, "iam", "CreateRole", input)
        .output("Arn", "Role.Arn")
        .output("RoleName", "Role.RoleName")
        .retained();
    let role_name = create.out("RoleName");
    out.push(create);
    let input = obj! {
        "RoleName" => role_name,
        "PolicyArn" => format!("arn:{}:iam::aws:policy/{}", partition(&app.region), role.managed_policy),
    };
    out.push(
        Step::new(
            id(&cx.g.owner(me)?.names.spec, kind::LOGS_POLICY),
            "iam",
            "AttachRolePolicy",
            input,
        )
        .retained(),
    );
    Ok(())
}

/// The account setting, once the role has its policy: API Gateway checks that the role may
/// write logs.
pub fn account<'a>(
    cx: &Cx<'a>,
    me: Id,
    account: &'a ApiAccount,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "patchOperations" => arr![obj! {
            "op" => "replace",
            "path" => "/cloudwatchRoleArn",
            "value" => cx.out(account.role, "Arn")?,
        }],
    };
    let policy = id(&cx.g.owner(account.role.id)?.names.spec, kind::LOGS_POLICY);
    out.push(
        Step::new(cx.step(me)?, "apigateway", "UpdateAccount", input)
            .after(policy)
            .retained(),
    );
    Ok(())
}
