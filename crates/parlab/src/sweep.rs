//! The convergence sweep: one estimate per sample size, on any backend.
//!
//! This is the lecture's `serial(samples, f, lb, ub)` and
//! `multiprocess(processes, samples, f, lb, ub)`. Four backends compute it and
//! return identical bits, because the estimate for each n draws from its own
//! stream seeded by `(seed, n)` ([`crate::stream`]) and is computed by the same
//! code on every backend:
//!
//! | backend | module | what runs the tasks |
//! |---|---|---|
//! | `serial` | [`crate::serial`] | a plain loop on the calling thread |
//! | `rayon` | [`crate::parallel`] | a pool of k threads with work stealing (the lecture's `Pool(processes=k)`) |
//! | `chunked` | [`crate::chunked`] | k scoped threads, one contiguous block of sizes each |
//! | `process` | [`crate::process`] | k worker processes of the `parlab` binary, with separate memory |
//!
//! Each task also records which thread or worker ran it and when, for a timeline.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::integrand::Integrand;
use crate::rule::{Estimate, Rule, Setup};

/// The most points one sweep may draw in all (about 5 minutes on one core).
pub const MAX_TOTAL_POINTS: f64 = 1e11;

/// One point of a sweep: the estimate for one sample size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The sample size.
    pub n: u64,
    /// The estimate.
    pub value: f64,
    /// How many times f was evaluated.
    pub evaluations: u64,
    /// The rule's own error estimate, where it has one.
    pub error_estimate: Option<f64>,
}

impl From<Estimate> for Point {
    fn from(e: Estimate) -> Point {
        Point { n: e.n, value: e.value, evaluations: e.evaluations, error_estimate: e.error_estimate }
    }
}

/// When and where one task ran, measured from the start of the sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The task's position in the list of sizes.
    pub index: usize,
    /// Its sample size.
    pub n: u64,
    /// The thread (or worker process) that ran it, from 0.
    pub worker: usize,
    /// When it started.
    pub start: Duration,
    /// When it ended.
    pub end: Duration,
}

/// Which backend runs a sweep, and on how many threads or processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Backend {
    /// A plain loop.
    Serial,
    /// A rayon pool of `threads` threads.
    Rayon {
        /// Threads in the pool.
        threads: usize,
    },
    /// `threads` scoped threads, each with one contiguous block.
    Chunked {
        /// Scoped threads, one block each.
        threads: usize,
    },
    /// `workers` processes of the `parlab` binary.
    Process {
        /// Worker processes.
        workers: usize,
    },
}

impl Backend {
    /// The names of the backends, as the command line takes them.
    pub const NAMES: [&'static str; 4] = ["serial", "rayon", "chunked", "process"];

    /// The backend called `name`, on `threads` threads (ignored for `serial`).
    pub fn parse(name: &str, threads: usize) -> Result<Backend> {
        if threads == 0 {
            return Err(Error::ZeroThreads);
        }
        match name.trim().to_ascii_lowercase().as_str() {
            "serial" => Ok(Backend::Serial),
            "rayon" | "threads" | "pool" => Ok(Backend::Rayon { threads }),
            "chunked" | "static" => Ok(Backend::Chunked { threads }),
            "process" | "processes" => Ok(Backend::Process { workers: threads }),
            _ => Err(Error::UnknownBackend { name: name.to_string() }),
        }
    }

    /// The backend's name.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Serial => "serial",
            Backend::Rayon { .. } => "rayon",
            Backend::Chunked { .. } => "chunked",
            Backend::Process { .. } => "process",
        }
    }

    /// How many threads or processes it uses.
    pub fn threads(self) -> usize {
        match self {
            Backend::Serial => 1,
            Backend::Rayon { threads } | Backend::Chunked { threads } => threads,
            Backend::Process { workers } => workers,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Serial => f.write_str("serial"),
            other => write!(f, "{}({})", other.name(), other.threads()),
        }
    }
}

/// The result of a sweep: the points in the order of the sizes, and the task timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The setup every point was computed with.
    pub setup: Setup,
    /// The backend that ran it.
    pub backend: Backend,
    /// One point per size, in the order the sizes were given.
    pub points: Vec<Point>,
    /// One record per task, in the same order.
    pub tasks: Vec<Task>,
    /// Wall-clock time of the whole sweep.
    pub elapsed: Duration,
}

impl Sweep {
    /// The rule of every point.
    pub fn rule(&self) -> Rule {
        self.setup.rule()
    }

