//! API steps: the REST API, its resource tree (parents first, the root from CreateRestApi's
//! `rootResourceId`), one method and one HTTP_PROXY integration per route with every path
//! variable declared and mapped (trap 5), the deployment after every integration (trap 6: the
//! plan deploys what it just wrote), the stage and its settings, the access-log group, and
//! the api key with its usage plan.

use super::ids::{id, id_n, kind};
use super::json::{arr, obj, Key, StepId, J};
use super::network::vpc_link_id;
use super::service::{ingress_domain, service_url, trust_policy};
use super::steps::{dns_suffix, join, partition, reference, tag_list, tag_map, text, Step};
use crate::ir::{Api, App, Connection, Integration, LogsRole};

/// `https://<rest api id>.execute-api.<region>.<suffix>/<stage>`; the stage may hold params.
pub fn invoke_url<'a>(app: &App, api: &'a Api) -> J<'a> {
    join(vec![
        J::from("https://"),
        reference(id(&api.names.spec, kind::REST_API), "RestApiId"),
        J::from(format!(
            ".execute-api.{}.{}/",
            app.region,
            dns_suffix(&app.region),
        )),
        text(&api.stage),
    ])
}

pub fn api_key_id(api: &str) -> J<'static> {
    reference(id(api, kind::API_KEY), "ApiKeyId")
}

