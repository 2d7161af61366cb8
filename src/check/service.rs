//! `service` blocks: image (E0109, E0310, E0312), port (E0303), cpu and memory (E0301, E0302,
//! E0313), network, ingress and egress (E0308, E0309), env and secrets (E0304, E0305), the
//! nested `health`/`scale` blocks, and `allow` grants (`allow.rs`); each compute's rules:
//! ECS without a network or public (E0314, E0315), what needs the internet out of reach
//! (E0316), a command that does not split (E0317), `egress = vpc` in an existing VPC with a
//! NAT (E0319). Also the rules over all services: the reach of `env` URLs (E0316), the
//! listener quota (E0318) and the reachability warning (W0001), which needs the apis.

use super::env::{secret_arn, variables};
use super::image::{classify, ImageError};
use super::symbols::{Decl, Kind, Symbols};
use super::values::{thousandths, Attrs, Statements};
use super::{allow, api, health, sizes, Ctx};
use crate::diag::{Code, Diagnostic};
use crate::model::{Compute, Egress, ImageSource, Ingress, Service, UrlOf};
use crate::span::Span;
use crate::syntax::ast::{ExprKind, Quantity, Unit};
use crate::text::{Text, TextPart};
use std::collections::BTreeMap;

const ATTRS: [&str; 12] = [
    "image", "port", "cpu", "memory", "command", "network", "ingress", "egress", "env", "secrets",
    "tracing", "compute",
];

/// What services are checked against: the app's compute and region, and each network's
/// facts (a network with errors is absent: nothing is said about a NAT it might have).
pub struct Platform {
    pub compute: Compute,
    /// Whether the app's `compute` is written but unreadable (`compute` is then assumed).
    pub compute_guessed: bool,
    pub region: Option<String>,
    pub networks: BTreeMap<String, NetworkFacts>,
}

#[derive(Debug, Clone, Copy)]
pub struct NetworkFacts {
    pub nat: bool,
    /// An existing VPC, whose block aprc does not know.
    pub existing: bool,
}

/// A checked service, plus the facts other checks need even when the service has errors (so
/// one mistake in a service does not cascade into wrong route errors).
pub struct Checked {
    pub model: Option<Service>,
    pub name_span: Span,
    pub ingress: Ingress,
    pub network: Option<String>,
    pub compute: Compute,
    /// Where the service sets its own `compute`, if it does.
    pub compute_span: Option<Span>,
    /// Whether `compute` is assumed, neither the service's nor the app's being readable.
    pub compute_guessed: bool,
    /// Whether `ingress` is written but unreadable (and counted as public).
    pub ingress_guessed: bool,
    /// The URLs its `env` refers to, where each is written (checked in `urls.rs`).
    pub urls: Vec<(UrlOf, Span)>,
    /// Whether it can reach them.
    pub reach: Reach,
}

pub fn check_all(ctx: &mut Ctx, syms: &Symbols, platform: &Platform) -> BTreeMap<String, Checked> {
    syms.services
        .iter()
        .map(|(name, decl)| (name.to_string(), check(ctx, syms, platform, *decl)))
        .collect()
}

