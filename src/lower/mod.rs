//! Lowering: the checked spec to the IR.

use crate::ir::Ir;
use crate::model::Spec;
use std::collections::BTreeMap;

/// `baked` holds `--param` values, already known to name declared params.
pub fn lower(_spec: &Spec, _baked: &BTreeMap<String, String>) -> Ir {
    unimplemented!("lowering")
}
