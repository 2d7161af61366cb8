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

use super::doc::{BodyExt, Doc};
use super::expr::{
    attr, call, count_index, data_attr, data_ref, get_attr, index, int, string, text,
};
use crate::ir::{Direction, Ir, Network, Peer, Protocol, SgKind, Vpc, Zones};
use hcl::Expression;
use std::collections::BTreeSet;

/// Name of the `aws_availability_zones` data source.
pub const AZS: &str = "available";

/// The data sources created subnets take their zones from: the region's available zones,
/// and, for networks that carry an interface endpoint, the zones where its service is offered
/// (one data source per endpoint service, named after it: `apprunner_requests`).
pub fn zone_sources(ir: &Ir, w: &mut Doc) {
    let mut region = false;
    let mut services = BTreeSet::new();
    for net in &ir.networks {
        match &net.vpc {
            Vpc::Create {
                zones: Zones::Region,
                ..
            } => region = true,
            Vpc::Create {
                zones: Zones::EndpointService { suffix },
                ..
            } => {
                services.insert(suffix.as_str());
            }
            Vpc::Existing { .. } => {}
        }
    }
    if region {
        w.data("aws_availability_zones", AZS, |w| {
            w.attr("state", string("available"));
        });
    }
    for suffix in services {
        // `service` rather than `service_name`: the provider adds `com.amazonaws.<region>.`
        // for its own region.
        w.data("aws_vpc_endpoint_service", &endpoint_service(suffix), |w| {
            w.attr("service", string(suffix));
            w.attr("service_type", string("Interface"));
        });
    }
}

/// `apprunner.requests` -> `apprunner_requests`.
fn endpoint_service(suffix: &str) -> String {
    crate::names::snake(suffix)
}

/// The `index`-th zone of a created network.
fn zone(zones: &Zones, i: usize) -> Expression {
    let list = match zones {
        Zones::Region => data_attr("aws_availability_zones", AZS, "names").into(),
        // A set: sorted into a list, the same order the other targets use.
        Zones::EndpointService { suffix } => call(
            "sort",
            data_attr(
                "aws_vpc_endpoint_service",
                &endpoint_service(suffix),
                "availability_zones",
            )
            .into(),
        ),
    };
    index(list, int(i as u64))
}