pub fn check(ctx: &mut Ctx, syms: &Symbols, platform: &Platform, decl: Decl) -> Checked {
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
    let written = attrs.get("compute");
    // A misspelt compute (reported) is read as the one it was meant to be.
    let read = super::app::compute_of(written);
    let compute = match attrs.keyword(ctx, "compute", &["apprunner", "ecs"]) {
        Some(("ecs", _)) => Compute::Ecs,
        Some(_) => Compute::AppRunner,
        None => {
            ok &= written.is_none();
            read.unwrap_or(platform.compute)
        }
    };
    // Neither the service nor the app says which compute readably: the one assumed is a
    // guess, on which no error of its own rests (E0320).
    let compute_guessed = match written {
        Some(_) => read.is_none(),
        None => platform.compute_guessed,
    };
    let ecs = compute == Compute::Ecs;
    // Until the service is checked, the rules of one compute report only a compute read.
    ctx.compute_guessed = compute_guessed;

    let mut image_span = None;
    let image = match attrs.string(ctx, "image") {
        Some((text, span)) => {
            image_span = Some(span);
            // Where its first param is written, for E0312.
            let param = match attrs.get("image").map(|e| &e.kind) {
                Some(ExprKind::Str(s)) => s.parts.iter().find_map(|p| match p {
                    crate::syntax::ast::StrPart::Interp(id) => Some(id.span),
                    crate::syntax::ast::StrPart::Lit(_) => None,
                }),
                _ => None,
            };
            image(
                ctx,
                text,
                span,
                param.unwrap_or(span),
                platform.region.as_deref(),
            )
        }
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
    let (cpu, memory) = cpu_memory(ctx, &attrs, compute);
    let command = match attrs.string(ctx, "command") {
        Some((t, span)) => start_command(ctx, t, span, compute),
        None => {
            ok &= attrs.get("command").is_none();
            None
        }
    };
    let command_words = match (&command, attrs.get("command")) {
        (Some(text), Some(e)) if ecs => match shell_words(text) {
            Ok(words) => words,
            Err(why) => {
                ctx.per_compute(
                    Diagnostic::new(Code::E0317, format!("`command` does not split into words: {why}"), e.span)
                        .label("not a command line")
                        .help("ECS runs the command without a shell, split as a shell would: close the quote, or quote the backslash"),
                );
                ok = false;
                Vec::new()
            }
        },
        _ => Vec::new(),
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
    // The network's facts, when the network checked (else nothing follows from them).
    let facts = network
        .as_deref()
        .and_then(|n| platform.networks.get(n))
        .copied();
    let nat = facts.map(|f| f.nat);
    if ecs && !has_network {
        let mut d = Diagnostic::new(
            Code::E0314,
            format!("service `{name}` runs on ECS Fargate but has no network"),
            decl.name.span,
        )
        .label("no `network`");
        if let Some(span) = attrs.get("compute").map(|e| e.span) {
            d = d.secondary(span, "ECS set here");
        }
        ctx.per_compute(d.help(format!("add `network = NAME`: ECS tasks run in a network's private subnets and are reached through an api{}", where_app_runner(platform, "; or keep it on App Runner with `compute = apprunner`"))));
        ok = false;
    }
    let ingress = match attrs.keyword(ctx, "ingress", &["private", "public"]) {
        Some(("public", span)) if ecs => {
            ctx.per_compute(
                Diagnostic::new(
                    Code::E0315,
                    format!("service `{name}` runs on ECS Fargate, which aprc keeps private"),
                    span,
                )
                .label("public ingress")
                .help(format!(
                    "remove `ingress = public` and route to the service from an api{}",
                    where_app_runner(
                        platform,
                        ", or keep it on App Runner with `compute = apprunner`"
                    )
                )),
            );
            ok = false;
            Ingress::Private
        }
        // On ECS without a network, E0314 has said it.
        Some(("private", _)) if ecs => Ingress::Private,
        Some(("private", span)) if !has_network => {
            ctx.per_compute(
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
        // follows from a guess (nor E0316 on a URL of it, `urls_in_reach`).
        None if attrs.get("ingress").is_some() => {
            ok = false;
            Ingress::Public
        }
        None => {
            if has_network || ecs {
                Ingress::Private
            } else {
                Ingress::Public
            }
        }
    };
    // Set when `egress = vpc` keeps the tasks of a network with a NAT from the internet.
    let mut vpc_only: Option<Span> = None;
    // E0316 for `what`, which needs the internet, where `reach` says it cannot get there.
    let out_of_reach_here = |ctx: &mut Ctx, reach: Reach, span: Span, what: &str| {
        let network = network.as_deref().unwrap_or_default();
        if let Some(d) = out_of_reach(&name, network, reach, span, what) {
            ctx.per_compute(d);
        }
    };
    let egress = match attrs.keyword(ctx, "egress", &["internet", "vpc"]) {
        Some(("internet", span)) if ecs && nat == Some(false) => {
            out_of_reach_here(ctx, Reach::NoNat, span, "`egress = internet`");
            ok = false;
            Egress::Internet
        }
        // In an existing VPC with a NAT, "the VPC only" cannot be a rule: its block is not
        // known, and every other address is through the NAT.
        Some(("vpc", span)) if ecs && facts.is_some_and(|f| f.nat && f.existing) => {
            let network = network.as_deref().unwrap_or_default();
            ctx.per_compute(
                Diagnostic::new(Code::E0319, format!("`egress = vpc` on ECS Fargate needs the VPC's block, which aprc does not know for the existing network `{network}` with `nat = true`"), span)
                    .label("cannot be kept to the VPC")
                    .help("use `egress = internet` (the default there), or a network aprc creates (`cidr`), where `egress = vpc` keeps tasks to the VPC and its endpoints"),
            );
            ok = false;
            Egress::Vpc
        }
        Some(("vpc", span)) if ecs => {
            if nat == Some(true) {
                vpc_only = Some(span);
            }
            Egress::Vpc
        }
        None if ecs && attrs.get("egress").is_none() => {
            if nat == Some(true) {
                Egress::Internet
            } else {
                Egress::Vpc
            }
        }
        Some(("vpc", span)) if !has_network => {
            ctx.per_compute(
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

    // Whether the service's traffic can leave for the internet: judged here for what an ECS
    // task pulls or sends, and for the URLs of its `env` once every service's ingress is known
    // (`urls_in_reach`). An ECS task cannot without a NAT, or with `egress = vpc` beside one;
    // App Runner sends `egress = vpc` through a VPC connector into the network, and a network
    // aprc creates without a NAT has no way out. (An existing VPC's routes are its own.)
    let sealed = facts.is_some_and(|f| !f.nat && !f.existing);
    let reach = match (ecs, egress) {
        (true, _) if nat == Some(false) => Reach::NoNat,
        (true, _) => vpc_only.map_or(Reach::Open, Reach::VpcOnly),
        (false, Egress::Vpc) if sealed => Reach::Sealed(attrs.get("egress").map(|e| e.span)),
        (false, _) => Reach::Open,
    };
    let offline = ecs && reach != Reach::Open;

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
        Some((true, span)) if offline => {
            out_of_reach_here(
                ctx,
                reach,
                span,
                "tracing (an X-Ray daemon pulled from ECR Public)",
            );
            ok = false;
            true
        }
        Some((b, _)) => b,
        None => {
            ok &= attrs.get("tracing").is_none();
            false
        }
    };
    let health = attrs
        .blocks
        .get("health")
        .map(|b| health::health(ctx, &name, b, compute));
    let scale = attrs
        .blocks
        .get("scale")
        .map(|b| health::scale(ctx, &name, b, compute));
    if let (true, Some((_, source)), Some(span)) = (offline, &image, image_span) {
        match source {
            ImageSource::EcrPublic => {
                out_of_reach_here(ctx, reach, span, "an ECR Public image");
                ok = false;
            }
            // The VPC's endpoints serve their own region only.
            ImageSource::EcrPrivate { region, .. }
                if platform.region.as_ref().is_some_and(|r| r != region) =>
            {
                out_of_reach_here(
                    ctx,
                    reach,
                    span,
                    &format!("an image from ECR in another region ({region})"),
                );
                ok = false;
            }
            ImageSource::EcrPrivate { .. } => {}
        }
    }
    ok &= !matches!(health, Some(None)) && !matches!(scale, Some(None));
    let grants = allow::grants(ctx, &attrs.allows);
    ctx.compute_guessed = false;

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
            compute,
            image,
            image_source,
            port: port?,
            cpu_millis: cpu?,
            memory_mb: memory?,
            command,
            command_words,
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
        compute,
        compute_span: attrs.get("compute").map(|e| e.span),
        compute_guessed,
        ingress_guessed: attrs
            .get("ingress")
            .is_some_and(|e| super::values::keyword_of(e, &["private", "public"]).is_none()),
        urls,
        reach,
    }
}

/// `clause` (offering App Runner) where the region has App Runner, nothing where it has
/// not (E0320 there).
fn where_app_runner<'a>(platform: &Platform, clause: &'a str) -> &'a str {
    let offered = platform
        .region
        .as_deref()
        .map_or(true, super::app::offers_app_runner);
    if offered {
        clause
    } else {
        ""
    }
}

/// Whether a service's traffic can leave for the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Open,
    /// An ECS service in a network without a NAT.
    NoNat,
    /// An ECS service with `egress = vpc` (written here) beside a NAT.
    VpcOnly(Span),
    /// An App Runner service with `egress = vpc` (written here, when it is) in a network aprc
    /// creates without a NAT.
    Sealed(Option<Span>),
}

/// E0316 for `what` (written at `span`), which needs the internet, in service `name` of
/// `network`; `None` when it is in reach.
fn out_of_reach(
    name: &str,
    network: &str,
    reach: Reach,
    span: Span,
    what: &str,
) -> Option<Diagnostic> {
    let d = match reach {
        Reach::Open => return None,
        Reach::NoNat => Diagnostic::new(
            Code::E0316,
            format!("{what} on ECS Fargate needs a NAT gateway, and network `{network}` has none"),
            span,
        )
        .label("needs the internet")
        .help(format!("set `nat = true` on network `{network}` (its tasks reach the internet through NAT gateways)")),
        Reach::VpcOnly(egress) => Diagnostic::new(
            Code::E0316,
            format!("{what} on ECS Fargate is out of reach: `egress = vpc` keeps service `{name}` to the VPC"),
            span,
        )
        .label("needs the internet")
        .secondary(egress, "no way out of the VPC")
        .help(format!("remove `egress = vpc`: in network `{network}` the tasks reach the internet through its NAT gateways")),
        Reach::Sealed(egress) => {
            let d = Diagnostic::new(
                Code::E0316,
                format!("{what} is out of reach on App Runner: service `{name}` sends through network `{network}`, which has no NAT gateway"),
                span,
            )
            .label("needs the internet");
            match egress {
                Some(egress) => d.secondary(egress, "through the VPC"),
                None => d,
            }
            .help(format!("set `nat = true` on network `{network}`, or remove `egress = vpc` (App Runner then reaches the internet itself)"))
        }
    };
    Some(d)
}

/// E0316 for the first URL in a service's `env` that it cannot reach: an api's, or a public
/// service's (a private service's is E0712 already, and no URL to reach).
pub fn urls_in_reach(ctx: &mut Ctx, services: &BTreeMap<String, Checked>) {
    for (name, s) in services.iter().filter(|(_, s)| !s.compute_guessed) {
        // Not its own (E0713), nor one whose ingress is a guess.
        let has_url = |url: &UrlOf| match url {
            UrlOf::Api(_) => true,
            UrlOf::Service(target) => {
                target != name
                    && services
                        .get(target)
                        .is_some_and(|t| t.ingress == Ingress::Public && !t.ingress_guessed)
            }
        };
        let Some((_, span)) = s.urls.iter().find(|(url, _)| has_url(url)) else {
            continue;
        };
        let network = s.network.as_deref().unwrap_or_default();
        let what = "a URL in `env` (on the internet)";
        if let Some(d) = out_of_reach(name, network, s.reach, *span, what) {
            ctx.diags.push(d);
        }
    }
}

/// The image's registry, which must be in the partition of the app's `region` (when that is
/// known): credentials of one partition reach nothing in another.
fn image(
    ctx: &mut Ctx,
    text: Text,
    span: Span,
    param_span: Span,
    app_region: Option<&str>,
) -> Option<(Text, crate::model::ImageSource)> {
    match classify(&text) {
        Ok(ImageSource::EcrPrivate {
            ref partition,
            ref region,
            ..
        }) if app_region.is_some_and(|r| crate::backends::partition(r) != partition) => {
            let app_region = app_region.unwrap_or_default();
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0310,
                    format!(
                        "the image is in ECR of partition `{partition}` ({region}); a service in `{app_region}` (partition `{}`) cannot pull from it",
                        crate::backends::partition(app_region)
                    ),
                    span,
                )
                .label("another AWS partition")
                .help(format!("push the image to ECR in the app's partition (for example `ACCOUNT.dkr.ecr.{app_region}.{}/REPO:TAG`) and use that", crate::backends::dns_suffix(app_region))),
            );
            None
        }
        Ok(source) => Some((text, source)),
        Err(ImageError::Unsupported(why)) => {
            // What to write: the tag or digest when that is what is wrong, else the forms,
            // with the registry domain of the app's partition.
            let help = if why.contains("tag") || why.contains("digest") {
                "write the tag with letters, digits, `_`, `.` and `-` (`:1.0`), or the digest as `@sha256:` and 64 lowercase hex digits".to_string()
            } else {
                let suffix = app_region.map_or("amazonaws.com", crate::backends::dns_suffix);
                format!("use `ACCOUNT.dkr.ecr.REGION.{suffix}/REPO:TAG` (private ECR) or `public.ecr.aws/ALIAS/REPO:TAG`")
            };
            ctx.diags.push(
                Diagnostic::new(Code::E0310, format!("unsupported image `{text}`"), span)
                    .label(why)
                    .help(help),
            );
            None
        }
        Err(ImageError::ParamInRepository) => {
            ctx.diags.push(
                Diagnostic::new(Code::E0312, "a param may only set the tag or digest of a private ECR image", param_span)
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
fn cpu_memory(ctx: &mut Ctx, attrs: &Attrs, compute: Compute) -> (Option<u32>, Option<u32>) {
    let guessed = ctx.compute_guessed;
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
        // The unit alone when the compute is a guess.
        |n| match guessed {
            // Only a size both computes take.
            true => {
                let millis = n * 1000.0;
                let both = millis.fract() == 0.0
                    && [Compute::AppRunner, Compute::Ecs]
                        .into_iter()
                        .all(|c| sizes::valid_cpu(c, millis as u32));
                both.then(|| format!("{n} vcpu"))
            }
            false => sizes::cpu_for_unitless(compute, n, memory_written),
        },
    ) {
        Some((q, span)) => match thousandths(&q.value).and_then(|t| u32::try_from(t).ok()) {
            Some(m) if sizes::valid_cpu(compute, m) => Some((m, Some(span))),
            _ => {
                ctx.per_compute(
                    Diagnostic::new(
                        Code::E0301,
                        format!("{} has no {} vCPU size", compute.title(), q.value),
                        span,
                    )
                    .label(format!("not an {} cpu", compute.title()))
                    .help(format!("use {} vCPU", sizes::cpu_list(compute))),
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
        |n| match guessed {
            true => None,
            false => sizes::memory_for_unitless(compute, n, cpu.map(|c| c.0)),
        },
    ) {
        Some((q, span)) => match memory_mb(q) {
            Some(mb) if sizes::valid_memory(compute, mb) => Some((mb, Some(span))),
            _ => {
                ctx.per_compute(
                    Diagnostic::new(
                        Code::E0313,
                        format!(
                            "{} has no {} {} memory size",
                            compute.title(),
                            q.value,
                            q.unit.as_str()
                        ),
                        span,
                    )
                    .label(format!("not an {} memory size", compute.title()))
                    .help(format!("use {}", sizes::memory_list(compute))),
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
    if sizes::valid_pair(compute, c, m) {
        return (Some(c), Some(m));
    }
    let message = format!(
        "{} allows {} with {} vCPU, not {} GB",
        compute.title(),
        sizes::memories_for(compute, c),
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
    ctx.per_compute(d.help(format!(
        "set `memory` to {} for {} vCPU",
        sizes::memories_for(compute, c),
        sizes::format_cpu(c)
    )));
    (None, None)
}

/// A network load balancer's listeners (Elastic Load Balancing's default quota).
const LISTENERS_PER_LOAD_BALANCER: usize = 50;

/// E0318: every ECS service of a network has its own listener on the network's load
/// balancer, beside App Runner's one when private App Runner services live there.
pub fn listener_quota(ctx: &mut Ctx, services: &BTreeMap<String, Checked>, platform: &Platform) {
    // Per network: App Runner's listener (0 or 1), and the ECS services with their names.
    type Listeners<'a> = (usize, Vec<(&'a str, Span)>);
    let mut by_network: BTreeMap<&str, Listeners> = BTreeMap::new();
    for (name, s) in services {
        let Some(network) = s.network.as_deref() else {
            continue;
        };
        let entry = by_network.entry(network).or_default();
        // A guessed compute takes no listener, so the count rests on no guess.
        match s.compute {
            _ if s.compute_guessed => {}
            Compute::Ecs => entry.1.push((name, s.name_span)),
            Compute::AppRunner if s.ingress == Ingress::Private => entry.0 = 1,
            Compute::AppRunner => {}
        }
    }
    for (network, (app_runner, ecs)) in by_network {
        let room = LISTENERS_PER_LOAD_BALANCER - app_runner;
        if let Some((name, span)) = ecs.get(room) {
            ctx.diags.push(
                Diagnostic::new(
                    Code::E0318,
                    format!(
                        "network `{network}` has {} ECS services, but its load balancer takes at most {LISTENERS_PER_LOAD_BALANCER} listeners{}",
                        ecs.len(),
                        if app_runner == 1 { ", one of them App Runner's" } else { "" }
                    ),
                    *span,
                )
                .label(format!("ECS service `{name}` is one too many"))
                .help(format!("put some of these services in another network (each has its own load balancer){}; the quota is {LISTENERS_PER_LOAD_BALANCER} listeners per network load balancer", where_app_runner(platform, ", or keep them on App Runner"))),
            );
        }
    }
}

/// W0008: an ECS service whose name hashes to the listener port of a name that sorts before
/// it takes the next free port instead (`names::listener_ports`), and so moves if that other
/// service is removed, or was added after it was deployed.
pub fn listener_ports(ctx: &mut Ctx, services: &BTreeMap<String, Checked>) {
    // By network: each has its own load balancer.
    let ecs: Vec<(&str, &str, &Checked)> = services
        .iter()
        .filter(|(_, s)| s.compute == Compute::Ecs && !s.compute_guessed)
        .filter_map(|(name, s)| Some((s.network.as_deref()?, name.as_str(), s)))
        .collect();
    let slots = crate::names::listener_slots(ecs.iter().map(|(n, name, _)| (*n, *name)));
    let holder: BTreeMap<(&str, u16), &str> = ecs
        .iter()
        .filter_map(|(n, name, _)| Some(((*n, slots.get(name)?.0), *name)))
        .collect();
    for (network, name, s) in ecs.iter().copied() {
        let Some(&(port, home)) = slots.get(name) else {
            continue;
        };
        let Some(&other) = holder.get(&(network, home)) else {
            continue;
        };
        if port == home {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::W0008,
            format!("service `{name}` listens on port {port}, not on its own {home}, which `{other}` holds"),
            s.name_span,
        )
        .label(format!("moved to {port} by `{other}`"));
        if let Some(o) = services.get(other) {
            d = d.secondary(o.name_span, format!("holds port {home}"));
        }
        ctx.diags.push(d.help(format!(
            "if `{name}` already runs on port {home} (and `{other}` is new), rename `{other}` so that `{name}`'s listener does not move; otherwise removing `{other}` (or a name it displaced) moves `{name}` back to {home}"
        )));
    }
}

/// W0001: a private service no api routes to can never be reached.
pub fn unreachable(
    ctx: &mut Ctx,
    services: &BTreeMap<String, Checked>,
    apis: &BTreeMap<String, api::Checked>,
) {
    // Every service some api routes to, gathered once (not every api asked per service).
    let routed: crate::hash::Set<&str> = apis
        .values()
        .flat_map(|a| a.targets.iter().map(String::as_str))
        .collect();
    for (name, service) in services {
        // Without a network a private service is already E0308; no second word on it.
        if service.ingress == Ingress::Private
            && service.network.is_some()
            && !routed.contains(name.as_str())
        {
            // Only App Runner serves a public service (ECS is E0315), so only there is
            // `ingress = public` a way out.
            let or_public = match (service.compute, service.compute_guessed) {
                (Compute::AppRunner, false) => ", or make it public",
                _ => "",
            };
            ctx.diags.push(
                Diagnostic::new(
                    Code::W0001,
                    format!("private service `{name}` is unreachable: no api routes to it"),
                    service.name_span,
                )
                .label("no route targets this service")
                .help(format!(
                    "add `route ANY /{name}/{{proxy+}} -> {name} /{{proxy}}` to an api{or_public}"
                )),
            );
        }
    }
}

/// App Runner's `StartCommand` is one non-empty line (its API pattern is `[^\x0a\x0d]+`):
/// an empty `command` or one with a line break would be refused at deploy time, so both are
/// E0103 here. A param's value is known only then, so only the literal parts are checked.
fn start_command(ctx: &mut Ctx, text: Text, span: Span, compute: Compute) -> Option<Text> {
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
            match ctx.compute_guessed {
                true => format!("{why}: a start command is one non-empty line"),
                false => format!("{why}: {}'s start command is one non-empty line", compute.title()),
            },
            span,
        )
        .label("not a start command")
        .help("join the command into one line (`sh -c \"a && b\"`), or remove `command` to run the image's own"),
    );
    None
}

/// Splits a command into words as a POSIX shell would, without running one: blanks separate
/// words; single quotes keep everything; double quotes keep everything but `\\`, `\"`, `\$`
/// and `` \` `` escapes; a backslash outside quotes keeps the next character. A param's value
/// joins the word it is written in (it is never split).
pub fn shell_words(text: &Text) -> Result<Vec<Text>, &'static str> {
    #[derive(PartialEq)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let mut words = Vec::new();
    let mut word: Option<Text> = None;
    let mut quote = Quote::None;
    let mut escaped = false;
    for part in &text.parts {
        let s = match part {
            TextPart::Param(p) => {
                word.get_or_insert_with(Text::default)
                    .push(TextPart::Param(p.clone()));
                continue;
            }
            TextPart::Lit(s) => s,
        };
        for c in s.chars() {
            let lit = |word: &mut Option<Text>, c: char| {
                word.get_or_insert_with(Text::default)
                    .push(TextPart::Lit(c.to_string()));
            };
            if escaped {
                escaped = false;
                if quote == Quote::Double && !matches!(c, '\\' | '"' | '$' | '`') {
                    lit(&mut word, '\\');
                }
                lit(&mut word, c);
                continue;
            }
            match (&quote, c) {
                (Quote::Single, '\'') | (Quote::Double, '"') => quote = Quote::None,
                (Quote::Single, c) => lit(&mut word, c),
                (Quote::Double, '\\') | (Quote::None, '\\') => escaped = true,
                (Quote::Double, c) => lit(&mut word, c),
                (Quote::None, '\'') => {
                    word.get_or_insert_with(Text::default);
                    quote = Quote::Single;
                }
                (Quote::None, '"') => {
                    word.get_or_insert_with(Text::default);
                    quote = Quote::Double;
                }
                (Quote::None, c) if c.is_whitespace() => words.extend(word.take()),
                (Quote::None, c) => lit(&mut word, c),
            }
        }
    }
    if escaped {
        return Err("it ends with a backslash");
    }
    match quote {
        Quote::Single => return Err("a single quote is never closed"),
        Quote::Double => return Err("a double quote is never closed"),
        Quote::None => {}
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::shell_words;
    use crate::text::{Text, TextPart};

    fn words(s: &str) -> Result<Vec<String>, &'static str> {
        shell_words(&Text::lit(s)).map(|w| w.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn splits_as_a_shell_would() {
        assert_eq!(
            words("bin/server --port 8080").unwrap(),
            ["bin/server", "--port", "8080"]
        );
        assert_eq!(words("sh -c 'a && b'").unwrap(), ["sh", "-c", "a && b"]);
        assert_eq!(
            words(r#"echo "a \"b\" $x" c\ d ''"#).unwrap(),
            ["echo", r#"a "b" $x"#, "c d", ""]
        );
        assert_eq!(words(r#"x "a\nb""#).unwrap(), ["x", "a\\nb"]);
        assert_eq!(words("  spaced   out  ").unwrap(), ["spaced", "out"]);
        assert!(words("echo 'open").is_err());
        assert!(words("echo \"open").is_err());
        assert!(words("trailing \\").is_err());
    }

    #[test]
    fn a_param_joins_its_word() {
        let text = Text {
            parts: vec![
                TextPart::Lit("run --tag=".into()),
                TextPart::Param("tag".into()),
                TextPart::Lit(" now".into()),
            ],
        };
        let w = shell_words(&text).unwrap();
        assert_eq!(w.len(), 3);
        assert_eq!(
            w[1].parts,
            vec![
                TextPart::Lit("--tag=".into()),
                TextPart::Param("tag".into())
            ]
        );
    }
}
