//! `cargo lab`: set up the evcxr kernel and a project-local JupyterLab, open
//! the lab, and run every notebook headless.
//!
//! | command | what it does |
//! |---|---|
//! | `cargo lab` | `setup`, then `open` |
//! | `cargo lab setup` | rust-src, evcxr_jupyter 0.22.0, a Python venv, the kernel, the `parlab` binary, a warm build cache |
//! | `cargo lab setup --mpi` | MPICH (as root with apt; else what to install) and the rank binary `parlab-mpi` |
//! | `cargo lab open` | JupyterLab on 127.0.0.1 with a token, at `notebooks/` |
//! | `cargo lab run [NOTEBOOK...]` | executes notebooks through nbclient and evcxr into `target/lab/run/` |
//! | `cargo lab doctor` | what is missing or broken, and how to fix it |
//! | `cargo lab gen` | writes the student versions of the lab notebooks from their solutions |
//! | `cargo lab grade` | nbgrader makes the student version and grades three submissions on the project's kernel |
//! | `cargo lab test` | fmt, clippy and doc first; setup, `cargo test --workspace`, every notebook (several at once), the browser test, the exercise check, grading |
//! | `cargo lab bench` | times every notebook cell by cell, as a student feels it (a benchmark, not a test) |
//!
//! Everything Jupyter writes stays under `target/lab/`: the user's own kernels
//! and settings (`~/.local/share/jupyter`, `~/.jupyter`) are never read or touched.
//! Every error prints one line (`error: ...`, with a hint) and exits with code 2.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench_cmd;
mod browser;
mod doctor;
mod gen_cmd;
mod grade;
mod kernel;
mod lab;
mod mpi;
mod open;
mod run;
mod setup;
mod step;
mod test_cmd;

/// The exit code of every error.
const FAILURE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "cargo lab",
    bin_name = "cargo lab",
    about = "Set up and open the parlab notebooks, and run them headless",
    after_help = "With no command, `cargo lab` runs `setup` and then `open`."
)]
struct Cli {
    /// Show every line the installers and builders print, not only the last one.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Install and register everything the notebooks need (safe to repeat).
    Setup(setup::Args),
    /// Start JupyterLab on 127.0.0.1, at notebooks/, until Ctrl-C.
    Open(open::Args),
    /// Execute notebooks headless into target/lab/run/ (all of them if none is named).
    Run(run::Args),
    /// Say what is missing or broken, and how to fix it.
    Doctor,
    /// Write the student versions (notebooks/NAME.ipynb) from notebooks/solutions/.
    Gen,
    /// Grade the lab with nbgrader (own venv): solutions full marks, student version 0, a half-solved one between.
    Grade,
    /// Set up, then run the workspace tests, every notebook and the exercise check.
    Test(test_cmd::Args),
    /// Time every notebook cell by cell in fresh kernels, as a student feels it (a benchmark).
    Bench(bench_cmd::Args),
    /// Start a Rust kernel in a build folder of its own (Jupyter runs this; see kernel.json).
    #[command(hide = true)]
    Kernel(kernel::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            let text = err.to_string();
            let first = text.lines().next().unwrap_or("bad arguments").trim_start_matches("error: ");
            return report(&format!("{first} (see `cargo lab --help`)"));
        }
    };
    match run_command(cli) {
        Ok(code) => code,
        Err(err) => report(&format!("{err:#}")),
    }
}

fn run_command(cli: Cli) -> anyhow::Result<ExitCode> {
    // Jupyter starts kernels from the notebook's folder: the launcher is told where the lab is.
    if let Some(Command::Kernel(args)) = &cli.command {
        return kernel::run(args);
    }
    let lab = lab::Lab::locate(cli.verbose)?;
    match cli.command {
        None => {
            setup::run(&lab, &setup::Args::default())?;
            open::run(&lab, &open::Args::default())
        }
        Some(Command::Setup(args)) => setup::run(&lab, &args).map(|()| ExitCode::SUCCESS),
        Some(Command::Open(args)) => open::run(&lab, &args),
        Some(Command::Run(args)) => run::run(&lab, &args),
        Some(Command::Doctor) => doctor::run(&lab),
        Some(Command::Gen) => gen_cmd::run(&lab),
        Some(Command::Grade) => grade::run(&lab),
        Some(Command::Test(args)) => test_cmd::run(&lab, &args),
        Some(Command::Bench(args)) => bench_cmd::run(&lab, &args),
        Some(Command::Kernel(_)) => unreachable!("handled above"),
    }
}

/// Prints one error line on stderr and returns the failure code.
fn report(message: &str) -> ExitCode {
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("error: {line}");
    ExitCode::from(FAILURE)
}
