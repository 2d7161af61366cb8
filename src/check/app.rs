//! The `app` block (region, tags, compute; App Runner's regions, E0320) and param defaults.
//! Tag values may interpolate params (every backend can tag with a deploy-time value). The
//! region and param defaults may not (E0103): the Terraform provider and the plan's
//! top-level `region` need the region when the output is written, and a default is itself
//! the value a param stands for.

use super::symbols::{Decl, Symbols};
use super::values::{expect_literal, expect_string, Attrs, Statements};
use super::Ctx;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::model::{App, Compute, Param};
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, StmtKind};
use std::collections::BTreeMap;

/// The region a spec without one most likely deploys to: that of its first private ECR image
/// (its services' partition follows from it) where the app's compute runs, else `eu-west-1`.
/// The fix E0109 offers.
pub fn likely_region(syms: &Symbols) -> String {
    // In declaration order; App Runner's regions only, unless the app is all ECS.
    let ecs = compute(syms.app) == Compute::Ecs;
    let mut services: Vec<&Decl> = syms.services.values().collect();
    services.sort_by_key(|d| d.name.span);
    services
        .into_iter()
        .find_map(|decl| {
            let ExprKind::Str(s) = &exact(Some(*decl), "image")?.kind else {
                return None;
            };
            let text = super::values::plain_text(s)?;
            match super::image::classify(&text).ok()? {
                crate::model::ImageSource::EcrPrivate { region, .. } => {
                    let usable = if ecs {
                        REGIONS.contains(&region.as_str())
                    } else {
                        offers_app_runner(&region)
                    };
                    usable.then_some(region)
                }
                crate::model::ImageSource::EcrPublic => None,
            }
        })
        .unwrap_or_else(|| "eu-west-1".to_string())
}

pub fn check(ctx: &mut Ctx, decl: Decl, likely_region: &str) -> Option<App> {
    let name = &decl.name.name;
    let attrs = Attrs::gather(
        ctx,
        format!("app `{name}`"),
        &decl.block.body,
        &ATTRS,
        &[],
        Statements::None,
    );
    let region = match attrs.literal(
        ctx,
        "region",
        "write the region itself: the Terraform provider and the plan need it when the output is written, and a CloudFormation stack takes the region it is deployed to",
    ) {
        Some((region, span)) => {
            let d = if !is_region(&region) {
                Some(
                    Diagnostic::new(
                        Code::E0103,
                        format!("`{}` is not an AWS region name", crate::diag::shown(&region)),
                        span,
                    )
                    .label("expected a region such as `eu-west-1`"),
                )
            } else if !REGIONS.contains(&region.as_str()) {
                Some(
                    Diagnostic::new(Code::E0115, format!("`{}` is not an AWS region", crate::diag::shown(&region)), span)
                        .label("no such region"),
                )
            } else {
                None
            };
            if let Some(d) = d {
                ctx.diags.push(match nearest_region(&region) {
                    Some(known) => d
                        .help(format!("did you mean `{known}`?"))
                        .suggest(span, format!("\"{known}\"")),
                    None => d.help("write the name of an AWS region, such as `eu-west-1` (docs/language.md lists them)"),
                });
            }
            Some(region)
        }
        None if attrs.missing("region") => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0109,
                    format!("app `{name}` has no `region`"),
                    decl.name.span,
                )
                .label("missing `region`")
                .help(format!("add `region = \"{likely_region}\"` (the AWS region to deploy to)"))
                // Before the block's closing brace.
                .suggest(
                    Span {
                        start: decl.block.span.end.saturating_sub(1),
                        end: decl.block.span.end.saturating_sub(1),
                        ..decl.block.span
                    },
                    format!("  region = \"{likely_region}\"\n"),
                ),
            );
            None
        }
        None => None,
    };
    let mut tags = BTreeMap::new();
    for entry in attrs.map(ctx, "tags").unwrap_or_default() {
        if entry.key.name == "app" {
            ctx.diags.push(
                Diagnostic::new(Code::E0103, "the tag `app` is reserved", entry.key.span)
                    .label("set by aprc")
                    .help(format!(
                        "aprc tags every resource with `app = \"{name}\"`; use another key"
                    )),
            );
            continue;
        }
        if let Some(value) = expect_string(ctx, &entry.value, "tags") {
            tags.insert(entry.key.name.clone(), value);
        }
    }
    let compute = match attrs.keyword(ctx, "compute", &["apprunner", "ecs"]) {
        Some(("ecs", _)) => Compute::Ecs,
        // Unreadable (reported): App Runner, as for an app that does not say.
        _ => Compute::AppRunner,
    };
    Some(App {
        name: name.clone(),
        region: region?,
        compute,
        tags,
        span: decl.block.span,
        name_span: decl.name.span,
    })
}

