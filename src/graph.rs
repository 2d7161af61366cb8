//! `aprc graph`: the resource graph every backend spells, as Graphviz dot or Mermaid. A node
//! per resource, in graph order; an edge from a resource to each resource it needs
//! ([`Resource::dependencies`]), so what the picture shows is what the backends order by.
//! The two formats only spell the same nodes and edges.

use crate::ir::{Direction, Graph, Id, Internal, Props, Resource, RoleUse, TableUse};

/// The node of resource `id`: `<kind>:<declaration>[:<which>]` (`nlb:core`,
/// `method:public:AnyProxy`). Unique within a graph that validates: one declaration has at
/// most one resource of each kind, save the kinds numbered or named here.
fn node(g: &Graph, id: Id) -> Result<String, Internal> {
    let r = g.resource(id)?;
    let owner = &g.decl(r.decl)?.names.spec;
    Ok(match &r.props {
        Props::RegionZones(_) => format!("zones:{owner}"),
        Props::ServiceZones(_) => format!("service-zones:{owner}"),
        Props::Vpc(_) => format!("vpc:{owner}"),
        Props::Subnet(s) if s.public => format!("public-subnet:{owner}:{}", s.index),
        Props::Subnet(s) => format!("subnet:{owner}:{}", s.index),
        Props::SecurityGroup(sg) => format!("sg:{owner}:{}", sg.role.snake()),
        Props::SgRule(rule) => {
            let Props::SecurityGroup(sg) = &g.resource(rule.group.id)?.props else {
                return Err(Internal(format!(
                    "rule #{} belongs to no security group",
                    id.0
                )));
            };
            let direction = match rule.direction {
                Direction::Ingress => "ingress",
                Direction::Egress => "egress",
            };
            format!(
                "sg-rule:{owner}:{}:{direction}:{}",
                sg.role.snake(),
                rule.ordinal
            )
        }
        Props::VpcEndpoint(e) => match e.member() {
            Some((_, snake)) => format!("endpoint:{owner}:{snake}"),
            None => format!("endpoint:{owner}"),
        },
        Props::EndpointEnis(_) => format!("eni-ips:{owner}"),
        Props::LoadBalancer(_) => format!("nlb:{owner}"),
        Props::TargetGroup(_) => format!("tg:{owner}"),
        Props::Listener(_) => format!("listener:{owner}"),
        Props::VpcLink(_) => format!("vpclink:{owner}"),
        Props::VpcConnector(_) => format!("connector:{owner}"),
        Props::Role(role) => match role.role_use {
            RoleUse::Access => format!("access-role:{owner}"),
            RoleUse::Instance => format!("instance-role:{owner}"),
            RoleUse::Execution => format!("execution-role:{owner}"),
            RoleUse::Task => format!("task-role:{owner}"),
        },
        Props::AutoScaling(_) => format!("autoscaling:{owner}"),
        Props::Observability(_) => format!("observability:{owner}"),
        Props::AppRunnerService(_) => format!("service:{owner}"),
        Props::IngressConnection(_) => format!("ingress:{owner}"),
        Props::LogsRole(_) => format!("logs-role:{owner}"),
        Props::ApiAccount(_) => format!("api-account:{owner}"),
        Props::RestApi(_) => format!("api:{owner}"),
        Props::ApiResource(res) => format!("resource:{owner}:{}", res.pascal),
        Props::Method(m) => format!("method:{owner}:{}", m.pascal),
        Props::Deployment(_) => format!("deployment:{owner}"),
        Props::LogGroup(_) => format!("logs:{owner}"),
        Props::Stage(_) => format!("stage:{owner}"),
        Props::ApiKey(_) => format!("apikey:{owner}"),
        Props::UsagePlan(_) => format!("usageplan:{owner}"),
        Props::UsagePlanKey(_) => format!("usageplan-key:{owner}"),
        Props::InternetGateway(_) => format!("igw:{owner}"),
        Props::RouteTable(t) => match t.table_use {
            TableUse::Public => format!("route-table:{owner}:public"),
            TableUse::Private(n) => format!("route-table:{owner}:private:{n}"),
        },
        Props::Route(route) => {
            let Props::RouteTable(t) = &g.resource(route.table.id)?.props else {
                return Err(Internal(format!("route #{} is in no route table", id.0)));
            };
            match t.table_use {
                TableUse::Public => format!("route:{owner}:public"),
                TableUse::Private(n) => format!("route:{owner}:private:{n}"),
            }
        }
        Props::RouteTableAssociation(a) => {
            let Props::Subnet(s) = &g.resource(a.subnet.id)?.props else {
                return Err(Internal(format!("association #{} has no subnet", id.0)));
            };
            let tier = if s.public { "public" } else { "private" };
            format!("route-assoc:{owner}:{tier}:{}", s.index)
        }
        Props::ElasticIp(e) => format!("eip:{owner}:{}", e.index),
        Props::NatGateway(n) => format!("nat:{owner}:{}", n.index),
        Props::Cluster(_) => format!("cluster:{owner}"),
        Props::TaskDefinition(_) => format!("taskdef:{owner}"),
        Props::EcsService(_) => format!("ecs-service:{owner}"),
        Props::ScalableTarget(_) => format!("scalable-target:{owner}"),
        Props::ScalingPolicy(_) => format!("scaling-policy:{owner}"),
    })
}

