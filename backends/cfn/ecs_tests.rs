//! Unit tests of the ECS and NAT spellings on a hand-built graph: the seed's graph (one
//! network, one App Runner service, one api) with a NAT, the ECS endpoints and one ECS
//! service added by hand, so the spelling is tested apart from lowering. The examples through
//! the real pipeline, and cfn-lint, are in `tests/cfn.rs`.

use super::{emit, logical_ids};
use crate::diag::Code;
use crate::ir::*;
use crate::text::Text;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Adds `props` to `g` as a resource of declaration `decl`.
fn push<T: Kind>(g: &mut Graph, decl: DeclId, props: T) -> Ref<T> {
    g.resources.push(Resource {
        decl,
        span: crate::testing::span(),
        props: props.wrap(),
        replace_first: false,
        retain: false,
    });
    let (r, _) = g.all::<T>().last().expect("just added");
    r
}

fn first<T: Kind>(g: &Graph) -> Ref<T> {
    g.all::<T>().next().expect("the seed has one").0
}

/// The seed with `nat = true`, an `ecr.api` endpoint, an `s3` gateway endpoint and an ECS
/// service `search` behind the network's load balancer.
fn ecs_graph() -> Graph {
    let mut g = crate::testing::seed_graph();
    let network = g.resource(first::<Vpc>(&g).id).expect("vpc").decl;
    g.decls.push(Decl {
        kind: DeclKind::Service,
        names: crate::lower::names("seed", "search"),
        span: crate::testing::span(),
    });
    let search = DeclId(g.decls.len() as u32 - 1);
    let app = DeclId(0);
    let vpc = first::<Vpc>(&g);
    let private: Vec<Ref<Subnet>> = g.all::<Subnet>().map(|(r, _)| r).collect();
    let zone = g.get(private[0]).expect("subnet").zone;
    let nlb = first::<LoadBalancer>(&g);
    let nlb_group = g
        .all::<SecurityGroup>()
        .find(|(_, sg)| sg.role == GroupRole::Nlb)
        .expect("nlb group")
        .0;

    // The way out: a public subnet with the NAT, the private subnets' table through it.
    let public = push(
        &mut g,
        network,
        Subnet {
            vpc,
            cidr: "10.0.2.0/24".into(),
            zone,
            map_public_ip: false,
            index: 0,
            public: true,
        },
    );
    let igw = push(&mut g, network, InternetGateway { vpc });
    let public_table = push(
        &mut g,
        network,
        RouteTable {
            vpc,
            table_use: TableUse::Public,
        },
    );
    push(
        &mut g,
        network,
        Route {
            table: public_table,
            destination: "0.0.0.0/0".into(),
            target: RouteTarget::InternetGateway(igw),
        },
    );
    push(
        &mut g,
        network,
        RouteTableAssociation {
            table: public_table,
            subnet: public,
        },
    );
    let eip = push(&mut g, network, ElasticIp { index: 0 });
    let nat = push(
        &mut g,
        network,
        NatGateway {
            subnet: public,
            eip,
            internet: igw,
            index: 0,
        },
    );
    let private_table = push(
        &mut g,
        network,
        RouteTable {
            vpc,
            table_use: TableUse::Private(0),
        },
    );
    let nat_route = push(
        &mut g,
        network,
        Route {
            table: private_table,
            destination: "0.0.0.0/0".into(),
            target: RouteTarget::NatGateway(nat),
        },
    );
    for subnet in &private {
        push(
            &mut g,
            network,
            RouteTableAssociation {
                table: private_table,
                subnet: *subnet,
            },
        );
    }

    // The endpoints' group and two of the endpoints.
    let endpoints_group = push(
        &mut g,
        network,
        SecurityGroup {
            vpc: VpcRef::Created(vpc),
            role: GroupRole::Endpoints,
            physical: "seed-core-endpoints-1".into(),
            description: "ECS endpoints".into(),
            exact_rules: true,
        },
    );
    let subnets: Vec<SubnetRef> = private.iter().map(|s| SubnetRef::Created(*s)).collect();
    let ecr = push(
        &mut g,
        network,
        VpcEndpoint {
            vpc: VpcRef::Created(vpc),
            subnets: subnets.clone(),
            security_groups: vec![endpoints_group],
            route_tables: Vec::new(),
            service: "ecr.api".into(),
            endpoint_type: "Interface",
            private_dns: true,
            private_dns_only_for_inbound_resolver: Some(false),
        },
    );
    push(
        &mut g,
        network,
        VpcEndpoint {
            vpc: VpcRef::Created(vpc),
            subnets: Vec::new(),
            security_groups: Vec::new(),
            route_tables: vec![private_table],
            service: "s3".into(),
            endpoint_type: "Gateway",
            private_dns: false,
            private_dns_only_for_inbound_resolver: None,
        },
    );

    // The service.
    let cluster = push(
        &mut g,
        app,
        Cluster {
            physical: "seed".into(),
            container_insights: true,
        },
    );
    let log = push(
        &mut g,
        search,
        LogGroup {
            name: "/aprc/seed/search".into(),
            retention_days: 30,
        },
    );
    let role = |role_use, statements| Role {
        role_use,
        physical: format!("seed-search-{}", role_use.snake()),
        principal: "ecs-tasks.amazonaws.com".into(),
        policy_name: "search".into(),
        statements,
    };
    let execution = push(
        &mut g,
        search,
        role(
            RoleUse::Execution,
            vec![Statement {
                sid: "Logs".into(),
                actions: vec!["logs:CreateLogStream".into(), "logs:PutLogEvents".into()],
                resources: Vec::new(),
                log_streams: vec![log],
            }],
        ),
    );
    let task = push(
        &mut g,
        search,
        role(
            RoleUse::Task,
            vec![Statement {
                sid: "Allow0".into(),
                actions: vec!["dynamodb:GetItem".into()],
                resources: vec![Text::lit(
                    "arn:aws:dynamodb:eu-west-1:123456789012:table/search",
                )],
                log_streams: Vec::new(),
            }],
        ),
    );
    let td = push(
        &mut g,
        search,
        TaskDefinition {
            family: "seed-search".into(),
            cpu: "1024".into(),
            memory: "2048".into(),
            network_mode: "awsvpc",
            compatibility: "FARGATE",
            execution_role: execution,
            task_role: Some(task),
            containers: vec![Container {
                name: "search".into(),
                image: Text::lit("public.ecr.aws/acme/search:1.0"),
                essential: true,
                port: Some(PortMapping {
                    port: 9000,
                    protocol: "tcp",
                }),
                command: vec![Text::lit("serve"), Text::param("image_tag")],
                env: BTreeMap::from([(
                    "MODE".to_string(),
                    EnvValue {
                        parts: vec![EnvPart::Text(Text::lit("fast"))],
                    },
                )]),
                secrets: BTreeMap::from([(
                    "KEY".to_string(),
                    Text::lit("arn:aws:ssm:eu-west-1:123456789012:parameter/key"),
                )]),
                log_group: log,
                log_stream_prefix: "search".into(),
            }],
        },
    );
    let tasks_group = push(
        &mut g,
        search,
        SecurityGroup {
            vpc: VpcRef::Created(vpc),
            role: GroupRole::Tasks,
            physical: "seed-search-tasks-1".into(),
            description: "search tasks".into(),
            exact_rules: true,
        },
    );
    push(
        &mut g,
        search,
        SgRule {
            group: tasks_group,
            direction: Direction::Ingress,
            protocol: Protocol::Tcp,
            ports: Some((9000, 9000)),
            peer: Peer::Group(nlb_group),
            description: "From the load balancer".into(),
            ordinal: 0,
        },
    );
    let tg = push(
        &mut g,
        search,
        TargetGroup {
            physical: "seed-search-1".into(),
            vpc: VpcRef::Created(vpc),
            protocol: "TCP",
            port: 9000,
            target_type: "ip",
            targets: Targets::Ecs,
            health: Some(Health {
                protocol: "HTTP",
                path: Some(Text::lit("/healthz")),
                interval: Some(10),
                timeout: None,
                healthy_threshold: Some(3),
                unhealthy_threshold: None,
            }),
        },
    );
    let listener = push(
        &mut g,
        search,
        Listener {
            load_balancer: nlb,
            protocol: "TCP",
            port: 10000,
            target_group: tg,
        },
    );
    let service = push(
        &mut g,
        search,
        EcsService {
            physical: "seed-search".into(),
            cluster,
            task_definition: td,
            launch_type: "FARGATE",
            desired_count: 2,
            subnets,
            security_groups: vec![tasks_group],
            assign_public_ip: false,
            target_group: tg,
            container_name: "search".into(),
            container_port: 9000,
            health_check_grace_seconds: 60,
            circuit_breaker_rollback: true,
            after: vec![listener.id, ecr.id, nat_route.id],
        },
    );
    let target = push(
        &mut g,
        search,
        ScalableTarget {
            cluster,
            service,
            min: 2,
            max: 8,
            namespace: "ecs",
            dimension: "ecs:service:DesiredCount",
        },
    );
    push(
        &mut g,
        search,
        ScalingPolicy {
            physical: "seed-search-cpu".into(),
            target,
            policy_type: "TargetTrackingScaling",
            metric: "ECSServiceAverageCPUUtilization",
            target_value: 60.0,
            scale_in_cooldown: 300,
            scale_out_cooldown: 60,
        },
    );
    g.outputs.push(Output {
        pascal: "SearchServiceArn".into(),
        snake: "search_service_arn".into(),
        description: "search's ECS service ARN".into(),
        value: OutputValue::EcsServiceArn(service),
        decl: search,
    });
    g
}

