//! `cargo lab run`: executes notebooks through nbclient against the evcxr kernel.
//!
//! The Python side (`crates/lab/py/run_notebooks.py`) does the executing and
//! says what failed in which cell; this side picks the notebooks and the mode,
//! and reads back the summary. Executed copies and HTML pages go to
//! `target/lab/run/`; nothing is written into `notebooks/`.
//!
//! A student version that is exactly what `cargo lab gen` makes is unsolved,
//! so it runs with every `check` cell expected to fail; once a student edits
//! it, it runs like any notebook and its checks must pass.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use parlab_lab::{exercise, notebook};
use serde::Deserialize;

use crate::lab::Lab;
use crate::step::{self, heading, human, note};

#[derive(clap::Args, Default)]
pub struct Args {
    /// Notebooks to run; every notebook under notebooks/ if none is named.
    pub notebooks: Vec<PathBuf>,
    /// Expect every cell tagged `check` to fail (an unsolved student version).
    #[arg(long)]
    pub expect_checks_fail: bool,
}

/// How the runner treats a notebook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every cell must pass.
    Pass,
    /// Every `check` cell must fail; nothing else counts.
    ChecksFail,
    /// Only the first code cell, to fill the build cache; nothing is written.
    Warm,
}

/// One notebook's outcome, as the runner's `--summary` writes it.
#[derive(Debug, Deserialize)]
pub struct NotebookResult {
    pub name: String,
    pub ok: bool,
    pub seconds: f64,
}

pub fn run(lab: &Lab, args: &Args) -> anyhow::Result<ExitCode> {
    require_setup(lab)?;
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let named: Vec<PathBuf> =
        args.notebooks.iter().map(|p| if p.is_absolute() { p.clone() } else { cwd.join(p) }).collect();
    for path in &named {
        if !path.is_file() {
            bail!("no notebook at {}; `cargo lab run` with no argument runs all of notebooks/", path.display());
        }
    }
    let notebooks = if named.is_empty() { notebook::find_all(&lab.notebooks()) } else { named };
    if notebooks.is_empty() {
        bail!("no notebooks in {}", lab.notebooks().display());
    }
    build_parlab(lab)?;

    let (fail_checks, pass): (Vec<PathBuf>, Vec<PathBuf>) =
        notebooks.into_iter().partition(|path| args.expect_checks_fail || is_pristine_student(lab, path));
    let started = Instant::now();
    let mut results = Vec::new();
    if !pass.is_empty() {
        heading(&format!("running {} notebook(s): every cell must pass", pass.len()));
        results.extend(execute(lab, &pass, Mode::Pass)?);
    }
    if !fail_checks.is_empty() {
        heading(&format!("running {} unsolved student version(s): every `check` cell must fail", fail_checks.len()));
        results.extend(execute(lab, &fail_checks, Mode::ChecksFail)?);
    }
    let failed: Vec<&str> = results.iter().filter(|r| !r.ok).map(|r| r.name.as_str()).collect();
    heading(&format!(
        "{} of {} notebook(s) passed in {}; executed copies and HTML pages are in {}",
        results.len() - failed.len(),
        results.len(),
        human(started.elapsed()),
        lab.show(&lab.run_dir())
    ));
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("{} failed; the report above names each failing cell", failed.join(", "))
    }
}

/// Whether the lab has been set up far enough to run notebooks.
pub fn require_setup(lab: &Lab) -> anyhow::Result<()> {
    if !lab.python().is_file() || !lab.kernel_json().is_file() {
        bail!("the lab is not set up yet (no venv or kernel in {}); run `cargo lab setup`", lab.show(&lab.dir));
    }
    // `evcxr_jupyter --install` (by hand, or evcxr's own update at start-up) drops our variables.
    let spec: serde_json::Value = std::fs::read_to_string(lab.kernel_json())
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    if spec["env"]["PARLAB_BIN"].as_str() != Some(&*lab.parlab_bin().to_string_lossy()) {
        bail!(
            "{} was rewritten without the lab's settings (PARLAB_BIN, the project's evcxr cache); run `cargo lab setup`, and never `evcxr_jupyter --install` with the lab's JUPYTER_PATH",
            lab.show(&lab.kernel_json())
        );
    }
    Ok(())
}

/// Whether `path` is a student version exactly as `cargo lab gen` makes it.
pub fn is_pristine_student(lab: &Lab, path: &Path) -> bool {
    let Ok(path) = path.canonicalize() else { return false };
    exercise::pairs(&lab.notebooks()).iter().any(|pair| {
        pair.student.canonicalize().is_ok_and(|student| student == path)
            && match (exercise::generate(pair), notebook::read(&path)) {
                (Ok(generated), Ok(committed)) => generated == committed,
                _ => false,
            }
    })
}

