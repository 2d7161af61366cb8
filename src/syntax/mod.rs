//! Parsing: pest pairs to the AST. The grammar is `grammar/apr.pest`; [`errors`] turns pest's
//! failures into diagnostics a user can act on.

pub mod ast;
mod errors;
mod parser;

use crate::diag::Diagnostics;
use crate::span::FileId;

/// `s` as a string literal that reads back as `s`. For fixes that write a string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

/// `t` as a string literal that reads back as `t`: its literal parts escaped, its params
/// `${name}`.
pub fn quote_text(t: &crate::text::Text) -> String {
    let mut out = String::from('"');
    for part in &t.parts {
        match part {
            crate::text::TextPart::Lit(s) => escape_into(&mut out, s),
            crate::text::TextPart::Param(p) => {
                out.push_str("${");
                out.push_str(p);
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

/// Literal text inside a string literal: quotes, backslashes, `$` and control characters
/// escaped.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

/// Parses one file. On a syntax error, reports it and returns `None`.
pub fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<ast::Module> {
    parser::parse(file, text, diags)
}

#[cfg(test)]
mod tests {
    use super::ast::StmtKind;
    use crate::diag::Diagnostics;
    use crate::span::FileId;

    #[test]
    fn a_route_span_ends_at_its_last_token() {
        let text = "api a {\n  route GET /x -> s   # trailing\n  route GET /y -> s /z\n}\n";
        let module = super::parse(FileId(0), text, &mut Diagnostics::new()).expect("parses");
        let super::ast::ItemKind::Block(block) = &module.items[0].kind else {
            panic!("a block")
        };
        let spans: Vec<&str> = block.body.iter().map(|s| &text[s.span.range()]).collect();
        assert_eq!(spans, ["route GET /x -> s", "route GET /y -> s /z"]);
        assert!(block
            .body
            .iter()
            .all(|s| matches!(s.kind, StmtKind::Route(_))));
    }

    /// A `${` the string ends before closing is E0004 on the `${`, and the string's other
    /// mistakes are still reported (it used to be a syntax error at the `$`).
    #[test]
    fn an_unclosed_interpolation_is_reported_with_the_rest_of_its_string() {
        let text = "app a {\n  tags = { x = \"\\q ${ b\" }\n}\n";
        let mut diags = Diagnostics::new();
        super::parse(FileId(0), text, &mut diags);
        let found: Vec<(&str, &str)> = diags
            .iter()
            .map(|d| (d.code.as_str(), &text[d.primary.span.range()]))
            .collect();
        assert_eq!(found, [("E0004", "\\q"), ("E0004", "${ b")]);
    }

    /// A byte order mark opens a file as nothing; anywhere else it is a stray character.
    #[test]
    fn a_byte_order_mark_may_open_a_file() {
        let mut diags = Diagnostics::new();
        let text = "\u{feff}app a {\n  region = \"eu-west-1\"\n}\n";
        assert!(super::parse(FileId(0), text, &mut diags).is_some());
        assert!(diags.is_empty());
        let twice = "\u{feff}\u{feff}app a {\n}\n";
        assert!(super::parse(FileId(0), twice, &mut diags).is_none());
    }
}
