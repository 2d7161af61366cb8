//! ECS Fargate kinds (section 9): the app's cluster, and per service its task definition (the
//! service's container, and an X-Ray daemon beside it when it traces), the ECS service in
//! private subnets without public IPs behind its own listener and target group, and the
//! Application Auto Scaling target and CPU policy that size it.

use super::{EnvValue, Id, LogGroup, Ref, Refs, Role, SecurityGroup, SubnetRef, TargetGroup};
use crate::text::Text;
use std::collections::BTreeMap;

/// The app's ECS cluster, shared by every ECS service of the app.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// `<app>`.
    pub physical: String,
    /// CloudWatch Container Insights (`containerInsights` = `enabled`).
    pub container_insights: bool,
}

/// A Fargate task definition: `awsvpc` networking, `FARGATE` compatibility, Linux.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDefinition {
    /// The family: `<app>-<service>`.
    pub family: String,
    /// Task CPU units as ECS spells them: `"256"` is 0.25 vCPU, `"1024"` is 1 vCPU.
    pub cpu: String,
    /// Task memory in MiB as ECS spells it: `"512"`, `"2048"`.
    pub memory: String,
    /// `awsvpc`.
    pub network_mode: &'static str,
    /// `FARGATE`.
    pub compatibility: &'static str,
    /// Pulls the image, writes the log group, reads the secrets (ECS's own calls).
    pub execution_role: Ref<Role>,
    /// What the service's code may do: its `allow` grants, X-Ray writes when it traces.
    pub task_role: Option<Ref<Role>>,
    /// The service's container first; then the X-Ray daemon when it traces.
    pub containers: Vec<Container>,
}

/// One container of a task definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    /// The service's container is named after the service (`orders`); the daemon `xray`.
    pub name: String,
    pub image: Text,
    /// The task stops when an essential container stops.
    pub essential: bool,
    pub port: Option<PortMapping>,
    /// The command, split into words as a shell would (no shell runs it); empty: the image's.
    pub command: Vec<Text>,
    pub env: BTreeMap<String, EnvValue>,
    /// Variable name -> Secrets Manager or SSM parameter ARN (`valueFrom`).
    pub secrets: BTreeMap<String, Text>,
    /// `awslogs` to this group, streams `<prefix>/<container>/<task id>`.
    pub log_group: Ref<LogGroup>,
    pub log_stream_prefix: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMapping {
    pub port: u16,
    /// `tcp` or `udp`.
    pub protocol: &'static str,
}

/// An ECS service on Fargate: its tasks run in private subnets without public IPs, and
/// register in its target group, which its listener on the network's load balancer serves.
#[derive(Debug, Clone, PartialEq)]
pub struct EcsService {
    /// The service name: `<app>-<service>`.
    pub physical: String,
    pub cluster: Ref<Cluster>,
    pub task_definition: Ref<TaskDefinition>,
    /// `FARGATE`.
    pub launch_type: &'static str,
    /// Tasks at creation: the scale minimum (auto scaling moves it afterwards). CloudFormation
    /// leaves it out, since a stack update would reset the count auto scaling has set; ECS
    /// starts one task and the scalable target raises it to the minimum.
    pub desired_count: u32,
    pub subnets: Vec<SubnetRef>,
    pub security_groups: Vec<Ref<SecurityGroup>>,
    /// Always false: tasks are private.
    pub assign_public_ip: bool,
    pub target_group: Ref<TargetGroup>,
    /// The container and port the target group sends to.
    pub container_name: String,
    pub container_port: u16,
    /// Seconds the service ignores failing health checks after a task starts.
    pub health_check_grace_seconds: u32,
    /// A deployment whose tasks never turn healthy stops and rolls back.
    pub circuit_breaker_rollback: bool,
    /// What must exist before tasks start, that no property names: the listener (ECS
    /// refuses a target group no load balancer uses), the rules of the tasks' group and of
    /// the groups they talk to, and the VPC endpoints or NAT routes (with the subnets' route
    /// table associations) through which tasks pull their image and write logs.
    pub after: Vec<Id>,
}

/// Application Auto Scaling's target: the ECS service's desired count, between `min` and
/// `max` tasks (`ecs:service:DesiredCount`, resource `service/<cluster>/<service>`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalableTarget {
    pub cluster: Ref<Cluster>,
    pub service: Ref<EcsService>,
    pub min: u32,
    pub max: u32,
    /// `ecs`.
    pub namespace: &'static str,
    /// `ecs:service:DesiredCount`.
    pub dimension: &'static str,
}

/// Target tracking of the service's average CPU (`ECSServiceAverageCPUUtilization`).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingPolicy {
    /// `<app>-<service>-cpu`.
    pub physical: String,
    pub target: Ref<ScalableTarget>,
    /// `TargetTrackingScaling`.
    pub policy_type: &'static str,
    pub metric: &'static str,
    /// Percent.
    pub target_value: f64,
    pub scale_in_cooldown: u32,
    pub scale_out_cooldown: u32,
}

impl Refs for Id {
    fn refs(&self, out: &mut Vec<Id>) {
        out.push(*self);
    }
}

impl Refs for Cluster {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for TaskDefinition {
    fn refs(&self, out: &mut Vec<Id>) {
        self.execution_role.refs(out);
        self.task_role.refs(out);
        for c in &self.containers {
            for value in c.env.values() {
                value.refs(out);
            }
            c.log_group.refs(out);
        }
    }
}

impl Refs for EcsService {
    fn refs(&self, out: &mut Vec<Id>) {
        self.cluster.refs(out);
        self.task_definition.refs(out);
        self.subnets.refs(out);
        self.security_groups.refs(out);
        self.target_group.refs(out);
        self.after.refs(out);
    }
}

impl Refs for ScalableTarget {
    fn refs(&self, out: &mut Vec<Id>) {
        self.cluster.refs(out);
        self.service.refs(out);
    }
}

impl Refs for ScalingPolicy {
    fn refs(&self, out: &mut Vec<Id>) {
        self.target.refs(out);
    }
}
