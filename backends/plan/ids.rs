//! Step ids: `<spec name>-<kind>` (`core-vpc`, `orders-service`), numbered kinds ending in
//! `-<n>` (`shop-resource-3`). Every ref names a step by its id and `depends_on` lists them,
//! so the scheme must give distinct entities distinct ids: the kinds are listed here and a
//! test checks that no kind can be mistaken for another's suffix.
//!
//! Ids are made by the thousand (several per service and route), so they are joined on the
//! stack into one shared allocation rather than through `format!` (measured with callgrind).

use super::json::{with_joined, StepId};
use crate::ir::{Direction, Graph, Id, Ids, Internal, Origin, Props, RoleUse};

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
        "subnet-N",
        "endpoint-sg",
        "nlb-sg",
        "connector-sg",
        "endpoint-sg-revoke-egress",
        "nlb-sg-revoke-egress",
        "connector-sg-revoke-egress",
        "endpoint-sg-ingress-N",
        "endpoint-sg-egress-N",
        "nlb-sg-ingress-N",
        "nlb-sg-egress-N",
        "connector-sg-ingress-N",
        "connector-sg-egress-N",
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
        Props::InternetGateway(_)
        | Props::RouteTable(_)
        | Props::Route(_)
        | Props::RouteTableAssociation(_)
        | Props::ElasticIp(_)
        | Props::NatGateway(_)
        | Props::Cluster(_)
        | Props::TaskDefinition(_)
        | Props::EcsService(_)
        | Props::ScalableTarget(_)
        | Props::ScalingPolicy(_) => return Err(Internal("ECS kinds are not spelled yet".into())),
        Props::ServiceZones(_) => self::id(owner, kind::ENDPOINT_ZONES),
        Props::Vpc(_) => self::id(owner, kind::VPC),
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
            id_n(owner, &format!("{group}-sg-{dir}"), rule.ordinal)
        }
        Props::VpcEndpoint(_) => self::id(owner, kind::ENDPOINT),
        Props::EndpointEnis(_) => self::id(owner, kind::ENDPOINT_ENIS),
        Props::LoadBalancer(_) => self::id(owner, kind::NLB),
        Props::TargetGroup(_) => self::id(owner, kind::TARGET_GROUP),
        Props::Listener(_) => self::id(owner, kind::LISTENER),
        Props::VpcLink(_) => self::id(owner, kind::VPC_LINK),
        Props::VpcConnector(_) => self::id(owner, kind::CONNECTOR),
        Props::Role(role) => self::id(
            owner,
            match role.role_use {
                RoleUse::Access => kind::ACCESS_ROLE,
                RoleUse::Instance => kind::INSTANCE_ROLE,
                RoleUse::Execution | RoleUse::Task => {
                    return Err(Internal("ECS roles are not spelled yet".into()))
                }
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
        Props::LogGroup(_) => self::id(owner, kind::LOG_GROUP),
        Props::Stage(_) => self::id(owner, kind::STAGE),
        Props::ApiKey(_) => self::id(owner, kind::API_KEY),
        Props::UsagePlan(_) => self::id(owner, kind::USAGE_PLAN),
        Props::UsagePlanKey(_) => self::id(owner, kind::USAGE_PLAN_KEY),
    })
}

/// Every step id the plan will hold, with what it is written for, then every output name:
/// what the check compares to find two that repeat.
pub fn all(g: &Graph) -> Result<(Ids, Ids), Internal> {
    let mut steps: Vec<(String, Origin)> = Vec::with_capacity(g.resources.len() * 2);
    if g.all::<crate::ir::Stage>()
        .any(|(_, s)| s.access_log.is_some())
    {
        steps.push((
            self::id(&g.app.name, kind::ACCOUNT).to_string(),
            Origin::Backend("the lookup of the account id"),
        ));
    }
    for (rid, r) in g.iter() {
        let owner = &g.decl(r.decl)?.names.spec;
        let origin = Origin::Resource(rid);
        steps.push((main(g, rid)?.to_string(), origin));
        let mut extra = |kind: &str| steps.push((self::id(owner, kind).to_string(), origin));
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
            Props::TargetGroup(_) => extra(kind::TARGETS),
            Props::Role(role) => extra(match role.role_use {
                RoleUse::Access => kind::ACCESS_POLICY,
                RoleUse::Instance => kind::INSTANCE_POLICY,
                RoleUse::Execution | RoleUse::Task => {
                    return Err(Internal("ECS roles are not spelled yet".into()))
                }
            }),
            Props::LogsRole(_) => extra(kind::LOGS_POLICY),
            Props::LogGroup(_) => extra(kind::LOG_RETENTION),
            Props::Stage(s) if s.throttle.is_some() || s.access_log.is_some() => {
                extra(kind::STAGE_SETTINGS)
            }
            Props::UsagePlan(_) => extra(kind::USAGE_PLAN_STAGES),
            Props::Method(m) => {
                steps.push((id_n(owner, "integration", m.index).to_string(), origin));
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
