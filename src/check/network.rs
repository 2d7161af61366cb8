//! `network` blocks: a created VPC (`cidr`, `zones`, `subnet_size`) or an existing one
//! (`vpc_id`, `subnet_ids`), never both (E0204); CIDR validity and fit (E0201-E0203,
//! E0206, E0207), id shapes (E0208), and the one-zone warning (W0002).

use super::cidr::{self, CidrError};
use super::symbols::{Decl, Symbols};
use super::values::{expect_string, mismatch, mismatch_with_help, Attrs, Statements};
use super::Ctx;
use crate::diag::{Code, Diagnostic};
use crate::model::{Network, NetworkSource};
use crate::span::Span;
use crate::syntax::ast::ExprKind;
use crate::text::Text;
use std::collections::BTreeMap;

const ATTRS: [&str; 6] = [
    "cidr",
    "zones",
    "subnet_size",
    "vpc_id",
    "subnet_ids",
    "nat",
];

pub struct Checked {
    pub model: Option<Network>,
}

pub fn check_all(ctx: &mut Ctx, syms: &Symbols) -> BTreeMap<String, Checked> {
    syms.networks
        .iter()
        .map(|(name, decl)| {
            (
                name.to_string(),
                Checked {
                    model: check(ctx, *decl),
                },
            )
        })
        .collect()
}

pub fn check(ctx: &mut Ctx, decl: Decl) -> Option<Network> {
    let name = decl.name.name.clone();
    let attrs = Attrs::gather(
        ctx,
        format!("network `{name}`"),
        &decl.block.body,
        &ATTRS,
        &[],
        Statements::None,
    );
    let nat = match attrs.bool(ctx, "nat") {
        Some((nat, _)) => Some(nat),
        None if attrs.get("nat").is_some() => None,
        None => Some(false),
    };
    let cidr_expr = attrs.get("cidr");
    let vpc_expr = attrs.get("vpc_id");
    let source = match (cidr_expr, vpc_expr) {
        (Some(_), Some(vpc)) => {
            let first = attrs.name_span("cidr").unwrap_or(vpc.span);
            ctx.diags.push(
                Diagnostic::new(Code::E0204, format!("network `{name}` sets both `cidr` and `vpc_id`"), vpc.span)
                    .label("an existing VPC")
                    .secondary(first, "a VPC to create")
                    .help("keep `cidr` to create a VPC, or `vpc_id` with `subnet_ids` to use an existing one"),
            );
            None
        }
        (None, None) if attrs.missing("cidr") && attrs.missing("vpc_id") => {
            ctx.diags.push(
                Diagnostic::new(Code::E0204, format!("network `{name}` needs `cidr` or `vpc_id`"), decl.name.span)
                    .label("neither `cidr` nor `vpc_id`")
                    .help("add `cidr = 10.0.0.0/16` to create a VPC, or `vpc_id` and `subnet_ids` to use one"),
            );
            None
        }
        // One of them misspelt: reported as such, not also as missing.
        (None, None) => None,
        (Some(_), None) => created(ctx, &attrs, decl, nat.unwrap_or(false)),
        (None, Some(_)) => existing(ctx, &attrs),
    };
    let span = decl.name.span;
    let nat = nat?;
    source.map(|source| Network {
        name,
        span,
        source,
        nat,
    })
}

