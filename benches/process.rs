//! Whole-process benchmark: runs the release `aprc build FILE --target T` (stdout to
//! /dev/null) for the seed example and generated specs of 80, 100 and 1,000 services (80 is
//! about the most CloudFormation's 500 resources per stack allows), many times
//! each, and prints the median and minimum wall time and the peak resident set size of the
//! child. Each child is reaped with `wait4`, whose rusage is that child's alone (getrusage
//! RUSAGE_CHILDREN would report the maximum over every child so far).
//!
//! Run: `cargo bench --bench process` (`APRC_BENCH_RUNS=N` to change the 40 runs per cell;
//! extra arguments filter the workloads by label, e.g. `-- seed`).

#[path = "support/specgen.rs"]
mod specgen;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    wall: Duration,
    max_rss_kib: i64,
    code: i32,
}

/// Spawns and reaps one child with `wait4`, timing from spawn to reaped.
fn run_once(args: &[&str]) -> Run {
    let exe = env!("CARGO_BIN_EXE_aprc");
    let start = Instant::now();
    let child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the aprc binary");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we just spawned, which
    // nothing else waits for (the `Child` handle is dropped without waiting).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    drop(child);
    assert_eq!(reaped, pid, "wait4 reaped the child");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss, // kilobytes on Linux
        code,
    }
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    }
}

struct Cell {
    median: Duration,
    min: Duration,
    max_rss_kib: i64,
    code: i32,
}

fn measure(args: &[&str], runs: usize) -> Cell {
    // Two warm-up runs: page cache and the dynamic loader, not the compiler.
    for _ in 0..2 {
        run_once(args);
    }
    let results: Vec<Run> = (0..runs).map(|_| run_once(args)).collect();
    let code = results[0].code;
    assert!(
        results.iter().all(|r| r.code == code),
        "exit status changed between runs of {args:?}"
    );
    Cell {
        min: results.iter().map(|r| r.wall).min().unwrap_or_default(),
        max_rss_kib: results.iter().map(|r| r.max_rss_kib).max().unwrap_or(0),
        median: median(results.iter().map(|r| r.wall).collect()),
        code,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let runs: usize = std::env::var("APRC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let seed = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/seed.apr"));
    let mut workloads: Vec<(String, usize, PathBuf)> = vec![("seed".into(), 1, seed)];
    for n in [80usize, 100, 1000] {
        let path = dir.path().join(format!("bench{n}.apr"));
        std::fs::write(&path, specgen::spec(n)).expect("write the generated spec");
        workloads.push((n.to_string(), n, path));
    }
    for n in [100usize, 1000] {
        let path = dir.path().join(format!("bench-ecs{n}.apr"));
        std::fs::write(&path, specgen::spec_ecs(n)).expect("write the generated spec");
        workloads.push((format!("ecs{n}"), n, path));
    }
    workloads.retain(|(label, _, _)| filters.is_empty() || filters.iter().any(|f| f == label));

    let baseline = measure(&["--version"], runs);
    println!("aprc whole process, {runs} runs per cell (after 2 warm-up runs)");
    println!(
        "baseline `aprc --version`: median {:.3} ms, peak RSS {:.1} MiB\n",
        ms(baseline.median),
        baseline.max_rss_kib as f64 / 1024.0
    );
    println!("| spec | services | target | exit | median ms | min ms | peak RSS MiB |");
    println!("|---|---:|---|---:|---:|---:|---:|");
    // (target, services, median, min) per cell.
    let mut cells: Vec<(&str, usize, Duration, Duration)> = Vec::new();
    for (label, services, path) in &workloads {
        for target in ["cfn", "tf", "plan"] {
            let file = path_str(path);
            let cell = measure(&["build", file, "--target", target], runs);
            println!(
                "| {label} | {services} | {target} | {} | {:.3} | {:.3} | {:.1} |",
                cell.code,
                ms(cell.median),
                ms(cell.min),
                cell.max_rss_kib as f64 / 1024.0
            );
            cells.push((target, *services, cell.median, cell.min));
        }
    }
    // Per-service cost and growth from 100 to 1,000 services, per target, from the medians
    // and (less disturbed by other load on the machine) from the minimums.
    println!("\n| target | per extra service 100 -> 1000, median (min) | growth 100 -> 1000, median (min) |");
    println!("|---|---:|---:|");
    for target in ["cfn", "tf", "plan"] {
        let at = |n: usize| cells.iter().find(|c| c.0 == target && c.1 == n);
        if let (Some(a), Some(b)) = (at(100), at(1000)) {
            let per = |x: Duration, y: Duration| (y.as_secs_f64() - x.as_secs_f64()) / 900.0 * 1e6;
            let growth = |x: Duration, y: Duration| y.as_secs_f64() / x.as_secs_f64();
            println!(
                "| {target} | {:.1} µs ({:.1} µs) | {:.2}x ({:.2}x) |",
                per(a.2, b.2),
                per(a.3, b.3),
                growth(a.2, b.2),
                growth(a.3, b.3)
            );
        }
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
