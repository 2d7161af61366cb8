//! The plan's building blocks: one [`Step`] (an AWS API call with its outputs, wait and delete),
//! the value helpers (`ref`, `param`, `join`, tags in each API's own shape) and the step id
//! scheme. Builders in `network.rs`, `service.rs` and `api.rs` only assemble these, so the
//! JSON spelling of a reference or a tag lives in one place.
//!
//! `depends_on` is never written by hand: it is derived from the refs a step's input, wait and
//! delete contain, plus the explicit ordering edges added with [`Step::after`] (a policy that
//! must be attached before a service starts, integrations before a deployment).

use crate::text::{Text, TextPart};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds that follow `<spec name>-` in a step id. No kind ends with `-` + another kind
/// (numbered kinds end in a number, which is no kind), so `<name>-<kind>` is unique for every
/// pair of distinct entities even when spec names contain hyphens: a test checks it.
pub mod kind {
    pub const ZONES: &str = "zones";
    pub const ACCOUNT: &str = "account";
    pub const VPC: &str = "vpc";
    pub const DNS_SUPPORT: &str = "dns-support";
    pub const DNS_HOSTNAMES: &str = "dns-hostnames";
    pub const ENDPOINT: &str = "endpoint";
    pub const ENDPOINT_ENIS: &str = "endpoint-enis";
    pub const NLB: &str = "nlb";
    pub const NLB_ATTRIBUTES: &str = "nlb-attributes";
    pub const NLB_SECURITY_GROUPS: &str = "nlb-security-groups";
    pub const TARGET_GROUP: &str = "target-group";
    pub const TARGETS: &str = "targets";
    pub const LISTENER: &str = "listener";
    pub const VPC_LINK: &str = "vpc-link";
    pub const CONNECTOR: &str = "connector";
    pub const ACCESS_ROLE: &str = "access-role";
    pub const ACCESS_POLICY: &str = "access-policy";
    pub const INSTANCE_ROLE: &str = "instance-role";
    pub const INSTANCE_POLICY: &str = "instance-policy";
    pub const AUTOSCALING: &str = "autoscaling";
    pub const OBSERVABILITY: &str = "observability";
    pub const SERVICE: &str = "service";
    pub const INGRESS: &str = "ingress";
    pub const REST_API: &str = "rest-api";
    pub const DEPLOYMENT: &str = "deployment";
    pub const STAGE: &str = "stage";
    pub const STAGE_SETTINGS: &str = "stage-settings";
    pub const LOG_GROUP: &str = "log-group";
    pub const LOG_RETENTION: &str = "log-retention";
    pub const API_KEY: &str = "api-key";
    pub const USAGE_PLAN: &str = "usage-plan";
    pub const USAGE_PLAN_KEY: &str = "usage-plan-key";
    pub const USAGE_PLAN_STAGES: &str = "usage-plan-stages";

    /// Every fixed kind, and the numbered ones written with `N`.
    pub const ALL: &[&str] = &[
        ZONES,
        ACCOUNT,
        VPC,
        DNS_SUPPORT,
        DNS_HOSTNAMES,
        ENDPOINT,
        ENDPOINT_ENIS,
        NLB,
        NLB_ATTRIBUTES,
        NLB_SECURITY_GROUPS,
        TARGET_GROUP,
        TARGETS,
        LISTENER,
        VPC_LINK,
        CONNECTOR,
        ACCESS_ROLE,
        ACCESS_POLICY,
        INSTANCE_ROLE,
        INSTANCE_POLICY,
        AUTOSCALING,
        OBSERVABILITY,
        SERVICE,
        INGRESS,
        REST_API,
        DEPLOYMENT,
        STAGE,
        STAGE_SETTINGS,
        LOG_GROUP,
        LOG_RETENTION,
        API_KEY,
        USAGE_PLAN,
        USAGE_PLAN_KEY,
        USAGE_PLAN_STAGES,
        "subnet-N",
        "endpoint-sg",
        "nlb-sg",
        "connector-sg",
        "endpoint-sg-revoke-egress",
        "nlb-sg-revoke-egress",
        "connector-sg-revoke-egress",
        "endpoint-sg-ingress-N",
        "endpoint-sg-egress-N",
        "nlb-sg-ingress-N",
        "nlb-sg-egress-N",
        "connector-sg-ingress-N",
        "connector-sg-egress-N",
        "resource-N",
        "method-N",
        "integration-N",
    ];
}

