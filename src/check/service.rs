//! `service` blocks: image (E0109, E0310, E0312), port (E0303), cpu and memory (E0301, E0302,
//! E0313), network, ingress and egress (E0308, E0309), env and secrets (E0304, E0305), and the
//! nested `health`/`scale` blocks, and `allow` grants (`allow.rs`). Also the reachability
//! warning (W0001), which needs the apis.

use super::env::{secret_arn, variables};
use super::image::{classify, ImageError};
use super::symbols::{Decl, Kind, Symbols};
use super::values::{thousandths, Attrs, Statements};
use super::{allow, api, health, sizes, Ctx};
use crate::diag::{Code, Diagnostic};
use crate::model::{Egress, Ingress, Service, UrlOf};
use crate::span::Span;
use crate::syntax::ast::{ExprKind, Quantity, Unit};
use crate::text::{Text, TextPart};
use std::collections::BTreeMap;

const ATTRS: [&str; 11] = [
    "image", "port", "cpu", "memory", "command", "network", "ingress", "egress", "env", "secrets",
    "tracing",
];

/// A checked service, plus the facts other checks need even when the service has errors (so
/// one mistake in a service does not cascade into wrong route errors).
pub struct Checked {
    pub model: Option<Service>,
    pub name_span: Span,
    pub ingress: Ingress,
    pub network: Option<String>,
    /// The URLs its `env` refers to, where each is written (checked in `urls.rs`).
    pub urls: Vec<(UrlOf, Span)>,
}

pub fn check_all(ctx: &mut Ctx, syms: &Symbols) -> BTreeMap<String, Checked> {
    syms.services
        .iter()
        .map(|(name, decl)| (name.to_string(), check(ctx, syms, *decl)))
        .collect()
}

pub fn check(ctx: &mut Ctx, syms: &Symbols, decl: Decl) -> Checked {
    let name = decl.name.name.clone();
    let attrs = Attrs::gather(
        ctx,
        format!("service `{name}`"),
        &decl.block.body,
        &ATTRS,
        &["health", "scale"],
        Statements::Allows,
    );
    let mut ok = true;

    let image = match attrs.string(ctx, "image") {
        Some((text, span)) => image(ctx, text, span),
        None => {
            if attrs.missing("image") {
                ctx.diags.push(
                    Diagnostic::new(Code::E0109, format!("service `{name}` has no `image`"), decl.name.span)
                        .label("missing `image`")
                        .help("add `image = \"ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG\"` or a `public.ecr.aws/...` image"),
                );
            }
            None
        }
    };
    let port = match attrs.int(ctx, "port") {
        Some((p, _)) if (1..=65535).contains(&p) => u16::try_from(p).ok(),
        Some((p, span)) => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0303,
                    format!("port must be 1 to 65535, found {p}"),
                    span,
                )
                .label("out of range"),
            );
            None
        }
        None if attrs.get("port").is_some() => None,
        None => Some(8080),
    };
    let (cpu, memory) = cpu_memory(ctx, &attrs);
    let command = match attrs.string(ctx, "command") {
        Some((t, span)) => start_command(ctx, t, span),
        None => {
            ok &= attrs.get("command").is_none();
            None
        }
    };

    // Network, and the ingress/egress that depend on having one.
    let network = attrs
        .ident(ctx, "network", "a network name")
        .and_then(|(n, span)| {
            syms.resolve(ctx.diags, n, span, Kind::Network)
                .then(|| n.to_string())
        });
    let has_network = attrs.get("network").is_some();
    ok &= network.is_some() || !has_network;
    let ingress = match attrs.keyword(ctx, "ingress", &["private", "public"]) {
        Some(("private", span)) if !has_network => {
            ctx.diags.push(
                Diagnostic::new(Code::E0308, format!("service `{name}` is private but has no network"), span)
                    .label("private needs a network")
                    .help("add `network = NAME` (a private service is reached through a VPC endpoint), or use `ingress = public`"),
            );
            ok = false;
            Ingress::Private
        }
        Some(("private", _)) => Ingress::Private,
        Some(_) => Ingress::Public,
        // An unreadable `ingress` counts as public, so no "unreachable" or network error
        // follows from a guess.
        None if attrs.get("ingress").is_some() => {
            ok = false;
            Ingress::Public
        }
        None => {
            if has_network {
                Ingress::Private
            } else {
                Ingress::Public
            }
        }
    };
    let egress = match attrs.keyword(ctx, "egress", &["internet", "vpc"]) {
        Some(("vpc", span)) if !has_network => {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0309,
                    format!("service `{name}` has `egress = vpc` but no network"),
                    span,
                )
                .label("VPC egress needs a network")
                .help("add `network = NAME`, or use `egress = internet`"),
            );
            ok = false;
            Egress::Vpc
        }
        Some(("vpc", _)) => Egress::Vpc,
        Some(_) => Egress::Internet,
        None => {
            ok &= attrs.get("egress").is_none();
            Egress::Internet
        }
    };

    let mut urls = Vec::new();
    let env = super::env::env(ctx, syms, &name, &attrs, &mut urls);
    let secrets = variables(ctx, &attrs, "secrets");
    if let (Some(env), Some(secrets)) = (&env, &secrets) {
        for (key, (_, span)) in secrets {
            if let Some((_, first)) = env.get(key) {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0304,
                        format!("`{key}` is set in both `env` and `secrets`"),
                        *span,
                    )
                    .label("set again as a secret")
                    .secondary(*first, "set in `env` here")
                    .help("App Runner has one set of variable names; keep one of the two"),
                );
                ok = false;
            }
        }
    }
    if let Some(secrets) = &secrets {
        for (value, span) in secrets.values() {
            ok &= secret_arn(ctx, value, *span);
        }
    }
    let tracing = match attrs.bool(ctx, "tracing") {
        Some((b, _)) => b,
        None => {
            ok &= attrs.get("tracing").is_none();
            false
        }
    };
    let health = attrs
        .blocks
        .get("health")
        .map(|b| health::health(ctx, &name, b));
    let scale = attrs
        .blocks
        .get("scale")
        .map(|b| health::scale(ctx, &name, b));
    ok &= !matches!(health, Some(None)) && !matches!(scale, Some(None));
    let grants = allow::grants(ctx, &attrs.allows);

    let model = (|| {
        let (image, image_source) = image?;
        let strip = |m: Option<BTreeMap<String, (Text, Span)>>| {
            m.map(|m| m.into_iter().map(|(k, (v, _))| (k, v)).collect())
        };
        if !ok {
            return None;
        }
        Some(Service {
            name: name.clone(),
            image,
            image_source,
            port: port?,
            cpu_millis: cpu?,
            memory_mb: memory?,
            command,
            network: network.clone(),
            ingress,
            egress,
            env: env?.into_iter().map(|(k, (v, _))| (k, v)).collect(),
            secrets: strip(secrets)?,
            tracing,
            health: health.flatten(),
            scale: scale.flatten(),
            grants: grants?,
            span: decl.name.span,
        })
    })();
    Checked {
        model,
        name_span: decl.name.span,
        ingress,
        network,
        urls,
    }
}

