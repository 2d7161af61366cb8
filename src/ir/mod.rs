//! The resource graph: what lowering decides and every backend spells. Each AWS resource the
//! application needs appears once, with
//! - a typed id ([`Ref`]): other resources refer to it by that id, never by a name looked up
//!   later, so a reference cannot dangle or point at the wrong kind;
//! - its kind and typed properties ([`Props`]): every AWS fact (cross-zone load balancing on,
//!   `ECR_PUBLIC`, `AWSXRAY`, the default egress rule removed) is written here once, by
//!   lowering, and each backend only spells it;
//! - the declaration it came from ([`Decl`], for names and for diagnostics' spans);
//! - its dependencies: the resources its properties refer to, plus ordering edges that no
//!   reference expresses ([`Resource::dependencies`]).
//!
//! Resources are kept in one deterministic order (app-wide lookups, then each network, each
//! service, the account's logging role, each api; within each, what it needs first), which is
//! the order the backends write them in. Kinds live by domain: [`network`], [`service`],
//! [`api`], [`ecs`], [`account`].

pub mod account;
pub mod api;
pub mod ecs;
pub mod network;
pub mod service;

use crate::span::Span;
use crate::text::Text;
use std::collections::BTreeMap;
use std::marker::PhantomData;

pub use account::*;
pub use api::*;
pub use ecs::*;
pub use network::*;
pub use service::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    pub app: App,
    /// Parameters still symbolic in the output (those not baked with `--param`), by name.
    pub params: Vec<Param>,
    /// The declarations resources come from; `decls[0]` is the app.
    pub decls: Vec<Decl>,
    pub resources: Vec<Resource>,
    /// Sorted by their CloudFormation name.
    pub outputs: Vec<Output>,
    /// What lowering could not make, each a bug in aprc: validation reports them (E0901).
    pub broken: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub name: String,
    /// Used by `tf` and `plan`; CloudFormation stays region-agnostic.
    pub region: String,
    /// Applied to every taggable resource; includes `app = <name>`. Values may hold params.
    pub tags: BTreeMap<String, Text>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub default: Option<String>,
    pub span: Span,
}

/// How one declaration is called: `spec` as written (`orders-api`), `pascal` for
/// CloudFormation logical ids (`OrdersApi`), `snake` for Terraform names (`orders_api`),
/// `physical` for the AWS name (`shop-orders-api`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub spec: String,
    pub pascal: String,
    pub snake: String,
    pub physical: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeclKind {
    App,
    Network,
    Service,
    Api,
}

impl DeclKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclKind::App => "app",
            DeclKind::Network => "network",
            DeclKind::Service => "service",
            DeclKind::Api => "api",
        }
    }
}

/// A declaration of the spec that resources come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    pub kind: DeclKind,
    pub names: Names,
    /// The declaration's name in the source.
    pub span: Span,
}

/// Position of a declaration in [`Graph::decls`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeclId(pub u32);

/// Position of a resource in [`Graph::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(pub u32);

impl Id {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A reference to a resource of kind `T`: made only by [`Builder::add`], so it always names
/// a resource of that kind in the graph it was made for.
pub struct Ref<T> {
    pub id: Id,
    kind: PhantomData<fn() -> T>,
}

impl<T: Kind> Ref<T> {
    /// The reference to resource `id` when it is of kind `T` in `g`.
    pub fn checked(g: &Graph, id: Id) -> Option<Self> {
        T::of(&g.resource(id).ok()?.props).map(|_| Ref::new(id))
    }
}

impl<T> Ref<T> {
    fn new(id: Id) -> Self {
        Ref {
            id,
            kind: PhantomData,
        }
    }
}

impl<T> Clone for Ref<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Ref<T> {}

impl<T> PartialEq for Ref<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T> Eq for Ref<T> {}

impl<T> std::fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.id.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub decl: DeclId,
    /// Where a diagnostic about the resource points: its declaration's name, or the route
    /// statement a method comes from.
    pub span: Span,
    pub props: Props,
    /// Created before what it replaces is deleted (its name changes with whatever forces a
    /// replacement, so the two can exist at once).
    pub replace_first: bool,
    /// Outlives the app: destroying the app leaves it (it serves other apps of the account).
    pub retain: bool,
}

