//! `--tf-module` on hand-built specs: what a module leaves to the root that calls it (the
//! provider, so the region) and what it must then carry itself (the app's tags, on every
//! resource that takes them). `tests/tf.rs` has terraform plan such a module from a root.

use super::tags::{taggable, UNTAGGED};
use super::tests::{ecs_kitchen, kitchen, tf_as};
use super::Layout;
use crate::lower::lower;
use crate::text::Text;
use hcl::{Block, Body, Expression};
use std::collections::{BTreeMap, BTreeSet};

/// A region that appears in no image or ARN of the kitchen spec (its image is in
/// `eu-west-1`), only where the app's region is used; and a tag holding a param.
fn spec() -> crate::model::Spec {
    let mut spec = kitchen();
    spec.app.region = "ap-northeast-3".into();
    spec.app
        .tags
        .insert("release".into(), Text::param("image_tag"));
    spec
}

fn parse(text: &str) -> Body {
    hcl::parse(text).unwrap_or_else(|e| panic!("not HCL: {e}\n{text}"))
}

fn labels(b: &Block) -> Vec<&str> {
    b.labels().iter().map(|l| l.as_str()).collect()
}

fn attr<'a>(b: &'a Block, key: &str) -> Option<&'a Expression> {
    b.body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr())
}

#[test]
fn a_module_has_no_provider_and_reads_the_region() {
    let spec = spec();
    let root = tf_as(&spec, Layout::Root);
    // Not vacuous: the root does write the region out.
    assert!(root.contains("\"ap-northeast-3\""), "{root}");
    assert!(root.contains("com.amazonaws.ap-northeast-3.apprunner.requests"));

    let module = tf_as(&spec, Layout::Module);
    assert!(!module.contains("ap-northeast-3"), "{module}");
    assert!(!module.contains("default_tags"), "{module}");
    let body = parse(&module);
    assert!(
        !body.blocks().any(|b| b.identifier() == "provider"),
        "{module}"
    );
    let regions: Vec<&Block> = body
        .blocks()
        .filter(|b| b.identifier() == "data" && labels(b) == ["aws_region", "current"])
        .collect();
    assert_eq!(regions.len(), 1, "{module}");
    assert!(regions[0].body().iter().next().is_none());
    // The module still states the provider it needs.
    assert!(module.starts_with(
        "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n"
    ));
    let endpoints: Vec<&Block> = body
        .blocks()
        .filter(|b| b.identifier() == "resource" && labels(b)[0] == "aws_vpc_endpoint")
        .collect();
    assert!(!endpoints.is_empty());
    for endpoint in endpoints {
        let name = attr(endpoint, "service_name").expect("service_name");
        assert_eq!(
            hcl::format::to_string(name).expect("format"),
            "\"com.amazonaws.${data.aws_region.current.name}.apprunner.requests\""
        );
    }
}

/// Exactly the tags the root's `default_tags` carries, on exactly the resources whose type
/// takes `tags`; every type the backend writes is decided one way or the other.
#[test]
fn a_module_tags_every_resource_that_takes_tags() {
    let mut written = BTreeSet::new();
    // The kitchen's tags hold a param; the ECS kitchen writes the ECS and NAT types.
    for (spec, param_tag) in [(spec(), true), (ecs_kitchen(), false)] {
        let root = parse(&tf_as(&spec, Layout::Root));
        let default_tags = root
            .blocks()
            .find(|b| b.identifier() == "provider")
            .and_then(|p| p.body().blocks().find(|b| b.identifier() == "default_tags"))
            .and_then(|d| attr(d, "tags"))
            .expect("the root's default_tags")
            .clone();
        let text = hcl::format::to_string(&default_tags).expect("format");
        assert!(
            text.contains("app") && (!param_tag || text.contains("var.image_tag")),
            "{text}"
        );

        let module = tf_as(&spec, Layout::Module);
        let body = parse(&module);
        for block in body.blocks().filter(|b| b.identifier() == "resource") {
            let ty = labels(block)[0];
            written.insert(ty.to_string());
            assert!(
                taggable(ty) || UNTAGGED.contains(&ty),
                "`{ty}` is written but not decided in tags.rs"
            );
            let tags = attr(block, "tags");
            if taggable(ty) {
                assert_eq!(tags, Some(&default_tags), "{ty}.{}", labels(block)[1]);
            } else {
                assert_eq!(tags, None, "{ty}.{}", labels(block)[1]);
            }
        }
    }
    // The spec writes every type the table decides, so none of its entries is untested.
    let decided: BTreeSet<String> = super::tags::TAGGED
        .iter()
        .chain(UNTAGGED)
        .map(|t| t.to_string())
        .collect();
    assert_eq!(written, decided);
}

/// Tags go before the trailing meta-arguments, and the root's file is unchanged by all this.
#[test]
fn tags_come_before_lifecycle_and_depends_on() {
    let module = tf_as(&spec(), Layout::Module);
    let service = module
        .split("\n\n")
        .skip_while(|b| !b.starts_with("resource \"aws_api_gateway_stage\""))
        .take_while(|b| !b.starts_with("resource \"aws_api_gateway_method_settings\""))
        .collect::<Vec<_>>()
        .join("\n\n");
    let tags = service.find("  tags = {").expect("tagged stage");
    let depends = service
        .find("  depends_on = ")
        .expect("stage depends on the account");
    assert!(tags < depends, "{service}");
}

/// The blocks written are the check's addresses plus the module's region lookup, which
/// cannot collide with anything (no other `aws_region` block exists).
#[test]
fn a_module_writes_the_listed_addresses_and_its_region_lookup() {
    let spec = spec();
    let g = lower(&spec, &BTreeMap::new());
    let body = parse(&tf_as(&spec, Layout::Module));
    let mut written: Vec<String> = body
        .blocks()
        .filter(|b| b.identifier() != "terraform")
        .map(|b| {
            std::iter::once(b.identifier())
                .chain(labels(b))
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    let mut listed: Vec<String> = super::addresses(&g)
        .expect("addresses")
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    listed.push("data.aws_region.current".into());
    written.sort();
    listed.sort();
    assert_eq!(written, listed);
}
