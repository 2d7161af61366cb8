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
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use steps::Step;

pub use steps::kind;

pub fn emit(ir: &Ir) -> Result<String, BackendError> {
    let steps = ordered(build(ir))?;
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
    let doc = Document {
        app: &ir.app.name,
        region: &ir.app.region,
        parameters: Value::Object(params),
        steps: &steps,
        outputs: outputs(ir),
    };
    // About 1.2 kB per step: reserving it up front saves copying a growing 8 MB buffer.
    let mut bytes = Vec::with_capacity(1024 + steps.len() * 1200);
    // Serializing cannot fail (every key is a string); the error is kept, not unwrapped.
    serde_json::to_writer_pretty(&mut bytes, &doc).map_err(|e| BackendError {
        code: Code::E0502,
        message: format!("cannot serialize the plan: {e}"),
    })?;
    bytes.push(b'\n');
    // serde_json writes UTF-8 only; the check is kept rather than assumed.
    String::from_utf8(bytes).map_err(|e| BackendError {
        code: Code::E0502,
        message: format!("cannot serialize the plan: {e}"),
    })
}

/// The plan document, serialized without first building it as one `serde_json::Value`:
/// `{"version": 1, "app", "region", "parameters", "steps", "outputs"}` in this order.
struct Document<'a> {
    app: &'a str,
    region: &'a str,
    parameters: Value,
    steps: &'a [(Step, Vec<String>)],
    outputs: Value,
}

impl serde::Serialize for Document<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("version", &1)?;
        map.serialize_entry("app", self.app)?;
        map.serialize_entry("region", self.region)?;
        map.serialize_entry("parameters", &self.parameters)?;
        map.serialize_entry("steps", &Steps(self.steps))?;
        map.serialize_entry("outputs", &self.outputs)?;
        map.end()
    }
}

struct Steps<'a>(&'a [(Step, Vec<String>)]);

impl serde::Serialize for Steps<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(s, deps)| s.to_json(deps)))
    }
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
        if position.insert(step.id.as_str(), i).is_some() {
            return Err(internal(format!(
                "two plan steps would be named `{}`",
                step.id
            )));
        }
    }
    let deps: Vec<BTreeSet<&str>> = steps.iter().map(Step::dependencies).collect();
    for (step, d) in steps.iter().zip(&deps) {
        if let Some(missing) = d.iter().find(|d| !position.contains_key(**d)) {
            return Err(internal(format!(
                "plan step `{}` refers to the missing step `{missing}`",
                step.id
            )));
        }
    }
    // Kahn's algorithm taking the lowest ready index each time: the same order as picking
    // "the first step in IR order whose dependencies are done", but linear-logarithmic
    // (the rescan from the start for every step made 1,000 services take seconds).
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    let mut waiting: Vec<usize> = vec![0; steps.len()];
    for (i, d) in deps.iter().enumerate() {
        for id in d {
            if let Some(&j) = position.get(id) {
                dependents[j].push(i);
                waiting[i] += 1;
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..steps.len())
        .filter(|&i| waiting[i] == 0)
        .map(Reverse)
        .collect();
    let mut order: Vec<usize> = Vec::with_capacity(steps.len());
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &k in &dependents[i] {
            waiting[k] -= 1;
            if waiting[k] == 0 {
                ready.push(Reverse(k));
            }
        }
    }
    if order.len() < steps.len() {
        return Err(internal(
            "plan steps depend on each other in a cycle".into(),
        ));
    }
    // The ids borrow from the steps, which are moved out next: own them first.
    let mut deps: Vec<Vec<String>> = deps
        .iter()
        .map(|d| d.iter().map(|s| s.to_string()).collect())
        .collect();
    drop(position);
    let mut slots: Vec<Option<Step>> = steps.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|i| {
            let step = slots.get_mut(i)?.take()?;
            let d = deps.get_mut(i).map(std::mem::take).unwrap_or_default();
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
