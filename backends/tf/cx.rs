//! Terraform names and references. Every resource's main block has a name made here once
//! ([`Cx::new`]); a reference to a resource is an attribute of that block. [`addresses`]
//! lists every block a resource is written as (a role is two data sources and two
//! resources), for the check that no two blocks share an address.
//!
//! Names are the declarations' `snake` names, prefixed by their owner where one owner has
//! several of a kind (`aws_api_gateway_method.public_any_proxy`). Security group rules are
//! `<group>_<from|to>_<peer>` (an ECS service's tasks group, as group or peer, by its full
//! name `<service>_tasks`: several services' rules live on one network group), with `_2`,
//! `_3`... for a repeat anywhere in the file. Public subnets are `<network>_public_<index>`,
//! apart from the private `<network>_<index>`; a route is named after its table, an
//! association after its subnet; a service's log group is `<service>_logs`, apart from an
//! api's (named after the api).

use super::expr::{attr, data_attr, data_ref, resource_ref, string, template, Piece};
use super::Layout;
use crate::ir::{
    DeclKind, Direction, Graph, GroupRole, Id, Ids, Internal, Kind, Origin, Peer, Props, Ref,
    RouteTable, Subnet, TableUse, Targets,
};
use crate::names;
use hcl::expr::Traversal;
use hcl::Expression;

/// Name of the `aws_availability_zones` data source.
pub const AZS: &str = "available";
/// Names of the account's logging role (and its policy attachment) and of the setting.
pub const LOGS_ROLE: &str = "apigateway_cloudwatch";
pub const LOGS_ACCOUNT: &str = "apigateway";
/// Name of the `aws_partition` data source.
pub const PARTITION: &str = "current";
/// Name of a module's `aws_region` data source.
pub const REGION: &str = "current";

pub struct Cx<'a> {
    pub g: &'a Graph,
    pub layout: Layout,
    /// The main block's name of each resource, by position.
    names: Vec<String>,
}

impl<'a> Cx<'a> {
    pub fn new(g: &'a Graph, layout: Layout) -> Result<Cx<'a>, Internal> {
        Ok(Cx {
            g,
            layout,
            names: main_names(g)?,
        })
    }

    /// `<before><region><after>`: the app's region written out in a root; in a module, the
    /// region of the provider the root gives it (`data.aws_region.current.name`, the
    /// attribute's name in the 5.x provider; 6.0 renames it `region`).
    pub fn with_region(&self, before: &str, after: &str) -> Expression {
        match self.layout {
            Layout::Root => string(&format!("{before}{}{after}", self.g.app.region)),
            Layout::Module => template([
                Piece::Lit(before),
                Piece::Ref(data_attr("aws_region", REGION, "name").into()),
                Piece::Lit(after),
            ]),
        }
    }

    /// The region alone: the app's written out in a root, the provider's in a module.
    pub fn region(&self) -> Expression {
        match self.layout {
            Layout::Root => string(&self.g.app.region),
            Layout::Module => data_attr("aws_region", REGION, "name").into(),
        }
    }

    /// The region as a piece of a template: the app's in a root, the provider's in a module.
    pub fn region_piece(&self) -> Piece<'a> {
        match self.layout {
            Layout::Root => Piece::Lit(&self.g.app.region),
            Layout::Module => Piece::Ref(data_attr("aws_region", REGION, "name").into()),
        }
    }

    /// The name of resource `id`'s main block.
    pub fn name(&self, id: Id) -> Result<&str, Internal> {
        self.names
            .get(id.index())
            .map(String::as_str)
            .ok_or_else(|| Internal(format!("resource #{} has no Terraform name", id.0)))
    }

    /// `<type>.<name>.<attribute>` (or `data.<type>...`) of `r`'s main block.
    pub fn attr<T: Kind>(&self, r: Ref<T>, attribute: &'static str) -> Result<Traversal, Internal> {
        let resource = self.g.resource(r.id)?;
        self.g.get(r)?;
        let (block, ty) = main_block(&resource.props);
        let name = self.name(r.id)?;
        Ok(match block {
            Block::Data => data_attr(ty, name, attribute),
            Block::Resource => attr(ty, name, attribute),
        })
    }

