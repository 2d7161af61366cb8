"""Runs an aprc plan against moto, then undoes it, and checks that nothing is left.

Usage: python3 tests/plan/run_plan.py PLAN.json ENDPOINT [--param NAME=VALUE]...

Each step is executed with boto3 exactly as written (service, operation, input), refs resolved
from the outputs recorded so far with jmespath, params from `--param` or their defaults, joins
concatenated. `apprunner` calls go to the in-process test double (apprunner_double.py), since
moto has no App Runner. Waits are polled with a short timeout. After the last step the runner
checks what the plan built (the NLB targets are exactly the endpoint's ENI IPs; integrations
point at the ingress domains), runs every `delete` in reverse step order, and fails if any
VPC, subnet, security group, endpoint, load balancer, target group, listener, VPC link, REST
API, api key, usage plan, role, log group, internet or NAT gateway (or the attachment),
route table (or association), Elastic IP, ECS cluster, task definition or service, scalable
target, scaling policy or App Runner resource it created is still there. A delete's own
`wait` is polled after the delete; deletes AWS refuses in that order (an Elastic IP or
internet gateway still used by a NAT gateway, a cluster with services not yet inactive, a task
definition not yet deregistered) fail the run although moto would allow them. ECS tasks are
not run: moto_server.py makes moto report every service's tasks running.

A network declared with `vpc_id`/`subnet_ids` names resources that exist outside the plan.
moto cannot create a VPC with a chosen id, so before the run the runner creates a stand-in VPC
and subnets (one per zone) and substitutes their ids for the declared ones everywhere in the
plan, printing each substitution; the stand-ins are removed after the check for leftovers.

Where moto lacks an operation, exactly that call is skipped with a printed `SKIP` note.
Only ENDPOINT (a loopback moto server) is ever contacted.
"""
import json
import os
import re
import sys
import time

import boto3
import jmespath
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apprunner_double import AppRunnerDouble  # noqa: E402

WAIT_LIMIT_SECONDS = 20
# (service, operation) pairs moto lacks, skipped with a printed note. Empty: moto 5.2.1
# implements every call the examples make (checked by running them); a gap found later goes
# here so it is skipped loudly, never silently.
MOTO_MISSING = set()


class PlanError(Exception):
    pass


