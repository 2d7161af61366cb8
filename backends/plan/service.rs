//! Service steps: the access and instance roles with their exact inline policies, the auto
//! scaling and observability configurations, the App Runner service (private ones with
//! `IsPubliclyAccessible = false`) and each private service's VPC ingress connection, whose
//! domain name is the host of every VPC_LINK integration that targets the service (trap 4).
//!
//! IAM policy documents are JSON strings inside the input. They are built as JSON values and
//! serialized; an ARN that holds a parameter is cut out and put back as a `join`, so the plan
//! stays symbolic without hand-written JSON.

use super::network::{connector_arn, endpoint_id, vpc_id};
use super::steps::{id, join, kind, reference, tag_list, text, Step};
use crate::ir::{App, Ir, RepositoryType, Role, Service};
use crate::text::{Text, TextPart};
use serde_json::{json, Map, Value};

pub fn service_arn(service: &str) -> Value {
    reference(&id(service, kind::SERVICE), "ServiceArn")
}

pub fn service_url(service: &str) -> Value {
    reference(&id(service, kind::SERVICE), "ServiceUrl")
}

pub fn ingress_domain(service: &str) -> Value {
    reference(&id(service, kind::INGRESS), "DomainName")
}

pub fn steps(ir: &Ir, service: &Service) -> Vec<Step> {
    let app = &ir.app;
    let name = &service.names.spec;
    let mut steps = Vec::new();
    let mut policies = Vec::new();
    if let Some(role) = &service.access_role {
        role_steps(
            app,
            role,
            id(name, kind::ACCESS_ROLE),
            id(name, kind::ACCESS_POLICY),
            &mut steps,
        );
        policies.push(id(name, kind::ACCESS_POLICY));
    }
    if let Some(role) = &service.instance_role {
        role_steps(
            app,
            role,
            id(name, kind::INSTANCE_ROLE),
            id(name, kind::INSTANCE_POLICY),
            &mut steps,
        );
        policies.push(id(name, kind::INSTANCE_POLICY));
    }
    if let Some(scale) = &service.autoscaling {
        let input = json!({
            "AutoScalingConfigurationName": scale.physical,
            "MaxConcurrency": scale.concurrency,
            "MinSize": scale.min,
            "MaxSize": scale.max,
            "Tags": tag_list(&app.tags),
        });
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
            json!({ "AutoScalingConfigurationArn": step.out("AutoScalingConfigurationArn") });
        steps.push(step.delete("DeleteAutoScalingConfiguration", delete));
    }
    if let Some(obs) = &service.observability {
        let input = json!({
            "ObservabilityConfigurationName": obs.physical,
            "TraceConfiguration": { "Vendor": "AWSXRAY" },
            "Tags": tag_list(&app.tags),
        });
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
            json!({ "ObservabilityConfigurationArn": step.out("ObservabilityConfigurationArn") });
        steps.push(step.delete("DeleteObservabilityConfiguration", delete));
    }
    let mut step = Step::new(
        id(name, kind::SERVICE),
        "apprunner",
        "CreateService",
        service_input(app, service),
    )
    .output("ServiceArn", "Service.ServiceArn")
    .output("ServiceUrl", "Service.ServiceUrl");
    // The roles' permissions must be in place before App Runner pulls the image and starts.
    for policy in policies {
        step = step.after(policy);
    }
    let arn = json!({ "ServiceArn": step.out("ServiceArn") });
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
        let input = json!({
            "ServiceArn": service_arn(name),
            "VpcIngressConnectionName": conn.physical,
            "IngressVpcConfiguration": { "VpcId": vpc_id(net), "VpcEndpointId": endpoint_id(net) },
            "Tags": tag_list(&app.tags),
        });
        let step = Step::new(
            id(name, kind::INGRESS),
            "apprunner",
            "CreateVpcIngressConnection",
            input,
        )
        .output(
            "VpcIngressConnectionArn",
            "VpcIngressConnection.VpcIngressConnectionArn",
        )
        .output("DomainName", "VpcIngressConnection.DomainName");
        let arn = json!({ "VpcIngressConnectionArn": step.out("VpcIngressConnectionArn") });
        let step = step.wait(
            "DescribeVpcIngressConnection",
            arn.clone(),
            "VpcIngressConnection.Status",
            "AVAILABLE",
            900,
        );
        steps.push(step.delete("DeleteVpcIngressConnection", arn));
    }
    steps
}

