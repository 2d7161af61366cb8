//! Whole-checker unit tests: the rules that fixtures cannot show well (absence of cascading
//! errors, defaults in the Spec). Names and ids are the validation pass's (src/validate/tests.rs).

use crate::diag::Diagnostics;
use crate::model::{Ingress, Spec};
use crate::source::Sources;

/// Checks one or more files as one application: (sorted codes, spec).
fn run(files: &[&str]) -> (Vec<&'static str>, Option<Spec>) {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let mut modules = Vec::new();
    for (i, text) in files.iter().enumerate() {
        let id = sources.add(format!("f{i}.apr"), (*text).to_string());
        modules.extend(crate::syntax::parse(id, text, &mut diags));
    }
    assert!(!diags.has_errors(), "syntax: {:?}", diags.sorted());
    let spec = super::check(&modules, &mut diags);
    assert_eq!(spec.is_some(), !diags.has_errors());
    let mut codes: Vec<&'static str> = diags.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    (codes, spec)
}

const APP: &str = "app demo {\n  region = \"eu-west-1\"\n}\n";

#[test]
fn private_without_network_is_one_error_not_three() {
    let src = format!("{APP}service web {{\n image = \"public.ecr.aws/a/web:1\"\n ingress = private\n}}\napi edge {{\n route ANY /{{proxy+}} -> web\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0308"]);
}

#[test]
fn a_misspelt_ingress_is_one_error() {
    let src = format!("{APP}network core {{\n cidr = 10.0.0.0/16\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n network = core\n ingress = privat\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0103"]);
}

#[test]
fn a_duplicate_declaration_is_still_checked() {
    let src = format!("{APP}service web {{\n image = \"public.ecr.aws/a/web:1\"\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n port = 0\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0104", "E0303"]);
}

#[test]
fn params_are_global_across_files() {
    let a = format!("{APP}param tag = \"1.0\"\n");
    let b = "service web {\n image = \"public.ecr.aws/a/web:${tag}\"\n}\n";
    let (codes, spec) = run(&[&a, b]);
    assert_eq!(codes, Vec::<&str>::new());
    let spec = spec.expect("spec");
    assert_eq!(spec.services[0].ingress, Ingress::Public);
    assert_eq!(spec.services[0].image.params().collect::<Vec<_>>(), ["tag"]);
}

#[test]
fn warnings_alone_still_give_a_spec() {
    let src = format!("{APP}param unused = \"x\"\nnetwork core {{\n cidr = 10.0.0.0/16\n zones = 1\n}}\nservice web {{\n image = \"public.ecr.aws/a/web:1\"\n}}\n");
    let (codes, spec) = run(&[&src]);
    assert_eq!(codes, ["W0002", "W0003"]);
    assert!(spec.is_some());
}

#[test]
fn every_error_of_a_block_is_reported() {
    let src = format!("{APP}service web {{\n image = \"docker.io/x:1\"\n port = 0\n cpu = 3 vcpu\n memory = 5 gb\n env = {{ \"A-B\" = \"x\" }}\n tracing = 1\n}}\n");
    assert_eq!(
        run(&[&src]).0,
        ["E0103", "E0301", "E0303", "E0304", "E0310", "E0313"]
    );
}

#[test]
fn a_param_written_as_a_block_is_not_an_api() {
    let src = format!("{APP}param tag {{\n default = \"1\"\n}}\n");
    assert_eq!(run(&[&src]).0, ["E0110"]);
}

#[test]
fn an_unnamed_app_is_one_error() {
    assert_eq!(run(&["app {\n region = \"eu-west-1\"\n}\n"]).0, ["E0112"]);
    assert_eq!(
        run(&["service web {\n image = \"public.ecr.aws/a/web:1\"\n}\n"]).0,
        ["E0105"]
    );
}
