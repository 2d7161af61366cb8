//! Hand-built inputs shared by the tests of every phase: `examples/seed.apr` as a checked
//! spec, so lowering and each backend can be tested without the phases before them, and its
//! resource graph through the real lowering. Not part of the public API.

use crate::model::*;
use crate::span::{FileId, Span};
use crate::syntax::ast::SegmentKind;
use crate::text::{Text, TextPart};
use std::collections::BTreeMap;

/// A text from `(part, is_param)` pairs: `text(&[("env", true), ("-v1", false)])`.
pub fn text(parts: &[(&str, bool)]) -> Text {
    let mut t = Text::default();
    for (s, is_param) in parts {
        t.push(if *is_param {
            TextPart::Param((*s).into())
        } else {
            TextPart::Lit((*s).into())
        });
    }
    t
}

pub fn span() -> Span {
    Span::new(FileId(0), 0, 0)
}

/// A 1 vCPU / 2 GB service on port 8080 pulling `orders:${image_tag}` from private ECR.
pub fn service(name: &str, ingress: Ingress, network: Option<&str>) -> Service {
    Service {
        name: name.into(),
        compute: Compute::AppRunner,
        image: Text {
            parts: vec![
                TextPart::Lit("123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:".into()),
                TextPart::Param("image_tag".into()),
            ],
        },
        image_source: ImageSource::EcrPrivate {
            partition: "aws".into(),
            account: "123456789012".into(),
            region: "eu-west-1".into(),
            repository: "orders".into(),
        },
        port: 8080,
        cpu_millis: 1000,
        memory_mb: 2048,
        command: None,
        command_words: Vec::new(),
        network: network.map(String::from),
        ingress,
        egress: Egress::Internet,
        env: BTreeMap::new(),
        secrets: BTreeMap::new(),
        tracing: false,
        health: None,
        scale: None,
        grants: Vec::new(),
        span: span(),
    }
}

pub fn route(
    method: Method,
    path: Vec<SegmentKind>,
    service: &str,
    target: Vec<SegmentKind>,
) -> Route {
    Route {
        method,
        path,
        service: service.into(),
        target_path: target,
        auth: None,
        span: span(),
    }
}

/// `examples/seed.apr`: one private service, api key, `ANY /{proxy+}`.
pub fn seed_spec() -> Spec {
    Spec {
        app: App {
            name: "seed".into(),
            region: "eu-west-1".into(),
            compute: Compute::AppRunner,
            tags: BTreeMap::from([("team".to_string(), Text::lit("platform"))]),
            span: span(),
            name_span: span(),
        },
        params: vec![Param {
            name: "image_tag".into(),
            default: Some("1.0.0".into()),
            span: span(),
        }],
        networks: vec![Network {
            name: "core".into(),
            span: span(),
            source: NetworkSource::Create {
                base: 0x0a00_0000,
                prefix: 16,
                zones: 2,
                subnet_size: 24,
            },
            nat: false,
        }],
        services: vec![service("orders", Ingress::Private, Some("core"))],
        apis: vec![Api {
            name: "public".into(),
            network: Some("core".into()),
            stage: Text::lit("prod"),
            auth: Auth::ApiKey,
            tracing: false,
            access_log: false,
            throttle: None,
            span: span(),
            routes: vec![route(
                Method::Any,
                vec![SegmentKind::Greedy("proxy".into())],
                "orders",
                vec![SegmentKind::Greedy("proxy".into())],
            )],
        }],
    }
}

/// The seed's resource graph, through the real lowering.
pub fn seed_graph() -> crate::ir::Graph {
    crate::lower::lower(&seed_spec(), &BTreeMap::new())
}

#[cfg(test)]
#[path = "../benches/support/specgen.rs"]
mod specgen;

/// Graphs large enough that the backends write them in parts on two threads
/// ([`crate::threads::TWO_THREADS`]): 250 ECS services (about 4,000 resources) and 600 App
/// Runner services (about 3,300), the benchmarks' workloads, checked clean.
#[cfg(test)]
pub fn large_graphs() -> Vec<crate::ir::Graph> {
    [specgen::spec_ecs(250), specgen::spec(600)]
        .into_iter()
        .map(|text| {
            let mut sources = crate::source::Sources::new();
            sources.add("large.apr", text);
            let mut diags = crate::diag::Diagnostics::new();
            crate::driver::check(&sources, &mut diags)
                .unwrap_or_else(|| panic!("the generated spec checks: {:?}", diags.sorted()))
        })
        .collect()
}
