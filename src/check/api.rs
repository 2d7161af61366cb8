//! `api` blocks: network, stage (E0407), auth, tracing, access logs, throttle (E0410), and
//! its routes (see `routes`), then the rules that tie routes to services' networks: a
//! private target needs the api to have a network (E0406), the same one (E0405).

use super::partial;
use super::routes;
use super::service;
use super::symbols::{Decl, Kind, Symbols};
use super::values::{Attrs, Statements};
use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::model::{Api, Auth, Ingress, Throttle};
use crate::span::Span;
use crate::syntax::ast::{Block, ExprKind};
use crate::text::Text;
use std::collections::{BTreeMap, BTreeSet};

const ATTRS: [&str; 5] = ["network", "stage", "auth", "tracing", "access_log"];

pub struct Checked {
    pub model: Option<Api>,
    /// Services some route of this api targets.
    pub targets: BTreeSet<String>,
}

pub fn check_all(
    ctx: &mut Ctx,
    syms: &Symbols,
    services: &BTreeMap<String, service::Checked>,
) -> BTreeMap<String, Checked> {
    syms.apis
        .iter()
        .map(|(name, decl)| (name.to_string(), check(ctx, syms, services, *decl)))
        .collect()
}

pub fn check(
    ctx: &mut Ctx,
    syms: &Symbols,
    services: &BTreeMap<String, service::Checked>,
    decl: Decl,
) -> Checked {
    let name = decl.name.name.clone();
    let attrs = Attrs::gather(
        ctx,
        format!("api `{name}`"),
        &decl.block.body,
        &ATTRS,
        &["throttle"],
        Statements::Routes,
    );
    let mut ok = true;
    let network_attr = attrs.ident(ctx, "network", "a network name");
    let network = network_attr.and_then(|(n, span)| {
        syms.resolve(ctx.diags, n, span, Kind::Network)
            .then(|| n.to_string())
    });
    ok &= network.is_some() || attrs.get("network").is_none();

    let stage = match attrs.string(ctx, "stage") {
        Some((s, span)) => match partial::stage_fault(&s) {
            Some(fault) => {
                let help = if s.as_literal().is_some() {
                    "stage names are 1 to 128 letters, digits or `_`"
                } else {
                    "stage names are 1 to 128 letters, digits or `_`; a param's value is checked when it is known"
                };
                ctx.diags.push(
                    Diagnostic::new(Code::E0407, format!("invalid stage name `{s}`"), span)
                        .label(fault)
                        .help(help),
                );
                None
            }
            None => Some(s),
        },
        None if attrs.get("stage").is_some() => None,
        None => Some(Text::lit("prod")),
    };
    let auth = auth(ctx, &attrs).map(|a| a.unwrap_or(Auth::None));
    let mut flag = |ctx: &mut Ctx, n: &str| match attrs.bool(ctx, n) {
        Some((b, _)) => b,
        None => {
            ok &= attrs.get(n).is_none();
            false
        }
    };
    let tracing = flag(ctx, "tracing");
    let access_log = flag(ctx, "access_log");
    let throttle = attrs
        .blocks
        .get("throttle")
        .map(|b| throttle(ctx, &name, b));
    ok &= !matches!(throttle, Some(None));

    if attrs.routes.is_empty() {
        ctx.diags.push(
            Diagnostic::new(Code::E0109, format!("api `{name}` has no routes"), decl.name.span)
                .label("no `route` statements")
                .help("add a route, e.g. `route ANY /{proxy+} -> SERVICE`; API Gateway cannot deploy an api without methods"),
        );
        ok = false;
    }
    let checked = routes::check_all(ctx, syms, &attrs.routes);
    let mut targets = BTreeSet::new();
    let mut unnetworked: Option<Span> = None;
    for target in checked.iter().filter_map(|c| c.target.as_ref()) {
        targets.insert(target.0.clone());
        let Some(svc) = services.get(&target.0) else {
            continue;
        };
        if svc.ingress != Ingress::Private {
            continue;
        }
        match (&network, network_attr, &svc.network) {
            (Some(api_net), Some((_, api_span)), Some(svc_net)) if api_net != svc_net => {
                ctx.diags.push(
                    Diagnostic::new(Code::E0405, format!("private service `{}` is in network `{svc_net}`, not the api's network `{api_net}`", target.0), target.1)
                        .label(format!("in network `{svc_net}`"))
                        .secondary(api_span, "the api's VPC link is in this network")
                        .help("an api reaches private services only in its own network; move the service or use another api"),
                );
                ok = false;
            }
            (None, None, Some(_)) => unnetworked = unnetworked.or(Some(target.1)),
            _ => {}
        }
    }
    if let Some(first) = unnetworked {
        ctx.diags.push(
            Diagnostic::new(
                Code::E0406,
                format!("api `{name}` routes to private services but has no network"),
                decl.name.span,
            )
            .label("no `network`")
            .secondary(first, "a private service")
            .help("add `network = NAME` (the network of its private services)"),
        );
        ok = false;
    }

    let model = (|| {
        let mut routes = checked
            .into_iter()
            .map(|c| c.route)
            .collect::<Option<Vec<_>>>()?;
        routes.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
        if !ok {
            return None;
        }
        Some(Api {
            name: name.clone(),
            network,
            stage: stage?,
            auth: auth?,
            tracing,
            access_log,
            throttle: throttle.flatten(),
            routes,
            span: decl.name.span,
        })
    })();
    Checked { model, targets }
}

