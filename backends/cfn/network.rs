//! One network: the VPC and subnets (or the existing ids), the security groups and their
//! rules, the App Runner requests endpoint, the NLB chain in front of it (target group whose
//! targets are the endpoint's ENI IPs, listener, API Gateway VPC link) and the VPC connector.
//!
//! Security group rules are separate `SecurityGroupIngress`/`Egress` resources: the endpoint
//! and NLB groups refer to each other, and inline rules would make a dependency cycle. Every
//! group also carries one inline placeholder egress rule that matches nothing (ICMP type 252
//! code 86 to 255.255.255.255/32, as CDK writes it): without any inline egress rule
//! CloudFormation creates the group with AWS's allow-all egress, which separate egress
//! resources do not remove, and the IR's rules are meant to be the only ones.

use super::intrinsics::{az, get_att, ref_, sub, text};
use super::{eni_lookup, BackendError, Template};
use crate::ir::{Direction, Network, Peer, Protocol, SgKind, SgRule, Vpc, Zones};
use serde_json::{json, Map, Value};

pub fn vpc_id(net: &Network) -> String {
    format!("{}Vpc", net.names.pascal)
}

pub fn endpoint_id(net: &Network) -> String {
    format!("{}VpcEndpoint", net.names.pascal)
}

pub fn connector_id(net: &Network) -> String {
    format!("{}VpcConnector", net.names.pascal)
}

pub fn vpc_link_id(net: &Network) -> String {
    format!("{}VpcLink", net.names.pascal)
}

fn group_id(net: &Network, kind: SgKind) -> String {
    format!("{}{}SecurityGroup", net.names.pascal, kind.pascal())
}

/// The VPC id: a Ref to the created VPC, or the existing id (which may use a parameter).
pub fn vpc_value(net: &Network) -> Value {
    match &net.vpc {
        Vpc::Create { .. } => ref_(&vpc_id(net)),
        Vpc::Existing { vpc_id, .. } => text(vpc_id),
    }
}

/// The subnet ids, in the IR's order (zone order for created subnets).
pub fn subnet_values(net: &Network) -> Vec<Value> {
    match &net.vpc {
        Vpc::Create { subnets, .. } => (0..subnets.len())
            .map(|i| ref_(&format!("{}Subnet{i}", net.names.pascal)))
            .collect(),
        Vpc::Existing { subnet_ids, .. } => subnet_ids.iter().map(text).collect(),
    }
}

/// The id of the network's group of `kind`, when the IR has that group.
fn group_ref(net: &Network, kind: SgKind) -> Vec<Value> {
    net.security_groups
        .iter()
        .filter(|g| g.kind == kind)
        .map(|g| get_att(&group_id(net, g.kind), "GroupId"))
        .collect()
}

