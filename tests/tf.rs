//! The `tf` target end to end: a reviewed golden `main.tf` per example, byte-identical output
//! across runs and declaration orders, the spec's traps checked on the parsed seed output,
//! and terraform itself (`fmt -check`, `validate`, `plan` against moto) on every example and
//! on a spec that uses params in every string attribute (`tf/params.rs`), and what a live
//! account needs beyond the linters (`tf/live.rs`, spec section 8). `--tf-module` output is
//! planned from a root that configures the provider (`tf/module.rs`).

#[path = "tf/live.rs"]
mod live;
#[path = "tf/module.rs"]
mod module;
#[path = "tf/params.rs"]
mod params;
use crate::support;
#[path = "tf/terraform.rs"]
mod terraform;
#[path = "tf/traps.rs"]
mod traps;

use hcl::{Block, Body, Expression};
use std::path::{Path, PathBuf};
use support::{aprc, example_name, examples};

/// `aprc build <paths> --target tf` on stdout; panics with aprc's stderr on failure.
pub(crate) fn build(paths: &[PathBuf]) -> String {
    build_with(paths, &[])
}

/// [`build`] with more flags (`--tf-module`).
pub(crate) fn build_with(paths: &[PathBuf], flags: &[&str]) -> String {
    let out = aprc()
        .current_dir(support::root())
        .arg("build")
        .args(paths)
        .args(["--target", "tf"])
        .args(flags)
        .output()
        .expect("aprc runs");
    assert!(
        out.status.success(),
        "aprc build {paths:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

pub(crate) fn parse(text: &str) -> Body {
    hcl::parse(text).unwrap_or_else(|e| panic!("emitted HCL does not parse: {e}\n{text}"))
}

/// Every block `<ident> "<kind>" ...` (resources and data sources by type).
pub(crate) fn blocks<'a>(
    body: &'a Body,
    ident: &'a str,
    kind: &'a str,
) -> impl Iterator<Item = &'a Block> + 'a {
    body.blocks().filter(move |b| {
        b.identifier() == ident && b.labels().first().map(|l| l.as_str()) == Some(kind)
    })
}

pub(crate) fn attr<'a>(block: &'a Block, key: &str) -> Option<&'a Expression> {
    block
        .body()
        .attributes()
        .find(|a| a.key() == key)
        .map(|a| a.expr())
}

pub(crate) fn nested<'a>(block: &'a Block, ident: &str) -> Option<&'a Block> {
    block.body().blocks().find(|b| b.identifier() == ident)
}

/// An expression as HCL source, for comparing references.
pub(crate) fn src(expr: &Expression) -> String {
    hcl::format::to_string(expr).unwrap_or_default()
}

/// An object key without quotes.
pub(crate) fn key(k: &hcl::ObjectKey) -> String {
    hcl::format::to_string(k)
        .unwrap_or_default()
        .trim_matches('"')
        .to_string()
}

pub(crate) fn label(block: &Block, i: usize) -> String {
    block
        .labels()
        .get(i)
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

#[test]
fn golden_main_tf_per_example() {
    for example in examples() {
        let out = build(std::slice::from_ref(&example));
        insta::assert_snapshot!(example_name(&example), out);
    }
}

/// The seed as a module (`--tf-module`), reviewed as a whole like the roots above.
#[test]
fn golden_module_for_the_seed() {
    let out = build_with(&[PathBuf::from("examples/seed.apr")], &["--tf-module"]);
    insta::assert_snapshot!("module-seed", out);
}

#[test]
fn output_is_identical_across_runs_and_declaration_orders() {
    let dir = tempfile::tempdir().expect("temp dir");
    for example in examples() {
        let first = build(std::slice::from_ref(&example));
        assert_eq!(
            first,
            build(std::slice::from_ref(&example)),
            "{} differs between runs",
            example.display()
        );
        let shuffled = dir.path().join(format!("{}.apr", example_name(&example)));
        let text = reversed(&sources(&example));
        // The copy must really be in another order, or this test proves nothing.
        assert_ne!(
            headers(&text),
            headers(&sources(&example)),
            "{}",
            example.display()
        );
        std::fs::write(&shuffled, text).expect("write shuffled copy");
        assert_eq!(
            first,
            build(&[shuffled]),
            "{} depends on declaration order",
            example.display()
        );
    }
}

/// The text of an example: one file, or the files of a directory in reverse order.
fn sources(example: &Path) -> String {
    let path = support::root().join(example);
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
            .expect("example dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "apr"))
            .collect();
        files.sort();
        files.reverse();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("read example") + "\n")
            .collect()
    } else {
        std::fs::read_to_string(&path).expect("read example")
    }
}

/// The top-level block headers and routes of a spec, in order.
fn headers(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            !l.starts_with([' ', '#', '}']) && !l.trim().is_empty()
                || l.trim_start().starts_with("route ")
        })
        .map(|l| l.trim().to_string())
        .collect()
}

/// The same application with its top-level blocks, and the routes inside each api, in
/// reverse order. Comments are dropped; braces inside strings (`${param}`) balance, so
/// counting braces finds the blocks.
fn reversed(text: &str) -> String {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("").trim_end();
        if code.trim().is_empty() {
            continue;
        }
        current.push(code.to_string());
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        if depth == 0 {
            blocks.push(std::mem::take(&mut current));
        }
    }
    assert!(current.is_empty(), "unbalanced braces in example");
    blocks.reverse();
    let mut out = String::new();
    for mut block in blocks {
        let routes: Vec<usize> = (0..block.len())
            .filter(|&i| block[i].trim_start().starts_with("route "))
            .collect();
        let texts: Vec<String> = routes.iter().rev().map(|&i| block[i].clone()).collect();
        for (i, t) in routes.into_iter().zip(texts) {
            block[i] = t;
        }
        out.push_str(&block.join("\n"));
        out.push_str("\n\n");
    }
    out
}