/// `nat`: the block also holds a public subnet per zone, after the private ones.
fn created(ctx: &mut Ctx, attrs: &Attrs, decl: Decl, nat: bool) -> Option<NetworkSource> {
    let per_zone: u8 = if nat { 2 } else { 1 };
    if let Some(span) = attrs.name_span("subnet_ids") {
        ctx.diags.push(
            Diagnostic::new(Code::E0205, "`subnet_ids` goes with `vpc_id`", span)
                .label("subnets of an existing VPC")
                .help("a network with `cidr` creates its own subnets; remove `subnet_ids`"),
        );
    }
    let expr = attrs.get("cidr")?;
    let zones = match attrs.int(ctx, "zones") {
        Some((z, span)) if !(1..=6).contains(&z) => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0206,
                    format!("`zones` must be 1 to 6, found {z}"),
                    span,
                )
                .label("out of range")
                .help("App Runner's VPC endpoint spans 1 to 6 availability zones"),
            );
            None
        }
        Some((z, span)) => {
            if z == 1 {
                // `zones = 2` is a fix only where the block has room for a second subnet.
                let written = |name: &str| attrs.get(name).map(|e| &e.kind);
                let size = match written("subnet_size") {
                    None => Some(24),
                    Some(ExprKind::Int(n)) => u8::try_from(*n).ok(),
                    Some(_) => None,
                };
                let room = match (written("cidr"), size) {
                    (Some(ExprKind::Cidr(text)), Some(size)) => {
                        cidr::parse(text).is_ok_and(|(_, prefix)| {
                            size >= prefix
                                && cidr::subnets_available(prefix, size) >= 2 * u64::from(per_zone)
                        })
                    }
                    _ => false,
                };
                let d = Diagnostic::new(
                    Code::W0002,
                    format!(
                        "network `{}` has only one availability zone",
                        decl.name.name
                    ),
                    span,
                )
                .label("one zone");
                ctx.diags.push(if room {
                    d.help("use `zones = 2` or more for high availability")
                        .suggest(span, "2")
                } else {
                    d.help("for high availability, give the network a block with room for a subnet in each of two zones, and two zones")
                });
            }
            Some(z as u8)
        }
        None if attrs.get("zones").is_some() => None,
        None => Some(2),
    };
    let size_span = attrs.get("subnet_size").map(|e| e.span);
    let subnet_size = match attrs.int(ctx, "subnet_size") {
        // Outside what any VPC's subnets can be: wrong whatever the block, so said now.
        Some((s, span)) if !(16..=28).contains(&s) => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0207,
                    format!("`subnet_size` must be /16 to /28, found /{s}"),
                    span,
                )
                .label("invalid subnet size")
                .help("pick a subnet size from 16 to 28"),
            );
            None
        }
        Some((s, _)) => u8::try_from(s).ok().or(Some(u8::MAX)),
        None if size_span.is_some() => None,
        None => Some(24),
    };
    // The smallest block a proposed fix may be: one that holds a subnet per zone.
    let fits = match (zones, subnet_size) {
        (Some(z), Some(s)) if (VPC_PREFIXES.0..=VPC_PREFIXES.1).contains(&s) => {
            let subnets = u32::from(z) * u32::from(per_zone);
            let bits = u8::try_from(subnets.next_power_of_two().trailing_zeros()).unwrap_or(0);
            s.saturating_sub(bits).clamp(VPC_PREFIXES.0, VPC_PREFIXES.1)
        }
        _ => VPC_PREFIXES.1,
    };
    let expected = "a CIDR block such as `10.0.0.0/16`";
    let block = match &expr.kind {
        ExprKind::Cidr(text) => cidr_block(ctx, text, expr.span, fits),
        // A block in quotes: the help unquotes it, moved to a block that fits if it is not one.
        ExprKind::Str(s) => {
            let help = s.as_literal().and_then(|l| match cidr::parse(&l) {
                Ok((_, p)) if (VPC_PREFIXES.0..=fits).contains(&p) => Some(l),
                _ => cidr::within(&l, VPC_PREFIXES.0, fits),
            });
            mismatch_with_help(ctx, expr, "cidr", expected, help)
        }
        _ => mismatch(ctx, expr, "cidr", expected),
    };
    let (base, prefix) = block?;
    let (zones, subnet_size) = (zones?, subnet_size?);
    if subnet_size < prefix || subnet_size > 28 {
        let span = size_span.unwrap_or(expr.span);
        let d = Diagnostic::new(
            Code::E0207,
            format!("`subnet_size` must be between /{prefix} (the VPC's prefix) and /28"),
            span,
        )
        .label(if size_span.is_some() {
            "invalid subnet size".to_string()
        } else {
            format!("the default /24 is larger than this /{prefix} block")
        })
        .help(format!("pick a subnet size from {prefix} to 28"));
        ctx.diags.push(d);
        return None;
    }
    let available = cidr::subnets_available(prefix, subnet_size);
    let needed = u64::from(zones) * u64::from(per_zone);
    if needed > available {
        let mut d = Diagnostic::new(
            Code::E0203,
            format!(
                "{needed} subnets of /{subnet_size} need {} addresses, but /{prefix} has {}{}",
                needed * cidr::addresses(subnet_size),
                cidr::addresses(prefix),
                if nat {
                    " (`nat` adds a public subnet per zone)"
                } else {
                    ""
                }
            ),
            expr.span,
        )
        .label(format!("room for {available} subnet(s) of /{subnet_size}"));
        if let Some(span) = attrs.get("zones").map(|e| e.span) {
            d = d.secondary(span, "one subnet per zone");
        }
        if let Some(span) = attrs.get("nat").filter(|_| nat).map(|e| e.span) {
            d = d.secondary(span, "and a public one per zone");
        }
        if let Some(span) = size_span {
            d = d.secondary(span, "subnet size");
        }
        ctx.diags.push(d.help(
            "use a larger block, fewer zones, or a larger `subnet_size` number (smaller subnets)",
        ));
        return None;
    }
    Some(NetworkSource::Create {
        base,
        prefix,
        zones,
        subnet_size,
    })
}

/// The prefixes a VPC block may have.
const VPC_PREFIXES: (u8, u8) = (16, 28);

