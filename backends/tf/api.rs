//! An api's resources: the REST API, its resource tree, one method and one HTTP_PROXY
//! integration per route, the deployment and stage (tracing, access log), stage throttling,
//! and with `auth = api_key` the key, usage plan and their association.
//!
//! Two traps live here (spec 6.5 and 6.6). Every path variable is required on the method
//! (`method.request.path.X = true`) and mapped on the integration, or API Gateway answers
//! 403/404/502. The deployment is replaced whenever a route changes (`triggers` with the
//! IR's hash, `create_before_destroy` so the stage never points at a deleted deployment) and
//! depends on every integration, or edits silently never go live.

use super::doc::{BodyExt, Doc};
use super::expr::{attr, data_attr, int, resource_ref, string, template, text, Piece};
use super::{network_snake, service_snake};
use crate::ir::{Api, ApiMethod, Connection, Ir, LogsRole};
use hcl::expr::Traversal;
use hcl::Expression;

const REST_API: &str = "aws_api_gateway_rest_api";

/// An api with the Terraform names of its resources and methods, made once: each is used by
/// several blocks (parents, methods, integrations, the deployment's `depends_on`).
struct Names<'a> {
    api: &'a Api,
    resources: Vec<String>,
    methods: Vec<String>,
}

impl Names<'_> {
    /// The id of resource `index` of the tree, or the api's root.
    fn resource_id(&self, index: Option<usize>) -> Traversal {
        let a = self.api.names.snake.as_str();
        match index.and_then(|i| self.resources.get(i)) {
            Some(name) => attr("aws_api_gateway_resource", name, "id"),
            None => attr(REST_API, a, "root_resource_id"),
        }
    }
}

pub fn emit(ir: &Ir, api: &Api, w: &mut Doc) {
    let a = api.names.snake.as_str();
    let names = Names {
        api,
        resources: api.resources.iter().map(|r| member(a, &r.snake)).collect(),
        methods: api.methods.iter().map(|m| member(a, &m.snake)).collect(),
    };
    let rest_api_id = || Expression::from(attr(REST_API, a, "id"));
    w.resource(REST_API, a, |w| {
        w.attr("name", string(&api.names.physical));
        w.block("endpoint_configuration", &[], |w| {
            w.attr("types", Expression::Array(vec![string("REGIONAL")]));
        });
    });
    for (res, name) in api.resources.iter().zip(&names.resources) {
        w.resource("aws_api_gateway_resource", name, |w| {
            w.attr("rest_api_id", rest_api_id());
            w.attr("parent_id", names.resource_id(res.parent).into());
            w.attr("path_part", string(&res.path_part));
        });
    }
    for (m, name) in api.methods.iter().zip(&names.methods) {
        method_block(&names, m, name, w);
        integration_block(ir, &names, m, name, w);
    }
    w.resource("aws_api_gateway_deployment", a, |w| {
        w.attr("rest_api_id", rest_api_id());
        w.map("triggers", [("redeployment", string(&api.deployment_hash))]);
        w.create_before_destroy();
        let integrations = names
            .methods
            .iter()
            .map(|name| resource_ref("aws_api_gateway_integration", name).into())
            .collect();
        w.attr("depends_on", Expression::Array(integrations));
    });
    if let Some(log) = &api.access_log {
        w.resource("aws_cloudwatch_log_group", a, |w| {
            w.attr("name", string(&log.log_group_name));
            w.attr("retention_in_days", int(u64::from(log.retention_days)));
        });
    }
    w.resource("aws_api_gateway_stage", a, |w| {
        w.attr("rest_api_id", rest_api_id());
        w.attr(
            "deployment_id",
            attr("aws_api_gateway_deployment", a, "id").into(),
        );
        w.attr("stage_name", text(&api.stage));
        w.attr("xray_tracing_enabled", Expression::Bool(api.tracing));
        if let Some(log) = &api.access_log {
            w.block("access_log_settings", &[], |w| {
                w.attr(
                    "destination_arn",
                    attr("aws_cloudwatch_log_group", a, "arn").into(),
                );
                w.attr("format", string(&log.format));
            });
            // The account's logging role must be set before a stage that logs deploys.
            w.attr(
                "depends_on",
                Expression::Array(vec![resource_ref(ACCOUNT, LOGS_ACCOUNT).into()]),
            );
        }
    });
    if let Some(t) = &api.throttle {
        w.resource("aws_api_gateway_method_settings", a, |w| {
            w.attr("rest_api_id", rest_api_id());
            w.attr(
                "stage_name",
                attr("aws_api_gateway_stage", a, "stage_name").into(),
            );
            w.attr("method_path", string("*/*"));
            w.block("settings", &[], |w| {
                w.attr("throttling_rate_limit", rate(t.rate));
                w.attr("throttling_burst_limit", int(u64::from(t.burst)));
            });
        });
    }
    if let Some(key) = &api.api_key {
        api_key_blocks(api, key, w);
    }
}

const ACCOUNT: &str = "aws_api_gateway_account";
/// Names of the account's logging role (and its policy attachment) and of the setting.
const LOGS_ROLE: &str = "apigateway_cloudwatch";
const LOGS_ACCOUNT: &str = "apigateway";

