//! Declarations whose names would become the same resource ids (E0502): two of one kind
//! whose names differ only in case, `-` or `_` (`orders-api`, `orders_api`, `Orders-API`).
//! Every other name and id is checked on the resource graph (`crate::validate`), where the
//! names the targets write are known.

use super::symbols::Symbols;
use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::names;
use crate::span::Span;
use std::collections::BTreeMap;

/// Names of one kind that become the same resource id (`orders-api`, `orders_api`), or ids
/// that differ only in case (Terraform's names are lower case).
pub fn check(ctx: &mut Ctx, syms: &Symbols) {
    let kinds: [(&str, Vec<(&str, Span)>); 4] = [
        (
            "param",
            syms.params
                .values()
                .map(|p| (p.name.name.as_str(), p.name.span))
                .collect(),
        ),
        (
            "network",
            syms.networks
                .values()
                .map(|d| (d.name.name.as_str(), d.name.span))
                .collect(),
        ),
        (
            "service",
            syms.services
                .values()
                .map(|d| (d.name.name.as_str(), d.name.span))
                .collect(),
        ),
        (
            "api",
            syms.apis
                .values()
                .map(|d| (d.name.name.as_str(), d.name.span))
                .collect(),
        ),
    ];
    for (kind, mut decls) in kinds {
        // Source order, so the later declaration is the one reported.
        decls.sort_by_key(|(_, span)| *span);
        let mut seen: BTreeMap<String, (&str, Span, String)> = BTreeMap::new();
        for (name, span) in decls {
            let id = names::pascal(name);
            if let Some((first, first_span, first_id)) = seen.get(&id.to_ascii_lowercase()) {
                let message = if *first_id == id {
                    format!("{kind} `{name}` and `{first}` both become the resource id `{id}`")
                } else {
                    format!(
                        "{kind} `{name}` and `{first}` differ only in case: both become the Terraform name `{}`",
                        names::snake(name)
                    )
                };
                ctx.diags.push(
                    Diagnostic::new(Code::E0502, message, span)
                    .label("collides")
                    .secondary(*first_span, "first declared here")
                    .help("rename one of them; names that differ only in `-`, `_` or case collide"),
                );
            } else {
                seen.insert(id.to_ascii_lowercase(), (name, span, id));
            }
        }
    }
}
