//! A Python with numpy for the lecture's code, in a project-local environment.
//!
//! In order: `--python` or `PARLAB_PYTHON`; the lab's venv
//! (`target/lab/venv`, made by `cargo lab setup`); the bench's own venv
//! (`target/bench/venv`); else that venv is made now, with numpy pinned.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The numpy the bench installs when it makes its own venv (the lab pins the same).
pub const NUMPY: &str = "numpy==2.4.6";

/// The lecture's code and the driver that times it, shipped inside the binary.
pub const LECTURE_PY: &str = include_str!("../python/lecture.py");
pub const BENCH_PY: &str = include_str!("../python/bench.py");

/// Finds (or makes) a Python that can import numpy.
pub fn find(explicit: Option<&Path>) -> Result<PathBuf> {
    let explicit = explicit.map(Path::to_path_buf).or_else(|| std::env::var_os("PARLAB_PYTHON").map(PathBuf::from));
    if let Some(python) = explicit {
        if !has_numpy(&python) {
            bail!(
                "the python {} cannot import numpy: install it there (pip install {NUMPY}), or drop --python and PARLAB_PYTHON to use a venv in target/",
                python.display()
            );
        }
        return Ok(python);
    }
    let target = target_dir()
        .context("cannot find the workspace's target folder for a venv: give a python with numpy with --python PATH")?;
    for venv in ["lab/venv", "bench/venv"] {
        let python = target.join(venv).join("bin/python");
        if python.is_file() && has_numpy(&python) {
            return Ok(python);
        }
    }
    make_venv(&target.join("bench/venv"))
}

/// Whether `python` runs and imports numpy.
fn has_numpy(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import numpy"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The cargo target folder this binary was built in (`target/release/parlab`
/// → `target`), else the workspace's `target`.
fn target_dir() -> Option<PathBuf> {
    let from_exe = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()));
    if let Some(dir) = from_exe.filter(|d| d.join("CACHEDIR.TAG").is_file()) {
        return Some(dir);
    }
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    built_in.is_dir().then_some(built_in)
}

/// Makes `venv` with the system's python3 and installs the pinned numpy,
/// showing pip's progress on stderr (stdout stays the bench's).
fn make_venv(venv: &Path) -> Result<PathBuf> {
    let base = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .context(
            "no python3 on the PATH to make a venv with: install Python 3, or give one with numpy with --python PATH",
        )?;
    eprintln!("parlab: making a Python venv with {NUMPY} in {} (once; later runs reuse it)", venv.display());
    let status = Command::new(base)
        .args(["-m", "venv"])
        .arg(venv)
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .with_context(|| format!("cannot run {base} -m venv"))?;
    if !status.success() {
        bail!(
            "`{base} -m venv {}` failed ({status}): install the venv module (apt-get install python3-venv), or give a python with numpy with --python PATH",
            venv.display()
        );
    }
    let python = venv.join("bin/python");
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "on", NUMPY])
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !status.success() || !has_numpy(&python) {
        bail!(
            "installing {NUMPY} into {} failed ({status}): check the network to PyPI, or give a python with numpy with --python PATH",
            venv.display()
        );
    }
    Ok(python)
}
