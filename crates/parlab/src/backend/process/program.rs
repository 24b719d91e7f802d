//! Which `parlab` binary the workers run.

use std::path::{Path, PathBuf};

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

/// Runs the `parlab` command ([`worker_program`]) with `args`, as a shell
/// would, and hands back its standard output.
///
/// A command that fails gives [`Error::Command`] with its one-line error
/// (every `parlab` error is one line, `error: …`, on standard error); from a
/// program that printed no such line, how it ended and its last line. Notebook 06 runs `parlab sweep --backend mpi`
/// with it, and reads the output with [`sweep::Printed`](crate::sweep::Printed).
///
/// ```no_run
/// let json = parlab::process::parlab_command(&["sweep", "--integrand", "lecture", "--samples", "100", "--json"])?;
/// let printed = parlab::sweep::Printed::from_json(&json)?;
/// # Ok::<(), parlab::Error>(())
/// ```
pub fn parlab_command(args: &[&str]) -> Result<String> {
    let program = worker_program().map_err(|e| command_failed(args, e.to_string()))?;
    parlab_command_with_program(&program, args)
}

/// [`parlab_command`] with a given `parlab` binary.
pub fn parlab_command_with_program(program: &Path, args: &[&str]) -> Result<String> {
    let out =
        std::process::Command::new(program).args(args).stdin(std::process::Stdio::null()).output().map_err(|e| {
            command_failed(args, format!("cannot run {}: {e}: build it with `cargo lab setup`", program.display()))
        })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Its `error: ` line; else its last line (a message, not a backtrace), so the error stays one line.
    let last = stderr.lines().rev().map(str::trim).find(|line| !line.is_empty());
    let message = match (stderr.lines().find_map(|line| line.strip_prefix("error: ")), last) {
        (Some(line), _) => line.to_string(),
        (None, Some(line)) => format!("it failed ({}): {line}", out.status),
        (None, None) => format!("it failed ({}) and printed no error", out.status),
    };
    Err(command_failed(args, message))
}

/// The error of a `parlab` command run with `args`, named by its subcommand.
fn command_failed(args: &[&str], message: String) -> Error {
    Error::Command { command: args.first().copied().unwrap_or_default().to_string(), message }
}
