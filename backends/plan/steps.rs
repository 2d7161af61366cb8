//! The plan's building blocks: one [`Step`] (an AWS API call with its outputs, wait and delete)
//! and the value helpers (`ref`, `param`, `join`, tags in each API's own shape). Builders in
//! `network.rs`, `service.rs` and `api.rs` only assemble these, so the JSON spelling of a
//! reference or a tag lives in one place. Values are [`J`]s, which borrow from the IR; a
//! step is written field by field, straight from the struct, by `write.rs`.
//!
//! `depends_on` is never written by hand: it is derived from the refs a step's input, wait and
//! delete contain, plus the explicit ordering edges added with [`Step::after`] (a policy that
//! must be attached before a service starts, integrations before a deployment).

use super::json::{arr, obj, Key, StepId, J};
use crate::text::{Text, TextPart};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A call without outputs of its own: a `delete`, or a `wait`'s poll.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub operation: &'static str,
    pub input: J<'a>,
}

#[derive(Debug, Clone)]
pub struct Wait<'a> {
    pub call: Call<'a>,
    pub path: &'static str,
    pub expect: &'static str,
    pub timeout_seconds: u32,
    /// Output name -> path into the last response of the wait, recorded once it succeeded.
    pub outputs: Vec<(Name, Name)>,
}

impl<'a> Wait<'a> {
    /// Polls `operation` until `path` of its response reads `expect`, no outputs yet.
    fn new(
        operation: &'static str,
        input: J<'a>,
        path: &'static str,
        expect: &'static str,
        timeout_seconds: u32,
    ) -> Self {
        Wait {
            call: Call { operation, input },
            path,
            expect,
            timeout_seconds,
            outputs: Vec::new(),
        }
    }
}

/// An output name or its response path: literals, but numbered ones (`Zone1`) are built.
pub type Name = Cow<'static, str>;

/// One AWS API call. The lifetime is the IR's: inputs borrow its names and strings.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub id: StepId,
    pub service: &'static str,
    pub operation: &'static str,
    pub input: J<'a>,
    /// Ordering edges that no ref expresses.
    pub after: Vec<StepId>,
    /// Output name -> path into the operation's response.
    pub outputs: Vec<(Name, Name)>,
    pub wait: Option<Wait<'a>>,
    pub delete: Option<Call<'a>>,
    /// Polled after the delete until its resource is gone (a NAT gateway `deleted`, an ECS
    /// service `INACTIVE`), before anything it depended on is deleted: written inside
    /// `delete` as its `wait`. Its `outputs` are never set.
    pub delete_wait: Option<Wait<'a>>,
    /// What the step makes outlives the app (it has no `delete`): destroy leaves it and keeps
    /// its record, so that applying again finds it made.
    pub retain: bool,
}

impl<'a> Step<'a> {
    pub fn new(id: StepId, service: &'static str, operation: &'static str, input: J<'a>) -> Self {
        Step {
            id,
            service,
            operation,
            input,
            after: Vec::new(),
            outputs: Vec::new(),
            wait: None,
            delete: None,
            delete_wait: None,
            retain: false,
        }
    }

    /// Marks the step as one whose resource outlives the app ([`Step::retain`]).
    pub fn retained(mut self) -> Self {
        self.retain = true;
        self
    }

    pub fn output(mut self, name: impl Into<Name>, path: impl Into<Name>) -> Self {
        self.outputs.push((name.into(), path.into()));
        self
    }

    pub fn wait(
        mut self,
        operation: &'static str,
        input: J<'a>,
        path: &'static str,
        expect: &'static str,
        timeout_seconds: u32,
    ) -> Self {
        self.wait = Some(Wait::new(operation, input, path, expect, timeout_seconds));
        self
    }

    /// An output read from the wait's last response: a value the resource has only once it
    /// is ready. Call after [`Step::wait`].
    pub fn wait_output(mut self, name: impl Into<Name>, path: impl Into<Name>) -> Self {
        if let Some(wait) = &mut self.wait {
            wait.outputs.push((name.into(), path.into()));
        }
        self
    }

    pub fn delete(mut self, operation: &'static str, input: J<'a>) -> Self {
        self.delete = Some(Call { operation, input });
        self
    }

    /// Waits after the delete (call after [`Step::delete`]): the delete is done only once
    /// `path` of `operation`'s response reads `expect`.
    pub fn delete_wait(
        mut self,
        operation: &'static str,
        input: J<'a>,
        path: &'static str,
        expect: &'static str,
        timeout_seconds: u32,
    ) -> Self {
        self.delete_wait = Some(Wait::new(operation, input, path, expect, timeout_seconds));
        self
    }

