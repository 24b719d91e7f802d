//! Helpers shared by the integration tests, and the checker of the library's layers.

pub mod layers;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace's top folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

/// The real `parlab` binary, built once per test run with the same profile
/// as the tests.
///
/// Cargo builds a binary for the integration tests of its own package only,
/// and `parlab` lives in `parlab-cli`, so the tests build it themselves. The
/// process backend's tests pass it by hand (`process::sweep_with_program`),
/// and a test that starts a command which starts workers sets `PARLAB_BIN`
/// on that command: this process's environment is never changed, because
/// other tests read it from other threads at the same time.
pub fn parlab_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let profile_dir = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent()?.parent().map(Path::to_path_buf))
            .expect("tests run from target/<profile>/deps");
        let release = profile_dir.file_name().is_some_and(|n| n == "release");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.current_dir(workspace()).args(["build", "--quiet", "--package", "parlab-cli", "--bin", "parlab"]);
        if release {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the parlab binary failed");
        let bin = profile_dir.join(format!("parlab{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.is_file(), "no parlab binary at {}", bin.display());
        bin
    })
}

/// Writes `text` to `path` as an executable script (mode 755), by way of a
/// child `sh`, so that this process never holds the file open for writing.
///
/// Tests run on many threads, and a child that another thread forks copies
/// every open descriptor until it calls exec: had this process written the
/// script itself, such a child could still hold it open for writing when a
/// test starts it, and Linux refuses to run it ("Text file busy").
pub fn write_script(path: &Path, text: &str) {
    use std::io::Write;
    let mut sh = Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("sh runs");
    sh.stdin.take().expect("a pipe to sh").write_all(text.as_bytes()).expect("sh reads the script");
    let status = sh.wait().expect("sh runs");
    assert!(status.success(), "writing {} failed", path.display());
}

/// Builds binary `bin` of `package` with the tests' profile, once per call, and returns its path.
pub fn build_binary(package: &str, bin: &str) -> PathBuf {
    build_binary_with(package, bin, &[])
}

/// Builds binary `bin` of `package` with `features` and the tests' profile, and returns its path.
pub fn build_binary_with(package: &str, bin: &str, features: &[&str]) -> PathBuf {
    let profile_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(Path::to_path_buf))
        .expect("tests run from target/<profile>/deps");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(workspace()).args(["build", "--quiet", "--package", package, "--bin", bin]);
    if !features.is_empty() {
        build.arg("--features").arg(features.join(","));
    }
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building {bin} failed");
    let path = profile_dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "no {bin} binary at {}", path.display());
    path
}
