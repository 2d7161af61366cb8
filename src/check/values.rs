//! Typed extraction of attribute values. A block body is first gathered into [`Attrs`]
//! (unknown and repeated attributes and nested blocks reported once, here), then each checker
//! asks for the attributes it knows with the type it wants; a wrong type is one E0103
//! "expected X, found Y" on the value, so construct checkers never match on raw `Expr`s.

use super::Ctx;
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::span::Span;
use crate::syntax::ast::{
    Allow, Block, Expr, ExprKind, Ident, MapEntry, Quantity, Route, Stmt, StmtKind, StrLit,
    StrPart, Unit,
};
use crate::text::{Text, TextPart};
use std::collections::BTreeMap;

/// Which statements other than attributes and nested blocks a block takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statements {
    None,
    /// An api's `route` statements.
    Routes,
    /// A service's `allow` statements.
    Allows,
}

/// The attributes, nested blocks, routes and grants of one block body, each name at most once.
pub struct Attrs<'a> {
    /// What the block is called in messages (`service \`orders\``).
    pub owner: String,
    values: BTreeMap<&'a str, (&'a Expr, Span)>,
    pub blocks: BTreeMap<&'a str, &'a Block>,
    pub routes: Vec<(&'a Route, Span)>,
    pub allows: Vec<(&'a Allow, Span)>,
    /// The known names that an unknown attribute was reported as a misspelling of: such a
    /// name is not also missing ([`Attrs::missing`]), one mistake being one error.
    misspelt: Vec<&'static str>,
}

impl<'a> Attrs<'a> {
    /// Gathers `body`, reporting names not in `known`/`nested` (E0101), repeats (E0102,
    /// E0114) and statements other than `statements` (E0101).
    pub fn gather(
        ctx: &mut Ctx,
        owner: String,
        body: &'a [Stmt],
        known: &[&'static str],
        nested: &[&'static str],
        statements: Statements,
    ) -> Self {
        let mut attrs = Attrs {
            owner,
            values: BTreeMap::new(),
            blocks: BTreeMap::new(),
            routes: Vec::new(),
            allows: Vec::new(),
            misspelt: Vec::new(),
        };
        for stmt in body {
            match &stmt.kind {
                StmtKind::Attr { name, value } => {
                    if !known.contains(&name.name.as_str()) {
                        let mut d = Diagnostic::new(
                            Code::E0101,
                            format!("unknown attribute `{}` in {}", name.name, attrs.owner),
                            name.span,
                        )
                        .label("unknown attribute");
                        if let Some(s) = did_you_mean(&name.name, known.iter().copied()) {
                            // Renaming it onto an attribute the block already sets would
                            // repeat that one: then this line is the one to remove.
                            let taken = body.iter().any(|other| {
                                matches!(&other.kind, StmtKind::Attr { name: n, .. } if n.name == s)
                            });
                            d = if taken {
                                d.help(format!("`{s}` is already set: remove this line"))
                                    .suggest(stmt.span, "")
                            } else {
                                // Read on as the attribute it was meant to be: one mistake
                                // is one error, not also a default that does not fit.
                                attrs.values.insert(s, (value, name.span));
                                d.help(format!("did you mean `{s}`?")).suggest(name.span, s)
                            };
                            attrs.misspelt.push(s);
                        } else {
                            d = d.help(format!("{} takes {}", attrs.owner, list_names(known)));
                        }
                        ctx.diags.push(d);
                    } else if let Some((_, first)) = attrs.values.get(name.name.as_str()) {
                        ctx.diags.push(
                            Diagnostic::new(
                                Code::E0102,
                                format!("`{}` is set more than once", name.name),
                                name.span,
                            )
                            .label("set again here")
                            .secondary(*first, "first set here")
                            .help("remove one of them"),
                        );
                    } else {
                        attrs.values.insert(&name.name, (value, name.span));
                    }
                }
                StmtKind::Block(block) => {
                    let kind = block.kind.name.as_str();
                    if !nested.contains(&kind) {
                        let mut d = Diagnostic::new(
                            Code::E0101,
                            format!("unknown block `{kind}` in {}", attrs.owner),
                            block.kind.span,
                        )
                        .label("unknown block");
                        let written = |s: &str| {
                            body.iter().any(|other| {
                                matches!(&other.kind, StmtKind::Block(b) if b.kind.name == s)
                            })
                        };
                        d = match did_you_mean(
                            kind,
                            nested.iter().copied().chain(known.iter().copied()),
                        ) {
                            Some(s) if nested.contains(&s) && !written(s) => {
                                // Read on as the block it was meant to be.
                                attrs.blocks.insert(s, block);
                                d.help(format!("did you mean `{s}`?"))
                                    .suggest(block.kind.span, s)
                            }
                            Some(s) => d.help(format!("did you mean `{s}`?")),
                            None if nested.is_empty() => {
                                d.help(format!("{} has no nested blocks", attrs.owner))
                            }
                            None => d.help(format!(
                                "{} takes the blocks {}",
                                attrs.owner,
                                list_names(nested)
                            )),
                        };
                        ctx.diags.push(d);
                    } else if let Some(first) = attrs.blocks.get(kind) {
                        ctx.diags.push(
                            Diagnostic::new(
                                Code::E0114,
                                format!("`{kind}` block appears more than once"),
                                block.kind.span,
                            )
                            .label("repeated here")
                            .secondary(first.kind.span, "first block here")
                            .help(format!("merge the two `{kind}` blocks into one")),
                        );
                    } else {
                        attrs.blocks.insert(kind, block);
                    }
                }
                StmtKind::Route(route) => {
                    // From the method to the target: the statement's own span can run on
                    // over the whitespace that precedes an optional target path.
                    let span = Span {
                        end: route.end(),
                        ..stmt.span
                    };
                    if statements == Statements::Routes {
                        attrs.routes.push((route, span));
                    } else {
                        ctx.diags.push(
                            Diagnostic::new(
                                Code::E0101,
                                format!("`route` is not allowed in {}", attrs.owner),
                                span,
                            )
                            .label("route outside an api")
                            .help("routes belong in an `api` block"),
                        );
                    }
                }
                StmtKind::Allow(allow) => {
                    if statements == Statements::Allows {
                        attrs.allows.push((allow, stmt.span));
                    } else {
                        ctx.diags.push(
                            Diagnostic::new(
                                Code::E0101,
                                format!("`allow` is not allowed in {}", attrs.owner),
                                stmt.span,
                            )
                            .label("a grant outside a service")
                            .help("`allow` is a statement of a `service` block itself"),
                        );
                    }
                }
            }
        }
        attrs
    }

    /// Whether `name` is absent and no unknown attribute was reported as its misspelling:
    /// what a "missing attribute" error asks before it is reported.
    pub fn missing(&self, name: &str) -> bool {
        self.get(name).is_none() && !self.misspelt.contains(&name)
    }

    pub fn get(&self, name: &str) -> Option<&'a Expr> {
        self.values.get(name).map(|(e, _)| *e)
    }

    /// The span of the attribute's name, for labels that point at the whole setting.
    pub fn name_span(&self, name: &str) -> Option<Span> {
        self.values.get(name).map(|(_, s)| *s)
    }

    pub fn string(&self, ctx: &mut Ctx, name: &str) -> Option<(Text, Span)> {
        let e = self.get(name)?;
        expect_string(ctx, e, name).map(|t| (t, e.span))
    }

    /// A string that must not use params (the model keeps it as plain text); `why` is the
    /// help line saying why.
    pub fn literal(&self, ctx: &mut Ctx, name: &str, why: &str) -> Option<(String, Span)> {
        let e = self.get(name)?;
        expect_literal(ctx, e, name, why).map(|t| (t, e.span))
    }

    pub fn int(&self, ctx: &mut Ctx, name: &str) -> Option<(i64, Span)> {
        let e = self.get(name)?;
        match &e.kind {
            ExprKind::Int(i) => Some((*i, e.span)),
            _ => mismatch(ctx, e, name, "an integer"),
        }
    }

    pub fn bool(&self, ctx: &mut Ctx, name: &str) -> Option<(bool, Span)> {
        let e = self.get(name)?;
        // The usual other spellings of a yes or no, read as the boolean they mean.
        let yes_or_no = |word: &str| match word.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "enabled" | "enable" | "y" => Some(true),
            "false" | "no" | "off" | "disabled" | "disable" | "n" | "none" => Some(false),
            _ => None,
        };
        let meant = match &e.kind {
            ExprKind::Bool(b) => return Some((*b, e.span)),
            ExprKind::Ident(word) => yes_or_no(word),
            ExprKind::Str(s) => s.as_literal().and_then(|w| yes_or_no(&w)),
            ExprKind::Int(1) => Some(true),
            ExprKind::Int(0) => Some(false),
            _ => None,
        };
        match meant {
            // Read as the boolean it means, so that what follows from that value is reported
            // now, not once the fix is made.
            Some(b) => {
                mark_params_used(ctx, e);
                let d = mismatch_diag(e, name, "`true` or `false`");
                let d = fixed(d, format!("write `{name} = {b}`"), e.span, b.to_string());
                ctx.diags.push(d);
                Some((b, e.span))
            }
            None => mismatch(ctx, e, name, "`true` or `false`"),
        }
    }

    /// One of a fixed set of keyword values (`private`, `public`).
    pub fn keyword(
        &self,
        ctx: &mut Ctx,
        name: &str,
        allowed: &[&'static str],
    ) -> Option<(&'static str, Span)> {
        let e = self.get(name)?;
        // Only diagnostics need the list; building it for every valid value cost 2% of
        // checking a large spec.
        let expected = || list_names(allowed);
        match &e.kind {
            ExprKind::Ident(word) => match allowed.iter().find(|a| **a == word) {
                Some(a) => Some((*a, e.span)),
                None => {
                    let expected = expected();
                    let mut d = Diagnostic::new(
                        Code::E0103,
                        format!("`{name}` must be {expected}, found `{word}`"),
                        e.span,
                    )
                    .label("not an allowed value");
                    d = match (
                        did_you_mean(word, allowed.iter().copied()),
                        synonym(word, allowed),
                    ) {
                        (Some(s), _) => d.help(format!("did you mean `{s}`?")).suggest(e.span, s),
                        (None, Some(s)) => d
                            .help(format!(
                                "write `{name} = {s}` (`{word}` is called `{s}` here)"
                            ))
                            .suggest(e.span, s),
                        (None, None) => d.help(format!("write one of {expected}")),
                    };
                    ctx.diags.push(d);
                    None
                }
            },
            // A number or boolean: name the words it takes.
            ExprKind::Int(_) | ExprKind::Decimal(_) | ExprKind::Bool(_) => {
                let expected = expected();
                let d = mismatch_diag(e, name, &expected).help(format!("write one of {expected}"));
                ctx.diags.push(d);
                None
            }
            // A quoted word: unquoted, as the word it is or was meant to be, when there is one.
            // A quoted word: unquoted, as the word it is or was meant to be. One it is (or
            // another name of one) is read as that keyword, so that what follows from it is
            // reported now; a misspelt one is not read, as unquoted.
            ExprKind::Str(s) => {
                let expected = expected();
                let read = keyword_of(e, allowed);
                let meant = read.or_else(|| {
                    s.as_literal()
                        .and_then(|w| did_you_mean(&w, allowed.iter().copied()))
                });
                mark_params_used(ctx, e);
                let d = mismatch_diag(e, name, &expected);
                let d = match meant {
                    Some(m) => fixed(
                        d,
                        format!("write it without quotes: `{name} = {m}`"),
                        e.span,
                        m.to_string(),
                    ),
                    None => {
                        let mut d = d.help(format!("write one of {expected}"));
                        d.suggestions.clear();
                        d
                    }
                };
                ctx.diags.push(d);
                read.map(|k| (k, e.span))
            }
            _ => mismatch(ctx, e, name, &expected()),
        }
    }

    /// A quantity in one of `units`. A bare number gets a help line with `unitless`'s
    /// reading of it (`4096` -> `4 gb`), which must be a value that checks; with none, the
    /// help names the unit only.
    pub fn quantity(
        &self,
        ctx: &mut Ctx,
        name: &str,
        units: &[Unit],
        expected: &str,
        unitless: impl Fn(f64) -> Option<String>,
    ) -> Option<(&'a Quantity, Span)> {
        let e = self.get(name)?;
        match &e.kind {
            ExprKind::Quantity(q) if units.contains(&q.unit) => Some((q, e.span)),
            // A bare number: say which unit it needs.
            ExprKind::Int(_) | ExprKind::Decimal(_) => {
                let number = match &e.kind {
                    ExprKind::Int(i) => i.to_string(),
                    ExprKind::Decimal(d) => d.clone(),
                    _ => String::new(),
                };
                let d = mismatch_diag(e, name, expected);
                ctx.diags
                    .push(match number.parse::<f64>().ok().and_then(&unitless) {
                        Some(value) => d
                            .help(format!("write it with its unit: `{name} = {value}`"))
                            .suggest(e.span, value),
                        None => d.help(format!("add the unit: {expected}")),
                    });
                None
            }
            _ => mismatch(ctx, e, name, expected),
        }
    }

    /// A name written bare (`network = core`); resolution is the caller's.
    pub fn ident(&self, ctx: &mut Ctx, name: &str, expected: &str) -> Option<(&'a str, Span)> {
        let e = self.get(name)?;
        match &e.kind {
            ExprKind::Ident(word) => Some((word.as_str(), e.span)),
            _ => mismatch(ctx, e, name, expected),
        }
    }

    pub fn map(&self, ctx: &mut Ctx, name: &str) -> Option<&'a [MapEntry]> {
        let e = self.get(name)?;
        match &e.kind {
            ExprKind::Map(entries) => {
                let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
                for entry in entries {
                    if let Some(first) = seen.get(entry.key.name.as_str()) {
                        ctx.diags.push(
                            Diagnostic::new(
                                Code::E0102,
                                format!("`{}` is set more than once in `{name}`", entry.key.name),
                                entry.key.span,
                            )
                            .label("set again here")
                            .secondary(*first, "first set here")
                            .help("remove one of them"),
                        );
                    } else {
                        seen.insert(&entry.key.name, entry.key.span);
                    }
                }
                Some(entries)
            }
            _ => mismatch(ctx, e, name, "a map"),
        }
    }

    pub fn list(&self, ctx: &mut Ctx, name: &str) -> Option<(&'a [Expr], Span)> {
        let e = self.get(name)?;
        match &e.kind {
            ExprKind::List(items) => Some((items, e.span)),
            _ => mismatch(ctx, e, name, "a list"),
        }
    }
}

/// A string value, its params resolved (E0111) and marked used.
pub fn expect_string(ctx: &mut Ctx, e: &Expr, what: &str) -> Option<Text> {
    match &e.kind {
        ExprKind::Str(s) => text_of(ctx, s),
        _ => mismatch(ctx, e, what, "a string"),
    }
}

/// A string with no `${param}`: values the model keeps as plain text (the region, param
/// defaults); `why` is the help line.
pub fn expect_literal(ctx: &mut Ctx, e: &Expr, what: &str, why: &str) -> Option<String> {
    let text = expect_string(ctx, e, what)?;
    match text.as_literal() {
        Some(s) => Some(s),
        None => {
            ctx.diags.push(
                Diagnostic::new(Code::E0103, format!("`{what}` cannot use a param"), e.span)
                    .label("expected a plain string, found an interpolated string")
                    .help(why),
            );
            None
        }
    }
}

/// Builds a [`Text`], reporting unknown params and recording the known ones as used.
/// A string as a [`Text`] without judging it (nothing reported, no param marked used), for a
/// look ahead; `None` with a URL reference in it.
pub fn plain_text(s: &StrLit) -> Option<Text> {
    let mut text = Text::default();
    for part in &s.parts {
        match part {
            StrPart::Lit(l) => text.push(TextPart::Lit(l.clone())),
            StrPart::Interp(id) if id.name.contains('.') => return None,
            StrPart::Interp(id) => text.push(TextPart::Param(id.name.clone())),
        }
    }
    Some(text)
}

pub fn text_of(ctx: &mut Ctx, s: &StrLit) -> Option<Text> {
    let mut text = Text::default();
    let mut ok = true;
    for part in &s.parts {
        match part {
            StrPart::Lit(l) => text.push(TextPart::Lit(l.clone())),
            // A URL reference where only params go: `env` is where a service gets URLs.
            StrPart::Interp(id) if id.name.contains('.') => {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0714,
                        format!("`${{{}}}` is a reference, which only `env` takes", id.name),
                        id.span,
                    )
                    .label("not a param")
                    .help(
                        "a service gets another declaration's URL through a variable of its `env`",
                    ),
                );
                ok = false;
            }
            StrPart::Interp(id) => match param(ctx, id) {
                Some(p) => text.push(p),
                None => ok = false,
            },
        }
    }
    ok.then_some(text)
}

