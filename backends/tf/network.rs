//! Network kinds as Terraform blocks: the zone lookups, the VPC and subnets, security groups
//! and their rules, the VPC endpoints (App Runner's requests endpoint, and what ECS tasks pull
//! and log through), the load balancer path that API Gateway's VPC link uses, the VPC
//! connector, and with `nat = true` the internet gateway, route tables, routes, Elastic IPs
//! and NAT gateways.
//!
//! The trap this file exists for (spec section 6.1): the load balancer's targets are the
//! endpoint's interface IPs, which the provider does not expose. They are read with
//! `data "aws_network_interface"` and `count` = the number of subnets (known at plan time),
//! indexing `tolist(network_interface_ids)` (a set, so sorted and stable); `for_each` over
//! the ids would fail at plan time because they are unknown until the endpoint exists. That
//! lookup is written with the target group's attachments, which read it by `count.index`.

use super::cx::Cx;
use super::doc::{BodyExt, Doc};
use super::expr::{
    attr, call, count_index, data_ref, get_attr, index, int, resource_ref, string, text,
};
use crate::ir::{
    Direction, ElasticIp, Health, Id, Internal, InternetGateway, Listener, LoadBalancer,
    NatGateway, Peer, Ref, RegionZones, Route, RouteTable, RouteTableAssociation, RouteTarget,
    SecurityGroup, ServiceZones, SgRule, Subnet, SubnetRef, TargetGroup, Targets, Vpc,
    VpcConnector, VpcEndpoint, VpcLink, VpcRef, ZoneRef,
};
use hcl::expr::{BinaryOp, BinaryOperator, Operation, Traversal};
use hcl::{Body, Expression};

/// Only regular zones that are up, as the plan asks: with a Local Zone opted into, the data
/// source lists it too (and `us-west-2-lax-1a` sorts before `us-west-2a`), and Local Zones
/// host neither these endpoints nor the load balancer.
pub fn region_zones(cx: &Cx, me: Id, z: &RegionZones, w: &mut Doc) -> Result<(), Internal> {
    w.data("aws_availability_zones", cx.name(me)?, |w| {
        w.attr("state", string("available"));
        w.block("filter", &[], |w| {
            w.attr("name", string("zone-type"));
            w.attr(
                "values",
                Expression::Array(vec![string("availability-zone")]),
            );
        });
        at_least(w, "names", z.count, "Availability Zones");
    });
    Ok(())
}

/// `service` rather than `service_name`: the provider adds `com.amazonaws.<region>.` for its
/// own region.
pub fn service_zones(cx: &Cx, me: Id, z: &ServiceZones, w: &mut Doc) -> Result<(), Internal> {
    w.data("aws_vpc_endpoint_service", cx.name(me)?, |w| {
        w.attr("service", string(&z.service));
        w.attr("service_type", string("Interface"));
        let what = format!("Availability Zones with the {} endpoint", z.service);
        at_least(w, "availability_zones", z.count, &what);
    });
    Ok(())
}

/// A zone lookup's postcondition: at least `count` zones, the most some network's `zones`
/// asks for, so that a region (or an account) with fewer fails `terraform plan` saying so,
/// rather than at an index out of range.
fn at_least(w: &mut Body, list: &'static str, count: usize, what: &str) {
    let found = call(
        "length",
        get_attr(
            Expression::from(Traversal {
                expr: Expression::Variable(hcl::Variable::unchecked("self")),
                operators: Vec::new(),
            }),
            list,
        ),
    );
    let condition = Operation::Binary(BinaryOp::new(
        found,
        BinaryOperator::GreaterEq,
        int(count as u64),
    ));
    let message = format!("The app asks for {count} {what} (a network's `zones`), and this region offers fewer to this account: lower `zones`.");
    w.block("lifecycle", &[], |w| {
        w.block("postcondition", &[], |w| {
            w.attr("condition", Expression::from(condition));
            w.attr("error_message", string(&message));
        });
    });
}

