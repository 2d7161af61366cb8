//! The one place aprc runs work on other threads: large builds only, and never so that
//! what is written depends on it. [`side_by_side`] runs two independent pieces of work at
//! once (the driver's validation beside the backend's spelling); [`chunked`] runs one pass
//! over many items on two threads (the backends' passes over resources), whose results come
//! back in order.
//!
//! Speed only (style.md's rule): at 1,000 ECS services two threads took a Terraform build
//! from about 60 to about 49 ms and a plan build from about 84 to about 71 ms when they came
//! in; taking parts in turn rather than halves saved a few more (docs/performance.md, issue
//! 13's second and third sessions). Below the thresholds everything runs on one thread:
//! starting a thread, and glibc's malloc taking locks once a process has two, cost about
//! what they save.

use crate::ir::Internal;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

/// From this many resources (about 60 ECS or 180 App Runner services) a build validates and
/// spells side by side.
pub const SIDE_BY_SIDE: usize = 1_000;

/// From this many items (a graph's resources), [`chunked`] works on two threads: about 190
/// ECS or 550 App Runner services.
pub const TWO_THREADS: usize = 3_000;

/// How many chunks [`chunked`] cuts its items into: enough for the two threads to end
/// together (a chunk is about 3% of the work), few enough that each costs nothing to start.
pub const CHUNKS: usize = 32;

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

/// `work` over the positions `0..n`: in one piece when `n` is below [`TWO_THREADS`];
/// otherwise cut into [`CHUNKS`] consecutive ranges that this thread and one other take in
/// turn, each the next range as soon as it is free. The results come back in the ranges'
/// order, so the caller's output is the one a single pass would make.
///
/// Taken in turn rather than as two fixed halves: a build validates on a third thread, and
/// the half that shared its core with validation took twice as long as the other (1,000
/// ECS services, plan: 24 ms against 12).
pub fn chunked<T: Send>(
    n: usize,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> Result<Vec<T>, Internal> {
    if n < TWO_THREADS {
        return Ok(vec![work(0..n)]);
    }
    let size = n.div_ceil(CHUNKS);
    let next = AtomicUsize::new(0);
    let take = || {
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(1, Ordering::Relaxed) * size;
            if start >= n {
                return done;
            }
            done.push((start, work(start..n.min(start + size))));
        }
    };
    let (mut all, theirs) = side_by_side(take, take);
    all.extend(theirs?);
    all.sort_unstable_by_key(|(start, _)| *start);
    Ok(all.into_iter().map(|(_, done)| done).collect())
}
