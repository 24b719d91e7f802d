//! `parlab sweep`: the convergence sweep on any backend.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use parlab::parallel::{self, Pool};
use parlab::sweep::{Point, Task};
use parlab::{Backend, Integrand, Setup, Sweep, sweep};
use parlab_mpi::{Merged, Work};
use serde::Serialize;

use crate::cli::SweepArgs;
use crate::input::{Described, Job};
use crate::mpi;
use crate::progress;

/// Sweeps with fewer points in all finish too fast to need a bar.
const PROGRESS_FROM: f64 = 2e7;
/// How many chunks a sweep shown with a bar is cut into.
const CHUNKS: f64 = 100.0;

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    problem: Described<'a>,
    backend: &'static str,
    threads: usize,
    elapsed_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exact: Option<f64>,
    points: Vec<PointOut>,
    tasks: Vec<TaskOut>,
}

#[derive(Serialize)]
struct PointOut {
    n: u64,
    value: f64,
    evaluations: u64,
    error_estimate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<f64>,
    /// The rule's sum has no terms for this n (the lecture's n = 0 and 1): its value 0 is no estimate.
    empty_sum: bool,
}

#[derive(Serialize)]
struct TaskOut {
    index: usize,
    n: u64,
    worker: usize,
    start_seconds: f64,
    end_seconds: f64,
}

pub fn run(args: &SweepArgs) -> Result<String> {
    let job = Job::from_problem(&args.problem)?;
    let setup = job.setup;
    let sizes = match (&args.sizes, args.samples) {
        (Some(sizes), _) => sizes.clone(),
        // `--samples N`: every size below N that the rule takes (for the lecture, 0..N-1).
        (None, Some(samples)) => sweep::accepted_below(setup.rule(), samples),
        (None, None) => unreachable!("clap requires --samples or --sizes"),
    };
    if args.backend == crate::cli::MPI {
        return run_mpi(args, &job, &sizes);
    }
    if args.hostfile.is_some() {
        bail!("--hostfile places MPI ranks: it goes with --backend mpi");
    }
    let threads = args.threads.unwrap_or_else(parallel::available_threads);
    let backend = Backend::parse(&args.backend, threads)?;
    sweep::check(&setup, &sizes)?;
    let shown = progress::wanted(args.progress, sizes.iter().map(|&n| n as f64).sum::<f64>() >= PROGRESS_FROM);
    let result = run_with_progress(job.source.integrand(), &setup, &sizes, backend, shown).map_err(with_hint)?;
    let ran = Ran { backend: backend.name(), threads: backend.threads(), label: backend.to_string() };
    Ok(render(args, &job, ran, &result.points, &result.tasks, result.elapsed))
}

/// `--backend mpi`: as the launcher, what rank 0 printed; as a rank, rank 0's report and nothing elsewhere.
fn run_mpi(args: &SweepArgs, job: &Job, sizes: &[u64]) -> Result<String> {
    sweep::check(&job.setup, sizes)?;
    let recipe = mpi::recipe(job.source.integrand())?;
    let work = Work::Sweep(parlab_mpi::Job { recipe, setup: job.setup, sizes: sizes.to_vec() });
    match mpi::role() {
        mpi::Role::Launcher => {
            let ranks = args.threads.unwrap_or_else(parallel::available_threads);
            mpi::launch(ranks, args.hostfile.as_deref())
        }
        mpi::Role::Rank { rank, ranks } => match mpi::rank::<Merged>(&work, rank, ranks, args.threads)? {
            None => Ok(String::new()),
            Some((r, elapsed)) => {
                let ran = Ran { backend: crate::cli::MPI, threads: r.ranks, label: format!("mpi({})", r.ranks) };
                Ok(render(args, job, ran, &r.points, &r.tasks, elapsed))
            }
        },
    }
}

/// Which backend ran the sweep, as the report names it.
struct Ran {
    backend: &'static str,
    threads: usize,
    /// As the text output shows it, e.g. `rayon(2)`.
    label: String,
}

/// The report in the format asked for.
fn render(args: &SweepArgs, job: &Job, ran: Ran, points: &[Point], tasks: &[Task], elapsed: Duration) -> String {
    let setup = job.setup;
    let exact = job.exact();
    let report = Report {
        problem: job.describe(),
        backend: ran.backend,
        threads: ran.threads,
        elapsed_seconds: elapsed.as_secs_f64(),
        exact,
        points: points
            .iter()
            .map(|p| PointOut {
                n: p.n,
                value: p.value,
                evaluations: p.evaluations,
                error_estimate: p.error_estimate,
                error: exact.map(|e| p.value - e),
                empty_sum: setup.rule().terms(p.n) == 0,
            })
            .collect(),
        tasks: tasks
            .iter()
            .map(|t| TaskOut {
                index: t.index,
                n: t.n,
                worker: t.worker,
                start_seconds: t.start.as_secs_f64(),
                end_seconds: t.end.as_secs_f64(),
            })
            .collect(),
    };
    if args.json {
        serde_json::to_string(&report).expect("a report serializes") + "\n"
    } else if args.csv {
        csv(&report)
    } else {
        text(&report, &ran.label)
    }
}

