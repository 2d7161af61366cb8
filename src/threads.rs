//! The one place aprc runs work on a second thread: large builds only, and never so that
//! what is written depends on it. [`side_by_side`] runs two independent pieces of work at
//! once (the driver's validation beside the backend's spelling); [`halves`] runs one pass
//! over many items as two (the backends' passes over resources and plan steps), whose
//! results the caller puts back in order.
//!
//! Speed only (style.md's rule): at 1,000 ECS services these take a Terraform build from
//! about 60 to about 49 ms and a plan build from about 84 to about 71 ms; the numbers are in
//! docs/performance.md. Below the thresholds everything runs on one thread: starting a
//! thread, and glibc's malloc taking locks once a process has two, cost about what they save.

use crate::ir::Internal;
use std::ops::Range;

/// From this many resources (about 60 ECS or 180 App Runner services) a build validates and
/// spells side by side.
pub const SIDE_BY_SIDE: usize = 1_000;

/// From this many items (a graph's resources, a plan's steps), [`halves`] works on two
/// threads: about 190 ECS or 550 App Runner services.
pub const HALVES: usize = 3_000;

/// `here` on this thread while `there` runs on a thread of its own, both done on return;
/// `there` panicking is `Err`.
pub fn side_by_side<A, B: Send>(
    here: impl FnOnce() -> A,
    there: impl FnOnce() -> B + Send,
) -> (A, Result<B, Internal>) {
    std::thread::scope(|scope| {
        let other = scope.spawn(there);
        let done = here();
        let other = other
            .join()
            .map_err(|_| Internal("a second thread stopped".into()));
        (done, other)
    })
}

/// The positions `0..n` cut in two: `first` does `0..n/2` here while `later` does the rest
/// on a thread of its own ([`side_by_side`]), when `n` is at least [`HALVES`]; otherwise
/// `first` does `0..n` and `later` nothing (`None`). The caller puts the halves' results back
/// in order, so the output is the one a single pass would make.
pub fn halves<A, B: Send>(
    n: usize,
    first: impl FnOnce(Range<usize>) -> A,
    later: impl FnOnce(Range<usize>) -> B + Send,
) -> (A, Option<Result<B, Internal>>) {
    if n < HALVES {
        return (first(0..n), None);
    }
    let cut = n / 2;
    let (done, other) = side_by_side(|| first(0..cut), || later(cut..n));
    (done, Some(other))
}