fn image(ctx: &mut Ctx, text: Text, span: Span) -> Option<(Text, crate::model::ImageSource)> {
    match classify(&text) {
        Ok(source) => Some((text, source)),
        Err(ImageError::Unsupported(why)) => {
            ctx.diags.push(
                Diagnostic::new(Code::E0310, format!("unsupported image `{text}`"), span)
                    .label(why)
                    .help("use `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG` (private ECR) or `public.ecr.aws/...`"),
            );
            None
        }
        Err(ImageError::ParamInRepository) => {
            ctx.diags.push(
                Diagnostic::new(Code::E0312, "a param may only set the tag or digest of a private ECR image", span)
                    .label("param before the tag")
                    .help("write the registry and repository literally; the access role must name the exact repository"),
            );
            None
        }
    }
}

/// A memory quantity in MB, when it is a whole number of them.
fn memory_mb(q: &Quantity) -> Option<u32> {
    let factor = match q.unit {
        Unit::Gb => 1024,
        Unit::Mb => 1,
        _ => return None,
    };
    // thousandths of a unit * MB per unit / 1000, exact only when divisible.
    thousandths(&q.value)
        .and_then(|t| t.checked_mul(factor))
        .filter(|v| v % 1000 == 0)
        .and_then(|v| u32::try_from(v / 1000).ok())
}

