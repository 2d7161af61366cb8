//! JSON <-> typed SDK values, for the generated calls in `generated/`.
//!
//! A plan step's input is JSON in the API's own member names; the SDK for Rust wants typed
//! builders. The generated code sets each member with `FromJson::from_json`, and turns each
//! response back into JSON with `ToJson`. Primitive, list and map conversions live here once;
//! the generated code adds impls only for the SDK's structures and enums. Because the setter's
//! argument type drives `FromJson`, the generator never has to know whether a member is an
//! `i32`, an `i64` or a `String`, nor whether a field is `Option`al (`ToJson` for `Option`).

use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::error::operation::BuildError;
use aws_smithy_types::{Blob, DateTime};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// A plan value that does not fit the API's shape, with where it was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct ConvError {
    pub at: String,
    pub message: String,
}

impl ConvError {
    pub fn new(at: &str, message: impl Into<String>) -> ConvError {
        ConvError {
            at: at.to_string(),
            message: message.into(),
        }
    }
}

/// Why one call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    #[error("the executor cannot run `{0}`")]
    Unsupported(String),
    #[error("invalid input at {0}")]
    Input(#[from] ConvError),
    /// What AWS answered: its error code (when it gave one) and message.
    #[error("{}{message}", code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
    Aws {
        code: Option<String>,
        message: String,
    },
}

/// Any SDK error, with the service's error code and message kept for the report.
pub fn sdk_error<E, R>(e: aws_sdk_sts::error::SdkError<E, R>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let code = e.code().map(str::to_string);
    let message = match e.message() {
        Some(m) => m.to_string(),
        None => {
            // Not an answer from the service (no credentials, no connection): the chain of
            // causes, each in its own words, without the debug dump of the raw response.
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            message
        }
    };
    CallError::Aws { code, message }
}

/// `build()` returns the value for structures without required members and a `Result` for
/// the others; this accepts both so the generator need not know which.
pub trait Built<T> {
    fn built(self, at: &str) -> Result<T, ConvError>;
}

impl<T> Built<T> for T {
    fn built(self, _at: &str) -> Result<T, ConvError> {
        Ok(self)
    }
}

impl<T> Built<T> for Result<T, BuildError> {
    fn built(self, at: &str) -> Result<T, ConvError> {
        self.map_err(|e| ConvError::new(at, e.to_string()))
    }
}

pub trait FromJson: Sized {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError>;
}

/// `None` means "absent": an unset optional member is left out of the JSON.
pub trait ToJson {
    fn to_json(&self) -> Option<Value>;
}

pub fn at_member(at: &str, member: &str) -> String {
    format!("{at}.{member}")
}

/// The object at `at`, refusing members the API does not have (a typo in a plan would
/// otherwise be dropped silently).
pub fn object<'a>(
    v: &'a Value,
    at: &str,
    members: &[&str],
) -> Result<&'a Map<String, Value>, ConvError> {
    let obj = v
        .as_object()
        .ok_or_else(|| ConvError::new(at, format!("expected an object, found {v}")))?;
    if let Some(unknown) = obj.keys().find(|k| !members.contains(&k.as_str())) {
        return Err(ConvError::new(
            at,
            format!("`{unknown}` is not a member this SDK call accepts"),
        ));
    }
    Ok(obj)
}

pub fn string<'a>(v: &'a Value, at: &str) -> Result<&'a str, ConvError> {
    v.as_str()
        .ok_or_else(|| ConvError::new(at, format!("expected a string, found {v}")))
}

/// Adds `key` to `m` unless the value is absent.
pub fn put<T: ToJson>(m: &mut Map<String, Value>, key: &str, value: &T) {
    if let Some(v) = value.to_json() {
        m.insert(key.to_string(), v);
    }
}

impl FromJson for String {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        string(v, at).map(str::to_string)
    }
}

impl FromJson for bool {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        v.as_bool()
            .ok_or_else(|| ConvError::new(at, format!("expected a boolean, found {v}")))
    }
}

impl FromJson for i64 {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        v.as_i64()
            .ok_or_else(|| ConvError::new(at, format!("expected an integer, found {v}")))
    }
}

