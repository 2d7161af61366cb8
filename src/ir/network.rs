//! Network kinds: the VPC and its subnets (or the existing ones), the zone lookups subnets are
//! placed by, security groups and their rules, the App Runner requests endpoint and the lookup
//! of its interfaces' IPs, the internal load balancer with its target group and listener, the
//! API Gateway VPC link, and the App Runner VPC connector.

use super::{Health, Id, Ref, Refs};
use crate::text::Text;

/// The region's available availability zones, in the order AWS lists them: where created
/// subnets go when nothing narrows the choice.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionZones {
    /// How many of them some subnet uses.
    pub count: usize,
}

/// The zones where the interface endpoint service `com.amazonaws.<region>.<service>` is
/// offered, sorted by name: a network carrying that endpoint puts its subnets only there.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceZones {
    /// The service after `com.amazonaws.<region>.`: `apprunner.requests`.
    pub service: String,
    /// How many of them some subnet uses.
    pub count: usize,
}

/// A new VPC. DNS support and DNS host names are on: the endpoint's and App Runner's ingress
/// domains need both.
#[derive(Debug, Clone, PartialEq)]
pub struct Vpc {
    pub cidr: String,
    pub dns_support: bool,
    pub dns_hostnames: bool,
}

/// The VPC a resource lives in: one the app creates, or an existing one by id.
#[derive(Debug, Clone, PartialEq)]
pub enum VpcRef {
    Created(Ref<Vpc>),
    Existing(Text),
}

/// A subnet: one the app creates, or an existing one by id.
#[derive(Debug, Clone, PartialEq)]
pub enum SubnetRef {
    Created(Ref<Subnet>),
    Existing(Text),
}

/// Where a created subnet goes: the `index`-th zone of a zone lookup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZoneRef {
    Region(Ref<RegionZones>, usize),
    Service(Ref<ServiceZones>, usize),
}

/// A subnet of a created VPC: private (where services run), or public (where a NAT gateway
/// lives: `nat = true`). Neither gives public IPs on launch.
#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    pub vpc: Ref<Vpc>,
    pub cidr: String,
    pub zone: ZoneRef,
    pub map_public_ip: bool,
    /// Its position among the network's private subnets, or among its public ones.
    pub index: usize,
    /// A public subnet: it routes to the internet gateway.
    pub public: bool,
}

/// What a network's security group guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupRole {
    /// The App Runner requests endpoint.
    Endpoint,
    /// The load balancer of the VPC link.
    Nlb,
    /// The App Runner VPC connector.
    Connector,
    /// The interface endpoints ECS tasks pull images, write logs and read secrets through.
    Endpoints,
    /// One ECS service's tasks (the group belongs to the service).
    Tasks,
}

impl GroupRole {
    pub fn pascal(self) -> &'static str {
        match self {
            GroupRole::Endpoint => "Endpoint",
            GroupRole::Nlb => "Nlb",
            GroupRole::Connector => "Connector",
            GroupRole::Endpoints => "Endpoints",
            GroupRole::Tasks => "Tasks",
        }
    }

    pub fn snake(self) -> &'static str {
        match self {
            GroupRole::Endpoint => "endpoint",
            GroupRole::Nlb => "nlb",
            GroupRole::Connector => "connector",
            GroupRole::Endpoints => "endpoints",
            GroupRole::Tasks => "tasks",
        }
    }
}

/// A security group with exactly the graph's rules: AWS's default allow-all egress rule is
/// removed (`exact_rules`), so it has none but its [`SgRule`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroup {
    pub vpc: VpcRef,
    pub role: GroupRole,
    /// The group name: `<app>-<network>-<role>-<replacement suffix>`.
    pub physical: String,
    pub description: String,
    pub exact_rules: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    /// Every protocol (`-1`); ports are then absent.
    All,
}

impl Protocol {
    /// The EC2 API's `IpProtocol`.
    pub fn as_aws(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::All => "-1",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    Group(Ref<SecurityGroup>),
    Cidr(String),
}

/// One rule of a group, its own resource (the endpoint's and the load balancer's groups
/// refer to each other).
#[derive(Debug, Clone, PartialEq)]
pub struct SgRule {
    pub group: Ref<SecurityGroup>,
    pub direction: Direction,
    pub protocol: Protocol,
    /// Inclusive port range; `None` with [`Protocol::All`].
    pub ports: Option<(u16, u16)>,
    pub peer: Peer,
    pub description: String,
    /// Its position among the rules of its group and direction.
    pub ordinal: usize,
}

/// An endpoint for `com.amazonaws.<region>.<service>`: an interface endpoint has one network
/// interface in each subnet; a gateway endpoint (`s3`) is a route in each route table.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcEndpoint {
    pub vpc: VpcRef,
    /// Interface endpoints only.
    pub subnets: Vec<SubnetRef>,
    /// Interface endpoints only.
    pub security_groups: Vec<Ref<SecurityGroup>>,
    /// Gateway endpoints only.
    pub route_tables: Vec<Ref<RouteTable>>,
    /// After `com.amazonaws.<region>.`: `apprunner.requests`, `ecr.api`, `s3`.
    pub service: String,
    /// `Interface` or `Gateway`.
    pub endpoint_type: &'static str,
    pub private_dns: bool,
    /// `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`, written only when set: an `s3`
    /// interface endpoint with private DNS in a VPC without an S3 gateway endpoint must say
    /// `false`, or AWS refuses it.
    pub private_dns_only_for_inbound_resolver: Option<bool>,
}

