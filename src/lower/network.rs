//! One network: its VPC and subnets, and the shared resources its services and apis need
//! (requests endpoint, NLB + VPC link, VPC connector) with their security groups.

use crate::ir::{
    self, Connector, Direction, Endpoint, Link, Peer, Protocol, SecurityGroup, SgKind, SgRule,
    Subnet, Vpc, Zones,
};
use crate::model::{Egress, Ingress, Network, NetworkSource, Spec};
use crate::names;

/// The port App Runner's requests endpoint listens on, and so the NLB.
pub(super) const HTTPS: u16 = 443;

/// The App Runner requests endpoint service, after `com.amazonaws.<region>.`.
const REQUESTS_ENDPOINT: &str = "apprunner.requests";

pub(super) fn lower(spec: &Spec, network: &Network) -> ir::Network {
    let app = &spec.app.name;
    let names = super::names(app, &network.name);
    let here = |s: &&crate::model::Service| s.network.as_deref() == Some(network.name.as_str());

    let private: Vec<String> = spec
        .services
        .iter()
        .filter(here)
        .filter(|s| s.ingress == Ingress::Private)
        .map(|s| s.name.clone())
        .collect();
    let vpc_egress: Vec<String> = spec
        .services
        .iter()
        .filter(here)
        .filter(|s| s.egress == Egress::Vpc)
        .map(|s| s.name.clone())
        .collect();
    let linked_apis: Vec<String> = spec
        .apis
        .iter()
        .filter(|a| a.routes.iter().any(|r| private.contains(&r.service)))
        .map(|a| a.name.clone())
        .collect();

    let (vpc, vpc_cidr) = match &network.source {
        NetworkSource::Create {
            base,
            prefix,
            zones,
            subnet_size,
        } => {
            let step = 1u64 << (32 - u32::from(*subnet_size));
            let subnets = (0..usize::from(*zones))
                .map(|i| Subnet {
                    cidr: cidr(u64::from(*base) + step * i as u64, *subnet_size),
                    zone_index: i,
                })
                .collect();
            let block = cidr(u64::from(*base), *prefix);
            let zones = if private.is_empty() {
                Zones::Region
            } else {
                Zones::EndpointService {
                    suffix: REQUESTS_ENDPOINT.to_string(),
                }
            };
            (
                Vpc::Create {
                    cidr: block.clone(),
                    subnets,
                    zones,
                },
                Some(block),
            )
        }
        NetworkSource::Existing { vpc_id, subnet_ids } => (
            Vpc::Existing {
                vpc_id: vpc_id.clone(),
                subnet_ids: subnet_ids.clone(),
            },
            None,
        ),
    };

    let endpoint = (!private.is_empty()).then(|| Endpoint {
        service_suffix: REQUESTS_ENDPOINT.to_string(),
        eni_count: vpc.subnet_count(),
        services: private.clone(),
    });
    // Load balancer and target group names carry a suffix that changes with what forces
    // their replacement, so a replacement can be created beside the one it replaces.
    let identity = vpc_identity(&vpc);
    let stem = names::elb_stem(app, &network.name);
    let subnets = subnet_identity(&vpc);
    let link = (!linked_apis.is_empty()).then(|| Link {
        nlb_name: names::elb_name(
            &stem,
            &names::replacement_suffix(
                "network load balancer",
                &[
                    &identity,
                    &subnets,
                    "internal",
                    "network",
                    "security group nlb",
                ],
            ),
        ),
        target_group_name: names::elb_name(
            &stem,
            &names::replacement_suffix(
                "target group",
                &[&identity, "TCP", &HTTPS.to_string(), "ip"],
            ),
        ),
        vpc_link_name: names.physical.clone(),
        port: HTTPS,
        apis: linked_apis,
    });
    let connector = (!vpc_egress.is_empty()).then(|| Connector {
        physical: names.physical.clone(),
        services: vpc_egress,
    });

    let mut security_groups = Vec::new();
    let mut rules = Vec::new();
    let group = |kind: SgKind, what: &str| {
        let description = format!("{what} of {}", names.physical);
        let suffix =
            names::replacement_suffix("security group", &[&identity, kind.snake(), &description]);
        SecurityGroup {
            kind,
            physical: format!("{}-{}-{suffix}", names.physical, kind.snake()),
            description,
        }
    };
    if endpoint.is_some() {
        security_groups.push(group(SgKind::Endpoint, "App Runner requests endpoint"));
    }
    if link.is_some() {
        security_groups.push(group(
            SgKind::Nlb,
            "Network load balancer for the API Gateway VPC link",
        ));
        rules.push(SgRule {
            group: SgKind::Endpoint,
            direction: Direction::Ingress,
            protocol: Protocol::Tcp,
            ports: Some((HTTPS, HTTPS)),
            peer: Peer::Group(SgKind::Nlb),
            description: "HTTPS from the VPC link load balancer".to_string(),
        });
        rules.push(SgRule {
            group: SgKind::Nlb,
            direction: Direction::Egress,
            protocol: Protocol::Tcp,
            ports: Some((HTTPS, HTTPS)),
            peer: Peer::Group(SgKind::Endpoint),
            description: "HTTPS to the App Runner requests endpoint".to_string(),
        });
    }
    if connector.is_some() {
        security_groups.push(group(SgKind::Connector, "App Runner VPC connector"));
        let (peer, description) = match vpc_cidr {
            Some(block) => (block, "All traffic from App Runner services to the VPC"),
            None => ("0.0.0.0/0".to_string(), "All outbound traffic from App Runner services; the VPC's routes decide where it goes"),
        };
        rules.push(SgRule {
            group: SgKind::Connector,
            direction: Direction::Egress,
            protocol: Protocol::All,
            ports: None,
            peer: Peer::Cidr(peer),
            description: description.to_string(),
        });
    }

    ir::Network {
        names,
        vpc,
        security_groups,
        rules,
        endpoint,
        link,
        connector,
    }
}