impl FromJson for i32 {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        let n = i64::from_json(v, at)?;
        i32::try_from(n).map_err(|_| ConvError::new(at, format!("{n} does not fit in 32 bits")))
    }
}

impl FromJson for f64 {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        v.as_f64()
            .ok_or_else(|| ConvError::new(at, format!("expected a number, found {v}")))
    }
}

impl FromJson for f32 {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        // API doubles declared as float (throttle rates): the precision loss is the API's.
        f64::from_json(v, at).map(|f| f as f32)
    }
}

impl FromJson for DateTime {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        DateTime::from_str(
            string(v, at)?,
            aws_smithy_types::date_time::Format::DateTime,
        )
        .map_err(|e| ConvError::new(at, e.to_string()))
    }
}

impl FromJson for Blob {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        Ok(Blob::new(string(v, at)?.as_bytes()))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        let items = v
            .as_array()
            .ok_or_else(|| ConvError::new(at, format!("expected a list, found {v}")))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_json(item, &format!("{at}[{i}]")))
            .collect()
    }
}

impl<T: FromJson> FromJson for HashMap<String, T> {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        let obj = v
            .as_object()
            .ok_or_else(|| ConvError::new(at, format!("expected a map, found {v}")))?;
        obj.iter()
            .map(|(k, item)| Ok((k.clone(), T::from_json(item, &at_member(at, k))?)))
            .collect()
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {
        T::from_json(v, at).map(Box::new)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_ref().and_then(ToJson::to_json)
    }
}

impl<T: ToJson> ToJson for Box<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_ref().to_json()
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Array(
            self.iter()
                .map(|v| v.to_json().unwrap_or(Value::Null))
                .collect(),
        ))
    }
}

impl<T: ToJson> ToJson for HashMap<String, T> {
    fn to_json(&self) -> Option<Value> {
        // Sorted, so that recorded state is the same bytes whatever the hash order.
        let sorted: BTreeMap<&String, Value> = self
            .iter()
            .filter_map(|(k, v)| Some((k, v.to_json()?)))
            .collect();
        Some(Value::Object(
            sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect(),
        ))
    }
}

impl ToJson for String {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
}

impl ToJson for i32 {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(*self))
    }
}

impl ToJson for i64 {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(*self))
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Option<Value> {
        serde_json::Number::from_f64(*self).map(Value::Number)
    }
}

impl ToJson for f32 {
    fn to_json(&self) -> Option<Value> {
        f64::from(*self).to_json()
    }
}

impl ToJson for DateTime {
    fn to_json(&self) -> Option<Value> {
        self.fmt(aws_smithy_types::date_time::Format::DateTime)
            .ok()
            .map(Value::String)
    }
}

impl ToJson for Blob {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(
            String::from_utf8_lossy(self.as_ref()).into_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn primitives_refuse_the_wrong_json_type_and_say_where() {
        assert_eq!(i32::from_json(&json!(443), "Port"), Ok(443));
        let e = i32::from_json(&json!(1_i64 << 40), "Port").unwrap_err();
        assert_eq!(e.at, "Port");
        let e = Vec::<String>::from_json(&json!(["a", 1]), "Ids").unwrap_err();
        assert_eq!(e.at, "Ids[1]");
        assert!(bool::from_json(&json!("true"), "X").is_err());
    }

    #[test]
    fn objects_refuse_unknown_members() {
        let v = json!({ "VpcId": "vpc-1", "Vpcid": "typo" });
        let e = object(&v, "input", &["VpcId"]).unwrap_err();
        assert!(e.message.contains("`Vpcid`"), "{e}");
        assert!(object(&json!({ "VpcId": "x" }), "input", &["VpcId"]).is_ok());
    }

    #[test]
    fn maps_come_out_sorted_and_absent_values_are_left_out() {
        let mut m = HashMap::new();
        for k in ["z", "a", "m"] {
            m.insert(k.to_string(), k.to_string());
        }
        let v = m.to_json().unwrap_or_default();
        let keys: Vec<&String> = v
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["a", "m", "z"]);
        let mut out = Map::new();
        put(&mut out, "Absent", &None::<String>);
        put(&mut out, "Present", &Some(3_i32));
        assert_eq!(Value::Object(out), json!({ "Present": 3 }));
    }
}
