//! The held-out spec corpus: `tests/fixtures/valid/` holds specs written only from
//! `shared/apr-spec.md` (every form of section 3, every attribute of section 4), the way an
//! outside user would write them. Each must check with exit 0 and no error (only the warnings
//! its header announces, `# warn: W0002 line 9`), and build for every target,
//! byte-identically across runs, `-o` and stdout, and declaration orders.
//! terraform itself validates and plans every `tf` output (`spec_corpus/terraform.rs`),
//! cfn-lint and botocore's models check every `cfn` and `plan` output (`spec_corpus/oracles.rs`);
//! `aprc fmt` and `aprc graph` must handle every fixture too. (Invalid specs live in
//! `tests/fixtures/invalid/` and are run by `tests/invalid_fixtures.rs`.)

#[path = "spec_corpus/oracles.rs"]
mod oracles;
use crate::support;
#[path = "spec_corpus/terraform.rs"]
mod terraform;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::files_of;

const TARGETS: [&str; 3] = ["tf", "cfn", "plan"];

/// Every valid fixture (a file, or a directory forming one application), relative to the
/// crate root, sorted.
fn fixtures() -> Vec<PathBuf> {
    let out = support::inputs("tests/fixtures/valid");
    assert!(out.len() >= 25, "only {} valid fixtures", out.len());
    out
}

