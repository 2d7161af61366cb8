//! CloudFormation names and references. Every resource gets its logical id here once
//! ([`Cx::new`]): its declaration's Pascal name and a kind suffix (`OrdersService`,
//! `CoreVpcEndpoint`, `PublicAnyProxyMethod`). A reference to a resource is a `Ref` or an
//! `Fn::GetAtt` of that id. [`logical_ids`] lists every id the template will hold (parameters
//! and resources share one namespace) and every output id, for the check that none repeats
//! or is invalid.

use super::eni_lookup;
use super::intrinsics::{get_att, param_id, ref_};
use crate::ir::{Direction, Graph, Id, Ids, Internal, Kind, Origin, Props, Ref};
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

    /// `{"Fn::GetAtt": [<id of r>, attribute]}`.
    pub fn att<T: Kind>(&self, r: Ref<T>, attribute: &str) -> Result<Value, Internal> {
        self.g.get(r)?;
        Ok(get_att(self.id(r.id)?, attribute))
    }
}

/// Each resource's logical id, in graph order. The region's zones are no resource (they are
/// `Fn::GetAZs`): their id is empty and never written.
fn resource_ids(g: &Graph) -> Result<Vec<String>, Internal> {
    let mut out = Vec::with_capacity(g.resources.len());
    for (_, r) in g.iter() {
        let p = g.decl(r.decl)?.names.pascal.as_str();
        out.push(match &r.props {
            Props::RegionZones(_) => String::new(),
            Props::InternetGateway(_)
            | Props::RouteTable(_)
            | Props::Route(_)
            | Props::RouteTableAssociation(_)
            | Props::ElasticIp(_)
            | Props::NatGateway(_)
            | Props::Cluster(_)
            | Props::TaskDefinition(_)
            | Props::EcsService(_)
            | Props::ScalableTarget(_)
            | Props::ScalingPolicy(_) => {
                return Err(Internal("ECS kinds are not spelled yet".into()))
            }
            Props::ServiceZones(z) => format!("{}Zones", names::pascal(&z.service)),
            Props::Vpc(_) => format!("{p}Vpc"),
            Props::Subnet(s) => format!("{p}Subnet{}", s.index),
            Props::SecurityGroup(sg) => format!("{p}{}SecurityGroup", sg.role.pascal()),
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
                format!("{p}{group}{dir}{}", rule.ordinal)
            }
            Props::VpcEndpoint(_) => format!("{p}VpcEndpoint"),
            Props::EndpointEnis(_) => format!("{p}EniIps"),
            Props::LoadBalancer(_) => format!("{p}Nlb"),
            Props::TargetGroup(_) => format!("{p}TargetGroup"),
            Props::Listener(_) => format!("{p}Listener"),
            Props::VpcLink(_) => format!("{p}VpcLink"),
            Props::VpcConnector(_) => format!("{p}VpcConnector"),
            Props::Role(role) => format!("{p}{}Role", role.role_use.pascal()),
            Props::AutoScaling(_) => format!("{p}AutoScaling"),
            Props::Observability(_) => format!("{p}Observability"),
            Props::AppRunnerService(_) => format!("{p}Service"),
            Props::IngressConnection(_) => format!("{p}IngressConnection"),
            Props::LogsRole(_) => LOGS_ROLE_ID.to_string(),
            Props::ApiAccount(_) => LOGS_ACCOUNT_ID.to_string(),
            Props::RestApi(_) => format!("{p}Api"),
            Props::ApiResource(res) => format!("{p}{}Resource", res.pascal),
            Props::Method(m) => format!("{p}{}Method", m.pascal),
            // CloudFormation creates a new deployment only when the logical id changes.
            Props::Deployment(d) => {
                let hash: String = d
                    .identity
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .take(HASH_DIGITS)
                    .collect();
                format!("{p}Deployment{hash}")
            }
            Props::LogGroup(_) => format!("{p}AccessLogGroup"),
            Props::Stage(_) => format!("{p}Stage"),
            Props::ApiKey(_) => format!("{p}ApiKey"),
            Props::UsagePlan(_) => format!("{p}UsagePlan"),
            Props::UsagePlanKey(_) => format!("{p}UsagePlanKey"),
        });
    }
    Ok(out)
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
        if !matches!(r.props, Props::RegionZones(_)) {
            ids.push((name, Origin::Resource(id)));
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
