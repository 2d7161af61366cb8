//! Route statements (E0401-E0404, E0408, E0409). API Gateway models paths as a tree of
//! resources where each resource has at most one variable child; aprc builds that tree once
//! per api (linear in the total number of segments) instead of comparing routes pairwise.

use super::symbols::{Kind, Symbols};
use super::values::{Attrs, Statements};
use super::Ctx;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::model::{Auth, Method, Route};
use crate::span::Span;
use crate::syntax::ast::{self, Segment, SegmentKind, ROUTE_ATTRS};
use std::collections::hash_map::Entry;
use std::collections::BTreeMap;

/// The API Gateway resource tree of one api.
#[derive(Default)]
pub struct Tree {
    nodes: Vec<Node>,
}

#[derive(Default)]
struct Node {
    literals: BTreeMap<String, usize>,
    /// The one variable child: how it was first written, where, and its node.
    var: Option<(SegmentKind, Span, usize)>,
}

/// Two different variable children under one parent.
#[derive(Debug, PartialEq, Eq)]
pub struct Conflict {
    pub first: (SegmentKind, Span),
    pub second: (SegmentKind, Span),
}

impl Tree {
    /// Adds a path; on a conflict, stops at the conflicting segment.
    pub fn insert(&mut self, segments: &[Segment]) -> Result<(), Conflict> {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let mut at = 0;
        for seg in segments {
            let next = self.nodes.len();
            at = match &seg.kind {
                SegmentKind::Literal(text) => {
                    *self.nodes[at].literals.entry(text.clone()).or_insert(next)
                }
                var => match &self.nodes[at].var {
                    Some((first, _, node)) if first == var => *node,
                    Some((first, span, _)) => {
                        return Err(Conflict {
                            first: (first.clone(), *span),
                            second: (var.clone(), seg.span),
                        });
                    }
                    None => {
                        self.nodes[at].var = Some((var.clone(), seg.span, next));
                        next
                    }
                },
            };
            if at == next {
                self.nodes.push(Node::default());
            }
        }
        Ok(())
    }
}

pub fn show(seg: &SegmentKind) -> String {
    match seg {
        SegmentKind::Literal(s) => s.clone(),
        SegmentKind::Var(n) => format!("{{{n}}}"),
        SegmentKind::Greedy(n) => format!("{{{n}+}}"),
    }
}

fn var_name(seg: &SegmentKind) -> Option<&str> {
    match seg {
        SegmentKind::Literal(_) => None,
        SegmentKind::Var(n) | SegmentKind::Greedy(n) => Some(n),
    }
}

/// A checked route plus where its target is written (for network checks), or `None` parts.
pub struct Checked {
    pub route: Option<Route>,
    pub target: Option<(String, Span)>,
}

pub fn check_all(ctx: &mut Ctx, syms: &Symbols, routes: &[(&ast::Route, Span)]) -> Vec<Checked> {
    let mut tree = Tree::default();
    // Queried only, never iterated: hashing beats a tree's path comparisons.
    let mut seen: crate::hash::Map<(Method, Vec<SegmentKind>), Span> = Default::default();
    let mut out = Vec::new();
    for (route, span) in routes {
        let method = method(ctx, &route.method);
        let path_ok = path_shape(ctx, &route.path.segments);
        let mut ok = method.is_some() && path_ok;
        if path_ok {
            if let Err(c) = tree.insert(&route.path.segments) {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0403,
                        format!(
                            "`{}` conflicts with `{}` at the same level of the path",
                            show(&c.second.0),
                            show(&c.first.0)
                        ),
                        c.second.1,
                    )
                    .label("a second variable at this level")
                    .secondary(c.first.1, "first variable here")
                    .help(format!(
                        "API Gateway allows one variable per path level: write `{}` here too",
                        show(&c.first.0)
                    )),
                );
                ok = false;
            }
        }
        let path: Vec<SegmentKind> = route.path.segments.iter().map(|s| s.kind.clone()).collect();
        if let (Some(m), true) = (method, path_ok) {
            match seen.entry((m, path.clone())) {
                Entry::Occupied(first) => {
                    let first = *first.get();
                    ctx.diags.push(
                        Diagnostic::new(
                            Code::E0401,
                            format!("duplicate route {} {}", m.as_str(), path_text(&path)),
                            *span,
                        )
                        .label("same method and path as an earlier route")
                        .secondary(first, "first route here")
                        .help("remove one of the two routes"),
                    );
                    ok = false;
                }
                Entry::Vacant(slot) => {
                    slot.insert(*span);
                }
            }
        }
        let target_ok = syms.resolve(
            ctx.diags,
            &route.target.name,
            route.target.span,
            Kind::Service,
        );
        let target_path = match &route.target_path {
            Some(tp) => target_path(ctx, &route.path.segments, tp),
            None => Some(path.iter().map(normalize).collect()),
        };
        let auth = match &route.body {
            Some(body) => body_auth(ctx, route, body),
            None => Some(None),
        };
        ok &= target_ok && target_path.is_some() && auth.is_some();
        out.push(Checked {
            route: match (ok, method, target_path) {
                (true, Some(method), Some(target_path)) => Some(Route {
                    method,
                    path,
                    service: route.target.name.clone(),
                    target_path,
                    auth: auth.flatten(),
                    span: *span,
                }),
                _ => None,
            },
            target: target_ok.then(|| (route.target.name.clone(), route.target.span)),
        });
    }
    out
}

