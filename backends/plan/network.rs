//! Network steps: the VPC and its subnets (when created), the security groups with exactly
//! the IR's rules, the App Runner requests endpoint and the describe step for its ENI IPs
//! (trap 1: no API returns them with the endpoint), the internal NLB with its target group of
//! those IPs and listener, the API Gateway VPC link, and the shared VPC connector.
//!
//! Security group rules between two groups reference each other, so a group cannot be deleted
//! while the other's rule names it: every authorize step therefore has a revoke as its delete.

use super::ids::{id, id_n, kind};
use super::json::{arr, obj, StepId, J};
use super::steps::{reference, tag_list, tag_map, tag_spec, text, Step};
use crate::ir::{App, Direction, Network, Peer, Protocol, SgKind, SgRule, Vpc, Zones as IrZones};

/// How many zones created subnets take from each source.
pub struct Zones<'a> {
    /// From the region's available zones.
    pub region: usize,
    /// From the zones where this endpoint service (its suffix) is offered.
    pub endpoint_service: Option<(&'a str, usize)>,
}

/// Steps that do not belong to one entity: the account id (for ARNs built from parts), the
/// region's availability zones and the zones where the requests endpoint service is offered
/// (for created subnets), each only when something needs it.
pub fn app_steps<'a>(app: &'a App, zones: &Zones<'a>, account: bool) -> Vec<Step<'a>> {
    let mut steps = Vec::new();
    if account {
        steps.push(
            Step::new(
                id(&app.name, kind::ACCOUNT),
                "sts",
                "GetCallerIdentity",
                J::object(),
            )
            .output("Account", "Account"),
        );
    }
    if let Some((suffix, count)) = zones.endpoint_service {
        // The zones in the order the API lists them. The other targets sort them by name,
        // which is the order of AWS's own examples of this call.
        let input = obj! {
            "ServiceNames" => arr![format!("com.amazonaws.{}.{suffix}", app.region)],
        };
        let mut step = Step::new(
            id(&app.name, kind::ENDPOINT_ZONES),
            "ec2",
            "DescribeVpcEndpointServices",
            input,
        );
        for i in 0..count {
            step = step.output(
                zone_output(i),
                format!("ServiceDetails[0].AvailabilityZones[{i}]"),
            );
        }
        steps.push(step);
    }
    if zones.region > 0 {
        // Only regular zones that are up: Local and Wavelength zones cannot host these resources.
        let input = obj! {
            "Filters" => arr![
                obj! { "Name" => "zone-type", "Values" => arr!["availability-zone"] },
                obj! { "Name" => "state", "Values" => arr!["available"] },
            ]
        };
        let mut step = Step::new(
            id(&app.name, kind::ZONES),
            "ec2",
            "DescribeAvailabilityZones",
            input,
        );
        for i in 0..zones.region {
            step = step.output(zone_output(i), format!("AvailabilityZones[{i}].ZoneName"));
        }
        steps.push(step);
    }
    steps
}

fn zone_output(i: usize) -> String {
    format!("Zone{i}")
}

fn ip_output(i: usize) -> String {
    format!("Ip{i}")
}

/// The VPC id: a ref to the created VPC, or the existing id (which may hold a param).
pub fn vpc_id(net: &Network) -> J<'_> {
    match &net.vpc {
        Vpc::Create { .. } => reference(id(&net.names.spec, kind::VPC), "VpcId"),
        Vpc::Existing { vpc_id, .. } => text(vpc_id),
    }
}

pub fn subnet_ids(net: &Network) -> Vec<J<'_>> {
    match &net.vpc {
        Vpc::Create { subnets, .. } => (0..subnets.len())
            .map(|i| reference(id_n(&net.names.spec, "subnet", i), "SubnetId"))
            .collect(),
        Vpc::Existing { subnet_ids, .. } => subnet_ids.iter().map(text).collect(),
    }
}

fn sg_step_id(net: &Network, group: SgKind) -> StepId {
    id(&net.names.spec, &format!("{}-sg", group.snake()))
}

pub fn sg_id<'a>(net: &Network, group: SgKind) -> J<'a> {
    reference(sg_step_id(net, group), "GroupId")
}

pub fn endpoint_id<'a>(net: &Network) -> J<'a> {
    reference(id(&net.names.spec, kind::ENDPOINT), "VpcEndpointId")
}

