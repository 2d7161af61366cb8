//! The formatter of the `tf` backend: walks hcl-rs values (`Block`, `Body`, `Attribute`,
//! `Expression`) and writes them into one `String`, laid out byte for byte as `terraform fmt`
//! leaves them.
//!
//! Why not hcl-rs's own formatter: it cannot align `=` as `terraform fmt` does, so its text
//! needed a second pass that re-scanned every line (~80M instructions on the 1,000-service
//! benchmark, on top of its ~65M). This formatter writes what hcl-rs's formatter writes
//! (built with `compact_arrays` and `prefer_ident_keys`) and aligns in the same pass; a unit
//! test checks it against hcl-rs plus that old alignment pass (`layout.rs`, kept for the test).
//!
//! Layout, in one place: two spaces per level; a blank line between a block and whatever
//! precedes or follows it in the same body; an empty body written `{}` (nested: `{  }`, as
//! hcl-rs writes it); arrays on one line; an object on several lines (one line inside
//! function arguments, as hcl-rs's compact mode, and when empty). One exception: the argument
//! of `jsonencode` (a whole document) is laid out as an attribute's value, objects on several
//! lines, with `}, {` between two objects of a list indented as terraform fmt does.
//!
//! Alignment follows hclwrite's rule (the formatter behind `terraform fmt`): in a run of
//! consecutive single-line attributes (or object entries), every `=` sits one space after the
//! longest key. A block, a multi-line value or the end of the body ends the run. Holding the
//! tree, the formatter measures a run before writing it, so each line is written once,
//! already padded.
//!
//! Rare values are handed to hcl-rs itself so they cannot drift from what it writes: numbers
//! that are not unsigned integers, strings holding a template marker (via [`quote::plain`]),
//! and the expression kinds this backend never builds (conditionals, operations, `for`
//! expressions, heredocs).

use super::quote;
use crate::backends::Text;
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
    /// Text already written, in parts that other formatters wrote ([`Formatter::append`]).
    done: Vec<String>,
    /// The part being written.
    out: String,
    depth: usize,
    last: Last,
    /// Inside function arguments objects are written on one line (hcl-rs's compact mode).
    compact: usize,
    /// Reused buffer for measuring object keys as written.
    scratch: String,
}

