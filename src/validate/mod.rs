//! Validation of the resource graph: what only the resources, once lowered, can tell. AWS's
//! limits on the names aprc gives them (E0501) and the ids each target writes them under
//! (E0502: no two resources may share one, and each must be one the target accepts). `aprc
//! check` and every `aprc build` run this same pass on the same graph, so a spec that checks
//! clean builds, and a backend never meets a name or id it cannot write.
//!
//! It runs once the spec itself checks clean: which resources exist, and so which names must
//! fit, depends on a consistent spec. Diagnostics point at the declarations involved.

mod ids;
mod names;

use crate::diag::Diagnostics;
use crate::ir::Graph;

/// Reports every name and id problem of `g` into `diags`.
pub fn validate(g: &Graph, diags: &mut Diagnostics) {
    for what in &g.broken {
        diags.push(g.app_diagnostic(
            crate::diag::Code::E0901,
            format!("internal error (a bug in aprc): {what}"),
        ));
    }
    names::check(g, diags);
    ids::check(g, diags);
}

#[cfg(test)]
mod tests;
