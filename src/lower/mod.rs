//! Lowering: the checked spec to the resource graph ([`crate::ir`]). Everything the backends
//! must agree on is decided here once: which AWS resources exist, how each is named and
//! wired, every AWS fact about it. Input collections are sorted by name (the checker's
//! promise), and resources are added in one fixed order, so the graph is deterministic.
//!
//! Order: the zone lookups created subnets need, each network, the REST API of each api whose
//! URL a service uses, each service (after those whose URL it uses), the account's API
//! Gateway logging role (when an api logs), each api; each resource after what it refers to.

mod api;
mod ecs;
mod identity;
mod network;
mod service;

use crate::ir::{self, Builder, DeclId, DeclKind, Graph, Names, Output, OutputValue};
use crate::model::{Compute, EnvValue, NetworkSource, Service, Spec, UrlOf};
use crate::names;
use crate::text::Text;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// `baked` holds `--param` values, already known to name declared params.
pub fn lower(spec: &Spec, baked: &BTreeMap<String, String>) -> Graph {
    let spec = bake(spec, baked);
    let app = &spec.app.name;
    let mut tags = spec.app.tags.clone();
    tags.insert("app".to_string(), Text::lit(app.clone()));
    let params = spec
        .params
        .iter()
        .filter(|p| !baked.contains_key(&p.name))
        .map(|p| ir::Param {
            name: p.name.clone(),
            default: p.default.clone(),
            span: p.span,
        })
        .collect();
    let mut b = Builder::new(
        ir::App {
            name: app.clone(),
            region: spec.app.region.clone(),
            tags,
            span: spec.app.span,
        },
        params,
        names(app, app),
        spec.app.name_span,
    );

    // The zone lookups that created subnets are placed by.
    let zones = network::zone_lookups(&mut b, &spec);
    let routed = network::routed(&spec);
    let mut networks: BTreeMap<&str, network::Lowered> = spec
        .networks
        .iter()
        .map(|n| {
            (
                n.name.as_str(),
                network::lower(&mut b, &spec, n, &zones, &routed),
            )
        })
        .collect();
    // The REST API of an api whose URL a service's `env` holds comes before the services.
    let referenced: BTreeSet<&str> = spec
        .services
        .iter()
        .flat_map(|s| s.env.values().flat_map(EnvValue::urls))
        .filter_map(|u| match u {
            UrlOf::Api(name) => Some(name.as_str()),
            UrlOf::Service(_) => None,
        })
        .collect();
    let mut heads: BTreeMap<&str, api::Head> = BTreeMap::new();
    let mut urls = service::Urls::default();
    for a in spec
        .apis
        .iter()
        .filter(|a| referenced.contains(a.name.as_str()))
    {
        let head = api::head(&mut b, app, a);
        urls.apis
            .insert(a.name.clone(), (head.rest, a.stage.clone()));
        heads.insert(a.name.as_str(), head);
    }
    // The app's ECS cluster, and each ECS service's listener port (from its name alone).
    let ecs = spec
        .services
        .iter()
        .filter(|s| s.compute == Compute::Ecs)
        .map(|s| (s.network.as_deref().unwrap_or_default(), s.name.as_str()));
    let ports = crate::names::listener_ports(ecs);
    let cluster = (!ports.is_empty()).then(|| {
        let decl = b.app_decl();
        b.add(
            decl,
            ir::Cluster {
                physical: app.clone(),
                container_insights: false,
            },
        )
    });
    let mut services: BTreeMap<&str, service::Lowered> = BTreeMap::new();
    for s in service_order(&spec.services) {
        let lowered = match (s.compute, cluster, ports.get(s.name.as_str())) {
            (Compute::Ecs, Some(cluster), Some(port)) => {
                let decl = b.decl(DeclKind::Service, names(app, &s.name), s.span);
                let network = s.network.as_deref().and_then(|n| networks.get(n));
                let lowered = network
                    .and_then(|n| ecs::lower(&mut b, app, decl, s, n, cluster, *port, &urls));
                match lowered {
                    Some(l) => service::Lowered {
                        decl,
                        target: service::Target::Ecs(l),
                        link: None,
                    },
                    None => {
                        b.broken(format!("ECS service `{}` has no network", s.name));
                        continue;
                    }
                }
            }
            _ => service::lower(&mut b, app, s, &networks, &urls),
        };
        if let service::Target::AppRunner { service, .. } = lowered.target {
            urls.services.insert(s.name.clone(), service);
        }
        services.insert(s.name.as_str(), lowered);
    }
    // The VPC link of a network whose apis reach only ECS services waits for the first of
    // their listeners; every ECS service then knows its network's link.
    for s in &spec.services {
        let (Some(network), Some(lowered)) = (
            s.network.as_deref().and_then(|n| networks.get_mut(n)),
            services.get_mut(s.name.as_str()),
        ) else {
            continue;
        };
        if let service::Target::Ecs(ecs) = &lowered.target {
            network::late_link(&mut b, network, ecs.listener);
            lowered.link = network.link;
        }
    }
    let account = spec
        .apis
        .iter()
        .any(|a| a.access_log)
        .then(|| api::account(&mut b, app));
    for a in &spec.apis {
        let head = match heads.remove(a.name.as_str()) {
            Some(head) => head,
            None => api::head(&mut b, app, a),
        };
        let lowered = api::lower(&mut b, head, a, &services, account);
        outputs_of_api(&mut b, a.name.as_str(), &lowered);
    }
    for (name, lowered) in &services {
        outputs_of_service(&mut b, name, lowered);
    }
    b.finish()
}

