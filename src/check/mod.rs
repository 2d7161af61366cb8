//! The checker: names, types and AWS rules over the AST, producing the checked spec.
//!
//! It sees only the AST. Declarations are collected first (names are global across files),
//! then each construct is checked by its own module, reporting every error into the shared
//! `Diagnostics` and carrying on; the `Spec` is assembled only when no error was reported,
//! so lowering never sees a half-checked application.

mod allow;
mod api;
mod app;
mod cidr;
mod collisions;
mod env;
mod health;
mod image;
mod network;
mod partial;
mod routes;
mod service;
mod sizes;
mod symbols;
#[cfg(test)]
mod tests;
mod urls;
mod values;

pub use app::{APP_RUNNER_REGIONS, REGIONS};
pub use partial::baked;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::Spec;
use crate::span::Span;
use crate::syntax::ast::Module;
use std::collections::{BTreeMap, BTreeSet};

/// What every check needs: the sink, and which params exist and which got used (W0003).
pub struct Ctx<'d> {
    pub diags: &'d mut Diagnostics,
    pub params: BTreeMap<String, Span>,
    pub used_params: BTreeSet<String>,
    /// Set while a service is checked whose compute is a guess (neither its `compute` nor
    /// the app's is readable, and that is reported): see [`Ctx::per_compute`].
    pub compute_guessed: bool,
    /// The partition of the app's region, when that is a region: what an ARN written in a
    /// policy or a secret must be in.
    pub partition: Option<&'static str>,
}

impl Ctx<'_> {
    /// The partition `arn` names when it is another than the app's (`arn:aws-cn:...` in an
    /// app in `eu-west-1`): IAM refuses such a policy, and nothing crosses partitions.
    pub fn other_partition(&self, arn: &crate::text::Text) -> Option<String> {
        partial::other_partition(arn, self.partition?)
    }

    /// Reports a rule of one compute (its sizes, ranges, or what it alone refuses), unless
    /// the compute is a guess: no error rests on a guess, and the fix of the unreadable
    /// `compute` would make some of them wrong.
    pub fn per_compute(&mut self, diagnostic: Diagnostic) {
        if !self.compute_guessed {
            self.diags.push(diagnostic);
        }
    }
}

/// Checks every module as one application. Returns the spec when there is no error.
pub fn check(modules: &[Module], diags: &mut Diagnostics) -> Option<Spec> {
    // Declarations: kinds, names, duplicates, the one app.
    let syms = symbols::collect(modules, diags);
    let params = syms
        .params
        .iter()
        .map(|(n, p)| (n.to_string(), p.name.span))
        .collect();
    let mut ctx = Ctx {
        diags,
        params,
        used_params: BTreeSet::new(),
        compute_guessed: false,
        partition: app::region(syms.app).map(|r| crate::backends::partition(&r)),
    };

    // Each construct, in dependency order: services need networks, apis need services.
    let likely_region = app::likely_region(&syms);
    let app = syms
        .app
        .and_then(|decl| app::check(&mut ctx, decl, &likely_region));
    let params = app::params(&mut ctx, &syms);
    let networks = network::check_all(&mut ctx, &syms);
    let platform = service::Platform {
        compute: app::compute(syms.app),
        compute_guessed: app::compute_guessed(syms.app),
        region: app::region(syms.app),
        networks: networks
            .iter()
            .filter_map(|(name, n)| {
                let m = n.model.as_ref()?;
                let existing = matches!(m.source, crate::model::NetworkSource::Existing { .. });
                Some((
                    name.clone(),
                    service::NetworkFacts {
                        nat: m.nat,
                        existing,
                    },
                ))
            })
            .collect(),
    };
    let services = service::check_all(&mut ctx, &syms, &platform);
    urls::check(&mut ctx, &services);
    service::urls_in_reach(&mut ctx, &services);
    let apis = api::check_all(&mut ctx, &syms, &services);
    for (kind, decl) in &syms.duplicates {
        // Already E0104; checked for their own errors and param uses, then dropped.
        match kind {
            symbols::Kind::Network => drop(network::check(&mut ctx, *decl)),
            symbols::Kind::Service => drop(service::check(&mut ctx, &syms, &platform, *decl)),
            _ => drop(api::check(&mut ctx, &syms, &services, *decl)),
        }
    }

    // Whole-application rules: reachability, unused params, AWS name limits and collisions.
    service::unreachable(&mut ctx, &services, &apis);
    service::listener_quota(&mut ctx, &services, &platform);
    service::listener_ports(&mut ctx, &services);
    app::app_runner_region(&mut ctx, syms.app, &services);
    for (name, span) in &ctx.params {
        if !ctx.used_params.contains(name) {
            ctx.diags.push(
                Diagnostic::new(Code::W0003, format!("param `{name}` is never used"), *span)
                    .label("declared here")
                    .help(format!("use it as `${{{name}}}` in a string, or remove it")),
            );
        }
    }
    collisions::check(&mut ctx, &syms);

    if ctx.diags.has_errors() {
        return None;
    }
    Some(Spec {
        app: app?,
        params,
        networks: networks
            .into_values()
            .map(|n| n.model)
            .collect::<Option<_>>()?,
        services: services
            .into_values()
            .map(|s| s.model)
            .collect::<Option<_>>()?,
        apis: apis.into_values().map(|a| a.model).collect::<Option<_>>()?,
    })
}

/// The defaults the output would deploy as written (those of params `--param` gives no value,
/// in `given`): each must pass the checks its param stands in for, as a `--param` value does.
/// True when none fails.
pub fn defaults(spec: &Spec, given: &BTreeMap<String, String>, diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    for (span, code, message) in partial::defaults(spec, given) {
        diags.push(
            Diagnostic::new(code, message, span)
                .label("this default")
                .help("give the param a default that fits where it is used, or none (`param NAME : string`)"),
        );
        ok = false;
    }
    ok
}
