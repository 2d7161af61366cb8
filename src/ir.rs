//! The backend-neutral resource graph. Lowering decides here, once, what exists, how it is
//! wired and what it is called, so that CloudFormation, Terraform and the plan cannot
//! disagree. The IR says *what* (a network's endpoint, its NLB, the services behind it, each
//! route's integration), never how one backend spells it: no logical-id suffixes, no
//! attribute syntax. Every collection is in a deterministic order (sorted by spec name, then
//! by path), so emitting is a straight walk.
//!
//! Names: every named entity carries [`Names`]; backends append their own kind suffixes to
//! `pascal` (CloudFormation logical ids: `Orders` + `Service`) and `snake` (Terraform resource
//! names, plan step ids use `spec`). Physical names (what AWS shows) are decided here.

use crate::span::Span;
use crate::text::Text;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ir {
    pub app: App,
    /// Parameters still symbolic in the output (those not baked with `--param`), by name.
    pub params: Vec<Param>,
    pub networks: Vec<Network>,
    pub services: Vec<Service>,
    pub apis: Vec<Api>,
    /// API Gateway's account-level CloudWatch Logs role, when an api writes access logs.
    pub logs_role: Option<LogsRole>,
    pub outputs: Vec<Output>,
}

/// The role API Gateway writes every api's logs with, and the account-level setting that
/// names it (spec section 8). The setting is account-wide and regional; without it, a stage
/// with an access log fails to deploy on an account that never set it. It is set before any
/// stage that logs, and it and its role are kept when the app is destroyed: other apis of
/// the account may log through it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogsRole {
    /// Role name, where the backend names roles (plan); CloudFormation and Terraform let a
    /// name be generated, so a re-created app never meets its kept role's name.
    pub physical: String,
    /// The service principal that may assume it.
    pub principal: String,
    /// The one policy it has: an AWS-managed policy, by its path after `:iam::aws:policy/`.
    pub managed_policy: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct App {
    pub name: String,
    /// Used by `tf` and `plan`; CloudFormation stays region-agnostic.
    pub region: String,
    /// Applied to every taggable resource; includes `app = <name>`. Values may hold params
    /// (the keys never do).
    pub tags: BTreeMap<String, Text>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    pub name: String,
    pub default: Option<String>,
}

/// How one entity is called: `spec` as written (`orders-api`), `pascal` for CloudFormation
/// logical ids (`OrdersApi`), `snake` for Terraform names (`orders_api`), `physical` for the
/// AWS name (`shop-orders-api`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    pub spec: String,
    pub pascal: String,
    pub snake: String,
    pub physical: String,
}

// ---------------------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub names: Names,
    pub vpc: Vpc,
    /// Security groups of this network's endpoint, NLB and connector (those that exist).
    pub security_groups: Vec<SecurityGroup>,
    /// Every rule of those groups. Groups have no other rules: backends remove the default
    /// allow-all egress rule AWS adds to a new group.
    pub rules: Vec<SgRule>,
    /// The App Runner requests endpoint; present when a private service lives here.
    pub endpoint: Option<Endpoint>,
    /// NLB, target group, listener and VPC link; present when an api routes to a private
    /// service here (implies `endpoint`).
    pub link: Option<Link>,
    /// The shared VPC connector; present when a service here has `egress = vpc`.
    pub connector: Option<Connector>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Vpc {
    /// A new VPC with DNS support and DNS host names on, and one private subnet per zone,
    /// the zones taken from `zones`.
    Create {
        cidr: String,
        subnets: Vec<Subnet>,
        zones: Zones,
    },
    /// An existing VPC and its private subnets.
    Existing { vpc_id: Text, subnet_ids: Vec<Text> },
}