fn service_input(app: &App, service: &Service) -> Value {
    let name = &service.names.spec;
    let mut image_config = Map::new();
    image_config.insert("Port".into(), json!(service.port.to_string()));
    if !service.env.is_empty() {
        image_config.insert("RuntimeEnvironmentVariables".into(), text_map(&service.env));
    }
    if !service.secrets.is_empty() {
        image_config.insert(
            "RuntimeEnvironmentSecrets".into(),
            text_map(&service.secrets),
        );
    }
    if let Some(command) = &service.command {
        image_config.insert("StartCommand".into(), text(command));
    }
    let repository_type = match service.repository_type {
        RepositoryType::Ecr => "ECR",
        RepositoryType::EcrPublic => "ECR_PUBLIC",
    };
    let mut source = Map::new();
    source.insert(
        "ImageRepository".into(),
        json!({
            "ImageIdentifier": text(&service.image),
            "ImageConfiguration": image_config,
            "ImageRepositoryType": repository_type,
        }),
    );
    // Deploys happen when the plan runs, with the tag it names; ECR Public cannot auto-deploy.
    source.insert("AutoDeploymentsEnabled".into(), json!(false));
    if service.access_role.is_some() {
        source.insert(
            "AuthenticationConfiguration".into(),
            json!({ "AccessRoleArn": reference(&id(name, kind::ACCESS_ROLE), "Arn") }),
        );
    }
    let mut instance = Map::new();
    instance.insert("Cpu".into(), json!(service.cpu));
    instance.insert("Memory".into(), json!(service.memory));
    if service.instance_role.is_some() {
        instance.insert(
            "InstanceRoleArn".into(),
            reference(&id(name, kind::INSTANCE_ROLE), "Arn"),
        );
    }
    let mut input = Map::new();
    input.insert("ServiceName".into(), json!(service.names.physical));
    input.insert("SourceConfiguration".into(), Value::Object(source));
    input.insert("InstanceConfiguration".into(), Value::Object(instance));
    input.insert("Tags".into(), tag_list(&app.tags));
    if let Some(health) = &service.health {
        let mut hc = Map::new();
        hc.insert("Protocol".into(), json!(health.protocol));
        let optional = [
            ("Interval", health.interval),
            ("Timeout", health.timeout),
            ("HealthyThreshold", health.healthy_threshold),
            ("UnhealthyThreshold", health.unhealthy_threshold),
        ];
        if let Some(path) = &health.path {
            hc.insert("Path".into(), text(path));
        }
        for (key, value) in optional {
            if let Some(v) = value {
                hc.insert(key.into(), json!(v));
            }
        }
        input.insert("HealthCheckConfiguration".into(), Value::Object(hc));
    }
    if service.autoscaling.is_some() {
        input.insert(
            "AutoScalingConfigurationArn".into(),
            reference(&id(name, kind::AUTOSCALING), "AutoScalingConfigurationArn"),
        );
    }
    let egress = match (&service.network, service.vpc_egress) {
        (Some(network), true) => {
            json!({ "EgressType": "VPC", "VpcConnectorArn": connector_arn(network) })
        }
        _ => json!({ "EgressType": "DEFAULT" }),
    };
    input.insert(
        "NetworkConfiguration".into(),
        json!({
            "EgressConfiguration": egress,
            "IngressConfiguration": { "IsPubliclyAccessible": !service.private },
        }),
    );
    if service.observability.is_some() {
        input.insert(
            "ObservabilityConfiguration".into(),
            json!({
                "ObservabilityEnabled": true,
                "ObservabilityConfigurationArn": reference(&id(name, kind::OBSERVABILITY), "ObservabilityConfigurationArn"),
            }),
        );
    }
    Value::Object(input)
}

fn text_map(map: &std::collections::BTreeMap<String, Text>) -> Value {
    Value::Object(map.iter().map(|(k, v)| (k.clone(), text(v))).collect())
}

/// CreateRole and PutRolePolicy. The policy step names the role through the role's output,
/// so it runs after the role exists and its delete (DeleteRolePolicy) runs before DeleteRole.
fn role_steps(
    app: &App,
    role: &Role,
    role_step: String,
    policy_step: String,
    steps: &mut Vec<Step>,
) {
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": role.principal },
            "Action": "sts:AssumeRole",
        }],
    });
    let input = json!({
        "RoleName": role.physical,
        "AssumeRolePolicyDocument": trust.to_string(),
        "Tags": tag_list(&app.tags),
    });
    let step = Step::new(role_step, "iam", "CreateRole", input)
        .output("Arn", "Role.Arn")
        .output("RoleName", "Role.RoleName");
    let role_name = step.out("RoleName");
    steps.push(step.delete("DeleteRole", json!({ "RoleName": role_name })));
    let input = json!({
        "RoleName": role_name,
        "PolicyName": role.policy_name,
        "PolicyDocument": policy_document(role),
    });
    let delete = json!({ "RoleName": role_name, "PolicyName": role.policy_name });
    steps.push(
        Step::new(policy_step, "iam", "PutRolePolicy", input).delete("DeleteRolePolicy", delete),
    );
}

/// Marks a parameter inside serialized JSON. serde_json writes U+0001 as `\u0001`, which no
/// ARN contains, so the markers can be found again after serializing.
const MARK: char = '\u{1}';
const MARK_ESCAPED: &str = "\\u0001";

fn policy_document(role: &Role) -> Value {
    let mut params: Vec<String> = Vec::new();
    let mut marked = |t: &Text| -> String {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                TextPart::Lit(s) => out.push_str(s),
                TextPart::Param(p) => {
                    out.push(MARK);
                    out.push_str(&params.len().to_string());
                    out.push(MARK);
                    params.push(p.clone());
                }
            }
        }
        out
    };
    let statements: Vec<Value> = role
        .statements
        .iter()
        .map(|s| {
            json!({
                "Sid": s.sid,
                "Effect": "Allow",
                "Action": s.actions,
                "Resource": s.resources.iter().map(&mut marked).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({ "Version": "2012-10-17", "Statement": statements }).to_string();
    // Even pieces are JSON text, odd pieces the index of a parameter.
    let parts = doc
        .split(MARK_ESCAPED)
        .enumerate()
        .map(|(i, piece)| {
            match (
                i % 2,
                piece.parse::<usize>().ok().and_then(|n| params.get(n)),
            ) {
                (1, Some(param)) => json!({ "param": param }),
                _ => json!(piece),
            }
        })
        .collect();
    join(parts)
}