pub fn vpc_link_id<'a>(network: &str) -> J<'a> {
    reference(id(network, kind::VPC_LINK), "VpcLinkId")
}

pub fn connector_arn<'a>(network: &str) -> J<'a> {
    reference(id(network, kind::CONNECTOR), "VpcConnectorArn")
}

/// The network's steps, appended to `steps`.
pub fn steps<'a>(app: &'a App, net: &'a Network, steps: &mut Vec<Step<'a>>) {
    vpc_steps(app, net, steps);
    group_steps(app, net, steps);
    endpoint_steps(app, net, steps);
    link_steps(app, net, steps);
    if let Some(connector) = &net.connector {
        let input = obj! {
            "VpcConnectorName" => &connector.physical,
            "Subnets" => subnet_ids(net),
            "SecurityGroups" => arr![sg_id(net, SgKind::Connector)],
            "Tags" => tag_list(&app.tags),
        };
        let step = Step::new(
            id(&net.names.spec, kind::CONNECTOR),
            "apprunner",
            "CreateVpcConnector",
            input,
        )
        .output("VpcConnectorArn", "VpcConnector.VpcConnectorArn");
        let delete = obj! { "VpcConnectorArn" => step.out("VpcConnectorArn") };
        steps.push(step.delete("DeleteVpcConnector", delete));
    }
}

fn vpc_steps<'a>(app: &'a App, net: &'a Network, steps: &mut Vec<Step<'a>>) {
    let Vpc::Create {
        cidr,
        subnets,
        zones,
    } = &net.vpc
    else {
        return;
    };
    let zone_step = id(
        &app.name,
        match zones {
            IrZones::Region => kind::ZONES,
            IrZones::EndpointService { .. } => kind::ENDPOINT_ZONES,
        },
    );
    let name = &net.names.spec;
    let vpc = Step::new(
        id(name, kind::VPC),
        "ec2",
        "CreateVpc",
        obj! { "CidrBlock" => cidr, "TagSpecifications" => tag_spec("vpc", &app.tags) },
    )
    .output("VpcId", "Vpc.VpcId");
    let vpc_ref = vpc.out("VpcId");
    let vpc = vpc.wait(
        "DescribeVpcs",
        obj! { "VpcIds" => arr![vpc_ref.clone()] },
        "Vpcs[0].State",
        "available",
        600,
    );
    steps.push(vpc.delete("DeleteVpc", obj! { "VpcId" => vpc_ref }));
    // The endpoint's private DNS and App Runner's ingress domains need both; the API takes one
    // attribute per call.
    for (kind, attribute) in [
        (kind::DNS_SUPPORT, "EnableDnsSupport"),
        (kind::DNS_HOSTNAMES, "EnableDnsHostnames"),
    ] {
        let input = obj! { "VpcId" => vpc_id(net), attribute => obj! { "Value" => true } };
        steps.push(Step::new(
            id(name, kind),
            "ec2",
            "ModifyVpcAttribute",
            input,
        ));
    }
    for (i, subnet) in subnets.iter().enumerate() {
        let input = obj! {
            "VpcId" => vpc_id(net),
            "CidrBlock" => &subnet.cidr,
            "AvailabilityZone" => reference(zone_step.clone(), zone_output(subnet.zone_index)),
            "TagSpecifications" => tag_spec("subnet", &app.tags),
        };
        let step = Step::new(id_n(name, "subnet", i), "ec2", "CreateSubnet", input)
            .output("SubnetId", "Subnet.SubnetId");
        let delete = obj! { "SubnetId" => step.out("SubnetId") };
        steps.push(step.delete("DeleteSubnet", delete));
    }
}

