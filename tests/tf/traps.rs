//! The spec's traps (section 6), asserted on the parsed seed main.tf rather than only through
//! its snapshot: a reviewer's checklist that fails with a precise message.

use super::{attr, blocks, build, key, label, nested, parse, src};
use hcl::{Block, Body, Expression};
use std::path::PathBuf;

#[test]
fn seed_handles_the_traps() {
    let text = build(&[PathBuf::from("examples/seed.apr")]);
    let body = parse(&text);

    // 6.1: ENI IPs by a count-based lookup over the endpoint's ids, never for_each.
    assert!(!text.contains("for_each"));
    let eni: Vec<&Block> = blocks(&body, "data", "aws_network_interface").collect();
    assert_eq!(eni.len(), 1);
    assert_eq!(
        attr(eni[0], "count").map(src).as_deref(),
        Some("2"),
        "one ENI per subnet"
    );
    let endpoint = blocks(&body, "resource", "aws_vpc_endpoint")
        .next()
        .expect("endpoint");
    let ep = label(endpoint, 1);
    assert_eq!(
        attr(eni[0], "id").map(src),
        Some(format!(
            "tolist(aws_vpc_endpoint.{ep}.network_interface_ids)[count.index]"
        ))
    );
    let attachments: Vec<&Block> =
        blocks(&body, "resource", "aws_lb_target_group_attachment").collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attr(attachments[0], "count").map(src).as_deref(), Some("2"));
    assert_eq!(
        attr(attachments[0], "target_id").map(src),
        Some(format!(
            "data.aws_network_interface.{}[count.index].private_ip",
            label(eni[0], 1)
        ))
    );

    // 6.2 / 6.3: the endpoint and the NLB.
    assert_eq!(
        attr(endpoint, "service_name").map(src).as_deref(),
        Some("\"com.amazonaws.eu-west-1.apprunner.requests\"")
    );
    assert_eq!(
        attr(endpoint, "private_dns_enabled").map(src).as_deref(),
        Some("false")
    );
    let nlb = blocks(&body, "resource", "aws_lb").next().expect("nlb");
    assert_eq!(attr(nlb, "internal").map(src).as_deref(), Some("true"));
    assert_eq!(
        attr(
            nlb,
            "enforce_security_group_inbound_rules_on_private_link_traffic"
        )
        .map(src)
        .as_deref(),
        Some("\"off\"")
    );
    let tg = blocks(&body, "resource", "aws_lb_target_group")
        .next()
        .expect("target group");
    assert_eq!(attr(tg, "target_type").map(src).as_deref(), Some("\"ip\""));
    assert_eq!(attr(tg, "port").map(src).as_deref(), Some("443"));

    // 6.4: the private service is not public and has its ingress connection.
    let svc = blocks(&body, "resource", "aws_apprunner_service")
        .next()
        .expect("service");
    let ingress =
        nested(svc, "network_configuration").and_then(|n| nested(n, "ingress_configuration"));
    assert_eq!(
        ingress
            .and_then(|i| attr(i, "is_publicly_accessible"))
            .map(src)
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        blocks(&body, "resource", "aws_apprunner_vpc_ingress_connection").count(),
        1
    );

    // 6.5: every path variable required on the method and mapped on the integration.
    let integrations: Vec<&Block> =
        blocks(&body, "resource", "aws_api_gateway_integration").collect();
    assert!(!integrations.is_empty());
    for integration in &integrations {
        let name = label(integration, 1);
        let method = blocks(&body, "resource", "aws_api_gateway_method")
            .find(|m| label(m, 1) == name)
            .expect("method");
        assert_eq!(
            attr(integration, "type").map(src).as_deref(),
            Some("\"HTTP_PROXY\"")
        );
        assert_eq!(
            attr(integration, "connection_type").map(src).as_deref(),
            Some("\"VPC_LINK\"")
        );
        let uri = attr(integration, "uri").map(src).unwrap_or_default();
        assert!(
            uri.starts_with("\"https://${aws_apprunner_vpc_ingress_connection."),
            "{uri}"
        );
        assert!(uri.ends_with(".domain_name}/{proxy}\""), "{uri}");
        let Some(Expression::Object(wanted)) = attr(method, "request_parameters") else {
            panic!("no method params")
        };
        let Some(Expression::Object(mapped)) = attr(integration, "request_parameters") else {
            panic!("no mapping")
        };
        assert_eq!(wanted.len(), mapped.len());
        for (k, v) in wanted {
            let from = key(k);
            assert!(from.starts_with("method.request.path."), "{from}");
            assert_eq!(src(v), "true");
            let to = from.replacen("method.", "integration.", 1);
            let value = mapped.iter().find(|(k, _)| key(k) == to);
            assert_eq!(
                value.map(|(_, v)| src(v)),
                Some(format!("\"{from}\"")),
                "{to} maps {from}"
            );
        }
    }

    // 6.6: the deployment is replaced on route changes, before the old one goes, after
    // every integration exists.
    let deployment = blocks(&body, "resource", "aws_api_gateway_deployment")
        .next()
        .expect("deployment");
    let Some(Expression::Object(triggers)) = attr(deployment, "triggers") else {
        panic!("no triggers")
    };
    let hash = triggers.values().next().map(src).unwrap_or_default();
    assert_eq!(
        hash.trim_matches('"').len(),
        64,
        "a sha-256 hex digest: {hash}"
    );
    let lifecycle = nested(deployment, "lifecycle").expect("lifecycle");
    assert_eq!(
        attr(lifecycle, "create_before_destroy").map(src).as_deref(),
        Some("true")
    );
    let depends = attr(deployment, "depends_on").map(src).unwrap_or_default();
    for integration in &integrations {
        assert!(
            depends.contains(&format!(
                "aws_api_gateway_integration.{}",
                label(integration, 1)
            )),
            "{depends}"
        );
    }

    // 6.7: no ingress from the world, rules described, exact IAM actions, no key value out.
    assert_no_open_ingress(&body);
    assert_iam_is_exact(&body);
    for o in body.blocks().filter(|b| b.identifier() == "output") {
        let value = attr(o, "value").map(src).unwrap_or_default();
        assert!(
            !value.contains(".value"),
            "output {} prints a secret: {value}",
            label(o, 0)
        );
    }
    // 6.8 and tags.
    let outputs: Vec<String> = body
        .blocks()
        .filter(|b| b.identifier() == "output")
        .map(|b| label(b, 0))
        .collect();
    assert!(
        outputs.iter().any(|o| o.ends_with("invoke_url"))
            && outputs.iter().any(|o| o.ends_with("api_key_id"))
    );
    let provider = body
        .blocks()
        .find(|b| b.identifier() == "provider")
        .expect("provider");
    let tags = nested(provider, "default_tags")
        .and_then(|d| attr(d, "tags"))
        .map(src)
        .unwrap_or_default();
    assert!(
        tags.contains("app") && tags.contains("\"seed\"") && tags.contains("\"platform\""),
        "{tags}"
    );
}