/// A route's block: `auth`, overriding the api's (`Some(None)` when the block leaves it).
fn body_auth(ctx: &mut Ctx, route: &ast::Route, body: &ast::RouteBody) -> Option<Option<Auth>> {
    let kinds: Vec<SegmentKind> = route.path.segments.iter().map(|s| s.kind.clone()).collect();
    let owner = format!("route `{} {}`", route.method.name, path_text(&kinds));
    let attrs = Attrs::gather(ctx, owner, &body.stmts, &ROUTE_ATTRS, &[], Statements::None);
    super::api::auth(ctx, &attrs)
}

/// In a target path a greedy variable is written `{proxy}`: one form for lowering.
fn normalize(seg: &SegmentKind) -> SegmentKind {
    match seg {
        SegmentKind::Greedy(n) => SegmentKind::Var(n.clone()),
        other => other.clone(),
    }
}

pub fn path_text(path: &[SegmentKind]) -> String {
    let parts: Vec<String> = path.iter().map(show).collect();
    format!("/{}", parts.join("/"))
}

fn method(ctx: &mut Ctx, id: &ast::Ident) -> Option<Method> {
    if let Some(m) = Method::parse(&id.name) {
        return Some(m);
    }
    let names = Method::ALL.map(Method::as_str);
    let mut d = Diagnostic::new(
        Code::E0408,
        format!("unknown HTTP method `{}`", id.name),
        id.span,
    )
    .label("not a method");
    let upper = id.name.to_ascii_uppercase();
    d = match Method::parse(&upper)
        .map(Method::as_str)
        .or_else(|| did_you_mean(&upper, names))
    {
        Some(s) => d.help(format!("did you mean `{s}`?")).suggest(id.span, s),
        None => d.help(format!("methods are {}", super::values::list_names(&names))),
    };
    ctx.diags.push(d);
    None
}

/// Greedy only last (E0402); each name bound once (E0409); a `~` the language allows but
/// API Gateway's resource paths do not (W0004).
fn path_shape(ctx: &mut Ctx, segments: &[Segment]) -> bool {
    let mut ok = true;
    let mut bound: BTreeMap<&str, Span> = BTreeMap::new();
    for (i, seg) in segments.iter().enumerate() {
        if matches!(&seg.kind, SegmentKind::Literal(text) if text.contains('~')) {
            ctx.diags.push(
                Diagnostic::new(
                    Code::W0004,
                    format!("API Gateway refuses `~` in a resource path (`{}`)", show(&seg.kind)),
                    seg.span,
                )
                .label("CreateResource will fail on this segment")
                .help("API Gateway path parts allow letters, digits, `.`, `_` and `-`: rename the segment"),
            );
        }
        if matches!(seg.kind, SegmentKind::Greedy(_)) && i + 1 != segments.len() {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0402,
                    format!("greedy segment `{}` is not the last one", show(&seg.kind)),
                    seg.span,
                )
                .label("must end the path")
                .help("a `{name+}` segment matches the rest of the path, so nothing can follow it"),
            );
            ok = false;
        }
        if let Some(name) = var_name(&seg.kind) {
            if let Some(first) = bound.get(name) {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0409,
                        format!("`{name}` is bound twice in this path"),
                        seg.span,
                    )
                    .label("bound again here")
                    .secondary(*first, "first bound here")
                    .help("give each path variable its own name"),
                );
                ok = false;
            } else {
                bound.insert(name, seg.span);
            }
        }
    }
    ok
}