/// Builds the `parlab` worker binary the kernel's `PARLAB_BIN` names (quick when fresh),
/// and the rank binary next to it when MPI was set up, so the two stay of one build.
pub fn build_parlab(lab: &Lab) -> anyhow::Result<()> {
    step::run(
        lab,
        "cargo build --release -p parlab-cli (the worker binary)",
        "parlab-release",
        Command::new(crate::lab::cargo()).current_dir(&lab.root).args([
            "build",
            "--release",
            "--package",
            "parlab-cli",
            "--bin",
            "parlab",
        ]),
        "`cargo build --release -p parlab-cli` shows the error",
    )?;
    if !lab.parlab_bin().is_file() {
        bail!(
            "cargo built parlab-cli, but there is no {}; is CARGO_TARGET_DIR set differently?",
            lab.parlab_bin().display()
        );
    }
    // parlab refuses a rank binary of another build; without MPICH any more, notebook 06 says what to install.
    if lab.rank_bin().is_file()
        && let Err(error) = build_rank_binary(lab)
    {
        note(&format!(
            "warning: the rank binary was not rebuilt ({error}); MPI runs fail until `cargo lab setup --mpi`"
        ));
    }
    Ok(())
}

/// Builds the MPI rank binary, `parlab-mpi`, next to the release parlab (needs MPICH and libclang).
pub fn build_rank_binary(lab: &Lab) -> anyhow::Result<()> {
    step::run(
        lab,
        "cargo build --release -p parlab-mpi --features mpi (the rank binary)",
        "parlab-mpi-release",
        Command::new(crate::lab::cargo()).current_dir(&lab.root).args([
            "build",
            "--release",
            "--package",
            "parlab-mpi",
            "--features",
            "mpi",
            "--bin",
            "parlab-mpi",
        ]),
        "`cargo build --release -p parlab-mpi --features mpi` shows the error",
    )?;
    Ok(())
}

/// Runs the Python runner on `notebooks` and returns each notebook's outcome.
pub fn execute(lab: &Lab, notebooks: &[PathBuf], mode: Mode) -> anyhow::Result<Vec<NotebookResult>> {
    execute_jobs(lab, notebooks, mode, 1)
}

/// [`execute`], running up to `jobs` notebooks at once, each in a kernel of its own.
pub fn execute_jobs(lab: &Lab, notebooks: &[PathBuf], mode: Mode, jobs: usize) -> anyhow::Result<Vec<NotebookResult>> {
    let out = match mode {
        Mode::Warm => lab.dir.join("warm"),
        Mode::Pass | Mode::ChecksFail => lab.run_dir(),
    };
    step::create_dir(&out)?;
    // One file per run, so two runs at once (two terminals) never read each other's.
    let kind = match mode {
        Mode::Warm => "warm",
        Mode::Pass => "pass",
        Mode::ChecksFail => "checks-fail",
    };
    let summary = out.join(format!("summary-{kind}-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&summary);
    let mut command = lab.python_command();
    command.arg(lab.runner()).arg("--out").arg(&out).arg("--root").arg(lab.notebooks()).arg("--summary").arg(&summary);
    match mode {
        Mode::Warm => {
            // The warm-up builds in the template folder, which the kernels' folders copy.
            command.arg("--warm").env(crate::kernel::SLOT_ENV, "template");
        }
        Mode::ChecksFail => {
            command.arg("--expect-checks-fail");
        }
        Mode::Pass => {}
    }
    command.arg("--jobs").arg(jobs.max(1).to_string());
    command.args(notebooks).stdin(Stdio::null());
    let status =
        command.status().with_context(|| format!("cannot start {}; run `cargo lab setup`", lab.python().display()))?;
    let text = std::fs::read_to_string(&summary).with_context(|| {
        let code = status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".into());
        format!("the notebook runner stopped (exit {code}) before writing {}; its output is above", summary.display())
    })?;
    let _ = std::fs::remove_file(&summary);
    let results: Vec<NotebookResult> =
        serde_json::from_str(&text).with_context(|| format!("{} is not the runner's summary", summary.display()))?;
    if results.iter().any(|r| !r.ok) == status.success() && mode != Mode::Warm {
        note(&format!("warning: the runner's exit status ({status}) disagrees with its summary"));
    }
    Ok(results)
}
