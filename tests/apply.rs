//! `aprc apply` / `aprc destroy` end to end, against moto plus the App Runner test double
//! (`tests/apply/apprunner_double.py`; moto has no App Runner). Run with
//! `cargo test --features apply --test apply`.
//!
//! Each test applies a copy of an example under an app name of its own, so tests sharing a
//! moto server look only at their own resources (`tests/apply/inventory.py` lists what carries
//! that app's tag or name prefix). Expected counts come from the plan itself: one resource per
//! create step of each kind.

#![cfg(feature = "apply")]

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// The App Runner double, killed when the test ends.
struct Double {
    url: String,
    child: Child,
}

impl Drop for Double {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The double, with its test controls (`--fail-once OPERATION`, `--fail-status-once`).
fn double_with(args: &[&str]) -> Double {
    let mut cmd = Command::new("python3");
    cmd.arg(support::root().join("tests/apply/apprunner_double.py"))
        .arg(support::moto())
        .arg(std::process::id().to_string())
        .args(args);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 with boto3");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the double starts");
    let port = line.trim().strip_prefix("ready ").expect("`ready PORT`");
    Double {
        url: format!("http://127.0.0.1:{port}"),
        child,
    }
}

fn double(fail_once: Option<&str>) -> Double {
    match fail_once {
        Some(op) => double_with(&["--fail-once", op]),
        None => double_with(&[]),
    }
}

impl Double {
    /// `{"resources": {kind: [names]}, "calls": [operations]}`.
    fn inventory(&self) -> Value {
        let addr = self.url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).expect("the double listens");
        stream
            .write_all(b"GET /_inventory HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        let body = response.split_once("\r\n\r\n").expect("a body").1;
        serde_json::from_str(body).expect("JSON")
    }

    fn count(&self, kind: &str) -> usize {
        self.inventory()["resources"][kind]
            .as_array()
            .map_or(0, Vec::len)
    }

    fn calls(&self) -> usize {
        self.inventory()["calls"].as_array().map_or(0, Vec::len)
    }

    fn calls_of(&self, operation: &str) -> usize {
        self.inventory()["calls"]
            .as_array()
            .map_or(0, |c| c.iter().filter(|c| *c == operation).count())
    }
}

/// A copy of `example` (file or directory) whose app is renamed to a name unique to this run.
fn copy_as_new_app(example: &str) -> (tempfile::TempDir, String) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let app = format!(
        "t{:x}{}",
        std::process::id() & 0xfffff,
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let src = support::root().join(example);
    let files: Vec<PathBuf> = if src.is_dir() {
        std::fs::read_dir(&src)
            .expect("example dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "apr"))
            .collect()
    } else {
        vec![src]
    };
    let mut renamed = false;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("example");
        let mut out = String::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("app ") {
                let brace = rest.find('{').expect("`app NAME {`");
                out.push_str(&format!("app {app} {}\n", &rest[brace..]));
                renamed = true;
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        std::fs::write(dir.path().join(file.file_name().expect("name")), out).expect("write");
    }
    assert!(renamed, "{example} declares no app");
    (dir, app)
}

fn plan(spec: &Path) -> Value {
    let out = support::aprc()
        .args(["build", "--target", "plan"])
        .arg(spec)
        .output()
        .expect("aprc runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("plan JSON")
}

fn aprc_with(double: &Double, args: &[&str], dir: &Path) -> Output {
    let mut cmd = support::aprc();
    support::moto_env(&mut cmd)
        .env("APRC_APPRUNNER_ENDPOINT_URL", &double.url)
        .current_dir(dir)
        .args(args);
    cmd.output().expect("aprc runs")
}

fn apply(double: &Double, dir: &Path) -> Output {
    let endpoint = support::moto();
    aprc_with(
        double,
        &[
            "apply",
            ".",
            "--state",
            "state.json",
            "--endpoint-url",
            &endpoint,
        ],
        dir,
    )
}

fn destroy(double: &Double, dir: &Path) -> Output {
    aprc_with(double, &["destroy", "--state", "state.json"], dir)
}

/// What moto holds for `app`, by kind.
fn inventory(region: &str, app: &str) -> Value {
    let out = Command::new("python3")
        .arg(support::root().join("tests/apply/inventory.py"))
        .args([&support::moto(), region, app])
        .output()
        .expect("python3 with boto3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("inventory JSON")
}

fn count(inv: &Value, kind: &str) -> usize {
    inv[kind].as_array().map_or(0, Vec::len)
}

/// Resources the plan creates, per inventory kind: one per create step of that operation.
fn expected(plan: &Value) -> Vec<(&'static str, usize)> {
    let ops = [
        ("vpcs", "CreateVpc"),
        ("subnets", "CreateSubnet"),
        ("security_groups", "CreateSecurityGroup"),
        ("vpc_endpoints", "CreateVpcEndpoint"),
        ("load_balancers", "CreateLoadBalancer"),
        ("target_groups", "CreateTargetGroup"),
        ("listeners", "CreateListener"),
        ("vpc_links", "CreateVpcLink"),
        ("rest_apis", "CreateRestApi"),
        ("api_keys", "CreateApiKey"),
        ("usage_plans", "CreateUsagePlan"),
        ("roles", "CreateRole"),
        ("log_groups", "CreateLogGroup"),
        ("services", "CreateService"),
        ("ingress", "CreateVpcIngressConnection"),
    ];
    let steps = plan["steps"].as_array().expect("steps");
    ops.iter()
        .map(|(kind, op)| {
            (
                *kind,
                steps.iter().filter(|s| s["operation"] == *op).count(),
            )
        })
        .collect()
}

fn assert_built(plan: &Value, region: &str, app: &str, double: &Double) {
    let inv = inventory(region, app);
    for (kind, n) in expected(plan) {
        let found = match kind {
            "services" | "ingress" => double.count(kind),
            _ => count(&inv, kind),
        };
        assert_eq!(found, n, "{kind}: expected {n}, found {found} in {inv}");
    }
}

fn assert_nothing_left(region: &str, app: &str, double: &Double) {
    let inv = inventory(region, app);
    let left: Vec<&String> = inv
        .as_object()
        .expect("object")
        .iter()
        .filter(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty()))
        .map(|(k, _)| k)
        .collect();
    assert!(left.is_empty(), "left in moto: {inv}");
    let resources = &double.inventory()["resources"];
    let left: Vec<&Value> = resources
        .as_object()
        .expect("object")
        .values()
        .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        .collect();
    assert!(
        left.is_empty(),
        "left in the App Runner double: {resources}"
    );
}

fn state(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("state.json")).expect("a state file");
    serde_json::from_str(&text).expect("state JSON")
}

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
