//! [`J`], the plan's own JSON value: what every step's input, wait and delete is built as.
//!
//! It replaces `serde_json::Value` for speed (measured with callgrind on the 1,000-service
//! benchmark, where the plan backend spent more on building, hashing and dropping `Value`
//! trees than on anything else). Objects are a `Vec` of pairs in insertion order, not a
//! hashed map; keys and strings borrow from the IR or are `&'static` wherever they can; and
//! the plan's three structured forms (`{"ref"}`, `{"param"}`, `{"join"}`) are variants of
//! their own, so a ref holds its step id (shared, not re-formatted) and `depends_on` is read
//! off the tree without parsing strings.
//!
//! The plan document is written by `write.rs`, not through serde. `J` also implements
//! `serde::Serialize`, making exactly the serializer calls a `serde_json::Value` of the same
//! shape makes: for the policy documents that go into the plan as compact JSON strings
//! (`service.rs`), and as the reference the writer's bytes are tested against.

use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Cow;
use std::sync::Arc;

/// A step id (`core-vpc`, `orders-service`): shared by the step and every ref to it.
pub type StepId = Arc<str>;

/// An object key: one of the backend's literals, which the writer copies without scanning
/// for bytes to escape (most keys of the plan are), or a name from data (a tag, a parameter,
/// an env var), which it scans.
#[derive(Debug, Clone)]
pub enum Key<'a> {
    Lit(&'static str),
    Data(Cow<'a, str>),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Lit(s) => s,
            Key::Data(s) => s,
        }
    }
}

/// Keys are equal when their text is, however they were made.
impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<'a> From<&'a str> for Key<'a> {
    fn from(s: &'a str) -> Key<'a> {
        Key::Data(Cow::Borrowed(s))
    }
}

