//! Params in every string attribute (spec section 4, "param"): tests/fixtures/params/everywhere.apr
//! uses them in tags, both apis' stages, health check paths, the image tag, env, secrets and
//! the start command. CloudFormation spells them `Ref`/`Fn::Sub` and passes cfn-lint; the plan
//! spells them `{"param"}`/`{"join"}` wherever the value goes (every tag, the stage, its
//! updates, the usage plan's api stage, the invoke URL), passes `validate_plan.py` and runs
//! against moto with `--param` values; `--param` bakes them all in, and a baked value that
//! breaks a stage name or a health path is a usage error. Terraform: tests/tf/params.rs.

// Shared with tests/plan.rs, which uses the helpers this file does not.
#[allow(dead_code)]
use crate::plan::oracles;
use crate::plan::reorder;
use crate::support;

use serde_json::{json, Value};
use std::path::Path;
use std::process::Output;
use support::{aprc, root};

const FIXTURE: &str = "tests/fixtures/params/everywhere.apr";
/// The same on ECS: params in the command's words, a grant's resources and a secret.
const ECS_FIXTURE: &str = "tests/fixtures/params/ecs.apr";
const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf";

fn run_aprc(input: &Path, target: &str, params: &[&str]) -> Output {
    let mut cmd = aprc();
    cmd.current_dir(root())
        .arg("build")
        .arg(input)
        .args(["--target", target]);
    for p in params {
        cmd.args(["--param", p]);
    }
    cmd.output().expect("aprc runs")
}

fn build(target: &str, params: &[&str]) -> String {
    build_of(FIXTURE, target, params)
}

fn build_of(fixture: &str, target: &str, params: &[&str]) -> String {
    let out = run_aprc(Path::new(fixture), target, params);
    assert!(
        out.status.success(),
        "aprc build {fixture} --target {target} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON output")
}

/// Every value under `key` anywhere in `v`.
fn all_under<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == key {
                    out.push(child);
                }
                all_under(child, key, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| all_under(i, key, out)),
        _ => {}
    }
}

