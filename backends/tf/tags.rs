//! The app's tags, and which resource types take them.
//!
//! A root tags every resource through the provider's `default_tags`, so no resource names its
//! tags. A module has no provider block of its own, and the root that calls it may set other
//! `default_tags` or none: so a module writes the same tags (`app = <name>` and the user's) as
//! `tags = {...}` on every resource whose type takes them ([`super::doc::Doc::tag_resources`]),
//! which ends with the same `tags_all` on AWS as the root would.
//!
//! [`taggable`] is one table, by Terraform type, taken from `terraform providers schema -json`
//! of the AWS provider 5.100.0: a type is there when its schema has a `tags` argument.

use super::doc::object;
use super::expr::text;
use crate::ir::Graph;
use hcl::Expression;

/// The app's tags as an object: what `default_tags` carries in a root.
pub fn app_tags(g: &Graph) -> Expression {
    object(g.app.tags.iter().map(|(k, v)| (k, text(v))))
}

/// Whether resources of Terraform type `ty` take a `tags` argument.
pub fn taggable(ty: &str) -> bool {
    TAGGED.contains(&ty)
}

/// The resource types the backend writes whose schema has `tags`.
pub const TAGGED: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_security_group",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_endpoint",
    "aws_lb",
    "aws_lb_target_group",
    "aws_lb_listener",
    "aws_api_gateway_vpc_link",
    "aws_apprunner_vpc_connector",
    "aws_iam_role",
    "aws_apprunner_auto_scaling_configuration_version",
    "aws_apprunner_observability_configuration",
    "aws_apprunner_service",
    "aws_apprunner_vpc_ingress_connection",
    "aws_api_gateway_rest_api",
    "aws_cloudwatch_log_group",
    "aws_api_gateway_stage",
    "aws_api_gateway_api_key",
    "aws_api_gateway_usage_plan",
    "aws_internet_gateway",
    "aws_route_table",
    "aws_eip",
    "aws_nat_gateway",
    "aws_ecs_cluster",
    "aws_ecs_task_definition",
    "aws_ecs_service",
    "aws_appautoscaling_target",
];

/// The resource types the backend writes whose schema has no `tags`. Listed so that a type
/// the backend starts writing must be decided here: a unit test checks every written type is
/// in one of the two lists.
#[cfg(test)]
pub const UNTAGGED: &[&str] = &[
    "aws_lb_target_group_attachment",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_api_gateway_account",
    "aws_api_gateway_resource",
    "aws_api_gateway_method",
    "aws_api_gateway_integration",
    "aws_api_gateway_deployment",
    "aws_api_gateway_method_settings",
    "aws_api_gateway_usage_plan_key",
    "aws_route",
    "aws_route_table_association",
    "aws_appautoscaling_policy",
];
