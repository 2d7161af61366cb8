//! The emitter on hand-built specs lowered to the resource graph, so these facts hold whatever the checker
//! does: the seed chain, every optional construct, escaping, and name collisions. The
//! end-to-end suite (`tests/tf.rs`) runs terraform itself on every example.

use super::{emit, Layout};
use crate::lower::lower;
use crate::model::*;
use crate::syntax::ast::SegmentKind;
use crate::testing::{route, seed_spec as seed, service, span};
use crate::text::{Text, TextPart};
use std::collections::BTreeMap;

/// Every optional construct: vpc egress, env with markers to escape, secrets, tracing,
/// health, scale, a public service, throttle, access log, iam auth, an existing VPC.
pub(super) fn kitchen() -> Spec {
    let mut spec = seed();
    spec.params.push(Param {
        name: "db_secret".into(),
        default: None,
        span: span(),
    });
    let orders = &mut spec.services[0];
    orders.egress = Egress::Vpc;
    orders.env.insert(
        "TEMPLATE".into(),
        EnvValue::text(Text::lit("${not_a_param} %{x} \"q\" \\")),
    );
    orders.env.insert(
        "PRICE".into(),
        EnvValue::text(Text {
            parts: vec![
                TextPart::Lit("$".into()),
                TextPart::Param("image_tag".into()),
            ],
        }),
    );
    orders.secrets.insert("DB".into(), Text::param("db_secret"));
    orders.tracing = true;
    orders.health = Some(Health {
        protocol: HealthProtocol::Http,
        path: Some(Text::lit("/healthz")),
        interval: Some(10),
        timeout: Some(5),
        healthy: None,
        unhealthy: None,
    });
    orders.scale = Some(Scale {
        min: 1,
        max: 10,
        concurrency: 100,
    });
    let mut web = service("web", Ingress::Public, None);
    web.image = Text::lit("public.ecr.aws/acme/web:1.0");
    web.image_source = ImageSource::EcrPublic;
    spec.services.push(web);
    let api = &mut spec.apis[0];
    api.throttle = Some(Throttle {
        rate: 12.5,
        burst: 20,
    });
    api.access_log = true;
    api.tracing = true;
    api.routes.push(route(
        Method::Get,
        vec![
            SegmentKind::Literal("users".into()),
            SegmentKind::Var("id".into()),
        ],
        "web",
        vec![
            SegmentKind::Literal("v1".into()),
            SegmentKind::Var("id".into()),
        ],
    ));
    spec.networks.push(Network {
        name: "legacy".into(),
        span: crate::testing::span(),
        source: NetworkSource::Existing {
            vpc_id: Text::lit("vpc-0a1b2c3d4e5f60718"),
            subnet_ids: vec![Text::lit("subnet-0123456789abcdef0")],
        },
        nat: false,
    });
    let mut billing = service("billing", Ingress::Private, Some("legacy"));
    billing.egress = Egress::Vpc;
    spec.services.insert(0, billing);
    spec.apis.insert(
        0,
        Api {
            name: "admin".into(),
            network: Some("legacy".into()),
            stage: Text::lit("admin"),
            auth: Auth::Iam,
            tracing: false,
            access_log: false,
            throttle: None,
            span: crate::testing::span(),
            routes: vec![route(
                Method::Get,
                vec![],
                "billing",
                vec![SegmentKind::Literal("status".into())],
            )],
        },
    );
    spec
}

/// ECS on every kind of network: created without a NAT (interface endpoints and the s3
/// gateway endpoint), created with `nat = true` (public subnets, internet gateway, NAT
/// gateways, a tracing sidecar), and an existing VPC (s3 as an interface endpoint with DNS
/// options); two services behind one load balancer, each with its own listener and rules.
const ECS_KITCHEN: &str = r#"app kitchen {
  region  = "eu-west-1"
  compute = ecs
  tags    = { team = "platform" }
}

param image_tag = "1.0"

network core {
  cidr  = 10.0.0.0/16
  zones = 2
}

network edge {
  cidr  = 10.1.0.0/16
  zones = 2
  nat   = true
}

