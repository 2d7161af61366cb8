//! The plan's JSON writer: the document, its steps and their [`J`] values written straight
//! into one pre-sized `String`, byte for byte what serde_json's `to_writer_pretty` writes for
//! the same shape (two-space indent, `": "` after keys, a line per value, `[]`/`{}` when
//! empty; `"` and `\` backslash-escaped, `\b \t \n \f \r` for those controls, other bytes
//! below 0x20 as lowercase `\u00xx`, nothing else escaped). A test holds it to serde_json's
//! `PrettyFormatter` on values of every shape; the differential check holds the whole plan.
//!
//! Why not serde_json itself: at 1,000 services the plan is 8 MB, and serde_json's serializer
//! cost about 88M instructions of a 315M build, most of it escaping (a table lookup and
//! branch per byte, and a scan of every static key) and the `Serializer`/`Formatter` call
//! layers around each value. Here keys and values that are the backend's own literals are
//! copied without a scan (debug-asserted clean), data strings are scanned eight bytes at a
//! time and copied whole, a line break with its indent is one copy, and the small writes are
//! inlined (the escaping path, which few strings take, is kept out of line). Writing the
//! plan now costs about 43M instructions at 1,000 services (callgrind).

use super::json::{needs_object_escape, Key, J, OBJECT};
use super::steps::{Call, Name, Step, Wait};

/// A comma, a newline and indent enough for the plan's deepest nesting in one copy (deeper
/// lines take several): a line break is a slice of it.
const BREAK: &str = ",\n                                                                ";

/// The depth of the document's step list: `{"steps": [` open.
const STEPS: usize = 2;

/// How a byte is written inside a JSON string: 0 as is, else the letter after `\` (`u` for
/// `\u00xx`). The same table as serde_json's.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Whether `s` can be written between quotes as it is.
fn clean(s: &str) -> bool {
    s.bytes().all(|b| ESCAPE[usize::from(b)] == 0)
}