pub fn emit(t: &mut Template, net: &Network) -> Result<(), BackendError> {
    let p = &net.names.pascal;
    if let Vpc::Create {
        cidr,
        subnets,
        zones,
    } = &net.vpc
    {
        let lookup = match zones {
            Zones::Region => None,
            Zones::EndpointService { suffix } => Some(eni_lookup::emit_zones(
                t,
                net,
                suffix,
                subnets.iter().map(|s| s.zone_index + 1).max().unwrap_or(0),
            )?),
        };
        t.add(
            &vpc_id(net),
            "AWS::EC2::VPC",
            json!({
                "CidrBlock": cidr,
                "EnableDnsSupport": true,
                "EnableDnsHostnames": true,
                "Tags": t.tags,
            }),
        )?;
        for (i, subnet) in subnets.iter().enumerate() {
            t.add(
                &format!("{p}Subnet{i}"),
                "AWS::EC2::Subnet",
                json!({
                    "VpcId": ref_(&vpc_id(net)),
                    "CidrBlock": subnet.cidr,
                    "AvailabilityZone": match &lookup {
                        None => az(subnet.zone_index),
                        Some(id) => get_att(id, &format!("Zone{}", subnet.zone_index)),
                    },
                    "MapPublicIpOnLaunch": false,
                    "Tags": t.tags,
                }),
            )?;
        }
    }
    for group in &net.security_groups {
        t.add(
            &group_id(net, group.kind),
            "AWS::EC2::SecurityGroup",
            json!({
                "GroupName": group.physical,
                "GroupDescription": group.description,
                "VpcId": vpc_value(net),
                "SecurityGroupEgress": [{
                    "IpProtocol": "icmp",
                    "FromPort": 252,
                    "ToPort": 86,
                    "CidrIp": "255.255.255.255/32",
                    "Description": "Disallow all traffic",
                }],
                "Tags": t.tags,
            }),
        )?;
    }
    emit_rules(t, net)?;
    if let Some(endpoint) = &net.endpoint {
        t.add(
            &endpoint_id(net),
            "AWS::EC2::VPCEndpoint",
            json!({
                "VpcEndpointType": "Interface",
                "ServiceName": sub(format!("com.amazonaws.${{AWS::Region}}.{}", endpoint.service_suffix)),
                "VpcId": vpc_value(net),
                "SubnetIds": subnet_values(net),
                "SecurityGroupIds": group_ref(net, SgKind::Endpoint),
                "PrivateDnsEnabled": false,
                "Tags": t.tags,
            }),
        )?;
    }
    if let Some(link) = &net.link {
        let Some(endpoint) = &net.endpoint else {
            return Err(super::internal(format!(
                "network `{}` has a VPC link but no requests endpoint",
                net.names.spec
            )));
        };
        let ips = eni_lookup::emit_lookup(t, net, &endpoint_id(net), endpoint.eni_count)?;
        t.add(
            &format!("{p}Nlb"),
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            json!({
                "Name": link.nlb_name,
                "Type": "network",
                "Scheme": "internal",
                "Subnets": subnet_values(net),
                "SecurityGroups": group_ref(net, SgKind::Nlb),
                // API Gateway's VPC link traffic arrives over PrivateLink; with enforcement on,
                // the NLB group (which has no ingress rule) would drop it.
                "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": "off",
                "LoadBalancerAttributes": [{ "Key": "load_balancing.cross_zone.enabled", "Value": "true" }],
                "Tags": t.tags,
            }),
        )?;
        let targets: Vec<Value> = ips
            .iter()
            .map(|ip| json!({ "Id": ip, "Port": link.port }))
            .collect();
        t.add(
            &format!("{p}TargetGroup"),
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            json!({
                "Name": link.target_group_name,
                "Protocol": "TCP",
                "Port": link.port,
                "TargetType": "ip",
                "VpcId": vpc_value(net),
                "Targets": targets,
                "Tags": t.tags,
            }),
        )?;
        t.add(
            &format!("{p}Listener"),
            "AWS::ElasticLoadBalancingV2::Listener",
            json!({
                "LoadBalancerArn": ref_(&format!("{p}Nlb")),
                "Protocol": "TCP",
                "Port": link.port,
                "DefaultActions": [{ "Type": "forward", "TargetGroupArn": ref_(&format!("{p}TargetGroup")) }],
            }),
        )?;
        t.add(
            &vpc_link_id(net),
            "AWS::ApiGateway::VpcLink",
            json!({
                "Name": link.vpc_link_name,
                "TargetArns": [ref_(&format!("{p}Nlb"))],
                "Tags": t.tags,
            }),
        )?;
    }
    if let Some(connector) = &net.connector {
        t.add(
            &connector_id(net),
            "AWS::AppRunner::VpcConnector",
            json!({
                "VpcConnectorName": connector.physical,
                "Subnets": subnet_values(net),
                "SecurityGroups": group_ref(net, SgKind::Connector),
                "Tags": t.tags,
            }),
        )?;
    }
    Ok(())
}

/// Each rule as its own resource, numbered per group and direction in the IR's order.
fn emit_rules(t: &mut Template, net: &Network) -> Result<(), BackendError> {
    let mut counters: std::collections::BTreeMap<(SgKind, &str), usize> = Default::default();
    for rule in &net.rules {
        let dir = match rule.direction {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        };
        let n = counters.entry((rule.group, dir)).or_default();
        let id = format!("{}{}{dir}{n}", net.names.pascal, rule.group.pascal());
        *n += 1;
        let ty = match rule.direction {
            Direction::Ingress => "AWS::EC2::SecurityGroupIngress",
            Direction::Egress => "AWS::EC2::SecurityGroupEgress",
        };
        t.add(&id, ty, rule_properties(net, rule))?;
    }
    Ok(())
}

fn rule_properties(net: &Network, rule: &SgRule) -> Value {
    let mut p = Map::new();
    p.insert(
        "GroupId".into(),
        get_att(&group_id(net, rule.group), "GroupId"),
    );
    match rule.protocol {
        Protocol::Tcp => {
            p.insert("IpProtocol".into(), json!("tcp"));
        }
        Protocol::All => {
            p.insert("IpProtocol".into(), json!("-1"));
        }
    }
    if let Some((from, to)) = rule.ports {
        p.insert("FromPort".into(), json!(from));
        p.insert("ToPort".into(), json!(to));
    }
    match (&rule.peer, rule.direction) {
        (Peer::Cidr(cidr), _) => {
            p.insert("CidrIp".into(), json!(cidr));
        }
        (Peer::Group(kind), Direction::Ingress) => {
            p.insert(
                "SourceSecurityGroupId".into(),
                get_att(&group_id(net, *kind), "GroupId"),
            );
        }
        (Peer::Group(kind), Direction::Egress) => {
            p.insert(
                "DestinationSecurityGroupId".into(),
                get_att(&group_id(net, *kind), "GroupId"),
            );
        }
    }
    p.insert("Description".into(), json!(rule.description));
    Value::Object(p)
}
