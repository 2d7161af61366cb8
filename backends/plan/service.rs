//! Service steps: the access and instance roles with their exact inline policies, the auto
//! scaling and observability configurations, the App Runner service (private ones with
//! `IsPubliclyAccessible = false`) and each private service's VPC ingress connection, whose
//! domain name is the host of every VPC_LINK integration that targets the service (trap 4).
//!
//! IAM policy documents are JSON strings inside the input. They are built as [`J`] values and
//! serialized compactly by serde_json; an ARN that holds a parameter is cut out and put back
//! as a `join`, so the plan stays symbolic without hand-written JSON.
//!
//! The app's tags, the same on every service's calls, come in built once and shared.

use super::ids::{id, kind};
use super::json::{arr, obj, Key, StepId, J};
use super::network::{connector_arn, endpoint_id, vpc_id};
#[cfg(doc)]
use super::steps::tag_list;
use super::steps::{join, reference, text, Step};
use crate::ir::{Ir, RepositoryType, Role, Service};
use crate::text::{Text, TextPart};

pub fn service_arn(service: &str) -> J<'static> {
    reference(id(service, kind::SERVICE), "ServiceArn")
}

pub fn service_url(service: &str) -> J<'static> {
    reference(id(service, kind::SERVICE), "ServiceUrl")
}

pub fn ingress_domain(service: &str) -> J<'static> {
    reference(id(service, kind::INGRESS), "DomainName")
}

/// The service's steps, appended to `steps`. `tags` is the app's [`tag_list`], shared.
pub fn steps<'a>(ir: &'a Ir, service: &'a Service, tags: &J<'a>, steps: &mut Vec<Step<'a>>) {
    let name = &service.names.spec;
    let mut policies = Vec::new();
    // The role steps' ids, kept for the refs the service input makes to them.
    let mut access_role = None;
    let mut instance_role = None;
    if let Some(role) = &service.access_role {
        let (role_id, policy_id) = (id(name, kind::ACCESS_ROLE), id(name, kind::ACCESS_POLICY));
        role_steps(role, role_id.clone(), policy_id.clone(), tags, steps);
        policies.push(policy_id);
        access_role = Some(role_id);
    }
    if let Some(role) = &service.instance_role {
        let (role_id, policy_id) = (
            id(name, kind::INSTANCE_ROLE),
            id(name, kind::INSTANCE_POLICY),
        );
        role_steps(role, role_id.clone(), policy_id.clone(), tags, steps);
        policies.push(policy_id);
        instance_role = Some(role_id);
    }
    let mut autoscaling = None;
    if let Some(scale) = &service.autoscaling {
        let input = obj! {
            "AutoScalingConfigurationName" => &scale.physical,
            "MaxConcurrency" => scale.concurrency,
            "MinSize" => scale.min,
            "MaxSize" => scale.max,
            "Tags" => tags.clone(),
        };
        let step = Step::new(
            id(name, kind::AUTOSCALING),
            "apprunner",
            "CreateAutoScalingConfiguration",
            input,
        )
        .output(
            "AutoScalingConfigurationArn",
            "AutoScalingConfiguration.AutoScalingConfigurationArn",
        );
        let delete =
            obj! { "AutoScalingConfigurationArn" => step.out("AutoScalingConfigurationArn") };
        autoscaling = Some(step.id.clone());
        steps.push(step.delete("DeleteAutoScalingConfiguration", delete));
    }
    let mut observability = None;
    if let Some(obs) = &service.observability {
        let input = obj! {
            "ObservabilityConfigurationName" => &obs.physical,
            "TraceConfiguration" => obj! { "Vendor" => "AWSXRAY" },
            "Tags" => tags.clone(),
        };
        let step = Step::new(
            id(name, kind::OBSERVABILITY),
            "apprunner",
            "CreateObservabilityConfiguration",
            input,
        )
        .output(
            "ObservabilityConfigurationArn",
            "ObservabilityConfiguration.ObservabilityConfigurationArn",
        );
        let delete =
            obj! { "ObservabilityConfigurationArn" => step.out("ObservabilityConfigurationArn") };
        observability = Some(step.id.clone());
        steps.push(step.delete("DeleteObservabilityConfiguration", delete));
    }
    let refs = ServiceRefs {
        access_role,
        instance_role,
        autoscaling,
        observability,
    };
    let mut step = Step::new(
        id(name, kind::SERVICE),
        "apprunner",
        "CreateService",
        service_input(service, refs, tags),
    )
    .output("ServiceArn", "Service.ServiceArn")
    .output("ServiceUrl", "Service.ServiceUrl");
    // The roles' permissions must be in place before App Runner pulls the image and starts.
    for policy in policies {
        step = step.after(policy);
    }
    let arn = obj! { "ServiceArn" => step.out("ServiceArn") };
    let service_id = step.id.clone();
    let step = step.wait(
        "DescribeService",
        arn.clone(),
        "Service.Status",
        "RUNNING",
        1800,
    );
    steps.push(step.delete("DeleteService", arn));
    let connection = service.ingress_connection.as_ref().and_then(|conn| {
        let net = ir.networks.iter().find(|n| n.names.spec == conn.network)?;
        Some((conn, net))
    });
    if let Some((conn, net)) = connection {
        let input = obj! {
            "ServiceArn" => reference(service_id, "ServiceArn"),
            "VpcIngressConnectionName" => &conn.physical,
            "IngressVpcConfiguration" => obj! { "VpcId" => vpc_id(net), "VpcEndpointId" => endpoint_id(net) },
            "Tags" => tags.clone(),
        };
        let step = Step::new(
            id(name, kind::INGRESS),
            "apprunner",
            "CreateVpcIngressConnection",
            input,
        )
        .output(
            "VpcIngressConnectionArn",
            "VpcIngressConnection.VpcIngressConnectionArn",
        );
        let arn = obj! { "VpcIngressConnectionArn" => step.out("VpcIngressConnectionArn") };
        // The domain name is read once the connection is available: the create response may
        // not carry it yet (spec section 8, "Values read when they exist").
        let step = step
            .wait(
                "DescribeVpcIngressConnection",
                arn.clone(),
                "VpcIngressConnection.Status",
                "AVAILABLE",
                900,
            )
            .wait_output("DomainName", "VpcIngressConnection.DomainName");
        steps.push(step.delete("DeleteVpcIngressConnection", arn));
    }
}

