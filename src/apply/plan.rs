//! The plan document as the executor reads it (spec section 7), and the two small languages
//! inside it: values (`ref`, `param`, `join`) resolved against recorded outputs, and response
//! paths (`Vpc.VpcId`, `NetworkInterfaces[0].PrivateIpAddress`) evaluated on a response.
//!
//! The executor runs the plan the `plan` backend emits from the same spec, but reads it as any
//! other consumer would (JSON in, no IR), so what it runs is exactly what `aprc build --target
//! plan` shows.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub version: u32,
    pub app: String,
    pub region: String,
    #[serde(default)]
    pub parameters: IndexMap<String, ParamDecl>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub outputs: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParamDecl {
    #[serde(default)]
    pub default: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub service: String,
    pub operation: String,
    pub input: Value,
    #[serde(default)]
    pub depends_on: Vec<String>,
    #[serde(default)]
    pub outputs: IndexMap<String, String>,
    #[serde(default)]
    pub wait: Option<Wait>,
    #[serde(default)]
    pub delete: Option<Call>,
    /// What the step makes outlives the app: destroy leaves it and keeps its record.
    #[serde(default)]
    pub retain: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Wait {
    pub operation: String,
    pub input: Value,
    pub path: String,
    pub expect: Value,
    pub timeout_seconds: u64,
    /// Version 2: output name -> path into the wait's last response, recorded with the
    /// step's outputs once the wait has succeeded.
    #[serde(default)]
    pub outputs: IndexMap<String, String>,
}

/// The plan format versions this executor reads; any other is refused, not guessed at.
/// Version 2 (spec section 8) added a wait's `outputs` and the `{"object": ..}` escape.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    V1,
    #[default]
    V2,
}

impl Version {
    pub fn of(number: u32) -> Result<Version, String> {
        match number {
            1 => Ok(Version::V1),
            2 => Ok(Version::V2),
            n => Err(format!(
                "plan version {n} is not supported: this aprc runs versions 1 and 2"
            )),
        }
    }

