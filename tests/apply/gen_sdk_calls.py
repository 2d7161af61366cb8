"""Generates src/apply/generated/: the typed AWS SDK for Rust calls behind `aprc apply`.

Usage: python3 tests/apply/gen_sdk_calls.py   (from the crate root, after `cargo fetch`)

A plan step is (service, operation, JSON input) in the API's own member names; the SDK for
Rust is typed per operation. For exactly the operations in OPERATIONS (the calls the plan
backend emits, including waits and deletes) this script writes, per service:

- `call()`: a match from the operation name to a function that checks the input's member
  names, sets each one with the fluent builder's `set_<member>` and sends the request;
- `impl FromJson` for every structure and enum reachable from those inputs, and `impl ToJson`
  for every output structure (and what it contains), keyed by the API's own member names, so
  that plan paths such as `Vpc.VpcId` or `NetworkInterfaces[0].PrivateIpAddress` resolve.

Member and type names come from two sources that must agree: botocore's service models give
the shapes and the API member names; the SDK crates' own sources (found through Cargo.lock in
the cargo registry) give the Rust field, setter and type names. The two are matched on the
name with case and underscores removed (`DNSName` ~ `dns_name`), which is how smithy-rs
derives one from the other, so no snake-casing rule has to be re-implemented here. A member
the Rust crate does not have is left out (a plan that uses it is then refused at run time,
naming the member). Whether a builder's `build()` returns a `Result` is not decided here:
the hand-written `Built` trait accepts both.

The output is deterministic (sorted) and rustfmt-formatted; re-running the script on the same
inputs changes nothing.
"""
import glob
import os
import re
import subprocess
import sys

import botocore
import botocore.session

# (plan service, SDK crate, Rust module alias) and the operations the plan backend emits.
SERVICES = {
    "ec2": ("aws-sdk-ec2", "aws_sdk_ec2"),
    "elbv2": ("aws-sdk-elasticloadbalancingv2", "aws_sdk_elasticloadbalancingv2"),
    "iam": ("aws-sdk-iam", "aws_sdk_iam"),
    "apprunner": ("aws-sdk-apprunner", "aws_sdk_apprunner"),
    "apigateway": ("aws-sdk-apigateway", "aws_sdk_apigateway"),
    "application-autoscaling": ("aws-sdk-applicationautoscaling", "aws_sdk_applicationautoscaling"),
    "ecs": ("aws-sdk-ecs", "aws_sdk_ecs"),
    "logs": ("aws-sdk-cloudwatchlogs", "aws_sdk_cloudwatchlogs"),
    "sts": ("aws-sdk-sts", "aws_sdk_sts"),
}

OPERATIONS = {
    "sts": ["GetCallerIdentity"],
    "ec2": [
        "DescribeAvailabilityZones", "CreateVpc", "DeleteVpc", "ModifyVpcAttribute",
        "CreateSubnet", "DeleteSubnet", "CreateSecurityGroup", "DeleteSecurityGroup",
        "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress",
        "CreateVpcEndpoint", "DescribeVpcEndpoints", "DeleteVpcEndpoints", "DescribeVpcs",
        "DescribeNetworkInterfaces", "DescribeVpcEndpointServices",
        "CreateInternetGateway", "AttachInternetGateway", "DetachInternetGateway",
        "DeleteInternetGateway", "CreateRouteTable", "DeleteRouteTable", "CreateRoute",
        "DeleteRoute", "AssociateRouteTable", "DisassociateRouteTable", "AllocateAddress",
        "ReleaseAddress", "CreateNatGateway", "DeleteNatGateway", "DescribeNatGateways",
    ],
    "elbv2": [
        "CreateLoadBalancer", "DescribeLoadBalancers", "DeleteLoadBalancer",
        "ModifyLoadBalancerAttributes", "SetSecurityGroups", "CreateTargetGroup",
        "DeleteTargetGroup", "RegisterTargets", "DeregisterTargets", "CreateListener",
        "DeleteListener",
    ],
    "iam": ["CreateRole", "DeleteRole", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy"],
    "apprunner": [
        "CreateService", "DescribeService", "DeleteService",
        "CreateVpcIngressConnection", "DescribeVpcIngressConnection", "DeleteVpcIngressConnection",
        "CreateVpcConnector", "DeleteVpcConnector",
        "CreateAutoScalingConfiguration", "DeleteAutoScalingConfiguration",
        "CreateObservabilityConfiguration", "DeleteObservabilityConfiguration",
    ],
    "apigateway": [
        "CreateVpcLink", "GetVpcLink", "DeleteVpcLink", "CreateRestApi", "DeleteRestApi",
        "CreateResource", "DeleteResource", "PutMethod", "DeleteMethod", "PutIntegration",
        "DeleteIntegration", "CreateDeployment", "DeleteDeployment", "CreateStage",
        "DeleteStage", "UpdateStage", "CreateApiKey", "DeleteApiKey", "CreateUsagePlan",
        "DeleteUsagePlan", "UpdateUsagePlan", "CreateUsagePlanKey", "DeleteUsagePlanKey",
        "UpdateAccount",
    ],
    "logs": ["CreateLogGroup", "DeleteLogGroup", "DeleteRetentionPolicy", "PutRetentionPolicy"],
    "ecs": [
        "CreateCluster", "DeleteCluster", "DescribeClusters", "DescribeTaskDefinition",
        "RegisterTaskDefinition",
        "DeregisterTaskDefinition", "DeleteTaskDefinitions", "CreateService", "UpdateService",
        "DeleteService", "DescribeServices",
    ],
    "application-autoscaling": [
        "RegisterScalableTarget", "DeregisterScalableTarget", "PutScalingPolicy",
        "DeleteScalingPolicy",
    ],
}


def module(service):
    """The Rust module (and client field) of a plan service: `application-autoscaling` ->
    `application_autoscaling`."""
    return service.replace("-", "_")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "src", "apply", "generated")


