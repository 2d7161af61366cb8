//! Service kinds: the App Runner service, its IAM roles with their exact permissions, its
//! auto scaling and observability configurations, and a private service's VPC ingress
//! connection to its network's requests endpoint.

use super::{Id, Ref, Refs, RestApi, VpcConnector, VpcEndpoint, VpcRef};
use crate::text::Text;
use std::collections::BTreeMap;

/// Which of a service's roles a role is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleUse {
    /// Lets App Runner pull from private ECR (`build.apprunner.amazonaws.com`).
    Access,
    /// Assumed by the running instances (`tasks.apprunner.amazonaws.com`).
    Instance,
    /// ECS's own calls for a task: pull, logs, secrets (`ecs-tasks.amazonaws.com`).
    Execution,
    /// Assumed by an ECS service's code (`ecs-tasks.amazonaws.com`).
    Task,
}

impl RoleUse {
    pub fn pascal(self) -> &'static str {
        match self {
            RoleUse::Access => "Access",
            RoleUse::Instance => "Instance",
            RoleUse::Execution => "Execution",
            RoleUse::Task => "Task",
        }
    }

    pub fn snake(self) -> &'static str {
        match self {
            RoleUse::Access => "access",
            RoleUse::Instance => "instance",
            RoleUse::Execution => "execution",
            RoleUse::Task => "task",
        }
    }
}

/// An IAM role a service principal may assume, with one inline policy of exactly these
/// statements.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub role_use: RoleUse,
    /// The role name, where a backend names roles (Terraform, plan); CloudFormation leaves
    /// it to the stack so that `CAPABILITY_IAM` suffices.
    pub physical: String,
    pub principal: String,
    pub policy_name: String,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<String>,
    /// Exact ARNs; `*` only for actions AWS does not scope to resources.
    pub resources: Vec<Text>,
    /// Besides `resources`: the log streams of these log groups (`<group ARN>:*`, the ARN
    /// known only once the group exists in the account and region).
    pub log_streams: Vec<Ref<super::LogGroup>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutoScaling {
    /// 4-32 characters.
    pub physical: String,
    pub min: u32,
    pub max: u32,
    pub concurrency: u32,
}

/// Tracing through an observability configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Observability {
    /// 4-32 characters.
    pub physical: String,
    /// `AWSXRAY`.
    pub vendor: &'static str,
}

/// Where App Runner pulls the image from: `ECR` or `ECR_PUBLIC`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepositoryType {
    Ecr,
    EcrPublic,
}

impl RepositoryType {
    pub fn as_aws(self) -> &'static str {
        match self {
            RepositoryType::Ecr => "ECR",
            RepositoryType::EcrPublic => "ECR_PUBLIC",
        }
    }
}

/// A health check: App Runner's, or an ECS service's target group's. Each value is within
/// its compute's range (checked); unset ones keep AWS's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// `HTTP` or `TCP`.
    pub protocol: &'static str,
    /// `HTTP` only.
    pub path: Option<Text>,
    pub interval: Option<u32>,
    pub timeout: Option<u32>,
    pub healthy_threshold: Option<u32>,
    pub unhealthy_threshold: Option<u32>,
}

/// How a service reaches out: App Runner's default egress, or through a VPC connector.
#[derive(Debug, Clone, PartialEq)]
pub enum Egress {
    Default,
    Vpc(Ref<VpcConnector>),
}

impl Egress {
    /// App Runner's `EgressType`.
    pub fn as_aws(&self) -> &'static str {
        match self {
            Egress::Default => "DEFAULT",
            Egress::Vpc(_) => "VPC",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppRunnerService {
    /// The service name.
    pub physical: String,
    pub image: Text,
    pub repository_type: RepositoryType,
    pub port: u16,
    /// App Runner's spelling: `"1 vCPU"`, `"0.25 vCPU"`.
    pub cpu: String,
    /// App Runner's spelling: `"2 GB"`, `"0.5 GB"`.
    pub memory: String,
    pub command: Option<Text>,
    pub env: BTreeMap<String, EnvValue>,
    pub secrets: BTreeMap<String, Text>,
    /// The service starts only once the role and its policy exist.
    pub access_role: Option<Ref<Role>>,
    pub instance_role: Option<Ref<Role>>,
    pub health: Option<Health>,
    pub autoscaling: Option<Ref<AutoScaling>>,
    pub observability: Option<Ref<Observability>>,
    /// `IsPubliclyAccessible` is the opposite.
    pub private: bool,
    pub egress: Egress,
    /// Deploys happen when the output changes the image, never when a tag is pushed (and
    /// ECR Public cannot auto-deploy).
    pub auto_deployments: bool,
}

/// A value of a service's environment: text, and the URLs of other resources of the app.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvValue {
    pub parts: Vec<EnvPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EnvPart {
    Text(Text),
    /// `https://<REST API id>.execute-api.<region>.<DNS suffix>/<stage>`: the REST API and
    /// the stage's name only, so that a service behind the api may use it (the stage itself
    /// waits for the service).
    ApiUrl {
        api: Ref<RestApi>,
        stage: Text,
    },
    /// `https://` and the public service's host name.
    ServiceUrl(Ref<AppRunnerService>),
}

impl EnvValue {
    /// The value when it is text alone (no URL), as most are; `""` has no parts.
    pub fn as_text(&self) -> Option<&Text> {
        static EMPTY: Text = Text { parts: Vec::new() };
        match self.parts.as_slice() {
            [] => Some(&EMPTY),
            [EnvPart::Text(t)] => Some(t),
            _ => None,
        }
    }
}

impl Refs for EnvValue {
    fn refs(&self, out: &mut Vec<Id>) {
        for part in &self.parts {
            match part {
                EnvPart::Text(_) => {}
                EnvPart::ApiUrl { api, .. } => api.refs(out),
                EnvPart::ServiceUrl(service) => service.refs(out),
            }
        }
    }
}

/// Binds a private service to a VPC and its requests endpoint. Its `DomainName` is the host
/// of every VPC link integration that targets the service.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressConnection {
    pub physical: String,
    pub service: Ref<AppRunnerService>,
    pub vpc: VpcRef,
    pub endpoint: Ref<VpcEndpoint>,
}

impl Refs for Role {
    fn refs(&self, out: &mut Vec<Id>) {
        for s in &self.statements {
            s.log_streams.refs(out);
        }
    }
}

impl Refs for AutoScaling {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for Observability {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for AppRunnerService {
    fn refs(&self, out: &mut Vec<Id>) {
        self.access_role.refs(out);
        self.instance_role.refs(out);
        self.autoscaling.refs(out);
        self.observability.refs(out);
        for value in self.env.values() {
            value.refs(out);
        }
        if let Egress::Vpc(connector) = &self.egress {
            connector.refs(out);
        }
    }
}

impl Refs for IngressConnection {
    fn refs(&self, out: &mut Vec<Id>) {
        self.service.refs(out);
        self.vpc.refs(out);
        self.endpoint.refs(out);
    }
}