/// The App Runner requests endpoint's service, after `com.amazonaws.<region>.`.
pub const REQUESTS_ENDPOINT: &str = "apprunner.requests";

impl VpcEndpoint {
    /// How names tell a network's endpoints apart: none for the App Runner requests endpoint
    /// (a network's first, whose names predate the others), else the service's words:
    /// `("EcrApi", "ecr_api")` for `ecr.api`.
    pub fn member(&self) -> Option<(String, String)> {
        if self.service == REQUESTS_ENDPOINT {
            return None;
        }
        let words: Vec<&str> = self.service.split(['.', '-']).collect();
        let pascal = words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        Some((pascal, words.join("_")))
    }
}

/// The private IPs of an endpoint's network interfaces, one per subnet, in subnet order:
/// neither CloudFormation nor Terraform exposes them, so each backend looks them up.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointEnis {
    pub endpoint: Ref<VpcEndpoint>,
    pub subnets: Vec<SubnetRef>,
    pub count: usize,
}

/// A load balancer: internal, network type, cross-zone on, with security groups whose
/// inbound rules are not enforced on PrivateLink traffic (API Gateway's VPC link traffic
/// carries no source the group could admit).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    /// `<app>-<network>-<replacement suffix>`, at most 32 characters.
    pub physical: String,
    pub subnets: Vec<SubnetRef>,
    pub security_groups: Vec<Ref<SecurityGroup>>,
    pub internal: bool,
    /// `network`.
    pub lb_type: &'static str,
    /// `ipv4`.
    pub ip_address_type: &'static str,
    pub cross_zone: bool,
    pub enforce_inbound_on_private_link: bool,
}

impl LoadBalancer {
    /// Elastic Load Balancing's `Scheme`.
    pub fn scheme(&self) -> &'static str {
        if self.internal {
            "internal"
        } else {
            "internet-facing"
        }
    }

    /// The load balancer attributes, as Elastic Load Balancing's API and CloudFormation both
    /// take them (`Key`, `Value`); Terraform has an argument for each.
    pub fn attributes(&self) -> [(&'static str, &'static str); 1] {
        [(
            "load_balancing.cross_zone.enabled",
            if self.cross_zone { "true" } else { "false" },
        )]
    }

    /// `EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`'s value.
    pub fn private_link_enforcement(&self) -> &'static str {
        if self.enforce_inbound_on_private_link {
            "on"
        } else {
            "off"
        }
    }
}

/// A target group of IP targets on TCP: the App Runner endpoint's interface IPs, or an ECS
/// service's tasks (ECS registers them).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroup {
    /// `<app>-<network or service>-<replacement suffix>`, at most 32 characters.
    pub physical: String,
    pub vpc: VpcRef,
    /// `TCP`.
    pub protocol: &'static str,
    pub port: u16,
    /// `ip`.
    pub target_type: &'static str,
    pub targets: Targets,
    /// The health check (section 9's ranges, checked); `None` keeps Elastic Load
    /// Balancing's defaults.
    pub health: Option<Health>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Targets {
    /// Registered by the app: the endpoint's interface IPs.
    EndpointEnis(Ref<EndpointEnis>),
    /// Registered by ECS: an ECS service's tasks.
    Ecs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub load_balancer: Ref<LoadBalancer>,
    /// `TCP`.
    pub protocol: &'static str,
    pub port: u16,
    pub target_group: Ref<TargetGroup>,
}

/// The API Gateway VPC link to a load balancer. It carries traffic only once the load
/// balancer listens: `listener` is what it waits for where a backend orders calls itself.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcLink {
    pub physical: String,
    pub target: Ref<LoadBalancer>,
    pub listener: Ref<Listener>,
}

/// An internet gateway, attached to its VPC (`nat = true` on a created network).
#[derive(Debug, Clone, PartialEq)]
pub struct InternetGateway {
    pub vpc: Ref<Vpc>,
}

/// What a route table serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableUse {
    /// The public subnets: to the internet gateway.
    Public,
    /// The private subnet of zone `n`: to that zone's NAT gateway (or, without a NAT, the
    /// one table of every private subnet: `Private(0)`).
    Private(usize),
}

