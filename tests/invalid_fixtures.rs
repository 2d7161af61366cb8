//! The invalid-fixture corpus: each `tests/fixtures/invalid/*.apr` says in its header what
//! it expects (`# expect: E0302 line 9`); a directory there is one multi-file application,
//! each file's header naming what is expected in that file. For each, `aprc check --message-format json` must
//! report every expected code on that line and no error it does not name, exit 1 (0 if only
//! warnings are expected) and never panic; the human rendering is snapshotted. Every code has at least one fixture.

use crate::support;

use aprc::diag::Code;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::files_of;

/// Codes no `aprc check` run can produce: E0601 is raised by the CloudFormation backend at
/// build time, E0901 only by a bug in aprc (their tests live with the backends).
const NOT_FROM_CHECK: [&str; 2] = ["E0601", "E0901"];

struct Expect {
    /// Relative to the crate root, as `aprc` prints it.
    file: String,
    code: String,
    line: usize,
}

/// Every invalid fixture, absolute.
fn fixtures() -> Vec<PathBuf> {
    support::inputs("tests/fixtures/invalid")
        .into_iter()
        .map(|p| support::root().join(p))
        .collect()
}

fn expectations(fixture: &Path) -> Vec<Expect> {
    let out: Vec<Expect> = files_of(fixture)
        .iter()
        .flat_map(|f| file_expectations(f))
        .collect();
    assert!(
        !out.is_empty(),
        "{}: no `# expect:` header",
        fixture.display()
    );
    out
}

fn file_expectations(path: &Path) -> Vec<Expect> {
    let text = std::fs::read_to_string(path).expect("fixture");
    let mut out = Vec::new();
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let Some(rest) = line.strip_prefix("# expect: ") else {
            continue;
        };
        let parts: Vec<&str> = rest.split_whitespace().collect();
        let [code, "line", n] = parts.as_slice() else {
            panic!("{}: bad header `{line}`", path.display())
        };
        out.push(Expect {
            file: relative(path),
            code: (*code).to_string(),
            line: n.parse().expect("line number"),
        });
    }
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(support::root())
        .expect("under root")
        .display()
        .to_string()
}

