//! Shared by the integration tests: the `aprc` binary, the examples, and a moto server.
//!
//! moto: `.ci/run` starts one server and exports `APRC_MOTO_ENDPOINT`; when the variable is
//! absent (`cargo test` on its own), the first test that asks starts a private server on a
//! free loopback port, which exits when the test process does. Tests sharing a server must
//! only look at resources they created themselves.

#![allow(dead_code)]

pub mod terraform;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// An external oracle the suite runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oracle {
    CfnLint,
    /// Python 3 with boto3, botocore and moto's server.
    Python,
    /// terraform with the AWS provider mirror in /opt/tf-plugins.
    Terraform,
}

impl Oracle {
    /// Whether it is installed, asked once per test process.
    fn present(self) -> bool {
        static FOUND: OnceLock<[bool; 3]> = OnceLock::new();
        let found = FOUND.get_or_init(|| {
            let runs = |cmd: &mut Command| {
                cmd.stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            };
            [
                runs(Command::new("cfn-lint").arg("--version")),
                runs(
                    Command::new("python3")
                        .args(["-c", "import boto3, botocore, moto.server, flask_cors"]),
                ),
                runs(Command::new("terraform").arg("version"))
                    && Path::new("/opt/tf-plugins/registry.terraform.io/hashicorp/aws").is_dir(),
            ]
        });
        found[self as usize]
    }

    fn install(self) -> &'static str {
        match self {
            Oracle::CfnLint => "cfn-lint: `pip install cfn-lint`",
            Oracle::Python => "Python 3 with boto3 and moto: `pip install boto3 \"moto[server]\"`",
            Oracle::Terraform => {
                "terraform on PATH and the AWS provider 5.100.0 mirrored in /opt/tf-plugins \
                 (`terraform providers mirror /opt/tf-plugins` from a root that requires it)"
            }
        }
    }
}

/// A command of `oracle`, after checking it is installed: when it is not, the test fails
/// with one line naming what to install (`.ci/run` installs the Python ones itself).
pub fn oracle(oracle: Oracle) -> Command {
    assert!(
        oracle.present(),
        "this test needs {} (or run .ci/run, which installs what it can)",
        oracle.install()
    );
    Command::new(match oracle {
        Oracle::CfnLint => "cfn-lint",
        Oracle::Python => "python3",
        Oracle::Terraform => "terraform",
    })
}

pub fn aprc() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aprc"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every input of `dir` (relative to the crate root): its `.apr` files and its directories
/// (each a multi-file application), as paths relative to the crate root, sorted.
pub fn inputs(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join(dir)).expect(dir) {
        let path = entry.expect("entry").path();
        let rel = path.strip_prefix(root()).expect("under root").to_path_buf();
        if path.is_dir() || path.extension().is_some_and(|e| e == "apr") {
            out.push(rel);
        }
    }
    out.sort();
    out
}

/// Every example: the `.apr` files of `examples/` and each directory under it.
pub fn examples() -> Vec<PathBuf> {
    inputs("examples")
}

/// The `.apr` files of one input (itself, or a directory's files), absolute, sorted.
pub fn files_of(input: &Path) -> Vec<PathBuf> {
    let path = root().join(input);
    if !path.is_dir() {
        return vec![path];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
        .expect("input directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "apr"))
        .collect();
    files.sort();
    files
}

/// A short, stable name for an example (`seed`, `multi`).
pub fn example_name(path: &Path) -> String {
    path.file_stem()
        .expect("name")
        .to_string_lossy()
        .into_owned()
}

/// The moto endpoint URL (`http://127.0.0.1:PORT`).
// The server is never waited for: it lives as long as the test process and exits by itself
// when that process does (moto_server.py watches its parent).
#[allow(clippy::zombie_processes)]
pub fn moto() -> String {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT
        .get_or_init(|| {
            if let Ok(url) = std::env::var("APRC_MOTO_ENDPOINT") {
                return url;
            }
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free loopback port")
                .port();
            let mut child = oracle(Oracle::Python)
                .arg(root().join("tests/support/moto_server.py"))
                .arg(port.to_string())
                .arg(std::process::id().to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("python3 with moto installed (pip install 'moto[server]')");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("moto starts");
            assert_eq!(line.trim(), "ready", "moto server did not start");
            format!("http://127.0.0.1:{port}")
        })
        .clone()
}

/// Environment for a tool that talks to moto: fake credentials, no real endpoint reachable.
pub fn moto_env(cmd: &mut Command) -> &mut Command {
    cmd.env("AWS_ENDPOINT_URL", moto())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env_remove("AWS_PROFILE")
}

/// A spec written to `file` in a directory of its own, which lives as long as the returned
/// handle.
pub fn spec_file(file: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(file);
    std::fs::write(&path, text).expect("spec");
    (dir, path)
}
