//! Runs the Python oracles of tests/plan/ on a plan: `validate_plan.py` (botocore models) and
//! `run_plan.py` (moto plus the App Runner test double). Included by tests/plan.rs.

use crate::support;
use serde_json::Value;
use std::path::PathBuf;

pub fn python(script: &str, args: &[&str]) -> (bool, String) {
    let mut cmd = support::oracle(support::Oracle::Python);
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

pub fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("{name}.json"));
    std::fs::write(&path, text).expect("write plan");
    (dir, path)
}

pub fn validate(name: &str, text: &str) {
    validate_all(&[(name.to_string(), text.to_string())]);
}

/// Validates every (name, plan) in one run of `validate_plan.py`: botocore's models load once.
pub fn validate_all(plans: &[(String, String)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for (name, text) in plans {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, text).expect("write plan");
        paths.push(path.display().to_string());
    }
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (ok, out) = python("validate_plan.py", &args);
    assert!(ok, "validate_plan.py rejected a plan:\n{out}");
    assert_eq!(out.matches("ok: ").count(), plans.len(), "{out}");
}

/// Runs the plan against moto; required params get a value shaped like what they hold.
pub fn run(name: &str, text: &str) -> String {
    let plan: Value = serde_json::from_str(text).expect("the plan is JSON");
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
pub fn run_failing(name: &str, plan: &Value) -> String {
    let (_dir, path) = write_temp(name, &plan.to_string());
    let endpoint = support::moto();
    let (ok, out) = python("run_plan.py", &[path.to_str().expect("path"), &endpoint]);
    assert!(!ok, "run_plan.py accepted the broken {name} plan:\n{out}");
    out
}
