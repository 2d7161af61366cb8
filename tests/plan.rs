//! The `plan` target: golden snapshots, determinism, structural checks of the document, and
//! the two oracles: `tests/plan/validate_plan.py` (every call against botocore's models) and
//! `tests/plan/run_plan.py` (every call run against moto and an App Runner test double, then
//! every delete in reverse, then nothing may be left).
//!
//! The backend is also called on its own: on the seed's resource graph, lowered from its
//! hand-built checked spec (`aprc::testing`), and on a kitchen sink of every feature a plan
//! spells (`tests/plan/kitchen_sink.apr`).

#[path = "plan/checks.rs"]
mod checks;
#[path = "plan/lifecycle.rs"]
mod lifecycle;
#[path = "plan/oracles.rs"]
pub mod oracles;
#[path = "plan/reorder.rs"]
pub mod reorder;
// Only the ECS workload is built here.
#[allow(dead_code)]
use crate::specgen;
use crate::support;

use checks::{check_seed, check_structure, step, steps};
use oracles::{python, run, run_failing, validate, validate_all};
use reorder::reversed;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn build(paths: &[PathBuf]) -> String {
    let out = support::aprc()
        .current_dir(support::root())
        .arg("build")
        .args(paths)
        .args(["--target", "plan"])
        .output()
        .expect("run aprc");
    assert!(
        out.status.success(),
        "aprc build failed for {paths:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 plan")
}

fn seed_plan() -> String {
    aprc::backends::plan::emit(&aprc::testing::seed_graph()).expect("the seed graph emits")
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("the plan is JSON")
}

#[test]
fn seed_graph_plan_has_every_trap_handled() {
    check_seed(&parse(&seed_plan()));
}

#[test]
fn seed_graph_plan_is_deterministic_and_ends_with_newline() {
    let a = seed_plan();
    assert_eq!(a, seed_plan());
    assert!(a.ends_with("}\n"));
}

#[test]
fn seed_graph_plan_validates_against_botocore() {
    validate("seed-ir", &seed_plan());
}

#[test]
fn seed_graph_plan_runs_against_moto_and_deletes_everything() {
    // Renamed: the seed example creates the same physical names on the shared moto server.
    let out = run("seed-ir", &rename(&parse(&seed_plan()), "ir").to_string());
    assert!(out.contains("nothing left"), "{out}");
}

fn sink_plan() -> String {
    build(&[PathBuf::from("tests/plan/kitchen_sink.apr")])
}

