//! An api's resources: the REST API, its resource tree, one method and one HTTP_PROXY
//! integration per route, the deployment and stage (tracing, access log), stage throttling,
//! and with `auth = api_key` the key, usage plan and their association.
//!
//! Two traps live here (spec 6.5 and 6.6). Every path variable is required on the method
//! (`method.request.path.X = true`) and mapped on the integration, or API Gateway answers
//! 403/404/502. The deployment is replaced whenever a route changes (`triggers` with the
//! IR's hash, `create_before_destroy` so the stage never points at a deleted deployment) and
//! depends on every integration, or edits silently never go live.

use super::expr::{
    attr, block, interpolate, list, object, resource, resource_ref, string, text, Piece,
};
use super::{network_snake, service_snake, Blocks};
use crate::ir::{Api, ApiMethod, Auth, Connection, Ir};
use hcl::expr::Expression;
use hcl::Block;

const REST_API: &str = "aws_api_gateway_rest_api";

pub fn emit(ir: &Ir, api: &Api, out: &mut Blocks) {
    let a = api.names.snake.as_str();
    out.push(
        resource(REST_API, a)
            .add_attribute(("name", string(api.names.physical.as_str())))
            .add_block(block(
                "endpoint_configuration",
                vec![("types", list(vec![string("REGIONAL")]))],
            ))
            .build(),
    );
    for res in &api.resources {
        let parent = match res.parent.and_then(|p| api.resources.get(p)) {
            Some(p) => attr("aws_api_gateway_resource", &member(a, &p.snake), "id"),
            None => attr(REST_API, a, "root_resource_id"),
        };
        out.push(
            resource("aws_api_gateway_resource", &member(a, &res.snake))
                .add_attribute(("rest_api_id", attr(REST_API, a, "id")))
                .add_attribute(("parent_id", parent))
                .add_attribute(("path_part", string(res.path_part.as_str())))
                .build(),
        );
    }
    let mut integrations = Vec::new();
    for m in &api.methods {
        out.push(method_block(api, m));
        out.push(integration_block(ir, api, m));
        integrations.push(resource_ref(
            "aws_api_gateway_integration",
            &member(a, &m.snake),
        ));
    }
    let triggers = object([(
        "redeployment".to_string(),
        string(api.deployment_hash.as_str()),
    )]);
    out.push(
        resource("aws_api_gateway_deployment", a)
            .add_attribute(("rest_api_id", attr(REST_API, a, "id")))
            .add_attribute(("triggers", triggers))
            .add_block(block(
                "lifecycle",
                vec![("create_before_destroy", Expression::Bool(true))],
            ))
            .add_attribute(("depends_on", list(integrations)))
            .build(),
    );
    if let Some(log) = &api.access_log {
        out.push(
            resource("aws_cloudwatch_log_group", a)
                .add_attribute(("name", string(log.log_group_name.as_str())))
                .add_attribute(("retention_in_days", u64::from(log.retention_days)))
                .build(),
        );
    }
    let mut stage = resource("aws_api_gateway_stage", a)
        .add_attribute(("rest_api_id", attr(REST_API, a, "id")))
        .add_attribute(("deployment_id", attr("aws_api_gateway_deployment", a, "id")))
        .add_attribute(("stage_name", text(&api.stage)))
        .add_attribute(("xray_tracing_enabled", api.tracing));
    if let Some(log) = &api.access_log {
        stage = stage.add_block(block(
            "access_log_settings",
            vec![
                (
                    "destination_arn",
                    attr("aws_cloudwatch_log_group", a, "arn"),
                ),
                ("format", string(log.format.as_str())),
            ],
        ));
    }
    out.push(stage.build());
    if let Some(t) = &api.throttle {
        out.push(
            resource("aws_api_gateway_method_settings", a)
                .add_attribute(("rest_api_id", attr(REST_API, a, "id")))
                .add_attribute(("stage_name", attr("aws_api_gateway_stage", a, "stage_name")))
                .add_attribute(("method_path", "*/*"))
                .add_block(block(
                    "settings",
                    vec![
                        ("throttling_rate_limit", rate(t.rate)),
                        (
                            "throttling_burst_limit",
                            Expression::from(u64::from(t.burst)),
                        ),
                    ],
                ))
                .build(),
        );
    }
    if let Some(key) = &api.api_key {
        api_key_blocks(api, key, out);
    }
}

