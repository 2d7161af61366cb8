//! `aprc fmt`: the canonical layout (not implemented yet).

use crate::syntax::ast::Module;

pub fn format(source: &str, _module: &Module) -> String {
    source.to_string()
}