/// A resource's kind and its typed properties.
#[derive(Debug, Clone, PartialEq)]
pub enum Props {
    RegionZones(RegionZones),
    ServiceZones(ServiceZones),
    Vpc(Vpc),
    Subnet(Subnet),
    SecurityGroup(SecurityGroup),
    SgRule(SgRule),
    VpcEndpoint(VpcEndpoint),
    EndpointEnis(EndpointEnis),
    LoadBalancer(LoadBalancer),
    TargetGroup(TargetGroup),
    Listener(Listener),
    VpcLink(VpcLink),
    VpcConnector(VpcConnector),
    Role(Role),
    AutoScaling(AutoScaling),
    Observability(Observability),
    AppRunnerService(AppRunnerService),
    IngressConnection(IngressConnection),
    LogsRole(LogsRole),
    ApiAccount(ApiAccount),
    RestApi(RestApi),
    ApiResource(ApiResource),
    Method(Method),
    Deployment(Deployment),
    LogGroup(LogGroup),
    Stage(Stage),
    ApiKey(ApiKey),
    UsagePlan(UsagePlan),
    UsagePlanKey(UsagePlanKey),
    InternetGateway(InternetGateway),
    RouteTable(RouteTable),
    Route(Route),
    RouteTableAssociation(RouteTableAssociation),
    ElasticIp(ElasticIp),
    NatGateway(NatGateway),
    Cluster(Cluster),
    TaskDefinition(TaskDefinition),
    EcsService(EcsService),
    ScalableTarget(ScalableTarget),
    ScalingPolicy(ScalingPolicy),
}

/// A kind of resource: the typed properties one [`Props`] variant holds.
pub trait Kind: Sized {
    /// Its name in messages (`load balancer`).
    const NAME: &'static str;
    fn of(props: &Props) -> Option<&Self>;
    fn wrap(self) -> Props;
    /// The resources it refers to, in property order.
    fn refs(&self, out: &mut Vec<Id>);
}

macro_rules! kinds {
    ($($variant:ident => $name:literal,)*) => {
        $(impl Kind for $variant {
            const NAME: &'static str = $name;
            fn of(props: &Props) -> Option<&Self> {
                match props {
                    Props::$variant(k) => Some(k),
                    _ => None,
                }
            }
            fn wrap(self) -> Props {
                Props::$variant(self)
            }
            fn refs(&self, out: &mut Vec<Id>) {
                Refs::refs(self, out)
            }
        })*

        impl Props {
            /// The kind's name in messages.
            pub fn kind_name(&self) -> &'static str {
                match self { $(Props::$variant(_) => $name,)* }
            }

            /// The resources these properties refer to.
            pub fn refs(&self, out: &mut Vec<Id>) {
                match self { $(Props::$variant(k) => Refs::refs(k, out),)* }
            }
        }
    };
}

kinds! {
    RegionZones => "availability zone lookup",
    ServiceZones => "endpoint service zone lookup",
    Vpc => "VPC",
    Subnet => "subnet",
    SecurityGroup => "security group",
    SgRule => "security group rule",
    VpcEndpoint => "VPC endpoint",
    EndpointEnis => "endpoint network interface lookup",
    LoadBalancer => "load balancer",
    TargetGroup => "target group",
    Listener => "listener",
    VpcLink => "VPC link",
    VpcConnector => "VPC connector",
    Role => "IAM role",
    AutoScaling => "auto scaling configuration",
    Observability => "observability configuration",
    AppRunnerService => "App Runner service",
    IngressConnection => "VPC ingress connection",
    LogsRole => "API Gateway logging role",
    ApiAccount => "API Gateway account setting",
    RestApi => "REST API",
    ApiResource => "API resource",
    Method => "method",
    Deployment => "deployment",
    LogGroup => "log group",
    Stage => "stage",
    ApiKey => "API key",
    UsagePlan => "usage plan",
    UsagePlanKey => "usage plan key",
    InternetGateway => "internet gateway",
    RouteTable => "route table",
    Route => "route",
    RouteTableAssociation => "route table association",
    ElasticIp => "Elastic IP",
    NatGateway => "NAT gateway",
    Cluster => "ECS cluster",
    TaskDefinition => "task definition",
    EcsService => "ECS service",
    ScalableTarget => "scalable target",
    ScalingPolicy => "scaling policy",
}

