//! Step ids: `<spec name>-<kind>` (`core-vpc`, `orders-service`), numbered kinds ending in
//! `-<n>` (`shop-resource-3`). Every ref names a step by its id and `depends_on` lists them,
//! so the scheme must give distinct entities distinct ids: the kinds are listed here and a
//! test checks that no kind can be mistaken for another's suffix.
//!
//! Ids are made by the thousand (several per service and route), so they are joined on the
//! stack into one shared allocation rather than through `format!` (measured with callgrind).

use super::json::{with_joined, StepId};
use crate::ir::{
    DeclKind, Direction, Graph, Id, Ids, Internal, Origin, Props, RoleUse, TableUse, Targets,
};

/// The kinds that follow `<spec name>-` in a step id. No kind ends with `-` + another kind
/// (numbered kinds end in a number, which is no kind), so `<name>-<kind>` is unique for every
/// pair of distinct entities even when spec names contain hyphens: a test checks it.
pub mod kind {
    pub const ZONES: &str = "zones";
    pub const ENDPOINT_ZONES: &str = "endpoint-azs";
    pub const ACCOUNT: &str = "account";
    pub const VPC: &str = "vpc";
    pub const DNS_SUPPORT: &str = "dns-support";
    pub const DNS_HOSTNAMES: &str = "dns-hostnames";
    pub const ENDPOINT: &str = "endpoint";
    pub const ENDPOINT_ENIS: &str = "endpoint-enis";
    pub const NLB: &str = "nlb";
    pub const NLB_ATTRIBUTES: &str = "nlb-attributes";
    pub const NLB_SECURITY_GROUPS: &str = "nlb-security-groups";
    pub const TARGET_GROUP: &str = "target-group";
    pub const TARGETS: &str = "targets";
    pub const LISTENER: &str = "listener";
    pub const VPC_LINK: &str = "vpc-link";
    pub const CONNECTOR: &str = "connector";
    pub const ACCESS_ROLE: &str = "access-role";
    pub const ACCESS_POLICY: &str = "access-policy";
    pub const INSTANCE_ROLE: &str = "instance-role";
    pub const INSTANCE_POLICY: &str = "instance-policy";
    pub const AUTOSCALING: &str = "autoscaling";
    pub const OBSERVABILITY: &str = "observability";
    pub const SERVICE: &str = "service";
    pub const INGRESS: &str = "ingress";
    pub const REST_API: &str = "rest-api";
    pub const DEPLOYMENT: &str = "deployment";
    pub const STAGE: &str = "stage";
    pub const STAGE_SETTINGS: &str = "stage-settings";
    pub const LOG_GROUP: &str = "log-group";
    pub const LOG_RETENTION: &str = "log-retention";
    pub const API_KEY: &str = "api-key";
    pub const USAGE_PLAN: &str = "usage-plan";
    pub const USAGE_PLAN_KEY: &str = "usage-plan-key";
    pub const USAGE_PLAN_STAGES: &str = "usage-plan-stages";
    pub const LOGS_ROLE: &str = "apigateway-logs-role";
    pub const LOGS_POLICY: &str = "apigateway-logs-policy";
    pub const LOGS_ACCOUNT: &str = "apigateway-account-settings";
    pub const INTERNET_GATEWAY: &str = "internet-gateway";
    pub const INTERNET_GATEWAY_ATTACHMENT: &str = "internet-gateway-attachment";
    pub const ROUTE_TABLE_PUBLIC: &str = "route-table-public";
    pub const ROUTE_PUBLIC: &str = "route-public";
    pub const CLUSTER: &str = "cluster";
    pub const TASK_DEFINITION: &str = "task-definition";
    pub const TASK_DEFINITION_DEREGISTER: &str = "task-definition-deregister";
    /// An ECS service: not `ecs-service`, which would end with `-service` (App Runner's).
    pub const ECS_SERVICE: &str = "ecs";
    pub const ECS_DRAIN: &str = "ecs-drain";
    pub const SCALABLE_TARGET: &str = "scalable-target";
    pub const SCALING_POLICY: &str = "scaling-policy";
    pub const EXECUTION_ROLE: &str = "execution-role";
    pub const EXECUTION_POLICY: &str = "execution-policy";
    pub const TASK_ROLE: &str = "task-role";
    pub const TASK_POLICY: &str = "task-policy";
    /// An ECS service's log group: not `log-group`, an api's (a service and an api may
    /// share a name).
    pub const ECS_LOGS: &str = "ecs-logs";
    pub const ECS_LOGS_RETENTION: &str = "ecs-logs-retention";

