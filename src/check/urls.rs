//! URL references in `env` (E0711-E0714): `NAME.url` is the invoke URL of api `NAME` or the
//! URL of public service `NAME`; `api.NAME.url` and `service.NAME.url` say which when both
//! exist. A private service has no URL (E0712), and services cannot start with each other's
//! URLs (E0713): App Runner gives a service its URL only once it is created. An api's URL
//! needs only the REST API and its stage name, so a service behind that api may use it.

use super::service::Checked;
use super::symbols::{Decl, Symbols};
use super::Ctx;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::model::{Ingress, UrlOf};
use crate::span::Span;
use crate::syntax::ast::StmtKind;
use std::collections::{BTreeMap, BTreeSet};

/// Resolves `written` (`orders.url`, `api.public.url`) in service `from`; `interpolated`
/// when it was written inside a string (`${orders.url}`), which is how a fix must spell it.
/// A fix only ever names a URL that exists and is not `from`'s own.
pub fn reference(
    ctx: &mut Ctx,
    syms: &Symbols,
    from: &str,
    written: &str,
    span: Span,
    interpolated: bool,
) -> Option<UrlOf> {
    let at = Place {
        syms,
        from,
        span,
        interpolated,
    };
    let parts: Vec<&str> = written.split('.').collect();
    match parts.as_slice() {
        [name, "url"] => {
            let api = syms.apis.contains_key(name);
            let service = syms.services.contains_key(name);
            match (api, service) {
                (true, false) => Some(UrlOf::Api(name.to_string())),
                (false, true) => Some(UrlOf::Service(name.to_string())),
                (true, true) => {
                    let api_form = at.spell(&format!("api.{name}.url"));
                    let help = if at.service_has_url(name) {
                        format!(
                            "say which: `{api_form}` (the api's invoke URL) or `{}` (the service's)",
                            at.spell(&format!("service.{name}.url"))
                        )
                    } else {
                        format!("write `{api_form}`, the api's invoke URL (service `{name}` has no URL of its own)")
                    };
                    ctx.diags.push(
                        Diagnostic::new(
                            Code::E0711,
                            format!("`{name}.url` is ambiguous: `{name}` is an api and a service"),
                            span,
                        )
                        .label("an api's URL or a service's?")
                        .help(help)
                        .suggest(span, api_form),
                    );
                    None
                }
                (false, false) => {
                    unknown(ctx, &at, name, None);
                    None
                }
            }
        }
        ["api", name, "url"] if syms.apis.contains_key(name) => Some(UrlOf::Api(name.to_string())),
        ["service", name, "url"] if syms.services.contains_key(name) => {
            Some(UrlOf::Service(name.to_string()))
        }
        [kind @ ("api" | "service"), name, "url"] => {
            unknown(ctx, &at, name, Some(kind));
            None
        }
        _ => {
            let mut d = Diagnostic::new(
                Code::E0714,
                format!("`{written}` is not a reference aprc knows"),
                span,
            )
            .label("unknown reference");
            // `orders.arn` for `orders.url`: the one attribute there is.
            let fixed = match parts.as_slice() {
                [name, _] if at.api_has_url(name) ^ at.service_has_url(name) => {
                    (syms.apis.contains_key(name) ^ syms.services.contains_key(name))
                        .then(|| format!("{name}.url"))
                }
                ["api", name, _] if at.api_has_url(name) => Some(format!("api.{name}.url")),
                ["service", name, _] if at.service_has_url(name) => {
                    Some(format!("service.{name}.url"))
                }
                _ => None,
            };
            d = match fixed {
                Some(f) => {
                    let f = at.spell(&f);
                    d.help(format!("a declaration's one reference is its URL: `{f}`"))
                        .suggest(span, f)
                }
                None => d.help("the references are NAME.url, api.NAME.url and service.NAME.url"),
            };
            ctx.diags.push(d);
            None
        }
    }
}

/// Where a reference is written, for the fixes its diagnostics propose.
struct Place<'s, 'a> {
    syms: &'s Symbols<'a>,
    /// The service whose `env` holds it: its own URL is never proposed.
    from: &'s str,
    span: Span,
    interpolated: bool,
}

impl Place<'_, '_> {
    fn spell(&self, reference: &str) -> String {
        if self.interpolated {
            format!("${{{reference}}}")
        } else {
            reference.to_string()
        }
    }

    fn api_has_url(&self, name: &str) -> bool {
        self.syms.apis.contains_key(name)
    }

    fn service_has_url(&self, name: &str) -> bool {
        name != self.from && self.syms.services.get(name).is_some_and(|d| public(d))
    }
}