    /// Whether `obj` is the escape `{"object": X}`, which version 1 did not have.
    fn escape(self, obj: &Map<String, Value>) -> Option<&Value> {
        match self {
            Version::V1 => None,
            Version::V2 => obj.get("object").filter(|_| obj.len() == 1),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Call {
    pub operation: String,
    pub input: Value,
    /// After a delete: what says the resource is gone (a NAT gateway `deleted`, an ECS
    /// service `INACTIVE`), so that what it used is deleted only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Wait>,
}

/// What a value may refer to: the params' values and the outputs recorded per step, read in
/// the plan's version.
#[derive(Debug, Default, Clone)]
pub struct Values {
    pub version: Version,
    pub params: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, IndexMap<String, Value>>,
}

impl Values {
    /// `value` with every `ref`, `param` and `join` replaced by what it stands for, and every
    /// `{"object": X}` by the object X (whose members are values like any other).
    pub fn resolve(&self, value: &Value) -> Result<Value, String> {
        if let Some(inner) = value.as_object().and_then(|o| self.version.escape(o)) {
            let Value::Object(members) = inner else {
                return Err(format!("`object` must hold an object, found {inner}"));
            };
            return members
                .iter()
                .map(|(k, v)| Ok((k.clone(), self.resolve(v)?)))
                .collect::<Result<Map<_, _>, String>>()
                .map(Value::Object);
        }
        if let Some(obj) = value.as_object().filter(|o| o.len() == 1) {
            if let Some(target) = obj.get("ref") {
                let target = target
                    .as_str()
                    .ok_or_else(|| format!("a ref must be a string, found {target}"))?;
                let (step, name) = target
                    .split_once('.')
                    .ok_or_else(|| format!("ref `{target}` is not STEP.OUTPUT"))?;
                return self
                    .outputs
                    .get(step)
                    .and_then(|o| o.get(name))
                    .cloned()
                    .ok_or_else(|| format!("ref `{target}` names no recorded output"));
            }
            if let Some(name) = obj.get("param") {
                let name = name
                    .as_str()
                    .ok_or_else(|| format!("a param must be named by a string, found {name}"))?;
                return self
                    .params
                    .get(name)
                    .map(|v| Value::String(v.clone()))
                    .ok_or_else(|| {
                        format!("param `{name}` has no value (use --param {name}=VALUE)")
                    });
            }
            if let Some(parts) = obj.get("join") {
                let parts = parts
                    .as_array()
                    .ok_or_else(|| format!("a join must be a list, found {parts}"))?;
                let mut out = String::new();
                for part in parts {
                    match self.resolve(part)? {
                        Value::String(s) => out.push_str(&s),
                        other => return Err(format!("a join part is not a string: {other}")),
                    }
                }
                return Ok(Value::String(out));
            }
        }
        match value {
            Value::Object(obj) => obj
                .iter()
                .map(|(k, v)| Ok((k.clone(), self.resolve(v)?)))
                .collect::<Result<Map<_, _>, String>>()
                .map(Value::Object),
            Value::Array(items) => items
                .iter()
                .map(|v| self.resolve(v))
                .collect::<Result<Vec<_>, String>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }
}

/// The value at `path` in a response: member names separated by `.`, each optionally
/// followed by list indexes `[N]`. `None` when any part is missing.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut here = value;
    for segment in path.split('.') {
        let (name, mut rest) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !name.is_empty() {
            here = here.as_object()?.get(name)?;
        }
        while let Some(stripped) = rest.strip_prefix('[') {
            let end = stripped.find(']')?;
            let index: usize = stripped[..end].parse().ok()?;
            here = here.as_array()?.get(index)?;
            rest = &stripped[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(here)
}

/// Every step id a value's refs name.
pub fn refs(version: Version, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(obj) if version.escape(obj).is_some() => {
            if let Some(Value::Object(members)) = version.escape(obj) {
                members.values().for_each(|v| refs(version, v, out));
            }
        }
        Value::Object(obj) if obj.len() == 1 && obj.contains_key("ref") => {
            if let Some((step, _)) = obj
                .get("ref")
                .and_then(Value::as_str)
                .and_then(|r| r.split_once('.'))
            {
                out.push(step.to_string());
            }
        }
        Value::Object(obj) => obj.values().for_each(|v| refs(version, v, out)),
        Value::Array(items) => items.iter().for_each(|v| refs(version, v, out)),
        _ => {}
    }
}

impl Plan {
    /// Checks what the executor relies on: known version, unique ids, dependencies that
    /// exist and come first (so the plan is a DAG), and refs covered by `depends_on`.
    pub fn validate(&self) -> Result<(), String> {
        let version = Version::of(self.version)?;
        if version == Version::V1 {
            if let Some(step) = self
                .steps
                .iter()
                .find(|s| s.wait.as_ref().is_some_and(|w| !w.outputs.is_empty()))
            {
                return Err(format!(
                    "step `{}`: a wait's `outputs` needs plan version 2",
                    step.id
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for step in &self.steps {
            for dep in &step.depends_on {
                if !seen.contains(dep.as_str()) {
                    return Err(format!(
                        "step `{}` depends on `{dep}`, which does not come before it",
                        step.id
                    ));
                }
            }
            let mut used = Vec::new();
            refs(version, &step.input, &mut used);
            if let Some(w) = &step.wait {
                refs(version, &w.input, &mut used);
            }
            if let Some(d) = &step.delete {
                refs(version, &d.input, &mut used);
            }
            if let Some(r) = used
                .iter()
                .find(|r| **r != step.id && !step.depends_on.contains(r))
            {
                return Err(format!(
                    "step `{}` refers to `{r}` without depending on it",
                    step.id
                ));
            }
            if !seen.insert(step.id.as_str()) {
                return Err(format!("two steps are named `{}`", step.id));
            }
        }
        Ok(())
    }

    /// The params' values: defaults, overridden by `--param`; every param must have one.
    pub fn params(
        &self,
        given: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, String> {
        let mut out = BTreeMap::new();
        for (name, decl) in &self.parameters {
            match given.get(name).or(decl.default.as_ref()) {
                Some(v) => {
                    out.insert(name.clone(), v.clone());
                }
                None => {
                    return Err(format!(
                        "param `{name}` has no default: pass --param {name}=VALUE"
                    ))
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_walk_members_and_indexes() {
        let v = json!({ "Vpc": { "VpcId": "vpc-1" }, "NetworkInterfaces": [{ "PrivateIpAddress": "10.0.0.5" }, { "PrivateIpAddress": "10.0.1.7" }], "M": [[1, 2]] });
        assert_eq!(lookup(&v, "Vpc.VpcId"), Some(&json!("vpc-1")));
        assert_eq!(
            lookup(&v, "NetworkInterfaces[1].PrivateIpAddress"),
            Some(&json!("10.0.1.7"))
        );
        assert_eq!(lookup(&v, "M[0][1]"), Some(&json!(2)));
        assert_eq!(lookup(&v, "NetworkInterfaces[2].PrivateIpAddress"), None);
        assert_eq!(lookup(&v, "Vpc.Missing"), None);
        assert_eq!(lookup(&v, "Vpc[0"), None);
    }

    /// A param `tag` and one output, `core-vpc.VpcId`.
    fn sample_values() -> Values {
        let mut values = Values::default();
        values.params.insert("tag".into(), "1.4".into());
        values.outputs.insert(
            "core-vpc".into(),
            [("VpcId".to_string(), json!("vpc-9"))]
                .into_iter()
                .collect(),
        );
        values
    }

    #[test]
    fn values_resolve_refs_params_and_joins() {
        let values = sample_values();
        let v = json!({ "A": [{ "ref": "core-vpc.VpcId" }], "B": { "join": ["img:", { "param": "tag" }] }, "C": 3 });
        assert_eq!(
            values.resolve(&v),
            Ok(json!({ "A": ["vpc-9"], "B": "img:1.4", "C": 3 }))
        );
        assert!(values.resolve(&json!({ "ref": "core-vpc.Nope" })).is_err());
        assert!(values.resolve(&json!({ "param": "other" })).is_err());
        assert!(values.resolve(&json!({ "join": ["a", 1] })).is_err());
    }

    /// Version 2's escape: `{"object": X}` is the object X, its one key no form, its members
    /// values; version 1 had no escape, so there it is an object with the key `object`.
    #[test]
    fn objects_are_literal_in_version_2_only() {
        let mut values = sample_values();
        let env = json!({ "object": { "ref": { "param": "tag" } } });
        assert_eq!(values.resolve(&env), Ok(json!({ "ref": "1.4" })));
        let nested = json!({ "object": { "object": { "ref": "core-vpc.VpcId" } } });
        assert_eq!(values.resolve(&nested), Ok(json!({ "object": "vpc-9" })));
        assert!(values.resolve(&json!({ "object": "x" })).is_err());
        let mut used = Vec::new();
        refs(
            Version::V2,
            &json!({ "object": { "ref": "a.b" } }),
            &mut used,
        );
        assert!(used.is_empty());
        refs(
            Version::V2,
            &json!({ "object": { "x": { "ref": "c.d" } } }),
            &mut used,
        );
        assert_eq!(used, ["c"]);
        values.version = Version::V1;
        assert_eq!(
            values.resolve(&json!({ "object": { "ref": "core-vpc.VpcId" } })),
            Ok(json!({ "object": "vpc-9" }))
        );
    }

    #[test]
    fn unknown_versions_are_refused() {
        assert_eq!(Version::of(1), Ok(Version::V1));
        assert_eq!(Version::of(2), Ok(Version::V2));
        for n in [0, 3, 99] {
            assert!(Version::of(n).is_err_and(|e| e.contains("versions 1 and 2")));
        }
    }

    #[test]
    fn plans_with_forward_or_undeclared_dependencies_are_refused() {
        let step = |id: &str, deps: &[&str], input: Value| Step {
            id: id.into(),
            service: "ec2".into(),
            operation: "CreateVpc".into(),
            input,
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            outputs: IndexMap::new(),
            wait: None,
            delete: None,
            retain: false,
        };
        let plan = |steps| Plan {
            version: 1,
            app: "a".into(),
            region: "eu-west-1".into(),
            parameters: IndexMap::new(),
            steps,
            outputs: Map::new(),
        };
        assert!(plan(vec![
            step("a", &[], json!({})),
            step("b", &["a"], json!({ "X": { "ref": "a.O" } }))
        ])
        .validate()
        .is_ok());
        assert!(plan(vec![
            step("b", &["a"], json!({})),
            step("a", &[], json!({}))
        ])
        .validate()
        .is_err());
        assert!(plan(vec![
            step("a", &[], json!({})),
            step("b", &[], json!({ "X": { "ref": "a.O" } }))
        ])
        .validate()
        .is_err());
        assert!(
            plan(vec![step("a", &[], json!({})), step("a", &[], json!({}))])
                .validate()
                .is_err()
        );
    }
}