#[test]
fn kitchen_sink_plan_spells_every_feature() {
    let plan = parse(&sink_plan());
    check_structure(&plan);
    // An existing VPC with nothing in it needs no call at all.
    assert!(steps(&plan)
        .iter()
        .all(|s| !s["id"].as_str().expect("id").starts_with("legacy-")));
    // The connector egress rule: all protocols to the VPC, no ports.
    let rule = step(&plan, "core-connector-sg-egress-0");
    assert_eq!(rule["input"]["IpPermissions"][0]["IpProtocol"], "-1");
    assert!(rule["input"]["IpPermissions"][0].get("FromPort").is_none());
    let service = &step(&plan, "orders-service")["input"];
    assert_eq!(
        service["NetworkConfiguration"]["EgressConfiguration"]["VpcConnectorArn"]["ref"],
        "core-connector.VpcConnectorArn"
    );
    assert_eq!(
        service["ObservabilityConfiguration"]["ObservabilityEnabled"],
        true
    );
    assert_eq!(
        service["AutoScalingConfigurationArn"]["ref"],
        "orders-autoscaling.AutoScalingConfigurationArn"
    );
    assert_eq!(
        service["InstanceConfiguration"]["InstanceRoleArn"]["ref"],
        "orders-instance-role.Arn"
    );
    assert_eq!(
        service["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]
            ["RuntimeEnvironmentSecrets"]["DB_PASSWORD"]["param"],
        "db_secret"
    );
    assert_eq!(service["HealthCheckConfiguration"]["UnhealthyThreshold"], 3);
    // The instance policy names the param's ARN exactly: the document is a join around it
    // (for both reads: the param may be a Secrets Manager or an SSM ARN).
    let doc = &step(&plan, "orders-instance-policy")["input"]["PolicyDocument"]["join"];
    let doc = doc.as_array().expect("a join");
    let mut filled = String::new();
    for part in doc {
        match (part.as_str(), part["param"].as_str()) {
            (Some(text), _) => filled.push_str(text),
            (None, Some("db_secret")) => filled.push_str("arn:x"),
            other => panic!("unexpected part {other:?}"),
        }
    }
    let filled: Value =
        serde_json::from_str(&filled).expect("the policy is JSON once the param is filled");
    let statements = filled["Statement"].as_array().expect("statements");
    for sid in ["ReadSecrets", "ReadParameters"] {
        let st = statements
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("{sid}"));
        assert!(
            st["Resource"]
                .as_array()
                .is_some_and(|r| r.contains(&"arn:x".into())),
            "{st}"
        );
    }
    // A public service over the internet, by its service URL.
    let web = steps(&plan)
        .iter()
        .find(|s| s["operation"] == "PutIntegration" && s["input"]["connectionType"] == "INTERNET")
        .expect("web");
    assert_eq!(
        web["input"]["uri"]["join"][1]["ref"],
        "web-service.ServiceUrl"
    );
    assert!(web["input"].get("connectionId").is_none());
    // The root method hangs off the REST API's root resource.
    let root = steps(&plan).iter().find(|s| {
        s["operation"] == "PutMethod"
            && s["input"]["resourceId"]["ref"] == "public-rest-api.RootResourceId"
    });
    assert_eq!(
        root.expect("root method")["input"]["authorizationType"],
        "AWS_IAM"
    );
    // Stage settings: throttling and access logs to the log group's ARN.
    let settings = step(&plan, "public-stage-settings");
    let patches = settings["input"]["patchOperations"]
        .as_array()
        .expect("patches");
    let by_path: BTreeMap<&str, &Value> = patches
        .iter()
        .map(|p| (p["path"].as_str().expect("path"), &p["value"]))
        .collect();
    assert_eq!(by_path["/*/*/throttling/rateLimit"], "100.5");
    assert_eq!(by_path["/*/*/throttling/burstLimit"], "200");
    assert_eq!(
        by_path["/accessLogSettings/destinationArn"]["join"][1]["ref"],
        "sink-account.Account"
    );
    assert!(settings["depends_on"]
        .as_array()
        .expect("deps")
        .contains(&"public-log-retention".into()));
    assert_eq!(step(&plan, "public-stage")["input"]["tracingEnabled"], true);
    assert_eq!(
        plan["parameters"]["db_secret"],
        serde_json::json!({ "type": "string" })
    );
}

#[test]
fn kitchen_sink_plan_validates_and_runs() {
    let text = sink_plan();
    validate("sink", &text);
    let out = run("sink", &text);
    assert!(out.contains("nothing left"), "{out}");
}