/// `${name}`: the param, recorded as used, or E0111 when there is none of that name.
pub fn param(ctx: &mut Ctx, id: &Ident) -> Option<TextPart> {
    if ctx.params.contains_key(&id.name) {
        ctx.used_params.insert(id.name.clone());
        return Some(TextPart::Param(id.name.clone()));
    }
    let mut d = Diagnostic::new(Code::E0111, format!("unknown param `{}`", id.name), id.span)
        .label("no param of this name");
    d = match did_you_mean(&id.name, ctx.params.keys().map(String::as_str)) {
        Some(s) => d
            .help(format!("did you mean `{s}`?"))
            .suggest(id.span, format!("${{{s}}}")),
        None => d.help(format!("declare it: `param {} : string`", id.name)),
    };
    ctx.diags.push(d);
    None
}

/// Reports "expected X, found Y" and yields nothing, so callers can `return mismatch(..)`.
pub fn mismatch<T>(ctx: &mut Ctx, e: &Expr, what: &str, expected: &str) -> Option<T> {
    mismatch_with_help(ctx, e, what, expected, None)
}

/// [`mismatch`] for a quoted value, with the caller's reading of it unquoted when it has one
/// (a value that checks, not merely the text without its quotes).
pub fn mismatch_with_help<T>(
    ctx: &mut Ctx,
    e: &Expr,
    what: &str,
    expected: &str,
    unquoted: Option<String>,
) -> Option<T> {
    if let ExprKind::Reference(r) = &e.kind {
        ctx.diags.push(
            Diagnostic::new(
                Code::E0714,
                format!("`{r}` is a reference, which only `env` takes"),
                e.span,
            )
            .label(format!("not {expected}"))
            .help("a service gets another declaration's URL through a variable of its `env`"),
        );
        return None;
    }
    mark_params_used(ctx, e);
    let d = mismatch_diag(e, what, expected);
    ctx.diags.push(match unquoted {
        Some(value) => d
            .help(format!("write it without quotes: `{what} = {value}`"))
            .suggest(e.span, value),
        None => d,
    });
    None
}

