//! pest pairs -> AST. The grammar guarantees the shape of every pair, so the walk only
//! decodes (escapes, numbers) and reports what the grammar cannot (bad escapes, overflow).

use super::ast::*;
use super::errors;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::span::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/apr.pest"]
pub(super) struct AprParser;

struct Ctx<'d> {
    file: FileId,
    text: &'d str,
    diags: &'d mut Diagnostics,
    errors: bool,
}

impl Ctx<'_> {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.errors = true;
        self.diags.push(diagnostic);
    }
}

/// Children that carry meaning: no comments, no punctuation.
fn children<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::COMMENT
                | Rule::eq
                | Rule::colon
                | Rule::arrow
                | Rule::comma
                | Rule::lbrace
                | Rule::rbrace
                | Rule::lbracket
                | Rule::rbracket
                | Rule::kw_param
                | Rule::kw_route
                | Rule::kw_allow
                | Rule::kw_on
                | Rule::EOI
        )
    })
}

pub(super) fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Module> {
    // Recursive descent on absurd nesting would exhaust the stack: refuse it up front.
    if let Some(d) = errors::too_deep(file, text) {
        diags.push(d);
        return None;
    }
    let root = match AprParser::parse(Rule::file, text) {
        Ok(mut pairs) => pairs.next()?,
        Err(error) => {
            diags.push(errors::syntax_error(file, text, &error));
            return None;
        }
    };
    let comments = root
        .clone()
        .into_inner()
        .flatten()
        .filter(|p| p.as_rule() == Rule::COMMENT)
        .map(|p| {
            let s = p.as_span();
            Comment {
                text: p.as_str().trim_end().to_string(),
                span: Span::new(file, s.start(), s.end()),
            }
        })
        .collect();
    let mut ctx = Ctx {
        file,
        text,
        diags,
        errors: false,
    };
    let items = children(root).map(|p| item(&mut ctx, p)).collect();
    if ctx.errors {
        return None;
    }
    Some(Module {
        file,
        items,
        comments,
    })
}

fn item(ctx: &mut Ctx, pair: Pair<Rule>) -> Item {
    let span = ctx.span(&pair);
    let kind = match pair.as_rule() {
        Rule::param_decl => {
            let mut inner = children(pair);
            let name = ident(ctx, inner.next().expect("grammar: param name"));
            let rest = inner.next().expect("grammar: param type or default");
            let mut rest_inner = children(rest.clone());
            match rest.as_rule() {
                Rule::param_type => ItemKind::Param {
                    name,
                    ty: Some(ident(ctx, rest_inner.next().expect("grammar: type"))),
                    default: None,
                },
                _ => ItemKind::Param {
                    name,
                    ty: None,
                    default: Some(expr(ctx, rest_inner.next().expect("grammar: default"))),
                },
            }
        }
        _ => ItemKind::Block(block(ctx, pair)),
    };
    Item { kind, span }
}

fn block(ctx: &mut Ctx, pair: Pair<Rule>) -> Block {
    let span = ctx.span(&pair);
    let mut kind = None;
    let mut name = None;
    let mut body = Vec::new();
    for p in children(pair) {
        match p.as_rule() {
            Rule::ident if kind.is_none() => kind = Some(ident(ctx, p)),
            Rule::ident => name = Some(ident(ctx, p)),
            _ => body.push(stmt(ctx, p)),
        }
    }
    trailing_after_route(ctx, &body);
    Block {
        kind: kind.expect("grammar: block kind"),
        name,
        body,
        span,
    }
}