class Runner:
    def __init__(self, plan, endpoint, params):
        if not endpoint.startswith(("http://127.0.0.1", "http://localhost")):
            raise PlanError(f"refusing to send traffic to {endpoint}: loopback moto only")
        self.plan = plan
        self.region = plan["region"]
        self.params = params
        self.outputs = {}
        self.skipped = []
        self.clients = {}
        kw = dict(endpoint_url=endpoint, region_name=self.region, aws_access_key_id="testing",
                  aws_secret_access_key="testing", aws_session_token="testing")
        self.kw = kw
        self.apprunner = AppRunnerDouble(self.region, self.client("ec2"))

    def client(self, service):
        if service not in self.clients:
            self.clients[service] = boto3.client(service, **self.kw)
        return self.clients[service]

    def resolve(self, value, where):
        if isinstance(value, dict) and len(value) == 1 and "object" in value:
            if not isinstance(value["object"], dict):
                raise PlanError(f"{where}: `object` must hold an object")
            return {k: self.resolve(v, where) for k, v in value["object"].items()}
        if isinstance(value, dict) and len(value) == 1 and "ref" in value:
            step, _, name = value["ref"].partition(".")
            if step not in self.outputs or name not in self.outputs[step]:
                raise PlanError(f"{where}: ref {value['ref']} names no recorded output")
            return self.outputs[step][name]
        if isinstance(value, dict) and len(value) == 1 and "param" in value:
            name = value["param"]
            if name not in self.params:
                raise PlanError(f"{where}: no value for param {name}")
            return self.params[name]
        if isinstance(value, dict) and len(value) == 1 and "join" in value:
            parts = [self.resolve(p, where) for p in value["join"]]
            if not all(isinstance(p, str) for p in parts):
                raise PlanError(f"{where}: join of non-strings {parts!r}")
            return "".join(parts)
        if isinstance(value, dict):
            return {k: self.resolve(v, where) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, where) for v in value]
        return value

    def invoke(self, service, operation, params, where):
        if service == "apprunner":
            return self.apprunner.call(operation, params)
        if (service, operation) in MOTO_MISSING:
            note = f"SKIP {where}: moto lacks {service}.{operation}"
            print(note)
            self.skipped.append(note)
            return None
        client = self.client(service)
        method = getattr(client, _snake(client, operation))
        return method(**params)

    def run_step(self, step):
        sid = step["id"]
        for dep in step["depends_on"]:
            if dep not in self.outputs:
                raise PlanError(f"{sid}: depends on {dep}, which has not run")
        params = self.resolve(step["input"], sid)
        response = self.invoke(step["service"], step["operation"], params, sid)
        recorded = {}
        for name, path in step.get("outputs", {}).items():
            value = jmespath.search(path, response) if response is not None else None
            if value is None:
                raise PlanError(f"{sid}: output {name} ({path}) is not in the {step['operation']} response")
            recorded[name] = value
        self.outputs[sid] = recorded
        if "wait" in step:
            last = self.wait(step)
            for name, path in step["wait"].get("outputs", {}).items():
                value = jmespath.search(path, last) if last is not None else None
                if value is None:
                    raise PlanError(f"{sid}: wait output {name} ({path}) is not in the last response")
                recorded[name] = value

    def wait(self, step, wait=None, where=None):
        """Polls until the wait's path has its value; returns that last response. `wait` is
        the step's own unless given (a delete's)."""
        wait = wait or step["wait"]
        sid = where or f"{step['id']}.wait"
        deadline = time.monotonic() + min(WAIT_LIMIT_SECONDS, wait["timeout_seconds"])
        params = self.resolve(wait["input"], sid)
        while True:
            response = self.invoke(step["service"], wait["operation"], params, sid)
            if response is None:
                return None
            got = jmespath.search(wait["path"], response)
            if got == wait["expect"]:
                return response
            if time.monotonic() > deadline:
                raise PlanError(f"{sid}: waited for {wait['path']} == {wait['expect']}, last saw {got!r}")
            time.sleep(0.2)

    def run_deletes(self, best_effort=False):
        """Every delete of the steps that ran, last step first; after a failed apply, keep going."""
        for step in reversed(self.plan["steps"]):
            if "delete" not in step or step["id"] not in self.outputs:
                continue
            sid = step["id"]
            try:
                params = self.resolve(step["delete"]["input"], f"{sid}.delete")
                reason = aws_refuses(self, step["service"], step["delete"]["operation"], params)
                if reason:
                    raise PlanError(reason)
                self.invoke(step["service"], step["delete"]["operation"], params, f"{sid}.delete")
                if "wait" in step["delete"]:
                    self.wait(step, step["delete"]["wait"], f"{sid}.delete.wait")
            except Exception as e:
                if not best_effort:
                    raise PlanError(f"{sid}.delete: {e}")
                print(f"(cleanup of {sid} failed: {e})")