/// E0107 (or E0108 for a declaration of another kind): nothing of that name has a URL.
/// `kind` is `api` or `service` in a qualified reference.
fn unknown(ctx: &mut Ctx, at: &Place, name: &str, kind: Option<&str>) {
    let syms = at.syms;
    let wanted = kind.unwrap_or("api or service");
    let other = match kind {
        Some("api") if syms.services.contains_key(name) => Some("a service"),
        Some("service") if syms.apis.contains_key(name) => Some("an api"),
        _ if syms.networks.contains_key(name) => Some("a network"),
        _ => None,
    };
    if let Some(other) = other {
        let mut d = Diagnostic::new(
            Code::E0108,
            format!("`{name}` is {other}, not an {wanted} with a URL"),
            at.span,
        )
        .label("expected an api or a public service");
        let fix = match other {
            "a service" if at.service_has_url(name) => Some(format!("service.{name}.url")),
            "an api" => Some(format!("api.{name}.url")),
            _ => None,
        };
        if let Some(f) = fix {
            let f = at.spell(&f);
            d = d.help(format!("did you mean `{f}`?")).suggest(at.span, f);
        }
        ctx.diags.push(d);
        return;
    }
    // Only names with a URL, of the kind asked for.
    let candidates: Vec<&str> = syms
        .apis
        .keys()
        .filter(|_| kind != Some("service"))
        .chain(syms.services.keys().filter(|_| kind != Some("api")))
        .copied()
        .filter(|c| at.api_has_url(c) && kind != Some("service") || at.service_has_url(c))
        .collect();
    let mut d = Diagnostic::new(Code::E0107, format!("unknown {wanted} `{name}`"), at.span)
        .label(format!("no {wanted} of this name"));
    let fixed = did_you_mean(name, candidates.iter().copied()).and_then(|s| match kind {
        Some(k) => Some(format!("{k}.{s}.url")),
        None => {
            (syms.apis.contains_key(s) ^ syms.services.contains_key(s)).then(|| format!("{s}.url"))
        }
    });
    d = match fixed {
        Some(f) => {
            let f = at.spell(&f);
            d.help(format!("did you mean `{f}`?")).suggest(at.span, f)
        }
        None => d.help("a URL is an api's or a public service's: NAME.url"),
    };
    ctx.diags.push(d);
}

/// Whether a service is public as written: `ingress = public`, or no network and no `ingress`
/// (the checker's defaults), so that a proposed reference to it is one that works.
fn public(decl: &Decl) -> bool {
    let attr = |name: &str| {
        decl.block.body.iter().find_map(|s| match &s.kind {
            StmtKind::Attr { name: n, value } if n.name == name => Some(&value.kind),
            _ => None,
        })
    };
    match decl.block.body.iter().find_map(|s| match &s.kind {
        StmtKind::Attr { name: n, value } if n.name == "ingress" => Some(value),
        _ => None,
    }) {
        // Quoted or not, as the checker reads it.
        Some(value) => super::values::keyword_of(value, &["private", "public"]) == Some("public"),
        None => attr("network").is_none(),
    }
}

/// What needs the services' facts: private targets (E0712) and cycles (E0713).
pub fn check(ctx: &mut Ctx, services: &BTreeMap<String, Checked>) {
    let mut edges: BTreeMap<&str, Vec<(&str, Span)>> = BTreeMap::new();
    for (name, service) in services {
        for (url, span) in &service.urls {
            let UrlOf::Service(target) = url else {
                continue;
            };
            match services.get(target) {
                Some(t) if t.ingress == Ingress::Private => ctx.diags.push(
                    Diagnostic::new(
                        Code::E0712,
                        format!("service `{target}` is private: it has no URL"),
                        *span,
                    )
                    .label("a private service")
                    .secondary(t.name_span, "private: reached only through an api")
                    .help("call it through an api that routes to it, and use that api's URL"),
                ),
                // An unreadable ingress (reported) counted as public is a guess: no cycle
                // rests on it.
                Some(t) if t.ingress_guessed => {}
                Some(_) => edges.entry(name).or_default().push((target, *span)),
                None => {}
            }
        }
    }
    // One error per cycle, at its first edge (services by name, then position).
    let mut reported: BTreeSet<Vec<&str>> = BTreeSet::new();
    for (from, targets) in &edges {
        for (to, span) in targets {
            let Some(path) = path(&edges, to, from) else {
                continue;
            };
            let mut members: Vec<&str> = path.clone();
            members.sort_unstable();
            members.dedup();
            if !reported.insert(members) {
                continue;
            }
            let chain: Vec<String> = std::iter::once(*from)
                .chain(path.iter().copied())
                .map(|s| format!("`{s}`"))
                .collect();
            let message = if from == to {
                format!("service `{from}` cannot use its own URL")
            } else {
                format!(
                    "`{to}.url` in service `{from}` makes a cycle: {}",
                    chain.join(" needs ")
                )
            };
            ctx.diags.push(
                Diagnostic::new(Code::E0713, message, *span)
                    .label("needs a URL that exists only after this service")
                    .help("App Runner gives a service its URL once it is created; pass the URL through an api, whose URL does not wait for its services, or read it at run time"),
            );
        }
    }
}

/// The services from `start` to `goal` along URL edges (both included), if `goal` is reached.
fn path<'a>(
    edges: &BTreeMap<&'a str, Vec<(&'a str, Span)>>,
    start: &'a str,
    goal: &'a str,
) -> Option<Vec<&'a str>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut seen = BTreeSet::from([start]);
    while let Some(node) = queue.pop_front() {
        if node == goal {
            let mut out = vec![node];
            let mut at = node;
            while let Some(p) = parent.get(at) {
                out.push(p);
                at = p;
            }
            out.reverse();
            return Some(out);
        }
        for (next, _) in edges.get(node).into_iter().flatten() {
            if seen.insert(next) {
                parent.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}