/// W0005: an attribute on the line a route ends on (`route GET /a -> x auth = iam`) reads as
/// the route's, but it is the block's: newlines are not significant, so it sets `auth` for
/// every route of the api.
fn trailing_after_route(ctx: &mut Ctx, body: &[Stmt]) {
    for pair in body.windows(2) {
        let (StmtKind::Route(route), StmtKind::Attr { name, value }) =
            (&pair[0].kind, &pair[1].kind)
        else {
            continue;
        };
        let between = ctx
            .text
            .get(pair[0].span.end as usize..pair[1].span.start as usize)
            .unwrap_or("\n");
        if between.contains(['\n', '\r', '#']) {
            continue;
        }
        let written = ctx
            .text
            .get(name.span.start as usize..value.span.end as usize)
            .unwrap_or(&name.name)
            .to_string();
        let d = Diagnostic::new(
            Code::W0005,
            format!("`{written}` is on the route's line, but it is not the route's"),
            Span {
                end: value.span.end,
                ..name.span
            },
        )
        .label("an attribute of the enclosing block, for all of it")
        .secondary(pair[0].span, "this route does not get it alone");
        // What the line means to say: the route's own block, where the route takes the
        // attribute; otherwise the attribute on a line of its own, plainly the block's.
        let d = if route.body.is_none() && ROUTE_ATTRS.contains(&name.name.as_str()) {
            let head = ctx.text.get(pair[0].span.range()).unwrap_or("route");
            d.help(format!(
                "for this route alone, write it in the route's block: `{head} {{ {written} }}`; on a line of its own it is the api's"
            ))
            .suggest(
                Span {
                    start: pair[0].span.end,
                    ..pair[1].span
                },
                format!(" {{ {written} }}"),
            )
        } else {
            d.help(format!(
                "move `{written}` to a line of its own, where it is plainly the block's"
            ))
            .suggest(
                Span {
                    start: pair[0].span.end,
                    end: name.span.start,
                    ..name.span
                },
                format!("\n{}", indentation(ctx.text, pair[0].span.start as usize)),
            )
        };
        ctx.diags.push(d);
    }
}

/// The white space that starts the line `pos` is on.
fn indentation(text: &str, pos: usize) -> &str {
    let start = text
        .get(..pos)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |n| n + 1);
    let line = text.get(start..).unwrap_or("");
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

fn stmt(ctx: &mut Ctx, pair: Pair<Rule>) -> Stmt {
    let span = ctx.span(&pair);
    let kind = match pair.as_rule() {
        Rule::attr => {
            let mut inner = children(pair);
            let name = ident(ctx, inner.next().expect("grammar: attribute name"));
            let value = expr(ctx, inner.next().expect("grammar: attribute value"));
            StmtKind::Attr { name, value }
        }
        Rule::route => {
            let mut inner = children(pair);
            let method = ident(ctx, inner.next().expect("grammar: method"));
            let path = path(ctx, inner.next().expect("grammar: path"));
            let target = ident(ctx, inner.next().expect("grammar: target"));
            let mut target_path = None;
            let mut body = None;
            for p in inner {
                match p.as_rule() {
                    Rule::path => target_path = Some(self::path(ctx, p)),
                    _ => {
                        let span = ctx.span(&p);
                        let stmts = children(p).map(|s| stmt(ctx, s)).collect();
                        body = Some(RouteBody { stmts, span });
                    }
                }
            }
            let route = Route {
                method,
                path,
                target,
                target_path,
                body,
            };
            // pest's implicit skip before an optional part is not undone when there is none,
            // so the pair's span may run over trailing comments: end at the last token.
            let end = route.end();
            let kind = StmtKind::Route(route);
            return Stmt {
                kind,
                span: Span { end, ..span },
            };
        }
        Rule::allow => {
            let mut inner = children(pair);
            let actions = expr(ctx, inner.next().expect("grammar: actions"));
            let resources = expr(ctx, inner.next().expect("grammar: resources"));
            StmtKind::Allow(Allow { actions, resources })
        }
        _ => StmtKind::Block(block(ctx, pair)),
    };
    Stmt { kind, span }
}

fn ident(ctx: &Ctx, pair: Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: ctx.span(&pair),
    }
}

