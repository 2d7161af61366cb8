//! One REST API: the resource tree implied by its routes, a proxy method and integration per
//! route with every path parameter declared and mapped, the deployment whose identity covers
//! everything the stage serves, the stage with its access log, and with `auth = api_key` the
//! key and usage plan. Also the account's API Gateway logging role, made once per app when
//! an api logs.

use super::identity;
use super::service::{self, Target};
use crate::ir::{
    AccessLog, ApiAccount, ApiKey, ApiResource, Builder, Connection, DeclId, DeclKind, Deployment,
    Host, Integration, LogGroup, LogsRole, Method, Ref, RestApi, Stage, Throttle, UsagePlan,
    UsagePlanKey,
};
use crate::model::{Api, Auth};
use crate::names;
use crate::syntax::ast::SegmentKind;
// Hash sets and maps here are only queried, never iterated, so output order never depends on
// them; with thousands of routes they cost a fraction of a tree's string comparisons.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What the app's outputs refer to.
pub(super) struct Lowered {
    pub decl: DeclId,
    pub stage: Ref<Stage>,
    pub key: Option<Ref<ApiKey>>,
}

/// The account's API Gateway logging role (trusted by API Gateway, with the AWS-managed
/// policy made for it and nothing else) and the account setting that names it; both kept
/// when the app is destroyed, as other apis of the account may log through them.
pub(super) fn account(b: &mut Builder, app: &str) -> Ref<ApiAccount> {
    let decl = b.app_decl();
    let role = b.add(
        decl,
        LogsRole {
            physical: names::logs_role(app),
            principal: "apigateway.amazonaws.com".to_string(),
            managed_policy: "service-role/AmazonAPIGatewayPushToCloudWatchLogs".to_string(),
            description: format!(
                "API Gateway's account-wide CloudWatch Logs role, set by aprc app {app}; kept when the app is destroyed, as other apis may log through it"
            ),
        },
    );
    b.retain(role);
    let account = b.add(decl, ApiAccount { role });
    b.retain(account);
    account
}

/// The api's declaration and REST API: made before the services when one uses its URL.
pub(super) struct Head {
    pub decl: DeclId,
    pub rest: Ref<RestApi>,
    physical: String,
}

pub(super) fn head(b: &mut Builder, app: &str, api: &Api) -> Head {
    let names = super::names(app, &api.name);
    let physical = names.physical.clone();
    let decl = b.decl(DeclKind::Api, names, api.span);
    let rest = b.add(
        decl,
        RestApi {
            physical: physical.clone(),
            endpoint_type: "REGIONAL",
        },
    );
    Head {
        decl,
        rest,
        physical,
    }
}

