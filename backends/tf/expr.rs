//! HCL expression helpers shared by the `tf` emitters: references to other resources
//! (`aws_vpc.core.id`), parameterised strings (`"...${var.image_tag}"`) and small
//! constructors, so every construct file builds values the same way and no HCL is ever
//! written by concatenating strings.

use crate::text::{Text, TextPart};
use hcl::expr::{Expression, FuncCall, Object, ObjectKey, TemplateExpr, Traversal, Variable};
use hcl::template::{Element, Interpolation, Template};
use hcl::{Attribute, Block, BlockBuilder, Identifier};
use std::collections::BTreeMap;

/// `root.a.b...`: a reference to a resource attribute, a data source or a variable.
/// Identifiers are sanitized rather than checked: names come from the IR's `snake` form,
/// which is already valid, and a panic is never an option on user-derived names.
pub fn traversal(root: &str, attrs: &[&str]) -> Traversal {
    let mut builder = Traversal::builder(Variable::sanitized(root));
    for attr in attrs {
        builder = builder.attr(Identifier::sanitized(*attr));
    }
    builder.build()
}

/// `<kind>.<name>.<attr>`: the attribute of a managed resource.
pub fn attr(kind: &str, name: &str, attribute: &str) -> Expression {
    traversal(kind, &[name, attribute]).into()
}

/// `data.<kind>.<name>.<attr>`.
pub fn data_attr(kind: &str, name: &str, attribute: &str) -> Expression {
    traversal("data", &[kind, name, attribute]).into()
}

/// `<kind>.<name>` without an attribute (used in `depends_on`).
pub fn resource_ref(kind: &str, name: &str) -> Expression {
    traversal(kind, &[name]).into()
}

/// `var.<name>`.
pub fn var(name: &str) -> Expression {
    traversal("var", &[name]).into()
}

/// A quoted string whose literal `${` / `%{` hcl-rs escapes as `$${` / `%%{`.
pub fn string(s: impl Into<String>) -> Expression {
    Expression::String(s.into())
}

/// A possibly parameterised string: a plain string when it holds no parameter, else a
/// template with `${var.NAME}` interpolations.
pub fn text(t: &Text) -> Expression {
    match (t.as_literal(), t.parts.as_slice()) {
        (Some(lit), _) => string(lit),
        // A string that is exactly one param is the variable itself, not `"${var.x}"`.
        (None, [TextPart::Param(name)]) => var(name),
        (None, _) => {
            let mut template = Vec::new();
            for part in &t.parts {
                match part {
                    TextPart::Lit(s) => template.push(Piece::Lit(s.clone())),
                    TextPart::Param(name) => template.push(Piece::Expr(var(name))),
                }
            }
            interpolate(template)
        }
    }
}

/// One piece of a string template.
pub enum Piece {
    Lit(String),
    Expr(Expression),
}

/// A quoted template string from literal and interpolated pieces. Literals are escaped for
/// the inside of a quoted string (quotes, backslashes, control characters; hcl-rs escapes the
/// `${`/`%{` markers itself). A literal ending in `$` or `%` right before an interpolation
/// would read as the escape `$${`: that one character is written as `${"$"}` instead.
pub fn interpolate(pieces: Vec<Piece>) -> Expression {
    let mut elements: Vec<Element> = Vec::new();
    let mut iter = pieces.into_iter().peekable();
    while let Some(piece) = iter.next() {
        match piece {
            Piece::Lit(s) => {
                let next_is_expr = matches!(iter.peek(), Some(Piece::Expr(_)));
                let mut lit = s;
                let mut marker = None;
                if next_is_expr && (lit.ends_with('$') || lit.ends_with('%')) {
                    marker = lit.pop();
                }
                if !lit.is_empty() {
                    elements.push(Element::Literal(escape_quoted(&lit)));
                }
                if let Some(m) = marker {
                    elements.push(Element::Interpolation(Interpolation::new(string(
                        m.to_string(),
                    ))));
                }
            }
            Piece::Expr(e) => elements.push(Element::Interpolation(Interpolation::new(e))),
        }
    }
    let template: Template = elements.into_iter().collect();
    Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(template.to_string())))
}

/// Escapes what may not appear raw inside a quoted HCL string.
fn escape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `f(args...)`.
pub fn call(name: &str, args: Vec<Expression>) -> Expression {
    let mut builder = FuncCall::builder(Identifier::sanitized(name));
    for arg in args {
        builder = builder.arg(arg);
    }
    builder.build().into()
}

/// `expr[index]`.
pub fn index(expr: Expression, idx: Expression) -> Expression {
    Traversal::builder(expr).index(idx).build().into()
}

/// `count.index`.
pub fn count_index() -> Expression {
    traversal("count", &["index"]).into()
}

/// A list expression.
pub fn list(items: Vec<Expression>) -> Expression {
    Expression::Array(items)
}

/// An object from string keys (written as identifiers where HCL allows, quoted otherwise).
pub fn object<I>(entries: I) -> Expression
where
    I: IntoIterator<Item = (String, Expression)>,
{
    let mut obj: Object<ObjectKey, Expression> = Object::new();
    for (k, v) in entries {
        obj.insert(ObjectKey::Expression(string(k)), v);
    }
    Expression::Object(obj)
}

/// A map of parameterised strings (`env`, `secrets`, `tags`), in key order.
pub fn text_map(map: &BTreeMap<String, Text>) -> Expression {
    object(map.iter().map(|(k, v)| (k.clone(), text(v))))
}

/// A `resource "<kind>" "<name>"` block builder.
pub fn resource(kind: &str, name: &str) -> BlockBuilder {
    Block::builder("resource").add_label(kind).add_label(name)
}

/// A `data "<kind>" "<name>"` block builder.
pub fn data(kind: &str, name: &str) -> BlockBuilder {
    Block::builder("data").add_label(kind).add_label(name)
}

/// A nested block with only attributes.
pub fn block(ident: &str, attrs: Vec<(&str, Expression)>) -> Block {
    let mut builder = Block::builder(ident);
    for (k, v) in attrs {
        builder = builder.add_attribute(Attribute::new(k, v));
    }
    builder.build()
}
