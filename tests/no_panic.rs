//! No input makes aprc panic. A deterministic mutation test: every example is mutated a few
//! hundred times (seeded, so a failure replays exactly) and each mutant goes through the
//! whole library pipeline in-process: parse and check, and for mutants that check clean,
//! lowering and every backend; diagnostics are rendered both ways; every mutant that parses
//! is formatted, and the formatted text must re-parse to the same tree and be a fixed
//! point of `fmt`.
//! Nothing catches unwinding, so a panic anywhere fails the test. A smaller sample goes
//! through the CLI to check exit codes and the JSON diagnostics.

use crate::support;

use crate::erase;
use crate::mutate;

use mutate::mutate;

use aprc::backends::Target;
use aprc::diag::{render, Diagnostics};
use aprc::source::Sources;
use codespan_reporting::term::termcolor::NoColor;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Mutants per example; `APRC_MUTANTS=N` runs a deeper search locally.
fn mutants_per_example() -> usize {
    std::env::var("APRC_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}
const CLI_MUTANTS: usize = 50;

/// One application: its files' names and texts (a directory example has several).
fn applications() -> Vec<Vec<(String, String)>> {
    support::examples()
        .into_iter()
        .map(|path| {
            let full = support::root().join(&path);
            let mut files: Vec<PathBuf> = if full.is_dir() {
                std::fs::read_dir(&full)
                    .expect("example directory")
                    .map(|e| e.expect("entry").path())
                    .filter(|p| p.extension().is_some_and(|e| e == "apr"))
                    .collect()
            } else {
                vec![full]
            };
            files.sort();
            files
                .into_iter()
                .map(|f| {
                    (
                        f.display().to_string(),
                        std::fs::read_to_string(&f).expect("example text"),
                    )
                })
                .collect()
        })
        .collect()
}

/// A seed per application, so each one's mutants do not depend on the others.
fn seed(app: &[(String, String)]) -> u64 {
    app.iter()
        .flat_map(|(_, text)| text.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        })
}

// ---- the in-process pipeline --------------------------------------------------------

/// Runs every phase that applies to this application; panics (failing the test) only on
/// a broken property. `what` names the mutant for the failure message. `check` and `build`
/// must agree: a mutant `check` accepts builds for every target (a CloudFormation quota
/// aside), one it refuses builds for none.
fn pipeline(files: &[(String, String)], what: &str) -> bool {
    let mut sources = Sources::new();
    for (name, text) in files {
        sources.add(name.clone(), text.clone());
    }
    let mut diags = Diagnostics::new();
    let clean = aprc::driver::check(&sources, &mut diags).is_some();
    assert_eq!(
        clean,
        !diags.has_errors(),
        "{what}: check's answer and its errors disagree"
    );
    let mut build = Diagnostics::new();
    let compiled = aprc::driver::compile(&sources, &BTreeMap::new(), &mut build);
    let Ok(compiled) = compiled else {
        panic!("{what}: no --param was given, yet a usage error");
    };
    assert_eq!(
        compiled.is_some(),
        clean,
        "{what}: check says {}, build says {:?}",
        if clean { "clean" } else { "errors" },
        build.sorted()
    );
    // `aprc build` spells the graph while it is validated, so the backends also meet the
    // graphs validation refuses: no panic, and no output for them.
    if compiled.is_none() {
        for target in [Target::Cfn, Target::Tf, Target::Plan] {
            let mut refused = Diagnostics::new();
            let built = aprc::driver::build(
                &sources,
                &BTreeMap::new(),
                target,
                Default::default(),
                &mut refused,
            );
            assert!(
                matches!(built, Ok(None)),
                "{what}: {target:?} built what check refused"
            );
        }
    }
    if let Some(graph) = compiled {
        for target in [Target::Cfn, Target::Tf, Target::Plan] {
            let mut emitted = Diagnostics::new();
            aprc::driver::emit(target, Default::default(), &graph, &mut emitted);
            for d in emitted.iter() {
                assert_eq!(
                    d.code.as_str(),
                    "E0601",
                    "{what}: {target:?} refused: {d:?}"
                );
            }
            diags.extend(emitted);
        }
    }
    let sorted = diags.sorted();
    let json = render::json(&sources, &sorted);
    assert_eq!(
        json.lines().count(),
        sorted.len(),
        "{what}: one JSON line per diagnostic"
    );
    let mut human = NoColor::new(Vec::new());
    if let Err(e) = render::human(&sources, &sorted, &mut human) {
        panic!("{what}: a diagnostic cannot be rendered ({e}): {sorted:?}");
    }
    for id in sources.ids() {
        let text = sources.text(id);
        if let Some(module) = aprc::syntax::parse(id, text, &mut Diagnostics::new()) {
            let once = aprc::fmt::format(text, &module);
            let Some(again) = aprc::syntax::parse(id, &once, &mut Diagnostics::new()) else {
                panic!("{what}: fmt output does not parse\n--- input\n{text}\n--- output\n{once}");
            };
            assert_eq!(
                module.comments.len(),
                again.comments.len(),
                "{what}: fmt lost comments\n{once}"
            );
            assert_eq!(
                erase::erased(&module),
                erase::erased(&again),
                "{what}: fmt changed the syntax tree\n{once}"
            );
            let twice = aprc::fmt::format(&once, &again);
            assert_eq!(
                once, twice,
                "{what}: fmt is not idempotent\n--- input\n{text}"
            );
        }
    }
    clean
}

#[test]
fn mutants_never_panic_in_process() {
    let apps = applications();
    let mut total = 0;
    let mut clean = 0;
    for app in apps {
        let mut rng = fastrand::Rng::with_seed(seed(&app));
        let example_clean = pipeline(&app, &app[0].0);
        assert!(
            example_clean,
            "{}: the example itself must check clean",
            app[0].0
        );
        for n in 0..mutants_per_example() {
            let mut files = app.clone();
            let victim = rng.usize(..files.len());
            files[victim].1 = mutate(&mut rng, &files[victim].1);
            let what = format!("{} mutant #{n}", files[victim].0);
            if pipeline(&files, &what) {
                clean += 1;
            }
            total += 1;
        }
    }
    eprintln!("{clean} of {total} mutants checked clean");
    // The mutations must reach past the checker often enough to exercise the later phases,
    // and break things often enough to exercise error reporting.
    assert!(
        clean * 20 > total,
        "only {clean} of {total} mutants checked clean"
    );
    assert!(
        clean * 10 < total * 9,
        "{clean} of {total} mutants checked clean: mutations too weak"
    );
}

/// The mutants must mostly still parse, or fmt and the checker are barely exercised.
#[test]
fn mutants_mostly_parse() {
    let mut parsed = 0;
    let mut total = 0;
    for app in applications() {
        let mut rng = fastrand::Rng::with_seed(seed(&app));
        for _ in 0..mutants_per_example() {
            let victim = rng.usize(..app.len());
            let text = mutate(&mut rng, &app[victim].1);
            total += 1;
            if aprc::syntax::parse(aprc::span::FileId(0), &text, &mut Diagnostics::new()).is_some()
            {
                parsed += 1;
            }
        }
    }
    eprintln!("{parsed} of {total} mutants parse");
    assert!(parsed * 4 > total, "only {parsed} of {total} mutants parse");
    assert!(
        parsed * 10 < total * 9,
        "{parsed} of {total} mutants parse: mutations too weak"
    );
}

// ---- the CLI ------------------------------------------------------------------------

#[test]
fn cli_mutants_exit_cleanly_with_json_diagnostics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let apps: Vec<(String, String)> = applications().into_iter().flatten().collect();
    let mut rng = fastrand::Rng::with_seed(0x00a9_5c11);
    for n in 0..CLI_MUTANTS {
        let (name, text) = &apps[rng.usize(..apps.len())];
        let mutant = mutate(&mut rng, text);
        // Each mutant stands alone: a file of a multi-file example may fail for missing names.
        let path = dir.path().join(format!("mutant{n}.apr"));
        std::fs::write(&path, &mutant).expect("write mutant");
        let out = support::aprc()
            .arg("check")
            .arg("--message-format")
            .arg("json")
            .arg(&path)
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let what = format!("mutant {n} of {name}:\n{mutant}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{what}\nexit {:?}\n{stderr}",
            out.status.code()
        );
        assert!(!stderr.contains("panicked"), "{what}\n{stderr}");
        for line in stdout.lines() {
            let value: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{what}\nnot JSON ({e}): {line}"));
            assert!(
                value["code"].as_str().is_some_and(|c| c.len() == 5),
                "{what}\nno code: {line}"
            );
        }
        if out.status.code() == Some(1) {
            assert!(
                stdout.contains("\"severity\":\"error\""),
                "{what}\nexit 1 without a JSON error"
            );
        }
    }
}