    pub fn after(mut self, step: StepId) -> Self {
        self.after.push(step);
        self
    }

    /// A ref to one of this step's own outputs (for its wait and delete, and for later steps).
    pub fn out(&self, output: &'static str) -> J<'a> {
        J::Ref(self.id.clone(), Cow::Borrowed(output))
    }

    /// Appends every step this one needs to `out`, each as `each` makes it from the step's id
    /// (the id itself, or a shared copy that outlives the step): the steps its refs name
    /// (itself excluded: a wait or delete may read the step's own outputs) and its explicit
    /// ordering edges, sorted and distinct.
    pub fn dependencies_into<'s, D: Ord + AsRef<str>>(
        &'s self,
        out: &mut Vec<D>,
        each: impl Fn(&'s StepId) -> D + Copy,
    ) {
        let start = out.len();
        collect_refs(&self.input, out, each);
        if let Some(wait) = &self.wait {
            collect_refs(&wait.call.input, out, each);
        }
        if let Some(delete) = &self.delete {
            collect_refs(&delete.input, out, each);
        }
        if let Some(wait) = &self.delete_wait {
            collect_refs(&wait.call.input, out, each);
        }
        out.extend(self.after.iter().map(each));
        if let Some(mine) = out.get_mut(start..) {
            mine.sort_unstable();
            // Distinct, and not this step's own id, in place over the appended part only.
            let mut kept = 0;
            for read in 0..mine.len() {
                let own = mine[read].as_ref() == &*self.id;
                let repeated = kept > 0 && mine[kept - 1] == mine[read];
                if !own && !repeated {
                    mine.swap(kept, read);
                    kept += 1;
                }
            }
            out.truncate(start + kept);
        }
    }

    #[cfg(test)]
    pub fn dependencies(&self) -> Vec<&str> {
        let mut deps = Vec::new();
        self.dependencies_into(&mut deps, |id| &**id);
        deps
    }
}

/// `{"ref": "STEP.OUTPUT"}`.
pub fn reference<'a>(step: StepId, output: impl Into<Name>) -> J<'a> {
    J::Ref(step, output.into())
}

fn collect_refs<'v, D>(value: &'v J<'_>, out: &mut Vec<D>, each: impl Fn(&'v StepId) -> D + Copy) {
    match value {
        J::Ref(step, _) => out.push(each(step)),
        J::Arr(items) | J::Join(items) => items.iter().for_each(|v| collect_refs(v, out, each)),
        J::Shared(value) => collect_refs(value, out, each),
        // A literal object is data even when it reads `{"ref": "a.b"}` (an env map
        // `{ ref = "a.b" }`): the plan writes it `{"object": ..}` (version 2), so no reader
        // takes it for a ref.
        J::Obj(pairs) => pairs.iter().for_each(|(_, v)| collect_refs(v, out, each)),
        J::Null | J::Bool(_) | J::U64(_) | J::F64(_) | J::Str(_) | J::Param(_) => {}
    }
}

/// A string that may hold parameters: a plain string, `{"param": NAME}`, or a join of both.
pub fn text(t: &Text) -> J<'_> {
    // The common shapes directly; anything else through the general merge.
    match t.parts.as_slice() {
        [TextPart::Lit(s)] => J::from(s),
        [TextPart::Param(name)] => J::Param(name),
        parts => join(
            parts
                .iter()
                .map(|part| match part {
                    TextPart::Lit(s) => J::from(s),
                    TextPart::Param(name) => J::Param(name),
                })
                .collect(),
        ),
    }
}

/// `{"join": [...]}` with adjacent literal strings merged; a single part stands alone, so a
/// fully literal join is just a string.
pub fn join(parts: Vec<J<'_>>) -> J<'_> {
    let mut merged: Vec<J> = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            J::Str(s) if s.is_empty() => {}
            // Flatten a nested join so every join is one level deep.
            J::Join(inner) => inner.into_iter().for_each(|v| push_merged(&mut merged, v)),
            part => push_merged(&mut merged, part),
        }
    }
    match merged.len() {
        0 => J::from(""),
        1 => merged.pop().unwrap_or_else(|| J::from("")),
        _ => J::Join(merged),
    }
}

fn push_merged<'a>(merged: &mut Vec<J<'a>>, part: J<'a>) {
    match (merged.last_mut(), part) {
        (Some(J::Str(prev)), J::Str(s)) => prev.to_mut().push_str(&s),
        (_, part) => merged.push(part),
    }
}

/// EC2, ELBv2, IAM and App Runner tags: `[{"Key": k, "Value": v}]`; a value holding a
/// param is a [`text`] (`{"param"}` or `{"join"}`).
pub fn tag_list(tags: &BTreeMap<String, Text>) -> J<'_> {
    J::Arr(
        tags.iter()
            .map(|(k, v)| obj! { "Key" => k, "Value" => text(v) })
            .collect(),
    )
}

