//! terraform itself on the `tf` output of every valid corpus fixture, as the spec's section 7
//! asks: `fmt -check` finds nothing, `init` from the local provider mirror, `validate`, and
//! `plan` (against moto, on loopback) succeed. This is the oracle that found the
//! `internal-` load balancer name (E0501) that the checker used to let through.

use super::{fixtures, run, text};
use crate::support;
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

fn terraform(dir: &Path, args: &[&str], cli_config: &Path) -> Result<String, String> {
    let mut cmd = Command::new("terraform");
    cmd.current_dir(dir)
        .args(args)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_PLUGIN_CACHE_DIR");
    support::moto_env(&mut cmd);
    let out = cmd
        .output()
        .map_err(|e| format!("terraform {args:?} did not run: {e}"))?;
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    if out.status.success() {
        Ok(all)
    } else {
        Err(format!(
            "terraform {} in {}:\n{all}",
            args.join(" "),
            dir.display()
        ))
    }
}

/// Build one fixture for `tf` and run terraform on it in `root/<n>`.
fn check_one(n: usize, fixture: &Path, root: &Path) -> Result<(), String> {
    let name = fixture.display().to_string();
    let out = run(&["build", "--target", "tf"], &[fixture.to_path_buf()]);
    if !out.status.success() {
        return Err(format!("{name}: build failed:\n{}", text(&out.stderr)));
    }
    let main_tf = text(&out.stdout);
    let dir = root.join(n.to_string());
    let write = |file: &str, body: &str| {
        std::fs::write(dir.join(file), body).map_err(|e| format!("{name}: {e}"))
    };
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    write("main.tf", &main_tf)?;
    write("override.tf", OVERRIDE)?;
    let cfg = root.join("empty.tfrc");
    let ctx = |e: String| format!("{name}: {e}");
    terraform(
        &dir,
        &[
            "init",
            "-no-color",
            "-input=false",
            "-backend=false",
            "-plugin-dir=/opt/tf-plugins",
        ],
        &cfg,
    )
    .map_err(ctx)?;
    terraform(
        &dir,
        &["fmt", "-check", "-diff", "-no-color", "main.tf"],
        &cfg,
    )
    .map_err(ctx)?;
    terraform(&dir, &["validate", "-no-color"], &cfg).map_err(ctx)?;
    // Required params (no default) need a value to plan; any string will do.
    let body = hcl::parse(&main_tf).map_err(|e| format!("{name}: {e}"))?;
    let mut args: Vec<String> = ["plan", "-no-color", "-input=false"]
        .map(String::from)
        .to_vec();
    for var in body.blocks().filter(|b| b.identifier() == "variable") {
        let has_default = var.body().attributes().any(|a| a.key() == "default");
        if let (false, Some(label)) = (has_default, var.labels().first()) {
            args.push("-var".into());
            args.push(format!("{}=plan-value", label.as_str()));
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let plan = terraform(&dir, &args, &cfg).map_err(ctx)?;
    if !plan.contains("Plan: ") {
        return Err(format!("{name}: no plan summary:\n{plan}"));
    }
    Ok(())
}

#[test]
fn terraform_accepts_every_valid_fixture() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("empty.tfrc"), "").expect("empty cli config");
    let _ = support::moto();
    let all: Vec<(usize, PathBuf)> = fixtures().into_iter().enumerate().collect();
    // Two cores: two workers, each taking every other fixture.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|w| {
                let all = &all;
                let root = root.path();
                s.spawn(move || {
                    all.iter()
                        .skip(w)
                        .step_by(2)
                        .filter_map(|(n, f)| check_one(*n, f, root).err())
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
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
