//! Structural assertions on the ECS Fargate templates (spec section 9): each ECS service
//! behind its own listener on its network's load balancer, its target group of ECS-registered
//! `ip` targets, the integration URI through that listener, the tasks' security group open to
//! the load balancer only, no public IPs, least-privilege roles, the endpoints Fargate starts
//! through without a NAT, and the internet and NAT gateways with one. The lowering's facts
//! (ports, names) are read from its graph, so the assertions tie the template to the graph
//! instead of repeating its choices.

use super::*;
use aprc::ir::{EcsService, Graph, Id, Listener, Origin};
use serde_json::json;
use std::collections::BTreeMap;

/// The example's resource graph, through the real front end and lowering.
fn graph(example: &str) -> Graph {
    let sources = aprc::driver::load(&[root().join(example)]).expect("example loads");
    let mut diags = aprc::diag::Diagnostics::new();
    aprc::driver::compile(&sources, &BTreeMap::new(), &mut diags)
        .expect("no usage error")
        .expect("the example compiles")
}

/// Each resource's logical id, as the backend names it.
fn logical_ids(g: &Graph) -> BTreeMap<Id, String> {
    let (ids, _) = aprc::backends::cfn::logical_ids(g).expect("ids");
    let mut out = BTreeMap::new();
    for (id, origin) in ids {
        if let Origin::Resource(r) = origin {
            // An internet gateway's attachment follows the gateway: keep the first.
            out.entry(r).or_insert(id);
        }
    }
    out
}

fn props<'a>(t: &'a Value, id: &str) -> &'a Value {
    let r = &resources(t)[id];
    assert!(r.is_object(), "no resource {id}");
    &r["Properties"]
}

fn refs(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| json!({ "Ref": id })).collect())
}

/// What one ECS service is wired to, by logical id.
struct Wired {
    service: String,
    target_group: String,
    listener: String,
    task_definition: String,
    tasks_group: String,
    port: u16,
    container: String,
    container_port: u16,
}

fn wired(g: &Graph, ids: &BTreeMap<Id, String>) -> Vec<Wired> {
    g.all::<EcsService>()
        .map(|(r, svc)| {
            let (listener, l) = g
                .all::<Listener>()
                .find(|(_, l)| l.target_group == svc.target_group)
                .expect("the service's listener");
            let task_definition = g.get(svc.task_definition).expect("task definition");
            assert_eq!(svc.security_groups.len(), 1);
            Wired {
                service: ids[&r.id].clone(),
                target_group: ids[&svc.target_group.id].clone(),
                listener: ids[&listener.id].clone(),
                task_definition: ids[&svc.task_definition.id].clone(),
                tasks_group: ids[&svc.security_groups[0].id].clone(),
                port: l.port,
                container: svc.container_name.clone(),
                container_port: task_definition.containers[0]
                    .port
                    .expect("the service's container has a port")
                    .port,
            }
        })
        .collect()
}