def norm(name):
    return name.replace("_", "").replace("r#", "").lower()


def locked_version(crate):
    lock = open(os.path.join(ROOT, "Cargo.lock")).read()
    m = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(crate), lock)
    if not m:
        sys.exit(f"{crate} is not in Cargo.lock: build with --features apply first")
    return m.group(1)


def crate_dir(crate):
    version = locked_version(crate)
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    found = sorted(glob.glob(os.path.join(home, "registry", "src", "*", f"{crate}-{version}")))
    if not found:
        sys.exit(f"{crate} {version} sources not found: run `cargo fetch --features apply`")
    return found[0], version


def struct_fields(text, name):
    """The field names of `pub struct NAME { ... }` in a Rust source."""
    m = re.search(r"pub struct %s \{\n(.*?)\n\}" % re.escape(name), text, re.S)
    if not m:
        return None
    return re.findall(r"^    pub ((?:r#)?[a-z0-9_]+):", m.group(1), re.M)


class Crate:
    """What the SDK crate's sources say: its types, their fields, its fluent setters."""

    def __init__(self, path):
        self.path = path
        self.structs, self.enums = {}, {}
        for f in sorted(glob.glob(os.path.join(path, "src", "types", "_*.rs"))):
            text = open(f).read()
            for kind, name in re.findall(r"^pub (struct|enum) ([A-Z][A-Za-z0-9]*)", text, re.M):
                if kind == "struct":
                    self.structs[norm(name)] = (name, struct_fields(text, name) or [])
                else:
                    self.enums[norm(name)] = name
        self.ops = {norm(os.path.basename(d)): os.path.basename(d)
                    for d in glob.glob(os.path.join(path, "src", "operation", "*")) if os.path.isdir(d)}

    def op_module(self, op):
        return self.ops[norm(op)]

    def setters(self, module):
        text = open(os.path.join(self.path, "src", "operation", module, "builders.rs")).read()
        # The fluent builder is the first struct in builders.rs; its setters come first too,
        # but every set_* there belongs to the fluent builder (the input builder lives elsewhere).
        return {norm(s): s for s in re.findall(r"pub fn set_([a-z0-9_]+)\(", text)}

    def output(self, module, op):
        name = f"{op}Output"
        path = os.path.join(self.path, "src", "operation", module, f"_{module}_output.rs")
        fields = struct_fields(open(path).read(), name)
        if fields is None:
            sys.exit(f"no struct {name} in {path}")
        return name, fields


