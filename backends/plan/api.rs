//! API steps: the REST API, its resource tree (parents first, the root from CreateRestApi's
//! `rootResourceId`), one method and one HTTP_PROXY integration per route with every path
//! variable declared and mapped (trap 5), the deployment after every integration (trap 6: the
//! plan deploys what it just wrote), the stage and its settings, the access-log group, and
//! the api key with its usage plan.

use super::network::vpc_link_id;
use super::service::{ingress_domain, service_url};
use super::steps::{dns_suffix, id, join, kind, partition, reference, tag_map, text, Step};
use crate::ir::{Api, App, Auth, Connection, Integration};
use serde_json::{json, Map, Value};

fn rest_api_id(api: &str) -> Value {
    reference(&id(api, kind::REST_API), "RestApiId")
}

/// `https://<rest api id>.execute-api.<region>.<suffix>/<stage>`; the stage may hold params.
pub fn invoke_url(app: &App, api: &Api) -> Value {
    join(vec![
        json!("https://"),
        rest_api_id(&api.names.spec),
        json!(format!(
            ".execute-api.{}.{}/",
            app.region,
            dns_suffix(&app.region),
        )),
        text(&api.stage),
    ])
}

pub fn api_key_id(api: &str) -> Value {
    reference(&id(api, kind::API_KEY), "ApiKeyId")
}

