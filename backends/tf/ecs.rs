//! ECS Fargate kinds as Terraform blocks (spec section 9): the app's cluster, a service's task
//! definition (its containers as `jsonencode` of the list ECS takes), the ECS service, and the
//! Application Auto Scaling target and CPU policy that size it.
//!
//! Two orderings no attribute carries. The service waits (`depends_on`) for what lowering
//! lists in `after` (its listener: ECS refuses a target group no load balancer uses; the
//! endpoints or NAT routes its tasks pull and log through) and for its roles' inline
//! policies: a task started before the execution role's policy exists cannot pull its image.
//! And auto scaling owns the desired count once the service exists, so Terraform ignores it
//! after creation (`ignore_changes`), or every apply would reset it to the minimum.

use super::cx::Cx;
use super::doc::{object, BodyExt, Doc};
use super::expr::{call, decimal, int, keyword, string, template, text, Piece};
use super::network::{group_ids, subnet_ids};
use super::service::env_value;
use crate::ir::{
    Cluster, Container, EcsService, Id, Internal, ScalableTarget, ScalingPolicy, TaskDefinition,
};
use hcl::Expression;

pub fn cluster(cx: &Cx, me: Id, c: &Cluster, w: &mut Doc) -> Result<(), Internal> {
    let insights = if c.container_insights {
        "enabled"
    } else {
        "disabled"
    };
    w.resource("aws_ecs_cluster", cx.name(me)?, |w| {
        w.attr("name", string(&c.physical));
        w.block("setting", &[], |w| {
            w.attr("name", string("containerInsights"));
            w.attr("value", string(insights));
        });
    });
    Ok(())
}

pub fn task_definition(cx: &Cx, me: Id, t: &TaskDefinition, w: &mut Doc) -> Result<(), Internal> {
    let execution = cx.attr(t.execution_role, "arn")?;
    let task = t.task_role.map(|r| cx.attr(r, "arn")).transpose()?;
    let containers = t
        .containers
        .iter()
        .map(|c| container(cx, c))
        .collect::<Result<Vec<_>, Internal>>()?;
    w.resource("aws_ecs_task_definition", cx.name(me)?, |w| {
        w.attr("family", string(&t.family));
        w.attr("cpu", string(&t.cpu));
        w.attr("memory", string(&t.memory));
        w.attr("network_mode", string(t.network_mode));
        w.attr(
            "requires_compatibilities",
            Expression::Array(vec![string(t.compatibility)]),
        );
        w.attr("execution_role_arn", execution.into());
        if let Some(task) = task {
            w.attr("task_role_arn", task.into());
        }
        w.attr(
            "container_definitions",
            call("jsonencode", Expression::Array(containers)),
        );
    });
    Ok(())
}

/// One container definition, with ECS's own member names; lists that would be empty are left
/// out (an empty `command` runs the image's).
fn container(cx: &Cx, c: &Container) -> Result<Expression, Internal> {
    let mut entries: Vec<(&str, Expression)> = vec![
        ("name", string(&c.name)),
        ("image", text(&c.image)),
        ("essential", Expression::Bool(c.essential)),
    ];
    if let Some(p) = c.port {
        let mapping = object([
            ("containerPort", int(u64::from(p.port))),
            ("protocol", string(p.protocol)),
        ]);
        entries.push(("portMappings", Expression::Array(vec![mapping])));
    }
    if !c.command.is_empty() {
        entries.push((
            "command",
            Expression::Array(c.command.iter().map(text).collect()),
        ));
    }
    if !c.env.is_empty() {
        let env = c
            .env
            .iter()
            .map(|(k, v)| Ok(object([("name", string(k)), ("value", env_value(cx, v)?)])))
            .collect::<Result<Vec<_>, Internal>>()?;
        entries.push(("environment", Expression::Array(env)));
    }
    if !c.secrets.is_empty() {
        let secrets = c
            .secrets
            .iter()
            .map(|(k, v)| object([("name", string(k)), ("valueFrom", text(v))]))
            .collect();
        entries.push(("secrets", Expression::Array(secrets)));
    }
    let options = object([
        ("awslogs-group", cx.attr(c.log_group, "name")?.into()),
        ("awslogs-region", cx.region()),
        ("awslogs-stream-prefix", string(&c.log_stream_prefix)),
    ]);
    entries.push((
        "logConfiguration",
        object([("logDriver", string("awslogs")), ("options", options)]),
    ));
    Ok(object(entries))
}

