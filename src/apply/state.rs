//! The state file: what apply has done, so that a re-run skips it and destroy can undo it
//! without the spec. Written atomically (temporary file + rename) after every change, so a
//! crash leaves the previous complete state, never half a file.
//!
//! A step is recorded as soon as its call succeeds, before its wait: if the wait then fails
//! (or the process dies), the resource exists and a re-run only waits again instead of
//! creating a duplicate. Delete inputs are stored resolved, since destroy has no plan.

use super::plan::Call;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

pub const DEFAULT_PATH: &str = "aprc.state.json";
const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct State {
    pub version: u32,
    pub app: String,
    pub region: String,
    /// The `--endpoint-url` apply used, so destroy undoes what it did where it did it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    /// Completed steps by id, in the order they completed.
    pub steps: IndexMap<String, Record>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub service: String,
    pub operation: String,
    pub depends_on: Vec<String>,
    pub outputs: IndexMap<String, Value>,
    /// False while the step's wait has not yet seen the expected value.
    pub waited: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<Call>,
    /// The step's resource outlives the app (the plan's `retain`): destroy keeps the record,
    /// so that applying again finds it made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retain: bool,
    /// A digest of the call as made (service, operation, resolved input), so that a later
    /// apply of a changed spec is refused rather than run over what was made (states written
    /// before it have none, and are not judged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
}

/// The digest [`Record::call`] holds: SHA-256 of the call as JSON, in hex.
pub fn call_digest(service: &str, operation: &str, resolved_input: &Value) -> String {
    use sha2::{Digest, Sha256};
    let text = serde_json::json!([service, operation, resolved_input]).to_string();
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl State {
    pub fn new(app: &str, region: &str, endpoint_url: Option<&str>) -> State {
        State {
            version: VERSION,
            app: app.to_string(),
            region: region.to_string(),
            endpoint_url: endpoint_url.map(str::to_string),
            steps: IndexMap::new(),
        }
    }

    /// The state at `path`, or `None` if there is no file.
    pub fn load(path: &Path) -> Result<Option<State>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read state `{}`: {e}", path.display())),
        };
        let state: State = serde_json::from_str(&text)
            .map_err(|e| format!("state `{}` is not an aprc state file: {e}", path.display()))?;
        if state.version != VERSION {
            return Err(format!(
                "state `{}` has version {}, this aprc reads version {VERSION}",
                path.display(),
                state.version
            ));
        }
        Ok(Some(state))
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| format!("cannot serialize the state: {e}"))?;
        text.push('\n');
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let fail = |e: std::io::Error| format!("cannot write state `{}`: {e}", path.display());
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        tmp.write_all(text.as_bytes()).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(path).map_err(|e| fail(e.error))?;
        Ok(())
    }

    /// Steps whose call and wait are both done.
    pub fn is_done(&self, id: &str) -> bool {
        self.steps.get(id).is_some_and(|r| r.waited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn state_round_trips_through_its_file_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let path = dir.path().join("s.json");
        assert_eq!(State::load(&path), Ok(None));
        let mut state = State::new("seed", "eu-west-1", Some("http://127.0.0.1:1"));
        state.steps.insert(
            "core-vpc".into(),
            Record {
                service: "ec2".into(),
                operation: "CreateVpc".into(),
                depends_on: vec![],
                outputs: [("VpcId".to_string(), json!("vpc-1"))]
                    .into_iter()
                    .collect(),
                waited: true,
                retain: false,
                call: Some(call_digest(
                    "ec2",
                    "CreateVpc",
                    &json!({ "CidrBlock": "10.0.0.0/16" }),
                )),
                delete: Some(Call {
                    operation: "DeleteVpc".into(),
                    input: json!({ "VpcId": "vpc-1" }),
                    wait: None,
                }),
            },
        );
        assert_eq!(state.save(&path), Ok(()));
        assert_eq!(State::load(&path), Ok(Some(state.clone())));
        assert!(state.is_done("core-vpc") && !state.is_done("other"));
        std::fs::write(&path, "{ not json").ok();
        assert!(State::load(&path).is_err());
    }
}
