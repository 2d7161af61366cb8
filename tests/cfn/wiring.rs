//! Structural assertions on emitted templates: the traps of spec section 6 (the private chain
//! of the seed, redeployment on route changes), privacy and least privilege on every example,
//! and tags. Parsed JSON is inspected, not text, so formatting cannot hide a regression.

use super::*;
/// The deployment's logical id follows the routes, so a route change creates a new deployment.
#[test]
fn changing_a_route_renames_the_deployment() {
    let seed = std::fs::read_to_string(root().join("examples/seed.apr")).expect("seed");
    let changed = seed.replace(
        "route ANY /{proxy+} -> orders",
        "route ANY /v2/{proxy+} -> orders /{proxy}",
    );
    assert_ne!(
        seed, changed,
        "the seed's route is where this test expects it"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("seed.apr");
    std::fs::write(&path, changed).expect("write");
    let before = template(Path::new("examples/seed.apr"));
    let after = template(&path);
    let (id_before, _) = the_one(&before, "AWS::ApiGateway::Deployment");
    let (id_after, _) = the_one(&after, "AWS::ApiGateway::Deployment");
    assert!(
        id_before.starts_with("PublicDeployment")
            && id_before.len() >= "PublicDeployment".len() + 8,
        "{id_before}"
    );
    assert_ne!(id_before, id_after);
    // And the stage follows the new deployment.
    let (_, stage) = the_one(&after, "AWS::ApiGateway::Stage");
    assert_eq!(
        stage["Properties"]["DeploymentId"]["Ref"],
        id_after.as_str()
    );
}

#[test]
fn seed_wires_the_private_chain() {
    let t = template(Path::new("examples/seed.apr"));
    let r = resources(&t);

    // The requests endpoint: interface, apprunner.requests in the stack's region, no private DNS.
    let (endpoint_id, endpoint) = the_one(&t, "AWS::EC2::VPCEndpoint");
    let ep = &endpoint["Properties"];
    assert_eq!(ep["VpcEndpointType"], "Interface");
    assert_eq!(
        ep["ServiceName"]["Fn::Sub"],
        "com.amazonaws.${AWS::Region}.apprunner.requests"
    );
    assert_eq!(ep["PrivateDnsEnabled"], false);
    assert_eq!(ep["SubnetIds"].as_array().map(Vec::len), Some(2));

    // The ENI lookup answers for that endpoint, and the target group's two targets are its IPs.
    let (lookup_id, lookup) = the_one(&t, "Custom::EndpointEniIps");
    assert_eq!(
        lookup["Properties"]["VpcEndpointId"]["Ref"],
        endpoint_id.as_str()
    );
    assert_eq!(lookup["Properties"]["SubnetIds"], ep["SubnetIds"]);
    let (tg_id, tg) = the_one(&t, "AWS::ElasticLoadBalancingV2::TargetGroup");
    let tg = &tg["Properties"];
    assert_eq!(
        (&tg["Protocol"], &tg["Port"], &tg["TargetType"]),
        (&Value::from("TCP"), &Value::from(443), &Value::from("ip"))
    );
    let targets = tg["Targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 2);
    for (i, target) in targets.iter().enumerate() {
        assert_eq!(
            target["Id"]["Fn::GetAtt"],
            serde_json::json!([lookup_id, format!("Ip{i}")])
        );
        assert_eq!(target["Port"], 443);
    }

    // Internal network NLB, cross-zone, PrivateLink enforcement off, TCP 443 listener, VPC link.
    let (nlb_id, nlb) = the_one(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    let nlb = &nlb["Properties"];
    assert_eq!(
        (&nlb["Type"], &nlb["Scheme"]),
        (&Value::from("network"), &Value::from("internal"))
    );
    assert_eq!(
        nlb["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"],
        "off"
    );
    assert!(nlb["LoadBalancerAttributes"]
        .as_array()
        .expect("attributes")
        .contains(
            &serde_json::json!({ "Key": "load_balancing.cross_zone.enabled", "Value": "true" })
        ));
    let (_, listener) = the_one(&t, "AWS::ElasticLoadBalancingV2::Listener");
    let l = &listener["Properties"];
    assert_eq!(
        (&l["Protocol"], &l["Port"]),
        (&Value::from("TCP"), &Value::from(443))
    );
    assert_eq!(l["LoadBalancerArn"]["Ref"], nlb_id.as_str());
    assert_eq!(
        l["DefaultActions"][0]["TargetGroupArn"]["Ref"],
        tg_id.as_str()
    );
    let (link_id, link) = the_one(&t, "AWS::ApiGateway::VpcLink");
    assert_eq!(
        link["Properties"]["TargetArns"],
        serde_json::json!([{ "Ref": nlb_id }])
    );

    // The private service and its ingress connection to that endpoint.
    let (svc_id, svc) = the_one(&t, "AWS::AppRunner::Service");
    assert_eq!(
        svc["Properties"]["NetworkConfiguration"]["IngressConfiguration"]["IsPubliclyAccessible"],
        false
    );
    let (conn_id, conn) = the_one(&t, "AWS::AppRunner::VpcIngressConnection");
    assert_eq!(
        conn["Properties"]["ServiceArn"]["Fn::GetAtt"],
        serde_json::json!([svc_id, "ServiceArn"])
    );
    assert_eq!(
        conn["Properties"]["IngressVpcConfiguration"]["VpcEndpointId"]["Ref"],
        endpoint_id.as_str()
    );

    // ANY /{proxy+}: HTTP_PROXY through the VPC link to the connection's domain, {proxy} mapped.
    let (_, method) = the_one(&t, "AWS::ApiGateway::Method");
    let m = &method["Properties"];
    assert_eq!(m["HttpMethod"], "ANY");
    assert_eq!(m["ApiKeyRequired"], true);
    assert_eq!(
        m["RequestParameters"],
        serde_json::json!({ "method.request.path.proxy": true })
    );
    let i = &m["Integration"];
    assert_eq!(
        (&i["Type"], &i["ConnectionType"]),
        (&Value::from("HTTP_PROXY"), &Value::from("VPC_LINK"))
    );
    assert_eq!(i["ConnectionId"]["Ref"], link_id.as_str());
    assert_eq!(
        i["Uri"]["Fn::Sub"],
        format!("https://${{{conn_id}.DomainName}}/{{proxy}}")
    );
    assert_eq!(
        i["RequestParameters"],
        serde_json::json!({ "integration.request.path.proxy": "method.request.path.proxy" })
    );

    // Api key, usage plan on the stage, and their association.
    let (key_id, _) = the_one(&t, "AWS::ApiGateway::ApiKey");
    let (plan_id, plan) = the_one(&t, "AWS::ApiGateway::UsagePlan");
    let (stage_id, _) = the_one(&t, "AWS::ApiGateway::Stage");
    assert_eq!(
        plan["Properties"]["ApiStages"][0]["Stage"]["Ref"],
        stage_id.as_str()
    );
    let (_, assoc) = the_one(&t, "AWS::ApiGateway::UsagePlanKey");
    assert_eq!(assoc["Properties"]["KeyId"]["Ref"], key_id.as_str());
    assert_eq!(assoc["Properties"]["UsagePlanId"]["Ref"], plan_id.as_str());
    assert_eq!(assoc["Properties"]["KeyType"], "API_KEY");

    // The deployment waits for every method.
    let (_, deployment) = the_one(&t, "AWS::ApiGateway::Deployment");
    let methods: Vec<Value> = of_type(&t, "AWS::ApiGateway::Method")
        .iter()
        .map(|(id, _)| Value::from(id.as_str()))
        .collect();
    assert_eq!(deployment["DependsOn"], Value::Array(methods));

    // The image tag stays a parameter.
    assert_eq!(t["Parameters"]["ImageTag"]["Default"], "1.0.0");
    assert!(r.contains_key("EniLookupFunction"));
}

/// Actions AWS does not scope to resources: the only ones that may have `Resource: "*"`.
const UNSCOPED_ACTIONS: &[&str] = &[
    "ecr:GetAuthorizationToken",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcEndpointServices",
    "ec2:DescribeVpcEndpoints",
];

fn strings(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

#[test]
fn every_example_is_private_and_least_privilege_by_default() {
    for example in examples() {
        let t = template(&example);
        let name = example.display();
        for (id, res) in resources(&t) {
            let p = &res["Properties"];
            match res["Type"].as_str().unwrap_or_default() {
                "AWS::EC2::SecurityGroupIngress" => {
                    assert_ne!(p["CidrIp"], "0.0.0.0/0", "{name}: {id} admits the world");
                    assert!(p.get("CidrIpv6").is_none(), "{name}: {id}");
                    assert!(
                        p["Description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{name}: {id} has no description"
                    );
                }
                "AWS::EC2::SecurityGroupEgress" => {
                    assert!(
                        p["Description"].as_str().is_some_and(|d| !d.is_empty()),
                        "{name}: {id} has no description"
                    );
                }
                "AWS::EC2::SecurityGroup" => {
                    // No inline ingress; the only inline egress rule is the placeholder that
                    // stops CloudFormation from adding allow-all egress.
                    assert!(p.get("SecurityGroupIngress").is_none(), "{name}: {id}");
                    let egress = p["SecurityGroupEgress"].as_array().expect("inline egress");
                    assert_eq!(egress.len(), 1, "{name}: {id}");
                    assert_eq!(egress[0]["CidrIp"], "255.255.255.255/32", "{name}: {id}");
                    assert_eq!(
                        egress[0]["Description"], "Disallow all traffic",
                        "{name}: {id}"
                    );
                }
                "AWS::IAM::Role" => {
                    assert!(
                        p.get("RoleName").is_none(),
                        "{name}: {id} names its role (needs CAPABILITY_NAMED_IAM)"
                    );
                    // The account's API Gateway logging role: exactly the AWS-managed policy
                    // made for it, kept when the stack goes (spec section 8).
                    if let Some(managed) = p.get("ManagedPolicyArns") {
                        assert_eq!(
                            *managed,
                            serde_json::json!([{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" }]),
                            "{name}: {id}"
                        );
                        assert!(p.get("Policies").is_none(), "{name}: {id}");
                        assert_eq!(res["DeletionPolicy"], "Retain", "{name}: {id}");
                        assert_eq!(
                            p["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
                            "apigateway.amazonaws.com",
                            "{name}: {id}"
                        );
                    }
                    let inline = p["Policies"].as_array().map(Vec::as_slice);
                    let inline = if p.get("ManagedPolicyArns").is_some() {
                        &[][..]
                    } else {
                        inline.expect("inline policies")
                    };
                    for policy in inline {
                        for st in policy["PolicyDocument"]["Statement"]
                            .as_array()
                            .expect("statements")
                        {
                            let actions = strings(&st["Action"]);
                            for action in &actions {
                                let a = action.as_str().expect("literal action");
                                assert!(
                                    !a.contains('*'),
                                    "{name}: {id} allows wildcard action {a}"
                                );
                            }
                            if strings(&st["Resource"]).contains(&&Value::from("*")) {
                                for action in &actions {
                                    let a = action.as_str().unwrap_or_default();
                                    assert!(
                                        UNSCOPED_ACTIONS.contains(&a),
                                        "{name}: {id} grants {a} on every resource"
                                    );
                                }
                            }
                        }
                    }
                }
                "AWS::AppRunner::Service" => {
                    // A private service never gets a public URL; a public one never an ingress
                    // connection (checked through the outputs below).
                    assert!(p["NetworkConfiguration"]["IngressConfiguration"]
                        ["IsPubliclyAccessible"]
                        .is_boolean());
                }
                _ => {}
            }
            // Every taggable resource carries the app tag.
            if let Some(tags) = p.get("Tags") {
                assert!(
                    tags.as_array()
                        .expect("tag list")
                        .iter()
                        .any(|tag| tag["Key"] == "app"),
                    "{name}: {id} lacks the app tag"
                );
            }
        }
        // Outputs: never the api key's value (CloudFormation only exposes it through Ref = id).
        for (out_id, out) in t["Outputs"].as_object().into_iter().flatten() {
            let text = out["Value"].to_string();
            assert!(
                !text.contains("Value\"]"),
                "{name}: output {out_id} exposes a value: {text}"
            );
            if out_id.ends_with("ApiKeyId") {
                assert!(
                    out["Value"]["Ref"]
                        .as_str()
                        .is_some_and(|r| r.ends_with("ApiKey")),
                    "{name}: {out_id}"
                );
            }
        }
        // Region-agnostic: zones come from Fn::GetAZs, or, in a network that carries the App
        // Runner requests endpoint, from the lookup of the zones its service is offered in
        // (spec section 8), whose service name is built from AWS::Region.
        let endpoint_zones = of_type(&t, "Custom::EndpointServiceZones");
        for (id, subnet) in of_type(&t, "AWS::EC2::Subnet") {
            let az = &subnet["Properties"]["AvailabilityZone"];
            let from_region = az["Fn::Select"][1].get("Fn::GetAZs").is_some();
            let from_endpoint_service = az["Fn::GetAtt"][0]
                .as_str()
                .is_some_and(|lookup| endpoint_zones.iter().any(|(z, _)| z.as_str() == lookup));
            assert!(from_region || from_endpoint_service, "{name}: {id}: {az}");
        }
        for (id, lookup) in &endpoint_zones {
            assert_eq!(
                lookup["Properties"]["ServiceName"],
                serde_json::json!({ "Fn::Sub": "com.amazonaws.${AWS::Region}.apprunner.requests" }),
                "{name}: {id}"
            );
        }
    }
}

#[test]
fn taggable_resources_are_tagged_and_untaggable_ones_are_not() {
    let untaggable = [
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::UsagePlanKey",
        "Custom::EndpointEniIps",
        "Custom::EndpointServiceZones",
        "AWS::ApiGateway::Account",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
    ];
    let app = |name: &str| serde_json::json!({ "Key": "app", "Value": name });
    let team = serde_json::json!({ "Key": "team", "Value": "payments" });
    let cases = [
        (
            "examples/shop.apr",
            serde_json::json!([app("shop"), { "Key": "env", "Value": "prod" }, team]),
        ),
        (
            "examples/ecs.apr",
            serde_json::json!([app("shopecs"), team]),
        ),
        ("examples/mixed.apr", serde_json::json!([app("mixed")])),
    ];
    for (example, expected) in cases {
        let t = template(Path::new(example));
        for (id, res) in resources(&t) {
            let ty = res["Type"].as_str().unwrap_or_default();
            let tagged = res["Properties"].get("Tags").is_some();
            assert_eq!(tagged, !untaggable.contains(&ty), "{example}: {id} ({ty})");
            if tagged {
                assert_eq!(res["Properties"]["Tags"], expected, "{example}: {id}");
            }
        }
    }
}

#[test]
fn shop_wires_public_targets_iam_auth_throttling_logs_and_secrets() {
    let t = template(Path::new("examples/shop.apr"));
    let r = resources(&t);
    // A public target integrates over the internet with its service URL.
    let shop = &r["PublicAnyShopProxyMethod"]["Properties"];
    assert_eq!(shop["Integration"]["ConnectionType"], "INTERNET");
    assert!(shop["Integration"].get("ConnectionId").is_none());
    assert_eq!(
        shop["Integration"]["Uri"]["Fn::Sub"],
        "https://${StorefrontService.ServiceUrl}/{proxy}"
    );
    assert_eq!(
        r["StorefrontService"]["Properties"]["NetworkConfiguration"]["IngressConfiguration"]
            ["IsPubliclyAccessible"],
        true
    );
    // A renamed path variable is declared on the method and mapped on the integration.
    let users = &r["PublicGetUsersIdMethod"]["Properties"];
    assert_eq!(
        users["RequestParameters"],
        serde_json::json!({ "method.request.path.id": true })
    );
    assert_eq!(
        users["Integration"]["RequestParameters"],
        serde_json::json!({ "integration.request.path.id": "method.request.path.id" })
    );
    assert_eq!(
        users["Integration"]["Uri"]["Fn::Sub"],
        "https://${UsersIngressConnection.DomainName}/v1/users/{id}"
    );
    // auth = iam: AWS_IAM on every method of that api, and no key.
    for (id, m) in of_type(&t, "AWS::ApiGateway::Method") {
        let expected = if id.starts_with("Admin") {
            "AWS_IAM"
        } else {
            "NONE"
        };
        assert_eq!(m["Properties"]["AuthorizationType"], expected, "{id}");
        assert_eq!(
            m["Properties"]["ApiKeyRequired"],
            !id.starts_with("Admin"),
            "{id}"
        );
    }
    // Throttling on the stage and the usage plan; tracing; the access log to its own group.
    let stage = &r["PublicStage"]["Properties"];
    assert_eq!(
        stage["MethodSettings"],
        serde_json::json!([{ "ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": 100, "ThrottlingBurstLimit": 200 }])
    );
    assert_eq!(
        r["PublicUsagePlan"]["Properties"]["Throttle"],
        serde_json::json!({ "RateLimit": 100, "BurstLimit": 200 })
    );
    assert_eq!(stage["TracingEnabled"], true);
    assert!(stage["AccessLogSetting"]["DestinationArn"]["Fn::Sub"]
        .as_str()
        .is_some_and(|s| s.ends_with(":log-group:${PublicAccessLogGroup}")));
    assert!(stage["AccessLogSetting"]["Format"]
        .as_str()
        .is_some_and(|f| f.contains("$context.requestId")));
    assert_eq!(
        r["PublicAccessLogGroup"]["Properties"]["RetentionInDays"],
        365
    );
    // Secrets: the env var names the ARN (a param here), and the instance role reads exactly it.
    let orders = &r["OrdersService"]["Properties"];
    let secrets = &orders["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]
        ["RuntimeEnvironmentSecrets"];
    assert_eq!(
        *secrets,
        serde_json::json!([{ "Name": "DB_PASSWORD", "Value": { "Ref": "DbSecret" } }])
    );
    assert_eq!(
        orders["InstanceConfiguration"]["InstanceRoleArn"]["Fn::GetAtt"],
        serde_json::json!(["OrdersInstanceRole", "Arn"])
    );
    let statements =
        &r["OrdersInstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
    let read = statements
        .as_array()
        .expect("statements")
        .iter()
        .find(|s| s["Action"] == serde_json::json!(["secretsmanager:GetSecretValue"]))
        .expect("secret read");
    assert_eq!(read["Resource"], serde_json::json!([{ "Ref": "DbSecret" }]));
    // VPC egress through the network's connector, tracing through its observability config.
    assert_eq!(
        orders["NetworkConfiguration"]["EgressConfiguration"]["VpcConnectorArn"]["Fn::GetAtt"],
        serde_json::json!(["CoreVpcConnector", "VpcConnectorArn"])
    );
    assert_eq!(
        orders["ObservabilityConfiguration"]["ObservabilityEnabled"],
        true
    );
    assert_eq!(
        r["OrdersObservability"]["Properties"]["TraceConfiguration"]["Vendor"],
        "AWSXRAY"
    );
    assert_eq!(r["OrdersAutoScaling"]["Properties"]["MaxSize"], 10);
    // The private services the apis reach share one endpoint, one NLB and one VPC link.
    assert_eq!(of_type(&t, "AWS::EC2::VPCEndpoint").len(), 1);
    assert_eq!(of_type(&t, "AWS::ApiGateway::VpcLink").len(), 1);
    assert_eq!(of_type(&t, "AWS::AppRunner::VpcIngressConnection").len(), 3);
}
