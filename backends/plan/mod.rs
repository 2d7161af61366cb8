//! The `plan` backend: the IR as a JSON document of AWS API calls (spec section 7) that any
//! SDK can run step by step, and undo by running each step's `delete` in reverse order.
//!
//! This file owns the document and the ordering. Steps are built per entity (`network.rs`,
//! `service.rs`, `api.rs`) in IR order; `depends_on` is derived from the refs each step holds
//! plus its explicit edges, and the steps are then ordered topologically, always taking the
//! earliest ready step in IR order, so the order is deterministic and stable under edits.
//!
//! Semantics an executor relies on: a step's `outputs` are paths into the response of the
//! step's own operation; a `wait` runs after the operation and before any later step; refs
//! may name only earlier steps (a `wait` or `delete` may also name its own step's outputs).

mod api;
mod network;
mod service;
mod steps;

use super::BackendError;
use crate::diag::Code;
use crate::ir::{Ir, OutputValue, Vpc};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use steps::Step;

pub use steps::kind;

pub fn emit(ir: &Ir) -> Result<String, BackendError> {
    let steps = ordered(build(ir))?;
    let mut doc = Map::new();
    doc.insert("version".into(), json!(1));
    doc.insert("app".into(), json!(ir.app.name));
    doc.insert("region".into(), json!(ir.app.region));
    let params: Map<String, Value> = ir
        .params
        .iter()
        .map(|p| {
            let mut decl = Map::new();
            decl.insert("type".into(), json!("string"));
            if let Some(default) = &p.default {
                decl.insert("default".into(), json!(default));
            }
            (p.name.clone(), Value::Object(decl))
        })
        .collect();
    doc.insert("parameters".into(), Value::Object(params));
    doc.insert(
        "steps".into(),
        Value::Array(steps.iter().map(|(s, deps)| s.to_json(deps)).collect()),
    );
    doc.insert("outputs".into(), outputs(ir));
    // Serializing a `Value` cannot fail (its keys are strings); the error is kept, not unwrapped.
    let mut text = serde_json::to_string_pretty(&Value::Object(doc)).map_err(|e| BackendError {
        code: Code::E0502,
        message: format!("cannot serialize the plan: {e}"),
    })?;
    text.push('\n');
    Ok(text)
}

/// Every step in IR order: app-wide lookups, networks, services, apis.
fn build(ir: &Ir) -> Vec<Step> {
    let zones = ir
        .networks
        .iter()
        .filter_map(|n| match &n.vpc {
            Vpc::Create { subnets, .. } => subnets.iter().map(|s| s.zone_index + 1).max(),
            Vpc::Existing { .. } => None,
        })
        .max()
        .unwrap_or(0);
    let account = ir.apis.iter().any(|a| a.access_log.is_some());
    let mut all = network::app_steps(&ir.app, zones, account);
    for net in &ir.networks {
        all.extend(network::steps(&ir.app, net));
    }
    for service in &ir.services {
        all.extend(service::steps(ir, service));
    }
    for api in &ir.apis {
        all.extend(api::steps(&ir.app, api));
    }
    all
}

