//! Lowering on hand-built specs, so these facts hold whatever the checker does.

use super::lower;
use crate::ir::{self, Connection, Direction, Graph, Host, Peer, Props, ZoneRef};
use crate::model::*;
use crate::syntax::ast::SegmentKind;
use crate::testing::seed_spec;
use crate::text::Text;
use std::collections::BTreeMap;

fn graph(spec: &Spec) -> Graph {
    lower(spec, &BTreeMap::new())
}

fn one<T: ir::Kind>(g: &Graph) -> &T {
    let mut all = g.all::<T>();
    let (_, first) = all.next().unwrap_or_else(|| panic!("no {}", T::NAME));
    assert!(all.next().is_none(), "more than one {}", T::NAME);
    first
}

#[test]
fn seed_has_the_whole_private_chain() {
    let g = graph(&seed_spec());
    let vpc = one::<ir::Vpc>(&g);
    assert_eq!(vpc.cidr, "10.0.0.0/16");
    // The endpoint's network is placed where the endpoint service is offered.
    let zones = one::<ir::ServiceZones>(&g);
    assert_eq!(
        (zones.service.as_str(), zones.count),
        ("apprunner.requests", 2)
    );
    assert_eq!(g.all::<ir::RegionZones>().count(), 0);
    let subnets: Vec<&ir::Subnet> = g.all::<ir::Subnet>().map(|(_, s)| s).collect();
    assert_eq!(
        subnets.iter().map(|s| s.cidr.as_str()).collect::<Vec<_>>(),
        ["10.0.0.0/24", "10.0.1.0/24"]
    );
    for (i, s) in subnets.iter().enumerate() {
        assert!(matches!(s.zone, ZoneRef::Service(_, n) if n == i));
    }
    let endpoint = one::<ir::VpcEndpoint>(&g);
    assert_eq!(endpoint.service, "apprunner.requests");
    assert!(!endpoint.private_dns);
    assert_eq!(one::<ir::EndpointEnis>(&g).count, 2);
    // Each fact once: cross-zone on, PrivateLink inbound enforcement off, internal.
    let lb = one::<ir::LoadBalancer>(&g);
    assert!(lb.internal && lb.cross_zone && !lb.enforce_inbound_on_private_link);
    let tg = one::<ir::TargetGroup>(&g);
    assert_eq!((tg.port, tg.target_type, tg.protocol), (443, "ip", "TCP"));
    // `<app>-<network>-` and six hex digits that change with a replacement.
    for name in [&lb.physical, &tg.physical] {
        let suffix = name.strip_prefix("seed-core-").expect("stem");
        assert_eq!(suffix.len(), 6, "{name}");
        assert!(suffix.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    }
    assert_ne!(lb.physical, tg.physical);
    assert_eq!(g.all::<ir::VpcConnector>().count(), 0);
    // The endpoint admits 443 only from the NLB's group; nothing from a CIDR.
    let groups: BTreeMap<ir::Id, ir::GroupRole> = g
        .all::<ir::SecurityGroup>()
        .map(|(r, sg)| (r.id, sg.role))
        .collect();
    let rules: Vec<&ir::SgRule> = g.all::<ir::SgRule>().map(|(_, r)| r).collect();
    assert!(rules
        .iter()
        .any(|r| groups[&r.group.id] == ir::GroupRole::Endpoint
            && r.direction == Direction::Ingress
            && matches!(r.peer, Peer::Group(p) if groups[&p.id] == ir::GroupRole::Nlb)
            && r.ports == Some((443, 443))));
    assert!(!rules
        .iter()
        .any(|r| r.direction == Direction::Ingress && matches!(r.peer, Peer::Cidr(_))));

    let svc = one::<ir::AppRunnerService>(&g);
    assert!(svc.private);
    assert_eq!((svc.cpu.as_str(), svc.memory.as_str()), ("1 vCPU", "2 GB"));
    assert_eq!(svc.repository_type, ir::RepositoryType::Ecr);
    let role = g
        .get(svc.access_role.expect("private ECR needs an access role"))
        .unwrap();
    assert!(role.statements.iter().any(|s| s.resources
        == [Text::lit(
            "arn:aws:ecr:eu-west-1:123456789012:repository/orders"
        )]));
    assert!(svc.instance_role.is_none());
    let ingress = one::<ir::IngressConnection>(&g);
    assert_eq!(g.owner(ingress.service.id).unwrap().names.spec, "orders");

    let resources: Vec<&ir::ApiResource> = g.all::<ir::ApiResource>().map(|(_, r)| r).collect();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].path_part, "{proxy+}");
    let m = one::<ir::Method>(&g);
    assert_eq!(m.http_method, "ANY");
    assert_eq!(m.request_parameters, ["method.request.path.proxy"]);
    assert_eq!(m.integration.target_path, "/{proxy}");
    assert_eq!(
        m.integration.request_parameters,
        [(
            "integration.request.path.proxy".to_string(),
            "method.request.path.proxy".to_string()
        )]
    );
    let Connection::VpcLink(link) = m.integration.connection else {
        panic!("a private target is reached over the VPC link");
    };
    assert_eq!(g.get(link).unwrap().physical, "seed-core");
    assert!(matches!(m.integration.host, Host::IngressDomain(_)));
    assert_eq!(g.all::<ir::ApiKey>().count(), 1);
    assert_eq!(one::<ir::Deployment>(&g).identity.len(), 64);
    let outputs: Vec<&str> = g.outputs.iter().map(|o| o.pascal.as_str()).collect();
    assert_eq!(
        outputs,
        [
            "OrdersIngressDomain",
            "OrdersServiceArn",
            "PublicApiKeyId",
            "PublicInvokeUrl"
        ]
    );
    assert_eq!(g.app.tags.get("app"), Some(&Text::lit("seed")));
}