/// E0201 (validity) then E0202 (/16 to /28, what a VPC accepts). A proposed fix is a block
/// that passes both and is no smaller than `/fits` (room for the network's subnets).
fn cidr_block(ctx: &mut Ctx, text: &str, span: Span, fits: u8) -> Option<(u32, u8)> {
    let (min, max) = VPC_PREFIXES;
    let fixed = cidr::within(text, min, fits).unwrap_or_default();
    match cidr::parse(text) {
        Ok((_, prefix)) if !(min..=max).contains(&prefix) => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0202,
                    format!("a VPC block must be /16 to /28, found /{prefix}"),
                    span,
                )
                .label("prefix out of range")
                .help(format!("use a /16 to /28 block, such as `cidr = {fixed}`"))
                .suggest(span, fixed),
            );
            None
        }
        Ok(ok) => Some(ok),
        Err(e) => {
            let d = match e {
                CidrError::Octet(i, octet) => Diagnostic::new(
                    Code::E0201,
                    format!("invalid CIDR block `{text}`: octet {} is `{octet}`", i + 1),
                    span,
                )
                .label("each octet must be 0 to 255"),
                CidrError::Prefix(p) => Diagnostic::new(
                    Code::E0201,
                    format!("invalid CIDR block `{text}`: prefix /{p}"),
                    span,
                )
                .label("the prefix must be 0 to 32"),
                CidrError::HostBits(..) => Diagnostic::new(
                    Code::E0201,
                    format!("invalid CIDR block `{text}`: host bits are set"),
                    span,
                )
                .label("the address has bits set past the prefix")
                .help(format!("did you mean `cidr = {fixed}`?"))
                .suggest(span, fixed.clone()),
            };
            ctx.diags.push(d);
            None
        }
    }
}

fn existing(ctx: &mut Ctx, attrs: &Attrs) -> Option<NetworkSource> {
    for stray in ["zones", "subnet_size"] {
        if let Some(span) = attrs.name_span(stray) {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0205,
                    format!("`{stray}` applies only to a VPC aprc creates (`cidr`)"),
                    span,
                )
                .label("ignored with `vpc_id`")
                .help("an existing VPC brings its own subnets: list them in `subnet_ids`"),
            );
        }
    }
    let vpc_id = attrs.string(ctx, "vpc_id").map(|(t, span)| {
        check_id(ctx, &t, span, "vpc-", "VPC");
        t
    });
    let Some((items, list_span)) = attrs.list(ctx, "subnet_ids") else {
        if attrs.missing("subnet_ids") {
            let span = attrs.get("vpc_id").map(|e| e.span)?;
            ctx.diags.push(
                Diagnostic::new(Code::E0205, "`vpc_id` needs `subnet_ids`", span)
                    .label("an existing VPC without subnets")
                    .help("add `subnet_ids = [\"subnet-...\", ...]`, one private subnet per zone"),
            );
        }
        return None;
    };
    if items.is_empty() {
        ctx.diags.push(
            Diagnostic::new(Code::E0205, "`subnet_ids` is empty", list_span)
                .label("no subnets")
                .help("list at least one private subnet of the VPC (two or more for high availability)"),
        );
        return None;
    }
    let mut subnet_ids = Vec::new();
    let mut seen: BTreeMap<Text, Span> = BTreeMap::new();
    for item in items {
        let Some(text) = expect_string(ctx, item, "subnet_ids") else {
            continue;
        };
        check_id(ctx, &text, item.span, "subnet-", "subnet");
        if let Some(first) = seen.get(&text) {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0208,
                    format!("subnet `{text}` is listed twice"),
                    item.span,
                )
                .label("listed again")
                .secondary(*first, "first listed here"),
            );
        }
        seen.insert(text.clone(), item.span);
        subnet_ids.push(text);
    }
    if subnet_ids.len() == 1 {
        ctx.diags.push(
            Diagnostic::new(
                Code::W0002,
                "only one subnet: one availability zone",
                list_span,
            )
            .label("one subnet")
            .help("list a private subnet in each of two or more zones for high availability"),
        );
    }
    // Some id was not a string, or one was listed twice: already reported.
    if subnet_ids.len() != items.len() || seen.len() != items.len() {
        return None;
    }
    Some(NetworkSource::Existing {
        vpc_id: vpc_id?,
        subnet_ids,
    })
}

/// `vpc-` or `subnet-` then 8 or 17 hex digits. A value built from a param is checked only
/// when its literal text already contradicts the shape.
fn check_id(ctx: &mut Ctx, text: &Text, span: Span, prefix: &str, what: &str) {
    if !id_could_be(text, prefix) {
        ctx.diags.push(
            Diagnostic::new(Code::E0208, format!("`{text}` is not a {what} id"), span)
                .label(format!("expected `{prefix}` and 8 or 17 hex digits"))
                .help(format!("{what} ids look like `{prefix}0123456789abcdef0`")),
        );
    }
}

/// Whether `text` can be an id of `prefix`: exactly when literal, else as far as its literal
/// start tells.
pub fn id_could_be(text: &Text, prefix: &str) -> bool {
    match text.as_literal() {
        Some(s) => s.strip_prefix(prefix).is_some_and(|hex| {
            (hex.len() == 8 || hex.len() == 17)
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }),
        None => match text.parts.first() {
            Some(crate::text::TextPart::Lit(l)) => {
                l.starts_with(prefix) || prefix.starts_with(l.as_str())
            }
            _ => true,
        },
    }
}
