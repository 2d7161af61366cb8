//! `aprc graph`: the IR's resources and their edges (not implemented yet).

use crate::ir::Ir;

pub fn dot(_ir: &Ir) -> String {
    String::new()
}

pub fn mermaid(_ir: &Ir) -> String {
    String::new()
}
