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
    let all: Vec<(usize, PathBuf)> = fixtures().into_iter().enumerate().collect();
    let failures = support::terraform::on_two_workers(&all, |(n, f), root| check_one(*n, f, root));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
