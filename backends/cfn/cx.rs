//! CloudFormation names and references. Every resource gets its logical id here once
//! ([`Cx::new`]): its declaration's Pascal name and a kind suffix (`OrdersService`,
//! `CoreVpcEndpoint`, `PublicAnyProxyMethod`); an internet gateway's attachment, which the
//! graph has no resource for, is named after its gateway. A reference to a resource is a
//! `Ref` or an `Fn::GetAtt` of that id. [`logical_ids`] lists every id the template will hold (parameters
//! and resources share one namespace) and every output id, for the check that none repeats
//! or is invalid.

use super::eni_lookup;
use super::intrinsics::{get_att, param_id, ref_};
use super::BackendError;
use crate::ir::{
    DeclKind, Direction, Graph, Id, Ids, Internal, InternetGateway, Kind, Origin, Props, Ref,
    Subnet, TableUse,
};
use crate::names;
use serde_json::Value;

/// Logical ids of the account's logging role and setting.
pub const LOGS_ROLE_ID: &str = "ApiGatewayLogsRole";
pub const LOGS_ACCOUNT_ID: &str = "ApiGatewayAccount";

/// How many hex digits of the deployment's identity name it.
pub const HASH_DIGITS: usize = 12;

pub struct Cx<'a> {
    pub g: &'a Graph,
    ids: Vec<String>,
}

