//! `aprc apply` / `aprc destroy` end to end, against moto plus the App Runner test double
//! (`tests/apply/apprunner_double.py`; moto has no App Runner). Run with
//! `cargo test --features apply --test suite apply::`.
//!
//! Each test applies a copy of an example under an app name of its own, so tests sharing a
//! moto server look only at their own resources (`tests/apply/inventory.py` lists what carries
//! that app's tag or name prefix). Expected counts come from the plan itself: one resource per
//! create step of each kind.

#![cfg(feature = "apply")]

#[path = "apply/harness.rs"]
mod harness;
use crate::support;

use harness::{
    applied, apply, aprc_with, assert_built, assert_nothing_left, copy_as_new_app, destroy,
    destroyed, double, double_with, inventory, plan, state,
};
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn apply_builds_the_example_a_rerun_changes_nothing_and_destroy_removes_it_all() {
    let double = double(None);
    let (dir, app) = copy_as_new_app("examples/seed.apr");
    let plan = plan(dir.path());
    let region = plan["region"].as_str().expect("region").to_string();

    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_built(&plan, &region, &app, &double);
    // Every step is recorded with its outputs, and the outputs printed are the plan's.
    let recorded = state(dir.path());
    let steps = plan["steps"].as_array().expect("steps");
    for step in steps {
        let id = step["id"].as_str().expect("id");
        let record = &recorded["steps"][id];
        assert_eq!(record["waited"], true, "{id}: {record}");
        for name in step["outputs"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            assert!(
                record["outputs"][name].is_string() || record["outputs"][name].is_array(),
                "{id}.{name}: {record}"
            );
        }
    }
    let printed: Value = serde_json::from_slice(&out.stdout).expect("outputs JSON");
    let outputs = plan["outputs"].as_object().expect("outputs");
    assert_eq!(
        printed.as_object().map(|o| o.len()),
        Some(outputs.len()),
        "{printed}"
    );
    let arn = printed["orders_service_arn"].as_str().unwrap_or_default();
    assert!(
        arn.starts_with("arn:aws:apprunner:") && arn.contains(&app),
        "{printed}"
    );
    let url = printed["public_invoke_url"].as_str().unwrap_or_default();
    let api = &recorded["steps"]["public-rest-api"]["outputs"]["RestApiId"];
    assert_eq!(
        url,
        format!(
            "https://{}.execute-api.{region}.amazonaws.com/prod",
            api.as_str().unwrap_or("?")
        )
    );

    // A second apply finds everything recorded: no call, no new resource.
    let calls = double.calls();
    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(double.calls(), calls, "a re-run called App Runner again");
    assert_built(&plan, &region, &app, &double);

    let out = destroy(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_left(&region, &app, &double);
    assert!(
        !dir.path().join("state.json").exists(),
        "destroy leaves no state"
    );
}

/// ECS on moto (`MOTO_ECS_SERVICE_RUNNING` makes moto report the services' tasks running):
/// all ECS without a NAT, and App Runner beside ECS with NAT gateways. Everything the plan
/// creates is there after apply, the ECS services' ARNs are output, and destroy leaves
/// nothing, in moto or in the App Runner double.
#[test]
fn ecs_and_mixed_apply_and_destroy_leave_nothing() {
    for example in ["examples/ecs.apr", "examples/mixed.apr"] {
        let double = double(None);
        let (dir, app) = copy_as_new_app(example);
        let plan = plan(dir.path());
        let region = plan["region"].as_str().expect("region").to_string();
        let out = apply(&double, dir.path());
        assert!(
            out.status.success(),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_built(&plan, &region, &app, &double);
        let printed: Value = serde_json::from_slice(&out.stdout).expect("outputs JSON");
        let ecs_arns: Vec<&str> = printed
            .as_object()
            .expect("outputs")
            .values()
            .filter_map(Value::as_str)
            .filter(|v| v.starts_with("arn:aws:ecs:"))
            .collect();
        let ecs_services = plan["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter(|s| s["service"] == "ecs" && s["operation"] == "CreateService")
            .count();
        assert!(ecs_services > 0, "{example}: no ECS service in the plan");
        assert_eq!(ecs_arns.len(), ecs_services, "{example}: {printed}");
        assert!(ecs_arns.iter().all(|a| a.contains(&app)), "{printed}");

        destroyed(&double, dir.path(), &region, &app);
    }
}

/// An apply that stopped between a task definition and the step after it (whose delete
/// deregisters the revision) leaves a state without that step: destroy deregisters the
/// revision itself, rather than answering success with the revision still ACTIVE.
#[test]
fn destroy_deregisters_a_task_definition_whose_companion_never_ran() {
    let double = double(None);
    let (dir, app, _, region) = applied(&double, "examples/ecs.apr");
    let path = dir.path().join("state.json");
    let mut recorded = state(dir.path());
    let steps = recorded["steps"].as_object_mut().expect("steps");
    let before = steps.len();
    steps.retain(|id, _| !id.ends_with("-task-definition-deregister"));
    assert!(steps.len() < before, "no companion in the state");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&recorded).expect("JSON"),
    )
    .expect("state");
    assert!(!inventory(&region, &app)["task_definitions"]
        .as_array()
        .expect("task definitions")
        .is_empty());
    destroyed(&double, dir.path(), &region, &app);
}

/// apply makes what is missing and never updates: an apply of a changed spec over a recorded
/// deployment is refused before any call (the state untouched), whether a call would change
/// or a step is gone; the unchanged spec applies again as a no-op.
#[test]
fn an_apply_of_a_changed_spec_is_refused_before_any_call() {
    let double = double(None);
    let (dir, app, _, region) = applied(&double, "examples/ecs.apr");
    let spec = dir.path().join("ecs.apr");
    let original = std::fs::read_to_string(&spec).expect("spec");
    let recorded = std::fs::read_to_string(dir.path().join("state.json")).expect("state");

    let new_tag = original.replace("param image_tag = \"1.4.2\"", "param image_tag = \"1.5.0\"");
    assert_ne!(new_tag, original);
    let start = original.find("service users").expect("a second service");
    let end = start + original[start..].find("\n}\n").expect("its end") + 3;
    let mut fewer = original.clone();
    fewer.replace_range(start..end, "");
    let fewer = fewer.replace(
        "  route GET /users/{id}      -> users  /v1/users/{id}\n",
        "",
    );
    for (what, changed) in [("a new tag", new_tag), ("a service removed", fewer)] {
        std::fs::write(&spec, changed).expect("spec");
        let out = apply(&double, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(
            stderr.contains("records a deployment of another spec"),
            "{what}: {stderr}"
        );
        let now = std::fs::read_to_string(dir.path().join("state.json")).expect("state");
        assert_eq!(now, recorded, "{what}: the state changed");
    }
    std::fs::write(&spec, &original).expect("spec");
    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    destroyed(&double, dir.path(), &region, &app);
}

#[test]
fn a_failed_step_is_reported_and_a_rerun_completes_without_duplicates() {
    // The multi-file example: another region, a second private service, one ingress each.
    let double = double(Some("CreateVpcIngressConnection"));
    let (dir, app) = copy_as_new_app("examples/multi");
    let plan = plan(dir.path());
    let region = plan["region"].as_str().expect("region").to_string();

    let out = apply(&double, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("injected failure of CreateVpcIngressConnection"),
        "{stderr}"
    );
    assert!(
        stderr.contains("-ingress` (apprunner CreateVpcIngressConnection)"),
        "{stderr}"
    );
    // What completed is recorded; the failed ingress connection is not.
    let recorded = state(dir.path());
    let done = recorded["steps"].as_object().expect("steps");
    assert!(done.contains_key("main-vpc"), "{recorded}");
    let ingress: Vec<&str> = plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["operation"] == "CreateVpcIngressConnection")
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(
        ingress.iter().any(|id| !done.contains_key(*id)),
        "{recorded}"
    );
    assert!(done.len() < plan["steps"].as_array().map_or(0, Vec::len));

    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_built(&plan, &region, &app, &double);

    let out = destroy(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_left(&region, &app, &double);
}

#[test]
fn a_failed_wait_is_resumed_by_waiting_again_not_by_creating_again() {
    let double = double_with(&["--fail-status-once"]);
    let (dir, app) = copy_as_new_app("examples/seed.apr");
    let plan = plan(dir.path());
    let region = plan["region"].as_str().expect("region").to_string();

    let out = apply(&double, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("step `orders-service` (wait apprunner DescribeService)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`Service.Status` is `CREATE_FAILED`"),
        "{stderr}"
    );
    // The service exists, so its call is recorded, but not as waited for.
    let record = &state(dir.path())["steps"]["orders-service"];
    assert_eq!(record["waited"], false, "{record}");
    assert!(record["outputs"]["ServiceArn"].is_string(), "{record}");

    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        double.calls_of("CreateService"),
        1,
        "the service was created again"
    );
    assert_eq!(state(dir.path())["steps"]["orders-service"]["waited"], true);
    assert_built(&plan, &region, &app, &double);

    let out = destroy(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_left(&region, &app, &double);
}

#[test]
fn an_interrupted_apply_lets_running_steps_finish_and_starts_nothing_new() {
    // The service becomes RUNNING 3 s after its creation: its wait is in progress meanwhile.
    let double = double_with(&["--running-after", "3"]);
    let (dir, app) = copy_as_new_app("examples/seed.apr");
    let plan = plan(dir.path());
    let region = plan["region"].as_str().expect("region").to_string();
    let child = harness::apply_command(&double, dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aprc starts");
    let state_file = dir.path().join("state.json");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&state_file).is_ok_and(|s| s.contains("\"orders-service\"")) {
        assert!(Instant::now() < deadline, "orders-service was never called");
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let out = child.wait_with_output().expect("aprc ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted: letting"), "{stderr}");
    // The running wait was allowed to finish; what depends on it never started.
    let recorded = state(dir.path());
    assert_eq!(
        recorded["steps"]["orders-service"]["waited"], true,
        "{recorded}"
    );
    assert!(
        recorded["steps"].get("orders-ingress").is_none(),
        "{recorded}"
    );
    assert_eq!(double.calls_of("CreateVpcIngressConnection"), 0);

    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(double.calls_of("CreateService"), 1);
    assert_built(&plan, &region, &app, &double);
    let out = destroy(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_left(&region, &app, &double);
}

/// Ctrl-C during destroy starts no other delete and lets the running ones finish and leave
/// the state, so that destroy run again repeats none of them (a delete repeated after it
/// succeeded can fail where the first did not: moto answers a second DeregisterTargets
/// `InvalidTarget`). Interrupted as soon as the first delete is done, three times over.
#[test]
fn an_interrupted_destroy_lets_running_deletes_finish_and_a_rerun_completes() {
    let double = double(None);
    let (dir, app, _plan, region) = applied(&double, "examples/mixed.apr");
    let steps = || {
        state(dir.path())["steps"]
            .as_object()
            .map_or(0, |s| s.len())
    };
    for round in 0..3 {
        let before = steps();
        let mut child =
            harness::aprc_command(&double, &["destroy", "--state", "state.json"], dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("aprc starts");
        let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
        let mut seen = String::new();
        let mut line = String::new();
        while std::io::BufRead::read_line(&mut stderr, &mut line).expect("stderr") > 0 {
            seen.push_str(&line);
            let done = line.starts_with("destroy: done");
            line.clear();
            if done {
                break;
            }
        }
        let sent = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        std::io::Read::read_to_string(&mut stderr, &mut seen).expect("stderr");
        let status = child.wait().expect("aprc ends");
        assert_eq!(status.code(), Some(1), "round {round}: {seen}");
        assert!(
            seen.contains("interrupted: letting"),
            "round {round}: {seen}"
        );
        // Some deletes were saved, and not all of them ran.
        let after = steps();
        assert!(
            after < before && after > 0,
            "round {round}: {before} -> {after}: {seen}"
        );
    }
    destroyed(&double, dir.path(), &region, &app);
}

/// IAM is eventually consistent: App Runner may refuse a role created a moment ago ("Error
/// in assuming access role"). The executor retries that, and only that, for a bounded time.
#[test]
fn a_role_app_runner_cannot_assume_yet_is_retried_until_it_can() {
    let double = double_with(&["--fail-assume-role", "2"]);
    let (dir, app) = copy_as_new_app("examples/seed.apr");
    let plan = plan(dir.path());
    let region = plan["region"].as_str().expect("region").to_string();
    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Two refusals, then the service: three calls, one service.
    assert_eq!(double.calls_of("CreateService"), 3);
    assert_eq!(double.count("services"), 1);
    assert_built(&plan, &region, &app, &double);
    let out = destroy(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_left(&region, &app, &double);
}

/// `access_log = true` sets API Gateway's account-level CloudWatch Logs role before the stage
/// that logs, and destroying the app keeps it (spec section 8); applying again finds it.
#[test]
fn access_logs_set_the_account_role_and_destroy_keeps_it() {
    let double = double(None);
    let dir = tempfile::tempdir().expect("temp dir");
    let app = format!("al{:x}", std::process::id() & 0xfffff);
    // A region no other test of the suite uses: the account setting is one per region.
    std::fs::write(
        dir.path().join("app.apr"),
        format!(
            r#"app {app} {{
  region = "ap-south-1"
}}

network core {{
  cidr = 10.7.0.0/16
}}

service web {{
  image   = "public.ecr.aws/acme/web:1.0"
  network = core
}}

api edge {{
  network    = core
  access_log = true
  route ANY /{{proxy+}} -> web
}}
"#
        ),
    )
    .expect("spec");
    let plan = plan(dir.path());
    let region = "ap-south-1";
    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_built(&plan, region, &app, &double);
    let kept = format!("{app}-apigateway-logs");
    let inv = harness::inventory(region, &app);
    assert_eq!(inv["kept_roles"], serde_json::json!([kept]), "{inv}");
    // Exactly the AWS-managed policy made for it, and nothing else.
    assert_eq!(
        inv["kept_role_policies"],
        serde_json::json!([
            "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
        ]),
        "{inv}"
    );
    let role_arn = inv["account_cloudwatch_role"][0]
        .as_str()
        .unwrap_or_default();
    assert!(role_arn.ends_with(&format!(":role/{kept}")), "{inv}");

    let out = destroy(&double, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("kept what outlives the app"), "{stderr}");
    assert_nothing_left(region, &app, &double);
    let inv = harness::inventory(region, &app);
    assert_eq!(inv["kept_roles"], serde_json::json!([kept]), "{inv}");
    assert_eq!(inv["account_cloudwatch_role"][0], role_arn, "{inv}");
    // The state keeps only the retained steps, so applying again does not create the role
    // again (IAM would refuse the name).
    let recorded = state(dir.path());
    let retained: Vec<&str> = plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["retain"] == true)
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(retained.len(), 3, "role, policy, account setting");
    let mut left: Vec<&str> = recorded["steps"]
        .as_object()
        .expect("steps")
        .keys()
        .map(String::as_str)
        .collect();
    left.sort_unstable();
    let mut want = retained.clone();
    want.sort_unstable();
    assert_eq!(left, want, "{recorded}");

    // Applying again with other tags: the kept role's recorded call had the old ones, which
    // refuses nothing (what outlives the app is found made, never judged).
    let spec = dir.path().join("app.apr");
    let text = std::fs::read_to_string(&spec).expect("spec");
    let tagged = text.replace(
        "  region = \"ap-south-1\"\n",
        "  region = \"ap-south-1\"\n  tags   = { team = \"edge\" }\n",
    );
    assert_ne!(tagged, text);
    std::fs::write(&spec, tagged).expect("spec");
    let out = apply(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = harness::plan(dir.path());
    assert_built(&plan, region, &app, &double);
    let out = destroy(&double, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_left(region, &app, &double);
}

#[test]
fn dry_run_lists_every_step_and_touches_nothing() {
    let double = double(None);
    let (dir, _app) = copy_as_new_app("examples/seed.apr");
    let plan = plan(dir.path());
    let endpoint = support::moto();
    let out = aprc_with(
        &double,
        &[
            "apply",
            ".",
            "--state",
            "state.json",
            "--endpoint-url",
            &endpoint,
            "--dry-run",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let steps = plan["steps"].as_array().expect("steps");
    assert_eq!(stdout.lines().count(), steps.len(), "{stdout}");
    for (line, step) in stdout.lines().zip(steps) {
        let id = step["id"].as_str().expect("id");
        assert!(line.starts_with("run ") && line.contains(id), "{line}");
    }
    assert!(!dir.path().join("state.json").exists());
    assert_eq!(double.calls(), 0);
}

#[test]
fn destroy_without_a_state_file_is_a_usage_error() {
    let double = double(None);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = destroy(&double, dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no state file"));
}

#[test]
fn every_operation_of_every_example_plan_has_a_typed_call() {
    for example in support::examples() {
        let mut cmd = support::aprc();
        cmd.args(["build", "--target", "plan"])
            .arg(support::root().join(&example));
        // A required param without a default gets a value so the plan builds.
        for line in std::fs::read_to_string(support::root().join(&example))
            .unwrap_or_default()
            .lines()
        {
            if let Some(rest) = line.trim().strip_prefix("param ") {
                if let Some((name, ty)) = rest.split_once(':') {
                    if ty.trim().starts_with("string") {
                        cmd.arg("--param").arg(format!(
                            "{}=arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
                            name.trim()
                        ));
                    }
                }
            }
        }
        let out = cmd.output().expect("aprc runs");
        assert!(
            out.status.success(),
            "{}: {}",
            example.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let plan: Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
        for step in plan["steps"].as_array().expect("steps") {
            let service = step["service"].as_str().expect("service");
            let mut ops = vec![step["operation"].as_str().expect("operation")];
            ops.extend(step["wait"]["operation"].as_str());
            ops.extend(step["delete"]["operation"].as_str());
            for op in ops {
                assert!(
                    aprc::apply::supports(service, op),
                    "{}: step {}: {service} {op}",
                    example.display(),
                    step["id"]
                );
            }
        }
    }
}

#[test]
fn a_plan_with_an_operation_the_executor_lacks_is_refused_before_any_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state.json");
    let plan = serde_json::json!({
        "version": 1, "app": "x", "region": "eu-west-1", "parameters": {},
        "steps": [{
            "id": "x-vpc", "service": "ec2", "operation": "CreateVpc",
            "input": { "CidrBlock": "10.0.0.0/16" }, "depends_on": [],
            "outputs": { "VpcId": "Vpc.VpcId" },
            "wait": { "operation": "DescribeVpcsSomehow", "input": {}, "path": "Vpcs[0].State",
                      "expect": "available", "timeout_seconds": 5 }
        }],
        "outputs": {}
    });
    let options = aprc::apply::ApplyOptions {
        state_path: &state,
        // Unreachable on purpose: nothing may be sent.
        endpoint_url: Some("http://127.0.0.1:9"),
        dry_run: false,
    };
    let result = aprc::apply::apply(&plan.to_string(), &options);
    assert_eq!(
        result,
        Err(aprc::apply::Error::Usage(
            "step `x-vpc`: the executor cannot run ec2 DescribeVpcsSomehow".into()
        ))
    );
    assert!(!state.exists());
}

/// Plan format version 2 (spec section 8): the executor runs versions 1 and 2 and refuses any
/// other before a call; a wait's `outputs` are version 2 only.
#[test]
fn plan_versions_1_and_2_are_run_and_any_other_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state.json");
    let plan = |version: u32, wait_outputs: bool| {
        let mut wait = serde_json::json!({
            "operation": "DescribeVpcs", "input": { "VpcIds": [{ "ref": "x-vpc.VpcId" }] },
            "path": "Vpcs[0].State", "expect": "available", "timeout_seconds": 5
        });
        if wait_outputs {
            wait["outputs"] = serde_json::json!({ "Cidr": "Vpcs[0].CidrBlock" });
        }
        serde_json::json!({
            "version": version, "app": "x", "region": "eu-west-1", "parameters": {},
            "steps": [{
                "id": "x-vpc", "service": "ec2", "operation": "CreateVpc",
                "input": { "CidrBlock": "10.0.0.0/16" }, "depends_on": [],
                "outputs": { "VpcId": "Vpc.VpcId" }, "wait": wait
            }],
            "outputs": {}
        })
        .to_string()
    };
    let options = |dry_run| aprc::apply::ApplyOptions {
        state_path: &state,
        // Unreachable on purpose: nothing may be sent.
        endpoint_url: Some("http://127.0.0.1:9"),
        dry_run,
    };
    for version in [0, 3] {
        let result = aprc::apply::apply(&plan(version, false), &options(false));
        assert_eq!(
            result,
            Err(aprc::apply::Error::Usage(format!(
                "plan version {version} is not supported: this aprc runs versions 1 and 2"
            )))
        );
    }
    let result = aprc::apply::apply(&plan(1, true), &options(false));
    assert_eq!(
        result,
        Err(aprc::apply::Error::Usage(
            "step `x-vpc`: a wait's `outputs` needs plan version 2".into()
        ))
    );
    for (version, wait_outputs) in [(1, false), (2, true), (2, false)] {
        let listed = aprc::apply::apply(&plan(version, wait_outputs), &options(true));
        assert!(
            listed
                .as_ref()
                .is_ok_and(|l| l.contains("x-vpc (ec2 CreateVpc)")),
            "version {version}: {listed:?}"
        );
    }
    assert!(!state.exists());
}
