//! A network's resources: the VPC and subnets (or the existing ones), its security groups and
//! their rules, the App Runner requests endpoint, and the NLB path that API Gateway's VPC link
//! uses (NLB, target group, listener, ENI lookups, target attachments), plus the shared VPC
//! connector.
//!
//! The trap this file exists for (spec section 6.1): the NLB targets are the endpoint ENIs'
//! private IPs, which the provider does not expose. They are read with
//! `data "aws_network_interface"` and `count` = the IR's `eni_count` (known at plan time),
//! indexing `tolist(network_interface_ids)` (a set, so sorted and stable). `for_each` over
//! the ids would fail at plan time because they are unknown until the endpoint exists.

use super::expr::{attr, block, count_index, data, data_attr, index, list, resource, string, text};
use super::Blocks;
use crate::ir::{Direction, Ir, Network, Peer, Protocol, SgKind, Vpc};
use hcl::expr::{Expression, Traversal, Variable};
use hcl::Identifier;
use std::collections::BTreeSet;

/// Name of the `aws_availability_zones` data source.
pub const AZS: &str = "available";

pub fn emit(ir: &Ir, net: &Network, out: &mut Blocks) {
    let n = net.names.snake.as_str();
    if let Vpc::Create { cidr, subnets } = &net.vpc {
        out.push(
            resource("aws_vpc", n)
                .add_attribute(("cidr_block", string(cidr.as_str())))
                .add_attribute(("enable_dns_support", true))
                .add_attribute(("enable_dns_hostnames", true))
                .build(),
        );
        for (i, subnet) in subnets.iter().enumerate() {
            let az = index(
                data_attr("aws_availability_zones", AZS, "names"),
                subnet.zone_index.into(),
            );
            out.push(
                resource("aws_subnet", &subnet_name(n, i))
                    .add_attribute(("vpc_id", vpc_id(net)))
                    .add_attribute(("cidr_block", string(subnet.cidr.as_str())))
                    .add_attribute(("availability_zone", az))
                    .build(),
            );
        }
    }
    security_groups(net, out);
    if let Some(endpoint) = &net.endpoint {
        let service_name = format!(
            "com.amazonaws.{}.{}",
            ir.app.region, endpoint.service_suffix
        );
        out.push(
            resource("aws_vpc_endpoint", n)
                .add_attribute(("vpc_id", vpc_id(net)))
                .add_attribute(("service_name", string(service_name)))
                .add_attribute(("vpc_endpoint_type", "Interface"))
                .add_attribute(("subnet_ids", list(subnet_ids(net))))
                .add_attribute(("security_group_ids", list(group_ids(net, SgKind::Endpoint))))
                .add_attribute(("private_dns_enabled", false))
                .build(),
        );
        if let Some(link) = &net.link {
            link_blocks(net, endpoint.eni_count, link, out);
        }
    }
    if let Some(connector) = &net.connector {
        out.push(
            resource("aws_apprunner_vpc_connector", n)
                .add_attribute(("vpc_connector_name", string(connector.physical.as_str())))
                .add_attribute(("subnets", list(subnet_ids(net))))
                .add_attribute(("security_groups", list(group_ids(net, SgKind::Connector))))
                .build(),
        );
    }
}

/// NLB, target group, ENI lookups, attachments, listener and VPC link.
fn link_blocks(net: &Network, eni_count: usize, link: &crate::ir::Link, out: &mut Blocks) {
    let n = net.names.snake.as_str();
    let eni = eni_name(n);
    out.push(
        resource("aws_lb", n)
            .add_attribute(("name", string(link.nlb_name.as_str())))
            .add_attribute(("internal", true))
            .add_attribute(("load_balancer_type", "network"))
            .add_attribute(("subnets", list(subnet_ids(net))))
            .add_attribute(("security_groups", list(group_ids(net, SgKind::Nlb))))
            .add_attribute(("enable_cross_zone_load_balancing", true))
            // VPC link traffic arrives over PrivateLink; enforcing the NLB group's inbound
            // rules on it would drop every request (the group has no ingress rules).
            .add_attribute((
                "enforce_security_group_inbound_rules_on_private_link_traffic",
                "off",
            ))
            .build(),
    );
    out.push(
        resource("aws_lb_target_group", n)
            .add_attribute(("name", string(link.target_group_name.as_str())))
            .add_attribute(("port", u64::from(link.port)))
            .add_attribute(("protocol", "TCP"))
            .add_attribute(("target_type", "ip"))
            .add_attribute(("vpc_id", vpc_id(net)))
            .build(),
    );
    let ids = super::expr::call(
        "tolist",
        vec![attr("aws_vpc_endpoint", n, "network_interface_ids")],
    );
    out.push(
        data("aws_network_interface", &eni)
            .add_attribute(("count", eni_count as u64))
            .add_attribute(("id", index(ids, count_index())))
            .build(),
    );
    let ip: Expression = Traversal::builder(Variable::unchecked("data"))
        .attr(Identifier::unchecked("aws_network_interface"))
        .attr(Identifier::sanitized(&eni))
        .index(count_index())
        .attr(Identifier::unchecked("private_ip"))
        .build()
        .into();
    out.push(
        resource("aws_lb_target_group_attachment", n)
            .add_attribute(("count", eni_count as u64))
            .add_attribute(("target_group_arn", attr("aws_lb_target_group", n, "arn")))
            .add_attribute(("target_id", ip))
            .add_attribute(("port", u64::from(link.port)))
            .build(),
    );
    let forward = block(
        "default_action",
        vec![
            ("type", string("forward")),
            ("target_group_arn", attr("aws_lb_target_group", n, "arn")),
        ],
    );
    out.push(
        resource("aws_lb_listener", n)
            .add_attribute(("load_balancer_arn", attr("aws_lb", n, "arn")))
            .add_attribute(("port", u64::from(link.port)))
            .add_attribute(("protocol", "TCP"))
            .add_block(forward)
            .build(),
    );
    out.push(
        resource("aws_api_gateway_vpc_link", n)
            .add_attribute(("name", string(link.vpc_link_name.as_str())))
            .add_attribute(("target_arns", list(vec![attr("aws_lb", n, "arn")])))
            .build(),
    );
}

