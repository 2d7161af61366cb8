//! Backends: each a spelling of the resource graph ([`crate::ir`]) in one target's
//! language, one function from `&Graph` to text. A backend sees only the graph.

pub mod cfn;
pub mod plan;
pub mod tf;

use crate::diag::Code;
use crate::ir::Graph;

/// A spec that compiles but cannot be emitted for this target (a CloudFormation quota).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BackendError {
    pub code: Code,
    pub message: String,
}

impl BackendError {
    /// What the backend found inconsistent in the graph: a bug in aprc, never the user's.
    pub fn internal(e: crate::ir::Internal) -> BackendError {
        BackendError {
            code: Code::E0901,
            message: e.to_string(),
        }
    }
}

/// A backend's text in the parts it was written in: a large graph's resources are written in
/// parts on two threads (`crate::threads::chunked`), and joining them would copy megabytes
/// (23 MB for a plan of 1,000 ECS services) only to write them out. Written out part after
/// part; joined only where one string is needed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    parts: Vec<String>,
}

impl Text {
    pub fn from_parts(parts: Vec<String>) -> Self {
        Text { parts }
    }

    /// The parts, in order.
    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(String::as_str)
    }

    /// The whole text as one string (not copied when it is one part).
    pub fn into_string(self) -> String {
        match <[String; 1]>::try_from(self.parts) {
            Ok([one]) => one,
            Err(parts) => parts.concat(),
        }
    }

    /// Writes the parts one after the other.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        self.parts()
            .try_for_each(|part| out.write_all(part.as_bytes()))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text { parts: vec![text] }
    }
}

/// The AWS partition of a region, for ARNs built from parts (botocore's partitions).
pub fn partition(region: &str) -> &'static str {
    partition_of(region).0
}

/// The DNS suffix of public endpoints in a region's partition.
pub fn dns_suffix(region: &str) -> &'static str {
    partition_of(region).1
}

/// (partition, DNS suffix) of a region.
fn partition_of(region: &str) -> (&'static str, &'static str) {
    PARTITIONS
        .iter()
        .find(|(prefix, _, _)| region.starts_with(prefix))
        .map_or(("aws", "amazonaws.com"), |(_, p, suffix)| (*p, *suffix))
}

/// The start of an endpoint service's name, before `.<region>.<service>`: `com.amazonaws`,
/// but in some partitions some interface endpoints have their own (as `aws ec2
/// describe-vpc-endpoint-services` lists them, and the AWS CDK writes them): in China
/// `cn.com.amazonaws` for ECR and S3's interface endpoint, and ECR's elsewhere. Gateway
/// endpoints keep `com.amazonaws`. Chosen by the app's region, whose partition a template
/// deployed to another region shares.
pub fn endpoint_prefix(region: &str, service: &str, endpoint_type: &str) -> &'static str {
    let ecr = matches!(service, "ecr.api" | "ecr.dkr");
    match (endpoint_type, partition(region)) {
        ("Interface", "aws-cn") if ecr || service == "s3" => "cn.com.amazonaws",
        ("Interface", "aws-eusc") if ecr => "eu.amazonaws",
        ("Interface", "aws-iso") if ecr => "gov.ic.c2s",
        ("Interface", "aws-iso-b") if ecr => "gov.sgov.sc2s",
        ("Interface", "aws-iso-f") if ecr => "gov.ic.hci.csp",
        ("Interface", "aws-iso-e") if ecr => "uk.adc-e.cloud",
        _ => "com.amazonaws",
    }
}

/// An endpoint service's name, `<prefix>.<region>.<service>`, with the region as `region`
/// writes it (the region itself, or `${AWS::Region}`), the prefix chosen by the app's region.
pub fn endpoint_service_name(
    app_region: &str,
    region: &str,
    service: &str,
    endpoint_type: &str,
) -> String {
    let prefix = endpoint_prefix(app_region, service, endpoint_type);
    format!("{prefix}.{region}.{service}")
}

/// Every partition's name (botocore's endpoint data).
pub const PARTITION_NAMES: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// (region prefix, partition, DNS suffix) of every partition but `aws` (botocore's endpoint
/// data; `aws` is every other region).
const PARTITIONS: [(&str, &str, &str); 7] = [
    ("cn-", "aws-cn", "amazonaws.com.cn"),
    ("us-gov-", "aws-us-gov", "amazonaws.com"),
    ("us-iso-", "aws-iso", "c2s.ic.gov"),
    ("us-isob-", "aws-iso-b", "sc2s.sgov.gov"),
    ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"),
    ("us-isof-", "aws-iso-f", "csp.hci.ic.gov"),
    ("eusc-", "aws-eusc", "amazonaws.eu"),
];

/// The output targets of `aprc build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// One CloudFormation JSON template.
    Cfn,
    /// One Terraform `main.tf`.
    Tf,
    /// A JSON plan of AWS API calls.
    Plan,
}

/// What a build asks of its target besides the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// A Terraform root (the default) or a module (`--tf-module`); the other targets have
    /// no such choice.
    pub tf_layout: tf::Layout,
}

pub fn emit(target: Target, graph: &Graph, options: Options) -> Result<String, BackendError> {
    emit_text(target, graph, options).map(Text::into_string)
}

/// [`emit`], in the parts the backend wrote.
pub fn emit_text(target: Target, graph: &Graph, options: Options) -> Result<Text, BackendError> {
    match target {
        Target::Cfn => cfn::emit(graph).map(Text::from),
        Target::Tf => tf::emit_text(graph, options.tf_layout),
        Target::Plan => plan::emit_text(graph),
    }
}

#[cfg(test)]
mod tests {
    use super::endpoint_prefix;

    #[test]
    fn endpoint_service_names_start_as_each_partition_lists_them() {
        for (region, service, kind, prefix) in [
            ("eu-west-1", "ecr.api", "Interface", "com.amazonaws"),
            ("cn-north-1", "ecr.dkr", "Interface", "cn.com.amazonaws"),
            ("cn-northwest-1", "s3", "Interface", "cn.com.amazonaws"),
            ("cn-north-1", "s3", "Gateway", "com.amazonaws"),
            ("cn-north-1", "logs", "Interface", "com.amazonaws"),
            ("us-gov-west-1", "ecr.api", "Interface", "com.amazonaws"),
            ("eusc-de-east-1", "ecr.api", "Interface", "eu.amazonaws"),
            ("us-iso-east-1", "ecr.dkr", "Interface", "gov.ic.c2s"),
            ("us-isob-east-1", "ecr.dkr", "Interface", "gov.sgov.sc2s"),
            ("us-isof-south-1", "ecr.api", "Interface", "gov.ic.hci.csp"),
            ("eu-isoe-west-1", "ecr.api", "Interface", "uk.adc-e.cloud"),
            ("us-iso-east-1", "logs", "Interface", "com.amazonaws"),
        ] {
            assert_eq!(
                endpoint_prefix(region, service, kind),
                prefix,
                "{region} {service} {kind}"
            );
        }
    }
}
