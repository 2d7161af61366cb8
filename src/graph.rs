//! `aprc graph`: the IR's resources and how they are wired, as Graphviz dot or Mermaid.
//! One walk of the IR builds nodes and edges; the two formats only spell them.

use crate::ir::{Connection, Ir, Vpc};

struct Graph {
    nodes: Vec<(String, String)>,
    edges: Vec<(String, String)>,
}

impl Graph {
    fn node(&mut self, id: String, label: String) -> String {
        self.nodes.push((id.clone(), label));
        id
    }

    fn edge(&mut self, from: &str, to: &str) {
        self.edges.push((from.to_string(), to.to_string()));
    }
}

fn build(ir: &Ir) -> Graph {
    let mut g = Graph {
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    for n in &ir.networks {
        let name = &n.names.spec;
        let (vpc_label, subnets) = match &n.vpc {
            Vpc::Create { cidr, subnets, .. } => (
                format!("VPC {name} ({cidr})"),
                subnets
                    .iter()
                    .map(|s| format!("subnet {}", s.cidr))
                    .collect::<Vec<_>>(),
            ),
            Vpc::Existing { vpc_id, subnet_ids } => (
                format!("VPC {name} ({vpc_id})"),
                subnet_ids.iter().map(|s| format!("subnet {s}")).collect(),
            ),
        };
        let vpc = g.node(format!("vpc:{name}"), vpc_label);
        let subnet_ids: Vec<String> = subnets
            .into_iter()
            .enumerate()
            .map(|(i, label)| {
                let id = g.node(format!("subnet:{name}:{i}"), label);
                g.edge(&id, &vpc);
                id
            })
            .collect();
        for sg in &n.security_groups {
            let id = g.node(
                format!("sg:{name}:{}", sg.kind.snake()),
                format!("security group {}", sg.physical),
            );
            g.edge(&id, &vpc);
        }
        if let Some(endpoint) = &n.endpoint {
            let id = g.node(
                format!("endpoint:{name}"),
                format!(
                    "endpoint {} ({} ENIs)",
                    endpoint.service_suffix, endpoint.eni_count
                ),
            );
            for s in &subnet_ids {
                g.edge(&id, s);
            }
            g.edge(&id, &format!("sg:{name}:endpoint"));
            let lookup = g.node(format!("eni-ips:{name}"), "ENI IP lookup".to_string());
            g.edge(&lookup, &id);
        }
        if let Some(link) = &n.link {
            let nlb = g.node(
                format!("nlb:{name}"),
                format!("NLB {} (internal, TCP {})", link.nlb_name, link.port),
            );
            for s in &subnet_ids {
                g.edge(&nlb, s);
            }
            g.edge(&nlb, &format!("sg:{name}:nlb"));
            let tg = g.node(
                format!("tg:{name}"),
                format!(
                    "target group {} (ip, TCP {})",
                    link.target_group_name, link.port
                ),
            );
            g.edge(&tg, &format!("eni-ips:{name}"));
            let listener = g.node(
                format!("listener:{name}"),
                format!("listener TCP {}", link.port),
            );
            g.edge(&listener, &nlb);
            g.edge(&listener, &tg);
            let vpc_link = g.node(
                format!("vpclink:{name}"),
                format!("VPC link {}", link.vpc_link_name),
            );
            g.edge(&vpc_link, &nlb);
        }
        if let Some(connector) = &n.connector {
            let id = g.node(
                format!("connector:{name}"),
                format!("VPC connector {}", connector.physical),
            );
            for s in &subnet_ids {
                g.edge(&id, s);
            }
            g.edge(&id, &format!("sg:{name}:connector"));
        }
    }
    for s in &ir.services {
        let name = &s.names.spec;
        let visibility = if s.private { "private" } else { "public" };
        let service = g.node(
            format!("service:{name}"),
            format!(
                "App Runner {} ({visibility}, {}, {})",
                s.names.physical, s.cpu, s.memory
            ),
        );
        for (role, kind) in [
            (&s.access_role, "access-role"),
            (&s.instance_role, "instance-role"),
        ] {
            if let Some(role) = role {
                let id = g.node(
                    format!("{kind}:{name}"),
                    format!("IAM role {}", role.physical),
                );
                g.edge(&service, &id);
            }
        }
        if let Some(a) = &s.autoscaling {
            let id = g.node(
                format!("autoscaling:{name}"),
                format!("auto scaling {}-{} x{}", a.min, a.max, a.concurrency),
            );
            g.edge(&service, &id);
        }
        if s.observability.is_some() {
            let id = g.node(format!("observability:{name}"), "X-Ray tracing".to_string());
            g.edge(&service, &id);
        }
        if let (true, Some(network)) = (s.vpc_egress, &s.network) {
            g.edge(&service, &format!("connector:{network}"));
        }
        if let Some(ingress) = &s.ingress_connection {
            let id = g.node(
                format!("ingress:{name}"),
                format!("ingress connection {}", ingress.physical),
            );
            g.edge(&id, &service);
            g.edge(&id, &format!("endpoint:{}", ingress.network));
        }
    }
    for a in &ir.apis {
        let name = &a.names.spec;
        let api = g.node(
            format!("api:{name}"),
            format!("REST API {}", a.names.physical),
        );
        let deployment = g.node(
            format!("deployment:{name}"),
            format!(
                "deployment {}",
                &a.deployment_hash[..a.deployment_hash.len().min(8)]
            ),
        );
        for m in &a.methods {
            let id = g.node(
                format!("method:{name}:{}", m.pascal),
                format!("{} {}", m.http_method, m.path),
            );
            g.edge(&id, &api);
            match &m.integration.connection {
                Connection::VpcLink { network } => {
                    g.edge(&id, &format!("vpclink:{network}"));
                    g.edge(&id, &format!("ingress:{}", m.integration.service));
                }
                Connection::Internet => g.edge(&id, &format!("service:{}", m.integration.service)),
            }
            g.edge(&deployment, &id);
        }
        let stage = g.node(format!("stage:{name}"), format!("stage {}", a.stage));
        g.edge(&stage, &deployment);
        if let Some(log) = &a.access_log {
            let id = g.node(
                format!("logs:{name}"),
                format!("log group {}", log.log_group_name),
            );
            g.edge(&stage, &id);
        }
        if let Some(key) = &a.api_key {
            let plan = g.node(
                format!("usageplan:{name}"),
                format!("usage plan {}", key.usage_plan_name),
            );
            g.edge(&plan, &stage);
            let id = g.node(
                format!("apikey:{name}"),
                format!("api key {}", key.key_name),
            );
            g.edge(&id, &plan);
        }
    }
    g
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz dot; edges point from a resource to what it needs.
pub fn dot(ir: &Ir) -> String {
    let g = build(ir);
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box];\n",
        quote(&ir.app.name)
    );
    for (id, label) in &g.nodes {
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\"];\n",
            quote(id),
            quote(label)
        ));
    }
    for (from, to) in &g.edges {
        out.push_str(&format!("  \"{}\" -> \"{}\";\n", quote(from), quote(to)));
    }
    out.push_str("}\n");
    out
}

/// Mermaid flowchart; ids are made safe, labels quoted.
pub fn mermaid(ir: &Ir) -> String {
    let g = build(ir);
    let id = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
    };
    let mut out = String::from("flowchart LR\n");
    for (node, label) in &g.nodes {
        out.push_str(&format!(
            "  {}[\"{}\"]\n",
            id(node),
            label.replace('"', "#quot;")
        ));
    }
    for (from, to) in &g.edges {
        out.push_str(&format!("  {} --> {}\n", id(from), id(to)));
    }
    out
}