network legacy {
  vpc_id     = "vpc-0a1b2c3d4e5f60718"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}

service orders {
  image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:${image_tag}"
  port    = 8080
  network = core
  command = "serve --name 'a b'"
  secrets = { DB = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf" }

  health {
    path     = "/healthz"
    interval = 10s
  }

  scale {
    min = 2
    max = 4
  }
}

service users {
  image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:2.0"
  network = core
}

service search {
  image   = "public.ecr.aws/acme/search:1.0"
  network = edge
  tracing = true
  env     = { API = api.front.url }
}

service billing {
  image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:1.0"
  network = legacy
}

api front {
  network = core
  route ANY /orders/{proxy+} -> orders /{proxy}
  route GET /users            -> users
}

api lookup {
  network = edge
  route GET /search -> search
}

api back {
  network = legacy
  route GET /billing -> billing
}
"#;

/// [`ECS_KITCHEN`] through the front end, as `aprc build` reads it.
pub(super) fn ecs_kitchen() -> Spec {
    let mut sources = crate::source::Sources::new();
    sources.add("ecs-kitchen.apr", ECS_KITCHEN);
    let mut diags = crate::diag::Diagnostics::new();
    match crate::driver::front(&sources, &mut diags) {
        Some(spec) => spec,
        None => panic!("the ECS kitchen does not check: {diags:?}"),
    }
}

fn tf(spec: &Spec) -> String {
    tf_as(spec, Layout::Root)
}

pub(super) fn tf_as(spec: &Spec, layout: Layout) -> String {
    match emit(&lower(spec, &BTreeMap::new()), layout) {
        Ok(text) => text,
        Err(e) => panic!("emit failed: {e}"),
    }
}

#[test]
fn seed_wires_the_private_chain() {
    let out = tf(&seed());
    // ENI IPs through a count-based lookup, never for_each over unknown ids.
    assert!(
        out.contains("data \"aws_network_interface\" \"core_endpoint\" {\n  count = 2\n"),
        "{out}"
    );
    assert!(
        out.contains("id    = tolist(aws_vpc_endpoint.core.network_interface_ids)[count.index]")
    );
    assert!(out.contains(
        "target_id        = data.aws_network_interface.core_endpoint[count.index].private_ip"
    ));
    assert!(!out.contains("for_each"));
    assert!(out.contains("service_name        = \"com.amazonaws.eu-west-1.apprunner.requests\""));
    assert!(out.contains("enforce_security_group_inbound_rules_on_private_link_traffic = \"off\""));
    assert!(out.contains("uri                     = \"https://${aws_apprunner_vpc_ingress_connection.orders.domain_name}/{proxy}\""));
    assert!(out.contains("\"integration.request.path.proxy\" = \"method.request.path.proxy\""));
    assert!(out.contains("create_before_destroy = true"));
    assert!(out.contains("image_identifier      = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:${var.image_tag}\""));
    assert!(!out.contains("0.0.0.0/0"));
}

#[test]
fn user_strings_are_escaped_and_params_interpolated() {
    let out = tf(&kitchen());
    assert!(
        out.contains(r#"TEMPLATE = "$${not_a_param} %%{x} \"q\" \\""#),
        "{out}"
    );
    // A literal `$` right before a param must not turn `${var...}` into an escape.
    assert!(
        out.contains(r#"PRICE    = "${"$"}${var.image_tag}""#),
        "{out}"
    );
    assert!(
        out.contains("DB = var.db_secret") || out.contains("DB = \"${var.db_secret}\""),
        "{out}"
    );
    assert!(out.contains("variable \"db_secret\" {\n  type = string\n}\n"));
}

#[test]
fn optional_constructs_are_emitted() {
    let out = tf(&kitchen());
    for needle in [
        "resource \"aws_apprunner_auto_scaling_configuration_version\" \"orders\"",
        "resource \"aws_apprunner_observability_configuration\" \"orders\"",
        "resource \"aws_apprunner_vpc_connector\" \"core\"",
        "resource \"aws_apprunner_vpc_connector\" \"legacy\"",
        "resource \"aws_cloudwatch_log_group\" \"public\"",
        "resource \"aws_api_gateway_method_settings\" \"public\"",
        "throttling_rate_limit  = 12.5",
        "authorization    = \"AWS_IAM\"",
        "uri                     = \"https://${aws_apprunner_service.web.service_url}/v1/{id}\"",
        "connection_type         = \"INTERNET\"",
        "vpc_id          = \"vpc-0a1b2c3d4e5f60718\"",
        "egress_type       = \"VPC\"",
        "is_publicly_accessible = true",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

/// Two blocks with one address are the check's to refuse (E0502, from [`super::addresses`]);
/// a build that meets one anyway reports its own bug (E0901), never an invalid file.
#[test]
fn colliding_addresses_are_listed_for_the_check_and_never_written() {
    // Api `a` with `/b_c` and api `a_b` with `/c` both name a resource `a_b_c`.
    let mut spec = seed();
    let mut a = spec.apis[0].clone();
    a.name = "a".into();
    a.routes[0].path = vec![SegmentKind::Literal("b_c".into())];
    a.routes[0].target_path = vec![];
    let mut ab = a.clone();
    ab.name = "a_b".into();
    ab.routes[0].path = vec![SegmentKind::Literal("c".into())];
    spec.apis = vec![a, ab];
    let g = lower(&spec, &BTreeMap::new());
    let addresses = super::addresses(&g).expect("addresses");
    let twice = addresses
        .iter()
        .filter(|(a, _)| a == "resource.aws_api_gateway_resource.a_b_c")
        .count();
    assert_eq!(twice, 2, "{addresses:?}");
    let err = emit(&g, Layout::Root).err();
    assert_eq!(err.as_ref().map(|e| e.code), Some(crate::diag::Code::E0901));
    let message = err.map(|e| e.message).unwrap_or_default();
    assert!(
        message.contains("resource.aws_api_gateway_resource.a_b_c"),
        "{message}"
    );
}

/// Each ECS kind as section 9 and the provider's schema say (the examples' snapshots show them
/// whole).
#[test]
fn ecs_kinds_are_spelled() {
    let out = tf(&ecs_kitchen());
    for needle in [
        // The cluster, the task definition and its containers.
        "resource \"aws_ecs_cluster\" \"kitchen\" {\n  name = \"kitchen\"\n\n  setting {\n    name  = \"containerInsights\"\n",
        "requires_compatibilities = [\"FARGATE\"]",
        "network_mode             = \"awsvpc\"",
        "execution_role_arn       = aws_iam_role.orders_execution.arn",
        "container_definitions = jsonencode([{\n    name      = \"orders\"\n",
        "command = [\"serve\", \"--name\", \"a b\"]",
        "value = \"https://${aws_api_gateway_rest_api.front.id}.execute-api.eu-west-1.amazonaws.com/",
        "valueFrom = \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf\"",
        "awslogs-group         = aws_cloudwatch_log_group.orders_logs.name\n        awslogs-region        = \"eu-west-1\"\n",
        "    }, {\n    name      = \"xray\"\n",
        // The service, and auto scaling of its count.
        "launch_type                       = \"FARGATE\"",
        "assign_public_ip = false",
        "container_port   = 8080",
        "  lifecycle {\n    ignore_changes = [desired_count]\n  }\n",
        "resource_id        = \"service/${aws_ecs_cluster.kitchen.name}/${aws_ecs_service.orders.name}\"",
        "scalable_dimension = \"ecs:service:DesiredCount\"",
        "predefined_metric_type = \"ECSServiceAverageCPUUtilization\"",
        "target_value       = 60\n",
        // Roles, logs, the target group's health check, the integration.
        "identifiers = [\"ecs-tasks.amazonaws.com\"]",
        "resources = [\"${aws_cloudwatch_log_group.orders_logs.arn}:*\"]",
        // Unset thresholds are written as the load balancer's defaults (the provider's own
        // default, 3, would make the check differ from the other targets').
        "  health_check {\n    protocol            = \"HTTP\"\n    path                = \"/healthz\"\n    interval            = 10\n    healthy_threshold   = 5\n    unhealthy_threshold = 2\n  }\n",
        "uri                     = \"http://${aws_lb.core.dns_name}:",
        // Endpoints: the s3 gateway on the private route table; an interface one with options.
        "vpc_endpoint_type = \"Gateway\"\n  route_table_ids   = [aws_route_table.core_private_0.id]\n",
        "  dns_options {\n    private_dns_only_for_inbound_resolver_endpoint = false\n  }\n",
        // NAT: public subnets, the gateways and their routes.
        "resource \"aws_subnet\" \"edge_public_0\"",
        "resource \"aws_internet_gateway\" \"edge\" {\n  vpc_id = aws_vpc.edge.id\n}",
        "gateway_id             = aws_internet_gateway.edge.id",
        "nat_gateway_id         = aws_nat_gateway.edge_1.id",
        "resource \"aws_eip\" \"edge_0\" {\n  domain = \"vpc\"\n}",
        "  subnet_id     = aws_subnet.edge_public_0.id\n  depends_on    = [aws_internet_gateway.edge]\n",
        "resource \"aws_route_table_association\" \"edge_public_1\"",
        // Rules on a network's groups carry the service's name.
        "resource \"aws_vpc_security_group_egress_rule\" \"core_nlb_to_orders_tasks\"",
        "resource \"aws_vpc_security_group_egress_rule\" \"core_nlb_to_users_tasks\"",
        "resource \"aws_vpc_security_group_ingress_rule\" \"core_endpoints_from_users_tasks\"",
        // The output.
        "  value       = aws_ecs_service.orders.id\n",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(!out.contains("aws_lb_target_group_attachment"), "{out}");
}

#[test]
fn emits_identically_twice() {
    // `-- --nocapture` shows the kitchen output for review.
    let first = tf(&kitchen());
    println!("{first}");
    assert_eq!(first, tf(&kitchen()));
}

/// The check's list of addresses is exactly what a build writes: the names come from one
/// place, so the check cannot miss a block the file has.
#[test]
fn addresses_are_exactly_the_blocks_written() {
    for spec in [seed(), kitchen(), ecs_kitchen()] {
        let g = lower(&spec, &BTreeMap::new());
        let body = hcl::parse(&tf(&spec)).expect("HCL");
        let mut written: Vec<String> = body
            .blocks()
            .filter(|b| !matches!(b.identifier(), "terraform" | "provider"))
            .map(|b| {
                std::iter::once(b.identifier().to_string())
                    .chain(b.labels().iter().map(|l| l.as_str().to_string()))
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .collect();
        let mut listed: Vec<String> = super::addresses(&g)
            .expect("addresses")
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        written.sort();
        listed.sort();
        assert_eq!(written, listed);
    }
}

/// Written in parts on two threads, a large graph's resources are the text of one pass over
/// all of them (the file's own header and outputs aside, which both share).
#[test]
fn resources_written_in_parts_are_those_of_one_pass() {
    for g in crate::testing::large_graphs() {
        let n = g.resources.len();
        assert!(n >= crate::threads::TWO_THREADS, "{n} resources");
        for layout in [Layout::Root, Layout::Module] {
            let cx = super::Cx::new(&g, layout).expect("context");
            let mut parts = super::Doc::with_capacity(0);
            let mut one_pass = super::Doc::with_capacity(0);
            if layout == Layout::Module {
                parts.tag_resources(super::tags::app_tags(&g));
                one_pass.tag_resources(super::tags::app_tags(&g));
            }
            super::resources(&cx, &mut parts).expect("written");
            super::resources_in(&cx, 0..n, &mut one_pass).expect("written");
            let (parts, one_pass) = (parts.finish(), one_pass.finish());
            let parts_count = parts.as_ref().map_or(0, |t| t.parts().count());
            assert!(parts_count > crate::threads::CHUNKS, "{parts_count} parts");
            let (parts, one_pass) = (
                parts.map(crate::backends::Text::into_string),
                one_pass.map(crate::backends::Text::into_string),
            );
            assert!(parts.as_ref().map(String::len).unwrap_or(0) > 100_000);
            assert_eq!(parts, one_pass, "{} {layout:?}", g.app.name);
        }
    }
}
