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
mod json;
mod network;
mod pretty;
mod service;
mod steps;

use super::BackendError;
use crate::diag::Code;
use crate::ir::{Ir, OutputValue, Vpc};
use json::{obj, J};
use std::borrow::Cow;
use std::cmp::Reverse;
use std::rc::Rc;
use std::collections::{BinaryHeap, HashMap};
use steps::Step;

pub use steps::kind;

pub fn emit(ir: &Ir) -> Result<String, BackendError> {
    let steps = build(ir);
    let (order, depends_on) = ordered(&steps)?;
    let parameters = ir
        .params
        .iter()
        .map(|p| {
            let mut decl = obj! { "type" => "string" };
            if let Some(default) = &p.default {
                decl.push("default", default);
            }
            (Cow::Borrowed(p.name.as_str()), decl)
        })
        .collect();
    let doc = Document {
        app: &ir.app.name,
        region: &ir.app.region,
        parameters: J::map(parameters),
        steps: Steps {
            steps: &steps,
            order: &order,
            depends_on: &depends_on,
        },
        outputs: outputs(ir),
    };
    // About 1.2 kB per step: reserving it up front saves copying a growing 8 MB buffer.
    let mut bytes = Vec::with_capacity(1024 + steps.len() * 1200);
    // Serializing cannot fail (every key is a string); the error is kept, not unwrapped.
    pretty::write(&mut bytes, &doc).map_err(|e| BackendError {
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

/// The plan document, serialized without first building it as one value:
/// `{"version": 1, "app", "region", "parameters", "steps", "outputs"}` in this order.
struct Document<'a> {
    app: &'a str,
    region: &'a str,
    parameters: J<'a>,
    steps: Steps<'a>,
    outputs: J<'a>,
}

impl serde::Serialize for Document<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("version", &1)?;
        map.serialize_entry("app", self.app)?;
        map.serialize_entry("region", self.region)?;
        map.serialize_entry("parameters", &self.parameters)?;
        map.serialize_entry("steps", &self.steps)?;
        map.serialize_entry("outputs", &self.outputs)?;
        map.end()
    }
}

/// The steps in plan order, each with its `depends_on` (indexed like `steps`).
struct Steps<'a> {
    steps: &'a [Step<'a>],
    order: &'a [usize],
    depends_on: &'a [Vec<&'a str>],
}

impl serde::Serialize for Steps<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.order.iter().filter_map(|&i| {
            Some(self.steps.get(i)?.to_json(self.depends_on.get(i)?))
        }))
    }
}

/// Every step in IR order: app-wide lookups, networks, services, apis.
fn build(ir: &Ir) -> Vec<Step<'_>> {
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
    // Room for every step up front (a service makes up to seven, an api three per route and
    // a few more): one allocation instead of a doubling series of copies.
    let per_api: usize = ir
        .apis
        .iter()
        .map(|a| a.resources.len() + 2 * a.methods.len() + 12)
        .sum();
    all.reserve(ir.services.len() * 7 + per_api);
    for net in &ir.networks {
        network::steps(&ir.app, net, &mut all);
    }
    // The same tags go on every service's calls: built once, shared.
    let tags = J::Shared(Rc::new(steps::tag_list(&ir.app.tags)));
    for service in &ir.services {
        service::steps(ir, service, &tags, &mut all);
    }
    for api in &ir.apis {
        api::steps(&ir.app, api, &mut all);
    }
    all
}

/// The order to write the steps in (indices into `steps`) and each step's dependencies.
type Ordered<'s> = (Vec<usize>, Vec<Vec<&'s str>>);

/// Topological order, dependencies first, ties broken by IR order. A duplicate id or a ref to
/// a step that does not exist is a bug in this backend, reported rather than emitted.
fn ordered<'s>(steps: &'s [Step<'_>]) -> Result<Ordered<'s>, BackendError> {
    let internal = |message: String| BackendError {
        code: Code::E0502,
        message,
    };
    // Only looked up, never iterated, so the output does not depend on its order.
    let mut position = HashMap::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        if position.insert(&*step.id, i).is_some() {
            return Err(internal(format!(
                "two plan steps would be named `{}`",
                step.id
            )));
        }
    }
    let deps: Vec<Vec<&str>> = steps.iter().map(Step::dependencies).collect();
    // Kahn's algorithm taking the lowest ready index each time: the same order as picking
    // "the first step in IR order whose dependencies are done", but linear-logarithmic
    // (the rescan from the start for every step made 1,000 services take seconds).
    // Each step's dependents, all in one list cut by `start` (one allocation where a list
    // per step cost 7,000); `waiting` counts the dependencies not yet written.
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut resolved: Vec<usize> = Vec::with_capacity(waiting.iter().sum());
    let mut start: Vec<usize> = vec![0; steps.len() + 1];
    for (step, d) in steps.iter().zip(&deps) {
        for id in d {
            let Some(&j) = position.get(id) else {
                return Err(internal(format!(
                    "plan step `{}` refers to the missing step `{id}`",
                    step.id
                )));
            };
            resolved.push(j);
            start[j + 1] += 1;
        }
    }
    for j in 0..steps.len() {
        start[j + 1] += start[j];
    }
    let mut next = start.clone();
    let mut dependents: Vec<usize> = vec![0; resolved.len()];
    let mut edges = resolved.iter();
    for (i, d) in deps.iter().enumerate() {
        for &j in edges.by_ref().take(d.len()) {
            dependents[next[j]] = i;
            next[j] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..steps.len())
        .filter(|&i| waiting[i] == 0)
        .map(Reverse)
        .collect();
    let mut order: Vec<usize> = Vec::with_capacity(steps.len());
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &k in &dependents[start[i]..start[i + 1]] {
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
    Ok((order, deps))
}

/// Outputs per `ir.outputs`: refs into recorded responses, never an api key's value.
fn outputs(ir: &Ir) -> J<'_> {
    let mut out = Vec::with_capacity(ir.outputs.len());
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
        out.push((Cow::Borrowed(output.snake.as_str()), value));
    }
    J::map(out)
}

#[cfg(test)]
mod tests {
    use super::json::{obj, J};
    use super::ordered;
    use super::steps::kind::ALL;
    use super::steps::{reference, Step};

    fn step(id: &str, refs: &[&str]) -> Step<'static> {
        let input: Vec<J> = refs.iter().map(|r| reference((*r).into(), "Out")).collect();
        Step::new(id.into(), "ec2", "CreateVpc", obj! { "X" => input }).output("Out", "Vpc.VpcId")
    }

    fn ids(steps: Vec<Step>) -> Vec<String> {
        match ordered(&steps) {
            Ok((order, _)) => order.into_iter().map(|i| steps[i].id.to_string()).collect(),
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
        let steps = vec![step("a", &[]), step("b", &["a", "a"]).after("a".into())];
        let (_, deps) = ordered(&steps).expect("orders");
        assert_eq!(deps[1], ["a"]);
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