fn template(g: &Graph) -> Value {
    serde_json::from_str(&emit(g).expect("emits")).expect("JSON")
}

#[test]
fn the_way_out_waits_for_the_gateway_attachment() {
    let t = template(&ecs_graph());
    let r = &t["Resources"];
    assert_eq!(
        r["CoreInternetGateway"]["Type"],
        "AWS::EC2::InternetGateway"
    );
    assert_eq!(
        r["CoreInternetGatewayAttachment"]["Properties"],
        json!({ "VpcId": { "Ref": "CoreVpc" }, "InternetGatewayId": { "Ref": "CoreInternetGateway" } })
    );
    assert_eq!(
        r["CorePublicRoute"]["DependsOn"],
        json!(["CoreInternetGatewayAttachment"])
    );
    assert_eq!(
        r["CorePublicRoute"]["Properties"]["GatewayId"]["Ref"],
        "CoreInternetGateway"
    );
    assert_eq!(
        r["CoreNatGateway0"]["DependsOn"],
        json!(["CoreInternetGatewayAttachment"])
    );
    assert_eq!(
        r["CoreNatGateway0"]["Properties"]["AllocationId"]["Fn::GetAtt"],
        json!(["CoreElasticIp0", "AllocationId"])
    );
    assert_eq!(
        r["CoreNatGateway0"]["Properties"]["SubnetId"]["Ref"],
        "CorePublicSubnet0"
    );
    // A route through the NAT waits for the NAT, which waits for the attachment.
    assert!(r["CorePrivateRoute0"].get("DependsOn").is_none());
    assert_eq!(
        r["CorePrivateRoute0"]["Properties"]["NatGatewayId"]["Ref"],
        "CoreNatGateway0"
    );
    assert_eq!(
        r["CoreSubnet1RouteTableAssociation"]["Properties"],
        json!({ "RouteTableId": { "Ref": "CorePrivateRouteTable0" }, "SubnetId": { "Ref": "CoreSubnet1" } })
    );
    assert_eq!(
        r["CorePublicSubnet0RouteTableAssociation"]["Properties"]["RouteTableId"]["Ref"],
        "CorePublicRouteTable"
    );
    assert_eq!(r["CoreElasticIp0"]["Properties"]["Domain"], "vpc");
}