/// Adds what to try to the errors of worker processes.
fn with_hint(error: parlab::Error) -> anyhow::Error {
    match &error {
        // A worker that died or spoke out of turn; a task's own error is `Error::Remote`.
        parlab::Error::Worker { .. } => {
            let program = parlab::process::worker_program().map_or("parlab".into(), |p| p.display().to_string());
            let hint = if std::env::var_os("PARLAB_BIN").is_some() { " (set by PARLAB_BIN)" } else { "" };
            anyhow::anyhow!(
                "{error}: the workers run `{program} worker`{hint}; check that it is the parlab binary, or try --backend rayon"
            )
        }
        _ => error.into(),
    }
}

/// Runs the sweep; with a bar, the serial and rayon backends run it in chunks
/// of sizes (one pool for all of them) and the others under a spinner.
fn run_with_progress(
    f: &dyn Integrand,
    setup: &Setup,
    sizes: &[u64],
    backend: Backend,
    shown: bool,
) -> parlab::Result<Sweep> {
    if !shown {
        return sweep::run(f, setup, sizes, backend);
    }
    let message = format!("{} sweep on {backend}", setup.rule());
    let pool = match backend {
        Backend::Rayon { threads } => Some(Pool::new(threads)?),
        Backend::Serial => None,
        Backend::Chunked { .. } | Backend::Process { .. } => {
            // Cutting these into chunks would change what they show (static
            // blocks, process start-up), so they get a spinner.
            let spinner = progress::spinner(message);
            let result = sweep::run(f, setup, sizes, backend);
            spinner.finish_and_clear();
            return result;
        }
    };
    // The bar counts points, not sizes: a size n costs about n + 1, so this keeps the ETA honest.
    let work = |chunk: &[u64]| chunk.iter().map(|&n| n + 1).sum::<u64>();
    let bar = progress::bar(work(sizes), message, "points");
    let t0 = Instant::now();
    let mut whole: Option<Sweep> = None;
    for (offset, chunk) in chunks(sizes) {
        let started = t0.elapsed();
        let part = match &pool {
            Some(pool) => parallel::sweep(f, setup, chunk, pool),
            None => parlab::serial::sweep(f, setup, chunk),
        };
        let mut part = match part {
            Ok(part) => part,
            Err(e) => {
                bar.finish_and_clear();
                return Err(e);
            }
        };
        for task in &mut part.tasks {
            task.index += offset;
            task.start += started;
            task.end += started;
        }
        bar.inc(work(chunk));
        match &mut whole {
            None => whole = Some(part),
            Some(whole) => {
                whole.points.append(&mut part.points);
                whole.tasks.append(&mut part.tasks);
            }
        }
    }
    bar.finish_and_clear();
    let mut whole = whole.ok_or(parlab::Error::NoSizes)?;
    whole.elapsed = t0.elapsed();
    Ok(whole)
}

/// Cuts sizes into about [`CHUNKS`] runs of consecutive sizes of similar work
/// (a size n costs about n + 1), each with its offset in the whole list.
fn chunks(sizes: &[u64]) -> Vec<(usize, &[u64])> {
    let total: f64 = sizes.iter().map(|&n| n as f64 + 1.0).sum();
    let target = total / CHUNKS;
    let mut out = Vec::new();
    let (mut start, mut work) = (0, 0.0);
    for (i, &n) in sizes.iter().enumerate() {
        work += n as f64 + 1.0;
        if work >= target || i + 1 == sizes.len() {
            out.push((start, &sizes[start..=i]));
            start = i + 1;
            work = 0.0;
        }
    }
    out
}

fn csv(r: &Report) -> String {
    let mut out = String::from("n,value,evaluations,error_estimate,error,empty_sum\n");
    let opt = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    for p in &r.points {
        let (n, value, evaluations, empty) = (p.n, p.value, p.evaluations, p.empty_sum);
        let _ = writeln!(out, "{n},{value},{evaluations},{},{},{empty}", opt(p.error_estimate), opt(p.error));
    }
    out
}

fn text(r: &Report, backend: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} rule on {} over [{}, {}], sampler {}, seed {}: {} sizes on {backend} in {}",
        r.problem.rule,
        r.problem.formula,
        r.problem.from,
        r.problem.to,
        r.problem.sampler,
        r.problem.seed,
        r.points.len(),
        crate::format::seconds(r.elapsed_seconds)
    );
    let with_estimate = r.points.iter().any(|p| p.error_estimate.is_some());
    let mut header = format!("{:>12}  {:<24}", "n", "value");
    if with_estimate {
        header.push_str(&format!("  {:<12}", "error est."));
    }
    if r.exact.is_some() {
        header.push_str("  error");
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for p in &r.points {
        let mut line = format!("{:>12}  {:<24}", p.n, p.value);
        if with_estimate {
            line.push_str(&format!("  {:<12}", p.error_estimate.map_or("-".to_string(), |e| format!("{e:.3e}"))));
        }
        if let Some(error) = p.error {
            line.push_str(&format!("  {error:.3e}"));
        }
        if p.empty_sum {
            line.push_str("  (empty sum: no terms, not an estimate)");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_size_once_in_order() {
        let sizes: Vec<u64> = (0..3000).collect();
        let parts = chunks(&sizes);
        assert!(parts.len() > 10 && parts.len() <= 101, "{}", parts.len());
        let mut next = 0;
        for (offset, part) in parts {
            assert_eq!(offset, next);
            next += part.len();
        }
        assert_eq!(next, sizes.len());
        assert_eq!(chunks(&[5]), vec![(0, &[5u64][..])]);
    }
}