/// The services in name order, except that a service comes after those whose URL it uses
/// (the checker refused cycles; were there one, its services would keep name order).
fn service_order(services: &[Service]) -> Vec<&Service> {
    let needs: BTreeMap<&str, BTreeSet<&str>> = services
        .iter()
        .map(|s| {
            let needs = s
                .env
                .values()
                .flat_map(EnvValue::urls)
                .filter_map(|u| match u {
                    UrlOf::Service(name) if *name != s.name => Some(name.as_str()),
                    _ => None,
                })
                .collect();
            (s.name.as_str(), needs)
        })
        .collect();
    // The usual case: no service uses another's URL, and the order is the names'.
    if needs.values().all(BTreeSet::is_empty) {
        return services.iter().collect();
    }
    // Kahn's order, the first name among the ready ones taken each time.
    let by_name: BTreeMap<&str, &Service> = services.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut waiting: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, needs) in &needs {
        let known: Vec<&str> = needs
            .iter()
            .copied()
            .filter(|n| by_name.contains_key(n))
            .collect();
        waiting.insert(name, known.len());
        for n in known {
            dependents.entry(n).or_default().push(name);
        }
    }
    let mut ready: BTreeSet<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(s, _)| *s)
        .collect();
    let mut out = Vec::with_capacity(services.len());
    while let Some(next) = ready.pop_first() {
        waiting.remove(next);
        out.extend(by_name.get(next).copied());
        for d in dependents.get(next).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(d) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(d);
                }
            }
        }
    }
    // A cycle (refused by the checker) leaves services waiting: name order for them.
    out.extend(waiting.keys().filter_map(|s| by_name.get(s).copied()));
    out
}

/// The names of one declaration of the application.
pub(crate) fn names(app: &str, spec_name: &str) -> Names {
    Names {
        spec: spec_name.to_string(),
        pascal: names::pascal(spec_name),
        snake: names::snake(spec_name),
        physical: names::physical(app, spec_name),
    }
}

