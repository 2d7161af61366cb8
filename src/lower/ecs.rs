//! One ECS Fargate service (section 9): its log group, execution role (pull, logs, secrets)
//! and task role (its grants), its tasks' security group with exactly the rules they need,
//! its target group and listener on the network's load balancer, its task definition and
//! service, and the auto scaling that sizes it.

use super::network;
use super::service::{code_statements, env_value, pull_statements, secret_statements, Urls};
use crate::ir::{
    Builder, Cluster, Container, DeclId, Direction, EcsService, GroupRole, Health, Id, Listener,
    LoadBalancer, LogGroup, Peer, PortMapping, Protocol, Ref, Role, RoleUse, ScalableTarget,
    ScalingPolicy, SecurityGroup, SgRule, Statement, TargetGroup, Targets, TaskDefinition,
};
use crate::model::{Compute, Egress, HealthProtocol, Service};
use crate::names;
use crate::text::Text;
use std::collections::BTreeMap;

/// The X-Ray daemon a tracing service runs beside it (from ECR Public: it needs the NAT).
const XRAY_IMAGE: &str = "public.ecr.aws/xray/aws-xray-daemon:3.x";
/// Days an ECS service's logs are kept.
const LOG_RETENTION_DAYS: u32 = 30;
/// Where auto scaling holds average CPU.
const CPU_TARGET: f64 = 60.0;

