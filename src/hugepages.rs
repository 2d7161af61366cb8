//! Large builds run with glibc's malloc on transparent huge pages (Linux with glibc only).
//!
//! A 1,000-service build touches about 27 MB of heap; on the machines aprc is measured on,
//! the first touch of each 4 KiB page is a page fault, and the 6,700 faults were a third of
//! the run. glibc can back its heap with 2 MiB pages, but only through a tunable read when
//! the process starts (`GLIBC_TUNABLES`), which a program cannot set for itself. So a build
//! whose input is large enough for the faults to outweigh starting a process again
//! ([`LARGE`]) re-executes itself once with the tunable set; the new image reads the same
//! files and computes the same output. Nothing here changes what aprc computes: if the
//! variable is already set (by a first run, or by the user) or the exec fails, the build
//! goes on in this process as before. Safe Rust only (`CommandExt::exec`).

/// Input size from which the re-exec pays: about 350 services, where the faults saved
/// (several milliseconds) exceed the cost of a second process start (about 1 ms).
pub const LARGE: usize = 64 << 10;

/// glibc's malloc: `madvise` its memory for transparent huge pages, and grow the heap 32 MiB
/// at a time so that it is grown (and advised) rarely.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNABLES: &str = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432";

/// Re-executes this process with [`TUNABLES`] when `input_bytes` is at least [`LARGE`];
/// returns (and the caller carries on) when it does not, or cannot.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn for_large_input(input_bytes: usize) {
    use std::os::unix::process::CommandExt;
    const VAR: &str = "GLIBC_TUNABLES";
    if input_bytes < LARGE || std::env::var_os(VAR).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // `exec` returns only if it failed; then this process does the build itself.
    let _ = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(VAR, TUNABLES)
        .exec();
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn for_large_input(_input_bytes: usize) {}
