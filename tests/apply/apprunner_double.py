"""TEST DOUBLE of the AWS App Runner API, served over HTTP on 127.0.0.1 for tests/apply.rs.

moto has no App Runner, so `aprc apply` in the tests sends its App Runner calls here (the
executor reads APRC_APPRUNNER_ENDPOINT_URL, a test-only override). The double speaks App
Runner's wire protocol (awsJson1_0: POST /, `X-Amz-Target: AppRunner.<Operation>`, errors as
`{"__type": ..., "message": ...}` with status 400) and answers exactly the App Runner calls a
plan makes. It is strict where the real service is:
- every input is validated against botocore's apprunner model;
- names are unique per kind; ARNs passed in must name live resources of the right kind;
- a connector's subnets and security groups and an ingress connection's VPC and endpoint must
  exist in moto's EC2 (so a wrong ref is caught), and an ingress connection needs a private
  service (IsPubliclyAccessible = false);
- a configuration, connector or service still in use cannot be deleted.
Statuses move like the real ones (in progress first, RUNNING / AVAILABLE on a later describe),
so the plan's waits poll at least twice.

Test controls:
- `--fail-once OPERATION`: the first call of OPERATION answers a non-retryable error, to
  fail an apply in the middle;
- `--fail-status-once`: the first DescribeService reports the service `CREATE_FAILED`
  (the service is kept), to fail a wait after its call succeeded;
- `--running-after SECONDS`: a service reports RUNNING only that long after its creation,
  so that a test can interrupt apply while a wait is in progress;
- `--fail-assume-role N`: the first N CreateService calls that name a role answer App Runner's
  "Error in assuming access role ARN" (InvalidRequestException), as the real service does
  while a role just created has not yet propagated through IAM;
- `GET /_inventory`: every live resource by kind, for the tests to look at.

Usage: python3 apprunner_double.py MOTO_ENDPOINT PARENT_PID [--fail-once OPERATION] [--fail-status-once]
       [--running-after SECONDS] [--fail-assume-role N]
Prints `ready PORT` once listening on a free loopback port; exits when PARENT_PID does.
"""
import hashlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import botocore.session
from botocore.validate import ParamValidator

MODEL = botocore.session.get_session().get_service_model("apprunner")
ACCOUNT = "123456789012"


