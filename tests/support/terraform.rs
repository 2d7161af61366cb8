//! terraform itself on emitted main.tf files, shared by the example tests (`tests/tf.rs`) and
//! the spec corpus (`tests/spec_corpus.rs`). Every document of a test binary is checked in one
//! batch, so each terraform command runs once over all of them rather than once per document:
//! each main.tf becomes a child module of one generated root, then one `init` from the local
//! provider mirror, one `fmt -check` over every main.tf, one `validate` and one `plan` against
//! moto on loopback. Terraform names the module (`module.<name>`) in any error.
//!
//! A main.tf built with `--tf-module` has no provider block: the root configures the one it
//! uses, as a user's own root would, in [`ROOT_REGION`] (a region no example names, so a test
//! can see the module follow the root rather than the app).

use std::path::{Path, PathBuf};

/// Test-only provider settings for moto, merged into each module's `provider "aws"` by
/// Terraform's override-file rule; never part of the emitted main.tf.
const OVERRIDE: &str = r#"provider "aws" {
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"#;

/// The region of the root's own provider, which `--tf-module` modules use.
pub const ROOT_REGION: &str = "ap-southeast-2";

/// The root's own provider when some doc is a module: [`OVERRIDE`]'s settings, in
/// [`ROOT_REGION`]; the endpoint is moto's through the environment, as for every provider here.
fn root_provider() -> String {
    format!(
        r#"provider "aws" {{
  region                      = "{ROOT_REGION}"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}}
"#
    )
}

/// One emitted main.tf to check, as module `name`, planned with `-var NAME=VALUE` for each
/// of `vars` (a placeholder for any other variable without a default).
pub struct Doc {
    pub name: String,
    pub text: String,
    pub vars: Vec<(String, String)>,
    /// Built with `--tf-module`: it uses the root's provider and has none to override.
    pub module: bool,
}

impl Doc {
    /// `name` must be a Terraform identifier: a letter first, then letters, digits, `_`, `-`.
    pub fn new(name: &str, text: String) -> Doc {
        Doc {
            name: name.to_string(),
            text,
            vars: Vec::new(),
            module: false,
        }
    }

    /// A main.tf built with `--tf-module`.
    pub fn module(name: &str, text: String) -> Doc {
        Doc {
            module: true,
            ..Doc::new(name, text)
        }
    }

    pub fn with_vars(mut self, vars: &[(&str, &str)]) -> Doc {
        self.vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
    }
}

/// A batch that terraform accepted: the planned changes of every module.
pub struct Planned {
    /// `terraform show -json` of the saved plan.
    pub plan: serde_json::Value,
    _root: tempfile::TempDir,
}

impl Planned {
    /// How many changes the plan holds for module `module`.
    pub fn changes_in(&self, module: &str) -> usize {
        let prefix = format!("module.{module}.");
        self.plan["resource_changes"].as_array().map_or(0, |all| {
            all.iter()
                .filter(|c| {
                    c["address"]
                        .as_str()
                        .is_some_and(|a| a.starts_with(&prefix))
                })
                .count()
        })
    }

    /// The planned values of `address` (`aws_vpc.core`) in module `module`.
    pub fn after(&self, module: &str, address: &str) -> serde_json::Value {
        let full = format!("module.{module}.{address}");
        self.plan["resource_changes"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["address"] == full.as_str()))
            .map(|c| c["change"]["after"].clone())
            .unwrap_or_else(|| panic!("{full} is not in the plan"))
    }
}

/// Runs terraform in `dir` against moto; `Err` carries its output.
pub fn terraform(dir: &Path, args: &[&str], cli_config: &Path) -> Result<String, String> {
    let mut cmd = super::oracle(super::Oracle::Terraform);
    cmd.current_dir(dir)
        .args(args)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_PLUGIN_CACHE_DIR");
    super::moto_env(&mut cmd);
    let out = cmd
        .output()
        .map_err(|e| format!("terraform {args:?} did not run: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "terraform {} failed in {}:\n{text}",
            args.join(" "),
            dir.display()
        ))
    }
}

