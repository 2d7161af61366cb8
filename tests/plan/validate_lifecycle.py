"""Checks the lifecycle table of a plan (backends/plan/lifecycle.rs) against botocore's models.

Usage: python3 tests/plan/validate_lifecycle.py PLAN.json LIFECYCLE.json [PLAN LIFECYCLE ...]

For every resource's main step: the entry names the step's service and create operation; a
lookup has nothing else; otherwise the read call exists and its input validates (refs name the
step's own outputs or another step's), its path walks the response; each update operation
exists and takes the member it is given (a member of its input, or `patchOperations` for
`patchOperations:/path`); every member named, updated, replacing or tags, is a member of the
create operation's input; no member both updates and replaces; and every member the create
step sets is one of them, so any change has a decided answer. Exits 1 listing every problem.
"""
import json
import sys

from validate_plan import SESSION, check_call, check_path, refs


def problems_of(plan, table):
    problems = []
    steps = {s["id"]: s for s in plan["steps"]}
    outputs = {sid: set(s.get("outputs", {})) | set(s.get("wait", {}).get("outputs", {})) for sid, s in steps.items()}
    for entry in table:
        sid = entry["step"]
        step = steps.get(sid)
        if step is None:
            problems.append(f"{sid}: no such step in the plan")
            continue
        where = f"{sid} ({entry['create']})"
        if (entry["service"], entry["create"]) != (step["service"], step["operation"]):
            problems.append(f"{where}: the step is {step['service']}.{step['operation']}")
            continue
        model = SESSION.get_service_model(entry["service"])
        create = model.operation_model(entry["create"]).input_shape
        create_members = set(create.members) if create is not None else set()
        if entry["lookup"]:
            if entry["read"] or entry["updates"] or entry["replace_on"] or entry["tags"]:
                problems.append(f"{where}: a lookup has no read, update, replacement or tags")
            continue
        read = entry["read"]
        if read is None:
            problems.append(f"{where}: no read")
        else:
            op = check_call(entry["service"], read, f"{where}.read", problems)
            if op is not None:
                check_path(op.output_shape, read["path"], f"{where}.read.path", problems)
            for r in refs(read["input"]):
                target, _, output = r.partition(".")
                if output not in outputs.get(target, set()):
                    problems.append(f"{where}.read: ref {r} names no output of a step")
        updated = set()
        for update in entry["updates"]:
            try:
                op = model.operation_model(update["operation"])
            except Exception:
                problems.append(f"{where}: {entry['service']} has no operation {update['operation']!r}")
                continue
            takes = set(op.input_shape.members) if op.input_shape is not None else set()
            for source, target in update["members"]:
                updated.add(source)
                wanted = "patchOperations" if target.startswith("patchOperations:") else target
                if wanted not in takes:
                    problems.append(f"{where}: {update['operation']} takes no {wanted!r}")
        replaced = set(entry["replace_on"])
        tags = set()
        if entry["tags"]:
            tags.add(entry["tags"]["member"])
            try:
                model.operation_model(entry["tags"]["operation"])
            except Exception:
                problems.append(f"{where}: {entry['service']} has no operation {entry['tags']['operation']!r}")
        # Set at creation only; another resource owns it afterwards (auto scaling's count).
        create_only = set(entry.get("create_only", []))
        named = updated | replaced | tags | create_only
        for member in sorted(named - create_members):
            problems.append(f"{where}: {entry['create']} takes no {member!r}")
        for member in sorted(updated & replaced):
            problems.append(f"{where}: {member!r} both updates and replaces")
        for member in sorted(set(step.get("input", {})) - named):
            problems.append(f"{where}: a change to {member!r} has no decided answer")
    return problems


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        print("usage: validate_lifecycle.py PLAN LIFECYCLE [PLAN LIFECYCLE ...]")
        sys.exit(1)
    failed = False
    for plan_path, table_path in zip(args[::2], args[1::2]):
        with open(plan_path) as f:
            plan = json.load(f)
        with open(table_path) as f:
            table = json.load(f)
        problems = problems_of(plan, table)
        if problems:
            failed = True
            print(f"{table_path}:")
            print("\n".join(problems))
        else:
            print(f"ok: {table_path}: {len(table)} resources")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