fn group_steps<'a>(app: &'a App, net: &'a Network, steps: &mut Vec<Step<'a>>) {
    for group in &net.security_groups {
        let input = obj! {
            "Description" => &group.description,
            "GroupName" => &group.physical,
            "VpcId" => vpc_id(net),
            "TagSpecifications" => tag_spec("security-group", &app.tags),
        };
        let step = Step::new(
            sg_step_id(net, group.kind),
            "ec2",
            "CreateSecurityGroup",
            input,
        )
        .output("GroupId", "GroupId");
        let delete = obj! { "GroupId" => step.out("GroupId") };
        steps.push(step.delete("DeleteSecurityGroup", delete));
        // A new group allows all egress; aprc's groups have exactly the IR's rules.
        let input = obj! {
            "GroupId" => sg_id(net, group.kind),
            "IpPermissions" => arr![obj! {
                "IpProtocol" => "-1",
                "IpRanges" => arr![obj! { "CidrIp" => "0.0.0.0/0" }],
            }],
        };
        let revoke = id(
            &net.names.spec,
            &format!("{}-sg-revoke-egress", group.kind.snake()),
        );
        steps.push(Step::new(revoke, "ec2", "RevokeSecurityGroupEgress", input));
    }
    // Rules are numbered per group and direction, in IR order.
    let mut counts = std::collections::BTreeMap::<(SgKind, &str), usize>::new();
    for rule in &net.rules {
        let dir = match rule.direction {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        };
        let n = counts.entry((rule.group, dir)).or_insert(0);
        let step_id = id_n(
            &net.names.spec,
            &format!("{}-sg-{dir}", rule.group.snake()),
            *n,
        );
        *n += 1;
        let (authorize, revoke) = match rule.direction {
            Direction::Ingress => (
                "AuthorizeSecurityGroupIngress",
                "RevokeSecurityGroupIngress",
            ),
            Direction::Egress => ("AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress"),
        };
        let input = obj! {
            "GroupId" => sg_id(net, rule.group),
            "IpPermissions" => arr![permission(net, rule)],
        };
        steps.push(Step::new(step_id, "ec2", authorize, input.clone()).delete(revoke, input));
    }
}

fn permission<'a>(net: &Network, rule: &'a SgRule) -> J<'a> {
    let mut perm = match rule.protocol {
        Protocol::Tcp => obj! { "IpProtocol" => "tcp" },
        Protocol::All => obj! { "IpProtocol" => "-1" },
    };
    if let Some((from, to)) = rule.ports {
        perm.push("FromPort", from);
        perm.push("ToPort", to);
    }
    match &rule.peer {
        Peer::Group(peer) => perm.push(
            "UserIdGroupPairs",
            arr![obj! { "GroupId" => sg_id(net, *peer), "Description" => &rule.description }],
        ),
        Peer::Cidr(cidr) => perm.push(
            "IpRanges",
            arr![obj! { "CidrIp" => cidr, "Description" => &rule.description }],
        ),
    };
    perm
}

fn endpoint_steps<'a>(app: &'a App, net: &'a Network, steps: &mut Vec<Step<'a>>) {
    let Some(endpoint) = &net.endpoint else {
        return;
    };
    let name = &net.names.spec;
    let input = obj! {
        "VpcEndpointType" => "Interface",
        "VpcId" => vpc_id(net),
        "ServiceName" => format!("com.amazonaws.{}.{}", app.region, endpoint.service_suffix),
        "SubnetIds" => subnet_ids(net),
        "SecurityGroupIds" => arr![sg_id(net, SgKind::Endpoint)],
        "PrivateDnsEnabled" => false,
        "TagSpecifications" => tag_spec("vpc-endpoint", &app.tags),
    };
    let step = Step::new(id(name, kind::ENDPOINT), "ec2", "CreateVpcEndpoint", input)
        .output("VpcEndpointId", "VpcEndpoint.VpcEndpointId")
        .output("NetworkInterfaceIds", "VpcEndpoint.NetworkInterfaceIds");
    let ids = obj! { "VpcEndpointIds" => arr![step.out("VpcEndpointId")] };
    let interfaces = step.out("NetworkInterfaceIds");
    let step = step.wait(
        "DescribeVpcEndpoints",
        ids.clone(),
        "VpcEndpoints[0].State",
        "available",
        600,
    );
    steps.push(step.delete("DeleteVpcEndpoints", ids));
    // Trap 1: the NLB targets are these ENIs' private IPs, one per subnet.
    let input = obj! { "NetworkInterfaceIds" => interfaces };
    let mut enis = Step::new(
        id(name, kind::ENDPOINT_ENIS),
        "ec2",
        "DescribeNetworkInterfaces",
        input,
    );
    for i in 0..endpoint.eni_count {
        enis = enis.output(
            ip_output(i),
            format!("NetworkInterfaces[{i}].PrivateIpAddress"),
        );
    }
    steps.push(enis);
}

