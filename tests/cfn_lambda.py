"""Runs the lookup Lambda (backends/cfn/eni_lookup.py) for real against moto.

Run by `tests/cfn.rs` (`cargo test --test suite cfn::`): `APRC_MOTO_ENDPOINT` is the moto server's URL
(127.0.0.1 only) and `APRC_CFN_LAMBDA` the path of the Lambda source. It creates its own VPC,
two subnets and an App Runner requests interface endpoint (moto gives an interface endpoint
one ENI per subnet, as AWS does), receives the custom resource responses on a local
http.server, and exits non-zero on the first failed expectation.

On AWS an endpoint's interfaces appear some time after the endpoint; moto creates them at
once. To show that the Lambda waits for them, `late_interfaces` hides the second subnet's
interface from the first DescribeVpcEndpoints answers (a botocore `after-call` hook on the
real moto responses), as a pending endpoint would.
"""
import http.server
import importlib.util
import json
import os
import sys
import threading
import time

MOTO = os.environ["APRC_MOTO_ENDPOINT"]
assert MOTO.startswith("http://127.0.0.1:"), f"refusing a non-loopback endpoint: {MOTO}"
os.environ.update({
    "AWS_ENDPOINT_URL": MOTO,
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
})
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402 - after the environment points boto3 at moto

RESPONSES = []


class Receiver(http.server.BaseHTTPRequestHandler):
    """Stands in for CloudFormation's pre-signed S3 response URL."""

    def do_PUT(self):
        length = int(self.headers.get("Content-Length", "0"))
        RESPONSES.append({
            "path": self.path,
            "content_type": self.headers.get("Content-Type"),
            "body": json.loads(self.rfile.read(length)),
        })
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def load_lambda():
    spec = importlib.util.spec_from_file_location("eni_lookup", os.environ["APRC_CFN_LAMBDA"])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoke(module, port, request_type, props, physical=None, context=None):
    """Invokes the handler like CloudFormation does and returns the one response it PUT."""
    before = len(RESPONSES)
    event = {
        "RequestType": request_type,
        "ResponseURL": f"http://127.0.0.1:{port}/{request_type.lower()}",
        "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/test/1",
        "RequestId": f"req-{request_type}",
        "LogicalResourceId": "CoreEniIps",
        "ResourceType": "Custom::EndpointEniIps",
        "ResourceProperties": dict(props, ServiceToken="arn:aws:lambda:eu-west-1:123456789012:function:f"),
    }
    if physical is not None:
        event["PhysicalResourceId"] = physical
    module.handler(event, context)
    assert len(RESPONSES) == before + 1, f"{request_type}: expected exactly one response, got {len(RESPONSES) - before}"
    response = RESPONSES[-1]
    assert response["path"] == f"/{request_type.lower()}", response
    # The pre-signed URL is signed without a content type: anything else gets a 403.
    assert response["content_type"] == "", f"Content-Type must be empty, was {response['content_type']!r}"
    body = response["body"]
    for key in ("StackId", "RequestId", "LogicalResourceId"):
        assert body.get(key) == event[key], f"{request_type}: {key} not echoed: {body}"
    assert isinstance(body.get("PhysicalResourceId"), str) and body["PhysicalResourceId"], body
    return body


class Context:
    """What a Lambda's context tells: the time left before its timeout."""

    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds

    def get_remaining_time_in_millis(self):
        return int((self.deadline - time.monotonic()) * 1000)


def hiding(module, endpoint, subnet, answers):
    """Makes the Lambda's EC2 client leave out `subnet`'s interface of `endpoint` from its
    first `answers` DescribeVpcEndpoints responses; returns how many calls were made."""
    calls = []
    ec2 = boto3.client("ec2")
    hidden = {e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces(
        Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]}
    real_client = boto3.client

    def hide(parsed, **_):
        calls.append(1)
        if len(calls) <= answers:
            for found in parsed.get("VpcEndpoints", []):
                if found["VpcEndpointId"] == endpoint:
                    found["NetworkInterfaceIds"] = [i for i in found["NetworkInterfaceIds"] if i not in hidden]

    def client(*args, **kwargs):
        made = real_client(*args, **kwargs)
        made.meta.events.register("after-call.ec2.DescribeVpcEndpoints", hide)
        return made

    module.boto3.client = client
    return calls, lambda: setattr(module.boto3, "client", real_client)


