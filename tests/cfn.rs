//! The CloudFormation target end to end: every example through `aprc build --target cfn`,
//! checked against golden snapshots, cfn-lint (no finding at all, informational included),
//! determinism (twice, and with declarations and routes reversed), the traps of spec section 6
//! asserted structurally, the ECS Fargate wiring of section 9 (`cfn/ecs.rs`), the quotas, the
//! ENI lookup Lambda run for real against moto, and what a live account needs beyond the
//! linter (`cfn/live.rs`, spec section 8).

#[path = "cfn/ecs.rs"]
mod ecs;
#[path = "cfn/live.rs"]
mod live;
use crate::support;
#[path = "cfn/wiring.rs"]
mod wiring;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::{aprc, example_name, examples, root};

/// `aprc build INPUT --target cfn` (a file, or a directory = one app), which must succeed;
/// returns the template text.
fn build(input: &Path) -> String {
    let out = aprc()
        .arg("build")
        .arg(input)
        .args(["--target", "cfn"])
        .current_dir(root())
        .output()
        .expect("aprc runs");
    assert!(
        out.status.success(),
        "aprc build {} failed ({}):\n{}",
        input.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn template(input: &Path) -> Value {
    serde_json::from_str(&build(input)).expect("the template is JSON")
}

fn resources(t: &Value) -> &serde_json::Map<String, Value> {
    t["Resources"].as_object().expect("Resources")
}

fn of_type<'a>(t: &'a Value, ty: &str) -> Vec<(&'a String, &'a Value)> {
    resources(t)
        .iter()
        .filter(|(_, r)| r["Type"] == ty)
        .collect()
}

fn the_one<'a>(t: &'a Value, ty: &str) -> (&'a String, &'a Value) {
    let all = of_type(t, ty);
    assert_eq!(
        all.len(),
        1,
        "expected exactly one {ty}, found {:?}",
        all.iter().map(|(id, _)| id).collect::<Vec<_>>()
    );
    all[0]
}

/// Snapshots hold the template pretty-printed, so a large template (emitted compact to stay
/// under the inline deploy limit) is still reviewed line by line.
#[test]
fn golden_snapshot_per_example() {
    for example in examples() {
        let text = build(&example);
        let parsed: Value = serde_json::from_str(&text).expect("the template is JSON");
        let pretty = serde_json::to_string_pretty(&parsed).expect("renders") + "\n";
        insta::assert_snapshot!(example_name(&example), pretty);
    }
}

#[test]
fn templates_are_readable_when_small_and_compact_only_to_deploy_inline() {
    let limit = aprc::backends::cfn::MAX_INLINE_BODY_BYTES;
    for example in examples() {
        let text = build(&example);
        let parsed: Value = serde_json::from_str(&text).expect("the template is JSON");
        let pretty = serde_json::to_string_pretty(&parsed).expect("renders") + "\n";
        if pretty.len() <= limit {
            assert_eq!(
                text,
                pretty,
                "{}: fits inline, so it is pretty",
                example.display()
            );
        } else {
            assert!(
                text.len() < pretty.len() && text.lines().count() == 1,
                "{}: compact",
                example.display()
            );
        }
    }
    // The shop is the example that needs the compact form, and it then deploys inline.
    let shop = build(Path::new("examples/shop.apr"));
    assert!(
        shop.len() <= limit && shop.lines().count() == 1,
        "shop: {} bytes",
        shop.len()
    );
}

#[test]
fn cfn_lint_finds_nothing_in_any_example() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut paths = Vec::new();
    for example in examples() {
        let path = dir.path().join(format!("{}.json", example_name(&example)));
        std::fs::write(&path, build(&example)).expect("template written");
        paths.push(path);
    }
    assert!(paths.len() >= 7, "every example is linted: {paths:?}");
    // One run for all templates (it is slow to start), in every region the examples name (a
    // resource type missing in a region is a finding). `-c I` adds the informational rules
    // to the errors and warnings checked by default; findings name their file.
    let mut regions: Vec<String> = examples()
        .iter()
        .filter_map(|e| example_region(e))
        .collect();
    regions.sort();
    regions.dedup();
    assert!(!regions.is_empty());
    let out = support::oracle(support::Oracle::CfnLint)
        .args(["--include-experimental", "-c", "I", "--regions"])
        .args(&regions)
        .arg("--")
        .args(&paths)
        .output()
        .expect("cfn-lint is installed (pip install cfn-lint)");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "cfn-lint found:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `region = "..."` an example's app declares.
fn example_region(example: &Path) -> Option<String> {
    let full = root().join(example);
    let files: Vec<PathBuf> = if full.is_dir() {
        std::fs::read_dir(&full)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect()
    } else {
        vec![full]
    };
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .find_map(|text| {
            let line = text
                .lines()
                .find(|l| l.trim_start().starts_with("region"))?;
            Some(line.split('"').nth(1)?.to_string())
        })
}

