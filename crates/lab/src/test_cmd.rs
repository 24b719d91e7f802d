//! `cargo lab test`: the one test command.
//!
//! 1. `setup` (without opening JupyterLab; the runs below warm the cache themselves);
//! 2. `cargo test --workspace`;
//! 3. every notebook through nbclient and the evcxr kernel, every cell passing
//!    (the solutions of the lab included);
//! 4. the exercise check: each student version is what `cargo lab gen` makes,
//!    and every one of its `check` cells fails;
//! 5. `cargo lab grade`: nbgrader, in a venv of its own, makes the student
//!    version and grades the solutions (full marks), the student version (0)
//!    and a half-solved one (exactly its exercises' points).
//!
//! Every step runs even when an earlier one failed, so one run shows
//! everything that is broken; the exit code is 0 only when all passed.

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use parlab_lab::{exercise, notebook};

use crate::lab::{self, Lab};
use crate::run::{self, Mode};
use crate::setup;
use crate::step::{heading, human, note};

#[derive(clap::Args, Default)]
pub struct Args {
    /// Warm the build cache during setup too (the notebook runs warm it anyway).
    #[arg(long)]
    pub warm: bool,
}

struct Outcome {
    what: String,
    ok: bool,
    took: Duration,
}

pub fn run(lab: &Lab, args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut outcomes: Vec<Outcome> = Vec::new();

    let clock = Instant::now();
    setup::run(lab, &setup::Args { no_warm: !args.warm })?;
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

    let pairs = exercise::pairs(&lab.notebooks());
    let students: Vec<_> = pairs.iter().map(|p| p.student.clone()).collect();
    let all = notebook::find_all(&lab.notebooks());
    let passing: Vec<_> = all.iter().filter(|p| !students.contains(p)).cloned().collect();

    if passing.is_empty() {
        note("no notebooks to run");
    } else {
        heading(&format!("running {} notebook(s) through Jupyter and evcxr: every cell must pass", passing.len()));
        record_runs(lab, &passing, Mode::Pass, "", &mut outcomes);
    }

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
    let present: Vec<_> = students.iter().filter(|p| p.is_file()).cloned().collect();
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
    match run::execute(lab, notebooks, mode) {
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
