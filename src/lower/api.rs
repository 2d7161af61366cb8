//! One REST API: the resource tree implied by its routes, a proxy method and integration per
//! route with every path parameter declared and mapped, and the hash that names its
//! deployment so that any route change redeploys.

use crate::ir::{self, AccessLog, ApiKey, ApiMethod, Connection, Integration, Resource};
use crate::model::{Api, Auth, Ingress, Spec};
use crate::names;
use crate::syntax::ast::SegmentKind;
use sha2::{Digest, Sha256};
// Hash sets and maps here are only queried, never iterated, so output order never depends on
// them; with thousands of routes they cost a fraction of a tree's string comparisons.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

pub(super) fn lower(spec: &Spec, api: &Api) -> ir::Api {
    let app = &spec.app.name;
    let names = super::names(app, &api.name);
    let private: BTreeMap<&str, Option<&str>> = spec
        .services
        .iter()
        .filter(|s| s.ingress == Ingress::Private)
        .map(|s| (s.name.as_str(), s.network.as_deref()))
        .collect();

    // Each route's path parts, once: the resource tree and the method lookup borrow them.
    let parts: Vec<Vec<String>> = api.routes.iter().map(|r| path_parts(&r.path)).collect();
    let (resources, index) = resource_tree(&parts);
    let mut used: HashSet<String> = HashSet::new();
    let mut methods: Vec<ApiMethod> = api
        .routes
        .iter()
        .zip(&parts)
        .map(|(route, parts)| {
            let resource = index.get(parts.as_slice()).copied();
            let stem = resource.map_or("Root", |i| resources[i].pascal.as_str());
            let method = route.method.as_str();
            let pascal = unique(
                &mut used,
                format!("{}{stem}", names::pascal(&method.to_ascii_lowercase())),
            );
            let connection = match private.get(route.service.as_str()) {
                Some(network) => Connection::VpcLink {
                    network: network.unwrap_or_default().to_string(),
                },
                None => Connection::Internet,
            };
            let path_params = variables(&route.path);
            ApiMethod {
                resource,
                http_method: method.to_string(),
                path: path_string(parts),
                snake: names::snake(&pascal_to_words(&pascal)),
                pascal,
                integration: Integration {
                    service: route.service.clone(),
                    http_method: method.to_string(),
                    connection,
                    target_path: target_string(&route.target_path),
                    path_mappings: path_params.iter().map(|p| (p.clone(), p.clone())).collect(),
                },
                path_params,
            }
        })
        .collect();
    methods.sort_by(|a, b| (&a.path, &a.http_method).cmp(&(&b.path, &b.http_method)));

    let uses_link = methods
        .iter()
        .any(|m| matches!(m.integration.connection, Connection::VpcLink { .. }));
    let deployment_hash = deployment_hash(&resources, &methods);
    ir::Api {
        network: if uses_link { api.network.clone() } else { None },
        stage: api.stage.clone(),
        auth: match api.auth {
            Auth::None => ir::Auth::None,
            Auth::ApiKey => ir::Auth::ApiKey,
            Auth::Iam => ir::Auth::Iam,
        },
        tracing: api.tracing,
        throttle: api.throttle.map(|t| ir::Throttle {
            rate: t.rate,
            burst: t.burst,
        }),
        access_log: api.access_log.then(|| AccessLog {
            log_group_name: format!("/aws/apigateway/{}", names.physical),
            retention_days: 365,
            format: access_log_format(),
        }),
        resources,
        methods,
        deployment_hash,
        api_key: (api.auth == Auth::ApiKey).then(|| ApiKey {
            key_name: names.physical.clone(),
            usage_plan_name: names.physical.clone(),
        }),
        names,
    }
}

/// The path parts as API Gateway writes them: `orders`, `{id}`, `{proxy+}`.
fn path_parts(path: &[SegmentKind]) -> Vec<String> {
    path.iter()
        .map(|s| match s {
            SegmentKind::Literal(l) => l.clone(),
            SegmentKind::Var(v) => format!("{{{v}}}"),
            SegmentKind::Greedy(v) => format!("{{{v}+}}"),
        })
        .collect()
}

fn path_string(parts: &[String]) -> String {
    format!("/{}", parts.join("/"))
}

/// A target path: a greedy variable is substituted as `{name}`.
fn target_string(path: &[SegmentKind]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|s| match s {
            SegmentKind::Literal(l) => l.clone(),
            SegmentKind::Var(v) | SegmentKind::Greedy(v) => format!("{{{v}}}"),
        })
        .collect();
    format!("/{}", parts.join("/"))
}