/// Replaces baked params in every string of the spec, so lowering never sees them; the spec
/// itself, not a copy, when there are none (every `aprc check`, and most builds).
fn bake<'s>(spec: &'s Spec, baked: &BTreeMap<String, String>) -> Cow<'s, Spec> {
    if baked.is_empty() {
        return Cow::Borrowed(spec);
    }
    let mut spec = spec.clone();
    for value in spec.app.tags.values_mut() {
        *value = value.bake(baked);
    }
    for network in &mut spec.networks {
        if let NetworkSource::Existing { vpc_id, subnet_ids } = &mut network.source {
            *vpc_id = vpc_id.bake(baked);
            for id in subnet_ids.iter_mut() {
                *id = id.bake(baked);
            }
        }
    }
    for service in &mut spec.services {
        service.image = service.image.bake(baked);
        service.command = service.command.as_ref().map(|c| c.bake(baked));
        for word in service.command_words.iter_mut() {
            *word = word.bake(baked);
        }
        for value in service.env.values_mut() {
            *value = value.bake(baked);
        }
        for value in service.secrets.values_mut() {
            *value = value.bake(baked);
        }
        if let Some(path) = service.health.as_mut().and_then(|h| h.path.as_mut()) {
            *path = path.bake(baked);
        }
        // Still sorted and without repeats once baked, as the checker leaves them.
        for grant in &mut service.grants {
            for resource in &mut grant.resources {
                *resource = resource.bake(baked);
            }
            grant.resources.sort();
            grant.resources.dedup();
        }
        service.grants.sort();
        service.grants.dedup();
    }
    for api in &mut spec.apis {
        api.stage = api.stage.bake(baked);
    }
    Cow::Owned(spec)
}

fn push_output(
    b: &mut Builder,
    decl: DeclId,
    kind: (&str, &str),
    description: String,
    value: OutputValue,
) {
    let Ok(names) = b.graph().decl(decl).map(|d| d.names.clone()) else {
        return;
    };
    b.output(Output {
        pascal: format!("{}{}", names.pascal, kind.0),
        snake: format!("{}_{}", names.snake, kind.1),
        description,
        value,
        decl,
    });
}

/// Each api's invoke URL and, with an api key, the key's id (never its value).
fn outputs_of_api(b: &mut Builder, name: &str, api: &api::Lowered) {
    let stage = b
        .graph()
        .get(api.stage)
        .map(|s| s.name.to_string())
        .unwrap_or_default();
    push_output(
        b,
        api.decl,
        ("InvokeUrl", "invoke_url"),
        format!("Invoke URL of api `{name}` (stage `{stage}`)"),
        OutputValue::InvokeUrl(api.stage),
    );
    if let Some(key) = api.key {
        push_output(
            b,
            api.decl,
            ("ApiKeyId", "api_key_id"),
            format!("Id of the api key of `{name}` (not its value)"),
            OutputValue::ApiKeyId(key),
        );
    }
}

/// Each service's ARN, and an App Runner service's ingress domain (private) or URL (public).
fn outputs_of_service(b: &mut Builder, name: &str, lowered: &service::Lowered) {
    let decl = lowered.decl;
    let (service, ingress) = match &lowered.target {
        service::Target::AppRunner { service, ingress } => (*service, *ingress),
        service::Target::Ecs(ecs) => {
            push_output(
                b,
                decl,
                ("ServiceArn", "service_arn"),
                format!("ARN of ECS service `{name}`"),
                OutputValue::EcsServiceArn(ecs.service),
            );
            return;
        }
    };
    push_output(
        b,
        decl,
        ("ServiceArn", "service_arn"),
        format!("ARN of App Runner service `{name}`"),
        OutputValue::ServiceArn(service),
    );
    match ingress {
        Some(ingress) => push_output(
            b,
            decl,
            ("IngressDomain", "ingress_domain"),
            format!("Private domain name of `{name}`'s VPC ingress connection"),
            OutputValue::IngressDomain(ingress),
        ),
        None => push_output(
            b,
            decl,
            ("ServiceUrl", "service_url"),
            format!("Public URL of App Runner service `{name}`"),
            OutputValue::ServiceUrl(service),
        ),
    }
}

#[cfg(test)]
mod tests;
