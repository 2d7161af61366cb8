# aprc's lookups (see eni_lookup.rs). Custom::EndpointEniIps: Ip0, Ip1.. = the IP of the
# endpoint's interface in SubnetIds[0], [1].., polled for until each subnet has one.
# Custom::EndpointServiceZones: Zone0, Zone1.. = the zones offering ServiceName, sorted.
# Answers with urllib (not cfnresponse) so tests can run it locally, on every path.
import json
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

EC2_CONFIG = Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3, "mode": "standard"})
POLL_SECONDS = 10
SPARE_MS = 60000  # of the timeout, kept to answer


def handler(event, context):
    status, reason, data = "SUCCESS", "", {}
    physical = event.get("PhysicalResourceId") or event.get("LogicalResourceId") or "lookup"
    try:
        if event["RequestType"] in ("Create", "Update"):
            props = event["ResourceProperties"]
            ec2 = boto3.client("ec2", config=EC2_CONFIG)
            if "ServiceName" in props:
                physical = props["ServiceName"]
                data = zones(ec2, physical, int(props["Count"]))
            else:
                physical = props["VpcEndpointId"]
                data = ips(ec2, physical, props["SubnetIds"], context)
    except Exception as e:  # noqa: BLE001 - any failure must reach CloudFormation
        status, reason = "FAILED", f"{type(e).__name__}: {e}"[:900]
    print(json.dumps({"request": event.get("RequestType"), "status": status, "reason": reason}))
    respond(event, status, reason, physical, data)


def zones(ec2, name, count):
    found = ec2.describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"]
    names = sorted(found[0]["AvailabilityZones"]) if found else []
    if len(names) < count:
        raise ValueError(f"{name} is offered in {len(names)} zones here; the network needs {count}")
    return {f"Zone{i}": zone for i, zone in enumerate(names)}


def ips(ec2, endpoint, subnets, context):
    while True:
        data, missing = look(ec2, endpoint, subnets)
        if not missing:
            return data
        left = context.get_remaining_time_in_millis() - SPARE_MS if context else 0
        if left < POLL_SECONDS * 1000:
            raise TimeoutError(f"endpoint {endpoint} still has no network interface in {', '.join(missing)}")
        time.sleep(POLL_SECONDS)


def look(ec2, endpoint, subnets):
    """The IPs found so far, and the subnets that have no interface yet."""
    try:
        found = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint])["VpcEndpoints"]
        ids = (found[0].get("NetworkInterfaceIds") or []) if found else []
        enis = ec2.describe_network_interfaces(NetworkInterfaceIds=ids)["NetworkInterfaces"] if ids else []
    except ClientError as e:
        if "NotFound" not in e.response.get("Error", {}).get("Code", ""):
            raise
        enis = []
    by_subnet = {}
    for eni in enis:
        by_subnet.setdefault(eni["SubnetId"], []).append(eni["PrivateIpAddress"])
    data = {f"Ip{i}": min(by_subnet[s]) for i, s in enumerate(subnets) if s in by_subnet}
    return data, [s for s in subnets if s not in by_subnet]


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