#[test]
fn endpoints_are_spelled_by_type() {
    let t = template(&ecs_graph());
    let r = &t["Resources"];
    let ecr = &r["CoreEcrApiEndpoint"]["Properties"];
    assert_eq!(
        ecr["DnsOptions"],
        json!({ "PrivateDnsOnlyForInboundResolverEndpoint": "AllResolvers" })
    );
    assert_eq!(ecr["PrivateDnsEnabled"], true);
    let s3 = &r["CoreS3Endpoint"]["Properties"];
    assert_eq!(s3["VpcEndpointType"], "Gateway");
    assert_eq!(
        s3["RouteTableIds"],
        json!([{ "Ref": "CorePrivateRouteTable0" }])
    );
    for absent in [
        "SubnetIds",
        "SecurityGroupIds",
        "PrivateDnsEnabled",
        "DnsOptions",
    ] {
        assert!(s3.get(absent).is_none(), "{absent}");
    }
    // The requests endpoint keeps its name and has no DNS options.
    assert!(r["CoreVpcEndpoint"]["Properties"]
        .get("DnsOptions")
        .is_none());
}

#[test]
fn the_ecs_service_is_wired_to_its_target_group_and_waits_for_what_it_needs() {
    let t = template(&ecs_graph());
    let r = &t["Resources"];
    let svc = &r["SearchService"];
    assert_eq!(
        svc["DependsOn"],
        json!(["SearchListener", "CoreEcrApiEndpoint", "CorePrivateRoute0"])
    );
    let p = &svc["Properties"];
    assert_eq!(p["Cluster"]["Ref"], "SeedCluster");
    assert_eq!(p["TaskDefinition"]["Ref"], "SearchTaskDefinition");
    assert_eq!(
        p["LoadBalancers"],
        json!([{ "TargetGroupArn": { "Ref": "SearchTargetGroup" }, "ContainerName": "search", "ContainerPort": 9000 }])
    );
    assert_eq!(
        p["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"],
        "DISABLED"
    );
    assert_eq!(
        p["DeploymentConfiguration"]["DeploymentCircuitBreaker"],
        json!({ "Enable": true, "Rollback": true })
    );
    let tg = &r["SearchTargetGroup"]["Properties"];
    assert!(tg.get("Targets").is_none());
    assert_eq!(tg["HealthCheckPath"], "/healthz");
    assert_eq!(tg["HealthCheckIntervalSeconds"], 10);
    assert!(tg.get("HealthCheckTimeoutSeconds").is_none());
    assert_eq!(
        r["SeedCluster"]["Properties"]["ClusterSettings"],
        json!([{ "Name": "containerInsights", "Value": "enabled" }])
    );
    let target = &r["SearchScalableTarget"]["Properties"];
    assert_eq!(
        target["ResourceId"]["Fn::Sub"],
        "service/${SeedCluster}/${SearchService.Name}"
    );
    // Application Auto Scaling's service-linked role for ECS, named as AWS recommends.
    assert_eq!(
        target["RoleARN"]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
    );
    let policy = &r["SearchScalingPolicy"]["Properties"];
    assert_eq!(policy["ScalingTargetId"]["Ref"], "SearchScalableTarget");
    assert_eq!(
        policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"],
        60
    );
    assert_eq!(
        t["Outputs"]["SearchServiceArn"]["Value"]["Ref"],
        "SearchService"
    );
}