/// What a reader needs to recognise the resource: its kind and its name or key facts.
pub(crate) fn label_of(r: &Resource) -> String {
    match &r.props {
        Props::RegionZones(z) => format!("availability zones ({})", z.count),
        Props::ServiceZones(z) => format!("zones offering {} ({})", z.service, z.count),
        Props::Vpc(v) => format!("VPC {}", v.cidr),
        Props::Subnet(s) => format!("subnet {}", s.cidr),
        Props::SecurityGroup(sg) => format!("security group {}", sg.physical),
        Props::SgRule(rule) => format!(
            "{} rule: {}",
            match rule.direction {
                Direction::Ingress => "ingress",
                Direction::Egress => "egress",
            },
            rule.description
        ),
        Props::VpcEndpoint(e) => format!("endpoint {} ({})", e.service, e.endpoint_type),
        Props::EndpointEnis(e) => format!("ENI IP lookup ({})", e.count),
        Props::LoadBalancer(lb) => format!("NLB {} ({})", lb.physical, lb.scheme()),
        Props::TargetGroup(tg) => format!(
            "target group {} ({}, {} {})",
            tg.physical, tg.target_type, tg.protocol, tg.port
        ),
        Props::Listener(l) => format!("listener {} {}", l.protocol, l.port),
        Props::VpcLink(l) => format!("VPC link {}", l.physical),
        Props::VpcConnector(c) => format!("VPC connector {}", c.physical),
        Props::Role(role) => format!("IAM role {}", role.physical),
        Props::AutoScaling(a) => {
            format!("auto scaling {}-{} x{}", a.min, a.max, a.concurrency)
        }
        Props::Observability(o) => format!("observability {} ({})", o.physical, o.vendor),
        Props::AppRunnerService(s) => format!(
            "App Runner {} ({}, {}, {})",
            s.physical,
            if s.private { "private" } else { "public" },
            s.cpu,
            s.memory
        ),
        Props::IngressConnection(c) => format!("ingress connection {}", c.physical),
        Props::LogsRole(role) => format!("IAM role {} (account)", role.physical),
        Props::ApiAccount(_) => "API Gateway account logging".to_string(),
        Props::RestApi(api) => format!("REST API {}", api.physical),
        Props::ApiResource(res) => format!("resource {}", res.path),
        Props::Method(m) => format!("{} {}", m.http_method, m.path),
        Props::Deployment(d) => {
            format!("deployment {}", d.identity.get(..8).unwrap_or(&d.identity))
        }
        Props::LogGroup(l) => format!("log group {}", l.name),
        Props::Stage(s) => format!("stage {}", s.name),
        Props::ApiKey(k) => format!("api key {}", k.name),
        Props::UsagePlan(p) => format!("usage plan {}", p.name),
        Props::UsagePlanKey(_) => "usage plan key".to_string(),
        Props::InternetGateway(_) => "internet gateway".to_string(),
        Props::RouteTable(t) => match t.table_use {
            TableUse::Public => "public route table".to_string(),
            TableUse::Private(n) => format!("private route table {n}"),
        },
        Props::Route(r) => format!("route {}", r.destination),
        Props::RouteTableAssociation(_) => "route table association".to_string(),
        Props::ElasticIp(e) => format!("Elastic IP {}", e.index),
        Props::NatGateway(n) => format!("NAT gateway {}", n.index),
        Props::Cluster(c) => format!("ECS cluster {}", c.physical),
        Props::TaskDefinition(t) => {
            format!(
                "task definition {} ({} CPU, {} MiB)",
                t.family, t.cpu, t.memory
            )
        }
        Props::EcsService(s) => format!("ECS service {}", s.physical),
        Props::ScalableTarget(t) => format!("scalable target {}-{}", t.min, t.max),
        Props::ScalingPolicy(p) => format!("scaling policy {} ({}%)", p.physical, p.target_value),
    }
}

