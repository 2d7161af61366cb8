//! Service kinds as API calls: a role (CreateRole, then its inline policy by PutRolePolicy),
//! the auto scaling and observability configurations, the App Runner service (private ones
//! with `IsPubliclyAccessible = false`), and a private service's VPC ingress connection,
//! whose domain name is the host of every VPC link integration that targets the service
//! (trap 4), read once the connection is available.
//!
//! IAM policy documents are JSON strings inside the input. They are built as [`J`] values and
//! serialized compactly by serde_json; an ARN that holds a parameter is cut out and put back
//! as a `join`, so the plan stays symbolic without hand-written JSON.

use super::cx::Cx;
use super::ids::{id, kind};
use super::json::{arr, obj, Key, J};
use super::steps::{join, partition, reference, text, Step};
use crate::ir::{
    AppRunnerService, AutoScaling, Egress, EnvPart, EnvValue, Id, IngressConnection, Internal,
    Observability, Role,
};
use crate::text::{Text, TextPart};

/// The step that puts a role's policy: a service starts only once it has run.
pub fn policy_step(cx: &Cx, role: Id) -> Result<super::json::StepId, Internal> {
    let r = match &cx.g.resource(role)?.props {
        crate::ir::Props::Role(r) => r,
        other => {
            return Err(Internal(format!(
                "a service's role is a {}",
                other.kind_name()
            )))
        }
    };
    Ok(id(
        &cx.g.owner(role)?.names.spec,
        super::ids::policy_kind(r.role_use),
    ))
}

/// CreateRole and PutRolePolicy. The policy step names the role through the role's output,
/// so it runs after the role exists and its delete (DeleteRolePolicy) runs before DeleteRole.
pub fn role<'a>(
    cx: &Cx<'a>,
    me: Id,
    role: &'a Role,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "RoleName" => &role.physical,
        "AssumeRolePolicyDocument" => trust_policy(&role.principal),
        "Tags" => cx.tags.clone(),
    };
    let step = Step::new(cx.step(me)?, "iam", "CreateRole", input)
        .output("Arn", "Role.Arn")
        .output("RoleName", "Role.RoleName");
    let role_name = step.out("RoleName");
    out.push(step.delete("DeleteRole", obj! { "RoleName" => role_name.clone() }));
    let input = obj! {
        "RoleName" => role_name.clone(),
        "PolicyName" => &role.policy_name,
        "PolicyDocument" => policy_document(cx, role)?,
    };
    let delete = obj! { "RoleName" => role_name, "PolicyName" => &role.policy_name };
    out.push(
        Step::new(policy_step(cx, me)?, "iam", "PutRolePolicy", input)
            .delete("DeleteRolePolicy", delete),
    );
    Ok(())
}

pub fn autoscaling<'a>(
    cx: &Cx<'a>,
    me: Id,
    scale: &'a AutoScaling,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "AutoScalingConfigurationName" => &scale.physical,
        "MaxConcurrency" => scale.concurrency,
        "MinSize" => scale.min,
        "MaxSize" => scale.max,
        "Tags" => cx.tags.clone(),
    };
    let step = Step::new(
        cx.step(me)?,
        "apprunner",
        "CreateAutoScalingConfiguration",
        input,
    )
    .output(
        "AutoScalingConfigurationArn",
        "AutoScalingConfiguration.AutoScalingConfigurationArn",
    );
    let delete = obj! { "AutoScalingConfigurationArn" => step.out("AutoScalingConfigurationArn") };
    out.push(step.delete("DeleteAutoScalingConfiguration", delete));
    Ok(())
}

pub fn observability<'a>(
    cx: &Cx<'a>,
    me: Id,
    obs: &'a Observability,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "ObservabilityConfigurationName" => &obs.physical,
        "TraceConfiguration" => obj! { "Vendor" => obs.vendor },
        "Tags" => cx.tags.clone(),
    };
    let step = Step::new(
        cx.step(me)?,
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
    out.push(step.delete("DeleteObservabilityConfiguration", delete));
    Ok(())
}

