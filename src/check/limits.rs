//! AWS name limits (E0501) and resource-id collisions (E0502). A name is checked only when
//! its resource will exist (docs/decisions.md, "AWS names"): an NLB name only for a network
//! some api reaches a private service in, a VPC connector only for a network with a
//! `egress = vpc` service. The names come from `crate::names`, as lowering assigns them.

use super::symbols::Symbols;
use super::{api, network, service, Ctx};
use crate::diag::{Code, Diagnostic};
use crate::model::{Egress, ImageSource};
use crate::names;
use crate::span::Span;
use std::collections::{BTreeMap, BTreeSet};

pub fn check(
    ctx: &mut Ctx,
    syms: &Symbols,
    networks: &BTreeMap<String, network::Checked>,
    services: &BTreeMap<String, service::Checked>,
    apis: &BTreeMap<String, api::Checked>,
) {
    collisions(ctx, syms);
    let Some(app) = syms.app else { return };
    let app_name = app.name.name.as_str();
    let app_span = app.name.span;

    let mut connector_networks = BTreeSet::new();
    for (name, svc) in services {
        let Some(model) = &svc.model else { continue };
        if model.egress == Egress::Vpc {
            connector_networks.extend(model.network.clone());
        }
        let physical = names::physical(app_name, name);
        let mut wanted: Vec<(&str, String, usize)> =
            vec![("App Runner service name", physical.clone(), 40)];
        if model.scale.is_some() {
            wanted.push(("auto scaling configuration name", physical.clone(), 32));
        }
        if model.tracing {
            wanted.push(("observability configuration name", physical.clone(), 32));
        }
        let failing = wanted
            .into_iter()
            .find(|(_, n, max)| !names::is_valid_apprunner_name(n, *max));
        if let Some((what, n, max)) = failing {
            ctx.diags
                .push(apprunner(what, &n, max, svc.name_span, app_span));
            continue;
        }
        let mut roles = Vec::new();
        if matches!(model.image_source, ImageSource::EcrPrivate { .. }) {
            roles.push(format!("{physical}-access"));
        }
        if model.tracing || !model.secrets.is_empty() {
            roles.push(format!("{physical}-instance"));
        }
        if let Some(role) = roles.into_iter().find(|r| r.chars().count() > 64) {
            ctx.diags.push(too_long(
                "IAM role name",
                &role,
                64,
                svc.name_span,
                app_span,
            ));
        }
    }

    // The account's API Gateway logging role, which the plan names, when an api logs.
    let logging = apis
        .values()
        .find(|a| a.model.as_ref().is_some_and(|m| m.access_log));
    if let Some(api) = logging {
        let role = names::logs_role(app_name);
        if role.chars().count() > 64 {
            let span = syms
                .apis
                .values()
                .find(|d| api.model.as_ref().is_some_and(|m| m.name == d.name.name))
                .map_or(app_span, |d| d.name.span);
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0501,
                    format!(
                        "the IAM role name `{role}` has {} characters, more than 64",
                        role.chars().count()
                    ),
                    app_span,
                )
                .label(format!(
                    "makes the account's API Gateway logging role `{role}`"
                ))
                .secondary(span, "writes an access log, which needs that role")
                .help("shorten the app's name to at most 48 characters"),
            );
        }
    }

    let nlb_networks: BTreeSet<&String> = apis
        .values()
        .flat_map(|a| a.private_networks.iter())
        .collect();
    for (name, net) in networks {
        if net.model.is_none() {
            continue;
        }
        if connector_networks.contains(name) {
            let n = names::physical(app_name, name);
            if !names::is_valid_apprunner_name(&n, 40) {
                ctx.diags.push(apprunner(
                    "VPC connector name",
                    &n,
                    40,
                    net.name_span,
                    app_span,
                ));
                continue;
            }
        }
        if nlb_networks.contains(name) {
            // The stem, then `-` and six hex digits that change with a replacement.
            let n = names::elb_stem(app_name, name);
            let max = names::ELB_NAME_MAX - names::SUFFIX_LEN;
            if n.is_empty() || n.chars().count() > max {
                ctx.diags.push(
                    too_long(
                        "load balancer and target group name stem",
                        &n,
                        max,
                        net.name_span,
                        app_span,
                    )
                    .help(format!(
                        "shorten this name or the app's name: aprc adds `-` and 6 hex digits that \
                         change when the resource is replaced, and AWS allows {} characters",
                        names::ELB_NAME_MAX
                    )),
                );
            } else if n.to_ascii_lowercase().starts_with("internal-") {
                // Elastic Load Balancing reserves the prefix (CreateLoadBalancer `Name`);
                // Terraform and CloudFormation both refuse such a name at deploy time.
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0501,
                        format!("the load balancer name `{n}` may not begin with `internal-`"),
                        app_span,
                    )
                    .label(format!("`{app_name}` makes the load balancer name `{n}`"))
                    .secondary(net.name_span, "the network whose load balancer it names")
                    .help("AWS reserves the `internal-` prefix for load balancer names: rename the app"),
                );
            }
        }
    }
}

fn apprunner(what: &str, name: &str, max: usize, span: Span, app_span: Span) -> Diagnostic {
    let len = name.chars().count();
    let (why, fix) = if len < 4 {
        (
            format!("{len} characters, fewer than 4"),
            "lengthen this name or the app's name",
        )
    } else if len > max {
        (
            format!("{len} characters, more than {max}"),
            "shorten this name or the app's name",
        )
    } else {
        (
            "it must start with a letter or digit".to_string(),
            "start the app's name with a letter or digit",
        )
    };
    Diagnostic::new(Code::E0501, format!("the {what} `{name}` is invalid: {why}"), span)
        .label(format!("becomes `{name}`"))
        .secondary(app_span, "the app name is its prefix")
        .help(format!("App Runner names are 4 to {max} letters, digits, `-` or `_`, starting with a letter or digit: {fix}"))
}

fn too_long(what: &str, name: &str, max: usize, span: Span, app_span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::E0501,
        format!(
            "the {what} `{name}` has {} characters, more than {max}",
            name.chars().count()
        ),
        span,
    )
    .label(format!("becomes `{name}`"))
    .secondary(app_span, "the app name is its prefix")
    .help("shorten this name or the app's name")
}

/// Names of one kind that become the same resource id (`orders-api`, `orders_api`).
fn collisions(ctx: &mut Ctx, syms: &Symbols) {
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
        let mut seen: BTreeMap<String, (&str, Span)> = BTreeMap::new();
        for (name, span) in decls {
            let id = names::pascal(name);
            if let Some((first, first_span)) = seen.get(&id) {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0502,
                        format!("{kind} `{name}` and `{first}` both become the resource id `{id}`"),
                        span,
                    )
                    .label("collides")
                    .secondary(*first_span, "first declared here")
                    .help("rename one of them; names that differ only in `-`, `_` or case collide"),
                );
            } else {
                seen.insert(id, (name, span));
            }
        }
    }
}