/// The account's API Gateway logging role, its one managed policy, and the account setting
/// that names it (spec section 8). The role and its policy have `prevent_destroy`: the setting
/// is account-wide and other apis may log through the role, so `terraform destroy` must not
/// take it away (docs/language.md says how to leave them and destroy the rest). Destroying
/// the setting itself changes nothing on AWS (the provider's 5.x default). The role gets a
/// generated name, so a root applied again after such a destroy creates a new one rather
/// than meeting the kept one's name.
pub fn emit_logs_role(role: &LogsRole, w: &mut Doc) {
    let assume = super::service::trust_document(LOGS_ROLE, &role.principal, w);
    w.resource("aws_iam_role", LOGS_ROLE, |w| {
        w.attr("description", string(&role.description));
        w.attr(
            "assume_role_policy",
            data_attr("aws_iam_policy_document", &assume, "json").into(),
        );
        w.prevent_destroy();
    });
    w.data("aws_partition", PARTITION, |_| {});
    let policy = format!(":iam::aws:policy/{}", role.managed_policy);
    w.resource("aws_iam_role_policy_attachment", LOGS_ROLE, |w| {
        w.attr("role", attr("aws_iam_role", LOGS_ROLE, "name").into());
        w.attr(
            "policy_arn",
            template([
                Piece::Lit("arn:"),
                Piece::Ref(data_attr("aws_partition", PARTITION, "partition").into()),
                Piece::Lit(&policy),
            ]),
        );
        w.prevent_destroy();
    });
    w.resource(ACCOUNT, LOGS_ACCOUNT, |w| {
        w.attr(
            "cloudwatch_role_arn",
            attr("aws_iam_role", LOGS_ROLE, "arn").into(),
        );
        // API Gateway checks that the role can write logs when the setting is made.
        w.attr(
            "depends_on",
            Expression::Array(vec![resource_ref(
                "aws_iam_role_policy_attachment",
                LOGS_ROLE,
            )
            .into()]),
        );
    });
}

/// Name of the `aws_partition` data source.
const PARTITION: &str = "current";

fn method_block(names: &Names, m: &ApiMethod, name: &str, w: &mut Doc) {
    let api = names.api;
    let a = api.names.snake.as_str();
    w.resource("aws_api_gateway_method", name, |w| {
        w.attr("rest_api_id", attr(REST_API, a, "id").into());
        w.attr("resource_id", names.resource_id(m.resource).into());
        w.attr("http_method", string(&m.http_method));
        w.attr("authorization", string(api.auth.authorization_type()));
        w.attr(
            "api_key_required",
            Expression::Bool(api.auth.api_key_required()),
        );
        if !m.path_params.is_empty() {
            w.map(
                "request_parameters",
                m.request_parameters().map(|p| (p, Expression::Bool(true))),
            );
        }
    });
}

fn integration_block(ir: &Ir, names: &Names, m: &ApiMethod, name: &str, w: &mut Doc) {
    let a = names.api.names.snake.as_str();
    let i = &m.integration;
    let svc = service_snake(ir, &i.service);
    let host = match &i.connection {
        Connection::VpcLink { .. } => {
            attr("aws_apprunner_vpc_ingress_connection", &svc, "domain_name")
        }
        Connection::Internet => attr("aws_apprunner_service", &svc, "service_url"),
    };
    let uri = [
        Piece::Lit("https://"),
        Piece::Ref(host.into()),
        Piece::Lit(&i.target_path),
    ];
    let link = match &i.connection {
        Connection::VpcLink { network } => Some(network_snake(ir, network)),
        Connection::Internet => None,
    };
    w.resource("aws_api_gateway_integration", name, |w| {
        w.attr("rest_api_id", attr(REST_API, a, "id").into());
        w.attr("resource_id", names.resource_id(m.resource).into());
        w.attr(
            "http_method",
            attr("aws_api_gateway_method", name, "http_method").into(),
        );
        w.attr("type", string("HTTP_PROXY"));
        w.attr("integration_http_method", string(&i.http_method));
        w.attr("uri", template(uri));
        match &link {
            Some(network) => {
                w.attr("connection_type", string("VPC_LINK"));
                w.attr(
                    "connection_id",
                    attr("aws_api_gateway_vpc_link", network, "id").into(),
                );
            }
            None => w.attr("connection_type", string("INTERNET")),
        }
        if !i.path_mappings.is_empty() {
            let params: Vec<(String, String)> = i.request_parameters().collect();
            w.map(
                "request_parameters",
                params.iter().map(|(to, from)| (to, string(from))),
            );
        }
    });
}

fn api_key_blocks(api: &Api, key: &crate::ir::ApiKey, w: &mut Doc) {
    let a = api.names.snake.as_str();
    w.resource("aws_api_gateway_api_key", a, |w| {
        w.attr("name", string(&key.key_name));
        w.attr("enabled", Expression::Bool(true));
    });
    w.resource("aws_api_gateway_usage_plan", a, |w| {
        w.attr("name", string(&key.usage_plan_name));
        w.block("api_stages", &[], |w| {
            w.attr("api_id", attr(REST_API, a, "id").into());
            w.attr(
                "stage",
                attr("aws_api_gateway_stage", a, "stage_name").into(),
            );
        });
        if let Some(t) = &api.throttle {
            w.block("throttle_settings", &[], |w| {
                w.attr("rate_limit", rate(t.rate));
                w.attr("burst_limit", int(u64::from(t.burst)));
            });
        }
    });
    w.resource("aws_api_gateway_usage_plan_key", a, |w| {
        w.attr("key_id", attr("aws_api_gateway_api_key", a, "id").into());
        w.attr("key_type", string("API_KEY"));
        w.attr(
            "usage_plan_id",
            attr("aws_api_gateway_usage_plan", a, "id").into(),
        );
    });
}

/// A whole rate is written as an integer (`100`, not `100.0`).
fn rate(r: f64) -> Expression {
    if r.fract() == 0.0 && (0.0..9.0e15).contains(&r) {
        int(r as u64)
    } else {
        Expression::from(r)
    }
}

/// `<api>_<member>`: resources and methods are unique within an api, not across apis.
fn member(api: &str, name: &str) -> String {
    format!("{api}_{name}")
}
