//! Constructors of the hcl-rs expressions the `tf` construct files use: references to other
//! resources (`aws_vpc.core.id`), parameterised strings (`"...${var.image_tag}"`), templates,
//! calls and literals, so every value is an `hcl::Expression` spelt the same way everywhere.
//!
//! Identifiers are made cheaply where that is safe: resource kinds, attribute and function
//! names are this backend's constants, valid as written, so they are taken with
//! `Identifier::unchecked`; a name from the IR is checked by one ASCII scan and sanitized
//! through hcl-rs (Unicode tables) only if that scan cannot vouch for it. Sanitizing every
//! identifier cost ~88M instructions on the 1,000-service benchmark.

use super::format;
use super::quote;
use crate::text::{Text, TextPart};
use hcl::expr::{FuncCall, FuncName, TemplateExpr, Traversal, TraversalOperator, Variable};
use hcl::{Expression, Identifier, Number};

/// A name from the IR as an identifier, sanitized as hcl-rs does when it is not one already:
/// names come from the IR's `snake` form and are valid, and a panic is never an option on
/// user-derived names.
pub fn ident(name: &str) -> Identifier {
    if quote::ascii_ident(name) == Some(true) {
        Identifier::unchecked(name)
    } else {
        Identifier::sanitized(name)
    }
}

/// `.name` for a constant attribute name.
fn step(name: &'static str) -> TraversalOperator {
    TraversalOperator::GetAttr(Identifier::unchecked(name))
}

fn root(name: &'static str) -> Expression {
    Expression::Variable(Variable::unchecked(name))
}

/// `<kind>.<name>.<attr>`: the attribute of a managed resource.
pub fn attr(kind: &'static str, name: &str, attribute: &'static str) -> Traversal {
    Traversal {
        expr: root(kind),
        operators: vec![TraversalOperator::GetAttr(ident(name)), step(attribute)],
    }
}

/// `data.<kind>.<name>.<attr>`.
pub fn data_attr(kind: &'static str, name: &str, attribute: &'static str) -> Traversal {
    Traversal {
        expr: root("data"),
        operators: vec![
            step(kind),
            TraversalOperator::GetAttr(ident(name)),
            step(attribute),
        ],
    }
}

/// `data.<kind>.<name>`, to index a counted data source.
pub fn data_ref(kind: &'static str, name: &str) -> Traversal {
    Traversal {
        expr: root("data"),
        operators: vec![step(kind), TraversalOperator::GetAttr(ident(name))],
    }
}

/// `<kind>.<name>` without an attribute (used in `depends_on`).
pub fn resource_ref(kind: &'static str, name: &str) -> Traversal {
    Traversal {
        expr: root(kind),
        operators: vec![TraversalOperator::GetAttr(ident(name))],
    }
}

/// `var.<name>`.
pub fn var(name: &str) -> Traversal {
    Traversal {
        expr: root("var"),
        operators: vec![TraversalOperator::GetAttr(ident(name))],
    }
}

/// `count.index`.
pub fn count_index() -> Expression {
    Traversal {
        expr: root("count"),
        operators: vec![step("index")],
    }
    .into()
}

/// `expr[index]`.
pub fn index(expr: Expression, idx: Expression) -> Expression {
    Traversal {
        expr,
        operators: vec![TraversalOperator::Index(idx)],
    }
    .into()
}

/// `expr.name`.
pub fn get_attr(expr: Expression, name: &'static str) -> Expression {
    Traversal {
        expr,
        operators: vec![step(name)],
    }
    .into()
}

/// `name(arg)`, a Terraform function (a constant name).
pub fn call(name: &'static str, arg: Expression) -> Expression {
    FuncCall {
        name: FuncName::new(Identifier::unchecked(name)),
        args: vec![arg],
        expand_final: false,
    }
    .into()
}

/// A bare keyword, such as the type `string` of a variable.
pub fn keyword(word: &'static str) -> Expression {
    root(word)
}

pub fn int(n: u64) -> Expression {
    Expression::Number(Number::from(n))
}

/// A number as written in the spec: a whole one as an integer (`100`, not `100.0`).
pub fn decimal(r: f64) -> Expression {
    if r.fract() == 0.0 && (0.0..9.0e15).contains(&r) {
        int(r as u64)
    } else {
        Expression::from(r)
    }
}

