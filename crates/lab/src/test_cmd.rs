//! `cargo lab test`: the one test command, fast checks first.
//!
//! 1. the fast tier, which stops the run at its first failure, so a slip shows
//!    in a minute, not at the end: `cargo fmt --check`, `cargo clippy` with
//!    warnings denied, and `cargo doc` with warnings denied;
//! 2. `setup` (without opening JupyterLab), which warms the kernels' build folder;
//! 3. `cargo test --workspace`, then the MPI tests (`--features mpi`), after
//!    installing MPICH where it is missing (`cargo lab setup --mpi`): without
//!    MPI that step fails, it is never skipped;
//! 4. every notebook through nbclient and the evcxr kernel, several at once,
//!    each in a kernel of its own (the solutions of the lab included): every
//!    cell passing, and no two kernels sharing a build folder;
//! 5. the browser test: `cargo lab open`, then Run All on `03-parallel` in
//!    headless Chromium (this is that notebook's one run);
//! 6. the exercise check: each student version is what `cargo lab gen` makes,
//!    and every one of its `check` cells fails (run here for notebooks without
//!    nbgrader grade cells; those are proved by grading their untouched version);
//! 7. `cargo lab grade`: nbgrader, in a venv of its own, makes the student
//!    version and grades the solutions (full marks), the student version (0)
//!    and a half-solved one (exactly its exercises' points).
//!
//! After the fast tier, every step runs even when an earlier one failed, so one
//! run shows everything that is broken; the exit code is 0 only when all passed.

use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::bail;
use parlab_lab::{exercise, nbgrader, notebook};

use crate::browser;
use crate::lab::{self, Lab};
use crate::run::{self, Mode};
use crate::setup;
use crate::step::{heading, human, note};

/// Notebooks run at once in step 4: a student keeps 2–4 open.
pub const JOBS: usize = 4;
/// The notebook the browser test runs (so the headless run leaves it out).
pub const BROWSER_NOTEBOOK: &str = "03-parallel.ipynb";

#[derive(clap::Args, Default)]
pub struct Args {}

struct Outcome {
    what: String,
    ok: bool,
    took: Duration,
}

