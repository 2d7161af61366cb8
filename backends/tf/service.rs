//! A service's resources: its IAM roles (access role for private ECR, instance role for
//! secrets and tracing), auto scaling and observability configurations, the App Runner
//! service itself, and the VPC ingress connection of a private service.
//!
//! Policies are `data "aws_iam_policy_document"` with the IR's statements verbatim: exact
//! actions and ARNs, so nothing here widens what lowering granted. The service waits for its
//! role policies (`depends_on`): App Runner checks at creation that the access role can pull,
//! and the role alone (without its policy) cannot.

use super::doc::{BodyExt, Doc};
use super::expr::{attr, data_attr, int, resource_ref, string, text};
use super::network::vpc_id;
use super::network_snake;
use crate::ir::{Ir, RepositoryType, Role, Service};
use hcl::Expression;

pub fn emit(ir: &Ir, svc: &Service, w: &mut Doc) {
    let s = svc.names.snake.as_str();
    // Role names, made once: the role blocks, the service's ARNs and `depends_on` use them.
    let access = svc.access_role.as_ref().map(|r| (format!("{s}_access"), r));
    let instance = svc
        .instance_role
        .as_ref()
        .map(|r| (format!("{s}_instance"), r));
    for (name, role) in access.iter().chain(&instance) {
        role_blocks(name, role, w);
    }
    if let Some(scaling) = &svc.autoscaling {
        w.resource("aws_apprunner_auto_scaling_configuration_version", s, |w| {
            w.attr("auto_scaling_configuration_name", string(&scaling.physical));
            w.attr("min_size", int(u64::from(scaling.min)));
            w.attr("max_size", int(u64::from(scaling.max)));
            w.attr("max_concurrency", int(u64::from(scaling.concurrency)));
        });
    }
    if let Some(obs) = &svc.observability {
        w.resource("aws_apprunner_observability_configuration", s, |w| {
            w.attr("observability_configuration_name", string(&obs.physical));
            w.block("trace_configuration", &[], |w| {
                w.attr("vendor", string("AWSXRAY"));
            });
        });
    }
    let access = access.as_ref().map(|(name, _)| name.as_str());
    let instance = instance.as_ref().map(|(name, _)| name.as_str());
    service_block(ir, svc, access, instance, w);
    if let Some(conn) = &svc.ingress_connection {
        let n = network_snake(ir, &conn.network);
        let vpc = ir
            .networks
            .iter()
            .find(|net| net.names.spec == conn.network)
            .map(vpc_id)
            .unwrap_or_else(|| attr("aws_vpc", &n, "id").into());
        w.resource("aws_apprunner_vpc_ingress_connection", s, |w| {
            w.attr("name", string(&conn.physical));
            w.attr(
                "service_arn",
                attr("aws_apprunner_service", s, "arn").into(),
            );
            w.block("ingress_vpc_configuration", &[], |w| {
                w.attr("vpc_id", vpc);
                w.attr("vpc_endpoint_id", attr("aws_vpc_endpoint", &n, "id").into());
            });
        });
    }
}

