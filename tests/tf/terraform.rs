//! terraform itself on the emitted main.tf: `init` from the local provider mirror, `fmt
//! -check`, `validate`, and `plan` against moto, for every example and for a spec of hostile
//! strings whose evaluated values are compared with what the spec says.

use super::build;
use crate::support::{self, example_name, examples};
use std::path::{Path, PathBuf};

pub(crate) use crate::support::terraform::terraform;

/// init, fmt -check, validate and plan (saved as `plan.bin`) one main.tf in `root/name`;
/// `Err` carries terraform's output.
fn terraform_checks(name: &str, text: &str, root: &Path) -> Result<PathBuf, String> {
    terraform_checks_with(name, text, root, &[])
}

/// [`terraform_checks`] planning with `-var NAME=VALUE` for each of `vars`.
pub(crate) fn terraform_checks_with(
    name: &str,
    text: &str,
    root: &Path,
    vars: &[(&str, &str)],
) -> Result<PathBuf, String> {
    crate::support::terraform::checks(name, text, root, vars)
}

#[test]
fn terraform_fmt_validate_and_plan_every_example() {
    let failures = support::terraform::on_two_workers(&examples(), |e, root| {
        terraform_checks(&example_name(e), &build(std::slice::from_ref(e)), root).map(|_| ())
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// User strings that HCL would misread if written raw: quotes, backslashes, control
/// characters, literal `${` / `%{`, and a literal `$` right before a param. Terraform itself
/// must evaluate each to exactly what the spec says.
#[test]
fn hostile_strings_reach_aws_unchanged() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("empty.tfrc"), "").expect("empty cli config");
    let spec = root.path().join("tricky.apr");
    std::fs::write(
        &spec,
        r#"app tricky {
  region = "eu-west-1"
  tags   = { note = "50%{off} \${x}" }
}
param tag = "1.0"
service web {
  image   = "public.ecr.aws/acme/web:2"
  command = "sh -c \"echo \$HOME\""
  env     = {
    DOLLAR_PARAM = "cost \$${tag}"
    MARKERS      = "\${not_a_param} %{x} %%{y} $$"
    QUOTES       = "say \"hi\"\\n"
    CONTROL      = "a\tb\nc"
  }
}
api edge {
  route GET / -> web
}
"#,
    )
    .expect("write spec");
    let text = build(&[spec]);
    let dir = terraform_checks("tricky", &text, root.path()).unwrap_or_else(|e| panic!("{e}"));
    let json = terraform(
        &dir,
        &["show", "-json", "plan.bin"],
        &root.path().join("empty.tfrc"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let plan: serde_json::Value = serde_json::from_str(&json).expect("plan json");
    let changes = plan["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let web = changes
        .iter()
        .find(|c| c["address"] == "aws_apprunner_service.web")
        .map(|c| c["change"]["after"].clone())
        .expect("service in plan");
    let config = &web["source_configuration"][0]["image_repository"][0]["image_configuration"][0];
    let env = &config["runtime_environment_variables"];
    assert_eq!(env["DOLLAR_PARAM"], "cost $1.0");
    assert_eq!(env["MARKERS"], "${not_a_param} %{x} %%{y} $$");
    assert_eq!(env["QUOTES"], "say \"hi\"\\n");
    assert_eq!(env["CONTROL"], "a\tb\nc");
    assert_eq!(config["start_command"], "sh -c \"echo $HOME\"");
    assert_eq!(web["tags_all"]["note"], "50%{off} ${x}");
}