def aws_refuses(runner, service, operation, params):
    """Why AWS would refuse a delete that moto accepts, or None: the plan's deletes must run
    in an order the real APIs allow."""
    if (service, operation) == ("apigateway", "DeleteUsagePlan"):
        plan = runner.client("apigateway").get_usage_plan(usagePlanId=params["usagePlanId"])
        if plan.get("apiStages"):
            return f"AWS refuses to delete usage plan {params['usagePlanId']} while it has api stages"
    if (service, operation) == ("iam", "DeleteRole"):
        if runner.client("iam").list_role_policies(RoleName=params["RoleName"])["PolicyNames"]:
            return f"AWS refuses to delete role {params['RoleName']} while it has inline policies"
    if (service, operation) == ("ec2", "ReleaseAddress"):
        ec2 = runner.client("ec2")
        for nat in ec2.describe_nat_gateways()["NatGateways"]:
            held = {a.get("AllocationId") for a in nat.get("NatGatewayAddresses", [])}
            if params["AllocationId"] in held and nat["State"] != "deleted":
                return f"AWS refuses to release {params['AllocationId']} while NAT gateway {nat['NatGatewayId']} is {nat['State']}"
    if (service, operation) == ("ec2", "DetachInternetGateway"):
        nats = runner.client("ec2").describe_nat_gateways(
            Filters=[{"Name": "vpc-id", "Values": [params["VpcId"]]}])["NatGateways"]
        live = [n["NatGatewayId"] for n in nats if n["State"] != "deleted"]
        if live:
            return f"AWS refuses to detach {params['InternetGatewayId']} while NAT gateways {live} map public addresses"
    if (service, operation) == ("ecs", "DeleteCluster"):
        ecs = runner.client("ecs")
        arns = ecs.list_services(cluster=params["cluster"])["serviceArns"]
        services = ecs.describe_services(cluster=params["cluster"], services=arns)["services"] if arns else []
        busy = [s["serviceName"] for s in services if s["status"] != "INACTIVE"]
        if busy:
            return f"AWS refuses to delete cluster {params['cluster']} while services {busy} are not inactive"
    if (service, operation) == ("ecs", "DeleteTaskDefinitions"):
        ecs = runner.client("ecs")
        for arn in params["taskDefinitions"]:
            status = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["status"]
            if status == "ACTIVE":
                return f"AWS refuses to delete task definition {arn} before it is deregistered"
    return None


def _snake(client, operation):
    for snake, api in client.meta.method_to_api_mapping.items():
        if api == operation:
            return snake
    raise PlanError(f"{client.meta.service_model.service_name} has no operation {operation}")


def check_built(runner):
    """What the plan exists for: the NLB forwards to the endpoint's ENIs, the API to the services."""
    ec2, elb, apigw = runner.client("ec2"), runner.client("elbv2"), runner.client("apigateway")
    for step in runner.plan["steps"]:
        if step["operation"] == "RegisterTargets":
            tg = runner.resolve(step["input"]["TargetGroupArn"], step["id"])
            targets = sorted(t["Target"]["Id"] for t in elb.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"])
            # The App Runner "requests" endpoint's: an ECS network's endpoints (ECR, logs,
            # S3) have interfaces too, but are no load balancer's targets.
            enis = [
                s for s in runner.plan["steps"]
                if s["operation"] == "CreateVpcEndpoint"
                and "apprunner.requests" in json.dumps(s["input"]["ServiceName"])
            ]
            ips = set()
            for e in enis:
                ids = runner.outputs[e["id"]]["NetworkInterfaceIds"]
                for ni in ec2.describe_network_interfaces(NetworkInterfaceIds=ids)["NetworkInterfaces"]:
                    ips.add(ni["PrivateIpAddress"])
            if not targets or not set(targets) <= ips:
                raise PlanError(f"{step['id']}: targets {targets} are not the endpoint ENI IPs {sorted(ips)}")
        if step["operation"] == "PutIntegration":
            p = runner.resolve(step["input"], step["id"])
            got = apigw.get_integration(restApiId=p["restApiId"], resourceId=p["resourceId"], httpMethod=p["httpMethod"])
            if got.get("uri") != p["uri"]:
                raise PlanError(f"{step['id']}: integration uri {got.get('uri')!r} != {p['uri']!r}")
            host = p["uri"].split("/")[2]
            domains = {c["DomainName"] for c in runner.apprunner.ingress.values()}
            urls = {s["ServiceUrl"] for s in runner.apprunner.services.values()}
            if p.get("connectionType") == "VPC_LINK" and p["uri"].startswith("http://"):
                # An ECS service: the load balancer's DNS name and the port of a listener of
                # that load balancer which forwards to an ECS service's target group.
                dns, _, port = host.partition(":")
                lbs = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["DNSName"] == dns]
                if not lbs or not port.isdigit():
                    raise PlanError(f"{step['id']}: ECS integration host {host} is no load balancer's name and port")
                listeners = elb.describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"]
                groups = [a["TargetGroupArn"] for l in listeners if l["Port"] == int(port) for a in l["DefaultActions"]]
                if not groups or not set(groups) <= ecs_target_groups(runner):
                    raise PlanError(f"{step['id']}: port {port} of {dns} forwards to no ECS service")
            elif p.get("connectionType") == "VPC_LINK" and host not in domains:
                raise PlanError(f"{step['id']}: VPC_LINK integration host {host} is no ingress domain")
            if p.get("connectionType") == "INTERNET" and host not in urls:
                raise PlanError(f"{step['id']}: INTERNET integration host {host} is no service URL")