/// Copies `example` into `dir` with every file's top-level declarations, and the statements
/// (attributes, blocks, routes) of each of them, in reverse order; the files themselves are
/// renamed so that they load in reverse order too.
fn reversed_copy(example: &Path, dir: &Path) -> PathBuf {
    let full = root().join(example);
    let files: Vec<PathBuf> = if full.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&full)
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .collect();
        v.retain(|p| p.extension().is_some_and(|x| x == "apr"));
        v.sort();
        v
    } else {
        vec![full.clone()]
    };
    let out_dir = dir.join("reversed");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let n = files.len();
    for (i, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).expect("read");
        let name = format!(
            "{}_{}",
            n - 1 - i,
            file.file_name().expect("name").to_string_lossy()
        );
        std::fs::write(out_dir.join(name), reverse_source(&text)).expect("write");
    }
    out_dir
}

fn reverse_source(text: &str) -> String {
    use aprc::syntax::ast::ItemKind;
    let mut diags = aprc::diag::Diagnostics::new();
    let module =
        aprc::syntax::parse(aprc::span::FileId(0), text, &mut diags).expect("the example parses");
    let slice = |s: aprc::span::Span| &text[s.range()];
    let mut out = String::new();
    for item in module.items.iter().rev() {
        match &item.kind {
            ItemKind::Block(block) if !block.body.is_empty() => {
                let first = block.body[0].span.start as usize;
                out.push_str(&text[block.span.start as usize..first]);
                // Every statement is reversed, routes among them.
                for stmt in block.body.iter().rev() {
                    out.push_str(slice(stmt.span));
                    out.push('\n');
                }
                out.push_str("}\n\n");
            }
            _ => {
                out.push_str(slice(item.span));
                out.push_str("\n\n");
            }
        }
    }
    // The copy must really be in another order, or the comparison proves nothing.
    assert!(
        module.items.len() < 2 || out.trim() != text.trim(),
        "reversing changed nothing"
    );
    out
}

#[test]
fn output_is_byte_identical_across_runs_and_declaration_orders() {
    for example in examples() {
        let first = build(&example);
        assert_eq!(
            first,
            build(&example),
            "{}: two runs differ",
            example.display()
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let reversed = reversed_copy(&example, dir.path());
        assert_eq!(
            first,
            build(&reversed),
            "{}: reversed declarations change the template",
            example.display()
        );
    }
}

/// ~200 services: CloudFormation's 500-resource quota is a coded error that names the quota and
/// the count, and no output file is written.
#[test]
fn a_spec_over_the_resource_quota_is_a_coded_error() {
    const SERVICES: usize = 200;
    let mut spec = String::from(
        "app big {\n  region = \"eu-west-1\"\n}\n\nnetwork core {\n  cidr = 10.0.0.0/16\n}\n\n",
    );
    for i in 0..SERVICES {
        spec.push_str(&format!(
            "service s{i:03} {{\n  image   = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/s{i:03}:1\"\n  network = core\n}}\n\n"
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("big.apr");
    std::fs::write(&input, spec).expect("write");
    let output = dir.path().join("big.json");
    let out = aprc()
        .arg("build")
        .arg(&input)
        .args(["--target", "cfn", "-o"])
        .arg(&output)
        .output()
        .expect("aprc runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // Each private ECR service: service, access role, ingress connection; the network: VPC,
    // two subnets, the endpoint and its security group, the lookup of the zones its endpoint
    // service is offered in, and the lookup function with its role, log group and queue.
    let expected = 3 * SERVICES + 5 + 5;
    assert!(stderr.contains("E0601"), "{stderr}");
    assert!(
        stderr.contains(&format!("{expected} resources")) && stderr.contains("500"),
        "{stderr}"
    );
    assert!(
        !output.exists(),
        "a failed build wrote {}",
        output.display()
    );
}

/// The Lambda that the seed template deploys (its `ZipFile`, byte for byte), run by
/// `tests/cfn_lambda.py` against moto.
#[test]
fn eni_lookup_lambda_answers_every_request_against_moto() {
    let t = template(Path::new("examples/seed.apr"));
    let (_, function) = the_one(&t, "AWS::Lambda::Function");
    let source = function["Properties"]["Code"]["ZipFile"]
        .as_str()
        .expect("inline source");
    assert!(
        source.len() <= 4096,
        "inline Lambda source is {} bytes, CloudFormation allows 4096",
        source.len()
    );
    assert_eq!(function["Properties"]["Handler"], "index.handler");
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("index.py");
    std::fs::write(&index, source).expect("write");
    let out = support::oracle(support::Oracle::Python)
        .arg(root().join("tests/cfn_lambda.py"))
        .env("APRC_MOTO_ENDPOINT", support::moto())
        .env("APRC_CFN_LAMBDA", &index)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "tests/cfn_lambda.py failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