pub fn emit(ir: &Ir, net: &Network, w: &mut Doc) {
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
    if let Vpc::Create {
        cidr,
        subnets,
        zones,
    } = &net.vpc
    {
        w.resource("aws_vpc", n, |w| {
            w.attr("cidr_block", string(cidr));
            w.attr("enable_dns_support", Expression::Bool(true));
            w.attr("enable_dns_hostnames", Expression::Bool(true));
        });
        for (subnet, name) in subnets.iter().zip(names.subnets) {
            let az = zone(zones, subnet.zone_index);
            w.resource("aws_subnet", name, |w| {
                w.attr("vpc_id", vpc_id(net));
                w.attr("cidr_block", string(&subnet.cidr));
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
            w.attr("service_name", string(&service_name));
            w.attr("vpc_endpoint_type", string("Interface"));
            w.attr("subnet_ids", names.subnet_ids());
            w.attr("security_group_ids", names.group_ids(SgKind::Endpoint));
            w.attr("private_dns_enabled", Expression::Bool(false));
        });
        if let Some(link) = &net.link {
            link_blocks(&names, endpoint.eni_count, link, w);
        }
    }
    if let Some(connector) = &net.connector {
        w.resource("aws_apprunner_vpc_connector", n, |w| {
            w.attr("vpc_connector_name", string(&connector.physical));
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
    fn subnet_ids(&self) -> Expression {
        Expression::Array(match &self.net.vpc {
            Vpc::Create { .. } => self
                .subnets
                .iter()
                .map(|name| attr("aws_subnet", name, "id").into())
                .collect(),
            Vpc::Existing { subnet_ids, .. } => subnet_ids.iter().map(text).collect(),
        })
    }

    /// `[aws_security_group.<net>_<kind>.id]` when the network has that group.
    fn group_ids(&self, kind: SgKind) -> Expression {
        Expression::Array(
            self.groups
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, name)| attr("aws_security_group", name, "id").into())
                .collect(),
        )
    }
}

/// NLB, target group, ENI lookups, attachments, listener and VPC link.
fn link_blocks(names: &Names, eni_count: usize, link: &crate::ir::Link, w: &mut Doc) {
    let net = names.net;
    let n = net.names.snake.as_str();
    let eni = format!("{n}_endpoint");
    w.resource("aws_lb", n, |w| {
        w.attr("name", string(&link.nlb_name));
        w.attr("internal", Expression::Bool(true));
        w.attr("load_balancer_type", string("network"));
        w.attr("subnets", names.subnet_ids());
        w.attr("security_groups", names.group_ids(SgKind::Nlb));
        w.attr("enable_cross_zone_load_balancing", Expression::Bool(true));
        // VPC link traffic arrives over PrivateLink; enforcing the NLB group's inbound
        // rules on it would drop every request (the group has no ingress rules).
        w.attr(
            "enforce_security_group_inbound_rules_on_private_link_traffic",
            string("off"),
        );
        // Its name changes with whatever forces its replacement (lowering's suffix).
        w.create_before_destroy();
    });
    w.resource("aws_lb_target_group", n, |w| {
        w.attr("name", string(&link.target_group_name));
        w.attr("port", int(u64::from(link.port)));
        w.attr("protocol", string("TCP"));
        w.attr("target_type", string("ip"));
        w.attr("vpc_id", vpc_id(net));
        // Its name changes with whatever forces its replacement (lowering's suffix).
        w.create_before_destroy();
    });
    let ids = call(
        "tolist",
        attr("aws_vpc_endpoint", n, "network_interface_ids").into(),
    );
    w.data("aws_network_interface", &eni, |w| {
        w.attr("count", int(eni_count as u64));
        w.attr("id", index(ids, count_index()));
    });
    let enis = data_ref("aws_network_interface", &eni).into();
    let ip = get_attr(index(enis, count_index()), "private_ip");
    w.resource("aws_lb_target_group_attachment", n, |w| {
        w.attr("count", int(eni_count as u64));
        w.attr(
            "target_group_arn",
            attr("aws_lb_target_group", n, "arn").into(),
        );
        w.attr("target_id", ip);
        w.attr("port", int(u64::from(link.port)));
    });
    w.resource("aws_lb_listener", n, |w| {
        w.attr("load_balancer_arn", attr("aws_lb", n, "arn").into());
        w.attr("port", int(u64::from(link.port)));
        w.attr("protocol", string("TCP"));
        w.block("default_action", &[], |w| {
            w.attr("type", string("forward"));
            w.attr(
                "target_group_arn",
                attr("aws_lb_target_group", n, "arn").into(),
            );
        });
    });
    w.resource("aws_api_gateway_vpc_link", n, |w| {
        w.attr("name", string(&link.vpc_link_name));
        w.attr(
            "target_arns",
            Expression::Array(vec![attr("aws_lb", n, "arn").into()]),
        );
    });
}

/// Groups without inline rules (the provider then removes AWS's default allow-all egress),
/// and one standalone rule resource per IR rule, each with its description.
fn security_groups(names: &Names, w: &mut Doc) {
    let net = names.net;
    let n = net.names.snake.as_str();
    for (sg, (_, name)) in net.security_groups.iter().zip(names.groups) {
        w.resource("aws_security_group", name, |w| {
            w.attr("name", string(&sg.physical));
            w.attr("description", string(&sg.description));
            w.attr("vpc_id", vpc_id(net));
            w.attr("revoke_rules_on_delete", Expression::Bool(true));
            // Its name changes with whatever forces its replacement (lowering's suffix).
            w.create_before_destroy();
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
            w.attr("description", string(&rule.description));
            let protocol = match rule.protocol {
                Protocol::Tcp => "tcp",
                Protocol::All => "-1",
            };
            w.attr("ip_protocol", string(protocol));
            if let Some((from, to)) = rule.ports {
                w.attr("from_port", int(u64::from(from)));
                w.attr("to_port", int(u64::from(to)));
            }
            match &rule.peer {
                Peer::Group(k) => {
                    let peer = group_name(n, *k);
                    w.attr(
                        "referenced_security_group_id",
                        attr("aws_security_group", &peer, "id").into(),
                    );
                }
                Peer::Cidr(c) => w.attr("cidr_ipv4", string(c)),
            }
        });
    }
}

fn group_name(network: &str, kind: SgKind) -> String {
    format!("{network}_{}", kind.snake())
}

/// The network's VPC id: the created VPC's, or the existing one as written.
pub fn vpc_id(net: &Network) -> Expression {
    match &net.vpc {
        Vpc::Create { .. } => attr("aws_vpc", &net.names.snake, "id").into(),
        Vpc::Existing { vpc_id, .. } => text(vpc_id),
    }
}
