//! One network: its VPC and subnets (or the existing ones), and the shared resources its
//! services and apis need, each only when something needs it: the App Runner requests
//! endpoint (a private service lives here) with the lookup of its interfaces' IPs, the load
//! balancer, target group, listener and VPC link (an api routes to a private service here),
//! the VPC connector (a service here has `egress = vpc`), and their security groups with
//! exactly the rules they need.

use crate::ir::{
    Builder, DeclKind, Direction, EndpointEnis, GroupRole, Listener, LoadBalancer, Peer, Protocol,
    Ref, RegionZones, SecurityGroup, ServiceZones, SgRule, Subnet, SubnetRef, TargetGroup, Vpc,
    VpcConnector, VpcEndpoint, VpcLink, VpcRef, ZoneRef,
};
use crate::model::{Egress, Ingress, Network, NetworkSource, Spec};
use crate::names;

/// The port App Runner's requests endpoint listens on, and so the load balancer.
pub(super) const HTTPS: u16 = 443;

/// The App Runner requests endpoint service, after `com.amazonaws.<region>.`.
const REQUESTS_ENDPOINT: &str = "apprunner.requests";

/// The zone lookups of the application, made before any network.
pub(super) struct Zones {
    region: Option<Ref<RegionZones>>,
    service: Option<Ref<ServiceZones>>,
}

/// What the services and apis of a network refer to.
pub(super) struct Lowered {
    pub vpc: VpcRef,
    pub endpoint: Option<Ref<VpcEndpoint>>,
    pub link: Option<Ref<VpcLink>>,
    pub connector: Option<Ref<VpcConnector>>,
}

/// The services of `network` that are private (they need the requests endpoint).
fn private_services<'s>(spec: &'s Spec, network: &'s str) -> impl Iterator<Item = &'s str> {
    spec.services
        .iter()
        .filter(move |s| s.network.as_deref() == Some(network) && s.ingress == Ingress::Private)
        .map(|s| s.name.as_str())
}

/// A created network that carries the requests endpoint puts its subnets where the endpoint
/// service is offered; any other created network uses the region's zones. Each lookup is
/// made once, for as many zones as the widest network needs.
pub(super) fn zone_lookups(b: &mut Builder, spec: &Spec) -> Zones {
    let (mut region, mut service) = (0usize, 0usize);
    for n in &spec.networks {
        if let NetworkSource::Create { zones, .. } = &n.source {
            let count = usize::from(*zones);
            if private_services(spec, &n.name).next().is_some() {
                service = service.max(count);
            } else {
                region = region.max(count);
            }
        }
    }
    let app = b.app_decl();
    let service = (service > 0).then(|| {
        b.add(
            app,
            ServiceZones {
                service: REQUESTS_ENDPOINT.to_string(),
                count: service,
            },
        )
    });
    let region = (region > 0).then(|| b.add(app, RegionZones { count: region }));
    Zones { region, service }
}

