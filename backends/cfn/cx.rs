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

/// `parts` concatenated, with one allocation: ids are made by the thousand, here and in the
/// E0502 check, and `format!` was most of their cost (callgrind, 1,000 ECS services).
fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    parts.iter().for_each(|p| out.push_str(p));
    out
}

/// Each resource's logical id, in graph order. The region's zones are no resource (they are
/// `Fn::GetAZs`): their id is empty and never written.
fn resource_ids(g: &Graph) -> Result<Vec<String>, Internal> {
    let mut out = Vec::with_capacity(g.resources.len());
    for (_, r) in g.iter() {
        let p = g.decl(r.decl)?.names.pascal.as_str();
        out.push(match &r.props {
            Props::RegionZones(_) => String::new(),
            Props::ServiceZones(z) => cat(&[&names::pascal(&z.service), "Zones"]),
            Props::Vpc(_) => cat(&[p, "Vpc"]),
            Props::Subnet(s) => subnet_id(p, s),
            Props::SecurityGroup(sg) => cat(&[p, sg.role.pascal(), "SecurityGroup"]),
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
                cat(&[p, group, dir, itoa::Buffer::new().format(rule.ordinal)])
            }
            // The App Runner requests endpoint keeps the name it had before there were others.
            Props::VpcEndpoint(e) => match e.member() {
                None => cat(&[p, "VpcEndpoint"]),
                Some((member, _)) => cat(&[p, &member, "Endpoint"]),
            },
            Props::EndpointEnis(_) => cat(&[p, "EniIps"]),
            Props::LoadBalancer(_) => cat(&[p, "Nlb"]),
            Props::TargetGroup(_) => cat(&[p, "TargetGroup"]),
            Props::Listener(_) => cat(&[p, "Listener"]),
            Props::VpcLink(_) => cat(&[p, "VpcLink"]),
            Props::VpcConnector(_) => cat(&[p, "VpcConnector"]),
            Props::Role(role) => cat(&[p, role.role_use.pascal(), "Role"]),
            Props::AutoScaling(_) => cat(&[p, "AutoScaling"]),
            Props::Observability(_) => cat(&[p, "Observability"]),
            Props::AppRunnerService(_) => cat(&[p, "Service"]),
            Props::IngressConnection(_) => cat(&[p, "IngressConnection"]),
            Props::LogsRole(_) => LOGS_ROLE_ID.to_string(),
            Props::ApiAccount(_) => LOGS_ACCOUNT_ID.to_string(),
            Props::RestApi(_) => cat(&[p, "Api"]),
            Props::ApiResource(res) => cat(&[p, &res.pascal, "Resource"]),
            Props::Method(m) => cat(&[p, &m.pascal, "Method"]),
            // CloudFormation creates a new deployment only when the logical id changes.
            Props::Deployment(d) => {
                let hash: String = d
                    .identity
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .take(HASH_DIGITS)
                    .collect();
                cat(&[p, "Deployment", &hash])
            }
            // An api's access log, or an ECS service's container log.
            Props::LogGroup(_) => match g.decl(r.decl)?.kind {
                DeclKind::Service => cat(&[p, "LogGroup"]),
                _ => cat(&[p, "AccessLogGroup"]),
            },
            Props::Stage(_) => cat(&[p, "Stage"]),
            Props::ApiKey(_) => cat(&[p, "ApiKey"]),
            Props::UsagePlan(_) => cat(&[p, "UsagePlan"]),
            Props::UsagePlanKey(_) => cat(&[p, "UsagePlanKey"]),
            Props::InternetGateway(_) => cat(&[p, "InternetGateway"]),
            Props::RouteTable(table) => cat(&[p, &route_table_name(table.table_use)]),
            Props::Route(route) => {
                let table = g.get(route.table)?;
                match table.table_use {
                    TableUse::Public => cat(&[p, "PublicRoute"]),
                    TableUse::Private(n) => {
                        cat(&[p, "PrivateRoute", itoa::Buffer::new().format(n)])
                    }
                }
            }
            // Named after its subnet: a subnet has one route table.
            Props::RouteTableAssociation(assoc) => {
                let subnet = g.get(assoc.subnet)?;
                let owner = g.owner(assoc.subnet.id)?.names.pascal.as_str();
                cat(&[&subnet_id(owner, subnet), "RouteTableAssociation"])
            }
            Props::ElasticIp(eip) => cat(&[p, "ElasticIp", itoa::Buffer::new().format(eip.index)]),
            Props::NatGateway(nat) => {
                cat(&[p, "NatGateway", itoa::Buffer::new().format(nat.index)])
            }
            Props::Cluster(_) => cat(&[p, "Cluster"]),
            Props::TaskDefinition(_) => cat(&[p, "TaskDefinition"]),
            Props::EcsService(_) => cat(&[p, "Service"]),
            Props::ScalableTarget(_) => cat(&[p, "ScalableTarget"]),
            Props::ScalingPolicy(_) => cat(&[p, "ScalingPolicy"]),
        });
    }
    Ok(out)
}

/// A private subnet keeps the name it had before there were public ones (`CoreSubnet0`); a
/// public one is `CorePublicSubnet0`.
fn subnet_id(network: &str, s: &Subnet) -> String {
    let public = if s.public { "Public" } else { "" };
    cat(&[
        network,
        public,
        "Subnet",
        itoa::Buffer::new().format(s.index),
    ])
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