#[test]
fn every_fixture_reports_its_codes() {
    let mut failures = Vec::new();
    for path in fixtures() {
        let expects = expectations(&path);
        let rel = relative(&path);
        let out = support::aprc()
            .args(["check", "--message-format", "json", &rel])
            .current_dir(support::root())
            .output()
            .expect("aprc runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stdout.contains("panicked"),
            "{rel}: panic\n{stderr}"
        );
        let got: Vec<(String, String, usize)> = stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{rel}: not JSON ({e}): {l}"));
                (
                    v["file"].as_str().unwrap_or_default().to_string(),
                    v["code"].as_str().unwrap_or_default().to_string(),
                    v["line"].as_u64().unwrap_or_default() as usize,
                )
            })
            .collect();
        for e in &expects {
            if !got
                .iter()
                .any(|(f, c, l)| *f == e.file && *c == e.code && *l == e.line)
            {
                failures.push(format!(
                    "{rel}: expected {} in {} on line {}, got {got:?}",
                    e.code, e.file, e.line
                ));
            }
        }
        // Nothing unannounced: an error the header does not name is a second error for one
        // mistake, or a fixture that tests two things.
        for (f, c, l) in &got {
            let announced = expects
                .iter()
                .any(|e| e.file == *f && e.code == *c && e.line == *l);
            if c.starts_with('E') && !announced {
                failures.push(format!("{rel}: unexpected {c} in {f} on line {l}"));
            }
        }
        let only_warnings = expects.iter().all(|e| e.code.starts_with('W'));
        let want_status = if only_warnings { 0 } else { 1 };
        if out.status.code() != Some(want_status) {
            failures.push(format!(
                "{rel}: exit {:?}, expected {want_status}",
                out.status.code()
            ));
        }
        if only_warnings && got.iter().any(|(_, c, _)| c.starts_with('E')) {
            failures.push(format!("{rel}: warning fixture has errors: {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_has_a_fixture() {
    let covered: BTreeSet<String> = fixtures()
        .iter()
        .flat_map(|p| expectations(p))
        .map(|e| e.code)
        .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(*c) && !NOT_FROM_CHECK.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    let unknown: Vec<&String> = covered
        .iter()
        .filter(|c| !Code::ALL.iter().any(|k| k.as_str() == c.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "fixtures expect codes that do not exist: {unknown:?}"
    );
}

#[test]
fn human_rendering_snapshots() {
    for path in fixtures() {
        let rel = relative(&path);
        let out = support::aprc()
            .args(["check", &rel])
            .env("NO_COLOR", "1")
            .current_dir(support::root())
            .output()
            .expect("aprc runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains('\u{1b}'), "{rel}: colour in piped output");
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => true, description => rel.clone(), omit_expression => true }, {
            insta::assert_snapshot!(name, format!("exit: {:?}\n{stderr}", out.status.code()));
        });
    }
}

/// Runs parse and check on `text` in-process; a panic fails the test with the input.
fn check_text(name: &str, text: &str) {
    let mut sources = aprc::source::Sources::new();
    sources.add(name.to_string(), text.to_string());
    let result = std::panic::catch_unwind(|| {
        let mut diags = aprc::diag::Diagnostics::new();
        let spec = aprc::driver::front(&sources, &mut diags);
        // The spec and the errors never coexist.
        assert_eq!(spec.is_some(), !diags.has_errors());
    });
    assert!(result.is_ok(), "checker panicked on:\n{text}");
}

#[test]
fn no_panic_on_damaged_sources() {
    let mut inputs: Vec<PathBuf> = fixtures().iter().flat_map(|f| files_of(f)).collect();
    for example in support::examples() {
        let path = support::root().join(example);
        if path.is_dir() {
            inputs.extend(
                std::fs::read_dir(&path)
                    .expect("dir")
                    .map(|e| e.expect("entry").path()),
            );
        } else {
            inputs.push(path);
        }
    }
    let mut runs = 0;
    for path in inputs {
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = relative(&path);
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            // Each line removed, and each line with its numbers pushed to the extremes.
            let mut without = lines.clone();
            without.remove(i);
            check_text(&name, &without.join("\n"));
            for digit in ["0", "9"] {
                let mut edited = lines.clone();
                let line: String = lines[i]
                    .chars()
                    .map(|c| {
                        if c.is_ascii_digit() {
                            digit.chars().next().unwrap_or('0')
                        } else {
                            c
                        }
                    })
                    .collect();
                edited[i] = &line;
                check_text(&name, &edited.join("\n"));
                runs += 1;
            }
            runs += 1;
        }
        // Truncated at every few characters.
        for (cut, _) in text.char_indices().step_by(5) {
            check_text(&name, &text[..cut]);
            runs += 1;
        }
    }
    assert!(runs > 1000, "only {runs} damaged inputs");
}

/// Every word of every example replaced in turn by values of other types and kinds: the
/// checker meets each attribute with each wrong shape, and must answer, never panic.
#[test]
fn no_panic_on_swapped_values() {
    const SWAPS: [&str; 12] = [
        "core",
        "orders",
        "private",
        "vpc",
        "GET",
        "app",
        "0",
        "-1",
        "\"s\"",
        "10.0.0.0/8",
        "[]",
        "{}",
    ];
    let mut runs = 0;
    for example in support::examples() {
        let path = support::root().join(example);
        let files: Vec<PathBuf> = if path.is_dir() {
            files_of(&path)
        } else {
            vec![path]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            let name = relative(&file);
            // Byte ranges of the words (identifiers and numbers) outside comments.
            let mut words = Vec::new();
            let mut start = None;
            let mut in_comment = false;
            for (i, c) in text.char_indices().chain([(text.len(), '\n')]) {
                in_comment = (in_comment || c == '#') && c != '\n';
                let word = !in_comment && (c.is_ascii_alphanumeric() || c == '_');
                match (word, start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        words.push(s..i);
                        start = None;
                    }
                    _ => {}
                }
            }
            for range in words {
                for swap in SWAPS {
                    let edited = format!("{}{swap}{}", &text[..range.start], &text[range.end..]);
                    check_text(&name, &edited);
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 2000, "only {runs} swapped inputs");
}
