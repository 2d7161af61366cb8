//! HCL expression helpers shared by the `tf` emitters: references to other resources
//! (`aws_vpc.core.id`), parameterised strings (`"...${var.image_tag}"`) and small
//! constructors, so every construct file builds values the same way and no HCL is ever
//! written by concatenating strings.

use crate::text::{Text, TextPart};
use hcl::expr::{Expression, FuncCall, Object, ObjectKey, TemplateExpr, Traversal, Variable};
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

/// A quoted literal string. Without `${`/`%{` it is a plain `Expression::String` (hcl-rs
/// escapes quotes and control characters, and writes keys bare where it can); with one, it is
/// escaped here (see [`escape_literal`]), because hcl-rs's marker escaping pairs characters
/// and leaves `%%{` / `$${` in user text unescaped.
pub fn string(s: impl Into<String>) -> Expression {
    let s = s.into();
    if s.contains("${") || s.contains("%{") {
        quoted(escape_literal(&s))
    } else {
        Expression::String(s)
    }
}

/// A quoted template whose content is already escaped; hcl-rs writes it verbatim.
fn quoted(content: String) -> Expression {
    Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(content)))
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

/// A quoted template string from literal and interpolated pieces. A literal ending in `$`
/// right before an interpolation would make it the escape `$${`: that run of `$` is written as
/// an interpolated string (`${"$"}`) instead.
pub fn interpolate(pieces: Vec<Piece>) -> Expression {
    let mut content = String::new();
    let mut iter = pieces.into_iter().peekable();
    while let Some(piece) = iter.next() {
        match piece {
            Piece::Lit(lit) => {
                let next_is_expr = matches!(iter.peek(), Some(Piece::Expr(_)));
                let kept = if next_is_expr {
                    lit.trim_end_matches('$')
                } else {
                    lit.as_str()
                };
                content.push_str(&escape_literal(kept));
                if kept.len() < lit.len() {
                    push_interpolation(&mut content, &string(&lit[kept.len()..]));
                }
            }
            Piece::Expr(e) => push_interpolation(&mut content, &e),
        }
    }
    quoted(content)
}

/// `${expr}`, the expression written by hcl-rs. Formatting into memory cannot fail; should
/// it, the empty interpolation makes `terraform validate` fail loudly rather than panic here.
fn push_interpolation(content: &mut String, expr: &Expression) {
    content.push_str("${");
    content.push_str(&hcl::format::to_string(expr).unwrap_or_default());
    content.push('}');
}

/// Escapes a literal for the inside of a quoted HCL template: quotes, backslashes, control
/// characters, and every `${` / `%{` written `$${` / `%%{`. HCL reads `$${` as a literal `${`
/// whatever precedes it (`$$${` is `$` then the escape), so doubling the marker's first
/// character is right in every position.
fn escape_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(e: &Expression) -> String {
        hcl::format::to_string(e).unwrap_or_default()
    }

    #[test]
    fn markers_are_escaped_whatever_precedes_them() {
        assert_eq!(
            hcl(&string("%%{y} $${z} ${a} %{b}")),
            r#""%%%{y} $$${z} $${a} %%{b}""#
        );
        assert_eq!(
            hcl(&string("plain \"q\" \\ $$ %%")),
            r#""plain \"q\" \\ $$ %%""#
        );
    }

    #[test]
    fn dollars_before_a_param_stay_literal() {
        let t = Text {
            parts: vec![
                TextPart::Lit("a$$".into()),
                TextPart::Param("p".into()),
                TextPart::Lit("${".into()),
            ],
        };
        assert_eq!(hcl(&text(&t)), r#""a${"$$"}${var.p}$${""#);
        assert_eq!(hcl(&text(&Text::param("p"))), "var.p");
    }
}