/// The high bit of each byte of `word` that needs an escape (a control byte, `"` or `\`),
/// and maybe of bytes above one that does; zero exactly when none does. Bit tricks on eight
/// bytes at once: `(x - n) & !x & 0x80` is set in the lowest byte below `n` (bytes from
/// 0x80 up never are), and flipping bit 1 turns `"` (0x22) into 0x20 while keeping the
/// controls below 0x20, so one test "below 0x21" finds both.
fn escape_mask(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let quote_or_control = (word ^ (ONES * 0x02)).wrapping_sub(ONES * 0x21);
    let backslash = (word ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (quote_or_control | backslash) & !word & HIGH
}

/// Whether any byte of `bytes` needs an escape. Nearly every string is clean, so this is
/// the common path: eight bytes at a time, the last (partial) word re-read overlapping the
/// one before it, and short strings byte by byte.
fn needs_escape(bytes: &[u8]) -> bool {
    // A chunk is always eight bytes; were it not, "needs escaping" is the safe answer.
    let mask =
        |chunk: &[u8]| <[u8; 8]>::try_from(chunk).map_or(1, |w| escape_mask(u64::from_le_bytes(w)));
    let Some(last) = bytes.len().checked_sub(8).and_then(|at| bytes.get(at..)) else {
        return bytes.iter().any(|&b| ESCAPE[usize::from(b)] != 0);
    };
    let mut found = mask(last);
    for chunk in bytes.chunks_exact(8) {
        found |= mask(chunk);
    }
    found != 0
}

/// The plan document being written.
pub struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    pub fn with_capacity(capacity: usize) -> Self {
        Writer {
            out: String::with_capacity(capacity),
            depth: 0,
        }
    }

    /// A writer for steps written apart from their document, at the depth of its step list.
    pub fn for_steps(capacity: usize) -> Self {
        Writer {
            out: String::with_capacity(capacity),
            depth: STEPS,
        }
    }

    /// The text written so far.
    pub fn text(&self) -> &str {
        &self.out
    }

    /// The text written, a part of a document.
    pub fn finish_part(self) -> String {
        self.out
    }

    /// Appends text written by another writer at the same depth.
    pub fn push_text(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// `{"version", "app", "region", "parameters", "steps": [`: the document up to its first
    /// step.
    pub fn head(&mut self, app: &str, region: &str, parameters: &J) {
        self.open('{');
        self.key(true, "version");
        self.number(u64::from(super::VERSION));
        self.key(false, "app");
        self.string(app);
        self.key(false, "region");
        self.string(region);
        self.key(false, "parameters");
        self.value(parameters);
        self.key(false, "steps");
        self.open('[');
        debug_assert_eq!(self.depth, STEPS);
    }

    /// The line break a step of the list opens with: without a comma for the `first`.
    pub fn step_line(&mut self, first: bool) {
        self.line(first);
    }

    /// The rest of the document after its steps (`none` when it has none), `outputs` last,
    /// and the final newline: the whole text.
    pub fn tail(mut self, none: bool, outputs: &J) -> String {
        self.close(']', none);
        self.key(false, "outputs");
        self.value(outputs);
        self.close('}', false);
        self.out.push('\n');
        self.out
    }

    /// One step: id, service, operation, input, depends_on, then outputs, wait, delete and
    /// retain when present. Its text depends on the step alone.
    pub fn step(&mut self, step: &Step, depends_on: &[impl AsRef<str>]) {
        self.open('{');
        self.key(true, "id");
        self.string(&step.id);
        self.key(false, "service");
        self.literal(step.service);
        self.call(false, step.operation, &step.input);
        self.key(false, "depends_on");
        self.open('[');
        for (i, dependency) in depends_on.iter().enumerate() {
            self.line(i == 0);
            self.string(dependency.as_ref());
        }
        self.close(']', depends_on.is_empty());
        if !step.outputs.is_empty() {
            self.key(false, "outputs");
            self.outputs(&step.outputs);
        }
        if let Some(wait) = &step.wait {
            self.key(false, "wait");
            self.wait(wait);
        }
        if let Some(Call { operation, input }) = &step.delete {
            self.key(false, "delete");
            self.open('{');
            self.call(true, operation, input);
            if let Some(wait) = &step.delete_wait {
                self.key(false, "wait");
                self.wait(wait);
            }
            self.close('}', false);
        }
        if step.retain {
            self.key(false, "retain");
            self.out.push_str("true");
        }
        self.close('}', false);
    }

    /// `"operation": ..., "input": ...` inside an open object.
    fn call(&mut self, first: bool, operation: &'static str, input: &J) {
        self.key(first, "operation");
        self.literal(operation);
        self.key(false, "input");
        self.value(input);
    }

    /// Output name -> response path, in declaration order.
    fn outputs(&mut self, outputs: &[(Name, Name)]) {
        self.open('{');
        for (i, (name, path)) in outputs.iter().enumerate() {
            self.data_key(i == 0, name);
            self.string(path);
        }
        self.close('}', outputs.is_empty());
    }

    fn wait(&mut self, wait: &Wait) {
        self.open('{');
        self.call(true, wait.call.operation, &wait.call.input);
        self.key(false, "path");
        self.literal(wait.path);
        self.key(false, "expect");
        self.literal(wait.expect);
        self.key(false, "timeout_seconds");
        self.number(u64::from(wait.timeout_seconds));
        if !wait.outputs.is_empty() {
            self.key(false, "outputs");
            self.outputs(&wait.outputs);
        }
        self.close('}', false);
    }

    /// A [`J`], as serde_json writes the `Value` of the same shape.
    pub fn value(&mut self, value: &J) {
        match value {
            J::Null => self.out.push_str("null"),
            J::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            J::U64(n) => self.number(*n),
            // Floats are rare (none in today's plans): serde_json writes the digits, so they
            // stay its own. It writes a non-finite float as `null` and never fails on one.
            J::F64(f) => match serde_json::to_string(f) {
                Ok(text) => self.out.push_str(&text),
                Err(_) => self.out.push_str("null"),
            },
            J::Str(s) => self.string(s),
            J::Arr(items) => {
                self.open('[');
                for (i, item) in items.iter().enumerate() {
                    self.line(i == 0);
                    self.value(item);
                }
                self.close(']', items.is_empty());
            }
            J::Obj(pairs) if needs_object_escape(pairs) => {
                self.open('{');
                self.key(true, OBJECT);
                self.object(pairs);
                self.close('}', false);
            }
            J::Obj(pairs) => self.object(pairs),
            J::Ref(step, output) => {
                self.open('{');
                self.key(true, "ref");
                // `STEP.OUTPUT`, escaped piece by piece: the same bytes as escaping it whole.
                self.out.push('"');
                self.escaped(step);
                self.out.push('.');
                self.escaped(output);
                self.out.push('"');
                self.close('}', false);
            }
            J::Param(name) => {
                self.open('{');
                self.key(true, "param");
                self.string(name);
                self.close('}', false);
            }
            J::Join(parts) => {
                self.open('{');
                self.key(true, "join");
                self.value_list(parts);
                self.close('}', false);
            }
            J::Shared(value) => self.value(value),
        }
    }

    /// A literal object's pairs, as they are.
    fn object(&mut self, pairs: &[(Key, J)]) {
        self.open('{');
        for (i, (key, item)) in pairs.iter().enumerate() {
            match key {
                Key::Lit(key) => self.key(i == 0, key),
                Key::Data(key) => self.data_key(i == 0, key),
            }
            self.value(item);
        }
        self.close('}', pairs.is_empty());
    }

    fn value_list(&mut self, items: &[J]) {
        self.open('[');
        for (i, item) in items.iter().enumerate() {
            self.line(i == 0);
            self.value(item);
        }
        self.close(']', items.is_empty());
    }

    /// A newline, after a comma unless `first`, and the indent of the current depth.
    #[inline(always)]
    fn line(&mut self, first: bool) {
        let room = BREAK.len() - 2;
        let width = self.depth * 2;
        self.out.push_str(
            BREAK
                .get(usize::from(first)..2 + width.min(room))
                .unwrap_or("\n"),
        );
        let mut rest = width.saturating_sub(room);
        while rest > 0 {
            let chunk = rest.min(room);
            self.out.push_str(BREAK.get(2..2 + chunk).unwrap_or(""));
            rest -= chunk;
        }
    }

    #[inline(always)]
    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
    }

    /// Closes an array or object: on a line of its own unless it is `empty` (`[]`, `{}`).
    #[inline(always)]
    fn close(&mut self, bracket: char, empty: bool) {
        self.depth = self.depth.saturating_sub(1);
        if !empty {
            self.line(true);
        }
        self.out.push(bracket);
    }

    /// A key that is one of the backend's literals, on its own line, followed by `": "`.
    #[inline(always)]
    fn key(&mut self, first: bool, key: &'static str) {
        debug_assert!(clean(key), "key {key:?} needs escaping");
        self.line(first);
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\": ");
    }

    /// A key that may come from data.
    #[inline(always)]
    fn data_key(&mut self, first: bool, key: &str) {
        self.line(first);
        self.string(key);
        self.out.push_str(": ");
    }

    /// A string value that is one of the backend's literals (a service, operation, path).
    #[inline(always)]
    fn literal(&mut self, s: &'static str) {
        debug_assert!(clean(s), "literal {s:?} needs escaping");
        self.out.push('"');
        self.out.push_str(s);
        self.out.push('"');
    }

    /// A string value from data, quoted and escaped.
    #[inline(always)]
    pub fn string(&mut self, s: &str) {
        self.out.push('"');
        self.escaped(s);
        self.out.push('"');
    }

    /// `s` escaped, without quotes. Inlined, and the slow path kept out of line, so that a
    /// clean string (nearly every one) costs no call of its own.
    #[inline(always)]
    fn escaped(&mut self, s: &str) {
        if needs_escape(s.as_bytes()) {
            self.escaped_slowly(s);
        } else {
            self.out.push_str(s);
        }
    }

    /// `s` escaped: clean runs are copied whole, found eight bytes at a time (the lowest
    /// flagged byte of [`escape_mask`] is the first that needs an escape), the last few
    /// bytes one by one. Policy documents, JSON inside a string, take this path.
    #[cold]
    #[inline(never)]
    fn escaped_slowly(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut start = 0;
        let mut at = 0;
        loop {
            let next = match bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
                Some(Ok(word)) => match escape_mask(u64::from_le_bytes(word)) {
                    0 => {
                        at += 8;
                        continue;
                    }
                    mask => at + (mask.trailing_zeros() / 8) as usize,
                },
                _ => match bytes
                    .iter()
                    .skip(at)
                    .position(|&b| ESCAPE[usize::from(b)] != 0)
                {
                    Some(offset) => at + offset,
                    None => break,
                },
            };
            // `next` is an ASCII byte, so a char boundary: the run before it is whole text.
            self.out.push_str(s.get(start..next).unwrap_or(""));
            let b = bytes.get(next).copied().unwrap_or(0);
            let letter = ESCAPE[usize::from(b)];
            if letter == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.out.push_str("\\u00");
                self.out.push(char::from(HEX[usize::from(b >> 4)]));
                self.out.push(char::from(HEX[usize::from(b & 0xf)]));
            } else {
                self.out.push('\\');
                self.out.push(char::from(letter));
            }
            start = next + 1;
            at = start;
        }
        self.out.push_str(s.get(start..).unwrap_or(""));
    }

    /// Decimal digits, with the crate serde_json writes them with (itoa).
    fn number(&mut self, n: u64) {
        self.out.push_str(itoa::Buffer::new().format(n));
    }
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
