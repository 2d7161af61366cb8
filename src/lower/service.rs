//! One App Runner service: its instance size in App Runner's spelling, its roles with exact
//! permissions, and the configurations and ingress connection it needs.

use crate::ir::{
    self, AutoScaling, IngressConnection, Observability, RepositoryType, Role, Statement,
};
use crate::model::{Egress, HealthProtocol, ImageSource, Ingress, Service};
use crate::text::Text;

pub(super) fn lower(app: &str, service: &Service) -> ir::Service {
    let names = super::names(app, &service.name);
    let private = service.ingress == Ingress::Private;
    ir::Service {
        network: service.network.clone(),
        image: service.image.clone(),
        repository_type: match service.image_source {
            ImageSource::EcrPrivate { .. } => RepositoryType::Ecr,
            ImageSource::EcrPublic => RepositoryType::EcrPublic,
        },
        port: service.port,
        cpu: format!("{} vCPU", thousandths(service.cpu_millis)),
        memory: format!("{} GB", thousandths(service.memory_mb * 1000 / 1024)),
        command: service.command.clone(),
        env: service.env.clone(),
        secrets: service.secrets.clone(),
        access_role: access_role(&names.physical, &service.image_source),
        instance_role: instance_role(&names.physical, service),
        health: service.health.as_ref().map(|h| ir::Health {
            protocol: match h.protocol {
                HealthProtocol::Http => "HTTP",
                HealthProtocol::Tcp => "TCP",
            }
            .to_string(),
            path: h.path.clone(),
            interval: h.interval,
            timeout: h.timeout,
            healthy_threshold: h.healthy,
            unhealthy_threshold: h.unhealthy,
        }),
        autoscaling: service.scale.map(|s| AutoScaling {
            physical: names.physical.clone(),
            min: s.min,
            max: s.max,
            concurrency: s.concurrency,
        }),
        observability: service.tracing.then(|| Observability {
            physical: names.physical.clone(),
        }),
        private,
        ingress_connection: match (&service.network, private) {
            (Some(network), true) => Some(IngressConnection {
                physical: names.physical.clone(),
                network: network.clone(),
            }),
            _ => None,
        },
        vpc_egress: service.egress == Egress::Vpc,
        names,
    }
}

/// `1000` -> `1`, `250` -> `0.25`, `500` -> `0.5`.
fn thousandths(value: u32) -> String {
    let whole = value / 1000;
    let frac = value % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{:03}", frac)
            .trim_end_matches('0')
            .to_string()
    }
}

/// Pull rights on exactly the image's repository (private ECR only).
fn access_role(physical: &str, source: &ImageSource) -> Option<Role> {
    let ImageSource::EcrPrivate {
        partition,
        account,
        region,
        repository,
    } = source
    else {
        return None;
    };
    Some(Role {
        physical: format!("{physical}-access"),
        principal: "build.apprunner.amazonaws.com".to_string(),
        policy_name: "pull-image".to_string(),
        statements: vec![
            Statement {
                sid: "EcrAuthorizationToken".to_string(),
                actions: vec!["ecr:GetAuthorizationToken".to_string()],
                resources: vec![Text::lit("*")],
            },
            Statement {
                sid: "PullImage".to_string(),
                actions: [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:DescribeImages",
                    "ecr:GetDownloadUrlForLayer",
                ]
                .map(String::from)
                .to_vec(),
                resources: vec![Text::lit(format!(
                    "arn:{partition}:ecr:{region}:{account}:repository/{repository}"
                ))],
            },
        ],
    })
}

/// Read rights on exactly the service's secrets, and X-Ray writes when tracing.
fn instance_role(physical: &str, service: &Service) -> Option<Role> {
    let mut secrets_manager = Vec::new();
    let mut parameters = Vec::new();
    for arn in service.secrets.values() {
        let literal = arn
            .parts
            .iter()
            .any(|p| matches!(p, crate::text::TextPart::Lit(s) if s.contains(":secretsmanager:")));
        let ssm = arn
            .parts
            .iter()
            .any(|p| matches!(p, crate::text::TextPart::Lit(s) if s.contains(":ssm:")));
        // A param-valued ARN may be either kind: grant both reads on that exact ARN.
        if literal || !ssm {
            secrets_manager.push(arn.clone());
        }
        if ssm || !literal {
            parameters.push(arn.clone());
        }
    }
    let mut statements = Vec::new();
    for (sid, action, mut resources) in [
        (
            "ReadSecrets",
            "secretsmanager:GetSecretValue",
            secrets_manager,
        ),
        ("ReadParameters", "ssm:GetParameters", parameters),
    ] {
        if !resources.is_empty() {
            resources.sort();
            resources.dedup();
            statements.push(Statement {
                sid: sid.to_string(),
                actions: vec![action.to_string()],
                resources,
            });
        }
    }
    if service.tracing {
        statements.push(Statement {
            sid: "WriteTraces".to_string(),
            actions: [
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ]
            .map(String::from)
            .to_vec(),
            resources: vec![Text::lit("*")],
        });
    }
    (!statements.is_empty()).then(|| Role {
        physical: format!("{physical}-instance"),
        principal: "tasks.apprunner.amazonaws.com".to_string(),
        policy_name: "runtime".to_string(),
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::thousandths;

    #[test]
    fn spells_sizes_as_app_runner_does() {
        assert_eq!(thousandths(250), "0.25");
        assert_eq!(thousandths(500), "0.5");
        assert_eq!(thousandths(1000), "1");
        assert_eq!(thousandths(4000), "4");
    }
}
