//! What a live deployment needs that no linter checks (spec section 8), on the parsed
//! main.tf: the provider constraint, subnets only where the requests endpoint is offered,
//! replacements that can be created beside what they replace, and the account's API Gateway
//! logging role set before a stage logs and kept by `terraform destroy`.

use super::{attr, blocks, build, key, label, nested, parse, src};
use hcl::{Block, Body};
use std::path::PathBuf;

/// An attribute's source without whitespace (lists are written one item per line).
fn compact(block: &Block, key: &str) -> Option<String> {
    attr(block, key).map(|e| src(e).split_whitespace().collect())
}

fn lifecycle(block: &Block, key: &str) -> Option<String> {
    nested(block, "lifecycle")
        .and_then(|l| attr(l, key))
        .map(src)
}

/// 5.30 added the newest argument used (`enforce_security_group_inbound_rules_on_private_link_
/// traffic`); 6.0 is untested. The mirror's 5.100.0, with which the oracles run, is inside.
#[test]
fn the_provider_constraint_admits_only_tested_versions_with_every_argument() {
    let body = parse(&build(&[PathBuf::from("examples/seed.apr")]));
    let terraform = body
        .blocks()
        .find(|b| b.identifier() == "terraform")
        .expect("terraform block");
    let providers = nested(terraform, "required_providers").expect("required_providers");
    let Some(hcl::Expression::Object(aws)) = attr(providers, "aws") else {
        panic!("aws is an object")
    };
    let version = aws
        .iter()
        .find(|(k, _)| key(k) == "version")
        .map(|(_, v)| src(v));
    assert_eq!(version.as_deref(), Some(r#"">= 5.30.0, < 6.0.0""#));
}

#[test]
fn endpoint_subnets_go_where_the_endpoint_service_is_offered() {
    let body = parse(&build(&[PathBuf::from("examples/seed.apr")]));
    let services: Vec<&Block> = blocks(&body, "data", "aws_vpc_endpoint_service").collect();
    assert_eq!(services.len(), 1);
    let service = services[0];
    assert_eq!(
        attr(service, "service").map(src).as_deref(),
        Some("\"apprunner.requests\"")
    );
    assert_eq!(
        attr(service, "service_type").map(src).as_deref(),
        Some("\"Interface\"")
    );
    let name = label(service, 1);
    let subnets: Vec<&Block> = blocks(&body, "resource", "aws_subnet").collect();
    assert_eq!(subnets.len(), 2);
    for (i, subnet) in subnets.iter().enumerate() {
        assert_eq!(
            attr(subnet, "availability_zone").map(src),
            Some(format!(
                "sort(data.aws_vpc_endpoint_service.{name}.availability_zones)[{i}]"
            ))
        );
    }
    // A network without the endpoint keeps the region's zones.
    let body = parse(&build(&[PathBuf::from("examples/public-only.apr")]));
    assert_eq!(blocks(&body, "data", "aws_vpc_endpoint_service").count(), 0);
}

/// Security groups, the load balancer and the target group carry a suffix that changes with
/// what forces their replacement, and are created before what they replace is destroyed.
#[test]
fn named_resources_can_be_replaced_beside_the_old_ones() {
    let body = parse(&build(&[PathBuf::from("examples/seed.apr")]));
    for kind in ["aws_security_group", "aws_lb", "aws_lb_target_group"] {
        let all: Vec<&Block> = blocks(&body, "resource", kind).collect();
        assert!(!all.is_empty(), "{kind}");
        for b in all {
            assert_eq!(
                lifecycle(b, "create_before_destroy").as_deref(),
                Some("true"),
                "{kind}"
            );
            let name = attr(b, "name").map(src).unwrap_or_default();
            let suffix = name
                .trim_matches('"')
                .rsplit('-')
                .next()
                .unwrap_or_default();
            assert!(
                suffix.len() == 6 && suffix.chars().all(|c| c.is_ascii_hexdigit()),
                "{kind}: {name}"
            );
        }
    }
}

fn logging_app() -> Body {
    parse(&build(&[PathBuf::from(
        "tests/fixtures/valid/11-auth-iam-access-log.apr",
    )]))
}

#[test]
fn a_stage_that_logs_waits_for_the_account_role_which_destroy_keeps() {
    let body = logging_app();
    let accounts: Vec<&Block> = blocks(&body, "resource", "aws_api_gateway_account").collect();
    assert_eq!(accounts.len(), 1, "one account setting per app");
    let account = accounts[0];
    let role = blocks(&body, "resource", "aws_iam_role")
        .find(|r| {
            attr(account, "cloudwatch_role_arn").map(src)
                == Some(format!("aws_iam_role.{}.arn", label(r, 1)))
        })
        .expect("the account names a role of the file");
    let role_name = label(role, 1);
    // Trusted by API Gateway, with exactly the AWS-managed policy made for it.
    let trust = attr(role, "assume_role_policy")
        .map(src)
        .unwrap_or_default();
    let trust_doc = trust
        .trim_start_matches("data.aws_iam_policy_document.")
        .trim_end_matches(".json");
    let doc = blocks(&body, "data", "aws_iam_policy_document")
        .find(|d| label(d, 1) == trust_doc)
        .expect("trust document");
    let principals =
        nested(nested(doc, "statement").expect("statement"), "principals").expect("principals");
    assert_eq!(
        attr(principals, "identifiers"),
        Some(&hcl::Expression::Array(vec![
            "apigateway.amazonaws.com".into()
        ]))
    );
    let attachments: Vec<&Block> = blocks(&body, "resource", "aws_iam_role_policy_attachment")
        .filter(|a| attr(a, "role").map(src) == Some(format!("aws_iam_role.{role_name}.name")))
        .collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(
        attr(attachments[0], "policy_arn").map(src).as_deref(),
        Some(
            r#""arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs""#
        )
    );
    assert_eq!(
        blocks(&body, "resource", "aws_iam_role_policy")
            .filter(|p| attr(p, "role").map(src) == Some(format!("aws_iam_role.{role_name}.id")))
            .count(),
        0,
        "nothing else on the logging role"
    );
    // Other apis of the account may log through it: destroy must not take it away.
    assert_eq!(lifecycle(role, "prevent_destroy").as_deref(), Some("true"));
    assert_eq!(
        lifecycle(attachments[0], "prevent_destroy").as_deref(),
        Some("true")
    );
    // The account checks the role can write logs, and the stage needs the setting.
    assert_eq!(
        compact(account, "depends_on"),
        Some(format!(
            "[aws_iam_role_policy_attachment.{}]",
            label(attachments[0], 1)
        ))
    );
    let account_name = label(account, 1);
    for stage in blocks(&body, "resource", "aws_api_gateway_stage") {
        assert_eq!(
            compact(stage, "depends_on"),
            Some(format!("[aws_api_gateway_account.{account_name}]"))
        );
    }
    // Without an access log, no account setting at all.
    let seed = parse(&build(&[PathBuf::from("examples/seed.apr")]));
    assert_eq!(
        blocks(&seed, "resource", "aws_api_gateway_account").count(),
        0
    );
}

/// A network asking for more zones than the region gives the account fails `terraform plan`
/// on the zone lookup's postcondition, naming `zones`, not at an index out of range (moto's
/// eu-south-1 has three zones, as AWS's has).
#[test]
fn more_zones_than_the_region_has_fail_the_plan_saying_so() {
    let (_dir, spec) = crate::support::spec_file(
        "zones.apr",
        "app four {\n  region  = \"eu-south-1\"\n  compute = ecs\n}\n\nnetwork core {\n  cidr  = 10.0.0.0/16\n  zones = 4\n}\n\nservice web {\n  image   = \"123456789012.dkr.ecr.eu-south-1.amazonaws.com/web:1\"\n  network = core\n}\n\napi edge {\n  network = core\n  route ANY /{proxy+} -> web\n}\n",
    );
    let text = build(&[spec]);
    let body = parse(&text);
    let zones = blocks(&body, "data", "aws_availability_zones")
        .next()
        .expect("zone lookup");
    let postcondition = nested(zones, "lifecycle")
        .and_then(|l| nested(l, "postcondition"))
        .expect("postcondition");
    assert_eq!(
        compact(postcondition, "condition").as_deref(),
        Some("length(self.names)>=4")
    );
    let failed =
        crate::support::terraform::check_all(&[crate::support::terraform::Doc::new("zones", text)])
            .err()
            .expect("the plan fails");
    assert!(
        failed.contains("Resource postcondition failed")
            && failed.contains("The app asks for 4 Availability Zones"),
        "{failed}"
    );
}