#[test]
fn the_task_definition_logs_to_its_group_and_the_roles_hold_its_streams() {
    let t = template(&ecs_graph());
    let r = &t["Resources"];
    let td = &r["SearchTaskDefinition"]["Properties"];
    assert_eq!(
        td["ExecutionRoleArn"]["Fn::GetAtt"],
        json!(["SearchExecutionRole", "Arn"])
    );
    assert_eq!(
        td["TaskRoleArn"]["Fn::GetAtt"],
        json!(["SearchTaskRole", "Arn"])
    );
    let c = &td["ContainerDefinitions"][0];
    assert_eq!(c["Command"], json!(["serve", { "Ref": "ImageTag" }]));
    assert_eq!(
        c["Secrets"],
        json!([{ "Name": "KEY", "ValueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/key" }])
    );
    assert_eq!(
        c["LogConfiguration"],
        json!({
            "LogDriver": "awslogs",
            "Options": {
                "awslogs-group": { "Ref": "SearchLogGroup" },
                "awslogs-region": { "Ref": "AWS::Region" },
                "awslogs-stream-prefix": "search",
            },
        })
    );
    assert_eq!(r["SearchLogGroup"]["Type"], "AWS::Logs::LogGroup");
    let logs =
        &r["SearchExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0];
    assert_eq!(
        logs["Resource"],
        json!([{ "Fn::GetAtt": ["SearchLogGroup", "Arn"] }])
    );
    assert_eq!(
        r["SearchExecutionRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
            ["Principal"]["Service"],
        "ecs-tasks.amazonaws.com"
    );
}

#[test]
fn the_attachment_is_a_listed_logical_id() {
    let g = ecs_graph();
    let (ids, _) = logical_ids(&g).expect("ids");
    let names: Vec<&str> = ids.iter().map(|(id, _)| id.as_str()).collect();
    let at = names
        .iter()
        .position(|id| *id == "CoreInternetGateway")
        .expect("gateway");
    assert_eq!(names[at + 1], "CoreInternetGatewayAttachment");
    // Every id listed is written, and nothing else.
    let t = template(&g);
    let mut written: Vec<&str> = t["Resources"]
        .as_object()
        .expect("resources")
        .keys()
        .chain(t["Parameters"].as_object().expect("parameters").keys())
        .map(String::as_str)
        .collect();
    let mut listed = names.clone();
    written.sort_unstable();
    listed.sort_unstable();
    assert_eq!(written, listed);
}

#[test]
fn an_ecs_service_waiting_for_a_zone_lookup_is_an_internal_error() {
    let mut g = ecs_graph();
    let zones = push(&mut g, DeclId(0), RegionZones { count: 2 }).id;
    for r in &mut g.resources {
        if let Props::EcsService(s) = &mut r.props {
            s.after.push(zones);
        }
    }
    let err = emit(&g).expect_err("refused");
    assert_eq!(err.code, Code::E0901, "{err}");
}
