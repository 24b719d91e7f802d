//! The benchmark plan: which measurements run, and in what order.
//!
//! Measurements that are compared run in one plan, interleaved round by
//! round: every round runs each measurement once, starting one further along
//! each time, so none always runs first (on a cold cache) or last (after the
//! others warmed the cores up). A slow minute on a shared machine then
//! slows every measurement of that round, not one of them: the ratios hold
//! even when the times do not. The first `warmup` rounds are thrown away.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use parlab::timing::Timing;
use parlab::{Backend, Integrand, Setup};
use serde::Serialize;

use crate::cli::When;
use crate::format;
use crate::progress;

/// One timed run: how long it took, and the estimate for the largest n where
/// the run computed one (a check that it did the work).
pub struct Run {
    /// The time of the run.
    pub elapsed: Duration,
    /// The estimate for the largest n, where the run returns it.
    pub last: Option<f64>,
}

impl Run {
    /// Times `work` in this process.
    pub fn time(work: impl FnOnce() -> parlab::Result<Option<f64>>) -> Result<Run> {
        let clock = Instant::now();
        let last = work()?;
        Ok(Run { elapsed: clock.elapsed(), last })
    }

    /// Times a whole `parlab` command, as a user runs it: a fresh process,
    /// its output thrown away.
    pub fn command(exe: &Path, words: &[String]) -> Result<Run> {
        let clock = Instant::now();
        let out =
            Command::new(exe).args(words).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).output()?;
        let elapsed = clock.elapsed();
        if !out.status.success() {
            bail!("`parlab {}` failed: {}", words.join(" "), String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(Run { elapsed, last: None })
    }
}

/// The work of a measurement that runs a sweep of `f` on `backend` in this
/// process, timed, keeping its estimate for the largest n.
///
/// # Scope
///
/// The closure borrows `f` and `sizes` (shared) for `'a` and owns its copy of the setup.
pub fn sweep<'a>(
    f: &'a dyn Integrand,
    setup: Setup,
    sizes: &'a [u64],
    backend: Backend,
) -> impl FnMut() -> Result<Run> + 'a {
    move || Run::time(|| Ok(parlab::sweep::run(f, &setup, sizes, backend)?.points.last().map(|p| p.value)))
}

/// The work of a measurement that runs a whole `parlab` command (see [`Run::command`]).
pub fn command(exe: &Path, words: Vec<String>) -> impl FnMut() -> Result<Run> + '_ {
    move || Run::command(exe, &words)
}

/// One measurement of a plan: a name for the JSON (`key`), one for people
/// (`label`), and the work of one timed run.
struct Measurement<'a> {
    key: String,
    label: String,
    run: Box<dyn FnMut() -> Result<Run> + 'a>,
}

/// The measurements to run side by side.
///
/// # Scope
///
/// Each measurement's work is a closure that borrows what it needs (a pool,
/// the Python driver, the setup) for `'a`: the plan cannot outlive them, and
/// they are dropped after it.
#[derive(Default)]
pub struct Plan<'a> {
    measurements: Vec<Measurement<'a>>,
}

impl<'a> Plan<'a> {
    /// An empty plan.
    pub fn new() -> Plan<'a> {
        Plan::default()
    }

    /// Adds a measurement; it runs once per round, in the order added (rotated each round).
    pub fn add(&mut self, key: &str, label: impl Into<String>, run: impl FnMut() -> Result<Run> + 'a) {
        self.measurements.push(Measurement { key: key.into(), label: label.into(), run: Box::new(run) });
    }

    /// Runs `warmup` untimed rounds and `repeats` timed ones (at least one),
    /// with a progress bar titled `title` as `progress` asks.
    pub fn run(mut self, warmup: usize, repeats: usize, progress: When, title: &str) -> Result<Vec<Row>> {
        let rounds = warmup + repeats.max(1);
        let count = self.measurements.len();
        let bar = progress::wanted(progress, true).then(|| progress::bar((rounds * count) as u64, title, "runs"));
        let mut runs: Vec<Vec<Duration>> = vec![Vec::new(); count];
        let mut last: Vec<Option<f64>> = vec![None; count];
        for round in 0..rounds {
            for i in 0..count {
                let at = (round + i) % count;
                let m = &mut self.measurements[at];
                if let Some(bar) = &bar {
                    bar.set_message(format!("round {}/{rounds}: {}", round + 1, m.label));
                }
                let run = match (m.run)() {
                    Ok(run) => run,
                    Err(e) => {
                        if let Some(bar) = &bar {
                            bar.finish_and_clear();
                        }
                        return Err(e);
                    }
                };
                if round >= warmup {
                    runs[at].push(run.elapsed);
                }
                last[at] = run.last.or(last[at]);
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
            }
        }
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        Ok(self
            .measurements
            .into_iter()
            .zip(runs.into_iter().zip(last))
            .map(|(m, (runs, last_value))| {
                let timing = Timing { runs };
                Row { key: m.key, label: m.label, median_seconds: timing.median().as_secs_f64(), timing, last_value }
            })
            .collect())
    }
}