fn link_steps<'a>(app: &'a App, net: &'a Network, steps: &mut Vec<Step<'a>>) {
    let (Some(link), Some(endpoint)) = (&net.link, &net.endpoint) else {
        return;
    };
    let name = &net.names.spec;
    let input = obj! {
        "Name" => &link.nlb_name,
        "Subnets" => subnet_ids(net),
        "SecurityGroups" => arr![sg_id(net, SgKind::Nlb)],
        "Scheme" => "internal",
        "Tags" => tag_list(&app.tags),
        "Type" => "network",
        "IpAddressType" => "ipv4",
    };
    let nlb = Step::new(id(name, kind::NLB), "elbv2", "CreateLoadBalancer", input)
        .output("LoadBalancerArn", "LoadBalancers[0].LoadBalancerArn");
    let arn = nlb.out("LoadBalancerArn");
    let nlb = nlb.wait(
        "DescribeLoadBalancers",
        obj! { "LoadBalancerArns" => arr![arn.clone()] },
        "LoadBalancers[0].State.Code",
        "active",
        900,
    );
    steps.push(nlb.delete(
        "DeleteLoadBalancer",
        obj! { "LoadBalancerArn" => arn.clone() },
    ));
    let input = obj! {
        "LoadBalancerArn" => arn.clone(),
        "Attributes" => arr![obj! { "Key" => "load_balancing.cross_zone.enabled", "Value" => "true" }],
    };
    steps.push(Step::new(
        id(name, kind::NLB_ATTRIBUTES),
        "elbv2",
        "ModifyLoadBalancerAttributes",
        input,
    ));
    // Trap 3: VPC link traffic carries no source the NLB group could admit.
    let input = obj! {
        "LoadBalancerArn" => arn.clone(),
        "SecurityGroups" => arr![sg_id(net, SgKind::Nlb)],
        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic" => "off",
    };
    steps.push(Step::new(
        id(name, kind::NLB_SECURITY_GROUPS),
        "elbv2",
        "SetSecurityGroups",
        input,
    ));
    let input = obj! {
        "Name" => &link.target_group_name,
        "Protocol" => "TCP",
        "Port" => link.port,
        "VpcId" => vpc_id(net),
        "TargetType" => "ip",
        "Tags" => tag_list(&app.tags),
    };
    let tg = Step::new(
        id(name, kind::TARGET_GROUP),
        "elbv2",
        "CreateTargetGroup",
        input,
    )
    .output("TargetGroupArn", "TargetGroups[0].TargetGroupArn");
    let tg_arn = tg.out("TargetGroupArn");
    steps.push(tg.delete(
        "DeleteTargetGroup",
        obj! { "TargetGroupArn" => tg_arn.clone() },
    ));
    let enis = id(name, kind::ENDPOINT_ENIS);
    let targets: Vec<J> = (0..endpoint.eni_count)
        .map(|i| obj! { "Id" => reference(enis.clone(), ip_output(i)), "Port" => link.port })
        .collect();
    let input = obj! { "TargetGroupArn" => tg_arn.clone(), "Targets" => targets };
    steps.push(
        Step::new(
            id(name, kind::TARGETS),
            "elbv2",
            "RegisterTargets",
            input.clone(),
        )
        .delete("DeregisterTargets", input),
    );
    let input = obj! {
        "LoadBalancerArn" => arn.clone(),
        "Protocol" => "TCP",
        "Port" => link.port,
        "DefaultActions" => arr![obj! { "Type" => "forward", "TargetGroupArn" => tg_arn }],
        "Tags" => tag_list(&app.tags),
    };
    let listener = Step::new(id(name, kind::LISTENER), "elbv2", "CreateListener", input)
        .output("ListenerArn", "Listeners[0].ListenerArn");
    let listener_id = listener.id.clone();
    let delete = obj! { "ListenerArn" => listener.out("ListenerArn") };
    steps.push(listener.delete("DeleteListener", delete));
    let input = obj! {
        "name" => &link.vpc_link_name,
        "targetArns" => arr![arn],
        "tags" => tag_map(&app.tags),
    };
    // The link is usable only once the NLB listens.
    let vpc_link = Step::new(
        id(name, kind::VPC_LINK),
        "apigateway",
        "CreateVpcLink",
        input,
    )
    .output("VpcLinkId", "id")
    .after(listener_id);
    let link_id = obj! { "vpcLinkId" => vpc_link.out("VpcLinkId") };
    let vpc_link = vpc_link.wait("GetVpcLink", link_id.clone(), "status", "AVAILABLE", 900);
    steps.push(vpc_link.delete("DeleteVpcLink", link_id));
}