/// The path's variables, sorted and without repeats.
fn variables(path: &[SegmentKind]) -> Vec<String> {
    let mut vars: Vec<String> = path
        .iter()
        .filter_map(|s| match s {
            SegmentKind::Var(v) | SegmentKind::Greedy(v) => Some(v.clone()),
            SegmentKind::Literal(_) => None,
        })
        .collect();
    vars.sort();
    vars.dedup();
    vars
}

/// Every prefix of every route path is a resource; sorting the part lists puts parents
/// before children and siblings in path order. The index maps each prefix (borrowed from
/// `routes`, the routes' path parts) to its resource.
fn resource_tree(routes: &[Vec<String>]) -> (Vec<Resource>, HashMap<&[String], usize>) {
    let mut prefixes: BTreeSet<&[String]> = BTreeSet::new();
    for parts in routes {
        for len in 1..=parts.len() {
            prefixes.insert(&parts[..len]);
        }
    }
    let mut index: HashMap<&[String], usize> = HashMap::with_capacity(prefixes.len());
    let mut resources: Vec<Resource> = Vec::with_capacity(prefixes.len());
    let mut used = HashSet::with_capacity(prefixes.len());
    for parts in prefixes {
        let Some((last, parent_parts)) = parts.split_last() else {
            continue;
        };
        let i = resources.len();
        let parent = index.get(parent_parts).copied();
        let stem: String = parts.iter().map(|p| names::pascal(p)).collect();
        let pascal = unique(
            &mut used,
            if stem.is_empty() {
                "Path".to_string()
            } else {
                stem
            },
        );
        resources.push(Resource {
            index: i,
            parent,
            path_part: last.clone(),
            path: path_string(parts),
            snake: names::snake(&pascal_to_words(&pascal)),
            pascal,
        });
        index.insert(parts, i);
    }
    (resources, index)
}

/// `AnyOrdersProxy` -> `any-orders-proxy` (then snake-cased by the caller).
fn pascal_to_words(pascal: &str) -> String {
    let mut out = String::new();
    for (i, c) in pascal.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A name not yet used in this api, suffixed with a number when two paths spell the same.
fn unique(used: &mut HashSet<String>, stem: String) -> String {
    if !used.contains(&stem) {
        used.insert(stem.clone());
        return stem;
    }
    let mut n = 2;
    loop {
        let name = format!("{stem}{n}");
        if !used.contains(&name) {
            used.insert(name.clone());
            return name;
        }
        n += 1;
    }
}

/// The hashed document: `{"resources":[..],"methods":[..]}`, fields in this order.
#[derive(serde::Serialize)]
struct Canonical<'a> {
    resources: &'a [Resource],
    methods: &'a [ApiMethod],
}

/// Hex SHA-256 over every resource, method and integration, in IR order: the compact JSON of
/// [`Canonical`]. Serialized straight from the IR structs into the hasher: neither a
/// `serde_json::Value` tree nor a buffer of the text (about 0.6 MB at 1,000 routes, grown by
/// doubling) is built; the bytes hashed are the same.
fn deployment_hash(resources: &[Resource], methods: &[ApiMethod]) -> String {
    let canonical = Canonical { resources, methods };
    let mut hasher = Sha256::new();
    // These plain structs (string keys, no floats) always serialize, and hashing never fails.
    if let Err(e) = serde_json::to_writer(&mut hasher, &canonical) {
        unreachable!("the routes do not serialize: {e}");
    }
    let mut hex = String::with_capacity(64);
    for b in hasher.finalize() {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 15)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// JSON access-log line: one object per request with API Gateway `$context` variables.
fn access_log_format() -> String {
    let fields = [
        ("requestId", "$context.requestId"),
        ("sourceIp", "$context.identity.sourceIp"),
        ("requestTime", "$context.requestTime"),
        ("httpMethod", "$context.httpMethod"),
        ("resourcePath", "$context.resourcePath"),
        ("status", "$context.status"),
        ("protocol", "$context.protocol"),
        ("responseLength", "$context.responseLength"),
        ("integrationLatency", "$context.integrationLatency"),
        ("responseLatency", "$context.responseLatency"),
    ];
    let object: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
        .collect();
    serde_json::Value::Object(object).to_string()
}
