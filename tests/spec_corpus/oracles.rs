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

#[test]
fn cfn_lint_finds_nothing_in_any_fixture() {
    let dir = tempfile::tempdir().expect("temp dir");
    let by_region = build_all("cfn", dir.path());
    let mut findings = Vec::new();
    for (region, paths) in &by_region {
        let out = support::oracle(support::Oracle::CfnLint)
            .args([
                "--include-experimental",
                "-c",
                "I",
                "--regions",
                region,
                "--",
            ])
            .args(paths)
            .output()
            .expect("cfn-lint is installed (pip install cfn-lint)");
        if !out.status.success() || !out.stdout.is_empty() {
            findings.push(format!(
                "{region}:\n{}{}",
                text(&out.stdout),
                text(&out.stderr)
            ));
        }
    }
    assert!(by_region.values().map(Vec::len).sum::<usize>() >= 25);
    // Findings name the numbered file: fixture n (sorted) is `nn.json`.
    assert!(
        findings.is_empty(),
        "cfn-lint found:\n{}",
        findings.join("\n")
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