pub fn vpc(cx: &Cx, me: Id, v: &Vpc, w: &mut Doc) -> Result<(), Internal> {
    w.resource("aws_vpc", cx.name(me)?, |w| {
        w.attr("cidr_block", string(&v.cidr));
        w.attr("enable_dns_support", Expression::Bool(v.dns_support));
        w.attr("enable_dns_hostnames", Expression::Bool(v.dns_hostnames));
    });
    Ok(())
}

pub fn subnet(cx: &Cx, me: Id, s: &Subnet, w: &mut Doc) -> Result<(), Internal> {
    let zone = match s.zone {
        ZoneRef::Region(r, i) => index(cx.attr(r, "names")?.into(), int(i as u64)),
        // A set: sorted into a list, the same order the other targets use.
        ZoneRef::Service(r, i) => index(
            call("sort", cx.attr(r, "availability_zones")?.into()),
            int(i as u64),
        ),
    };
    let vpc = cx.attr(s.vpc, "id")?;
    w.resource("aws_subnet", cx.name(me)?, |w| {
        w.attr("vpc_id", vpc.into());
        w.attr("cidr_block", string(&s.cidr));
        w.attr("availability_zone", zone);
        if s.map_public_ip {
            w.attr("map_public_ip_on_launch", Expression::Bool(true));
        }
    });
    Ok(())
}

/// A VPC's id: the created VPC's, or the existing one as written.
pub fn vpc_id(cx: &Cx, vpc: &VpcRef) -> Result<Expression, Internal> {
    Ok(match vpc {
        VpcRef::Created(r) => cx.attr(*r, "id")?.into(),
        VpcRef::Existing(id) => text(id),
    })
}