impl Vpc {
    /// Number of subnets, known at compile time; the endpoint has one ENI per subnet.
    pub fn subnet_count(&self) -> usize {
        match self {
            Vpc::Create { subnets, .. } => subnets.len(),
            Vpc::Existing { subnet_ids, .. } => subnet_ids.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subnet {
    pub cidr: String,
    /// Index into the network's [`Zones`].
    pub zone_index: usize,
}

/// Where a created network's subnets go: the zones a subnet's `zone_index` counts in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Zones {
    /// The region's available availability zones, in the order AWS lists them
    /// (`Fn::GetAZs`, `data.aws_availability_zones`, `DescribeAvailabilityZones`).
    Region,
    /// The zones where the interface endpoint service `com.amazonaws.<region>.<suffix>` is
    /// offered, sorted by name: a network carrying the App Runner requests endpoint puts its
    /// subnets only where the endpoint can have an interface (spec section 8).
    EndpointService { suffix: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SgKind {
    Endpoint,
    Nlb,
    Connector,
}

impl SgKind {
    pub fn pascal(self) -> &'static str {
        match self {
            SgKind::Endpoint => "Endpoint",
            SgKind::Nlb => "Nlb",
            SgKind::Connector => "Connector",
        }
    }

    pub fn snake(self) -> &'static str {
        match self {
            SgKind::Endpoint => "endpoint",
            SgKind::Nlb => "nlb",
            SgKind::Connector => "connector",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityGroup {
    pub kind: SgKind,
    /// Group name (`<app>-<network>-endpoint`).
    pub physical: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    Ingress,
    Egress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Protocol {
    Tcp,
    /// Every protocol (`-1`); ports are then absent.
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Peer {
    /// Another group of the same network.
    Group(SgKind),
    Cidr(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SgRule {
    /// The group the rule belongs to.
    pub group: SgKind,
    pub direction: Direction,
    pub protocol: Protocol,
    /// Inclusive port range; `None` with [`Protocol::All`].
    pub ports: Option<(u16, u16)>,
    pub peer: Peer,
    pub description: String,
}

/// The interface endpoint for `com.amazonaws.<region>.apprunner.requests`: one ENI in each
/// of the network's subnets, private DNS off, guarded by the `Endpoint` security group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    /// The last part of the service name; backends prefix `com.amazonaws.<region>.`.
    pub service_suffix: String,
    /// How many ENI private IPs to look up (one per subnet, known at compile time). Neither
    /// CloudFormation nor Terraform exposes them as an attribute: each backend looks them up.
    pub eni_count: usize,
    /// Private services whose ingress connections use this endpoint, by spec name.
    pub services: Vec<String>,
}

/// Internal NLB (cross-zone on, PrivateLink inbound rule enforcement off, `Nlb` security
/// group), TCP `port` listener forwarding to an `ip` target group on TCP `port` whose targets
/// are the endpoint's ENI IPs, and the API Gateway VPC link to the NLB.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// NLB name (at most 32 characters, letters, digits and hyphens).
    pub nlb_name: String,
    /// Target group name (same rules).
    pub target_group_name: String,
    pub vpc_link_name: String,
    pub port: u16,
    /// Apis that integrate through this link, by spec name.
    pub apis: Vec<String>,
}

/// One App Runner VPC connector per network, shared by its `egress = vpc` services.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Connector {
    pub physical: String,
    pub services: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// `physical` is the App Runner service name.
    pub names: Names,
    /// Spec name of the network the service attaches to (ingress connection, connector).
    pub network: Option<String>,
    pub image: Text,
    pub repository_type: RepositoryType,
    pub port: u16,
    /// App Runner's spelling: `"1 vCPU"`, `"0.25 vCPU"`.
    pub cpu: String,
    /// App Runner's spelling: `"2 GB"`, `"0.5 GB"`.
    pub memory: String,
    pub command: Option<Text>,
    pub env: BTreeMap<String, Text>,
    pub secrets: BTreeMap<String, Text>,
    /// Lets App Runner pull from private ECR (`build.apprunner.amazonaws.com`).
    pub access_role: Option<Role>,
    /// Assumed by the running instances (`tasks.apprunner.amazonaws.com`): reads exactly the
    /// secrets, and writes traces when tracing is on.
    pub instance_role: Option<Role>,
    pub health: Option<Health>,
    pub autoscaling: Option<AutoScaling>,
    pub observability: Option<Observability>,
    /// `IsPubliclyAccessible = false`; then `ingress_connection` is present.
    pub private: bool,
    pub ingress_connection: Option<IngressConnection>,
    /// Outbound traffic through the network's connector (`EgressType = VPC`).
    pub vpc_egress: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RepositoryType {
    /// `ECR`
    Ecr,
    /// `ECR_PUBLIC`
    EcrPublic,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    /// Role name, used where the backend names roles (Terraform, plan). CloudFormation leaves
    /// it to the stack so `CAPABILITY_IAM` suffices.
    pub physical: String,
    /// The service principal that may assume it.
    pub principal: String,
    pub policy_name: String,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<String>,
    /// Exact ARNs; `*` only for actions AWS does not scope to resources
    /// (`ecr:GetAuthorizationToken`, X-Ray writes).
    pub resources: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    /// `HTTP` or `TCP`.
    pub protocol: String,
    pub path: Option<Text>,
    pub interval: Option<u32>,
    pub timeout: Option<u32>,
    pub healthy_threshold: Option<u32>,
    pub unhealthy_threshold: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutoScaling {
    /// 4-32 characters.
    pub physical: String,
    pub min: u32,
    pub max: u32,
    pub concurrency: u32,
}

/// X-Ray tracing (`Vendor = AWSXRAY`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observability {
    /// 4-32 characters.
    pub physical: String,
}

/// Binds a private service to its network's VPC and requests endpoint. Its `DomainName` is
/// the host of every VPC_LINK integration that targets the service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressConnection {
    pub physical: String,
    pub network: String,
}

// ---------------------------------------------------------------------------------------
// APIs
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Api {
    /// `physical` is the REST API name.
    pub names: Names,
    /// The network whose VPC link the api's private integrations use.
    pub network: Option<String>,
    /// The stage name; may hold params, so backends refer to the stage resource (or spell
    /// the text) wherever the name is needed: invoke URL, usage plan, stage updates.
    pub stage: Text,
    pub auth: Auth,
    pub tracing: bool,
    pub throttle: Option<Throttle>,
    pub access_log: Option<AccessLog>,
    /// The resource tree, parents before children, siblings sorted by path.
    pub resources: Vec<Resource>,
    /// Sorted by (path, method).
    pub methods: Vec<ApiMethod>,
    /// Hex SHA-256 of what the stage serves (every method, its authorization and its
    /// integration, down to the names of what the integration points at); names the
    /// deployment (CloudFormation), triggers it (Terraform) and describes it (plan), so any
    /// change redeploys (spec section 8).
    pub deployment_hash: String,
    /// Present with `auth = api_key`: the key, the usage plan and their association.
    pub api_key: Option<ApiKey>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Auth {
    /// `NONE`
    None,
    /// `NONE` authorization with `ApiKeyRequired`.
    ApiKey,
    /// `AWS_IAM`
    Iam,
}

impl Auth {
    /// API Gateway's `AuthorizationType` of every method of the api.
    pub fn authorization_type(self) -> &'static str {
        match self {
            Auth::Iam => "AWS_IAM",
            Auth::None | Auth::ApiKey => "NONE",
        }
    }

    /// API Gateway's `ApiKeyRequired` of every method of the api.
    pub fn api_key_required(self) -> bool {
        self == Auth::ApiKey
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Throttle {
    pub rate: f64,
    pub burst: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccessLog {
    pub log_group_name: String,
    pub retention_days: u32,
    /// The JSON access-log format (API Gateway `$context` variables).
    pub format: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    /// Position in `Api::resources`; methods and children refer to it.
    pub index: usize,
    /// `None`: the parent is the API's root resource.
    pub parent: Option<usize>,
    /// `orders`, `{id}`, `{proxy+}`.
    pub path_part: String,
    /// Full path, `/orders/{proxy+}`.
    pub path: String,
    /// Unique within the api: `OrdersProxy` / `orders_proxy`.
    pub pascal: String,
    pub snake: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiMethod {
    /// `None`: the root resource `/`.
    pub resource: Option<usize>,
    /// `GET`, ..., `ANY`.
    pub http_method: String,
    pub path: String,
    /// Unique within the api: `AnyOrdersProxy` / `any_orders_proxy`; root is `Root`.
    pub pascal: String,
    pub snake: String,
    /// Path variables the method request requires (`method.request.path.NAME`), sorted.
    pub path_params: Vec<String>,
    pub integration: Integration,
}

impl ApiMethod {
    /// API Gateway's names of the path parameters the method request requires
    /// (`method.request.path.NAME`), in `path_params` order.
    pub fn request_parameters(&self) -> impl Iterator<Item = String> + '_ {
        self.path_params
            .iter()
            .map(|p| format!("method.request.path.{p}"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Integration {
    /// Spec name of the target service.
    pub service: String,
    /// `HTTP_PROXY` integration method; the same as the route's method (`ANY` stays `ANY`).
    pub http_method: String,
    pub connection: Connection,
    /// The path on the target: `/v1/users/{id}`, `/{proxy}`. The full URI is
    /// `https://<host><target_path>` where the host depends on `connection`.
    pub target_path: String,
    /// `(integration.request.path.TO, method.request.path.FROM)` name pairs, sorted.
    pub path_mappings: Vec<(String, String)>,
}

impl Integration {
    /// API Gateway's mapping of each path parameter onto the integration request:
    /// (`integration.request.path.TO`, `method.request.path.FROM`), in `path_mappings` order.
    pub fn request_parameters(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.path_mappings.iter().map(|(to, from)| {
            (
                format!("integration.request.path.{to}"),
                format!("method.request.path.{from}"),
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Connection {
    /// `VPC_LINK` through `network`'s link; the host is the target service's ingress
    /// connection domain name.
    VpcLink { network: String },
    /// `INTERNET`; the host is the public target service's service URL.
    Internet,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiKey {
    pub key_name: String,
    pub usage_plan_name: String,
}

// ---------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    /// `PublicInvokeUrl` (CloudFormation output name).
    pub pascal: String,
    /// `public_invoke_url` (Terraform output and plan output name).
    pub snake: String,
    pub description: String,
    pub value: OutputValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum OutputValue {
    /// `https://<rest api id>.execute-api.<region>.amazonaws.com/<stage>`, by api spec name.
    InvokeUrl(String),
    /// The api key's id, never its value.
    ApiKeyId(String),
    ServiceArn(String),
    /// A public service's URL.
    ServiceUrl(String),
    /// A private service's ingress connection domain name.
    IngressDomain(String),
}

/// The first of `items` named `spec`. IR collections are sorted by spec name, so a binary
/// search finds it; a linear scan per reference made 1,000 routes to 1,000 services
/// quadratic. An unsorted (hand-built) IR still gets the first match from the scan.
pub fn by_spec<'a, T>(items: &'a [T], spec: &str, name: impl Fn(&T) -> &str) -> Option<&'a T> {
    let at = items.partition_point(|x| name(x) < spec);
    match items.get(at) {
        Some(x) if name(x) == spec => Some(x),
        _ => items.iter().find(|x| name(x) == spec),
    }
}
