//! One App Runner service: its roles with exact permissions, its auto scaling and
//! observability configurations, the service in App Runner's spelling of its size, and a
//! private service's VPC ingress connection to its network's requests endpoint.

use super::network;
use crate::ir::{
    self, AppRunnerService, AutoScaling, Builder, DeclId, DeclKind, IngressConnection,
    Observability, Ref, RepositoryType, RestApi, Role, RoleUse, Statement, VpcLink,
};
use crate::model::{self, Compute, Egress, HealthProtocol, ImageSource, Ingress, Service, UrlOf};
use crate::text::Text;
use std::collections::BTreeMap;

/// What an api's integrations refer to.
pub(super) struct Lowered {
    pub decl: DeclId,
    pub target: Target,
    /// The VPC link of its network, through which apis reach it when it is private.
    pub link: Option<Ref<VpcLink>>,
}

/// Where a service runs.
pub(super) enum Target {
    AppRunner {
        service: Ref<AppRunnerService>,
        ingress: Option<Ref<IngressConnection>>,
    },
    Ecs(super::ecs::Lowered),
}

/// The URLs services may use: each api's REST API (made early) with its stage name, and each
/// service lowered so far.
#[derive(Default)]
pub(super) struct Urls {
    pub apis: BTreeMap<String, (Ref<RestApi>, Text)>,
    pub services: BTreeMap<String, Ref<AppRunnerService>>,
}

pub(super) fn lower(
    b: &mut Builder,
    app: &str,
    service: &Service,
    networks: &BTreeMap<&str, network::Lowered>,
    urls: &Urls,
) -> Lowered {
    let names = super::names(app, &service.name);
    let physical = names.physical.clone();
    let decl = b.decl(DeclKind::Service, names, service.span);
    let network = service.network.as_deref().and_then(|n| networks.get(n));
    let private = service.ingress == Ingress::Private;

    // Roles first: the service starts only once they and their policies exist.
    let access_role = access_role(&physical, &service.image_source).map(|r| b.add(decl, r));
    let instance_role = instance_role(&physical, service).map(|r| b.add(decl, r));
    let autoscaling = service.scale.map(|s| {
        b.add(
            decl,
            AutoScaling {
                physical: physical.clone(),
                min: s.min,
                max: s.max,
                concurrency: s.concurrency,
            },
        )
    });
    let observability = service.tracing.then(|| {
        b.add(
            decl,
            Observability {
                physical: physical.clone(),
                vendor: "AWSXRAY",
            },
        )
    });
    let env = service
        .env
        .iter()
        .map(|(k, v)| (k.clone(), env_value(b, v, urls)))
        .collect();
    let egress = match (service.egress, network.and_then(|n| n.connector)) {
        (Egress::Vpc, Some(connector)) => ir::Egress::Vpc(connector),
        _ => ir::Egress::Default,
    };
    let runner = b.add(
        decl,
        AppRunnerService {
            physical: physical.clone(),
            image: service.image.clone(),
            repository_type: match service.image_source {
                ImageSource::EcrPrivate { .. } => RepositoryType::Ecr,
                ImageSource::EcrPublic => RepositoryType::EcrPublic,
            },
            port: service.port,
            cpu: format!("{} vCPU", thousandths(service.cpu_millis)),
            memory: format!("{} GB", thousandths(service.memory_mb * 1000 / 1024)),
            command: service.command.clone(),
            env,
            secrets: service.secrets.clone(),
            access_role,
            instance_role,
            health: service.health.as_ref().map(|h| ir::Health {
                protocol: match h.protocol {
                    HealthProtocol::Http => "HTTP",
                    HealthProtocol::Tcp => "TCP",
                },
                path: h.path.clone(),
                interval: h.interval,
                timeout: h.timeout,
                healthy_threshold: h.healthy,
                unhealthy_threshold: h.unhealthy,
            }),
            autoscaling,
            observability,
            private,
            egress,
            auto_deployments: false,
        },
    );
    let ingress = match (private, network) {
        (true, Some(network)) => network.endpoint.map(|endpoint| {
            b.add(
                decl,
                IngressConnection {
                    physical: physical.clone(),
                    service: runner,
                    vpc: network.vpc.clone(),
                    endpoint,
                },
            )
        }),
        _ => None,
    };
    Lowered {
        decl,
        target: Target::AppRunner {
            service: runner,
            ingress,
        },
        link: network.and_then(|n| n.link).filter(|_| private),
    }
}

/// An `env` value with its URLs as references to the resources they come from. A URL whose
/// resource is not lowered yet is a bug (services come after those whose URL they use):
/// recorded for validation to report, never silently dropped.
pub(super) fn env_value(b: &mut Builder, value: &model::EnvValue, urls: &Urls) -> ir::EnvValue {
    let mut parts = Vec::with_capacity(value.parts.len());
    for p in &value.parts {
        let part = match p {
            model::EnvPart::Text(t) => Some(ir::EnvPart::Text(t.clone())),
            model::EnvPart::Url(UrlOf::Api(name)) => {
                urls.apis.get(name).map(|(api, stage)| ir::EnvPart::ApiUrl {
                    api: *api,
                    stage: stage.clone(),
                })
            }
            model::EnvPart::Url(UrlOf::Service(name)) => urls
                .services
                .get(name)
                .copied()
                .map(ir::EnvPart::ServiceUrl),
        };
        match part {
            Some(part) => parts.push(part),
            None => b.broken(format!(
                "a URL in `env` refers to {p:?}, which is not lowered yet"
            )),
        }
    }
    ir::EnvValue { parts }
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
    let statements = pull_statements(source, Compute::AppRunner);
    (!statements.is_empty()).then(|| Role {
        role_use: RoleUse::Access,
        physical: format!("{physical}-access"),
        principal: "build.apprunner.amazonaws.com".to_string(),
        policy_name: "pull-image".to_string(),
        statements,
    })
}