const ATTRS: [&str; 3] = ["region", "tags", "compute"];

/// The app's attribute `name` as written, without a word on mistakes (its check reports
/// them): a misspelt name is read as the one it was meant to be, as the checker reads it,
/// so one mistake gives one error.
fn raw<'a>(decl: Option<Decl<'a>>, name: &str) -> Option<&'a Expr> {
    exact(decl, name).or_else(|| {
        attrs(decl)
            .find(|(n, _)| crate::diag::did_you_mean(n, ATTRS) == Some(name))
            .map(|(_, v)| v)
    })
}

/// The app's attribute written as `name` itself.
fn exact<'a>(decl: Option<Decl<'a>>, name: &str) -> Option<&'a Expr> {
    attrs(decl).find(|(n, _)| *n == name).map(|(_, v)| v)
}

/// The app's attributes, by name as written.
fn attrs<'a>(decl: Option<Decl<'a>>) -> impl Iterator<Item = (&'a str, &'a Expr)> {
    decl.into_iter()
        .flat_map(|d| d.block.body.iter())
        .filter_map(|stmt| match &stmt.kind {
            StmtKind::Attr { name, value } => Some((name.name.as_str(), value)),
            _ => None,
        })
}

/// A compute as written, quoted or not, a misspelt one (or one by another name, `fargate`)
/// read as the one it was meant to be, as the help line proposes it.
pub fn compute_of(value: Option<&Expr>) -> Option<Compute> {
    let word = match &value?.kind {
        ExprKind::Ident(word) => word.clone(),
        ExprKind::Str(s) => s.as_literal()?,
        _ => return None,
    };
    const COMPUTES: [&str; 2] = ["apprunner", "ecs"];
    let meant = crate::diag::did_you_mean(&word, COMPUTES)
        .or_else(|| super::values::synonym(&word, &COMPUTES));
    match meant.unwrap_or(&word) {
        "ecs" => Some(Compute::Ecs),
        "apprunner" => Some(Compute::AppRunner),
        _ => None,
    }
}

/// The app's `compute`: what services are checked for when they do not say, even when the
/// app has errors.
pub fn compute(decl: Option<Decl>) -> Compute {
    compute_of(raw(decl, "compute")).unwrap_or_default()
}

/// Whether the app's `compute` is written but unreadable, so that the one assumed is a guess.
pub fn compute_guessed(decl: Option<Decl>) -> bool {
    let written = raw(decl, "compute");
    written.is_some() && compute_of(written).is_none()
}

/// The app's `region` when it is a region's name written plainly.
pub fn region(decl: Option<Decl>) -> Option<String> {
    match &raw(decl, "region")?.kind {
        ExprKind::Str(s) => s.as_literal().filter(|r| REGIONS.contains(&r.as_str())),
        _ => None,
    }
}

/// AWS's regions, in every partition (botocore's endpoint data, which a test compares with
/// this list): a name of the right shape that is none of them is a slip (E0115), as the
/// Terraform provider's own region check would find only at `terraform plan`.
pub const REGIONS: [&str; 46] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

