//! HCL expressions of the `tf` backend as a small typed value, [`Expr`], that borrows from
//! the IR and writes itself straight into the output: references to other resources
//! (`aws_vpc.core.id`), parameterised strings (`"...${var.image_tag}"`), lists and literals.
//! Construct files build values only through these constructors, so every value is spelt
//! the same way and no HCL is written by formatting strings.
//!
//! This replaced building `hcl::Expression` trees (an allocation per node, every identifier
//! sanitized through Unicode tables, then a second pass to format them): on the 1,000-service
//! benchmark those trees and their formatting were most of the backend's 360M instructions.

use super::quote;
use crate::text::{Text, TextPart};

/// One HCL expression. Every variant writes on one line, which the writer's alignment of
/// `=` relies on (a multi-line value would end a run).
#[derive(Debug, Clone)]
pub enum Expr<'a> {
    /// A quoted literal string (escaped, markers included).
    Str(&'a str),
    Bool(bool),
    Int(u64),
    Float(f64),
    /// A bare keyword, such as the type `string` of a variable.
    Keyword(&'static str),
    /// A reference: `root.a.b`.
    Path(Path<'a>),
    /// A possibly parameterised string.
    Text(&'a Text),
    /// `[a, b]`.
    List(Vec<Expr<'a>>),
    /// A quoted template: literal text and interpolated references.
    Template(&'a [Piece<'a>]),
    /// `f(arg)` (a Terraform function: a constant).
    Call(&'static str, Box<Expr<'a>>),
    /// `expr[index]`.
    Index(Box<Expr<'a>>, Box<Expr<'a>>),
    /// `expr.name`, after an index.
    Attr(Box<Expr<'a>>, &'static str),
}

/// A traversal: `aws_vpc.core.id`, `data.<kind>.<name>.json`, `var.x`. Resource kinds and
/// attribute names are this backend's own constants, valid identifiers as written; only the
/// entity name comes from the IR, and only it is checked (and sanitized if it must be).
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    root: &'static str,
    kind: Option<&'static str>,
    name: Option<&'a str>,
    attr: Option<&'static str>,
}

impl Path<'_> {
    fn write(&self, out: &mut String) {
        out.push_str(self.root);
        if let Some(kind) = self.kind {
            out.push('.');
            out.push_str(kind);
        }
        if let Some(name) = self.name {
            out.push('.');
            quote::ident(out, name);
        }
        if let Some(attr) = self.attr {
            out.push('.');
            out.push_str(attr);
        }
    }
}

/// One piece of a string template.
#[derive(Debug, Clone, Copy)]
pub enum Piece<'a> {
    Lit(&'a str),
    Ref(Path<'a>),
}

/// `<kind>.<name>.<attr>`: the attribute of a managed resource.
pub fn attr<'a>(kind: &'static str, name: &'a str, attribute: &'static str) -> Path<'a> {
    Path {
        root: kind,
        kind: None,
        name: Some(name),
        attr: Some(attribute),
    }
}

/// `data.<kind>.<name>.<attr>`.
pub fn data_attr<'a>(kind: &'static str, name: &'a str, attribute: &'static str) -> Path<'a> {
    Path {
        root: "data",
        kind: Some(kind),
        name: Some(name),
        attr: Some(attribute),
    }
}

/// `data.<kind>.<name>`, to index a counted data source.
pub fn data_ref<'a>(kind: &'static str, name: &'a str) -> Path<'a> {
    Path {
        root: "data",
        kind: Some(kind),
        name: Some(name),
        attr: None,
    }
}

/// `<kind>.<name>` without an attribute (used in `depends_on`).
pub fn resource_ref<'a>(kind: &'static str, name: &'a str) -> Path<'a> {
    Path {
        root: kind,
        kind: None,
        name: Some(name),
        attr: None,
    }
}

/// `var.<name>`.
pub fn var(name: &str) -> Path<'_> {
    Path {
        root: "var",
        kind: None,
        name: Some(name),
        attr: None,
    }
}

/// `count.index`.
pub fn count_index() -> Expr<'static> {
    Expr::Path(Path {
        root: "count",
        kind: None,
        name: None,
        attr: Some("index"),
    })
}

/// `expr[index]`.
pub fn index<'a>(expr: Expr<'a>, idx: Expr<'a>) -> Expr<'a> {
    Expr::Index(Box::new(expr), Box::new(idx))
}