#[test]
fn each_ecs_service_is_behind_its_own_listener_on_the_network_load_balancer() {
    for example in ["examples/ecs.apr", "examples/mixed.apr"] {
        let g = graph(example);
        let ids = logical_ids(&g);
        let t = template(Path::new(example));
        let (nlb_id, _) = the_one(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer");
        let (link_id, link) = the_one(&t, "AWS::ApiGateway::VpcLink");
        assert_eq!(link["Properties"]["TargetArns"], refs(&[nlb_id]));
        let services = wired(&g, &ids);
        assert_eq!(services.len(), of_type(&t, "AWS::ECS::Service").len());
        for w in &services {
            let what = format!("{example}: {}", w.service);
            // The service registers its container's port in its own target group.
            let svc = props(&t, &w.service);
            assert_eq!(
                svc["LoadBalancers"],
                json!([{
                    "TargetGroupArn": { "Ref": w.target_group },
                    "ContainerName": w.container,
                    "ContainerPort": w.container_port,
                }]),
                "{what}"
            );
            assert_eq!(svc["LaunchType"], "FARGATE", "{what}");
            assert_eq!(svc["TaskDefinition"]["Ref"], w.task_definition.as_str());
            let c = &props(&t, &w.task_definition)["ContainerDefinitions"][0];
            assert_eq!(c["Name"], w.container.as_str(), "{what}");
            assert_eq!(
                c["PortMappings"],
                json!([{ "ContainerPort": w.container_port, "Protocol": "tcp" }]),
                "{what}"
            );
            // ECS registers the tasks: an ip target group without targets, on the same port.
            let tg = props(&t, &w.target_group);
            assert_eq!(tg["TargetType"], "ip", "{what}");
            assert_eq!(tg["Protocol"], "TCP", "{what}");
            assert_eq!(tg["Port"], w.container_port, "{what}");
            assert!(tg.get("Targets").is_none(), "{what}: {tg}");
            // Its listener: on the network's load balancer, at the lowering's port.
            let l = props(&t, &w.listener);
            assert_eq!(l["LoadBalancerArn"]["Ref"], nlb_id.as_str(), "{what}");
            assert_eq!(l["Port"], w.port, "{what}");
            assert_eq!(l["Protocol"], "TCP", "{what}");
            assert_eq!(
                l["DefaultActions"],
                json!([{ "Type": "forward", "TargetGroupArn": { "Ref": w.target_group } }]),
                "{what}"
            );
            // The service starts once its listener exists (ECS refuses an unused group).
            let depends = resources(&t)[&w.service]["DependsOn"]
                .as_array()
                .expect("DependsOn");
            assert!(
                depends.contains(&Value::from(w.listener.as_str())),
                "{what}"
            );
            // Its ARN is an output.
            let output = format!("{}Arn", w.service);
            assert_eq!(
                t["Outputs"][&output]["Value"],
                json!({ "Ref": w.service }),
                "{what}"
            );
        }
        // Every route to an ECS service: over the VPC link, plain HTTP to its listener's port
        // on the load balancer's DNS name, and after the listener exists.
        let mut routed = 0;
        for (method_id, m) in of_type(&t, "AWS::ApiGateway::Method") {
            let i = &m["Properties"]["Integration"];
            let uri = i["Uri"]["Fn::Sub"].as_str().expect("a Sub URI");
            let Some(rest) = uri.strip_prefix("http://") else {
                continue;
            };
            routed += 1;
            let w = services
                .iter()
                .find(|w| rest.starts_with(&format!("${{{nlb_id}.DNSName}}:{}/", w.port)))
                .unwrap_or_else(|| panic!("{example}: {method_id} goes to {uri}"));
            assert_eq!(i["ConnectionType"], "VPC_LINK", "{method_id}");
            assert_eq!(i["ConnectionId"]["Ref"], link_id.as_str(), "{method_id}");
            assert_eq!(i["Type"], "HTTP_PROXY", "{method_id}");
            assert_eq!(m["DependsOn"], json!([w.listener]), "{method_id}");
        }
        assert!(routed >= 1, "{example}: no route to an ECS service");
    }
}

#[test]
fn ecs_tasks_are_private_and_admit_their_port_from_the_load_balancer_only() {
    for example in ["examples/ecs.apr", "examples/mixed.apr"] {
        let g = graph(example);
        let ids = logical_ids(&g);
        let t = template(Path::new(example));
        let nlb_group = of_type(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer")[0].1["Properties"]
            ["SecurityGroups"][0]
            .clone();
        let private_subnets: Vec<Value> = of_type(&t, "AWS::EC2::Subnet")
            .iter()
            .filter(|(id, _)| !id.contains("PublicSubnet"))
            .map(|(id, _)| json!({ "Ref": id }))
            .collect();
        for w in wired(&g, &ids) {
            let what = format!("{example}: {}", w.service);
            let vpc = &props(&t, &w.service)["NetworkConfiguration"]["AwsvpcConfiguration"];
            assert_eq!(vpc["AssignPublicIp"], "DISABLED", "{what}");
            assert_eq!(
                vpc["Subnets"],
                Value::Array(private_subnets.clone()),
                "{what}"
            );
            assert_eq!(
                vpc["SecurityGroups"],
                json!([{ "Fn::GetAtt": [w.tasks_group, "GroupId"] }]),
                "{what}"
            );
            let group = json!({ "Fn::GetAtt": [w.tasks_group, "GroupId"] });
            // Into the tasks: the container port, from the load balancer's group, nothing else.
            let ingress: Vec<&Value> = of_type(&t, "AWS::EC2::SecurityGroupIngress")
                .into_iter()
                .map(|(_, r)| &r["Properties"])
                .filter(|p| p["GroupId"] == group)
                .collect();
            assert_eq!(ingress.len(), 1, "{what}: {ingress:?}");
            let rule = ingress[0];
            assert_eq!(rule["IpProtocol"], "tcp", "{what}");
            assert_eq!(
                (&rule["FromPort"], &rule["ToPort"]),
                (
                    &Value::from(w.container_port),
                    &Value::from(w.container_port)
                ),
                "{what}"
            );
            assert_eq!(rule["SourceSecurityGroupId"], nlb_group, "{what}");
            assert!(rule.get("CidrIp").is_none(), "{what}");
            // And the load balancer may send exactly that port to them.
            let nlb_out: Vec<&Value> = of_type(&t, "AWS::EC2::SecurityGroupEgress")
                .into_iter()
                .map(|(_, r)| &r["Properties"])
                .filter(|p| p["DestinationSecurityGroupId"] == group)
                .collect();
            assert_eq!(nlb_out.len(), 1, "{what}");
            assert_eq!(nlb_out[0]["GroupId"], nlb_group, "{what}");
            assert_eq!(nlb_out[0]["FromPort"], w.container_port, "{what}");
            assert_eq!(nlb_out[0]["ToPort"], w.container_port, "{what}");
        }
    }
}

#[test]
fn ecs_roles_hold_exactly_the_grants_and_the_start_up_calls() {
    let t = template(Path::new("examples/ecs.apr"));
    let statements = |role: &str| -> Vec<Value> {
        let p = props(&t, role);
        assert_eq!(
            p["AssumeRolePolicyDocument"]["Statement"],
            json!([{
                "Effect": "Allow",
                "Principal": { "Service": "ecs-tasks.amazonaws.com" },
                "Action": "sts:AssumeRole",
            }]),
            "{role}"
        );
        let policies = p["Policies"].as_array().expect("inline policies");
        assert_eq!(policies.len(), 1, "{role}");
        policies[0]["PolicyDocument"]["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .map(|s| {
                assert_eq!(s["Effect"], "Allow");
                json!({ "Action": s["Action"], "Resource": s["Resource"] })
            })
            .collect()
    };
    // The task role: the service's `allow`, nothing more.
    assert_eq!(
        statements("OrdersTaskRole"),
        vec![json!({
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
            "Resource": ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"],
        })]
    );
    let orders = props(&t, "OrdersTaskDefinition");
    assert_eq!(
        orders["TaskRoleArn"],
        json!({ "Fn::GetAtt": ["OrdersTaskRole", "Arn"] })
    );
    // A service without grants has no task role.
    assert!(props(&t, "UsersTaskDefinition")
        .get("TaskRoleArn")
        .is_none());
    assert!(!resources(&t).contains_key("UsersTaskRole"));
    // The execution role: ECR's token, pulls from exactly the image's repository (the actions
    // of AWS's task execution policy, without App Runner's `ecr:DescribeImages`), writes to
    // the service's own log group's streams, reads exactly its secrets.
    let token = json!({ "Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"] });
    let pull = |repo: &str| {
        json!({
            "Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ],
            "Resource": [format!("arn:aws:ecr:eu-west-1:123456789012:repository/{repo}")],
        })
    };
    let logs = |group: &str| {
        json!({
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [{ "Fn::GetAtt": [group, "Arn"] }],
        })
    };
    assert_eq!(
        statements("OrdersExecutionRole"),
        vec![
            token.clone(),
            pull("orders"),
            logs("OrdersLogGroup"),
            json!({
                "Action": ["secretsmanager:GetSecretValue"],
                "Resource": ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-AbCdEf"],
            }),
        ]
    );
    assert_eq!(
        statements("UsersExecutionRole"),
        vec![
            token,
            pull("users"),
            logs("UsersLogGroup"),
            json!({
                "Action": ["ssm:GetParameters"],
                "Resource": ["arn:aws:ssm:eu-west-1:123456789012:parameter/shop/flags"],
            }),
        ]
    );
    assert_eq!(
        orders["ExecutionRoleArn"],
        json!({ "Fn::GetAtt": ["OrdersExecutionRole", "Arn"] })
    );
    // The container logs to that group, in the stack's region; secrets come by ARN.
    let c = &orders["ContainerDefinitions"][0];
    assert_eq!(c["LogConfiguration"]["LogDriver"], "awslogs");
    assert_eq!(
        c["LogConfiguration"]["Options"]["awslogs-group"],
        json!({ "Ref": "OrdersLogGroup" })
    );
    assert_eq!(
        c["LogConfiguration"]["Options"]["awslogs-region"],
        json!({ "Ref": "AWS::Region" })
    );
    assert_eq!(
        c["Secrets"],
        json!([{
            "Name": "DB_PASSWORD",
            "ValueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-AbCdEf",
        }])
    );
    // The command is split as a shell would.
    assert_eq!(
        c["Command"],
        json!(["bin/server", "--port", "8080", "--mode", "read write"])
    );
}