/// (cpu in thousandths of a vCPU, memory in MB), each `None` when wrong.
fn cpu_memory(ctx: &mut Ctx, attrs: &Attrs) -> (Option<u32>, Option<u32>) {
    // What a bare number's reading must pair with: the other size, when it is known.
    let memory_written = match attrs.get("memory").map(|e| &e.kind) {
        None => Some(2048),
        Some(ExprKind::Quantity(q)) => memory_mb(q),
        Some(_) => None,
    };
    let cpu = match attrs.quantity(
        ctx,
        "cpu",
        &[Unit::Vcpu],
        "a vCPU quantity such as `1 vcpu`",
        |n| sizes::cpu_for_unitless(n, memory_written),
    ) {
        Some((q, span)) => match thousandths(&q.value).and_then(|t| u32::try_from(t).ok()) {
            Some(m) if sizes::valid_cpu(m) => Some((m, Some(span))),
            _ => {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0301,
                        format!("App Runner has no {} vCPU size", q.value),
                        span,
                    )
                    .label("not an App Runner cpu")
                    .help(format!("use {} vCPU", sizes::cpu_list())),
                );
                None
            }
        },
        None if attrs.get("cpu").is_some() => None,
        None => Some((1000, None)),
    };
    let memory = match attrs.quantity(
        ctx,
        "memory",
        &[Unit::Mb, Unit::Gb],
        "a memory quantity such as `2 gb`",
        |n| sizes::memory_for_unitless(n, cpu.map(|c| c.0)),
    ) {
        Some((q, span)) => match memory_mb(q) {
            Some(mb) if sizes::valid_memory(mb) => Some((mb, Some(span))),
            _ => {
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E0313,
                        format!(
                            "App Runner has no {} {} memory size",
                            q.value,
                            q.unit.as_str()
                        ),
                        span,
                    )
                    .label("not an App Runner memory size")
                    .help(format!("use {}", sizes::memory_list())),
                );
                None
            }
        },
        None if attrs.get("memory").is_some() => None,
        None => Some((2048, None)),
    };
    let (Some((c, cpu_span)), Some((m, mem_span))) = (cpu, memory) else {
        return (cpu.map(|c| c.0), memory.map(|m| m.0));
    };
    if sizes::valid_pair(c, m) {
        return (Some(c), Some(m));
    }
    let message = format!(
        "App Runner allows {} with {} vCPU, not {} GB",
        sizes::memories_for(c),
        sizes::format_cpu(c),
        sizes::format_gb(m)
    );
    let (primary, label) = match (mem_span, cpu_span) {
        (Some(s), _) => (s, "memory that does not pair with the cpu".to_string()),
        (None, Some(s)) => (s, "needs a memory other than the default 2 GB".to_string()),
        (None, None) => return (Some(c), Some(m)),
    };
    let mut d = Diagnostic::new(Code::E0302, message, primary).label(label);
    if let (Some(_), Some(cs)) = (mem_span, cpu_span) {
        d = d.secondary(cs, "cpu set here");
    }
    ctx.diags.push(d.help(format!(
        "set `memory` to {} for {} vCPU",
        sizes::memories_for(c),
        sizes::format_cpu(c)
    )));
    (None, None)
}

/// W0001: a private service no api routes to can never be reached.
pub fn unreachable(
    ctx: &mut Ctx,
    services: &BTreeMap<String, Checked>,
    apis: &BTreeMap<String, api::Checked>,
) {
    for (name, service) in services {
        // Without a network a private service is already E0308; no second word on it.
        if service.ingress == Ingress::Private
            && service.network.is_some()
            && !apis.values().any(|a| a.targets.contains(name))
        {
            ctx.diags.push(
                Diagnostic::new(Code::W0001, format!("private service `{name}` is unreachable: no api routes to it"), service.name_span)
                    .label("no route targets this service")
                    .help(format!("add `route ANY /{name}/{{proxy+}} -> {name} /{{proxy}}` to an api, or make it public")),
            );
        }
    }
}

/// App Runner's `StartCommand` is one non-empty line (its API pattern is `[^\x0a\x0d]+`):
/// an empty `command` or one with a line break would be refused at deploy time, so both are
/// E0103 here. A param's value is known only then, so only the literal parts are checked.
fn start_command(ctx: &mut Ctx, text: Text, span: Span) -> Option<Text> {
    let why = if text.parts.is_empty() {
        "an empty `command`"
    } else if text.parts.iter().any(|p| match p {
        TextPart::Lit(s) => s.contains(['\n', '\r']),
        TextPart::Param(_) => false,
    }) {
        "a line break in `command`"
    } else {
        return Some(text);
    };
    ctx.diags.push(
        Diagnostic::new(
            Code::E0103,
            format!("{why}: App Runner's start command is one non-empty line"),
            span,
        )
        .label("not a start command")
        .help("join the command into one line (`sh -c \"a && b\"`), or remove `command` to run the image's own"),
    );
    None
}
