//! ECS Fargate kinds as API calls (section 9): the app's cluster, a service's task definition
//! and ECS service, and the Application Auto Scaling target and policy that size it.
//!
//! Each delete here is one call, so the two-call undos are split like the usage plan's api
//! stage: a companion step after the resource, whose own call only describes it, carries the
//! first call as its delete, which the reverse order runs before the resource's delete. So a
//! task definition is deregistered (companion) before it is deleted (DeleteTaskDefinitions
//! takes only inactive revisions), and a service is scaled to zero (companion, after its
//! scalable target is deregistered, which depends on it) before DeleteService, whose wait
//! lets the cluster go only once the service is inactive.

use super::cx::Cx;
use super::ids::{id, kind};
use super::json::{arr, obj, Key, StepId, J};
use super::routing::attachment_step;
use super::service::{env_value, policy_step};
use super::steps::{join, tag_map, text, Step};
use crate::ir::{
    Cluster, Container, EcsService, Id, Internal, Props, ScalableTarget, ScalingPolicy,
    TaskDefinition,
};

pub fn cluster<'a>(
    cx: &Cx<'a>,
    me: Id,
    c: &'a Cluster,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let insights = if c.container_insights {
        "enabled"
    } else {
        "disabled"
    };
    let input = obj! {
        "clusterName" => &c.physical,
        "settings" => arr![obj! { "name" => "containerInsights", "value" => insights }],
        "tags" => cx.ecs_tags.clone(),
    };
    let step = Step::new(cx.step(me)?, "ecs", "CreateCluster", input)
        .output("ClusterArn", "cluster.clusterArn")
        .output("ClusterName", "cluster.clusterName");
    let delete = obj! { "cluster" => step.out("ClusterArn") };
    out.push(step.delete("DeleteCluster", delete));
    Ok(())
}

/// RegisterTaskDefinition, after its containers' log groups; then the companion whose delete
/// deregisters the revision, so that the main step's DeleteTaskDefinitions can delete it.
pub fn task_definition<'a>(
    cx: &Cx<'a>,
    me: Id,
    t: &'a TaskDefinition,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let mut input = obj! { +2;
        "family" => &t.family,
        "executionRoleArn" => cx.out(t.execution_role, "Arn")?,
    };
    if let Some(role) = t.task_role {
        input.push("taskRoleArn", cx.out(role, "Arn")?);
    }
    input.push("networkMode", t.network_mode);
    input.push("requiresCompatibilities", arr![t.compatibility]);
    input.push("cpu", &t.cpu);
    input.push("memory", &t.memory);
    let containers = t
        .containers
        .iter()
        .map(|c| container(cx, c))
        .collect::<Result<Vec<_>, _>>()?;
    input.push("containerDefinitions", containers);
    input.push("tags", cx.ecs_tags.clone());
    let mut step = Step::new(cx.step(me)?, "ecs", "RegisterTaskDefinition", input)
        .output("TaskDefinitionArn", "taskDefinition.taskDefinitionArn");
    // The log configuration names its group by name: the edge to it is explicit.
    for c in &t.containers {
        let group = cx.step(c.log_group.id)?;
        if !step.after.contains(&group) {
            step = step.after(group);
        }
    }
    let arn = step.out("TaskDefinitionArn");
    out.push(step.delete(
        "DeleteTaskDefinitions",
        obj! { "taskDefinitions" => arr![arn.clone()] },
    ));
    let revision = obj! { "taskDefinition" => arn };
    out.push(
        Step::new(
            id(
                &cx.g.owner(me)?.names.spec,
                kind::TASK_DEFINITION_DEREGISTER,
            ),
            "ecs",
            "DescribeTaskDefinition",
            revision.clone(),
        )
        .delete("DeregisterTaskDefinition", revision),
    );
    Ok(())
}

