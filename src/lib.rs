//! aprc: compiles `.apr` specs of private App Runner services behind API Gateway into
//! CloudFormation, Terraform, or a plan of AWS API calls.
//!
//! The pipeline is the architecture (see [`driver::compile`]):
//! `syntax` (parse) -> `check` (AST -> checked [`model::Spec`] + diagnostics) ->
//! `lower` (spec -> [`ir::Ir`]) -> `backends` (IR -> text).

#[cfg(feature = "apply")]
pub mod apply;
pub mod check;
pub mod diag;
pub mod driver;
pub mod fmt;
pub mod graph;
pub mod ir;
pub mod lower;
pub mod lowering;
pub mod model;
pub mod names;
pub mod rg;
pub mod scratch;
pub mod source;
pub mod span;
pub mod syntax;
pub mod text;
pub mod validate;

#[doc(hidden)]
pub mod testing;

#[path = "../backends/mod.rs"]
pub mod backends;
