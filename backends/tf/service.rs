//! A service's resources: its IAM roles (access role for private ECR, instance role for
//! secrets and tracing), auto scaling and observability configurations, the App Runner
//! service itself, and the VPC ingress connection of a private service.
//!
//! Policies are `data "aws_iam_policy_document"` with the IR's statements verbatim: exact
//! actions and ARNs, so nothing here widens what lowering granted. The service waits for its
//! role policies (`depends_on`): App Runner checks at creation that the access role can pull,
//! and the role alone (without its policy) cannot.

use super::expr::{attr, block, data, list, resource, string, text, text_map};
use super::network::vpc_id;
use super::{network_snake, Blocks};
use crate::ir::{Ir, RepositoryType, Role, Service};
use hcl::expr::Expression;
use hcl::Block;

pub fn emit(ir: &Ir, svc: &Service, out: &mut Blocks) {
    let s = svc.names.snake.as_str();
    let mut policies = Vec::new();
    if let Some(role) = &svc.access_role {
        policies.push(role_blocks(&format!("{s}_access"), role, out));
    }
    if let Some(role) = &svc.instance_role {
        policies.push(role_blocks(&format!("{s}_instance"), role, out));
    }
    if let Some(scaling) = &svc.autoscaling {
        out.push(
            resource("aws_apprunner_auto_scaling_configuration_version", s)
                .add_attribute((
                    "auto_scaling_configuration_name",
                    string(scaling.physical.as_str()),
                ))
                .add_attribute(("min_size", u64::from(scaling.min)))
                .add_attribute(("max_size", u64::from(scaling.max)))
                .add_attribute(("max_concurrency", u64::from(scaling.concurrency)))
                .build(),
        );
    }
    if let Some(obs) = &svc.observability {
        out.push(
            resource("aws_apprunner_observability_configuration", s)
                .add_attribute((
                    "observability_configuration_name",
                    string(obs.physical.as_str()),
                ))
                .add_block(block(
                    "trace_configuration",
                    vec![("vendor", string("AWSXRAY"))],
                ))
                .build(),
        );
    }
    out.push(service_block(ir, svc, policies));
    if let Some(conn) = &svc.ingress_connection {
        let n = network_snake(ir, &conn.network);
        let vpc = ir
            .networks
            .iter()
            .find(|net| net.names.spec == conn.network)
            .map(vpc_id)
            .unwrap_or_else(|| attr("aws_vpc", &n, "id"));
        out.push(
            resource("aws_apprunner_vpc_ingress_connection", s)
                .add_attribute(("name", string(conn.physical.as_str())))
                .add_attribute(("service_arn", attr("aws_apprunner_service", s, "arn")))
                .add_block(block(
                    "ingress_vpc_configuration",
                    vec![
                        ("vpc_id", vpc),
                        ("vpc_endpoint_id", attr("aws_vpc_endpoint", &n, "id")),
                    ],
                ))
                .build(),
        );
    }
}