/// The variables of `text` that have no default.
fn required_variables(text: &str) -> Result<Vec<String>, String> {
    let body = hcl::parse(text).map_err(|e| format!("main.tf does not parse: {e}"))?;
    Ok(body
        .blocks()
        .filter(|b| b.identifier() == "variable")
        .filter(|v| !v.body().attributes().any(|a| a.key() == "default"))
        .filter_map(|v| v.labels().first().map(|l| l.as_str().to_string()))
        .collect())
}

/// The root module's call of `doc`, laid out as `terraform fmt` would.
fn module_call(doc: &Doc) -> Result<String, String> {
    let mut args: Vec<(String, String)> = vec![("source".into(), format!("./{}", doc.name))];
    args.extend(doc.vars.iter().cloned());
    for var in required_variables(&doc.text).map_err(|e| format!("{}: {e}", doc.name))? {
        if !doc.vars.iter().any(|(k, _)| *k == var) {
            args.push((var, "plan-value".into()));
        }
    }
    let width = args.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = format!("module \"{}\" {{\n", doc.name);
    for (key, value) in &args {
        let value = serde_json::to_string(value).map_err(|e| e.to_string())?;
        out.push_str(&format!("  {key:width$} = {value}\n"));
    }
    out.push_str("}\n");
    Ok(out)
}

/// init, fmt -check, validate and plan every doc, once, as modules of one root; `Err`
/// carries terraform's output (which names the module).
pub fn check_all(docs: &[Doc]) -> Result<Planned, String> {
    let _ = super::moto();
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    let dir = root.path();
    let cli_config = dir.join("empty.tfrc");
    std::fs::write(&cli_config, "").map_err(|e| e.to_string())?;
    let mut calls = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for doc in docs {
        let module = dir.join(&doc.name);
        std::fs::create_dir_all(&module).map_err(|e| e.to_string())?;
        std::fs::write(module.join("main.tf"), &doc.text).map_err(|e| e.to_string())?;
        if !doc.module {
            std::fs::write(module.join("override.tf"), OVERRIDE).map_err(|e| e.to_string())?;
        }
        files.push(PathBuf::from(&doc.name).join("main.tf"));
        calls.push(module_call(doc)?);
    }
    if docs.iter().any(|d| d.module) {
        calls.insert(0, root_provider());
    }
    std::fs::write(dir.join("main.tf"), calls.join("\n")).map_err(|e| e.to_string())?;
    let init = [
        "init",
        "-no-color",
        "-input=false",
        "-backend=false",
        "-plugin-dir=/opt/tf-plugins",
    ];
    terraform(dir, &init, &cli_config)?;
    let mut fmt: Vec<&str> = vec!["fmt", "-check", "-diff", "-no-color"];
    fmt.extend(files.iter().filter_map(|f| f.to_str()));
    terraform(dir, &fmt, &cli_config)?;
    // `validate` and `plan` only read the configuration, so they run side by side (validate
    // alone is a fifth of the whole batch).
    let (validated, planned) = std::thread::scope(|scope| {
        let validated = scope.spawn(|| terraform(dir, &["validate", "-no-color"], &cli_config));
        let planned = terraform(
            dir,
            &["plan", "-no-color", "-input=false", "-out=plan.bin"],
            &cli_config,
        );
        let validated = validated
            .join()
            .unwrap_or_else(|_| Err("terraform validate did not finish".into()));
        (validated, planned)
    });
    validated?;
    let planned = planned?;
    if !planned.contains("Plan: ") {
        return Err(format!("no plan summary:\n{planned}"));
    }
    let json = terraform(dir, &["show", "-json", "plan.bin"], &cli_config)?;
    let plan = serde_json::from_str(&json).map_err(|e| format!("plan json: {e}"))?;
    let planned = Planned { plan, _root: root };
    // Every module planned something: none was silently left out.
    if let Some(doc) = docs.iter().find(|d| planned.changes_in(&d.name) == 0) {
        return Err(format!("module {} planned nothing", doc.name));
    }
    Ok(planned)
}

/// A Terraform identifier for a file name: `01-spec-section3` becomes `f01-spec-section3`.
pub fn module_name(file: &str) -> String {
    let stem: String = file
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.starts_with(|c: char| c.is_ascii_alphabetic()) {
        stem
    } else {
        format!("f{stem}")
    }
}