/// The runner is an oracle only if it notices what a broken plan leaves or gets wrong.
#[test]
fn runner_rejects_broken_plans() {
    let good = parse(&seed_plan());
    // A VPC whose delete is missing is left behind (each copy renamed so runs cannot clash).
    let mut plan = good.clone();
    let vpc = plan["steps"]
        .as_array_mut()
        .expect("steps")
        .iter_mut()
        .find(|s| s["id"] == "core-vpc")
        .expect("vpc");
    vpc.as_object_mut().expect("step").remove("delete");
    let out = run_failing("leaky", &rename(&plan, "leaky"));
    assert!(
        out.contains("left behind") && out.contains("core-vpc"),
        "{out}"
    );
    // A private service made public cannot get an ingress connection (spec trap 4).
    let mut plan = good.clone();
    let service = plan["steps"]
        .as_array_mut()
        .expect("steps")
        .iter_mut()
        .find(|s| s["id"] == "orders-service")
        .expect("service");
    service["input"]["NetworkConfiguration"]["IngressConfiguration"]["IsPubliclyAccessible"] =
        true.into();
    let out = run_failing("public", &rename(&plan, "public"));
    assert!(out.contains("IsPubliclyAccessible"), "{out}");
    // NLB targets that are not the endpoint's ENI IPs are caught (spec trap 1).
    let mut plan = good.clone();
    let targets = plan["steps"]
        .as_array_mut()
        .expect("steps")
        .iter_mut()
        .find(|s| s["id"] == "core-targets")
        .expect("targets");
    targets["input"]["Targets"][1]["Id"] = "10.0.1.250".into();
    let out = run_failing("targets", &rename(&plan, "targets"));
    assert!(out.contains("not the endpoint ENI IPs"), "{out}");
    // A usage plan still attached to its stage cannot be deleted on AWS.
    let mut plan = good.clone();
    let attach = plan["steps"]
        .as_array_mut()
        .expect("steps")
        .iter_mut()
        .find(|s| s["id"] == "public-usage-plan-stages")
        .expect("usage plan stages");
    attach.as_object_mut().expect("step").remove("delete");
    let out = run_failing("stages", &rename(&plan, "stages"));
    assert!(out.contains("refuses to delete usage plan"), "{out}");
}

fn ecs_plan(example: &str) -> Value {
    parse(&build(&[PathBuf::from(format!("examples/{example}.apr"))]))
}

/// A join's parts: literal text as it is, a ref or param as `<step.Output>` / `<name>`.
fn join_parts(value: &Value) -> Vec<String> {
    value["join"]
        .as_array()
        .expect("a join")
        .iter()
        .map(|p| match p.as_str() {
            Some(text) => text.to_string(),
            None => format!(
                "<{}>",
                p["ref"].as_str().or(p["param"].as_str()).expect("ref")
            ),
        })
        .collect()
}

fn depends_on(step: &Value) -> Vec<&str> {
    step["depends_on"]
        .as_array()
        .expect("depends_on")
        .iter()
        .map(|d| d.as_str().expect("id"))
        .collect()
}

