//! `parlab integrate`: one estimate, split into blocks on any backend, MPI ranks included.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{Result, bail};
use parlab::split::{self, Split};
use parlab::{Backend, Estimate, parallel};
use parlab_mpi::{SplitJob, Work};
use serde::Serialize;

use crate::cli::IntegrateArgs;
use crate::format;
use crate::input::{Described, Job};
use crate::mpi;
use crate::progress;
use crate::system::peak_rss_bytes;

/// Estimates below this many points finish too fast to need a spinner.
const SPINNER_FROM: u64 = 20_000_000;

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    problem: Described<'a>,
    n: u64,
    value: f64,
    evaluations: u64,
    error_estimate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exact: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<f64>,
    backend: &'static str,
    threads: usize,
    block_size: u64,
    blocks: u64,
    seconds: f64,
    peak_rss_bytes: Option<u64>,
}

pub fn run(args: &IntegrateArgs) -> Result<String> {
    let job = Job::from_problem(&args.problem)?;
    let setup = job.setup;
    // Refuse a bad n before any spinner appears, and an empty sum (the
    // lecture's n = 0 and 1), whose 0 would pass for an estimate.
    let mut split = Split::new(setup, args.n)?;
    if let Some(size) = args.block_size {
        split = split.with_block_size(size)?;
    }
    if args.backend == crate::cli::MPI {
        return run_mpi(args, &job, split);
    }
    if args.hostfile.is_some() {
        bail!("--hostfile places MPI ranks: it goes with --backend mpi");
    }
    let threads = args.threads.unwrap_or_else(parallel::available_threads);
    let backend = Backend::parse(&args.backend, threads)?;
    let spinner = progress::wanted(args.progress, args.n >= SPINNER_FROM)
        .then(|| progress::spinner(format!("{} rule, n = {}", setup.rule(), args.n)));
    let clock = Instant::now();
    let estimate = split::run(job.source.integrand(), &split, backend);
    let seconds = clock.elapsed().as_secs_f64();
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    // The process backend's work ran in its workers: this process's memory says nothing of it.
    let peak_rss_bytes = if matches!(backend, Backend::Process { .. }) { None } else { peak_rss_bytes() };
    let ran = Ran { backend: backend.name(), threads: backend.threads(), seconds, peak_rss_bytes };
    Ok(render(args, &job, &split, &estimate?, ran))
}

/// `--backend mpi`: as the launcher, what rank 0 printed; as a rank, rank 0's report and nothing elsewhere.
fn run_mpi(args: &IntegrateArgs, job: &Job, split: Split) -> Result<String> {
    let work = Work::Split(SplitJob { recipe: mpi::recipe(job.source.integrand())?, split });
    match mpi::role() {
        mpi::Role::Launcher => {
            let ranks = args.threads.unwrap_or_else(parallel::available_threads);
            mpi::launch(ranks, args.hostfile.as_deref())
        }
        mpi::Role::Rank { rank, ranks } => match mpi::rank::<Estimate>(&work, rank, ranks, args.threads)? {
            None => Ok(String::new()),
            Some((estimate, elapsed)) => {
                // The work ran in the rank binaries: this process's memory says nothing of it.
                let ran = Ran {
                    backend: crate::cli::MPI,
                    threads: ranks,
                    seconds: elapsed.as_secs_f64(),
                    peak_rss_bytes: None,
                };
                Ok(render(args, job, &split, &estimate, ran))
            }
        },
    }
}

/// Which backend computed the estimate, and what it cost.
struct Ran {
    backend: &'static str,
    threads: usize,
    seconds: f64,
    peak_rss_bytes: Option<u64>,
}

/// The report in the format asked for.
fn render(args: &IntegrateArgs, job: &Job, split: &Split, estimate: &Estimate, ran: Ran) -> String {
    let exact = job.exact();
    let report = Report {
        problem: job.describe(),
        n: estimate.n,
        value: estimate.value,
        evaluations: estimate.evaluations,
        error_estimate: estimate.error_estimate,
        exact,
        error: exact.map(|exact| estimate.value - exact),
        backend: ran.backend,
        threads: ran.threads,
        block_size: split.block_size(),
        blocks: split.blocks(),
        seconds: ran.seconds,
        peak_rss_bytes: ran.peak_rss_bytes,
    };
    if args.json {
        return serde_json::to_string(&report).expect("a report serializes") + "\n";
    }
    text(&report)
}

fn text(r: &Report) -> String {
    let mut out = String::new();
    let source = match r.problem.integrand == r.problem.formula {
        true => String::new(),
        false => format!(" (catalogue `{}`)", r.problem.integrand),
    };
    let _ = writeln!(out, "integral of {} over [{}, {}]{source}", r.problem.formula, r.problem.from, r.problem.to);
    let random = if r.problem.rule.is_random() {
        format!(", sampler {}, seed {}", r.problem.sampler, r.problem.seed)
    } else {
        String::new()
    };
    let _ = writeln!(out, "rule            {}, n = {}{random}", r.problem.rule, r.n);
    let _ = writeln!(out, "value           {}", r.value);
    match r.error_estimate {
        Some(e) => {
            let _ = writeln!(out, "error estimate  {e:.3e}");
        }
        None => {
            let _ = writeln!(out, "error estimate  none (the {} rule has none)", r.problem.rule);
        }
    }
    if let (Some(exact), Some(error)) = (r.exact, r.error) {
        let _ = writeln!(out, "exact           {exact}");
        let _ = writeln!(out, "error           {error:.3e}");
    }
    let _ = writeln!(out, "evaluations     {}", r.evaluations);
    let (one, many) = match r.backend {
        crate::cli::MPI => ("rank", "ranks"),
        "process" => ("worker process", "worker processes"),
        _ => ("thread", "threads"),
    };
    let _ = writeln!(
        out,
        "blocks          {} of {} points, on {} ({} {})",
        r.blocks,
        r.block_size,
        r.backend,
        r.threads,
        if r.threads == 1 { one } else { many }
    );
    let _ = writeln!(out, "time            {}", format::seconds(r.seconds));
    if let Some(peak) = r.peak_rss_bytes {
        let _ = writeln!(out, "peak memory     {}", format::bytes(peak));
    }
    out
}
