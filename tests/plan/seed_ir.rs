//! IRs for the plan backend's own tests: the seed architecture (examples/seed.apr, from its
//! hand-built checked spec in `aprc::testing`) and a kitchen-sink IR built by hand. Included by tests/plan.rs.

use aprc::ir::*;
use aprc::text::Text;

fn names(spec: &str, pascal: &str, physical: &str) -> Names {
    Names {
        spec: spec.into(),
        pascal: pascal.into(),
        snake: spec.replace('-', "_"),
        physical: physical.into(),
    }
}

/// The seed architecture through the real lowering, from its hand-built checked spec.
pub fn seed_ir() -> Ir {
    aprc::testing::seed_ir()
}

pub fn kitchen_sink_ir() -> Ir {
    let mut ir = seed_ir();
    ir.app.name = "sink".into();
    ir.app.tags.insert("app".into(), Text::lit("sink"));
    ir.params.push(Param {
        name: "db_secret".into(),
        default: None,
    });
    let rename = |n: &mut Names| n.physical = n.physical.replacen("seed-", "sink-", 1);
    let net = &mut ir.networks[0];
    rename(&mut net.names);
    net.security_groups.push(SecurityGroup {
        kind: SgKind::Connector,
        physical: "sink-core-connector".into(),
        description: "App Runner VPC connector".into(),
    });
    net.rules.push(SgRule {
        group: SgKind::Connector,
        direction: Direction::Egress,
        protocol: Protocol::All,
        ports: None,
        peer: Peer::Cidr("10.0.0.0/16".into()),
        description: "All traffic to the VPC".into(),
    });
    net.connector = Some(Connector {
        physical: "sink-core".into(),
        services: vec!["orders".into()],
    });
    for sg in &mut net.security_groups {
        sg.physical = sg.physical.replacen("seed-", "sink-", 1);
    }
    if let Some(link) = &mut net.link {
        link.nlb_name = "sink-core".into();
        link.target_group_name = "sink-core".into();
        link.vpc_link_name = "sink-core".into();
    }
    ir.networks.push(Network {
        names: names("legacy", "Legacy", "sink-legacy"),
        vpc: Vpc::Existing {
            vpc_id: Text::param("legacy_vpc"),
            subnet_ids: vec![
                Text::lit("subnet-0123456789abcdef0"),
                Text::lit("subnet-0fedcba9876543210"),
            ],
        },
        security_groups: Vec::new(),
        rules: Vec::new(),
        endpoint: None,
        link: None,
        connector: None,
    });
    ir.params.push(Param {
        name: "legacy_vpc".into(),
        default: Some("vpc-0a1b2c3d4e5f60718".into()),
    });
    let svc = &mut ir.services[0];
    rename(&mut svc.names);
    svc.ingress_connection = Some(IngressConnection {
        physical: "sink-orders".into(),
        network: "core".into(),
    });
    if let Some(role) = &mut svc.access_role {
        role.physical = "sink-orders-access".into();
    }
    svc.command = Some(Text::lit("./serve --port 8080"));
    svc.env.insert("LOG_LEVEL".into(), Text::lit("info"));
    svc.secrets
        .insert("DB_PASSWORD".into(), Text::param("db_secret"));
    svc.secrets.insert(
        "API_TOKEN".into(),
        Text::lit("arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf"),
    );
    svc.instance_role = Some(Role {
        physical: "sink-orders-instance".into(),
        principal: "tasks.apprunner.amazonaws.com".into(),
        policy_name: "runtime".into(),
        statements: vec![
            Statement {
                sid: "Secrets".into(),
                actions: vec![
                    "secretsmanager:GetSecretValue".into(),
                    "ssm:GetParameters".into(),
                ],
                resources: vec![
                    Text::param("db_secret"),
                    Text::lit("arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf"),
                ],
            },
            Statement {
                sid: "Tracing".into(),
                actions: vec![
                    "xray:GetSamplingRules".into(),
                    "xray:GetSamplingTargets".into(),
                    "xray:PutTelemetryRecords".into(),
                    "xray:PutTraceSegments".into(),
                ],
                resources: vec![Text::lit("*")],
            },
        ],
    });
    svc.health = Some(Health {
        protocol: "HTTP".into(),
        path: Some(Text::lit("/healthz")),
        interval: Some(10),
        timeout: Some(5),
        healthy_threshold: None,
        unhealthy_threshold: Some(3),
    });
    svc.autoscaling = Some(AutoScaling {
        physical: "sink-orders".into(),
        min: 1,
        max: 10,
        concurrency: 100,
    });
    svc.observability = Some(Observability {
        physical: "sink-orders".into(),
    });
    svc.vpc_egress = true;
    let mut web = svc.clone();
    web.names = names("web", "Web", "sink-web");
    web.network = None;
    web.image = Text::lit("public.ecr.aws/acme/web:1.0");
    web.repository_type = RepositoryType::EcrPublic;
    web.access_role = None;
    web.instance_role = None;
    web.secrets.clear();
    web.command = None;
    web.health = None;
    web.autoscaling = None;
    web.observability = None;
    web.private = false;
    web.ingress_connection = None;
    web.vpc_egress = false;
    ir.services.push(web);
    let api = &mut ir.apis[0];
    rename(&mut api.names);
    api.auth = Auth::Iam;
    api.api_key = None;
    api.tracing = true;
    api.throttle = Some(Throttle {
        rate: 100.5,
        burst: 200,
    });
    api.access_log = Some(AccessLog {
        log_group_name: "/aws/apigateway/sink-public".into(),
        retention_days: 365,
        format: r#"{"requestId":"$context.requestId","status":"$context.status"}"#.into(),
    });
    // A stage that logs needs the account's logging role.
    ir.logs_role = Some(LogsRole {
        physical: "sink-apigateway-logs".into(),
        principal: "apigateway.amazonaws.com".into(),
        managed_policy: "service-role/AmazonAPIGatewayPushToCloudWatchLogs".into(),
        description: "API Gateway's logging role".into(),
    });
    let api = &mut ir.apis[0];
    api.resources.push(Resource {
        index: 1,
        parent: None,
        path_part: "web".into(),
        path: "/web".into(),
        pascal: "Web".into(),
        snake: "web".into(),
    });
    api.methods.push(ApiMethod {
        resource: Some(1),
        http_method: "GET".into(),
        path: "/web".into(),
        pascal: "GetWeb".into(),
        snake: "get_web".into(),
        path_params: Vec::new(),
        integration: Integration {
            service: "web".into(),
            http_method: "GET".into(),
            connection: Connection::Internet,
            target_path: "/".into(),
            path_mappings: Vec::new(),
        },
    });
    api.methods.push(ApiMethod {
        resource: None,
        http_method: "GET".into(),
        path: "/".into(),
        pascal: "Root".into(),
        snake: "root".into(),
        path_params: Vec::new(),
        integration: Integration {
            service: "orders".into(),
            http_method: "GET".into(),
            connection: Connection::VpcLink {
                network: "core".into(),
            },
            target_path: "/status".into(),
            path_mappings: Vec::new(),
        },
    });
    ir.outputs
        .retain(|o| !matches!(o.value, OutputValue::ApiKeyId(_)));
    ir.outputs.push(Output {
        pascal: "WebServiceUrl".into(),
        snake: "web_service_url".into(),
        description: "web url".into(),
        value: OutputValue::ServiceUrl("web".into()),
    });
    ir
}