pub(super) fn lower(
    b: &mut Builder,
    head: Head,
    api: &Api,
    services: &BTreeMap<&str, service::Lowered>,
    account: Option<Ref<ApiAccount>>,
) -> Lowered {
    let Head {
        decl,
        rest,
        physical,
    } = head;

    // The resource tree: every prefix of every route path, parents first.
    let parts: Vec<Vec<String>> = api.routes.iter().map(|r| path_parts(&r.path)).collect();
    let tree = resource_tree(&parts);
    let mut index: HashMap<&[String], Ref<ApiResource>> = HashMap::with_capacity(tree.len());
    for node in &tree {
        let parent = node
            .parts
            .split_last()
            .and_then(|(_, parent)| index.get(parent).copied());
        let resource = b.add(
            decl,
            ApiResource {
                api: rest,
                parent,
                path_part: node.parts.last().cloned().unwrap_or_default(),
                path: path_string(node.parts),
                pascal: node.pascal.clone(),
                snake: names::snake(&pascal_to_words(&node.pascal)),
                index: node.index,
            },
        );
        index.insert(node.parts, resource);
    }

    // One method per route, with its proxy integration, in (path, method) order.
    // The api's auth, or a route's own (its block).
    let authorization = |auth: Auth| match auth {
        Auth::Iam => ("AWS_IAM", false),
        Auth::ApiKey => ("NONE", true),
        Auth::None => ("NONE", false),
    };
    let mut used: HashSet<String> = HashSet::new();
    let mut methods: Vec<(Method, crate::span::Span)> = api
        .routes
        .iter()
        .zip(&parts)
        .filter_map(|(route, parts)| {
            let resource = index.get(parts.as_slice()).copied();
            let stem = tree_pascal(&tree, parts).unwrap_or("Root");
            let method = route.method.as_str();
            let pascal = unique(
                &mut used,
                format!("{}{stem}", names::pascal(&method.to_ascii_lowercase())),
            );
            let target = services.get(route.service.as_str())?;
            let (connection, host) = match (&target.target, target.link) {
                (
                    Target::AppRunner {
                        ingress: Some(ingress),
                        ..
                    },
                    Some(link),
                ) => (Connection::VpcLink(link), Host::IngressDomain(*ingress)),
                (Target::AppRunner { service, .. }, _) => {
                    (Connection::Internet, Host::ServiceUrl(*service))
                }
                (Target::Ecs(ecs), Some(link)) => (
                    Connection::VpcLink(link),
                    Host::Listener {
                        load_balancer: ecs.load_balancer,
                        listener: ecs.listener,
                        port: ecs.port,
                    },
                ),
                // An ECS service is reached only through its network's VPC link, which
                // lowering makes for every network an api routes to.
                (Target::Ecs(_), None) => return None,
            };
            let path_params = variables(&route.path);
            let (authorization_type, api_key_required) =
                authorization(route.auth.unwrap_or(api.auth));
            Some((
                Method {
                    api: rest,
                    resource,
                    http_method: method.to_string(),
                    path: path_string(parts),
                    authorization_type,
                    api_key_required,
                    request_parameters: path_params
                        .iter()
                        .map(|p| format!("method.request.path.{p}"))
                        .collect(),
                    integration: Integration {
                        integration_type: "HTTP_PROXY",
                        http_method: method.to_string(),
                        connection,
                        host,
                        target_path: target_string(&route.target_path),
                        request_parameters: path_params
                            .iter()
                            .map(|p| {
                                (
                                    format!("integration.request.path.{p}"),
                                    format!("method.request.path.{p}"),
                                )
                            })
                            .collect(),
                    },
                    snake: names::snake(&pascal_to_words(&pascal)),
                    pascal,
                    index: 0,
                },
                route.span,
            ))
        })
        .collect();
    methods.sort_by(|(a, _), (b, _)| (&a.path, &a.http_method).cmp(&(&b.path, &b.http_method)));
    let identity = {
        let all: Vec<&Method> = methods.iter().map(|(m, _)| m).collect();
        identity::deployment(b.graph(), &all)
    };
    let methods: Vec<Ref<Method>> = methods
        .into_iter()
        .enumerate()
        .map(|(i, (mut method, span))| {
            method.index = i;
            b.add_at(decl, span, method)
        })
        .collect();

    let deployment = b.add(
        decl,
        Deployment {
            api: rest,
            identity,
            methods,
        },
    );
    b.replace_first(deployment);
    let access_log = match (api.access_log, account) {
        (true, Some(account)) => {
            let group = b.add(
                decl,
                LogGroup {
                    name: format!("/aws/apigateway/{physical}"),
                    retention_days: 365,
                },
            );
            Some(AccessLog {
                group,
                format: access_log_format(),
                account,
            })
        }
        _ => None,
    };
    let throttle = api.throttle.map(|t| Throttle {
        rate: t.rate,
        burst: t.burst,
    });
    let stage = b.add(
        decl,
        Stage {
            api: rest,
            deployment,
            name: api.stage.clone(),
            tracing: api.tracing,
            throttle,
            access_log,
        },
    );
    // A key when any method requires one: by the api's auth, or by a route's own.
    let needs_key = api
        .routes
        .iter()
        .any(|r| r.auth.unwrap_or(api.auth) == Auth::ApiKey);
    let key = needs_key.then(|| {
        let key = b.add(
            decl,
            ApiKey {
                name: physical.clone(),
                enabled: true,
            },
        );
        let plan = b.add(
            decl,
            UsagePlan {
                name: physical.clone(),
                api: rest,
                stage,
                throttle,
            },
        );
        b.add(
            decl,
            UsagePlanKey {
                key,
                plan,
                key_type: "API_KEY",
            },
        );
        key
    });
    Lowered { decl, stage, key }
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

/// One node of the resource tree: a path prefix, its unique name within the api.
struct Node<'p> {
    parts: &'p [String],
    pascal: String,
    index: usize,
}

/// Every prefix of every route path is a resource; sorting the part lists puts parents
/// before children and siblings in path order.
fn resource_tree(routes: &[Vec<String>]) -> Vec<Node<'_>> {
    let mut prefixes: BTreeSet<&[String]> = BTreeSet::new();
    for parts in routes {
        for len in 1..=parts.len() {
            prefixes.insert(&parts[..len]);
        }
    }
    let mut used = HashSet::with_capacity(prefixes.len());
    prefixes
        .into_iter()
        .enumerate()
        .map(|(index, parts)| {
            let stem: String = parts.iter().map(|p| names::pascal(p)).collect();
            let pascal = unique(
                &mut used,
                if stem.is_empty() {
                    "Path".to_string()
                } else {
                    stem
                },
            );
            Node {
                parts,
                pascal,
                index,
            }
        })
        .collect()
}

/// The name of the tree's node for `parts`; `None` for the root.
fn tree_pascal<'t>(tree: &'t [Node], parts: &[String]) -> Option<&'t str> {
    if parts.is_empty() {
        return None;
    }
    let at = tree.partition_point(|n| n.parts < parts);
    tree.get(at)
        .filter(|n| n.parts == parts)
        .map(|n| n.pascal.as_str())
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