/// One measurement's result.
#[derive(Serialize, Debug)]
pub struct Row {
    /// The measurement's name in JSON.
    pub key: String,
    /// What was measured, for people.
    pub label: String,
    /// Every timed run.
    pub timing: Timing,
    /// The median run, in seconds.
    pub median_seconds: f64,
    /// The estimate for the largest n, where the run returns it.
    pub last_value: Option<f64>,
}

/// A ratio of two measurements.
#[derive(Serialize, Debug)]
pub struct Ratio {
    /// What is divided by what.
    pub label: String,
    /// The ratio of the medians.
    pub value: f64,
    /// The ratio of the fastest runs: on a busy machine, the runs least disturbed by other programs.
    pub of_minimums: f64,
}

impl Ratio {
    /// `top / bottom`, the rows named by their keys; NaN where one is missing.
    pub fn of(rows: &[Row], label: &str, top: &str, bottom: &str) -> Ratio {
        let pick = |key: &str| rows.iter().find(|r| r.key == key);
        let median = |key: &str| pick(key).map_or(f64::NAN, |r| r.median_seconds);
        let min = |key: &str| pick(key).map_or(f64::NAN, |r| r.timing.min().as_secs_f64());
        Ratio { label: label.to_string(), value: median(top) / median(bottom), of_minimums: min(top) / min(bottom) }
    }
}

/// The rows as a table: what, median, min, max, spread.
pub fn rows_table(rows: &[Row], markdown: bool) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.label.clone()];
            cells.extend(format::timing_cells(&row.timing));
            cells
        })
        .collect();
    format::table(&["what", "median", "min", "max", "spread"], 1, &cells, markdown)
}

/// The ratios as a table.
pub fn ratios_table(ratios: &[Ratio], markdown: bool) -> String {
    let cells: Vec<Vec<String>> =
        ratios.iter().map(|q| vec![q.label.clone(), format::ratio(q.value), format::ratio(q.of_minimums)]).collect();
    format::table(&["ratio", "of medians", "of minimums"], 1, &cells, markdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_round_runs_each_measurement_once_starting_one_further_along() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut plan = Plan::new();
        for key in ["a", "b", "c"] {
            let order = &order;
            plan.add(key, key.to_uppercase(), move || {
                order.borrow_mut().push(key);
                Ok(Run { elapsed: Duration::from_millis(1), last: (key == "b").then_some(0.5) })
            });
        }
        let rows = plan.run(1, 2, When::Never, "test").unwrap();
        assert_eq!(order.into_inner(), ["a", "b", "c", "b", "c", "a", "c", "a", "b"]);
        assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(rows.iter().all(|r| r.timing.runs.len() == 2), "the warm-up round is not kept");
        assert_eq!((rows[0].last_value, rows[1].last_value), (None, Some(0.5)));
    }

    #[test]
    fn an_error_stops_the_plan() {
        let mut plan = Plan::new();
        plan.add("fails", "fails", || bail!("the work failed"));
        assert_eq!(plan.run(0, 3, When::Never, "test").unwrap_err().to_string(), "the work failed");
    }

    #[test]
    fn ratios_divide_medians_and_minimums() {
        let row = |key: &str, ms: &[u64]| {
            let timing = Timing { runs: ms.iter().map(|&m| Duration::from_millis(m)).collect() };
            Row {
                key: key.into(),
                label: key.into(),
                median_seconds: timing.median().as_secs_f64(),
                timing,
                last_value: None,
            }
        };
        let rows = [row("slow", &[300, 200, 400]), row("fast", &[100, 50, 200])];
        let q = Ratio::of(&rows, "slow / fast", "slow", "fast");
        assert!((q.value - 3.0).abs() < 1e-12 && (q.of_minimums - 4.0).abs() < 1e-12, "{q:?}");
        assert!(Ratio::of(&rows, "x", "slow", "missing").value.is_nan());
    }
}
