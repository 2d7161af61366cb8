//! The plan's pretty printer: serde_json's serializer with a [`Formatter`] that writes the
//! same whitespace as serde_json's `PrettyFormatter` (two-space indent, `": "` after keys, a
//! line per value, `[]`/`{}` when empty), only faster.
//!
//! `PrettyFormatter` writes a line break as a comma, a newline and one two-byte write per
//! level of indent; at 1,000 services that was 1.3 million small copies, a quarter of the
//! plan's serializing cost under callgrind. This one writes each line break in one copy.
//! Everything else (escaping, numbers, the order of calls) is serde_json's own; a test
//! checks the bytes against `PrettyFormatter`.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// A comma, a newline and indent enough for the plan's deepest nesting in one copy (deeper
/// lines take several): a line break is a slice of it.
const BREAK: &[u8; 66] = b",\n                                                                ";

#[derive(Debug, Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// A newline, after a comma unless `first`, and the indent of the current depth.
    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        let from = usize::from(first);
        let width = self.depth * 2;
        let room = BREAK.len() - 2;
        writer.write_all(&BREAK[from..2 + width.min(room)])?;
        let mut rest = width.saturating_sub(room);
        while rest > 0 {
            let chunk = rest.min(room);
            writer.write_all(&BREAK[2..2 + chunk])?;
            rest -= chunk;
        }
        Ok(())
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.new_line(writer, true)?;
        }
        writer.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `value` as pretty JSON appended to `out`, byte for byte as `serde_json::to_writer_pretty`.
pub fn write<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Pretty::default());
    value.serialize(&mut serializer)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    fn both(value: &Value) -> (String, String) {
        let mut ours = Vec::new();
        let ok = super::write(&mut ours, value).is_ok();
        assert!(ok);
        let theirs = serde_json::to_string_pretty(value).unwrap_or_default();
        (String::from_utf8_lossy(&ours).into_owned(), theirs)
    }

    #[test]
    fn writes_what_serde_jsons_pretty_formatter_writes() {
        let value = json!({
            "a": [], "b": {}, "c": [[], {}, [1, [2, {"x": null}]]],
            "d": { "e": { "f": "g\n\"h\u{1}" }, "i": [true, false, -1, 2.5] },
            "": "",
        });
        let (ours, theirs) = both(&value);
        assert_eq!(ours, theirs);
        assert!(ours.contains("\n      \"f\": "));
        assert_eq!(both(&json!([])).0, "[]");
        assert_eq!(both(&json!("s")).0, "\"s\"");
    }

    /// Deeper than one copy of the indent buffer reaches.
    #[test]
    fn deep_nesting_keeps_its_indent() {
        let mut value = json!("leaf");
        for i in 0..80 {
            value = if i % 2 == 0 {
                json!([value])
            } else {
                json!({ "k": value })
            };
        }
        let (ours, theirs) = both(&value);
        assert_eq!(ours, theirs);
        assert!(ours.contains(&format!("\n{}\"leaf\"", " ".repeat(160))));
    }
}
