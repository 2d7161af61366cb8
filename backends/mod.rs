//! Backends: each a spelling of the resource graph ([`crate::ir`]) in one target's
//! language, one function from `&Graph` to text. A backend sees only the graph.

pub mod cfn;
pub mod plan;
pub mod tf;

use crate::diag::Code;
use crate::ir::Graph;

/// A spec that compiles but cannot be emitted for this target (a CloudFormation quota).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BackendError {
    pub code: Code,
    pub message: String,
}

impl BackendError {
    /// What the backend found inconsistent in the graph: a bug in aprc, never the user's.
    pub fn internal(e: crate::ir::Internal) -> BackendError {
        BackendError {
            code: Code::E0901,
            message: e.to_string(),
        }
    }
}

/// The AWS partition of a region, for ARNs built from parts.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The DNS suffix of public endpoints in a region's partition.
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
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

/// What a build asks of its target besides the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// A Terraform root (the default) or a module (`--tf-module`); the other targets have
    /// no such choice.
    pub tf_layout: tf::Layout,
}

pub fn emit(target: Target, graph: &Graph, options: Options) -> Result<String, BackendError> {
    match target {
        Target::Cfn => cfn::emit(graph),
        Target::Tf => tf::emit(graph, options.tf_layout),
        Target::Plan => plan::emit(graph),
    }
}
