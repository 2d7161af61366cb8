//! The formatter of the `tf` backend: walks hcl-rs values (`Block`, `Body`, `Attribute`,
//! `Expression`) and writes them into one `String`, laid out byte for byte as `terraform fmt`
//! leaves them.
//!
//! Why not hcl-rs's own formatter: it cannot align `=` as `terraform fmt` does, so its text
//! needed a second pass that re-scanned every line (~80M instructions on the 1,000-service
//! benchmark, on top of its ~65M). This formatter writes what hcl-rs's formatter writes
//! (built with `compact_arrays` and `prefer_ident_keys`) and aligns in the same pass; a unit
//! test checks it against hcl-rs plus that old alignment pass ([`super::layout`]).
//!
//! Layout, in one place: two spaces per level; a blank line between a block and whatever
//! precedes or follows it in the same body; an empty body written `{}` (nested: `{  }`, as
//! hcl-rs writes it); arrays on one line; an object on several lines (one line inside
//! function arguments, as hcl-rs's compact mode, and when empty).
//!
//! Alignment follows hclwrite's rule (the formatter behind `terraform fmt`): in a run of
//! consecutive single-line attributes (or object entries), every `=` sits one space after the
//! longest key. A block, a multi-line value or the end of the body ends the run. The
//! formatter knows which lines are such attributes, so it aligns each run when it ends
//! (rewriting only that run) instead of re-scanning the whole text afterwards.
//!
//! Rare values are handed to hcl-rs itself so they cannot drift from what it writes: numbers
//! that are not unsigned integers, strings holding a template marker (via [`quote::plain`]),
//! and the expression kinds this backend never builds (conditionals, operations, `for`
//! expressions, heredocs).

use super::quote;
use hcl::expr::{ObjectKey, TemplateExpr, TraversalOperator};
use hcl::format::Format as _;
use hcl::{Attribute, Block, BlockLabel, Body, Expression, Number, Structure};
use std::fmt::Write as _;

/// What was written last, for the blank-line rule.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Nothing,
    /// A block header `... {` (its line is not ended yet).
    BodyStart,
    Attribute,
    Block,
}

pub struct Formatter {
    out: String,
    depth: usize,
    last: Last,
    /// Inside function arguments objects are written on one line (hcl-rs's compact mode).
    compact: usize,
    /// The current run of alignable lines: (line start, key end) offsets into `out`.
    run: Vec<(usize, usize)>,
    /// Reused buffer for re-aligning a run.
    scratch: String,
}

/// A whole body as `main.tf` would hold it.
#[cfg(test)]
pub fn to_string(body: &Body) -> String {
    let mut f = Formatter::with_capacity(0);
    f.body(body);
    f.finish()
}

/// One expression on its own (a template's interpolation), as hcl-rs writes one in `${}`.
pub fn inline(out: &mut String, expr: &Expression) {
    let mut f = Formatter::with_capacity(0);
    f.out = std::mem::take(out);
    f.compact = 1;
    f.expr(expr);
    *out = f.out;
}

impl Formatter {
    pub fn with_capacity(bytes: usize) -> Formatter {
        Formatter {
            out: String::with_capacity(bytes),
            depth: 0,
            last: Last::Nothing,
            compact: 0,
            run: Vec::new(),
            scratch: String::new(),
        }
    }

    /// The text written so far, with its last run aligned.
    pub fn finish(mut self) -> String {
        self.flush_run();
        self.out
    }

    pub fn body(&mut self, body: &Body) {
        for structure in body {
            match structure {
                Structure::Attribute(a) => self.attribute(a),
                Structure::Block(b) => self.block(b),
            }
        }
    }

    /// A block `ident "label"... { body }`.
    pub fn block(&mut self, block: &Block) {
        self.flush_run();
        if self.last != Last::Nothing {
            self.out.push('\n');
        }
        self.indent();
        self.out.push_str(block.identifier.as_str());
        for label in &block.labels {
            self.out.push(' ');
            match label {
                BlockLabel::Identifier(ident) => self.out.push_str(ident.as_str()),
                BlockLabel::String(s) => quote::plain(&mut self.out, s),
            }
        }
        self.out.push_str(" {");
        self.last = Last::BodyStart;
        self.depth += 1;
        self.body(&block.body);
        self.flush_run();
        self.depth -= 1;
        self.indent();
        self.out.push_str("}\n");
        self.last = Last::Block;
    }

    /// `key = value`, aligned with its neighbours when the value is on one line.
    fn attribute(&mut self, attribute: &Attribute) {
        match self.last {
            Last::BodyStart | Last::Block => self.out.push('\n'),
            Last::Nothing | Last::Attribute => {}
        }
        self.last = Last::Attribute;
        let start = self.out.len();
        self.indent();
        self.out.push_str(attribute.key.as_str());
        self.value_line(start, &attribute.expr);
    }

