//! terraform itself on the emitted main.tf: `init` from the local provider mirror, `fmt
//! -check`, `validate`, and `plan` against moto, for every example, for a spec of hostile
//! strings whose evaluated values are compared with what the spec says, for the params
//! fixtures (`params.rs`), and for `--tf-module` modules under a root of ours (`module.rs`).
//! All of them in one batch: each terraform command runs once.

use super::build;
use crate::support::terraform::{check_all, module_name, Doc, Planned};
use crate::support::{self, example_name, examples};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// User strings that HCL would misread if written raw: quotes, backslashes, control
/// characters, literal `${` / `%{`, and a literal `$` right before a param.
const TRICKY: &str = r#"app tricky {
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
"#;

/// Every main.tf this test binary gives terraform, checked once, together.
pub(crate) fn planned() -> &'static Planned {
    static BATCH: OnceLock<Result<Planned, String>> = OnceLock::new();
    let batch = BATCH.get_or_init(|| {
        let mut docs: Vec<Doc> = examples()
            .iter()
            .map(|e| {
                Doc::new(
                    &module_name(&example_name(e)),
                    build(std::slice::from_ref(e)),
                )
            })
            .collect();
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let spec = dir.path().join("tricky.apr");
        std::fs::write(&spec, TRICKY).map_err(|e| e.to_string())?;
        docs.push(Doc::new("tricky", build(&[spec])));
        docs.push(super::params::doc());
        docs.push(super::params::ecs_doc());
        docs.extend(super::module::docs(dir.path())?);
        check_all(&docs)
    });
    batch.as_ref().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn terraform_fmt_validate_and_plan_every_example() {
    let planned = planned();
    for example in examples() {
        let module = module_name(&example_name(&example));
        let count = planned.changes_in(&module);
        assert!(count >= 5, "{module}: only {count} planned changes");
    }
}

/// Every resource of the graph is planned, and nothing else: the managed blocks the backend
/// lists for the check (`tf::addresses`: each resource's main block and its companions) are
/// exactly the plan's resources, a counted block once per instance.
#[test]
fn the_plan_holds_every_resource_of_the_graph() {
    let planned = planned();
    for example in examples() {
        let module = module_name(&example_name(&example));
        let sources = aprc::driver::load(&[support::root().join(&example)]).expect("sources");
        let mut diags = aprc::diag::Diagnostics::default();
        let graph = aprc::driver::check(&sources, &mut diags).expect("a valid example");
        let listed: BTreeSet<String> = aprc::backends::tf::addresses(&graph)
            .expect("addresses")
            .into_iter()
            .filter_map(|(a, _)| a.strip_prefix("resource.").map(str::to_string))
            .collect();
        let prefix = format!("module.{module}.");
        let changes: Vec<String> = planned.plan["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["mode"] == "managed")
            .filter_map(|c| {
                c["address"]
                    .as_str()?
                    .strip_prefix(&prefix)
                    .map(str::to_string)
            })
            .collect();
        let blocks: BTreeSet<String> = changes
            .iter()
            .map(|a| a.split('[').next().unwrap_or(a).to_string())
            .collect();
        assert_eq!(blocks, listed, "{module}");
        let declared = super::module::declared(&build(std::slice::from_ref(&example)));
        assert_eq!(changes.len(), declared, "{module}");
    }
}

/// Terraform itself must evaluate each hostile string to exactly what the spec says.
#[test]
fn hostile_strings_reach_aws_unchanged() {
    let web = planned().after("tricky", "aws_apprunner_service.web");
    let config = &web["source_configuration"][0]["image_repository"][0]["image_configuration"][0];
    let env = &config["runtime_environment_variables"];
    assert_eq!(env["DOLLAR_PARAM"], "cost $1.0");
    assert_eq!(env["MARKERS"], "${not_a_param} %{x} %%{y} $$");
    assert_eq!(env["QUOTES"], "say \"hi\"\\n");
    assert_eq!(env["CONTROL"], "a\tb\nc");
    assert_eq!(config["start_command"], "sh -c \"echo $HOME\"");
    assert_eq!(web["tags_all"]["note"], "50%{off} ${x}");
}
