//! The rest of each kind's spelling, for the converging executor (spec section 10): beside
//! the create, outputs, wait and delete the plan writes, how a resource is read back, what
//! changes in place and by which call, and what forces a replacement. Nothing here is written
//! into the plan (its format is unchanged); `aprc diff` and an updating `aprc apply` will
//! read it from [`lifecycles`]. Every call and member named here is held to botocore's models
//! by `tests/plan/validate_lifecycle.py`, and every member a create step sets must be either
//! updatable, replacing, or its tags, so a change to any of them has a decided answer.
//!
//! Steps other than a resource's main step are the kind's own mechanics (a load balancer's
//! attributes, a role's inline policy, a method's integration): [`companion`] says whether
//! the executor re-runs one when its input changes (a set or put call) or runs it only with
//! its resource's creation.

use super::cx::Cx;
use super::json::{arr, obj, Key, J};
use super::steps::Step;
use crate::ir::{Graph, Internal, Props};
use serde::Serialize;
use std::collections::HashMap;

/// How one resource's main step is kept in line with the spec.
#[derive(Debug, Clone, Serialize)]
pub struct Lifecycle<'a> {
    /// The main step's id (`core-vpc`).
    pub step: String,
    pub service: &'static str,
    /// The main step's operation (`CreateVpc`).
    pub create: &'static str,
    /// A lookup (the zones, the endpoint's ENI IPs) is re-run on every apply: it has no read,
    /// update or replacement of its own.
    pub lookup: bool,
    /// The call that reads the live resource, with `path` to it in the response (empty: the
    /// whole response). Its input refers to the main step's outputs or its create input.
    pub read: Option<Read<'a>>,
    /// Calls that change members of the create input in place.
    pub updates: Vec<Update>,
    /// Members of the create input whose change replaces the resource (the new one first
    /// where its name allows).
    pub replace_on: &'static [&'static str],
    /// Members set at creation only, which another resource owns afterwards (an ECS
    /// service's `desiredCount`, moved by auto scaling): a change is never applied.
    #[serde(skip_serializing_if = "<[&str]>::is_empty")]
    pub create_only: &'static [&'static str],
    /// The create input's tags member and the call that changes tags in place.
    pub tags: Option<Tags>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Read<'a> {
    pub operation: &'static str,
    pub input: J<'a>,
    pub path: &'static str,
}

/// One in-place change: `members` pairs a member of the create input with where the update
/// call takes it: a member of its input, or `patchOperations:/path` for API Gateway's
/// patch calls.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Update {
    pub operation: &'static str,
    pub members: &'static [(&'static str, &'static str)],
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Tags {
    pub member: &'static str,
    pub operation: &'static str,
}

/// What the executor does with a step that is not its resource's main step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Companion {
    /// A set or put call: re-run when its input changes.
    Reapply,
    /// Run once, right after its resource is created (removing a default, attaching a stage).
    WithCreate,
    /// A lookup, re-run on every apply.
    Lookup,
}

/// What the executor does with a companion step of `operation`, or `None` for an operation
/// no companion step uses (a new one must be classified here).
pub fn companion(operation: &str) -> Option<Companion> {
    Some(match operation {
        "ModifyVpcAttribute"
        | "ModifyLoadBalancerAttributes"
        | "SetSecurityGroups"
        | "RegisterTargets"
        | "PutRolePolicy"
        | "AttachRolePolicy"
        | "PutIntegration"
        | "PutRetentionPolicy"
        | "UpdateStage"
        | "AttachInternetGateway" => Companion::Reapply,
        // The default egress rule exists only on a new group; a usage plan's api stage is
        // added once (an `add` patch).
        "RevokeSecurityGroupEgress" | "UpdateUsagePlan" => Companion::WithCreate,
        // The companions that hold the first call of an ECS undo (deregister, scale to zero)
        // only describe their resource.
        "GetCallerIdentity" | "DescribeTaskDefinition" | "DescribeServices" => Companion::Lookup,
        _ => return None,
    })
}

