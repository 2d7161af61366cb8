//! Transparent huge pages for the heap (Linux with glibc only).
//!
//! Building 1,000 services touches tens of megabytes of heap, and on the machines aprc is
//! measured on each first touch of a 4 KiB page is a page fault: about a quarter of the
//! whole run. This asks the kernel for 2 MiB pages instead, as glibc's own
//! `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` does (which a program cannot set for itself): the
//! heap is grown once by [`PAD`] and that range is advised `MADV_HUGEPAGE`. Allocations up
//! to [`PAD`] come from this heap rather than from separate `mmap`s. Nothing here changes
//! what aprc computes; where the kernel refuses, it runs as before.

/// How far the heap grows at once, and the largest allocation served from it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const PAD: usize = 32 << 20;
/// A transparent huge page.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const HUGE: usize = 2 << 20;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn prefer_huge_pages() {
    // SAFETY: mallopt, malloc, free, sbrk(0) and madvise on the heap's own range are sound
    // at any time in a single-threaded start; the range advised is mapped (below the break).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, PAD as libc::c_int);
        libc::mallopt(libc::M_TRIM_THRESHOLD, (2 * PAD) as libc::c_int);
        libc::mallopt(libc::M_TOP_PAD, PAD as libc::c_int);
        // One allocation larger than what is left on top makes glibc grow the heap now.
        // (black_box: a compiler may drop a malloc/free pair whose memory is unused.)
        let probe = std::hint::black_box(libc::malloc(256 << 10));
        libc::free(probe);
        let end = libc::sbrk(0) as usize;
        if end == usize::MAX || end < PAD {
            return;
        }
        let start = (end - PAD + HUGE - 1) & !(HUGE - 1);
        if start < end {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn prefer_huge_pages() {}
