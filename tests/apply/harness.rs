//! Shared by the tests in `tests/apply.rs`: the App Runner double as a child process, copies
//! of examples under an app name of their own, `aprc` runs against moto, and what moto and the
//! double hold for one app.

use super::support;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// The App Runner double, killed when the test ends.
pub struct Double {
    pub url: String,
    child: Child,
}

impl Drop for Double {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The double, with its test controls (`--fail-once OPERATION`, `--fail-status-once`).
pub fn double_with(args: &[&str]) -> Double {
    let mut cmd = support::oracle(support::Oracle::Python);
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

pub fn double(fail_once: Option<&str>) -> Double {
    match fail_once {
        Some(op) => double_with(&["--fail-once", op]),
        None => double_with(&[]),
    }
}

impl Double {
    /// `{"resources": {kind: [names]}, "calls": [operations]}`.
    pub fn inventory(&self) -> Value {
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

    pub fn count(&self, kind: &str) -> usize {
        self.inventory()["resources"][kind]
            .as_array()
            .map_or(0, Vec::len)
    }

    pub fn calls(&self) -> usize {
        self.inventory()["calls"].as_array().map_or(0, Vec::len)
    }

    pub fn calls_of(&self, operation: &str) -> usize {
        self.inventory()["calls"]
            .as_array()
            .map_or(0, |c| c.iter().filter(|c| *c == operation).count())
    }
}

/// A copy of `example` (file or directory) whose app is renamed to a name unique to this run.
pub fn copy_as_new_app(example: &str) -> (tempfile::TempDir, String) {
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

pub fn plan(spec: &Path) -> Value {
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

/// `aprc ARGS` in `dir`, against moto and the double.
pub fn aprc_command(double: &Double, args: &[&str], dir: &Path) -> Command {
    let mut cmd = support::aprc();
    support::moto_env(&mut cmd)
        .env("APRC_APPRUNNER_ENDPOINT_URL", &double.url)
        .current_dir(dir)
        .args(args);
    cmd
}

pub fn aprc_with(double: &Double, args: &[&str], dir: &Path) -> Output {
    aprc_command(double, args, dir).output().expect("aprc runs")
}

/// `aprc apply .` with its state in `dir/state.json`.
pub fn apply_command(double: &Double, dir: &Path) -> Command {
    let endpoint = support::moto();
    aprc_command(
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

pub fn apply(double: &Double, dir: &Path) -> Output {
    apply_command(double, dir).output().expect("aprc runs")
}

pub fn destroy(double: &Double, dir: &Path) -> Output {
    aprc_with(double, &["destroy", "--state", "state.json"], dir)
}

/// What moto holds for `app`, by kind.
pub fn inventory(region: &str, app: &str) -> Value {
    let out = support::oracle(support::Oracle::Python)
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

pub fn count(inv: &Value, kind: &str) -> usize {
    inv[kind].as_array().map_or(0, Vec::len)
}

/// Resources the plan creates, per inventory kind: one per create step of that operation.
pub fn expected(plan: &Value) -> Vec<(&'static str, usize)> {
    let ops = [
        ("vpcs", "ec2", "CreateVpc"),
        ("subnets", "ec2", "CreateSubnet"),
        ("security_groups", "ec2", "CreateSecurityGroup"),
        ("vpc_endpoints", "ec2", "CreateVpcEndpoint"),
        ("internet_gateways", "ec2", "CreateInternetGateway"),
        ("route_tables", "ec2", "CreateRouteTable"),
        ("nat_gateways", "ec2", "CreateNatGateway"),
        ("addresses", "ec2", "AllocateAddress"),
        ("load_balancers", "elbv2", "CreateLoadBalancer"),
        ("target_groups", "elbv2", "CreateTargetGroup"),
        ("listeners", "elbv2", "CreateListener"),
        ("vpc_links", "apigateway", "CreateVpcLink"),
        ("rest_apis", "apigateway", "CreateRestApi"),
        ("api_keys", "apigateway", "CreateApiKey"),
        ("usage_plans", "apigateway", "CreateUsagePlan"),
        ("roles", "iam", "CreateRole"),
        ("log_groups", "logs", "CreateLogGroup"),
        ("services", "apprunner", "CreateService"),
        ("ingress", "apprunner", "CreateVpcIngressConnection"),
        ("ecs_clusters", "ecs", "CreateCluster"),
        ("ecs_services", "ecs", "CreateService"),
        ("task_definitions", "ecs", "RegisterTaskDefinition"),
        (
            "scalable_targets",
            "application-autoscaling",
            "RegisterScalableTarget",
        ),
        (
            "scaling_policies",
            "application-autoscaling",
            "PutScalingPolicy",
        ),
    ];
    // Retained steps make what outlives the app: the inventory lists it apart (`kept_*`).
    let steps: Vec<&Value> = plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["retain"] != true)
        .collect();
    ops.iter()
        .map(|(kind, service, op)| {
            (
                *kind,
                steps
                    .iter()
                    .filter(|s| s["service"] == *service && s["operation"] == *op)
                    .count(),
            )
        })
        .collect()
}

pub fn assert_built(plan: &Value, region: &str, app: &str, double: &Double) {
    let inv = inventory(region, app);
    for (kind, n) in expected(plan) {
        let found = match kind {
            "services" | "ingress" => double.count(kind),
            _ => count(&inv, kind),
        };
        assert_eq!(found, n, "{kind}: expected {n}, found {found} in {inv}");
    }
}

pub fn assert_nothing_left(region: &str, app: &str, double: &Double) {
    let inv = inventory(region, app);
    let left: Vec<&String> = inv
        .as_object()
        .expect("object")
        .iter()
        // What outlives the app by design (the plan's `retain`) is listed apart.
        .filter(|(k, _)| !k.starts_with("kept_") && *k != "account_cloudwatch_role")
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

pub fn state(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("state.json")).expect("a state file");
    serde_json::from_str(&text).expect("state JSON")
}

/// A copy of `example` under an app name of its own, applied: (its directory, the app, the
/// plan, the region). Panics with apply's stderr if the apply fails.
pub fn applied(double: &Double, example: &str) -> (tempfile::TempDir, String, Value, String) {
    let (dir, app) = copy_as_new_app(example);
    let plan = plan(dir.path());
    let region = plan["region"].as_str().expect("region").to_string();
    let out = apply(double, dir.path());
    assert!(
        out.status.success(),
        "{example}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, app, plan, region)
}

/// Destroys what `dir`'s state records and checks that nothing of `app` is left.
pub fn destroyed(double: &Double, dir: &Path, region: &str, app: &str) {
    let out = destroy(double, dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_nothing_left(region, app, double);
}
