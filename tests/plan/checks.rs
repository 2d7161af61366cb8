//! Structural checks of a plan document (spec section 7) and of the seed architecture's
//! traps, on the parsed JSON. Included by tests/plan.rs.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub fn steps(plan: &Value) -> &Vec<Value> {
    plan["steps"].as_array().expect("steps")
}

pub fn step<'a>(plan: &'a Value, id: &str) -> &'a Value {
    steps(plan)
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

/// `(step, output)` of every ref inside `value`.
pub fn refs(value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        // Version 2's escape: the literal object inside is data, its members values.
        Value::Object(map) if map.len() == 1 && map.contains_key("object") => {
            let inner = map["object"].as_object().expect("`object` holds an object");
            inner.values().for_each(|v| refs(v, out));
        }
        Value::Object(map) if map.len() == 1 && map.contains_key("ref") => {
            let r = map["ref"].as_str().expect("a ref is a string");
            let (step, output) = r.split_once('.').expect("STEP.OUTPUT");
            out.push((step.to_string(), output.to_string()));
        }
        Value::Object(map) => map.values().for_each(|v| refs(v, out)),
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The document invariants of spec section 7, for any plan.
pub fn check_structure(plan: &Value) {
    for key in ["version", "app", "region", "parameters", "steps", "outputs"] {
        assert!(plan.get(key).is_some(), "missing `{key}`");
    }
    assert_eq!(plan["version"], 2, "plan format version");
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in steps(plan) {
        let id = s["id"].as_str().expect("id").to_string();
        assert!(!seen.contains_key(&id), "duplicate step id {id}");
        let outputs: BTreeSet<String> = s
            .get("outputs")
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        let depends: BTreeSet<String> = s["depends_on"]
            .as_array()
            .expect("depends_on")
            .iter()
            .map(|d| d.as_str().expect("id").to_string())
            .collect();
        for dep in &depends {
            assert!(
                seen.contains_key(dep),
                "{id} depends on {dep}, which is not an earlier step"
            );
        }
        let mut input_refs = Vec::new();
        refs(&s["input"], &mut input_refs);
        for (target, output) in &input_refs {
            let known = seen
                .get(target)
                .unwrap_or_else(|| panic!("{id}: input refs {target}, not an earlier step"));
            assert!(
                known.contains(output),
                "{id}: {target} has no output {output}"
            );
            assert!(
                depends.contains(target),
                "{id}: refs {target} but does not depend on it"
            );
        }
        let mut own_refs = Vec::new();
        for key in ["wait", "delete"] {
            if let Some(call) = s.get(key) {
                refs(&call["input"], &mut own_refs);
            }
        }
        // A delete's own wait polls after the delete, with the same refs allowed.
        if let Some(wait) = s["delete"].get("wait") {
            refs(&wait["input"], &mut own_refs);
            assert!(
                wait["timeout_seconds"].as_u64().is_some_and(|t| t > 0),
                "{id}: delete wait without timeout"
            );
            assert!(
                wait.get("outputs").is_none(),
                "{id}: a delete's wait has outputs"
            );
        }
        for (target, output) in &own_refs {
            let known = if *target == id {
                &outputs
            } else {
                seen.get(target)
                    .unwrap_or_else(|| panic!("{id}: refs {target}"))
            };
            assert!(
                known.contains(output),
                "{id}: {target} has no output {output}"
            );
            assert!(
                *target == id || depends.contains(target),
                "{id}: wait/delete refs {target} without depending on it"
            );
        }
        let op = s["operation"].as_str().expect("operation");
        let creates = ["Create", "Put", "Register", "Authorize"]
            .iter()
            .any(|p| op.starts_with(p));
        // Only what outlives the app by design (`retain`) is left by destroy.
        let retained = s.get("retain") == Some(&Value::Bool(true));
        assert!(
            !creates || s.get("delete").is_some() || retained,
            "{id} ({op}) creates something but has no delete"
        );
        assert!(
            !retained || s.get("delete").is_none(),
            "{id} is retained but has a delete"
        );
        if let Some(wait) = s.get("wait") {
            assert!(
                wait["timeout_seconds"].as_u64().is_some_and(|t| t > 0),
                "{id}: wait without timeout"
            );
        }
        // Later steps may also read what the step's wait read (version 2).
        let mut outputs = outputs;
        if let Some(read) = s["wait"].get("outputs").and_then(Value::as_object) {
            outputs.extend(read.keys().cloned());
        }
        seen.insert(id, outputs);
    }
    // Outputs refer to recorded outputs, and an api key's value is never one of them.
    let mut out_refs = Vec::new();
    refs(&plan["outputs"], &mut out_refs);
    for (target, output) in &out_refs {
        assert!(
            seen.get(target).is_some_and(|o| o.contains(output)),
            "plan output refs unknown {target}.{output}"
        );
    }
    for s in steps(plan)
        .iter()
        .filter(|s| s["operation"] == "CreateApiKey")
    {
        for path in s["outputs"].as_object().expect("api key outputs").values() {
            assert_ne!(path, "value", "the api key value must never be recorded");
        }
    }
    // Trap 7: no ingress from anywhere.
    for s in steps(plan)
        .iter()
        .filter(|s| s["operation"] == "AuthorizeSecurityGroupIngress")
    {
        assert!(
            !s["input"].to_string().contains("0.0.0.0/0"),
            "{} opens ingress to the world",
            s["id"]
        );
    }
}

/// The seed architecture's traps, asserted on the parsed plan (hand-built IR or pipeline).
pub fn check_seed(plan: &Value) {
    check_structure(plan);
    let endpoint = step(plan, "core-endpoint");
    assert_eq!(endpoint["input"]["VpcEndpointType"], "Interface");
    assert_eq!(
        endpoint["input"]["ServiceName"],
        "com.amazonaws.eu-west-1.apprunner.requests"
    );
    assert_eq!(endpoint["input"]["PrivateDnsEnabled"], false);
    assert_eq!(endpoint["wait"]["path"], "VpcEndpoints[0].State");
    assert_eq!(endpoint["wait"]["expect"], "available");
    // Trap 1: a describe step for the ENI IPs, and the NLB targets are exactly those IPs.
    let enis = step(plan, "core-endpoint-enis");
    assert_eq!(enis["operation"], "DescribeNetworkInterfaces");
    assert_eq!(
        enis["input"]["NetworkInterfaceIds"]["ref"],
        "core-endpoint.NetworkInterfaceIds"
    );
    assert_eq!(
        enis["outputs"]["Ip0"],
        "NetworkInterfaces[0].PrivateIpAddress"
    );
    assert_eq!(
        enis["outputs"]["Ip1"],
        "NetworkInterfaces[1].PrivateIpAddress"
    );
    let targets = step(plan, "core-targets");
    assert_eq!(targets["operation"], "RegisterTargets");
    let ids: Vec<&Value> = targets["input"]["Targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| &t["Id"]["ref"])
        .collect();
    assert_eq!(ids, ["core-endpoint-enis.Ip0", "core-endpoint-enis.Ip1"]);
    assert!(targets["input"]["Targets"]
        .as_array()
        .expect("targets")
        .iter()
        .all(|t| t["Port"] == 443));
    // Trap 3: internal NLB, cross-zone, PrivateLink enforcement off, TCP 443 ip targets.
    let nlb = step(plan, "core-nlb");
    assert_eq!(nlb["input"]["Scheme"], "internal");
    assert_eq!(nlb["input"]["Type"], "network");
    assert_eq!(
        step(plan, "core-nlb-attributes")["input"]["Attributes"][0]["Key"],
        "load_balancing.cross_zone.enabled"
    );
    assert_eq!(
        step(plan, "core-nlb-security-groups")["input"]
            ["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"],
        "off"
    );
    let tg = step(plan, "core-target-group");
    assert_eq!(
        (
            &tg["input"]["Protocol"],
            &tg["input"]["Port"],
            &tg["input"]["TargetType"]
        ),
        (&"TCP".into(), &443.into(), &"ip".into())
    );
    // Trap 4: a private service with its own ingress connection to the endpoint.
    let service = step(plan, "orders-service");
    assert_eq!(
        service["input"]["NetworkConfiguration"]["IngressConfiguration"]["IsPubliclyAccessible"],
        false
    );
    let ingress = step(plan, "orders-ingress");
    assert_eq!(
        ingress["input"]["IngressVpcConfiguration"]["VpcEndpointId"]["ref"],
        "core-endpoint.VpcEndpointId"
    );
    // Trap 5: HTTP_PROXY over the VPC link to the ingress domain, proxy variable mapped.
    let integration = steps(plan)
        .iter()
        .find(|s| s["operation"] == "PutIntegration")
        .expect("an integration");
    let input = &integration["input"];
    assert_eq!(input["type"], "HTTP_PROXY");
    assert_eq!(input["connectionType"], "VPC_LINK");
    assert_eq!(input["connectionId"]["ref"], "core-vpc-link.VpcLinkId");
    assert_eq!(input["uri"]["join"][1]["ref"], "orders-ingress.DomainName");
    assert_eq!(
        input["requestParameters"]["integration.request.path.proxy"],
        "method.request.path.proxy"
    );
    let method = steps(plan)
        .iter()
        .find(|s| s["operation"] == "PutMethod")
        .expect("a method");
    assert_eq!(
        method["input"]["requestParameters"]["method.request.path.proxy"],
        true
    );
    assert_eq!(method["input"]["apiKeyRequired"], true);
    // Trap 6: the deployment comes after every integration.
    let deployment = step(plan, "public-deployment");
    for s in steps(plan)
        .iter()
        .filter(|s| s["operation"] == "PutIntegration")
    {
        assert!(
            deployment["depends_on"]
                .as_array()
                .expect("deps")
                .contains(&s["id"]),
            "deployment before {}",
            s["id"]
        );
    }
    // Roles: the policy is deleted before its role when deletes run in reverse.
    let order: Vec<&str> = steps(plan)
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    let pos = |id: &str| {
        order
            .iter()
            .position(|s| *s == id)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    assert!(
        pos("orders-access-role") < pos("orders-access-policy")
            && pos("orders-access-policy") < pos("orders-service")
    );
    assert_eq!(
        step(plan, "orders-access-policy")["delete"]["operation"],
        "DeleteRolePolicy"
    );
    // Outputs: invoke URL as a join, key id (not value), service ARN, ingress domain.
    assert_eq!(
        plan["outputs"]["public_invoke_url"]["join"][1]["ref"],
        "public-rest-api.RestApiId"
    );
    assert_eq!(
        plan["outputs"]["public_api_key_id"]["ref"],
        "public-api-key.ApiKeyId"
    );
    assert_eq!(plan["parameters"]["image_tag"]["default"], "1.0.0");
    let image = &service["input"]["SourceConfiguration"]["ImageRepository"]["ImageIdentifier"];
    assert_eq!(image["join"][1]["param"], "image_tag");
}