fn assert_no_open_ingress(body: &Body) {
    for sg in blocks(body, "resource", "aws_security_group") {
        assert!(
            nested(sg, "ingress").is_none() && nested(sg, "egress").is_none(),
            "inline rules"
        );
    }
    for kind in [
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ] {
        for rule in blocks(body, "resource", kind) {
            assert!(
                attr(rule, "description").is_some(),
                "{} has no description",
                label(rule, 1)
            );
            if kind.contains("ingress") {
                let cidr = attr(rule, "cidr_ipv4").map(src).unwrap_or_default();
                assert!(
                    !cidr.contains("0.0.0.0/0"),
                    "{} admits the world",
                    label(rule, 1)
                );
            }
        }
    }
}

/// No wildcard action; `*` resources only for actions AWS does not scope.
fn assert_iam_is_exact(body: &Body) {
    const UNSCOPED: [&str; 5] = [
        "ecr:GetAuthorizationToken",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    ];
    for doc in blocks(body, "data", "aws_iam_policy_document") {
        for st in doc
            .body()
            .blocks()
            .filter(|b| b.identifier() == "statement")
        {
            let Some(Expression::Array(actions)) = attr(st, "actions") else {
                panic!("no actions")
            };
            let actions: Vec<String> = actions
                .iter()
                .map(|a| src(a).trim_matches('"').to_string())
                .collect();
            assert!(
                actions.iter().all(|a| !a.contains('*')),
                "wildcard action in {actions:?}"
            );
            let resources = attr(st, "resources").map(src).unwrap_or_default();
            if resources.contains("\"*\"") {
                assert!(
                    actions.iter().all(|a| UNSCOPED.contains(&a.as_str())),
                    "`*` resource for {actions:?}"
                );
            }
        }
    }
}

/// The blocks of `body` whose `<type>.<name>` a `depends_on` lists.
fn depends_on(block: &Block) -> Vec<String> {
    match attr(block, "depends_on") {
        Some(Expression::Array(items)) => items.iter().map(src).collect(),
        _ => Vec::new(),
    }
}