    /// What `depends_on` names to wait for resource `id`: its main block (`aws_route.x`,
    /// `data.aws_...`), or for a role its inline policy, without which the role can do
    /// nothing (the policy waits for the role).
    pub fn wait_for(&self, id: Id) -> Result<Traversal, Internal> {
        let r = self.g.resource(id)?;
        let name = self.name(id)?;
        if let Props::Role(_) = r.props {
            return Ok(resource_ref("aws_iam_role_policy", name));
        }
        Ok(match main_block(&r.props) {
            (Block::Resource, ty) => resource_ref(ty, name),
            (Block::Data, ty) => data_ref(ty, name),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Resource,
    Data,
}

impl Block {
    pub fn keyword(self) -> &'static str {
        match self {
            Block::Resource => "resource",
            Block::Data => "data",
        }
    }
}

/// The kind of block and the Terraform type of a resource's main block.
pub fn main_block(props: &Props) -> (Block, &'static str) {
    use Block::{Data, Resource};
    match props {
        Props::RegionZones(_) => (Data, "aws_availability_zones"),
        Props::InternetGateway(_) => (Resource, "aws_internet_gateway"),
        Props::RouteTable(_) => (Resource, "aws_route_table"),
        Props::Route(_) => (Resource, "aws_route"),
        Props::RouteTableAssociation(_) => (Resource, "aws_route_table_association"),
        Props::ElasticIp(_) => (Resource, "aws_eip"),
        Props::NatGateway(_) => (Resource, "aws_nat_gateway"),
        Props::Cluster(_) => (Resource, "aws_ecs_cluster"),
        Props::TaskDefinition(_) => (Resource, "aws_ecs_task_definition"),
        Props::EcsService(_) => (Resource, "aws_ecs_service"),
        Props::ScalableTarget(_) => (Resource, "aws_appautoscaling_target"),
        Props::ScalingPolicy(_) => (Resource, "aws_appautoscaling_policy"),
        Props::ServiceZones(_) => (Data, "aws_vpc_endpoint_service"),
        Props::Vpc(_) => (Resource, "aws_vpc"),
        Props::Subnet(_) => (Resource, "aws_subnet"),
        Props::SecurityGroup(_) => (Resource, "aws_security_group"),
        Props::SgRule(rule) => match rule.direction {
            Direction::Ingress => (Resource, "aws_vpc_security_group_ingress_rule"),
            Direction::Egress => (Resource, "aws_vpc_security_group_egress_rule"),
        },
        Props::VpcEndpoint(_) => (Resource, "aws_vpc_endpoint"),
        Props::EndpointEnis(_) => (Data, "aws_network_interface"),
        Props::LoadBalancer(_) => (Resource, "aws_lb"),
        Props::TargetGroup(_) => (Resource, "aws_lb_target_group"),
        Props::Listener(_) => (Resource, "aws_lb_listener"),
        Props::VpcLink(_) => (Resource, "aws_api_gateway_vpc_link"),
        Props::VpcConnector(_) => (Resource, "aws_apprunner_vpc_connector"),
        Props::Role(_) | Props::LogsRole(_) => (Resource, "aws_iam_role"),
        Props::AutoScaling(_) => (Resource, "aws_apprunner_auto_scaling_configuration_version"),
        Props::Observability(_) => (Resource, "aws_apprunner_observability_configuration"),
        Props::AppRunnerService(_) => (Resource, "aws_apprunner_service"),
        Props::IngressConnection(_) => (Resource, "aws_apprunner_vpc_ingress_connection"),
        Props::ApiAccount(_) => (Resource, "aws_api_gateway_account"),
        Props::RestApi(_) => (Resource, "aws_api_gateway_rest_api"),
        Props::ApiResource(_) => (Resource, "aws_api_gateway_resource"),
        Props::Method(_) => (Resource, "aws_api_gateway_method"),
        Props::Deployment(_) => (Resource, "aws_api_gateway_deployment"),
        Props::LogGroup(_) => (Resource, "aws_cloudwatch_log_group"),
        Props::Stage(_) => (Resource, "aws_api_gateway_stage"),
        Props::ApiKey(_) => (Resource, "aws_api_gateway_api_key"),
        Props::UsagePlan(_) => (Resource, "aws_api_gateway_usage_plan"),
        Props::UsagePlanKey(_) => (Resource, "aws_api_gateway_usage_plan_key"),
    }
}

/// `<owner>_<member>`. Names are made by the thousand (five rules per ECS service), so each
/// is its parts' `join("_")` (one allocation): `format!` made them a fifth of the Terraform
/// build's serial start at 1,000 ECS services (callgrind).
fn member(owner: &str, name: &str) -> String {
    [owner, name].join("_")
}

/// A subnet's name: `<network>_<index>` for a private subnet (the names that predate public
/// ones), `<network>_public_<index>` for a public one.
fn subnet_name(owner: &str, s: &Subnet) -> String {
    let mut digits = itoa::Buffer::new();
    let index = digits.format(s.index);
    if s.public {
        [owner, "public", index].join("_")
    } else {
        member(owner, index)
    }
}

/// A route table's name: `<network>_public`, `<network>_private_<zone>`.
fn table_name(owner: &str, t: &RouteTable) -> String {
    match t.table_use {
        TableUse::Public => member(owner, "public"),
        TableUse::Private(n) => [owner, "private", itoa::Buffer::new().format(n)].join("_"),
    }
}

/// The name of each resource's main block, in graph order.
fn main_names(g: &Graph) -> Result<Vec<String>, Internal> {
    // Rules repeat a shape within a group: the first keeps it, the next get `_2`, `_3`...
    // Kept across the whole file: an ECS service's rules live on the network's groups.
    // Only asked, never iterated, so its order cannot reach the output.
    let mut rule_names: crate::hash::Set<String> = crate::hash::Set::default();
    let mut out = Vec::with_capacity(g.resources.len());
    for (_, r) in g.iter() {
        let decl = g.decl(r.decl)?;
        let owner = decl.names.snake.as_str();
        let group_name = |group: Id| -> Result<String, Internal> {
            match &g.resource(group)?.props {
                Props::SecurityGroup(sg) => {
                    Ok(member(&g.owner(group)?.names.snake, sg.role.snake()))
                }
                other => Err(Internal(format!(
                    "a security group rule names a {}",
                    other.kind_name()
                ))),
            }
        };
        out.push(match &r.props {
            Props::RegionZones(_) => AZS.to_string(),
            Props::ServiceZones(z) => names::snake(&z.service),
            Props::Subnet(s) => subnet_name(owner, s),
            Props::SecurityGroup(sg) => member(owner, sg.role.snake()),
            Props::SgRule(rule) => {
                let dir = match rule.direction {
                    Direction::Ingress => "from",
                    Direction::Egress => "to",
                };
                // A service's tasks group by its full name: every ECS service has one.
                let tasks;
                let peer = match &rule.peer {
                    Peer::Group(p) => match g.get(*p)?.role {
                        GroupRole::Tasks => {
                            tasks = group_name(p.id)?;
                            tasks.as_str()
                        }
                        role => role.snake(),
                    },
                    Peer::Cidr(_) => "cidr",
                };
                let base = [&group_name(rule.group.id)?, dir, peer].join("_");
                let mut name = base.clone();
                let mut k = 2u32;
                while rule_names.contains(&name) {
                    name = [&base, itoa::Buffer::new().format(k)].join("_");
                    k += 1;
                }
                rule_names.insert(name.clone());
                name
            }
            Props::VpcEndpoint(e) => match e.member() {
                Some((_, snake)) => member(owner, &snake),
                None => owner.to_string(),
            },
            Props::EndpointEnis(e) => {
                // Named after the endpoint it reads.
                member(&g.owner(e.endpoint.id)?.names.snake, "endpoint")
            }
            Props::RouteTable(t) => table_name(owner, t),
            // A table has one route (to the internet or to its zone's NAT gateway).
            Props::Route(route) => {
                table_name(&g.owner(route.table.id)?.names.snake, g.get(route.table)?)
            }
            // A subnet has one association.
            Props::RouteTableAssociation(a) => {
                subnet_name(&g.owner(a.subnet.id)?.names.snake, g.get(a.subnet)?)
            }
            Props::ElasticIp(ip) => member(owner, itoa::Buffer::new().format(ip.index)),
            Props::NatGateway(nat) => member(owner, itoa::Buffer::new().format(nat.index)),
            Props::Role(role) => member(owner, role.role_use.snake()),
            Props::LogsRole(_) => LOGS_ROLE.to_string(),
            Props::ApiAccount(_) => LOGS_ACCOUNT.to_string(),
            Props::ApiResource(res) => member(owner, &res.snake),
            Props::Method(m) => member(owner, &m.snake),
            // An api's access log is named after the api; a service's log apart from it.
            Props::LogGroup(_) if decl.kind == DeclKind::Service => member(owner, "logs"),
            Props::Vpc(_)
            | Props::InternetGateway(_)
            | Props::LoadBalancer(_)
            | Props::TargetGroup(_)
            | Props::Listener(_)
            | Props::VpcLink(_)
            | Props::VpcConnector(_)
            | Props::AutoScaling(_)
            | Props::Observability(_)
            | Props::AppRunnerService(_)
            | Props::IngressConnection(_)
            | Props::Cluster(_)
            | Props::TaskDefinition(_)
            | Props::EcsService(_)
            | Props::ScalableTarget(_)
            | Props::ScalingPolicy(_)
            | Props::RestApi(_)
            | Props::Deployment(_)
            | Props::LogGroup(_)
            | Props::Stage(_)
            | Props::ApiKey(_)
            | Props::UsagePlan(_)
            | Props::UsagePlanKey(_) => owner.to_string(),
        });
    }
    Ok(out)
}

/// The blocks a resource is written as besides its main one, each under its name.
fn companions(props: &Props) -> &'static [(Block, &'static str)] {
    match props {
        Props::Role(_) => &[
            (Block::Data, "aws_iam_policy_document"),
            (Block::Resource, "aws_iam_role_policy"),
        ],
        Props::LogsRole(_) => &[(Block::Resource, "aws_iam_role_policy_attachment")],
        Props::TargetGroup(tg) if matches!(tg.targets, Targets::EndpointEnis(_)) => {
            &[(Block::Resource, "aws_lb_target_group_attachment")]
        }
        Props::Method(_) => &[(Block::Resource, "aws_api_gateway_integration")],
        Props::Stage(s) if s.throttle.is_some() => {
            &[(Block::Resource, "aws_api_gateway_method_settings")]
        }
        _ => &[],
    }
}