/// What an api's integrations refer to.
pub(super) struct Lowered {
    pub service: Ref<EcsService>,
    pub load_balancer: Ref<LoadBalancer>,
    pub listener: Ref<Listener>,
    pub port: u16,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn lower(
    b: &mut Builder,
    app: &str,
    decl: DeclId,
    service: &Service,
    network: &network::Lowered,
    cluster: Ref<Cluster>,
    port: u16,
    urls: &Urls,
) -> Option<Lowered> {
    let Some((lb, nlb_group)) = network.load_balancer else {
        b.broken(format!(
            "ECS service `{}` has no load balancer in its network",
            service.name
        ));
        return None;
    };
    let physical = names::physical(app, &service.name);
    let log_group = b.add(
        decl,
        LogGroup {
            name: format!("/aprc/{app}/{}", service.name),
            retention_days: LOG_RETENTION_DAYS,
        },
    );

    // Roles: ECS's own calls, and the code's.
    let mut execution = pull_statements(&service.image_source, Compute::Ecs);
    execution.push(Statement {
        sid: "WriteLogs".to_string(),
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"]
            .map(String::from)
            .to_vec(),
        resources: Vec::new(),
        log_streams: vec![log_group],
    });
    execution.extend(secret_statements(service));
    let execution_role = b.add(
        decl,
        Role {
            role_use: RoleUse::Execution,
            physical: format!("{physical}-execution"),
            principal: "ecs-tasks.amazonaws.com".to_string(),
            policy_name: "start-task".to_string(),
            statements: execution,
        },
    );
    let code = code_statements(service);
    let task_role = (!code.is_empty()).then(|| {
        b.add(
            decl,
            Role {
                role_use: RoleUse::Task,
                physical: format!("{physical}-task"),
                principal: "ecs-tasks.amazonaws.com".to_string(),
                policy_name: "runtime".to_string(),
                statements: code,
            },
        )
    });

    // The tasks' group: the service port from the load balancer only; out to the endpoints
    // (and S3) or, with a NAT, anywhere.
    let identity = super::identity::vpc(b.graph(), &network.vpc);
    let tasks = network::security_group(
        b,
        decl,
        &network.vpc,
        &identity,
        &physical,
        GroupRole::Tasks,
        "ECS tasks",
    );
    // Every rule is in place before tasks start: the group allows nothing until then.
    let mut rules: Vec<Id> = Vec::new();
    let mut rule = |b: &mut Builder,
                    group: Ref<SecurityGroup>,
                    direction: Direction,
                    protocol: Protocol,
                    ports: Option<(u16, u16)>,
                    peer: Peer,
                    description: String,
                    ordinal: usize| {
        let r = b.add(
            decl,
            SgRule {
                group,
                direction,
                protocol,
                ports,
                peer,
                description,
                ordinal,
            },
        );
        rules.push(r.id);
    };
    let app_port = service.port;
    rule(
        b,
        tasks,
        Direction::Ingress,
        Protocol::Tcp,
        Some((app_port, app_port)),
        Peer::Group(nlb_group),
        format!("Port {app_port} from the load balancer"),
        0,
    );
    rule(
        b,
        nlb_group,
        Direction::Egress,
        Protocol::Tcp,
        Some((app_port, app_port)),
        Peer::Group(tasks),
        format!("Port {app_port} to the tasks of {physical}"),
        0,
    );
    if let Some(endpoints) = network.endpoints_group {
        rule(
            b,
            endpoints,
            Direction::Ingress,
            Protocol::Tcp,
            Some((443, 443)),
            Peer::Group(tasks),
            format!("HTTPS from the tasks of {physical}"),
            0,
        );
    }
    match (service.egress, &network.cidr) {
        // With a NAT, the VPC's block only: S3 is an interface endpoint inside it.
        (Egress::Vpc, Some(block)) if network.nat => rule(
            b,
            tasks,
            Direction::Egress,
            Protocol::All,
            None,
            Peer::Cidr(block.clone()),
            "All traffic to the VPC and its endpoints".to_string(),
            0,
        ),
        (Egress::Vpc, Some(block)) => {
            rule(
                b,
                tasks,
                Direction::Egress,
                Protocol::All,
                None,
                Peer::Cidr(block.clone()),
                "All traffic to the VPC".to_string(),
                0,
            );
            rule(
                b,
                tasks,
                Direction::Egress,
                Protocol::Tcp,
                Some((443, 443)),
                Peer::Cidr("0.0.0.0/0".to_string()),
                "HTTPS to S3 through its gateway endpoint; no route leaves the VPC".to_string(),
                1,
            );
        }
        (Egress::Vpc, None) => rule(
            b,
            tasks,
            Direction::Egress,
            Protocol::All,
            None,
            Peer::Cidr("0.0.0.0/0".to_string()),
            "All outbound traffic; the VPC's routes decide where it goes".to_string(),
            0,
        ),
        (Egress::Internet, _) => rule(
            b,
            tasks,
            Direction::Egress,
            Protocol::All,
            None,
            Peer::Cidr("0.0.0.0/0".to_string()),
            "All outbound traffic, through the NAT gateways".to_string(),
            0,
        ),
    }

    // The target group (ECS registers the tasks) and the service's own listener.
    let stem = names::elb_stem(app, &service.name);
    let (tg, listener) = network::forward(
        b,
        decl,
        lb,
        TargetGroup {
            physical: network::target_group_name(&stem, &identity, app_port),
            vpc: network.vpc.clone(),
            protocol: "TCP",
            port: app_port,
            target_type: "ip",
            targets: Targets::Ecs,
            health: service.health.as_ref().map(target_health),
        },
        port,
    );

    // The task definition: the service's container, and the X-Ray daemon when it traces.
    let env = service
        .env
        .iter()
        .map(|(k, v)| (k.clone(), env_value(b, v, urls)))
        .collect();
    let mut containers = vec![Container {
        name: service.name.clone(),
        image: service.image.clone(),
        essential: true,
        port: Some(PortMapping {
            port: app_port,
            protocol: "tcp",
        }),
        command: service.command_words.clone(),
        env,
        secrets: service.secrets.clone(),
        log_group,
        log_stream_prefix: "ecs".to_string(),
    }];
    if service.tracing {
        containers.push(Container {
            name: "xray".to_string(),
            image: Text::lit(XRAY_IMAGE),
            essential: false,
            port: Some(PortMapping {
                port: 2000,
                protocol: "udp",
            }),
            command: Vec::new(),
            env: BTreeMap::new(),
            secrets: BTreeMap::new(),
            log_group,
            log_stream_prefix: "ecs".to_string(),
        });
    }
    let task_definition = b.add(
        decl,
        TaskDefinition {
            family: physical.clone(),
            // 1,024 CPU units to a vCPU; memory in MiB.
            cpu: (service.cpu_millis * 1024 / 1000).to_string(),
            memory: service.memory_mb.to_string(),
            network_mode: "awsvpc",
            compatibility: "FARGATE",
            execution_role,
            task_role,
            containers,
        },
    );
    let (min, max) = service.scale.map_or((1, 25), |s| (s.min, s.max));
    let mut after: Vec<Id> = vec![listener.id];
    after.extend(rules);
    after.extend(network.ready.iter().copied());
    let ecs = b.add(
        decl,
        EcsService {
            physical: physical.clone(),
            cluster,
            task_definition,
            launch_type: "FARGATE",
            desired_count: min,
            subnets: network.subnets.clone(),
            security_groups: vec![tasks],
            assign_public_ip: false,
            target_group: tg,
            container_name: service.name.clone(),
            container_port: app_port,
            health_check_grace_seconds: 60,
            circuit_breaker_rollback: true,
            after,
        },
    );
    let target = b.add(
        decl,
        ScalableTarget {
            cluster,
            service: ecs,
            min,
            max,
            namespace: "ecs",
            dimension: "ecs:service:DesiredCount",
        },
    );
    b.add(
        decl,
        ScalingPolicy {
            physical: format!("{physical}-cpu"),
            target,
            policy_type: "TargetTrackingScaling",
            metric: "ECSServiceAverageCPUUtilization",
            target_value: CPU_TARGET,
            scale_in_cooldown: 300,
            scale_out_cooldown: 60,
        },
    );
    Some(Lowered {
        service: ecs,
        load_balancer: lb,
        listener,
        port,
    })
}

/// The target group's health check. A check must time out before the next starts, and
/// Elastic Load Balancing fills an unset value with its default (interval 30 s; timeout 6 s
/// for HTTP, 10 s for TCP), so a value written alone brings its partner along where the
/// default would not fit: `interval = 5s` gets a 4 s timeout, `timeout = 45s` a 46 s interval.
fn target_health(h: &crate::model::Health) -> Health {
    let (protocol, default_timeout) = match h.protocol {
        HealthProtocol::Http => ("HTTP", 6),
        HealthProtocol::Tcp => ("TCP", 10),
    };
    let (interval, timeout) = match (h.interval, h.timeout) {
        (Some(i), None) if i <= default_timeout => (Some(i), Some(i - 1)),
        (None, Some(t)) if t >= 30 => (Some(t + 1), Some(t)),
        other => other,
    };
    Health {
        protocol,
        path: h.path.clone(),
        interval,
        timeout,
        // Written out, so that every target deploys the same check: Elastic Load Balancing
        // fills an unset threshold with 5 (healthy) and 2 (unhealthy), but the Terraform
        // provider sends its own default, 3, for both.
        healthy_threshold: Some(h.healthy.unwrap_or(ELB_HEALTHY_THRESHOLD)),
        unhealthy_threshold: Some(h.unhealthy.unwrap_or(ELB_UNHEALTHY_THRESHOLD)),
    }
}

/// Elastic Load Balancing's default thresholds for a network load balancer's target group.
const ELB_HEALTHY_THRESHOLD: u32 = 5;
const ELB_UNHEALTHY_THRESHOLD: u32 = 2;

#[cfg(test)]
mod tests {
    use crate::names::listener_ports;