class Gen:
    def __init__(self, service, crate_name):
        self.service = service
        self.model = botocore.session.get_session().get_service_model(service)
        path, self.version = crate_dir(crate_name)
        self.crate = Crate(path)
        self.from_json = {}  # rust type -> impl text
        self.to_json = {}
        self.skipped = []

    def rust_type(self, shape):
        key = norm(shape.name)
        if shape.type_name == "structure":
            if key not in self.crate.structs:
                sys.exit(f"{self.service}: no Rust struct for shape {shape.name}")
            return self.crate.structs[key]
        return None

    def fields_by_member(self, shape, fields, where):
        by_norm = {norm(f): f for f in fields}
        out = []
        for member, target in shape.members.items():
            field = by_norm.get(norm(member))
            # A document (free-form JSON, ECS's `HookDetails`) has no typed Rust struct: no
            # plan step sets or reads one, so it is left out like a member the crate lacks.
            if field is None or target.metadata.get("document"):
                self.skipped.append(f"{where}.{member}")
                continue
            out.append((member, field, target))
        return out

    def need_from(self, shape):
        """Emit FromJson for a shape (and what it contains) if it is a Rust type of its own."""
        if shape.type_name == "list":
            return self.need_from(shape.member)
        if shape.type_name == "map":
            return self.need_from(shape.value)
        if shape.type_name == "string" and shape.enum:
            name = self.crate.enums.get(norm(shape.name))
            if name and name not in self.from_json:
                self.from_json[name] = (
                    f"impl FromJson for sdk::types::{name} {{\n"
                    f"    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {{\n"
                    f"        Ok(Self::from(string(v, at)?))\n    }}\n}}\n")
            return
        if shape.type_name != "structure":
            return
        if shape.metadata.get("union") or getattr(shape, "is_union", False):
            sys.exit(f"{self.service}: union {shape.name} in an input is not supported")
        name, fields = self.rust_type(shape)
        if name in self.from_json:
            return
        self.from_json[name] = None  # recursion guard
        members = self.fields_by_member(shape, fields, name)
        lines = [
            f"impl FromJson for sdk::types::{name} {{",
            "    fn from_json(v: &Value, at: &str) -> Result<Self, ConvError> {",
            f"        let obj = object(v, at, &[{', '.join(rs_str(m) for m, _, _ in members)}])?;",
            f"        let {'mut ' if members else ''}b = sdk::types::{name}::builder();",
        ]
        for member, field, _ in members:
            lines.append(
                f"        if let Some(x) = obj.get({rs_str(member)}) {{ "
                f"b = b.set_{field.replace('r#', '')}(Some(FromJson::from_json(x, &at_member(at, {rs_str(member)}))?)); }}")
        lines += ["        b.build().built(at)", "    }", "}"]
        self.from_json[name] = "\n".join(lines) + "\n"
        for _, _, target in members:
            self.need_from(target)

    def need_to(self, shape, rust_name=None, fields=None, path="sdk::types"):
        if shape.type_name == "list":
            return self.need_to(shape.member)
        if shape.type_name == "map":
            return self.need_to(shape.value)
        if shape.type_name == "string" and shape.enum:
            name = self.crate.enums.get(norm(shape.name))
            if name and name not in self.to_json:
                self.to_json[name] = (
                    f"impl ToJson for sdk::types::{name} {{\n"
                    f"    fn to_json(&self) -> Option<Value> {{\n"
                    f"        Some(Value::String(self.as_str().to_string()))\n    }}\n}}\n")
            return
        if shape.type_name != "structure":
            return
        if rust_name is None:
            rust_name, fields = self.rust_type(shape)
        if rust_name in self.to_json:
            return
        self.to_json[rust_name] = None
        members = self.fields_by_member(shape, fields, rust_name)
        lines = [
            f"impl ToJson for {path}::{rust_name} {{",
            "    fn to_json(&self) -> Option<Value> {",
            f"        let {'mut ' if members else ''}m = Map::new();",
        ]
        for member, field, _ in members:
            lines.append(f"        put(&mut m, {rs_str(member)}, &self.{field});")
        lines += ["        Some(Value::Object(m))", "    }", "}"]
        self.to_json[rust_name] = "\n".join(lines) + "\n"
        for _, _, target in members:
            self.need_to(target)

    def operation(self, op):
        om = self.model.operation_model(op)
        module = self.crate.op_module(op)
        setters = self.crate.setters(module)
        members = []
        if om.input_shape is not None:
            for member, target in om.input_shape.members.items():
                setter = setters.get(norm(member))
                if setter is None:
                    self.skipped.append(f"{op}Input.{member}")
                    continue
                members.append((member, setter))
                self.need_from(target)
        out_name, out_fields = self.crate.output(module, op)
        out_path = f"sdk::operation::{module}"
        if om.output_shape is not None:
            self.need_to(om.output_shape, out_name, out_fields, out_path)
        else:
            self.to_json[out_name] = (
                f"impl ToJson for {out_path}::{out_name} {{\n"
                "    fn to_json(&self) -> Option<Value> {\n"
                "        Some(Value::Object(Map::new()))\n    }\n}\n")
        lines = [
            f"async fn {module}(c: &sdk::Client, input: &Value) -> Result<Value, CallError> {{",
            (f"        let obj = object(input, \"input\", &[{', '.join(rs_str(m) for m, _ in members)}])?;"
             if members else "        object(input, \"input\", &[])?;"),
            f"        let {'mut ' if members else ''}r = c.{fluent(module)}();",
        ]
        for member, setter in members:
            lines.append(
                f"        if let Some(x) = obj.get({rs_str(member)}) {{ "
                f"r = r.set_{setter}(Some(FromJson::from_json(x, {rs_str(member)})?)); }}")
        lines += [
            "        let out = r.send().await.map_err(sdk_error)?;",
            "        Ok(out.to_json().unwrap_or_default())",
            "}",
        ]
        return module, "\n".join(lines).replace("\n        ", "\n    ") + "\n"

    def render(self):
        crate_name, alias = SERVICES[self.service]
        fns = [self.operation(op) for op in sorted(OPERATIONS[self.service])]
        arms = "\n".join(f"        {rs_str(op)} => {module}(c, input).await,"
                         for op, (module, _) in zip(sorted(OPERATIONS[self.service]), fns))
        skipped = "".join(f"//   {s}\n" for s in sorted(set(self.skipped)))
        head = (
            f"//! GENERATED by tests/apply/gen_sdk_calls.py from botocore {botocore.__version__} "
            f"and {crate_name} {self.version}: do not edit.\n"
            f"//! The `{self.service}` operations of the plan as typed SDK calls, JSON in and out.\n\n"
            + (f"// API members the Rust crate does not have (refused if a plan uses them):\n{skipped}\n" if skipped else "")
            + "#![allow(clippy::all, unused_imports, deprecated)]\n\n"
            f"use {alias} as sdk;\n"
            "use serde_json::{Map, Value};\n"
            "use crate::apply::convert::{at_member, object, put, sdk_error, string, Built, CallError, ConvError, FromJson, ToJson};\n\n"
            f"/// Runs one `{self.service}` operation of the plan.\n"
            "pub async fn call(c: &sdk::Client, operation: &str, input: &Value) -> Result<Value, CallError> {\n"
            "    match operation {\n"
            f"{arms}\n"
            f"        _ => Err(CallError::Unsupported(format!(\"{self.service} {{operation}}\"))),\n"
            "    }\n}\n\n"
        )
        body = "\n".join(text for _, text in fns)
        impls = "\n".join(self.from_json[k] for k in sorted(self.from_json))
        impls += "\n" + "\n".join(self.to_json[k] for k in sorted(self.to_json))
        return head + body + "\n" + impls


