//! Network kinds as API calls: the zone lookups, the VPC (with its two DNS attributes) and
//! subnets, security groups (each with a call that revokes AWS's default egress rule) and
//! their rules, the endpoints (App Runner's requests endpoint, and the interface and gateway
//! endpoints ECS tasks start through) and the describe step for the requests endpoint's ENI
//! IPs (no API returns them with the endpoint), the load balancer (with its attributes and
//! security-group settings, calls of their own), the target group (with its targets
//! registered by their own call, or by ECS), the listener, the VPC link and the VPC
//! connector. Internet and NAT gateways and route tables are in `routing.rs`.
//!
//! Security group rules between two groups reference each other, so a group cannot be
//! deleted while the other's rule names it: every authorize step has a revoke as its delete.

use super::cx::Cx;
use super::ids::{id, kind};
use super::json::{arr, obj, J};
use super::steps::{reference, tag_map, tag_spec, text, Step};
use crate::ir::{
    Direction, EndpointEnis, Host, Id, Internal, Listener, LoadBalancer, Method, Peer, Protocol,
    RegionZones, SecurityGroup, ServiceZones, SgRule, Subnet, TargetGroup, Targets, Vpc,
    VpcConnector, VpcEndpoint, VpcLink, ZoneRef,
};

fn zone_output(i: usize) -> String {
    format!("Zone{i}")
}

fn ip_output(i: usize) -> String {
    format!("Ip{i}")
}

/// Only regular zones that are up: Local and Wavelength zones cannot host these resources.
pub fn region_zones<'a>(
    cx: &Cx<'a>,
    me: Id,
    z: &'a RegionZones,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "Filters" => arr![
            obj! { "Name" => "zone-type", "Values" => arr!["availability-zone"] },
            obj! { "Name" => "state", "Values" => arr!["available"] },
        ]
    };
    let mut step = Step::new(cx.step(me)?, "ec2", "DescribeAvailabilityZones", input);
    for i in 0..z.count {
        step = step.output(zone_output(i), format!("AvailabilityZones[{i}].ZoneName"));
    }
    out.push(step);
    Ok(())
}

/// The zones in the order the API lists them. The other targets sort them by name, which is
/// the order of AWS's own examples of this call.
pub fn service_zones<'a>(
    cx: &Cx<'a>,
    me: Id,
    z: &'a ServiceZones,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "ServiceNames" => arr![crate::backends::endpoint_service_name(
            &cx.g.app.region,
            &cx.g.app.region,
            &z.service,
            "Interface",
        )],
    };
    let mut step = Step::new(cx.step(me)?, "ec2", "DescribeVpcEndpointServices", input);
    for i in 0..z.count {
        step = step.output(
            zone_output(i),
            format!("ServiceDetails[0].AvailabilityZones[{i}]"),
        );
    }
    out.push(step);
    Ok(())
}

/// CreateVpc, then DNS support and DNS host names: the API takes one attribute per call.
pub fn vpc<'a>(cx: &Cx<'a>, me: Id, v: &'a Vpc, out: &mut Vec<Step<'a>>) -> Result<(), Internal> {
    let owner = &cx.g.owner(me)?.names.spec;
    let tags = &cx.g.app.tags;
    let step = Step::new(
        cx.step(me)?,
        "ec2",
        "CreateVpc",
        obj! { "CidrBlock" => &v.cidr, "TagSpecifications" => tag_spec("vpc", tags) },
    )
    .output("VpcId", "Vpc.VpcId");
    let vpc_ref = step.out("VpcId");
    let step = step.wait(
        "DescribeVpcs",
        obj! { "VpcIds" => arr![vpc_ref.clone()] },
        "Vpcs[0].State",
        "available",
        600,
    );
    out.push(step.delete("DeleteVpc", obj! { "VpcId" => vpc_ref.clone() }));
    for (kind, attribute, on) in [
        (kind::DNS_SUPPORT, "EnableDnsSupport", v.dns_support),
        (kind::DNS_HOSTNAMES, "EnableDnsHostnames", v.dns_hostnames),
    ] {
        let input = obj! { "VpcId" => vpc_ref.clone(), attribute => obj! { "Value" => on } };
        out.push(Step::new(
            id(owner, kind),
            "ec2",
            "ModifyVpcAttribute",
            input,
        ));
    }
    Ok(())
}

