//! The command line as a user meets it: exit codes, output files, every example for every
//! target, and the graph.

use crate::specgen;
use crate::support;

use std::path::Path;
use support::{aprc, examples};

const TARGETS: [&str; 3] = ["cfn", "tf", "plan"];

fn build(example: &Path, target: &str, out: &Path) -> std::process::Output {
    aprc()
        .current_dir(support::root())
        .args(["build"])
        .arg(example)
        .args(["--target", target, "-o"])
        .arg(out)
        .output()
        .expect("aprc runs")
}

#[test]
fn every_example_builds_for_every_target_and_stdout_matches_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for example in examples() {
        for target in TARGETS {
            let out = dir
                .path()
                .join(format!("{}.{target}", support::example_name(&example)));
            let result = build(&example, target, &out);
            assert!(
                result.status.success(),
                "{} --target {target}: {}",
                example.display(),
                String::from_utf8_lossy(&result.stderr)
            );
            let written = std::fs::read(&out).expect("output written");
            assert!(!written.is_empty());
            let stdout = aprc()
                .current_dir(support::root())
                .arg("build")
                .arg(&example)
                .args(["--target", target])
                .output()
                .expect("aprc runs");
            assert_eq!(
                stdout.stdout,
                written,
                "{} {target}: -o and stdout differ",
                example.display()
            );
        }
    }
}

#[test]
fn a_failed_build_writes_no_file_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("bad.apr");
    std::fs::write(&spec, "app a {\n  region = \"eu-west-1\"\n}\nservice s {\n  image = \"public.ecr.aws/x/y:1\"\n  cpu = 3 vcpu\n}\n").unwrap();
    for target in TARGETS {
        let out = dir.path().join(format!("out.{target}"));
        let result = build(&spec, target, &out);
        assert_eq!(result.status.code(), Some(1), "{target}");
        assert!(
            !out.exists(),
            "{target}: a failed build wrote {}",
            out.display()
        );
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(stderr.contains("E0301"), "{stderr}");
        assert!(
            !stderr.contains('\u{1b}'),
            "piped diagnostics must have no colour: {stderr:?}"
        );
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let missing = aprc()
        .args(["check", "does/not/exist.apr"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let bad_param = aprc()
        .current_dir(support::root())
        .args([
            "build",
            "examples/seed.apr",
            "--target",
            "cfn",
            "--param",
            "nope=1",
        ])
        .output()
        .unwrap();
    assert_eq!(bad_param.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_param.stderr).contains("nope"));
    let no_target = aprc()
        .current_dir(support::root())
        .args(["build", "examples/seed.apr"])
        .output()
        .unwrap();
    assert_eq!(no_target.status.code(), Some(2));
}

/// `--tf-module` with another target is a usage error like a `--param` that names no param
/// (exit 2, one `error:` line naming the flag): nothing is written. With `tf` it is a module.
#[test]
fn tf_module_applies_to_tf_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    for target in ["cfn", "plan"] {
        let out = dir.path().join(format!("seed.{target}"));
        let result = aprc()
            .current_dir(support::root())
            .args([
                "build",
                "examples/seed.apr",
                "--target",
                target,
                "--tf-module",
                "-o",
            ])
            .arg(&out)
            .output()
            .expect("aprc runs");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{target}: {stderr}");
        assert!(!out.exists(), "{target}: wrote {}", out.display());
        assert!(result.stdout.is_empty(), "{target}");
        assert!(
            stderr.starts_with("error: `--tf-module` only applies to `--target tf`")
                && stderr.lines().count() == 1,
            "{target}: {stderr}"
        );
    }
    let out = dir.path().join("seed").join("main.tf");
    let module = aprc()
        .current_dir(support::root())
        .args([
            "build",
            "examples/seed.apr",
            "--target",
            "tf",
            "--tf-module",
            "-o",
        ])
        .arg(&out)
        .output()
        .expect("aprc runs");
    assert!(module.status.success(), "{module:?}");
    let text = std::fs::read_to_string(&out).expect("module written");
    assert!(
        text.contains("data \"aws_region\" \"current\" {}"),
        "{text}"
    );
    assert!(!text.contains("provider \"aws\""), "{text}");
}

