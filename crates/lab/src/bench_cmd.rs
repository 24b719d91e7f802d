//! `cargo lab bench`: the speed a student feels, notebook by notebook.
//!
//! For each notebook (the solution versions, where a notebook has one): a fresh
//! kernel's start, the dependency cell, the median and p90 of the other cells,
//! the slowest cell and its first line, the whole notebook; then a student's
//! edit (a new `fn` integrand and a sweep over it, and the same cell with a
//! constant changed). Notebooks are interleaved round by round, and the table
//! shows medians with their range, with the machine and its load.
//!
//! With `--jupyterlab`, each notebook is opened as a browser opens it, through
//! `cargo lab open`'s REST API and websocket, so its kernel is the one that
//! waited in its folder (`crates/lab/py/warm_kernels.py`); between notebooks it
//! leaves the server a minute to make the next one ready, as a student who opens
//! the next notebook a minute later.
//!
//! A benchmark, not a test: it asserts nothing about time and never runs in CI.
//! The Python side is `crates/lab/py/bench_notebooks.py`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use parlab_lab::{exercise, notebook};

use crate::lab::Lab;
use crate::open;
use crate::run;
use crate::step::heading;

#[derive(clap::Args)]
pub struct Args {
    /// Notebooks to time [default: every notebook, the solution version where there is one].
    pub notebooks: Vec<PathBuf>,
    /// Runs of each notebook, interleaved.
    #[arg(long, default_value = "3")]
    pub rounds: usize,
    /// Print Markdown tables (for the README).
    #[arg(long)]
    pub markdown: bool,
    /// Print each cell's time as it runs.
    #[arg(long)]
    pub verbose: bool,
    /// Open each notebook through `cargo lab open` (JupyterLab), in the kernel that waits there.
    #[arg(long)]
    pub jupyterlab: bool,
    /// Also write every run's numbers as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// The notebooks a student runs, with each exercise notebook replaced by its solutions.
pub fn default_notebooks(lab: &Lab) -> Vec<PathBuf> {
    let pairs = exercise::pairs(&lab.notebooks());
    notebook::find_all(&lab.notebooks())
        .into_iter()
        .filter(|path| !pairs.iter().any(|pair| &pair.solutions == path))
        .map(|path| pairs.iter().find(|pair| pair.student == path).map_or(path, |pair| pair.solutions.clone()))
        .collect()
}

pub fn run(lab: &Lab, args: &Args) -> anyhow::Result<ExitCode> {
    run::require_setup(lab)?;
    if args.rounds == 0 {
        bail!("--rounds must be at least 1");
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let notebooks: Vec<PathBuf> = if args.notebooks.is_empty() {
        default_notebooks(lab)
    } else {
        args.notebooks.iter().map(|p| if p.is_absolute() { p.clone() } else { cwd.join(p) }).collect()
    };
    if let Some(missing) = notebooks.iter().find(|p| !p.is_file()) {
        bail!("no notebook at {}; `cargo lab bench` with no argument times all of notebooks/", missing.display());
    }
    run::build_parlab(lab)?;
    heading(&format!(
        "timing {} notebook(s), {} round(s), each in {} (a benchmark: minutes)",
        notebooks.len(),
        args.rounds,
        if args.jupyterlab { "the kernel JupyterLab has waiting" } else { "a fresh kernel" }
    ));
    let mut command = lab.python_command();
    command.arg(lab.root.join("crates/lab/py/bench_notebooks.py")).arg("--rounds").arg(args.rounds.to_string());
    if args.markdown {
        command.arg("--markdown");
    }
    if args.verbose {
        command.arg("--verbose");
    }
    if let Some(json) = &args.json {
        command.arg("--json").arg(json);
    }
    let server = if args.jupyterlab {
        if let Some(outside) = notebooks.iter().find(|p| !p.starts_with(lab.notebooks())) {
            bail!("{} is not under notebooks/, which JupyterLab serves", outside.display());
        }
        let server = open::Server::start(lab)?;
        command.arg("--server").arg(&server.url).arg("--root").arg(lab.notebooks());
        Some(server)
    } else {
        None
    };
    let status = command
        .args(&notebooks)
        .stdin(std::process::Stdio::null())
        .status()
        .with_context(|| format!("cannot start {}; run `cargo lab setup`", lab.python().display()))?;
    drop(server);
    if status.success() { Ok(ExitCode::SUCCESS) } else { bail!("a notebook failed while it was timed (above)") }
}