/// A whole body as `main.tf` would hold it.
#[cfg(test)]
pub fn to_string(body: &Body) -> String {
    let mut f = Formatter::with_capacity(0);
    f.body(body);
    f.finish().into_string()
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
            done: Vec::new(),
            out: String::with_capacity(bytes),
            depth: 0,
            last: Last::Nothing,
            compact: 0,
            scratch: String::new(),
        }
    }

    /// The text, in the parts it was written in.
    pub fn finish(mut self) -> Text {
        self.done.push(self.out);
        Text::from_parts(self.done)
    }

    /// Top-level blocks another formatter wrote, after this one's, separated as [`block`]
    /// separates them: the text is what one formatter writing all the blocks would write.
    /// Its text is kept as a part of its own, not copied, and writing goes on after it.
    ///
    /// [`block`]: Formatter::block
    pub fn append(&mut self, mut other: Formatter) {
        if other.out.is_empty() && other.done.is_empty() {
            return;
        }
        if self.last != Last::Nothing {
            self.out.push('\n');
        }
        // Parts in order: this one's, then `other`'s finished ones; `other`'s current part
        // is now this one's.
        let written = std::mem::replace(&mut self.out, other.out);
        self.done.push(written);
        self.done.append(&mut other.done);
        self.last = other.last;
    }

    /// A block `ident "label"... { body }`.
    pub fn block(&mut self, block: &Block) {
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
        self.depth -= 1;
        self.indent();
        self.out.push_str("}\n");
        self.last = Last::Block;
    }

    pub fn body(&mut self, body: &Body) {
        let items = body.0.as_slice();
        let mut i = 0;
        while let Some(item) = items.get(i) {
            let attribute = |s: &Structure| match s {
                Structure::Attribute(a) if one_line(&a.expr, false) => Some(a.key.len()),
                _ => None,
            };
            match item {
                Structure::Block(b) => {
                    self.block(b);
                    i += 1;
                }
                Structure::Attribute(a) if attribute(item).is_none() => {
                    self.attribute(a, 0);
                    i += 1;
                }
                Structure::Attribute(_) => {
                    // A run of single-line attributes: every `=` after the longest key.
                    let widths = items[i..].iter().map_while(attribute);
                    let (run, width) = widths.fold((0, 0), |(n, w), k| (n + 1, w.max(k)));
                    for s in &items[i..i + run] {
                        if let Structure::Attribute(a) = s {
                            self.attribute(a, width);
                        }
                    }
                    i += run;
                }
            }
        }
    }

    /// `key = value`, the key padded to `width` bytes.
    fn attribute(&mut self, attribute: &Attribute, width: usize) {
        match self.last {
            Last::BodyStart | Last::Block => self.out.push('\n'),
            Last::Nothing | Last::Attribute => {}
        }
        self.last = Last::Attribute;
        self.indent();
        let key = attribute.key.as_str();
        self.out.push_str(key);
        spaces(&mut self.out, width.saturating_sub(key.len()));
        self.out.push_str(" = ");
        self.expr(&attribute.expr);
        self.out.push('\n');
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
                    match item {
                        // `}, {`: terraform fmt indents a line that closes one bracket and
                        // opens another as the lines inside them.
                        Expression::Object(object) if i + 1 < items.len() => {
                            self.object_closing(object, 1)
                        }
                        _ => self.expr(item),
                    }
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
                let compact = usize::from(!lays_out_document(call));
                self.compact += compact;
                for (i, arg) in call.args.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(arg);
                }
                self.compact -= compact;
                self.out
                    .push_str(if call.expand_final { "...)" } else { ")" });
            }
            Expression::Parenthesis(inner) => {
                self.out.push('(');
                self.expr(inner);
                self.out.push(')');
            }
            _ => self.delegate(expr),
        }
    }

    /// `{}`, `{ k = v, ... }` in compact mode, else one entry per line, runs of single-line
    /// entries aligned as attributes are.
    fn object(&mut self, object: &hcl::Object<ObjectKey, Expression>) {
        self.object_closing(object, 0);
    }

    /// [`Formatter::object`], its closing `}` (when on a line of its own) `deeper` levels in.
    fn object_closing(&mut self, object: &hcl::Object<ObjectKey, Expression>, deeper: usize) {
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
        self.out.push('{');
        self.depth += 1;
        let entries = object.as_slice();
        let mut i = 0;
        while i < entries.len() {
            let run = entries[i..]
                .iter()
                .take_while(|(_, v)| one_line(v, false))
                .count();
            let (run, width) = match run {
                0 => (1, 0),
                _ => {
                    let width = entries[i..i + run]
                        .iter()
                        .map(|(k, _)| self.key_width(k))
                        .max()
                        .unwrap_or(0);
                    (run, width)
                }
            };
            for (key, value) in &entries[i..i + run] {
                self.out.push('\n');
                self.indent();
                let start = self.out.len();
                self.object_key(key);
                let written = self.out.len() - start;
                spaces(&mut self.out, width.saturating_sub(written));
                self.out.push_str(" = ");
                self.expr(value);
            }
            i += run;
        }
        self.depth -= 1;
        self.out.push('\n');
        spaces(&mut self.out, 2 * (self.depth + deeper));
        self.out.push('}');
    }

    /// How many bytes `key` takes as written.
    fn key_width(&mut self, key: &ObjectKey) -> usize {
        let out = std::mem::replace(&mut self.out, std::mem::take(&mut self.scratch));
        self.out.clear();
        self.object_key(key);
        let width = self.out.len();
        self.scratch = std::mem::replace(&mut self.out, out);
        width
    }

    fn object_key(&mut self, key: &ObjectKey) {
        match key {
            ObjectKey::Identifier(ident) => self.out.push_str(ident.as_str()),
            ObjectKey::Expression(Expression::String(s)) => quote::key(&mut self.out, s),
            ObjectKey::Expression(expr) => self.expr(expr),
            // `ObjectKey` is non-exhaustive; a future kind is written by hcl-rs.
            _ => {
                let mut f = hcl::format::Formatter::builder()
                    .prefer_ident_keys(true)
                    .build_vec();
                self.out
                    .push_str(&key.format_string(&mut f).unwrap_or_default());
            }
        }
    }

    fn delegate(&mut self, expr: &Expression) {
        self.out.push_str(&delegated(expr));
    }

    fn indent(&mut self) {
        spaces(&mut self.out, 2 * self.depth);
    }
}

/// Whether `expr` is written on one line (`compact`: inside function arguments), so its line
/// can be aligned with its neighbours. Only objects and heredocs span lines; the kinds handed
/// to hcl-rs are measured by writing them.
fn one_line(expr: &Expression, compact: bool) -> bool {
    match expr {
        Expression::Null
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_)
        | Expression::Variable(_) => true,
        Expression::Array(items) => items.iter().all(|e| one_line(e, compact)),
        Expression::Object(object) => {
            object.is_empty() || (compact && object.iter().all(|(_, v)| one_line(v, compact)))
        }
        Expression::TemplateExpr(t) => match &**t {
            TemplateExpr::QuotedString(content) => !content.contains('\n'),
            TemplateExpr::Heredoc(_) => false,
        },
        Expression::Traversal(t) => {
            one_line(&t.expr, compact)
                && t.operators.iter().all(|op| match op {
                    TraversalOperator::Index(idx) => one_line(idx, compact),
                    _ => true,
                })
        }
        Expression::FuncCall(call) => {
            let compact = compact || !lays_out_document(call);
            call.args.iter().all(|arg| one_line(arg, compact))
        }
        Expression::Parenthesis(inner) => one_line(inner, compact),
        _ => !delegated(expr).contains('\n'),
    }
}

/// Whether a call's argument is laid out as an attribute's value would be (objects on several
/// lines), rather than on one line as hcl-rs writes arguments: `jsonencode`, whose argument
/// is a whole document (an ECS task's container definitions), unreadable on one line.
fn lays_out_document(call: &hcl::expr::FuncCall) -> bool {
    call.name.namespace.is_empty() && call.name.name.as_str() == "jsonencode"
}

/// An expression written by hcl-rs's own formatter, configured as this backend's was.
fn delegated(expr: &Expression) -> String {
    let mut f = hcl::format::Formatter::builder()
        .compact_arrays(true)
        .prefer_ident_keys(true)
        .build_vec();
    // Formatting into memory cannot fail; should it, `terraform validate` reports the gap.
    expr.format_string(&mut f).unwrap_or_default()
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