pub fn subnet<'a>(
    cx: &Cx<'a>,
    me: Id,
    s: &'a Subnet,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let zone = match s.zone {
        ZoneRef::Region(r, i) => cx.out(r, zone_output(i))?,
        ZoneRef::Service(r, i) => cx.out(r, zone_output(i))?,
    };
    let input = obj! {
        "VpcId" => cx.out(s.vpc, "VpcId")?,
        "CidrBlock" => &s.cidr,
        "AvailabilityZone" => zone,
        "TagSpecifications" => tag_spec("subnet", &cx.g.app.tags),
    };
    let step =
        Step::new(cx.step(me)?, "ec2", "CreateSubnet", input).output("SubnetId", "Subnet.SubnetId");
    let delete = obj! { "SubnetId" => step.out("SubnetId") };
    out.push(step.delete("DeleteSubnet", delete));
    Ok(())
}

/// The group, then the revocation of the allow-all egress AWS gives a new group: aprc's
/// groups have exactly the graph's rules.
pub fn security_group<'a>(
    cx: &Cx<'a>,
    me: Id,
    sg: &'a SecurityGroup,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let owner = &cx.g.owner(me)?.names.spec;
    let input = obj! {
        "Description" => &sg.description,
        "GroupName" => &sg.physical,
        "VpcId" => cx.vpc_id(&sg.vpc)?,
        "TagSpecifications" => tag_spec("security-group", &cx.g.app.tags),
    };
    let step =
        Step::new(cx.step(me)?, "ec2", "CreateSecurityGroup", input).output("GroupId", "GroupId");
    let group_id = step.out("GroupId");
    out.push(step.delete(
        "DeleteSecurityGroup",
        obj! { "GroupId" => group_id.clone() },
    ));
    if sg.exact_rules {
        let input = obj! {
            "GroupId" => group_id,
            "IpPermissions" => arr![obj! {
                "IpProtocol" => "-1",
                "IpRanges" => arr![obj! { "CidrIp" => "0.0.0.0/0" }],
            }],
        };
        let revoke = id(owner, &format!("{}-sg-revoke-egress", sg.role.snake()));
        out.push(Step::new(revoke, "ec2", "RevokeSecurityGroupEgress", input));
    }
    Ok(())
}

pub fn sg_rule<'a>(
    cx: &Cx<'a>,
    me: Id,
    rule: &'a SgRule,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let (authorize, revoke) = match rule.direction {
        Direction::Ingress => (
            "AuthorizeSecurityGroupIngress",
            "RevokeSecurityGroupIngress",
        ),
        Direction::Egress => ("AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress"),
    };
    let mut perm = obj! { +3; "IpProtocol" => rule.protocol.as_aws() };
    if let Some((from, to)) = rule.ports {
        perm.push("FromPort", from);
        perm.push("ToPort", to);
    }
    match &rule.peer {
        Peer::Group(peer) => perm.push(
            "UserIdGroupPairs",
            arr![
                obj! { "GroupId" => cx.out(*peer, "GroupId")?, "Description" => &rule.description }
            ],
        ),
        Peer::Cidr(cidr) => perm.push(
            "IpRanges",
            arr![obj! { "CidrIp" => cidr, "Description" => &rule.description }],
        ),
    };
    let input = obj! {
        "GroupId" => cx.out(rule.group, "GroupId")?,
        "IpPermissions" => arr![perm],
    };
    let mut step = Step::new(cx.step(me)?, "ec2", authorize, input.clone()).delete(revoke, input);
    // A rule equal to AWS's default egress rule must come after that rule is revoked, or
    // the authorize finds it still there (`InvalidPermission.Duplicate`).
    let group = cx.g.get(rule.group)?;
    let is_default = rule.direction == Direction::Egress
        && rule.protocol == Protocol::All
        && rule.peer == Peer::Cidr("0.0.0.0/0".to_string());
    if group.exact_rules && is_default {
        let owner = &cx.g.owner(rule.group.id)?.names.spec;
        step = step.after(id(
            owner,
            &format!("{}-sg-revoke-egress", group.role.snake()),
        ));
    }
    out.push(step);
    Ok(())
}