/// `rate` a number >= 0 and `burst` an integer 0 to 2^31-1 (API Gateway's `burstLimit` is a 32-bit
/// integer), both required (E0410, E0109).
fn throttle(ctx: &mut Ctx, api: &str, block: &Block) -> Option<Throttle> {
    let attrs = Attrs::gather(
        ctx,
        format!("the `throttle` block of api `{api}`"),
        &block.body,
        &["rate", "burst"],
        &[],
        Statements::None,
    );
    // A closure, so a wrongly typed `rate` still lets `burst` be checked.
    let rate = attrs.get("rate").and_then(|e| {
        let value = match &e.kind {
            ExprKind::Int(i) => Some(*i as f64),
            ExprKind::Decimal(d) => d.parse::<f64>().ok(),
            _ => return super::values::mismatch(ctx, e, "rate", "a number of requests per second"),
        };
        match value {
            Some(v) if v >= 0.0 && v.is_finite() => Some(v),
            _ => {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0410,
                        "throttle `rate` must be 0 or more requests per second",
                        e.span,
                    )
                    .label("out of range"),
                );
                None
            }
        }
    });
    let burst = match attrs.int(ctx, "burst") {
        Some((b, _)) if (0..=i64::from(i32::MAX)).contains(&b) => u32::try_from(b).ok(),
        Some((b, span)) => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0410,
                    format!("throttle `burst` must be 0 to {}, found {b}", i32::MAX),
                    span,
                )
                .label("out of range"),
            );
            None
        }
        None => None,
    };
    for missing in ["rate", "burst"].into_iter().filter(|n| attrs.missing(n)) {
        ctx.diags.push(
            Diagnostic::new(
                Code::E0109,
                format!("`throttle` needs `{missing}`"),
                block.kind.span,
            )
            .label(format!("missing `{missing}`"))
            .help("set both `rate` (requests per second) and `burst`"),
        );
    }
    Some(Throttle {
        rate: rate?,
        burst: burst?,
    })
}

/// `auth` of an api or of a route's block: `Some(None)` when it is not set, `None` when it is
/// set wrong (reported).
pub fn auth(ctx: &mut Ctx, attrs: &Attrs) -> Option<Option<Auth>> {
    match attrs.keyword(ctx, "auth", &["none", "api_key", "iam"]) {
        Some(("api_key", _)) => Some(Some(Auth::ApiKey)),
        Some(("iam", _)) => Some(Some(Auth::Iam)),
        Some(_) => Some(Some(Auth::None)),
        None => attrs.get("auth").is_none().then_some(None),
    }
}
