//! aprc: compiles `.apr` specs of private App Runner services behind API Gateway into
//! CloudFormation, Terraform, or a plan of AWS API calls.
//!
//! The pipeline is the architecture (see [`driver::compile`]):
//! `syntax` (parse) -> `check` (AST -> checked [`model::Spec`] + diagnostics) ->
//! `lower` (spec -> the resource graph, [`ir::Graph`]) -> `validate` (the graph's names and
//! ids, as `aprc check` reports them) -> `backends` (graph -> text, one spelling per target).

#[cfg(feature = "apply")]
pub mod apply;
pub mod check;
pub mod diag;
pub mod driver;
pub mod fmt;
pub mod graph;
pub mod hash;
pub mod ir;
pub mod lower;
pub mod model;
pub mod names;
pub mod source;
pub mod span;
pub mod syntax;
pub mod text;
pub mod threads;
pub mod validate;

#[doc(hidden)]
pub mod testing;

#[path = "../backends/mod.rs"]
pub mod backends;
