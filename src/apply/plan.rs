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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wait {
    pub operation: String,
    pub input: Value,
    pub path: String,
    pub expect: Value,
    pub timeout_seconds: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Call {
    pub operation: String,
    pub input: Value,
}

/// What a value may refer to: the params' values and the outputs recorded per step.
#[derive(Debug, Default, Clone)]
pub struct Values {
    pub params: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, IndexMap<String, Value>>,
}

impl Values {
    /// `value` with every `ref`, `param` and `join` replaced by what it stands for.
    pub fn resolve(&self, value: &Value) -> Result<Value, String> {
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
pub fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(obj) if obj.len() == 1 && obj.contains_key("ref") => {
            if let Some((step, _)) = obj
                .get("ref")
                .and_then(Value::as_str)
                .and_then(|r| r.split_once('.'))
            {
                out.push(step.to_string());
            }
        }
        Value::Object(obj) => obj.values().for_each(|v| refs(v, out)),
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

impl Plan {
    /// Checks what the executor relies on: known version, unique ids, dependencies that
    /// exist and come first (so the plan is a DAG), and refs covered by `depends_on`.
    pub fn validate(&self) -> Result<(), String> {
        if self.version != 1 {
            return Err(format!(
                "plan version {} is not supported (expected 1)",
                self.version
            ));
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
            refs(&step.input, &mut used);
            if let Some(w) = &step.wait {
                refs(&w.input, &mut used);
            }
            if let Some(d) = &step.delete {
                refs(&d.input, &mut used);
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

    #[test]
    fn values_resolve_refs_params_and_joins() {
        let mut values = Values::default();
        values.params.insert("tag".into(), "1.4".into());
        values.outputs.insert(
            "core-vpc".into(),
            [("VpcId".to_string(), json!("vpc-9"))]
                .into_iter()
                .collect(),
        );
        let v = json!({ "A": [{ "ref": "core-vpc.VpcId" }], "B": { "join": ["img:", { "param": "tag" }] }, "C": 3 });
        assert_eq!(
            values.resolve(&v),
            Ok(json!({ "A": ["vpc-9"], "B": "img:1.4", "C": 3 }))
        );
        assert!(values.resolve(&json!({ "ref": "core-vpc.Nope" })).is_err());
        assert!(values.resolve(&json!({ "param": "other" })).is_err());
        assert!(values.resolve(&json!({ "join": ["a", 1] })).is_err());
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
