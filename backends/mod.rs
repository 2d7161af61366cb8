//! Backends: each one function from `&Ir` to text. A backend sees only the IR.

pub mod cfn;
pub mod plan;
pub mod tf;

use crate::diag::Code;
use crate::scratch::Scratch;

/// A spec that compiles but cannot be emitted for this target (a CloudFormation quota).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BackendError {
    pub code: Code,
    pub message: String,
}

impl BackendError {
    /// What the backend found inconsistent in the graph: a bug in aprc, never the user's.
    pub fn internal(e: crate::rg::Internal) -> BackendError {
        BackendError {
            code: Code::E0901,
            message: e.to_string(),
        }
    }
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

pub fn emit(target: Target, ir: &crate::driver::Lowered) -> Result<String, BackendError> {
    emit_with(target, ir, Scratch::Free)
}

/// [`emit`], telling the backend what to do with its working memory once its text is
/// written.
pub fn emit_with(
    target: Target,
    lowered: &crate::driver::Lowered,
    scratch: Scratch,
) -> Result<String, BackendError> {
    match target {
        Target::Cfn => cfn::emit(&lowered.graph),
        Target::Tf => tf::emit(&lowered.graph),
        Target::Plan => plan::emit_with(&lowered.graph, scratch),
    }
}