/// The examples have few comments; the fmt fixtures are full of them, in odd places. Their
/// mutants stress comment placement: fmt output must re-parse, keep every comment text and
/// be a fixed point.
#[test]
fn fmt_survives_mutants_of_messy_fixtures() {
    let dir = support::root().join("tests/fixtures/fmt");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let mut parsed = 0;
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("fixture");
        let mut rng = fastrand::Rng::with_seed(seed(&[(String::new(), text.clone())]));
        for n in 0..mutants_per_example() {
            let mutant = mutate(&mut rng, &text);
            let what = format!("{} mutant #{n}", path.display());
            let Some(module) =
                aprc::syntax::parse(aprc::span::FileId(0), &mutant, &mut Diagnostics::new())
            else {
                continue;
            };
            parsed += 1;
            let once = aprc::fmt::format(&mutant, &module);
            let Some(again) =
                aprc::syntax::parse(aprc::span::FileId(0), &once, &mut Diagnostics::new())
            else {
                panic!(
                    "{what}: fmt output does not parse\n--- input\n{mutant}\n--- output\n{once}"
                );
            };
            let texts = |m: &aprc::syntax::ast::Module| {
                let mut t: Vec<String> = m.comments.iter().map(|c| c.text.clone()).collect();
                t.sort();
                t
            };
            assert_eq!(
                erase::erased(&module),
                erase::erased(&again),
                "{what}: the syntax tree changed\n--- input\n{mutant}\n--- output\n{once}"
            );
            assert_eq!(
                texts(&module),
                texts(&again),
                "{what}: comments changed\n--- input\n{mutant}\n--- output\n{once}"
            );
            let twice = aprc::fmt::format(&once, &again);
            assert_eq!(
                once, twice,
                "{what}: fmt is not idempotent\n--- input\n{mutant}"
            );
        }
    }
    assert!(parsed > 200, "only {parsed} fixture mutants parse");
}
