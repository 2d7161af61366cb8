//! The lookups CloudFormation cannot make itself, as custom resources answered by one small
//! inline Python Lambda (`eni_lookup.py`, embedded verbatim) that serves every network:
//!
//! - `Custom::EndpointEniIps` (spec section 6.1): NLB targets must be the private IPs of the
//!   requests endpoint's network interfaces, which CloudFormation does not expose. Its
//!   attributes `Ip0`, `Ip1`, ... are the IPs in the network's subnets, in subnet order. An
//!   endpoint's interfaces appear after the endpoint does, so the function polls until every
//!   subnet has one (section 8), on Create and Update alike, for at most the function's
//!   timeout less a minute kept to answer.
//! - `Custom::EndpointServiceZones` (section 8): the zones where the App Runner requests
//!   endpoint service is offered, sorted by name (`Zone0`, `Zone1`, ...), where a created
//!   network that carries the endpoint puts its subnets.
//!
//! Each custom resource sets `ServiceTimeout` a little over the function's timeout: should the
//! function die without answering, the stack fails then rather than after CloudFormation's
//! default hour. The function's role may only describe endpoints, endpoint services and
//! network interfaces (AWS scopes none of them to a resource), write to the function's own
//! log group and send to its own dead-letter queue.

use super::cx::Cx;
use super::intrinsics::{get_att, ref_, sub};
use super::{BackendError, Template};
use crate::ir::{EndpointEnis, Graph, Id, Props, ServiceZones};
use serde_json::json;

/// The Lambda's source, deployed as `index.py` through `Code.ZipFile`.
pub const SOURCE: &str = include_str!("eni_lookup.py");
/// CloudFormation's limit on inline (`ZipFile`) source as it long stood; it has since been
/// raised, but staying within it keeps the template deployable wherever the old one holds.
pub const MAX_INLINE_BYTES: usize = 4096;
/// The function's timeout: the ENI poll runs until a minute before it (`SPARE_MS`).
pub const FUNCTION_TIMEOUT_SECONDS: u32 = 600;
/// How long CloudFormation waits for an answer before failing the resource: the function's
/// timeout and a margin, far under the default of an hour.
pub const SERVICE_TIMEOUT_SECONDS: u32 = 660;
const _: () = assert!(
    SOURCE.len() <= MAX_INLINE_BYTES,
    "eni_lookup.py is too long to deploy inline"
);

const FUNCTION_ID: &str = "EniLookupFunction";
const ROLE_ID: &str = "EniLookupRole";
const LOG_GROUP_ID: &str = "EniLookupLogGroup";
const DEAD_LETTER_ID: &str = "EniLookupDeadLetterQueue";

/// The logical ids of the function and what it needs, in the order they are written.
pub const IDS: [&str; 4] = [LOG_GROUP_ID, DEAD_LETTER_ID, ROLE_ID, FUNCTION_ID];

