//! Service kinds as Terraform blocks: IAM roles (trust and permission policy documents, the
//! role, its inline policy), the auto scaling and observability configurations, the App Runner
//! service, and a private service's VPC ingress connection.
//!
//! Policies are `data "aws_iam_policy_document"` with the graph's statements verbatim: exact
//! actions and ARNs, so nothing here widens what lowering granted. The service waits for its
//! role policies (`depends_on`): App Runner checks at creation that the access role can pull,
//! and the role alone (without its policy) cannot.

use super::cx::Cx;
use super::doc::{BodyExt, Doc};
use super::expr::{data_attr, int, pieces, resource_ref, string, template, text, Piece};
use super::network::{health_check, vpc_id};
use crate::ir::{
    AppRunnerService, AutoScaling, Egress, EnvPart, EnvValue, Id, IngressConnection, Internal,
    Observability, Role,
};
use hcl::Expression;

/// `data "aws_iam_policy_document" "<role>_assume"`: `principal` may assume the role. Returns
/// the data source's name.
pub fn trust_document(role: &str, principal: &str, w: &mut Doc) -> String {
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
pub fn role(cx: &Cx, me: Id, role: &Role, w: &mut Doc) -> Result<(), Internal> {
    let name = cx.name(me)?;
    // Each statement's resources, then its log groups' streams: `<group ARN>:*` (the
    // provider's `arn` of a log group has no `:*`).
    let resources = role
        .statements
        .iter()
        .map(|st| {
            let streams = st
                .log_streams
                .iter()
                .map(|g| {
                    Ok(template([
                        Piece::Ref(cx.attr(*g, "arn")?.into()),
                        Piece::Lit(":*"),
                    ]))
                })
                .collect::<Result<Vec<_>, Internal>>()?;
            Ok(st.resources.iter().map(text).chain(streams).collect())
        })
        .collect::<Result<Vec<Vec<Expression>>, Internal>>()?;
    let assume = trust_document(name, &role.principal, w);
    w.resource("aws_iam_role", name, |w| {
        w.attr("name", string(&role.physical));
        w.attr(
            "assume_role_policy",
            data_attr("aws_iam_policy_document", &assume, "json").into(),
        );
    });
    w.data("aws_iam_policy_document", name, |w| {
        for (st, resources) in role.statements.iter().zip(resources) {
            w.block("statement", &[], |w| {
                w.attr("sid", string(&st.sid));
                w.attr("effect", string("Allow"));
                w.attr(
                    "actions",
                    Expression::Array(st.actions.iter().map(|a| string(a)).collect()),
                );
                w.attr("resources", Expression::Array(resources));
            });
        }
    });
    w.resource("aws_iam_role_policy", name, |w| {
        w.attr("name", string(&role.policy_name));
        w.attr("role", super::expr::attr("aws_iam_role", name, "id").into());
        w.attr(
            "policy",
            data_attr("aws_iam_policy_document", name, "json").into(),
        );
    });
    Ok(())
}

pub fn autoscaling(cx: &Cx, me: Id, scale: &AutoScaling, w: &mut Doc) -> Result<(), Internal> {
    w.resource(
        "aws_apprunner_auto_scaling_configuration_version",
        cx.name(me)?,
        |w| {
            w.attr("auto_scaling_configuration_name", string(&scale.physical));
            w.attr("min_size", int(u64::from(scale.min)));
            w.attr("max_size", int(u64::from(scale.max)));
            w.attr("max_concurrency", int(u64::from(scale.concurrency)));
        },
    );
    Ok(())
}

pub fn observability(cx: &Cx, me: Id, obs: &Observability, w: &mut Doc) -> Result<(), Internal> {
    w.resource(
        "aws_apprunner_observability_configuration",
        cx.name(me)?,
        |w| {
            w.attr("observability_configuration_name", string(&obs.physical));
            w.block("trace_configuration", &[], |w| {
                w.attr("vendor", string(obs.vendor));
            });
        },
    );
    Ok(())
}

/// An `env` value: its text as [`text`] writes it, or with URLs a template interpolating the
/// REST API's id and the service's host name.
pub(super) fn env_value(cx: &Cx, value: &EnvValue) -> Result<Expression, Internal> {
    if let Some(t) = value.as_text() {
        return Ok(text(t));
    }
    // The DNS suffix is the partition's: the app's region's, in a module too.
    let suffix = format!(".{}/", crate::backends::dns_suffix(&cx.g.app.region));
    let mut out = Vec::new();
    for part in &value.parts {
        match part {
            EnvPart::Text(t) => out.extend(pieces(t)),
            EnvPart::ApiUrl { api, stage } => {
                out.push(Piece::Lit("https://"));
                out.push(Piece::Ref(cx.attr(*api, "id")?.into()));
                out.push(Piece::Lit(".execute-api."));
                out.push(cx.region_piece());
                out.push(Piece::Lit(&suffix));
                out.extend(pieces(stage));
            }
            EnvPart::ServiceUrl(service) => {
                out.push(Piece::Lit("https://"));
                out.push(Piece::Ref(cx.attr(*service, "service_url")?.into()));
            }
        }
    }
    Ok(template(out))
}

pub fn service(cx: &Cx, me: Id, svc: &AppRunnerService, w: &mut Doc) -> Result<(), Internal> {
    let port = svc.port.to_string();
    let access = svc.access_role.map(|r| cx.attr(r, "arn")).transpose()?;
    let instance = svc.instance_role.map(|r| cx.attr(r, "arn")).transpose()?;
    let scaling = svc.autoscaling.map(|r| cx.attr(r, "arn")).transpose()?;
    let observability = svc.observability.map(|r| cx.attr(r, "arn")).transpose()?;
    let connector = match &svc.egress {
        Egress::Vpc(c) => Some(cx.attr(*c, "arn")?),
        Egress::Default => None,
    };
    let policies: Vec<Expression> = svc
        .access_role
        .iter()
        .chain(&svc.instance_role)
        .map(|r| Ok(resource_ref("aws_iam_role_policy", cx.name(r.id)?).into()))
        .collect::<Result<_, Internal>>()?;
    let env = svc
        .env
        .iter()
        .map(|(k, v)| Ok((k, env_value(cx, v)?)))
        .collect::<Result<Vec<_>, Internal>>()?;
    w.resource("aws_apprunner_service", cx.name(me)?, |w| {
        w.attr("service_name", string(&svc.physical));
        w.block("source_configuration", &[], |w| {
            // Deploys happen when Terraform changes the image, not when a tag is pushed.
            w.attr(
                "auto_deployments_enabled",
                Expression::Bool(svc.auto_deployments),
            );
            if let Some(access) = access {
                w.block("authentication_configuration", &[], |w| {
                    w.attr("access_role_arn", access.into());
                });
            }
            w.block("image_repository", &[], |w| {
                w.attr("image_identifier", text(&svc.image));
                w.attr(
                    "image_repository_type",
                    string(svc.repository_type.as_aws()),
                );
                w.block("image_configuration", &[], |w| {
                    w.attr("port", string(&port));
                    if !env.is_empty() {
                        w.map(
                            "runtime_environment_variables",
                            env.iter().map(|(k, v)| (*k, v.clone())),
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
                w.attr("instance_role_arn", instance.into());
            }
        });
        if let Some(h) = &svc.health {
            health_check("health_check_configuration", h, w);
        }
        if let Some(scaling) = scaling {
            w.attr("auto_scaling_configuration_arn", scaling.into());
        }
        if let Some(observability) = observability {
            w.block("observability_configuration", &[], |w| {
                w.attr("observability_enabled", Expression::Bool(true));
                w.attr("observability_configuration_arn", observability.into());
            });
        }
        w.block("network_configuration", &[], |w| {
            w.block("ingress_configuration", &[], |w| {
                w.attr("is_publicly_accessible", Expression::Bool(!svc.private));
            });
            w.block("egress_configuration", &[], |w| {
                w.attr("egress_type", string(svc.egress.as_aws()));
                if let Some(connector) = connector {
                    w.attr("vpc_connector_arn", connector.into());
                }
            });
        });
        if !policies.is_empty() {
            w.attr("depends_on", Expression::Array(policies));
        }
    });
    Ok(())
}

pub fn ingress(cx: &Cx, me: Id, conn: &IngressConnection, w: &mut Doc) -> Result<(), Internal> {
    let service = cx.attr(conn.service, "arn")?;
    let vpc = vpc_id(cx, &conn.vpc)?;
    let endpoint = cx.attr(conn.endpoint, "id")?;
    w.resource("aws_apprunner_vpc_ingress_connection", cx.name(me)?, |w| {
        w.attr("name", string(&conn.physical));
        w.attr("service_arn", service.into());
        w.block("ingress_vpc_configuration", &[], |w| {
            w.attr("vpc_id", vpc);
            w.attr("vpc_endpoint_id", endpoint.into());
        });
    });
    Ok(())
}