/// Every top-level block the file will hold, as `<block>.<type>.<name>` (`resource.aws_vpc.core`),
/// with what it is written for: what the check compares to find two blocks with one address.
pub fn addresses(g: &Graph) -> Result<Ids, Internal> {
    let names = main_names(g)?;
    let mut out: Vec<(String, Origin)> = g
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("variable.{}", p.name), Origin::Param(i)))
        .collect();
    let mut push = |block: Block, ty: &str, name: &str, id: Option<Id>| {
        let origin = id.map_or(Origin::Backend("the file"), Origin::Resource);
        // Built by hand: a `format!` per block was a third of the check at 1,000 services.
        let keyword = block.keyword();
        let mut address = String::with_capacity(keyword.len() + ty.len() + name.len() + 2);
        address.push_str(keyword);
        address.push('.');
        address.push_str(ty);
        address.push('.');
        address.push_str(name);
        out.push((address, origin));
    };
    let mut partition = false;
    for (id, r) in g.iter() {
        let name = names
            .get(id.index())
            .ok_or_else(|| Internal(format!("resource #{} has no name", id.0)))?;
        let (block, ty) = main_block(&r.props);
        if matches!(r.props, Props::Role(_) | Props::LogsRole(_)) {
            let assume = format!("{name}_assume");
            push(Block::Data, "aws_iam_policy_document", &assume, Some(id));
        }
        push(block, ty, name, Some(id));
        if matches!(r.props, Props::LogsRole(_)) && !partition {
            push(Block::Data, "aws_partition", PARTITION, Some(id));
            partition = true;
        }
        for (block, ty) in companions(&r.props) {
            push(*block, ty, name, Some(id));
        }
    }
    for (i, o) in g.outputs.iter().enumerate() {
        out.push((format!("output.{}", o.snake), Origin::Output(i)));
    }
    Ok(out)
}
