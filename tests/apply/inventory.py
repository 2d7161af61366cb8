"""Lists what one aprc app owns in a moto server, for tests/apply.rs.

Usage: python3 inventory.py MOTO_ENDPOINT REGION APP

Prints one JSON object: for each kind of resource the plan creates, the ids of those that
belong to APP (EC2 resources by their `app` tag, the others by the `<app>-` name prefix that
aprc gives them), sorted. Only resources of APP are listed, so tests sharing a moto server
see only their own. What outlives the app by design (API Gateway's account-wide logging
role, `<app>-apigateway-logs`) is listed apart, under `kept_roles`, with the policies attached
to it (`kept_role_policies`) and the region's account setting (`account_cloudwatch_role`).
Only MOTO_ENDPOINT (loopback) is contacted.
"""
import json
import sys

import boto3


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    endpoint, region, app = sys.argv[1:]
    if not endpoint.startswith(("http://127.0.0.1", "http://localhost")):
        sys.exit(f"refusing a non-loopback endpoint {endpoint}")
    kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="testing",
              aws_secret_access_key="testing", aws_session_token="testing")
    ec2, elb, apigw = boto3.client("ec2", **kw), boto3.client("elbv2", **kw), boto3.client("apigateway", **kw)
    iam, logs = boto3.client("iam", **kw), boto3.client("logs", **kw)
    ecs, scaling = boto3.client("ecs", **kw), boto3.client("application-autoscaling", **kw)
    tagged = [{"Name": "tag:app", "Values": [app]}]

    def ours(resource):
        return {"Key": "app", "Value": app} in resource.get("Tags", [])

    prefix = f"{app}-"
    roles = [r for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)]
    kept = f"{app}-apigateway-logs"
    lbs = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"].startswith(prefix)]
    out = {
        "vpcs": [v["VpcId"] for v in ec2.describe_vpcs(Filters=tagged)["Vpcs"]],
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets(Filters=tagged)["Subnets"]],
        "security_groups": [g["GroupId"] for g in ec2.describe_security_groups(Filters=tagged)["SecurityGroups"]],
        "vpc_endpoints": [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(Filters=tagged)["VpcEndpoints"]
                          if e["State"].lower() != "deleted"],
        "load_balancers": [lb["LoadBalancerArn"] for lb in lbs],
        "target_groups": [t["TargetGroupArn"] for t in elb.describe_target_groups()["TargetGroups"]
                          if t["TargetGroupName"].startswith(prefix)],
        "listeners": [l["ListenerArn"] for lb in lbs
                      for l in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]],
        "vpc_links": [v["id"] for v in apigw.get_vpc_links()["items"] if v["name"].startswith(prefix)],
        "rest_apis": [a["id"] for a in apigw.get_rest_apis()["items"] if a["name"].startswith(prefix)],
        "api_keys": [k["id"] for k in apigw.get_api_keys()["items"] if k.get("name", "").startswith(prefix)],
        "usage_plans": [u["id"] for u in apigw.get_usage_plans()["items"] if u["name"].startswith(prefix)],
        "roles": [r["RoleName"] for r in roles if r["RoleName"] != kept],
        "kept_roles": [r["RoleName"] for r in roles if r["RoleName"] == kept],
        "kept_role_policies": [p["PolicyArn"] for r in roles if r["RoleName"] == kept
                               for p in iam.list_attached_role_policies(RoleName=kept)["AttachedPolicies"]],
        "account_cloudwatch_role": [a for a in [apigw.get_account().get("cloudwatchRoleArn")] if a],
        "log_groups": [g["logGroupName"] for p in (f"/aws/apigateway/{prefix}", f"/aprc/{app}/")
                       for g in logs.describe_log_groups(logGroupNamePrefix=p)["logGroups"]],
        # moto ignores the tag filter of some of these calls: the tags are checked here too.
        "internet_gateways": [g["InternetGatewayId"] for g in
                              ec2.describe_internet_gateways(Filters=tagged)["InternetGateways"] if ours(g)],
        "route_tables": [t["RouteTableId"] for t in ec2.describe_route_tables(Filters=tagged)["RouteTables"]
                         if ours(t)],
        "nat_gateways": [n["NatGatewayId"] for n in ec2.describe_nat_gateways(Filters=tagged)["NatGateways"]
                         if ours(n) and n["State"] not in ("deleted", "deleting")],
        "addresses": [a["AllocationId"] for a in ec2.describe_addresses(Filters=tagged)["Addresses"] if ours(a)],
    }
    # ECS: the app's cluster is named after the app; its services and task definitions and the
    # scaling of its services carry the `<app>-` prefix or the cluster's name.
    clusters = [c for c in ecs.describe_clusters(clusters=[app])["clusters"] if c["status"] == "ACTIVE"]
    out["ecs_clusters"] = [c["clusterArn"] for c in clusters]
    out["ecs_services"] = [s["serviceArn"] for c in clusters
                           for s in ecs.describe_services(
                               cluster=app, services=ecs.list_services(cluster=app)["serviceArns"] or ["none"]
                           )["services"] if s["status"] != "INACTIVE"] if clusters else []
    # By the family in the ARN (`task-definition/<app>-<service>:<revision>`).
    out["task_definitions"] = [a for a in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]
                               if a.split("task-definition/", 1)[-1].startswith(prefix)]
    targets = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    out["scalable_targets"] = [t["ResourceId"] for t in targets if t["ResourceId"].startswith(f"service/{app}/")]
    policies = scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    out["scaling_policies"] = [p["PolicyName"] for p in policies if p["ResourceId"].startswith(f"service/{app}/")]
    print(json.dumps({k: sorted(v) for k, v in out.items()}, sort_keys=True))


if __name__ == "__main__":
    main()