/// An interface endpoint (subnets, groups, private DNS) or a gateway endpoint (`s3`: routes
/// in the given tables). Only the App Runner requests endpoint records its interfaces' ids,
/// which the ENI lookup reads.
pub fn endpoint<'a>(
    cx: &Cx<'a>,
    me: Id,
    e: &'a VpcEndpoint,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let mut input = obj! { +5;
        "VpcEndpointType" => e.endpoint_type,
        "VpcId" => cx.vpc_id(&e.vpc)?,
        "ServiceName" => crate::backends::endpoint_service_name(
            &cx.g.app.region,
            &cx.g.app.region,
            &e.service,
            e.endpoint_type,
        ),
    };
    if e.endpoint_type == "Gateway" {
        input.push("RouteTableIds", cx.refs(&e.route_tables, "RouteTableId")?);
    } else {
        input.push("SubnetIds", cx.subnet_ids(&e.subnets)?);
        input.push("SecurityGroupIds", cx.refs(&e.security_groups, "GroupId")?);
        input.push("PrivateDnsEnabled", e.private_dns);
    }
    if let Some(only_inbound) = e.private_dns_only_for_inbound_resolver {
        input.push(
            "DnsOptions",
            obj! { "PrivateDnsOnlyForInboundResolverEndpoint" => only_inbound },
        );
    }
    input.push(
        "TagSpecifications",
        tag_spec("vpc-endpoint", &cx.g.app.tags),
    );
    let mut step = Step::new(cx.step(me)?, "ec2", "CreateVpcEndpoint", input)
        .output("VpcEndpointId", "VpcEndpoint.VpcEndpointId");
    if e.member().is_none() {
        step = step.output("NetworkInterfaceIds", "VpcEndpoint.NetworkInterfaceIds");
    }
    // Private DNS needs the created VPC's DNS support and host names on first.
    if let (true, crate::ir::VpcRef::Created(vpc)) = (e.private_dns, &e.vpc) {
        let owner = &cx.g.owner(vpc.id)?.names.spec;
        step = step
            .after(id(owner, kind::DNS_SUPPORT))
            .after(id(owner, kind::DNS_HOSTNAMES));
    }
    let ids = obj! { "VpcEndpointIds" => arr![step.out("VpcEndpointId")] };
    let step = step.wait(
        "DescribeVpcEndpoints",
        ids.clone(),
        "VpcEndpoints[0].State",
        "available",
        600,
    );
    out.push(step.delete("DeleteVpcEndpoints", ids));
    Ok(())
}

/// Trap 1: the load balancer's targets are these interfaces' private IPs, one per subnet.
pub fn endpoint_enis<'a>(
    cx: &Cx<'a>,
    me: Id,
    e: &'a EndpointEnis,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! { "NetworkInterfaceIds" => cx.out(e.endpoint, "NetworkInterfaceIds")? };
    let mut step = Step::new(cx.step(me)?, "ec2", "DescribeNetworkInterfaces", input);
    for i in 0..e.count {
        step = step.output(
            ip_output(i),
            format!("NetworkInterfaces[{i}].PrivateIpAddress"),
        );
    }
    out.push(step);
    Ok(())
}

/// CreateLoadBalancer, then the attributes and security-group settings it cannot take:
/// cross-zone load balancing, and (trap 3) inbound rules not enforced on PrivateLink
/// traffic, which carries no source the group could admit.
pub fn load_balancer<'a>(
    cx: &Cx<'a>,
    me: Id,
    lb: &'a LoadBalancer,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let owner = &cx.g.owner(me)?.names.spec;
    let groups = cx.refs(&lb.security_groups, "GroupId")?;
    let input = obj! {
        "Name" => &lb.physical,
        "Subnets" => cx.subnet_ids(&lb.subnets)?,
        "SecurityGroups" => groups.clone(),
        "Scheme" => lb.scheme(),
        "Tags" => cx.tags.clone(),
        "Type" => lb.lb_type,
        "IpAddressType" => lb.ip_address_type,
    };
    let mut step = Step::new(cx.step(me)?, "elbv2", "CreateLoadBalancer", input)
        .output("LoadBalancerArn", "LoadBalancers[0].LoadBalancerArn");
    // The host of the integrations that reach ECS services through their listeners.
    let serves_ecs = cx.g.all::<Method>().any(|(_, m)| {
        matches!(m.integration.host, Host::Listener { load_balancer, .. } if load_balancer.id == me)
    });
    if serves_ecs {
        step = step.output("DNSName", "LoadBalancers[0].DNSName");
    }
    let arn = step.out("LoadBalancerArn");
    let step = step.wait(
        "DescribeLoadBalancers",
        obj! { "LoadBalancerArns" => arr![arn.clone()] },
        "LoadBalancers[0].State.Code",
        "active",
        900,
    );
    out.push(step.delete(
        "DeleteLoadBalancer",
        obj! { "LoadBalancerArn" => arn.clone() },
    ));
    let input = obj! {
        "LoadBalancerArn" => arn.clone(),
        "Attributes" => J::Arr(
            lb.attributes()
                .iter()
                .map(|(key, value)| obj! { "Key" => *key, "Value" => *value })
                .collect(),
        ),
    };
    out.push(Step::new(
        id(owner, kind::NLB_ATTRIBUTES),
        "elbv2",
        "ModifyLoadBalancerAttributes",
        input,
    ));
    let input = obj! {
        "LoadBalancerArn" => arn,
        "SecurityGroups" => groups,
        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic" =>
            lb.private_link_enforcement(),
    };
    out.push(Step::new(
        id(owner, kind::NLB_SECURITY_GROUPS),
        "elbv2",
        "SetSecurityGroups",
        input,
    ));
    Ok(())
}

