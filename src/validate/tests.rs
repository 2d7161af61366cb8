//! The validation pass through `driver::check`, as `aprc check` runs it: names checked only
//! when their resource exists, and the collisions the issue that introduced the pass listed,
//! each reported at the declarations involved and never at the `app` block alone.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Sources;

/// `aprc check` on one file: (its diagnostics, whether a graph came out).
fn check(text: &str) -> (Vec<Diagnostic>, bool) {
    let mut sources = Sources::new();
    sources.add("main.apr", text.to_string());
    let mut diags = Diagnostics::new();
    let graph = crate::driver::check(&sources, &mut diags);
    let out = diags.sorted().into_iter().cloned().collect();
    (out, graph.is_some())
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

/// The text a diagnostic's primary label underlines.
fn underlined<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    &text[d.primary.span.start as usize..d.primary.span.end as usize]
}

const APP: &str = "app demo {\n  region = \"eu-west-1\"\n}\n";
const WEB: &str = "service web {\n  image = \"public.ecr.aws/a/web:1\"\n}\n";

#[test]
fn nlb_name_is_checked_only_when_an_api_reaches_the_network() {
    let long = "app a-very-long-application-name {\n  region = \"eu-west-1\"\n}\nnetwork core-net {\n cidr = 10.0.0.0/16\n}\nservice web {\n image = \"public.ecr.aws/a/web:1\"\n network = core-net\n}\n";
    // No api: no NLB, so only the reachability warning.
    let (diags, built) = check(long);
    assert_eq!(codes(&diags), ["W0001"]);
    assert!(built);
    let with_api =
        format!("{long}api edge {{\n network = core-net\n route ANY /{{proxy+}} -> web\n}}\n");
    let (diags, built) = check(&with_api);
    assert_eq!(codes(&diags), ["E0501"]);
    assert!(!built);
    assert_eq!(underlined(&with_api, &diags[0]), "core-net");
}

#[test]
fn connector_name_is_checked_only_with_vpc_egress() {
    let base = |egress: &str| {
        format!("app application-name-of-thirty-c {{\n region = \"eu-west-1\"\n}}\nnetwork network-twelve {{\n cidr = 10.0.0.0/16\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n network = network-twelve\n ingress = public\n egress = {egress}\n}}\n")
    };
    assert_eq!(codes(&check(&base("internet")).0), Vec::<&str>::new());
    let (diags, built) = check(&base("vpc"));
    assert_eq!(codes(&diags), ["E0501"]);
    assert!(!built);
    assert!(
        diags[0].message.contains("VPC connector"),
        "{}",
        diags[0].message
    );
}

#[test]
fn apis_whose_names_and_paths_join_alike_collide_at_both_apis() {
    let text = format!(
        "{APP}{WEB}api a {{\n  route GET /b/x -> web\n}}\napi a-b {{\n  route GET /x -> web\n}}\n"
    );
    let (diags, built) = check(&text);
    assert!(!built);
    assert!(!diags.is_empty());
    for d in &diags {
        assert_eq!(d.code, Code::E0502, "{}", d.message);
        let other = d.secondary.first().expect("the other api is labelled");
        let mut both = [
            underlined(&text, d),
            &text[other.span.start as usize..other.span.end as usize],
        ];
        both.sort_unstable();
        assert_eq!(both, ["a", "a-b"], "{}", d.message);
    }
}

#[test]
fn a_param_whose_id_is_empty_is_refused_at_the_param() {
    let text = format!(
        "{APP}param _ = \"x\"\nservice web {{\n  image = \"public.ecr.aws/a/web:${{_}}\"\n}}\n"
    );
    let (diags, built) = check(&text);
    assert!(!built);
    assert_eq!(codes(&diags), ["E0502"]);
    assert!(underlined(&text, &diags[0]).starts_with("param _ ="));
    assert!(
        diags[0].message.contains("no letter or digit"),
        "{}",
        diags[0].message
    );
}

#[test]
fn services_differing_only_in_case_collide() {
    let text = format!(
        "{APP}service alpha {{\n  image = \"public.ecr.aws/a/web:1\"\n}}\nservice ALPHA {{\n  image = \"public.ecr.aws/a/web:1\"\n}}\n"
    );
    let (diags, built) = check(&text);
    assert!(!built);
    assert!(!codes(&diags).is_empty());
    for d in &diags {
        assert_eq!(d.code, Code::E0502, "{}", d.message);
        assert!(
            ["alpha", "ALPHA"].contains(&underlined(&text, d)),
            "{}",
            d.message
        );
    }
}

#[test]
fn an_api_whose_logical_ids_pass_255_characters_is_refused_at_the_api() {
    let name = "a".repeat(250);
    let text = format!("{APP}{WEB}api {name} {{\n  route GET /x -> web\n}}\n");
    let (diags, built) = check(&text);
    assert!(!built);
    // One diagnostic for the api, though each of its resources' ids is too long.
    assert_eq!(codes(&diags), ["E0502"]);
    assert!(
        diags[0].message.contains("more than 255"),
        "{}",
        diags[0].message
    );
    assert_eq!(underlined(&text, &diags[0]), name);
}

#[test]
fn names_are_not_checked_while_the_spec_has_errors() {
    // The NLB name would be too long, but the route's target is unknown: which resources
    // exist is not settled, so only the spec's own error is reported.
    let text = "app a-very-long-application-name {\n  region = \"eu-west-1\"\n}\nnetwork core-net {\n cidr = 10.0.0.0/16\n}\nservice web {\n image = \"public.ecr.aws/a/web:1\"\n network = core-net\n}\napi edge {\n network = core-net\n route ANY /x -> nope\n}\n";
    let (diags, built) = check(text);
    assert!(!built);
    assert!(!codes(&diags).contains(&"E0501"), "{diags:?}");
    assert!(diags.iter().any(|d| !d.code.is_warning()));
}
