//! Account-wide kinds: API Gateway's CloudWatch Logs role and the account setting that names
//! it. The setting is one per account and region and every api of the account logs through
//! its role, so both outlive the app that set them ([`super::Resource::retain`]).

use super::{Id, Ref, Refs};

/// The role API Gateway writes access logs with: trusted by API Gateway, with one
/// AWS-managed policy and nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct LogsRole {
    /// The role name, where a backend names it (the plan); CloudFormation and Terraform let
    /// it be generated, so a re-created app never meets its kept role's name.
    pub physical: String,
    pub principal: String,
    /// The one policy: an AWS-managed policy, by its path after `:iam::aws:policy/`.
    pub managed_policy: String,
    pub description: String,
}

/// API Gateway's account setting, naming the logging role.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiAccount {
    pub role: Ref<LogsRole>,
}

impl Refs for LogsRole {
    fn refs(&self, _: &mut Vec<Id>) {}
}

impl Refs for ApiAccount {
    fn refs(&self, out: &mut Vec<Id>) {
        self.role.refs(out);
    }
}