/// CreateTargetGroup with its health check; then the endpoint's interface IPs as its
/// targets, by their own call. ECS registers a service's tasks itself.
pub fn target_group<'a>(
    cx: &Cx<'a>,
    me: Id,
    tg: &'a TargetGroup,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let owner = &cx.g.owner(me)?.names.spec;
    let mut input = obj! { +7;
        "Name" => &tg.physical,
        "Protocol" => tg.protocol,
        "Port" => tg.port,
        "VpcId" => cx.vpc_id(&tg.vpc)?,
        "TargetType" => tg.target_type,
    };
    if let Some(health) = &tg.health {
        input.push("HealthCheckProtocol", health.protocol);
        if let Some(path) = &health.path {
            input.push("HealthCheckPath", text(path));
        }
        let optional = [
            ("HealthCheckIntervalSeconds", health.interval),
            ("HealthCheckTimeoutSeconds", health.timeout),
            ("HealthyThresholdCount", health.healthy_threshold),
            ("UnhealthyThresholdCount", health.unhealthy_threshold),
        ];
        for (key, value) in optional {
            if let Some(v) = value {
                input.push(key, v);
            }
        }
    }
    input.push("Tags", cx.tags.clone());
    let step = Step::new(cx.step(me)?, "elbv2", "CreateTargetGroup", input)
        .output("TargetGroupArn", "TargetGroups[0].TargetGroupArn");
    let arn = step.out("TargetGroupArn");
    out.push(step.delete(
        "DeleteTargetGroup",
        obj! { "TargetGroupArn" => arn.clone() },
    ));
    let Targets::EndpointEnis(enis_ref) = tg.targets else {
        return Ok(());
    };
    let enis = cx.g.get(enis_ref)?;
    let lookup = cx.step(enis_ref.id)?;
    let targets: Vec<J> = (0..enis.count)
        .map(|i| obj! { "Id" => reference(lookup.clone(), ip_output(i)), "Port" => tg.port })
        .collect();
    let input = obj! { "TargetGroupArn" => arn, "Targets" => targets };
    out.push(
        Step::new(
            id(owner, kind::TARGETS),
            "elbv2",
            "RegisterTargets",
            input.clone(),
        )
        .delete("DeregisterTargets", input),
    );
    Ok(())
}

pub fn listener<'a>(
    cx: &Cx<'a>,
    me: Id,
    l: &'a Listener,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "LoadBalancerArn" => cx.out(l.load_balancer, "LoadBalancerArn")?,
        "Protocol" => l.protocol,
        "Port" => l.port,
        "DefaultActions" => arr![obj! {
            "Type" => "forward",
            "TargetGroupArn" => cx.out(l.target_group, "TargetGroupArn")?,
        }],
        "Tags" => cx.tags.clone(),
    };
    let step = Step::new(cx.step(me)?, "elbv2", "CreateListener", input)
        .output("ListenerArn", "Listeners[0].ListenerArn");
    let delete = obj! { "ListenerArn" => step.out("ListenerArn") };
    out.push(step.delete("DeleteListener", delete));
    Ok(())
}

/// The link is usable only once the load balancer listens: it comes after the listener.
pub fn vpc_link<'a>(
    cx: &Cx<'a>,
    me: Id,
    link: &'a VpcLink,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "name" => &link.physical,
        "targetArns" => arr![cx.out(link.target, "LoadBalancerArn")?],
        "tags" => tag_map(&cx.g.app.tags),
    };
    let step = Step::new(cx.step(me)?, "apigateway", "CreateVpcLink", input)
        .output("VpcLinkId", "id")
        .after(cx.step(link.listener.id)?);
    let link_id = obj! { "vpcLinkId" => step.out("VpcLinkId") };
    let step = step.wait("GetVpcLink", link_id.clone(), "status", "AVAILABLE", 900);
    out.push(step.delete("DeleteVpcLink", link_id));
    Ok(())
}

pub fn connector<'a>(
    cx: &Cx<'a>,
    me: Id,
    c: &'a VpcConnector,
    out: &mut Vec<Step<'a>>,
) -> Result<(), Internal> {
    let input = obj! {
        "VpcConnectorName" => &c.physical,
        "Subnets" => cx.subnet_ids(&c.subnets)?,
        "SecurityGroups" => cx.refs(&c.security_groups, "GroupId")?,
        "Tags" => cx.tags.clone(),
    };
    let step = Step::new(cx.step(me)?, "apprunner", "CreateVpcConnector", input)
        .output("VpcConnectorArn", "VpcConnector.VpcConnectorArn");
    let delete = obj! { "VpcConnectorArn" => step.out("VpcConnectorArn") };
    out.push(step.delete("DeleteVpcConnector", delete));
    Ok(())
}
