//! ECS Fargate kinds as CloudFormation resources: the app's cluster, each service's task
//! definition and ECS service, and the Application Auto Scaling target and policy that size
//! the service.
//!
//! The ECS service waits (`DependsOn`) for what the graph orders it after without a property
//! naming it: its listener (ECS refuses a target group that no load balancer uses) and the
//! endpoints or NAT routes its tasks pull and log through. The scalable target names the
//! service by `service/<cluster name>/<service name>`, built from the cluster's `Ref` (its
//! name) and the service's `Name` attribute, so it waits for the service without `DependsOn`.

use super::cx::{attachment_id, id, internal, Cx};
use super::intrinsics::{number, ref_, sub, text};
use super::network::{group_ids, subnet_values};
use super::service::env_value;
use super::{BackendError, Template};
use crate::ir::{
    Cluster, Container, EcsService, Id, Internal, Props, ScalableTarget, ScalingPolicy,
    TaskDefinition,
};
use serde_json::{json, Map, Value};

pub fn cluster(cx: &Cx, t: &mut Template, me: Id, c: &Cluster) -> Result<(), BackendError> {
    let insights = if c.container_insights {
        "enabled"
    } else {
        "disabled"
    };
    let props = json!({
        "ClusterName": c.physical,
        "ClusterSettings": [{ "Name": "containerInsights", "Value": insights }],
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::ECS::Cluster", props)
}

pub fn task_definition(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    td: &TaskDefinition,
) -> Result<(), BackendError> {
    let mut props = Map::new();
    props.insert("Family".into(), json!(td.family));
    props.insert("Cpu".into(), json!(td.cpu));
    props.insert("Memory".into(), json!(td.memory));
    props.insert("NetworkMode".into(), json!(td.network_mode));
    props.insert("RequiresCompatibilities".into(), json!([td.compatibility]));
    props.insert(
        "ExecutionRoleArn".into(),
        cx.att(td.execution_role, "Arn").map_err(internal)?,
    );
    if let Some(role) = td.task_role {
        props.insert("TaskRoleArn".into(), cx.att(role, "Arn").map_err(internal)?);
    }
    let containers = td
        .containers
        .iter()
        .map(|c| container(cx, c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    props.insert("ContainerDefinitions".into(), Value::Array(containers));
    props.insert("Tags".into(), t.tags.clone());
    t.add(
        id(cx, me)?,
        "AWS::ECS::TaskDefinition",
        Value::Object(props),
    )
}

/// One container definition; empty lists (command, environment, secrets) are left out.
fn container(cx: &Cx, c: &Container) -> Result<Value, Internal> {
    let mut out = Map::new();
    out.insert("Name".into(), json!(c.name));
    out.insert("Image".into(), text(&c.image));
    out.insert("Essential".into(), json!(c.essential));
    if let Some(port) = c.port {
        out.insert(
            "PortMappings".into(),
            json!([{ "ContainerPort": port.port, "Protocol": port.protocol }]),
        );
    }
    if !c.command.is_empty() {
        out.insert(
            "Command".into(),
            Value::Array(c.command.iter().map(text).collect()),
        );
    }
    if !c.env.is_empty() {
        let env = c
            .env
            .iter()
            .map(|(k, v)| Ok(json!({ "Name": k, "Value": env_value(cx, v)? })))
            .collect::<Result<Vec<Value>, Internal>>()?;
        out.insert("Environment".into(), Value::Array(env));
    }
    if !c.secrets.is_empty() {
        let secrets = c
            .secrets
            .iter()
            .map(
                |(k, arn)| json!({ "Name": k, "ValueFrom": super::service::resource_arn(cx, arn) }),
            )
            .collect();
        out.insert("Secrets".into(), Value::Array(secrets));
    }
    // The group's `Ref` is its name, and makes the task definition wait for the group.
    out.insert(
        "LogConfiguration".into(),
        json!({
            "LogDriver": "awslogs",
            "Options": {
                "awslogs-group": cx.ref_(c.log_group)?,
                "awslogs-region": ref_("AWS::Region"),
                "awslogs-stream-prefix": c.log_stream_prefix,
            },
        }),
    );
    Ok(Value::Object(out))
}

pub fn service(cx: &Cx, t: &mut Template, me: Id, svc: &EcsService) -> Result<(), BackendError> {
    let public_ip = if svc.assign_public_ip {
        "ENABLED"
    } else {
        "DISABLED"
    };
    let props = json!({
        "ServiceName": svc.physical,
        "Cluster": cx.ref_(svc.cluster).map_err(internal)?,
        "TaskDefinition": cx.ref_(svc.task_definition).map_err(internal)?,
        // No `DesiredCount`: auto scaling owns the count, and CloudFormation would set it
        // back to the template's on every update of the service. ECS starts one task and
        // the scalable target raises it to `scale.min`.
        "LaunchType": svc.launch_type,
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "AssignPublicIp": public_ip,
                "Subnets": subnet_values(cx, &svc.subnets)?,
                "SecurityGroups": group_ids(cx, &svc.security_groups)?,
            },
        },
        "LoadBalancers": [{
            "TargetGroupArn": cx.ref_(svc.target_group).map_err(internal)?,
            "ContainerName": svc.container_name,
            "ContainerPort": svc.container_port,
        }],
        "HealthCheckGracePeriodSeconds": svc.health_check_grace_seconds,
        "DeploymentConfiguration": {
            "DeploymentCircuitBreaker": {
                "Enable": svc.circuit_breaker_rollback,
                "Rollback": svc.circuit_breaker_rollback,
            },
        },
        "Tags": t.tags,
    });
    let after = svc
        .after
        .iter()
        .map(|a| after_id(cx, *a))
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    t.add_after(id(cx, me)?, "AWS::ECS::Service", props, after)
}

/// The logical id to wait for so that resource `a` is usable: an internet gateway is usable
/// once attached.
fn after_id(cx: &Cx, a: Id) -> Result<String, Internal> {
    match &cx.g.resource(a)?.props {
        Props::InternetGateway(_) => Ok(attachment_id(cx.id(a)?)),
        Props::RegionZones(_) => Err(Internal(
            "an ECS service waits for a zone lookup, which is no resource".into(),
        )),
        _ => cx.id(a).map(str::to_string),
    }
}

/// `RoleARN` is Application Auto Scaling's service-linked role for ECS, which names it and
/// has it created if missing (what AWS recommends for CloudFormation; GovCloud's resource
/// schema requires the property, where other regions' take the role when it is left out).
pub fn scalable_target(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    target: &ScalableTarget,
) -> Result<(), BackendError> {
    cx.g.get(target.cluster).map_err(internal)?;
    cx.g.get(target.service).map_err(internal)?;
    let resource = sub(format!(
        "service/${{{}}}/${{{}.Name}}",
        id(cx, target.cluster.id)?,
        id(cx, target.service.id)?
    ));
    let props = json!({
        "ServiceNamespace": target.namespace,
        "ScalableDimension": target.dimension,
        "ResourceId": resource,
        "MinCapacity": target.min,
        "MaxCapacity": target.max,
        "RoleARN": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"),
    });
    t.add(
        id(cx, me)?,
        "AWS::ApplicationAutoScaling::ScalableTarget",
        props,
    )
}

pub fn scaling_policy(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    policy: &ScalingPolicy,
) -> Result<(), BackendError> {
    let props = json!({
        "PolicyName": policy.physical,
        "PolicyType": policy.policy_type,
        "ScalingTargetId": cx.ref_(policy.target).map_err(internal)?,
        "TargetTrackingScalingPolicyConfiguration": {
            "PredefinedMetricSpecification": { "PredefinedMetricType": policy.metric },
            "TargetValue": number(policy.target_value),
            "ScaleInCooldown": policy.scale_in_cooldown,
            "ScaleOutCooldown": policy.scale_out_cooldown,
        },
    });
    t.add(
        id(cx, me)?,
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        props,
    )
}