    /// Every fixed kind, and the numbered ones written with `N`.
    pub const ALL: &[&str] = &[
        ZONES,
        ENDPOINT_ZONES,
        ACCOUNT,
        VPC,
        DNS_SUPPORT,
        DNS_HOSTNAMES,
        ENDPOINT,
        ENDPOINT_ENIS,
        NLB,
        NLB_ATTRIBUTES,
        NLB_SECURITY_GROUPS,
        TARGET_GROUP,
        TARGETS,
        LISTENER,
        VPC_LINK,
        CONNECTOR,
        ACCESS_ROLE,
        ACCESS_POLICY,
        INSTANCE_ROLE,
        INSTANCE_POLICY,
        AUTOSCALING,
        OBSERVABILITY,
        SERVICE,
        INGRESS,
        REST_API,
        DEPLOYMENT,
        STAGE,
        STAGE_SETTINGS,
        LOG_GROUP,
        LOG_RETENTION,
        API_KEY,
        USAGE_PLAN,
        USAGE_PLAN_KEY,
        USAGE_PLAN_STAGES,
        LOGS_ROLE,
        LOGS_POLICY,
        LOGS_ACCOUNT,
        INTERNET_GATEWAY,
        INTERNET_GATEWAY_ATTACHMENT,
        ROUTE_TABLE_PUBLIC,
        ROUTE_PUBLIC,
        CLUSTER,
        TASK_DEFINITION,
        TASK_DEFINITION_DEREGISTER,
        ECS_SERVICE,
        ECS_DRAIN,
        SCALABLE_TARGET,
        SCALING_POLICY,
        EXECUTION_ROLE,
        EXECUTION_POLICY,
        TASK_ROLE,
        TASK_POLICY,
        ECS_LOGS,
        ECS_LOGS_RETENTION,
        // An ECS service's target group and listener, numbered by their ports: apart from a
        // network's (`target-group`, `listener`) when a service and a network share a name.
        "target-group-N",
        "listener-N",
        "subnet-N",
        "subnet-public-N",
        "route-table-N",
        "route-N",
        "route-association-N",
        "route-association-public-N",
        "eip-N",
        "nat-gateway-N",
        "endpoint-sg",
        "nlb-sg",
        "connector-sg",
        "endpoints-sg",
        "tasks-sg",
        "endpoint-sg-revoke-egress",
        "nlb-sg-revoke-egress",
        "connector-sg-revoke-egress",
        "endpoints-sg-revoke-egress",
        "tasks-sg-revoke-egress",
        "endpoint-sg-ingress-N",
        "endpoint-sg-egress-N",
        "nlb-sg-ingress-N",
        "nlb-sg-egress-N",
        "connector-sg-ingress-N",
        "connector-sg-egress-N",
        "endpoints-sg-ingress-N",
        "endpoints-sg-egress-N",
        "tasks-sg-ingress-N",
        "tasks-sg-egress-N",
        // The rules an ECS service owns, on its tasks' group and on its network's groups:
        // apart from the network's own rules when a service and a network share a name.
        "ecs-nlb-ingress-N",
        "ecs-nlb-egress-N",
        "ecs-endpoints-ingress-N",
        "ecs-endpoints-egress-N",
        "ecs-tasks-ingress-N",
        "ecs-tasks-egress-N",
        // A network's endpoints other than App Runner's requests endpoint (`endpoint`):
        // `endpoint-<service's words>`, never `<words>-endpoint`, which ends with `-endpoint`.
        "endpoint-ecr-api",
        "endpoint-ecr-dkr",
        "endpoint-logs",
        "endpoint-s3",
        "endpoint-secretsmanager",
        "endpoint-ssm",
        "resource-N",
        "method-N",
        "integration-N",
    ];
}

