//! Which `parlab` binary the workers run.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The `parlab` program the workers run.
///
/// In order: the `PARLAB_BIN` environment variable; this program, if it is
/// `parlab`; the workspace's `target/release/parlab`, then `target/debug/parlab`;
/// `parlab` on the `PATH`.
pub fn worker_program() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PARLAB_BIN") {
        return Ok(PathBuf::from(path));
    }
    if let Ok(exe) = std::env::current_exe()
        && exe.file_stem().is_some_and(|s| s == "parlab")
    {
        return Ok(exe);
    }
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target");
    for profile in ["release", "debug"] {
        let candidate = target.join(profile).join(format!("parlab{}", std::env::consts::EXE_SUFFIX));
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    which::which("parlab")
        .map_err(|_| Error::WorkerProgram { program: "parlab".into(), message: "it was not found".into() })
}