pub(super) fn lower(b: &mut Builder, spec: &Spec, network: &Network, zones: &Zones) -> Lowered {
    let app = &spec.app.name;
    let names = super::names(app, &network.name);
    let physical = names.physical.clone();
    let decl = b.decl(DeclKind::Network, names, network.span);
    let here = |s: &&crate::model::Service| s.network.as_deref() == Some(network.name.as_str());

    let private: Vec<&str> = private_services(spec, &network.name).collect();
    let vpc_egress = spec
        .services
        .iter()
        .filter(here)
        .any(|s| s.egress == Egress::Vpc);
    let linked = spec.apis.iter().any(|a| {
        a.routes
            .iter()
            .any(|r| private.contains(&r.service.as_str()))
    });

    // The VPC and its subnets, or the existing ones.
    let (vpc, subnets, vpc_cidr, subnet_identity) = match &network.source {
        NetworkSource::Create {
            base,
            prefix,
            zones: count,
            subnet_size,
        } => {
            let block = cidr(u64::from(*base), *prefix);
            let created = b.add(
                decl,
                Vpc {
                    cidr: block.clone(),
                    dns_support: true,
                    dns_hostnames: true,
                },
            );
            let step = 1u64 << (32 - u32::from(*subnet_size));
            let mut subnets = Vec::new();
            let mut identity = Vec::new();
            for i in 0..usize::from(*count) {
                let block = cidr(u64::from(*base) + step * i as u64, *subnet_size);
                // Both lookups were made for every created network that needs them.
                let (zone, of) = match (private.is_empty(), zones.region, zones.service) {
                    (true, Some(lookup), _) => {
                        (ZoneRef::Region(lookup, i), "the region's zones".to_string())
                    }
                    (false, _, Some(lookup)) => (
                        ZoneRef::Service(lookup, i),
                        format!("the zones of {REQUESTS_ENDPOINT}"),
                    ),
                    _ => continue,
                };
                identity.push(format!("{block} in zone {i} of {of}"));
                let subnet = b.add(
                    decl,
                    Subnet {
                        vpc: created,
                        cidr: block,
                        zone,
                        map_public_ip: false,
                        index: i,
                        public: false,
                    },
                );
                subnets.push(SubnetRef::Created(subnet));
            }
            (
                VpcRef::Created(created),
                subnets,
                Some(block),
                identity.join(", "),
            )
        }
        NetworkSource::Existing { vpc_id, subnet_ids } => (
            VpcRef::Existing(vpc_id.clone()),
            subnet_ids
                .iter()
                .cloned()
                .map(SubnetRef::Existing)
                .collect(),
            None,
            subnet_ids
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    let identity = super::identity::vpc(b.graph(), &vpc);

    // Security groups, each named with a suffix that changes with its replacement.
    let group = |b: &mut Builder, role: GroupRole, what: &str| {
        let description = format!("{what} of {physical}");
        let suffix =
            names::replacement_suffix("security group", &[&identity, role.snake(), &description]);
        let sg = b.add(
            decl,
            SecurityGroup {
                vpc: vpc.clone(),
                role,
                physical: format!("{physical}-{}-{suffix}", role.snake()),
                description,
                exact_rules: true,
            },
        );
        b.replace_first(sg);
        sg
    };
    let endpoint_group = (!private.is_empty())
        .then(|| group(b, GroupRole::Endpoint, "App Runner requests endpoint"));
    let nlb_group = linked.then(|| {
        group(
            b,
            GroupRole::Nlb,
            "Network load balancer for the API Gateway VPC link",
        )
    });
    let connector_group =
        vpc_egress.then(|| group(b, GroupRole::Connector, "App Runner VPC connector"));

    // Their rules: the endpoint admits HTTPS from the load balancer only, the load balancer
    // sends HTTPS to the endpoint only, the connector sends anything to the VPC (or, in an
    // existing VPC, anywhere: its routes decide).
    if let (Some(endpoint), Some(nlb)) = (endpoint_group, nlb_group) {
        b.add(
            decl,
            SgRule {
                group: endpoint,
                direction: Direction::Ingress,
                protocol: Protocol::Tcp,
                ports: Some((HTTPS, HTTPS)),
                peer: Peer::Group(nlb),
                description: "HTTPS from the VPC link load balancer".to_string(),
                ordinal: 0,
            },
        );
        b.add(
            decl,
            SgRule {
                group: nlb,
                direction: Direction::Egress,
                protocol: Protocol::Tcp,
                ports: Some((HTTPS, HTTPS)),
                peer: Peer::Group(endpoint),
                description: "HTTPS to the App Runner requests endpoint".to_string(),
                ordinal: 0,
            },
        );
    }
    if let Some(connector) = connector_group {
        let (peer, description) = match &vpc_cidr {
            Some(block) => (block.clone(), "All traffic from App Runner services to the VPC"),
            None => ("0.0.0.0/0".to_string(), "All outbound traffic from App Runner services; the VPC's routes decide where it goes"),
        };
        b.add(
            decl,
            SgRule {
                group: connector,
                direction: Direction::Egress,
                protocol: Protocol::All,
                ports: None,
                peer: Peer::Cidr(peer),
                description: description.to_string(),
                ordinal: 0,
            },
        );
    }

    // The requests endpoint, and the lookup of its interfaces' IPs for the load balancer.
    let endpoint = endpoint_group.map(|sg| {
        b.add(
            decl,
            VpcEndpoint {
                vpc: vpc.clone(),
                subnets: subnets.clone(),
                security_groups: vec![sg],
                route_tables: Vec::new(),
                service: REQUESTS_ENDPOINT.to_string(),
                endpoint_type: "Interface",
                private_dns: false,
                private_dns_only_for_inbound_resolver: None,
            },
        )
    });
    let link = match (endpoint, nlb_group) {
        (Some(endpoint), Some(nlb_group)) => {
            let enis = b.add(
                decl,
                EndpointEnis {
                    endpoint,
                    subnets: subnets.clone(),
                    count: subnets.len(),
                },
            );
            let stem = names::elb_stem(app, &network.name);
            let lb = b.add(
                decl,
                LoadBalancer {
                    physical: names::elb_name(
                        &stem,
                        &names::replacement_suffix(
                            "network load balancer",
                            &[
                                &identity,
                                &subnet_identity,
                                "internal",
                                "network",
                                "security group nlb",
                            ],
                        ),
                    ),
                    subnets: subnets.clone(),
                    security_groups: vec![nlb_group],
                    internal: true,
                    lb_type: "network",
                    ip_address_type: "ipv4",
                    cross_zone: true,
                    enforce_inbound_on_private_link: false,
                },
            );
            b.replace_first(lb);
            let tg = b.add(
                decl,
                TargetGroup {
                    physical: names::elb_name(
                        &stem,
                        &names::replacement_suffix(
                            "target group",
                            &[&identity, "TCP", &HTTPS.to_string(), "ip"],
                        ),
                    ),
                    vpc: vpc.clone(),
                    protocol: "TCP",
                    port: HTTPS,
                    target_type: "ip",
                    targets: crate::ir::Targets::EndpointEnis(enis),
                    health: None,
                },
            );
            b.replace_first(tg);
            let listener = b.add(
                decl,
                Listener {
                    load_balancer: lb,
                    protocol: "TCP",
                    port: HTTPS,
                    target_group: tg,
                },
            );
            Some(b.add(
                decl,
                VpcLink {
                    physical: physical.clone(),
                    target: lb,
                    listener,
                },
            ))
        }
        _ => None,
    };
    let connector = connector_group.map(|sg| {
        b.add(
            decl,
            VpcConnector {
                physical: physical.clone(),
                subnets: subnets.clone(),
                security_groups: vec![sg],
            },
        )
    });
    Lowered {
        vpc,
        endpoint,
        link,
        connector,
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