class Fail(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Double:
    def __init__(self, moto, fail_once, fail_status_once, running_after, fail_assume_role=0):
        self.moto = moto
        self.fail_assume_role = fail_assume_role
        self.running_after = running_after
        self.fail_status_once = fail_status_once
        self.clients = {}
        self.region = self.ec2 = None
        self.fail_once = set(fail_once)
        self.lock = threading.Lock()
        self.stores = {k: {} for k in ("services", "ingress", "connectors", "autoscaling", "observability")}
        self.calls = []

    def call(self, operation, params, region):
        with self.lock:
            # moto keeps EC2 per region: look where the caller signed its request for.
            if region not in self.clients:
                self.clients[region] = boto3.client(
                    "ec2", endpoint_url=self.moto, region_name=region, aws_access_key_id="testing",
                    aws_secret_access_key="testing", aws_session_token="testing")
            self.region, self.ec2 = region, self.clients[region]
            self.calls.append(operation)
            if operation in self.fail_once:
                self.fail_once.discard(operation)
                raise Fail("InvalidRequestException", f"injected failure of {operation} (test double)")
            handler = getattr(self, "_" + operation, None)
            if handler is None:
                raise Fail("InvalidRequestException", f"the App Runner double does not implement {operation}")
            report = ParamValidator().validate(params, MODEL.operation_model(operation).input_shape)
            if report.has_errors():
                raise Fail("InvalidRequestException", report.generate_report())
            return handler(params)

    def inventory(self):
        with self.lock:
            return {kind: sorted(item.get("_name") for item in store.values()) for kind, store in self.stores.items()}

    # --- helpers ---------------------------------------------------------------------------

    def _arn(self, kind, name):
        digest = hashlib.sha256(f"{kind}/{name}".encode()).hexdigest()[:32]
        return f"arn:aws:apprunner:{self.region}:{ACCOUNT}:{kind}/{name}/{digest}"

    def _new(self, store, name, arn, item):
        if any(i["_name"] == name for i in self.stores[store].values()):
            raise Fail("InvalidRequestException", f"a resource named {name!r} already exists")
        item["_name"] = name
        self.stores[store][arn] = item
        return item

    def _live(self, store, arn):
        if arn not in self.stores[store]:
            raise Fail("ResourceNotFoundException", f"no {store} resource {arn!r}")
        return self.stores[store][arn]

    def _unused(self, arn):
        for service in self.stores["services"].values():
            if arn in json.dumps(service["_input"]):
                raise Fail("InvalidStateException", f"{arn} is used by service {service['_name']}")

    def _ec2(self, describe, **kw):
        try:
            return getattr(self.ec2, describe)(**kw)
        except Exception as e:  # moto answers NotFound for unknown ids
            raise Fail("InvalidRequestException", f"{describe} {kw}: {e}")

    # --- configurations and connectors ----------------------------------------------------

    def _CreateAutoScalingConfiguration(self, p):
        name = p["AutoScalingConfigurationName"]
        arn = self._arn("autoscalingconfiguration", name) + "/1"
        item = self._new("autoscaling", name, arn, {
            "AutoScalingConfigurationArn": arn, "AutoScalingConfigurationName": name,
            "AutoScalingConfigurationRevision": 1, "Latest": True, "Status": "ACTIVE",
            "MinSize": p.get("MinSize", 1), "MaxSize": p.get("MaxSize", 25),
            "MaxConcurrency": p.get("MaxConcurrency", 100)})
        return {"AutoScalingConfiguration": public(item)}

    def _DeleteAutoScalingConfiguration(self, p):
        arn = p["AutoScalingConfigurationArn"]
        item = self._live("autoscaling", arn)
        self._unused(arn)
        del self.stores["autoscaling"][arn]
        return {"AutoScalingConfiguration": {**public(item), "Status": "INACTIVE"}}

    def _CreateObservabilityConfiguration(self, p):
        name = p["ObservabilityConfigurationName"]
        arn = self._arn("observabilityconfiguration", name) + "/1"
        item = self._new("observability", name, arn, {
            "ObservabilityConfigurationArn": arn, "ObservabilityConfigurationName": name,
            "TraceConfiguration": p.get("TraceConfiguration", {"Vendor": "AWSXRAY"}),
            "ObservabilityConfigurationRevision": 1, "Latest": True, "Status": "ACTIVE"})
        return {"ObservabilityConfiguration": public(item)}

    def _DeleteObservabilityConfiguration(self, p):
        arn = p["ObservabilityConfigurationArn"]
        item = self._live("observability", arn)
        self._unused(arn)
        del self.stores["observability"][arn]
        return {"ObservabilityConfiguration": {**public(item), "Status": "INACTIVE"}}

    def _CreateVpcConnector(self, p):
        name = p["VpcConnectorName"]
        self._ec2("describe_subnets", SubnetIds=p["Subnets"])
        if p.get("SecurityGroups"):
            self._ec2("describe_security_groups", GroupIds=p["SecurityGroups"])
        arn = self._arn("vpcconnector", name) + "/1"
        item = self._new("connectors", name, arn, {
            "VpcConnectorName": name, "VpcConnectorArn": arn, "VpcConnectorRevision": 1,
            "Subnets": p["Subnets"], "SecurityGroups": p.get("SecurityGroups", []), "Status": "ACTIVE"})
        return {"VpcConnector": public(item)}

    def _DeleteVpcConnector(self, p):
        arn = p["VpcConnectorArn"]
        item = self._live("connectors", arn)
        self._unused(arn)
        del self.stores["connectors"][arn]
        return {"VpcConnector": {**public(item), "Status": "INACTIVE"}}

    # --- services ---------------------------------------------------------------------------

    def _CreateService(self, p):
        name = p["ServiceName"]
        network = p.get("NetworkConfiguration", {})
        egress = network.get("EgressConfiguration", {})
        if egress.get("EgressType") == "VPC":
            self._live("connectors", egress.get("VpcConnectorArn"))
        if p.get("AutoScalingConfigurationArn"):
            self._live("autoscaling", p["AutoScalingConfigurationArn"])
        obs = p.get("ObservabilityConfiguration", {})
        if obs.get("ObservabilityEnabled"):
            self._live("observability", obs.get("ObservabilityConfigurationArn"))
        image = p["SourceConfiguration"].get("ImageRepository")
        if image is None:
            raise Fail("InvalidRequestException", "aprc services are image services")
        auth = p["SourceConfiguration"].get("AuthenticationConfiguration", {})
        if image["ImageRepositoryType"] == "ECR" and not auth.get("AccessRoleArn"):
            raise Fail("InvalidRequestException", "a private ECR image needs an AccessRoleArn")
        role = auth.get("AccessRoleArn") or p.get("InstanceConfiguration", {}).get("InstanceRoleArn")
        if role and self.fail_assume_role > 0:
            self.fail_assume_role -= 1
            kind = "access" if auth.get("AccessRoleArn") else "instance"
            raise Fail("InvalidRequestException", f"Error in assuming {kind} role {role}")
        arn = self._arn("service", name)
        service_id = arn.rsplit("/", 1)[1]
        now = time.time()
        item = self._new("services", name, arn, {
            "ServiceName": name, "ServiceId": service_id, "ServiceArn": arn,
            "ServiceUrl": f"{service_id[:10]}.{self.region}.awsapprunner.com",
            "CreatedAt": now, "UpdatedAt": now, "Status": "OPERATION_IN_PROGRESS",
            "SourceConfiguration": p["SourceConfiguration"],
            "InstanceConfiguration": p.get("InstanceConfiguration", {"Cpu": "1024", "Memory": "2048"}),
            "NetworkConfiguration": network,
            "AutoScalingConfigurationSummary": {
                "AutoScalingConfigurationArn": p.get("AutoScalingConfigurationArn", self._arn("autoscalingconfiguration", "DefaultConfiguration") + "/1"),
                "AutoScalingConfigurationName": "DefaultConfiguration", "AutoScalingConfigurationRevision": 1},
            "_input": p, "_running_at": now + self.running_after})
        return {"Service": public(item), "OperationId": hashlib.sha256(arn.encode()).hexdigest()[:32]}

    def _DescribeService(self, p):
        item = self._live("services", p["ServiceArn"])
        response = {"Service": public(item)}
        if self.fail_status_once:
            self.fail_status_once = False
            response["Service"]["Status"] = "CREATE_FAILED"
        if time.time() >= item["_running_at"]:
            item["Status"] = "RUNNING"  # the next poll sees it running
        return response

    def _DeleteService(self, p):
        arn = p["ServiceArn"]
        item = self._live("services", arn)
        for conn in self.stores["ingress"].values():
            if conn["ServiceArn"] == arn:
                raise Fail("InvalidStateException", f"service {arn} still has an ingress connection")
        del self.stores["services"][arn]
        return {"Service": {**public(item), "Status": "OPERATION_IN_PROGRESS"}, "OperationId": "delete"}

    # --- ingress connections ----------------------------------------------------------------

    def _CreateVpcIngressConnection(self, p):
        name = p["VpcIngressConnectionName"]
        service = self._live("services", p["ServiceArn"])
        # No IngressConfiguration means public; inside one, an absent IsPubliclyAccessible is
        # the model's default, false (the SDK for Rust does not send default-valued members).
        ingress = service["NetworkConfiguration"].get("IngressConfiguration")
        if ingress is None or ingress.get("IsPubliclyAccessible", False):
            raise Fail("InvalidRequestException", "an ingress connection needs a private service")
        vpc = p["IngressVpcConfiguration"]
        found = self._ec2("describe_vpc_endpoints", VpcEndpointIds=[vpc["VpcEndpointId"]])["VpcEndpoints"]
        if not found or found[0]["VpcId"] != vpc["VpcId"]:
            raise Fail("InvalidRequestException", "the endpoint is not in the given VPC")
        if not found[0]["ServiceName"].endswith(".apprunner.requests"):
            raise Fail("InvalidRequestException", "the endpoint is not an App Runner requests endpoint")
        arn = self._arn("vpcingressconnection", name)
        item = self._new("ingress", name, arn, {
            "VpcIngressConnectionArn": arn, "VpcIngressConnectionName": name,
            "ServiceArn": p["ServiceArn"], "Status": "PENDING_CREATION", "AccountId": ACCOUNT,
            "DomainName": f"{arn.rsplit('/', 1)[1][:12]}.{service['ServiceId'][:8]}.{self.region}.on.aws",
            "IngressVpcConfiguration": vpc})
        return {"VpcIngressConnection": public(item)}

    def _DescribeVpcIngressConnection(self, p):
        item = self._live("ingress", p["VpcIngressConnectionArn"])
        response = {"VpcIngressConnection": public(item)}
        item["Status"] = "AVAILABLE"
        return response

    def _DeleteVpcIngressConnection(self, p):
        arn = p["VpcIngressConnectionArn"]
        item = self._live("ingress", arn)
        del self.stores["ingress"][arn]
        return {"VpcIngressConnection": {**public(item), "Status": "PENDING_DELETION"}}


def public(item):
    return {k: v for k, v in item.items() if not k.startswith("_")}


def serve(double):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/_inventory":
                self.reply(200, {"resources": double.inventory(), "calls": list(double.calls)})
            else:
                self.reply(404, {"__type": "UnknownOperationException", "message": self.path})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length) if length else b"{}"
            target = self.headers.get("X-Amz-Target", "")
            prefix = "AppRunner."
            if not target.startswith(prefix):
                self.reply(400, {"__type": "UnknownOperationException", "message": f"target {target!r}"})
                return
            try:
                params = json.loads(body or b"{}")
                # SigV4: Credential=KEY/DATE/REGION/apprunner/aws4_request
                auth = self.headers.get("Authorization", "")
                scope = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
                region = scope[2] if len(scope) > 2 else "us-east-1"
                self.reply(200, double.call(target[len(prefix):], params, region))
            except Fail as e:
                self.reply(400, {"__type": e.code, "message": e.message})
            except Exception as e:  # a bug in the double: say so loudly, as a 500
                self.reply(500, {"__type": "InternalServiceErrorException", "message": repr(e)})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    return server


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        sys.exit(2)
    moto, parent = args[0], int(args[1])
    if not moto.startswith(("http://127.0.0.1", "http://localhost")):
        sys.exit(f"refusing a non-loopback moto endpoint {moto}")
    fail_once = [args[i + 1] for i in range(2, len(args) - 1) if args[i] == "--fail-once"]
    after = [float(args[i + 1]) for i in range(2, len(args) - 1) if args[i] == "--running-after"]
    assume = [int(args[i + 1]) for i in range(2, len(args) - 1) if args[i] == "--fail-assume-role"]
    double = Double(moto, fail_once, "--fail-status-once" in args, after[0] if after else 0.0,
                    assume[0] if assume else 0)
    server = serve(double)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"ready {server.server_address[1]}", flush=True)
    while True:  # live as long as the test process
        time.sleep(0.5)
        try:
            os.kill(parent, 0)
        except OSError:
            return


if __name__ == "__main__":
    main()
