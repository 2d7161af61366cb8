//! The HCL writer of the `tf` backend: blocks and attributes written in order into one
//! `String`, laid out byte for byte as `terraform fmt` leaves them (and as hcl-rs's
//! formatter plus a re-alignment pass wrote them before). Block types and attribute names
//! are the construct files' constants (`&'static str`), valid identifiers as written, so
//! they are copied without the checks user-derived names get.
//!
//! Layout, in one place: two spaces per level; a blank line between a block and whatever
//! precedes or follows it in the same body; an empty body written `{}` (nested: `{  }`, as
//! hcl-rs did); lists on one line; an object on one line only when empty.
//!
//! Alignment follows hclwrite's rule (the formatter behind `terraform fmt`): in a run of
//! consecutive single-line attributes (or object entries), every `=` sits one space after the
//! longest key. A block, a multi-line value or the end of the body ends the run. The writer
//! knows which lines are such attributes, so it aligns each run when it ends (rewriting only
//! that run) instead of re-scanning the whole text afterwards, which cost ~80M instructions on
//! the 1,000-service benchmark.
//!
//! It also keeps the address of every top-level block, for the E0502 check.

use super::expr::Expr;
use super::quote;
use std::collections::HashSet;

/// What was written last, for the blank-line rule.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Nothing,
    /// A block header `... {` (its line is not ended yet).
    BodyStart,
    Attribute,
    Block,
}

pub struct Writer {
    out: String,
    depth: usize,
    last: Last,
    /// The current run of alignable lines: (line start, key end) offsets into `out`.
    run: Vec<(usize, usize)>,
    /// Reused buffer for re-aligning a run.
    scratch: String,
    /// Every top-level block's address (`resource.aws_vpc.core`), back to back.
    addresses: String,
    /// The end offset of each address in `addresses`, in writing order.
    address_ends: Vec<usize>,
}

impl Writer {
    pub fn with_capacity(bytes: usize) -> Writer {
        Writer {
            out: String::with_capacity(bytes),
            depth: 0,
            last: Last::Nothing,
            run: Vec::new(),
            scratch: String::new(),
            addresses: String::new(),
            address_ends: Vec::new(),
        }
    }

    /// A block `ident "label"... { body }`.
    pub fn block(&mut self, ident: &'static str, labels: &[&str], body: impl FnOnce(&mut Writer)) {
        self.flush_run();
        if self.depth == 0 {
            self.record_address(ident, labels);
        }
        if self.last != Last::Nothing {
            self.out.push('\n');
        }
        self.indent();
        self.out.push_str(ident);
        for label in labels {
            self.out.push(' ');
            quote::plain(&mut self.out, label);
        }
        self.out.push_str(" {");
        self.last = Last::BodyStart;
        self.depth += 1;
        body(self);
        self.flush_run();
        self.depth -= 1;
        self.indent();
        self.out.push_str("}\n");
        self.last = Last::Block;
    }

    /// `resource "<kind>" "<name>" { body }`.
    pub fn resource(&mut self, kind: &'static str, name: &str, body: impl FnOnce(&mut Writer)) {
        self.block("resource", &[kind, name], body);
    }

    /// `data "<kind>" "<name>" { body }`.
    pub fn data(&mut self, kind: &'static str, name: &str, body: impl FnOnce(&mut Writer)) {
        self.block("data", &[kind, name], body);
    }

    /// `key = value` on one line, aligned with its neighbours.
    pub fn attr(&mut self, key: &'static str, value: Expr) {
        let start = self.begin_attribute();
        self.out.push_str(key);
        self.aligned_value(start, &value);
    }

    /// `key = { k = v ... }`, one entry per line (keys bare where HCL allows); `key = {}`
    /// when empty.
    pub fn map<'v, K: AsRef<str>>(
        &mut self,
        key: &'static str,
        entries: impl IntoIterator<Item = (K, Expr<'v>)>,
    ) {
        let mut entries = entries.into_iter().peekable();
        if entries.peek().is_none() {
            let start = self.begin_attribute();
            self.out.push_str(key);
            let key_end = self.out.len();
            self.out.push_str(" = {}\n");
            self.run.push((start, key_end));
            return;
        }
        // The opening line is not alignable: it ends the run before it.
        self.flush_run();
        self.begin_attribute();
        self.out.push_str(key);
        self.out.push_str(" = {\n");
        self.depth += 1;
        for (k, v) in entries {
            let start = self.out.len();
            self.indent();
            quote::key(&mut self.out, k.as_ref());
            self.aligned_value(start, &v);
        }
        self.flush_run();
        self.depth -= 1;
        self.indent();
        self.out.push_str("}\n");
    }

    /// The text, or (for E0502) the first address that an earlier block already had.
    pub fn finish(mut self) -> Result<String, String> {
        self.flush_run();
        match self.first_collision() {
            Some(address) => Err(address),
            None => Ok(self.out),
        }
    }

