//! Network kinds as CloudFormation resources: the VPC and subnets, the security groups and
//! their rules, the VPC endpoints (App Runner requests, and those ECS tasks pull and log
//! through), the NLB chain in front of the services (target groups whose targets are the
//! requests endpoint's ENI IPs or ECS tasks, listeners, API Gateway VPC link) and the VPC
//! connector. The lookups (ENI IPs, zones) are in `eni_lookup.rs`; the internet gateway, NAT
//! gateways and route tables in `routing.rs`.
//!
//! Security group rules are separate `SecurityGroupIngress`/`Egress` resources: the endpoint
//! and NLB groups refer to each other, and inline rules would make a dependency cycle. A
//! group with exactly the graph's rules also carries one inline placeholder egress rule that
//! matches nothing (ICMP type 252 code 86 to 255.255.255.255/32, as CDK writes it): without
//! any inline egress rule CloudFormation creates the group with AWS's allow-all egress, which
//! separate egress resources do not remove.

use super::cx::{id, internal, Cx};
use super::intrinsics::{az, sub, text};
use super::{BackendError, Template};
use crate::ir::{
    Direction, Id, Internal, Listener, LoadBalancer, Peer, Ref, SecurityGroup, SgRule, Subnet,
    SubnetRef, TargetGroup, Targets, Vpc, VpcConnector, VpcEndpoint, VpcLink, VpcRef, ZoneRef,
};
use serde_json::{json, Map, Value};

/// A VPC's id: a Ref to the created VPC, or the existing id (which may use a parameter).
pub fn vpc_value(cx: &Cx, vpc: &VpcRef) -> Result<Value, BackendError> {
    match vpc {
        VpcRef::Created(r) => cx.ref_(*r).map_err(internal),
        VpcRef::Existing(id) => Ok(text(id)),
    }
}

/// Subnet ids, in the graph's order (zone order for created subnets).
pub fn subnet_values(cx: &Cx, subnets: &[SubnetRef]) -> Result<Vec<Value>, BackendError> {
    subnets
        .iter()
        .map(|s| match s {
            SubnetRef::Created(r) => cx.ref_(*r).map_err(internal),
            SubnetRef::Existing(id) => Ok(text(id)),
        })
        .collect()
}

pub fn group_ids(cx: &Cx, groups: &[Ref<SecurityGroup>]) -> Result<Vec<Value>, BackendError> {
    groups
        .iter()
        .map(|g| cx.att(*g, "GroupId").map_err(internal))
        .collect()
}