fn mismatch_diag(e: &Expr, what: &str, expected: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0103,
        format!(
            "wrong type for `{what}`: expected {expected}, found {}",
            e.type_name()
        ),
        e.span,
    )
    .label(format!("expected {expected}"));
    // The common slip: a number, keyword or name written in quotes (`port = "8080"`).
    if let ExprKind::Str(s) = &e.kind {
        let plain = s.as_literal().filter(|l| {
            let ident = l
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            let number = !l.is_empty() && l.chars().all(|c| c.is_ascii_digit() || c == '.');
            ident || number
        });
        if let Some(plain) = plain.filter(|_| !expected.contains("string")) {
            d = d
                .help(format!("write it without quotes: `{what} = {plain}`"))
                .suggest(e.span, plain);
        }
    }
    if let (ExprKind::Decimal(written), "an integer") = (&e.kind, expected) {
        // `8080.0` is `8080` written as a decimal.
        d = match written.split_once('.') {
            Some((whole, zeros)) if zeros.bytes().all(|b| b == b'0') => {
                d.help(format!("write a whole number: `{what} = {whole}`"))
            }
            _ => d.help("write a whole number"),
        };
    }
    d
}

/// A param default that is not a string: any string is a default, so quoting it is the fix.
pub fn unquoted_default(ctx: &mut Ctx, e: &Expr, name: &str) -> bool {
    let written = match &e.kind {
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Decimal(s) | ExprKind::Ident(s) | ExprKind::Cidr(s) => s.clone(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Quantity(q) => format!("{}{}", q.value, q.unit.as_str()),
        _ => return false,
    };
    let quoted = crate::syntax::quote(&written);
    ctx.diags.push(
        mismatch_diag(e, name, "a string")
            .help(format!(
                "a param's value is a string: write `param {name} = {quoted}`"
            ))
            .suggest(e.span, quoted),
    );
    true
}

/// The keyword of `allowed` that `e` stands for without a diagnostic's help: the word itself,
/// or a quoted word that is one of them or another name of one (`"fargate"`). A misspelt
/// word is not read (what it was meant to be is a guess).
pub fn keyword_of(e: &Expr, allowed: &[&'static str]) -> Option<&'static str> {
    match &e.kind {
        ExprKind::Ident(w) => allowed.iter().copied().find(|a| a == w),
        ExprKind::Str(s) => s.as_literal().and_then(|w| {
            allowed
                .iter()
                .copied()
                .find(|a| *a == w)
                .or_else(|| synonym(&w, allowed))
        }),
        _ => None,
    }
}

/// `d` with `help` as its help line and `value` in place of `span` as its one fix (any fix
/// it proposed before replaced).
fn fixed(mut d: Diagnostic, help: String, span: Span, value: String) -> Diagnostic {
    d.suggestions.clear();
    d.help(help).suggest(span, value)
}

/// A keyword of `allowed` known by another name: `fargate` is `ecs`, `app_runner` is
/// `apprunner`.
pub fn synonym(word: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let meant = match word.to_ascii_lowercase().as_str() {
        "fargate" | "ecs_fargate" | "ecs-fargate" => "ecs",
        "app_runner" | "app-runner" => "apprunner",
        _ => return None,
    };
    allowed.iter().copied().find(|a| *a == meant)
}

/// Every param a value interpolates, marked used: a value of the wrong type still names
/// them, and "never used" beside its type error would be a second, wrong diagnostic.
fn mark_params_used(ctx: &mut Ctx, e: &Expr) {
    match &e.kind {
        ExprKind::Str(s) => {
            for part in &s.parts {
                if let StrPart::Interp(id) = part {
                    if ctx.params.contains_key(&id.name) {
                        ctx.used_params.insert(id.name.clone());
                    }
                }
            }
        }
        ExprKind::List(items) => items.iter().for_each(|item| mark_params_used(ctx, item)),
        ExprKind::Map(entries) => entries
            .iter()
            .for_each(|entry| mark_params_used(ctx, &entry.value)),
        _ => {}
    }
}

/// `a`, `b` or `c`, each in backticks.
pub fn list_names(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.len() {
        0 => "nothing".to_string(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// A number as written (`0.25`, `2`) in thousandths, exactly; `None` if it has more than
/// three decimals or does not fit.
pub fn thousandths(value: &str) -> Option<u64> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    if frac.len() > 3
        || int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let mut frac_val: u64 = 0;
    for i in 0..3 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
        frac_val = frac_val * 10 + digit;
    }
    int.checked_mul(1000)?.checked_add(frac_val)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousandths_are_exact() {
        assert_eq!(thousandths("0.25"), Some(250));
        assert_eq!(thousandths("2"), Some(2000));
        assert_eq!(thousandths("1.5"), Some(1500));
        assert_eq!(thousandths("0.0001"), None);
        assert_eq!(thousandths("99999999999999999999"), None);
    }

    #[test]
    fn lists_names_in_prose() {
        assert_eq!(list_names(&["a"]), "`a`");
        assert_eq!(list_names(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
