//! The `cfn` and `plan` oracles on every valid corpus fixture: cfn-lint finds nothing (errors,
//! warnings and informational rules) in each template, linted in the region its app names, so
//! a resource type App Runner lacks there is a finding; and every plan step, wait and delete
//! validates against botocore's models (`tests/plan/validate_plan.py`, the plan backend's own
//! oracle).

use super::{files_of, fixtures, run, text};
use crate::support;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The region a fixture's app declares, as the checker reads it.
fn region_of(fixture: &std::path::Path) -> String {
    let mut sources = aprc::source::Sources::new();
    for file in files_of(fixture) {
        let text = std::fs::read_to_string(&file).expect("fixture");
        sources.add(file.display().to_string(), text);
    }
    let mut diags = aprc::diag::Diagnostics::new();
    aprc::driver::front(&sources, &mut diags)
        .unwrap_or_else(|| panic!("{}: does not check", fixture.display()))
        .app
        .region
}

/// Each fixture's output for `target`, written to `dir`, grouped by the fixture's region.
fn build_all(target: &str, dir: &std::path::Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut by_region: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for (n, fixture) in fixtures().iter().enumerate() {
        let out = run(
            &["build", "--target", target],
            std::slice::from_ref(fixture),
        );
        assert!(
            out.status.success(),
            "{} --target {target}: {}",
            fixture.display(),
            text(&out.stderr)
        );
        let path = dir.join(format!("{n:02}.json"));
        std::fs::write(&path, &out.stdout).expect("write output");
        by_region.entry(region_of(fixture)).or_default().push(path);
    }
    by_region
}

/// Sets the one region cfn-lint lints the template at `path` in, through the template's own
/// `Metadata.cfn-lint.config.regions`: one cfn-lint run then lints each template in its own
/// region (a run per region took 41 s of the suite, most of it cfn-lint starting).
fn lint_in(path: &std::path::Path, region: &str) {
    let mut template: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("template")).expect("template JSON");
    let root = template.as_object_mut().expect("a template is an object");
    let metadata = root
        .entry("Metadata")
        .or_insert_with(|| serde_json::json!({}));
    metadata["cfn-lint"] = serde_json::json!({ "config": { "regions": [region] } });
    std::fs::write(path, serde_json::to_vec(&template).expect("JSON")).expect("write template");
}

#[test]
fn cfn_lint_finds_nothing_in_any_fixture() {
    let dir = tempfile::tempdir().expect("temp dir");
    let by_region = build_all("cfn", dir.path());
    let mut paths = Vec::new();
    for (region, in_region) in &by_region {
        for path in in_region {
            lint_in(path, region);
            paths.push(path.clone());
        }
    }
    assert!(paths.len() >= 25, "only {} templates", paths.len());
    // The canary: an App Runner template linted in a region without App Runner must be
    // found, or the regions above are not being read.
    let app_runner = paths
        .iter()
        .find(|p| {
            std::fs::read_to_string(p)
                .expect("template")
                .contains("AWS::AppRunner::Service")
        })
        .expect("an App Runner fixture");
    let canary = dir.path().join("canary.json");
    std::fs::copy(app_runner, &canary).expect("copy");
    lint_in(&canary, "cn-north-1");
    let out = support::oracle(support::Oracle::CfnLint)
        .args(["--include-experimental", "-c", "I", "--"])
        .args(&paths)
        .arg(&canary)
        .output()
        .expect("cfn-lint is installed (pip install cfn-lint)");
    let stdout = text(&out.stdout);
    // Findings are a code line, then `file:line:column`, then a blank line.
    let mut others = Vec::new();
    let mut canary_found = false;
    for finding in stdout.split("\n\n").filter(|f| !f.trim().is_empty()) {
        if finding.contains("canary.json") && finding.contains("E3006") {
            canary_found = true;
        } else {
            others.push(finding);
        }
    }
    assert!(
        canary_found,
        "cfn-lint ignored the template's region:\n{stdout}{}",
        text(&out.stderr)
    );
    // Findings name the numbered file: fixture n (sorted) is `nn.json`.
    assert!(
        others.is_empty(),
        "cfn-lint found:\n{}{}",
        others.join("\n\n"),
        text(&out.stderr)
    );
}

#[test]
fn every_plan_validates_against_botocore() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for (region, mut in_region) in build_all("plan", dir.path()) {
        for path in &in_region {
            let plan: serde_json::Value =
                serde_json::from_slice(&std::fs::read(path).expect("plan")).expect("plan JSON");
            assert_eq!(plan["region"], region.as_str(), "{}", path.display());
        }
        paths.append(&mut in_region);
    }
    assert!(paths.len() >= 25, "only {} plans", paths.len());
    // One run over every plan: botocore's models load once. Problems name the numbered file:
    // fixture n (sorted) is `nn.json`.
    let out = support::oracle(support::Oracle::Python)
        .current_dir(support::root())
        .arg("tests/plan/validate_plan.py")
        .args(&paths)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout).matches("ok: ").count(), paths.len());
}