/// `<spec name>-<kind>`: `core-vpc`, `orders-service`.
pub fn id(name: &str, kind: &str) -> String {
    format!("{name}-{kind}")
}

/// A call without outputs of its own: a `delete`, or a `wait`'s poll.
#[derive(Debug, Clone)]
pub struct Call {
    pub operation: &'static str,
    pub input: Value,
}

#[derive(Debug, Clone)]
pub struct Wait {
    pub call: Call,
    pub path: &'static str,
    pub expect: &'static str,
    pub timeout_seconds: u32,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub service: &'static str,
    pub operation: &'static str,
    pub input: Value,
    /// Ordering edges that no ref expresses.
    pub after: Vec<String>,
    /// Output name -> path into the operation's response.
    pub outputs: Vec<(String, String)>,
    pub wait: Option<Wait>,
    pub delete: Option<Call>,
}

impl Step {
    pub fn new(id: String, service: &'static str, operation: &'static str, input: Value) -> Step {
        Step {
            id,
            service,
            operation,
            input,
            after: Vec::new(),
            outputs: Vec::new(),
            wait: None,
            delete: None,
        }
    }

    pub fn output(mut self, name: impl Into<String>, path: impl Into<String>) -> Step {
        self.outputs.push((name.into(), path.into()));
        self
    }

    pub fn wait(
        mut self,
        operation: &'static str,
        input: Value,
        path: &'static str,
        expect: &'static str,
        timeout_seconds: u32,
    ) -> Step {
        self.wait = Some(Wait {
            call: Call { operation, input },
            path,
            expect,
            timeout_seconds,
        });
        self
    }

    pub fn delete(mut self, operation: &'static str, input: Value) -> Step {
        self.delete = Some(Call { operation, input });
        self
    }

    pub fn after(mut self, step: impl Into<String>) -> Step {
        self.after.push(step.into());
        self
    }

    /// A ref to one of this step's own outputs (for its wait and delete, and for later steps).
    pub fn out(&self, output: &str) -> Value {
        reference(&self.id, output)
    }

    /// Every step this one needs: the steps its refs name (itself excluded: a wait or delete
    /// may read the step's own outputs) and its explicit ordering edges, sorted.
    pub fn dependencies(&self) -> BTreeSet<String> {
        let mut deps = BTreeSet::new();
        collect_refs(&self.input, &mut deps);
        if let Some(wait) = &self.wait {
            collect_refs(&wait.call.input, &mut deps);
        }
        if let Some(delete) = &self.delete {
            collect_refs(&delete.input, &mut deps);
        }
        deps.extend(self.after.iter().cloned());
        deps.remove(&self.id);
        deps
    }

    pub fn to_json(&self, depends_on: &[String]) -> Value {
        let mut step = Map::new();
        step.insert("id".into(), json!(self.id));
        step.insert("service".into(), json!(self.service));
        step.insert("operation".into(), json!(self.operation));
        step.insert("input".into(), self.input.clone());
        step.insert("depends_on".into(), json!(depends_on));
        if !self.outputs.is_empty() {
            let outputs: Map<String, Value> = self
                .outputs
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            step.insert("outputs".into(), Value::Object(outputs));
        }
        if let Some(wait) = &self.wait {
            step.insert(
                "wait".into(),
                json!({
                    "operation": wait.call.operation,
                    "input": wait.call.input,
                    "path": wait.path,
                    "expect": wait.expect,
                    "timeout_seconds": wait.timeout_seconds,
                }),
            );
        }
        if let Some(delete) = &self.delete {
            step.insert(
                "delete".into(),
                json!({ "operation": delete.operation, "input": delete.input }),
            );
        }
        Value::Object(step)
    }
}

/// `{"ref": "STEP.OUTPUT"}`.
pub fn reference(step: &str, output: &str) -> Value {
    json!({ "ref": format!("{step}.{output}") })
}

/// The step id a `{"ref": ...}` value names, if `value` is one.
pub fn ref_step(value: &Value) -> Option<&str> {
    let obj = value.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    let target = obj.get("ref")?.as_str()?;
    target.split_once('.').map(|(step, _)| step)
}

fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    if let Some(step) = ref_step(value) {
        out.insert(step.to_string());
        return;
    }
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// A string that may hold parameters: a plain string, `{"param": NAME}`, or a join of both.
pub fn text(t: &Text) -> Value {
    join(
        t.parts
            .iter()
            .map(|part| match part {
                TextPart::Lit(s) => json!(s),
                TextPart::Param(name) => json!({ "param": name }),
            })
            .collect(),
    )
}

/// `{"join": [...]}` with adjacent literal strings merged; a single part stands alone, so a
/// fully literal join is just a string.
pub fn join(parts: Vec<Value>) -> Value {
    let mut merged: Vec<Value> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (_, Value::String(s)) if s.is_empty() => {}
            (Some(Value::String(prev)), Value::String(s)) => prev.push_str(&s),
            (_, Value::Object(obj)) if obj.len() == 1 && obj.contains_key("join") => {
                // Flatten a nested join so every join is one level deep.
                if let Some(Value::Array(inner)) = obj.get("join") {
                    for v in inner.clone() {
                        match (merged.last_mut(), v) {
                            (Some(Value::String(prev)), Value::String(s)) => prev.push_str(&s),
                            (_, v) => merged.push(v),
                        }
                    }
                }
            }
            (_, part) => merged.push(part),
        }
    }
    match merged.len() {
        0 => json!(""),
        1 => merged.pop().unwrap_or_else(|| json!("")),
        _ => json!({ "join": merged }),
    }
}

/// EC2, ELBv2, IAM and App Runner tags: `[{"Key": k, "Value": v}]`; a value holding a
/// param is a [`text`] (`{"param"}` or `{"join"}`).
pub fn tag_list(tags: &BTreeMap<String, Text>) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({ "Key": k, "Value": text(v) }))
            .collect(),
    )
}

/// API Gateway and CloudWatch Logs tags: a map.
pub fn tag_map(tags: &BTreeMap<String, Text>) -> Value {
    Value::Object(tags.iter().map(|(k, v)| (k.clone(), text(v))).collect())
}

/// EC2 `TagSpecifications` for one created resource type.
pub fn tag_spec(resource_type: &str, tags: &BTreeMap<String, Text>) -> Value {
    json!([{ "ResourceType": resource_type, "Tags": tag_list(tags) }])
}

/// The AWS partition of a region, for ARNs built from parts.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The DNS suffix of public endpoints in a region's partition.
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_a_string_a_param_or_a_join() {
        assert_eq!(text(&Text::lit("abc")), json!("abc"));
        assert_eq!(text(&Text::default()), json!(""));
        assert_eq!(text(&Text::param("tag")), json!({ "param": "tag" }));
        let mixed = Text {
            parts: vec![TextPart::Lit("repo:".into()), TextPart::Param("tag".into())],
        };
        assert_eq!(
            text(&mixed),
            json!({ "join": ["repo:", { "param": "tag" }] })
        );
    }

    #[test]
    fn joins_merge_literals_and_flatten() {
        let inner = json!({ "join": ["b", { "ref": "s.O" }, "c"] });
        let joined = join(vec![json!("a"), inner, json!("d"), json!("")]);
        assert_eq!(joined, json!({ "join": ["ab", { "ref": "s.O" }, "cd"] }));
        assert_eq!(join(vec![json!("a"), json!("b")]), json!("ab"));
    }

    #[test]
    fn dependencies_come_from_refs_and_edges_but_never_self() {
        let step = Step::new("x-vpc".into(), "ec2", "CreateVpc", json!({ "A": [{ "ref": "b-zones.Zone0" }], "B": { "join": ["p", { "ref": "c-account.Account" }] } }))
            .after("d-policy")
            .output("VpcId", "Vpc.VpcId");
        let step = step
            .clone()
            .delete("DeleteVpc", json!({ "VpcId": step.out("VpcId") }));
        let deps: Vec<String> = step.dependencies().into_iter().collect();
        assert_eq!(deps, ["b-zones", "c-account", "d-policy"]);
    }

    #[test]
    fn partitions_follow_the_region() {
        assert_eq!(
            (partition("eu-west-1"), dns_suffix("eu-west-1")),
            ("aws", "amazonaws.com")
        );
        assert_eq!(
            (partition("cn-north-1"), dns_suffix("cn-north-1")),
            ("aws-cn", "amazonaws.com.cn")
        );
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
    }
}
