# Custom::EndpointEniIps: the private IPs of an interface VPC endpoint's network interfaces,
# which CloudFormation does not expose. Data: Ip0, Ip1, ... = the IP of the ENI in
# SubnetIds[0], [1], ... (the template's subnet order, so targets are stable).
# The response goes out with urllib (not cfnresponse) so tests can run this file locally.
# Every path answers: a request never answered leaves the stack waiting for an hour.
import json
import urllib.request

import boto3
from botocore.config import Config

# Bounded retries and timeouts keep the worst case well inside the function's timeout,
# so the FAILED answer always gets sent.
EC2_CONFIG = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"})


def handler(event, context):
    status, reason, data = "SUCCESS", "", {}
    physical = event.get("PhysicalResourceId") or event.get("LogicalResourceId") or "eni-ips"
    try:
        if event["RequestType"] in ("Create", "Update"):
            props = event["ResourceProperties"]
            data = lookup(props["VpcEndpointId"], props["SubnetIds"])
            physical = props["VpcEndpointId"]
    except Exception as e:  # noqa: BLE001 - any failure must reach CloudFormation
        status, reason = "FAILED", f"{type(e).__name__}: {e}"[:900]
    print(json.dumps({"request": event.get("RequestType"), "status": status, "reason": reason}))
    respond(event, status, reason, physical, data)


def lookup(endpoint_id, subnet_ids):
    ec2 = boto3.client("ec2", config=EC2_CONFIG)
    endpoints = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    if len(endpoints) != 1:
        raise ValueError(f"endpoint {endpoint_id} not found")
    eni_ids = endpoints[0].get("NetworkInterfaceIds") or []
    if not eni_ids:
        raise ValueError(f"endpoint {endpoint_id} has no network interfaces")
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=eni_ids)["NetworkInterfaces"]
    by_subnet = {}
    for eni in enis:
        by_subnet.setdefault(eni["SubnetId"], []).append(eni["PrivateIpAddress"])
    data = {}
    for i, subnet in enumerate(subnet_ids):
        ips = sorted(by_subnet.get(subnet, []))
        if not ips:
            raise ValueError(f"endpoint {endpoint_id} has no network interface in {subnet}")
        data[f"Ip{i}"] = ips[0]
    return data


def respond(event, status, reason, physical, data):
    body = json.dumps({
        "Status": status,
        "Reason": reason or "OK",
        "PhysicalResourceId": physical,
        "StackId": event.get("StackId"),
        "RequestId": event.get("RequestId"),
        "LogicalResourceId": event.get("LogicalResourceId"),
        "Data": data,
    }).encode()
    # The pre-signed S3 URL is signed without a content type: send an empty one.
    request = urllib.request.Request(
        event["ResponseURL"], data=body, method="PUT",
        headers={"Content-Type": "", "Content-Length": str(len(body))},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