#[test]
fn every_reference_points_back_in_the_graph() {
    for spec in [seed_spec(), {
        let mut spec = seed_spec();
        spec.services[0].egress = Egress::Vpc;
        spec.services[0].tracing = true;
        spec
    }] {
        let g = graph(&spec);
        for (id, r) in g.iter() {
            for needed in r.dependencies() {
                assert!(needed < id, "#{} needs #{} added after it", id.0, needed.0);
            }
            assert!(g.decl(r.decl).is_ok());
        }
    }
}

#[test]
fn baked_params_disappear() {
    let baked = BTreeMap::from([("image_tag".to_string(), "2.0".to_string())]);
    let g = lower(&seed_spec(), &baked);
    assert!(g.params.is_empty());
    assert_eq!(
        one::<ir::AppRunnerService>(&g)
            .image
            .as_literal()
            .as_deref(),
        Some("123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:2.0")
    );
}

#[test]
fn public_targets_integrate_over_the_internet_and_need_no_link() {
    let mut spec = seed_spec();
    spec.services[0].ingress = Ingress::Public;
    let g = graph(&spec);
    assert_eq!(g.all::<ir::VpcEndpoint>().count(), 0);
    assert_eq!(g.all::<ir::LoadBalancer>().count(), 0);
    assert_eq!(g.all::<ir::VpcLink>().count(), 0);
    assert_eq!(g.all::<ir::IngressConnection>().count(), 0);
    let m = one::<ir::Method>(&g);
    assert_eq!(m.integration.connection, Connection::Internet);
    assert!(matches!(m.integration.host, Host::ServiceUrl(_)));
}

#[test]
fn vpc_egress_gets_a_connector_scoped_to_the_vpc() {
    let mut spec = seed_spec();
    spec.services[0].egress = Egress::Vpc;
    let g = graph(&spec);
    let (connector, _) = g.all::<ir::VpcConnector>().next().expect("connector");
    assert_eq!(
        one::<ir::AppRunnerService>(&g).egress,
        ir::Egress::Vpc(connector)
    );
    let connector_group = g
        .all::<ir::SecurityGroup>()
        .find(|(_, sg)| sg.role == ir::GroupRole::Connector)
        .expect("connector group")
        .0;
    assert!(g
        .all::<ir::SgRule>()
        .any(|(_, r)| r.group == connector_group
            && r.direction == Direction::Egress
            && r.peer == Peer::Cidr("10.0.0.0/16".into())));
}

