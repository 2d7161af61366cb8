//! One network: its VPC and subnets (or the existing ones), and the shared resources its
//! services and apis need, each only when something needs it: the App Runner requests
//! endpoint (a private service lives here) with the lookup of its interfaces' IPs, the load
//! balancer, target group, listener and VPC link (an api routes to a private service here),
//! the VPC connector (a service here has `egress = vpc`), and their security groups with
//! exactly the rules they need.

use crate::ir::{
    Builder, DeclId, DeclKind, Direction, ElasticIp, EndpointEnis, GroupRole, Id, InternetGateway,
    Listener, LoadBalancer, NatGateway, Peer, Protocol, Ref, RegionZones, Route, RouteTable,
    RouteTableAssociation, RouteTarget, SecurityGroup, ServiceZones, SgRule, Subnet, SubnetRef,
    TableUse, TargetGroup, Targets, Vpc, VpcConnector, VpcEndpoint, VpcLink, VpcRef, ZoneRef,
    REQUESTS_ENDPOINT,
};
use crate::model::{Compute, Egress, Ingress, Network, NetworkSource, Service, Spec};
use crate::names;

/// The port App Runner's requests endpoint listens on, and so the load balancer.
pub(super) const HTTPS: u16 = 443;

/// The zone lookups of the application, made before any network.
pub(super) struct Zones {
    region: Option<Ref<RegionZones>>,
    service: Option<Ref<ServiceZones>>,
}

/// What the services and apis of a network refer to.
pub(super) struct Lowered {
    pub decl: DeclId,
    pub vpc: VpcRef,
    /// The VPC's block, when the app creates it.
    pub cidr: Option<String>,
    /// The private subnets, where services run.
    pub subnets: Vec<SubnetRef>,
    pub endpoint: Option<Ref<VpcEndpoint>>,
    pub link: Option<Ref<VpcLink>>,
    pub connector: Option<Ref<VpcConnector>>,
    /// The load balancer, when a private service is reached through it, with its group.
    pub load_balancer: Option<(Ref<LoadBalancer>, Ref<SecurityGroup>)>,
    /// The group of the interface endpoints ECS tasks use (no NAT).
    pub endpoints_group: Option<Ref<SecurityGroup>>,
    /// What ECS tasks need before they start: the endpoints, or the routes to the NATs.
    pub ready: Vec<Id>,
    /// `nat = true`: the private subnets route to the internet.
    pub nat: bool,
    /// An api routes to an ECS service here, and no App Runner listener made the VPC link:
    /// it is made once the services' listeners exist.
    pub link_after_services: bool,
}

/// The App Runner services of `network` that are private (they need the requests endpoint).
fn private_services<'s>(spec: &'s Spec, network: &'s str) -> impl Iterator<Item = &'s str> {
    spec.services
        .iter()
        .filter(move |s| {
            s.network.as_deref() == Some(network)
                && s.ingress == Ingress::Private
                && s.compute == Compute::AppRunner
        })
        .map(|s| s.name.as_str())
}

/// The ECS services of `network`.
pub(super) fn ecs_services<'s>(
    spec: &'s Spec,
    network: &'s str,
) -> impl Iterator<Item = &'s Service> {
    spec.services
        .iter()
        .filter(move |s| s.network.as_deref() == Some(network) && s.compute == Compute::Ecs)
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

/// The services some api routes to: looked up once per service of each network (scanning
/// every route for every network's services was a tenth of lowering at 1,000 services).
pub(super) fn routed(spec: &Spec) -> crate::hash::Set<&str> {
    spec.apis
        .iter()
        .flat_map(|a| a.routes.iter().map(|r| r.service.as_str()))
        .collect()
}

