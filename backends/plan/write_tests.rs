//! The writer against serde_json: every [`J`] shape, every byte that needs escaping and
//! nesting deeper than one copy of the indent, compared with `to_string_pretty` of the same
//! value (through `J`'s `Serialize`, which makes the calls a `serde_json::Value` makes).

use super::super::json::{arr, obj, StepId, J};
use super::{escape_mask, Writer, ESCAPE};

fn word_needs_escape(word: u64) -> bool {
    escape_mask(word) != 0
}
use std::sync::Arc;

fn ours(value: &J) -> String {
    let mut writer = Writer::with_capacity(0);
    writer.value(value);
    writer.out
}

fn theirs(value: &J) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn same(value: &J) -> String {
    let text = ours(value);
    assert_eq!(text, theirs(value));
    text
}

#[test]
fn every_shape_is_written_as_serde_json_writes_it() {
    let step: StepId = "core-vpc".into();
    let value = obj! {
        "null" => J::Null,
        "bools" => arr![true, false],
        "numbers" => arr![0u16, 8080u32, u64::MAX, 7usize],
        "floats" => arr![2.5f64, 0.1f64, -1e300f64, J::F64(f64::NAN), J::F64(f64::INFINITY)],
        "empty" => arr![J::object(), arr![], arr![arr![]], obj! { "o" => J::object() }],
        "ref" => J::Ref(step.clone(), "VpcId".into()),
        "param" => J::Param("tag"),
        "join" => J::Join(vec!["a".into(), J::Param("p"), J::Ref(step, "Arn".into())]),
        "shared" => J::Shared(Arc::new(arr!["t", obj! { "Key" => "k" }])),
        "" => "",
        "ünï\u{7f}" => "日本 \u{7f}\u{80}",
    };
    let text = same(&value);
    assert!(text.contains("\n  \"empty\": [\n    {},\n    [],\n    [\n      []\n    ],"));
    assert!(text.contains("\"ref\": \"core-vpc.VpcId\""));
    assert_eq!(same(&arr![]), "[]");
    assert_eq!(same(&J::object()), "{}");
    assert_eq!(same(&J::from("s")), "\"s\"");
}

#[test]
fn every_byte_that_needs_it_is_escaped() {
    let all: String = (0u8..0x80).map(char::from).collect();
    let text = same(&J::from(all.as_str()));
    assert!(text.starts_with("\"\\u0000\\u0001"));
    assert!(text.contains("\\b\\t\\n\\u000b\\f\\r\\u000e"));
    assert!(text.contains("\\u001f !\\\"#"));
    assert!(text.contains("[\\\\]"));
    // Each control, quote and backslash alone, at every offset of an eight-byte word, as a
    // key, a value and inside a ref.
    for b in (0u8..0x20).chain([b'"', b'\\']) {
        for offset in 0..17 {
            let mut s = "x".repeat(offset);
            s.push(char::from(b));
            s.push_str("tail-é");
            let key = s.clone();
            let step: StepId = s.as_str().into();
            same(&J::Obj(vec![(key.into(), J::from(s.as_str()))]));
            same(&J::Ref(step, s.clone().into()));
        }
    }
}

#[test]
fn the_word_scan_agrees_with_the_table() {
    for b in 0..=255u8 {
        let needs = ESCAPE[usize::from(b)] != 0;
        for at in 0..8 {
            let mut word = [b'a'; 8];
            word[at] = b;
            assert_eq!(word_needs_escape(u64::from_le_bytes(word)), needs, "{b:#x}");
            // Neighbours that need no escape but sit just around the tested ranges.
            let mut mixed = [0x80, 0xff, b'!', b'#', b'[', b']', b' ', 0x7f];
            mixed[at] = b;
            let any = mixed.iter().any(|&m| ESCAPE[usize::from(m)] != 0);
            assert_eq!(word_needs_escape(u64::from_le_bytes(mixed)), any, "{b:#x}");
        }
    }
}

/// Deeper than one copy of the indent buffer reaches.
#[test]
fn deep_nesting_keeps_its_indent() {
    let mut value = J::from("leaf");
    for i in 0..80 {
        value = if i % 2 == 0 {
            arr![value]
        } else {
            obj! { "k" => value }
        };
    }
    let text = same(&value);
    assert!(text.contains(&format!("\n{}\"leaf\"", " ".repeat(160))));
}
