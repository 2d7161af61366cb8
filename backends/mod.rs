//! Backends: each one function from `&Ir` to text. A backend sees only the IR.

pub mod cfn;
pub mod plan;
pub mod tf;

use crate::diag::Code;

/// A spec that compiles but cannot be emitted for this target (a CloudFormation quota).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BackendError {
    pub code: Code,
    pub message: String,
}

/// The output targets of `aprc build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// One CloudFormation JSON template.
    Cfn,
    /// One Terraform `main.tf`.
    Tf,
    /// A JSON plan of AWS API calls.
    Plan,
}

pub fn emit(target: Target, ir: &crate::ir::Ir) -> Result<String, BackendError> {
    emit_with(target, ir, Scratch::Free)
}

/// What a backend does with the working memory it is done with once its text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scratch {
    /// Free it, as any library call should.
    Free,
    /// Leave it allocated: for a process that exits right after emitting (the command
    /// line), where freeing a 1,000-service plan's 7,000 steps node by node cost 6% of the
    /// build and bought nothing.
    Keep,
}

pub fn emit_with(
    target: Target,
    ir: &crate::ir::Ir,
    scratch: Scratch,
) -> Result<String, BackendError> {
    match target {
        Target::Cfn => cfn::emit(ir),
        Target::Tf => tf::emit(ir),
        Target::Plan => plan::emit_with(ir, scratch),
    }
}