#[test]
fn secrets_and_tracing_get_an_exact_instance_role() {
    let mut spec = seed_spec();
    spec.services[0].tracing = true;
    spec.services[0].secrets.insert(
        "DB".into(),
        Text::lit("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
    );
    spec.services[0].secrets.insert(
        "FLAGS".into(),
        Text::lit("arn:aws:ssm:eu-west-1:123456789012:parameter/flags"),
    );
    let g = graph(&spec);
    let svc = one::<ir::AppRunnerService>(&g);
    let role = g.get(svc.instance_role.expect("instance role")).unwrap();
    let sids: Vec<&str> = role.statements.iter().map(|s| s.sid.as_str()).collect();
    assert_eq!(sids, ["ReadSecrets", "ReadParameters", "WriteTraces"]);
    assert_eq!(role.statements[0].resources.len(), 1);
    assert_eq!(role.statements[1].resources.len(), 1);
    let observability = g.get(svc.observability.expect("tracing")).unwrap();
    assert_eq!(observability.vendor, "AWSXRAY");
}

#[test]
fn resource_tree_has_parents_first_and_unique_names() {
    let mut spec = seed_spec();
    let seg = |s: &str| SegmentKind::Literal(s.into());
    let route = |path, target_path| Route {
        method: Method::Get,
        path,
        service: "orders".into(),
        target_path,
        auth: None,
        span: crate::testing::span(),
    };
    spec.apis[0].routes = vec![
        route(
            vec![seg("users"), SegmentKind::Var("id".into())],
            vec![seg("v1"), SegmentKind::Var("id".into())],
        ),
        route(vec![seg("users"), seg("id")], vec![seg("x")]),
        route(vec![], vec![]),
    ];
    let g = graph(&spec);
    let resources: Vec<(ir::Ref<ir::ApiResource>, &ir::ApiResource)> =
        g.all::<ir::ApiResource>().collect();
    let paths: Vec<&str> = resources.iter().map(|(_, r)| r.path.as_str()).collect();
    assert_eq!(paths, ["/users", "/users/id", "/users/{id}"]);
    assert_eq!(resources[1].1.parent, Some(resources[0].0));
    let names: Vec<&str> = resources.iter().map(|(_, r)| r.pascal.as_str()).collect();
    assert_eq!(names, ["Users", "UsersId", "UsersId2"]);
    let (_, root) = g
        .all::<ir::Method>()
        .find(|(_, m)| m.path == "/")
        .expect("root method");
    assert_eq!(
        (
            root.resource,
            root.pascal.as_str(),
            root.integration.target_path.as_str()
        ),
        (None, "GetRoot", "/")
    );
}

fn identity_lines(g: &Graph) -> Vec<String> {
    let methods: Vec<&ir::Method> = g.all::<ir::Method>().map(|(_, m)| m).collect();
    let mut lines = Vec::new();
    super::identity::deployment_lines(g, &methods, |line| {
        lines.push(String::from_utf8_lossy(line).into_owned())
    });
    lines
}

/// The identity is an explicit, versioned form (spec section 8): pinned here line by line,
/// so that a change to it is a reviewed change (it redeploys every api), and it can never
/// follow an internal struct by accident.
#[test]
fn the_deployment_identity_is_an_explicit_versioned_form() {
    let g = graph(&seed_spec());
    let nlb = &one::<ir::LoadBalancer>(&g).physical;
    let lines = identity_lines(&g);
    assert_eq!(
        lines,
        [
            r#"["aprc-deployment-identity","1"]"#.to_string(),
            format!(
                concat!(
                    r#"["method","ANY","/{{proxy+}}","authorization","NONE","api-key-required","true","#,
                    r#""integration","HTTP_PROXY","ANY","timeout-ms","29000","#,
                    r#""connection","VPC_LINK","vpc-link","seed-core","load-balancer","{nlb}","#,
                    r#""host","ingress-connection-domain","ingress-connection","seed-orders","#,
                    r#""service","seed-orders","vpc","created vpc 10.0.0.0/16","#,
                    r#""target-path","/{{proxy}}","#,
                    r#""method-request-parameters","method.request.path.proxy","#,
                    r#""integration-request-parameters","integration.request.path.proxy=method.request.path.proxy"]"#
                ),
                nlb = nlb
            ),
        ]
    );
    use sha2::{Digest, Sha256};
    let expected = crate::names::hex(&Sha256::digest(lines.join("\n").as_bytes()));
    assert_eq!(one::<ir::Deployment>(&g).identity, expected);
}

/// Every change to what the stage serves changes the deployment (spec section 8); the same
/// spec gives the same deployment.
#[test]
fn every_change_a_stage_serves_changes_the_deployment() {
    let hash = |spec: &Spec| one::<ir::Deployment>(&graph(spec)).identity.clone();
    let seed = hash(&seed_spec());
    assert_eq!(seed, hash(&seed_spec()), "stable across runs");
    let mut variants: Vec<(&str, Spec)> = Vec::new();
    for (what, auth) in [("auth none", Auth::None), ("auth iam", Auth::Iam)] {
        let mut spec = seed_spec();
        spec.apis[0].auth = auth;
        variants.push((what, spec));
    }
    let mut spec = seed_spec();
    spec.app.name = "seed2".into();
    variants.push(("app name", spec));
    let mut spec = seed_spec();
    let mut other = spec.services[0].clone();
    other.name = "other".into();
    spec.services.push(other);
    spec.apis[0].routes[0].service = "other".into();
    variants.push(("route target", spec));
    let mut spec = seed_spec();
    spec.apis[0].routes[0].target_path = vec![
        SegmentKind::Literal("v1".into()),
        SegmentKind::Greedy("proxy".into()),
    ];
    variants.push(("target path", spec));
    let mut spec = seed_spec();
    spec.networks[0].source = NetworkSource::Create {
        base: 0x0a01_0000,
        prefix: 16,
        zones: 2,
        subnet_size: 24,
    };
    variants.push(("the VPC behind the link", spec));
    let mut spec = seed_spec();
    spec.services[0].ingress = Ingress::Public;
    variants.push(("private to public target", spec));
    let mut spec = seed_spec();
    spec.apis[0].routes[0].method = Method::Post;
    variants.push(("method", spec));
    let mut all = std::collections::BTreeSet::from([seed.clone()]);
    for (what, spec) in &variants {
        let h = hash(spec);
        assert_ne!(h, seed, "{what} must redeploy");
        assert!(all.insert(h), "{what} collides with another variant");
    }
    // What a stage does not serve leaves it alone: a tag, the stage's tracing.
    let mut spec = seed_spec();
    spec.app.tags.insert("owner".into(), Text::lit("x"));
    spec.apis[0].tracing = true;
    assert_eq!(hash(&spec), seed);
}

/// Only the kinds a declaration has several of are numbered; every other kind appears at
/// most once per declaration, which the backends' ids and `aprc graph` rely on.
#[test]
fn one_resource_of_each_kind_per_declaration_save_the_numbered_ones() {
    let mut spec = seed_spec();
    spec.services[0].egress = Egress::Vpc;
    spec.services[0].tracing = true;
    let g = graph(&spec);
    let mut seen = std::collections::BTreeSet::new();
    for (_, r) in g.iter() {
        let which = match &r.props {
            Props::Subnet(s) => format!("subnet {}", s.index),
            Props::SecurityGroup(sg) => format!("group {:?}", sg.role),
            Props::SgRule(rule) => format!(
                "rule {:?} {:?} {}",
                rule.group, rule.direction, rule.ordinal
            ),
            Props::Role(role) => format!("role {:?}", role.role_use),
            Props::ApiResource(res) => format!("resource {}", res.index),
            Props::Method(m) => format!("method {}", m.index),
            other => other.kind_name().to_string(),
        };
        assert!(seen.insert((r.decl, which.clone())), "{which} twice");
    }
}

#[test]
fn a_key_exists_only_when_some_method_needs_one() {
    // The seed's api needs a key; its one route opting out leaves no method that does.
    let mut spec = seed_spec();
    spec.apis[0].routes[0].auth = Some(Auth::None);
    let g = graph(&spec);
    assert_eq!(g.all::<ir::ApiKey>().count(), 0);
    assert_eq!(g.all::<ir::UsagePlan>().count(), 0);
    // And an open api with one key route gets one.
    let mut spec = seed_spec();
    spec.apis[0].auth = Auth::None;
    spec.apis[0].routes[0].auth = Some(Auth::ApiKey);
    let g = graph(&spec);
    assert_eq!(g.all::<ir::ApiKey>().count(), 1);
    let method = one::<ir::Method>(&g);
    assert!(method.api_key_required);
}

/// The spec of an example, checked.
fn example(name: &str) -> Spec {
    let path = std::path::PathBuf::from(format!("examples/{name}.apr"));
    let sources = crate::driver::load(&[path]).expect("example loads");
    let mut diags = crate::diag::Diagnostics::default();
    let spec = crate::driver::front(&sources, &mut diags);
    assert!(!diags.has_errors(), "{name}: {diags:?}");
    spec.expect("checked")
}

#[test]
fn ecs_example_has_the_fargate_chain() {
    let g = graph(&example("ecs"));
    assert!(g.broken.is_empty(), "{:?}", g.broken);
    one::<ir::Cluster>(&g);
    let (lb, _) = g.all::<ir::LoadBalancer>().next().expect("a load balancer");
    let link = one::<ir::VpcLink>(&g);
    assert_eq!(link.target, lb);
    // Without a NAT: the endpoints Fargate needs, S3 a gateway on the private table.
    let endpoints: Vec<(&str, &str, bool)> = g
        .all::<ir::VpcEndpoint>()
        .map(|(_, e)| (e.service.as_str(), e.endpoint_type, e.private_dns))
        .collect();
    assert_eq!(
        endpoints,
        [
            ("ecr.api", "Interface", true),
            ("ecr.dkr", "Interface", true),
            ("logs", "Interface", true),
            ("s3", "Gateway", false),
            ("secretsmanager", "Interface", true),
            ("ssm", "Interface", true),
        ]
    );
    let table = one::<ir::RouteTable>(&g);
    assert_eq!(table.table_use, ir::TableUse::Private(0));
    assert_eq!(g.all::<ir::RouteTableAssociation>().count(), 2);
    assert_eq!(g.all::<ir::NatGateway>().count(), 0);
    let private: Vec<ir::SubnetRef> = g
        .all::<ir::Subnet>()
        .map(|(r, _)| ir::SubnetRef::Created(r))
        .collect();
    let mut ports = Vec::new();
    for (_, service) in g.all::<ir::EcsService>() {
        assert!(!service.assign_public_ip);
        assert_eq!(service.subnets, private);
        let listener = service
            .after
            .iter()
            .find_map(|id| {
                ir::Ref::<ir::Listener>::checked(&g, *id).map(|r| (r, g.get(r).unwrap()))
            })
            .expect("the service waits for its listener");
        assert_eq!(listener.1.load_balancer, lb);
        assert_eq!(listener.1.target_group, service.target_group);
        let tg = g.get(service.target_group).unwrap();
        assert_eq!(
            (tg.target_type, tg.targets, tg.port),
            ("ip", ir::Targets::Ecs, service.container_port)
        );
        // Every endpoint, and the subnets' use of the S3 gateway's table, are ready before
        // the tasks start.
        // Five rules: from the load balancer, the load balancer's to the tasks, the
        // endpoints' from the tasks, and two out of the tasks.
        assert_eq!(service.after.len(), 1 + 5 + 2 + endpoints.len());
        let td = g.get(service.task_definition).unwrap();
        assert_eq!((td.network_mode, td.compatibility), ("awsvpc", "FARGATE"));
        ports.push(listener.1.port);
    }
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 2, "one listener port per service");
    // orders: its health check on the target group, its grants on the task role, its
    // command split into words.
    let orders = g
        .all::<ir::TaskDefinition>()
        .find(|(_, t)| t.family == "shopecs-orders")
        .unwrap()
        .1;
    let words: Vec<String> = orders.containers[0]
        .command
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        words,
        ["bin/server", "--port", "8080", "--mode", "read write"]
    );
    assert_eq!(orders.cpu, "1024");
    let task = g.get(orders.task_role.unwrap()).unwrap();
    assert_eq!(task.role_use, ir::RoleUse::Task);
    assert_eq!(
        task.statements[0].actions,
        ["dynamodb:GetItem", "dynamodb:PutItem"]
    );
    let execution = g.get(orders.execution_role).unwrap();
    let sids: Vec<&str> = execution
        .statements
        .iter()
        .map(|s| s.sid.as_str())
        .collect();
    assert_eq!(
        sids,
        [
            "EcrAuthorizationToken",
            "PullImage",
            "WriteLogs",
            "ReadSecrets"
        ]
    );
    assert_eq!(
        execution.statements[2].log_streams,
        [orders.containers[0].log_group]
    );
    let health = g
        .all::<ir::TargetGroup>()
        .find_map(|(_, tg)| tg.health.clone())
        .expect("orders' health check");
    assert_eq!(
        (
            health.protocol,
            health.interval,
            health.timeout,
            health.healthy_threshold
        ),
        ("HTTP", Some(10), Some(5), Some(3))
    );
    // The api reaches each service over the link at its listener's port.
    for (_, m) in g.all::<ir::Method>() {
        let ir::Host::Listener {
            load_balancer,
            port,
            ..
        } = m.integration.host
        else {
            panic!("{} goes elsewhere", m.path);
        };
        assert_eq!(load_balancer, lb);
        assert!(ports.contains(&port));
        assert!(matches!(m.integration.connection, Connection::VpcLink(l) if g.get(l).is_ok()));
    }
}