/// The shared function, its role, log group and dead-letter queue.
pub fn emit_function(t: &mut Template) -> Result<(), BackendError> {
    t.add_log_group(
        LOG_GROUP_ID,
        json!({ "RetentionInDays": 365, "Tags": t.tags }),
    )?;
    // CloudFormation invokes the function asynchronously. Should it die before answering (out
    // of memory, killed at its timeout), the event, with its ResponseURL, lands here, so an
    // operator can still answer the waiting stack by hand.
    t.add_resource(
        DEAD_LETTER_ID,
        json!({
            "Type": "AWS::SQS::Queue",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                // The AWS managed key: its key policy already lets account principals use it
                // through SQS, so the role needs no KMS permission.
                "KmsMasterKeyId": "alias/aws/sqs",
                "MessageRetentionPeriod": 1_209_600,
                "Tags": t.tags,
            },
        }),
    )?;
    t.add(
        ROLE_ID,
        "AWS::IAM::Role",
        json!({
            "Description": "Lets the ENI lookup function describe the App Runner requests endpoint",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": { "Service": "lambda.amazonaws.com" },
                    "Action": "sts:AssumeRole",
                }],
            },
            "Policies": [{
                "PolicyName": "eni-lookup",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "DescribeEndpointEnis",
                            "Effect": "Allow",
                            "Action": [
                                "ec2:DescribeNetworkInterfaces",
                                "ec2:DescribeVpcEndpointServices",
                                "ec2:DescribeVpcEndpoints",
                            ],
                            // Describe calls accept no resource-level restriction.
                            "Resource": "*",
                        },
                        {
                            "Sid": "DeadLetter",
                            "Effect": "Allow",
                            "Action": "sqs:SendMessage",
                            "Resource": get_att(DEAD_LETTER_ID, "Arn"),
                        },
                        {
                            "Sid": "WriteOwnLogs",
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": get_att(LOG_GROUP_ID, "Arn"),
                        },
                    ],
                },
            }],
            "Tags": t.tags,
        }),
    )?;
    t.add(
        FUNCTION_ID,
        "AWS::Lambda::Function",
        json!({
            "Description": "Answers Custom::EndpointEniIps (a VPC endpoint's ENI IPs) and Custom::EndpointServiceZones (where an endpoint service is offered)",
            "Runtime": "python3.14",
            "Handler": "index.handler",
            "Code": { "ZipFile": SOURCE },
            "Role": get_att(ROLE_ID, "Arn"),
            // The ENI poll stops a minute before this; a describe takes at most ~45 s
            // (EC2_CONFIG in eni_lookup.py) and the answer's PUT 30 s.
            "Timeout": FUNCTION_TIMEOUT_SECONDS,
            "MemorySize": 128,
            "LoggingConfig": { "LogGroup": ref_(LOG_GROUP_ID) },
            "DeadLetterConfig": { "TargetArn": get_att(DEAD_LETTER_ID, "Arn") },
            "Tags": t.tags,
        }),
    )
}

/// Whether the template needs the function: some resource is answered by it.
pub fn needed(g: &Graph) -> bool {
    g.iter()
        .any(|(_, r)| matches!(r.props, Props::EndpointEnis(_) | Props::ServiceZones(_)))
}

/// The lookup of an endpoint's interface IPs: attributes `Ip0`, `Ip1`, ... in subnet order.
pub fn enis(cx: &Cx, t: &mut Template, me: Id, e: &EndpointEnis) -> Result<(), BackendError> {
    let endpoint = cx.ref_(e.endpoint).map_err(BackendError::internal)?;
    let subnets = super::network::subnet_values(cx, &e.subnets)?;
    t.add(
        cx.id(me).map_err(BackendError::internal)?,
        "Custom::EndpointEniIps",
        json!({
            "ServiceToken": get_att(FUNCTION_ID, "Arn"),
            "ServiceTimeout": SERVICE_TIMEOUT_SECONDS,
            "VpcEndpointId": endpoint,
            "SubnetIds": subnets,
        }),
    )
}

/// The zones where the endpoint service `com.amazonaws.<region>.<service>` is offered:
/// attribute `Zone<i>` is the `i`-th, sorted by name. `Count` is how many some network needs:
/// fewer is a failure naming both numbers.
pub fn zones(cx: &Cx, t: &mut Template, me: Id, z: &ServiceZones) -> Result<(), BackendError> {
    t.add(
        cx.id(me).map_err(BackendError::internal)?,
        "Custom::EndpointServiceZones",
        json!({
            "ServiceToken": get_att(FUNCTION_ID, "Arn"),
            "ServiceTimeout": SERVICE_TIMEOUT_SECONDS,
            "ServiceName": sub(crate::backends::endpoint_service_name(
                &cx.g.app.region,
                "${AWS::Region}",
                &z.service,
                "Interface",
            )),
            "Count": z.count,
        }),
    )
}
