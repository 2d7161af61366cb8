//! `aprc fmt`: golden layouts for messy inputs, idempotence and meaning preservation over
//! every example and fixture, and the `--check` / syntax-error behaviour of the CLI.

use crate::support;

use crate::erase;

use erase::erased;

use aprc::diag::Diagnostics;
use aprc::span::FileId;
use aprc::syntax::ast::*;
use std::path::{Path, PathBuf};

fn parse(text: &str) -> Option<Module> {
    aprc::syntax::parse(FileId(0), text, &mut Diagnostics::new())
}

fn format(text: &str) -> String {
    let module = parse(text).expect("input parses");
    aprc::fmt::format(text, &module)
}

/// Every `.apr` file of the examples and of `tests/fixtures/` (recursively), sorted.
fn all_apr_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "apr") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&support::root().join("examples"), &mut out);
    walk(&support::root().join("tests/fixtures"), &mut out);
    out.sort();
    assert!(
        out.len() >= 10,
        "expected the examples and fixtures, found {out:?}"
    );
    out
}

/// The fixtures that parse (invalid-syntax fixtures have nothing to format).
fn parsed_files() -> Vec<(PathBuf, String)> {
    all_apr_files()
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            parse(&text).map(|_| (p, text))
        })
        .collect()
}

// ---- golden layouts -----------------------------------------------------------------

fn golden(name: &str) {
    let path = support::root()
        .join("tests/fixtures/fmt")
        .join(format!("{name}.apr"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let formatted = format(&text);
    assert_ne!(formatted, text, "{name}: a golden input should be messy");
    insta::assert_snapshot!(name, formatted);
}

#[test]
fn golden_comments_everywhere() {
    golden("comments");
}

#[test]
fn golden_misaligned() {
    golden("misaligned");
}

#[test]
fn golden_maps_and_lists() {
    golden("maps");
}

#[test]
fn golden_routes() {
    golden("routes");
}

// ---- properties over every example and fixture ----------------------------------------

#[test]
fn idempotent_on_every_example_and_fixture() {
    for (path, text) in parsed_files() {
        let once = format(&text);
        let twice = format(&once);
        assert_eq!(once, twice, "{}: fmt(fmt(x)) != fmt(x)", path.display());
    }
}

#[test]
fn output_is_clean_text() {
    for (path, text) in parsed_files() {
        let out = format(&text);
        assert!(
            out.ends_with('\n') && !out.ends_with("\n\n"),
            "{}: must end with one newline",
            path.display()
        );
        assert!(
            !out.contains("\n\n\n"),
            "{}: runs of blank lines must collapse",
            path.display()
        );
        assert!(
            !out.starts_with('\n'),
            "{}: no blank line at the top",
            path.display()
        );
        for line in out.lines() {
            assert_eq!(
                line,
                line.trim_end(),
                "{}: trailing whitespace in {line:?}",
                path.display()
            );
            assert!(
                !line.starts_with('\t'),
                "{}: tab indent in {line:?}",
                path.display()
            );
            let indent = line.len() - line.trim_start().len();
            assert_eq!(indent % 2, 0, "{}: odd indent in {line:?}", path.display());
        }
    }
}

#[test]
fn meaning_and_comments_are_preserved() {
    for (path, text) in parsed_files() {
        let before = parse(&text).expect("parses");
        let out = format(&text);
        let Some(after) = parse(&out) else {
            panic!(
                "{}: formatted output does not parse:\n{out}",
                path.display()
            );
        };
        assert_eq!(
            erased(&before),
            erased(&after),
            "{}: the AST changed",
            path.display()
        );
        assert_eq!(
            comment_texts(&before),
            comment_texts(&after),
            "{}: comments changed",
            path.display()
        );
    }
}

#[test]
fn examples_are_already_canonical() {
    for (path, text) in parsed_files() {
        if path.starts_with(support::root().join("examples")) {
            assert_eq!(
                format(&text),
                text,
                "{} is not canonical: run aprc fmt",
                path.display()
            );
        }
    }
}

/// The span-erasing comparison must notice a real change, or it proves nothing.
#[test]
fn erasure_still_sees_values() {
    let a = parse("app a {\n  region = \"x\"\n}\n").expect("parses");
    let b = parse("app a   { region = \"y\" }").expect("parses");
    let c = parse("app a { region = \"x\" }").expect("parses");
    assert_ne!(erased(&a), erased(&b));
    assert_eq!(erased(&a), erased(&c));
    assert_ne!(a, c, "spans differ before erasure");
}

fn comment_texts(module: &Module) -> Vec<String> {
    let mut texts: Vec<String> = module.comments.iter().map(|c| c.text.clone()).collect();
    texts.sort();
    texts
}

// ---- the CLI ------------------------------------------------------------------------

fn temp_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("{name}.apr"));
    std::fs::copy(
        support::root()
            .join("tests/fixtures/fmt")
            .join(format!("{name}.apr")),
        &path,
    )
    .expect("copy");
    (dir, path)
}

#[test]
fn check_names_files_that_would_change_and_changes_nothing() {
    let (_dir, path) = temp_copy("misaligned");
    let before = std::fs::read_to_string(&path).expect("read");
    let out = support::aprc()
        .arg("fmt")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&path.display().to_string()));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        before,
        "--check must not write"
    );

    let out = support::aprc()
        .arg("fmt")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        format(&before)
    );

    let out = support::aprc()
        .arg("fmt")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn check_passes_on_every_example() {
    for example in support::examples() {
        let out = support::aprc()
            .current_dir(support::root())
            .arg("fmt")
            .arg("--check")
            .arg(&example)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            example.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn syntax_error_is_reported_and_file_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.apr");
    let text = "app   broken {\n  region = \"eu-west-1\"\n  tags = {\n}\n";
    std::fs::write(&path, text).expect("write");
    for check in [false, true] {
        let mut cmd = support::aprc();
        cmd.arg("fmt").arg(&path).env("NO_COLOR", "1");
        if check {
            cmd.arg("--check");
        }
        let out = cmd.output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "check={check}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("broken.apr"),
            "the file is named"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            text,
            "not rewritten"
        );
    }
}