#[test]
fn mixed_example_shares_the_load_balancer() {
    let g = graph(&example("mixed"));
    assert!(g.broken.is_empty(), "{:?}", g.broken);
    one::<ir::LoadBalancer>(&g);
    one::<ir::VpcLink>(&g);
    let listeners: Vec<u16> = g.all::<ir::Listener>().map(|(_, l)| l.port).collect();
    assert_eq!(listeners.len(), 2);
    assert_eq!(listeners[0], 443);
    // `nat`: public subnets after the private ones, a NAT gateway per zone.
    let subnets: Vec<(&str, bool)> = g
        .all::<ir::Subnet>()
        .map(|(_, s)| (s.cidr.as_str(), s.public))
        .collect();
    assert_eq!(
        subnets,
        [
            ("10.1.0.0/24", false),
            ("10.1.1.0/24", false),
            ("10.1.2.0/24", true),
            ("10.1.3.0/24", true)
        ]
    );
    assert_eq!(g.all::<ir::NatGateway>().count(), 2);
    assert_eq!(g.all::<ir::InternetGateway>().count(), 1);
    // No Fargate endpoints with a NAT: only App Runner's.
    let endpoint = one::<ir::VpcEndpoint>(&g);
    assert_eq!(endpoint.service, "apprunner.requests");
    // The ECS service waits for its listener, both NAT routes and the private subnets'
    // associations with their tables; tracing adds the daemon.
    let service = one::<ir::EcsService>(&g);
    // Its three rules: from the load balancer, the load balancer's to it, out through the NAT.
    assert_eq!(service.after.len(), 5 + 3);
    let td = g.get(service.task_definition).unwrap();
    let names: Vec<&str> = td.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["search", "xray"]);
    assert_eq!((td.cpu.as_str(), td.memory.as_str()), ("2048", "8192"));
}