/// Section 9 as the plan spells it: the route to an ECS service goes to the load balancer's
/// DNS name and the service's listener port; the service starts after its roles' policies,
/// listener and endpoints, and is polled until its deployment completes; its undo scales it
/// to zero (after its scalable target is gone), forces it down and waits until it is
/// inactive; the execution role writes exactly its log group's streams, in the account the
/// plan looks up.
#[test]
fn ecs_example_plan_spells_the_fargate_path() {
    let plan = ecs_plan("ecs");
    check_structure(&plan);
    // A service's listener and target group are numbered by their ports (apart from a
    // network's of the same name).
    let listener = steps(&plan)
        .iter()
        .find(|s| {
            s["operation"] == "CreateListener"
                && s["id"]
                    .as_str()
                    .is_some_and(|id| id.starts_with("orders-listener-"))
        })
        .expect("the orders listener");
    let port = listener["input"]["Port"].clone();
    assert_eq!(listener["id"], format!("orders-listener-{port}"));
    let listener = listener["id"].as_str().expect("id");
    let integration = steps(&plan)
        .iter()
        .find(|s| s["operation"] == "PutIntegration" && depends_on(s).contains(&listener))
        .expect("the orders integration");
    assert_eq!(
        join_parts(&integration["input"]["uri"]),
        [
            "http://",
            "<core-nlb.DNSName>",
            &format!(":{port}/{{proxy}}")
        ]
    );
    assert_eq!(integration["input"]["connectionType"], "VPC_LINK");
    assert_eq!(
        step(&plan, "core-nlb")["outputs"]["DNSName"],
        "LoadBalancers[0].DNSName"
    );
    let service = step(&plan, "orders-ecs");
    for needed in [
        "orders-execution-policy",
        "orders-task-policy",
        listener,
        "core-endpoint-ecr-api",
        "core-endpoint-ecr-dkr",
        "core-endpoint-logs",
        "core-endpoint-s3",
    ] {
        assert!(
            depends_on(service).contains(&needed),
            "orders-ecs after {needed}"
        );
    }
    let input = &service["input"];
    assert_eq!(
        input["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"],
        "DISABLED"
    );
    // The listener's port is the load balancer's; the tasks listen on the service's.
    assert_eq!(input["loadBalancers"][0]["containerPort"], 8080);
    assert_eq!(
        step(&plan, "orders-target-group-8080")["input"]["Port"],
        8080
    );
    assert_eq!(
        input["deploymentConfiguration"]["deploymentCircuitBreaker"]["rollback"],
        true
    );
    assert_eq!(service["wait"]["expect"], "COMPLETED");
    assert_eq!(service["delete"]["operation"], "DeleteService");
    assert_eq!(service["delete"]["input"]["force"], true);
    assert_eq!(service["delete"]["wait"]["path"], "services[0].status");
    assert_eq!(service["delete"]["wait"]["expect"], "INACTIVE");
    let drain = step(&plan, "orders-ecs-drain");
    assert_eq!(drain["delete"]["operation"], "UpdateService");
    assert_eq!(drain["delete"]["input"]["desiredCount"], 0);
    assert!(depends_on(step(&plan, "orders-scalable-target")).contains(&"orders-ecs-drain"));
    assert_eq!(
        join_parts(&step(&plan, "orders-scalable-target")["input"]["ResourceId"]),
        [
            "service/",
            "<shopecs-cluster.ClusterName>",
            "/",
            "<orders-ecs.ServiceName>"
        ]
    );
    let deregister = step(&plan, "orders-task-definition-deregister");
    assert_eq!(
        deregister["delete"]["operation"],
        "DeregisterTaskDefinition"
    );
    assert_eq!(
        step(&plan, "orders-task-definition")["delete"]["operation"],
        "DeleteTaskDefinitions"
    );
    assert!(depends_on(step(&plan, "orders-task-definition")).contains(&"orders-ecs-logs"));
    let policy = join_parts(&step(&plan, "orders-execution-policy")["input"]["PolicyDocument"]);
    assert_eq!(policy[1], "<shopecs-account.Account>");
    assert!(
        policy[0].ends_with("\"arn:aws:logs:eu-west-1:"),
        "{policy:?}"
    );
    assert!(
        policy[2].starts_with(":log-group:/aprc/shopecs/orders:*\""),
        "{policy:?}"
    );
    let container = &step(&plan, "orders-task-definition")["input"]["containerDefinitions"][0];
    assert_eq!(
        container["logConfiguration"]["options"]["awslogs-region"],
        "eu-west-1"
    );
    assert_eq!(container["command"][4], "read write");
    let s3 = &step(&plan, "core-endpoint-s3")["input"];
    assert_eq!(s3["VpcEndpointType"], "Gateway");
    assert!(s3.get("SubnetIds").is_none() && s3["RouteTableIds"].is_array());
    assert_eq!(
        plan["outputs"]["orders_service_arn"]["ref"],
        "orders-ecs.ServiceArn"
    );
}

/// With `nat = true`: the public route and the NAT gateways wait for the internet gateway's
/// attachment; a NAT gateway is polled until available, and its delete until deleted, before
/// its Elastic IP is released and the gateway detached (both depend on it being gone).
#[test]
fn mixed_example_plan_waits_for_nat_gateways_both_ways() {
    let plan = ecs_plan("mixed");
    check_structure(&plan);
    assert!(
        depends_on(step(&plan, "core-route-public")).contains(&"core-internet-gateway-attachment")
    );
    for zone in 0..2 {
        let nat = step(&plan, &format!("core-nat-gateway-{zone}"));
        let deps = depends_on(nat);
        for needed in [
            "core-internet-gateway-attachment".to_string(),
            format!("core-eip-{zone}"),
            format!("core-subnet-public-{zone}"),
        ] {
            assert!(deps.contains(&needed.as_str()), "{zone}: {needed}");
        }
        assert_eq!(nat["wait"]["expect"], "available");
        assert_eq!(nat["delete"]["wait"]["expect"], "deleted");
        assert_eq!(
            step(&plan, &format!("core-route-{zone}"))["input"]["NatGatewayId"]["ref"],
            format!("core-nat-gateway-{zone}.NatGatewayId")
        );
        assert!(
            depends_on(step(&plan, "search-ecs")).contains(&format!("core-route-{zone}").as_str())
        );
    }
    // The App Runner side is what it was: https to the ingress domain.
    let legacy = steps(&plan)
        .iter()
        .find(|s| s["operation"] == "PutIntegration" && depends_on(s).contains(&"legacy-ingress"))
        .expect("legacy integration");
    assert_eq!(join_parts(&legacy["input"]["uri"])[0], "https://");
}

