//! terraform itself on the `tf` output of every valid corpus fixture, as the spec's section 7
//! asks: `fmt -check` finds nothing, `init` from the local provider mirror, `validate`, and
//! `plan` (against moto, on loopback) succeed. This is the oracle that found the
//! `internal-` load balancer name (E0501) that the checker used to let through.

use super::{fixtures, run, text};
use crate::support;
use std::path::{Path, PathBuf};

/// Build one fixture for `tf` and run terraform on it in `root/<n>`.
fn check_one(n: usize, fixture: &Path, root: &Path) -> Result<(), String> {
    let name = fixture.display().to_string();
    let out = run(&["build", "--target", "tf"], &[fixture.to_path_buf()]);
    if !out.status.success() {
        return Err(format!("{name}: build failed:\n{}", text(&out.stderr)));
    }
    support::terraform::checks(&n.to_string(), &text(&out.stdout), root, &[])
        .map(|_| ())
        .map_err(|e| format!("{name}: {e}"))
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