/// The api's steps, appended to `steps`.
pub fn steps<'a>(app: &'a App, api: &'a Api, steps: &mut Vec<Step<'a>>) {
    let name = &api.names.spec;
    let input = obj! {
        "name" => &api.names.physical,
        "endpointConfiguration" => obj! { "types" => arr!["REGIONAL"] },
        "tags" => tag_map(&app.tags),
    };
    let rest = Step::new(
        id(name, kind::REST_API),
        "apigateway",
        "CreateRestApi",
        input,
    )
    .output("RestApiId", "id")
    .output("RootResourceId", "rootResourceId");
    // Every later step names the api; the id is made once and shared.
    let rest_api_id = rest.out("RestApiId");
    let root_id = rest.out("RootResourceId");
    steps.push(rest.delete("DeleteRestApi", obj! { "restApiId" => rest_api_id.clone() }));
    let resource_ids: Vec<StepId> = api
        .resources
        .iter()
        .map(|r| id_n(name, "resource", r.index))
        .collect();
    // A ref to the resource with index `i`, or to the root. Lowering numbers resources by
    // position, so the id made above is shared; any other index gets the same id, built.
    let resource_id = |index: Option<usize>| match index {
        Some(i) => match (resource_ids.get(i), api.resources.get(i)) {
            (Some(step), Some(r)) if r.index == i => reference(step.clone(), "ResourceId"),
            _ => reference(id_n(name, "resource", i), "ResourceId"),
        },
        None => root_id.clone(),
    };
    for (resource, step_id) in api.resources.iter().zip(&resource_ids) {
        let input = obj! {
            "restApiId" => rest_api_id.clone(),
            "parentId" => resource_id(resource.parent),
            "pathPart" => &resource.path_part,
        };
        let step = Step::new(step_id.clone(), "apigateway", "CreateResource", input)
            .output("ResourceId", "id");
        let delete =
            obj! { "restApiId" => rest_api_id.clone(), "resourceId" => step.out("ResourceId") };
        steps.push(step.delete("DeleteResource", delete));
    }
    let (authorization, key_required) =
        (api.auth.authorization_type(), api.auth.api_key_required());
    let mut integrations = Vec::with_capacity(api.methods.len());
    for (i, method) in api.methods.iter().enumerate() {
        // The method's key, which every call on it starts with; `room` for the keys a call
        // adds, so the object is allocated once (a thousand routes make it count).
        let target = |room: usize| {
            let mut target = J::Obj(Vec::with_capacity(3 + room));
            target.push("restApiId", rest_api_id.clone());
            target.push("resourceId", resource_id(method.resource));
            target.push("httpMethod", &method.http_method);
            target
        };
        let mut input = target(3);
        input.push("authorizationType", authorization);
        input.push("apiKeyRequired", key_required);
        if !method.path_params.is_empty() {
            let params = method
                .request_parameters()
                .map(|name| (Key::from(name), J::Bool(true)))
                .collect();
            input.push("requestParameters", J::map(params));
        }
        let method_step = id_n(name, "method", i);
        steps.push(
            Step::new(method_step.clone(), "apigateway", "PutMethod", input)
                .delete("DeleteMethod", target(0)),
        );
        let mut input = target(6);
        integration_input(&method.integration, &mut input);
        let integration_step = id_n(name, "integration", i);
        steps.push(
            Step::new(
                integration_step.clone(),
                "apigateway",
                "PutIntegration",
                input,
            )
            .after(method_step)
            .delete("DeleteIntegration", target(0)),
        );
        integrations.push(integration_step);
    }
    let input = obj! {
        "restApiId" => rest_api_id.clone(),
        "description" => format!("aprc routes {}", api.deployment_hash),
    };
    let mut deployment = Step::new(
        id(name, kind::DEPLOYMENT),
        "apigateway",
        "CreateDeployment",
        input,
    )
    .output("DeploymentId", "id");
    deployment.after = integrations;
    let delete = obj! {
        "restApiId" => rest_api_id.clone(),
        "deploymentId" => deployment.out("DeploymentId"),
    };
    let deployment_id = deployment.out("DeploymentId");
    steps.push(deployment.delete("DeleteDeployment", delete));
    let stage_key = obj! { "restApiId" => rest_api_id.clone(), "stageName" => text(&api.stage) };
    let input = obj! {
        "restApiId" => rest_api_id.clone(),
        "stageName" => text(&api.stage),
        "deploymentId" => deployment_id,
        "tracingEnabled" => api.tracing,
        "tags" => tag_map(&app.tags),
    };
    let stage_step = id(name, kind::STAGE);
    steps.push(
        Step::new(stage_step.clone(), "apigateway", "CreateStage", input)
            .delete("DeleteStage", stage_key.clone()),
    );
    stage_settings(app, api, stage_step.clone(), stage_key, steps);
    if let Some(key) = &api.api_key {
        let input =
            obj! { "name" => &key.key_name, "enabled" => true, "tags" => tag_map(&app.tags) };
        let step = Step::new(id(name, kind::API_KEY), "apigateway", "CreateApiKey", input)
            .output("ApiKeyId", "id");
        let key_id = step.out("ApiKeyId");
        steps.push(step.delete("DeleteApiKey", obj! { "apiKey" => key_id.clone() }));
        // AWS refuses to delete a usage plan that still has api stages, so the stage is
        // attached by its own step, whose delete detaches it before DeleteUsagePlan runs.
        let mut input = obj! { "name" => &key.usage_plan_name };
        if let Some(t) = &api.throttle {
            input.push(
                "throttle",
                obj! { "burstLimit" => t.burst, "rateLimit" => t.rate },
            );
        }
        input.push("tags", tag_map(&app.tags));
        let plan = Step::new(
            id(name, kind::USAGE_PLAN),
            "apigateway",
            "CreateUsagePlan",
            input,
        )
        .output("UsagePlanId", "id");
        let plan_id = plan.out("UsagePlanId");
        steps.push(plan.delete("DeleteUsagePlan", obj! { "usagePlanId" => plan_id.clone() }));
        let api_stage = join(vec![rest_api_id.clone(), J::from(":"), text(&api.stage)]);
        let patch = |op: &'static str| {
            obj! {
                "usagePlanId" => plan_id.clone(),
                "patchOperations" => arr![obj! { "op" => op, "path" => "/apiStages", "value" => api_stage.clone() }],
            }
        };
        // The stage is named by a literal, so the edge to it is explicit.
        steps.push(
            Step::new(
                id(name, kind::USAGE_PLAN_STAGES),
                "apigateway",
                "UpdateUsagePlan",
                patch("add"),
            )
            .after(stage_step)
            .delete("UpdateUsagePlan", patch("remove")),
        );
        let input = obj! {
            "usagePlanId" => plan_id.clone(),
            "keyId" => key_id.clone(),
            "keyType" => "API_KEY",
        };
        let delete = obj! { "usagePlanId" => plan_id, "keyId" => key_id };
        steps.push(
            Step::new(
                id(name, kind::USAGE_PLAN_KEY),
                "apigateway",
                "CreateUsagePlanKey",
                input,
            )
            .delete("DeleteUsagePlanKey", delete),
        );
    }
}

fn integration_input<'a>(integration: &'a Integration, input: &mut J<'a>) {
    input.push("type", "HTTP_PROXY");
    input.push("integrationHttpMethod", &integration.http_method);
    let host = match &integration.connection {
        Connection::VpcLink { .. } => ingress_domain(&integration.service),
        Connection::Internet => service_url(&integration.service),
    };
    input.push(
        "uri",
        join(vec![
            J::from("https://"),
            host,
            J::from(&integration.target_path),
        ]),
    );
    match &integration.connection {
        Connection::VpcLink { network } => {
            input.push("connectionType", "VPC_LINK");
            input.push("connectionId", vpc_link_id(network));
        }
        Connection::Internet => {
            input.push("connectionType", "INTERNET");
        }
    }
    if !integration.path_mappings.is_empty() {
        let params = integration
            .request_parameters()
            .map(|(to, from)| (Key::from(to), J::from(from)))
            .collect();
        input.push("requestParameters", J::map(params));
    }
}

