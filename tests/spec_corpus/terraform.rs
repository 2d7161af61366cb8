//! terraform itself on the `tf` output of every valid corpus fixture, as the spec's section 7
//! asks: `fmt -check` finds nothing, `init` from the local provider mirror, `validate`, and
//! `plan` (against moto, on loopback) succeed. One batch: each command runs once over every
//! fixture (`support::terraform`). This is the oracle that found the `internal-` load
//! balancer name (E0501) that the checker used to let through.

use super::{fixtures, run, text};
use crate::support::terraform::{check_all, module_name, Doc};

#[test]
fn terraform_accepts_every_valid_fixture() {
    let mut docs = Vec::new();
    for fixture in fixtures() {
        let out = run(&["build", "--target", "tf"], std::slice::from_ref(&fixture));
        assert!(
            out.status.success(),
            "{}: build failed:\n{}",
            fixture.display(),
            text(&out.stderr)
        );
        let file = fixture
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("fixture");
        docs.push(Doc::new(&module_name(file), text(&out.stdout)));
    }
    assert!(docs.len() >= 25, "only {} fixtures", docs.len());
    if let Err(e) = check_all(&docs) {
        panic!("{e}");
    }
}