    /// Starts an attribute line (after a blank line if a block precedes it); returns the
    /// line's start offset.
    fn begin_attribute(&mut self) -> usize {
        match self.last {
            Last::BodyStart | Last::Block => self.out.push('\n'),
            Last::Nothing | Last::Attribute => {}
        }
        self.last = Last::Attribute;
        let start = self.out.len();
        self.indent();
        start
    }

    /// ` = value\n` after a key, the line joining the current alignment run.
    fn aligned_value(&mut self, start: usize, value: &Expr) {
        let key_end = self.out.len();
        self.out.push_str(" = ");
        value.write(&mut self.out);
        self.out.push('\n');
        self.run.push((start, key_end));
    }

    /// Pads the keys of the current run so its `=` line up, rewriting only the run's lines.
    fn flush_run(&mut self) {
        let run = std::mem::take(&mut self.run);
        let width = run.iter().map(|(s, k)| k - s).max().unwrap_or(0);
        if run.iter().any(|(s, k)| k - s < width) {
            let from = run[0].0;
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.clear();
            scratch.push_str(&self.out[from..]);
            self.out.truncate(from);
            for (i, (start, key_end)) in run.iter().enumerate() {
                let end = run.get(i + 1).map_or(scratch.len(), |next| next.0 - from);
                let (start, key_end) = (start - from, key_end - from);
                self.out.push_str(&scratch[start..key_end]);
                spaces(&mut self.out, width - (key_end - start));
                self.out.push_str(&scratch[key_end..end]);
            }
            self.scratch = scratch;
        }
        self.run = run;
        self.run.clear();
    }

    fn indent(&mut self) {
        spaces(&mut self.out, 2 * self.depth);
    }

    /// `<ident>.<label>...`: the address as Terraform names the block.
    fn record_address(&mut self, ident: &str, labels: &[&str]) {
        self.addresses.push_str(ident);
        for label in labels {
            self.addresses.push('.');
            self.addresses.push_str(label);
        }
        self.address_ends.push(self.addresses.len());
    }

    /// The first block, in writing order, whose address an earlier block already had. The
    /// set is only asked, never iterated, so its order cannot reach the output.
    fn first_collision(&self) -> Option<String> {
        let mut seen = HashSet::with_capacity(self.address_ends.len());
        let mut start = 0;
        for &end in &self.address_ends {
            let address = &self.addresses[start..end];
            if !seen.insert(address) {
                return Some(address.to_string());
            }
            start = end;
        }
        None
    }
}

/// `n` spaces, in one copy for the usual widths (a push per space was a visible cost).
fn spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    if n <= SPACES.len() {
        out.push_str(&SPACES[..n]);
    } else {
        for _ in 0..n {
            out.push(' ');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(f: impl FnOnce(&mut Writer)) -> String {
        let mut w = Writer::with_capacity(0);
        f(&mut w);
        w.finish().unwrap_or_else(|e| format!("collision: {e}"))
    }

    #[test]
    fn aligns_a_run_and_restarts_after_a_break() {
        let out = written(|w| {
            w.block("b", &[], |w| {
                w.attr("a", Expr::Int(1));
                w.attr("longer", Expr::Str("x = y"));
                w.map("obj", [("k", Expr::Int(1)), ("kk", Expr::Int(2))]);
                w.attr("z", Expr::Int(3));
                w.block("inner", &[], |w| w.attr("q", Expr::Bool(true)));
                w.attr("after", Expr::Int(4));
                w.attr("t", Expr::Int(5));
            });
        });
        let want = "b {\n  a      = 1\n  longer = \"x = y\"\n  obj = {\n    k  = 1\n    kk = 2\n  }\n  z = 3\n\n  inner {\n    q = true\n  }\n\n  after = 4\n  t     = 5\n}\n";
        assert_eq!(out, want);
    }

    #[test]
    fn empty_maps_align_and_quoted_keys_are_leads() {
        let out = written(|w| {
            w.block("b", &["l"], |w| {
                w.map::<&str>("tags", []);
                w.attr("region", Expr::Str("x"));
                w.map(
                    "p",
                    [
                        ("method.request.path.proxy", Expr::Bool(true)),
                        ("x", Expr::Bool(false)),
                    ],
                );
            });
        });
        let want = "b \"l\" {\n  tags   = {}\n  region = \"x\"\n  p = {\n    \"method.request.path.proxy\" = true\n    x                           = false\n  }\n}\n";
        assert_eq!(out, want);
    }

    #[test]
    fn blocks_are_separated_by_blank_lines_and_empty_bodies_stay_as_hcl_rs_wrote_them() {
        let out = written(|w| {
            w.block("a", &[], |_| {});
            w.block("b", &[], |w| w.block("c", &[], |_| {}));
        });
        assert_eq!(out, "a {}\n\nb {\n  c {  }\n}\n");
    }

    #[test]
    fn the_first_repeated_address_is_reported() {
        let out = written(|w| {
            w.resource("k", "x", |_| {});
            w.resource("k", "y", |_| {});
            w.block("resource", &["k.y"], |_| {});
            w.resource("k", "x", |_| {});
        });
        assert_eq!(out, "collision: resource.k.y");
    }
}