/// Every variable of the target path must be bound by the route's path (E0404).
fn target_path(ctx: &mut Ctx, path: &[Segment], target: &ast::PathLit) -> Option<Vec<SegmentKind>> {
    let bound: Vec<&str> = path.iter().filter_map(|s| var_name(&s.kind)).collect();
    let mut ok = true;
    for (i, seg) in target.segments.iter().enumerate() {
        if matches!(seg.kind, SegmentKind::Greedy(_)) && i + 1 != target.segments.len() {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0402,
                    format!("greedy segment `{}` is not the last one", show(&seg.kind)),
                    seg.span,
                )
                .label("must end the path"),
            );
            ok = false;
        }
        let Some(name) = var_name(&seg.kind) else {
            continue;
        };
        if !bound.contains(&name) {
            let mut d = Diagnostic::new(
                Code::E0404,
                format!("`{name}` is not bound by the route's path"),
                seg.span,
            )
            .label("unbound name");
            d = match did_you_mean(name, bound.iter().copied()) {
                Some(s) => {
                    let written = match seg.kind {
                        SegmentKind::Greedy(_) => format!("{{{s}+}}"),
                        _ => format!("{{{s}}}"),
                    };
                    d.help(format!("did you mean `{written}`?"))
                        .suggest(seg.span, written)
                }
                None if bound.is_empty() => d.help("the route's path binds no names; add `{name}` to it or write a literal segment"),
                None => d.help(format!("the path binds {}", super::values::list_names(&bound))),
            };
            ctx.diags.push(d);
            ok = false;
        }
    }
    ok.then(|| target.segments.iter().map(|s| normalize(&s.kind)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn segs(path: &str, at: usize) -> Vec<Segment> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(i, s)| {
                let kind = if let Some(n) = s.strip_prefix('{').and_then(|s| s.strip_suffix("+}")) {
                    SegmentKind::Greedy(n.into())
                } else if let Some(n) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    SegmentKind::Var(n.into())
                } else {
                    SegmentKind::Literal(s.into())
                };
                Segment {
                    kind,
                    span: Span::new(FileId(0), at + i, at + i + 1),
                }
            })
            .collect()
    }

    #[test]
    fn one_variable_per_level() {
        let mut t = Tree::default();
        assert!(t.insert(&segs("/users/{id}", 0)).is_ok());
        assert!(t.insert(&segs("/users/{id}/orders", 10)).is_ok());
        let c = t.insert(&segs("/users/{uid}/x", 20)).unwrap_err();
        assert_eq!(c.first.0, SegmentKind::Var("id".into()));
        assert_eq!(
            c.second,
            (SegmentKind::Var("uid".into()), Span::new(FileId(0), 21, 22))
        );
    }

    #[test]
    fn greedy_and_plain_variables_conflict_but_literals_do_not() {
        let mut t = Tree::default();
        assert!(t.insert(&segs("/orders/{proxy+}", 0)).is_ok());
        assert!(t.insert(&segs("/{proxy+}", 0)).is_ok());
        assert!(t.insert(&segs("/orders/items", 0)).is_ok());
        assert!(t.insert(&segs("/orders/{id}", 0)).is_err());
        assert!(t.insert(&segs("/", 0)).is_ok());
    }

    #[test]
    fn many_routes_build_one_tree() {
        let mut t = Tree::default();
        for i in 0..10_000 {
            assert!(t.insert(&segs(&format!("/r{i}/{{id}}/x"), 0)).is_ok());
        }
        // root + 10k literals + 10k vars + 10k `x`.
        assert_eq!(t.nodes.len(), 30_001);
    }
}