const EC2_TAGS: Option<Tags> = Some(Tags {
    member: "TagSpecifications",
    operation: "CreateTags",
});
const ELB_TAGS: Option<Tags> = Some(Tags {
    member: "Tags",
    operation: "AddTags",
});
const APPRUNNER_TAGS: Option<Tags> = Some(Tags {
    member: "Tags",
    operation: "TagResource",
});
const ECS_TAGS: Option<Tags> = Some(Tags {
    member: "tags",
    operation: "TagResource",
});
const APIGATEWAY_TAGS: Option<Tags> = Some(Tags {
    member: "tags",
    operation: "TagResource",
});

/// The lifecycle of every resource's main step, in graph order.
pub fn lifecycles(g: &Graph) -> Result<Vec<Lifecycle<'_>>, Internal> {
    let cx = Cx::new(g)?;
    let steps = super::build(&cx)?;
    let by_id: HashMap<&str, &Step> = steps.iter().map(|s| (&*s.id, s)).collect();
    g.iter()
        .map(|(id, r)| {
            let name = cx.step(id)?;
            let step = by_id
                .get(&*name)
                .ok_or_else(|| Internal(format!("resource #{} has no main step {name}", id.0)))?;
            lifecycle(&r.props, step)
        })
        .collect()
}

/// The create input's member `key`, to be read back with.
fn member<'a>(step: &Step<'a>, key: &str) -> Result<J<'a>, Internal> {
    if let J::Obj(pairs) = &step.input {
        if let Some((_, value)) = pairs.iter().find(|(k, _)| Key::as_str(k) == key) {
            return Ok(value.clone());
        }
    }
    Err(Internal(format!(
        "step {} has no input member {key}",
        step.id
    )))
}

fn read<'a>(operation: &'static str, input: J<'a>, path: &'static str) -> Option<Read<'a>> {
    Some(Read {
        operation,
        input,
        path,
    })
}