/// The region `written` was most likely meant to be: the nearest within a few edits, one
/// with App Runner among the equally near (it takes either compute, so the fix adds no
/// E0320).
fn nearest_region(written: &str) -> Option<&'static str> {
    let best = did_you_mean(written, REGIONS)?;
    let distance = |r: &str| crate::diag::edit_distance(written, r);
    match did_you_mean(written, APP_RUNNER_REGIONS) {
        Some(app_runner) if distance(app_runner) == distance(best) => Some(app_runner),
        _ => Some(best),
    }
}

/// The regions AWS offers App Runner in (botocore's endpoint data): it takes no new
/// customers, so the list will not grow.
pub const APP_RUNNER_REGIONS: [&str; 11] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "us-east-1",
    "us-east-2",
    "us-west-2",
];

/// Whether AWS offers App Runner in `region`.
pub fn offers_app_runner(region: &str) -> bool {
    APP_RUNNER_REGIONS.contains(&region)
}

/// E0320: services on App Runner in a region AWS does not offer it in. One error for the
/// app, on its region, the first such service (in declaration order) a second label: the
/// region or the compute is the one mistake.
pub fn app_runner_region(
    ctx: &mut Ctx,
    decl: Option<Decl>,
    services: &BTreeMap<String, super::service::Checked>,
) {
    // Only a `region` written as such: a misspelt one is E0101's, and no second error.
    let (Some(region), Some(written)) = (region(decl), exact(decl, "region")) else {
        return;
    };
    if offers_app_runner(&region) {
        return;
    }
    let span = written.span;
    // A compute assumed because the one written is unreadable (E0103) is no ground for a
    // second error.
    let mut on_app_runner: Vec<(&String, &super::service::Checked)> = services
        .iter()
        .filter(|(_, s)| s.compute == Compute::AppRunner && !s.compute_guessed)
        .collect();
    on_app_runner.sort_by_key(|(_, s)| (s.name_span.file, s.name_span.start));
    let Some((first, service)) = on_app_runner.first() else {
        return;
    };
    let more = match on_app_runner.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more service)".to_string(),
        n => format!(" (and {n} more services)"),
    };
    let d = Diagnostic::new(
        Code::E0320,
        format!(
            "App Runner is not offered in `{region}`, and service `{first}`{more} {} on it",
            if on_app_runner.len() == 1 {
                "runs"
            } else {
                "run"
            }
        ),
        span,
    )
    .label("no App Runner in this region")
    .secondary(
        service.compute_span.unwrap_or(service.name_span),
        "on App Runner",
    );
    // No "did you mean": a region one letter from App Runner's is usually a region too
    // (`ca-central-1`, `sa-east-1`), not a typo of one.
    let d = d.help(format!(
        "deploy to a region with App Runner ({}), or run the services on ECS Fargate, which every region has: `compute = ecs`, each service in a `network` and reached through an api (see \"Moving from App Runner\" in docs/language.md)",
        APP_RUNNER_REGIONS.join(", ")
    ));
    ctx.diags.push(d);
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`: letters-groups then a number.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Param defaults must be plain strings: a param's value is a string, and a default that
/// used another param would make the order of substitution matter.
pub fn params(ctx: &mut Ctx, syms: &Symbols) -> Vec<Param> {
    let mut out = Vec::new();
    for (name, decl) in &syms.params {
        let default = match decl.default {
            Some(expr) if super::values::unquoted_default(ctx, expr, name) => continue,
            Some(expr) => match expect_literal(
                ctx,
                expr,
                name,
                "a default is itself the value the param stands for: write the string",
            ) {
                Some(s) => Some(s),
                None => continue,
            },
            None => None,
        };
        out.push(Param {
            name: name.to_string(),
            default,
            span: decl.span,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_region_shapes() {
        assert!(is_region("eu-west-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("eu-west"));
        assert!(!is_region("EU-west-1"));
        assert!(!is_region("mars"));
    }
}