/// Whether a secret's ARN is (Secrets Manager, SSM Parameter Store): a param-valued ARN may
/// be either, so it counts as both.
pub(super) fn secret_kinds(arn: &Text) -> (bool, bool) {
    let has = |needle: &str| {
        arn.parts
            .iter()
            .any(|p| matches!(p, crate::text::TextPart::Lit(s) if s.contains(needle)))
    };
    let (secrets_manager, ssm) = (has(":secretsmanager:"), has(":ssm:"));
    (secrets_manager || !ssm, ssm || !secrets_manager)
}

/// Read rights on exactly the service's secrets, X-Ray writes when tracing, and what its
/// `allow` statements grant.
fn instance_role(physical: &str, service: &Service) -> Option<Role> {
    let mut statements = secret_statements(service);
    statements.extend(code_statements(service));
    (!statements.is_empty()).then(|| Role {
        role_use: RoleUse::Instance,
        physical: format!("{physical}-instance"),
        principal: "tasks.apprunner.amazonaws.com".to_string(),
        policy_name: "runtime".to_string(),
        statements,
    })
}

/// `ecr:GetAuthorizationToken` and pulls from exactly the image's repository (private ECR).
/// App Runner also reads the image's description (`ecr:DescribeImages`, in AWS's managed
/// policy for its access role: it watches the tag for automatic deployments); ECS only pulls,
/// as AWS's task execution policy grants.
pub(super) fn pull_statements(source: &ImageSource, compute: Compute) -> Vec<Statement> {
    let ImageSource::EcrPrivate {
        partition,
        account,
        region,
        repository,
    } = source
    else {
        return Vec::new();
    };
    vec![
        Statement {
            sid: "EcrAuthorizationToken".to_string(),
            actions: vec!["ecr:GetAuthorizationToken".to_string()],
            resources: vec![Text::lit("*")],
            log_streams: Vec::new(),
        },
        Statement {
            sid: "PullImage".to_string(),
            actions: [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:DescribeImages",
                "ecr:GetDownloadUrlForLayer",
            ]
            .into_iter()
            .filter(|a| compute == Compute::AppRunner || *a != "ecr:DescribeImages")
            .map(String::from)
            .collect(),
            resources: vec![Text::lit(format!(
                "arn:{partition}:ecr:{region}:{account}:repository/{repository}"
            ))],
            log_streams: Vec::new(),
        },
    ]
}

/// The IAM resource of a Secrets Manager ARN as a service may write it: the secret itself,
/// without ECS's `:json-key:version-stage:version-id` after its name, and with `-??????` for
/// the six characters AWS appends when the ARN is partial (`secret:db` names
/// `secret:db-AbCdEf`). An ARN with a param stays as written.
fn secret_resource(arn: &Text) -> Text {
    let Some(literal) = arn.as_literal() else {
        return arn.clone();
    };
    let parts: Vec<&str> = literal.splitn(8, ':').collect();
    let [head @ .., "secret", name] = &parts[..parts.len().min(7)] else {
        return arn.clone();
    };
    let suffixed = name.len() > 7
        && name.as_bytes()[name.len() - 7] == b'-'
        && name[name.len() - 6..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric());
    let name = if suffixed {
        name.to_string()
    } else {
        format!("{name}-??????")
    };
    Text::lit(format!("{}:secret:{name}", head.join(":")))
}

/// Reads of exactly the service's secrets.
pub(super) fn secret_statements(service: &Service) -> Vec<Statement> {
    let mut secrets_manager = Vec::new();
    let mut parameters = Vec::new();
    for arn in service.secrets.values() {
        let (sm, ssm) = secret_kinds(arn);
        if sm {
            secrets_manager.push(secret_resource(arn));
        }
        if ssm {
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
                log_streams: Vec::new(),
            });
        }
    }
    statements
}

/// What the service's code may do: X-Ray writes when tracing, and its `allow` grants.
pub(super) fn code_statements(service: &Service) -> Vec<Statement> {
    let mut statements = Vec::new();
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
            log_streams: Vec::new(),
        });
    }
    // The user's grants, in the checked order (sorted), numbered from one.
    for (n, grant) in service.grants.iter().enumerate() {
        statements.push(Statement {
            sid: format!("Allow{}", n + 1),
            actions: grant.actions.clone(),
            resources: grant.resources.clone(),
            log_streams: Vec::new(),
        });
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::thousandths;
    use crate::text::Text;

    #[test]
    fn a_secret_is_granted_as_itself() {
        let r = |s: &str| super::secret_resource(&Text::lit(s)).to_string();
        let full = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";
        assert_eq!(r(full), full);
        assert_eq!(r(&format!("{full}:password::")), full);
        assert_eq!(
            r("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-??????"
        );
        assert_eq!(
            r("arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db:password::"),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-??????"
        );
    }

    #[test]
    fn spells_sizes_as_app_runner_does() {
        assert_eq!(thousandths(250), "0.25");
        assert_eq!(thousandths(500), "0.5");
        assert_eq!(thousandths(1000), "1");
        assert_eq!(thousandths(4000), "4");
    }
}