/// ECS tags: `[{"key": k, "value": v}]`, the EC2 shape in lower case.
pub fn ecs_tag_list(tags: &BTreeMap<String, Text>) -> J<'_> {
    J::Arr(
        tags.iter()
            .map(|(k, v)| obj! { "key" => k, "value" => text(v) })
            .collect(),
    )
}

/// API Gateway, CloudWatch Logs and Application Auto Scaling tags: a map.
pub fn tag_map(tags: &BTreeMap<String, Text>) -> J<'_> {
    J::Obj(
        tags.iter()
            .map(|(k, v)| (Key::from(k.as_str()), text(v)))
            .collect(),
    )
}

/// EC2 `TagSpecifications` for one created resource type.
pub fn tag_spec<'a>(resource_type: &'static str, tags: &'a BTreeMap<String, Text>) -> J<'a> {
    arr![obj! { "ResourceType" => resource_type, "Tags" => tag_list(tags) }]
}

pub use crate::backends::{dns_suffix, partition};

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    /// The JSON a value writes, to compare with `json!`.
    fn v(j: J) -> serde_json::Value {
        serde_json::to_value(j).unwrap_or_default()
    }

    #[test]
    fn text_is_a_string_a_param_or_a_join() {
        assert_eq!(v(text(&Text::lit("abc"))), json!("abc"));
        assert_eq!(v(text(&Text::default())), json!(""));
        assert_eq!(v(text(&Text::param("tag"))), json!({ "param": "tag" }));
        let mixed = Text {
            parts: vec![
                TextPart::Lit("repo:".into()),
                TextPart::Lit("".into()),
                TextPart::Lit("x-".into()),
                TextPart::Param("tag".into()),
            ],
        };
        assert_eq!(
            v(text(&mixed)),
            json!({ "join": ["repo:x-", { "param": "tag" }] })
        );
    }

    #[test]
    fn joins_merge_literals_and_flatten() {
        let s: StepId = "s".into();
        let inner = join(vec!["b".into(), reference(s.clone(), "O"), "c".into()]);
        let joined = join(vec!["a".into(), inner, "d".into(), "".into()]);
        assert_eq!(v(joined), json!({ "join": ["ab", { "ref": "s.O" }, "cd"] }));
        assert_eq!(v(join(vec!["a".into(), "b".into()])), json!("ab"));
        assert_eq!(v(join(vec![reference(s, "O")])), json!({ "ref": "s.O" }));
        assert_eq!(v(join(vec!["".into()])), json!(""));
    }

    #[test]
    fn dependencies_come_from_refs_and_edges_but_never_self() {
        let input = obj! {
            "A" => arr![reference("b-zones".into(), "Zone0")],
            "B" => join(vec!["p".into(), reference("c-account".into(), "Account")]),
            "C" => J::Param("b-zones"),
        };
        let step = Step::new("x-vpc".into(), "ec2", "CreateVpc", input)
            .after("d-policy".into())
            .after("b-zones".into())
            .output("VpcId", "Vpc.VpcId");
        let step = step
            .clone()
            .delete("DeleteVpc", obj! { "VpcId" => step.out("VpcId") });
        assert_eq!(step.dependencies(), ["b-zones", "c-account", "d-policy"]);
        // Appending keeps what the list held, even an id that sorts after.
        let mut deps = vec!["z-before", "x-vpc"];
        step.dependencies_into(&mut deps, |id| &**id);
        assert_eq!(
            deps,
            ["z-before", "x-vpc", "b-zones", "c-account", "d-policy"]
        );
        // Shared copies of the ids, which outlive the step, are the same list.
        let mut shared: Vec<StepId> = Vec::new();
        step.dependencies_into(&mut shared, StepId::clone);
        assert_eq!(
            shared.iter().map(|d| &**d).collect::<Vec<_>>(),
            step.dependencies()
        );
    }

    /// A data map that reads like a ref (an env map `{ ref = "e-vpc.VpcId" }`) is data: it
    /// makes no dependency (the writer escapes it as `{"object": ..}`), while a real ref
    /// inside it still does.
    #[test]
    fn a_data_object_shaped_like_a_ref_is_data() {
        let env = obj! { "ref" => "e-vpc.VpcId" };
        let other = obj! { "ref" => reference("f-vpc".into(), "VpcId") };
        let step = Step::new(
            "x-service".into(),
            "apprunner",
            "CreateService",
            arr![env, other],
        );
        assert_eq!(step.dependencies(), ["f-vpc"]);
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
