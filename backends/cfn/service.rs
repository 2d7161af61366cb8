//! Service kinds as CloudFormation resources: IAM roles of App Runner and ECS services (the
//! graph's statements, verbatim, as one inline policy each; no `RoleName`, so
//! `CAPABILITY_IAM` suffices, and the role is complete only with its policy, so the service
//! that refers to it waits for both), auto scaling and observability configurations, the App
//! Runner service, and a private service's VPC ingress connection. The ECS service is in
//! `ecs.rs`.

use super::cx::{id, internal, Cx};
use super::intrinsics::{push_template, sub, text};
use super::network::vpc_value;
use super::{BackendError, Template};
use crate::ir::{
    AppRunnerService, AutoScaling, Egress, EnvPart, EnvValue, Id, IngressConnection, Internal,
    Observability, Role,
};
use crate::text::Text;
use serde_json::{json, Map, Value};

/// A role assumable by its service principal, with its statements as its one inline policy.
pub fn role(cx: &Cx, t: &mut Template, me: Id, role: &Role) -> Result<(), BackendError> {
    let statements = role
        .statements
        .iter()
        .map(|s| {
            let mut resources: Vec<Value> =
                s.resources.iter().map(|r| resource_arn(cx, r)).collect();
            // A log group's `Arn` attribute already ends in `:*`: its streams.
            for group in &s.log_streams {
                resources.push(cx.att(*group, "Arn")?);
            }
            Ok(json!({
                "Sid": s.sid,
                "Effect": "Allow",
                "Action": s.actions,
                "Resource": resources,
            }))
        })
        .collect::<Result<Vec<Value>, Internal>>()
        .map_err(internal)?;
    let props = json!({
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
    });
    t.add(id(cx, me)?, "AWS::IAM::Role", props)
}

/// A policy's resource (or a secret's ARN) as [`text`] writes it, except that an `Fn::Sub` (an ARN with a param)
/// in the partition of the app's region names it `${AWS::Partition}`, as cfn-lint asks: in
/// the app's region that is the partition written, so every target grants the same.
pub fn resource_arn(cx: &Cx, t: &Text) -> Value {
    let mut value = text(t);
    let written = format!("arn:{}:", crate::backends::partition(&cx.g.app.region));
    if let Some(Value::String(template)) = value.get_mut("Fn::Sub") {
        if let Some(rest) = template.strip_prefix(&written) {
            *template = format!("arn:${{AWS::Partition}}:{rest}");
        }
    }
    value
}

pub fn autoscaling(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    scale: &AutoScaling,
) -> Result<(), BackendError> {
    let props = json!({
        "AutoScalingConfigurationName": scale.physical,
        "MinSize": scale.min,
        "MaxSize": scale.max,
        "MaxConcurrency": scale.concurrency,
        "Tags": t.tags,
    });
    t.add(
        id(cx, me)?,
        "AWS::AppRunner::AutoScalingConfiguration",
        props,
    )
}

pub fn observability(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    obs: &Observability,
) -> Result<(), BackendError> {
    let props = json!({
        "ObservabilityConfigurationName": obs.physical,
        "TraceConfiguration": { "Vendor": obs.vendor },
        "Tags": t.tags,
    });
    t.add(
        id(cx, me)?,
        "AWS::AppRunner::ObservabilityConfiguration",
        props,
    )
}