    #[test]
    fn a_health_value_alone_brings_a_partner_that_fits() {
        use crate::model::{Health, HealthProtocol};
        let h = |protocol, interval, timeout| {
            super::target_health(&Health {
                protocol,
                path: None,
                interval,
                timeout,
                healthy: None,
                unhealthy: None,
            })
        };
        let t = h(HealthProtocol::Http, Some(5), None);
        assert_eq!((t.interval, t.timeout), (Some(5), Some(4)));
        let t = h(HealthProtocol::Tcp, Some(10), None);
        assert_eq!((t.interval, t.timeout), (Some(10), Some(9)));
        let t = h(HealthProtocol::Tcp, Some(11), None);
        assert_eq!((t.interval, t.timeout), (Some(11), None));
        let t = h(HealthProtocol::Http, None, Some(45));
        assert_eq!((t.interval, t.timeout), (Some(46), Some(45)));
        let t = h(HealthProtocol::Http, None, Some(20));
        assert_eq!((t.interval, t.timeout), (None, Some(20)));
        // Unset thresholds are written as Elastic Load Balancing's defaults.
        assert_eq!(
            (t.healthy_threshold, t.unhealthy_threshold),
            (Some(5), Some(2))
        );
    }

    #[test]
    fn a_port_depends_on_its_name_alone() {
        let core = |names: &[&'static str]| listener_ports(names.iter().map(|n| ("core", *n)));
        let three = core(&["orders", "users", "search"]);
        let two = core(&["orders", "search"]);
        let four = core(&["orders", "users", "search", "billing"]);
        for name in ["orders", "search"] {
            assert_eq!(three[name], two[name]);
            assert_eq!(three[name], four[name]);
        }
        assert!(three.values().all(|p| (10_000..60_000).contains(p)));
        let mut ports: Vec<u16> = four.values().copied().collect();
        ports.sort_unstable();
        ports.dedup();
        assert_eq!(ports.len(), 4);
        // Two names that hash to one port share it in two networks (two load balancers),
        // and in one network the later name takes the next port.
        assert_eq!(
            crate::names::listener_home("svc124"),
            crate::names::listener_home("svc339")
        );
        let apart = listener_ports([("a", "svc124"), ("b", "svc339")].into_iter());
        assert_eq!(apart["svc124"], apart["svc339"]);
        let together = listener_ports([("a", "svc339"), ("a", "svc124")].into_iter());
        assert_eq!(together["svc339"], together["svc124"] + 1);
    }
}
