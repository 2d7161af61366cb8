//! One App Runner service: its access and instance roles (the IR's statements, verbatim, as
//! one inline policy each; no `RoleName`, so `CAPABILITY_IAM` suffices), its auto scaling
//! and observability configurations, the service itself, and, when private, its VPC ingress
//! connection to the network's requests endpoint.

use super::intrinsics::{get_att, ref_, text};
use super::network::{connector_id, endpoint_id, vpc_value};
use super::{network, BackendError, Template};
use crate::ir::{Ir, RepositoryType, Role, Service};
use crate::text::Text;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub fn emit(t: &mut Template, ir: &Ir, svc: &Service) -> Result<(), BackendError> {
    let p = &svc.names.pascal;
    let net = match &svc.network {
        Some(name) => Some(network(ir, name, &format!("service `{}`", svc.names.spec))?),
        None => None,
    };
    if let Some(role) = &svc.access_role {
        t.add(
            &format!("{p}AccessRole"),
            "AWS::IAM::Role",
            role_properties(t, role),
        )?;
    }
    if let Some(role) = &svc.instance_role {
        t.add(
            &format!("{p}InstanceRole"),
            "AWS::IAM::Role",
            role_properties(t, role),
        )?;
    }
    if let Some(scaling) = &svc.autoscaling {
        t.add(
            &format!("{p}AutoScaling"),
            "AWS::AppRunner::AutoScalingConfiguration",
            json!({
                "AutoScalingConfigurationName": scaling.physical,
                "MinSize": scaling.min,
                "MaxSize": scaling.max,
                "MaxConcurrency": scaling.concurrency,
                "Tags": t.tags,
            }),
        )?;
    }
    if let Some(obs) = &svc.observability {
        t.add(
            &format!("{p}Observability"),
            "AWS::AppRunner::ObservabilityConfiguration",
            json!({
                "ObservabilityConfigurationName": obs.physical,
                "TraceConfiguration": { "Vendor": "AWSXRAY" },
                "Tags": t.tags,
            }),
        )?;
    }

    let mut image_config = Map::new();
    image_config.insert("Port".into(), json!(svc.port.to_string()));
    if !svc.env.is_empty() {
        image_config.insert("RuntimeEnvironmentVariables".into(), pairs(&svc.env));
    }
    if !svc.secrets.is_empty() {
        image_config.insert("RuntimeEnvironmentSecrets".into(), pairs(&svc.secrets));
    }
    if let Some(command) = &svc.command {
        image_config.insert("StartCommand".into(), text(command));
    }
    let mut source = Map::new();
    if svc.access_role.is_some() {
        source.insert(
            "AuthenticationConfiguration".into(),
            json!({ "AccessRoleArn": get_att(&format!("{p}AccessRole"), "Arn") }),
        );
    }
    // The template decides what runs (the image tag is a parameter): App Runner must not
    // redeploy on its own when a tag is pushed (and ECR Public does not support it at all).
    source.insert("AutoDeploymentsEnabled".into(), json!(false));
    source.insert(
        "ImageRepository".into(),
        json!({
            "ImageIdentifier": text(&svc.image),
            "ImageRepositoryType": match svc.repository_type {
                RepositoryType::Ecr => "ECR",
                RepositoryType::EcrPublic => "ECR_PUBLIC",
            },
            "ImageConfiguration": image_config,
        }),
    );

    let mut instance = Map::new();
    instance.insert("Cpu".into(), json!(svc.cpu));
    instance.insert("Memory".into(), json!(svc.memory));
    if svc.instance_role.is_some() {
        instance.insert(
            "InstanceRoleArn".into(),
            get_att(&format!("{p}InstanceRole"), "Arn"),
        );
    }

    let mut egress = Map::new();
    if svc.vpc_egress {
        let Some(net) = net.filter(|n| n.connector.is_some()) else {
            return Err(internal(
                svc,
                "has VPC egress but its network has no VPC connector",
            ));
        };
        egress.insert("EgressType".into(), json!("VPC"));
        egress.insert(
            "VpcConnectorArn".into(),
            get_att(&connector_id(net), "VpcConnectorArn"),
        );
    } else {
        egress.insert("EgressType".into(), json!("DEFAULT"));
    }

    let mut props = Map::new();
    props.insert("ServiceName".into(), json!(svc.names.physical));
    props.insert("SourceConfiguration".into(), Value::Object(source));
    props.insert("InstanceConfiguration".into(), Value::Object(instance));
    if let Some(h) = &svc.health {
        let mut health = Map::new();
        health.insert("Protocol".into(), json!(h.protocol));
        let optional = [
            ("Path", h.path.as_ref().map(text)),
            ("Interval", h.interval.map(|v| json!(v))),
            ("Timeout", h.timeout.map(|v| json!(v))),
            ("HealthyThreshold", h.healthy_threshold.map(|v| json!(v))),
            (
                "UnhealthyThreshold",
                h.unhealthy_threshold.map(|v| json!(v)),
            ),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                health.insert(key.into(), value);
            }
        }
        props.insert("HealthCheckConfiguration".into(), Value::Object(health));
    }
    if svc.autoscaling.is_some() {
        props.insert(
            "AutoScalingConfigurationArn".into(),
            get_att(&format!("{p}AutoScaling"), "AutoScalingConfigurationArn"),
        );
    }
    if svc.observability.is_some() {
        props.insert(
            "ObservabilityConfiguration".into(),
            json!({
                "ObservabilityEnabled": true,
                "ObservabilityConfigurationArn": get_att(&format!("{p}Observability"), "ObservabilityConfigurationArn"),
            }),
        );
    }
    props.insert(
        "NetworkConfiguration".into(),
        json!({
            "IngressConfiguration": { "IsPubliclyAccessible": !svc.private },
            "EgressConfiguration": egress,
        }),
    );
    props.insert("Tags".into(), t.tags.clone());
    t.add(
        &format!("{p}Service"),
        "AWS::AppRunner::Service",
        Value::Object(props),
    )?;

    if let Some(conn) = &svc.ingress_connection {
        let net = network(
            ir,
            &conn.network,
            &format!("the ingress connection of service `{}`", svc.names.spec),
        )?;
        if net.endpoint.is_none() {
            return Err(internal(
                svc,
                "is private but its network has no requests endpoint",
            ));
        }
        t.add(
            &format!("{p}IngressConnection"),
            "AWS::AppRunner::VpcIngressConnection",
            json!({
                "VpcIngressConnectionName": conn.physical,
                "ServiceArn": get_att(&format!("{p}Service"), "ServiceArn"),
                "IngressVpcConfiguration": {
                    "VpcId": vpc_value(net),
                    "VpcEndpointId": ref_(&endpoint_id(net)),
                },
                "Tags": t.tags,
            }),
        )?;
    }
    Ok(())
}

fn internal(svc: &Service, what: &str) -> BackendError {
    super::internal(format!("service `{}` {what}", svc.names.spec))
}

/// `[{Name, Value}]`, sorted by name (the map is ordered).
fn pairs(map: &BTreeMap<String, Text>) -> Value {
    Value::Array(
        map.iter()
            .map(|(k, v)| json!({ "Name": k, "Value": text(v) }))
            .collect(),
    )
}

/// A role assumable by the IR's service principal, with the IR's statements as its one
/// inline policy.
fn role_properties(t: &Template, role: &Role) -> Value {
    let statements: Vec<Value> = role
        .statements
        .iter()
        .map(|s| {
            json!({
                "Sid": s.sid,
                "Effect": "Allow",
                "Action": s.actions,
                "Resource": s.resources.iter().map(text).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": role.principal },
                "Action": "sts:AssumeRole",
            }],
        },
        "Policies": [{
            "PolicyName": role.policy_name,
            "PolicyDocument": { "Version": "2012-10-17", "Statement": statements },
        }],
        "Tags": t.tags,
    })
}
