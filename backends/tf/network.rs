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

use super::expr::{attr, count_index, data_attr, data_ref, index, Expr};
use super::write::Writer;
use crate::ir::{Direction, Ir, Network, Peer, Protocol, SgKind, Vpc};
use std::collections::BTreeSet;

/// Name of the `aws_availability_zones` data source.
pub const AZS: &str = "available";

pub fn emit(ir: &Ir, net: &Network, w: &mut Writer) {
    let n = net.names.snake.as_str();
    // Subnet and group names, made once: several blocks refer to each.
    let subnets: Vec<String> = match &net.vpc {
        Vpc::Create { subnets, .. } => (0..subnets.len()).map(|i| format!("{n}_{i}")).collect(),
        Vpc::Existing { .. } => Vec::new(),
    };
    let groups: Vec<(SgKind, String)> = net
        .security_groups
        .iter()
        .map(|g| (g.kind, group_name(n, g.kind)))
        .collect();
    let names = Names {
        net,
        subnets: &subnets,
        groups: &groups,
    };
    if let Vpc::Create { cidr, subnets } = &net.vpc {
        w.resource("aws_vpc", n, |w| {
            w.attr("cidr_block", Expr::Str(cidr));
            w.attr("enable_dns_support", Expr::Bool(true));
            w.attr("enable_dns_hostnames", Expr::Bool(true));
        });
        for (subnet, name) in subnets.iter().zip(names.subnets) {
            let az = index(
                data_attr("aws_availability_zones", AZS, "names").into(),
                Expr::Int(subnet.zone_index as u64),
            );
            w.resource("aws_subnet", name, |w| {
                w.attr("vpc_id", vpc_id(net));
                w.attr("cidr_block", Expr::Str(&subnet.cidr));
                w.attr("availability_zone", az);
            });
        }
    }
    security_groups(&names, w);
    if let Some(endpoint) = &net.endpoint {
        let service_name = format!(
            "com.amazonaws.{}.{}",
            ir.app.region, endpoint.service_suffix
        );
        w.resource("aws_vpc_endpoint", n, |w| {
            w.attr("vpc_id", vpc_id(net));
            w.attr("service_name", Expr::Str(&service_name));
            w.attr("vpc_endpoint_type", Expr::Str("Interface"));
            w.attr("subnet_ids", names.subnet_ids());
            w.attr("security_group_ids", names.group_ids(SgKind::Endpoint));
            w.attr("private_dns_enabled", Expr::Bool(false));
        });
        if let Some(link) = &net.link {
            link_blocks(&names, endpoint.eni_count, link, w);
        }
    }
    if let Some(connector) = &net.connector {
        w.resource("aws_apprunner_vpc_connector", n, |w| {
            w.attr("vpc_connector_name", Expr::Str(&connector.physical));
            w.attr("subnets", names.subnet_ids());
            w.attr("security_groups", names.group_ids(SgKind::Connector));
        });
    }
}

/// A network with the Terraform names of its subnets and security groups.
struct Names<'a> {
    net: &'a Network,
    /// `<net>_<i>`, one per subnet when the VPC is created.
    subnets: &'a [String],
    groups: &'a [(SgKind, String)],
}

impl Names<'_> {
    /// The network's subnet ids, in the IR's order.
    fn subnet_ids(&self) -> Expr<'_> {
        Expr::List(match &self.net.vpc {
            Vpc::Create { .. } => self
                .subnets
                .iter()
                .map(|name| attr("aws_subnet", name, "id").into())
                .collect(),
            Vpc::Existing { subnet_ids, .. } => subnet_ids.iter().map(Expr::Text).collect(),
        })
    }

    /// `[aws_security_group.<net>_<kind>.id]` when the network has that group.
    fn group_ids(&self, kind: SgKind) -> Expr<'_> {
        Expr::List(
            self.groups
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, name)| attr("aws_security_group", name, "id").into())
                .collect(),
        )
    }
}