impl<'a> From<Path<'a>> for Expr<'a> {
    fn from(path: Path<'a>) -> Expr<'a> {
        Expr::Path(path)
    }
}

impl Expr<'_> {
    pub fn write(&self, out: &mut String) {
        match self {
            Expr::Str(s) => quote::string(out, s),
            Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Expr::Int(n) => quote::uint(out, *n),
            Expr::Float(r) => quote::float(out, *r),
            Expr::Keyword(k) => out.push_str(k),
            Expr::Path(path) => path.write(out),
            Expr::Text(t) => text(out, t),
            Expr::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Expr::Template(pieces) => template(out, pieces.iter().copied()),
            Expr::Call(name, arg) => {
                out.push_str(name);
                out.push('(');
                arg.write(out);
                out.push(')');
            }
            Expr::Index(expr, idx) => {
                expr.write(out);
                out.push('[');
                idx.write(out);
                out.push(']');
            }
            Expr::Attr(expr, name) => {
                expr.write(out);
                out.push('.');
                out.push_str(name);
            }
        }
    }
}

/// A possibly parameterised string: a plain string when it holds no parameter, the variable
/// itself when it is exactly one parameter (not `"${var.x}"`), else a template with
/// `${var.NAME}` interpolations.
fn text(out: &mut String, t: &Text) {
    let literal = |p: &TextPart| matches!(p, TextPart::Lit(_));
    match t.parts.as_slice() {
        [] => quote::string(out, ""),
        [TextPart::Lit(s)] => quote::string(out, s),
        [TextPart::Param(name)] => var(name).write(out),
        parts if parts.iter().all(literal) => {
            // Adjacent literals are merged by `Text::push`; a hand-built text may not be.
            let joined: String = parts
                .iter()
                .filter_map(|p| match p {
                    TextPart::Lit(s) => Some(s.as_str()),
                    TextPart::Param(_) => None,
                })
                .collect();
            quote::string(out, &joined);
        }
        parts => template(
            out,
            parts.iter().map(|p| match p {
                TextPart::Lit(s) => Piece::Lit(s),
                TextPart::Param(name) => Piece::Ref(var(name)),
            }),
        ),
    }
}

/// A quoted template from literal and interpolated pieces. A literal ending in `$` right
/// before an interpolation would make it the escape `$${`: that run of `$` is written as an
/// interpolated string (`${"$"}`) instead.
fn template<'p>(out: &mut String, pieces: impl Iterator<Item = Piece<'p>>) {
    out.push('"');
    let mut pieces = pieces.peekable();
    while let Some(piece) = pieces.next() {
        match piece {
            Piece::Lit(lit) => {
                let kept = if matches!(pieces.peek(), Some(Piece::Ref(_))) {
                    lit.trim_end_matches('$')
                } else {
                    lit
                };
                quote::escape_literal(out, kept);
                if kept.len() < lit.len() {
                    out.push_str("${");
                    quote::string(out, &lit[kept.len()..]);
                    out.push('}');
                }
            }
            Piece::Ref(path) => {
                out.push_str("${");
                path.write(out);
                out.push('}');
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(e: &Expr) -> String {
        let mut out = String::new();
        e.write(&mut out);
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
        assert_eq!(hcl(&Expr::Text(&t)), r#""a${"$$"}${var.p}$${""#);
        assert_eq!(hcl(&Expr::Text(&Text::param("p"))), "var.p");
        assert_eq!(hcl(&Expr::Text(&Text::default())), r#""""#);
    }

    #[test]
    fn references_lists_and_indexes() {
        let ids = Expr::Call(
            "tolist",
            Box::new(attr("aws_vpc_endpoint", "core", "network_interface_ids").into()),
        );
        assert_eq!(
            hcl(&index(ids, count_index())),
            "tolist(aws_vpc_endpoint.core.network_interface_ids)[count.index]"
        );
        let list = Expr::List(vec![
            data_attr("aws_iam_policy_document", "x", "json").into(),
            Expr::Str("a\"b"),
            Expr::Int(3),
            Expr::Bool(false),
        ]);
        assert_eq!(
            hcl(&list),
            r#"[data.aws_iam_policy_document.x.json, "a\"b", 3, false]"#
        );
        assert_eq!(hcl(&Expr::List(vec![])), "[]");
        assert_eq!(hcl(&var("not valid").into()), "var.not_valid");
    }
}