fn method_block(api: &Api, m: &ApiMethod) -> Block {
    let a = api.names.snake.as_str();
    let authorization = match api.auth {
        Auth::Iam => "AWS_IAM",
        Auth::None | Auth::ApiKey => "NONE",
    };
    let mut b = resource("aws_api_gateway_method", &member(a, &m.snake))
        .add_attribute(("rest_api_id", attr(REST_API, a, "id")))
        .add_attribute(("resource_id", resource_id(api, m)))
        .add_attribute(("http_method", string(m.http_method.as_str())))
        .add_attribute(("authorization", authorization))
        .add_attribute(("api_key_required", api.auth == Auth::ApiKey));
    if !m.path_params.is_empty() {
        let params = object(
            m.request_parameters()
                .map(|name| (name, Expression::Bool(true))),
        );
        b = b.add_attribute(("request_parameters", params));
    }
    b.build()
}

fn integration_block(ir: &Ir, api: &Api, m: &ApiMethod) -> Block {
    let a = api.names.snake.as_str();
    let name = member(a, &m.snake);
    let i = &m.integration;
    let svc = service_snake(ir, &i.service);
    let host = match &i.connection {
        Connection::VpcLink { .. } => {
            attr("aws_apprunner_vpc_ingress_connection", &svc, "domain_name")
        }
        Connection::Internet => attr("aws_apprunner_service", &svc, "service_url"),
    };
    let uri = interpolate(vec![
        Piece::Lit("https://".into()),
        Piece::Expr(host),
        Piece::Lit(i.target_path.clone()),
    ]);
    let mut b = resource("aws_api_gateway_integration", &name)
        .add_attribute(("rest_api_id", attr(REST_API, a, "id")))
        .add_attribute(("resource_id", resource_id(api, m)))
        .add_attribute((
            "http_method",
            attr("aws_api_gateway_method", &name, "http_method"),
        ))
        .add_attribute(("type", "HTTP_PROXY"))
        .add_attribute(("integration_http_method", string(i.http_method.as_str())))
        .add_attribute(("uri", uri));
    b = match &i.connection {
        Connection::VpcLink { network } => b
            .add_attribute(("connection_type", "VPC_LINK"))
            .add_attribute((
                "connection_id",
                attr(
                    "aws_api_gateway_vpc_link",
                    &network_snake(ir, network),
                    "id",
                ),
            )),
        Connection::Internet => b.add_attribute(("connection_type", "INTERNET")),
    };
    if !i.path_mappings.is_empty() {
        let params = object(i.request_parameters().map(|(to, from)| (to, string(from))));
        b = b.add_attribute(("request_parameters", params));
    }
    b.build()
}

fn api_key_blocks(api: &Api, key: &crate::ir::ApiKey, out: &mut Blocks) {
    let a = api.names.snake.as_str();
    out.push(
        resource("aws_api_gateway_api_key", a)
            .add_attribute(("name", string(key.key_name.as_str())))
            .add_attribute(("enabled", true))
            .build(),
    );
    let mut plan = resource("aws_api_gateway_usage_plan", a)
        .add_attribute(("name", string(key.usage_plan_name.as_str())))
        .add_block(block(
            "api_stages",
            vec![
                ("api_id", attr(REST_API, a, "id")),
                ("stage", attr("aws_api_gateway_stage", a, "stage_name")),
            ],
        ));
    if let Some(t) = &api.throttle {
        plan = plan.add_block(block(
            "throttle_settings",
            vec![
                ("rate_limit", rate(t.rate)),
                ("burst_limit", Expression::from(u64::from(t.burst))),
            ],
        ));
    }
    out.push(plan.build());
    out.push(
        resource("aws_api_gateway_usage_plan_key", a)
            .add_attribute(("key_id", attr("aws_api_gateway_api_key", a, "id")))
            .add_attribute(("key_type", "API_KEY"))
            .add_attribute(("usage_plan_id", attr("aws_api_gateway_usage_plan", a, "id")))
            .build(),
    );
}

/// The method's resource: one of the tree's, or the api's root.
fn resource_id(api: &Api, m: &ApiMethod) -> Expression {
    let a = api.names.snake.as_str();
    match m.resource.and_then(|r| api.resources.get(r)) {
        Some(r) => attr("aws_api_gateway_resource", &member(a, &r.snake), "id"),
        None => attr(REST_API, a, "root_resource_id"),
    }
}

/// A whole rate is written as an integer (`100`, not `100.0`).
fn rate(r: f64) -> Expression {
    if r.fract() == 0.0 && (0.0..9.0e15).contains(&r) {
        Expression::from(r as u64)
    } else {
        Expression::from(r)
    }
}

/// `<api>_<member>`: resources and methods are unique within an api, not across apis.
fn member(api: &str, name: &str) -> String {
    format!("{api}_{name}")
}
