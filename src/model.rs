//! The checked spec: what the checker hands to lowering once there are no errors. Every
//! reference is resolved, every default applied, every value typed and in range; spans are
//! gone except where a later phase must still point at the source. Collections are sorted by
//! name, so nothing downstream depends on declaration order.

use crate::span::Span;
use crate::syntax::ast::SegmentKind;
use crate::text::Text;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub app: App,
    /// Sorted by name.
    pub params: Vec<Param>,
    /// Sorted by name.
    pub networks: Vec<Network>,
    /// Sorted by name.
    pub services: Vec<Service>,
    /// Sorted by name.
    pub apis: Vec<Api>,
}

/// Where a service runs (section 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Compute {
    #[default]
    AppRunner,
    Ecs,
}

impl Compute {
    pub fn as_str(self) -> &'static str {
        match self {
            Compute::AppRunner => "apprunner",
            Compute::Ecs => "ecs",
        }
    }

    /// How messages name it.
    pub fn title(self) -> &'static str {
        match self {
            Compute::AppRunner => "App Runner",
            Compute::Ecs => "ECS Fargate",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub name: String,
    pub region: String,
    /// Where services run unless they say otherwise.
    pub compute: Compute,
    /// The user's tags, without the implied `app = <name>`; values may hold params.
    pub tags: BTreeMap<String, Text>,
    /// The `app` declaration, where whole-spec errors (quotas) point.
    pub span: Span,
    /// The app's name, where errors about names it prefixes point.
    pub name_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    /// `None` for `param NAME : string`.
    pub default: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub name: String,
    /// The declaration's name in the source.
    pub span: Span,
    pub source: NetworkSource,
    /// `nat = true`: a created network gets public subnets, an internet gateway and a NAT
    /// gateway per zone; an existing one is declared to route through a NAT already.
    pub nat: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NetworkSource {
    /// Create a VPC: `cidr` (validated), one subnet of `/subnet_size` per zone.
    Create {
        base: u32,
        prefix: u8,
        zones: u8,
        subnet_size: u8,
    },
    /// An existing VPC and its private subnets.
    Existing { vpc_id: Text, subnet_ids: Vec<Text> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingress {
    Private,
    Public,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Egress {
    Internet,
    Vpc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG`; registry and repository are literal.
    EcrPrivate {
        partition: String,
        account: String,
        region: String,
        repository: String,
    },
    /// `public.ecr.aws/...`
    EcrPublic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    /// The service's own `compute`, or the app's.
    pub compute: Compute,
    pub image: Text,
    pub image_source: ImageSource,
    pub port: u16,
    /// vCPU in thousandths: 250, 500, 1000, 2000, 4000.
    pub cpu_millis: u32,
    /// Memory in MB: 512, 1024, 2048, ... (a valid pair with `cpu_millis`).
    pub memory_mb: u32,
    pub command: Option<Text>,
    /// `command` split into words as a shell would (ECS runs it without a shell).
    pub command_words: Vec<Text>,
    pub network: Option<String>,
    pub ingress: Ingress,
    pub egress: Egress,
    pub env: BTreeMap<String, EnvValue>,
    pub secrets: BTreeMap<String, Text>,
    pub tracing: bool,
    pub health: Option<Health>,
    pub scale: Option<Scale>,
    /// `allow` statements: sorted, without repeats.
    pub grants: Vec<Grant>,
    /// The declaration's name in the source.
    pub span: Span,
}

/// A value of `env`: text that may hold params, and the URLs of the application's own apis
/// and public services (`orders.url`, `"${api.public.url}/v1"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvValue {
    pub parts: Vec<EnvPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EnvPart {
    Text(Text),
    Url(UrlOf),
}

/// Whose `https://` URL: an api's invoke URL with its stage, or a public service's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum UrlOf {
    Api(String),
    Service(String),
}

impl EnvValue {
    pub fn text(text: Text) -> Self {
        EnvValue {
            parts: vec![EnvPart::Text(text)],
        }
    }

    /// Appends text, merged into the text before it.
    pub fn push_text(&mut self, text: Text) {
        match self.parts.last_mut() {
            Some(EnvPart::Text(prev)) => {
                for part in text.parts {
                    prev.push(part);
                }
            }
            _ => self.parts.push(EnvPart::Text(text)),
        }
    }

    pub fn urls(&self) -> impl Iterator<Item = &UrlOf> {
        self.parts.iter().filter_map(|p| match p {
            EnvPart::Url(u) => Some(u),
            EnvPart::Text(_) => None,
        })
    }

    /// Replaces every param that has a value in `values` by that value.
    pub fn bake(&self, values: &BTreeMap<String, String>) -> EnvValue {
        EnvValue {
            parts: self
                .parts
                .iter()
                .map(|p| match p {
                    EnvPart::Text(t) => EnvPart::Text(t.bake(values)),
                    EnvPart::Url(u) => EnvPart::Url(u.clone()),
                })
                .collect(),
        }
    }
}

/// `allow ACTIONS on RESOURCES`: a grant on the service's own role; both sorted, without
/// repeats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    pub actions: Vec<String>,
    pub resources: Vec<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthProtocol {
    Http,
    Tcp,
}

/// Unset fields keep App Runner's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub protocol: HealthProtocol,
    /// Starts with `/` when its first part is literal; may hold params.
    pub path: Option<Text>,
    /// Seconds, 1-20.
    pub interval: Option<u32>,
    /// Seconds, 1-20.
    pub timeout: Option<u32>,
    pub healthy: Option<u32>,
    pub unhealthy: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub min: u32,
    pub max: u32,
    pub concurrency: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    ApiKey,
    Iam,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throttle {
    /// Requests per second.
    pub rate: f64,
    pub burst: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub name: String,
    pub network: Option<String>,
    /// `[A-Za-z0-9_]+` where literal; may hold params (checked when baked).
    pub stage: Text,
    pub auth: Auth,
    pub tracing: bool,
    pub access_log: bool,
    pub throttle: Option<Throttle>,
    /// Sorted by (path, method).
    pub routes: Vec<Route>,
    /// The declaration's name in the source.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
    Any,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
        Method::Any,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Any => "ANY",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub method: Method,
    pub path: Vec<SegmentKind>,
    pub service: String,
    /// Defaults to `path` when not written.
    pub target_path: Vec<SegmentKind>,
    /// The route's own `auth` (its block), overriding the api's.
    pub auth: Option<Auth>,
    /// The route statement.
    pub span: Span,
}
