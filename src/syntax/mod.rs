//! Parsing: pest pairs to the AST. The grammar is `grammar/apr.pest`; [`errors`] turns pest's
//! failures into diagnostics a user can act on.

pub mod ast;
mod errors;
mod parser;

use crate::diag::Diagnostics;
use crate::span::FileId;

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
}