    /// The estimates alone, in order.
    pub fn values(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.value).collect()
    }

    /// Whether two sweeps have the same sizes and the same bits in every value.
    pub fn same_bits(&self, other: &Sweep) -> bool {
        self.points.len() == other.points.len()
            && self.points.iter().zip(&other.points).all(|(p, q)| {
                p.n == q.n
                    && p.value.to_bits() == q.value.to_bits()
                    && p.error_estimate.map(f64::to_bits) == q.error_estimate.map(f64::to_bits)
            })
    }
}

/// The lecture's sizes: n = 0, 1, …, samples − 1.
pub fn below(samples: u64) -> Vec<u64> {
    (0..samples).collect()
}

/// The sizes below `samples` that `rule` can take (grid rules need n ≥ 1,
/// Simpson an even n ≥ 2, Monte Carlo n ≥ 1).
pub fn accepted_below(rule: Rule, samples: u64) -> Vec<u64> {
    (0..samples).filter(|&n| rule.accepts(n)).collect()
}

/// Sizes that double from `from` up to at most `to`: for log-log plots.
///
/// ```
/// assert_eq!(parlab::sweep::doubling(2, 20), vec![2, 4, 8, 16]);
/// ```
pub fn doubling(from: u64, to: u64) -> Vec<u64> {
    std::iter::successors(Some(from.max(1)), |&n| n.checked_mul(2)).take_while(|&n| n <= to).collect()
}

/// Checks every size and the total work, so that no task fails for its input.
pub fn check(setup: &Setup, sizes: &[u64]) -> Result<()> {
    if sizes.is_empty() {
        return Err(Error::NoSizes);
    }
    let mut total = 0.0;
    for &n in sizes {
        setup.check(n)?;
        total += n as f64;
    }
    if total > MAX_TOTAL_POINTS {
        return Err(Error::SweepTooLarge { total, limit: MAX_TOTAL_POINTS });
    }
    Ok(())
}

/// Runs a sweep on `backend`, building its pool or processes first.
///
/// For timing, build the pool yourself ([`crate::parallel::Pool::new`]) and
/// call [`crate::parallel::sweep`], so the clock does not time the pool's start-up.
///
/// # Scope
///
/// `f` is borrowed (shared) by every thread for the duration of the call, so
/// it must be `Sync`; the process backend borrows it only to read its
/// [`Recipe`](crate::Recipe). Nothing of `f` outlives the call.
pub fn run(f: &dyn Integrand, setup: &Setup, sizes: &[u64], backend: Backend) -> Result<Sweep> {
    match backend {
        Backend::Serial => crate::serial::sweep(f, setup, sizes),
        Backend::Rayon { threads } => {
            let pool = crate::parallel::Pool::new(threads)?;
            crate::parallel::sweep(f, setup, sizes, &pool)
        }
        Backend::Chunked { threads } => crate::chunked::sweep(f, setup, sizes, threads),
        Backend::Process { workers } => crate::process::sweep(f, setup, sizes, workers),
    }
}

/// One task, as every backend runs it: a panic in `f` becomes an error.
pub(crate) fn task<F: Integrand + ?Sized>(f: &F, setup: &Setup, n: u64) -> Result<Point> {
    // scope: `f` and `setup` are borrowed into the closure; AssertUnwindSafe
    // because on a panic we drop everything the task made and keep nothing.
    panic::catch_unwind(AssertUnwindSafe(|| setup.estimate_checked(f, n)))
        .unwrap_or_else(|payload| Err(Error::Panicked { n, message: panic_message(payload.as_ref()) }))
        .map(Point::from)
}

/// Runs one task and records when it ran, relative to `t0`.
pub(crate) fn timed_task<F: Integrand + ?Sized>(
    f: &F,
    setup: &Setup,
    index: usize,
    n: u64,
    worker: usize,
    t0: Instant,
) -> (Result<Point>, Task) {
    let start = t0.elapsed();
    let point = task(f, setup, n);
    let end = t0.elapsed();
    (point, Task { index, n, worker, start, end })
}

/// Collects task results in order; the first error in size order wins.
pub(crate) fn assemble(
    setup: &Setup,
    backend: Backend,
    results: Vec<(Result<Point>, Task)>,
    elapsed: Duration,
) -> Result<Sweep> {
    let mut points = Vec::with_capacity(results.len());
    let mut tasks = Vec::with_capacity(results.len());
    for (point, task) in results {
        points.push(point?);
        tasks.push(task);
    }
    Ok(Sweep { setup: *setup, backend, points, tasks, elapsed })
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}
