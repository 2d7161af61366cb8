//! The seed architecture (examples/seed.apr) as an IR built by hand, so the plan backend is
//! tested on its own, independently of lowering. Included by tests/plan.rs.

use aprc::ir::*;
use aprc::span::{FileId, Span};
use aprc::text::{Text, TextPart};
use std::collections::BTreeMap;

fn names(spec: &str, pascal: &str, physical: &str) -> Names {
    Names { spec: spec.into(), pascal: pascal.into(), snake: spec.replace('-', "_"), physical: physical.into() }
}

pub fn seed_ir() -> Ir {
    let tags = BTreeMap::from([("app".to_string(), "seed".to_string()), ("team".to_string(), "platform".to_string())]);
    let image = Text {
        parts: vec![
            TextPart::Lit("123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:".into()),
            TextPart::Param("image_tag".into()),
        ],
    };
    let rule = |group, direction, peer| SgRule {
        group,
        direction,
        protocol: Protocol::Tcp,
        ports: Some((443, 443)),
        peer: Peer::Group(peer),
        description: "HTTPS between the NLB and the App Runner endpoint".into(),
    };
    let network = Network {
        names: names("core", "Core", "seed-core"),
        vpc: Vpc::Create {
            cidr: "10.0.0.0/16".into(),
            subnets: vec![
                Subnet { cidr: "10.0.0.0/24".into(), zone_index: 0 },
                Subnet { cidr: "10.0.1.0/24".into(), zone_index: 1 },
            ],
        },
        security_groups: vec![
            SecurityGroup {
                kind: SgKind::Endpoint,
                physical: "seed-core-endpoint".into(),
                description: "App Runner requests endpoint".into(),
            },
            SecurityGroup { kind: SgKind::Nlb, physical: "seed-core-nlb".into(), description: "Internal NLB".into() },
        ],
        rules: vec![
            rule(SgKind::Endpoint, Direction::Ingress, SgKind::Nlb),
            rule(SgKind::Nlb, Direction::Egress, SgKind::Endpoint),
        ],
        endpoint: Some(Endpoint { service_suffix: "apprunner.requests".into(), eni_count: 2, services: vec!["orders".into()] }),
        link: Some(Link {
            nlb_name: "seed-core".into(),
            target_group_name: "seed-core".into(),
            vpc_link_name: "seed-core".into(),
            port: 443,
            apis: vec!["public".into()],
        }),
        connector: None,
    };
    let access_role = Role {
        physical: "seed-orders-access".into(),
        principal: "build.apprunner.amazonaws.com".into(),
        policy_name: "ecr-pull".into(),
        statements: vec![
            Statement { sid: "Auth".into(), actions: vec!["ecr:GetAuthorizationToken".into()], resources: vec![Text::lit("*")] },
            Statement {
                sid: "Pull".into(),
                actions: vec![
                    "ecr:BatchCheckLayerAvailability".into(),
                    "ecr:BatchGetImage".into(),
                    "ecr:DescribeImages".into(),
                    "ecr:GetDownloadUrlForLayer".into(),
                ],
                resources: vec![Text::lit("arn:aws:ecr:eu-west-1:123456789012:repository/orders")],
            },
        ],
    };
    let service = Service {
        names: names("orders", "Orders", "seed-orders"),
        network: Some("core".into()),
        image,
        repository_type: RepositoryType::Ecr,
        port: 8080,
        cpu: "1 vCPU".into(),
        memory: "2 GB".into(),
        command: None,
        env: BTreeMap::new(),
        secrets: BTreeMap::new(),
        access_role: Some(access_role),
        instance_role: None,
        health: None,
        autoscaling: None,
        observability: None,
        private: true,
        ingress_connection: Some(IngressConnection { physical: "seed-orders".into(), network: "core".into() }),
        vpc_egress: false,
    };
    let api = Api {
        names: names("public", "Public", "seed-public"),
        network: Some("core".into()),
        stage: "prod".into(),
        auth: Auth::ApiKey,
        tracing: false,
        throttle: None,
        access_log: None,
        resources: vec![Resource {
            index: 0,
            parent: None,
            path_part: "{proxy+}".into(),
            path: "/{proxy+}".into(),
            pascal: "Proxy".into(),
            snake: "proxy".into(),
        }],
        methods: vec![ApiMethod {
            resource: Some(0),
            http_method: "ANY".into(),
            path: "/{proxy+}".into(),
            pascal: "AnyProxy".into(),
            snake: "any_proxy".into(),
            path_params: vec!["proxy".into()],
            integration: Integration {
                service: "orders".into(),
                http_method: "ANY".into(),
                connection: Connection::VpcLink { network: "core".into() },
                target_path: "/{proxy}".into(),
                path_mappings: vec![("proxy".into(), "proxy".into())],
            },
        }],
        deployment_hash: "0123456789abcdef".into(),
        api_key: Some(ApiKey { key_name: "seed-public".into(), usage_plan_name: "seed-public".into() }),
    };
    let output = |pascal: &str, snake: &str, value| Output {
        pascal: pascal.into(),
        snake: snake.into(),
        description: snake.replace('_', " "),
        value,
    };
    Ir {
        app: App { name: "seed".into(), region: "eu-west-1".into(), tags, span: Span::new(FileId(0), 0, 0) },
        params: vec![Param { name: "image_tag".into(), default: Some("1.0.0".into()) }],
        networks: vec![network],
        services: vec![service],
        apis: vec![api],
        outputs: vec![
            output("PublicInvokeUrl", "public_invoke_url", OutputValue::InvokeUrl("public".into())),
            output("PublicApiKeyId", "public_api_key_id", OutputValue::ApiKeyId("public".into())),
            output("OrdersServiceArn", "orders_service_arn", OutputValue::ServiceArn("orders".into())),
            output("OrdersIngressDomain", "orders_ingress_domain", OutputValue::IngressDomain("orders".into())),
        ],
    }
}
