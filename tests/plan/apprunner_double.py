"""AppRunnerDouble: an in-process TEST DOUBLE of the App Runner API, used by run_plan.py.

moto does not implement App Runner, so run_plan.py sends exactly the `apprunner` calls of a
plan here. The double is deliberately strict where the real service is:
- every input is validated against botocore's apprunner model (ParamValidator);
- names are unique per kind; ARNs passed in must name live resources of the right kind;
- a VPC connector's subnets and security groups, and an ingress connection's VPC and
  endpoint, must exist in moto's EC2 (so a wrong ref is caught), and an ingress connection
  needs a private service (IsPubliclyAccessible = false, spec trap 4);
- a configuration, connector or service still used by a live resource cannot be deleted.
Statuses move like the real ones (creating first, then RUNNING / AVAILABLE on describe), so
the plan's waits are exercised. ARNs, URLs and domain names are plausible and deterministic.
"""
import hashlib

import botocore.session
from botocore.validate import ParamValidator

MODEL = botocore.session.get_session().get_service_model("apprunner")
ACCOUNT = "123456789012"


class AppRunnerError(Exception):
    """What the real API would answer with a 4xx error."""


class AppRunnerDouble:
    OPERATIONS = {
        "CreateService", "DescribeService", "DeleteService",
        "CreateVpcIngressConnection", "DescribeVpcIngressConnection", "DeleteVpcIngressConnection",
        "CreateVpcConnector", "DeleteVpcConnector",
        "CreateAutoScalingConfiguration", "DeleteAutoScalingConfiguration",
        "CreateObservabilityConfiguration", "DeleteObservabilityConfiguration",
    }

    def __init__(self, region, ec2):
        self.region = region
        self.ec2 = ec2
        self.services = {}
        self.ingress = {}
        self.connectors = {}
        self.autoscaling = {}
        self.observability = {}
        self.calls = []

    def call(self, operation, params):
        if operation not in self.OPERATIONS:
            raise AppRunnerError(f"the App Runner double does not implement {operation}")
        report = ParamValidator().validate(params, MODEL.operation_model(operation).input_shape)
        if report.has_errors():
            raise AppRunnerError(f"{operation}: invalid input: {report.generate_report()}")
        self.calls.append(operation)
        return getattr(self, "_" + operation)(params)

    def leftovers(self):
        return {
            kind: sorted(store)
            for kind, store in [
                ("services", self.services), ("ingress connections", self.ingress),
                ("vpc connectors", self.connectors), ("auto scaling configurations", self.autoscaling),
                ("observability configurations", self.observability),
            ]
            if store
        }

    # --- helpers -------------------------------------------------------------------------

    def _arn(self, kind, name):
        digest = hashlib.sha256(f"{kind}/{name}".encode()).hexdigest()[:32]
        return f"arn:aws:apprunner:{self.region}:{ACCOUNT}:{kind}/{name}/{digest}"

    @staticmethod
    def _unique(store, name_key, name):
        if any(item[name_key] == name for item in store.values()):
            raise AppRunnerError(f"a resource named {name!r} already exists")

    @staticmethod
    def _live(store, arn, kind):
        if arn not in store:
            raise AppRunnerError(f"no {kind} {arn!r}")
        return store[arn]

    def _ec2_exists(self, describe, key, ids):
        try:
            found = getattr(self.ec2, describe)(**{key: ids})
        except Exception as e:  # moto answers NotFound for unknown ids
            raise AppRunnerError(f"{key} {ids}: {e}")
        return found

    # --- configurations ------------------------------------------------------------------

    def _CreateAutoScalingConfiguration(self, p):
        name = p["AutoScalingConfigurationName"]
        self._unique(self.autoscaling, "AutoScalingConfigurationName", name)
        if p.get("MinSize", 1) > p.get("MaxSize", 25):
            raise AppRunnerError("MinSize is larger than MaxSize")
        arn = self._arn("autoscalingconfiguration", name) + "/1"
        item = {"AutoScalingConfigurationArn": arn, "AutoScalingConfigurationName": name,
                "AutoScalingConfigurationRevision": 1, "Latest": True, "Status": "ACTIVE",
                "MaxConcurrency": p.get("MaxConcurrency", 100), "MinSize": p.get("MinSize", 1),
                "MaxSize": p.get("MaxSize", 25)}
        self.autoscaling[arn] = item
        return {"AutoScalingConfiguration": item}

    def _DeleteAutoScalingConfiguration(self, p):
        arn = p["AutoScalingConfigurationArn"]
        self._live(self.autoscaling, arn, "auto scaling configuration")
        self._not_used(arn, "AutoScalingConfigurationArn")
        return {"AutoScalingConfiguration": {**self.autoscaling.pop(arn), "Status": "INACTIVE"}}

    def _CreateObservabilityConfiguration(self, p):
        name = p["ObservabilityConfigurationName"]
        self._unique(self.observability, "ObservabilityConfigurationName", name)
        arn = self._arn("observabilityconfiguration", name) + "/1"
        item = {"ObservabilityConfigurationArn": arn, "ObservabilityConfigurationName": name,
                "TraceConfiguration": p.get("TraceConfiguration", {}), "ObservabilityConfigurationRevision": 1,
                "Latest": True, "Status": "ACTIVE"}
        self.observability[arn] = item
        return {"ObservabilityConfiguration": item}

    def _DeleteObservabilityConfiguration(self, p):
        arn = p["ObservabilityConfigurationArn"]
        self._live(self.observability, arn, "observability configuration")
        self._not_used(arn, "ObservabilityConfigurationArn")
        return {"ObservabilityConfiguration": {**self.observability.pop(arn), "Status": "INACTIVE"}}

    def _CreateVpcConnector(self, p):
        name = p["VpcConnectorName"]
        self._unique(self.connectors, "VpcConnectorName", name)
        self._ec2_exists("describe_subnets", "SubnetIds", p["Subnets"])
        if p.get("SecurityGroups"):
            self._ec2_exists("describe_security_groups", "GroupIds", p["SecurityGroups"])
        arn = self._arn("vpcconnector", name) + "/1"
        item = {"VpcConnectorName": name, "VpcConnectorArn": arn, "VpcConnectorRevision": 1,
                "Subnets": p["Subnets"], "SecurityGroups": p.get("SecurityGroups", []), "Status": "ACTIVE"}
        self.connectors[arn] = item
        return {"VpcConnector": item}

    def _DeleteVpcConnector(self, p):
        arn = p["VpcConnectorArn"]
        self._live(self.connectors, arn, "VPC connector")
        self._not_used(arn, "VpcConnectorArn")
        return {"VpcConnector": {**self.connectors.pop(arn), "Status": "INACTIVE"}}

    def _not_used(self, arn, key):
        for service in self.services.values():
            if arn in _values(service["_input"]):
                raise AppRunnerError(f"{key} {arn} is used by service {service['ServiceName']}")

    # --- services ------------------------------------------------------------------------

    def _CreateService(self, p):
        name = p["ServiceName"]
        self._unique(self.services, "ServiceName", name)
        network = p.get("NetworkConfiguration", {})
        egress = network.get("EgressConfiguration", {})
        if egress.get("EgressType") == "VPC":
            self._live(self.connectors, egress.get("VpcConnectorArn"), "VPC connector")
        elif egress.get("VpcConnectorArn"):
            raise AppRunnerError("VpcConnectorArn is only valid with EgressType VPC")
        if p.get("AutoScalingConfigurationArn"):
            self._live(self.autoscaling, p["AutoScalingConfigurationArn"], "auto scaling configuration")
        obs = p.get("ObservabilityConfiguration", {})
        if obs.get("ObservabilityEnabled"):
            self._live(self.observability, obs.get("ObservabilityConfigurationArn"), "observability configuration")
        image = p["SourceConfiguration"].get("ImageRepository")
        if image is None:
            raise AppRunnerError("aprc services are image services")
        auth = p["SourceConfiguration"].get("AuthenticationConfiguration", {})
        if image["ImageRepositoryType"] == "ECR" and not auth.get("AccessRoleArn"):
            raise AppRunnerError("a private ECR image needs an AccessRoleArn")
        arn = self._arn("service", name)
        service_id = arn.rsplit("/", 1)[1]
        item = {
            "ServiceName": name, "ServiceId": service_id, "ServiceArn": arn,
            "ServiceUrl": f"{service_id[:10]}.{self.region}.awsapprunner.com",
            "Status": "OPERATION_IN_PROGRESS",
            "NetworkConfiguration": network,
            "_input": p,
        }
        self.services[arn] = item
        return {"Service": _public(item), "OperationId": hashlib.sha256(arn.encode()).hexdigest()[:32]}

    def _DescribeService(self, p):
        item = self._live(self.services, p["ServiceArn"], "service")
        response = {"Service": _public(item)}
        item["Status"] = "RUNNING"  # the next poll sees it running
        return response

    def _DeleteService(self, p):
        arn = p["ServiceArn"]
        self._live(self.services, arn, "service")
        for conn in self.ingress.values():
            if conn["ServiceArn"] == arn:
                raise AppRunnerError(f"service {arn} still has the ingress connection {conn['VpcIngressConnectionName']}")
        item = self.services.pop(arn)
        return {"Service": {**_public(item), "Status": "OPERATION_IN_PROGRESS"}, "OperationId": "delete"}

    # --- ingress connections -------------------------------------------------------------

    def _CreateVpcIngressConnection(self, p):
        name = p["VpcIngressConnectionName"]
        self._unique(self.ingress, "VpcIngressConnectionName", name)
        service = self._live(self.services, p["ServiceArn"], "service")
        public = service["NetworkConfiguration"].get("IngressConfiguration", {}).get("IsPubliclyAccessible", True)
        if public:
            raise AppRunnerError("an ingress connection needs a service with IsPubliclyAccessible = false")
        vpc = p["IngressVpcConfiguration"]
        endpoints = self._ec2_exists("describe_vpc_endpoints", "VpcEndpointIds", [vpc["VpcEndpointId"]])["VpcEndpoints"]
        if not endpoints or endpoints[0]["VpcId"] != vpc["VpcId"]:
            raise AppRunnerError("the endpoint is not in the given VPC")
        if not endpoints[0]["ServiceName"].endswith(".apprunner.requests"):
            raise AppRunnerError("the endpoint is not an App Runner requests endpoint")
        arn = self._arn("vpcingressconnection", name)
        item = {
            "VpcIngressConnectionArn": arn, "VpcIngressConnectionName": name, "ServiceArn": p["ServiceArn"],
            "Status": "PENDING_CREATION", "AccountId": ACCOUNT,
            "DomainName": f"{arn.rsplit('/', 1)[1][:12]}.{service['ServiceId'][:8]}.{self.region}.on.aws",
            "IngressVpcConfiguration": vpc,
        }
        self.ingress[arn] = item
        return {"VpcIngressConnection": dict(item)}

    def _DescribeVpcIngressConnection(self, p):
        item = self._live(self.ingress, p["VpcIngressConnectionArn"], "ingress connection")
        response = {"VpcIngressConnection": dict(item)}
        item["Status"] = "AVAILABLE"
        return response

    def _DeleteVpcIngressConnection(self, p):
        item = self._live(self.ingress, p["VpcIngressConnectionArn"], "ingress connection")
        del self.ingress[p["VpcIngressConnectionArn"]]
        return {"VpcIngressConnection": {**item, "Status": "PENDING_DELETION"}}


def _public(item):
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _values(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _values(v)
    elif isinstance(value, list):
        for v in value:
            yield from _values(v)
    else:
        yield value