    /// ` = value\n` after a key: the line joins the current alignment run, or ends it when
    /// the value spans lines.
    fn value_line(&mut self, start: usize, value: &Expression) {
        let key_end = self.out.len();
        self.out.push_str(" = ");
        self.expr(value);
        let one_line = !self.out.as_bytes()[key_end..].contains(&b'\n');
        self.out.push('\n');
        if one_line {
            self.run.push((start, key_end));
        } else {
            self.flush_run();
        }
    }

    fn expr(&mut self, expr: &Expression) {
        match expr {
            Expression::Null => self.out.push_str("null"),
            Expression::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Expression::Number(n) => number(&mut self.out, n),
            Expression::String(s) => quote::plain(&mut self.out, s),
            Expression::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(item);
                }
                self.out.push(']');
            }
            Expression::Object(object) => self.object(object),
            Expression::TemplateExpr(t) => match &**t {
                TemplateExpr::QuotedString(content) => {
                    self.out.push('"');
                    self.out.push_str(content);
                    self.out.push('"');
                }
                TemplateExpr::Heredoc(_) => self.delegate(expr),
            },
            Expression::Variable(v) => self.out.push_str(v.as_str()),
            Expression::Traversal(t) => {
                self.expr(&t.expr);
                for op in &t.operators {
                    match op {
                        TraversalOperator::GetAttr(ident) => {
                            self.out.push('.');
                            self.out.push_str(ident.as_str());
                        }
                        TraversalOperator::Index(idx) => {
                            self.out.push('[');
                            self.expr(idx);
                            self.out.push(']');
                        }
                        TraversalOperator::LegacyIndex(i) => {
                            self.out.push('.');
                            quote::uint(&mut self.out, *i);
                        }
                        TraversalOperator::AttrSplat => self.out.push_str(".*"),
                        TraversalOperator::FullSplat => self.out.push_str("[*]"),
                    }
                }
            }
            Expression::FuncCall(call) => {
                for part in &call.name.namespace {
                    self.out.push_str(part.as_str());
                    self.out.push_str("::");
                }
                self.out.push_str(call.name.name.as_str());
                self.out.push('(');
                self.compact += 1;
                for (i, arg) in call.args.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(arg);
                }
                self.compact -= 1;
                self.out.push_str(if call.expand_final { "...)" } else { ")" });
            }
            Expression::Parenthesis(inner) => {
                self.out.push('(');
                self.expr(inner);
                self.out.push(')');
            }
            _ => self.delegate(expr),
        }
    }

    /// `{}`, `{ k = v, ... }` in compact mode, else one entry per line, aligned.
    fn object(&mut self, object: &hcl::Object<ObjectKey, Expression>) {
        if object.is_empty() {
            self.out.push_str("{}");
            return;
        }
        if self.compact > 0 {
            self.out.push('{');
            for (i, (key, value)) in object.iter().enumerate() {
                self.out.push_str(if i == 0 { " " } else { ", " });
                self.object_key(key);
                self.out.push_str(" = ");
                self.expr(value);
            }
            self.out.push_str(" }");
            return;
        }
        // The line opening the object is not alignable: it ends the run before it.
        self.flush_run();
        self.out.push('{');
        self.depth += 1;
        for (key, value) in object {
            self.out.push('\n');
            let start = self.out.len();
            self.indent();
            self.object_key(key);
            let key_end = self.out.len();
            self.out.push_str(" = ");
            self.expr(value);
            if self.out.as_bytes()[key_end..].contains(&b'\n') {
                self.flush_run();
            } else {
                self.run.push((start, key_end));
            }
        }
        self.flush_run();
        self.depth -= 1;
        self.out.push('\n');
        self.indent();
        self.out.push('}');
    }

    fn object_key(&mut self, key: &ObjectKey) {
        match key {
            ObjectKey::Identifier(ident) => self.out.push_str(ident.as_str()),
            ObjectKey::Expression(Expression::String(s)) => quote::key(&mut self.out, s),
            ObjectKey::Expression(expr) => self.expr(expr),
            // `ObjectKey` is non-exhaustive; a future kind is written by hcl-rs.
            _ => self.delegate_key(key),
        }
    }

    /// An expression written by hcl-rs's own formatter, configured as this backend's was.
    fn delegate(&mut self, expr: &Expression) {
        let mut f = hcl::format::Formatter::builder()
            .compact_arrays(true)
            .prefer_ident_keys(true)
            .build_vec();
        // Formatting into memory cannot fail; should it, `terraform validate` reports the gap.
        self.out.push_str(&expr.format_string(&mut f).unwrap_or_default());
    }

    fn delegate_key(&mut self, key: &ObjectKey) {
        let mut f = hcl::format::Formatter::builder()
            .prefer_ident_keys(true)
            .build_vec();
        self.out.push_str(&key.format_string(&mut f).unwrap_or_default());
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
}

/// A number as hcl-rs writes it: unsigned integers here, the rest (negative, floats: the
/// shortest round-trip form) by hcl-rs's `Display`.
fn number(out: &mut String, n: &Number) {
    match n.as_u64() {
        Some(u) => quote::uint(out, u),
        // Writing into a `String` cannot fail.
        None => {
            let _ = write!(out, "{n}");
        }
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