/// What a kind's properties refer to. Each kind lists its references by hand, next to its
/// struct, so that a new reference cannot be forgotten by `aprc graph` and the checks.
pub trait Refs {
    fn refs(&self, out: &mut Vec<Id>);
}

impl<T> Refs for Ref<T> {
    fn refs(&self, out: &mut Vec<Id>) {
        out.push(self.id);
    }
}

impl<T: Refs> Refs for Option<T> {
    fn refs(&self, out: &mut Vec<Id>) {
        if let Some(r) = self {
            r.refs(out);
        }
    }
}

impl<T: Refs> Refs for Vec<T> {
    fn refs(&self, out: &mut Vec<Id>) {
        self.iter().for_each(|r| r.refs(out));
    }
}

/// A resource a backend was asked about is not what the graph holds: a bug in aprc (lowering
/// or a backend), never the user's mistake.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal error (this is a bug in aprc): {0}")]
pub struct Internal(pub String);

impl Internal {
    /// The diagnostic that reports it (E0901), on the application `g`.
    pub fn diagnostic(self, g: &Graph) -> crate::diag::Diagnostic {
        g.app_diagnostic(crate::diag::Code::E0901, self.to_string())
    }
}

impl Graph {
    /// A diagnostic about the application as a whole (a quota, a bug in aprc), at its name.
    pub fn app_diagnostic(
        &self,
        code: crate::diag::Code,
        message: impl Into<String>,
    ) -> crate::diag::Diagnostic {
        crate::diag::Diagnostic::new(code, message, self.app.span).label("in this application")
    }

    pub fn resource(&self, id: Id) -> Result<&Resource, Internal> {
        self.resources
            .get(id.index())
            .ok_or_else(|| Internal(format!("resource #{} is not in the graph", id.0)))
    }

    /// The properties `r` names.
    pub fn get<T: Kind>(&self, r: Ref<T>) -> Result<&T, Internal> {
        let resource = self.resource(r.id)?;
        T::of(&resource.props).ok_or_else(|| {
            Internal(format!(
                "resource #{} is a {}, not a {}",
                r.id.0,
                resource.props.kind_name(),
                T::NAME
            ))
        })
    }

    pub fn decl(&self, id: DeclId) -> Result<&Decl, Internal> {
        self.decls
            .get(id.0 as usize)
            .ok_or_else(|| Internal(format!("declaration #{} is not in the graph", id.0)))
    }

    /// The declaration resource `id` comes from.
    pub fn owner(&self, id: Id) -> Result<&Decl, Internal> {
        self.decl(self.resource(id)?.decl)
    }

    /// Every resource with its id, in graph order.
    pub fn iter(&self) -> impl Iterator<Item = (Id, &Resource)> {
        self.resources
            .iter()
            .enumerate()
            .map(|(i, r)| (Id(i as u32), r))
    }

    /// Every resource of kind `T`, in graph order.
    pub fn all<'g, T: Kind + 'g>(&'g self) -> impl Iterator<Item = (Ref<T>, &'g T)> + 'g {
        self.iter()
            .filter_map(|(id, r)| T::of(&r.props).map(|k| (Ref::new(id), k)))
    }
}

impl Resource {
    /// Everything the resource needs to exist first: what its properties refer to, in
    /// property order, without repeats.
    pub fn dependencies(&self) -> Vec<Id> {
        let mut out = Vec::new();
        self.props.refs(&mut out);
        let mut seen = std::collections::BTreeSet::new();
        out.retain(|id| seen.insert(*id));
        out
    }
}

