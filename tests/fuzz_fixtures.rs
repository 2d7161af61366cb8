//! Every input the fuzzer ever crashed on (`tests/fixtures/fuzz/*.apr`, each with a header
//! saying what went wrong) runs through the same whole-pipeline oracle as the fuzz target
//! (`fuzz/oracle.rs`): no panic, an IR exactly when there is no error, stable backend output,
//! idempotent fmt that keeps the meaning.

use crate::oracle;

use std::path::PathBuf;

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/fuzz")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "apr"))
        .collect();
    out.sort();
    out
}

#[test]
fn fuzz_finds_run_through_the_pipeline_without_panic() {
    let fixtures = fixtures();
    assert!(!fixtures.is_empty(), "no fuzz fixtures found");
    let mut panicked = Vec::new();
    for path in fixtures {
        let bytes = std::fs::read(&path).expect("readable fixture");
        let text = String::from_utf8(bytes).expect("fuzz fixtures are UTF-8");
        if std::panic::catch_unwind(|| oracle::run(&text)).is_err() {
            panicked.push(path.display().to_string());
        }
    }
    assert!(panicked.is_empty(), "panicked: {panicked:#?}");
}