pub fn service(cx: &Cx, me: Id, svc: &EcsService, w: &mut Doc) -> Result<(), Internal> {
    let cluster = cx.attr(svc.cluster, "arn")?;
    let definition = cx.g.get(svc.task_definition)?;
    let task_definition = cx.attr(svc.task_definition, "arn")?;
    let subnets = subnet_ids(cx, &svc.subnets)?;
    let groups = group_ids(cx, &svc.security_groups)?;
    let target_group = cx.attr(svc.target_group, "arn")?;
    let roles =
        std::iter::once(definition.execution_role.id).chain(definition.task_role.map(|r| r.id));
    let mut waits: Vec<Expression> = Vec::new();
    for id in svc.after.iter().copied().chain(roles) {
        let wait = Expression::from(cx.wait_for(id)?);
        if !waits.contains(&wait) {
            waits.push(wait);
        }
    }
    w.resource("aws_ecs_service", cx.name(me)?, |w| {
        w.attr("name", string(&svc.physical));
        w.attr("cluster", cluster.into());
        w.attr("task_definition", task_definition.into());
        w.attr("launch_type", string(svc.launch_type));
        w.attr("desired_count", int(u64::from(svc.desired_count)));
        w.attr(
            "health_check_grace_period_seconds",
            int(u64::from(svc.health_check_grace_seconds)),
        );
        // `apply` ends when the tasks are healthy (or the circuit breaker has rolled back,
        // which fails it), as CloudFormation and the plan wait too.
        w.attr("wait_for_steady_state", Expression::Bool(true));
        w.block("network_configuration", &[], |w| {
            w.attr("subnets", subnets);
            w.attr("security_groups", groups);
            w.attr("assign_public_ip", Expression::Bool(svc.assign_public_ip));
        });
        w.block("load_balancer", &[], |w| {
            w.attr("target_group_arn", target_group.into());
            w.attr("container_name", string(&svc.container_name));
            w.attr("container_port", int(u64::from(svc.container_port)));
        });
        w.block("deployment_circuit_breaker", &[], |w| {
            w.attr("enable", Expression::Bool(true));
            w.attr("rollback", Expression::Bool(svc.circuit_breaker_rollback));
        });
        w.block("lifecycle", &[], |w| {
            w.attr(
                "ignore_changes",
                Expression::Array(vec![keyword("desired_count")]),
            );
        });
        w.attr("depends_on", Expression::Array(waits));
    });
    Ok(())
}

/// The service's desired count as Application Auto Scaling's target; no role (the
/// service-linked role).
pub fn scalable_target(cx: &Cx, me: Id, t: &ScalableTarget, w: &mut Doc) -> Result<(), Internal> {
    let resource_id = template([
        Piece::Lit("service/"),
        Piece::Ref(cx.attr(t.cluster, "name")?.into()),
        Piece::Lit("/"),
        Piece::Ref(cx.attr(t.service, "name")?.into()),
    ]);
    w.resource("aws_appautoscaling_target", cx.name(me)?, |w| {
        w.attr("service_namespace", string(t.namespace));
        w.attr("resource_id", resource_id);
        w.attr("scalable_dimension", string(t.dimension));
        w.attr("min_capacity", int(u64::from(t.min)));
        w.attr("max_capacity", int(u64::from(t.max)));
    });
    Ok(())
}

/// Target tracking on a predefined metric; the policy names its target through the target's
/// own attributes, so it is created after it.
pub fn scaling_policy(cx: &Cx, me: Id, p: &ScalingPolicy, w: &mut Doc) -> Result<(), Internal> {
    let namespace = cx.attr(p.target, "service_namespace")?;
    let resource_id = cx.attr(p.target, "resource_id")?;
    let dimension = cx.attr(p.target, "scalable_dimension")?;
    w.resource("aws_appautoscaling_policy", cx.name(me)?, |w| {
        w.attr("name", string(&p.physical));
        w.attr("policy_type", string(p.policy_type));
        w.attr("service_namespace", namespace.into());
        w.attr("resource_id", resource_id.into());
        w.attr("scalable_dimension", dimension.into());
        w.block("target_tracking_scaling_policy_configuration", &[], |w| {
            w.attr("target_value", decimal(p.target_value));
            w.attr("scale_in_cooldown", int(u64::from(p.scale_in_cooldown)));
            w.attr("scale_out_cooldown", int(u64::from(p.scale_out_cooldown)));
            w.block("predefined_metric_specification", &[], |w| {
                w.attr("predefined_metric_type", string(p.metric));
            });
        });
    });
    Ok(())
}
