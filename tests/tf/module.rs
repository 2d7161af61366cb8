//! `aprc build --target tf --tf-module`: the module is planned by terraform from a root that
//! configures the provider itself (in `support::terraform::ROOT_REGION`, which no app here
//! names), in the same batch as the roots (`terraform.rs`). Each module is compared with the
//! root built from the same spec: the same resources planned, the same tags on each (the
//! root's through `default_tags`, the module's on the resource), and every region-dependent
//! value in the root's region, not the app's.

use super::terraform::planned;
use super::{build, build_with, parse};
use crate::support::terraform::{Doc, Planned, ROOT_REGION};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Two networks, so two endpoints whose service names hold the region; public images, so
/// the app's region appears nowhere else.
const PAIR: &str = r#"app pair {
  region = "us-east-2"
  tags   = { team = "edge" }
}

network east {
  cidr  = 10.1.0.0/16
  zones = 2
}

network west {
  cidr  = 10.2.0.0/16
  zones = 3
}

service a {
  image   = "public.ecr.aws/acme/a:1.0"
  network = east
  ingress = private
}

service b {
  image   = "public.ecr.aws/acme/b:1.0"
  network = west
  ingress = private
}

api ea {
  network = east
  route ANY /{proxy+} -> a
}

api wb {
  network = west
  route ANY /{proxy+} -> b
}
"#;

/// Each module's name, the root's it is compared with, the app's region and name.
const MODULES: [(&str, &str, &str, &str); 5] = [
    ("seed-module", "seed", "eu-west-1", "seed"),
    ("shop-module", "shop", "eu-west-1", "shop"),
    ("pair-module", "pair", "us-east-2", "pair"),
    ("ecs-module", "ecs", "eu-west-1", "shopecs"),
    ("mixed-module", "mixed", "eu-west-1", "mixed"),
];

fn pair_spec(dir: &Path) -> Result<PathBuf, String> {
    let spec = dir.join("pair.apr");
    std::fs::write(&spec, PAIR).map_err(|e| e.to_string())?;
    Ok(spec)
}

/// The modules of the batch, and the root of the spec that is no example.
pub(crate) fn docs(dir: &Path) -> Result<Vec<Doc>, String> {
    let pair = pair_spec(dir)?;
    let module = |spec: &Path| build_with(&[spec.to_path_buf()], &["--tf-module"]);
    Ok(vec![
        Doc::module("seed-module", module(Path::new("examples/seed.apr"))),
        Doc::module("shop-module", module(Path::new("examples/shop.apr"))),
        Doc::module("pair-module", module(&pair)),
        Doc::module("ecs-module", module(Path::new("examples/ecs.apr"))),
        Doc::module("mixed-module", module(Path::new("examples/mixed.apr"))),
        Doc::new("pair", build(&[pair])),
    ])
}

/// The managed resources planned in `module`, by address within it, with their change.
fn managed<'a>(planned: &'a Planned, module: &str) -> BTreeMap<String, &'a Value> {
    let prefix = format!("module.{module}.");
    planned.plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["mode"] == "managed")
        .filter_map(|c| {
            let address = c["address"].as_str()?.strip_prefix(&prefix)?;
            Some((address.to_string(), &c["change"]))
        })
        .collect()
}

/// Resource instances a main.tf declares: a block counts `count` times.
pub(crate) fn declared(text: &str) -> usize {
    parse(text)
        .blocks()
        .filter(|b| b.identifier() == "resource")
        .map(|b| match super::attr(b, "count") {
            Some(hcl::Expression::Number(n)) => n.as_u64().unwrap_or(1) as usize,
            _ => 1,
        })
        .sum()
}