#[test]
fn without_a_nat_tasks_start_through_the_endpoints() {
    let t = template(Path::new("examples/ecs.apr"));
    assert!(of_type(&t, "AWS::EC2::InternetGateway").is_empty());
    assert!(of_type(&t, "AWS::EC2::NatGateway").is_empty());
    let mut interface = Vec::new();
    let mut gateway = Vec::new();
    for (id, e) in of_type(&t, "AWS::EC2::VPCEndpoint") {
        let p = &e["Properties"];
        let service = p["ServiceName"]["Fn::Sub"]
            .as_str()
            .and_then(|s| s.strip_prefix("com.amazonaws.${AWS::Region}."))
            .expect("a service of the stack's region");
        match p["VpcEndpointType"].as_str() {
            Some("Interface") => {
                assert_eq!(p["PrivateDnsEnabled"], true, "{id}");
                assert_eq!(
                    p["SecurityGroupIds"],
                    json!([{ "Fn::GetAtt": ["CoreEndpointsSecurityGroup", "GroupId"] }]),
                    "{id}"
                );
                interface.push(service);
            }
            Some("Gateway") => {
                // Its routes go in the table every private subnet uses.
                assert_eq!(
                    p["RouteTableIds"],
                    refs(&["CorePrivateRouteTable0"]),
                    "{id}"
                );
                assert!(p.get("SubnetIds").is_none(), "{id}");
                gateway.push(service);
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    interface.sort_unstable();
    assert_eq!(
        interface,
        ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]
    );
    assert_eq!(gateway, ["s3"]);
    for subnet in ["CoreSubnet0", "CoreSubnet1"] {
        assert_eq!(
            props(&t, &format!("{subnet}RouteTableAssociation")),
            &json!({ "RouteTableId": { "Ref": "CorePrivateRouteTable0" }, "SubnetId": { "Ref": subnet } })
        );
    }
    // Each service starts once every endpoint it pulls and logs through exists.
    let endpoints: Vec<Value> = of_type(&t, "AWS::EC2::VPCEndpoint")
        .iter()
        .map(|(id, _)| Value::from(id.as_str()))
        .collect();
    for (id, svc) in of_type(&t, "AWS::ECS::Service") {
        let depends = svc["DependsOn"].as_array().expect("DependsOn");
        for e in &endpoints {
            assert!(depends.contains(e), "{id} does not wait for {e}");
        }
    }
    // Sized by auto scaling between the spec's bounds, on average CPU.
    let target = props(&t, "OrdersScalableTarget");
    assert_eq!(
        target["ResourceId"]["Fn::Sub"],
        "service/${ShopecsCluster}/${OrdersService.Name}"
    );
    assert_eq!(
        (&target["MinCapacity"], &target["MaxCapacity"]),
        (&Value::from(2), &Value::from(8))
    );
    assert_eq!(target["ScalableDimension"], "ecs:service:DesiredCount");
    // The count is auto scaling's: a template value would be set again on each update.
    assert!(props(&t, "OrdersService").get("DesiredCount").is_none());
    let policy = props(&t, "OrdersScalingPolicy");
    assert_eq!(policy["ScalingTargetId"]["Ref"], "OrdersScalableTarget");
    assert_eq!(
        policy["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
            ["PredefinedMetricType"],
        "ECSServiceAverageCPUUtilization"
    );
    // The health check follows `health { }`.
    let tg = props(&t, "OrdersTargetGroup");
    assert_eq!(tg["HealthCheckProtocol"], "HTTP");
    assert_eq!(tg["HealthCheckPath"], "/healthz");
    assert_eq!(tg["HealthCheckIntervalSeconds"], 10);
    assert_eq!(tg["HealthCheckTimeoutSeconds"], 5);
    assert_eq!(tg["HealthyThresholdCount"], 3);
    // Unset in the spec: the load balancer's default, written out as every target writes it.
    assert_eq!(tg["UnhealthyThresholdCount"], 2);
}

#[test]
fn with_a_nat_the_way_out_waits_for_the_attached_gateway() {
    let t = template(Path::new("examples/mixed.apr"));
    let (igw, _) = the_one(&t, "AWS::EC2::InternetGateway");
    let (attachment, a) = the_one(&t, "AWS::EC2::VPCGatewayAttachment");
    assert_eq!(a["Properties"]["InternetGatewayId"]["Ref"], igw.as_str());
    assert_eq!(a["Properties"]["VpcId"]["Ref"], "CoreVpc");
    let attached = json!([attachment]);
    // Public subnets: no public IPs on launch, routed to the gateway once it is attached.
    for zone in 0..2 {
        let subnet = format!("CorePublicSubnet{zone}");
        assert_eq!(props(&t, &subnet)["MapPublicIpOnLaunch"], false);
        assert_eq!(
            props(&t, &format!("{subnet}RouteTableAssociation"))["RouteTableId"]["Ref"],
            "CorePublicRouteTable"
        );
    }
    let public = &resources(&t)["CorePublicRoute"];
    assert_eq!(public["DependsOn"], attached);
    assert_eq!(
        public["Properties"],
        json!({
            "RouteTableId": { "Ref": "CorePublicRouteTable" },
            "DestinationCidrBlock": "0.0.0.0/0",
            "GatewayId": { "Ref": igw },
        })
    );
    // A NAT gateway per zone, in that zone's public subnet, once the gateway is attached;
    // each private subnet's table routes through its zone's NAT.
    let nats = of_type(&t, "AWS::EC2::NatGateway");
    assert_eq!(nats.len(), 2);
    for zone in 0..2 {
        let nat = &resources(&t)[&format!("CoreNatGateway{zone}")];
        assert_eq!(nat["DependsOn"], attached, "{zone}");
        let p = &nat["Properties"];
        assert_eq!(p["SubnetId"]["Ref"], format!("CorePublicSubnet{zone}"));
        assert_eq!(
            p["AllocationId"]["Fn::GetAtt"],
            json!([format!("CoreElasticIp{zone}"), "AllocationId"])
        );
        assert_eq!(props(&t, &format!("CoreElasticIp{zone}"))["Domain"], "vpc");
        let table = format!("CorePrivateRouteTable{zone}");
        assert_eq!(
            props(&t, &format!("CorePrivateRoute{zone}")),
            &json!({
                "RouteTableId": { "Ref": table },
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": { "Ref": format!("CoreNatGateway{zone}") },
            })
        );
        assert_eq!(
            props(&t, &format!("CoreSubnet{zone}RouteTableAssociation"))["RouteTableId"]["Ref"],
            table.as_str()
        );
    }
    // The ECS service starts once its tasks can reach the internet.
    let depends = resources(&t)["SearchService"]["DependsOn"]
        .as_array()
        .expect("DependsOn");
    for route in ["CorePrivateRoute0", "CorePrivateRoute1"] {
        assert!(depends.contains(&Value::from(route)), "{route}");
    }
    // App Runner and ECS share the load balancer and the VPC link; the App Runner route keeps
    // its ingress connection's HTTPS URI.
    let legacy = props(&t, "PublicAnyLegacyProxyMethod");
    assert_eq!(
        legacy["Integration"]["Uri"]["Fn::Sub"],
        "https://${LegacyIngressConnection.DomainName}/{proxy}"
    );
    assert_eq!(
        legacy["Integration"]["ConnectionId"],
        props(&t, "PublicGetSearchMethod")["Integration"]["ConnectionId"]
    );
    // Tracing: the X-Ray daemon beside the service, and the task role may write traces.
    let containers = props(&t, "SearchTaskDefinition")["ContainerDefinitions"]
        .as_array()
        .expect("containers");
    assert_eq!(containers.len(), 2);
    assert_eq!(containers[1]["Name"], "xray");
    assert_eq!(containers[1]["Essential"], false);
}

/// In an existing VPC aprc cannot add routes, so S3 is an interface endpoint too; with
/// private DNS and no gateway endpoint, AWS requires private DNS for every resolver, which
/// CloudFormation spells `AllResolvers`.
#[test]
fn in_an_existing_vpc_s3_is_an_interface_endpoint_for_all_resolvers() {
    // The corpus's ECS service in an existing VPC without a NAT.
    let input = std::path::Path::new("tests/fixtures/valid/33-ecs-existing-vpc.apr");
    let t = template(input);
    assert!(of_type(&t, "AWS::EC2::RouteTable").is_empty());
    let s3 = props(&t, "SharedS3Endpoint");
    assert_eq!(s3["VpcEndpointType"], "Interface");
    assert_eq!(s3["PrivateDnsEnabled"], true);
    assert_eq!(
        s3["DnsOptions"],
        json!({ "PrivateDnsOnlyForInboundResolverEndpoint": "AllResolvers" })
    );
    // The other interface endpoints leave DNS options alone.
    for (id, e) in of_type(&t, "AWS::EC2::VPCEndpoint") {
        if id != "SharedS3Endpoint" {
            assert!(e["Properties"].get("DnsOptions").is_none(), "{id}");
        }
    }
    let depends = resources(&t)["BillingService"]["DependsOn"]
        .as_array()
        .expect("DependsOn");
    assert!(depends.contains(&Value::from("SharedS3Endpoint")));
    let vpc = &props(&t, "BillingService")["NetworkConfiguration"]["AwsvpcConfiguration"];
    assert_eq!(
        vpc["Subnets"],
        json!(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"])
    );
}
