//! The `plan` target: golden snapshots, determinism, structural checks of the document, and
//! the two oracles: `tests/plan/validate_plan.py` (every call against botocore's models) and
//! `tests/plan/run_plan.py` (every call run against moto and an App Runner test double, then
//! every delete in reverse, then nothing may be left).
//!
//! The seed architecture is also built as a hand-written IR (`tests/plan/seed_ir.rs`), so the
//! backend is tested on its own as well as through the whole pipeline.

#[path = "plan/seed_ir.rs"]
mod seed_ir;
mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

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
    aprc::backends::plan::emit(&seed_ir::seed_ir()).expect("the seed IR emits")
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("the plan is JSON")
}

fn steps(plan: &Value) -> &Vec<Value> {
    plan["steps"].as_array().expect("steps")
}

fn step<'a>(plan: &'a Value, id: &str) -> &'a Value {
    steps(plan)
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

/// `(step, output)` of every ref inside `value`.
fn refs(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("ref") => {
            let r = map["ref"].as_str().expect("a ref is a string");
            let (step, output) = r.split_once('.').expect("STEP.OUTPUT");
            out.push((step.to_string(), output.to_string()));
        }
        Value::Object(map) => map.values().for_each(|v| refs(v, out)),
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The document invariants of spec section 7, for any plan.
fn check_structure(plan: &Value) {
    for key in ["version", "app", "region", "parameters", "steps", "outputs"] {
        assert!(plan.get(key).is_some(), "missing `{key}`");
    }
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in steps(plan) {
        let id = s["id"].as_str().expect("id").to_string();
        assert!(!seen.contains_key(&id), "duplicate step id {id}");
        let outputs: BTreeSet<String> = s
            .get("outputs")
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        let depends: BTreeSet<String> = s["depends_on"]
            .as_array()
            .expect("depends_on")
            .iter()
            .map(|d| d.as_str().expect("id").to_string())
            .collect();
        for dep in &depends {
            assert!(
                seen.contains_key(dep),
                "{id} depends on {dep}, which is not an earlier step"
            );
        }
        let mut input_refs = Vec::new();
        refs(&s["input"], &mut input_refs);
        for (target, output) in &input_refs {
            let known = seen
                .get(target)
                .unwrap_or_else(|| panic!("{id}: input refs {target}, not an earlier step"));
            assert!(
                known.contains(output),
                "{id}: {target} has no output {output}"
            );
            assert!(
                depends.contains(target),
                "{id}: refs {target} but does not depend on it"
            );
        }
        let mut own_refs = Vec::new();
        for key in ["wait", "delete"] {
            if let Some(call) = s.get(key) {
                refs(&call["input"], &mut own_refs);
            }
        }
        for (target, output) in &own_refs {
            let known = if *target == id {
                &outputs
            } else {
                seen.get(target)
                    .unwrap_or_else(|| panic!("{id}: refs {target}"))
            };
            assert!(
                known.contains(output),
                "{id}: {target} has no output {output}"
            );
            assert!(
                *target == id || depends.contains(target),
                "{id}: wait/delete refs {target} without depending on it"
            );
        }
        let op = s["operation"].as_str().expect("operation");
        let creates = ["Create", "Put", "Register", "Authorize"]
            .iter()
            .any(|p| op.starts_with(p));
        assert!(
            !creates || s.get("delete").is_some(),
            "{id} ({op}) creates something but has no delete"
        );
        if let Some(wait) = s.get("wait") {
            assert!(
                wait["timeout_seconds"].as_u64().is_some_and(|t| t > 0),
                "{id}: wait without timeout"
            );
        }
        seen.insert(id, outputs);
    }
    // Outputs refer to recorded outputs, and an api key's value is never one of them.
    let mut out_refs = Vec::new();
    refs(&plan["outputs"], &mut out_refs);
    for (target, output) in &out_refs {
        assert!(
            seen.get(target).is_some_and(|o| o.contains(output)),
            "plan output refs unknown {target}.{output}"
        );
    }
    for s in steps(plan)
        .iter()
        .filter(|s| s["operation"] == "CreateApiKey")
    {
        for path in s["outputs"].as_object().expect("api key outputs").values() {
            assert_ne!(path, "value", "the api key value must never be recorded");
        }
    }
    // Trap 7: no ingress from anywhere.
    for s in steps(plan)
        .iter()
        .filter(|s| s["operation"] == "AuthorizeSecurityGroupIngress")
    {
        assert!(
            !s["input"].to_string().contains("0.0.0.0/0"),
            "{} opens ingress to the world",
            s["id"]
        );
    }
}

/// The seed architecture's traps, asserted on the parsed plan (hand-built IR or pipeline).
fn check_seed(plan: &Value) {
    check_structure(plan);
    let endpoint = step(plan, "core-endpoint");
    assert_eq!(endpoint["input"]["VpcEndpointType"], "Interface");
    assert_eq!(
        endpoint["input"]["ServiceName"],
        "com.amazonaws.eu-west-1.apprunner.requests"
    );
    assert_eq!(endpoint["input"]["PrivateDnsEnabled"], false);
    assert_eq!(endpoint["wait"]["path"], "VpcEndpoints[0].State");
    assert_eq!(endpoint["wait"]["expect"], "available");
    // Trap 1: a describe step for the ENI IPs, and the NLB targets are exactly those IPs.
    let enis = step(plan, "core-endpoint-enis");
    assert_eq!(enis["operation"], "DescribeNetworkInterfaces");
    assert_eq!(
        enis["input"]["NetworkInterfaceIds"]["ref"],
        "core-endpoint.NetworkInterfaceIds"
    );
    assert_eq!(
        enis["outputs"]["Ip0"],
        "NetworkInterfaces[0].PrivateIpAddress"
    );
    assert_eq!(
        enis["outputs"]["Ip1"],
        "NetworkInterfaces[1].PrivateIpAddress"
    );
    let targets = step(plan, "core-targets");
    assert_eq!(targets["operation"], "RegisterTargets");
    let ids: Vec<&Value> = targets["input"]["Targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| &t["Id"]["ref"])
        .collect();
    assert_eq!(ids, ["core-endpoint-enis.Ip0", "core-endpoint-enis.Ip1"]);
    assert!(targets["input"]["Targets"]
        .as_array()
        .expect("targets")
        .iter()
        .all(|t| t["Port"] == 443));
    // Trap 3: internal NLB, cross-zone, PrivateLink enforcement off, TCP 443 ip targets.
    let nlb = step(plan, "core-nlb");
    assert_eq!(nlb["input"]["Scheme"], "internal");
    assert_eq!(nlb["input"]["Type"], "network");
    assert_eq!(
        step(plan, "core-nlb-attributes")["input"]["Attributes"][0]["Key"],
        "load_balancing.cross_zone.enabled"
    );
    assert_eq!(
        step(plan, "core-nlb-security-groups")["input"]
            ["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"],
        "off"
    );
    let tg = step(plan, "core-target-group");
    assert_eq!(
        (
            &tg["input"]["Protocol"],
            &tg["input"]["Port"],
            &tg["input"]["TargetType"]
        ),
        (&"TCP".into(), &443.into(), &"ip".into())
    );
    // Trap 4: a private service with its own ingress connection to the endpoint.
    let service = step(plan, "orders-service");
    assert_eq!(
        service["input"]["NetworkConfiguration"]["IngressConfiguration"]["IsPubliclyAccessible"],
        false
    );
    let ingress = step(plan, "orders-ingress");
    assert_eq!(
        ingress["input"]["IngressVpcConfiguration"]["VpcEndpointId"]["ref"],
        "core-endpoint.VpcEndpointId"
    );
    // Trap 5: HTTP_PROXY over the VPC link to the ingress domain, proxy variable mapped.
    let integration = steps(plan)
        .iter()
        .find(|s| s["operation"] == "PutIntegration")
        .expect("an integration");
    let input = &integration["input"];
    assert_eq!(input["type"], "HTTP_PROXY");
    assert_eq!(input["connectionType"], "VPC_LINK");
    assert_eq!(input["connectionId"]["ref"], "core-vpc-link.VpcLinkId");
    assert_eq!(input["uri"]["join"][1]["ref"], "orders-ingress.DomainName");
    assert_eq!(
        input["requestParameters"]["integration.request.path.proxy"],
        "method.request.path.proxy"
    );
    let method = steps(plan)
        .iter()
        .find(|s| s["operation"] == "PutMethod")
        .expect("a method");
    assert_eq!(
        method["input"]["requestParameters"]["method.request.path.proxy"],
        true
    );
    assert_eq!(method["input"]["apiKeyRequired"], true);
    // Trap 6: the deployment comes after every integration.
    let deployment = step(plan, "public-deployment");
    for s in steps(plan)
        .iter()
        .filter(|s| s["operation"] == "PutIntegration")
    {
        assert!(
            deployment["depends_on"]
                .as_array()
                .expect("deps")
                .contains(&s["id"]),
            "deployment before {}",
            s["id"]
        );
    }
    // Roles: the policy is deleted before its role when deletes run in reverse.
    let order: Vec<&str> = steps(plan)
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    let pos = |id: &str| {
        order
            .iter()
            .position(|s| *s == id)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    assert!(
        pos("orders-access-role") < pos("orders-access-policy")
            && pos("orders-access-policy") < pos("orders-service")
    );
    assert_eq!(
        step(plan, "orders-access-policy")["delete"]["operation"],
        "DeleteRolePolicy"
    );
    // Outputs: invoke URL as a join, key id (not value), service ARN, ingress domain.
    assert_eq!(
        plan["outputs"]["public_invoke_url"]["join"][1]["ref"],
        "public-rest-api.RestApiId"
    );
    assert_eq!(
        plan["outputs"]["public_api_key_id"]["ref"],
        "public-api-key.ApiKeyId"
    );
    assert_eq!(plan["parameters"]["image_tag"]["default"], "1.0.0");
    let image = &service["input"]["SourceConfiguration"]["ImageRepository"]["ImageIdentifier"];
    assert_eq!(image["join"][1]["param"], "image_tag");
}

fn python(script: &str, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new("python3");
    cmd.current_dir(support::root())
        .arg(format!("tests/plan/{script}"))
        .args(args);
    let out = cmd.output().expect("python3");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("{name}.json"));
    std::fs::write(&path, text).expect("write plan");
    (dir, path)
}

fn validate(name: &str, text: &str) {
    let (_dir, path) = write_temp(name, text);
    let (ok, out) = python("validate_plan.py", &[path.to_str().expect("path")]);
    assert!(ok, "validate_plan.py rejected the {name} plan:\n{out}");
}

/// Runs the plan against moto; required params get a value shaped like what they hold.
fn run(name: &str, text: &str) -> String {
    let plan = parse(text);
    let (_dir, path) = write_temp(name, text);
    let endpoint = support::moto();
    let mut args = vec![path.to_str().expect("path").to_string(), endpoint];
    for (param, decl) in plan["parameters"].as_object().expect("parameters") {
        if decl.get("default").is_none() {
            args.push("--param".into());
            args.push(format!(
                "{param}=arn:aws:secretsmanager:{}:123456789012:secret:{param}-AbCdEf",
                plan["region"].as_str().expect("region")
            ));
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out) = python("run_plan.py", &args);
    assert!(ok, "run_plan.py failed for {name}:\n{out}");
    println!("{name}: {out}");
    out
}

/// Runs a plan expected to fail; returns the runner's output.
fn run_failing(name: &str, plan: &Value) -> String {
    let (_dir, path) = write_temp(name, &plan.to_string());
    let endpoint = support::moto();
    let (ok, out) = python("run_plan.py", &[path.to_str().expect("path"), &endpoint]);
    assert!(!ok, "run_plan.py accepted the broken {name} plan:\n{out}");
    out
}

#[test]
fn seed_ir_plan_has_every_trap_handled() {
    check_seed(&parse(&seed_plan()));
}

#[test]
fn seed_ir_plan_is_deterministic_and_ends_with_newline() {
    let a = seed_plan();
    assert_eq!(a, seed_plan());
    assert!(a.ends_with("}\n"));
}

#[test]
fn seed_ir_plan_validates_against_botocore() {
    validate("seed-ir", &seed_plan());
}

#[test]
fn seed_ir_plan_runs_against_moto_and_deletes_everything() {
    let out = run("seed-ir", &seed_plan());
    assert!(out.contains("nothing left"), "{out}");
}

fn sink_plan() -> String {
    aprc::backends::plan::emit(&seed_ir::kitchen_sink_ir()).expect("the kitchen-sink IR emits")
}

#[test]
fn kitchen_sink_ir_plan_spells_every_feature() {
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
    // The instance policy names the param's ARN exactly: the document is a join around it.
    let doc = &step(&plan, "orders-instance-policy")["input"]["PolicyDocument"]["join"];
    assert_eq!(doc[1]["param"], "db_secret");
    let filled = format!(
        "{}{}{}",
        doc[0].as_str().expect("text"),
        "arn:x",
        doc[2].as_str().expect("text")
    );
    let filled: Value =
        serde_json::from_str(&filled).expect("the policy is JSON once the param is filled");
    assert_eq!(filled["Statement"][0]["Resource"][0], "arn:x");
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
fn kitchen_sink_ir_plan_validates_and_runs() {
    let text = sink_plan();
    validate("sink-ir", &text);
    let out = run("sink-ir", &text);
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
/// a wrong type, an operation that does not exist, an output path the response lacks.
#[test]
fn validator_rejects_broken_plans() {
    let good = parse(&seed_plan());
    let breakages: [(&str, Breakage); 4] = [
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
    ];
    for (what, breakage) in breakages {
        let mut plan = good.clone();
        assert_eq!(plan["steps"][1]["operation"], "CreateVpc");
        breakage(&mut plan);
        let (_dir, path) = write_temp("broken", &plan.to_string());
        let (ok, out) = python("validate_plan.py", &[path.to_str().expect("path")]);
        assert!(!ok, "validate_plan.py accepted a broken {what}:\n{out}");
    }
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

#[test]
fn seed_example_handles_every_trap() {
    check_seed(&parse(&build(&[PathBuf::from("examples/seed.apr")])));
}

#[test]
fn examples_validate_against_botocore() {
    for example in support::examples() {
        let name = support::example_name(&example);
        validate(&name, &build(&[example]));
    }
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
            std::fs::write(target, reversed(&text)).expect("write reversed copy");
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

/// The source with its top-level blocks, and the routes inside each block, in reverse order.
/// Blocks are found by brace depth outside strings and comments; comments stay with the block
/// that follows them.
fn reversed(source: &str) -> String {
    let mut blocks: Vec<Vec<&str>> = vec![Vec::new()];
    let mut depth = 0i32;
    for line in source.lines() {
        let starts_block =
            depth == 0 && !line.trim().is_empty() && !line.trim_start().starts_with('#');
        if starts_block
            && blocks.last().is_some_and(|b| {
                b.iter()
                    .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            })
        {
            blocks.push(Vec::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push(line);
        }
        depth += brace_delta(line);
    }
    let mut out = String::new();
    for block in blocks.iter().rev() {
        let routes: Vec<&str> = block
            .iter()
            .copied()
            .filter(|l| l.trim_start().starts_with("route "))
            .collect();
        let mut rev = routes.iter().rev();
        for line in block {
            let line = if line.trim_start().starts_with("route ") {
                rev.next().copied().unwrap_or(line)
            } else {
                line
            };
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn brace_delta(line: &str) -> i32 {
    let (mut delta, mut in_string, mut escaped) = (0, false, false);
    for c in line.chars() {
        match (in_string, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '#') => break,
            (false, '{') => delta += 1,
            (false, '}') => delta -= 1,
            _ => {}
        }
    }
    delta
}

#[test]
fn reversing_helper_moves_blocks_and_routes() {
    let text = "# a\napp a {\n  region = \"x\"\n}\nparam p = \"${q}\"\napi b {\n  route GET /x -> s\n  route GET /y -> s\n}\n";
    let rev = reversed(text);
    let idx = |s: &str| rev.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(idx("api b") < idx("param p") && idx("param p") < idx("app a"));
    assert!(idx("/y") < idx("/x"));
    assert!(idx("# a") < idx("app a"));
}
