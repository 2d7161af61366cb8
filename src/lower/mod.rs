//! Lowering: the checked spec to the IR. Everything the backends must agree on is decided
//! here once: which shared network resources exist, how they are wired, every name.
//! Input collections are sorted by name (the checker's promise), so the IR is too.

mod api;
mod network;
mod service;

use crate::ir::{self, Ir, Names, Output, OutputValue};
use crate::model::Spec;
use crate::names;
use crate::text::Text;
use std::collections::BTreeMap;

/// `baked` holds `--param` values, already known to name declared params.
pub fn lower(spec: &Spec, baked: &BTreeMap<String, String>) -> Ir {
    let spec = bake(spec, baked);
    let app = &spec.app.name;
    let mut tags = spec.app.tags.clone();
    tags.insert("app".to_string(), Text::lit(app.clone()));

    let networks: Vec<ir::Network> = spec
        .networks
        .iter()
        .map(|n| network::lower(&spec, n))
        .collect();
    let services: Vec<ir::Service> = spec
        .services
        .iter()
        .map(|s| service::lower(app, s))
        .collect();
    // Apis last: a deployment's identity names what its integrations point at.
    let targets = api::Targets {
        networks: &networks,
        services: &services,
    };
    let apis: Vec<ir::Api> = spec
        .apis
        .iter()
        .map(|a| api::lower(&spec, a, &targets))
        .collect();
    let outputs = outputs(&services, &apis);
    let logs_role = apis
        .iter()
        .any(|a| a.access_log.is_some())
        .then(|| api::logs_role(app));

    Ir {
        app: ir::App {
            name: app.clone(),
            region: spec.app.region.clone(),
            tags,
            span: spec.app.span,
        },
        params: spec
            .params
            .iter()
            .filter(|p| !baked.contains_key(&p.name))
            .map(|p| ir::Param {
                name: p.name.clone(),
                default: p.default.clone(),
            })
            .collect(),
        networks,
        services,
        apis,
        logs_role,
        outputs,
    }
}

/// The names of one entity of the application.
pub(crate) fn names(app: &str, spec_name: &str) -> Names {
    Names {
        spec: spec_name.to_string(),
        pascal: names::pascal(spec_name),
        snake: names::snake(spec_name),
        physical: names::physical(app, spec_name),
    }
}

/// Replaces baked params in every string of the spec, so lowering never sees them.
fn bake(spec: &Spec, baked: &BTreeMap<String, String>) -> Spec {
    let mut spec = spec.clone();
    if baked.is_empty() {
        return spec;
    }
    for value in spec.app.tags.values_mut() {
        *value = value.bake(baked);
    }
    for network in &mut spec.networks {
        if let crate::model::NetworkSource::Existing { vpc_id, subnet_ids } = &mut network.source {
            *vpc_id = vpc_id.bake(baked);
            for id in subnet_ids.iter_mut() {
                *id = id.bake(baked);
            }
        }
    }
    for service in &mut spec.services {
        service.image = service.image.bake(baked);
        service.command = service.command.as_ref().map(|c| c.bake(baked));
        for value in service.env.values_mut().chain(service.secrets.values_mut()) {
            *value = value.bake(baked);
        }
        if let Some(path) = service.health.as_mut().and_then(|h| h.path.as_mut()) {
            *path = path.bake(baked);
        }
    }
    for api in &mut spec.apis {
        api.stage = api.stage.bake(baked);
    }
    spec
}

fn outputs(services: &[ir::Service], apis: &[ir::Api]) -> Vec<Output> {
    let mut out = Vec::new();
    let mut push = |stem: &str,
                    snake_stem: &str,
                    kind: (&str, &str),
                    description: String,
                    value: OutputValue| {
        out.push(Output {
            pascal: format!("{stem}{}", kind.0),
            snake: format!("{snake_stem}_{}", kind.1),
            description,
            value,
        });
    };
    for api in apis {
        let n = &api.names;
        push(
            &n.pascal,
            &n.snake,
            ("InvokeUrl", "invoke_url"),
            format!("Invoke URL of api `{}` (stage `{}`)", n.spec, api.stage),
            OutputValue::InvokeUrl(n.spec.clone()),
        );
        if api.api_key.is_some() {
            push(
                &n.pascal,
                &n.snake,
                ("ApiKeyId", "api_key_id"),
                format!("Id of the api key of `{}` (not its value)", n.spec),
                OutputValue::ApiKeyId(n.spec.clone()),
            );
        }
    }
    for service in services {
        let n = &service.names;
        push(
            &n.pascal,
            &n.snake,
            ("ServiceArn", "service_arn"),
            format!("ARN of App Runner service `{}`", n.spec),
            OutputValue::ServiceArn(n.spec.clone()),
        );
        if service.private {
            push(
                &n.pascal,
                &n.snake,
                ("IngressDomain", "ingress_domain"),
                format!(
                    "Private domain name of `{}`'s VPC ingress connection",
                    n.spec
                ),
                OutputValue::IngressDomain(n.spec.clone()),
            );
        } else {
            push(
                &n.pascal,
                &n.snake,
                ("ServiceUrl", "service_url"),
                format!("Public URL of App Runner service `{}`", n.spec),
                OutputValue::ServiceUrl(n.spec.clone()),
            );
        }
    }
    out.sort_by(|a, b| a.pascal.cmp(&b.pascal));
    out
}

#[cfg(test)]
mod tests;