fn expr(ctx: &mut Ctx, pair: Pair<Rule>) -> Expr {
    let span = ctx.span(&pair);
    let kind = match pair.as_rule() {
        Rule::string => ExprKind::Str(string(ctx, pair)),
        Rule::cidr => ExprKind::Cidr(pair.as_str().to_string()),
        Rule::quantity => {
            let mut inner = children(pair);
            let value = inner.next().expect("grammar: number").as_str().to_string();
            let unit = match inner
                .next()
                .expect("grammar: unit")
                .as_str()
                .to_ascii_lowercase()
                .as_str()
            {
                "vcpu" => Unit::Vcpu,
                "mb" => Unit::Mb,
                "gb" => Unit::Gb,
                "ms" => Unit::Ms,
                "s" => Unit::S,
                "m" => Unit::M,
                _ => Unit::H,
            };
            ExprKind::Quantity(Quantity { value, unit })
        }
        Rule::decimal => ExprKind::Decimal(pair.as_str().to_string()),
        Rule::integer => match pair.as_str().parse::<i64>() {
            Ok(n) => ExprKind::Int(n),
            Err(_) => {
                ctx.error(
                    Diagnostic::new(
                        Code::E0005,
                        format!("the number `{}` is too large", pair.as_str()),
                        span,
                    )
                    .label("out of range")
                    .help("numbers must fit in a signed 64-bit integer"),
                );
                ExprKind::Int(0)
            }
        },
        Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
        Rule::path => ExprKind::Path(path(ctx, pair)),
        Rule::list => ExprKind::List(children(pair).map(|p| expr(ctx, p)).collect()),
        Rule::map => ExprKind::Map(
            children(pair)
                .map(|entry| {
                    let mut inner = children(entry);
                    let key_pair = inner.next().expect("grammar: map key");
                    let key_span = ctx.span(&key_pair);
                    let key = if key_pair.as_rule() == Rule::string {
                        let s = string(ctx, key_pair);
                        let name = s.as_literal().unwrap_or_else(|| {
                            ctx.error(
                                Diagnostic::new(
                                    Code::E0004,
                                    "a map key cannot interpolate a param",
                                    key_span,
                                )
                                .label("interpolation in a key"),
                            );
                            String::new()
                        });
                        MapKey {
                            name,
                            quoted: true,
                            span: key_span,
                        }
                    } else {
                        MapKey {
                            name: key_pair.as_str().to_string(),
                            quoted: false,
                            span: key_span,
                        }
                    };
                    let value = expr(ctx, inner.next().expect("grammar: map value"));
                    MapEntry { key, value }
                })
                .collect(),
        ),
        Rule::name if pair.as_str().contains('.') => ExprKind::Reference(pair.as_str().to_string()),
        _ => ExprKind::Ident(pair.as_str().to_string()),
    };
    Expr { kind, span }
}

fn string(ctx: &mut Ctx, pair: Pair<Rule>) -> StrLit {
    let mut parts: Vec<StrPart> = Vec::new();
    let push_text = |parts: &mut Vec<StrPart>, s: &str| match parts.last_mut() {
        Some(StrPart::Lit(prev)) => prev.push_str(s),
        _ => parts.push(StrPart::Lit(s.to_string())),
    };
    for p in children(pair) {
        match p.as_rule() {
            Rule::str_text => push_text(&mut parts, p.as_str()),
            Rule::escape => {
                let decoded = match &p.as_str()[1..] {
                    "\"" => "\"",
                    "\\" => "\\",
                    "n" => "\n",
                    "t" => "\t",
                    "$" => "$",
                    other => {
                        let span = ctx.span(&p);
                        ctx.error(
                            Diagnostic::new(
                                Code::E0004,
                                format!("unknown escape `\\{other}`"),
                                span,
                            )
                            .label("not a valid escape")
                            .help("the escapes are \\\" \\\\ \\n \\t and \\$"),
                        );
                        ""
                    }
                };
                push_text(&mut parts, decoded);
            }
            Rule::interp_open => {
                let span = ctx.span(&p);
                ctx.error(
                    Diagnostic::new(Code::E0004, "`${` is never closed", span)
                        .label("no `}` before the string ends")
                        .help("close it: `${name}`; or write `\\${` for a literal `${`"),
                );
            }
            _ => {
                // interp: `${` body `}`
                let span = ctx.span(&p);
                let body = children(p)
                    .next()
                    .map(|b| b.as_str().trim().to_string())
                    .unwrap_or_default();
                // A param (`${name}`) or a reference (`${orders.url}`).
                let valid = body.split('.').all(|name| {
                    name.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                });
                if valid {
                    parts.push(StrPart::Interp(Ident { name: body, span }));
                } else {
                    ctx.error(
                        Diagnostic::new(
                            Code::E0004,
                            format!("`${{{body}}}` names no param or reference"),
                            span,
                        )
                        .label("expected `${name}` or `${name.url}`")
                        .help("write `\\$` for a literal dollar sign"),
                    );
                }
            }
        }
    }
    StrLit { parts }
}

fn path(ctx: &mut Ctx, pair: Pair<Rule>) -> PathLit {
    let span = ctx.span(&pair);
    let segments = children(pair)
        .map(|p| {
            let seg_span = ctx.span(&p);
            let kind = match p.as_rule() {
                Rule::greedy_var => SegmentKind::Greedy(
                    children(p)
                        .next()
                        .map(|i| i.as_str().to_string())
                        .unwrap_or_default(),
                ),
                Rule::path_var => SegmentKind::Var(
                    children(p)
                        .next()
                        .map(|i| i.as_str().to_string())
                        .unwrap_or_default(),
                ),
                _ => SegmentKind::Literal(p.as_str().to_string()),
            };
            Segment {
                kind,
                span: seg_span,
            }
        })
        .collect();
    PathLit { segments, span }
}