/// One container definition: `awslogs` to its log group in the app's region.
fn container<'a>(cx: &Cx<'a>, c: &'a Container) -> Result<J<'a>, Internal> {
    let mut def = obj! { +6;
        "name" => &c.name,
        "image" => text(&c.image),
        "essential" => c.essential,
    };
    if let Some(port) = c.port {
        def.push(
            "portMappings",
            arr![obj! { "containerPort" => port.port, "protocol" => port.protocol }],
        );
    }
    if !c.command.is_empty() {
        def.push("command", J::Arr(c.command.iter().map(text).collect()));
    }
    if !c.env.is_empty() {
        let env = c
            .env
            .iter()
            .map(|(name, value)| Ok(obj! { "name" => name, "value" => env_value(cx, value)? }))
            .collect::<Result<Vec<_>, Internal>>()?;
        def.push("environment", env);
    }
    if !c.secrets.is_empty() {
        let secrets: Vec<J> = c
            .secrets
            .iter()
            .map(|(name, arn)| obj! { "name" => name, "valueFrom" => text(arn) })
            .collect();
        def.push("secrets", secrets);
    }
    let group = cx.g.get(c.log_group)?;
    let options = J::Obj(vec![
        (Key::Lit("awslogs-group"), J::from(&group.name)),
        (Key::Lit("awslogs-region"), J::from(&cx.g.app.region)),
        (
            Key::Lit("awslogs-stream-prefix"),
            J::from(&c.log_stream_prefix),
        ),
    ]);
    def.push(
        "logConfiguration",
        obj! { "logDriver" => "awslogs", "options" => options },
    );
    Ok(def)
}

/// The step that records an ECS service's ordering edge to resource `id`: its main step, or
/// for an internet gateway its attachment.
fn ordering_step(cx: &Cx, id: Id) -> Result<StepId, Internal> {
    match &cx.g.resource(id)?.props {
        Props::InternetGateway(_) => attachment_step(cx, id),
        _ => cx.step(id),
    }
}

/// CreateService, after its roles' policies and whatever its tasks need that no property
/// names (the listener, the endpoints or NAT routes); polled until its deployment has
/// completed. Its delete forces the service down and waits until it is inactive; the
/// companion that follows scales it to zero first.
pub fn service<'a>(
    cx: &Cx<'a>,
    me: Id,
    s: &'a EcsService,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let cluster = cx.out(s.cluster, "ClusterArn")?;
    let task = cx.g.get(s.task_definition)?;
    let input = obj! {
        "cluster" => cluster.clone(),
        "serviceName" => &s.physical,
        "taskDefinition" => cx.out(s.task_definition, "TaskDefinitionArn")?,
        "launchType" => s.launch_type,
        "desiredCount" => s.desired_count,
        "networkConfiguration" => obj! {
            "awsvpcConfiguration" => obj! {
                "subnets" => cx.subnet_ids(&s.subnets)?,
                "securityGroups" => cx.refs(&s.security_groups, "GroupId")?,
                "assignPublicIp" => if s.assign_public_ip { "ENABLED" } else { "DISABLED" },
            },
        },
        "loadBalancers" => arr![obj! {
            "targetGroupArn" => cx.out(s.target_group, "TargetGroupArn")?,
            "containerName" => &s.container_name,
            "containerPort" => s.container_port,
        }],
        "healthCheckGracePeriodSeconds" => s.health_check_grace_seconds,
        "deploymentConfiguration" => obj! {
            "deploymentCircuitBreaker" => obj! {
                "enable" => true,
                "rollback" => s.circuit_breaker_rollback,
            },
        },
        "tags" => cx.ecs_tags.clone(),
    };
    let mut step = Step::new(cx.step(me)?, "ecs", "CreateService", input)
        .output("ServiceArn", "service.serviceArn")
        .output("ServiceName", "service.serviceName");
    let mut after = Vec::with_capacity(s.after.len() + 2);
    for role in std::iter::once(task.execution_role).chain(task.task_role) {
        after.push(policy_step(cx, role.id)?);
    }
    for id in &s.after {
        after.push(ordering_step(cx, *id)?);
    }
    for edge in after {
        if !step.after.contains(&edge) {
            step = step.after(edge);
        }
    }
    let arn = step.out("ServiceArn");
    let described = obj! { "cluster" => cluster.clone(), "services" => arr![arn.clone()] };
    let step = step
        .wait(
            "DescribeServices",
            described.clone(),
            "services[0].deployments[0].rolloutState",
            "COMPLETED",
            1800,
        )
        .delete(
            "DeleteService",
            obj! { "cluster" => cluster.clone(), "service" => arn.clone(), "force" => true },
        )
        .delete_wait(
            "DescribeServices",
            described.clone(),
            "services[0].status",
            "INACTIVE",
            900,
        );
    out.push(step);
    out.push(
        Step::new(drain_step(cx, me)?, "ecs", "DescribeServices", described).delete(
            "UpdateService",
            obj! { "cluster" => cluster, "service" => arn, "desiredCount" => 0u32 },
        ),
    );
    Ok(())
}

