//! What a live deployment needs that cfn-lint does not check (spec section 8): the account's
//! API Gateway logging role, set before a stage logs and kept when the stack goes; lookups that
//! wait for what they look up but fail well within CloudFormation's patience; names that let a
//! replacement exist beside the resource it replaces.

use super::{of_type, resources, template, the_one};
use serde_json::{json, Value};
use std::path::Path;

#[test]
fn a_stage_that_logs_waits_for_the_account_role_which_the_stack_keeps() {
    let t = template(Path::new("tests/fixtures/valid/11-auth-iam-access-log.apr"));
    let (account_id, account) = the_one(&t, "AWS::ApiGateway::Account");
    assert_eq!(account["DeletionPolicy"], "Retain");
    assert_eq!(account["UpdateReplacePolicy"], "Retain");
    let role_id = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]
        .as_str()
        .expect("the account names a role of the template");
    assert_eq!(
        account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][1],
        "Arn"
    );
    let role = &resources(&t)[role_id];
    assert_eq!(role["Type"], "AWS::IAM::Role");
    assert_eq!(role["DeletionPolicy"], "Retain");
    assert_eq!(role["UpdateReplacePolicy"], "Retain");
    let p = &role["Properties"];
    assert_eq!(
        p["AssumeRolePolicyDocument"]["Statement"],
        json!([{
            "Effect": "Allow",
            "Principal": { "Service": "apigateway.amazonaws.com" },
            "Action": "sts:AssumeRole",
        }])
    );
    assert_eq!(
        p["ManagedPolicyArns"],
        json!([{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" }])
    );
    assert!(
        p.get("Policies").is_none() && p.get("RoleName").is_none(),
        "{p}"
    );
    for (id, stage) in of_type(&t, "AWS::ApiGateway::Stage") {
        assert_eq!(stage["DependsOn"], json!([account_id]), "{id}");
        assert!(
            stage["Properties"].get("AccessLogSetting").is_some(),
            "{id}"
        );
    }
    // No access log, no account setting.
    let seed = template(Path::new("examples/seed.apr"));
    assert!(of_type(&seed, "AWS::ApiGateway::Account").is_empty());
    for (id, stage) in of_type(&seed, "AWS::ApiGateway::Stage") {
        assert!(stage.get("DependsOn").is_none(), "{id}");
    }
}

#[test]
fn lookups_wait_but_answer_well_before_cloudformation_gives_up() {
    let t = template(Path::new("examples/seed.apr"));
    let (_, function) = the_one(&t, "AWS::Lambda::Function");
    let timeout = function["Properties"]["Timeout"].as_u64().expect("Timeout");
    let source = function["Properties"]["Code"]["ZipFile"]
        .as_str()
        .expect("inline source");
    // The ENI lookup polls until a minute before its timeout.
    assert!(source.contains("SPARE_MS = 60000"), "the poll's bound");
    assert!(source.contains("time.sleep(POLL_SECONDS)"), "it polls");
    for ty in ["Custom::EndpointEniIps", "Custom::EndpointServiceZones"] {
        for (id, lookup) in of_type(&t, ty) {
            let service = lookup["Properties"]["ServiceTimeout"]
                .as_u64()
                .unwrap_or_else(|| panic!("{id}: no ServiceTimeout"));
            assert!(
                service > timeout && service < 3600,
                "{id}: ServiceTimeout {service} against the function's {timeout} and CloudFormation's hour"
            );
        }
    }
}

#[test]
fn named_resources_carry_a_suffix_that_changes_with_their_replacement() {
    let t = template(Path::new("examples/seed.apr"));
    let names: Vec<(String, &Value)> = of_type(&t, "AWS::EC2::SecurityGroup")
        .into_iter()
        .map(|(id, r)| (id.clone(), &r["Properties"]["GroupName"]))
        .chain(
            of_type(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
                .into_iter()
                .chain(of_type(&t, "AWS::ElasticLoadBalancingV2::TargetGroup"))
                .map(|(id, r)| (id.clone(), &r["Properties"]["Name"])),
        )
        .collect();
    assert_eq!(names.len(), 4);
    for (id, name) in &names {
        let name = name.as_str().expect("a literal name");
        let suffix = name.rsplit('-').next().unwrap_or_default();
        assert!(
            suffix.len() == 6 && suffix.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}: {name}"
        );
        assert!(name.len() <= 255, "{id}");
    }
    // The same network in another VPC block is a replacement: every name changes.
    let dir = tempfile::tempdir().expect("temp dir");
    let moved = dir.path().join("moved.apr");
    let text = std::fs::read_to_string(super::root().join("examples/seed.apr")).expect("seed");
    std::fs::write(&moved, text.replace("10.0.0.0/16", "10.9.0.0/16")).expect("write");
    let other = template(&moved);
    for (id, name) in &names {
        let ty = resources(&t)[id.as_str()]["Type"].clone();
        let key = if ty == "AWS::EC2::SecurityGroup" {
            "GroupName"
        } else {
            "Name"
        };
        assert_ne!(
            other["Resources"][id.as_str()]["Properties"][key],
            **name,
            "{id}"
        );
    }
}