/// Section 9 on the parsed ECS examples: private tasks behind their own listener, the
/// orderings no attribute carries, the integration to the listener, exact rules and IAM.
#[test]
fn ecs_services_handle_the_traps() {
    for example in ["examples/ecs.apr", "examples/mixed.apr"] {
        let text = build(&[PathBuf::from(example)]);
        let body = parse(&text);
        assert_no_open_ingress(&body);
        assert_iam_is_exact(&body);
        let services: Vec<&Block> = blocks(&body, "resource", "aws_ecs_service").collect();
        assert!(!services.is_empty(), "{example}");
        let endpoints: Vec<String> = blocks(&body, "resource", "aws_vpc_endpoint")
            .map(|e| format!("aws_vpc_endpoint.{}", label(e, 1)))
            .collect();
        let nat = blocks(&body, "resource", "aws_nat_gateway").count() > 0;
        for service in services {
            let name = label(service, 1);
            let network = nested(service, "network_configuration").expect("awsvpc");
            assert_eq!(
                attr(network, "assign_public_ip").map(src).as_deref(),
                Some("false"),
                "{name}"
            );
            // Auto scaling owns the count once the service exists.
            let lifecycle = nested(service, "lifecycle").expect("lifecycle");
            assert_eq!(
                attr(lifecycle, "ignore_changes")
                    .map(|e| src(e).split_whitespace().collect::<String>())
                    .as_deref(),
                Some("[desired_count]"),
                "{name}"
            );
            let breaker = nested(service, "deployment_circuit_breaker").expect("breaker");
            assert_eq!(attr(breaker, "enable").map(src).as_deref(), Some("true"));
            // ECS registers the tasks: the target group has no attachment of ours.
            let lb = nested(service, "load_balancer").expect("load_balancer");
            let tg_ref = attr(lb, "target_group_arn").map(src).unwrap_or_default();
            let tg = tg_ref
                .strip_prefix("aws_lb_target_group.")
                .and_then(|t| t.strip_suffix(".arn"))
                .expect("a target group of the file");
            assert!(
                !blocks(&body, "resource", "aws_lb_target_group_attachment")
                    .any(|a| label(a, 1) == tg),
                "{name}"
            );
            // Waits for its listener, its roles' policies and the way out of the subnets.
            let waits = depends_on(service);
            let listener = blocks(&body, "resource", "aws_lb_listener")
                .find(|l| {
                    nested(l, "default_action")
                        .and_then(|a| attr(a, "target_group_arn"))
                        .map(src)
                        == Some(tg_ref.clone())
                })
                .expect("the target group's listener");
            let listener_ref = format!("aws_lb_listener.{}", label(listener, 1));
            assert!(waits.contains(&listener_ref), "{name}: {waits:?}");
            assert!(
                waits.contains(&format!("aws_iam_role_policy.{name}_execution")),
                "{name}: {waits:?}"
            );
            if nat {
                assert!(
                    waits.iter().any(|w| w.starts_with("aws_route.")),
                    "{name}: {waits:?}"
                );
            } else {
                for e in &endpoints {
                    assert!(waits.contains(e), "{name} does not wait for {e}");
                }
            }
            // The api reaches it at the listener's port on the load balancer, over HTTP.
            let port = attr(listener, "port").map(src).unwrap_or_default();
            let integrations: Vec<&Block> =
                blocks(&body, "resource", "aws_api_gateway_integration")
                    .filter(|i| depends_on(i).contains(&listener_ref))
                    .collect();
            assert!(!integrations.is_empty(), "{name}");
            for i in integrations {
                let uri = attr(i, "uri").map(src).unwrap_or_default();
                assert!(
                    uri.starts_with("\"http://${aws_lb.")
                        && uri.contains(&format!(".dns_name}}:{port}/")),
                    "{name}: {uri}"
                );
            }
        }
        // A NAT gateway works only once the internet gateway is attached.
        for nat in blocks(&body, "resource", "aws_nat_gateway") {
            let waits = depends_on(nat);
            assert!(
                waits.len() == 1 && waits[0].starts_with("aws_internet_gateway."),
                "{waits:?}"
            );
        }
        // Rules live in one namespace: no two services share a rule's name.
        let mut rules: Vec<String> =
            blocks(&body, "resource", "aws_vpc_security_group_ingress_rule")
                .chain(blocks(
                    &body,
                    "resource",
                    "aws_vpc_security_group_egress_rule",
                ))
                .map(|r| label(r, 1))
                .collect();
        let count = rules.len();
        rules.sort();
        rules.dedup();
        assert_eq!(rules.len(), count, "{example}");
        // Log streams: the group's ARN with `:*`, which the provider's `arn` lacks.
        assert!(
            text.contains("resources = [\"${aws_cloudwatch_log_group."),
            "{example}"
        );
        assert!(text.contains(".arn}:*\"]"), "{example}");
    }
}