impl<'a> Cx<'a> {
    pub fn new(g: &'a Graph) -> Result<Cx<'a>, Internal> {
        Ok(Cx {
            g,
            ids: resource_ids(g)?,
        })
    }

    /// The logical id of resource `id`.
    pub fn id(&self, id: Id) -> Result<&str, Internal> {
        self.ids
            .get(id.index())
            .map(String::as_str)
            .ok_or_else(|| Internal(format!("resource #{} has no logical id", id.0)))
    }

    /// `{"Ref": <id of r>}`.
    pub fn ref_<T: Kind>(&self, r: Ref<T>) -> Result<Value, Internal> {
        self.g.get(r)?;
        Ok(ref_(self.id(r.id)?))
    }

    /// The logical id of internet gateway `r`'s attachment to its VPC.
    pub fn attachment(&self, r: Ref<InternetGateway>) -> Result<String, Internal> {
        self.g.get(r)?;
        Ok(attachment_id(self.id(r.id)?))
    }

    /// `{"Fn::GetAtt": [<id of r>, attribute]}`.
    pub fn att<T: Kind>(&self, r: Ref<T>, attribute: &str) -> Result<Value, Internal> {
        self.g.get(r)?;
        Ok(get_att(self.id(r.id)?, attribute))
    }
}

/// Each resource's logical id, in graph order. Ids are made by the thousand, here and in the
/// E0502 check, so each is its parts' `concat()` (one allocation): `format!` was most of their
/// cost (callgrind, 1,000 ECS services). The region's zones are no resource (they are
/// `Fn::GetAZs`): their id is empty and never written.
fn resource_ids(g: &Graph) -> Result<Vec<String>, Internal> {
    let mut out = Vec::with_capacity(g.resources.len());
    for (_, r) in g.iter() {
        let p = g.decl(r.decl)?.names.pascal.as_str();
        out.push(match &r.props {
            Props::RegionZones(_) => String::new(),
            Props::ServiceZones(z) => [&names::pascal(&z.service), "Zones"].concat(),
            Props::Vpc(_) => [p, "Vpc"].concat(),
            Props::Subnet(s) => subnet_id(p, s),
            Props::SecurityGroup(sg) => [p, sg.role.pascal(), "SecurityGroup"].concat(),
            Props::SgRule(rule) => {
                let group = match &g.resource(rule.group.id)?.props {
                    Props::SecurityGroup(sg) => sg.role.pascal(),
                    other => {
                        return Err(Internal(format!(
                            "a security group rule belongs to a {}",
                            other.kind_name()
                        )))
                    }
                };
                let dir = match rule.direction {
                    Direction::Ingress => "Ingress",
                    Direction::Egress => "Egress",
                };
                [p, group, dir, itoa::Buffer::new().format(rule.ordinal)].concat()
            }
            // The App Runner requests endpoint keeps the name it had before there were others.
            Props::VpcEndpoint(e) => match e.member() {
                None => [p, "VpcEndpoint"].concat(),
                Some((member, _)) => [p, &member, "Endpoint"].concat(),
            },
            Props::EndpointEnis(_) => [p, "EniIps"].concat(),
            Props::LoadBalancer(_) => [p, "Nlb"].concat(),
            Props::TargetGroup(_) => [p, "TargetGroup"].concat(),
            Props::Listener(_) => [p, "Listener"].concat(),
            Props::VpcLink(_) => [p, "VpcLink"].concat(),
            Props::VpcConnector(_) => [p, "VpcConnector"].concat(),
            Props::Role(role) => [p, role.role_use.pascal(), "Role"].concat(),
            Props::AutoScaling(_) => [p, "AutoScaling"].concat(),
            Props::Observability(_) => [p, "Observability"].concat(),
            Props::AppRunnerService(_) => [p, "Service"].concat(),
            Props::IngressConnection(_) => [p, "IngressConnection"].concat(),
            Props::LogsRole(_) => LOGS_ROLE_ID.to_string(),
            Props::ApiAccount(_) => LOGS_ACCOUNT_ID.to_string(),
            Props::RestApi(_) => [p, "Api"].concat(),
            Props::ApiResource(res) => [p, &res.pascal, "Resource"].concat(),
            Props::Method(m) => [p, &m.pascal, "Method"].concat(),
            // CloudFormation creates a new deployment only when the logical id changes.
            Props::Deployment(d) => {
                let hash: String = d
                    .identity
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .take(HASH_DIGITS)
                    .collect();
                [p, "Deployment", &hash].concat()
            }
            // An api's access log, or an ECS service's container log.
            Props::LogGroup(_) => match g.decl(r.decl)?.kind {
                DeclKind::Service => [p, "LogGroup"].concat(),
                _ => [p, "AccessLogGroup"].concat(),
            },
            Props::Stage(_) => [p, "Stage"].concat(),
            Props::ApiKey(_) => [p, "ApiKey"].concat(),
            Props::UsagePlan(_) => [p, "UsagePlan"].concat(),
            Props::UsagePlanKey(_) => [p, "UsagePlanKey"].concat(),
            Props::InternetGateway(_) => [p, "InternetGateway"].concat(),
            Props::RouteTable(table) => [p, &route_table_name(table.table_use)].concat(),
            Props::Route(route) => {
                let table = g.get(route.table)?;
                match table.table_use {
                    TableUse::Public => [p, "PublicRoute"].concat(),
                    TableUse::Private(n) => {
                        [p, "PrivateRoute", itoa::Buffer::new().format(n)].concat()
                    }
                }
            }
            // Named after its subnet: a subnet has one route table.
            Props::RouteTableAssociation(assoc) => {
                let subnet = g.get(assoc.subnet)?;
                let owner = g.owner(assoc.subnet.id)?.names.pascal.as_str();
                [&subnet_id(owner, subnet), "RouteTableAssociation"].concat()
            }
            Props::ElasticIp(eip) => {
                [p, "ElasticIp", itoa::Buffer::new().format(eip.index)].concat()
            }
            Props::NatGateway(nat) => {
                [p, "NatGateway", itoa::Buffer::new().format(nat.index)].concat()
            }
            Props::Cluster(_) => [p, "Cluster"].concat(),
            Props::TaskDefinition(_) => [p, "TaskDefinition"].concat(),
            Props::EcsService(_) => [p, "Service"].concat(),
            Props::ScalableTarget(_) => [p, "ScalableTarget"].concat(),
            Props::ScalingPolicy(_) => [p, "ScalingPolicy"].concat(),
        });
    }
    Ok(out)
}

/// A private subnet keeps the name it had before there were public ones (`CoreSubnet0`); a
/// public one is `CorePublicSubnet0`.
fn subnet_id(network: &str, s: &Subnet) -> String {
    let public = if s.public { "Public" } else { "" };
    [
        network,
        public,
        "Subnet",
        itoa::Buffer::new().format(s.index),
    ]
    .concat()
}

fn route_table_name(table_use: TableUse) -> String {
    match table_use {
        TableUse::Public => "PublicRouteTable".to_string(),
        TableUse::Private(n) => format!("PrivateRouteTable{n}"),
    }
}

/// The logical id of an internet gateway's attachment to its VPC: the one resource the
/// template holds that the graph does not (the graph's gateway is attached by definition),
/// and what everything that uses the gateway waits for.
pub fn attachment_id(gateway_id: &str) -> String {
    format!("{gateway_id}Attachment")
}

/// Every logical id the template will hold: parameters and resources (one namespace, each
/// id at most once), then outputs (a namespace of their own).
pub fn logical_ids(g: &Graph) -> Result<(Ids, Ids), Internal> {
    let mut ids: Vec<(String, Origin)> = g
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| (param_id(&p.name), Origin::Param(i)))
        .collect();
    if eni_lookup::needed(g) {
        ids.extend(
            eni_lookup::IDS
                .iter()
                .map(|id| (id.to_string(), Origin::Backend("the lookup function"))),
        );
    }
    for ((id, r), name) in g.iter().zip(resource_ids(g)?) {
        match r.props {
            Props::RegionZones(_) => {}
            Props::InternetGateway(_) => {
                let attachment = attachment_id(&name);
                ids.push((name, Origin::Resource(id)));
                ids.push((attachment, Origin::Resource(id)));
            }
            _ => ids.push((name, Origin::Resource(id))),
        }
    }
    let outputs = g
        .outputs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.pascal.clone(), Origin::Output(i)))
        .collect();
    Ok((ids, outputs))
}

/// Whether CloudFormation takes `id` as a logical id: 1 to 255 letters and digits.
pub fn valid(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The logical id of resource `me`; a resource without one is a bug in aprc.
pub(super) fn id<'c>(cx: &'c Cx, me: Id) -> Result<&'c str, BackendError> {
    cx.id(me).map_err(BackendError::internal)
}

/// What the backend found inconsistent in the graph, as its refusal (E0901).
pub(super) fn internal(e: Internal) -> BackendError {
    BackendError::internal(e)
}