pub(super) fn lower(
    b: &mut Builder,
    spec: &Spec,
    network: &Network,
    zones: &Zones,
    routed: &crate::hash::Set<&str>,
) -> Lowered {
    let app = &spec.app.name;
    let names = super::names(app, &network.name);
    let physical = names.physical.clone();
    let decl = b.decl(DeclKind::Network, names, network.span);
    let here = |s: &&crate::model::Service| s.network.as_deref() == Some(network.name.as_str());

    let private: Vec<&str> = private_services(spec, &network.name).collect();
    let ecs: Vec<&Service> = ecs_services(spec, &network.name).collect();
    let vpc_egress = spec
        .services
        .iter()
        .filter(here)
        .any(|s| s.egress == Egress::Vpc && s.compute == Compute::AppRunner);
    let linked = private.iter().any(|s| routed.contains(s));
    let linked_ecs = ecs.iter().any(|s| routed.contains(s.name.as_str()));
    let balanced = linked || !ecs.is_empty();

    // The VPC and its subnets, or the existing ones; with `nat`, the public subnets and the
    // gateways; the private subnets' route tables.
    let mut routes = Routes::default();
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
            // The private subnets as created, with their zones.
            let mut created_subnets: Vec<(Ref<Subnet>, ZoneRef)> = Vec::new();
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
                created_subnets.push((subnet, zone));
            }
            // Public subnets after the private ones (which keep their blocks), each in the
            // zone of the private subnet of its index.
            let public: Vec<Ref<Subnet>> = if network.nat {
                created_subnets
                    .iter()
                    .enumerate()
                    .map(|(i, (_, zone))| {
                        let block = cidr(
                            u64::from(*base) + step * (usize::from(*count) + i) as u64,
                            *subnet_size,
                        );
                        b.add(
                            decl,
                            Subnet {
                                vpc: created,
                                cidr: block,
                                zone: *zone,
                                map_public_ip: false,
                                index: i,
                                public: true,
                            },
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let private: Vec<Ref<Subnet>> = created_subnets.iter().map(|(s, _)| *s).collect();
            routes = route_tables(
                b,
                decl,
                created,
                &private,
                &public,
                network.nat,
                !ecs.is_empty(),
            );
            let subnets: Vec<SubnetRef> = private.into_iter().map(SubnetRef::Created).collect();
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
        security_group(b, decl, &vpc, &identity, &physical, role, what)
    };
    let endpoint_group = (!private.is_empty())
        .then(|| group(b, GroupRole::Endpoint, "App Runner requests endpoint"));
    let nlb_group = balanced.then(|| {
        group(
            b,
            GroupRole::Nlb,
            "Network load balancer for the API Gateway VPC link",
        )
    });
    let connector_group =
        vpc_egress.then(|| group(b, GroupRole::Connector, "App Runner VPC connector"));
    // ECS tasks without a NAT pull, log and read secrets through interface endpoints; so do
    // tasks kept to the VPC (`egress = vpc`) in a network with one.
    let fargate_endpoints =
        !ecs.is_empty() && (!network.nat || ecs.iter().any(|s| s.egress == Egress::Vpc));
    let endpoints_group =
        fargate_endpoints.then(|| group(b, GroupRole::Endpoints, "VPC endpoints of ECS tasks"));

    // Their rules: the endpoint admits HTTPS from the load balancer only, the load balancer
    // sends HTTPS to the endpoint only, the connector sends anything to the VPC (or, in an
    // existing VPC, anywhere: its routes decide).
    if let (Some(endpoint), Some(nlb), true) = (endpoint_group, nlb_group, linked) {
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
    let enis = match (endpoint, linked) {
        (Some(endpoint), true) => Some(b.add(
            decl,
            EndpointEnis {
                endpoint,
                subnets: subnets.clone(),
                count: subnets.len(),
            },
        )),
        _ => None,
    };
    let stem = names::elb_stem(app, &network.name);
    let load_balancer = nlb_group.map(|nlb_group| {
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
        (lb, nlb_group)
    });
    let link = match (enis, load_balancer) {
        (Some(enis), Some((lb, _))) => {
            let (_, listener) = forward(
                b,
                decl,
                lb,
                TargetGroup {
                    physical: target_group_name(&stem, &identity, HTTPS),
                    vpc: vpc.clone(),
                    protocol: "TCP",
                    port: HTTPS,
                    target_type: "ip",
                    targets: Targets::EndpointEnis(enis),
                    health: None,
                },
                HTTPS,
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

    // What ECS tasks start through: the NAT routes, or the endpoints; and the private
    // subnets' use of the tables that hold those routes (the S3 gateway's included).
    let mut ready: Vec<Id> = routes.nat_routes.iter().map(|r| r.id).collect();
    ready.extend(routes.associations.iter().map(|a| a.id));
    if let Some(sg) = endpoints_group {
        let mut services = vec!["ecr.api", "ecr.dkr", "logs", "s3"];
        let arns = ecs.iter().flat_map(|s| s.secrets.values());
        let (mut secrets_manager, mut ssm) = (false, false);
        for arn in arns {
            let (sm, p) = super::service::secret_kinds(arn);
            secrets_manager |= sm;
            ssm |= p;
        }
        if secrets_manager {
            services.push("secretsmanager");
        }
        if ssm {
            services.push("ssm");
        }
        for service in services {
            // S3 is a gateway on the private route table where the app made one and no NAT
            // is there (a gateway is reached by route, so the tasks' group must let HTTPS
            // out to S3's addresses, which only a network without a way out keeps to S3);
            // else an interface endpoint with private DNS, inside the VPC's block.
            let gateway = !network.nat && !routes.private.is_empty();
            let endpoint = match (service, gateway) {
                ("s3", true) => VpcEndpoint {
                    vpc: vpc.clone(),
                    subnets: Vec::new(),
                    security_groups: Vec::new(),
                    route_tables: routes.private.clone(),
                    service: service.to_string(),
                    endpoint_type: "Gateway",
                    private_dns: false,
                    private_dns_only_for_inbound_resolver: None,
                },
                _ => VpcEndpoint {
                    vpc: vpc.clone(),
                    subnets: subnets.clone(),
                    security_groups: vec![sg],
                    route_tables: Vec::new(),
                    service: service.to_string(),
                    endpoint_type: "Interface",
                    private_dns: true,
                    private_dns_only_for_inbound_resolver: (service == "s3").then_some(false),
                },
            };
            ready.push(b.add(decl, endpoint).id);
        }
    }
    Lowered {
        decl,
        vpc,
        cidr: vpc_cidr,
        subnets,
        endpoint,
        link,
        connector,
        load_balancer,
        endpoints_group,
        ready,
        nat: network.nat,
        link_after_services: linked_ecs && link.is_none(),
    }
}

/// A created network's route tables and routes.
#[derive(Default)]
struct Routes {
    /// The private subnets' tables (one per zone with a NAT, else one).
    private: Vec<Ref<RouteTable>>,
    /// Each private table's route to its zone's NAT gateway.
    nat_routes: Vec<Ref<Route>>,
    /// The private subnets' associations with those tables: ECS tasks wait for them too.
    associations: Vec<Ref<RouteTableAssociation>>,
}

/// With `nat`: an internet gateway, a public route table for the public subnets, and per
/// zone an Elastic IP, a NAT gateway in the public subnet and a private route table through
/// it. Without: one private route table when ECS tasks need it for the S3 gateway endpoint
/// (else the subnets keep the VPC's main table, as before).
fn route_tables(
    b: &mut Builder,
    decl: DeclId,
    vpc: Ref<Vpc>,
    private: &[Ref<Subnet>],
    public: &[Ref<Subnet>],
    nat: bool,
    ecs: bool,
) -> Routes {
    let mut routes = Routes::default();
    if nat {
        let igw = b.add(decl, InternetGateway { vpc });
        let table = b.add(
            decl,
            RouteTable {
                vpc,
                table_use: TableUse::Public,
            },
        );
        b.add(
            decl,
            Route {
                table,
                destination: "0.0.0.0/0".to_string(),
                target: RouteTarget::InternetGateway(igw),
            },
        );
        for subnet in public {
            b.add(
                decl,
                RouteTableAssociation {
                    table,
                    subnet: *subnet,
                },
            );
        }
        for (index, (subnet, public)) in private.iter().zip(public).enumerate() {
            let eip = b.add(decl, ElasticIp { index });
            let gateway = b.add(
                decl,
                NatGateway {
                    subnet: *public,
                    eip,
                    internet: igw,
                    index,
                },
            );
            let table = b.add(
                decl,
                RouteTable {
                    vpc,
                    table_use: TableUse::Private(index),
                },
            );
            routes.nat_routes.push(b.add(
                decl,
                Route {
                    table,
                    destination: "0.0.0.0/0".to_string(),
                    target: RouteTarget::NatGateway(gateway),
                },
            ));
            routes.associations.push(b.add(
                decl,
                RouteTableAssociation {
                    table,
                    subnet: *subnet,
                },
            ));
            routes.private.push(table);
        }
    } else if ecs {
        let table = b.add(
            decl,
            RouteTable {
                vpc,
                table_use: TableUse::Private(0),
            },
        );
        for subnet in private {
            routes.associations.push(b.add(
                decl,
                RouteTableAssociation {
                    table,
                    subnet: *subnet,
                },
            ));
        }
        routes.private.push(table);
    }
    routes
}

/// A security group of a declaration whose AWS name is `owner` (a network's, or an ECS
/// service's tasks'), described as `<what> of <owner>`: exactly the graph's rules, named
/// `<owner>-<role>-<suffix>` with a suffix that changes with its replacement (its VPC, role
/// and description), and replaced by creating the new one first.
pub(super) fn security_group(
    b: &mut Builder,
    decl: DeclId,
    vpc: &VpcRef,
    vpc_identity: &str,
    owner: &str,
    role: GroupRole,
    what: &str,
) -> Ref<SecurityGroup> {
    let description = format!("{what} of {owner}");
    let suffix = names::replacement_suffix(
        "security group",
        &[vpc_identity, role.snake(), &description],
    );
    let sg = b.add(
        decl,
        SecurityGroup {
            vpc: vpc.clone(),
            role,
            physical: format!("{owner}-{}-{suffix}", role.snake()),
            description,
            exact_rules: true,
        },
    );
    b.replace_first(sg);
    sg
}

/// A target group (made before the one it replaces is deleted) and the load balancer's
/// listener on `port` forwarding to it, with the target group's protocol.
pub(super) fn forward(
    b: &mut Builder,
    decl: DeclId,
    load_balancer: Ref<LoadBalancer>,
    target_group: TargetGroup,
    port: u16,
) -> (Ref<TargetGroup>, Ref<Listener>) {
    let protocol = target_group.protocol;
    let tg = b.add(decl, target_group);
    b.replace_first(tg);
    let listener = b.add(
        decl,
        Listener {
            load_balancer,
            protocol,
            port,
            target_group: tg,
        },
    );
    (tg, listener)
}

/// A target group's name: `stem` and a suffix that changes with what replaces it (its VPC,
/// protocol, port and target type).
pub(super) fn target_group_name(stem: &str, vpc_identity: &str, port: u16) -> String {
    names::elb_name(
        stem,
        &names::replacement_suffix(
            "target group",
            &[vpc_identity, "TCP", &port.to_string(), "ip"],
        ),
    )
}

/// The VPC link of a network whose apis reach only ECS services: made after the services,
/// waiting for the first of their listeners.
pub(super) fn late_link(b: &mut Builder, network: &mut Lowered, listener: Ref<Listener>) {
    let (true, Some((lb, _))) = (network.link_after_services, network.load_balancer) else {
        return;
    };
    let physical = match b.graph().decl(network.decl) {
        Ok(d) => d.names.physical.clone(),
        Err(e) => return b.broken(e.0),
    };
    network.link = Some(b.add(
        network.decl,
        VpcLink {
            physical,
            target: lb,
            listener,
        },
    ));
    network.link_after_services = false;
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