#[test]
fn baked_params_leave_the_output_symbolic_no_more() {
    let symbolic = aprc()
        .current_dir(support::root())
        .args(["build", "examples/seed.apr", "--target", "tf"])
        .output()
        .unwrap();
    let baked = aprc()
        .current_dir(support::root())
        .args([
            "build",
            "examples/seed.apr",
            "--target",
            "tf",
            "--param",
            "image_tag=9.9.9",
        ])
        .output()
        .unwrap();
    assert!(symbolic.status.success() && baked.status.success());
    let symbolic = String::from_utf8_lossy(&symbolic.stdout);
    let baked = String::from_utf8_lossy(&baked.stdout);
    assert!(symbolic.contains("var.image_tag"), "{symbolic}");
    assert!(
        !baked.contains("var.image_tag") && baked.contains("orders:9.9.9"),
        "{baked}"
    );
}

#[test]
fn json_diagnostics_are_one_object_per_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("bad.apr");
    std::fs::write(&spec, "app a {\n  region = \"eu-west-1\"\n  colour = 1\n}\nservice s {\n  image = \"public.ecr.aws/x/y:1\"\n  port = 70000\n}\n").unwrap();
    let out = aprc()
        .args(["check", "--message-format", "json"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    let codes: Vec<&str> = lines.iter().filter_map(|l| l["code"].as_str()).collect();
    assert!(
        codes.contains(&"E0101") && codes.contains(&"E0303"),
        "{codes:?}"
    );
    let port = lines.iter().find(|l| l["code"] == "E0303").unwrap();
    assert_eq!(
        (port["line"].as_u64(), port["severity"].as_str()),
        (Some(7), Some("error"))
    );
    for key in [
        "message",
        "file",
        "column",
        "end_line",
        "end_column",
        "help",
    ] {
        assert!(port.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn graph_shows_the_private_chain() {
    let dot = aprc()
        .current_dir(support::root())
        .args(["graph", "examples/seed.apr"])
        .output()
        .unwrap();
    assert!(dot.status.success());
    let dot = String::from_utf8_lossy(&dot.stdout);
    for needle in [
        "\"endpoint:core\"",
        "\"nlb:core\"",
        "\"vpclink:core\"",
        "\"ingress:orders\" -> \"endpoint:core\"",
        "\"method:public:AnyProxy\" -> \"vpclink:core\"",
    ] {
        assert!(dot.contains(needle), "missing {needle} in\n{dot}");
    }
    let mermaid = aprc()
        .current_dir(support::root())
        .args(["graph", "examples/seed.apr", "--format", "mermaid"])
        .output()
        .unwrap();
    let mermaid = String::from_utf8_lossy(&mermaid.stdout);
    assert!(
        mermaid.starts_with("flowchart LR\n")
            && mermaid.contains("ingress_orders --> endpoint_core"),
        "{mermaid}"
    );
}

/// A large input (past `src/hugepages.rs`'s threshold) makes the build re-execute itself with
/// glibc's huge-page tunable; what it writes, prints and exits with must be exactly what the
/// same build without the re-exec (the variable already set) gives, success or failure.
#[test]
fn a_large_build_is_the_same_with_or_without_huge_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("large.apr");
    let text = specgen::spec(400);
    assert!(text.len() >= 64 << 10, "the spec must pass the threshold");
    std::fs::write(&good, &text).expect("write");
    let bad = dir.path().join("bad.apr");
    std::fs::write(&bad, text.replace("port    = 8080", "port    = 0")).expect("write");
    for (n, (spec, target)) in [(&good, "plan"), (&good, "tf"), (&bad, "tf")]
        .into_iter()
        .enumerate()
    {
        let run = |tunables: Option<&str>, out: &Path| {
            let mut cmd = aprc();
            // Quiet: the file names differ, and the line naming them is tested elsewhere.
            cmd.args(["build", "--quiet", "--target", target, "-o"])
                .arg(out)
                .arg(spec);
            match tunables {
                Some(value) => cmd.env("GLIBC_TUNABLES", value),
                None => cmd.env_remove("GLIBC_TUNABLES"),
            };
            let result = cmd.output().expect("aprc runs");
            let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
            (result.status.code(), stderr, std::fs::read(out).ok())
        };
        let with = run(None, &dir.path().join(format!("with{n}.out")));
        let without = run(Some(""), &dir.path().join(format!("without{n}.out")));
        let what = format!("{} --target {target}", spec.display());
        assert_eq!((&with.0, &with.1), (&without.0, &without.1), "{what}");
        assert!(with.2 == without.2, "{what}: the files differ");
        let failed = spec == &bad;
        assert_eq!(with.0, Some(if failed { 1 } else { 0 }));
        assert_eq!(with.2.is_none(), failed, "a failed build writes no file");
    }
}

/// `aprc ARGS` under `umask MASK` (through sh, the one safe way to set a child's umask),
/// in `dir`.
fn under_umask(mask: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("umask {mask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_aprc"))
        .args(args)
        .output()
        .expect("sh runs")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("written")
        .permissions()
        .mode()
        & 0o777
}

/// Written files are ordinary files: a new one as the umask gives it, a replaced one keeps
/// its mode (and so `fmt` keeps a file's mode); `-o` creates missing directories.
#[cfg(unix)]
#[test]
fn written_files_have_ordinary_modes_and_directories_are_made() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let seed = support::root().join("examples/seed.apr");
    let seed = seed.to_str().expect("utf-8 path");
    for (mask, expected) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let out = format!("m{mask}/infra/main.tf");
        let run = under_umask(
            mask,
            dir.path(),
            &["build", seed, "--target", "tf", "-o", &out],
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(mode(&dir.path().join(&out)), expected, "umask {mask}");
    }
    // Replacing keeps the mode: a build over an existing file, and fmt.
    let existing = dir.path().join("kept.json");
    std::fs::write(&existing, "{}").expect("write");
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let run = under_umask(
        "077",
        dir.path(),
        &["build", seed, "--target", "cfn", "-o", "kept.json"],
    );
    assert!(run.status.success());
    assert_eq!(mode(&existing), 0o640);
    let messy = dir.path().join("messy.apr");
    std::fs::write(&messy, "app messy {\nregion = \"eu-west-1\"\n}\n").expect("write");
    std::fs::set_permissions(&messy, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let run = under_umask("077", dir.path(), &["fmt", "messy.apr"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "app messy {\n  region = \"eu-west-1\"\n}\n",
        "fmt rewrote the file"
    );
    assert_eq!(mode(&messy), 0o644, "fmt keeps the mode");
}

/// A build that writes a file says so in one line on stderr, unless `--quiet`; on stdout the
/// document itself is the answer, and stderr stays empty.
#[test]
fn a_build_says_what_it_wrote_unless_quiet() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (target, file, line) in [
        ("cfn", "seed.json", "seed.json: 29 resources, 4 outputs"),
        ("tf", "main.tf", "main.tf: 26 resources, 4 outputs"),
        ("plan", "plan.json", "plan.json: 35 steps, 4 outputs"),
    ] {
        let out = dir.path().join(file);
        let run = build(Path::new("examples/seed.apr"), target, &out);
        assert!(run.status.success());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(
            stderr,
            format!("wrote {}\n", dir.path().join(line).display())
        );
        let quiet = aprc()
            .current_dir(support::root())
            .args([
                "build",
                "examples/seed.apr",
                "--quiet",
                "--target",
                target,
                "-o",
            ])
            .arg(&out)
            .output()
            .expect("aprc runs");
        assert!(quiet.status.success() && quiet.stderr.is_empty());
        let stdout = aprc()
            .current_dir(support::root())
            .args(["build", "examples/seed.apr", "--target", target])
            .output()
            .expect("aprc runs");
        assert!(stdout.status.success() && stdout.stderr.is_empty());
    }
}
