//! The rest of each kind's plan spelling (backends/plan/lifecycle.rs): read, update,
//! replacement and tags for every resource's main step, and a decision for every other step,
//! held to botocore's models by `validate_lifecycle.py` on the kitchen sink and every example.

use super::oracles::python;
use crate::support;
use aprc::backends::plan::lifecycle::{companion, lifecycles};
use aprc::diag::Diagnostics;
use aprc::source::Sources;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn graph(input: &Path) -> aprc::ir::Graph {
    let mut sources = Sources::new();
    for file in support::files_of(input) {
        let text = std::fs::read_to_string(&file).expect("source");
        sources.add(file.display().to_string(), text);
    }
    let mut diags = Diagnostics::new();
    aprc::driver::compile(&sources, &BTreeMap::new(), &mut diags)
        .expect("no --param")
        .unwrap_or_else(|| panic!("{}: {:?}", input.display(), diags.sorted()))
}

#[test]
fn every_step_has_a_lifecycle_that_botocore_accepts() {
    let mut inputs = vec![PathBuf::from("tests/plan/kitchen_sink.apr")];
    inputs.extend(support::examples());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = Vec::new();
    for (n, input) in inputs.iter().enumerate() {
        let g = graph(input);
        let plan = aprc::backends::plan::emit(&g).expect("the plan");
        let table = lifecycles(&g).expect("the lifecycles");
        assert_eq!(table.len(), g.resources.len(), "{}", input.display());
        // Every step is a main step, with its lifecycle, or a companion with a decision.
        let main: BTreeSet<&str> = table.iter().map(|l| l.step.as_str()).collect();
        assert_eq!(main.len(), table.len(), "main steps repeat");
        let parsed: Value = serde_json::from_str(&plan).expect("plan JSON");
        for step in parsed["steps"].as_array().expect("steps") {
            let (id, op) = (
                step["id"].as_str().expect("id"),
                step["operation"].as_str().expect("op"),
            );
            assert!(
                main.contains(id) || companion(op).is_some(),
                "{}: step {id} ({op}) is neither a main step nor a classified companion",
                input.display()
            );
        }
        let plan_path = dir.path().join(format!("{n}.plan.json"));
        let table_path = dir.path().join(format!("{n}.lifecycle.json"));
        std::fs::write(&plan_path, &plan).expect("write plan");
        std::fs::write(&table_path, serde_json::to_string(&table).expect("JSON")).expect("write");
        args.push(plan_path.display().to_string());
        args.push(table_path.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out) = python("validate_lifecycle.py", &args);
    assert!(ok, "{out}");
    assert_eq!(out.matches("ok: ").count(), inputs.len(), "{out}");
}

fn vpc(table: &mut Value) -> &mut Value {
    table
        .as_array_mut()
        .and_then(|all| all.iter_mut().find(|e| e["create"] == "CreateVpc"))
        .expect("the VPC's lifecycle")
}

/// The validator is an oracle only if it refuses a broken table: an unknown read, a member
/// no call takes, a member with no decided answer.
#[test]
fn the_lifecycle_validator_refuses_broken_tables() {
    let g = aprc::testing::seed_graph();
    let plan = aprc::backends::plan::emit(&g).expect("the plan");
    let table: Value = serde_json::to_value(lifecycles(&g).expect("the lifecycles")).expect("JSON");
    type Breakage = fn(&mut Value);
    let breakages: [(&str, Breakage); 4] = [
        ("read", |e| e["read"]["operation"] = "DescribeVpcz".into()),
        ("path", |e| e["read"]["path"] = "Vpcs[0].Nope".into()),
        ("member", |e| {
            e["replace_on"] = serde_json::json!(["CidrBlok"])
        }),
        ("undecided", |e| e["replace_on"] = serde_json::json!([])),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let plan_path = dir.path().join("plan.json");
    std::fs::write(&plan_path, &plan).expect("write plan");
    let mut args = Vec::new();
    for (what, breakage) in breakages {
        let mut broken = table.clone();
        breakage(vpc(&mut broken));
        let path = dir.path().join(format!("{what}.json"));
        std::fs::write(&path, broken.to_string()).expect("write");
        args.push(plan_path.display().to_string());
        args.push(path.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out) = python("validate_lifecycle.py", &args);
    assert!(!ok, "{out}");
    for what in ["read", "path", "member", "undecided"] {
        assert!(
            !out.contains(&format!(
                "ok: {}",
                dir.path().join(format!("{what}.json")).display()
            )),
            "the validator accepted a broken {what}:\n{out}"
        );
    }
}