/// Builds a graph in order: lowering adds each resource once, after what it refers to.
pub struct Builder {
    graph: Graph,
}

impl Builder {
    /// `name_span` is the app's name in the source, where diagnostics about the app's
    /// resources point.
    pub fn new(app: App, params: Vec<Param>, app_names: Names, name_span: Span) -> Builder {
        let span = name_span;
        Builder {
            graph: Graph {
                app,
                params,
                decls: vec![Decl {
                    kind: DeclKind::App,
                    names: app_names,
                    span,
                }],
                resources: Vec::new(),
                outputs: Vec::new(),
                broken: Vec::new(),
            },
        }
    }

    /// The app's declaration.
    pub fn app_decl(&self) -> DeclId {
        DeclId(0)
    }

    pub fn decl(&mut self, kind: DeclKind, names: Names, span: Span) -> DeclId {
        self.graph.decls.push(Decl { kind, names, span });
        DeclId(self.graph.decls.len() as u32 - 1)
    }

    /// Adds a resource of `decl`, pointing diagnostics at the declaration's name.
    pub fn add<T: Kind>(&mut self, decl: DeclId, props: T) -> Ref<T> {
        let span = self
            .graph
            .decls
            .get(decl.0 as usize)
            .map_or(self.graph.app.span, |d| d.span);
        self.add_at(decl, span, props)
    }

    /// Adds a resource whose diagnostics point at `span`.
    pub fn add_at<T: Kind>(&mut self, decl: DeclId, span: Span, props: T) -> Ref<T> {
        self.graph.resources.push(Resource {
            decl,
            span,
            props: props.wrap(),
            replace_first: false,
            retain: false,
        });
        Ref::new(Id(self.graph.resources.len() as u32 - 1))
    }

    /// Marks the resource as replaced by creating the new one first.
    pub fn replace_first<T>(&mut self, r: Ref<T>) {
        if let Some(res) = self.graph.resources.get_mut(r.id.index()) {
            res.replace_first = true;
        }
    }

    /// Marks the resource as outliving the app.
    pub fn retain<T>(&mut self, r: Ref<T>) {
        if let Some(res) = self.graph.resources.get_mut(r.id.index()) {
            res.retain = true;
        }
    }

    /// Records what lowering could not make: a bug in aprc, reported by validation.
    pub fn broken(&mut self, what: String) {
        self.graph.broken.push(what);
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn output(&mut self, output: Output) {
        self.graph.outputs.push(output);
    }

    pub fn finish(mut self) -> Graph {
        self.graph.outputs.sort_by(|a, b| a.pascal.cmp(&b.pascal));
        self.graph
    }
}

/// What a name a target writes comes from: each backend lists every name it will write
/// with its origin, so that the check can refuse two that repeat, pointing at both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `params[i]`.
    Param(usize),
    Resource(Id),
    /// `outputs[i]`.
    Output(usize),
    /// Something the backend writes on its own (CloudFormation's lookup function), named here.
    Backend(&'static str),
}

/// Every name of one kind a target writes (logical ids, block addresses, step ids, output
/// names), each with its origin.
pub type Ids = Vec<(String, Origin)>;

// ---------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// `PublicInvokeUrl` (CloudFormation output name).
    pub pascal: String,
    /// `public_invoke_url` (Terraform output and plan output name).
    pub snake: String,
    pub description: String,
    pub value: OutputValue,
    /// The declaration the output describes.
    pub decl: DeclId,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputValue {
    /// `https://<rest api id>.execute-api.<region>.<suffix>/<stage>`.
    InvokeUrl(Ref<Stage>),
    /// The api key's id, never its value.
    ApiKeyId(Ref<ApiKey>),
    ServiceArn(Ref<AppRunnerService>),
    /// An ECS service's ARN.
    EcsServiceArn(Ref<EcsService>),
    /// A public service's URL (App Runner's host name, no scheme).
    ServiceUrl(Ref<AppRunnerService>),
    /// A private service's ingress connection domain name.
    IngressDomain(Ref<IngressConnection>),
}