def fluent(module):
    return module


def rs_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    os.makedirs(OUT, exist_ok=True)
    for service in sorted(SERVICES):
        text = Gen(service, SERVICES[service][0]).render()
        with open(os.path.join(OUT, f"{module(service)}.rs"), "w") as f:
            f.write(text)
    ops = "".join(f"    ({rs_str(s)}, {rs_str(o)}),\n" for s in sorted(OPERATIONS) for o in sorted(OPERATIONS[s]))
    mods = "".join(f"pub mod {module(s)};\n" for s in sorted(SERVICES))
    arms = "".join(f"        {rs_str(s)} => {module(s)}::call(&clients.{module(s)}, operation, input).await,\n" for s in sorted(SERVICES))
    with open(os.path.join(OUT, "mod.rs"), "w") as f:
        f.write(
            "//! GENERATED by tests/apply/gen_sdk_calls.py: do not edit.\n"
            "//! One typed SDK call per plan operation; see that script for how names are matched.\n\n"
            f"{mods}\n"
            "use crate::apply::clients::Clients;\n"
            "use crate::apply::convert::CallError;\n"
            "use serde_json::Value;\n\n"
            "/// Every (service, operation) the executor can run, sorted.\n"
            f"pub const OPERATIONS: &[(&str, &str)] = &[\n{ops}];\n\n"
            "/// Runs one plan call: `input` in the API's member names, the response likewise.\n"
            "pub async fn call(clients: &Clients, service: &str, operation: &str, input: &Value) -> Result<Value, CallError> {\n"
            "    match service {\n"
            f"{arms}"
            "        _ => Err(CallError::Unsupported(format!(\"{service} {operation}\"))),\n"
            "    }\n}\n")
    # Formatted like the rest of the crate, so `cargo fmt --check` passes on generated code.
    files = sorted(glob.glob(os.path.join(OUT, "*.rs")))
    subprocess.run(["rustfmt", "--edition", "2021", *files], check=True)


if __name__ == "__main__":
    main()