/// The service, after its roles' policies: App Runner checks at creation that the access
/// role can pull, which the role alone cannot.
pub fn service<'a>(
    cx: &Cx<'a>,
    me: Id,
    service: &'a AppRunnerService,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let mut step = Step::new(
        cx.step(me)?,
        "apprunner",
        "CreateService",
        service_input(cx, service)?,
    )
    .output("ServiceArn", "Service.ServiceArn")
    .output("ServiceUrl", "Service.ServiceUrl");
    for role in service.access_role.iter().chain(&service.instance_role) {
        step = step.after(policy_step(cx, role.id)?);
    }
    let arn = obj! { "ServiceArn" => step.out("ServiceArn") };
    let step = step.wait(
        "DescribeService",
        arn.clone(),
        "Service.Status",
        "RUNNING",
        1800,
    );
    out.push(step.delete("DeleteService", arn));
    Ok(())
}

fn service_input<'a>(cx: &Cx<'a>, service: &'a AppRunnerService) -> Result<J<'a>, Internal> {
    let mut image_config = obj! { +3; "Port" => service.port.to_string() };
    if !service.env.is_empty() {
        let env = service
            .env
            .iter()
            .map(|(k, v)| Ok((Key::from(k.as_str()), env_value(cx, v)?)))
            .collect::<Result<_, Internal>>()?;
        image_config.push("RuntimeEnvironmentVariables", J::Obj(env));
    }
    if !service.secrets.is_empty() {
        image_config.push("RuntimeEnvironmentSecrets", text_map(&service.secrets));
    }
    if let Some(command) = &service.command {
        image_config.push("StartCommand", text(command));
    }
    let mut source = obj! { +1;
        "ImageRepository" => obj! {
            "ImageIdentifier" => text(&service.image),
            "ImageConfiguration" => image_config,
            "ImageRepositoryType" => service.repository_type.as_aws(),
        },
        "AutoDeploymentsEnabled" => service.auto_deployments,
    };
    if let Some(role) = service.access_role {
        source.push(
            "AuthenticationConfiguration",
            obj! { "AccessRoleArn" => cx.out(role, "Arn")? },
        );
    }
    let mut instance = obj! { +1; "Cpu" => &service.cpu, "Memory" => &service.memory };
    if let Some(role) = service.instance_role {
        instance.push("InstanceRoleArn", cx.out(role, "Arn")?);
    }
    let mut input = obj! { +4;
        "ServiceName" => &service.physical,
        "SourceConfiguration" => source,
        "InstanceConfiguration" => instance,
        "Tags" => cx.tags.clone(),
    };
    if let Some(health) = &service.health {
        let mut hc = obj! { +5; "Protocol" => health.protocol };
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
    if let Some(scaling) = service.autoscaling {
        input.push(
            "AutoScalingConfigurationArn",
            cx.out(scaling, "AutoScalingConfigurationArn")?,
        );
    }
    let egress = match &service.egress {
        Egress::Vpc(connector) => obj! {
            "EgressType" => service.egress.as_aws(),
            "VpcConnectorArn" => cx.out(*connector, "VpcConnectorArn")?,
        },
        Egress::Default => obj! { "EgressType" => service.egress.as_aws() },
    };
    input.push(
        "NetworkConfiguration",
        obj! {
            "EgressConfiguration" => egress,
            "IngressConfiguration" => obj! { "IsPubliclyAccessible" => !service.private },
        },
    );
    if let Some(observability) = service.observability {
        input.push(
            "ObservabilityConfiguration",
            obj! {
                "ObservabilityEnabled" => true,
                "ObservabilityConfigurationArn" => cx.out(observability, "ObservabilityConfigurationArn")?,
            },
        );
    }
    Ok(input)
}

/// The connection, whose domain name is read once it is available: the create response may
/// not carry it yet (spec section 8, "Values read when they exist").
pub fn ingress<'a>(
    cx: &Cx<'a>,
    me: Id,
    conn: &'a IngressConnection,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "ServiceArn" => cx.out(conn.service, "ServiceArn")?,
        "VpcIngressConnectionName" => &conn.physical,
        "IngressVpcConfiguration" => obj! {
            "VpcId" => cx.vpc_id(&conn.vpc)?,
            "VpcEndpointId" => cx.out(conn.endpoint, "VpcEndpointId")?,
        },
        "Tags" => cx.tags.clone(),
    };
    let step = Step::new(
        cx.step(me)?,
        "apprunner",
        "CreateVpcIngressConnection",
        input,
    )
    .output(
        "VpcIngressConnectionArn",
        "VpcIngressConnection.VpcIngressConnectionArn",
    );
    let arn = obj! { "VpcIngressConnectionArn" => step.out("VpcIngressConnectionArn") };
    let step = step
        .wait(
            "DescribeVpcIngressConnection",
            arn.clone(),
            "VpcIngressConnection.Status",
            "AVAILABLE",
            900,
        )
        .wait_output("DomainName", "VpcIngressConnection.DomainName");
    out.push(step.delete("DeleteVpcIngressConnection", arn));
    Ok(())
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