/// The companion whose delete scales an ECS service to zero.
fn drain_step(cx: &Cx, service: Id) -> Result<StepId, Internal> {
    Ok(id(&cx.g.owner(service)?.names.spec, kind::ECS_DRAIN))
}

/// `service/<cluster name>/<service name>`, from the steps that made them.
fn resource_id<'a>(cx: &Cx<'a>, target: &'a ScalableTarget) -> Result<J<'a>, Internal> {
    Ok(join(vec![
        J::from("service/"),
        cx.out(target.cluster, "ClusterName")?,
        J::from("/"),
        cx.out(target.service, "ServiceName")?,
    ]))
}

/// RegisterScalableTarget (Application Auto Scaling's service-linked role, no RoleARN). It
/// comes after the service's drain companion, so that it is deregistered before the
/// service is scaled to zero.
pub fn scalable_target<'a>(
    cx: &Cx<'a>,
    me: Id,
    t: &'a ScalableTarget,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let key = obj! { +3;
        "ServiceNamespace" => t.namespace,
        "ResourceId" => resource_id(cx, t)?,
        "ScalableDimension" => t.dimension,
    };
    let mut input = key.clone();
    input.push("MinCapacity", t.min);
    input.push("MaxCapacity", t.max);
    input.push("Tags", tag_map(&cx.g.app.tags));
    let step = Step::new(
        cx.step(me)?,
        "application-autoscaling",
        "RegisterScalableTarget",
        input,
    )
    .output("ScalableTargetARN", "ScalableTargetARN")
    .after(drain_step(cx, t.service.id)?);
    out.push(step.delete("DeregisterScalableTarget", key));
    Ok(())
}

/// PutScalingPolicy: target tracking, once its scalable target is registered.
pub fn scaling_policy<'a>(
    cx: &Cx<'a>,
    me: Id,
    p: &'a ScalingPolicy,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let target = cx.g.get(p.target)?;
    let key = obj! { +2;
        "PolicyName" => &p.physical,
        "ServiceNamespace" => target.namespace,
        "ResourceId" => resource_id(cx, target)?,
        "ScalableDimension" => target.dimension,
    };
    let mut input = key.clone();
    input.push("PolicyType", p.policy_type);
    input.push(
        "TargetTrackingScalingPolicyConfiguration",
        obj! {
            "TargetValue" => p.target_value,
            "PredefinedMetricSpecification" => obj! { "PredefinedMetricType" => p.metric },
            "ScaleInCooldown" => p.scale_in_cooldown,
            "ScaleOutCooldown" => p.scale_out_cooldown,
        },
    );
    let step = Step::new(
        cx.step(me)?,
        "application-autoscaling",
        "PutScalingPolicy",
        input,
    )
    .output("PolicyARN", "PolicyARN")
    .after(cx.step(p.target.id)?);
    out.push(step.delete("DeleteScalingPolicy", key));
    Ok(())
}