/// The id of the step that makes resource `id`: `<owner>-<kind>`, numbered for the kinds an
/// owner has several of. Refs to the resource name this step.
pub fn main(g: &Graph, id: Id) -> Result<StepId, Internal> {
    let r = g.resource(id)?;
    let owner = &g.decl(r.decl)?.names.spec;
    Ok(match &r.props {
        Props::RegionZones(_) => self::id(owner, kind::ZONES),
        Props::InternetGateway(_) => self::id(owner, kind::INTERNET_GATEWAY),
        Props::RouteTable(t) => match t.table_use {
            TableUse::Public => self::id(owner, kind::ROUTE_TABLE_PUBLIC),
            TableUse::Private(n) => id_n(owner, "route-table", n),
        },
        Props::Route(route) => match route_table(g, route.table.id)? {
            TableUse::Public => self::id(owner, kind::ROUTE_PUBLIC),
            TableUse::Private(n) => id_n(owner, "route", n),
        },
        Props::RouteTableAssociation(a) => match g.get(a.subnet)? {
            s if s.public => id_n(owner, "route-association-public", s.index),
            s => id_n(owner, "route-association", s.index),
        },
        Props::ElasticIp(e) => id_n(owner, "eip", e.index),
        Props::NatGateway(n) => id_n(owner, "nat-gateway", n.index),
        Props::Cluster(_) => self::id(owner, kind::CLUSTER),
        Props::TaskDefinition(_) => self::id(owner, kind::TASK_DEFINITION),
        Props::EcsService(_) => self::id(owner, kind::ECS_SERVICE),
        Props::ScalableTarget(_) => self::id(owner, kind::SCALABLE_TARGET),
        Props::ScalingPolicy(_) => self::id(owner, kind::SCALING_POLICY),
        Props::ServiceZones(_) => self::id(owner, kind::ENDPOINT_ZONES),
        Props::Vpc(_) => self::id(owner, kind::VPC),
        Props::Subnet(s) if s.public => id_n(owner, "subnet-public", s.index),
        Props::Subnet(s) => id_n(owner, "subnet", s.index),
        Props::SecurityGroup(sg) => self::id(owner, &format!("{}-sg", sg.role.snake())),
        Props::SgRule(rule) => {
            let group = match &g.resource(rule.group.id)?.props {
                Props::SecurityGroup(sg) => sg.role.snake(),
                other => {
                    return Err(Internal(format!(
                        "a security group rule belongs to a {}",
                        other.kind_name()
                    )))
                }
            };
            let dir = match rule.direction {
                Direction::Ingress => "ingress",
                Direction::Egress => "egress",
            };
            if g.decl(r.decl)?.kind == DeclKind::Service {
                id_n(owner, &format!("ecs-{group}-{dir}"), rule.ordinal)
            } else {
                id_n(owner, &format!("{group}-sg-{dir}"), rule.ordinal)
            }
        }
        Props::VpcEndpoint(e) => match e.member() {
            None => self::id(owner, kind::ENDPOINT),
            Some((_, snake)) => self::id(owner, &format!("endpoint-{}", snake.replace('_', "-"))),
        },
        Props::EndpointEnis(_) => self::id(owner, kind::ENDPOINT_ENIS),
        Props::LoadBalancer(_) => self::id(owner, kind::NLB),
        Props::TargetGroup(tg) => match tg.targets {
            Targets::EndpointEnis(_) => self::id(owner, kind::TARGET_GROUP),
            Targets::Ecs => id_n(owner, "target-group", usize::from(tg.port)),
        },
        Props::Listener(l) => match g.get(l.target_group)?.targets {
            Targets::EndpointEnis(_) => self::id(owner, kind::LISTENER),
            Targets::Ecs => id_n(owner, "listener", usize::from(l.port)),
        },
        Props::VpcLink(_) => self::id(owner, kind::VPC_LINK),
        Props::VpcConnector(_) => self::id(owner, kind::CONNECTOR),
        Props::Role(role) => self::id(
            owner,
            match role.role_use {
                RoleUse::Access => kind::ACCESS_ROLE,
                RoleUse::Instance => kind::INSTANCE_ROLE,
                RoleUse::Execution => kind::EXECUTION_ROLE,
                RoleUse::Task => kind::TASK_ROLE,
            },
        ),
        Props::AutoScaling(_) => self::id(owner, kind::AUTOSCALING),
        Props::Observability(_) => self::id(owner, kind::OBSERVABILITY),
        Props::AppRunnerService(_) => self::id(owner, kind::SERVICE),
        Props::IngressConnection(_) => self::id(owner, kind::INGRESS),
        Props::LogsRole(_) => self::id(owner, kind::LOGS_ROLE),
        Props::ApiAccount(_) => self::id(owner, kind::LOGS_ACCOUNT),
        Props::RestApi(_) => self::id(owner, kind::REST_API),
        Props::ApiResource(res) => id_n(owner, "resource", res.index),
        Props::Method(m) => id_n(owner, "method", m.index),
        Props::Deployment(_) => self::id(owner, kind::DEPLOYMENT),
        Props::LogGroup(_) => self::id(owner, log_kinds(g, id)?.0),
        Props::Stage(_) => self::id(owner, kind::STAGE),
        Props::ApiKey(_) => self::id(owner, kind::API_KEY),
        Props::UsagePlan(_) => self::id(owner, kind::USAGE_PLAN),
        Props::UsagePlanKey(_) => self::id(owner, kind::USAGE_PLAN_KEY),
    })
}

