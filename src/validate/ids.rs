//! The ids each target writes (E0502): CloudFormation logical ids (parameters and resources
//! share one namespace, outputs have their own) and what CloudFormation accepts as one (1 to
//! 255 letters and digits), Terraform block addresses, plan step ids and output names. Each
//! backend lists every id it will write with its origin ([`Origin`]); an id that repeats is
//! reported once per pair of declarations involved, at the later one with the earlier as a
//! secondary label, whatever targets it repeats in.

use crate::backends::{cfn, plan, tf};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::ir::{DeclKind, Graph, Internal, Origin, Props};
use crate::span::Span;
use std::collections::BTreeSet;

pub(super) fn check(g: &Graph, diags: &mut Diagnostics) {
    if let Err(e) = targets(g, diags) {
        // The backends could not even name the graph: their bug, reported as such.
        diags.push(e.diagnostic(g));
    }
}

fn targets(g: &Graph, diags: &mut Diagnostics) -> Result<(), Internal> {
    let mut seen_pairs = BTreeSet::new();
    let (cfn_ids, cfn_outputs) = cfn::logical_ids(g)?;
    // One per declaration: its name makes all its ids, so the first bad one says it.
    let mut refused = BTreeSet::new();
    for (id, origin) in &cfn_ids {
        if !cfn::valid_logical_id(id) && refused.insert(decl_span(g, *origin)) {
            diags.push(invalid_logical_id(g, id, *origin));
        }
    }
    let (steps, plan_outputs) = plan::step_ids(g)?;
    let seen = &mut seen_pairs;
    repeated_in(g, "the CloudFormation logical id", &cfn_ids, seen, diags);
    repeated_in(g, "the CloudFormation output", &cfn_outputs, seen, diags);
    repeated_in(g, "the Terraform block", &tf::addresses(g)?, seen, diags);
    // The plan's step ids are its own shared strings (`plan::StepId`), not copied.
    repeated_in(g, "the plan step id", &steps, seen, diags);
    repeated_in(g, "the plan output", &plan_outputs, seen, diags);
    Ok(())
}

/// Reports each id of `ids` that repeats (`what` says which kind of id), once per pair of
/// declarations (`seen_pairs` is shared by every kind).
fn repeated_in(
    g: &Graph,
    what: &str,
    ids: &[(impl AsRef<str>, Origin)],
    seen_pairs: &mut BTreeSet<(Span, Span)>,
    diags: &mut Diagnostics,
) {
    // A fast hash (`crate::hash`), not std's SipHash: the ids are short and aprc's own
    // (SipHash was a quarter of the check at 1,000 services).
    let mut first: crate::hash::Map<&str, Origin> =
        crate::hash::Map::with_capacity_and_hasher(ids.len(), Default::default());
    for (id, origin) in ids {
        let id = id.as_ref();
        let Some(earlier) = first.get(id).copied() else {
            first.insert(id, *origin);
            continue;
        };
        let (here, there) = (origin_span(g, *origin), origin_span(g, earlier));
        let pair = (here.min(there), here.max(there));
        if seen_pairs.insert(pair) {
            diags.push(repeated(g, what, id, *origin, earlier));
        }
    }
}

/// Where a diagnostic about an id's origin points.
fn origin_span(g: &Graph, origin: Origin) -> Span {
    match origin {
        Origin::Param(i) => g.params.get(i).map_or(g.app.span, |p| p.span),
        Origin::Resource(id) => g.resource(id).map_or(g.app.span, |r| r.span),
        Origin::Output(i) => g
            .outputs
            .get(i)
            .and_then(|o| g.decl(o.decl).ok())
            .map_or(g.app.span, |d| d.span),
        Origin::Backend(_) => g.app.span,
    }
}

/// The span of the declaration an id comes from (a route's api, not the route).
fn decl_span(g: &Graph, origin: Origin) -> Span {
    match origin {
        Origin::Resource(id) => g
            .resource(id)
            .and_then(|r| g.decl(r.decl))
            .map_or(g.app.span, |d| d.span),
        other => origin_span(g, other),
    }
}

/// The origin in words: `param `image_tag``, `the method GET /x of api `a``.
fn describe(g: &Graph, origin: Origin) -> String {
    match origin {
        Origin::Param(i) => g
            .params
            .get(i)
            .map_or_else(|| "a param".into(), |p| format!("param `{}`", p.name)),
        Origin::Output(i) => g.outputs.get(i).map_or_else(
            || "an output".into(),
            |o| format!("the output `{}`", o.pascal),
        ),
        Origin::Backend(what) => what.to_string(),
        Origin::Resource(id) => {
            let Ok(r) = g.resource(id) else {
                return "a resource".into();
            };
            let owner = match g.decl(r.decl) {
                Ok(d) if d.kind == DeclKind::App => "the app".to_string(),
                Ok(d) => format!("{} `{}`", d.kind.as_str(), d.names.spec),
                Err(_) => "a declaration".to_string(),
            };
            match &r.props {
                Props::ApiResource(res) => format!("the path `{}` of {owner}", res.path),
                Props::Method(m) => {
                    format!("the route {} {} of {owner}", m.http_method, m.path)
                }
                props => format!("the {} of {owner}", props.kind_name()),
            }
        }
    }
}

fn repeated(g: &Graph, what: &str, id: &str, here: Origin, there: Origin) -> Diagnostic {
    let (this, that) = (describe(g, here), describe(g, there));
    let mut d = Diagnostic::new(
        Code::E0502,
        format!("{this} and {that} would both be {what} `{id}`"),
        origin_span(g, here),
    )
    .label(format!("{what} `{id}`"))
    .help(
        "rename one of the declarations involved: ids join names (and paths) without a \
         separator, and names that differ only in case, `-` or `_` collide",
    );
    let (span, other) = (origin_span(g, here), origin_span(g, there));
    if other != span {
        d = d.secondary(other, format!("also {what} `{id}`"));
    }
    d
}

fn invalid_logical_id(g: &Graph, id: &str, origin: Origin) -> Diagnostic {
    let why = if id.is_empty() {
        "it has no letter or digit".to_string()
    } else if id.len() > 255 {
        format!("it has {} characters, more than 255", id.len())
    } else {
        "it may hold only letters and digits".to_string()
    };
    Diagnostic::new(
        Code::E0502,
        format!(
            "{} would have the CloudFormation logical id `{id}`, which CloudFormation refuses: {why}",
            describe(g, origin)
        ),
        origin_span(g, origin),
    )
    .label("its name makes the id")
    .help("rename it: CloudFormation logical ids are 1 to 255 letters and digits")
}