fn service_block(ir: &Ir, svc: &Service, policies: Vec<Expression>) -> Block {
    let s = svc.names.snake.as_str();
    let mut image_config =
        Block::builder("image_configuration").add_attribute(("port", svc.port.to_string()));
    if !svc.env.is_empty() {
        image_config =
            image_config.add_attribute(("runtime_environment_variables", text_map(&svc.env)));
    }
    if !svc.secrets.is_empty() {
        image_config =
            image_config.add_attribute(("runtime_environment_secrets", text_map(&svc.secrets)));
    }
    if let Some(cmd) = &svc.command {
        image_config = image_config.add_attribute(("start_command", text(cmd)));
    }
    let repo_type = match svc.repository_type {
        RepositoryType::Ecr => "ECR",
        RepositoryType::EcrPublic => "ECR_PUBLIC",
    };
    let image = Block::builder("image_repository")
        .add_attribute(("image_identifier", text(&svc.image)))
        .add_attribute(("image_repository_type", repo_type))
        .add_block(image_config.build())
        .build();
    // Deploys happen when Terraform changes the image, not when a tag is pushed.
    let mut source =
        Block::builder("source_configuration").add_attribute(("auto_deployments_enabled", false));
    if svc.access_role.is_some() {
        source = source.add_block(block(
            "authentication_configuration",
            vec![(
                "access_role_arn",
                attr("aws_iam_role", &format!("{s}_access"), "arn"),
            )],
        ));
    }
    let source = source.add_block(image).build();

    let mut instance = Block::builder("instance_configuration")
        .add_attribute(("cpu", string(svc.cpu.as_str())))
        .add_attribute(("memory", string(svc.memory.as_str())));
    if svc.instance_role.is_some() {
        instance = instance.add_attribute((
            "instance_role_arn",
            attr("aws_iam_role", &format!("{s}_instance"), "arn"),
        ));
    }

    let mut b = resource("aws_apprunner_service", s)
        .add_attribute(("service_name", string(svc.names.physical.as_str())))
        .add_block(source)
        .add_block(instance.build());
    if let Some(h) = &svc.health {
        let mut health = Block::builder("health_check_configuration")
            .add_attribute(("protocol", string(h.protocol.as_str())));
        if let Some(path) = &h.path {
            health = health.add_attribute(("path", text(path)));
        }
        for (key, value) in [
            ("interval", h.interval),
            ("timeout", h.timeout),
            ("healthy_threshold", h.healthy_threshold),
            ("unhealthy_threshold", h.unhealthy_threshold),
        ] {
            if let Some(v) = value {
                health = health.add_attribute((key, u64::from(v)));
            }
        }
        b = b.add_block(health.build());
    }
    if svc.autoscaling.is_some() {
        b = b.add_attribute((
            "auto_scaling_configuration_arn",
            attr("aws_apprunner_auto_scaling_configuration_version", s, "arn"),
        ));
    }
    if svc.observability.is_some() {
        b = b.add_block(block(
            "observability_configuration",
            vec![
                ("observability_enabled", Expression::Bool(true)),
                (
                    "observability_configuration_arn",
                    attr("aws_apprunner_observability_configuration", s, "arn"),
                ),
            ],
        ));
    }
    let mut egress = Block::builder("egress_configuration");
    if svc.vpc_egress {
        let n = svc
            .network
            .as_deref()
            .map(|net| network_snake(ir, net))
            .unwrap_or_default();
        egress = egress.add_attribute(("egress_type", "VPC")).add_attribute((
            "vpc_connector_arn",
            attr("aws_apprunner_vpc_connector", &n, "arn"),
        ));
    } else {
        egress = egress.add_attribute(("egress_type", "DEFAULT"));
    }
    let network = Block::builder("network_configuration")
        .add_block(block(
            "ingress_configuration",
            vec![("is_publicly_accessible", Expression::Bool(!svc.private))],
        ))
        .add_block(egress.build())
        .build();
    b = b.add_block(network);
    if !policies.is_empty() {
        b = b.add_attribute(("depends_on", list(policies)));
    }
    b.build()
}

/// The role, its trust and permission policy documents, and the inline policy. Returns the
/// policy resource, which the service depends on.
fn role_blocks(name: &str, role: &Role, out: &mut Blocks) -> Expression {
    let assume = format!("{name}_assume");
    let principals = block(
        "principals",
        vec![
            ("type", string("Service")),
            ("identifiers", list(vec![string(role.principal.as_str())])),
        ],
    );
    out.push(
        data("aws_iam_policy_document", &assume)
            .add_block(
                Block::builder("statement")
                    .add_attribute(("effect", "Allow"))
                    .add_attribute(("actions", list(vec![string("sts:AssumeRole")])))
                    .add_block(principals)
                    .build(),
            )
            .build(),
    );
    out.push(
        resource("aws_iam_role", name)
            .add_attribute(("name", string(role.physical.as_str())))
            .add_attribute((
                "assume_role_policy",
                super::expr::data_attr("aws_iam_policy_document", &assume, "json"),
            ))
            .build(),
    );
    let mut doc = data("aws_iam_policy_document", name);
    for st in &role.statements {
        doc = doc.add_block(
            Block::builder("statement")
                .add_attribute(("sid", string(st.sid.as_str())))
                .add_attribute(("effect", "Allow"))
                .add_attribute((
                    "actions",
                    list(st.actions.iter().map(|a| string(a.as_str())).collect()),
                ))
                .add_attribute(("resources", list(st.resources.iter().map(text).collect())))
                .build(),
        );
    }
    out.push(doc.build());
    out.push(
        resource("aws_iam_role_policy", name)
            .add_attribute(("name", string(role.policy_name.as_str())))
            .add_attribute(("role", attr("aws_iam_role", name, "id")))
            .add_attribute((
                "policy",
                super::expr::data_attr("aws_iam_policy_document", name, "json"),
            ))
            .build(),
    );
    super::expr::resource_ref("aws_iam_role_policy", name)
}