def late_interfaces(module, port, endpoint, subnets, expected):
    """Interfaces that appear late are waited for, on Create and Update alike, within the
    function's time; one that never appears fails the request, naming its subnet."""
    module.POLL_SECONDS = 0.2
    props = {"VpcEndpointId": endpoint, "SubnetIds": subnets}
    for request, physical in (("Create", None), ("Update", endpoint)):
        calls, restore = hiding(module, endpoint, subnets[1], answers=2)
        started = time.monotonic()
        try:
            body = invoke(module, port, request, props, physical=physical, context=Context(300))
        finally:
            restore()
        assert body["Status"] == "SUCCESS", body
        assert body["Data"] == {"Ip0": expected[0], "Ip1": expected[1]}, body["Data"]
        assert len(calls) == 3, f"{request}: expected 2 polls without the interface, then one with it: {len(calls)}"
        assert time.monotonic() - started >= 2 * module.POLL_SECONDS, "it did not wait between polls"
    # Time runs out (what is left is under a poll plus the minute kept to answer): FAILED in
    # time, naming the subnet, rather than never answering.
    calls, restore = hiding(module, endpoint, subnets[1], answers=1000)
    try:
        body = invoke(module, port, "Create", props, context=Context(module.SPARE_MS / 1000 + 1))
    finally:
        restore()
    assert body["Status"] == "FAILED" and subnets[1] in body["Reason"], body
    assert "TimeoutError" in body["Reason"], body
    assert len(calls) >= 2, f"it gave up without polling again: {len(calls)}"
    module.POLL_SECONDS = 10


def endpoint_service_zones(module, port, ec2):
    """Custom::EndpointServiceZones: the zones the service is offered in, sorted by name."""
    name = "com.amazonaws.eu-west-1.apprunner.requests"
    details = ec2.describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"]
    offered = sorted(details[0]["AvailabilityZones"])
    assert len(offered) >= 2, offered
    body = invoke(module, port, "Create", {"ServiceName": name, "Count": "2"})
    assert body["Status"] == "SUCCESS", body
    assert body["Data"] == {f"Zone{i}": z for i, z in enumerate(offered)}, (body["Data"], offered)
    assert body["PhysicalResourceId"] == name, body
    # More zones than the service is offered in: FAILED, saying both numbers.
    body = invoke(module, port, "Create", {"ServiceName": name, "Count": str(len(offered) + 1)})
    assert body["Status"] == "FAILED", body
    assert f"offered in {len(offered)} zones" in body["Reason"] and str(len(offered) + 1) in body["Reason"], body
    # A service that does not exist: FAILED with AWS's reason.
    body = invoke(module, port, "Create", {"ServiceName": "com.amazonaws.eu-west-1.nothing", "Count": "1"})
    assert body["Status"] == "FAILED", body


def main():
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=f"eu-west-1{z}")["Subnet"]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    endpoint = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc,
        ServiceName="com.amazonaws.eu-west-1.apprunner.requests",
        SubnetIds=subnets,
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]["VpcEndpointId"]
    # The truth to compare with: the IP of the endpoint's ENI in each subnet.
    expected = []
    for subnet in subnets:
        enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"]
        assert len(enis) == 1, f"moto should give the endpoint one ENI in {subnet}, found {len(enis)}"
        expected.append(enis[0]["PrivateIpAddress"])

    module = load_lambda()
    props = {"VpcEndpointId": endpoint, "SubnetIds": subnets}

    created = invoke(module, port, "Create", props)
    assert created["Status"] == "SUCCESS", created
    assert created["Data"] == {"Ip0": expected[0], "Ip1": expected[1]}, (created["Data"], expected)
    assert created["PhysicalResourceId"] == endpoint, created

    # Subnet order decides attribute order, so the targets follow the template's subnets.
    reversed_props = {"VpcEndpointId": endpoint, "SubnetIds": list(reversed(subnets))}
    updated = invoke(module, port, "Update", reversed_props, physical=endpoint)
    assert updated["Status"] == "SUCCESS", updated
    assert updated["Data"] == {"Ip0": expected[1], "Ip1": expected[0]}, updated["Data"]

    late_interfaces(module, port, endpoint, subnets, expected)
    endpoint_service_zones(module, port, ec2)

    # Delete answers at once and describes nothing: the endpoint may already be gone.
    real_client = module.boto3.client

    def no_aws(*args, **kwargs):
        raise AssertionError("Delete must not call AWS")

    module.boto3.client = no_aws
    try:
        deleted = invoke(module, port, "Delete", {"VpcEndpointId": "vpce-gone", "SubnetIds": subnets}, physical=endpoint)
    finally:
        module.boto3.client = real_client
    assert deleted["Status"] == "SUCCESS", deleted
    assert deleted["PhysicalResourceId"] == endpoint, deleted

    # A describe that fails: FAILED with the reason, never silence.
    missing = invoke(module, port, "Create", {"VpcEndpointId": "vpce-0123456789abcdef0", "SubnetIds": subnets})
    assert missing["Status"] == "FAILED", missing
    assert "vpce-0123456789abcdef0" in missing["Reason"] or "NotFound" in missing["Reason"], missing["Reason"]

    # A subnet where the endpoint has no ENI: FAILED, naming the subnet.
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.9.0/24")["Subnet"]["SubnetId"]
    wrong = invoke(module, port, "Create", {"VpcEndpointId": endpoint, "SubnetIds": [subnets[0], other]})
    assert wrong["Status"] == "FAILED" and other in wrong["Reason"], wrong

    # A malformed request still gets an answer.
    malformed = invoke(module, port, "Create", {})
    assert malformed["Status"] == "FAILED" and "VpcEndpointId" in malformed["Reason"], malformed

    server.shutdown()
    print(f"ok: {len(RESPONSES)} responses checked")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