def ecs_target_groups(runner):
    """The target groups the app's ECS services register their tasks in."""
    ecs = runner.client("ecs")
    groups = set()
    for step in runner.plan["steps"]:
        if step["operation"] == "CreateService" and step["service"] == "ecs":
            p = runner.resolve(step["input"], step["id"])
            for svc in ecs.describe_services(cluster=p["cluster"], services=[p["serviceName"]])["services"]:
                groups.update(lb["targetGroupArn"] for lb in svc["loadBalancers"])
    return groups


def remove_retained(runner):
    """Retained steps outlive the app by design: check the deletes left them, then remove them
    (the account's logging role and its policy; the account setting has nothing to remove)."""
    iam = runner.client("iam")
    for step in runner.plan["steps"]:
        if not step.get("retain") or step["id"] not in runner.outputs:
            continue
        if step["operation"] == "CreateRole":
            name = runner.outputs[step["id"]]["RoleName"]
            try:
                iam.get_role(RoleName=name)
            except ClientError as e:
                raise PlanError(f"{step['id']}: the retained role {name} is gone: {e}")
            for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
            iam.delete_role(RoleName=name)
            print(f"KEPT {step['id']} (role {name}) as the plan says; removed by the test runner")


def _gone(call, *missing_codes):
    try:
        result = call()
    except ClientError as e:
        if e.response["Error"]["Code"] in missing_codes or e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return True
        raise
    return result


def leftovers(runner):
    """Every resource the plan created that still exists, by kind and id."""
    ec2, elb, apigw = runner.client("ec2"), runner.client("elbv2"), runner.client("apigateway")
    iam, logs = runner.client("iam"), runner.client("logs")
    left = []
    for step in runner.plan["steps"]:
        out, op = runner.outputs.get(step["id"], {}), step["operation"]
        checks = {
            "CreateVpc": lambda: ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [out["VpcId"]]}])["Vpcs"],
            "CreateSubnet": lambda: ec2.describe_subnets(Filters=[{"Name": "subnet-id", "Values": [out["SubnetId"]]}])["Subnets"],
            "CreateSecurityGroup": lambda: ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [out["GroupId"]]}])["SecurityGroups"],
            "CreateVpcEndpoint": lambda: _gone(lambda: [e for e in ec2.describe_vpc_endpoints(VpcEndpointIds=[out["VpcEndpointId"]])["VpcEndpoints"] if e["State"].lower() != "deleted"], "InvalidVpcEndpointId.NotFound"),
            "CreateLoadBalancer": lambda: _gone(lambda: elb.describe_load_balancers(LoadBalancerArns=[out["LoadBalancerArn"]])["LoadBalancers"], "LoadBalancerNotFound"),
            "CreateTargetGroup": lambda: _gone(lambda: elb.describe_target_groups(TargetGroupArns=[out["TargetGroupArn"]])["TargetGroups"], "TargetGroupNotFound"),
            "CreateListener": lambda: _gone(lambda: elb.describe_listeners(ListenerArns=[out["ListenerArn"]])["Listeners"], "ListenerNotFound"),
            "CreateVpcLink": lambda: _gone(lambda: apigw.get_vpc_link(vpcLinkId=out["VpcLinkId"]), "NotFoundException"),
            "CreateRestApi": lambda: _gone(lambda: apigw.get_rest_api(restApiId=out["RestApiId"]), "NotFoundException"),
            "CreateApiKey": lambda: _gone(lambda: apigw.get_api_key(apiKey=out["ApiKeyId"]), "NotFoundException"),
            "CreateUsagePlan": lambda: _gone(lambda: apigw.get_usage_plan(usagePlanId=out["UsagePlanId"]), "NotFoundException"),
            "CreateRole": lambda: _gone(lambda: iam.get_role(RoleName=out["RoleName"]), "NoSuchEntity"),
            "CreateLogGroup": lambda: [g for g in logs.describe_log_groups(logGroupNamePrefix=step["input"]["logGroupName"])["logGroups"] if g["logGroupName"] == step["input"]["logGroupName"]],
            "CreateInternetGateway": lambda: _gone(lambda: ec2.describe_internet_gateways(InternetGatewayIds=[out["InternetGatewayId"]])["InternetGateways"], "InvalidInternetGatewayID.NotFound"),
            "AttachInternetGateway": lambda: [a for g in ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [runner.resolve(step["input"]["VpcId"], step["id"])]}])["InternetGateways"] for a in g["Attachments"]],
            "CreateRouteTable": lambda: _gone(lambda: ec2.describe_route_tables(RouteTableIds=[out["RouteTableId"]])["RouteTables"], "InvalidRouteTableID.NotFound"),
            "AssociateRouteTable": lambda: ec2.describe_route_tables(Filters=[{"Name": "association.route-table-association-id", "Values": [out["AssociationId"]]}])["RouteTables"],
            "AllocateAddress": lambda: _gone(lambda: ec2.describe_addresses(AllocationIds=[out["AllocationId"]])["Addresses"], "InvalidAllocationID.NotFound"),
            "CreateNatGateway": lambda: [n for n in ec2.describe_nat_gateways(NatGatewayIds=[out["NatGatewayId"]])["NatGateways"] if n["State"] != "deleted"],
            "CreateCluster": lambda: [c for c in runner.client("ecs").describe_clusters(clusters=[out["ClusterArn"]])["clusters"] if c["status"] != "INACTIVE"],
            "RegisterTaskDefinition": lambda: _task_definitions_left(runner, out["TaskDefinitionArn"]),
            "RegisterScalableTarget": lambda: _scaling_left(runner, step, "ScalableTargets"),
            "PutScalingPolicy": lambda: _scaling_left(runner, step, "ScalingPolicies"),
        }
        if op == "CreateService" and step["service"] == "ecs":
            p = runner.resolve(step["input"], step["id"])
            checks[op] = lambda: _ecs_services_left(runner, p)
        if op in checks and not step.get("retain"):
            remaining = checks[op]()
            if remaining is not True and remaining:
                left.append(f"{step['id']} ({op})")
    for kind, arns in runner.apprunner.leftovers().items():
        left.append(f"App Runner {kind}: {arns}")
    return left