/// ECS in an existing VPC without a NAT: no route table of aprc's, so S3 is an interface
/// endpoint with private DNS, which AWS takes without a gateway endpoint only with
/// `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint = false`. The plan is valid in
/// botocore's models and runs on moto in a stand-in VPC.
#[test]
fn ecs_in_an_existing_vpc_spells_the_s3_interface_endpoints_dns_options() {
    // The corpus's ECS service in an existing VPC without a NAT.
    let spec = PathBuf::from("tests/fixtures/valid/33-ecs-existing-vpc.apr");
    let text = build(&[spec]);
    let plan = parse(&text);
    check_structure(&plan);
    assert!(steps(&plan)
        .iter()
        .all(|s| s["operation"] != "CreateRouteTable"));
    let s3 = &step(&plan, "shared-endpoint-s3")["input"];
    assert_eq!(s3["VpcEndpointType"], "Interface");
    assert_eq!(s3["PrivateDnsEnabled"], true);
    assert_eq!(
        s3["DnsOptions"],
        serde_json::json!({ "PrivateDnsOnlyForInboundResolverEndpoint": false })
    );
    assert!(depends_on(step(&plan, "billing-ecs")).contains(&"shared-endpoint-s3"));
    validate("legacyecs", &text);
    let out = run("legacyecs", &text);
    assert!(out.contains("nothing left"), "{out}");
}

/// App Runner and ECS in one network without a NAT: App Runner's "requests" endpoint beside
/// Fargate's endpoints. The load balancer's targets are that one endpoint's interface IPs
/// (the runner checks them), the ECS service's are its tasks; the plan runs on moto and
/// leaves nothing.
#[test]
fn mixed_network_without_nat_runs_with_both_kinds_of_endpoint() {
    let spec = PathBuf::from("tests/fixtures/valid/36-mixed-computes-no-nat.apr");
    let text = build(&[spec]);
    let plan = parse(&text);
    check_structure(&plan);
    let endpoints: Vec<&str> = steps(&plan)
        .iter()
        .filter(|s| s["operation"] == "CreateVpcEndpoint")
        .filter_map(|s| s["input"]["ServiceName"].as_str())
        .collect();
    assert_eq!(
        endpoints.len(),
        6,
        "requests, ecr.api, ecr.dkr, logs, s3, ssm: {endpoints:?}"
    );
    let out = run("sidebyside", &text);
    assert!(out.contains("nothing left"), "{out}");
}

/// In China, ECR's interface endpoints are `cn.com.amazonaws.<region>.ecr.*` (S3's gateway,
/// logs and Secrets Manager keep `com.amazonaws`); the plan runs on moto and leaves nothing.
#[test]
fn china_endpoints_have_chinas_service_names() {
    let spec = PathBuf::from("tests/fixtures/valid/37-ecs-china-no-nat.apr");
    let text = build(&[spec]);
    let plan = parse(&text);
    check_structure(&plan);
    let mut endpoints: Vec<&str> = steps(&plan)
        .iter()
        .filter(|s| s["operation"] == "CreateVpcEndpoint")
        .filter_map(|s| s["input"]["ServiceName"].as_str())
        .collect();
    endpoints.sort_unstable();
    assert_eq!(
        endpoints,
        [
            "cn.com.amazonaws.cn-north-1.ecr.api",
            "cn.com.amazonaws.cn-north-1.ecr.dkr",
            "com.amazonaws.cn-north-1.logs",
            "com.amazonaws.cn-north-1.s3",
            "com.amazonaws.cn-north-1.secretsmanager",
        ]
    );
    assert!(!text.contains("arn:aws:"), "an ARN outside aws-cn");
    let out = run("china", &text);
    assert!(out.contains("nothing left"), "{out}");
}