fn lifecycle<'a>(props: &Props, step: &Step<'a>) -> Result<Lifecycle<'a>, Internal> {
    let own = |output: &'static str| step.out(output);
    let mut l = Lifecycle {
        step: step.id.to_string(),
        service: step.service,
        create: step.operation,
        lookup: false,
        read: None,
        updates: Vec::new(),
        replace_on: &[],
        create_only: &[],
        tags: None,
    };
    match props {
        Props::RegionZones(_) | Props::ServiceZones(_) | Props::EndpointEnis(_) => {
            l.lookup = true;
        }
        Props::InternetGateway(_) => {
            let input = obj! { "InternetGatewayIds" => arr![own("InternetGatewayId")] };
            l.read = read("DescribeInternetGateways", input, "InternetGateways[0]");
            l.tags = EC2_TAGS;
        }
        Props::RouteTable(_) => {
            let input = obj! { "RouteTableIds" => arr![own("RouteTableId")] };
            l.read = read("DescribeRouteTables", input, "RouteTables[0]");
            l.replace_on = &["VpcId"];
            l.tags = EC2_TAGS;
        }
        Props::Route(_) => {
            let input = obj! { "RouteTableIds" => arr![member(step, "RouteTableId")?] };
            l.read = read("DescribeRouteTables", input, "RouteTables[0].Routes");
            // A route's target changes in place; its table or destination is another route.
            l.updates = vec![Update {
                operation: "ReplaceRoute",
                members: &[("GatewayId", "GatewayId"), ("NatGatewayId", "NatGatewayId")],
            }];
            l.replace_on = &["RouteTableId", "DestinationCidrBlock"];
        }
        Props::RouteTableAssociation(_) => {
            let input = obj! {
                "Filters" => arr![obj! {
                    "Name" => "association.route-table-association-id",
                    "Values" => arr![own("AssociationId")],
                }],
            };
            l.read = read("DescribeRouteTables", input, "RouteTables[0]");
            l.updates = vec![Update {
                operation: "ReplaceRouteTableAssociation",
                members: &[("RouteTableId", "RouteTableId")],
            }];
            l.replace_on = &["SubnetId"];
        }
        Props::ElasticIp(_) => {
            let input = obj! { "AllocationIds" => arr![own("AllocationId")] };
            l.read = read("DescribeAddresses", input, "Addresses[0]");
            l.replace_on = &["Domain"];
            l.tags = EC2_TAGS;
        }
        Props::NatGateway(_) => {
            let input = obj! { "NatGatewayIds" => arr![own("NatGatewayId")] };
            l.read = read("DescribeNatGateways", input, "NatGateways[0]");
            l.replace_on = &["SubnetId", "AllocationId", "ConnectivityType"];
            l.tags = EC2_TAGS;
        }
        Props::Cluster(_) => {
            let input = obj! { "clusters" => arr![own("ClusterArn")] };
            l.read = read("DescribeClusters", input, "clusters[0]");
            l.updates = vec![Update {
                operation: "UpdateCluster",
                members: &[("settings", "settings")],
            }];
            l.replace_on = &["clusterName"];
            l.tags = ECS_TAGS;
        }
        Props::TaskDefinition(_) => {
            let input = obj! { "taskDefinition" => own("TaskDefinitionArn") };
            l.read = read("DescribeTaskDefinition", input, "taskDefinition");
            // A revision is immutable: a change registers the next one, which the service
            // is then pointed at, and the old one is deregistered.
            l.replace_on = &[
                "family",
                "executionRoleArn",
                "taskRoleArn",
                "networkMode",
                "requiresCompatibilities",
                "cpu",
                "memory",
                "containerDefinitions",
            ];
            l.tags = ECS_TAGS;
        }
        Props::EcsService(_) => {
            let input = obj! {
                "cluster" => member(step, "cluster")?,
                "services" => arr![own("ServiceArn")],
            };
            l.read = read("DescribeServices", input, "services[0]");
            l.updates = vec![Update {
                operation: "UpdateService",
                members: &[
                    ("taskDefinition", "taskDefinition"),
                    ("networkConfiguration", "networkConfiguration"),
                    ("loadBalancers", "loadBalancers"),
                    (
                        "healthCheckGracePeriodSeconds",
                        "healthCheckGracePeriodSeconds",
                    ),
                    ("deploymentConfiguration", "deploymentConfiguration"),
                ],
            }];
            l.replace_on = &["cluster", "serviceName", "launchType"];
            // Auto scaling owns the count once the service runs.
            l.create_only = &["desiredCount"];
            l.tags = ECS_TAGS;
        }
        Props::ScalableTarget(_) => {
            let input = obj! {
                "ServiceNamespace" => member(step, "ServiceNamespace")?,
                "ResourceIds" => arr![member(step, "ResourceId")?],
                "ScalableDimension" => member(step, "ScalableDimension")?,
            };
            l.read = read("DescribeScalableTargets", input, "ScalableTargets[0]");
            // Registering an existing target again changes its capacities.
            l.updates = vec![Update {
                operation: "RegisterScalableTarget",
                members: &[
                    ("MinCapacity", "MinCapacity"),
                    ("MaxCapacity", "MaxCapacity"),
                ],
            }];
            l.replace_on = &["ServiceNamespace", "ResourceId", "ScalableDimension"];
            l.tags = Some(Tags {
                member: "Tags",
                operation: "TagResource",
            });
        }
        Props::ScalingPolicy(_) => {
            let input = obj! {
                "ServiceNamespace" => member(step, "ServiceNamespace")?,
                "PolicyNames" => arr![member(step, "PolicyName")?],
                "ResourceId" => member(step, "ResourceId")?,
                "ScalableDimension" => member(step, "ScalableDimension")?,
            };
            l.read = read("DescribeScalingPolicies", input, "ScalingPolicies[0]");
            // Putting a policy of the same name again changes it.
            l.updates = vec![Update {
                operation: "PutScalingPolicy",
                members: &[
                    ("PolicyType", "PolicyType"),
                    (
                        "TargetTrackingScalingPolicyConfiguration",
                        "TargetTrackingScalingPolicyConfiguration",
                    ),
                ],
            }];
            l.replace_on = &[
                "PolicyName",
                "ServiceNamespace",
                "ResourceId",
                "ScalableDimension",
            ];
        }
        Props::Vpc(_) => {
            l.read = read(
                "DescribeVpcs",
                obj! { "VpcIds" => arr![own("VpcId")] },
                "Vpcs[0]",
            );
            l.replace_on = &["CidrBlock"];
            l.tags = EC2_TAGS;
        }
        Props::Subnet(_) => {
            let input = obj! { "SubnetIds" => arr![own("SubnetId")] };
            l.read = read("DescribeSubnets", input, "Subnets[0]");
            l.replace_on = &["VpcId", "CidrBlock", "AvailabilityZone"];
            l.tags = EC2_TAGS;
        }
        Props::SecurityGroup(_) => {
            let input = obj! { "GroupIds" => arr![own("GroupId")] };
            l.read = read("DescribeSecurityGroups", input, "SecurityGroups[0]");
            l.replace_on = &["VpcId", "GroupName", "Description"];
            l.tags = EC2_TAGS;
        }
        Props::SgRule(_) => {
            let input = obj! { "GroupIds" => arr![member(step, "GroupId")?] };
            let path = if step.operation == "AuthorizeSecurityGroupIngress" {
                "SecurityGroups[0].IpPermissions"
            } else {
                "SecurityGroups[0].IpPermissionsEgress"
            };
            l.read = read("DescribeSecurityGroups", input, path);
            // A rule is its whole permission: a changed one is revoked and authorized anew.
            l.replace_on = &["GroupId", "IpPermissions"];
        }
        Props::VpcEndpoint(_) => {
            let input = obj! { "VpcEndpointIds" => arr![own("VpcEndpointId")] };
            l.read = read("DescribeVpcEndpoints", input, "VpcEndpoints[0]");
            l.updates = vec![Update {
                operation: "ModifyVpcEndpoint",
                members: &[
                    ("SubnetIds", "AddSubnetIds"),
                    ("SecurityGroupIds", "AddSecurityGroupIds"),
                    ("PrivateDnsEnabled", "PrivateDnsEnabled"),
                    ("RouteTableIds", "AddRouteTableIds"),
                    ("DnsOptions", "DnsOptions"),
                ],
            }];
            l.replace_on = &["VpcId", "ServiceName", "VpcEndpointType"];
            l.tags = EC2_TAGS;
        }
        Props::LoadBalancer(_) => {
            let input = obj! { "LoadBalancerArns" => arr![own("LoadBalancerArn")] };
            l.read = read("DescribeLoadBalancers", input, "LoadBalancers[0]");
            l.updates = vec![
                Update {
                    operation: "SetSubnets",
                    members: &[("Subnets", "Subnets")],
                },
                Update {
                    operation: "SetSecurityGroups",
                    members: &[("SecurityGroups", "SecurityGroups")],
                },
                Update {
                    operation: "SetIpAddressType",
                    members: &[("IpAddressType", "IpAddressType")],
                },
            ];
            l.replace_on = &["Name", "Scheme", "Type"];
            l.tags = ELB_TAGS;
        }
        Props::TargetGroup(_) => {
            let input = obj! { "TargetGroupArns" => arr![own("TargetGroupArn")] };
            l.read = read("DescribeTargetGroups", input, "TargetGroups[0]");
            l.updates = vec![Update {
                operation: "ModifyTargetGroup",
                members: &[
                    ("HealthCheckProtocol", "HealthCheckProtocol"),
                    ("HealthCheckPath", "HealthCheckPath"),
                    ("HealthCheckIntervalSeconds", "HealthCheckIntervalSeconds"),
                    ("HealthCheckTimeoutSeconds", "HealthCheckTimeoutSeconds"),
                    ("HealthyThresholdCount", "HealthyThresholdCount"),
                    ("UnhealthyThresholdCount", "UnhealthyThresholdCount"),
                ],
            }];
            l.replace_on = &["Name", "Protocol", "Port", "VpcId", "TargetType"];
            l.tags = ELB_TAGS;
        }
        Props::Listener(_) => {
            let input = obj! { "ListenerArns" => arr![own("ListenerArn")] };
            l.read = read("DescribeListeners", input, "Listeners[0]");
            l.updates = vec![Update {
                operation: "ModifyListener",
                members: &[
                    ("Port", "Port"),
                    ("Protocol", "Protocol"),
                    ("DefaultActions", "DefaultActions"),
                ],
            }];
            l.replace_on = &["LoadBalancerArn"];
            l.tags = ELB_TAGS;
        }
        Props::VpcLink(_) => {
            l.read = read("GetVpcLink", obj! { "vpcLinkId" => own("VpcLinkId") }, "");
            l.updates = vec![Update {
                operation: "UpdateVpcLink",
                members: &[("name", "patchOperations:/name")],
            }];
            l.replace_on = &["targetArns"];
            l.tags = APIGATEWAY_TAGS;
        }
        Props::VpcConnector(_) => {
            let input = obj! { "VpcConnectorArn" => own("VpcConnectorArn") };
            l.read = read("DescribeVpcConnector", input, "VpcConnector");
            // App Runner's connectors cannot be changed.
            l.replace_on = &["VpcConnectorName", "Subnets", "SecurityGroups"];
            l.tags = APPRUNNER_TAGS;
        }
        Props::Role(_) | Props::LogsRole(_) => {
            l.read = read(
                "GetRole",
                obj! { "RoleName" => member(step, "RoleName")? },
                "Role",
            );
            l.updates = vec![
                Update {
                    operation: "UpdateAssumeRolePolicy",
                    members: &[("AssumeRolePolicyDocument", "PolicyDocument")],
                },
                Update {
                    operation: "UpdateRole",
                    members: &[("Description", "Description")],
                },
            ];
            l.replace_on = &["RoleName"];
            l.tags = Some(Tags {
                member: "Tags",
                operation: "TagRole",
            });
        }
        Props::AutoScaling(_) => {
            let input =
                obj! { "AutoScalingConfigurationArn" => own("AutoScalingConfigurationArn") };
            l.read = read(
                "DescribeAutoScalingConfiguration",
                input,
                "AutoScalingConfiguration",
            );
            // A configuration is immutable: a change is a new one (App Runner's revision).
            l.replace_on = &[
                "AutoScalingConfigurationName",
                "MaxConcurrency",
                "MaxSize",
                "MinSize",
            ];
            l.tags = APPRUNNER_TAGS;
        }
        Props::Observability(_) => {
            let input =
                obj! { "ObservabilityConfigurationArn" => own("ObservabilityConfigurationArn") };
            l.read = read(
                "DescribeObservabilityConfiguration",
                input,
                "ObservabilityConfiguration",
            );
            l.replace_on = &["ObservabilityConfigurationName", "TraceConfiguration"];
            l.tags = APPRUNNER_TAGS;
        }
        Props::AppRunnerService(_) => {
            let input = obj! { "ServiceArn" => own("ServiceArn") };
            l.read = read("DescribeService", input, "Service");
            l.updates = vec![Update {
                operation: "UpdateService",
                members: &[
                    ("SourceConfiguration", "SourceConfiguration"),
                    ("InstanceConfiguration", "InstanceConfiguration"),
                    ("HealthCheckConfiguration", "HealthCheckConfiguration"),
                    ("AutoScalingConfigurationArn", "AutoScalingConfigurationArn"),
                    ("NetworkConfiguration", "NetworkConfiguration"),
                    ("ObservabilityConfiguration", "ObservabilityConfiguration"),
                ],
            }];
            l.replace_on = &["ServiceName"];
            l.tags = APPRUNNER_TAGS;
        }
        Props::IngressConnection(_) => {
            let input = obj! { "VpcIngressConnectionArn" => own("VpcIngressConnectionArn") };
            l.read = read(
                "DescribeVpcIngressConnection",
                input,
                "VpcIngressConnection",
            );
            l.updates = vec![Update {
                operation: "UpdateVpcIngressConnection",
                members: &[("IngressVpcConfiguration", "IngressVpcConfiguration")],
            }];
            l.replace_on = &["ServiceArn", "VpcIngressConnectionName"];
            l.tags = APPRUNNER_TAGS;
        }
        Props::ApiAccount(_) => {
            // The main step is itself the account's update: re-run when its role changes.
            l.read = read("GetAccount", J::object(), "");
            l.updates = vec![Update {
                operation: "UpdateAccount",
                members: &[("patchOperations", "patchOperations")],
            }];
        }
        Props::RestApi(_) => {
            l.read = read("GetRestApi", obj! { "restApiId" => own("RestApiId") }, "");
            l.updates = vec![Update {
                operation: "UpdateRestApi",
                members: &[
                    ("name", "patchOperations:/name"),
                    (
                        "endpointConfiguration",
                        "patchOperations:/endpointConfiguration/types/0",
                    ),
                ],
            }];
            l.tags = APIGATEWAY_TAGS;
        }
        Props::ApiResource(_) => {
            let input = obj! {
                "restApiId" => member(step, "restApiId")?,
                "resourceId" => own("ResourceId"),
            };
            l.read = read("GetResource", input, "");
            l.updates = vec![Update {
                operation: "UpdateResource",
                members: &[
                    ("parentId", "patchOperations:/parentId"),
                    ("pathPart", "patchOperations:/pathPart"),
                ],
            }];
            l.replace_on = &["restApiId"];
        }
        Props::Method(_) => {
            let input = obj! {
                "restApiId" => member(step, "restApiId")?,
                "resourceId" => member(step, "resourceId")?,
                "httpMethod" => member(step, "httpMethod")?,
            };
            l.read = read("GetMethod", input, "");
            l.updates = vec![Update {
                operation: "UpdateMethod",
                members: &[
                    ("authorizationType", "patchOperations:/authorizationType"),
                    ("apiKeyRequired", "patchOperations:/apiKeyRequired"),
                    (
                        "requestParameters",
                        "patchOperations:/requestParameters/{name}",
                    ),
                ],
            }];
            l.replace_on = &["restApiId", "resourceId", "httpMethod"];
        }
        Props::Deployment(_) => {
            let input = obj! {
                "restApiId" => member(step, "restApiId")?,
                "deploymentId" => own("DeploymentId"),
            };
            l.read = read("GetDeployment", input, "");
            // A new identity is a new deployment, which the stage is then pointed at.
            l.replace_on = &["restApiId", "description"];
        }
        Props::LogGroup(_) => {
            let input = obj! { "logGroupNamePrefix" => member(step, "logGroupName")? };
            l.read = read("DescribeLogGroups", input, "logGroups[0]");
            l.replace_on = &["logGroupName"];
            l.tags = Some(Tags {
                member: "tags",
                operation: "TagResource",
            });
        }
        Props::Stage(_) => {
            let input = obj! {
                "restApiId" => member(step, "restApiId")?,
                "stageName" => member(step, "stageName")?,
            };
            l.read = read("GetStage", input, "");
            l.updates = vec![Update {
                operation: "UpdateStage",
                members: &[
                    ("deploymentId", "patchOperations:/deploymentId"),
                    ("tracingEnabled", "patchOperations:/tracingEnabled"),
                ],
            }];
            l.replace_on = &["restApiId", "stageName"];
            l.tags = APIGATEWAY_TAGS;
        }
        Props::ApiKey(_) => {
            let input = obj! { "apiKey" => own("ApiKeyId"), "includeValue" => false };
            l.read = read("GetApiKey", input, "");
            l.updates = vec![Update {
                operation: "UpdateApiKey",
                members: &[
                    ("name", "patchOperations:/name"),
                    ("enabled", "patchOperations:/enabled"),
                ],
            }];
            l.tags = APIGATEWAY_TAGS;
        }
        Props::UsagePlan(_) => {
            let input = obj! { "usagePlanId" => own("UsagePlanId") };
            l.read = read("GetUsagePlan", input, "");
            l.updates = vec![Update {
                operation: "UpdateUsagePlan",
                members: &[
                    ("name", "patchOperations:/name"),
                    ("throttle", "patchOperations:/throttle/rateLimit"),
                ],
            }];
            l.tags = APIGATEWAY_TAGS;
        }
        Props::UsagePlanKey(_) => {
            let input = obj! {
                "usagePlanId" => member(step, "usagePlanId")?,
                "keyId" => member(step, "keyId")?,
            };
            l.read = read("GetUsagePlanKey", input, "");
            l.replace_on = &["usagePlanId", "keyId", "keyType"];
        }
    }
    Ok(l)
}