/// A quoted literal string. Without `${`/`%{` it is a plain `Expression::String` (quotes and
/// control characters are escaped when it is written); with one it is a template whose
/// markers are escaped here ([`quote::escape_literal`]), because hcl-rs's marker escaping
/// pairs characters and leaves `%%{` / `$${` in user text unescaped.
pub fn string(s: &str) -> Expression {
    if quote::has_marker(s) {
        let mut content = String::with_capacity(s.len() + 4);
        quote::escape_literal(&mut content, s);
        quoted(content)
    } else {
        Expression::String(s.to_owned())
    }
}

/// A quoted template whose content is already escaped; it is written verbatim.
fn quoted(content: String) -> Expression {
    Expression::TemplateExpr(Box::new(TemplateExpr::QuotedString(content)))
}

/// A possibly parameterised string: a plain string when it holds no parameter, the variable
/// itself when it is exactly one parameter (not `"${var.x}"`), else a template with
/// `${var.NAME}` interpolations.
pub fn text(t: &Text) -> Expression {
    let literal = |p: &TextPart| matches!(p, TextPart::Lit(_));
    match t.parts.as_slice() {
        [] => string(""),
        [TextPart::Lit(s)] => string(s),
        [TextPart::Param(name)] => var(name).into(),
        parts if parts.iter().all(literal) => {
            // Adjacent literals are merged by `Text::push`; a hand-built text may not be.
            let joined: String = parts
                .iter()
                .filter_map(|p| match p {
                    TextPart::Lit(s) => Some(s.as_str()),
                    TextPart::Param(_) => None,
                })
                .collect();
            string(&joined)
        }
        _ => template(pieces(t)),
    }
}

/// The text as template pieces: literals, and each parameter as `var.NAME`.
pub fn pieces(t: &Text) -> impl Iterator<Item = Piece<'_>> {
    t.parts.iter().map(|p| match p {
        TextPart::Lit(s) => Piece::Lit(s),
        TextPart::Param(name) => Piece::Ref(var(name).into()),
    })
}

/// One piece of a string template.
pub enum Piece<'a> {
    Lit(&'a str),
    Ref(Expression),
}

/// A quoted template from literal and interpolated pieces, each interpolation written by the
/// backend's formatter. A literal ending in `$` right before an interpolation would make it
/// the escape `$${`: that run of `$` is written as an interpolated string (`${"$"}`) instead.
pub fn template<'a>(pieces: impl IntoIterator<Item = Piece<'a>>) -> Expression {
    // Room for a typical URL or image name, so the pieces rarely grow it.
    let mut content = String::with_capacity(96);
    let mut pieces = pieces.into_iter().peekable();
    while let Some(piece) = pieces.next() {
        match piece {
            Piece::Lit(lit) => {
                let kept = if matches!(pieces.peek(), Some(Piece::Ref(_))) {
                    lit.trim_end_matches('$')
                } else {
                    lit
                };
                quote::escape_literal(&mut content, kept);
                if kept.len() < lit.len() {
                    interpolate(&mut content, &string(&lit[kept.len()..]));
                }
            }
            Piece::Ref(expr) => interpolate(&mut content, &expr),
        }
    }
    quoted(content)
}

fn interpolate(content: &mut String, expr: &Expression) {
    content.push_str("${");
    format::inline(content, expr);
    content.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(e: &Expression) -> String {
        let mut out = String::new();
        format::inline(&mut out, e);
        out
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
        assert_eq!(hcl(&text(&Text::default())), r#""""#);
    }

    #[test]
    fn references_lists_and_indexes() {
        let ids = call(
            "tolist",
            attr("aws_vpc_endpoint", "core", "network_interface_ids").into(),
        );
        assert_eq!(
            hcl(&index(ids, count_index())),
            "tolist(aws_vpc_endpoint.core.network_interface_ids)[count.index]"
        );
        let list = Expression::Array(vec![
            data_attr("aws_iam_policy_document", "x", "json").into(),
            string("a\"b"),
            int(3),
            Expression::Bool(false),
        ]);
        assert_eq!(
            hcl(&list),
            r#"[data.aws_iam_policy_document.x.json, "a\"b", 3, false]"#
        );
        assert_eq!(hcl(&Expression::Array(vec![])), "[]");
        assert_eq!(hcl(&var("not valid").into()), "var.not_valid");
        assert_eq!(hcl(&var("é").into()), "var.é");
    }

    #[test]
    fn marker_strings_are_templates_escaped_whatever_precedes_the_marker() {
        assert_eq!(
            hcl(&string("%%{y} $${z} ${a} %{b}")),
            r#""%%%{y} $$${z} $${a} %%{b}""#
        );
        assert!(matches!(string("plain $ %"), Expression::String(_)));
    }
}
