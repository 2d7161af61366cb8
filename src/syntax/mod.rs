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