/// The all-ECS benchmark workload (60 services over two networks with NAT gateways, an api
/// key per api): every call valid in botocore's models, ids distinct at that size.
#[test]
fn the_ecs_benchmark_workload_validates_against_botocore() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("bench.apr");
    std::fs::write(&spec, specgen::spec_ecs(60)).expect("spec");
    let text = build(&[spec]);
    let plan = parse(&text);
    check_structure(&plan);
    let services = steps(&plan)
        .iter()
        .filter(|s| s["service"] == "ecs" && s["operation"] == "CreateService")
        .count();
    assert_eq!(services, 60);
    validate("bench-ecs", &text);
}

/// The runner's refusals that hold the ECS and NAT deletes to AWS's order, and its check
/// that an ECS integration reaches an ECS service's listener.
#[test]
fn runner_rejects_broken_ecs_plans() {
    let good = ecs_plan("ecs");
    // Deleting a task definition that was never deregistered.
    let mut plan = good.clone();
    without_delete(&mut plan, "orders-task-definition-deregister");
    let out = run_failing("deregister", &rename_app(&plan, "shopecs", "dereg"));
    assert!(out.contains("before it is deregistered"), "{out}");
    // An integration to a port where no ECS service listens.
    let mut plan = good.clone();
    let integration = plan["steps"]
        .as_array_mut()
        .expect("steps")
        .iter_mut()
        .find(|s| s["operation"] == "PutIntegration")
        .expect("integration");
    let uri = &mut integration["input"]["uri"]["join"][2];
    *uri = uri
        .as_str()
        .expect("port and path")
        .replacen(':', ":1", 1)
        .into();
    let out = run_failing("port", &rename_app(&plan, "shopecs", "port"));
    assert!(out.contains("forwards to no ECS service"), "{out}");
    // A NAT gateway never deleted keeps its Elastic IP.
    let mut plan = rename_app(&ecs_plan("mixed"), "mixed", "leakynat");
    without_delete(&mut plan, "core-nat-gateway-1");
    let out = run_failing("nat", &plan);
    assert!(out.contains("refuses to release"), "{out}");
}

fn without_delete(plan: &mut Value, id: &str) {
    let found = plan["steps"]
        .as_array_mut()
        .expect("steps")
        .iter_mut()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}"));
    found.as_object_mut().expect("step").remove("delete");
}

/// The plan with its app's name (which starts every physical name) changed, so that it
/// cannot clash with another run of the same example on a shared moto server.
fn rename_app(plan: &Value, app: &str, new: &str) -> Value {
    parse(&plan.to_string().replace(app, new))
}

/// The plan with every physical name prefixed, so it cannot clash with another test's run
/// on a shared moto server.
fn rename(plan: &Value, prefix: &str) -> Value {
    let text = plan
        .to_string()
        .replace("\"seed-", &format!("\"{prefix}-seed-"));
    parse(&text)
}

/// Damages a copy of a plan.
type Breakage = fn(&mut Value);