/// Every step id the plan will hold, with what it is written for, then every output name:
/// what the check compares to find two that repeat.
pub fn all(g: &Graph) -> Result<(Vec<(StepId, Origin)>, Ids), Internal> {
    let mut steps: Vec<(StepId, Origin)> = Vec::with_capacity(g.resources.len() * 2);
    if needs_account(g) {
        steps.push((
            self::id(&g.app.name, kind::ACCOUNT),
            Origin::Backend("the lookup of the account id"),
        ));
    }
    for (rid, r) in g.iter() {
        let owner = &g.decl(r.decl)?.names.spec;
        let origin = Origin::Resource(rid);
        steps.push((main(g, rid)?, origin));
        let mut extra = |kind: &str| steps.push((self::id(owner, kind), origin));
        match &r.props {
            Props::Vpc(_) => {
                extra(kind::DNS_SUPPORT);
                extra(kind::DNS_HOSTNAMES);
            }
            Props::SecurityGroup(sg) if sg.exact_rules => {
                extra(&format!("{}-sg-revoke-egress", sg.role.snake()));
            }
            Props::LoadBalancer(_) => {
                extra(kind::NLB_ATTRIBUTES);
                extra(kind::NLB_SECURITY_GROUPS);
            }
            Props::TargetGroup(tg) if matches!(tg.targets, Targets::EndpointEnis(_)) => {
                extra(kind::TARGETS)
            }
            Props::Role(role) => extra(policy_kind(role.role_use)),
            Props::InternetGateway(_) => extra(kind::INTERNET_GATEWAY_ATTACHMENT),
            Props::TaskDefinition(_) => extra(kind::TASK_DEFINITION_DEREGISTER),
            Props::EcsService(_) => extra(kind::ECS_DRAIN),
            Props::LogsRole(_) => extra(kind::LOGS_POLICY),
            Props::LogGroup(_) => extra(log_kinds(g, rid)?.1),
            Props::Stage(s) if s.throttle.is_some() || s.access_log.is_some() => {
                extra(kind::STAGE_SETTINGS)
            }
            Props::UsagePlan(_) => extra(kind::USAGE_PLAN_STAGES),
            Props::Method(m) => {
                steps.push((id_n(owner, "integration", m.index), origin));
            }
            _ => {}
        }
    }
    let outputs = g
        .outputs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.snake.clone(), Origin::Output(i)))
        .collect();
    Ok((steps, outputs))
}

