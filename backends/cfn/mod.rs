//! The `cfn` backend (not implemented yet).

use super::BackendError;
use crate::diag::Code;
use crate::ir::Ir;

pub fn emit(_ir: &Ir) -> Result<String, BackendError> {
    Err(BackendError {
        code: Code::E0601,
        message: "the `cfn` target is not implemented yet".into(),
    })
}