/// The validator is an oracle only if it rejects what botocore would: a misspelled member,
/// a wrong type, an operation that does not exist, an output path the response lacks; and a
/// ref to an output no step declares.
#[test]
fn validator_rejects_broken_plans() {
    let good = parse(&seed_plan());
    let breakages: [(&str, Breakage); 8] = [
        ("member", |p| {
            p["steps"][1]["input"]["CidrBlok"] = "10.0.0.0/16".into()
        }),
        ("type", |p| p["steps"][1]["input"]["CidrBlock"] = 16.into()),
        ("operation", |p| {
            p["steps"][1]["operation"] = "MakeVpc".into()
        }),
        ("output", |p| {
            p["steps"][1]["outputs"]["VpcId"] = "Vpc.Id".into()
        }),
        ("ref", |p| {
            p["steps"][2]["input"]["VpcId"]["ref"] = "core-vpc.Id".into()
        }),
        ("version", |p| p["version"] = 1.into()),
        ("delete wait", |p| {
            p["steps"][1]["delete"]["wait"] = serde_json::json!({
                "operation": "DescribeVpcs",
                "input": { "VpcIds": [{ "ref": "core-vpc.VpcId" }] },
                "path": "Vpcs[0].Status",
                "expect": "gone",
                "timeout_seconds": 60,
            })
        }),
        ("wait output", |p| {
            for step in p["steps"].as_array_mut().into_iter().flatten() {
                let wait = step.get_mut("wait");
                if let Some(outputs) = wait.and_then(|w| w.get_mut("outputs")) {
                    outputs["DomainName"] = "VpcIngressConnection.Domain".into();
                }
            }
        }),
    ];
    // One run over every broken plan (botocore's models load once); each must be refused.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for (what, breakage) in breakages {
        let mut plan = good.clone();
        assert_eq!(plan["steps"][1]["operation"], "CreateVpc");
        breakage(&mut plan);
        let path = dir.path().join(format!("{}.json", what.replace(' ', "-")));
        std::fs::write(&path, plan.to_string()).expect("write plan");
        paths.push((what, path.display().to_string()));
    }
    let args: Vec<&str> = paths.iter().map(|(_, p)| p.as_str()).collect();
    let (ok, out) = python("validate_plan.py", &args);
    assert!(!ok, "validate_plan.py accepted every broken plan:\n{out}");
    for (what, path) in &paths {
        assert!(
            out.contains(&format!("{path}:\n")) && !out.contains(&format!("ok: {path}:")),
            "validate_plan.py accepted a broken {what}:\n{out}"
        );
    }
}