/// The kind of the step that puts a role's inline policy.
pub fn policy_kind(role_use: RoleUse) -> &'static str {
    match role_use {
        RoleUse::Access => kind::ACCESS_POLICY,
        RoleUse::Instance => kind::INSTANCE_POLICY,
        RoleUse::Execution => kind::EXECUTION_POLICY,
        RoleUse::Task => kind::TASK_POLICY,
    }
}

/// Whether the plan looks up the account id (`<app>-account`), which ARNs built from parts
/// need: a stage's access-log group, and the log streams an ECS execution role writes.
pub fn needs_account(g: &Graph) -> bool {
    g.all::<crate::ir::Stage>()
        .any(|(_, s)| s.access_log.is_some())
        || g.all::<crate::ir::Role>()
            .any(|(_, r)| r.statements.iter().any(|s| !s.log_streams.is_empty()))
}

/// The kinds of a log group's step and its retention's: an api's, or an ECS service's.
pub fn log_kinds(g: &Graph, group: Id) -> Result<(&'static str, &'static str), Internal> {
    Ok(match g.owner(group)?.kind {
        DeclKind::Service => (kind::ECS_LOGS, kind::ECS_LOGS_RETENTION),
        _ => (kind::LOG_GROUP, kind::LOG_RETENTION),
    })
}

/// What a route's table serves.
fn route_table(g: &Graph, table: Id) -> Result<TableUse, Internal> {
    match &g.resource(table)?.props {
        Props::RouteTable(t) => Ok(t.table_use),
        other => Err(Internal(format!(
            "a route belongs to a {}",
            other.kind_name()
        ))),
    }
}

/// `<spec name>-<kind>`: `core-vpc`, `orders-service`.
pub fn id(name: &str, kind: &str) -> StepId {
    with_joined(&[name, "-", kind], |s| StepId::from(s))
}

/// `<spec name>-<kind>-<n>` for the numbered kinds: `shop-resource-3`, `core-subnet-0`.
pub fn id_n(name: &str, kind: &str, n: usize) -> StepId {
    // Ids are made by the thousand: `format!` would be most of their cost.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            // `rest % 10` is a single digit.
            *d = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || start == 0 {
            break;
        }
    }
    let number = digits
        .get(start..)
        .and_then(|d| std::str::from_utf8(d).ok())
        .unwrap_or_default();
    with_joined(&[name, "-", kind, "-", number], |s| StepId::from(s))
}

#[cfg(test)]
mod tests {
    use super::kind::ALL;
    use super::*;

    #[test]
    fn numbered_ids_spell_the_number() {
        assert_eq!(&*id_n("shop", "resource", 0), "shop-resource-0");
        assert_eq!(&*id_n("shop", "method", 907), "shop-method-907");
        let max = usize::MAX;
        assert_eq!(&*id_n("a", "b", max), format!("a-b-{max}"));
        assert_eq!(&*id("core", kind::VPC), "core-vpc");
    }

    /// Step ids are `<name>-<kind>`; they stay unique for hyphenated names only if no kind
    /// ends with `-` followed by another kind.
    #[test]
    fn no_kind_is_a_hyphen_suffix_of_another() {
        // Numbered kinds are written with `N`; their instances end in a number, which no kind is.
        for a in ALL {
            for b in ALL {
                if a != b {
                    assert!(!a.ends_with(&format!("-{b}")), "`{a}` ends with `-{b}`");
                }
            }
            assert!(a.parse::<u64>().is_err());
        }
        let unique: std::collections::BTreeSet<_> = ALL.iter().collect();
        assert_eq!(unique.len(), ALL.len());
    }
}
