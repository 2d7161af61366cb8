//! Every change that alters what a stage serves redeploys it, on every target (spec section
//! 8): the CloudFormation deployment's logical id, the Terraform `triggers` and the plan's
//! deployment step change together, and only then.

use crate::support;

use std::collections::BTreeSet;
use support::aprc;

const SEED: &str = r#"
app seed {
  region = "eu-west-1"
}

network core {
  cidr  = 10.0.0.0/16
  zones = 2
}

service orders {
  image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:1.0"
  network = core
}

service billing {
  image   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:1.0"
  network = core
}

service web {
  image   = "public.ecr.aws/acme/web:1.0"
}

api public {
  network = core
  auth    = api_key

  route ANY /{proxy+} -> orders
}
"#;

fn build(spec: &str, target: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("app.apr");
    std::fs::write(&path, spec).expect("spec");
    let out = aprc()
        .args(["build", "--target", target])
        .arg(&path)
        .output()
        .expect("aprc runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The deployment's identity as each target spells it.
fn identities(spec: &str) -> [String; 3] {
    let cfn: serde_json::Value = serde_json::from_str(&build(spec, "cfn")).expect("JSON");
    let deployment = cfn["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::ApiGateway::Deployment")
        .map(|(id, _)| id.clone())
        .expect("a deployment");
    let tf = build(spec, "tf");
    let trigger = tf
        .lines()
        .find(|l| l.trim_start().starts_with("redeployment"))
        .map(|l| l.split('"').nth(1).unwrap_or_default().to_string())
        .expect("a trigger");
    let plan: serde_json::Value = serde_json::from_str(&build(spec, "plan")).expect("JSON");
    let step = plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["operation"] == "CreateDeployment")
        .map(|s| s["input"]["description"].to_string())
        .expect("a deployment step");
    [deployment, trigger, step]
}

#[test]
fn every_change_a_stage_serves_redeploys_it_on_every_target() {
    let seed = identities(SEED);
    assert_eq!(seed, identities(SEED), "the same spec, the same deployment");
    // The three targets spell one identity: the plan and Terraform carry the whole digest,
    // CloudFormation's logical id its first twelve digits.
    assert!(seed[2].contains(&seed[1]), "{seed:?}");
    assert!(seed[0].ends_with(&seed[1][..12]), "{seed:?}");
    let variants = [
        (
            "auth none",
            SEED.replace("auth    = api_key", "auth    = none"),
        ),
        (
            "auth iam",
            SEED.replace("auth    = api_key", "auth    = iam"),
        ),
        ("app renamed", SEED.replace("app seed", "app seed2")),
        ("route target", SEED.replace("-> orders", "-> billing")),
        ("public target", SEED.replace("-> orders", "-> web")),
        (
            "target path",
            SEED.replace("-> orders", "-> orders /v1/{proxy}"),
        ),
        ("method", SEED.replace("route ANY", "route GET")),
        ("network block", SEED.replace("10.0.0.0/16", "10.1.0.0/16")),
        (
            "another route",
            SEED.replace(
                "route ANY /{proxy+} -> orders",
                "route ANY /{proxy+} -> orders\n  route GET /b -> billing",
            ),
        ),
    ];
    let mut seen = BTreeSet::from([seed.clone()]);
    for (what, spec) in &variants {
        let ids = identities(spec);
        for (target, (before, after)) in ["cfn", "tf", "plan"].iter().zip(seed.iter().zip(&ids)) {
            assert_ne!(
                before, after,
                "{what}: the {target} deployment did not change"
            );
        }
        assert!(
            seen.insert(ids),
            "{what}: the same deployment as another change"
        );
    }
    // What the stage does not serve: tags, the stage's tracing, a service nobody routes to.
    let unchanged = [
        SEED.replace(
            "region = \"eu-west-1\"",
            "region = \"eu-west-1\"\n  tags = { team = \"x\" }",
        ),
        SEED.replace("auth    = api_key", "auth    = api_key\n  tracing = true"),
        SEED.replace("web:1.0", "web:2.0"),
    ];
    for spec in &unchanged {
        assert_eq!(identities(spec), seed, "{spec}");
    }
}
