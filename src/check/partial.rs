//! Rules on strings that may hold params (the api `stage`, the health `path`; the image,
//! secrets and `allow` resources of a service, whose rules live with their checks). What the
//! literal parts already decide is checked with the spec (a path whose first part is literal
//! must start with `/`; every literal character of a stage must be allowed in a stage name);
//! what a param decides is checked once `--param` bakes a value in ([`baked`]). A param left
//! symbolic is checked by AWS when the output is deployed: no backend can know it sooner.

use crate::diag::Code;
use crate::model::{NetworkSource, Spec};
use crate::span::Span;
use crate::text::{Text, TextPart};
use std::collections::BTreeMap;

/// API Gateway's stage names: 1-128 letters, digits or `_`.
const STAGE_MAX: usize = 128;

fn stage_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Why `stage` cannot be a stage name, judged on what is known: the whole name when it is
/// literal, else each literal character and the literal length.
pub fn stage_fault(stage: &Text) -> Option<String> {
    let literal: String = stage
        .parts
        .iter()
        .filter_map(|p| match p {
            TextPart::Lit(s) => Some(s.as_str()),
            TextPart::Param(_) => None,
        })
        .collect();
    if let Some(c) = literal.chars().find(|c| !stage_char(*c)) {
        return Some(format!(
            "`{}` is not allowed in a stage name",
            c.escape_debug()
        ));
    }
    if literal.len() > STAGE_MAX {
        return Some(format!(
            "a stage name has at most {STAGE_MAX} characters, this one has {}",
            literal.len()
        ));
    }
    if stage.parts.is_empty() {
        return Some("a stage name cannot be empty".to_string());
    }
    None
}

/// Why a health check `path` is not one: it must start with `/`, which is known when its
/// first part is literal (or it is empty).
pub fn health_path_fault(path: &Text) -> Option<String> {
    match path.parts.first() {
        Some(TextPart::Param(_)) => None,
        Some(TextPart::Lit(s)) if s.starts_with('/') => None,
        _ => Some("it does not start with `/`".to_string()),
    }
}

/// The checks above on the values `--param` bakes in: a value that makes a stage or a health
/// path invalid is refused before anything is emitted. `Err` is the usage error's message.
pub fn baked(spec: &Spec, values: &BTreeMap<String, String>) -> Result<(), String> {
    faults(spec, values, "with these --param values").map_err(|(_, message)| message)
}

/// Each param's default, baked in alone, judged as [`baked`] judges a `--param` value: a
/// default the output would deploy as is (the plan's parameters, a Terraform variable's
/// default) must pass the checks its param stands in for.
pub fn defaults(spec: &Spec, given: &BTreeMap<String, String>) -> Vec<(Span, Code, String)> {
    spec.params
        .iter()
        .filter(|p| !given.contains_key(&p.name))
        .filter_map(|p| {
            let value = p.default.clone()?;
            let values = BTreeMap::from([(p.name.clone(), value)]);
            let source = format!("with param `{}` at its default", p.name);
            faults(spec, &values, &source)
                .err()
                .map(|(code, message)| (p.span, code, message))
        })
        .collect()
}