/// What identifies the VPC to AWS as far as replacements go: a created VPC is replaced when
/// its block changes, an existing one is another VPC when its id does. Everything inside a
/// VPC (groups, endpoint, load balancer, target group) is replaced with it.
pub(super) fn vpc_identity(vpc: &Vpc) -> String {
    match vpc {
        Vpc::Create { cidr, .. } => format!("created vpc {cidr}"),
        Vpc::Existing { vpc_id, .. } => format!("existing vpc {vpc_id}"),
    }
}

/// The network's subnets, as the load balancer is placed in them.
fn subnet_identity(vpc: &Vpc) -> String {
    match vpc {
        Vpc::Create { subnets, zones, .. } => {
            let zones = match zones {
                Zones::Region => "the region's zones".to_string(),
                Zones::EndpointService { suffix } => format!("the zones of {suffix}"),
            };
            let subnets: Vec<String> = subnets
                .iter()
                .map(|s| format!("{} in zone {} of {zones}", s.cidr, s.zone_index))
                .collect();
            subnets.join(", ")
        }
        Vpc::Existing { subnet_ids, .. } => subnet_ids
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `base/prefix` in dotted form.
fn cidr(base: u64, prefix: u8) -> String {
    let b = (base & 0xffff_ffff) as u32;
    format!(
        "{}.{}.{}.{}/{prefix}",
        b >> 24,
        (b >> 16) & 0xff,
        (b >> 8) & 0xff,
        b & 0xff
    )
}

#[cfg(test)]
mod tests {
    use super::cidr;

    #[test]
    fn formats_blocks() {
        assert_eq!(cidr(0x0a00_0100, 24), "10.0.1.0/24");
        assert_eq!(cidr(0xac10_0000, 20), "172.16.0.0/20");
    }
}
