//! terraform itself on an emitted main.tf, shared by the example tests (`tests/tf.rs`) and the
//! spec corpus (`tests/spec_corpus.rs`): `init` from the local provider mirror, `fmt -check`,
//! `validate`, and `plan` against moto on loopback.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Test-only provider settings for moto, merged into `provider "aws"` by Terraform's
/// override-file rule; never part of the emitted main.tf.
const OVERRIDE: &str = r#"provider "aws" {
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"#;

/// Runs terraform in `dir` against moto; `Err` carries its output.
pub fn terraform(dir: &Path, args: &[&str], cli_config: &Path) -> Result<String, String> {
    let mut cmd = Command::new("terraform");
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

/// init, fmt -check, validate and plan (saved as `plan.bin`) one main.tf in `root/name`,
/// planning with `-var NAME=VALUE` for each of `vars` and a placeholder for any other
/// variable without a default. `root` must hold an empty `empty.tfrc`.
pub fn checks(
    name: &str,
    text: &str,
    root: &Path,
    vars: &[(&str, &str)],
) -> Result<PathBuf, String> {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("main.tf"), text).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("override.tf"), OVERRIDE).map_err(|e| e.to_string())?;
    let cli_config = root.join("empty.tfrc");
    let init = [
        "init",
        "-no-color",
        "-input=false",
        "-backend=false",
        "-plugin-dir=/opt/tf-plugins",
    ];
    terraform(&dir, &init, &cli_config)?;
    terraform(
        &dir,
        &["fmt", "-check", "-diff", "-no-color", "main.tf"],
        &cli_config,
    )?;
    terraform(&dir, &["validate", "-no-color"], &cli_config)?;
    let mut plan: Vec<String> = ["plan", "-no-color", "-input=false", "-out=plan.bin"]
        .map(String::from)
        .to_vec();
    for (var, value) in vars {
        plan.push("-var".into());
        plan.push(format!("{var}={value}"));
    }
    let body = hcl::parse(text).map_err(|e| format!("{name}: main.tf does not parse: {e}"))?;
    for v in body.blocks().filter(|b| b.identifier() == "variable") {
        let has_default = v.body().attributes().any(|a| a.key() == "default");
        if let Some(label) = v.labels().first().map(|l| l.as_str()) {
            if !has_default && !vars.iter().any(|(var, _)| *var == label) {
                plan.push("-var".into());
                plan.push(format!("{label}=plan-value"));
            }
        }
    }
    let args: Vec<&str> = plan.iter().map(String::as_str).collect();
    let out = terraform(&dir, &args, &cli_config)?;
    if !out.contains("Plan: ") {
        return Err(format!("no plan summary for {name}:\n{out}"));
    }
    Ok(dir)
}

/// Runs `check` on every item, with a temp root holding the empty `empty.tfrc` that
/// [`checks`] needs and moto started, on two workers (these machines have two cores), each
/// taking every other item. Returns every failure.
pub fn on_two_workers<T: Sync>(
    items: &[T],
    check: impl Fn(&T, &Path) -> Result<(), String> + Sync,
) -> Vec<String> {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("empty.tfrc"), "").expect("empty cli config");
    let _ = super::moto();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|w| {
                let (check, root) = (&check, root.path());
                s.spawn(move || {
                    items
                        .iter()
                        .skip(w)
                        .step_by(2)
                        .filter_map(|item| check(item, root).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a worker panicked".into()])
            })
            .collect()
    })
}
