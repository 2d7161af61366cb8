"""Checks an aprc plan against botocore's API models: the oracle for `--target plan`.

Usage: python3 tests/plan/validate_plan.py PLAN.json

For every step, wait and delete: the service and operation exist in botocore's model, and the
input validates against the operation's input shape (botocore's ParamValidator), with each
`ref`, `param` and `join` replaced by a placeholder of the type its position needs. Every
output path and wait path must also name members of the operation's output shape, so a typo
in `Vpc.VpcId` is caught here rather than at run time; and every ref must name an output
declared by an earlier step (or, in a wait or delete, by the step's own call) that the step
lists in `depends_on`. Plan format version 2: a wait's own `outputs` are paths into the wait
operation's response, readable by later steps; `{"object": X}` is the literal object X (its
members still values), validated as X; `retain` is a boolean on a step without a delete. A
delete may carry its own `wait` (polled after the delete until its resource is gone), checked
like a step's wait but without outputs.
Exits 1 listing every problem.
"""
import json
import re
import sys

import botocore.session
from botocore.validate import ParamValidator

SERVICES = {"ec2", "elbv2", "iam", "apprunner", "apigateway", "logs", "sts", "ecs", "application-autoscaling"}
SESSION = botocore.session.get_session()


VERSION = 2


def is_symbolic(value):
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("ref", "param", "join")


def escaped(value):
    """The X of `{"object": X}`, or None."""
    if isinstance(value, dict) and len(value) == 1 and "object" in value:
        return value["object"]
    return None


def placeholder(shape):
    """A value of the right type for `shape`, long enough for any minimum length."""
    kind = shape.type_name
    if kind == "string":
        return "placeholder-" + "x" * max(0, shape.metadata.get("min", 0) - 12)
    if kind in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if kind == "boolean":
        return True
    if kind in ("double", "float"):
        return 1.0
    if kind == "list":
        return [placeholder(shape.member)]
    if kind == "map":
        return {}
    if kind == "timestamp":
        return "2026-01-01T00:00:00Z"
    if kind == "blob":
        return b"x"
    return {}


