//! Lowering on hand-built specs, so these facts hold whatever the checker does.

use super::lower;
use crate::ir::{Connection, Direction, Peer, SgKind, Vpc, Zones};
use crate::model::*;
use crate::syntax::ast::SegmentKind;
use crate::testing::seed_spec;
use crate::text::Text;
use std::collections::BTreeMap;

#[test]
fn seed_has_the_whole_private_chain() {
    let ir = lower(&seed_spec(), &BTreeMap::new());
    let net = &ir.networks[0];
    let Vpc::Create {
        cidr,
        subnets,
        zones,
    } = &net.vpc
    else {
        panic!("created VPC expected")
    };
    assert_eq!(cidr, "10.0.0.0/16");
    // The endpoint's network is placed where the endpoint service is offered.
    assert_eq!(
        zones,
        &Zones::EndpointService {
            suffix: "apprunner.requests".into()
        }
    );
    assert_eq!(
        subnets.iter().map(|s| s.cidr.as_str()).collect::<Vec<_>>(),
        ["10.0.0.0/24", "10.0.1.0/24"]
    );
    let endpoint = net.endpoint.as_ref().expect("endpoint");
    assert_eq!(endpoint.eni_count, 2);
    assert_eq!(endpoint.service_suffix, "apprunner.requests");
    let link = net.link.as_ref().expect("link");
    assert_eq!(link.port, 443);
    // `<app>-<network>-` and six hex digits that change with a replacement.
    for name in [&link.nlb_name, &link.target_group_name] {
        let suffix = name.strip_prefix("seed-core-").expect("stem");
        assert_eq!(suffix.len(), 6, "{name}");
        assert!(suffix.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    }
    assert_ne!(link.nlb_name, link.target_group_name);
    assert!(net.connector.is_none());
    // Endpoint admits 443 only from the NLB group; nothing from a CIDR.
    assert!(net.rules.iter().any(|r| r.group == SgKind::Endpoint
        && r.direction == Direction::Ingress
        && r.peer == Peer::Group(SgKind::Nlb)
        && r.ports == Some((443, 443))));
    assert!(!net
        .rules
        .iter()
        .any(|r| r.direction == Direction::Ingress && matches!(r.peer, Peer::Cidr(_))));

    let svc = &ir.services[0];
    assert!(svc.private);
    assert_eq!(
        svc.ingress_connection.as_ref().map(|c| c.network.as_str()),
        Some("core")
    );
    assert_eq!((svc.cpu.as_str(), svc.memory.as_str()), ("1 vCPU", "2 GB"));
    let role = svc
        .access_role
        .as_ref()
        .expect("private ECR needs an access role");
    assert!(role.statements.iter().any(|s| s.resources
        == [Text::lit(
            "arn:aws:ecr:eu-west-1:123456789012:repository/orders"
        )]));
    assert!(svc.instance_role.is_none());

    let api = &ir.apis[0];
    assert_eq!(api.resources.len(), 1);
    assert_eq!(api.resources[0].path_part, "{proxy+}");
    let m = &api.methods[0];
    assert_eq!(
        (m.http_method.as_str(), m.path_params.as_slice()),
        ("ANY", ["proxy".to_string()].as_slice())
    );
    assert_eq!(m.integration.target_path, "/{proxy}");
    assert_eq!(
        m.integration.path_mappings,
        [("proxy".to_string(), "proxy".to_string())]
    );
    assert_eq!(
        m.integration.connection,
        Connection::VpcLink {
            network: "core".into()
        }
    );
    assert!(api.api_key.is_some());
    assert_eq!(api.deployment_hash.len(), 64);
    let outputs: Vec<&str> = ir.outputs.iter().map(|o| o.pascal.as_str()).collect();
    assert_eq!(
        outputs,
        [
            "OrdersIngressDomain",
            "OrdersServiceArn",
            "PublicApiKeyId",
            "PublicInvokeUrl"
        ]
    );
    assert_eq!(ir.app.tags.get("app"), Some(&Text::lit("seed")));
}

#[test]
fn baked_params_disappear() {
    let baked = BTreeMap::from([("image_tag".to_string(), "2.0".to_string())]);
    let ir = lower(&seed_spec(), &baked);
    assert!(ir.params.is_empty());
    assert_eq!(
        ir.services[0].image.as_literal().as_deref(),
        Some("123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:2.0")
    );
}

#[test]
fn public_targets_integrate_over_the_internet_and_need_no_link() {
    let mut spec = seed_spec();
    spec.services[0].ingress = Ingress::Public;
    let ir = lower(&spec, &BTreeMap::new());
    assert!(ir.networks[0].endpoint.is_none() && ir.networks[0].link.is_none());
    assert_eq!(
        ir.apis[0].methods[0].integration.connection,
        Connection::Internet
    );
    assert!(ir.apis[0].network.is_none());
    assert!(ir.services[0].ingress_connection.is_none());
}

#[test]
fn vpc_egress_gets_a_connector_scoped_to_the_vpc() {
    let mut spec = seed_spec();
    spec.services[0].egress = Egress::Vpc;
    let ir = lower(&spec, &BTreeMap::new());
    assert!(ir.networks[0].connector.is_some());
    assert!(ir.networks[0]
        .rules
        .iter()
        .any(|r| r.group == SgKind::Connector && r.peer == Peer::Cidr("10.0.0.0/16".into())));
}

#[test]
fn secrets_and_tracing_get_an_exact_instance_role() {
    let mut spec = seed_spec();
    spec.services[0].tracing = true;
    spec.services[0].secrets.insert(
        "DB".into(),
        Text::lit("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
    );
    spec.services[0].secrets.insert(
        "FLAGS".into(),
        Text::lit("arn:aws:ssm:eu-west-1:123456789012:parameter/flags"),
    );
    let ir = lower(&spec, &BTreeMap::new());
    let role = ir.services[0]
        .instance_role
        .as_ref()
        .expect("instance role");
    let sids: Vec<&str> = role.statements.iter().map(|s| s.sid.as_str()).collect();
    assert_eq!(sids, ["ReadSecrets", "ReadParameters", "WriteTraces"]);
    assert_eq!(role.statements[0].resources.len(), 1);
    assert_eq!(role.statements[1].resources.len(), 1);
}

#[test]
fn resource_tree_has_parents_first_and_unique_names() {
    let mut spec = seed_spec();
    let seg = |s: &str| SegmentKind::Literal(s.into());
    spec.apis[0].routes = vec![
        Route {
            method: Method::Get,
            path: vec![seg("users"), SegmentKind::Var("id".into())],
            service: "orders".into(),
            target_path: vec![seg("v1"), SegmentKind::Var("id".into())],
            span: crate::testing::span(),
        },
        Route {
            method: Method::Get,
            path: vec![seg("users"), seg("id")],
            service: "orders".into(),
            target_path: vec![seg("x")],
            span: crate::testing::span(),
        },
        Route {
            method: Method::Get,
            path: vec![],
            service: "orders".into(),
            target_path: vec![],
            span: crate::testing::span(),
        },
    ];
    let ir = lower(&spec, &BTreeMap::new());
    let api = &ir.apis[0];
    let paths: Vec<&str> = api.resources.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/users", "/users/id", "/users/{id}"]);
    assert_eq!(api.resources[1].parent, Some(0));
    let names: Vec<&str> = api.resources.iter().map(|r| r.pascal.as_str()).collect();
    assert_eq!(names, ["Users", "UsersId", "UsersId2"]);
    let root = api
        .methods
        .iter()
        .find(|m| m.path == "/")
        .expect("root method");
    assert_eq!(
        (
            root.resource,
            root.pascal.as_str(),
            root.integration.target_path.as_str()
        ),
        (None, "GetRoot", "/")
    );
}

fn identity_lines(spec: &Spec) -> Vec<String> {
    let ir = lower(spec, &BTreeMap::new());
    let targets = super::api::Targets {
        networks: &ir.networks,
        services: &ir.services,
    };
    let api = &ir.apis[0];
    let mut lines = Vec::new();
    super::api::deployment_identity(api.auth, &api.methods, &targets, |line| {
        lines.push(String::from_utf8_lossy(line).into_owned())
    });
    lines
}

/// The identity is an explicit, versioned form (spec section 8): pinned here line by line,
/// so that a change to it is a reviewed change (it redeploys every api), and it can never
/// follow an internal struct by accident.
#[test]
fn the_deployment_identity_is_an_explicit_versioned_form() {
    let ir = lower(&seed_spec(), &BTreeMap::new());
    let link = ir.networks[0].link.as_ref().expect("link");
    let lines = identity_lines(&seed_spec());
    assert_eq!(
        lines,
        [
            r#"["aprc-deployment-identity","1"]"#.to_string(),
            format!(
                concat!(
                    r#"["method","ANY","/{{proxy+}}","authorization","NONE","api-key-required","true","#,
                    r#""integration","HTTP_PROXY","ANY","timeout-ms","29000","#,
                    r#""connection","VPC_LINK","vpc-link","seed-core","load-balancer","{nlb}","#,
                    r#""host","ingress-connection-domain","ingress-connection","seed-orders","#,
                    r#""service","seed-orders","vpc","created vpc 10.0.0.0/16","#,
                    r#""target-path","/{{proxy}}","#,
                    r#""method-request-parameters","method.request.path.proxy","#,
                    r#""integration-request-parameters","integration.request.path.proxy=method.request.path.proxy"]"#
                ),
                nlb = link.nlb_name
            ),
        ]
    );
    use sha2::{Digest, Sha256};
    let expected = crate::names::hex(&Sha256::digest(lines.join("\n").as_bytes()));
    assert_eq!(ir.apis[0].deployment_hash, expected);
}

/// Every change to what the stage serves changes the deployment (spec section 8); the same
/// spec gives the same deployment.
#[test]
fn every_change_a_stage_serves_changes_the_deployment() {
    let hash = |spec: &Spec| {
        lower(spec, &BTreeMap::new()).apis[0]
            .deployment_hash
            .clone()
    };
    let seed = hash(&seed_spec());
    assert_eq!(seed, hash(&seed_spec()), "stable across runs");
    let mut variants: Vec<(&str, Spec)> = Vec::new();
    for (what, auth) in [("auth none", Auth::None), ("auth iam", Auth::Iam)] {
        let mut spec = seed_spec();
        spec.apis[0].auth = auth;
        variants.push((what, spec));
    }
    let mut spec = seed_spec();
    spec.app.name = "seed2".into();
    variants.push(("app name", spec));
    let mut spec = seed_spec();
    let mut other = spec.services[0].clone();
    other.name = "other".into();
    spec.services.push(other);
    spec.apis[0].routes[0].service = "other".into();
    variants.push(("route target", spec));
    let mut spec = seed_spec();
    spec.apis[0].routes[0].target_path = vec![
        SegmentKind::Literal("v1".into()),
        SegmentKind::Greedy("proxy".into()),
    ];
    variants.push(("target path", spec));
    let mut spec = seed_spec();
    spec.networks[0].source = NetworkSource::Create {
        base: 0x0a01_0000,
        prefix: 16,
        zones: 2,
        subnet_size: 24,
    };
    variants.push(("the VPC behind the link", spec));
    let mut spec = seed_spec();
    spec.services[0].ingress = Ingress::Public;
    variants.push(("private to public target", spec));
    let mut spec = seed_spec();
    spec.apis[0].routes[0].method = Method::Post;
    variants.push(("method", spec));
    let mut all = std::collections::BTreeSet::from([seed.clone()]);
    for (what, spec) in &variants {
        let h = hash(spec);
        assert_ne!(h, seed, "{what} must redeploy");
        assert!(all.insert(h), "{what} collides with another variant");
    }
    // What a stage does not serve leaves it alone: a tag, the stage's tracing.
    let mut spec = seed_spec();
    spec.app.tags.insert("owner".into(), Text::lit("x"));
    spec.apis[0].tracing = true;
    assert_eq!(hash(&spec), seed);
}
