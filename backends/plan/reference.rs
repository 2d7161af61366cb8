//! The plain version of `write.rs`, kept as its reference: the plan document through serde,
//! a view of the steps in plan order serialized by serde_json's pretty printer. `write.rs`
//! must produce the same bytes (the plan tests compare the two on whole plans); it is kept
//! because it writes a 1,000-service plan in 19% fewer instructions than this
//! (docs/performance.md, "Code that exists only for speed").

use super::json::{StepId, J};
use super::order::Ordered;
use super::steps::{Call, Name, Step, Wait};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

pub struct Document<'d, 'a> {
    pub app: &'d str,
    pub region: &'d str,
    pub parameters: &'d J<'a>,
    pub steps: &'d [Step<'a>],
    pub ordered: &'d Ordered<'d>,
    pub outputs: &'d J<'a>,
}

impl Document<'_, '_> {
    pub fn write(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl Serialize for Document<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("version", &super::VERSION)?;
        map.serialize_entry("app", self.app)?;
        map.serialize_entry("region", self.region)?;
        map.serialize_entry("parameters", self.parameters)?;
        map.serialize_entry("steps", &Steps(self))?;
        map.serialize_entry("outputs", self.outputs)?;
        map.end()
    }
}

struct Steps<'r, 'd, 'a>(&'r Document<'d, 'a>);

impl Serialize for Steps<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let mut seq = serializer.serialize_seq(Some(d.ordered.order.len()))?;
        for &i in &d.ordered.order {
            if let Some(step) = d.steps.get(i) {
                seq.serialize_element(&StepView(step, d.ordered.depends_on(i)))?;
            }
        }
        seq.end()
    }
}

struct StepView<'s, 'a>(&'s Step<'a>, &'s [&'s StepId]);

impl Serialize for StepView<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let StepView(step, depends_on) = self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &*step.id)?;
        map.serialize_entry("service", step.service)?;
        map.serialize_entry("operation", step.operation)?;
        map.serialize_entry("input", &step.input)?;
        let depends_on: Vec<&str> = depends_on.iter().map(|d| &***d).collect();
        map.serialize_entry("depends_on", &depends_on)?;
        if !step.outputs.is_empty() {
            map.serialize_entry("outputs", &Outputs(&step.outputs))?;
        }
        if let Some(wait) = &step.wait {
            map.serialize_entry("wait", &WaitView(wait))?;
        }
        if let Some(delete) = &step.delete {
            map.serialize_entry("delete", &DeleteView(delete, step.delete_wait.as_ref()))?;
        }
        if step.retain {
            map.serialize_entry("retain", &true)?;
        }
        map.end()
    }
}

struct Outputs<'o>(&'o [(Name, Name)]);

impl Serialize for Outputs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, path) in self.0 {
            map.serialize_entry(name.as_ref(), path.as_ref())?;
        }
        map.end()
    }
}

struct DeleteView<'c, 'a>(&'c Call<'a>, Option<&'c Wait<'a>>);

impl Serialize for DeleteView<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("operation", self.0.operation)?;
        map.serialize_entry("input", &self.0.input)?;
        if let Some(wait) = self.1 {
            map.serialize_entry("wait", &WaitView(wait))?;
        }
        map.end()
    }
}

struct WaitView<'w, 'a>(&'w Wait<'a>);

impl Serialize for WaitView<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let w = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("operation", w.call.operation)?;
        map.serialize_entry("input", &w.call.input)?;
        map.serialize_entry("path", w.path)?;
        map.serialize_entry("expect", w.expect)?;
        map.serialize_entry("timeout_seconds", &w.timeout_seconds)?;
        if !w.outputs.is_empty() {
            map.serialize_entry("outputs", &Outputs(&w.outputs))?;
        }
        map.end()
    }
}