/// The first check a baked value fails: its code, and the message, which starts with
/// `source` (what baked the values in).
fn faults(
    spec: &Spec,
    values: &BTreeMap<String, String>,
    source: &str,
) -> Result<(), (Code, String)> {
    if values.is_empty() {
        return Ok(());
    }
    for api in &spec.apis {
        let stage = api.stage.bake(values);
        if stage != api.stage {
            if let Some(fault) = stage_fault(&stage) {
                return Err((Code::E0407, format!(
                    "{source} the stage of api `{}` would be `{stage}`, which is not a stage name: {fault}",
                    api.name
                )));
            }
        }
    }
    // What each param deploys as: its value, else its default (for subnets listed twice).
    let mut deployed: BTreeMap<String, String> = spec
        .params
        .iter()
        .filter_map(|p| Some((p.name.clone(), p.default.clone()?)))
        .collect();
    deployed.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
    for network in &spec.networks {
        let NetworkSource::Existing { vpc_id, subnet_ids } = &network.source else {
            continue;
        };
        let name = &network.name;
        let vpc = vpc_id.bake(values);
        if vpc != *vpc_id && !super::network::id_could_be(&vpc, "vpc-") {
            return Err((
                Code::E0208,
                format!(
                    "{source} the VPC of network `{name}` would be `{vpc}`, which is not a VPC id"
                ),
            ));
        }
        let subnets: Vec<Text> = subnet_ids.iter().map(|s| s.bake(values)).collect();
        let others: Vec<Text> = subnet_ids.iter().map(|s| s.bake(&deployed)).collect();
        for (i, (subnet, written)) in subnets.iter().zip(subnet_ids).enumerate() {
            if subnet == written {
                continue;
            }
            if !super::network::id_could_be(subnet, "subnet-") {
                return Err((Code::E0208, format!(
                    "{source} a subnet of network `{name}` would be `{subnet}`, which is not a subnet id"
                )));
            }
            // Listed twice once baked, beside any other entry as it deploys.
            if subnet.as_literal().is_some()
                && others
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other == subnet)
            {
                return Err((
                    Code::E0208,
                    format!("{source} network `{name}` would list subnet `{subnet}` twice"),
                ));
            }
        }
    }
    let ours = crate::backends::partition(&spec.app.region);
    for service in &spec.services {
        let name = &service.name;
        // Only what the values change: the rest was checked with the spec.
        let changed = |text: &Text| Some(text.bake(values)).filter(|b| b != text);
        if let Some(baked) = changed(&service.image) {
            if let Err(super::image::ImageError::Unsupported(fault)) =
                super::image::classify(&baked)
            {
                return Err((Code::E0310, format!(
                    "{source} the image of service `{name}` would be `{baked}`, which is not an image aprc can pull: {fault}"
                )));
            }
        }
        for (key, secret) in &service.secrets {
            if let Some(baked) = changed(secret) {
                if !super::env::could_be_secret_arn(&baked) {
                    return Err((Code::E0305, format!(
                        "{source} the secret `{key}` of service `{name}` would be `{baked}`, which is not a Secrets Manager or SSM parameter ARN"
                    )));
                }
                if let Some(theirs) = other_partition(&baked, ours) {
                    return Err((Code::E0305, format!(
                        "{source} the secret `{key}` of service `{name}` would be `{baked}`, in partition `{theirs}`, which a service in partition `{ours}` cannot read"
                    )));
                }
            }
        }
        for resource in service.grants.iter().flat_map(|g| &g.resources) {
            let Some(baked) = changed(resource) else {
                continue;
            };
            let literal = baked.as_literal();
            if literal.is_some_and(|r| r != "*" && !super::allow::is_arn_pattern(&r)) {
                return Err((Code::E0703, format!(
                    "{source} an `allow` resource of service `{name}` would be `{baked}`, which is not an ARN"
                )));
            }
            if let Some(theirs) = other_partition(&baked, ours) {
                return Err((Code::E0703, format!(
                    "{source} an `allow` resource of service `{name}` would be `{baked}`, in partition `{theirs}`, which IAM refuses in a policy of partition `{ours}`"
                )));
            }
        }
        let Some(path) = service.health.as_ref().and_then(|h| h.path.as_ref()) else {
            continue;
        };
        if let Some(baked) = changed(path) {
            if let Some(fault) = health_path_fault(&baked) {
                return Err((Code::E0306, format!(
                    "{source} the health check path of service `{name}` would be `{baked}`, which is not a path: {fault}"
                )));
            }
        }
    }
    Ok(())
}

/// The partition an ARN's literal start names when it is another than `ours`.
pub fn other_partition(arn: &Text, ours: &str) -> Option<String> {
    let TextPart::Lit(start) = arn.parts.first()? else {
        return None;
    };
    let (partition, _) = start.strip_prefix("arn:")?.split_once(':')?;
    (!partition.contains(['*', '?']) && partition != ours).then(|| partition.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::text;

    #[test]
    fn stage_literal_parts_are_checked_and_params_are_not() {
        assert_eq!(stage_fault(&Text::lit("prod_1")), None);
        assert_eq!(stage_fault(&text(&[("env", true), ("_v1", false)])), None);
        assert!(
            stage_fault(&text(&[("env", true), ("-v1", false)])).is_some_and(|f| f.contains("`-`"))
        );
        assert!(stage_fault(&Text::lit("")).is_some());
        assert!(stage_fault(&Text::lit("a".repeat(129))).is_some());
        assert_eq!(stage_fault(&Text::lit("a".repeat(128))), None);
    }

    #[test]
    fn a_health_path_with_a_literal_start_must_start_with_a_slash() {
        assert_eq!(
            health_path_fault(&text(&[("/v1/", false), ("p", true)])),
            None
        );
        assert_eq!(
            health_path_fault(&text(&[("p", true), ("/x", false)])),
            None
        );
        assert!(health_path_fault(&text(&[("v1/", false), ("p", true)])).is_some());
        assert!(health_path_fault(&Text::lit("")).is_some());
    }
}