fn run(args: &[&str], paths: &[PathBuf]) -> Output {
    support::aprc()
        .current_dir(support::root())
        .args(args)
        .args(paths)
        .output()
        .expect("aprc runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The warnings a fixture's header announces: `(file, code, line)`.
fn announced_warnings(fixture: &Path) -> BTreeSet<(String, String, u64)> {
    let mut out = BTreeSet::new();
    for file in files_of(fixture) {
        let source = std::fs::read_to_string(&file).expect("fixture");
        let rel = file
            .strip_prefix(support::root())
            .expect("under root")
            .display()
            .to_string();
        for line in source.lines().take_while(|l| l.starts_with('#')) {
            let Some(rest) = line.strip_prefix("# warn: ") else {
                continue;
            };
            let parts: Vec<&str> = rest.split_whitespace().collect();
            let [code, "line", n] = parts.as_slice() else {
                panic!("{rel}: bad header `{line}`")
            };
            out.insert((rel.clone(), code.to_string(), n.parse().expect("line")));
        }
    }
    out
}

#[test]
fn every_valid_fixture_checks_without_errors() {
    let mut failures = Vec::new();
    for fixture in fixtures() {
        let out = run(
            &["check", "--message-format", "json"],
            std::slice::from_ref(&fixture),
        );
        let name = fixture.display();
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{name}: exit {:?}\n{}{}",
                out.status.code(),
                text(&out.stdout),
                text(&out.stderr)
            ));
            continue;
        }
        let mut warnings = BTreeSet::new();
        for line in text(&out.stdout).lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {line}"));
            match v["severity"].as_str() {
                Some("warning") => {
                    warnings.insert((
                        v["file"].as_str().unwrap_or_default().to_string(),
                        v["code"].as_str().unwrap_or_default().to_string(),
                        v["line"].as_u64().unwrap_or_default(),
                    ));
                }
                _ => failures.push(format!("{name}: {line}")),
            }
        }
        let announced = announced_warnings(&fixture);
        if warnings != announced {
            failures.push(format!(
                "{name}: warnings {warnings:?}, header announces {announced:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The output must be a document of the target's kind, not just any bytes.
fn assert_well_formed(target: &str, name: &str, out: &str) {
    match target {
        "tf" => {
            let body = hcl::parse(out).unwrap_or_else(|e| panic!("{name}: HCL: {e}"));
            assert!(
                body.blocks().any(|b| b.identifier() == "provider"),
                "{name}: no provider block"
            );
        }
        "cfn" => {
            let v: serde_json::Value =
                serde_json::from_str(out).unwrap_or_else(|e| panic!("{name}: JSON: {e}"));
            assert!(v["Resources"].is_object(), "{name}: no Resources");
        }
        _ => {
            let v: serde_json::Value =
                serde_json::from_str(out).unwrap_or_else(|e| panic!("{name}: JSON: {e}"));
            assert_eq!(v["version"], 2, "{name}: plan version");
            assert!(v["steps"].is_array(), "{name}: no steps");
        }
    }
}

#[test]
fn every_valid_fixture_builds_identically_for_each_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut built = 0;
    for target in TARGETS {
        for fixture in fixtures() {
            let name = format!("{} --target {target}", fixture.display());
            let args = ["build", "--target", target];
            let first = run(&args, std::slice::from_ref(&fixture));
            assert!(
                first.status.success(),
                "{name}: exit {:?}\n{}",
                first.status.code(),
                text(&first.stderr)
            );
            let out = text(&first.stdout);
            assert_well_formed(target, &name, &out);
            let second = run(&args, std::slice::from_ref(&fixture));
            assert_eq!(out, text(&second.stdout), "{name}: differs between runs");
            let file = dir.path().join(format!("out.{target}"));
            let file_arg = file.display().to_string();
            let to_file = run(
                &["build", "--target", target, "-o", &file_arg],
                std::slice::from_ref(&fixture),
            );
            assert!(to_file.status.success(), "{name} -o: failed");
            assert!(to_file.stdout.is_empty(), "{name} -o: also wrote stdout");
            let written = std::fs::read_to_string(&file).expect("-o output");
            assert_eq!(out, written, "{name}: -o differs from stdout");
            built += 1;
        }
    }
    assert!(built >= 25, "only {built} builds ran");
}

/// The top-level items (blocks and params) of a source, comments dropped. A small lexer
/// skips strings and comments, so braces inside them do not count.
fn items(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut chars = source.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            current.push(c);
            if c == '\\' {
                current.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '#' => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
                continue;
            }
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        current.push(c);
        // A top-level item ends at its closing brace, or (a param) at the end of its line.
        let param_done = depth == 0
            && c == '\n'
            && current.trim_start().starts_with("param")
            && current.contains(['=', ':']);
        if depth == 0 && (c == '}' || param_done) && !current.trim().is_empty() {
            out.push(std::mem::take(&mut current).trim().to_string() + "\n");
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string() + "\n");
    }
    out
}

#[test]
fn output_does_not_depend_on_declaration_order_or_file_split() {
    let root = tempfile::tempdir().expect("temp dir");
    let targets = TARGETS;
    let mut compared = 0;
    for (n, fixture) in fixtures().iter().enumerate() {
        let all: Vec<String> = files_of(fixture)
            .iter()
            .flat_map(|f| items(&std::fs::read_to_string(f).expect("fixture")))
            .collect();
        assert!(
            all.len() >= 2,
            "{}: fewer than two items",
            fixture.display()
        );
        for item in &all {
            let kind = item.split_whitespace().next().unwrap_or_default();
            assert!(
                ["app", "param", "network", "service", "api"].contains(&kind),
                "{}: split badly, an item starts `{kind}`",
                fixture.display()
            );
        }
        // Each item in its own file, named so that sorted order is the reverse.
        let dir = root.path().join(n.to_string());
        std::fs::create_dir(&dir).expect("dir");
        for (i, item) in all.iter().enumerate() {
            let file = dir.join(format!("{:03}.apr", all.len() - i));
            std::fs::write(file, item).expect("write item");
        }
        // The same application, the files listed in declaration order on the command line.
        let mut listed: Vec<PathBuf> = files_of(&dir);
        listed.reverse();
        for target in &targets {
            let args = ["build", "--target", target];
            let want = run(&args, std::slice::from_ref(fixture));
            for (how, paths) in [("split", vec![dir.clone()]), ("listed", listed.clone())] {
                let got = run(&args, &paths);
                assert!(
                    got.status.success(),
                    "{} ({how}) --target {target}: {}",
                    fixture.display(),
                    text(&got.stderr)
                );
                assert_eq!(
                    text(&want.stdout),
                    text(&got.stdout),
                    "{} --target {target} depends on declaration order ({how})",
                    fixture.display()
                );
                compared += 1;
            }
        }
    }
    assert!(
        targets.is_empty() || compared >= 50,
        "only {compared} comparisons"
    );
}

/// `aprc fmt` on a copy of every fixture: the result is canonical (`--check` passes and a
/// second run changes nothing), keeps every comment, and builds to the same `tf` output.
#[test]
fn fmt_keeps_meaning_and_comments_and_is_idempotent() {
    let root = tempfile::tempdir().expect("temp dir");
    let mut changed = 0;
    for (n, fixture) in fixtures().iter().enumerate() {
        let name = fixture.display();
        let dir = root.path().join(n.to_string());
        std::fs::create_dir(&dir).expect("dir");
        let mut copies = Vec::new();
        for file in files_of(fixture) {
            let copy = dir.join(file.file_name().expect("file name"));
            std::fs::copy(&file, &copy).expect("copy");
            copies.push(copy);
        }
        let read = |paths: &[PathBuf]| -> Vec<String> {
            paths
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("read"))
                .collect()
        };
        let before = read(&copies);
        let out = run(&["fmt"], &copies);
        assert!(
            out.status.success(),
            "{name}: fmt failed: {}",
            text(&out.stderr)
        );
        let once = read(&copies);
        changed += usize::from(before != once);
        for (b, a) in before.iter().zip(&once) {
            // Every comment survives (`#` also counts inside strings, which fmt copies).
            assert_eq!(
                b.matches('#').count(),
                a.matches('#').count(),
                "{name}: comments"
            );
        }
        let check = run(&["fmt", "--check"], &copies);
        assert!(check.status.success(), "{name}: not canonical after fmt");
        run(&["fmt"], &copies);
        assert_eq!(once, read(&copies), "{name}: fmt is not idempotent");
        let args = ["build", "--target", "tf"];
        assert_eq!(
            text(&run(&args, std::slice::from_ref(fixture)).stdout),
            text(&run(&args, std::slice::from_ref(&dir)).stdout),
            "{name}: fmt changed the meaning"
        );
    }
    // The corpus is written the way people write, not the canonical way.
    assert!(changed >= 5, "only {changed} fixtures needed formatting");
}

/// `aprc graph` in both formats answers for every fixture, the same way twice.
#[test]
fn graph_renders_every_fixture() {
    for fixture in fixtures() {
        for format in ["dot", "mermaid"] {
            let args = ["graph", "--format", format];
            let first = run(&args, std::slice::from_ref(&fixture));
            assert!(
                first.status.success() && !first.stdout.is_empty(),
                "{} graph --format {format}: {}",
                fixture.display(),
                text(&first.stderr)
            );
            let second = run(&args, std::slice::from_ref(&fixture));
            assert_eq!(
                first.stdout,
                second.stdout,
                "{}: graph differs",
                fixture.display()
            );
        }
    }
}