impl<'a> From<String> for Key<'a> {
    fn from(s: String) -> Key<'a> {
        Key::Data(Cow::Owned(s))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum J<'a> {
    Null,
    Bool(bool),
    U64(u64),
    F64(f64),
    Str(Cow<'a, str>),
    Arr(Vec<J<'a>>),
    /// Pairs in the order they are written; keys are unique (see [`J::insert`]).
    Obj(Vec<(Key<'a>, J<'a>)>),
    /// `{"ref": "STEP.OUTPUT"}`: an output of an earlier step (or of this step, in its own
    /// wait or delete).
    Ref(StepId, Cow<'static, str>),
    /// `{"param": NAME}`: a deploy-time parameter.
    Param(&'a str),
    /// `{"join": [...]}`: strings, refs and params concatenated; built only by `steps::join`,
    /// which keeps it flat and never shorter than two parts.
    Join(Vec<J<'a>>),
    /// A value written in many places but built once (the app's tags, on every service's
    /// calls): copies share it.
    Shared(Arc<J<'a>>),
}

/// An object from `key => value` pairs, in order; values go through `J::from`.
/// `obj! { "VpcId" => vpc_id(net), "CidrBlock" => &subnet.cidr }`. Keys must be distinct:
/// a key that may repeat goes through [`J::insert`] instead. `obj! { +2; ... }` leaves room
/// for two more keys to be pushed without growing the object.
macro_rules! obj {
    (+ $room:expr; $($key:expr => $value:expr),* $(,)?) => {{
        let mut pairs = ::std::vec::Vec::with_capacity($room + <[&str]>::len(&[$(stringify!($key)),*]));
        $(pairs.push(($crate::backends::plan::json::Key::Lit($key), $crate::backends::plan::json::J::from($value)));)*
        $crate::backends::plan::json::J::Obj(pairs)
    }};
    ($($key:expr => $value:expr),* $(,)?) => {
        $crate::backends::plan::json::J::Obj(vec![
            $(($crate::backends::plan::json::Key::Lit($key), $crate::backends::plan::json::J::from($value))),*
        ])
    };
}

/// An array of values, each through `J::from`: `arr![sg_id(net, SgKind::Nlb)]`.
macro_rules! arr {
    ($($value:expr),* $(,)?) => {
        $crate::backends::plan::json::J::Arr(vec![$($crate::backends::plan::json::J::from($value)),*])
    };
}

pub(crate) use {arr, obj};

impl<'a> J<'a> {
    /// Sets `key` like a JSON map does: a new key goes last, an existing one keeps its place
    /// and takes the new value. For keys that come from data and so might repeat; a linear
    /// scan, fine for the few keys such objects have. Does nothing on a non-object.
    fn insert(&mut self, key: impl Into<Key<'a>>, value: J<'a>) {
        let J::Obj(pairs) = self else {
            return;
        };
        let key = key.into();
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => pairs.push((key, value)),
        }
    }

    /// An object from pairs whose keys come from data: like [`J::insert`]ing each in turn,
    /// but checking for a repeated key by sorting, as an object can have thousands of keys
    /// (the plan's outputs) and repeats are all but unknown.
    pub fn map(pairs: Vec<(Key<'a>, J<'a>)>) -> J<'a> {
        // A few keys (a route's path parameters) are compared pairwise, without allocating.
        let repeats = if pairs.len() <= 8 {
            let keys = || pairs.iter().map(|(k, _)| k);
            keys()
                .enumerate()
                .any(|(i, key)| keys().take(i).any(|k| k == key))
        } else {
            let mut keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.windows(2).any(|w| w[0] == w[1])
        };
        if !repeats {
            return J::Obj(pairs);
        }
        let mut out = J::Obj(Vec::with_capacity(pairs.len()));
        for (key, value) in pairs {
            out.insert(key, value);
        }
        out
    }

    /// Adds a pair whose key the caller knows is new (a literal the object does not hold).
    pub fn push(&mut self, key: &'static str, value: impl Into<J<'a>>) {
        if let J::Obj(pairs) = self {
            pairs.push((Key::Lit(key), value.into()));
        }
    }

    /// An empty object.
    pub fn object() -> J<'a> {
        J::Obj(Vec::new())
    }
}

impl<'a> From<&'a str> for J<'a> {
    fn from(s: &'a str) -> J<'a> {
        J::Str(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for J<'a> {
    fn from(s: &'a String) -> J<'a> {
        J::Str(Cow::Borrowed(s))
    }
}

impl<'a> From<String> for J<'a> {
    fn from(s: String) -> J<'a> {
        J::Str(Cow::Owned(s))
    }
}

impl<'a> From<bool> for J<'a> {
    fn from(b: bool) -> J<'a> {
        J::Bool(b)
    }
}

macro_rules! from_unsigned {
    ($($t:ty),*) => {
        $(impl<'a> From<$t> for J<'a> {
            fn from(n: $t) -> J<'a> {
                J::U64(u64::from(n))
            }
        })*
    };
}

from_unsigned!(u16, u32, u64);

impl<'a> From<usize> for J<'a> {
    fn from(n: usize) -> J<'a> {
        // usize is at most 64 bits on every target Rust supports; saturate rather than panic.
        J::U64(u64::try_from(n).unwrap_or(u64::MAX))
    }
}

impl<'a> From<f64> for J<'a> {
    /// Like `serde_json::Value`: JSON has no NaN or infinity, so those are `null`.
    fn from(f: f64) -> J<'a> {
        if f.is_finite() {
            J::F64(f)
        } else {
            J::Null
        }
    }
}

impl<'a> From<Vec<J<'a>>> for J<'a> {
    fn from(items: Vec<J<'a>>) -> J<'a> {
        J::Arr(items)
    }
}

impl Serialize for J<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Null => serializer.serialize_unit(),
            J::Bool(b) => serializer.serialize_bool(*b),
            J::U64(n) => serializer.serialize_u64(*n),
            J::F64(f) => serializer.serialize_f64(*f),
            J::Str(s) => serializer.serialize_str(s),
            J::Arr(items) => serializer.collect_seq(items),
            J::Obj(pairs) if needs_object_escape(pairs) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(OBJECT, &Unescaped(pairs))?;
                map.end()
            }
            J::Obj(pairs) => Unescaped(pairs).serialize(serializer),
            J::Ref(step, output) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("ref", &RefText(step, output))?;
                map.end()
            }
            J::Param(name) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("param", name)?;
                map.end()
            }
            J::Join(parts) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("join", parts)?;
                map.end()
            }
            J::Shared(value) => value.serialize(serializer),
        }
    }
}

/// The plan's forms: an object whose only key is one of these is a form, not data.
pub const FORMS: [&str; 4] = ["ref", "param", "join", OBJECT];

/// The escape form (plan version 2): `{"object": X}` is the literal object `X`.
pub const OBJECT: &str = "object";

/// Whether a literal object must be written `{"object": {...}}` so that no reader takes it
/// for a form: it has exactly one key, and that key names a form (an env map `{ ref = ".." }`,
/// a tag map with the one key `param`).
pub fn needs_object_escape(pairs: &[(Key, J)]) -> bool {
    matches!(pairs, [(key, _)] if FORMS.contains(&key.as_str()))
}

/// An object's pairs as they are, without the escape (what goes inside `{"object": ..}`).
struct Unescaped<'p, 'a>(&'p [(Key<'a>, J<'a>)]);

impl Serialize for Unescaped<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key.as_str(), value)?;
        }
        map.end()
    }
}

/// `STEP.OUTPUT`, the text of a ref.
struct RefText<'r>(&'r str, &'r str);

impl Serialize for RefText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Formatting it through `collect_str` cost about 1,000 instructions a ref, a tenth of
        // the whole backend.
        with_joined(&[self.0, ".", self.1], |text| {
            serializer.serialize_str(text)
        })
    }
}