pub fn vpc(cx: &Cx, t: &mut Template, me: Id, v: &Vpc) -> Result<(), BackendError> {
    let props = json!({
        "CidrBlock": v.cidr,
        "EnableDnsSupport": v.dns_support,
        "EnableDnsHostnames": v.dns_hostnames,
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::EC2::VPC", props)
}

pub fn subnet(cx: &Cx, t: &mut Template, me: Id, s: &Subnet) -> Result<(), BackendError> {
    let zone = match s.zone {
        ZoneRef::Region(_, i) => az(i),
        ZoneRef::Service(r, i) => cx.att(r, &format!("Zone{i}")).map_err(internal)?,
    };
    let props = json!({
        "VpcId": cx.ref_(s.vpc).map_err(internal)?,
        "CidrBlock": s.cidr,
        "AvailabilityZone": zone,
        "MapPublicIpOnLaunch": s.map_public_ip,
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::EC2::Subnet", props)
}

pub fn security_group(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    sg: &SecurityGroup,
) -> Result<(), BackendError> {
    let mut props = Map::new();
    props.insert("GroupName".into(), json!(sg.physical));
    props.insert("GroupDescription".into(), json!(sg.description));
    props.insert("VpcId".into(), vpc_value(cx, &sg.vpc)?);
    if sg.exact_rules {
        props.insert(
            "SecurityGroupEgress".into(),
            json!([{
                "IpProtocol": "icmp",
                "FromPort": 252,
                "ToPort": 86,
                "CidrIp": "255.255.255.255/32",
                "Description": "Disallow all traffic",
            }]),
        );
    }
    props.insert("Tags".into(), t.tags.clone());
    t.add(id(cx, me)?, "AWS::EC2::SecurityGroup", Value::Object(props))
}

pub fn sg_rule(cx: &Cx, t: &mut Template, me: Id, rule: &SgRule) -> Result<(), BackendError> {
    let mut p = Map::new();
    p.insert(
        "GroupId".into(),
        cx.att(rule.group, "GroupId").map_err(internal)?,
    );
    p.insert("IpProtocol".into(), json!(rule.protocol.as_aws()));
    if let Some((from, to)) = rule.ports {
        p.insert("FromPort".into(), json!(from));
        p.insert("ToPort".into(), json!(to));
    }
    match (&rule.peer, rule.direction) {
        (Peer::Cidr(cidr), _) => {
            p.insert("CidrIp".into(), json!(cidr));
        }
        (Peer::Group(peer), Direction::Ingress) => {
            p.insert(
                "SourceSecurityGroupId".into(),
                cx.att(*peer, "GroupId").map_err(internal)?,
            );
        }
        (Peer::Group(peer), Direction::Egress) => {
            p.insert(
                "DestinationSecurityGroupId".into(),
                cx.att(*peer, "GroupId").map_err(internal)?,
            );
        }
    }
    p.insert("Description".into(), json!(rule.description));
    let ty = match rule.direction {
        Direction::Ingress => "AWS::EC2::SecurityGroupIngress",
        Direction::Egress => "AWS::EC2::SecurityGroupEgress",
    };
    t.add(id(cx, me)?, ty, Value::Object(p))
}

/// An interface endpoint (network interfaces in the subnets, guarded by its groups) or a
/// gateway endpoint (routes in the route tables).
pub fn endpoint(cx: &Cx, t: &mut Template, me: Id, e: &VpcEndpoint) -> Result<(), BackendError> {
    let mut props = Map::new();
    props.insert("VpcEndpointType".into(), json!(e.endpoint_type));
    props.insert(
        "ServiceName".into(),
        sub(crate::backends::endpoint_service_name(
            &cx.g.app.region,
            "${AWS::Region}",
            &e.service,
            e.endpoint_type,
        )),
    );
    props.insert("VpcId".into(), vpc_value(cx, &e.vpc)?);
    match e.endpoint_type {
        "Interface" => {
            props.insert("SubnetIds".into(), json!(subnet_values(cx, &e.subnets)?));
            props.insert(
                "SecurityGroupIds".into(),
                json!(group_ids(cx, &e.security_groups)?),
            );
            props.insert("PrivateDnsEnabled".into(), json!(e.private_dns));
            // CloudFormation spells the EC2 API's boolean as one of two words.
            if let Some(only_inbound) = e.private_dns_only_for_inbound_resolver {
                let value = if only_inbound {
                    "OnlyInboundResolver"
                } else {
                    "AllResolvers"
                };
                props.insert(
                    "DnsOptions".into(),
                    json!({ "PrivateDnsOnlyForInboundResolverEndpoint": value }),
                );
            }
        }
        "Gateway" => {
            let tables = e
                .route_tables
                .iter()
                .map(|r| cx.ref_(*r).map_err(internal))
                .collect::<Result<Vec<_>, _>>()?;
            props.insert("RouteTableIds".into(), Value::Array(tables));
        }
        other => {
            return Err(internal(Internal(format!(
                "a VPC endpoint of type `{other}`"
            ))))
        }
    }
    props.insert("Tags".into(), t.tags.clone());
    t.add(id(cx, me)?, "AWS::EC2::VPCEndpoint", Value::Object(props))
}

/// API Gateway's VPC link traffic arrives over PrivateLink; with enforcement on, the NLB
/// group (which has no ingress rule) would drop it.
pub fn load_balancer(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    lb: &LoadBalancer,
) -> Result<(), BackendError> {
    let props = json!({
        "Name": lb.physical,
        "Type": lb.lb_type,
        "Scheme": lb.scheme(),
        "Subnets": subnet_values(cx, &lb.subnets)?,
        "SecurityGroups": group_ids(cx, &lb.security_groups)?,
        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic":
            lb.private_link_enforcement(),
        "LoadBalancerAttributes": lb
            .attributes()
            .iter()
            .map(|(key, value)| json!({ "Key": key, "Value": value }))
            .collect::<Vec<_>>(),
        "Tags": t.tags,
    });
    t.add(
        id(cx, me)?,
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        props,
    )
}

/// The target group: its targets the endpoint's ENI IPs (`Fn::GetAtt` of the lookup), or
/// none (ECS registers an ECS service's tasks itself).
pub fn target_group(
    cx: &Cx,
    t: &mut Template,
    me: Id,
    tg: &TargetGroup,
) -> Result<(), BackendError> {
    let mut props = Map::new();
    props.insert("Name".into(), json!(tg.physical));
    props.insert("Protocol".into(), json!(tg.protocol));
    props.insert("Port".into(), json!(tg.port));
    props.insert("TargetType".into(), json!(tg.target_type));
    props.insert("VpcId".into(), vpc_value(cx, &tg.vpc)?);
    if let Some(h) = &tg.health {
        props.insert("HealthCheckProtocol".into(), json!(h.protocol));
        let optional = [
            ("HealthCheckPath", h.path.as_ref().map(text)),
            ("HealthCheckIntervalSeconds", h.interval.map(|v| json!(v))),
            ("HealthCheckTimeoutSeconds", h.timeout.map(|v| json!(v))),
            (
                "HealthyThresholdCount",
                h.healthy_threshold.map(|v| json!(v)),
            ),
            (
                "UnhealthyThresholdCount",
                h.unhealthy_threshold.map(|v| json!(v)),
            ),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                props.insert(key.into(), value);
            }
        }
    }
    if let Targets::EndpointEnis(lookup) = tg.targets {
        let enis = cx.g.get(lookup).map_err(internal)?;
        let targets: Vec<Value> = (0..enis.count)
            .map(|i| {
                Ok(json!({
                    "Id": cx.att(lookup, &format!("Ip{i}")).map_err(internal)?,
                    "Port": tg.port,
                }))
            })
            .collect::<Result<_, BackendError>>()?;
        props.insert("Targets".into(), Value::Array(targets));
    }
    props.insert("Tags".into(), t.tags.clone());
    t.add(
        id(cx, me)?,
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Value::Object(props),
    )
}

pub fn listener(cx: &Cx, t: &mut Template, me: Id, l: &Listener) -> Result<(), BackendError> {
    let props = json!({
        "LoadBalancerArn": cx.ref_(l.load_balancer).map_err(internal)?,
        "Protocol": l.protocol,
        "Port": l.port,
        "DefaultActions": [{
            "Type": "forward",
            "TargetGroupArn": cx.ref_(l.target_group).map_err(internal)?,
        }],
    });
    t.add(id(cx, me)?, "AWS::ElasticLoadBalancingV2::Listener", props)
}

pub fn vpc_link(cx: &Cx, t: &mut Template, me: Id, link: &VpcLink) -> Result<(), BackendError> {
    let props = json!({
        "Name": link.physical,
        "TargetArns": [cx.ref_(link.target).map_err(internal)?],
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::ApiGateway::VpcLink", props)
}

pub fn connector(cx: &Cx, t: &mut Template, me: Id, c: &VpcConnector) -> Result<(), BackendError> {
    let props = json!({
        "VpcConnectorName": c.physical,
        "Subnets": subnet_values(cx, &c.subnets)?,
        "SecurityGroups": group_ids(cx, &c.security_groups)?,
        "Tags": t.tags,
    });
    t.add(id(cx, me)?, "AWS::AppRunner::VpcConnector", props)
}