/// Nodes (id, label) in graph order and edges (from, to), from a resource to what it needs.
type Drawing = (Vec<(String, String)>, Vec<(String, String)>);

fn draw(g: &Graph) -> Result<Drawing, Internal> {
    let ids: Vec<String> = g
        .iter()
        .map(|(id, _)| node(g, id))
        .collect::<Result<_, _>>()?;
    let mut nodes = Vec::with_capacity(ids.len());
    let mut edges = Vec::new();
    for ((_, r), id) in g.iter().zip(&ids) {
        nodes.push((id.clone(), label_of(r)));
        for needed in r.dependencies() {
            let to = ids
                .get(needed.index())
                .ok_or_else(|| Internal(format!("resource #{} is not in the graph", needed.0)))?;
            edges.push((id.clone(), to.clone()));
        }
    }
    Ok((nodes, edges))
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz dot; edges point from a resource to what it needs.
pub fn dot(g: &Graph) -> Result<String, Internal> {
    let (nodes, edges) = draw(g)?;
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box];\n",
        quote(&g.app.name)
    );
    for (id, label) in &nodes {
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\"];\n",
            quote(id),
            quote(label)
        ));
    }
    for (from, to) in &edges {
        out.push_str(&format!("  \"{}\" -> \"{}\";\n", quote(from), quote(to)));
    }
    out.push_str("}\n");
    Ok(out)
}

/// Mermaid flowchart; ids are made safe, labels quoted.
pub fn mermaid(g: &Graph) -> Result<String, Internal> {
    let (nodes, edges) = draw(g)?;
    let id = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
    };
    let mut out = String::from("flowchart LR\n");
    for (node, label) in &nodes {
        out.push_str(&format!(
            "  {}[\"{}\"]\n",
            id(node),
            label.replace('"', "#quot;")
        ));
    }
    for (from, to) in &edges {
        out.push_str(&format!("  {} --> {}\n", id(from), id(to)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn graphs() -> Vec<Graph> {
        let mut out = vec![crate::testing::seed_graph()];
        for text in [
            include_str!("../tests/plan/kitchen_sink.apr"),
            include_str!("../examples/shop.apr"),
        ] {
            let mut sources = crate::source::Sources::new();
            sources.add("main.apr", text.to_string());
            let mut diags = crate::diag::Diagnostics::new();
            let g = crate::driver::check(&sources, &mut diags);
            out.push(g.unwrap_or_else(|| panic!("{:?}", diags.sorted())));
        }
        out
    }

    #[test]
    fn every_resource_is_one_node_and_every_dependency_an_edge() {
        for g in graphs() {
            let (nodes, edges) = draw(&g).unwrap();
            assert_eq!(nodes.len(), g.resources.len());
            let ids: BTreeSet<&str> = nodes.iter().map(|(id, _)| id.as_str()).collect();
            assert_eq!(ids.len(), nodes.len(), "node ids repeat in {}", g.app.name);
            // Mermaid's ids too, once made safe.
            let safe: BTreeSet<String> = ids
                .iter()
                .map(|s| s.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
                .collect();
            assert_eq!(safe.len(), ids.len());
            let deps: usize = g.resources.iter().map(|r| r.dependencies().len()).sum();
            assert_eq!(edges.len(), deps);
            for (from, to) in &edges {
                assert!(ids.contains(from.as_str()) && ids.contains(to.as_str()));
            }
        }
    }

    #[test]
    fn the_private_chain_is_drawn() {
        let g = crate::testing::seed_graph();
        let dot = dot(&g).unwrap();
        for needle in [
            "\"nlb:core\" -> \"sg:core:nlb\"",
            "\"listener:core\" -> \"tg:core\"",
            "\"tg:core\" -> \"eni-ips:core\"",
            "\"eni-ips:core\" -> \"endpoint:core\"",
            "\"vpclink:core\" -> \"nlb:core\"",
            "\"ingress:orders\" -> \"endpoint:core\"",
            "\"method:public:AnyProxy\" -> \"vpclink:core\"",
            "\"method:public:AnyProxy\" -> \"ingress:orders\"",
        ] {
            assert!(dot.contains(needle), "missing {needle} in\n{dot}");
        }
        let mermaid = mermaid(&g).unwrap();
        assert!(
            mermaid.contains("  ingress_orders --> endpoint_core\n"),
            "{mermaid}"
        );
    }
}