/// The `aws_apprunner_service`; `access` and `instance` name the service's roles.
fn service_block(
    ir: &Ir,
    svc: &Service,
    access: Option<&str>,
    instance: Option<&str>,
    w: &mut Doc,
) {
    let s = svc.names.snake.as_str();
    let port = svc.port.to_string();
    let repo_type = match svc.repository_type {
        RepositoryType::Ecr => "ECR",
        RepositoryType::EcrPublic => "ECR_PUBLIC",
    };
    w.resource("aws_apprunner_service", s, |w| {
        w.attr("service_name", string(&svc.names.physical));
        w.block("source_configuration", &[], |w| {
            // Deploys happen when Terraform changes the image, not when a tag is pushed.
            w.attr("auto_deployments_enabled", Expression::Bool(false));
            if let Some(access) = access {
                w.block("authentication_configuration", &[], |w| {
                    w.attr(
                        "access_role_arn",
                        attr("aws_iam_role", access, "arn").into(),
                    );
                });
            }
            w.block("image_repository", &[], |w| {
                w.attr("image_identifier", text(&svc.image));
                w.attr("image_repository_type", string(repo_type));
                w.block("image_configuration", &[], |w| {
                    w.attr("port", string(&port));
                    if !svc.env.is_empty() {
                        w.map(
                            "runtime_environment_variables",
                            svc.env.iter().map(|(k, v)| (k, text(v))),
                        );
                    }
                    if !svc.secrets.is_empty() {
                        w.map(
                            "runtime_environment_secrets",
                            svc.secrets.iter().map(|(k, v)| (k, text(v))),
                        );
                    }
                    if let Some(cmd) = &svc.command {
                        w.attr("start_command", text(cmd));
                    }
                });
            });
        });
        w.block("instance_configuration", &[], |w| {
            w.attr("cpu", string(&svc.cpu));
            w.attr("memory", string(&svc.memory));
            if let Some(instance) = instance {
                w.attr(
                    "instance_role_arn",
                    attr("aws_iam_role", instance, "arn").into(),
                );
            }
        });
        if let Some(h) = &svc.health {
            w.block("health_check_configuration", &[], |w| {
                w.attr("protocol", string(&h.protocol));
                if let Some(path) = &h.path {
                    w.attr("path", text(path));
                }
                for (key, value) in [
                    ("interval", h.interval),
                    ("timeout", h.timeout),
                    ("healthy_threshold", h.healthy_threshold),
                    ("unhealthy_threshold", h.unhealthy_threshold),
                ] {
                    if let Some(v) = value {
                        w.attr(key, int(u64::from(v)));
                    }
                }
            });
        }
        if svc.autoscaling.is_some() {
            w.attr(
                "auto_scaling_configuration_arn",
                attr("aws_apprunner_auto_scaling_configuration_version", s, "arn").into(),
            );
        }
        if svc.observability.is_some() {
            w.block("observability_configuration", &[], |w| {
                w.attr("observability_enabled", Expression::Bool(true));
                w.attr(
                    "observability_configuration_arn",
                    attr("aws_apprunner_observability_configuration", s, "arn").into(),
                );
            });
        }
        w.block("network_configuration", &[], |w| {
            w.block("ingress_configuration", &[], |w| {
                w.attr("is_publicly_accessible", Expression::Bool(!svc.private));
            });
            w.block("egress_configuration", &[], |w| {
                if svc.vpc_egress {
                    let n = svc
                        .network
                        .as_deref()
                        .map(|net| network_snake(ir, net))
                        .unwrap_or_default();
                    w.attr("egress_type", string("VPC"));
                    w.attr(
                        "vpc_connector_arn",
                        attr("aws_apprunner_vpc_connector", &n, "arn").into(),
                    );
                } else {
                    w.attr("egress_type", string("DEFAULT"));
                }
            });
        });
        let policies: Vec<Expression> = access
            .iter()
            .chain(&instance)
            .map(|name| resource_ref("aws_iam_role_policy", name).into())
            .collect();
        if !policies.is_empty() {
            w.attr("depends_on", Expression::Array(policies));
        }
    });
}

/// `data "aws_iam_policy_document" "<role>_assume"`: `principal` may assume the role. Returns
/// the data source's name.
pub(super) fn trust_document(role: &str, principal: &str, w: &mut Doc) -> String {
    let assume = format!("{role}_assume");
    w.data("aws_iam_policy_document", &assume, |w| {
        w.block("statement", &[], |w| {
            w.attr("effect", string("Allow"));
            w.attr("actions", Expression::Array(vec![string("sts:AssumeRole")]));
            w.block("principals", &[], |w| {
                w.attr("type", string("Service"));
                w.attr("identifiers", Expression::Array(vec![string(principal)]));
            });
        });
    });
    assume
}

/// The role, its trust and permission policy documents, and the inline policy (which the
/// service depends on).
fn role_blocks(name: &str, role: &Role, w: &mut Doc) {
    let assume = trust_document(name, &role.principal, w);
    w.resource("aws_iam_role", name, |w| {
        w.attr("name", string(&role.physical));
        w.attr(
            "assume_role_policy",
            data_attr("aws_iam_policy_document", &assume, "json").into(),
        );
    });
    w.data("aws_iam_policy_document", name, |w| {
        for st in &role.statements {
            w.block("statement", &[], |w| {
                w.attr("sid", string(&st.sid));
                w.attr("effect", string("Allow"));
                w.attr(
                    "actions",
                    Expression::Array(st.actions.iter().map(|a| string(a)).collect()),
                );
                w.attr(
                    "resources",
                    Expression::Array(st.resources.iter().map(text).collect()),
                );
            });
        }
    });
    w.resource("aws_iam_role_policy", name, |w| {
        w.attr("name", string(&role.policy_name));
        w.attr("role", attr("aws_iam_role", name, "id").into());
        w.attr(
            "policy",
            data_attr("aws_iam_policy_document", name, "json").into(),
        );
    });
}