/// Plan format version 2 (spec section 8): a literal object whose only key is a form's name
/// (an env map `{ ref = "..." }`) is written `{"object": ..}`, so no reader takes it for a
/// ref; botocore's models and a run on moto read it as the data it is.
#[test]
fn literal_objects_shaped_like_forms_are_escaped_and_run_as_data() {
    let (_dir, spec) = support::spec_file(
        "escape.apr",
        r#"app escape {
  region = "eu-west-1"
}

service web {
  image = "public.ecr.aws/acme/web:1.0"
  env   = { ref = "web-service.ServiceArn" }
}

service api {
  image = "public.ecr.aws/acme/api:1.0"
  env   = { object = "x" }
}
"#,
    );
    let text = build(&[spec]);
    let plan = parse(&text);
    check_structure(&plan);
    let env = |id: &str| {
        plan["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["id"] == id)
            .map(|s| {
                s["input"]["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]
                    ["RuntimeEnvironmentVariables"]
                    .clone()
            })
            .expect("service step")
    };
    assert_eq!(
        env("web-service"),
        serde_json::json!({ "object": { "ref": "web-service.ServiceArn" } })
    );
    assert_eq!(
        env("api-service"),
        serde_json::json!({ "object": { "object": "x" } })
    );
    // Not a ref: no dependency of the service on itself or anything else.
    for s in plan["steps"].as_array().expect("steps") {
        assert_eq!(s["depends_on"], serde_json::json!([]), "{}", s["id"]);
    }
    validate("escape", &text);
    run("escape", &text);
}

// ---------------------------------------------------------------------------------------
// Every example, through the whole pipeline.
// ---------------------------------------------------------------------------------------

#[test]
fn examples_match_snapshots() {
    for example in support::examples() {
        let name = support::example_name(&example);
        let text = build(std::slice::from_ref(&example));
        check_structure(&parse(&text));
        insta::assert_snapshot!(name.clone(), text);
    }
}

/// `--param NAME=VALUE` bakes the value in: the param leaves `parameters` and every use.
#[test]
fn baked_params_are_literal_in_the_plan() {
    let out = support::aprc()
        .current_dir(support::root())
        .args([
            "build",
            "examples/seed.apr",
            "--target",
            "plan",
            "--param",
            "image_tag=9.9.9",
        ])
        .output()
        .expect("run aprc");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = parse(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(plan["parameters"], serde_json::json!({}));
    let image = &step(&plan, "orders-service")["input"]["SourceConfiguration"]["ImageRepository"]
        ["ImageIdentifier"];
    assert_eq!(
        image,
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:9.9.9"
    );
    assert!(!plan.to_string().contains("\"param\""));
}

#[test]
fn seed_example_handles_every_trap() {
    check_seed(&parse(&build(&[PathBuf::from("examples/seed.apr")])));
}

#[test]
fn examples_validate_against_botocore() {
    let plans: Vec<(String, String)> = support::examples()
        .into_iter()
        .map(|example| (support::example_name(&example), build(&[example])))
        .collect();
    validate_all(&plans);
}

#[test]
fn examples_run_against_moto_and_delete_everything() {
    for example in support::examples() {
        let name = support::example_name(&example);
        let out = run(&name, &build(&[example]));
        assert!(out.contains("nothing left"), "{name}: {out}");
    }
}

#[test]
fn examples_are_deterministic_and_independent_of_declaration_order() {
    for example in support::examples() {
        let name = support::example_name(&example);
        let first = build(std::slice::from_ref(&example));
        assert_eq!(
            first,
            build(std::slice::from_ref(&example)),
            "{name}: two builds differ"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let files: Vec<PathBuf> = if example.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(support::root().join(&example))
                .expect("example dir")
                .map(|e| e.expect("entry").path())
                .collect();
            files.sort();
            files
        } else {
            vec![support::root().join(&example)]
        };
        let copy = dir.path().join(&name);
        std::fs::create_dir(&copy).expect("copy dir");
        for file in &files {
            let text = std::fs::read_to_string(file).expect("read example");
            let target = copy.join(file.file_name().expect("file name"));
            let shuffled = reversed(&text);
            // Every example file has two blocks or two routes, so the copy really differs.
            assert_ne!(shuffled, text, "{}: nothing to reverse", file.display());
            std::fs::write(target, shuffled).expect("write reversed copy");
        }
        let shuffled = if example.is_dir() {
            copy.clone()
        } else {
            copy.join(files[0].file_name().expect("name"))
        };
        let shuffled = build(&[shuffled]);
        assert_eq!(
            first, shuffled,
            "{name}: reversing the declarations changed the plan"
        );
    }
}

/// aprc's region lists are botocore's: every region of every partition (E0115), and those
/// with App Runner (E0320).
#[test]
fn region_lists_are_botocores() {
    for (args, ours) in [
        (&[][..], &aprc::check::REGIONS[..]),
        (&["apprunner"][..], &aprc::check::APP_RUNNER_REGIONS[..]),
    ] {
        let (ok, text) = python("regions.py", args);
        assert!(ok, "{text}");
        let theirs: Vec<&str> = text.lines().collect();
        assert_eq!(ours, &theirs[..], "{args:?}");
    }
    let (ok, text) = python("regions.py", &["partitions"]);
    assert!(ok, "{text}");
    let mut lines: Vec<&str> = text.lines().collect();
    let names = lines.pop().expect("the partitions");
    assert_eq!(aprc::backends::PARTITION_NAMES.join(" "), names);
    for line in lines {
        let [region, partition, suffix] = line.split(' ').collect::<Vec<_>>()[..] else {
            panic!("{line}")
        };
        assert_eq!(
            (
                aprc::backends::partition(region),
                aprc::backends::dns_suffix(region)
            ),
            (partition, suffix),
            "{region}"
        );
    }
}