def _scaling_left(runner, step, kind):
    """The step's scalable target or scaling policy, if still registered: matched here by
    resource id (and policy name), whatever filters moto honours."""
    p = runner.resolve(step["input"], step["id"])
    aas = runner.client("application-autoscaling")
    if kind == "ScalableTargets":
        found = aas.describe_scalable_targets(ServiceNamespace=p["ServiceNamespace"])[kind]
    else:
        found = aas.describe_scaling_policies(ServiceNamespace=p["ServiceNamespace"])[kind]
    return [f for f in found if f["ResourceId"] == p["ResourceId"]
            and f.get("PolicyName", p.get("PolicyName")) == p.get("PolicyName")]


def _task_definitions_left(runner, arn):
    """A revision is gone once not found or being deleted (an inactive one is still there)."""
    try:
        revision = runner.client("ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    except ClientError:
        return []
    return [] if revision["status"] == "DELETE_IN_PROGRESS" else [revision]


def _ecs_services_left(runner, p):
    """An ECS service is gone once inactive (AWS keeps describing it for a while)."""
    ecs = runner.client("ecs")
    clusters = ecs.describe_clusters(clusters=[p["cluster"]])["clusters"]
    if not clusters:
        return []
    services = ecs.describe_services(cluster=p["cluster"], services=[p["serviceName"]])["services"]
    return [s for s in services if s["status"] != "INACTIVE"]


EXISTING_VPC = re.compile(r"^vpc-[0-9a-f]{8,17}$")
EXISTING_SUBNET = re.compile(r"^subnet-[0-9a-f]{8,17}$")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def stand_in_existing_network(runner):
    """Creates stand-ins for the existing VPCs and subnets the plan names; returns the cleanup."""
    plan = runner.plan
    literals = list(_strings(plan["steps"])) + list(runner.params.values())
    vpcs = sorted({v for v in literals if EXISTING_VPC.match(v)})
    subnets = sorted({v for v in literals if EXISTING_SUBNET.match(v)})
    if not vpcs and not subnets:
        return lambda: None
    # A subnet belongs to the VPC named next to it (CreateVpcEndpoint has both); else the first.
    owner = {}
    for step in plan["steps"]:
        params = step["input"]
        vpc = _literal(params.get("VpcId"), runner.params)
        for key in ("SubnetIds", "Subnets"):
            for sub in params.get(key, []) if vpc else []:
                sub = _literal(sub, runner.params)
                if sub:
                    owner.setdefault(sub, vpc)
    ec2 = runner.client("ec2")
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    mapping, created_vpcs, created_subnets = {}, [], []
    for i, vpc in enumerate(vpcs or ["vpc-standin"]):
        real = ec2.create_vpc(CidrBlock=f"10.{200 + i}.0.0/16")["Vpc"]["VpcId"]
        mapping[vpc] = real
        created_vpcs.append(real)
        mine = [s for s in subnets if owner.get(s, (vpcs or ["vpc-standin"])[0]) == vpc]
        for j, sub in enumerate(mine):
            real_sub = ec2.create_subnet(VpcId=real, CidrBlock=f"10.{200 + i}.{j}.0/24",
                                         AvailabilityZone=zones[j % len(zones)])["Subnet"]["SubnetId"]
            mapping[sub] = real_sub
            created_subnets.append(real_sub)
    for declared, real in sorted(mapping.items()):
        print(f"STAND-IN existing {declared} -> {real}")
    plan["steps"] = _replace(plan["steps"], mapping)
    runner.params = _replace(runner.params, mapping)

    def cleanup():
        for sub in created_subnets:
            ec2.delete_subnet(SubnetId=sub)
        for vpc in created_vpcs:
            ec2.delete_vpc(VpcId=vpc)
    return cleanup


def _literal(value, params):
    """A plain string, or a param's value; None for anything computed at run time."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"param"}:
        return params.get(value["param"])
    return None


def _replace(value, mapping):
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {k: _replace(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, mapping) for v in value]
    return value


def _quietly(cleanup):
    try:
        cleanup()
    except Exception as e:  # the run already failed; say so and keep the first error
        print(f"(stand-in cleanup failed: {e})")


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        sys.exit(2)
    with open(args[0]) as f:
        plan = json.load(f)
    params = {k: v["default"] for k, v in plan["parameters"].items() if "default" in v}
    rest = args[2:]
    while rest:
        if rest[0] != "--param" or len(rest) < 2 or "=" not in rest[1]:
            print(f"bad arguments: {rest}")
            sys.exit(2)
        name, _, value = rest[1].partition("=")
        params[name] = value
        rest = rest[2:]
    runner = Runner(plan, args[1], params)
    cleanup_stand_ins = stand_in_existing_network(runner)
    try:
        for step in plan["steps"]:
            runner.run_step(step)
        check_built(runner)
        outputs = runner.resolve(plan["outputs"], "outputs")
    except Exception as e:
        print(f"FAILED while applying: {e}")
        runner.run_deletes(best_effort=True)
        _quietly(lambda: remove_retained(runner))
        _quietly(cleanup_stand_ins)
        sys.exit(1)
    try:
        runner.run_deletes()
    except Exception as e:
        print(f"FAILED while deleting: {e}")
        sys.exit(1)
    try:
        left = leftovers(runner)
        remove_retained(runner)
    except Exception as e:
        print(f"FAILED while looking for leftovers: {e}")
        sys.exit(1)
    cleanup_stand_ins()
    if left:
        print("FAILED: left behind after the deletes:\n  " + "\n  ".join(left))
        sys.exit(1)
    print(f"ok: {len(plan['steps'])} steps applied and deleted, nothing left; "
          f"{len(runner.apprunner.calls)} App Runner calls went to the test double; "
          f"{len(runner.skipped)} calls skipped; outputs: {json.dumps(outputs, sort_keys=True)}")


if __name__ == "__main__":
    main()
