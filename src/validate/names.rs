//! AWS's limits on the physical names of the graph's resources (E0501). A name is checked
//! only when its resource exists (a load balancer only for a network some api reaches a
//! private service in), since only then does AWS see it. One declaration gets at most one
//! E0501: its resources share the declaration's name, so the first name that breaks a limit
//! (in the order below) says what to shorten.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir::{DeclKind, Graph, Props, Resource};
use crate::names;
use crate::span::Span;
use std::collections::BTreeSet;

pub(super) fn check(g: &Graph, diags: &mut Diagnostics) {
    // The app's name: it prefixes every name checked here.
    let app_span = g.decls.first().map_or(g.app.span, |d| d.span);
    let mut reported = BTreeSet::new();
    let mut candidates: Vec<(u8, &Resource)> = g
        .resources
        .iter()
        .filter_map(|r| priority(&r.props).map(|p| (p, r)))
        .collect();
    // Stable: within a declaration and priority, graph order.
    candidates.sort_by_key(|(p, r)| (r.decl, *p));
    for (_, r) in candidates {
        if reported.contains(&r.decl) {
            continue;
        }
        if let Some(d) = problem(g, r, app_span) {
            diags.push(d);
            reported.insert(r.decl);
        }
    }
}

/// Which names of a declaration are checked first.
fn priority(props: &Props) -> Option<u8> {
    Some(match props {
        Props::AppRunnerService(_) => 0,
        Props::AutoScaling(_) => 1,
        Props::Observability(_) => 2,
        Props::IngressConnection(_) => 3,
        Props::Role(_) => 4,
        Props::VpcConnector(_) => 0,
        Props::LoadBalancer(_) => 1,
        Props::TargetGroup(_) => 2,
        Props::LogsRole(_) => 0,
        _ => return None,
    })
}

/// What is wrong with `r`'s name, if anything.
fn problem(g: &Graph, r: &Resource, app_span: Span) -> Option<Diagnostic> {
    let span = r.span;
    match &r.props {
        Props::AppRunnerService(s) => {
            apprunner("App Runner service name", &s.physical, 40, span, app_span)
        }
        Props::AutoScaling(a) => apprunner(
            "auto scaling configuration name",
            &a.physical,
            32,
            span,
            app_span,
        ),
        Props::Observability(o) => apprunner(
            "observability configuration name",
            &o.physical,
            32,
            span,
            app_span,
        ),
        Props::IngressConnection(c) => apprunner(
            "VPC ingress connection name",
            &c.physical,
            40,
            span,
            app_span,
        ),
        Props::VpcConnector(c) => apprunner("VPC connector name", &c.physical, 40, span, app_span),
        Props::Role(role) => (role.physical.chars().count() > 64)
            .then(|| too_long("IAM role name", &role.physical, 64, span, app_span)),
        Props::LoadBalancer(lb) => elb(g, &lb.physical, true, span, app_span),
        Props::TargetGroup(tg) => elb(g, &tg.physical, false, span, app_span),
        Props::LogsRole(role) => (role.physical.chars().count() > 64).then(|| {
            // The role is the app's; the api that logs is why it exists.
            let api = g
                .decls
                .iter()
                .find(|d| d.kind == DeclKind::Api)
                .map_or(app_span, |d| d.span);
            let logging = g
                .all::<crate::ir::Stage>()
                .find(|(_, s)| s.access_log.is_some())
                .and_then(|(r, _)| g.resource(r.id).ok())
                .and_then(|r| g.decl(r.decl).ok())
                .map_or(api, |d| d.span);
            Diagnostic::new(
                Code::E0501,
                format!(
                    "the IAM role name `{}` has {} characters, more than 64",
                    role.physical,
                    role.physical.chars().count()
                ),
                app_span,
            )
            .label(format!(
                "makes the account's API Gateway logging role `{}`",
                role.physical
            ))
            .secondary(logging, "writes an access log, which needs that role")
            .help(format!(
                "shorten the app's name to at most {} characters",
                64 - (role.physical.len() - g.app.name.len())
            ))
        }),
        _ => None,
    }
}

/// What is wrong with `name` as an App Runner name of at most `max` characters, if anything.
fn apprunner(what: &str, name: &str, max: usize, span: Span, app_span: Span) -> Option<Diagnostic> {
    if names::is_valid_apprunner_name(name, max) {
        return None;
    }
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
    Some(
        Diagnostic::new(Code::E0501, format!("the {what} `{name}` is invalid: {why}"), span)
            .label(format!("becomes `{name}`"))
            .secondary(app_span, "the app name is its prefix")
            .help(format!("App Runner names are 4 to {max} letters, digits, `-` or `_`, starting with a letter or digit: {fix}")),
    )
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

/// A load balancer's or target group's name: `<stem>-<6 hex>` within 32 characters, and a
/// load balancer's not beginning with `internal-` (Elastic Load Balancing reserves it;
/// Terraform and CloudFormation both refuse such a name at deploy time).
fn elb(
    g: &Graph,
    physical: &str,
    load_balancer: bool,
    span: Span,
    app_span: Span,
) -> Option<Diagnostic> {
    let stem = physical
        .get(..physical.len().saturating_sub(names::SUFFIX_LEN))
        .unwrap_or_default();
    let max = names::ELB_NAME_MAX - names::SUFFIX_LEN;
    if stem.is_empty() || stem.chars().count() > max {
        return Some(
            too_long(
                if load_balancer {
                    "load balancer and target group name stem"
                } else {
                    "target group name stem"
                },
                stem,
                max,
                span,
                app_span,
            )
            .help(format!(
                "shorten this name or the app's name: aprc adds `-` and 6 hex digits that \
                 change when the resource is replaced, and AWS allows {} characters",
                names::ELB_NAME_MAX
            )),
        );
    }
    (load_balancer && stem.to_ascii_lowercase().starts_with("internal-")).then(|| {
        Diagnostic::new(
            Code::E0501,
            format!("the load balancer name `{stem}` may not begin with `internal-`"),
            app_span,
        )
        .label(format!(
            "`{}` makes the load balancer name `{stem}`",
            g.app.name
        ))
        .secondary(span, "the network whose load balancer it names")
        .help("AWS reserves the `internal-` prefix for load balancer names: rename the app")
    })
}
