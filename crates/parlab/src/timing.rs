//! Timing done right: warm-up, repeated runs, median and spread, and the machine.
//!
//! The lecture times one run with `timeit(number=1)`; single runs of the same
//! code vary by tens of percent. Here every measurement is a [`Timing`]: a
//! few warm-up runs that are thrown away, then `repeats` runs, reported as
//! median, min and max.

use std::fmt;
use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Repeated run times of one piece of work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Each timed run, in the order they ran.
    pub runs: Vec<Duration>,
}

impl Timing {
    /// The median run (the mean of the middle two for an even count).
    pub fn median(&self) -> Duration {
        let mut sorted = self.runs.clone();
        sorted.sort();
        match sorted.len() {
            0 => Duration::ZERO,
            len if len % 2 == 1 => sorted[len / 2],
            len => (sorted[len / 2 - 1] + sorted[len / 2]) / 2,
        }
    }
    /// The fastest run.
    pub fn min(&self) -> Duration {
        self.runs.iter().copied().min().unwrap_or_default()
    }
    /// The slowest run.
    pub fn max(&self) -> Duration {
        self.runs.iter().copied().max().unwrap_or_default()
    }
    /// (max − min) / median: how much single runs disagree.
    pub fn spread(&self) -> f64 {
        let median = self.median().as_secs_f64();
        if median == 0.0 { 0.0 } else { (self.max() - self.min()).as_secs_f64() / median }
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "median {:.3?} (min {:.3?}, max {:.3?}, {} runs)",
            self.median(),
            self.min(),
            self.max(),
            self.runs.len()
        )
    }
}

/// Runs `work` `warmup` times untimed, then `repeats` times timed.
///
/// # Scope
///
/// `work` moves into the call, and each run borrows it mutably (`FnMut`: it
/// may change what it captured); each result passes through `black_box` and is dropped at once,
/// so the compiler cannot skip the work.
///
/// # Examples
///
/// ```
/// let timing = parlab::timing::measure(1, 5, || (0..1000u64).sum::<u64>());
/// assert_eq!(timing.runs.len(), 5);
/// assert!(timing.min() <= timing.median() && timing.median() <= timing.max());
/// ```
pub fn measure<R>(warmup: usize, repeats: usize, mut work: impl FnMut() -> R) -> Timing {
    for _ in 0..warmup {
        black_box(work());
    }
    let runs = (0..repeats.max(1))
        .map(|_| {
            let start = Instant::now();
            black_box(work());
            start.elapsed()
        })
        .collect();
    Timing { runs }
}

/// How many threads this process may run at once: the honest `cpu_count`.
///
/// `std::thread::available_parallelism` respects CPU affinity and container
/// quotas; the lecture's `mp.cpu_count()` counts the machine's CPUs. Also
/// [`parallel::available_threads`](crate::parallel::available_threads), where the pools use it.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The machine a measurement was made on: record it beside every benchmark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// Threads this process may run at once (`available_parallelism`).
    pub available_parallelism: usize,
    /// The CPU model, where the system says.
    pub cpu_model: String,
    /// The operating system and architecture.
    pub os: String,
    /// The compiler that built parlab.
    pub rustc: String,
    /// The build profile and optimisation level parlab was built with.
    pub profile: String,
}

impl Machine {
    /// The machine this process runs on.
    pub fn current() -> Machine {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|s| s.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        Machine {
            available_parallelism: available_threads(),
            cpu_model,
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            rustc: env!("PARLAB_RUSTC").to_string(),
            profile: format!("{} (opt-level {})", env!("PARLAB_PROFILE"), env!("PARLAB_OPT_LEVEL")),
        }
    }
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} threads available, {}, {}, {}",
            self.cpu_model, self.available_parallelism, self.os, self.rustc, self.profile
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max_and_spread() {
        let ms = |v: u64| Duration::from_millis(v);
        let t = Timing { runs: vec![ms(30), ms(10), ms(20), ms(40)] };
        assert_eq!(t.median(), ms(25));
        assert_eq!((t.min(), t.max()), (ms(10), ms(40)));
        assert!((t.spread() - 30.0 / 25.0).abs() < 1e-12);
    }
}