pub fn subnet_ids(cx: &Cx, subnets: &[SubnetRef]) -> Result<Expression, Internal> {
    subnets
        .iter()
        .map(|s| match s {
            SubnetRef::Created(r) => Ok(cx.attr(*r, "id")?.into()),
            SubnetRef::Existing(id) => Ok(text(id)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Expression::Array)
}

pub fn group_ids(cx: &Cx, groups: &[Ref<SecurityGroup>]) -> Result<Expression, Internal> {
    groups
        .iter()
        .map(|g| Ok(cx.attr(*g, "id")?.into()))
        .collect::<Result<Vec<_>, _>>()
        .map(Expression::Array)
}

/// A group without inline rules (the provider then removes AWS's default allow-all egress),
/// whose rules are revoked before it is deleted (the groups refer to each other).
pub fn security_group(cx: &Cx, me: Id, sg: &SecurityGroup, w: &mut Doc) -> Result<(), Internal> {
    let vpc = vpc_id(cx, &sg.vpc)?;
    let replace_first = cx.g.resource(me)?.replace_first;
    w.resource("aws_security_group", cx.name(me)?, |w| {
        w.attr("name", string(&sg.physical));
        w.attr("description", string(&sg.description));
        w.attr("vpc_id", vpc);
        w.attr("revoke_rules_on_delete", Expression::Bool(sg.exact_rules));
        if replace_first {
            // Its name changes with whatever forces its replacement (lowering's suffix).
            w.create_before_destroy();
        }
    });
    Ok(())
}

pub fn sg_rule(cx: &Cx, me: Id, rule: &SgRule, w: &mut Doc) -> Result<(), Internal> {
    let group = cx.attr(rule.group, "id")?;
    let peer = match &rule.peer {
        Peer::Group(p) => Some(cx.attr(*p, "id")?),
        Peer::Cidr(_) => None,
    };
    let ty = match rule.direction {
        Direction::Ingress => "aws_vpc_security_group_ingress_rule",
        Direction::Egress => "aws_vpc_security_group_egress_rule",
    };
    w.resource(ty, cx.name(me)?, |w| {
        w.attr("security_group_id", group.into());
        w.attr("description", string(&rule.description));
        w.attr("ip_protocol", string(rule.protocol.as_aws()));
        if let Some((from, to)) = rule.ports {
            w.attr("from_port", int(u64::from(from)));
            w.attr("to_port", int(u64::from(to)));
        }
        match (&rule.peer, peer) {
            (_, Some(peer)) => w.attr("referenced_security_group_id", peer.into()),
            (Peer::Cidr(c), None) => w.attr("cidr_ipv4", string(c)),
            (Peer::Group(_), None) => {}
        }
    });
    Ok(())
}

/// An interface endpoint (network interfaces in subnets, guarded by groups), or a gateway
/// endpoint (`s3`: routes in the route tables).
pub fn endpoint(cx: &Cx, me: Id, e: &VpcEndpoint, w: &mut Doc) -> Result<(), Internal> {
    let prefix = crate::backends::endpoint_prefix(&cx.g.app.region, &e.service, e.endpoint_type);
    let service_name = cx.with_region(&format!("{prefix}."), &format!(".{}", e.service));
    let vpc = vpc_id(cx, &e.vpc)?;
    let name = cx.name(me)?;
    match e.endpoint_type {
        "Interface" if e.route_tables.is_empty() => {
            let subnets = subnet_ids(cx, &e.subnets)?;
            let groups = group_ids(cx, &e.security_groups)?;
            w.resource("aws_vpc_endpoint", name, |w| {
                w.attr("vpc_id", vpc);
                w.attr("service_name", service_name);
                w.attr("vpc_endpoint_type", string(e.endpoint_type));
                w.attr("subnet_ids", subnets);
                w.attr("security_group_ids", groups);
                w.attr("private_dns_enabled", Expression::Bool(e.private_dns));
                if let Some(only) = e.private_dns_only_for_inbound_resolver {
                    w.block("dns_options", &[], |w| {
                        w.attr(
                            "private_dns_only_for_inbound_resolver_endpoint",
                            Expression::Bool(only),
                        );
                    });
                }
            });
        }
        "Gateway"
            if e.subnets.is_empty()
                && e.security_groups.is_empty()
                && !e.private_dns
                && e.private_dns_only_for_inbound_resolver.is_none() =>
        {
            let tables = e
                .route_tables
                .iter()
                .map(|t| Ok(cx.attr(*t, "id")?.into()))
                .collect::<Result<Vec<_>, Internal>>()?;
            w.resource("aws_vpc_endpoint", name, |w| {
                w.attr("vpc_id", vpc);
                w.attr("service_name", service_name);
                w.attr("vpc_endpoint_type", string(e.endpoint_type));
                w.attr("route_table_ids", Expression::Array(tables));
            });
        }
        other => {
            return Err(Internal(format!(
                "the {} endpoint is of type `{other}` with options that type does not take",
                e.service
            )))
        }
    }
    Ok(())
}

/// An internal network load balancer, cross-zone.
pub fn load_balancer(cx: &Cx, me: Id, lb: &LoadBalancer, w: &mut Doc) -> Result<(), Internal> {
    let subnets = subnet_ids(cx, &lb.subnets)?;
    let groups = group_ids(cx, &lb.security_groups)?;
    let replace_first = cx.g.resource(me)?.replace_first;
    w.resource("aws_lb", cx.name(me)?, |w| {
        w.attr("name", string(&lb.physical));
        w.attr("internal", Expression::Bool(lb.internal));
        w.attr("load_balancer_type", string(lb.lb_type));
        w.attr("subnets", subnets);
        w.attr("security_groups", groups);
        w.attr(
            "enable_cross_zone_load_balancing",
            Expression::Bool(lb.cross_zone),
        );
        // VPC link traffic arrives over PrivateLink; enforcing the NLB group's inbound
        // rules on it would drop every request (the group has no ingress rules).
        w.attr(
            "enforce_security_group_inbound_rules_on_private_link_traffic",
            string(lb.private_link_enforcement()),
        );
        if replace_first {
            // Its name changes with whatever forces its replacement (lowering's suffix).
            w.create_before_destroy();
        }
    });
    Ok(())
}

/// The target group; for the App Runner path, then the lookup of the endpoint's interfaces
/// and one attachment per interface IP, by `count` (ECS registers an ECS service's tasks
/// itself).
pub fn target_group(cx: &Cx, me: Id, tg: &TargetGroup, w: &mut Doc) -> Result<(), Internal> {
    let name = cx.name(me)?;
    let vpc = vpc_id(cx, &tg.vpc)?;
    let replace_first = cx.g.resource(me)?.replace_first;
    w.resource("aws_lb_target_group", name, |w| {
        w.attr("name", string(&tg.physical));
        w.attr("port", int(u64::from(tg.port)));
        w.attr("protocol", string(tg.protocol));
        w.attr("target_type", string(tg.target_type));
        w.attr("vpc_id", vpc);
        if let Some(h) = &tg.health {
            health_check("health_check", h, w);
        }
        if replace_first {
            // Its name changes with whatever forces its replacement (lowering's suffix).
            w.create_before_destroy();
        }
    });
    let enis_ref = match tg.targets {
        Targets::EndpointEnis(enis) => enis,
        Targets::Ecs => return Ok(()),
    };
    let enis = cx.g.get(enis_ref)?;
    let lookup = cx.name(enis_ref.id)?;
    let ids = call(
        "tolist",
        cx.attr(enis.endpoint, "network_interface_ids")?.into(),
    );
    w.data("aws_network_interface", lookup, |w| {
        w.attr("count", int(enis.count as u64));
        w.attr("id", index(ids, count_index()));
    });
    let ip = get_attr(
        index(
            data_ref("aws_network_interface", lookup).into(),
            count_index(),
        ),
        "private_ip",
    );
    w.resource("aws_lb_target_group_attachment", name, |w| {
        w.attr("count", int(enis.count as u64));
        w.attr(
            "target_group_arn",
            attr("aws_lb_target_group", name, "arn").into(),
        );
        w.attr("target_id", ip);
        w.attr("port", int(u64::from(tg.port)));
    });
    Ok(())
}

/// A health check block (`health_check` of a target group, `health_check_configuration` of
/// an App Runner service): the protocol, and each setting only when given (AWS's default
/// otherwise).
pub(super) fn health_check(block: &'static str, h: &Health, w: &mut Body) {
    w.block(block, &[], |w| {
        w.attr("protocol", string(h.protocol));
        if let Some(path) = &h.path {
            w.attr("path", text(path));
        }
        for (key, value) in [
            ("interval", h.interval),
            ("timeout", h.timeout),
            ("healthy_threshold", h.healthy_threshold),
            ("unhealthy_threshold", h.unhealthy_threshold),
        ] {
            if let Some(v) = value {
                w.attr(key, int(u64::from(v)));
            }
        }
    });
}

pub fn listener(cx: &Cx, me: Id, l: &Listener, w: &mut Doc) -> Result<(), Internal> {
    let lb = cx.attr(l.load_balancer, "arn")?;
    let tg = cx.attr(l.target_group, "arn")?;
    w.resource("aws_lb_listener", cx.name(me)?, |w| {
        w.attr("load_balancer_arn", lb.into());
        w.attr("port", int(u64::from(l.port)));
        w.attr("protocol", string(l.protocol));
        w.block("default_action", &[], |w| {
            w.attr("type", string("forward"));
            w.attr("target_group_arn", tg.into());
        });
    });
    Ok(())
}

pub fn vpc_link(cx: &Cx, me: Id, link: &VpcLink, w: &mut Doc) -> Result<(), Internal> {
    let target = cx.attr(link.target, "arn")?;
    w.resource("aws_api_gateway_vpc_link", cx.name(me)?, |w| {
        w.attr("name", string(&link.physical));
        w.attr("target_arns", Expression::Array(vec![target.into()]));
    });
    Ok(())
}

pub fn connector(cx: &Cx, me: Id, c: &VpcConnector, w: &mut Doc) -> Result<(), Internal> {
    let subnets = subnet_ids(cx, &c.subnets)?;
    let groups = group_ids(cx, &c.security_groups)?;
    w.resource("aws_apprunner_vpc_connector", cx.name(me)?, |w| {
        w.attr("vpc_connector_name", string(&c.physical));
        w.attr("subnets", subnets);
        w.attr("security_groups", groups);
    });
    Ok(())
}

/// The internet gateway, attached to its VPC by `vpc_id`: what refers to it waits for the
/// attachment too.
pub fn internet_gateway(
    cx: &Cx,
    me: Id,
    igw: &InternetGateway,
    w: &mut Doc,
) -> Result<(), Internal> {
    let vpc = cx.attr(igw.vpc, "id")?;
    w.resource("aws_internet_gateway", cx.name(me)?, |w| {
        w.attr("vpc_id", vpc.into());
    });
    Ok(())
}

/// A route table without inline routes (each is an `aws_route`).
pub fn route_table(cx: &Cx, me: Id, t: &RouteTable, w: &mut Doc) -> Result<(), Internal> {
    let vpc = cx.attr(t.vpc, "id")?;
    w.resource("aws_route_table", cx.name(me)?, |w| {
        w.attr("vpc_id", vpc.into());
    });
    Ok(())
}

pub fn route(cx: &Cx, me: Id, route: &Route, w: &mut Doc) -> Result<(), Internal> {
    let table = cx.attr(route.table, "id")?;
    let (key, target) = match route.target {
        RouteTarget::InternetGateway(igw) => ("gateway_id", cx.attr(igw, "id")?),
        RouteTarget::NatGateway(nat) => ("nat_gateway_id", cx.attr(nat, "id")?),
    };
    w.resource("aws_route", cx.name(me)?, |w| {
        w.attr("route_table_id", table.into());
        w.attr("destination_cidr_block", string(&route.destination));
        w.attr(key, target.into());
    });
    Ok(())
}

pub fn route_table_association(
    cx: &Cx,
    me: Id,
    a: &RouteTableAssociation,
    w: &mut Doc,
) -> Result<(), Internal> {
    let subnet = cx.attr(a.subnet, "id")?;
    let table = cx.attr(a.table, "id")?;
    w.resource("aws_route_table_association", cx.name(me)?, |w| {
        w.attr("subnet_id", subnet.into());
        w.attr("route_table_id", table.into());
    });
    Ok(())
}

/// An Elastic IP for a NAT gateway: `domain = "vpc"` (the 5.x form; `vpc = true` is
/// deprecated).
pub fn elastic_ip(cx: &Cx, me: Id, _: &ElasticIp, w: &mut Doc) -> Result<(), Internal> {
    w.resource("aws_eip", cx.name(me)?, |w| {
        w.attr("domain", string("vpc"));
    });
    Ok(())
}

/// A public NAT gateway in its zone's public subnet. It names nothing of the internet
/// gateway, yet cannot work before the gateway is attached: `depends_on` says so.
pub fn nat_gateway(cx: &Cx, me: Id, nat: &NatGateway, w: &mut Doc) -> Result<(), Internal> {
    let eip = cx.attr(nat.eip, "id")?;
    let subnet = cx.attr(nat.subnet, "id")?;
    let igw = resource_ref("aws_internet_gateway", cx.name(nat.internet.id)?);
    cx.g.get(nat.internet)?;
    w.resource("aws_nat_gateway", cx.name(me)?, |w| {
        w.attr("allocation_id", eip.into());
        w.attr("subnet_id", subnet.into());
        w.attr("depends_on", Expression::Array(vec![igw.into()]));
    });
    Ok(())
}