pub fn steps(app: &App, api: &Api) -> Vec<Step> {
    let name = &api.names.spec;
    let mut steps = Vec::new();
    let input = json!({
        "name": api.names.physical,
        "endpointConfiguration": { "types": ["REGIONAL"] },
        "tags": tag_map(&app.tags),
    });
    let rest = Step::new(
        id(name, kind::REST_API),
        "apigateway",
        "CreateRestApi",
        input,
    )
    .output("RestApiId", "id")
    .output("RootResourceId", "rootResourceId");
    steps.push(rest.delete("DeleteRestApi", json!({ "restApiId": rest_api_id(name) })));
    let resource_id = |index: Option<usize>| match index {
        Some(i) => reference(&id(name, &format!("resource-{i}")), "ResourceId"),
        None => reference(&id(name, kind::REST_API), "RootResourceId"),
    };
    for resource in &api.resources {
        let input = json!({
            "restApiId": rest_api_id(name),
            "parentId": resource_id(resource.parent),
            "pathPart": resource.path_part,
        });
        let step = Step::new(
            id(name, &format!("resource-{}", resource.index)),
            "apigateway",
            "CreateResource",
            input,
        )
        .output("ResourceId", "id");
        let delete =
            json!({ "restApiId": rest_api_id(name), "resourceId": step.out("ResourceId") });
        steps.push(step.delete("DeleteResource", delete));
    }
    let mut integrations = Vec::new();
    for (i, method) in api.methods.iter().enumerate() {
        let target = json!({
            "restApiId": rest_api_id(name),
            "resourceId": resource_id(method.resource),
            "httpMethod": method.http_method,
        });
        let mut input = target.clone();
        let (authorization, key_required) = match api.auth {
            Auth::None => ("NONE", false),
            Auth::ApiKey => ("NONE", true),
            Auth::Iam => ("AWS_IAM", false),
        };
        if let Value::Object(map) = &mut input {
            map.insert("authorizationType".into(), json!(authorization));
            map.insert("apiKeyRequired".into(), json!(key_required));
            if !method.path_params.is_empty() {
                let params: Map<String, Value> = method
                    .request_parameters()
                    .map(|name| (name, json!(true)))
                    .collect();
                map.insert("requestParameters".into(), Value::Object(params));
            }
        }
        let method_step = id(name, &format!("method-{i}"));
        steps.push(
            Step::new(method_step.clone(), "apigateway", "PutMethod", input)
                .delete("DeleteMethod", target.clone()),
        );
        let mut input = target.clone();
        if let Value::Object(map) = &mut input {
            integration_input(&method.integration, map);
        }
        let integration_step = id(name, &format!("integration-{i}"));
        steps.push(
            Step::new(
                integration_step.clone(),
                "apigateway",
                "PutIntegration",
                input,
            )
            .after(method_step)
            .delete("DeleteIntegration", target),
        );
        integrations.push(integration_step);
    }
    let input = json!({ "restApiId": rest_api_id(name), "description": format!("aprc routes {}", api.deployment_hash) });
    let mut deployment = Step::new(
        id(name, kind::DEPLOYMENT),
        "apigateway",
        "CreateDeployment",
        input,
    )
    .output("DeploymentId", "id");
    for step in integrations {
        deployment = deployment.after(step);
    }
    let delete =
        json!({ "restApiId": rest_api_id(name), "deploymentId": deployment.out("DeploymentId") });
    steps.push(deployment.delete("DeleteDeployment", delete));
    let stage_key = json!({ "restApiId": rest_api_id(name), "stageName": text(&api.stage) });
    let input = json!({
        "restApiId": rest_api_id(name),
        "stageName": text(&api.stage),
        "deploymentId": reference(&id(name, kind::DEPLOYMENT), "DeploymentId"),
        "tracingEnabled": api.tracing,
        "tags": tag_map(&app.tags),
    });
    let stage_step = id(name, kind::STAGE);
    steps.push(
        Step::new(stage_step.clone(), "apigateway", "CreateStage", input)
            .delete("DeleteStage", stage_key.clone()),
    );
    stage_settings(app, api, &stage_key, &mut steps);
    if let Some(key) = &api.api_key {
        let input = json!({ "name": key.key_name, "enabled": true, "tags": tag_map(&app.tags) });
        let step = Step::new(id(name, kind::API_KEY), "apigateway", "CreateApiKey", input)
            .output("ApiKeyId", "id");
        steps.push(step.delete("DeleteApiKey", json!({ "apiKey": api_key_id(name) })));
        // AWS refuses to delete a usage plan that still has api stages, so the stage is
        // attached by its own step, whose delete detaches it before DeleteUsagePlan runs.
        let mut input = Map::new();
        input.insert("name".into(), json!(key.usage_plan_name));
        if let Some(t) = &api.throttle {
            input.insert(
                "throttle".into(),
                json!({ "burstLimit": t.burst, "rateLimit": t.rate }),
            );
        }
        input.insert("tags".into(), tag_map(&app.tags));
        let plan = Step::new(
            id(name, kind::USAGE_PLAN),
            "apigateway",
            "CreateUsagePlan",
            Value::Object(input),
        )
        .output("UsagePlanId", "id");
        let plan_id = plan.out("UsagePlanId");
        steps.push(plan.delete("DeleteUsagePlan", json!({ "usagePlanId": plan_id })));
        let api_stage = join(vec![rest_api_id(name), json!(":"), text(&api.stage)]);
        let patch = |op: &str| {
            json!({
                "usagePlanId": plan_id,
                "patchOperations": [{ "op": op, "path": "/apiStages", "value": api_stage }],
            })
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
        let input =
            json!({ "usagePlanId": plan_id, "keyId": api_key_id(name), "keyType": "API_KEY" });
        let delete = json!({ "usagePlanId": plan_id, "keyId": api_key_id(name) });
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
    steps
}

fn integration_input(integration: &Integration, map: &mut Map<String, Value>) {
    map.insert("type".into(), json!("HTTP_PROXY"));
    map.insert(
        "integrationHttpMethod".into(),
        json!(integration.http_method),
    );
    let host = match &integration.connection {
        Connection::VpcLink { .. } => ingress_domain(&integration.service),
        Connection::Internet => service_url(&integration.service),
    };
    map.insert(
        "uri".into(),
        join(vec![
            json!("https://"),
            host,
            json!(integration.target_path),
        ]),
    );
    match &integration.connection {
        Connection::VpcLink { network } => {
            map.insert("connectionType".into(), json!("VPC_LINK"));
            map.insert("connectionId".into(), vpc_link_id(network));
        }
        Connection::Internet => {
            map.insert("connectionType".into(), json!("INTERNET"));
        }
    }
    if !integration.path_mappings.is_empty() {
        let params: Map<String, Value> = integration
            .request_parameters()
            .map(|(to, from)| (to, json!(from)))
            .collect();
        map.insert("requestParameters".into(), Value::Object(params));
    }
}

/// The access-log group, then one UpdateStage with the throttling and access-log settings
/// CreateStage cannot take.
fn stage_settings(app: &App, api: &Api, stage_key: &Value, steps: &mut Vec<Step>) {
    let name = &api.names.spec;
    let mut patches = Vec::new();
    let mut after = None;
    if let Some(throttle) = &api.throttle {
        patches.push(json!({ "op": "replace", "path": "/*/*/throttling/rateLimit", "value": throttle.rate.to_string() }));
        patches.push(json!({ "op": "replace", "path": "/*/*/throttling/burstLimit", "value": throttle.burst.to_string() }));
    }
    if let Some(log) = &api.access_log {
        let input = json!({ "logGroupName": log.log_group_name, "tags": tag_map(&app.tags) });
        let group = Step::new(id(name, kind::LOG_GROUP), "logs", "CreateLogGroup", input);
        steps.push(group.delete(
            "DeleteLogGroup",
            json!({ "logGroupName": log.log_group_name }),
        ));
        let input =
            json!({ "logGroupName": log.log_group_name, "retentionInDays": log.retention_days });
        let retention = id(name, kind::LOG_RETENTION);
        steps.push(
            Step::new(retention.clone(), "logs", "PutRetentionPolicy", input)
                .after(id(name, kind::LOG_GROUP))
                .delete(
                    "DeleteRetentionPolicy",
                    json!({ "logGroupName": log.log_group_name }),
                ),
        );
        let arn = join(vec![
            json!(format!(
                "arn:{}:logs:{}:",
                partition(&app.region),
                app.region
            )),
            reference(&id(&app.name, kind::ACCOUNT), "Account"),
            json!(format!(":log-group:{}", log.log_group_name)),
        ]);
        patches.push(
            json!({ "op": "replace", "path": "/accessLogSettings/destinationArn", "value": arn }),
        );
        patches.push(
            json!({ "op": "replace", "path": "/accessLogSettings/format", "value": log.format }),
        );
        after = Some(retention);
    }
    if patches.is_empty() {
        return;
    }
    let mut input = stage_key.clone();
    if let Value::Object(map) = &mut input {
        map.insert("patchOperations".into(), Value::Array(patches));
    }
    let mut step = Step::new(
        id(name, kind::STAGE_SETTINGS),
        "apigateway",
        "UpdateStage",
        input,
    )
    .after(id(name, kind::STAGE));
    if let Some(retention) = after {
        step = step.after(retention);
    }
    steps.push(step);
}
