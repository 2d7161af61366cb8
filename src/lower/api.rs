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

pub(super) fn lower(spec: &Spec, api: &Api, targets: &Targets) -> ir::Api {
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
    let auth = match api.auth {
        Auth::None => ir::Auth::None,
        Auth::ApiKey => ir::Auth::ApiKey,
        Auth::Iam => ir::Auth::Iam,
    };
    let deployment_hash = deployment_hash(auth, &methods, targets);
    ir::Api {
        network: if uses_link { api.network.clone() } else { None },
        stage: api.stage.clone(),
        auth,
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

/// The deployment's identity (spec section 8): the hex SHA-256 of the lines of
/// [`deployment_identity`] joined by `\n`, streamed into the hasher.
fn deployment_hash(auth: ir::Auth, methods: &[ApiMethod], targets: &Targets) -> String {
    let mut hasher = Sha256::new();
    let mut first = true;
    deployment_identity(auth, methods, targets, |line| {
        if !first {
            hasher.update(b"\n");
        }
        first = false;
        hasher.update(line);
    });
    names::hex(&hasher.finalize())
}

/// The version of [`deployment_identity`]'s form. Changing the form redeploys every api, so
/// a change bumps this and docs/decisions.md says why.
pub(crate) const IDENTITY_VERSION: &str = "1";

/// What a stage serves, as explicit lines given to `line` one by one, each a JSON array of
/// strings: a header with the form's version, then per method its HTTP method, path and
/// authorization, and its integration (type, method, timeout, connection, what makes the host
/// it proxies to, target path), the path parameters the method requires and the
/// integration's mappings. Whatever changes one of these changes the deployment: the
/// CloudFormation logical id suffix, the Terraform `triggers`, the plan's deployment step.
///
/// A host is named by what would replace it: a private service's ingress connection domain
/// changes with the connection, the service or the VPC; a public service's URL with the
/// service; a VPC link with its load balancer, whose name carries its replacement suffix.
/// Each field is written here by hand, never by serializing IR structs, so an internal field
/// added later cannot redeploy every api. One buffer is reused for every line (a thousand
/// routes made a `String` per field a tenth of the build).
pub(crate) fn deployment_identity(
    auth: ir::Auth,
    methods: &[ApiMethod],
    targets: &Targets,
    mut line: impl FnMut(&[u8]),
) {
    let mut w = Line::default();
    w.fields(&["aprc-deployment-identity", IDENTITY_VERSION]);
    w.finish(&mut line);
    for m in methods {
        let i = &m.integration;
        w.fields(&["method", &m.http_method, &m.path]);
        w.fields(&["authorization", auth.authorization_type()]);
        w.fields(&[
            "api-key-required",
            if auth.api_key_required() {
                "true"
            } else {
                "false"
            },
        ]);
        w.fields(&["integration", INTEGRATION_TYPE, &i.http_method]);
        w.fields(&["timeout-ms", INTEGRATION_TIMEOUT_MS]);
        let service = targets.service(&i.service);
        let service_name = service.map_or("", |s| s.names.physical.as_str());
        match &i.connection {
            Connection::VpcLink { network } => {
                let network = targets.network(network);
                let link = network.and_then(|n| n.link.as_ref());
                let connection = service.and_then(|s| s.ingress_connection.as_ref());
                w.fields(&["connection", "VPC_LINK"]);
                w.fields(&["vpc-link", link.map_or("", |l| l.vpc_link_name.as_str())]);
                w.fields(&["load-balancer", link.map_or("", |l| l.nlb_name.as_str())]);
                w.fields(&["host", "ingress-connection-domain"]);
                w.fields(&[
                    "ingress-connection",
                    connection.map_or("", |c| c.physical.as_str()),
                ]);
                w.fields(&["service", service_name]);
                let vpc = network.map(|n| super::network::vpc_identity(&n.vpc));
                w.fields(&["vpc", vpc.as_deref().unwrap_or("")]);
            }
            Connection::Internet => {
                w.fields(&["connection", "INTERNET"]);
                w.fields(&["host", "service-url", "service", service_name]);
            }
        }
        w.fields(&["target-path", &i.target_path]);
        w.fields(&["method-request-parameters"]);
        for p in &m.path_params {
            w.joined(&["method.request.path.", p]);
        }
        w.fields(&["integration-request-parameters"]);
        for (to, from) in &i.path_mappings {
            w.joined(&[
                "integration.request.path.",
                to,
                "=method.request.path.",
                from,
            ]);
        }
        w.finish(&mut line);
    }
}

/// One line of the identity being written: `[` then JSON strings separated by `,`.
#[derive(Default)]
struct Line {
    buf: Vec<u8>,
    /// Pieces of a field made of several, joined before escaping.
    scratch: String,
}

impl Line {
    fn separator(&mut self) {
        self.buf.push(if self.buf.is_empty() { b'[' } else { b',' });
    }

    fn fields(&mut self, fields: &[&str]) {
        for field in fields {
            self.separator();
            // Writing a string into memory cannot fail.
            let _ = serde_json::to_writer(&mut self.buf, field);
        }
    }

    /// One field, the concatenation of `pieces`.
    fn joined(&mut self, pieces: &[&str]) {
        self.scratch.clear();
        pieces.iter().for_each(|p| self.scratch.push_str(p));
        self.separator();
        let _ = serde_json::to_writer(&mut self.buf, &self.scratch);
    }

    /// Closes the line, gives it to `line`, and empties the buffer for the next one.
    fn finish(&mut self, line: &mut impl FnMut(&[u8])) {
        self.buf.push(b']');
        line(&self.buf);
        self.buf.clear();
    }
}

/// Every route is a proxy integration, with API Gateway's default timeout.
const INTEGRATION_TYPE: &str = "HTTP_PROXY";
const INTEGRATION_TIMEOUT_MS: &str = "29000";

/// What an api's integrations point at: the lowered networks and services, sorted by spec
/// name (lowering's order), whose physical names decide hosts and links.
pub(crate) struct Targets<'a> {
    pub networks: &'a [ir::Network],
    pub services: &'a [ir::Service],
}

impl Targets<'_> {
    fn service(&self, spec: &str) -> Option<&ir::Service> {
        ir::by_spec(self.services, spec, |s| &s.names.spec)
    }

    fn network(&self, spec: &str) -> Option<&ir::Network> {
        ir::by_spec(self.networks, spec, |n| &n.names.spec)
    }
}

/// The account's API Gateway logging role (spec section 8): trusted by API Gateway, with
/// the AWS-managed policy made for it and nothing else.
pub(super) fn logs_role(app: &str) -> ir::LogsRole {
    ir::LogsRole {
        physical: names::logs_role(app),
        principal: "apigateway.amazonaws.com".to_string(),
        managed_policy: "service-role/AmazonAPIGatewayPushToCloudWatchLogs".to_string(),
        description: format!(
            "API Gateway's account-wide CloudWatch Logs role, set by aprc app {app}; kept when the app is destroyed, as other apis may log through it"
        ),
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