/// A route table of a created VPC.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteTable {
    pub vpc: Ref<Vpc>,
    pub table_use: TableUse,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RouteTarget {
    InternetGateway(Ref<InternetGateway>),
    NatGateway(Ref<NatGateway>),
}

/// A route of a table: `destination` (`0.0.0.0/0`) through a gateway. A route to the
/// internet gateway needs the gateway attached to the VPC first.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub table: Ref<RouteTable>,
    pub destination: String,
    pub target: RouteTarget,
}

/// A subnet's use of a route table.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteTableAssociation {
    pub table: Ref<RouteTable>,
    pub subnet: Ref<Subnet>,
}

/// An Elastic IP for a NAT gateway (domain `vpc`).
#[derive(Debug, Clone, PartialEq)]
pub struct ElasticIp {
    /// The zone of the NAT gateway it serves.
    pub index: usize,
}

/// A public NAT gateway in the public subnet of one zone. It needs the VPC's internet
/// gateway attached first.
#[derive(Debug, Clone, PartialEq)]
pub struct NatGateway {
    pub subnet: Ref<Subnet>,
    pub eip: Ref<ElasticIp>,
    pub internet: Ref<InternetGateway>,
    pub index: usize,
}

/// The App Runner VPC connector of a network, shared by its `egress = vpc` services.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcConnector {
    pub physical: String,
    pub subnets: Vec<SubnetRef>,
    pub security_groups: Vec<Ref<SecurityGroup>>,
}

impl Refs for VpcRef {
    fn refs(&self, out: &mut Vec<Id>) {
        if let VpcRef::Created(r) = self {
            r.refs(out);
        }
    }
}

impl Refs for SubnetRef {
    fn refs(&self, out: &mut Vec<Id>) {
        if let SubnetRef::Created(r) = self {
            r.refs(out);
        }
    }
}

impl Refs for ZoneRef {
    fn refs(&self, out: &mut Vec<Id>) {
        match self {
            ZoneRef::Region(r, _) => r.refs(out),
            ZoneRef::Service(r, _) => r.refs(out),
        }
    }
}

impl Refs for RegionZones {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for ServiceZones {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for Vpc {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for Subnet {
    fn refs(&self, out: &mut Vec<Id>) {
        self.vpc.refs(out);
        self.zone.refs(out);
    }
}

impl Refs for SecurityGroup {
    fn refs(&self, out: &mut Vec<Id>) {
        self.vpc.refs(out);
    }
}

impl Refs for SgRule {
    fn refs(&self, out: &mut Vec<Id>) {
        self.group.refs(out);
        if let Peer::Group(peer) = &self.peer {
            peer.refs(out);
        }
    }
}

impl Refs for VpcEndpoint {
    fn refs(&self, out: &mut Vec<Id>) {
        self.vpc.refs(out);
        self.subnets.refs(out);
        self.security_groups.refs(out);
        self.route_tables.refs(out);
    }
}

impl Refs for EndpointEnis {
    fn refs(&self, out: &mut Vec<Id>) {
        self.endpoint.refs(out);
        self.subnets.refs(out);
    }
}

impl Refs for LoadBalancer {
    fn refs(&self, out: &mut Vec<Id>) {
        self.subnets.refs(out);
        self.security_groups.refs(out);
    }
}

impl Refs for TargetGroup {
    fn refs(&self, out: &mut Vec<Id>) {
        self.vpc.refs(out);
        if let Targets::EndpointEnis(enis) = &self.targets {
            enis.refs(out);
        }
    }
}

impl Refs for InternetGateway {
    fn refs(&self, out: &mut Vec<Id>) {
        self.vpc.refs(out);
    }
}

impl Refs for RouteTable {
    fn refs(&self, out: &mut Vec<Id>) {
        self.vpc.refs(out);
    }
}

impl Refs for Route {
    fn refs(&self, out: &mut Vec<Id>) {
        self.table.refs(out);
        match &self.target {
            RouteTarget::InternetGateway(r) => r.refs(out),
            RouteTarget::NatGateway(r) => r.refs(out),
        }
    }
}

impl Refs for RouteTableAssociation {
    fn refs(&self, out: &mut Vec<Id>) {
        self.table.refs(out);
        self.subnet.refs(out);
    }
}

impl Refs for ElasticIp {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for NatGateway {
    fn refs(&self, out: &mut Vec<Id>) {
        self.subnet.refs(out);
        self.eip.refs(out);
        self.internet.refs(out);
    }
}

impl Refs for Listener {
    fn refs(&self, out: &mut Vec<Id>) {
        self.load_balancer.refs(out);
        self.target_group.refs(out);
    }
}

impl Refs for VpcLink {
    fn refs(&self, out: &mut Vec<Id>) {
        self.target.refs(out);
        self.listener.refs(out);
    }
}

impl Refs for VpcConnector {
    fn refs(&self, out: &mut Vec<Id>) {
        self.subnets.refs(out);
        self.security_groups.refs(out);
    }
}