/// The ids of the service's own earlier steps that its input refers to, when they exist.
struct ServiceRefs {
    access_role: Option<StepId>,
    instance_role: Option<StepId>,
    autoscaling: Option<StepId>,
    observability: Option<StepId>,
}

fn service_input<'a>(service: &'a Service, refs: ServiceRefs, tags: &J<'a>) -> J<'a> {
    let mut image_config = obj! { +3; "Port" => service.port.to_string() };
    if !service.env.is_empty() {
        image_config.push("RuntimeEnvironmentVariables", text_map(&service.env));
    }
    if !service.secrets.is_empty() {
        image_config.push("RuntimeEnvironmentSecrets", text_map(&service.secrets));
    }
    if let Some(command) = &service.command {
        image_config.push("StartCommand", text(command));
    }
    let repository_type = match service.repository_type {
        RepositoryType::Ecr => "ECR",
        RepositoryType::EcrPublic => "ECR_PUBLIC",
    };
    let mut source = obj! { +1;
        "ImageRepository" => obj! {
            "ImageIdentifier" => text(&service.image),
            "ImageConfiguration" => image_config,
            "ImageRepositoryType" => repository_type,
        },
        // Deploys happen when the plan runs, with the tag it names; ECR Public cannot
        // auto-deploy.
        "AutoDeploymentsEnabled" => false,
    };
    if let Some(role) = refs.access_role {
        source.push(
            "AuthenticationConfiguration",
            obj! { "AccessRoleArn" => reference(role, "Arn") },
        );
    }
    let mut instance = obj! { +1; "Cpu" => &service.cpu, "Memory" => &service.memory };
    if let Some(role) = refs.instance_role {
        instance.push("InstanceRoleArn", reference(role, "Arn"));
    }
    let mut input = obj! { +4;
        "ServiceName" => &service.names.physical,
        "SourceConfiguration" => source,
        "InstanceConfiguration" => instance,
        "Tags" => tags.clone(),
    };
    if let Some(health) = &service.health {
        let mut hc = obj! { +5; "Protocol" => &health.protocol };
        let optional = [
            ("Interval", health.interval),
            ("Timeout", health.timeout),
            ("HealthyThreshold", health.healthy_threshold),
            ("UnhealthyThreshold", health.unhealthy_threshold),
        ];
        if let Some(path) = &health.path {
            hc.push("Path", text(path));
        }
        for (key, value) in optional {
            if let Some(v) = value {
                hc.push(key, v);
            }
        }
        input.push("HealthCheckConfiguration", hc);
    }
    if let Some(scaling) = refs.autoscaling {
        input.push(
            "AutoScalingConfigurationArn",
            reference(scaling, "AutoScalingConfigurationArn"),
        );
    }
    let egress = match (&service.network, service.vpc_egress) {
        (Some(network), true) => {
            obj! { "EgressType" => "VPC", "VpcConnectorArn" => connector_arn(network) }
        }
        _ => obj! { "EgressType" => "DEFAULT" },
    };
    input.push(
        "NetworkConfiguration",
        obj! {
            "EgressConfiguration" => egress,
            "IngressConfiguration" => obj! { "IsPubliclyAccessible" => !service.private },
        },
    );
    if let Some(observability) = refs.observability {
        input.push(
            "ObservabilityConfiguration",
            obj! {
                "ObservabilityEnabled" => true,
                "ObservabilityConfigurationArn" => reference(observability, "ObservabilityConfigurationArn"),
            },
        );
    }
    input
}

