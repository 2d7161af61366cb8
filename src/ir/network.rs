//! Network kinds: the VPC and its subnets (or the existing ones), the zone lookups subnets are
//! placed by, security groups and their rules, the App Runner requests endpoint and the lookup
//! of its interfaces' IPs, the internal load balancer with its target group and listener, the
//! API Gateway VPC link, and the App Runner VPC connector.

use super::{Id, Ref, Refs};
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

/// A private subnet (no public IPs on launch).
#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    pub vpc: Ref<Vpc>,
    pub cidr: String,
    pub zone: ZoneRef,
    pub map_public_ip: bool,
    /// Its position among the network's subnets.
    pub index: usize,
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
}

impl GroupRole {
    pub fn pascal(self) -> &'static str {
        match self {
            GroupRole::Endpoint => "Endpoint",
            GroupRole::Nlb => "Nlb",
            GroupRole::Connector => "Connector",
        }
    }

    pub fn snake(self) -> &'static str {
        match self {
            GroupRole::Endpoint => "endpoint",
            GroupRole::Nlb => "nlb",
            GroupRole::Connector => "connector",
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

/// An interface endpoint for `com.amazonaws.<region>.<service>`: one network interface in
/// each subnet.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcEndpoint {
    pub vpc: VpcRef,
    pub subnets: Vec<SubnetRef>,
    pub security_groups: Vec<Ref<SecurityGroup>>,
    /// After `com.amazonaws.<region>.`: `apprunner.requests`.
    pub service: String,
    /// `Interface`.
    pub endpoint_type: &'static str,
    pub private_dns: bool,
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

/// A target group of IP targets on TCP: the endpoint's interface IPs.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroup {
    /// `<app>-<network>-<replacement suffix>`, at most 32 characters.
    pub physical: String,
    pub vpc: VpcRef,
    /// `TCP`.
    pub protocol: &'static str,
    pub port: u16,
    /// `ip`.
    pub target_type: &'static str,
    pub targets: Ref<EndpointEnis>,
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
        self.targets.refs(out);
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
