//! Unit tests on the seed architecture's IR (examples/seed.apr, hand-built as a checked spec
//! in `crate::testing` and lowered), so the emitter is tested without parser or checker. The integration tests (`tests/cfn.rs`)
//! cover every example through the real pipeline and run cfn-lint.

use super::emit;
use crate::ir::*;
use crate::text::Text;
use serde_json::Value;

/// The seed architecture (examples/seed.apr) through the real lowering.
fn seed_ir() -> Ir {
    crate::testing::seed_ir()
}

fn template(ir: &Ir) -> Value {
    let body = emit(ir).expect("seed emits");
    assert!(body.ends_with("}\n"), "pretty JSON with a trailing newline");
    serde_json::from_str(&body).expect("valid JSON")
}

#[test]
fn seed_wires_the_private_chain() {
    let t = template(&seed_ir());
    let r = &t["Resources"];
    assert_eq!(
        r["CoreVpcEndpoint"]["Properties"]["VpcEndpointType"],
        "Interface"
    );
    assert_eq!(
        r["CoreVpcEndpoint"]["Properties"]["PrivateDnsEnabled"],
        false
    );
    assert_eq!(
        r["CoreVpcEndpoint"]["Properties"]["ServiceName"]["Fn::Sub"],
        "com.amazonaws.${AWS::Region}.apprunner.requests"
    );
    let targets = r["CoreTargetGroup"]["Properties"]["Targets"]
        .as_array()
        .expect("targets");
    assert_eq!(targets.len(), 2);
    assert_eq!(
        targets[1]["Id"]["Fn::GetAtt"],
        serde_json::json!(["CoreEniIps", "Ip1"])
    );
    assert_eq!(r["CoreEniIps"]["Type"], "Custom::EndpointEniIps");
    let integ = &r["PublicAnyProxyMethod"]["Properties"]["Integration"];
    assert_eq!(
        integ["Uri"]["Fn::Sub"],
        "https://${OrdersIngressConnection.DomainName}/{proxy}"
    );
    assert_eq!(integ["ConnectionId"]["Ref"], "CoreVpcLink");
    // The deployment waits for every method and is named after the route hash.
    let deployment = format!(
        "PublicDeployment{}",
        &seed_ir().apis[0].deployment_hash[..12]
    );
    assert_eq!(
        r[deployment.as_str()]["DependsOn"],
        serde_json::json!(["PublicAnyProxyMethod"])
    );
    assert_eq!(
        r["OrdersService"]["Properties"]["SourceConfiguration"]["ImageRepository"]
            ["ImageIdentifier"]["Fn::Sub"],
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:${ImageTag}"
    );
    assert_eq!(t["Parameters"]["ImageTag"]["Default"], "1.0.0");
}

#[test]
fn every_security_group_drops_the_default_egress() {
    let t = template(&seed_ir());
    for (id, res) in t["Resources"].as_object().expect("resources") {
        if res["Type"] == "AWS::EC2::SecurityGroup" {
            let egress = res["Properties"]["SecurityGroupEgress"]
                .as_array()
                .expect("inline egress");
            assert_eq!(egress.len(), 1, "{id}");
            assert_eq!(egress[0]["CidrIp"], "255.255.255.255/32", "{id}");
        }
    }
}

#[test]
fn colliding_logical_ids_are_an_error_not_an_overwrite() {
    let mut ir = seed_ir();
    // `orders_service` the param and `orders` the service would both be `OrdersService`.
    ir.params.push(Param {
        name: "orders_service".into(),
        default: None,
    });
    let err = emit(&ir).expect_err("collision");
    assert_eq!(err.code, crate::diag::Code::E0502);
    assert!(err.message.contains("OrdersService"), "{}", err.message);
}

#[test]
fn a_param_without_letters_or_digits_is_an_error_not_an_empty_id() {
    let mut ir = seed_ir();
    ir.params.push(Param {
        name: "_".into(),
        default: None,
    });
    let err = emit(&ir).expect_err("no id");
    assert_eq!(err.code, crate::diag::Code::E0502);
    assert!(err.message.contains("param `_`"), "{}", err.message);
}

#[test]
fn too_many_parameters_is_a_quota_error() {
    let mut ir = seed_ir();
    for i in 0..super::MAX_PARAMETERS {
        ir.params.push(Param {
            name: format!("p{i}"),
            default: None,
        });
    }
    let err = emit(&ir).expect_err("quota");
    assert_eq!(err.code, crate::diag::Code::E0601);
    assert!(
        err.message.contains("201 parameters") && err.message.contains("200"),
        "{}",
        err.message
    );
}

/// Writes the hand-built seed template where `APRC_CFN_DUMP` says (for cfn-lint and checkov
/// runs by hand while lowering is not there yet); does nothing otherwise.
#[test]
fn dump_seed_template_on_request() {
    if let Ok(path) = std::env::var("APRC_CFN_DUMP") {
        std::fs::write(path, emit(&seed_ir()).expect("seed emits")).expect("dump written");
    }
}

/// An IR that breaks its own invariants (a lowering bug) gets a coded error naming what is
/// wrong, never a panic and never a template with a dangling reference.
/// Breaks one invariant of an IR.
type Break = fn(&mut Ir);

#[test]
fn broken_ir_is_an_error_not_a_panic() {
    let cases: Vec<(&str, Break)> = vec![
        ("network `core`", |ir| ir.networks.clear()),
        ("resource #7", |ir| ir.apis[0].methods[0].resource = Some(7)),
        ("no requests endpoint", |ir| ir.networks[0].endpoint = None),
        ("service `nope`", |ir| {
            ir.apis[0].methods[0].integration.service = "nope".into()
        }),
        ("service `ghost`", |ir| {
            ir.outputs[2].value = OutputValue::ServiceArn("ghost".into())
        }),
    ];
    for (expected, breaks) in cases {
        let mut ir = seed_ir();
        breaks(&mut ir);
        let err = emit(&ir).expect_err(expected);
        assert!(
            err.message.contains("internal error") && err.message.contains(expected),
            "{expected}: {}",
            err.message
        );
    }
}

#[test]
fn duplicate_output_ids_are_an_error() {
    let mut ir = seed_ir();
    let twin = ir.outputs[0].clone();
    let name = twin.pascal.clone();
    ir.outputs.push(twin);
    let err = emit(&ir).expect_err("duplicate");
    assert_eq!(err.code, crate::diag::Code::E0502);
    assert!(err.message.contains(&name), "{}", err.message);
}

#[test]
fn too_many_outputs_is_a_quota_error() {
    let mut ir = seed_ir();
    let template = ir.outputs[2].clone();
    for i in 0..super::MAX_OUTPUTS {
        ir.outputs.push(Output {
            pascal: format!("Extra{i}"),
            ..template.clone()
        });
    }
    let err = emit(&ir).expect_err("quota");
    assert_eq!(err.code, crate::diag::Code::E0601);
    let expected = format!("{} outputs", super::MAX_OUTPUTS + 4);
    assert!(err.message.contains(&expected), "{}", err.message);
}

#[test]
fn a_body_over_one_megabyte_is_a_quota_error() {
    let mut ir = seed_ir();
    // 300 variables of 4 KB: few resources, but well over 1 MB of template.
    for i in 0..300 {
        ir.services[0]
            .env
            .insert(format!("V{i}"), Text::lit("x".repeat(4096)));
    }
    let err = emit(&ir).expect_err("quota");
    assert_eq!(err.code, crate::diag::Code::E0601);
    assert!(
        err.message.contains("template body bytes") && err.message.contains("1048576"),
        "{}",
        err.message
    );
}