/// Topological order, dependencies first, ties broken by IR order. A duplicate id or a ref to
/// a step that does not exist is a bug in this backend, reported rather than emitted.
fn ordered(steps: Vec<Step>) -> Result<Vec<(Step, Vec<String>)>, BackendError> {
    let internal = |message: String| BackendError {
        code: Code::E0502,
        message,
    };
    let mut position = BTreeMap::new();
    for (i, step) in steps.iter().enumerate() {
        if position.insert(step.id.clone(), i).is_some() {
            return Err(internal(format!(
                "two plan steps would be named `{}`",
                step.id
            )));
        }
    }
    let deps: Vec<BTreeSet<String>> = steps.iter().map(Step::dependencies).collect();
    for (step, d) in steps.iter().zip(&deps) {
        if let Some(missing) = d.iter().find(|d| !position.contains_key(*d)) {
            return Err(internal(format!(
                "plan step `{}` refers to the missing step `{missing}`",
                step.id
            )));
        }
    }
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut order: Vec<usize> = Vec::with_capacity(steps.len());
    while order.len() < steps.len() {
        let next = (0..steps.len())
            .find(|&i| !done.contains(&steps[i].id) && deps[i].iter().all(|d| done.contains(d)));
        let Some(i) = next else {
            return Err(internal(
                "plan steps depend on each other in a cycle".into(),
            ));
        };
        done.insert(steps[i].id.clone());
        order.push(i);
    }
    let mut slots: Vec<Option<Step>> = steps.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|i| {
            let step = slots.get_mut(i)?.take()?;
            let d = deps
                .get(i)
                .map(|d| d.iter().cloned().collect())
                .unwrap_or_default();
            Some((step, d))
        })
        .collect())
}

/// Outputs per `ir.outputs`: refs into recorded responses, never an api key's value.
fn outputs(ir: &Ir) -> Value {
    let mut out = Map::new();
    for output in &ir.outputs {
        let value = match &output.value {
            OutputValue::InvokeUrl(api) => match ir.apis.iter().find(|a| &a.names.spec == api) {
                Some(api) => api::invoke_url(&ir.app, api),
                None => continue,
            },
            OutputValue::ApiKeyId(api) => api::api_key_id(api),
            OutputValue::ServiceArn(service) => service::service_arn(service),
            // The host name as App Runner gives it, like the other targets' outputs.
            OutputValue::ServiceUrl(service) => service::service_url(service),
            OutputValue::IngressDomain(service) => service::ingress_domain(service),
        };
        out.insert(output.snake.clone(), value);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::ordered;
    use super::steps::kind::ALL;
    use super::steps::{reference, Step};
    use serde_json::json;

    fn step(id: &str, refs: &[&str]) -> Step {
        let input: Vec<_> = refs.iter().map(|r| reference(r, "Out")).collect();
        Step::new(id.into(), "ec2", "CreateVpc", json!({ "X": input })).output("Out", "Vpc.VpcId")
    }

    fn ids(steps: Vec<Step>) -> Vec<String> {
        match ordered(steps) {
            Ok(sorted) => sorted.into_iter().map(|(s, _)| s.id).collect(),
            Err(e) => vec![format!("error: {}", e.message)],
        }
    }

    #[test]
    fn orders_dependencies_first_then_by_position() {
        let steps = vec![
            step("c", &["b"]),
            step("a", &[]),
            step("b", &["a"]),
            step("d", &[]),
        ];
        assert_eq!(ids(steps), ["a", "b", "c", "d"]);
        let sorted =
            ordered(vec![step("a", &[]), step("b", &["a", "a"]).after("a")]).expect("orders");
        assert_eq!(sorted[1].1, ["a"]);
    }

    #[test]
    fn refuses_cycles_duplicates_and_missing_steps() {
        assert!(ids(vec![step("a", &["b"]), step("b", &["a"])])[0].contains("cycle"));
        assert!(ids(vec![step("a", &[]), step("a", &[])])[0].contains("two plan steps"));
        assert!(ids(vec![step("a", &["z"])])[0].contains("missing step `z`"));
    }

    /// Step ids are `<name>-<kind>`; they stay unique for hyphenated names only if no kind
    /// ends with `-` followed by another kind.
    #[test]
    fn no_kind_is_a_hyphen_suffix_of_another() {
        // Numbered kinds are written with `N`; their instances end in a number, which no kind is.
        for a in ALL {
            for b in ALL {
                if a != b {
                    assert!(!a.ends_with(&format!("-{b}")), "`{a}` ends with `-{b}`");
                }
            }
            assert!(a.parse::<u64>().is_err());
        }
        let unique: std::collections::BTreeSet<_> = ALL.iter().collect();
        assert_eq!(unique.len(), ALL.len());
    }
}