/// NLB, target group, ENI lookups, attachments, listener and VPC link.
fn link_blocks(names: &Names, eni_count: usize, link: &crate::ir::Link, w: &mut Writer) {
    let net = names.net;
    let n = net.names.snake.as_str();
    let eni = format!("{n}_endpoint");
    w.resource("aws_lb", n, |w| {
        w.attr("name", Expr::Str(&link.nlb_name));
        w.attr("internal", Expr::Bool(true));
        w.attr("load_balancer_type", Expr::Str("network"));
        w.attr("subnets", names.subnet_ids());
        w.attr("security_groups", names.group_ids(SgKind::Nlb));
        w.attr("enable_cross_zone_load_balancing", Expr::Bool(true));
        // VPC link traffic arrives over PrivateLink; enforcing the NLB group's inbound
        // rules on it would drop every request (the group has no ingress rules).
        w.attr(
            "enforce_security_group_inbound_rules_on_private_link_traffic",
            Expr::Str("off"),
        );
    });
    w.resource("aws_lb_target_group", n, |w| {
        w.attr("name", Expr::Str(&link.target_group_name));
        w.attr("port", Expr::Int(u64::from(link.port)));
        w.attr("protocol", Expr::Str("TCP"));
        w.attr("target_type", Expr::Str("ip"));
        w.attr("vpc_id", vpc_id(net));
    });
    let ids = Expr::Call(
        "tolist",
        Box::new(attr("aws_vpc_endpoint", n, "network_interface_ids").into()),
    );
    w.data("aws_network_interface", &eni, |w| {
        w.attr("count", Expr::Int(eni_count as u64));
        w.attr("id", index(ids, count_index()));
    });
    let enis = data_ref("aws_network_interface", &eni).into();
    let ip = Expr::Attr(Box::new(index(enis, count_index())), "private_ip");
    w.resource("aws_lb_target_group_attachment", n, |w| {
        w.attr("count", Expr::Int(eni_count as u64));
        w.attr(
            "target_group_arn",
            attr("aws_lb_target_group", n, "arn").into(),
        );
        w.attr("target_id", ip);
        w.attr("port", Expr::Int(u64::from(link.port)));
    });
    w.resource("aws_lb_listener", n, |w| {
        w.attr("load_balancer_arn", attr("aws_lb", n, "arn").into());
        w.attr("port", Expr::Int(u64::from(link.port)));
        w.attr("protocol", Expr::Str("TCP"));
        w.block("default_action", &[], |w| {
            w.attr("type", Expr::Str("forward"));
            w.attr(
                "target_group_arn",
                attr("aws_lb_target_group", n, "arn").into(),
            );
        });
    });
    w.resource("aws_api_gateway_vpc_link", n, |w| {
        w.attr("name", Expr::Str(&link.vpc_link_name));
        w.attr(
            "target_arns",
            Expr::List(vec![attr("aws_lb", n, "arn").into()]),
        );
    });
}

/// Groups without inline rules (the provider then removes AWS's default allow-all egress),
/// and one standalone rule resource per IR rule, each with its description.
fn security_groups(names: &Names, w: &mut Writer) {
    let net = names.net;
    let n = net.names.snake.as_str();
    for (sg, (_, name)) in net.security_groups.iter().zip(names.groups) {
        w.resource("aws_security_group", name, |w| {
            w.attr("name", Expr::Str(&sg.physical));
            w.attr("description", Expr::Str(&sg.description));
            w.attr("vpc_id", vpc_id(net));
            w.attr("revoke_rules_on_delete", Expr::Bool(true));
        });
    }
    let mut used = BTreeSet::new();
    for rule in &net.rules {
        let (kind, dir) = match rule.direction {
            Direction::Ingress => ("aws_vpc_security_group_ingress_rule", "from"),
            Direction::Egress => ("aws_vpc_security_group_egress_rule", "to"),
        };
        let peer = match &rule.peer {
            Peer::Group(k) => k.snake(),
            Peer::Cidr(_) => "cidr",
        };
        // `core_endpoint_from_nlb`; a second rule with the same shape gets `_2`, `_3`...
        let group = group_name(n, rule.group);
        let base = format!("{group}_{dir}_{peer}");
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}_{k}");
            k += 1;
        }
        w.resource(kind, &name, |w| {
            w.attr(
                "security_group_id",
                attr("aws_security_group", &group, "id").into(),
            );
            w.attr("description", Expr::Str(&rule.description));
            let protocol = match rule.protocol {
                Protocol::Tcp => "tcp",
                Protocol::All => "-1",
            };
            w.attr("ip_protocol", Expr::Str(protocol));
            if let Some((from, to)) = rule.ports {
                w.attr("from_port", Expr::Int(u64::from(from)));
                w.attr("to_port", Expr::Int(u64::from(to)));
            }
            match &rule.peer {
                Peer::Group(k) => {
                    let peer = group_name(n, *k);
                    w.attr(
                        "referenced_security_group_id",
                        attr("aws_security_group", &peer, "id").into(),
                    );
                }
                Peer::Cidr(c) => w.attr("cidr_ipv4", Expr::Str(c)),
            }
        });
    }
}

fn group_name(network: &str, kind: SgKind) -> String {
    format!("{network}_{}", kind.snake())
}

/// The network's VPC id: the created VPC's, or the existing one as written.
pub fn vpc_id(net: &Network) -> Expr<'_> {
    match &net.vpc {
        Vpc::Create { .. } => attr("aws_vpc", &net.names.snake, "id").into(),
        Vpc::Existing { vpc_id, .. } => Expr::Text(vpc_id),
    }
}