#[test]
fn a_module_plans_every_resource_from_a_root_that_configures_the_provider() {
    let planned = planned();
    let dir = tempfile::tempdir().expect("temp dir");
    let pair = pair_spec(dir.path()).expect("pair spec");
    for (module, root, _, _) in MODULES {
        let source = match root {
            "pair" => pair.clone(),
            example => PathBuf::from(format!("examples/{example}.apr")),
        };
        let text = build_with(&[source], &["--tf-module"]);
        let changes = managed(planned, module);
        let creates = changes
            .values()
            .filter(|c| c["actions"] == serde_json::json!(["create"]))
            .count();
        assert_eq!(creates, changes.len(), "{module}: not all creates");
        assert_eq!(creates, declared(&text), "{module}");
        let root_changes = managed(planned, root);
        assert_eq!(
            changes.keys().collect::<Vec<_>>(),
            root_changes.keys().collect::<Vec<_>>(),
            "{module} and {root} plan different resources"
        );
    }
    // A few by name, as a user would find them.
    let seed = managed(planned, "seed-module");
    for address in [
        "aws_api_gateway_rest_api.public",
        "aws_apprunner_service.orders",
        "aws_vpc_endpoint.core",
        "aws_lb_target_group_attachment.core[1]",
    ] {
        assert!(seed.contains_key(address), "no {address} in {seed:?}");
    }
}

/// The root's region, not the app's: the endpoints' service names, the ECS tasks' log
/// region, and every string the plan knows.
#[test]
fn a_module_follows_the_root_region() {
    let planned = planned();
    for (module, root, app_region, _) in MODULES {
        let endpoints: Vec<(String, &Value)> = managed(planned, module)
            .into_iter()
            .filter(|(a, _)| a.starts_with("aws_vpc_endpoint."))
            .collect();
        assert!(!endpoints.is_empty(), "{module}");
        for (address, change) in endpoints {
            let in_root = &managed(planned, root)[&address];
            let root_name = in_root["after"]["service_name"]
                .as_str()
                .unwrap_or_default();
            let service = root_name
                .strip_prefix(&format!("com.amazonaws.{app_region}."))
                .unwrap_or_else(|| panic!("{root}.{address}: {root_name}"));
            assert_eq!(
                change["after"]["service_name"],
                format!("com.amazonaws.{ROOT_REGION}.{service}"),
                "{module}.{address}"
            );
        }
        // Known at plan time where no container names a value made on apply.
        let mut logs = 0;
        for (address, change) in managed(planned, module) {
            let Some(defs) = address
                .starts_with("aws_ecs_task_definition.")
                .then(|| change["after"]["container_definitions"].as_str())
                .flatten()
            else {
                continue;
            };
            let containers: Value = serde_json::from_str(defs).expect("JSON container list");
            for c in containers.as_array().into_iter().flatten() {
                let options = &c["logConfiguration"]["options"];
                assert_eq!(options["awslogs-region"], ROOT_REGION, "{module}.{address}");
                logs += 1;
            }
        }
        if module.starts_with("ecs") || module.starts_with("mixed") {
            assert!(logs > 0, "{module}: no task definition known at plan time");
        }
    }
    // The app's region appears nowhere in the pair's module plan (its images are public).
    for (address, change) in managed(planned, "pair-module") {
        assert!(
            !change["after"].to_string().contains("us-east-2"),
            "pair-module.{address}: {}",
            change["after"]
        );
    }
}

/// Each resource ends with the tags it has under the root's `default_tags`.
#[test]
fn a_module_tags_what_default_tags_would() {
    let planned = planned();
    for (module, root, _, app) in MODULES {
        let root_changes = managed(planned, root);
        let mut tagged = 0;
        for (address, change) in managed(planned, module) {
            let after = &change["after"];
            let want = &root_changes[&address]["after"]["tags_all"];
            assert_eq!(&after["tags_all"], want, "{module}.{address}");
            if after.get("tags_all").is_some() {
                assert_eq!(&after["tags"], want, "{module}.{address}");
                assert_eq!(after["tags"]["app"], app, "{module}.{address}");
                tagged += 1;
            }
        }
        assert!(tagged >= 10, "{module}: only {tagged} tagged resources");
    }
}