pub fn service(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    svc: &AppRunnerService,
) -> Result<(), BackendError> {
    let mut image_config = Map::new();
    image_config.insert("Port".into(), json!(svc.port.to_string()));
    if !svc.env.is_empty() {
        let env = svc
            .env
            .iter()
            .map(|(k, v)| Ok(json!({ "Name": k, "Value": env_value(cx, v)? })))
            .collect::<Result<Vec<Value>, Internal>>()
            .map_err(internal)?;
        image_config.insert("RuntimeEnvironmentVariables".into(), Value::Array(env));
    }
    if !svc.secrets.is_empty() {
        let secrets = svc
            .secrets
            .iter()
            .map(|(k, arn)| json!({ "Name": k, "Value": resource_arn(cx, arn) }))
            .collect();
        image_config.insert("RuntimeEnvironmentSecrets".into(), Value::Array(secrets));
    }
    if let Some(command) = &svc.command {
        image_config.insert("StartCommand".into(), text(command));
    }
    let mut source = Map::new();
    if let Some(role) = svc.access_role {
        source.insert(
            "AuthenticationConfiguration".into(),
            json!({ "AccessRoleArn": cx.att(role, "Arn").map_err(internal)? }),
        );
    }
    // The template decides what runs (the image tag is a parameter): App Runner must not
    // redeploy on its own when a tag is pushed (and ECR Public does not support it at all).
    source.insert("AutoDeploymentsEnabled".into(), json!(svc.auto_deployments));
    source.insert(
        "ImageRepository".into(),
        json!({
            "ImageIdentifier": text(&svc.image),
            "ImageRepositoryType": svc.repository_type.as_aws(),
            "ImageConfiguration": image_config,
        }),
    );

    let mut instance = Map::new();
    instance.insert("Cpu".into(), json!(svc.cpu));
    instance.insert("Memory".into(), json!(svc.memory));
    if let Some(role) = svc.instance_role {
        instance.insert(
            "InstanceRoleArn".into(),
            cx.att(role, "Arn").map_err(internal)?,
        );
    }

    let mut egress = Map::new();
    egress.insert("EgressType".into(), json!(svc.egress.as_aws()));
    if let Egress::Vpc(connector) = &svc.egress {
        egress.insert(
            "VpcConnectorArn".into(),
            cx.att(*connector, "VpcConnectorArn").map_err(internal)?,
        );
    }

    let mut props = Map::new();
    props.insert("ServiceName".into(), json!(svc.physical));
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
    if let Some(scaling) = svc.autoscaling {
        props.insert(
            "AutoScalingConfigurationArn".into(),
            cx.att(scaling, "AutoScalingConfigurationArn")
                .map_err(internal)?,
        );
    }
    if let Some(observability) = svc.observability {
        props.insert(
            "ObservabilityConfiguration".into(),
            json!({
                "ObservabilityEnabled": true,
                "ObservabilityConfigurationArn": cx
                    .att(observability, "ObservabilityConfigurationArn")
                    .map_err(internal)?,
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
    t.add(id(cx, me)?, "AWS::AppRunner::Service", Value::Object(props))
}

pub fn ingress(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    conn: &IngressConnection,
) -> Result<(), BackendError> {
    let props = json!({
        "VpcIngressConnectionName": conn.physical,
        "ServiceArn": cx.att(conn.service, "ServiceArn").map_err(internal)?,
        "IngressVpcConfiguration": {
            "VpcId": vpc_value(cx, &conn.vpc)?,
            "VpcEndpointId": cx.ref_(conn.endpoint).map_err(internal)?,
        },
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::AppRunner::VpcIngressConnection", props)
}

/// An `env` value: its text as [`text`] spells it, or with URLs one `Fn::Sub` where the REST
/// API's `Ref` is its id and the service's `ServiceUrl` its host name.
pub fn env_value(cx: &Cx, value: &EnvValue) -> Result<Value, Internal> {
    if let Some(t) = value.as_text() {
        return Ok(text(t));
    }
    let mut template = String::new();
    for part in &value.parts {
        match part {
            EnvPart::Text(t) => push_template(&mut template, t),
            EnvPart::ApiUrl { api, stage } => {
                template.push_str(&super::api_url_base(cx, *api)?);
                push_template(&mut template, stage);
            }
            EnvPart::ServiceUrl(service) => {
                cx.g.get(*service)?;
                template.push_str(&format!("https://${{{}.ServiceUrl}}", cx.id(service.id)?));
            }
        }
    }
    Ok(sub(template))
}