/// Marks a value put back into serialized JSON (a parameter, the account id). serde_json
/// writes U+0001 as `\u0001`, which no ARN contains, so the markers can be found again after
/// serializing.
const MARK: char = '\u{1}';
const MARK_ESCAPED: &str = "\\u0001";

/// The policy document: compact JSON text, or a join around the parameters and the account
/// id (for the log streams' ARNs, `arn:<partition>:logs:<region>:<account>:log-group:<name>:*`)
/// it holds.
fn policy_document<'a>(cx: &Cx<'a>, role: &'a Role) -> Result<J<'a>, Internal> {
    let mut holes: Vec<J<'a>> = Vec::new();
    let mut hole = |out: &mut String, value: J<'a>| {
        out.push(MARK);
        out.push_str(&holes.len().to_string());
        out.push(MARK);
        holes.push(value);
    };
    let region = &cx.g.app.region;
    let account = reference(id(&cx.g.app.name, kind::ACCOUNT), "Account");
    let mut statements: Vec<J> = Vec::with_capacity(role.statements.len());
    for s in &role.statements {
        let mut resources = Vec::with_capacity(s.resources.len() + s.log_streams.len());
        for t in &s.resources {
            let mut out = String::new();
            for part in &t.parts {
                match part {
                    TextPart::Lit(lit) => out.push_str(lit),
                    TextPart::Param(p) => hole(&mut out, J::Param(p)),
                }
            }
            resources.push(J::from(out));
        }
        for group in &s.log_streams {
            let name = &cx.g.get(*group)?.name;
            let mut out = format!("arn:{}:logs:{region}:", partition(region));
            hole(&mut out, account.clone());
            out.push_str(":log-group:");
            out.push_str(name);
            out.push_str(":*");
            resources.push(J::from(out));
        }
        statements.push(obj! {
            "Sid" => &s.sid,
            "Effect" => "Allow",
            "Action" => J::Arr(s.actions.iter().map(J::from).collect()),
            "Resource" => J::Arr(resources),
        });
    }
    let doc = compact(&obj! { "Version" => "2012-10-17", "Statement" => statements });
    if !doc.contains(MARK_ESCAPED) {
        return Ok(J::from(doc));
    }
    // Even pieces are JSON text, odd pieces the index of a hole.
    let parts = doc
        .split(MARK_ESCAPED)
        .enumerate()
        .map(|(i, piece)| {
            match (
                i % 2,
                piece.parse::<usize>().ok().and_then(|n| holes.get(n)),
            ) {
                (1, Some(value)) => value.clone(),
                _ => J::from(piece.to_string()),
            }
        })
        .collect();
    Ok(join(parts))
}

/// An `env` value: its text, or with URLs a join of the REST API's id and the service's host
/// name as their steps return them.
pub fn env_value<'a>(cx: &Cx<'a>, value: &'a EnvValue) -> Result<J<'a>, Internal> {
    if let Some(t) = value.as_text() {
        return Ok(text(t));
    }
    let mut parts = Vec::new();
    for part in &value.parts {
        match part {
            EnvPart::Text(t) => parts.push(text(t)),
            EnvPart::ApiUrl { api, stage } => parts.push(super::api::api_url(cx, *api, stage)?),
            EnvPart::ServiceUrl(service) => {
                parts.push(J::from("https://"));
                parts.push(cx.out(*service, "ServiceUrl")?);
            }
        }
    }
    Ok(join(parts))
}

fn text_map(map: &std::collections::BTreeMap<String, Text>) -> J<'_> {
    J::Obj(
        map.iter()
            .map(|(k, v)| (Key::from(k.as_str()), text(v)))
            .collect(),
    )
}