/// Each ECS service's listener port, by service name.
fn listener_ports(g: &Graph) -> BTreeMap<String, u16> {
    g.iter()
        .filter_map(|(_, r)| match &r.props {
            Props::Listener(l) if l.port != 443 => {
                Some((g.decl(r.decl).ok()?.names.spec.clone(), l.port))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn listener_ports_stay_when_services_come_and_go() {
    let spec = example("ecs");
    let before = listener_ports(&graph(&spec));
    assert_eq!(before.len(), 2);
    // Add services before, between and after the others by name.
    let mut grown = spec.clone();
    for name in ["aardvark", "payments", "zebra"] {
        let mut s = grown.services[0].clone();
        s.name = name.to_string();
        grown.services.push(s);
    }
    grown.services.sort_by(|a, b| a.name.cmp(&b.name));
    let after = listener_ports(&graph(&grown));
    assert_eq!(after.len(), 5);
    for (name, port) in &before {
        assert_eq!(after[name], *port, "{name} moved when services were added");
    }
    let mut ports: Vec<u16> = after.values().copied().collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 5, "two services share a port: {after:?}");
    // Remove one: the others keep theirs.
    let mut shrunk = grown.clone();
    shrunk.services.retain(|s| s.name != "orders");
    let fewer = listener_ports(&graph(&shrunk));
    for (name, port) in &fewer {
        assert_eq!(after[name], *port, "{name} moved when `orders` was removed");
    }
}