/// The account's API Gateway logging role with its one managed policy, and the account
/// setting that names it (spec section 8), before any stage that logs. All three are
/// `retain`ed: the setting is account-wide and other apis may log through the role.
pub fn logs_role_steps<'a>(app: &'a App, role: &'a LogsRole, steps: &mut Vec<Step<'a>>) {
    let name = &app.name;
    let input = obj! {
        "RoleName" => &role.physical,
        "Description" => &role.description,
        "AssumeRolePolicyDocument" => trust_policy(&role.principal),
        "Tags" => tag_list(&app.tags),
    };
    let create = Step::new(id(name, kind::LOGS_ROLE), "iam", "CreateRole", input)
        .output("Arn", "Role.Arn")
        .output("RoleName", "Role.RoleName")
        .retained();
    let (role_name, role_arn) = (create.out("RoleName"), create.out("Arn"));
    steps.push(create);
    let input = obj! {
        "RoleName" => role_name,
        "PolicyArn" => format!("arn:{}:iam::aws:policy/{}", partition(&app.region), role.managed_policy),
    };
    let attach = Step::new(
        id(name, kind::LOGS_POLICY),
        "iam",
        "AttachRolePolicy",
        input,
    )
    .retained();
    let attach_id = attach.id.clone();
    steps.push(attach);
    let input = obj! {
        "patchOperations" => arr![obj! { "op" => "replace", "path" => "/cloudwatchRoleArn", "value" => role_arn }],
    };
    // API Gateway checks that the role may write logs: the policy must be attached first.
    steps.push(
        Step::new(
            id(name, kind::LOGS_ACCOUNT),
            "apigateway",
            "UpdateAccount",
            input,
        )
        .after(attach_id)
        .retained(),
    );
}

/// The access-log group, then one UpdateStage with the throttling and access-log settings
/// CreateStage cannot take.
fn stage_settings<'a>(
    app: &'a App,
    api: &'a Api,
    stage_step: StepId,
    stage_key: J<'a>,
    steps: &mut Vec<Step<'a>>,
) {
    let name = &api.names.spec;
    let mut patches = Vec::new();
    let mut after = None;
    if let Some(throttle) = &api.throttle {
        patches.push(obj! { "op" => "replace", "path" => "/*/*/throttling/rateLimit", "value" => throttle.rate.to_string() });
        patches.push(obj! { "op" => "replace", "path" => "/*/*/throttling/burstLimit", "value" => throttle.burst.to_string() });
    }
    if let Some(log) = &api.access_log {
        let input = obj! { "logGroupName" => &log.log_group_name, "tags" => tag_map(&app.tags) };
        let group = Step::new(id(name, kind::LOG_GROUP), "logs", "CreateLogGroup", input);
        let group_id = group.id.clone();
        steps.push(group.delete(
            "DeleteLogGroup",
            obj! { "logGroupName" => &log.log_group_name },
        ));
        let input = obj! {
            "logGroupName" => &log.log_group_name,
            "retentionInDays" => log.retention_days,
        };
        let retention = id(name, kind::LOG_RETENTION);
        steps.push(
            Step::new(retention.clone(), "logs", "PutRetentionPolicy", input)
                .after(group_id)
                .delete(
                    "DeleteRetentionPolicy",
                    obj! { "logGroupName" => &log.log_group_name },
                ),
        );
        let arn = join(vec![
            J::from(format!(
                "arn:{}:logs:{}:",
                partition(&app.region),
                app.region
            )),
            reference(id(&app.name, kind::ACCOUNT), "Account"),
            J::from(format!(":log-group:{}", log.log_group_name)),
        ]);
        patches.push(
            obj! { "op" => "replace", "path" => "/accessLogSettings/destinationArn", "value" => arn },
        );
        patches.push(
            obj! { "op" => "replace", "path" => "/accessLogSettings/format", "value" => &log.format },
        );
        after = Some(retention);
    }
    let logs_account = api
        .access_log
        .as_ref()
        .map(|_| id(&app.name, kind::LOGS_ACCOUNT));
    if patches.is_empty() {
        return;
    }
    let mut input = stage_key;
    input.push("patchOperations", patches);
    let mut step = Step::new(
        id(name, kind::STAGE_SETTINGS),
        "apigateway",
        "UpdateStage",
        input,
    )
    .after(stage_step);
    if let Some(retention) = after {
        step = step.after(retention);
    }
    // The access log is set only once the account names a role to write it with.
    if let Some(account) = logs_account {
        step = step.after(account);
    }
    steps.push(step);
}