def substitute(value, shape, where, problems):
    """Replaces symbolic values by placeholders, checking where they are allowed."""
    inner = escaped(value)
    if inner is not None:
        if not isinstance(inner, dict):
            problems.append(f"{where}: `object` must hold an object, found {inner!r}")
            return {}
        return {k: substitute(v, member_shape(shape, k), f"{where}.{k}", problems) for k, v in inner.items()}
    if is_symbolic(value):
        check_symbolic(value, where, problems)
        if shape is None:
            return "placeholder"
        if "join" in value and shape.type_name != "string":
            problems.append(f"{where}: a join yields a string, but the API wants {shape.type_name}")
        return placeholder(shape)
    if isinstance(value, dict):
        return {k: substitute(v, member_shape(shape, k), f"{where}.{k}", problems) for k, v in value.items()}
    if isinstance(value, list):
        member = shape.member if shape is not None and shape.type_name == "list" else None
        return [substitute(v, member, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    return value


def member_shape(shape, key):
    """The shape of member `key` of a structure, or of any value of a map."""
    if shape is not None and shape.type_name == "structure":
        return shape.members.get(key)
    if shape is not None and shape.type_name == "map":
        return shape.value
    return None


def check_symbolic(value, where, problems):
    if "ref" in value:
        if not isinstance(value["ref"], str) or not re.fullmatch(r"[^.]+\.[A-Za-z0-9]+", value["ref"]):
            problems.append(f"{where}: malformed ref {value['ref']!r}")
    elif "param" in value:
        if not isinstance(value["param"], str):
            problems.append(f"{where}: malformed param {value['param']!r}")
    else:
        parts = value["join"]
        if not isinstance(parts, list) or len(parts) < 2:
            problems.append(f"{where}: a join needs a list of at least two parts")
            return
        for i, part in enumerate(parts):
            if is_symbolic(part):
                if "join" in part:
                    problems.append(f"{where}.join[{i}]: nested join")
                check_symbolic(part, f"{where}.join[{i}]", problems)
            elif not isinstance(part, str):
                problems.append(f"{where}.join[{i}]: a join part must be a string, ref or param")


def check_path(shape, path, where, problems):
    """`A.B[0].C` must walk the output shape's members."""
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if shape is None:
            problems.append(f"{where}: path {path!r} goes past the response")
            return
        if token.startswith("["):
            if shape.type_name != "list":
                problems.append(f"{where}: path {path!r} indexes a {shape.type_name}")
                return
            shape = shape.member
        else:
            if shape.type_name != "structure" or token not in shape.members:
                problems.append(f"{where}: path {path!r}: no member {token!r} in the response")
                return
            shape = shape.members[token]


def check_call(service, call, where, problems, outputs=None):
    model = SESSION.get_service_model(service)
    try:
        op = model.operation_model(call["operation"])
    except Exception:
        problems.append(f"{where}: {service} has no operation {call.get('operation')!r}")
        return None
    params = substitute(call.get("input", {}), op.input_shape, f"{where}.input", problems)
    if op.input_shape is not None:
        report = ParamValidator().validate(params, op.input_shape)
        if report.has_errors():
            problems.append(f"{where}: {service}.{call['operation']}: {report.generate_report()}")
    elif params:
        problems.append(f"{where}: {service}.{call['operation']} takes no input")
    for name, path in (outputs or {}).items():
        check_path(op.output_shape, path, f"{where}.outputs.{name}", problems)
    return op


def refs(value):
    inner = escaped(value)
    if isinstance(inner, dict):
        for v in inner.values():
            yield from refs(v)
    elif isinstance(value, dict):
        if set(value) == {"ref"} and isinstance(value["ref"], str):
            yield value["ref"]
        else:
            for v in value.values():
                yield from refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from refs(v)


def check_refs(plan, problems):
    declared = {}
    for step in plan.get("steps", []):
        sid = step.get("id", "?")
        if sid in declared:
            problems.append(f"{sid}: duplicate step id")
        deps = set(step.get("depends_on", []))
        # A wait or delete of the step itself may read its call's outputs; later steps may
        # also read what its wait read.
        own = set(step.get("outputs", {}))
        waited = set(step.get("wait", {}).get("outputs", {}))
        for dep in deps:
            if dep not in declared:
                problems.append(f"{sid}: depends on {dep}, which is not an earlier step")
        places = [("input", step.get("input"), False)]
        places += [(k, step[k].get("input"), True) for k in ("wait", "delete") if k in step]
        if isinstance(step.get("delete", {}).get("wait"), dict):
            places.append(("delete.wait", step["delete"]["wait"].get("input"), True))
        for where, value, may_be_self in places:
            for r in refs(value):
                target, _, output = r.partition(".")
                if may_be_self and target == sid:
                    if output not in own:
                        problems.append(f"{sid}.{where}: ref {r}: the step has no output {output}")
                elif target not in declared:
                    problems.append(f"{sid}.{where}: ref {r} names no earlier step")
                elif output not in declared[target]:
                    problems.append(f"{sid}.{where}: ref {r}: {target} has no output {output}")
                elif target not in deps:
                    problems.append(f"{sid}.{where}: ref {r} but {target} is not in depends_on")
        declared[sid] = own | waited
    for r in refs(plan.get("outputs", {})):
        target, _, output = r.partition(".")
        if output not in declared.get(target, set()):
            problems.append(f"outputs: ref {r} names no step output")


def check_wait(service, wait, where, problems, outputs):
    """A wait: its call, its path into the call's response, its expectation and timeout; its
    own `outputs` only where they may be (a step's wait, not a delete's)."""
    if not isinstance(wait, dict):
        problems.append(f"{where}: must be an object")
        return
    if not outputs and "outputs" in wait:
        problems.append(f"{where}: a delete's wait has no outputs")
    op = check_call(service, wait, where, problems, wait.get("outputs"))
    if op is not None:
        check_path(op.output_shape, wait.get("path", ""), f"{where}.path", problems)
    if not isinstance(wait.get("timeout_seconds"), int) or wait["timeout_seconds"] <= 0:
        problems.append(f"{where}: timeout_seconds must be a positive integer")
    if not isinstance(wait.get("expect"), str):
        problems.append(f"{where}: expect must be a string")


def problems_of(plan):
    """Every way `plan` breaks the format or botocore's models."""
    problems = []
    for key in ("version", "app", "region", "parameters", "steps", "outputs"):
        if key not in plan:
            problems.append(f"missing top-level {key!r}")
    if plan.get("version") != VERSION:
        problems.append(f"version {plan.get('version')!r}, expected {VERSION}")
    for step in plan.get("steps", []):
        sid = step.get("id", "?")
        service = step.get("service")
        if service not in SERVICES:
            problems.append(f"{sid}: unexpected service {service!r}")
            continue
        check_call(service, step, sid, problems, step.get("outputs"))
        if "wait" in step:
            check_wait(service, step["wait"], f"{sid}.wait", problems, outputs=True)
        if "delete" in step:
            check_call(service, step["delete"], f"{sid}.delete", problems)
            if "wait" in step["delete"]:
                check_wait(service, step["delete"]["wait"], f"{sid}.delete.wait", problems, outputs=False)
        if "retain" in step and (step["retain"] is not True or "delete" in step):
            problems.append(f"{sid}: `retain` must be true, on a step without a delete")
    check_refs(plan, problems)
    return problems


def main():
    """Validates every plan named on the command line, loading botocore's models once."""
    failed = False
    for path in sys.argv[1:]:
        with open(path) as f:
            plan = json.load(f)
        try:
            problems = problems_of(plan)
        except Exception as e:  # noqa: BLE001 - a malformed plan is a problem, not a crash
            problems = [f"malformed plan: {type(e).__name__}: {e}"]
        if problems:
            failed = True
            print(f"{path}:")
            print("\n".join(problems))
        else:
            print(f"ok: {path}: {len(plan['steps'])} steps valid against botocore {botocore.__version__}")
    if failed or len(sys.argv) < 2:
        sys.exit(1)


if __name__ == "__main__":
    main()