/// One cargo command of the fast tier: what it checks, its arguments, its environment.
type Check = (&'static str, &'static [&'static str], &'static [(&'static str, &'static str)]);

/// The fast tier: each command in order, stopping at the first that fails.
fn fast_tier(lab: &Lab) -> anyhow::Result<Vec<Outcome>> {
    let steps: [Check; 3] = [
        ("cargo fmt --check", &["fmt", "--all", "--check"], &[]),
        ("cargo clippy (warnings denied)", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[]),
        ("cargo doc (warnings denied)", &["doc", "--no-deps", "--workspace"], &[("RUSTDOCFLAGS", "-D warnings")]),
    ];
    let mut outcomes = Vec::new();
    for (what, args, env) in steps {
        heading(what);
        let clock = Instant::now();
        let status = Command::new(lab::cargo())
            .current_dir(&lab.root)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .status();
        let ok = status.as_ref().is_ok_and(|s| s.success());
        outcomes.push(Outcome { what: what.into(), ok, took: clock.elapsed() });
        if !ok {
            bail!("{what} failed (above): fix it first; the slower tests did not run");
        }
    }
    Ok(outcomes)
}

pub fn run(lab: &Lab, _args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut outcomes = fast_tier(lab)?;

    let clock = Instant::now();
    setup::run(lab, &setup::Args::default())?;
    outcomes.push(Outcome { what: "setup".into(), ok: true, took: clock.elapsed() });

    heading("cargo test --workspace");
    let clock = Instant::now();
    let tested =
        Command::new(lab::cargo()).current_dir(&lab.root).args(["test", "--workspace"]).stdin(Stdio::null()).status();
    let ok = tested.as_ref().is_ok_and(|s| s.success());
    if let Err(err) = &tested {
        note(&format!("cannot run cargo test: {err}"));
    }
    outcomes.push(Outcome { what: "cargo test --workspace".into(), ok, took: clock.elapsed() });

    heading("MPI: MPICH, the rank binary, and the MPI tests (cargo test -p parlab-tests --features mpi -- mpi::)");
    let clock = Instant::now();
    let ok = match crate::mpi::setup(lab) {
        Ok(()) => Command::new(lab::cargo())
            .current_dir(&lab.root)
            .args(["test", "-p", "parlab-tests", "--features", "mpi", "--", "mpi::"])
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success()),
        // Missing MPI fails this step: the MPI tests are never skipped.
        Err(err) => {
            note(&format!("{err:#}"));
            false
        }
    };
    outcomes.push(Outcome { what: "MPI tests".into(), ok, took: clock.elapsed() });

    let pairs = exercise::pairs(&lab.notebooks());
    let students: Vec<_> = pairs.iter().map(|p| p.student.clone()).collect();
    let all = notebook::find_all(&lab.notebooks());
    let in_browser = |path: &PathBuf| path.file_name().is_some_and(|n| n == BROWSER_NOTEBOOK);
    let headless: Vec<_> = all.iter().filter(|p| !students.contains(p) && !in_browser(p)).cloned().collect();

    if headless.is_empty() {
        note("no notebooks to run");
    } else {
        heading(&format!(
            "running {} notebook(s) through Jupyter and evcxr, {JOBS} at a time: every cell must pass",
            headless.len()
        ));
        record_runs(lab, &headless, Mode::Pass, "", &mut outcomes);
    }

    let clock = Instant::now();
    let ok = match browser::run(lab, BROWSER_NOTEBOOK) {
        Ok(ok) => ok,
        Err(err) => {
            note(&format!("{err:#}"));
            false
        }
    };
    outcomes.push(Outcome { what: format!("browser: Run All on {BROWSER_NOTEBOOK}"), ok, took: clock.elapsed() });

    heading("exercise check: student versions match their solutions, and every check fails");
    for pair in &pairs {
        let clock = Instant::now();
        let name = lab.show(&pair.student);
        let fresh = match (exercise::generate(pair), notebook::read(&pair.student)) {
            (Ok(generated), Ok(committed)) => generated == committed,
            (Err(err), _) | (_, Err(err)) => {
                note(&format!("{err}"));
                false
            }
        };
        if !fresh {
            note(&format!(
                "{name} is not what `cargo lab gen` makes from {}: run `cargo lab gen` and commit it",
                lab.show(&pair.solutions)
            ));
        }
        outcomes.push(Outcome { what: format!("{name} matches its solutions"), ok: fresh, took: clock.elapsed() });
    }
    // A notebook with nbgrader grade cells is proved failing by grading its untouched
    // version below (it must score 0: every grade cell is a check cell), not run twice.
    let graded = |pair: &exercise::Pair| {
        notebook::read(&pair.solutions).is_ok_and(|solutions| !nbgrader::grade_cells(&solutions).is_empty())
    };
    let present: Vec<_> =
        pairs.iter().filter(|p| p.student.is_file() && !graded(p)).map(|p| p.student.clone()).collect();
    if !present.is_empty() {
        record_runs(lab, &present, Mode::ChecksFail, " (every check fails)", &mut outcomes);
    }

    let clock = Instant::now();
    let graded = crate::grade::run(lab).inspect_err(|err| note(&format!("{err:#}")));
    let ok = graded.is_ok_and(|code| code == ExitCode::SUCCESS);
    outcomes.push(Outcome { what: "nbgrader grades the lab (cargo lab grade)".into(), ok, took: clock.elapsed() });

    let failed = outcomes.iter().filter(|o| !o.ok).count();
    heading(&format!("summary ({})", human(started.elapsed())));
    for outcome in &outcomes {
        note(&format!("{:4}  {:>12}  {}", if outcome.ok { "ok" } else { "FAIL" }, human(outcome.took), outcome.what));
    }
    // A plain closing line, for people and for CI logs alike.
    println!("lab: {} passed, {failed} failed", outcomes.len() - failed);
    if failed == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: {failed} step(s) failed (marked FAIL above); the executed notebooks are in {}",
            lab.show(&lab.run_dir())
        );
        Ok(ExitCode::from(crate::FAILURE))
    }
}

fn record_runs(lab: &Lab, notebooks: &[std::path::PathBuf], mode: Mode, suffix: &str, outcomes: &mut Vec<Outcome>) {
    let clock = Instant::now();
    match run::execute_jobs(lab, notebooks, mode, JOBS) {
        Ok(results) => {
            for result in results {
                outcomes.push(Outcome {
                    what: format!("notebook {}{suffix}", result.name),
                    ok: result.ok,
                    took: Duration::from_secs_f64(result.seconds.max(0.0)),
                });
            }
        }
        Err(err) => {
            note(&format!("{err:#}"));
            outcomes.push(Outcome {
                what: format!("running {} notebook(s){suffix}", notebooks.len()),
                ok: false,
                took: clock.elapsed(),
            });
        }
    }
}
