//! Api kinds: the REST API, its resource tree, one method per route with its `HTTP_PROXY`
//! integration, the deployment that names what the stage serves, the stage with its access
//! log group, and with `auth = api_key` the key, usage plan and their association.

use super::{
    ApiAccount, AppRunnerService, Id, IngressConnection, Listener, LoadBalancer, Ref, Refs, VpcLink,
};
use crate::text::Text;

#[derive(Debug, Clone, PartialEq)]
pub struct RestApi {
    pub physical: String,
    /// `REGIONAL`.
    pub endpoint_type: &'static str,
}

/// One path segment of the api's resource tree. Parents come before their children.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResource {
    pub api: Ref<RestApi>,
    /// `None`: the api's root resource.
    pub parent: Option<Ref<ApiResource>>,
    /// `orders`, `{id}`, `{proxy+}`.
    pub path_part: String,
    /// Full path, `/orders/{proxy+}`.
    pub path: String,
    /// Unique within the api: `OrdersProxy` / `orders_proxy`.
    pub pascal: String,
    pub snake: String,
    /// Its position in the api's tree.
    pub index: usize,
}

/// A method with its integration, as API Gateway holds them together.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    pub api: Ref<RestApi>,
    /// `None`: the root resource `/`.
    pub resource: Option<Ref<ApiResource>>,
    /// `GET`, ..., `ANY`.
    pub http_method: String,
    pub path: String,
    /// `NONE` or `AWS_IAM`.
    pub authorization_type: &'static str,
    pub api_key_required: bool,
    /// `method.request.path.NAME`, each required, sorted.
    pub request_parameters: Vec<String>,
    pub integration: Integration,
    /// Unique within the api: `AnyOrdersProxy` / `any_orders_proxy`; root is `Root`.
    pub pascal: String,
    pub snake: String,
    /// Its position among the api's methods.
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    /// `HTTP_PROXY`.
    pub integration_type: &'static str,
    /// The same as the route's method (`ANY` stays `ANY`).
    pub http_method: String,
    pub connection: Connection,
    /// The service's host, then the path on it: `https://<host><target_path>`.
    pub host: Host,
    /// `/v1/users/{id}`, `/{proxy}`.
    pub target_path: String,
    /// `(integration.request.path.TO, method.request.path.FROM)`, sorted.
    pub request_parameters: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Connection {
    /// `VPC_LINK`, through this link.
    VpcLink(Ref<VpcLink>),
    /// `INTERNET`.
    Internet,
}

impl Connection {
    /// API Gateway's `ConnectionType`.
    pub fn as_aws(&self) -> &'static str {
        match self {
            Connection::VpcLink(_) => "VPC_LINK",
            Connection::Internet => "INTERNET",
        }
    }
}

/// Where an integration proxies to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Host {
    /// A private service, by its ingress connection's domain name.
    IngressDomain(Ref<IngressConnection>),
    /// A public service, by its URL (App Runner's host name).
    ServiceUrl(Ref<AppRunnerService>),
    /// An ECS service, by its listener on the network's load balancer:
    /// `http://<load balancer DNS name>:<port>`.
    Listener {
        load_balancer: Ref<LoadBalancer>,
        listener: Ref<Listener>,
        port: u16,
    },
}

impl Host {
    /// The URI scheme the integration uses: App Runner serves HTTPS; an ECS service's
    /// listener passes TCP through to the container, which speaks HTTP.
    pub fn scheme(&self) -> &'static str {
        match self {
            Host::IngressDomain(_) | Host::ServiceUrl(_) => "https",
            Host::Listener { .. } => "http",
        }
    }
}

/// A deployment of the api: a snapshot of its methods that a stage serves. Its identity
/// (the hex SHA-256 of everything the stage serves) changes whenever any of that does.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub api: Ref<RestApi>,
    pub identity: String,
    /// Deployed only once every method (with its integration) exists.
    pub methods: Vec<Ref<Method>>,
}

/// A log group that goes with the app (its name is fixed: a kept one would make the app's
/// next deployment fail to create it).
#[derive(Debug, Clone, PartialEq)]
pub struct LogGroup {
    pub name: String,
    pub retention_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throttle {
    pub rate: f64,
    pub burst: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccessLog {
    pub group: Ref<LogGroup>,
    /// The JSON access-log format (API Gateway `$context` variables).
    pub format: String,
    /// The account's logging role must be set before a stage that logs is.
    pub account: Ref<ApiAccount>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub api: Ref<RestApi>,
    pub deployment: Ref<Deployment>,
    /// The stage name; may hold params.
    pub name: Text,
    pub tracing: bool,
    pub throttle: Option<Throttle>,
    pub access_log: Option<AccessLog>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    pub name: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsagePlan {
    pub name: String,
    pub api: Ref<RestApi>,
    pub stage: Ref<Stage>,
    pub throttle: Option<Throttle>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UsagePlanKey {
    pub key: Ref<ApiKey>,
    pub plan: Ref<UsagePlan>,
    /// `API_KEY`.
    pub key_type: &'static str,
}

impl Refs for RestApi {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for ApiResource {
    fn refs(&self, out: &mut Vec<Id>) {
        self.api.refs(out);
        self.parent.refs(out);
    }
}

impl Refs for Method {
    fn refs(&self, out: &mut Vec<Id>) {
        self.api.refs(out);
        self.resource.refs(out);
        if let Connection::VpcLink(link) = &self.integration.connection {
            link.refs(out);
        }
        match &self.integration.host {
            Host::IngressDomain(r) => r.refs(out),
            Host::ServiceUrl(r) => r.refs(out),
            Host::Listener {
                load_balancer,
                listener,
                ..
            } => {
                load_balancer.refs(out);
                listener.refs(out);
            }
        }
    }
}

impl Refs for Deployment {
    fn refs(&self, out: &mut Vec<Id>) {
        self.api.refs(out);
        self.methods.refs(out);
    }
}

impl Refs for LogGroup {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for Stage {
    fn refs(&self, out: &mut Vec<Id>) {
        self.api.refs(out);
        self.deployment.refs(out);
        if let Some(log) = &self.access_log {
            log.group.refs(out);
            log.account.refs(out);
        }
    }
}

impl Refs for ApiKey {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for UsagePlan {
    fn refs(&self, out: &mut Vec<Id>) {
        self.api.refs(out);
        self.stage.refs(out);
    }
}

impl Refs for UsagePlanKey {
    fn refs(&self, out: &mut Vec<Id>) {
        self.key.refs(out);
        self.plan.refs(out);
    }
}