/// The tags as `(key, value)` pairs, from a `[{Key, Value}]` list or a `{key: value}` map.
fn tag_pairs(tags: &Value) -> Vec<(String, Value)> {
    match tags {
        Value::Array(list) => list
            .iter()
            .map(|t| {
                (
                    t["Key"].as_str().unwrap_or("").to_string(),
                    t["Value"].clone(),
                )
            })
            .collect(),
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

/// Every tag set in `doc` (found under `key`, skipping EC2's `TagSpecifications` wrapper,
/// whose `Tags` are found on their own) is exactly the app's four tags, spelled `expected`.
fn assert_every_tag_set(doc: &Value, keys: &[&str], expected: &[(&str, Value)]) -> usize {
    let mut sets = Vec::new();
    for key in keys {
        all_under(doc, key, &mut sets);
    }
    let expected: Vec<(String, Value)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    for set in &sets {
        assert_eq!(tag_pairs(set), expected, "a tag set differs: {set}");
    }
    sets.len()
}

#[test]
fn cfn_spells_params_as_ref_and_sub_and_passes_cfn_lint() {
    let text = build("cfn", &[]);
    let t = json_of(&text);
    let r = &t["Resources"];
    assert_eq!(
        r["PublicStage"]["Properties"]["StageName"],
        json!({ "Fn::Sub": "${Env}_v1" })
    );
    assert_eq!(
        r["AdminStage"]["Properties"]["StageName"],
        json!({ "Ref": "Env" })
    );
    // The usage plan and the invoke URL name the stage through its resource.
    assert_eq!(
        r["PublicUsagePlan"]["Properties"]["ApiStages"],
        json!([{ "ApiId": { "Ref": "PublicApi" }, "Stage": { "Ref": "PublicStage" } }])
    );
    let url = t["Outputs"]["PublicInvokeUrl"]["Value"]["Fn::Sub"]
        .as_str()
        .expect("invoke URL is an Fn::Sub");
    assert!(url.ends_with("/${PublicStage}"), "{url}");
    let health = |id: &str| r[id]["Properties"]["HealthCheckConfiguration"]["Path"].clone();
    assert_eq!(
        health("OrdersService"),
        json!({ "Fn::Sub": "${HealthRoot}/healthz" })
    );
    assert_eq!(health("WebService"), json!({ "Fn::Sub": "/ready/${Env}" }));
    let tagged = assert_every_tag_set(
        r,
        &["Tags"],
        &[
            ("app", json!("everywhere")),
            ("cost", json!("fixed")),
            ("env", json!({ "Ref": "Env" })),
            ("owner", json!({ "Fn::Sub": "team-${Owner}" })),
        ],
    );
    assert!(tagged >= 20, "only {tagged} tagged resources");
    let params = &t["Parameters"];
    assert_eq!(params["Env"]["Default"], "staging");
    assert!(params["Owner"].get("Default").is_none());

    // Linted together with the ECS fixture's template: cfn-lint starts once.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("everywhere.json");
    std::fs::write(&path, &text).expect("template written");
    let ecs = dir.path().join("ecs.json");
    std::fs::write(&ecs, build_of(ECS_FIXTURE, "cfn", &[])).expect("template written");
    let out = support::oracle(support::Oracle::CfnLint)
        .args([
            "--include-experimental",
            "-c",
            "I",
            "--regions",
            "eu-west-1",
            "--",
        ])
        .arg(&path)
        .arg(&ecs)
        .output()
        .expect("cfn-lint is installed");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "cfn-lint found:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn step<'a>(plan: &'a Value, id: &str) -> &'a Value {
    plan["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no step {id}"))
}

#[test]
fn plan_spells_params_wherever_the_stage_and_tags_go() {
    let text = build("plan", &[]);
    let plan = json_of(&text);
    let public = json!({ "join": [{ "param": "env" }, "_v1"] });
    let stage = step(&plan, "public-stage");
    assert_eq!(stage["input"]["stageName"], public);
    assert_eq!(stage["delete"]["input"]["stageName"], public);
    assert_eq!(
        step(&plan, "public-stage-settings")["input"]["stageName"],
        public
    );
    assert_eq!(
        step(&plan, "admin-stage")["input"]["stageName"],
        json!({ "param": "env" })
    );
    let attach = step(&plan, "public-usage-plan-stages");
    let api_stage =
        json!({ "join": [{ "ref": "public-rest-api.RestApiId" }, ":", { "param": "env" }, "_v1"] });
    assert_eq!(attach["input"]["patchOperations"][0]["value"], api_stage);
    assert_eq!(
        attach["delete"]["input"]["patchOperations"][0]["value"],
        api_stage
    );
    assert_eq!(
        plan["outputs"]["public_invoke_url"],
        json!({ "join": ["https://", { "ref": "public-rest-api.RestApiId" }, ".execute-api.eu-west-1.amazonaws.com/", { "param": "env" }, "_v1"] })
    );
    let health = |id: &str| step(&plan, id)["input"]["HealthCheckConfiguration"]["Path"].clone();
    assert_eq!(
        health("orders-service"),
        json!({ "join": [{ "param": "health_root" }, "/healthz"] })
    );
    assert_eq!(
        health("web-service"),
        json!({ "join": ["/ready/", { "param": "env" }] })
    );
    let tagged = assert_every_tag_set(
        &plan["steps"],
        &["Tags", "tags"],
        &[
            ("app", json!("everywhere")),
            ("cost", json!("fixed")),
            ("env", json!({ "param": "env" })),
            ("owner", json!({ "join": ["team-", { "param": "owner" }] })),
        ],
    );
    assert!(tagged >= 20, "only {tagged} tag sets");
    // With the ECS fixture's plan: botocore's models load once.
    oracles::validate_all(&[
        ("everywhere".to_string(), text),
        ("ecs".to_string(), build_of(ECS_FIXTURE, "plan", &[])),
    ]);
}

/// On ECS a param in `command` stays in the word it is written in (never split), and params
/// reach a grant's resources and a secret's ARN; `--param` bakes every one of them away on
/// every target (the command and grants once kept theirs, leaving a dangling reference).
#[test]
fn ecs_params_reach_the_command_grants_and_secrets_and_bake_away() {
    let plan = json_of(&build_of(ECS_FIXTURE, "plan", &[]));
    let task = &step(&plan, "orders-task-definition")["input"]["containerDefinitions"][0];
    assert_eq!(
        task["command"],
        json!([
            { "param": "mode" },
            "--stage",
            { "param": "env" },
            "--name",
            { "join": ["orders ", { "param": "env" }] }
        ])
    );
    assert_eq!(
        task["secrets"],
        json!([{ "name": "API_TOKEN", "valueFrom": { "param": "api_secret" } }])
    );
    let policy = step(&plan, "orders-task-policy")["input"]["PolicyDocument"].to_string();
    assert!(policy.contains(r#"{"param":"bucket"}"#), "{policy}");

    let secret = format!("api_secret={SECRET}");
    let all = [
        "env=prod",
        "image_tag=4.0.0",
        "mode=run",
        "bucket=orders-data",
        secret.as_str(),
    ];
    let plan = json_of(&build_of(ECS_FIXTURE, "plan", &all));
    assert_eq!(plan["parameters"], json!({}));
    assert!(!plan.to_string().contains("\"param\""), "a param is left");
    let task = &step(&plan, "orders-task-definition")["input"]["containerDefinitions"][0];
    let command = json!(["run", "--stage", "prod", "--name", "orders prod"]);
    assert_eq!(task["command"], command);
    assert_eq!(task["secrets"][0]["valueFrom"], SECRET);
    let policy = step(&plan, "orders-task-policy")["input"]["PolicyDocument"].to_string();
    assert!(
        policy.contains("arn:aws:s3:::orders-data/orders/*"),
        "{policy}"
    );

    let cfn = json_of(&build_of(ECS_FIXTURE, "cfn", &all));
    assert!(cfn.get("Parameters").is_none());
    let text = cfn.to_string();
    for name in ["Env", "ImageTag", "Mode", "Bucket", "ApiSecret"] {
        let (by_ref, by_sub) = (format!(r#"{{"Ref":"{name}"}}"#), format!("${{{name}}}"));
        assert!(
            !text.contains(&by_ref) && !text.contains(&by_sub),
            "{name} is left"
        );
    }
    let container =
        &cfn["Resources"]["OrdersTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    assert_eq!(container["Command"], command);

    let tf = build_of(ECS_FIXTURE, "tf", &all);
    assert!(!tf.contains("var."), "a variable is left:\n{tf}");
    assert!(
        tf.contains(r#"command = ["run", "--stage", "prod", "--name", "orders prod"]"#),
        "{tf}"
    );
    assert!(tf.contains("arn:aws:s3:::orders-data/orders/*"), "{tf}");
}

/// The plan runs against moto with `--param` values, and its outputs resolve to them.
#[test]
fn plan_runs_with_param_values_and_deletes_everything() {
    let text = build("plan", &[]);
    let (_dir, path) = oracles::write_temp("everywhere", &text);
    let endpoint = support::moto();
    let args = [
        path.to_str().expect("path"),
        &endpoint,
        "--param",
        "env=qa",
        "--param",
        "owner=ops",
        "--param",
        &format!("db_secret={SECRET}"),
    ];
    let (ok, out) = oracles::python("run_plan.py", &args);
    assert!(
        ok && out.contains("nothing left"),
        "run_plan.py failed:\n{out}"
    );
    let outputs: Value = out
        .split_once("outputs: ")
        .and_then(|(_, o)| serde_json::from_str(o.trim()).ok())
        .unwrap_or_else(|| panic!("no outputs in:\n{out}"));
    let url = |name: &str| outputs[name].as_str().unwrap_or("").to_string();
    assert!(
        url("public_invoke_url").ends_with(".execute-api.eu-west-1.amazonaws.com/qa_v1"),
        "{outputs}"
    );
    assert!(
        url("admin_invoke_url").ends_with(".execute-api.eu-west-1.amazonaws.com/qa"),
        "{outputs}"
    );
}

#[test]
fn baked_params_leave_nothing_symbolic() {
    let all = [
        "env=prod",
        "owner=ops",
        "image_tag=2.0.0",
        "health_root=/internal",
        &format!("db_secret={SECRET}"),
    ];
    let plan = json_of(&build("plan", &all));
    assert_eq!(plan["parameters"], json!({}));
    assert!(!plan.to_string().contains("\"param\""), "a param is left");
    assert_eq!(step(&plan, "public-stage")["input"]["stageName"], "prod_v1");
    assert_eq!(
        step(&plan, "orders-service")["input"]["HealthCheckConfiguration"]["Path"],
        "/internal/healthz"
    );
    let tags = step(&plan, "core-vpc")["input"]["TagSpecifications"][0]["Tags"].clone();
    assert_eq!(
        tag_pairs(&tags),
        [
            ("app", "everywhere"),
            ("cost", "fixed"),
            ("env", "prod"),
            ("owner", "team-ops")
        ]
        .map(|(k, v)| (k.to_string(), json!(v)))
    );
    let cfn = json_of(&build("cfn", &all));
    assert!(cfn.get("Parameters").is_none());
    assert_eq!(
        cfn["Resources"]["PublicStage"]["Properties"]["StageName"],
        "prod_v1"
    );
    assert_eq!(
        cfn["Resources"]["AdminStage"]["Properties"]["StageName"],
        "prod"
    );
}

/// A value baked in with `--param` is checked like a literal: a stage name with `-` or a
/// health path without a leading `/` is a usage error (exit 2), and `-o` writes nothing.
#[test]
fn a_baked_value_that_breaks_a_stage_or_a_path_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (param, what) in [
        ("env=pre-prod", "stage of api `admin`"),
        (
            "health_root=internal",
            "health check path of service `orders`",
        ),
    ] {
        let target = dir.path().join("out.json");
        let out = aprc()
            .current_dir(root())
            .args(["build", FIXTURE, "--target", "plan", "-o"])
            .arg(&target)
            .args(["--param", param])
            .output()
            .expect("aprc runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{param}: {stderr}");
        assert!(stderr.contains(what), "{param}: {stderr}");
        assert!(!target.exists(), "{param}: an output file was written");
    }
    // A valid baked stage builds.
    assert!(run_aprc(Path::new(FIXTURE), "plan", &["env=qa_2"])
        .status
        .success());
    // The ECS fixture's image tag, secret and grant take whole values too.
    let valid = [
        "bucket=b",
        "api_secret=arn:aws:secretsmanager:eu-west-1:123456789012:secret:t-AbCdEf",
    ];
    for (param, what) in [
        ("image_tag=bad tag", "image of service `orders`"),
        (
            "api_secret=hunter2",
            "secret `API_TOKEN` of service `orders`",
        ),
    ] {
        let mut params = valid.to_vec();
        params.retain(|p| p.split('=').next() != param.split('=').next());
        params.push(param);
        let out = run_aprc(Path::new(ECS_FIXTURE), "tf", &params);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{param}: {stderr}");
        assert!(stderr.contains(what), "{param}: {stderr}");
    }
    assert!(run_aprc(Path::new(ECS_FIXTURE), "tf", &valid)
        .status
        .success());
}

/// An existing network's VPC and subnets from params: a baked id is checked like a literal
/// one (E0208's shape), and two params baked into the same subnet are refused, since a load
/// balancer takes one subnet per zone. `-o` writes nothing.
#[test]
fn baked_vpc_and_subnet_ids_are_checked_like_literal_ones() {
    let (dir, spec) = support::spec_file(
        "ids.apr",
        r#"app ids {
  region  = "ca-central-1"
  compute = ecs
}

param vpc : string
param subnet_a = "subnet-0aaaaaaaaaaaaaaaa"
param subnet_b : string

network ext {
  vpc_id     = "${vpc}"
  subnet_ids = ["${subnet_a}", "${subnet_b}"]
}

service svc {
  image   = "123456789012.dkr.ecr.ca-central-1.amazonaws.com/svc:1"
  network = ext
}

api gw {
  network = ext
  route GET /svc -> svc
}
"#,
    );
    let build = |params: &[&str]| {
        let target = dir.path().join("out.json");
        let mut cmd = aprc();
        cmd.arg("build")
            .arg(&spec)
            .args(["--target", "plan", "-o"])
            .arg(&target);
        for p in params {
            cmd.args(["--param", p]);
        }
        let out = cmd.output().expect("aprc runs");
        let written = target.exists();
        let _ = std::fs::remove_file(&target);
        (out, written)
    };
    let vpc = "vpc=vpc-0cccccccccccccccc";
    for (params, what) in [
        (
            vec!["vpc=garbage", "subnet_b=subnet-0bbbbbbbbbbbbbbbb"],
            "`garbage`, which is not a VPC id",
        ),
        (
            vec![vpc, "subnet_b=subnet-x"],
            "`subnet-x`, which is not a subnet id",
        ),
        (
            vec![vpc, "subnet_b=subnet-0aaaaaaaaaaaaaaaa"],
            "would list subnet `subnet-0aaaaaaaaaaaaaaaa` twice",
        ),
    ] {
        let (out, written) = build(&params);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{params:?}: {stderr}");
        assert!(stderr.contains(what), "{params:?}: {stderr}");
        assert!(!written, "{params:?}: an output file was written");
    }
    let (out, written) = build(&[vpc, "subnet_b=subnet-0bbbbbbbbbbbbbbbb"]);
    assert!(
        out.status.success() && written,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Byte-identical across runs and declaration orders, for every target.
#[test]
fn output_does_not_depend_on_runs_or_declaration_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = std::fs::read_to_string(root().join(FIXTURE)).expect("fixture");
    let reversed = reorder::reversed(&source);
    assert_ne!(reversed, source);
    let copy = dir.path().join("everywhere.apr");
    std::fs::write(&copy, reversed).expect("reversed copy");
    for target in ["cfn", "tf", "plan"] {
        let first = build(target, &[]);
        assert_eq!(first, build(target, &[]), "{target} differs between runs");
        let out = run_aprc(&copy, target, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            first.as_bytes(),
            out.stdout,
            "{target} depends on declaration order"
        );
    }
}

/// A default that breaks where its param is used is an error when the output would deploy
/// it (no `--param` for it), and nothing when `--param` replaces it.
#[test]
fn a_bad_default_counts_only_when_it_is_deployed() {
    let (_dir, spec) = support::spec_file(
        "defaults.apr",
        "app shopd {\n  region = \"eu-west-1\"\n}\n\nparam tag = \"CHANGE ME\"\n\nservice web {\n  image = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:${tag}\"\n}\n",
    );
    let out = run_aprc(&spec, "tf", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("E0310") && stderr.contains("at its default"),
        "{stderr}"
    );
    let out = run_aprc(&spec, "tf", &["tag=1.0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