/// Calls `f` with `pieces` concatenated: on the stack when they fit, as step ids and refs
/// do, so the only allocation is whatever `f` makes.
pub fn with_joined<R>(pieces: &[&str], f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 64];
    let mut len = 0;
    for piece in pieces {
        match buf.get_mut(len..len + piece.len()) {
            Some(slot) => slot.copy_from_slice(piece.as_bytes()),
            None => return f(&pieces.concat()),
        }
        len += piece.len();
    }
    // Whole UTF-8 strings end to end are UTF-8; the check costs little and needs no unsafe.
    match buf.get(..len).map(std::str::from_utf8) {
        Some(Ok(text)) => f(text),
        _ => f(&pieces.concat()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The bytes are serde_json's: the same as a `Value` of the same shape, pretty or not.
    #[test]
    fn serializes_like_the_equivalent_value() {
        let step: StepId = "core-vpc".into();
        let value = obj! {
            "a" => J::Null,
            "b" => true,
            "c" => 8080u16,
            "d" => 2.5f64,
            "e" => f64::NAN,
            "f" => "x\"y\u{1}",
            "g" => arr![J::Ref(step, "VpcId".into()), J::Param("tag")],
            "h" => J::Join(vec!["a".into(), J::Param("p")]),
            "i" => J::object(),
            "j" => arr![],
            "k" => J::Shared(Arc::new(arr!["t"])),
        };
        let expected = json!({
            "a": null, "b": true, "c": 8080, "d": 2.5, "e": null, "f": "x\"y\u{1}",
            "g": [{ "ref": "core-vpc.VpcId" }, { "param": "tag" }],
            "h": { "join": ["a", { "param": "p" }] },
            "i": {},
            "j": [],
            "k": ["t"],
        });
        assert_eq!(
            serde_json::to_string_pretty(&value).ok(),
            serde_json::to_string_pretty(&expected).ok()
        );
        assert_eq!(
            serde_json::to_string(&value).ok(),
            serde_json::to_string(&expected).ok()
        );
    }

    /// Plan version 2: a literal object that reads like a form is wrapped, and only then.
    #[test]
    fn literal_objects_shaped_like_forms_are_escaped() {
        let step: StepId = "core-vpc".into();
        let value = arr![
            obj! { "ref" => "e-vpc.VpcId" },
            J::Obj(vec![(Key::from("param"), J::Param("tag"))]),
            obj! { "join" => arr!["a"] },
            obj! { "object" => obj! { "x" => 1u32 } },
            obj! { "ref" => "a.b", "other" => "c" },
            obj! { "Ref" => "a.b" },
            J::Ref(step, "VpcId".into()),
            J::Param("tag"),
            J::Join(vec!["a".into(), J::Param("p")]),
        ];
        let expected = json!([
            { "object": { "ref": "e-vpc.VpcId" } },
            { "object": { "param": { "param": "tag" } } },
            { "object": { "join": ["a"] } },
            { "object": { "object": { "x": 1 } } },
            { "ref": "a.b", "other": "c" },
            { "Ref": "a.b" },
            { "ref": "core-vpc.VpcId" },
            { "param": "tag" },
            { "join": ["a", { "param": "p" }] },
        ]);
        assert_eq!(serde_json::to_value(&value).ok(), Some(expected));
    }

    #[test]
    fn insert_replaces_in_place_like_a_json_map() {
        let mut o = obj! { "a" => 1u32, "b" => 2u32 };
        o.insert("a", J::from(3u32));
        o.insert(String::from("c"), J::from(4u32));
        assert_eq!(o, obj! { "a" => 3u32, "b" => 2u32, "c" => 4u32 });
        let pairs = |keys: &[&'static str]| -> Vec<(Key, J)> {
            keys.iter()
                .enumerate()
                .map(|(i, k)| (Key::from(*k), J::from(i)))
                .collect()
        };
        assert_eq!(
            J::map(pairs(&["b", "a"])),
            obj! { "b" => 0usize, "a" => 1usize }
        );
        assert_eq!(
            J::map(pairs(&["b", "a", "b"])),
            obj! { "b" => 2usize, "a" => 1usize }
        );
        let many = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        let mut repeated = many.to_vec();
        repeated.push("c");
        match (J::map(pairs(&many)), J::map(pairs(&repeated))) {
            (J::Obj(all), J::Obj(deduped)) => {
                assert_eq!(all.len(), 10);
                assert_eq!(deduped.len(), 10);
                assert_eq!(deduped[2], (Key::from("c"), J::from(10usize)));
            }
            other => panic!("not objects: {other:?}"),
        }
    }

    #[test]
    fn joins_short_and_long_pieces() {
        assert_eq!(with_joined(&["a", "-", "é"], str::to_string), "a-é");
        let long = "x".repeat(70);
        assert_eq!(with_joined(&[&long, "-y"], str::len), 72);
        assert_eq!(with_joined(&[], str::to_string), "");
    }

    #[test]
    fn a_long_ref_is_written_whole() {
        let long = "s".repeat(300);
        let r = J::Ref(long.as_str().into(), "Out".into());
        let expected = json!({ "ref": format!("{long}.Out") });
        assert_eq!(serde_json::to_value(&r).ok(), Some(expected));
    }
}
