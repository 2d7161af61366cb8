//! Params in every string attribute (tests/fixtures/params/everywhere.apr) in `main.tf`: the
//! emitted HCL spells each as `var.NAME` or a `${var.NAME}` template (provider default tags,
//! stage names, health paths), and terraform itself, planning against moto with `-var`
//! values, evaluates every one of them to the value the spec means.

use super::{attr, blocks, build, key, nested, parse, src};
use crate::support::terraform::Doc;
use hcl::{Block, Body};
use std::path::PathBuf;

const FIXTURE: &str = "tests/fixtures/params/everywhere.apr";
/// Params in an ECS service's command words, grant resources and secrets.
const ECS_FIXTURE: &str = "tests/fixtures/params/ecs.apr";
const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";

fn resource<'a>(body: &'a Body, kind: &'a str, name: &str) -> &'a Block {
    blocks(body, "resource", kind)
        .find(|b| b.labels().get(1).map(|l| l.as_str()) == Some(name))
        .unwrap_or_else(|| panic!("no {kind}.{name}"))
}

fn attr_src(block: &Block, key: &str) -> String {
    attr(block, key).map(src).unwrap_or_default()
}

#[test]
fn params_are_variables_in_tags_stages_and_health_paths() {
    let body = parse(&build(&[PathBuf::from(FIXTURE)]));
    let provider = body
        .blocks()
        .find(|b| b.identifier() == "provider")
        .expect("provider block");
    let Some(hcl::Expression::Object(tags)) =
        nested(provider, "default_tags").and_then(|d| attr(d, "tags"))
    else {
        panic!("default_tags has no tags object");
    };
    let tags: Vec<(String, String)> = tags.iter().map(|(k, v)| (key(k), src(v))).collect();
    assert_eq!(
        tags,
        [
            ("app", "\"everywhere\""),
            ("cost", "\"fixed\""),
            ("env", "var.env"),
            ("owner", "\"team-${var.owner}\""),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    let public = resource(&body, "aws_api_gateway_stage", "public");
    assert_eq!(attr_src(public, "stage_name"), "\"${var.env}_v1\"");
    let admin = resource(&body, "aws_api_gateway_stage", "admin");
    assert_eq!(attr_src(admin, "stage_name"), "var.env");
    // Everything else that needs the stage name takes it from the stage resource.
    let plan = resource(&body, "aws_api_gateway_usage_plan", "public");
    let stages = nested(plan, "api_stages").expect("api_stages");
    assert_eq!(
        attr_src(stages, "stage"),
        "aws_api_gateway_stage.public.stage_name"
    );
    let settings = resource(&body, "aws_api_gateway_method_settings", "public");
    assert_eq!(
        attr_src(settings, "stage_name"),
        "aws_api_gateway_stage.public.stage_name"
    );
    let health = |svc: &str| {
        let service = resource(&body, "aws_apprunner_service", svc);
        nested(service, "health_check_configuration")
            .map(|h| attr_src(h, "path"))
            .unwrap_or_default()
    };
    assert_eq!(health("orders"), "\"${var.health_root}/healthz\"");
    assert_eq!(health("web"), "\"/ready/${var.env}\"");
}

/// The fixture for the terraform batch, planned with these `-var` values.
pub(crate) fn doc() -> Doc {
    Doc::new("everywhere", build(&[PathBuf::from(FIXTURE)])).with_vars(&[
        ("env", "qa"),
        ("owner", "ops"),
        ("db_secret", SECRET),
    ])
}

/// terraform plans the fixture with `-var` values; the planned resources carry them.
#[test]
fn terraform_plans_every_param_with_the_given_values() {
    let planned = super::terraform::planned();
    let after = |address: &str| planned.after("everywhere", address);
    assert_eq!(after("aws_api_gateway_stage.public")["stage_name"], "qa_v1");
    assert_eq!(after("aws_api_gateway_stage.admin")["stage_name"], "qa");
    let tags = after("aws_vpc.core")["tags_all"].clone();
    assert_eq!(
        tags,
        serde_json::json!({ "app": "everywhere", "cost": "fixed", "env": "qa", "owner": "team-ops" })
    );
    let orders = after("aws_apprunner_service.orders");
    assert_eq!(
        orders["health_check_configuration"][0]["path"],
        "/internal/healthz"
    );
    assert_eq!(orders["tags_all"]["owner"], "team-ops");
    let image = &orders["source_configuration"][0]["image_repository"][0];
    assert_eq!(
        image["image_identifier"],
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.2"
    );
    let config = &image["image_configuration"][0];
    assert_eq!(config["start_command"], "serve --env qa");
    assert_eq!(
        config["runtime_environment_variables"],
        serde_json::json!({ "OWNER": "ops", "STAGE": "qa" })
    );
    assert_eq!(config["runtime_environment_secrets"]["DB_PASSWORD"], SECRET);
    let web = after("aws_apprunner_service.web");
    assert_eq!(web["health_check_configuration"][0]["path"], "/ready/qa");
}

/// The ECS fixture for the terraform batch, planned with these `-var` values.
pub(crate) fn ecs_doc() -> Doc {
    Doc::new("ecs_params", build(&[PathBuf::from(ECS_FIXTURE)])).with_vars(&[
        ("env", "qa"),
        ("mode", "run"),
        ("bucket", "orders-data"),
        ("api_secret", SECRET),
    ])
}

/// terraform evaluates an ECS service's params: a command word holding a param is that one
/// word (`orders qa`, never split), the image tag, the secret's ARN and a grant's resource.
#[test]
fn terraform_plans_ecs_params_in_the_command_grants_and_secrets() {
    let planned = super::terraform::planned();
    let after = |address: &str| planned.after("ecs_params", address);
    let task = after("aws_ecs_task_definition.orders");
    let containers: serde_json::Value = task["container_definitions"]
        .as_str()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_else(|| panic!("container definitions: {task}"));
    let container = &containers[0];
    assert_eq!(
        container["command"],
        serde_json::json!(["run", "--stage", "qa", "--name", "orders qa"])
    );
    assert_eq!(
        container["image"],
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:3.1.0"
    );
    assert_eq!(container["secrets"][0]["valueFrom"], SECRET);
    let policy = after("aws_iam_role_policy.orders_task");
    let policy = policy["policy"].as_str().unwrap_or_default();
    assert!(
        policy.contains("arn:aws:s3:::orders-data/orders/*"),
        "{policy}"
    );
}
