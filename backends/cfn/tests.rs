//! Unit tests on the seed architecture's resource graph (examples/seed.apr, hand-built as a
//! checked spec in `crate::testing` and lowered), so the emitter is tested without parser or
//! checker. The integration tests (`tests/cfn.rs`) cover every example through the real
//! pipeline and run cfn-lint.

use super::{emit, logical_ids};
use crate::diag::Code;
use crate::ir::*;
use crate::text::Text;
use serde_json::Value;

/// The seed architecture (examples/seed.apr) through the real lowering.
fn seed() -> Graph {
    crate::testing::seed_graph()
}

fn template(g: &Graph) -> Value {
    let body = emit(g).expect("seed emits");
    assert!(body.ends_with("}\n"), "pretty JSON with a trailing newline");
    serde_json::from_str(&body).expect("valid JSON")
}

fn param(name: &str) -> Param {
    Param {
        name: name.into(),
        default: None,
        span: crate::testing::span(),
    }
}

#[test]
fn seed_wires_the_private_chain() {
    let g = seed();
    let t = template(&g);
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
    // The deployment waits for every method and is named after what the stage serves.
    let (_, d) = g.all::<Deployment>().next().expect("a deployment");
    let deployment = format!("PublicDeployment{}", &d.identity[..12]);
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
    let t = template(&seed());
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

/// Ids that repeat or that CloudFormation refuses are the check's to report (E0502, from
/// [`logical_ids`]); a build that meets one anyway reports its own bug (E0901), never a
/// template that overwrites one resource with another.
#[test]
fn colliding_or_invalid_logical_ids_are_listed_for_the_check_and_never_written() {
    for (name, id) in [("orders_service", "OrdersService"), ("_", "")] {
        let mut g = seed();
        g.params.push(param(name));
        let (ids, _) = logical_ids(&g).expect("ids");
        let count = ids.iter().filter(|(i, _)| i == id).count();
        assert!(
            count == 2 || !super::valid_logical_id(id),
            "{name}: {ids:?}"
        );
        let err = emit(&g).expect_err("refused");
        assert_eq!(err.code, Code::E0901, "{name}: {err}");
    }
}

#[test]
fn too_many_parameters_is_a_quota_error() {
    let mut g = seed();
    for i in 0..super::MAX_PARAMETERS {
        g.params.push(param(&format!("p{i}")));
    }
    let err = emit(&g).expect_err("quota");
    assert_eq!(err.code, Code::E0601);
    assert!(
        err.message.contains("201 parameters") && err.message.contains("200"),
        "{}",
        err.message
    );
}

/// A graph that breaks its own rules (a lowering bug) gets the internal error naming what is
/// wrong, never a panic and never a template with a dangling reference.
#[test]
fn a_broken_graph_is_an_internal_error_not_a_panic() {
    type Break = fn(&mut Graph);
    let cases: Vec<(&str, Break)> = vec![
        ("not a VPC", |g| {
            if let Some(r) = g
                .resources
                .iter_mut()
                .find(|r| matches!(r.props, Props::Vpc(_)))
            {
                r.props = Props::ApiKey(ApiKey {
                    name: "x".into(),
                    enabled: true,
                });
            }
        }),
        ("is not in the graph", |g| {
            g.resources.truncate(3);
        }),
        ("declaration #", |g| {
            g.decls.truncate(1);
        }),
    ];
    for (expected, breaks) in cases {
        let mut g = seed();
        breaks(&mut g);
        let err = emit(&g).expect_err(expected);
        assert_eq!(err.code, Code::E0901, "{expected}: {err}");
        assert!(
            err.message.contains("bug in aprc") && err.message.contains(expected),
            "{expected}: {}",
            err.message
        );
    }
}

#[test]
fn too_many_outputs_is_a_quota_error() {
    let mut g = seed();
    let template = g.outputs[2].clone();
    for i in 0..super::MAX_OUTPUTS {
        g.outputs.push(Output {
            pascal: format!("Extra{i}"),
            ..template.clone()
        });
    }
    let err = emit(&g).expect_err("quota");
    assert_eq!(err.code, Code::E0601);
    let expected = format!("{} outputs", super::MAX_OUTPUTS + 4);
    assert!(err.message.contains(&expected), "{}", err.message);
}

#[test]
fn a_body_over_one_megabyte_is_a_quota_error() {
    let mut g = seed();
    // 300 variables of 4 KB: few resources, but well over 1 MB of template.
    for r in &mut g.resources {
        if let Props::AppRunnerService(s) = &mut r.props {
            for i in 0..300 {
                let value = crate::ir::EnvValue {
                    parts: vec![crate::ir::EnvPart::Text(Text::lit("x".repeat(4096)))],
                };
                s.env.insert(format!("V{i}"), value);
            }
        }
    }
    let err = emit(&g).expect_err("quota");
    assert_eq!(err.code, Code::E0601);
    assert!(
        err.message.contains("template body bytes") && err.message.contains("1048576"),
        "{}",
        err.message
    );
}