/// Groups without inline rules (the provider then removes AWS's default allow-all egress),
/// and one standalone rule resource per IR rule, each with its description.
fn security_groups(net: &Network, out: &mut Blocks) {
    let n = net.names.snake.as_str();
    for sg in &net.security_groups {
        out.push(
            resource("aws_security_group", &group_name(n, sg.kind))
                .add_attribute(("name", string(sg.physical.as_str())))
                .add_attribute(("description", string(sg.description.as_str())))
                .add_attribute(("vpc_id", vpc_id(net)))
                .add_attribute(("revoke_rules_on_delete", true))
                .build(),
        );
    }
    let mut used = BTreeSet::new();
    for rule in &net.rules {
        let (kind, dir) = match rule.direction {
            Direction::Ingress => ("aws_vpc_security_group_ingress_rule", "from"),
            Direction::Egress => ("aws_vpc_security_group_egress_rule", "to"),
        };
        let peer = match &rule.peer {
            Peer::Group(k) => k.snake().to_string(),
            Peer::Cidr(_) => "cidr".to_string(),
        };
        // `core_endpoint_from_nlb`; a second rule with the same shape gets `_2`, `_3`...
        let base = format!("{}_{dir}_{peer}", group_name(n, rule.group));
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}_{k}");
            k += 1;
        }
        let mut b = resource(kind, &name)
            .add_attribute((
                "security_group_id",
                attr("aws_security_group", &group_name(n, rule.group), "id"),
            ))
            .add_attribute(("description", string(rule.description.as_str())));
        b = match rule.protocol {
            Protocol::Tcp => b.add_attribute(("ip_protocol", "tcp")),
            Protocol::All => b.add_attribute(("ip_protocol", "-1")),
        };
        if let Some((from, to)) = rule.ports {
            b = b
                .add_attribute(("from_port", u64::from(from)))
                .add_attribute(("to_port", u64::from(to)));
        }
        b = match &rule.peer {
            Peer::Group(k) => b.add_attribute((
                "referenced_security_group_id",
                attr("aws_security_group", &group_name(n, *k), "id"),
            )),
            Peer::Cidr(c) => b.add_attribute(("cidr_ipv4", string(c.as_str()))),
        };
        out.push(b.build());
    }
}

fn subnet_name(network: &str, i: usize) -> String {
    format!("{network}_{i}")
}

fn group_name(network: &str, kind: SgKind) -> String {
    format!("{network}_{}", kind.snake())
}

fn eni_name(network: &str) -> String {
    format!("{network}_endpoint")
}

/// The network's VPC id: the created VPC's, or the existing one as written.
pub fn vpc_id(net: &Network) -> Expression {
    match &net.vpc {
        Vpc::Create { .. } => attr("aws_vpc", &net.names.snake, "id"),
        Vpc::Existing { vpc_id, .. } => text(vpc_id),
    }
}

/// The network's subnet ids, in the IR's order.
pub fn subnet_ids(net: &Network) -> Vec<Expression> {
    match &net.vpc {
        Vpc::Create { subnets, .. } => (0..subnets.len())
            .map(|i| attr("aws_subnet", &subnet_name(&net.names.snake, i), "id"))
            .collect(),
        Vpc::Existing { subnet_ids, .. } => subnet_ids.iter().map(text).collect(),
    }
}

/// `[aws_security_group.<net>_<kind>.id]` when the network has that group.
fn group_ids(net: &Network, kind: SgKind) -> Vec<Expression> {
    net.security_groups
        .iter()
        .filter(|g| g.kind == kind)
        .map(|g| {
            attr(
                "aws_security_group",
                &group_name(&net.names.snake, g.kind),
                "id",
            )
        })
        .collect()
}