fn text_map(map: &std::collections::BTreeMap<String, Text>) -> J<'_> {
    J::Obj(
        map.iter()
            .map(|(k, v)| (Key::from(k.as_str()), text(v)))
            .collect(),
    )
}

/// CreateRole and PutRolePolicy. The policy step names the role through the role's output,
/// so it runs after the role exists and its delete (DeleteRolePolicy) runs before DeleteRole.
fn role_steps<'a>(
    role: &'a Role,
    role_step: StepId,
    policy_step: StepId,
    tags: &J<'a>,
    steps: &mut Vec<Step<'a>>,
) {
    let input = obj! {
        "RoleName" => &role.physical,
        "AssumeRolePolicyDocument" => trust_policy(&role.principal),
        "Tags" => tags.clone(),
    };
    let step = Step::new(role_step, "iam", "CreateRole", input)
        .output("Arn", "Role.Arn")
        .output("RoleName", "Role.RoleName");
    let role_name = step.out("RoleName");
    steps.push(step.delete("DeleteRole", obj! { "RoleName" => role_name.clone() }));
    let input = obj! {
        "RoleName" => role_name.clone(),
        "PolicyName" => &role.policy_name,
        "PolicyDocument" => policy_document(role),
    };
    let delete = obj! { "RoleName" => role_name, "PolicyName" => &role.policy_name };
    steps.push(
        Step::new(policy_step, "iam", "PutRolePolicy", input).delete("DeleteRolePolicy", delete),
    );
}

/// The trust policy that lets `principal` assume a role, as IAM takes it.
pub fn trust_policy(principal: &str) -> String {
    compact(&obj! {
        "Version" => "2012-10-17",
        "Statement" => arr![obj! {
            "Effect" => "Allow",
            "Principal" => obj! { "Service" => principal },
            "Action" => "sts:AssumeRole",
        }],
    })
}

/// A policy document as IAM takes it: compact JSON text inside the input.
fn compact(doc: &J) -> String {
    // Policies run to a few hundred bytes: one allocation rather than a doubling series.
    let mut text = Vec::with_capacity(512);
    // Serializing to memory cannot fail (every key is a string), and serde_json writes only
    // UTF-8: an empty text would be refused by the API models the plan is checked against,
    // never silently deployed.
    match serde_json::to_writer(&mut text, doc) {
        Ok(()) => String::from_utf8(text).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Marks a parameter inside serialized JSON. serde_json writes U+0001 as `\u0001`, which no
/// ARN contains, so the markers can be found again after serializing.
const MARK: char = '\u{1}';
const MARK_ESCAPED: &str = "\\u0001";

fn policy_document<'a>(role: &'a Role) -> J<'a> {
    let mut params: Vec<&'a str> = Vec::new();
    let mut marked = |t: &'a Text| -> J<'static> {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                TextPart::Lit(s) => out.push_str(s),
                TextPart::Param(p) => {
                    out.push(MARK);
                    out.push_str(&params.len().to_string());
                    out.push(MARK);
                    params.push(p);
                }
            }
        }
        J::from(out)
    };
    let statements: Vec<J> = role
        .statements
        .iter()
        .map(|s| {
            obj! {
                "Sid" => &s.sid,
                "Effect" => "Allow",
                "Action" => J::Arr(s.actions.iter().map(J::from).collect()),
                "Resource" => J::Arr(s.resources.iter().map(&mut marked).collect()),
            }
        })
        .collect();
    let doc = compact(&obj! { "Version" => "2012-10-17", "Statement" => statements });
    if !doc.contains(MARK_ESCAPED) {
        return J::from(doc);
    }
    // Even pieces are JSON text, odd pieces the index of a parameter.
    let parts = doc
        .split(MARK_ESCAPED)
        .enumerate()
        .map(|(i, piece)| {
            match (
                i % 2,
                piece.parse::<usize>().ok().and_then(|n| params.get(n)),
            ) {
                (1, Some(param)) => J::Param(param),
                _ => J::from(piece.to_string()),
            }
        })
        .collect();
    join(parts)
}
